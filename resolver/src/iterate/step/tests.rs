//! Tests of [`super`]: answers classified as RFC 1034 5.3.3 and RFC 2181 5.4.1 read them.

use std::str::FromStr;

use hickory_proto::op::{MessageType, OpCode};
use hickory_proto::rr::rdata::{A, CNAME, NS, SOA};

use super::*;

fn name(text: &str) -> Name {
    Name::from_str(text).unwrap()
}

fn a(owner: &str, addr: [u8; 4]) -> Record {
    Record::from_rdata(
        name(owner),
        300,
        RData::A(A::from(std::net::Ipv4Addr::from(addr))),
    )
}

fn ns(owner: &str, target: &str) -> Record {
    Record::from_rdata(name(owner), 300, RData::NS(NS(name(target))))
}

fn cname(owner: &str, target: &str) -> Record {
    Record::from_rdata(name(owner), 300, RData::CNAME(CNAME(name(target))))
}

fn soa(owner: &str) -> Record {
    let rdata = SOA::new(name("ns.example."), name("hm.example."), 1, 2, 3, 4, 5);
    Record::from_rdata(name(owner), 300, RData::SOA(rdata))
}

fn message(
    rcode: ResponseCode,
    aa: bool,
    answers: Vec<Record>,
    authority: Vec<Record>,
    additional: Vec<Record>,
) -> Message {
    let mut m = Message::new(1, MessageType::Response, OpCode::Query);
    m.metadata.response_code = rcode;
    m.metadata.authoritative = aa;
    m.answers = answers;
    m.authorities = authority;
    m.additionals = additional;
    m
}

fn accepted_names(step: &Step) -> Vec<String> {
    step.accepted
        .iter()
        .map(|(r, _)| format!("{} {}", r.name, r.record_type()))
        .collect()
}

#[test]
fn an_answer_in_bailiwick_is_accepted_and_poison_is_not() {
    let answer = message(
        ResponseCode::NoError,
        true,
        vec![
            a("www.example.internal.", [192, 0, 2, 80]),
            a("www.bank.lab.", [6, 6, 6, 6]),
        ],
        vec![],
        vec![a("ns.bank.lab.", [6, 6, 6, 6])],
    );
    let step = classify(
        &answer,
        &name("WWW.example.internal."),
        RecordType::A,
        &name("example.internal."),
    );
    assert_eq!(step.outcome, Outcome::Answer);
    assert_eq!(accepted_names(&step), ["www.example.internal. A"]);
    assert_eq!(step.accepted[0].1, Trust::AuthoritativeAnswer);
}

#[test]
fn a_cname_chain_leaving_the_zone_continues_with_its_target() {
    let answer = message(
        ResponseCode::NoError,
        true,
        vec![
            cname("alias.example.internal.", "www.hoster.lab."),
            a("www.hoster.lab.", [6, 6, 6, 6]),
        ],
        vec![],
        vec![],
    );
    let step = classify(
        &answer,
        &name("alias.example.internal."),
        RecordType::A,
        &name("example.internal."),
    );
    assert_eq!(
        step.outcome,
        Outcome::Alias {
            target: name("www.hoster.lab.")
        }
    );
    assert_eq!(
        accepted_names(&step),
        ["alias.example.internal. CNAME"],
        "the out-of-zone A is not believed"
    );
}

#[test]
fn a_chain_that_comes_back_to_a_name_is_a_loop() {
    let zone = name("example.internal.");
    let chains = [
        vec![cname("self.example.internal.", "self.example.internal.")],
        vec![
            cname("self.example.internal.", "two.example.internal."),
            cname("two.example.internal.", "self.example.internal."),
        ],
        // What a DNAME loop synthesises (d1 -> d2 -> d1).
        vec![
            cname("self.example.internal.", "x.d2.example.internal."),
            cname("x.d2.example.internal.", "x.d1.example.internal."),
            cname("x.d1.example.internal.", "x.d2.example.internal."),
        ],
    ];
    for answers in chains {
        let answer = message(ResponseCode::NoError, true, answers, vec![], vec![]);
        let qname = name("self.example.internal.");
        let step = classify(&answer, &qname, RecordType::A, &zone);
        assert_eq!(step.outcome, Outcome::Loop, "{:?}", answer.answers);
        assert!(step.accepted.is_empty(), "nothing of a loop is cached");
    }
}

#[test]
fn referrals_go_down_with_glue_in_bailiwick_only() {
    let answer = message(
        ResponseCode::NoError,
        false,
        vec![],
        vec![
            ns("example.internal.", "ns1.example.internal."),
            ns("example.internal.", "ns.hoster.lab."),
        ],
        vec![
            a("ns1.example.internal.", [127, 0, 0, 104]),
            a("ns.hoster.lab.", [6, 6, 6, 6]),
        ],
    );
    let step = classify(
        &answer,
        &name("www.example.internal."),
        RecordType::A,
        &name("internal."),
    );
    let Outcome::Referral { zone, servers } = &step.outcome else {
        panic!("{:?}", step.outcome)
    };
    assert_eq!(*zone, name("example.internal."));
    assert_eq!(
        servers[0].addresses,
        ["127.0.0.104".parse::<std::net::IpAddr>().unwrap()]
    );
    assert!(
        servers[1].addresses.is_empty(),
        "glue outside the bailiwick is ignored: glueless"
    );
    assert!(step.accepted.iter().all(|(_, t)| *t == Trust::Additional));
    assert!(!accepted_names(&step).contains(&"ns.hoster.lab. A".to_owned()));
}

#[test]
fn upward_and_sideways_referrals_make_the_server_lame() {
    for child in ["internal.", ".", "other.internal."] {
        let answer = message(
            ResponseCode::NoError,
            false,
            vec![],
            vec![ns(child, "ns.x.")],
            vec![],
        );
        let step = classify(
            &answer,
            &name("www.example.internal."),
            RecordType::A,
            &name("example.internal."),
        );
        assert_eq!(step.outcome, Outcome::Lame(Lame::BadReferral), "{child}");
        assert!(step.accepted.is_empty());
    }
}

#[test]
fn rfc2308_negative_answers_keep_the_soa_in_bailiwick() {
    let nx = message(
        ResponseCode::NXDomain,
        true,
        vec![],
        vec![soa("example.internal.")],
        vec![],
    );
    let step = classify(
        &nx,
        &name("nope.example.internal."),
        RecordType::A,
        &name("example.internal."),
    );
    assert_eq!(
        step.outcome,
        Outcome::NxDomain {
            name: name("nope.example.internal.")
        }
    );
    assert_eq!(accepted_names(&step), ["example.internal. SOA"]);

    let nodata = message(
        ResponseCode::NoError,
        true,
        vec![],
        vec![soa("example.internal.")],
        vec![],
    );
    let step = classify(
        &nodata,
        &name("www.example.internal."),
        RecordType::MX,
        &name("example.internal."),
    );
    assert_eq!(
        step.outcome,
        Outcome::NoData {
            name: name("www.example.internal.")
        }
    );

    let forged_soa = message(
        ResponseCode::NXDomain,
        true,
        vec![],
        vec![soa("lab.")],
        vec![],
    );
    let step = classify(
        &forged_soa,
        &name("nope.example.internal."),
        RecordType::A,
        &name("example.internal."),
    );
    assert!(matches!(step.outcome, Outcome::NxDomain { .. }));
    assert!(
        step.accepted.is_empty(),
        "an SOA from outside the bailiwick is not believed"
    );
}

#[test]
fn rfc6604_nxdomain_after_a_cname_names_the_end_of_the_chain() {
    let answer = message(
        ResponseCode::NXDomain,
        true,
        vec![cname(
            "dangling.example.internal.",
            "missing.example.internal.",
        )],
        vec![soa("example.internal.")],
        vec![],
    );
    let step = classify(
        &answer,
        &name("dangling.example.internal."),
        RecordType::A,
        &name("example.internal."),
    );
    assert_eq!(
        step.outcome,
        Outcome::NxDomain {
            name: name("missing.example.internal.")
        }
    );
    assert_eq!(
        accepted_names(&step),
        ["dangling.example.internal. CNAME", "example.internal. SOA"]
    );
}

#[test]
fn error_rcodes_and_non_answers_are_lame() {
    let refused = message(ResponseCode::Refused, false, vec![], vec![], vec![]);
    let step = classify(
        &refused,
        &name("www.lame.internal."),
        RecordType::A,
        &name("lame.internal."),
    );
    assert_eq!(
        step.outcome,
        Outcome::Lame(Lame::Rcode(ResponseCode::Refused))
    );
    let empty = message(ResponseCode::NoError, false, vec![], vec![], vec![]);
    let step = classify(
        &empty,
        &name("www.lame.internal."),
        RecordType::A,
        &name("lame.internal."),
    );
    assert_eq!(step.outcome, Outcome::Lame(Lame::NotAuthoritative));
}

#[test]
fn an_authoritative_empty_answer_with_the_zones_own_ns_is_nodata() {
    let nodata = message(
        ResponseCode::NoError,
        true,
        vec![],
        vec![ns("example.internal.", "ns.example.internal.")],
        vec![],
    );
    let step = classify(
        &nodata,
        &name("www.example.internal."),
        RecordType::AAAA,
        &name("example.internal."),
    );
    assert_eq!(
        step.outcome,
        Outcome::NoData {
            name: name("www.example.internal.")
        },
        "RFC 2308 2.2: NODATA without an SOA, not an upward referral"
    );
}

#[test]
fn a_cname_beside_a_referral_is_followed_not_the_referral() {
    let answer = message(
        ResponseCode::NoError,
        false,
        vec![cname("www.a.internal.", "www.b.internal.")],
        vec![ns("b.internal.", "ns.b.internal.")],
        vec![a("ns.b.internal.", [127, 0, 0, 9])],
    );
    let step = classify(
        &answer,
        &name("www.a.internal."),
        RecordType::A,
        &name("internal."),
    );
    assert_eq!(
        step.outcome,
        Outcome::Alias {
            target: name("www.b.internal.")
        },
        "the referral is for the target; the question is not asked there"
    );
    assert_eq!(accepted_names(&step), ["www.a.internal. CNAME"]);
}

fn dname(owner: &str, target: &str) -> Record {
    use hickory_proto::rr::rdata::NULL;
    use hickory_proto::serialize::binary::BinEncodable;
    let rdata = NULL::with(name(target).to_bytes().unwrap());
    Record::from_rdata(
        name(owner),
        300,
        RData::Unknown {
            code: RecordType::DNAME,
            rdata,
        },
    )
}

#[test]
fn rfc6604_3_an_nxdomain_for_a_target_outside_the_zone_is_followed() {
    let answer = message(
        ResponseCode::NXDomain,
        true,
        vec![cname("www.paper.internal.", "www.paper.internal.cdn.lab.")],
        vec![soa("paper.internal.")],
        vec![],
    );
    let qname = name("www.paper.internal.");
    let step = classify(&answer, &qname, RecordType::A, &name("paper.internal."));
    assert_eq!(
        step.outcome,
        Outcome::Alias {
            target: name("www.paper.internal.cdn.lab.")
        },
        "the server cannot speak for cdn.lab."
    );
    assert_eq!(accepted_names(&step), ["www.paper.internal. CNAME"]);
}

#[test]
fn rfc6672_a_dname_without_its_cname_is_followed_with_one_synthesised() {
    let zone = name("example.internal.");
    let answer = message(
        ResponseCode::NoError,
        true,
        vec![dname("old.example.internal.", "new.lab.")],
        vec![],
        vec![],
    );
    let qname = name("www.old.example.internal.");
    let step = classify(&answer, &qname, RecordType::A, &zone);
    assert_eq!(
        step.outcome,
        Outcome::Alias {
            target: name("www.new.lab.")
        }
    );
    assert_eq!(
        accepted_names(&step),
        [
            "old.example.internal. DNAME",
            "www.old.example.internal. CNAME"
        ]
    );
}

#[test]
fn an_rrset_of_another_type_than_asked_is_ignored() {
    // An A RRset for an AAAA question, with and without the zone's SOA:
    // NODATA, and the stray RRset is not believed (issue 13 item 4).
    let zone = name("example.internal.");
    let qname = name("stray.example.internal.");
    for authority in [vec![], vec![soa("example.internal.")]] {
        let answer = message(
            ResponseCode::NoError,
            true,
            vec![a("stray.example.internal.", [192, 0, 2, 9])],
            authority,
            vec![],
        );
        let step = classify(&answer, &qname, RecordType::AAAA, &zone);
        assert_eq!(
            step.outcome,
            Outcome::NoData {
                name: qname.clone()
            }
        );
        assert!(
            accepted_names(&step).iter().all(|r| !r.ends_with(" A")),
            "{:?}",
            accepted_names(&step)
        );
    }
}
