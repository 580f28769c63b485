//! Tests of [`super`]: what NSEC and NSEC3 records prove, with records built here.

use std::str::FromStr;

use super::*;

fn name(text: &str) -> Name {
    Name::from_str(text).unwrap()
}

fn nsec(owner: &str, next: &str, types: &[RecordType]) -> Record {
    Record::from_rdata(
        name(owner),
        300,
        RData::DNSSEC(DNSSECRData::NSEC(NSEC::new(
            name(next),
            types.iter().copied(),
        ))),
    )
}

#[test]
fn nsec_proves_nxdomain_nodata_and_empty_non_terminals() {
    use RecordType::{A, MX, NS, NSEC as NSEC_TYPE, RRSIG, SOA, TXT};
    let records = vec![
        nsec(
            "example.",
            "a.b.ent.example.",
            &[NS, SOA, MX, RRSIG, NSEC_TYPE],
        ),
        nsec("a.b.ent.example.", "www.example.", &[TXT, RRSIG, NSEC_TYPE]),
        nsec("www.example.", "example.", &[A, RRSIG, NSEC_TYPE]),
    ];
    let set = nsecs(&records);
    // nope.example. sorts between a.b.ent.example. and www.example.;
    // *.example. sorts before a.b.ent.example., after example.
    assert_eq!(nsec_nxdomain(&name("nope.example."), &set), Proof::Proven);
    assert_eq!(
        nsec_nxdomain(&name("www.example."), &set),
        Proof::Missing,
        "it exists"
    );
    assert_eq!(
        nsec_nodata(&name("www.example."), RecordType::AAAA, &set),
        Proof::Proven
    );
    assert_eq!(
        nsec_nodata(&name("www.example."), A, &set),
        Proof::Missing,
        "A is there"
    );
    assert_eq!(
        nsec_nodata(&name("ent.example."), A, &set),
        Proof::Proven,
        "an empty non-terminal"
    );
    // Without the NSEC that covers the wildcard, NXDOMAIN is not proven.
    let partial = nsecs(&records[1..]);
    assert_eq!(
        nsec_nxdomain(&name("nope.example."), &partial),
        Proof::Missing
    );
}

#[test]
fn rfc4035_5_4_an_nsec_leading_below_a_name_proves_that_it_exists() {
    use RecordType::{A, NS, NSEC as NSEC_TYPE, RRSIG, SOA, TXT};
    // sec. holds x.g.deep.sec., ns1.nic.sec. and *.sec. (TXT only):
    // deep.sec., g.deep.sec. and nic.sec. are empty non-terminals.
    let records = vec![
        nsec("sec.", "*.sec.", &[NS, SOA, RRSIG, NSEC_TYPE]),
        nsec("*.sec.", "x.g.deep.sec.", &[TXT, RRSIG, NSEC_TYPE]),
        nsec("x.g.deep.sec.", "ns1.nic.sec.", &[A, RRSIG, NSEC_TYPE]),
    ];
    let set = nsecs(&records);
    for ent in ["nic.sec.", "g.deep.sec.", "deep.sec."] {
        assert_eq!(nsec_nxdomain(&name(ent), &set), Proof::Missing, "{ent}");
        assert_eq!(nsec_nodata(&name(ent), NS, &set), Proof::Proven, "{ent}");
        // Nor is an existing name a wildcard expansion.
        let expanded = wildcard_answer(&name(ent), &name("sec."), &records);
        assert_eq!(expanded, Proof::Missing, "{ent}");
    }
    assert_eq!(nsec_nxdomain(&name("m.sec."), &set), Proof::Missing);
    assert_eq!(
        nsec_nodata(&name("m.sec."), A, &set),
        Proof::Proven,
        "m.sec. does not exist and *.sec. has no A"
    );
    // a.nic.sec.'s closest encloser is nic.sec., not sec.: the
    // wildcard *.sec. says nothing about it.
    assert_eq!(nsec_nodata(&name("a.nic.sec."), A, &set), Proof::Missing);
}

/// An NSEC3 chain (salt ab, 1 iteration) over `names` with their types;
/// `opt_out` on every record.
fn nsec3_chain(names: &[(&str, &[RecordType])], opt_out: bool) -> Vec<Record> {
    let hash = |n: &str| {
        Nsec3HashAlgorithm::SHA1
            .hash(&[0xab], &name(n), 1)
            .unwrap()
            .as_ref()
            .to_vec()
    };
    let mut hashed: Vec<(Vec<u8>, &[RecordType])> =
        names.iter().map(|(n, types)| (hash(n), *types)).collect();
    hashed.sort();
    (0..hashed.len())
        .map(|i| {
            let (owner, types) = &hashed[i];
            let next = hashed[(i + 1) % hashed.len()].0.clone();
            let label = data_encoding::BASE32HEX_NOPAD.encode(owner);
            let rdata = NSEC3::new(
                Nsec3HashAlgorithm::SHA1,
                opt_out,
                1,
                vec![0xab],
                next,
                types.iter().copied(),
            );
            Record::from_rdata(
                name(&format!("{label}.example.")),
                300,
                RData::DNSSEC(DNSSECRData::NSEC3(rdata)),
            )
        })
        .collect()
}

#[test]
fn rfc5155_7_1_an_empty_non_terminal_has_its_own_nsec3() {
    use RecordType::{A, NS, SOA};
    let zone = name("example.");
    let names: &[(&str, &[RecordType])] = &[
        ("example.", &[NS, SOA]),
        ("nic.example.", &[]),
        ("ns1.nic.example.", &[A]),
    ];
    let records = nsec3_chain(names, false);
    let set = nsec3s(&records);
    let ent = name("nic.example.");
    assert_eq!(nsec3_nxdomain(&ent, &zone, &set), Proof::Missing);
    assert_eq!(nsec3_nodata(&ent, NS, &zone, &set), Proof::Proven);
    assert_eq!(nsec3_nodata(&ent, A, &zone, &set), Proof::Proven);
    assert_eq!(
        nsec3_nxdomain(&name("a.nic.example."), &zone, &set),
        Proof::Proven,
        "closest encloser nic.example., its wildcard covered"
    );
}

#[test]
fn nsec3_proves_nxdomain_and_nodata_and_opt_out_is_insecure() {
    use RecordType::{A, NS, SOA};
    let zone = name("example.");
    let names: &[(&str, &[RecordType])] = &[
        ("example.", &[NS, SOA]),
        ("www.example.", &[A]),
        ("child.example.", &[NS]),
    ];
    let records = nsec3_chain(names, false);
    let set = nsec3s(&records);
    assert_eq!(
        nsec3_nxdomain(&name("nope.example."), &zone, &set),
        Proof::Proven
    );
    assert_eq!(
        nsec3_nodata(&name("www.example."), RecordType::AAAA, &zone, &set),
        Proof::Proven
    );
    assert_eq!(
        nsec3_nodata(&name("www.example."), A, &zone, &set),
        Proof::Missing
    );
    assert!(insecure_delegation(
        &name("child.example."),
        &zone,
        &records
    ));
    assert_eq!(
        nsec3_nxdomain(&name("nope.example."), &zone, &nsec3s(&records[..1])),
        Proof::Missing
    );

    // Opt-out: an unsigned delegation may hide in the span.
    let opt_out = nsec3_chain(&names[..2], true);
    let set = nsec3s(&opt_out);
    assert_eq!(
        nsec3_nodata(&name("unsigned.example."), RecordType::DS, &zone, &set),
        Proof::Insecure
    );
    assert!(insecure_delegation(
        &name("unsigned.example."),
        &zone,
        &opt_out
    ));
    assert_eq!(
        nsec3_nxdomain(&name("nope.example."), &zone, &set),
        Proof::Insecure
    );
}

#[test]
fn an_nsec_at_a_cut_says_nothing_about_names_below_it() {
    use RecordType::{NS, NSEC as NSEC_TYPE, RRSIG};
    let records = vec![
        nsec(
            "example.",
            "child.example.",
            &[NS, RecordType::SOA, RRSIG, NSEC_TYPE],
        ),
        nsec("child.example.", "example.", &[NS, RRSIG, NSEC_TYPE]),
    ];
    let set = nsecs(&records);
    assert_eq!(
        nsec_nxdomain(&name("www.child.example."), &set),
        Proof::Missing
    );
    assert_eq!(nsec_nxdomain(&name("zzz.example."), &set), Proof::Proven);
}

#[test]
fn nsec_at_a_delegation_without_ds_proves_it_insecure() {
    use RecordType::{NS, NSEC as NSEC_TYPE, RRSIG};
    let records = vec![nsec(
        "child.example.",
        "www.example.",
        &[NS, RRSIG, NSEC_TYPE],
    )];
    let zone = name("example.");
    assert!(insecure_delegation(
        &name("child.example."),
        &zone,
        &records
    ));
    assert_eq!(
        nsec_nodata(&name("child.example."), RecordType::DS, &nsecs(&records)),
        Proof::Proven
    );
    let signed = vec![nsec(
        "child.example.",
        "www.example.",
        &[NS, RecordType::DS, RRSIG, NSEC_TYPE],
    )];
    assert!(!insecure_delegation(
        &name("child.example."),
        &zone,
        &signed
    ));
}
