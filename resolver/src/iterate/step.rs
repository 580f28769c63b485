//! One step of iteration: what an authoritative server's answer means for
//! the question, and which of its records may be believed.
//!
//! The server was asked as an authority for `zone` (its bailiwick). Only
//! records at or below that zone are accepted (RFC 2181 5.4.1; the rule
//! that defeats Kashpureff-style poisoning). Glue is accepted only for
//! name servers of the delegation and only within the bailiwick. A referral
//! must lead down: to a zone strictly below the one asked and at or above
//! the question name; anything else makes the server lame for the question.
//! Pure: a message in, an [`Outcome`] and the accepted records out.

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use hickory_proto::serialize::binary::BinDecodable;

use crate::cache::Trust;
use crate::records::address;
use crate::validate::verify::rrsig;

/// Longest CNAME chain followed inside one answer.
pub const MAX_CHAIN_IN_ANSWER: usize = 12;

/// Why a server cannot help with this question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lame {
    /// It answered with an error RCODE (SERVFAIL, REFUSED, NOTIMP, FORMERR...).
    Rcode(ResponseCode),
    /// It referred upward or sideways instead of down.
    BadReferral,
    /// It is not authoritative and gave neither an answer nor a referral.
    NotAuthoritative,
}

/// A name server of a delegation, with the glue addresses accepted for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameServer {
    /// Its name.
    pub name: Name,
    /// Addresses from glue within the bailiwick (empty: glueless).
    pub addresses: Vec<std::net::IpAddr>,
}

/// What the answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The question is answered (after any CNAMEs the server followed).
    Answer,
    /// A CNAME chain ends at `target`, which this server did not answer for:
    /// resolution goes on with `target`.
    Alias {
        /// The name to resolve next.
        target: Name,
    },
    /// A referral to `zone`, served by `servers`.
    Referral {
        /// The child zone.
        zone: Name,
        /// Its name servers.
        servers: Vec<NameServer>,
    },
    /// `name` (the question, or the end of its CNAME chain) does not exist.
    NxDomain {
        /// The name that does not exist.
        name: Name,
    },
    /// `name` exists without data of the type.
    NoData {
        /// The name without the data.
        name: Name,
    },
    /// Try another server.
    Lame(Lame),
}

/// An answer, classified.
#[derive(Debug, Clone)]
pub struct Step {
    /// What it means.
    pub outcome: Outcome,
    /// Records that may be cached, with their RFC 2181 trust.
    pub accepted: Vec<(Record, Trust)>,
}

/// Classifies `message`, the answer of a server asked as an authority for
/// `zone`, to the question `qname` `qtype`. The DNSSEC records that go
/// with what is accepted are accepted too: the RRSIGs of each accepted
/// RRset, and for denials and referrals the NSEC/NSEC3 records (and a
/// referral's DS) with theirs, all within the bailiwick.
pub fn classify(message: &Message, qname: &Name, qtype: RecordType, zone: &Name) -> Step {
    let mut step = classify_records(message, qname, qtype, zone);
    add_dnssec(message, zone, &mut step);
    step
}

fn add_dnssec(message: &Message, zone: &Name, step: &mut Step) {
    let in_bailiwick = |record: &&Record| zone.zone_of(&record.name);
    let proofs = match &step.outcome {
        // Denials; and answers synthesised from a wildcard, whose proof
        // that the name itself does not exist rides in the authority section.
        Outcome::NxDomain { .. }
        | Outcome::NoData { .. }
        | Outcome::Answer
        | Outcome::Alias { .. } => true,
        Outcome::Referral { zone: child, .. } => {
            let ds = message
                .authorities
                .iter()
                .filter(in_bailiwick)
                .filter(|r| r.record_type() == RecordType::DS && r.name == *child);
            for record in ds {
                accept(&mut step.accepted, record, Trust::AuthoritativeAuthority);
            }
            true
        }
        _ => false,
    };
    if proofs {
        let denials = message
            .authorities
            .iter()
            .filter(in_bailiwick)
            .filter(|r| matches!(r.record_type(), RecordType::NSEC | RecordType::NSEC3));
        for record in denials {
            accept(&mut step.accepted, record, Trust::AuthoritativeAuthority);
        }
    }
    let sections = [&message.answers, &message.authorities];
    let sigs: Vec<(Record, Trust)> = sections
        .into_iter()
        .flatten()
        .filter(in_bailiwick)
        .filter_map(|sig| {
            let covered = rrsig(sig)?.input().type_covered;
            let (_, trust) = step
                .accepted
                .iter()
                .find(|(r, _)| r.name == sig.name && r.record_type() == covered)?;
            Some((sig.clone(), *trust))
        })
        .collect();
    for (sig, trust) in &sigs {
        accept(&mut step.accepted, sig, *trust);
    }
}

fn classify_records(message: &Message, qname: &Name, qtype: RecordType, zone: &Name) -> Step {
    let rcode = message.metadata.response_code;
    if !matches!(rcode, ResponseCode::NoError | ResponseCode::NXDomain) {
        return lame(Lame::Rcode(rcode));
    }
    let authoritative = message.metadata.authoritative;
    let in_bailiwick = |record: &&Record| zone.zone_of(&record.name);
    let answer_trust = if authoritative {
        Trust::AuthoritativeAnswer
    } else {
        Trust::NonAuthoritativeAnswer
    };
    let mut accepted = Vec::new();

    // Follow the chain from the question through the answer section.
    let mut current = qname.clone();
    for _ in 0..=MAX_CHAIN_IN_ANSWER {
        let owned: Vec<&Record> = message
            .answers
            .iter()
            .filter(in_bailiwick)
            .filter(|r| r.name == current)
            .collect();
        let wanted: Vec<&Record> = owned
            .iter()
            .copied()
            .filter(|r| r.record_type() == qtype)
            .collect();
        if !wanted.is_empty() {
            for record in wanted {
                accept(&mut accepted, record, answer_trust);
            }
            return Step {
                outcome: Outcome::Answer,
                accepted,
            };
        }
        // A DNAME above the name (RFC 6672) comes with the CNAME it
        // synthesised; both are part of the answer.
        if let Some(dname) = message.answers.iter().filter(in_bailiwick).find(|r| {
            r.record_type() == RecordType::DNAME && r.name != current && r.name.zone_of(&current)
        }) {
            accept(&mut accepted, dname, answer_trust);
        }
        let Some(cname) = owned.iter().find(|r| r.record_type() == RecordType::CNAME) else {
            break;
        };
        let RData::CNAME(target) = &cname.data else {
            break;
        };
        accept(&mut accepted, cname, answer_trust);
        current = target.0.clone();
    }
    let chained = current != *qname;

    let soa = message
        .authorities
        .iter()
        .filter(in_bailiwick)
        .find(|r| r.record_type() == RecordType::SOA && r.name.zone_of(&current));
    if rcode == ResponseCode::NXDomain {
        accepted.extend(soa.map(|r| (r.clone(), Trust::AuthoritativeAuthority)));
        return Step {
            outcome: Outcome::NxDomain { name: current },
            accepted,
        };
    }
    if let Some(soa) = soa {
        accepted.push((soa.clone(), Trust::AuthoritativeAuthority));
        return Step {
            outcome: Outcome::NoData { name: current },
            accepted,
        };
    }
    if let Some(step) = referral(message, &current, zone, &mut accepted) {
        return step;
    }
    if chained {
        return Step {
            outcome: Outcome::Alias { target: current },
            accepted,
        };
    }
    if authoritative {
        // RFC 2308 2.2: NODATA without an SOA is still NODATA (it is not cached long).
        return Step {
            outcome: Outcome::NoData { name: current },
            accepted,
        };
    }
    lame(Lame::NotAuthoritative)
}

/// A downward referral for `name`, with NS records and glue accepted.
fn referral(
    message: &Message,
    name: &Name,
    zone: &Name,
    accepted: &mut Vec<(Record, Trust)>,
) -> Option<Step> {
    let ns: Vec<&Record> = message
        .authorities
        .iter()
        .filter(|r| r.record_type() == RecordType::NS)
        .collect();
    let child = ns.first()?.name.clone();
    // Down only: strictly below the zone asked, and at or above the name.
    if !(zone.zone_of(&child) && child != *zone && child.zone_of(name)) {
        accepted.clear();
        return Some(lame(Lame::BadReferral));
    }
    let mut servers = Vec::new();
    for record in ns.into_iter().filter(|r| r.name == child) {
        let RData::NS(target) = &record.data else {
            continue;
        };
        accepted.push((record.clone(), Trust::Additional));
        let mut addresses = Vec::new();
        for glue in message
            .additionals
            .iter()
            .filter(|g| g.name == target.0 && zone.zone_of(&g.name))
        {
            let Some(address) = address(&glue.data) else {
                continue;
            };
            accepted.push((glue.clone(), Trust::Additional));
            addresses.push(address);
        }
        servers.push(NameServer {
            name: target.0.clone(),
            addresses,
        });
    }
    Some(Step {
        outcome: Outcome::Referral {
            zone: child,
            servers,
        },
        accepted: std::mem::take(accepted),
    })
}

/// Adds `record` unless it is already there (servers repeat records
/// when they follow a CNAME loop).
fn accept(accepted: &mut Vec<(Record, Trust)>, record: &Record, trust: Trust) {
    if !accepted.iter().any(|(r, _)| r == record) {
        accepted.push((record.clone(), trust));
    }
}

/// The target of a DNAME record (its rdata is an uncompressed name).
pub fn dname_target(record: &Record) -> Option<Name> {
    match &record.data {
        RData::Unknown { code, rdata } if *code == RecordType::DNAME => {
            Name::from_bytes(&rdata.anything).ok()
        }
        _ => None,
    }
}

fn lame(reason: Lame) -> Step {
    Step {
        outcome: Outcome::Lame(reason),
        accepted: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
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
}
