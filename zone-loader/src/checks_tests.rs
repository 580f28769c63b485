//! The zone checks against named-checkzone's verdicts: each bad zone
//! rejected or warned about as BIND 9.18 does with its defaults, with the
//! check named.

use crate::parse_tests::GOOD_APEX;
use crate::problem::{ProblemKind, Problems, Severity, TargetFault};
use crate::rtype::code;
use crate::wire::name::Name;
use crate::zone_from_str;

fn origin() -> Name {
    Name::from_text(b"example.com.", &Name::root()).unwrap()
}

fn check(extra: &str) -> Result<Problems, Problems> {
    zone_from_str(&format!("{GOOD_APEX}{extra}"), &origin(), "test.zone").map(|(_, p)| p)
}

fn target(rtype: u16, name: &str, fault: TargetFault) -> ProblemKind {
    ProblemKind::BadTarget {
        rtype,
        target: name.to_string(),
        fault,
    }
}

const DIGEST: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[test]
fn zone_checks_reject_what_named_checkzone_rejects() {
    use ProblemKind as P;
    use TargetFault as F;
    let table: &[(&str, ProblemKind, &str)] = &[
        (
            "www CNAME a\nwww A 192.0.2.2\n",
            P::CnameAndOtherData,
            "cname",
        ),
        ("www CNAME a\nwww CNAME b\n", P::MultipleCnames, "cname"),
        ("www DNAME a.\nwww DNAME b.\n", P::MultipleDnames, "dname"),
        ("@ SOA ns hm 2 2 3 4 5\n", P::MultipleSoa, "soa"),
        ("sub SOA ns hm 2 2 3 4 5\n", P::SoaNotAtApex, "soa"),
        (
            "@ NS ns2\nns2 TXT x\n",
            target(code::NS, "ns2.example.com.", F::NoAddress),
            "ns-target",
        ),
        (
            "@ NS w\nx.w A 192.0.2.3\n",
            target(code::NS, "w.example.com.", F::NoAddress),
            "ns-target",
        ),
        (
            "@ NS c\nc CNAME ns\n",
            target(code::NS, "c.example.com.", F::Cname),
            "ns-target",
        ),
        (
            "@ NS x.d\nd DNAME example.net.\n",
            target(
                code::NS,
                "x.d.example.com.",
                F::BelowDname("d.example.com.".into()),
            ),
            "ns-target",
        ),
        (&format!("@ DS 1 8 2 {DIGEST}\n"), P::DsAtApex, "ds-at-apex"),
        (
            &format!("@ CDS 1 8 2 {DIGEST}\n"),
            P::CdsWithoutDnskey(code::CDS),
            "cds-dnskey",
        ),
        (
            &format!("@ DNSKEY 257 3 13 AQID\n@ CDS 1 8 2 {DIGEST}\n"),
            P::CdsWithoutDnskey(code::CDS),
            "cds-dnskey",
        ),
        (
            &format!("@ DNSKEY 257 3 8 AQID\n@ CDS 0 0 0 00\n@ CDS 1 8 2 {DIGEST}\n"),
            P::CdsWithoutDnskey(code::CDS),
            "cds-dnskey",
        ),
        ("*.w NS ns\n", P::WildcardNs, "wildcard-ns"),
        (
            "@ NSEC3PARAM 0 0 0 -\n",
            P::Nsec3ParamUnsupported,
            "nsec3param",
        ),
        (
            "@ DNSKEY 257 3 8 AQID\n@ CDNSKEY 257 3 13 AQID\n",
            P::CdsWithoutDnskey(code::CDNSKEY),
            "cds-dnskey",
        ),
    ];
    for (extra, kind, check_name) in table {
        let problems = check(extra).expect_err(extra);
        let found = problems
            .list
            .iter()
            .find(|p| p.kind == *kind)
            .unwrap_or_else(|| panic!("{extra}: {:?}", problems.list));
        assert_eq!(
            (found.severity, found.kind.check()),
            (Severity::Error, *check_name),
            "{extra}"
        );
        assert_eq!(problems.errors(), 1, "{extra}: {:?}", problems.list);
    }
    let no_soa = zone_from_str("$TTL 60\n@ NS ns\n", &origin(), "t.zone").unwrap_err();
    assert!(no_soa.list.iter().any(|p| p.kind == ProblemKind::NoSoa));
    let no_ns = zone_from_str("$TTL 60\n@ SOA ns hm 1 2 3 4 5\n", &origin(), "t.zone").unwrap_err();
    assert!(no_ns.list.iter().any(|p| p.kind == ProblemKind::NoApexNs));
}

#[test]
fn zone_checks_warn_where_named_checkzone_only_logs() {
    use TargetFault as F;
    let table: &[(&str, ProblemKind)] = &[
        ("www.example.org. A 192.0.2.1\n", ProblemKind::OutOfZone),
        (
            "sub NS ns.sub\n",
            target(code::NS, "ns.sub.example.com.", F::NoAddress),
        ),
        (
            "sub NS nsc\nnsc CNAME ns\n",
            target(code::NS, "nsc.example.com.", F::Cname),
        ),
        (
            "@ MX 10 mail\n",
            target(code::MX, "mail.example.com.", F::NoAddress),
        ),
        (
            "@ MX 10 mail\nmail CNAME ns\n",
            target(code::MX, "mail.example.com.", F::Cname),
        ),
        (
            "@ MX 1 x.d\nd DNAME example.net.\n",
            target(
                code::MX,
                "x.d.example.com.",
                F::BelowDname("d.example.com.".into()),
            ),
        ),
        (
            "_s._tcp SRV 0 0 1 nosuch\n",
            target(code::SRV, "nosuch.example.com.", F::NoAddress),
        ),
    ];
    for (extra, kind) in table {
        let problems = check(extra).unwrap_or_else(|p| panic!("{extra}: {:?}", p.list));
        let found: Vec<&ProblemKind> = problems.list.iter().map(|p| &p.kind).collect();
        assert_eq!(found, [kind], "{extra}");
        assert_eq!(problems.warnings(), 1, "{extra}");
    }
}

#[test]
fn out_of_zone_data_is_ignored() {
    let (zone, _) = zone_from_str(
        &format!("{GOOD_APEX}www.example.org. A 192.0.2.1\n"),
        &origin(),
        "t",
    )
    .unwrap();
    assert_eq!(zone.stats().records, 3);
}

#[test]
fn zone_checks_accept_what_named_checkzone_accepts() {
    let good = [
        "@ NS ns.w\n*.w A 192.0.2.3\n",
        "@ NS ns.sub\nsub NS ns.example.net.\n",
        "@ MX 0 .\n@ MX 1 mail.example.net.\n",
        "sub DS 1 8 2 0000000000000000000000000000000000000000000000000000000000000000\n",
        "@ CDS 0 0 0 00\n@ CDNSKEY 0 3 0 AA==\n",
        "@ NSEC3PARAM 0 0 0 -\n@ NSEC3PARAM 1 0 0 -\n",
        "@ DNSKEY 257 3 8 AQID\n@ CDNSKEY 257 3 8 AQIE\n",
    ];
    for extra in good {
        let problems = check(extra).unwrap_or_else(|p| panic!("{extra}: {:?}", p.list));
        assert!(problems.list.is_empty(), "{extra}: {:?}", problems.list);
    }
}

#[test]
fn zone_checks_warn_and_normalise() {
    let problems = check("www A 192.0.2.1\nwww A 192.0.2.1\nwww 30 A 192.0.2.2\n").unwrap();
    let kinds: Vec<&ProblemKind> = problems.list.iter().map(|p| &p.kind).collect();
    assert!(kinds.contains(&&ProblemKind::Duplicate));
    assert!(kinds.contains(&&ProblemKind::TtlMismatch {
        kept: 60,
        found: 30
    }));
    let (zone, _) = zone_from_str(
        &format!("{GOOD_APEX}www A 192.0.2.1\nwww A 192.0.2.1\nwww 30 A 192.0.2.2\n"),
        &origin(),
        "t",
    )
    .unwrap();
    let node = zone.node(zone.find(b"\x03www\x07example\x03com\x00").unwrap());
    let rrset = zone.rrset(node, code::A).unwrap();
    assert_eq!((rrset.count, rrset.ttl), (2, 60));
}
