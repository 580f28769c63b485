//! The resolver beside Unbound: both resolve the same few hundred
//! questions through the same mini Internet (tests/data/world), and the
//! answers are compared: RCODE, TC, AD, the answer section's records (TTLs
//! aside, as they count down), and which records the authority section
//! holds for negative answers. Every difference fails the test unless
//! `justified` explains it.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{Record, RecordType};
use tests::client::{self, query};
use tests::peers;
use tests::spawn::{resolver, temp_dir};
use tests::world::World;

/// Names asked with every type in `TYPES`.
const NAMES: &[&str] = &[
    ".",
    "internal.",
    "lab.",
    "a.root.internal.",
    "ns1.nic.internal.",
    "ns1.nic.lab.",
    "nope.internal.",
    "nope.lab.",
    "example.internal.",
    "ns1.example.internal.",
    "www.example.internal.",
    "alias.example.internal.",
    "chain.example.internal.",
    "loop1.example.internal.",
    "x.wild.example.internal.",
    "a.b.wild.example.internal.",
    "wild.example.internal.",
    "old.example.internal.",
    "www.old.example.internal.",
    "x.old.example.internal.",
    "nodata.example.internal.",
    "nope.example.internal.",
    "deep.nope.example.internal.",
    "hoster.lab.",
    "ns1.hoster.lab.",
    "ns.hoster.lab.",
    "www.hoster.lab.",
    "mail.hoster.lab.",
    "x.hoster.lab.",
    "nope.hoster.lab.",
    "glueless.internal.",
    "www.glueless.internal.",
    "nope.glueless.internal.",
    "partlame.internal.",
    "ns.partlame.internal.",
    "www.partlame.internal.",
    "nope.partlame.internal.",
    "ns.lame.internal.",
    "localhost.",
    "app.localhost.",
    "x.test.",
    "invalid.",
    "a.onion.",
    "printer.home.arpa.",
];

const TYPES: &[RecordType] = &[
    RecordType::A,
    RecordType::AAAA,
    RecordType::NS,
    RecordType::SOA,
    RecordType::MX,
    RecordType::TXT,
    RecordType::CNAME,
];

/// Asked with one type only (failures are slow by nature, reverse names
/// only have PTR). `dead.internal.` is left out: Unbound keeps retrying
/// its silent server for longer than a client waits (the recursion tests
/// check ours).
const SINGLES: &[(&str, RecordType)] = &[
    ("www.lame.internal.", RecordType::A),
    ("big.example.internal.", RecordType::TXT),
    ("1.0.0.127.in-addr.arpa.", RecordType::PTR),
    ("5.1.168.192.in-addr.arpa.", RecordType::PTR),
    ("9.0.0.10.in-addr.arpa.", RecordType::PTR),
    (
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
        RecordType::PTR,
    ),
];

fn cases() -> Vec<(&'static str, RecordType)> {
    let mut cases: Vec<_> = NAMES
        .iter()
        .flat_map(|&name| TYPES.iter().map(move |&t| (name, t)))
        .collect();
    cases.extend_from_slice(SINGLES);
    cases
}

fn rr(record: &Record) -> String {
    format!(
        "{} {} {}",
        record.name.to_lowercase(),
        record.record_type(),
        record.data
    )
}

/// What is compared: RCODE, TC, AD, the answer records without TTLs, and the
/// owner and type of the authority records of negative answers. Extended
/// DNS Errors are not: Unbound sends none unless `ede: yes`.
fn summary(m: &Message) -> String {
    let mut answers: Vec<String> = m.answers.iter().map(rr).collect();
    answers.sort();
    let mut authority: Vec<String> = if m.answers.is_empty() {
        m.authorities
            .iter()
            .map(|r| format!("{} {}", r.name.to_lowercase(), r.record_type()))
            .collect()
    } else {
        Vec::new()
    };
    authority.sort();
    format!(
        "{:?} tc={} ad={} answer=[{}] authority=[{}]",
        m.metadata.response_code,
        m.metadata.truncation,
        m.metadata.authentic_data,
        answers.join(", "),
        authority.join(", ")
    )
}

/// Differences that are allowed, and why.
fn justified(unbound: &Message, ours: &Message) -> Option<&'static str> {
    let (theirs, mine) = (&unbound.metadata, &ours.metadata);
    if theirs.truncation && mine.truncation && theirs.response_code == mine.response_code {
        // RFC 2181 9: a truncated answer is a hint to retry over TCP; what
        // part of it is kept is the server's choice.
        return Some("both truncated");
    }
    let below_localhost = ours.queries[0].name().num_labels() > 1
        && hickory_proto::rr::Name::from_ascii("localhost.")
            .is_ok_and(|l| l.zone_of(ours.queries[0].name()));
    if below_localhost
        && matches!(
            ours.queries[0].query_type(),
            RecordType::NS | RecordType::SOA
        )
        && mine.response_code == ResponseCode::NoError
        && ours.answers.is_empty()
    {
        // Unbound's localhost. is a redirect zone: every name below it gets
        // the apex's records, NS and SOA included. RFC 6761 6.3 asks only
        // that address queries get loopback addresses; ours answers NODATA
        // for other types below the apex, as a wildcard does.
        return Some("NS and SOA below localhost.");
    }
    None
}

fn ask(server: SocketAddr, name: &str, rtype: RecordType) -> Message {
    let mut q = query(name, rtype, true);
    q.metadata.recursion_desired = true;
    client::udp_within(server, &q, Duration::from_secs(20))
        .unwrap_or_else(|e| panic!("{server} did not answer {name} {rtype}: {e}"))
}

#[test]
#[ignore = "needs Unbound (run by .ci/run)"]
fn same_answers_as_unbound() {
    let world = World::start(30);
    let theirs: SocketAddr = "127.30.0.2:5301".parse().unwrap();
    let unbound = peers::unbound(theirs, &world.hints);
    let mine: SocketAddr = "127.30.0.1:5301".parse().unwrap();
    let ours = resolver(&world.hints, mine, &[], "");

    let cases = cases();
    assert!(
        cases.len() >= 300,
        "a few hundred questions: {}",
        cases.len()
    );
    let mut differences = Vec::new();
    let mut justified_count = 0;
    let mut servfails = 0;
    for &(name, rtype) in &cases {
        let expected = ask(theirs, name, rtype);
        let got = ask(mine, name, rtype);
        servfails += usize::from(got.metadata.response_code == ResponseCode::ServFail);
        let (expected_text, got_text) = (summary(&expected), summary(&got));
        if expected_text == got_text {
            continue;
        }
        if justified(&expected, &got).is_some() {
            justified_count += 1;
            continue;
        }
        differences.push(format!(
            "{name} {rtype}\n  unbound: {expected_text}\n  ours:    {got_text}"
        ));
    }
    assert!(
        differences.is_empty(),
        "{} of {} questions differ from Unbound ({justified_count} justified):\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
    assert!(justified_count <= 3, "justified: {justified_count}");
    // loop1 (6 types), ns.lame (7) and www.lame (1) fail for both.
    assert!(
        servfails <= 14,
        "only the loop and the lame delegation fail: {servfails}"
    );
    drop((unbound, ours));
}

#[test]
#[ignore = "needs Unbound and openssl (run by .ci/run)"]
fn forwarding_over_tls_and_https_to_unbound() {
    let world = World::start(32);
    let dir = temp_dir("forward-tls");
    let [ca, cert, key] = tests::certs::signed(&dir, "unbound.test");
    let extra = format!(
        "  interface: 127.32.0.3@8853\n  interface: 127.32.0.3@8443\n  tls-port: 8853\n  https-port: 8443\n  \
         tls-service-key: \"{}\"\n  tls-service-pem: \"{}\"\n",
        key.display(),
        cert.display()
    );
    let _unbound = peers::unbound_with("127.32.0.3:5301".parse().unwrap(), &world.hints, &extra);
    let config = format!(
        "[[forward]]\nzone = \"example.internal.\"\nservers = [\"127.32.0.3:8853\"]\nprotocol = \"tls\"\n\
         tls-name = \"unbound.test\"\ntls-ca = \"{ca}\"\n\
         [[forward]]\nzone = \"hoster.lab.\"\nservers = [\"127.32.0.3:8443\"]\nprotocol = \"https\"\n\
         tls-name = \"unbound.test\"\ntls-ca = \"{ca}\"\n\
         [[forward]]\nzone = \"glueless.internal.\"\nservers = [\"127.32.0.3:8853\"]\nprotocol = \"tls\"\n\
         tls-name = \"someone-else.test\"\ntls-ca = \"{ca}\"\n",
        ca = ca.display()
    );
    let mine: SocketAddr = "127.32.0.1:5301".parse().unwrap();
    let _ours = resolver(&world.hints, mine, &[], &config);

    let over_tls = ask(mine, "www.example.internal.", RecordType::A);
    assert_eq!(
        over_tls.answers.iter().map(rr).collect::<Vec<_>>(),
        ["www.example.internal. A 192.0.2.80"]
    );
    let over_https = ask(mine, "www.hoster.lab.", RecordType::A);
    assert_eq!(
        over_https.answers.iter().map(rr).collect::<Vec<_>>(),
        ["www.hoster.lab. A 198.51.100.80"]
    );
    // A certificate for another name is refused: SERVFAIL, no fallback to
    // iteration (which would have answered): forward zones are forwarded.
    let wrong_name = ask(mine, "www.glueless.internal.", RecordType::A);
    assert_eq!(wrong_name.metadata.response_code, ResponseCode::ServFail);
    assert!(wrong_name.answers.is_empty());
}
