//! DNSSEC validation against Unbound: the signed world
//! (tests/src/signed_world.rs) served by authdns, the resolver and
//! Unbound (validator on) given the same trust anchor, the same questions;
//! RCODE, AD and the answer must agree. The resolver's Extended DNS Errors
//! are checked too.

use std::net::SocketAddr;

use hickory_proto::op::{Edns, Message, ResponseCode};
use hickory_proto::rr::RecordType;
use tests::client::{self, recursive};
use tests::fake::FakeServer;
use tests::peers;
use tests::signed_world::SignedWorld;
use tests::spawn::{Process, resolver};

/// The questions, with what each must give.
const CASES: &[(&str, RecordType, Expect)] = &[
    (
        "www.sec.",
        RecordType::A,
        Expect::Secure(ResponseCode::NoError),
    ),
    (
        "x.wild.sec.",
        RecordType::A,
        Expect::Secure(ResponseCode::NoError),
    ),
    (
        "nope.sec.",
        RecordType::A,
        Expect::Secure(ResponseCode::NXDomain),
    ),
    (
        "www.sec.",
        RecordType::TXT,
        Expect::Secure(ResponseCode::NoError),
    ),
    (
        "sec.",
        RecordType::DNSKEY,
        Expect::Secure(ResponseCode::NoError),
    ),
    (
        "www.n3.",
        RecordType::A,
        Expect::Secure(ResponseCode::NoError),
    ),
    // Opt-out spans every name of n3.: a wildcard expansion there is not
    // proven, and neither is NXDOMAIN.
    (
        "x.wild.n3.",
        RecordType::A,
        Expect::Insecure(ResponseCode::NoError),
    ),
    (
        "text.n3.",
        RecordType::TXT,
        Expect::Secure(ResponseCode::NoError),
    ),
    (
        "www.n3.",
        RecordType::MX,
        Expect::Secure(ResponseCode::NoError),
    ),
    (
        "nope.n3.",
        RecordType::A,
        Expect::Insecure(ResponseCode::NXDomain),
    ),
    (
        "www.unsigned.n3.",
        RecordType::A,
        Expect::Insecure(ResponseCode::NoError),
    ),
    (
        "www.n3many.",
        RecordType::A,
        Expect::Secure(ResponseCode::NoError),
    ),
    (
        "nope.n3many.",
        RecordType::A,
        Expect::Insecure(ResponseCode::NXDomain),
    ),
    (
        "www.plain.",
        RecordType::A,
        Expect::Insecure(ResponseCode::NoError),
    ),
    (
        "nope.plain.",
        RecordType::A,
        Expect::Insecure(ResponseCode::NXDomain),
    ),
    (
        "www.unsupp.",
        RecordType::A,
        Expect::Insecure(ResponseCode::NoError),
    ),
    ("www.baddsx.", RecordType::A, Expect::Bogus(9)),
    ("www.expired.", RecordType::A, Expect::Bogus(7)),
    ("www.nosig.", RecordType::A, Expect::Bogus(10)),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// This RCODE with AD.
    Secure(ResponseCode),
    /// This RCODE without AD.
    Insecure(ResponseCode),
    /// SERVFAIL (with this Extended DNS Error from us).
    Bogus(u16),
}

fn ask(addr: SocketAddr, name: &str, rtype: RecordType, dnssec: bool, cd: bool) -> Message {
    let mut q = recursive(name, rtype);
    let mut edns = Edns::new();
    edns.set_max_payload(1232);
    edns.set_dnssec_ok(dnssec);
    q.set_edns(edns);
    q.metadata.checking_disabled = cd;
    client::tcp(addr, &q).unwrap_or_else(|e| panic!("{addr} {name} {rtype}: {e}"))
}

/// The Extended DNS Error code in a response, if any.
fn ede(message: &Message) -> Option<u16> {
    let raw = message.to_vec().ok()?;
    let at = raw.windows(2).rposition(|w| w == [0, 15])?;
    raw.get(at + 4..at + 6)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
}

fn verdict(message: &Message) -> String {
    format!(
        "{:?} ad={} answers={}",
        message.metadata.response_code,
        message.metadata.authentic_data,
        message
            .answers
            .iter()
            .filter(|r| r.record_type() != RecordType::RRSIG)
            .count()
    )
}

#[test]
#[ignore = "needs Unbound and ldnsutils (run by .ci/run)"]
fn validation_agrees_with_unbound_on_the_signed_world() {
    let world = SignedWorld::start(37);
    let anchor = world.anchor.display().to_string();
    let ours: SocketAddr = "127.37.0.1:5301".parse().unwrap();
    let _resolver: Process = resolver(
        &world.hints,
        ours,
        &["--trust-anchor", &anchor],
        "upstream-port = 53\nipv6 = false\n",
    );
    let theirs: SocketAddr = "127.37.0.2:5301".parse().unwrap();
    let extra = format!(
        "  module-config: \"validator iterator\"\n  trust-anchor-file: \"{anchor}\"\n  \
         val-log-level: 2\n  ede: yes\n"
    );
    let _unbound = peers::unbound_with(theirs, &world.hints, &extra);

    let mut differences = Vec::new();
    for &(name, rtype, expect) in CASES {
        let (mine, unbound) = (
            ask(ours, name, rtype, true, false),
            ask(theirs, name, rtype, true, false),
        );
        if full(&mine) != full(&unbound) {
            differences.push(format!(
                "{name} {rtype}: unbound {} / ours {}",
                full(&unbound),
                full(&mine)
            ));
        }
        let (rcode, ad) = (mine.metadata.response_code, mine.metadata.authentic_data);
        match expect {
            Expect::Secure(want) => {
                assert!(rcode == want && ad, "{name} {rtype}: {}", verdict(&mine))
            }
            Expect::Insecure(want) => {
                assert!(rcode == want && !ad, "{name} {rtype}: {}", verdict(&mine))
            }
            Expect::Bogus(code) => {
                assert_eq!(rcode, ResponseCode::ServFail, "{name} {rtype}");
                assert_eq!(
                    ede(&mine),
                    Some(code),
                    "{name} {rtype}: the Extended DNS Error"
                );
                // CD: the data as it is, unvalidated.
                let unchecked = ask(ours, name, rtype, true, true);
                assert_eq!(
                    unchecked.metadata.response_code,
                    ResponseCode::NoError,
                    "{name} CD"
                );
                assert!(!unchecked.metadata.authentic_data);
            }
        }
    }
    assert!(
        differences.is_empty(),
        "differences from Unbound:\n{}",
        differences.join("\n")
    );

    // RFC 8198: names in a gap that a validated NSEC already proves, and
    // types a validated NSEC lacks, are answered without asking.
    for (name, rtype, rcode) in [
        ("other.sec.", RecordType::A, ResponseCode::NXDomain),
        ("other.sec.", RecordType::AAAA, ResponseCode::NXDomain),
        ("www.sec.", RecordType::SRV, ResponseCode::NoError),
    ] {
        let mine = ask(ours, name, rtype, true, false);
        assert_eq!(mine.metadata.response_code, rcode, "{name} {rtype}");
        assert!(mine.metadata.authentic_data, "{name} {rtype}: AD");
        assert!(mine.answers.is_empty());
        let unbound = ask(theirs, name, rtype, true, false);
        assert_eq!(full(&mine), full(&unbound), "{name} {rtype}");
    }
    let log = world.tld_log();
    assert!(
        !log.contains("other.sec.") && !log.contains("www.sec. SRV"),
        "answered from validated NSEC records, not asked:\n{log}"
    );

    // DO brings the RRSIGs; without DO and AD, no AD and no RRSIG.
    let signed = ask(ours, "www.sec.", RecordType::A, true, false);
    assert!(
        signed
            .answers
            .iter()
            .any(|r| r.record_type() == RecordType::RRSIG)
    );
    let plain = ask(ours, "www.sec.", RecordType::A, false, false);
    assert!(!plain.metadata.authentic_data);
    assert!(
        plain
            .answers
            .iter()
            .all(|r| r.record_type() != RecordType::RRSIG)
    );
}

/// Empty non-terminals of the signed world, each after a name whose
/// denial brings the NSEC covering it (and so primes RFC 8198 synthesis
/// from the cache): `dd.` sorts between `d2.` and `x.g.deep.`, `m.`
/// between `loopb.` and `ns1.nic.`, `u.` between `text.` and `*.wild.`.
/// The NSEC3 zones get the same questions in the same order.
const PRIMED: &[(&str, &[&str])] = &[
    ("dd.sec.", &["deep.sec.", "g.deep.sec."]),
    ("m.sec.", &["nic.sec."]),
    ("u.sec.", &["wild.sec."]),
    ("dd.n3.", &["deep.n3.", "g.deep.n3.", "ent.n3."]),
    ("m.n3.", &["nic.n3."]),
    ("dd.n3x.", &["deep.n3x.", "g.deep.n3x."]),
    ("m.n3x.", &["nic.n3x."]),
];

/// The types every empty non-terminal is asked with.
const ENT_TYPES: &[RecordType] = &[
    RecordType::NS,
    RecordType::A,
    RecordType::AAAA,
    RecordType::MX,
    RecordType::TXT,
    RecordType::SOA,
];

/// Through DNAMEs in `sec.` (to `target.sec.` and to `n3.`): an answer,
/// NODATA and NXDOMAIN at the end of the chain.
const THROUGH_DNAME: &[(&str, RecordType)] = &[
    ("www.dn.sec.", RecordType::A),
    ("www.dn.sec.", RecordType::AAAA),
    ("nope.dn.sec.", RecordType::A),
    ("www.dnx.sec.", RecordType::A),
    ("text.dnx.sec.", RecordType::TXT),
];

/// The same through the DNAMEs of the unsigned `plain.`: no AD.
const THROUGH_UNSIGNED_DNAME: &[(&str, RecordType)] = &[
    ("www.dn.plain.", RecordType::A),
    ("nope.dn.plain.", RecordType::A),
    ("www.dnx.plain.", RecordType::A),
];

/// CNAME and DNAME loops: a self-loop, two names, two DNAMEs; signed
/// and unsigned.
const LOOPS: &[&str] = &[
    "self.sec.",
    "loopa.sec.",
    "x.d1.sec.",
    "self.plain.",
    "loopa.plain.",
    "x.d1.plain.",
];

/// RCODE, AD and the answer section with its RRSIGs (TTLs aside).
fn full(message: &Message) -> String {
    let mut answers: Vec<String> = message
        .answers
        .iter()
        .map(|r| format!("{} {} {}", r.name.to_lowercase(), r.record_type(), r.data))
        .collect();
    answers.sort();
    format!(
        "{:?} ad={} [{}]",
        message.metadata.response_code,
        message.metadata.authentic_data,
        answers.join(", ")
    )
}

/// The RRsets of the answer section that come without their RRSIGs,
/// but for CNAMEs synthesised from a DNAME (unsigned, RFC 6672 5.3.1).
fn unsigned_rrsets(message: &Message) -> Vec<String> {
    let answers = &message.answers;
    let signed = |owner: &hickory_proto::rr::Name, rtype: RecordType| {
        answers.iter().any(|r| {
            r.name == *owner
                && matches!(&r.data, hickory_proto::rr::RData::DNSSEC(
                    hickory_proto::dnssec::rdata::DNSSECRData::RRSIG(sig)
                ) if sig.input().type_covered == rtype)
        })
    };
    let synthesised = |owner: &hickory_proto::rr::Name| {
        answers.iter().any(|d| {
            d.record_type() == RecordType::DNAME && d.name != *owner && d.name.zone_of(owner)
        })
    };
    let mut missing: Vec<String> = answers
        .iter()
        .filter(|r| r.record_type() != RecordType::RRSIG)
        .filter(|r| !(r.record_type() == RecordType::CNAME && synthesised(&r.name)))
        .filter(|r| !signed(&r.name, r.record_type()))
        .map(|r| format!("{} {}", r.name, r.record_type()))
        .collect();
    missing.dedup();
    missing
}

#[test]
#[ignore = "needs Unbound and ldnsutils (run by .ci/run)"]
fn empty_non_terminals_dnames_and_loops_as_unbound_has_them() {
    let world = SignedWorld::start(57);
    let anchor = world.anchor.display().to_string();
    let ours: SocketAddr = "127.57.0.1:5301".parse().unwrap();
    let _resolver: Process = resolver(
        &world.hints,
        ours,
        &["--trust-anchor", &anchor],
        "upstream-port = 53\nipv6 = false\n",
    );
    let theirs: SocketAddr = "127.57.0.2:5301".parse().unwrap();
    let extra = format!(
        "  module-config: \"validator iterator\"\n  trust-anchor-file: \"{anchor}\"\n  \
         val-log-level: 2\n  ede: yes\n"
    );
    let _unbound = peers::unbound_with(theirs, &world.hints, &extra);

    let mut questions: Vec<(&str, RecordType)> = Vec::new();
    for (primer, ents) in PRIMED {
        questions.push((primer, RecordType::A));
        for ent in *ents {
            questions.extend(ENT_TYPES.iter().map(|&t| (*ent, t)));
        }
    }
    // Asked twice: the second answer comes from the cache.
    for _ in 0..2 {
        questions.extend(THROUGH_DNAME);
        questions.extend(THROUGH_UNSIGNED_DNAME);
    }
    for name in LOOPS {
        questions.extend([(*name, RecordType::A), (*name, RecordType::A)]);
    }

    let mut differences = Vec::new();
    for &(name, rtype) in &questions {
        let (mine, unbound) = (
            ask(ours, name, rtype, true, false),
            ask(theirs, name, rtype, true, false),
        );
        if full(&mine) != full(&unbound) {
            differences.push(format!(
                "{name} {rtype}\n  unbound: {}\n  ours:    {}",
                full(&unbound),
                full(&mine)
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} questions differ from Unbound:\n{}",
        differences.len(),
        questions.len(),
        differences.join("\n")
    );

    for (_, ents) in PRIMED {
        for ent in *ents {
            let mine = ask(ours, ent, RecordType::A, true, false);
            assert_eq!(mine.metadata.response_code, ResponseCode::NoError, "{ent}");
            assert!(mine.answers.is_empty(), "{ent}");
        }
    }
    for &(name, rtype) in THROUGH_DNAME {
        let mine = ask(ours, name, rtype, true, false);
        assert!(mine.metadata.authentic_data, "{name} {rtype}: AD");
        assert!(
            mine.answers
                .iter()
                .any(|r| r.record_type() == RecordType::DNAME),
            "{name} {rtype}: the DNAME"
        );
        assert_eq!(
            unsigned_rrsets(&mine),
            Vec::<String>::new(),
            "{name} {rtype}"
        );
    }
    for name in LOOPS {
        let mine = ask(ours, name, RecordType::A, true, false);
        assert_eq!(
            mine.metadata.response_code,
            ResponseCode::ServFail,
            "{name}"
        );
        assert_eq!(ede(&mine), Some(0), "{name}: EDE 0 naming the loop");
    }
}

/// Insecure delegations proven by an NSEC3 without opt-out (`n3x.`) and
/// by an NSEC (`sec.`), the second met through an RFC 8509 sentinel
/// name: each is insecure, answered at once, with the child's DS asked
/// of its parent a handful of times, not hundreds (issue 13 item 1: the
/// resolver asked the same DS about 800 times, then overflowed its stack).
#[test]
#[ignore = "needs ldnsutils (run by .ci/run)"]
fn insecure_delegations_end_without_a_loop() {
    let world = SignedWorld::start(61);
    let anchor = world.anchor.display().to_string();
    let ours: SocketAddr = "127.61.0.1:5301".parse().unwrap();
    let resolver: Process = resolver(
        &world.hints,
        ours,
        &["--trust-anchor", &anchor],
        "upstream-port = 53\nipv6 = false\n",
    );
    for (name, rcode) in [
        ("www.zu.n3x.", ResponseCode::NoError),
        (
            "root-key-sentinel-is-ta-20326.zu.sec.",
            ResponseCode::NXDomain,
        ),
        ("www.zu.sec.", ResponseCode::NoError),
        ("www.zu.n3x.", ResponseCode::NoError),
    ] {
        let started = std::time::Instant::now();
        let mine = ask(ours, name, RecordType::A, true, false);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "{name}: answered at once"
        );
        assert_eq!(
            mine.metadata.response_code,
            rcode,
            "{name}: {}",
            verdict(&mine)
        );
        assert!(!mine.metadata.authentic_data, "{name}: insecure, no AD");
    }
    let log = world.tld_log();
    for child in ["zu.n3x. DS", "zu.sec. DS"] {
        let asked = log.matches(child).count();
        assert!((1..=4).contains(&asked), "{child} asked {asked} times");
    }
    // RRSIGs asked for are never AD (RFC 4035 3.2.3; issue 13 item 5),
    // from the authority or from the cache.
    for _ in 0..2 {
        let sigs = ask(ours, "www.sec.", RecordType::RRSIG, true, false);
        assert_eq!(sigs.metadata.response_code, ResponseCode::NoError);
        assert!(
            sigs.answers
                .iter()
                .any(|r| r.record_type() == RecordType::RRSIG),
            "the RRSIGs are answered"
        );
        assert!(!sigs.metadata.authentic_data, "www.sec. RRSIG: no AD");
    }
    assert!(
        resolver.stop(),
        "the resolver was still up, and stopped cleanly"
    );
}

/// The same insecure delegations, their DS denials relayed without the
/// SOA (RFC 2308 2.2 allows NODATA without one), the shape that made
/// the resolver ask the child's DS again for every check of the denial,
/// about 800 times, until its stack overflowed (issue 13 item 1). The
/// zone of an SOA-less denial is its NSEC/NSEC3 signer.
#[test]
#[ignore = "needs ldnsutils (run by .ci/run)"]
fn insecure_delegations_without_soa_end_without_a_loop() {
    let world = SignedWorld::start_tlds_at(62, 104);
    let _relay = FakeServer::relay("127.62.0.102:53", "127.62.0.104:53".parse().unwrap(), |m| {
        let ds = m
            .queries
            .first()
            .is_some_and(|q| q.query_type() == RecordType::DS);
        if ds && m.answers.is_empty() {
            m.authorities.retain(|r| {
                r.record_type() != RecordType::SOA
                    && !matches!(&r.data, hickory_proto::rr::RData::DNSSEC(
                        hickory_proto::dnssec::rdata::DNSSECRData::RRSIG(sig)
                    ) if sig.input().type_covered == RecordType::SOA)
            });
        }
    });
    let anchor = world.anchor.display().to_string();
    let ours: SocketAddr = "127.62.0.1:5301".parse().unwrap();
    let resolver: Process = resolver(
        &world.hints,
        ours,
        &["--trust-anchor", &anchor],
        "upstream-port = 53\nipv6 = false\n",
    );
    for (name, rcode, secure) in [
        ("www.sec.", ResponseCode::NoError, true),
        ("www.zu.n3x.", ResponseCode::NoError, false),
        (
            "root-key-sentinel-is-ta-20326.zu.sec.",
            ResponseCode::NXDomain,
            false,
        ),
        ("www.zu.sec.", ResponseCode::NoError, false),
    ] {
        let started = std::time::Instant::now();
        let mine = ask(ours, name, RecordType::A, true, false);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "{name}: answered at once"
        );
        assert_eq!(
            mine.metadata.response_code,
            rcode,
            "{name}: {}",
            verdict(&mine)
        );
        assert_eq!(mine.metadata.authentic_data, secure, "{name}: AD");
    }
    let log = world.tld_log();
    for child in ["zu.n3x. DS", "zu.sec. DS"] {
        let asked = log.matches(child).count();
        assert!((1..=4).contains(&asked), "{child} asked {asked} times");
    }
    assert!(
        resolver.stop(),
        "the resolver was still up, and stopped cleanly"
    );
}

/// Negative trust anchors (RFC 7646): below `baddsx.` and `expired.`
/// nothing is validated, so their bogus answers are answered without AD,
/// while `sec.` stays secure; removed from the file and reloaded with
/// SIGHUP, `baddsx.` is bogus again (issue 13 item 6).
#[test]
#[ignore = "needs ldnsutils (run by .ci/run)"]
fn negative_trust_anchors_skip_validation_and_reload() {
    let world = SignedWorld::start(65);
    let anchor = world.anchor.display().to_string();
    let ours: SocketAddr = "127.65.0.1:5301".parse().unwrap();
    let base = "upstream-port = 53\nipv6 = false\n";
    let resolver: Process = resolver(
        &world.hints,
        ours,
        &["--trust-anchor", &anchor],
        &format!("{base}negative-trust-anchors = [\"baddsx.\", \"Expired\"]\n"),
    );
    for name in ["www.baddsx.", "www.expired.", "www.baddsx."] {
        let mine = ask(ours, name, RecordType::A, true, false);
        assert_eq!(
            mine.metadata.response_code,
            ResponseCode::NoError,
            "{name}: {}",
            verdict(&mine)
        );
        assert!(!mine.metadata.authentic_data, "{name}: never AD");
    }
    let secure = ask(ours, "www.sec.", RecordType::A, true, false);
    assert!(
        secure.metadata.authentic_data,
        "www.sec. is still validated"
    );

    let config = std::env::temp_dir()
        .join(format!(
            "authdns-e2e-{}-resolver-127.65.0.1",
            std::process::id()
        ))
        .join("resolver.toml");
    tests::spawn::write_atomic(&config, &format!("client-rate-limit = 0\n{base}"));
    resolver.signal("HUP");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let bogus = loop {
        let again = ask(ours, "www.baddsx.", RecordType::A, true, false);
        if again.metadata.response_code == ResponseCode::ServFail
            || std::time::Instant::now() > deadline
        {
            break again;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(bogus.metadata.response_code, ResponseCode::ServFail);
    assert_eq!(ede(&bogus), Some(9), "DNSKEY missing, as without anchors");
}

/// A wildcard answer to a DO client carries the NSEC/NSEC3 records that
/// prove the query name itself does not exist (RFC 4035 3.1.3.3), from
/// the authority and from the cache alike (issue 13 item 4).
#[test]
#[ignore = "needs ldnsutils (run by .ci/run)"]
fn wildcard_answers_carry_their_proof() {
    let world = SignedWorld::start(67);
    let anchor = world.anchor.display().to_string();
    let ours: SocketAddr = "127.67.0.1:5301".parse().unwrap();
    let _resolver: Process = resolver(
        &world.hints,
        ours,
        &["--trust-anchor", &anchor],
        "upstream-port = 53\nipv6 = false\n",
    );
    for (name, proof) in [
        ("x.wild.sec.", RecordType::NSEC),
        ("x.wild.sec.", RecordType::NSEC),
        ("y.wild.n3x.", RecordType::NSEC3),
        ("y.wild.n3x.", RecordType::NSEC3),
    ] {
        let mine = ask(ours, name, RecordType::A, true, false);
        assert_eq!(mine.metadata.response_code, ResponseCode::NoError, "{name}");
        assert!(mine.metadata.authentic_data, "{name}: AD");
        assert!(
            mine.authorities.iter().any(|r| r.record_type() == proof),
            "{name}: the {proof} proving the name absent, in {:?}",
            mine.authorities
                .iter()
                .map(|r| format!("{} {}", r.name, r.record_type()))
                .collect::<Vec<_>>()
        );
    }
}

/// Every TLD has a second server (`ns2.tld.`, 127.0.0.211) that answers
/// fast with forged addresses under the real signatures, with DNSKEY
/// RRsets stripped of theirs and DS denials of their proofs' RRSIGs;
/// the honest one (127.0.0.208, a relay to authdns on .209) answers
/// slowly at first, so the forger is soon asked first. A bogus answer, DNSKEY
/// RRset or DS denial from it is asked again of the other server before
/// it is declared bogus (issue 13 item 2, Unbound's val-bogus retry):
/// every answer is secure and true, the unsigned children insecure.
#[test]
#[ignore = "needs ldnsutils (run by .ci/run)"]
fn a_bogus_answer_is_asked_again_of_the_zones_other_servers() {
    use std::net::Ipv4Addr;
    use std::time::Duration;
    use tests::signed_world::Layout;

    let ip = |last: u8| Ipv4Addr::new(127, 0, 0, last);
    let world = SignedWorld::start_in(Layout {
        root: ip(207),
        tlds: ip(208),
        tlds_listen: ip(209),
        child: ip(210),
        second: Some(ip(211)),
    });
    let tlds: SocketAddr = "127.0.0.209:53".parse().unwrap();
    // Slow for its first answers (slower than a server not yet heard
    // from is taken to be), so the forger, once heard, comes first.
    let slow = std::sync::atomic::AtomicUsize::new(0);
    let _honest = FakeServer::relay("127.0.0.208:53", tlds, move |_| {
        if slow.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < 4 {
            std::thread::sleep(Duration::from_millis(400));
        }
    });
    let _forger = FakeServer::relay("127.0.0.211:53", tlds, |m| {
        let Some(question) = m.queries.first().cloned() else {
            return;
        };
        let qname = question.name().to_ascii().to_ascii_lowercase();
        match question.query_type() {
            RecordType::DNSKEY if qname == "n3." || qname == "n3many." => {
                m.answers.retain(|r| r.record_type() != RecordType::RRSIG);
            }
            RecordType::DS => m
                .authorities
                .retain(|r| r.record_type() != RecordType::RRSIG),
            _ => {}
        }
        for record in &mut m.answers {
            if let hickory_proto::rr::RData::A(a) = &mut record.data {
                *a = hickory_proto::rr::rdata::A::new(192, 0, 2, 66);
            }
        }
    });
    let anchor = world.anchor.display().to_string();
    let ours: SocketAddr = "127.0.0.212:5301".parse().unwrap();
    let _resolver: Process = resolver(
        &world.hints,
        ours,
        &["--trust-anchor", &anchor],
        "upstream-port = 53\nipv6 = false\n",
    );
    // Unsigned names first (nothing validated, nothing held back): both
    // servers are measured, the forger found the faster.
    for (name, rtype) in [
        ("www.plain.", RecordType::TXT),
        ("text.plain.", RecordType::TXT),
        ("nope.plain.", RecordType::TXT),
        ("www.plain.", RecordType::MX),
    ] {
        ask(ours, name, rtype, true, false);
    }
    // After each bogus answer the forger is held back a second or two
    // (resolver::servers): each case waits for that to lapse, so that it
    // is asked first again.
    let lapse = || std::thread::sleep(Duration::from_millis(2100));
    // DS denials of the unsigned children.
    for name in ["www.zu.sec.", "www.zu.n3x."] {
        let mine = ask(ours, name, RecordType::A, true, false);
        assert_eq!(
            mine.metadata.response_code,
            ResponseCode::NoError,
            "{name}: {}",
            verdict(&mine)
        );
        assert!(!mine.metadata.authentic_data, "{name}: insecure");
        lapse();
    }
    // DNSKEY RRsets.
    for name in ["n3.", "n3many."] {
        let keys = ask(ours, name, RecordType::DNSKEY, true, false);
        assert!(
            keys.metadata.authentic_data,
            "{name} DNSKEY: {}",
            verdict(&keys)
        );
        lapse();
    }
    // Answers.
    for name in ["www.sec.", "www.n3x.", "x.g.deep.sec."] {
        let mine = ask(ours, name, RecordType::A, true, false);
        assert_eq!(
            mine.metadata.response_code,
            ResponseCode::NoError,
            "{name}: {}",
            verdict(&mine)
        );
        assert!(mine.metadata.authentic_data, "{name}: AD");
        let forged = mine
            .answers
            .iter()
            .any(|r| r.data.to_string() == "192.0.2.66");
        assert!(!forged, "{name}: {:?}", client::lines(&mine.answers));
    }
}

/// The NSEC3 hash of `name` in the signed world (salt aabbccdd, one
/// extra iteration).
fn nsec3_hash(name: &str) -> Vec<u8> {
    use hickory_proto::dnssec::Nsec3HashAlgorithm;
    let name = hickory_proto::rr::Name::from_ascii(name).unwrap();
    Nsec3HashAlgorithm::SHA1
        .hash(&[0xaa, 0xbb, 0xcc, 0xdd], &name, 1)
        .unwrap()
        .as_ref()
        .to_vec()
}

/// The span (owner hash, next hash) of the NSEC3 in `message` that
/// covers `hash`.
fn covering_span(message: &Message, hash: &[u8]) -> (Vec<u8>, Vec<u8>) {
    use hickory_proto::dnssec::rdata::DNSSECRData;
    use hickory_proto::rr::RData;
    message
        .authorities
        .iter()
        .find_map(|r| {
            let RData::DNSSEC(DNSSECRData::NSEC3(nsec3)) = &r.data else {
                return None;
            };
            let label = r.name.iter().next()?.to_ascii_uppercase();
            let owner = data_encoding::BASE32HEX_NOPAD.decode(&label).ok()?;
            let next = nsec3.next_hashed_owner_name().to_vec();
            let inside = if owner < next {
                owner.as_slice() < hash && hash < next.as_slice()
            } else {
                hash > owner.as_slice() || hash < next.as_slice()
            };
            inside.then_some((owner, next))
        })
        .expect("an NSEC3 covering the name")
}

/// RFC 8198 from NSEC3 (issue 13 item 5): after a validated NXDOMAIN in
/// `n3x.` (NSEC3 without opt-out), another name whose hash falls in the
/// same span is NXDOMAIN from the cache, and after a NODATA another type
/// the name's NSEC3 lacks is NODATA from the cache; neither is asked.
/// In `n3.` the spans are opt-out: nothing is answered from them. A
/// wildcard answer is synthesised from the cache, in `sec.` (NSEC) and
/// `n3x.` alike.
#[test]
#[ignore = "needs ldnsutils (run by .ci/run)"]
fn rfc8198_nsec3_gaps_and_wildcards_answer_from_the_cache() {
    use std::net::Ipv4Addr;
    use tests::signed_world::Layout;

    let ip = |last: u8| Ipv4Addr::new(127, 0, 0, last);
    let world = SignedWorld::start_in(Layout {
        root: ip(216),
        tlds: ip(217),
        tlds_listen: ip(217),
        child: ip(218),
        second: None,
    });
    let anchor = world.anchor.display().to_string();
    let ours: SocketAddr = "127.0.0.219:5301".parse().unwrap();
    let _resolver: Process = resolver(
        &world.hints,
        ours,
        &["--trust-anchor", &anchor],
        "upstream-port = 53\nipv6 = false\n",
    );
    for zone in ["n3x.", "n3."] {
        let first = ask(ours, &format!("nope.{zone}"), RecordType::A, true, false);
        assert_eq!(first.metadata.response_code, ResponseCode::NXDomain);
        let (owner, next) = covering_span(&first, &nsec3_hash(&format!("nope.{zone}")));
        let inside = |h: &Vec<u8>| {
            if owner < next {
                owner < *h && *h < next
            } else {
                *h > owner || *h < next
            }
        };
        let sibling = (0..10_000)
            .map(|i| format!("n{i}.{zone}"))
            .find(|n| inside(&nsec3_hash(n)))
            .expect("a name in the same span");
        let second = ask(ours, &sibling, RecordType::A, true, false);
        assert_eq!(
            second.metadata.response_code,
            ResponseCode::NXDomain,
            "{sibling}"
        );
        let asked = world.tld_log().contains(&sibling);
        if zone == "n3x." {
            assert!(second.metadata.authentic_data, "{sibling}: AD");
            assert!(!asked, "{sibling}: answered from the cached NSEC3");
        } else {
            assert!(!second.metadata.authentic_data, "{sibling}: opt-out");
            assert!(asked, "{sibling}: an opt-out span proves nothing");
        }
    }
    let mx = ask(ours, "www.n3x.", RecordType::MX, true, false);
    assert_eq!(mx.metadata.response_code, ResponseCode::NoError);
    assert!(mx.answers.is_empty() && mx.metadata.authentic_data);
    let srv = ask(ours, "www.n3x.", RecordType::SRV, true, false);
    assert_eq!(srv.metadata.response_code, ResponseCode::NoError);
    assert!(srv.answers.is_empty(), "{}", verdict(&srv));
    assert!(srv.metadata.authentic_data, "www.n3x. SRV: AD");
    let log = world.tld_log();
    assert!(
        !log.contains("www.n3x. SRV"),
        "answered from the cache:\n{log}"
    );

    // Wildcard answers (RFC 8198 5.3): once x.wild.ZONE has come with its
    // proof, another name the cached NSEC or NSEC3 proves absent is
    // answered from the cached wildcard, signed and proven.
    for zone in ["sec.", "n3x."] {
        let first = ask(ours, &format!("x.wild.{zone}"), RecordType::A, true, false);
        assert!(first.metadata.authentic_data, "x.wild.{zone}");
        let sibling = if zone == "sec." {
            "y.wild.sec.".to_owned()
        } else {
            let (owner, next) = covering_span(&first, &nsec3_hash("x.wild.n3x."));
            (0..10_000)
                .map(|i| format!("w{i}.wild.n3x."))
                .find(|n| {
                    let h = nsec3_hash(n);
                    if owner < next {
                        owner < h && h < next
                    } else {
                        h > owner || h < next
                    }
                })
                .expect("a name in the same span")
        };
        let second = ask(ours, &sibling, RecordType::A, true, false);
        assert_eq!(second.metadata.response_code, ResponseCode::NoError);
        assert!(second.metadata.authentic_data, "{sibling}: AD");
        let types: Vec<String> = second
            .answers
            .iter()
            .map(|r| format!("{} {}", r.name, r.record_type()))
            .collect();
        assert_eq!(types, [format!("{sibling} A"), format!("{sibling} RRSIG")]);
        assert!(!second.authorities.is_empty(), "{sibling}: the proof");
        let log = world.tld_log();
        assert!(!log.contains(&sibling), "{sibling}: from the cache:\n{log}");
    }
}

/// The root key sentinel (RFC 8509; issue 13 item 5), as Unbound and
/// BIND answer it: a secure A answer under a `root-key-sentinel-is-ta-`
/// label is SERVFAIL unless the key tag is the root anchor's, under
/// `root-key-sentinel-not-ta-` SERVFAIL when it is; from the cache too.
/// Insecure answers are left alone.
#[test]
#[ignore = "needs ldnsutils (run by .ci/run)"]
fn rfc8509_root_key_sentinels_tell_the_anchor() {
    use std::net::Ipv4Addr;
    use tests::signed_world::Layout;

    let ip = |last: u8| Ipv4Addr::new(127, 0, 0, last);
    let world = SignedWorld::start_in(Layout {
        root: ip(220),
        tlds: ip(221),
        tlds_listen: ip(221),
        child: ip(222),
        second: None,
    });
    let ds = std::fs::read_to_string(&world.anchor).unwrap();
    let fields: Vec<&str> = ds.split_whitespace().collect();
    let at = fields.iter().position(|f| *f == "DS").unwrap();
    let tag: u16 = fields[at + 1].parse().unwrap();
    let other = tag.wrapping_add(1);
    let anchor = world.anchor.display().to_string();
    let ours: SocketAddr = "127.0.0.223:5301".parse().unwrap();
    let _resolver: Process = resolver(
        &world.hints,
        ours,
        &["--trust-anchor", &anchor],
        "upstream-port = 53\nipv6 = false\n",
    );
    let cases = [
        (format!("root-key-sentinel-is-ta-{tag:05}.wild.sec."), true),
        (
            format!("root-key-sentinel-is-ta-{other:05}.wild.sec."),
            false,
        ),
        (
            format!("root-key-sentinel-not-ta-{tag:05}.wild.sec."),
            false,
        ),
        (
            format!("root-key-sentinel-not-ta-{other:05}.wild.sec."),
            true,
        ),
        (
            format!("root-key-sentinel-is-ta-{other:05}.wild.plain."),
            true,
        ),
    ];
    for _ in 0..2 {
        for (name, answered) in &cases {
            let reply = ask(ours, name, RecordType::A, false, false);
            let want = if *answered {
                ResponseCode::NoError
            } else {
                ResponseCode::ServFail
            };
            assert_eq!(
                reply.metadata.response_code,
                want,
                "{name}: {}",
                verdict(&reply)
            );
            assert_eq!(!reply.answers.is_empty(), *answered, "{name}");
        }
    }
}
