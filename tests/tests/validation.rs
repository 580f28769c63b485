//! DNSSEC validation against Unbound: the signed world
//! (tests/src/signed_world.rs) served by authdns, the resolver and
//! Unbound (validator on) given the same trust anchor, the same questions;
//! RCODE, AD and the answer must agree. The resolver's Extended DNS Errors
//! are checked too.

use std::net::SocketAddr;

use hickory_proto::op::{Edns, Message, ResponseCode};
use hickory_proto::rr::RecordType;
use tests::client::{self, recursive};
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
        if verdict(&mine) != verdict(&unbound) {
            differences.push(format!(
                "{name} {rtype}: unbound {} / ours {}",
                verdict(&unbound),
                verdict(&mine)
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
        assert_eq!(verdict(&mine), verdict(&unbound), "{name} {rtype}");
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
