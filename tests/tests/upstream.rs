//! Hostile upstream answers, end to end: scripted authoritative servers on
//! 127.44.0.X lie to the resolver binary in the ways poisoning attempts
//! and broken servers do. Each lie is rejected, the client gets the
//! honest answer or SERVFAIL, and the cache keeps nothing of it.
//!
//! - root (.1) delegates `victim.` (.3, honest), `evil.` (.2) and `loop.` (.4);
//! - `evil.` answers with out-of-bailiwick records, a CNAME with the
//!   target's data forged, spoofed and mismatched responses before the
//!   real one, a referral for a zone it does not serve, an endless CNAME
//!   chain and a CNAME loop;
//! - `loop.` delegates `a.loop.` and `b.loop.` to .5, which refers back
//!   sideways (the same zone) or upwards (to `loop.`).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::rdata::{A, CNAME, NS, SOA};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use tests::client::{self, lines, query, recursive};
use tests::fake::{FakeServer, Reply, response_to};
use tests::spawn::{resolver, root_hints, temp_dir};

/// The address the forged records point to; nothing listens there.
const FORGED: [u8; 4] = [192, 0, 2, 66];

fn name(text: &str) -> Name {
    Name::from_ascii(text).unwrap()
}

fn a(owner: &str, ip: [u8; 4]) -> Record {
    Record::from_rdata(name(owner), 300, RData::A(A::from(Ipv4Addr::from(ip))))
}

fn ns(owner: &str, target: &str) -> Record {
    Record::from_rdata(name(owner), 300, RData::NS(NS(name(target))))
}

fn cname(owner: &str, target: &str) -> Record {
    Record::from_rdata(name(owner), 300, RData::CNAME(CNAME(name(target))))
}

/// The lowercased question name and type of `query`.
fn question(query: &Message) -> (String, RecordType) {
    let q = &query.queries[0];
    (q.name().to_string().to_ascii_lowercase(), q.query_type())
}

fn within(qname: &str, zone: &str) -> bool {
    zone == "." || qname == zone || qname.ends_with(&format!(".{zone}"))
}

/// A referral to `zone`, served by `ns.ZONE` at 127.44.0.`last`.
fn referral(query: &Message, zone: &str, last: u8) -> Message {
    let mut msg = response_to(query);
    msg.metadata.authoritative = false;
    let server = format!("ns.{zone}");
    msg.add_authority(ns(zone, &server));
    msg.add_additional(a(&server, [127, 44, 0, last]));
    msg
}

/// An authoritative answer with `records`.
fn answer(query: &Message, records: Vec<Record>) -> Message {
    let mut msg = response_to(query);
    msg.add_answers(records);
    msg
}

/// NODATA (or NXDOMAIN) from `zone`, with its SOA.
fn negative(query: &Message, zone: &str, rcode: ResponseCode) -> Message {
    let mut msg = response_to(query);
    msg.metadata.response_code = rcode;
    let soa = SOA::new(
        name(&format!("ns.{zone}")),
        name("hostmaster.invalid."),
        1,
        3600,
        600,
        86400,
        60,
    );
    msg.add_authority(Record::from_rdata(name(zone), 60, RData::SOA(soa)));
    msg
}

fn one(msg: Message) -> Option<Vec<Reply>> {
    Some(vec![Reply::Send(msg)])
}

fn root(query: &Message) -> Option<Vec<Reply>> {
    let (qname, _) = question(query);
    for (zone, last) in [("victim.", 3), ("evil.", 2), ("loop.", 4)] {
        if within(&qname, zone) {
            return one(referral(query, zone, last));
        }
    }
    one(negative(query, ".", ResponseCode::NXDomain))
}

fn victim(query: &Message) -> Option<Vec<Reply>> {
    match question(query) {
        (qname, RecordType::A) if qname == "ns.victim." => {
            one(answer(query, vec![a(&qname, [127, 44, 0, 3])]))
        }
        (qname, RecordType::A) => one(answer(query, vec![a(&qname, [192, 0, 2, 1])])),
        (qname, RecordType::NS) if qname == "victim." => {
            one(answer(query, vec![ns("victim.", "ns.victim.")]))
        }
        _ => one(negative(query, "victim.", ResponseCode::NoError)),
    }
}

fn evil(query: &Message) -> Option<Vec<Reply>> {
    let (qname, qtype) = question(query);
    if qtype != RecordType::A {
        return one(negative(query, "evil.", ResponseCode::NoError));
    }
    if let Some(n) = qname
        .strip_suffix(".chain.evil.")
        .and_then(|label| label.strip_prefix('c'))
        .and_then(|n| n.parse::<u32>().ok())
    {
        let next = format!("c{}.chain.evil.", n + 1);
        return one(answer(query, vec![cname(&qname, &next)]));
    }
    match qname.as_str() {
        "poison.evil." => {
            let mut msg = answer(
                query,
                vec![a(&qname, [192, 0, 2, 7]), a("a.victim.", FORGED)],
            );
            msg.add_authority(ns("victim.", "ns.victim."));
            msg.add_additional(a("ns.victim.", [127, 44, 0, 66]));
            msg.add_additional(a("a.victim.", FORGED));
            one(msg)
        }
        "cname.evil." => one(answer(
            query,
            vec![cname(&qname, "b.victim."), a("b.victim.", FORGED)],
        )),
        "spoofed.evil." => {
            let forged = answer(query, vec![a(&qname, FORGED)]);
            let mut wrong_id = forged.clone();
            wrong_id.metadata.id = wrong_id.metadata.id.wrapping_add(1);
            let mut wrong_question = response_to(query);
            wrong_question.queries[0].set_name(name("other.evil."));
            wrong_question.add_answer(a("other.evil.", FORGED));
            let honest = answer(query, vec![a(&qname, [192, 0, 2, 7])]);
            Some(vec![
                Reply::Spoof(forged),
                Reply::Send(wrong_id),
                Reply::Send(wrong_question),
                Reply::Send(honest),
            ])
        }
        "ref.evil." => {
            let mut msg = referral(query, "victim.", 66);
            msg.additionals.push(a("c.victim.", FORGED));
            one(msg)
        }
        "l1.evil." => one(answer(
            query,
            vec![cname("l1.evil.", "l2.evil."), cname("l2.evil.", "l1.evil.")],
        )),
        "l2.evil." => one(answer(query, vec![cname("l2.evil.", "l1.evil.")])),
        _ => one(negative(query, "evil.", ResponseCode::NoError)),
    }
}

fn loop_top(query: &Message) -> Option<Vec<Reply>> {
    let (qname, _) = question(query);
    for zone in ["a.loop.", "b.loop."] {
        if within(&qname, zone) {
            return one(referral(query, zone, 5));
        }
    }
    one(negative(query, "loop.", ResponseCode::NoError))
}

/// The server of `a.loop.` and `b.loop.`, which refers every question
/// elsewhere: sideways to `a.loop.` itself, or up to `loop.`.
fn loop_child(query: &Message) -> Option<Vec<Reply>> {
    let (qname, _) = question(query);
    if within(&qname, "a.loop.") {
        one(referral(query, "a.loop.", 4))
    } else {
        one(referral(query, "loop.", 4))
    }
}

fn servfail_quickly(addr: SocketAddr, qname: &str) {
    let started = Instant::now();
    let answer = client::udp_within(
        addr,
        &recursive(qname, RecordType::A),
        Duration::from_secs(8),
    )
    .unwrap_or_else(|e| panic!("{qname}: {e}"));
    assert_eq!(
        answer.metadata.response_code,
        ResponseCode::ServFail,
        "{qname}: {:?}",
        lines(&answer.answers)
    );
    assert!(answer.answers.is_empty(), "{qname}");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "{qname} took {took:?}");
}

/// The answer lines for `qname` A, resolved (`rd`) or from the cache only.
fn answer_lines(addr: SocketAddr, qname: &str, rd: bool) -> Vec<String> {
    let msg = if rd {
        recursive(qname, RecordType::A)
    } else {
        query(qname, RecordType::A, true)
    };
    lines(&client::udp(addr, &msg).unwrap().answers)
}

#[test]
fn lies_from_upstream_are_rejected_and_never_cached() {
    let root_server = FakeServer::scripted("127.44.0.1:53", root);
    let evil_server = FakeServer::scripted("127.44.0.2:53", evil);
    let victim_server = FakeServer::scripted("127.44.0.3:53", victim);
    let loop_servers = [
        FakeServer::scripted("127.44.0.4:53", loop_top),
        FakeServer::scripted("127.44.0.5:53", loop_child),
    ];
    let dir = temp_dir("upstream-44");
    let hints = root_hints(&dir, Ipv4Addr::new(127, 44, 0, 1));
    let addr: SocketAddr = "127.44.1.1:5301".parse().unwrap();
    let _server = resolver(&hints, addr, &[], "");

    // Out-of-bailiwick records in every section: only the answer the
    // server may give is kept.
    assert_eq!(
        answer_lines(addr, "poison.evil.", true),
        ["poison.evil. 300 a 192.0.2.7"]
    );
    // A CNAME into another zone: the target's data comes from its own server.
    assert_eq!(
        answer_lines(addr, "cname.evil.", true),
        [
            "b.victim. 300 a 192.0.2.1",
            "cname.evil. 300 cname b.victim."
        ]
    );
    // A spoofed response from another port, one with the wrong ID and one
    // for another question arrive first; the real one wins.
    assert_eq!(
        answer_lines(addr, "spoofed.evil.", true),
        ["spoofed.evil. 300 a 192.0.2.7"]
    );
    // A referral to a zone the server does not serve: lame.
    servfail_quickly(addr, "ref.evil.");
    // An endless CNAME chain, and a loop.
    servfail_quickly(addr, "c0.chain.evil.");
    servfail_quickly(addr, "l1.evil.");
    // Referral loops: sideways (the same zone again) and upwards.
    servfail_quickly(addr, "x.a.loop.");
    servfail_quickly(addr, "y.b.loop.");

    // Nothing forged reached the cache (RD=0 answers from the cache only)...
    for qname in [
        "a.victim.",
        "b.victim.",
        "c.victim.",
        "ns.victim.",
        "other.evil.",
    ] {
        let cached = answer_lines(addr, qname, false);
        assert!(
            cached
                .iter()
                .all(|line| !line.contains("192.0.2.66") && !line.contains("127.44.0.66")),
            "{qname}: {cached:?}"
        );
    }
    assert!(answer_lines(addr, "other.evil.", false).is_empty());
    // ...and the victim's names resolve through its real server.
    for qname in ["a.victim.", "c.victim.", "d.victim."] {
        assert_eq!(
            answer_lines(addr, qname, true),
            [format!("{qname} 300 a 192.0.2.1")]
        );
    }
    let asked: Vec<String> = victim_server
        .queries()
        .iter()
        .filter_map(|raw| Message::from_vec(raw).ok())
        .map(|q| question(&q).0)
        .collect();
    for qname in ["a.victim.", "b.victim.", "c.victim."] {
        assert!(asked.iter().any(|q| q == qname), "{qname}: {asked:?}");
    }
    // Every lie cost a bounded number of upstream queries.
    let upstream = evil_server.queries().len()
        + loop_servers
            .iter()
            .map(|s| s.queries().len())
            .sum::<usize>();
    assert!(upstream < 150, "{upstream} upstream queries");
    assert!(!root_server.queries().is_empty());
}

/// The zone `shape.` on 127.66.0.2, answering in shapes real servers
/// use (issue 13 item 4): NODATA as the zone's NS RRset without an SOA,
/// and an RRset of another type than asked.
fn shape(query: &Message) -> Option<Vec<Reply>> {
    let (qname, qtype) = question(query);
    match (qname.as_str(), qtype) {
        ("ns.shape.", RecordType::A) => one(answer(query, vec![a(&qname, [127, 66, 0, 2])])),
        ("nosoa.shape.", RecordType::AAAA) => {
            let mut msg = response_to(query);
            msg.add_authority(ns("shape.", "ns.shape."));
            one(msg)
        }
        ("stray.shape.", RecordType::AAAA) => one(answer(query, vec![a(&qname, [192, 0, 2, 9])])),
        (_, RecordType::A) => one(answer(query, vec![a(&qname, [192, 0, 2, 1])])),
        _ => one(negative(query, "shape.", ResponseCode::NoError)),
    }
}

#[test]
fn nodata_without_soa_and_stray_rrsets_are_empty_answers() {
    let _root = FakeServer::scripted("127.66.0.1:53", |query| {
        let mut msg = response_to(query);
        msg.metadata.authoritative = false;
        msg.add_authority(ns("shape.", "ns.shape."));
        msg.add_additional(a("ns.shape.", [127, 66, 0, 2]));
        one(msg)
    });
    let shape_server = FakeServer::scripted("127.66.0.2:53", shape);
    let dir = temp_dir("upstream-66");
    let hints = root_hints(&dir, Ipv4Addr::new(127, 66, 0, 1));
    let addr: SocketAddr = "127.66.1.1:5301".parse().unwrap();
    let _server = resolver(&hints, addr, &[], "");
    for qname in ["nosoa.shape.", "nosoa.shape.", "stray.shape."] {
        let answer = client::udp(addr, &recursive(qname, RecordType::AAAA)).unwrap();
        assert_eq!(
            answer.metadata.response_code,
            ResponseCode::NoError,
            "{qname}"
        );
        assert!(
            answer.answers.is_empty(),
            "{qname}: {:?}",
            lines(&answer.answers)
        );
    }
    let asked = shape_server
        .queries()
        .iter()
        .filter_map(|raw| Message::from_vec(raw).ok())
        .filter(|q| question(q) == ("nosoa.shape.".to_owned(), RecordType::AAAA))
        .count();
    assert_eq!(asked, 1, "the SOA-less NODATA is cached a short while");
}

/// `mixed.` has a glued server that refuses everything and a glueless
/// one (`ns.other.`) that answers: when the glued ones fail, the
/// glueless names are looked up and asked (issue 13 item 2; it was
/// SERVFAIL with EDE 22).
#[test]
fn glueless_servers_are_tried_when_the_glued_ones_fail() {
    let _root = FakeServer::scripted("127.68.0.1:53", |query| {
        let (qname, _) = question(query);
        let mut msg = response_to(query);
        msg.metadata.authoritative = false;
        if within(&qname, "other.") {
            msg.add_authority(ns("other.", "ns.other."));
            msg.add_additional(a("ns.other.", [127, 68, 0, 3]));
        } else {
            msg.add_authority(ns("mixed.", "ns1.mixed."));
            msg.add_authority(ns("mixed.", "ns.other."));
            msg.add_additional(a("ns1.mixed.", [127, 68, 0, 2]));
        }
        one(msg)
    });
    let _refusing = FakeServer::scripted("127.68.0.2:53", |query| {
        let mut msg = response_to(query);
        msg.metadata.authoritative = false;
        msg.metadata.response_code = ResponseCode::Refused;
        one(msg)
    });
    let _other = FakeServer::scripted("127.68.0.3:53", |query| match question(query) {
        (qname, RecordType::A) if qname == "ns.other." => {
            one(answer(query, vec![a(&qname, [127, 68, 0, 4])]))
        }
        _ => one(negative(query, "other.", ResponseCode::NoError)),
    });
    let glueless = FakeServer::scripted("127.68.0.4:53", |query| match question(query) {
        (qname, RecordType::A) => one(answer(query, vec![a(&qname, [192, 0, 2, 4])])),
        _ => one(negative(query, "mixed.", ResponseCode::NoError)),
    });
    let dir = temp_dir("upstream-68");
    let hints = root_hints(&dir, Ipv4Addr::new(127, 68, 0, 1));
    let addr: SocketAddr = "127.68.1.1:5301".parse().unwrap();
    let _server = resolver(&hints, addr, &[], "");
    assert_eq!(
        answer_lines(addr, "www.mixed.", true),
        ["www.mixed. 300 a 192.0.2.4"]
    );
    assert!(!glueless.queries().is_empty());
}

/// The questions a scripted server was asked, lowercased, with their types.
fn asked_of(server: &FakeServer) -> Vec<(String, RecordType)> {
    server
        .queries()
        .iter()
        .filter_map(|raw| Message::from_vec(raw).ok())
        .map(|q| question(&q))
        .collect()
}

/// `part.` is delegated to `ns1.part.` (glued, 127.0.0.201) and
/// `ns2.part.` (no glue). Its DNSKEY, like its data, is asked of its own
/// server, not of the root, which refuses it (issue 13 item 5: the zone
/// was taken back to the root for every question, as if its delegation
/// were unknown, and the DNSKEY was SERVFAIL).
#[test]
fn a_zones_dnskey_is_asked_of_its_own_servers() {
    let root = FakeServer::scripted("127.0.0.200:53", |query| {
        if question(query).1 == RecordType::DNSKEY {
            let mut msg = response_to(query);
            msg.metadata.response_code = ResponseCode::Refused;
            return one(msg);
        }
        let mut msg = response_to(query);
        msg.metadata.authoritative = false;
        msg.add_authority(ns("part.", "ns1.part."));
        msg.add_authority(ns("part.", "ns2.part."));
        msg.add_additional(a("ns1.part.", [127, 0, 0, 201]));
        one(msg)
    });
    let _part = FakeServer::scripted("127.0.0.201:53", |query| match question(query) {
        (qname, RecordType::A) => one(answer(query, vec![a(&qname, [192, 0, 2, 5])])),
        _ => one(negative(query, "part.", ResponseCode::NoError)),
    });
    let dir = temp_dir("upstream-200");
    let hints = root_hints(&dir, Ipv4Addr::new(127, 0, 0, 200));
    let addr: SocketAddr = "127.0.0.202:5301".parse().unwrap();
    let _server = resolver(&hints, addr, &[], "");
    assert_eq!(
        answer_lines(addr, "www.part.", true),
        ["www.part. 300 a 192.0.2.5"]
    );
    let keys = client::udp(addr, &recursive("part.", RecordType::DNSKEY)).unwrap();
    assert_eq!(keys.metadata.response_code, ResponseCode::NoError);
    assert_eq!(
        answer_lines(addr, "mail.part.", true),
        ["mail.part. 300 a 192.0.2.5"]
    );
    let asked = asked_of(&root);
    assert_eq!(asked, [("part.".to_owned(), RecordType::A)], "the root");
}

/// The parent delegates `differ.` to `ns1.differ.` (127.0.0.204); the
/// child's own NS RRset names only `ns9.differ.` (127.0.0.205), which
/// refuses. Once the child's set is cached, the parent's delegation is
/// still the fallback (issue 13 item 2, as Unbound and Knot Resolver).
#[test]
fn the_parents_delegation_is_kept_as_a_fallback() {
    let _root = FakeServer::scripted("127.0.0.203:53", |query| {
        let mut msg = response_to(query);
        msg.metadata.authoritative = false;
        msg.add_authority(ns("differ.", "ns1.differ."));
        msg.add_additional(a("ns1.differ.", [127, 0, 0, 204]));
        one(msg)
    });
    let _child = FakeServer::scripted("127.0.0.204:53", |query| match question(query) {
        (qname, RecordType::NS) if qname == "differ." => {
            one(answer(query, vec![ns("differ.", "ns9.differ.")]))
        }
        (qname, RecordType::A) if qname == "ns9.differ." => {
            one(answer(query, vec![a(&qname, [127, 0, 0, 205])]))
        }
        (qname, RecordType::A) => one(answer(query, vec![a(&qname, [192, 0, 2, 6])])),
        _ => one(negative(query, "differ.", ResponseCode::NoError)),
    });
    let _refusing = FakeServer::scripted("127.0.0.205:53", |query| {
        let mut msg = response_to(query);
        msg.metadata.authoritative = false;
        msg.metadata.response_code = ResponseCode::Refused;
        one(msg)
    });
    let dir = temp_dir("upstream-203");
    let hints = root_hints(&dir, Ipv4Addr::new(127, 0, 0, 203));
    let addr: SocketAddr = "127.0.0.206:5301".parse().unwrap();
    let _server = resolver(&hints, addr, &[], "");
    let child_ns = client::udp(addr, &recursive("differ.", RecordType::NS)).unwrap();
    assert_eq!(lines(&child_ns.answers), ["differ. 300 ns ns9.differ."]);
    assert_eq!(
        answer_lines(addr, "ns9.differ.", true),
        ["ns9.differ. 300 a 127.0.0.205"]
    );
    for qname in ["www.differ.", "mail.differ."] {
        assert_eq!(
            answer_lines(addr, qname, true),
            [format!("{qname} 300 a 192.0.2.6")]
        );
    }
}

fn dname(owner: &str, target: &str) -> Record {
    use hickory_proto::rr::rdata::NULL;
    use hickory_proto::serialize::binary::BinEncodable;
    let rdata = NULL::with(name(target).to_bytes().unwrap());
    let code = RecordType::DNAME;
    Record::from_rdata(name(owner), 300, RData::Unknown { code, rdata })
}

/// The zone `alias.` on 127.0.0.214: `d1.alias.` and `d2.alias.` are
/// DNAMEs to `t.alias.`, where only `www.t.alias.` A exists.
fn alias_zone(query: &Message) -> Option<Vec<Reply>> {
    let (qname, qtype) = question(query);
    let Some((label, owner)) = ["d1.alias.", "d2.alias."]
        .into_iter()
        .find_map(|d| Some((qname.strip_suffix(&format!(".{d}"))?.to_owned(), d)))
    else {
        return match (qname.as_str(), qtype) {
            ("www.t.alias.", RecordType::A) => one(answer(query, vec![a(&qname, [192, 0, 2, 8])])),
            (_, _) if qname == "alias." || qname.starts_with('d') || qname == "t.alias." => {
                one(negative(query, "alias.", ResponseCode::NoError))
            }
            _ => one(negative(query, "alias.", ResponseCode::NXDomain)),
        };
    };
    let target = format!("{label}.t.alias.");
    let mut msg = if target == "www.t.alias." && qtype == RecordType::A {
        answer(query, vec![a(&target, [192, 0, 2, 8])])
    } else if target == "www.t.alias." {
        negative(query, "alias.", ResponseCode::NoError)
    } else {
        negative(query, "alias.", ResponseCode::NXDomain)
    };
    let mut chain = vec![dname(owner, "t.alias."), cname(&qname, &target)];
    chain.append(&mut msg.answers);
    msg.answers = chain;
    one(msg)
}

/// A denial at the end of a DNAME, unsigned and from a cold cache, keeps
/// the DNAME in the answer (issue 13 item 3: only the synthesised CNAME
/// was given), as the answer through it does.
#[test]
fn denials_through_a_dname_keep_the_dname() {
    let _root = FakeServer::scripted("127.0.0.213:53", |query| {
        let mut msg = response_to(query);
        msg.metadata.authoritative = false;
        msg.add_authority(ns("alias.", "ns.alias."));
        msg.add_additional(a("ns.alias.", [127, 0, 0, 214]));
        one(msg)
    });
    let _alias = FakeServer::scripted("127.0.0.214:53", alias_zone);
    let dir = temp_dir("upstream-213");
    let hints = root_hints(&dir, Ipv4Addr::new(127, 0, 0, 213));
    let addr: SocketAddr = "127.0.0.215:5301".parse().unwrap();
    let _server = resolver(&hints, addr, &[], "");
    for (qname, qtype, rcode) in [
        ("nope.d1.alias.", RecordType::A, ResponseCode::NXDomain),
        ("www.d2.alias.", RecordType::AAAA, ResponseCode::NoError),
        ("www.d2.alias.", RecordType::A, ResponseCode::NoError),
    ] {
        let reply = client::udp(addr, &recursive(qname, qtype)).unwrap();
        assert_eq!(reply.metadata.response_code, rcode, "{qname} {qtype}");
        let types: Vec<RecordType> = reply.answers.iter().map(|r| r.record_type()).collect();
        assert!(
            types.contains(&RecordType::DNAME) && types.contains(&RecordType::CNAME),
            "{qname} {qtype}: {:?}",
            lines(&reply.answers)
        );
    }
}

/// `www.a.` is a CNAME to `mail.b.`; `b.` is delegated to `ns1.b.`
/// (glued, 127.0.0.226) and `ns2.b.` (not glued), and the root answers
/// for `b.` only once, then refuses. The chain is followed from the
/// closest cached delegation of its target, `b.`, whatever its glue
/// (issue 13 item 3: the target was taken back to the root, which
/// refused: SERVFAIL with EDE 22 and no query to `b.`).
#[test]
fn a_cname_target_is_asked_of_its_cached_delegation() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let referrals_to_b = AtomicUsize::new(0);
    let _root = FakeServer::scripted("127.0.0.224:53", move |query| {
        let (qname, _) = question(query);
        let mut msg = response_to(query);
        msg.metadata.authoritative = false;
        if within(&qname, "a.") {
            msg.add_authority(ns("a.", "ns.a."));
            msg.add_additional(a("ns.a.", [127, 0, 0, 225]));
        } else if referrals_to_b.fetch_add(1, Ordering::Relaxed) == 0 {
            msg.add_authority(ns("b.", "ns1.b."));
            msg.add_authority(ns("b.", "ns2.b."));
            msg.add_additional(a("ns1.b.", [127, 0, 0, 226]));
        } else {
            msg.metadata.response_code = ResponseCode::Refused;
        }
        one(msg)
    });
    let _a = FakeServer::scripted("127.0.0.225:53", |query| match question(query) {
        (qname, _) if qname == "www.a." => one(answer(query, vec![cname("www.a.", "mail.b.")])),
        _ => one(negative(query, "a.", ResponseCode::NoError)),
    });
    let b = FakeServer::scripted("127.0.0.226:53", |query| match question(query) {
        (qname, RecordType::A) => one(answer(query, vec![a(&qname, [192, 0, 2, 10])])),
        _ => one(negative(query, "b.", ResponseCode::NoError)),
    });
    let dir = temp_dir("upstream-224");
    let hints = root_hints(&dir, Ipv4Addr::new(127, 0, 0, 224));
    let addr: SocketAddr = "127.0.0.227:5301".parse().unwrap();
    let _server = resolver(&hints, addr, &[], "");
    assert_eq!(
        answer_lines(addr, "www.b.", true),
        ["www.b. 300 a 192.0.2.10"]
    );
    assert_eq!(
        answer_lines(addr, "www.a.", true),
        ["mail.b. 300 a 192.0.2.10", "www.a. 300 cname mail.b."]
    );
    assert!(asked_of(&b).contains(&("mail.b.".to_owned(), RecordType::A)));
}
