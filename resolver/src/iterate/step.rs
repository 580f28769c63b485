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
    /// The CNAME/DNAME chain in the answer comes back to a name it has
    /// already passed: it can never end (answered SERVFAIL).
    Loop,
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
    let mut passed: Vec<Name> = Vec::new();
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
        let dname = message.answers.iter().filter(in_bailiwick).find(|r| {
            r.record_type() == RecordType::DNAME && r.name != current && r.name.zone_of(&current)
        });
        if let Some(dname) = dname {
            accept(&mut accepted, dname, answer_trust);
        }
        let target = match owned.iter().find(|r| r.record_type() == RecordType::CNAME) {
            Some(cname) => {
                let RData::CNAME(target) = &cname.data else {
                    break;
                };
                accept(&mut accepted, cname, answer_trust);
                target.0.clone()
            }
            // A DNAME without its CNAME (RFC 6672 3.1 asks for both, some
            // servers send the DNAME alone): the CNAME is synthesised here,
            // as the resolvers that meet them do.
            None => {
                let Some((dname, target)) =
                    dname.and_then(|d| Some((d, dname_synthesis(&current, d)?)))
                else {
                    break;
                };
                let cname = Record::from_rdata(
                    current.clone(),
                    dname.ttl,
                    RData::CNAME(hickory_proto::rr::rdata::CNAME(target.clone())),
                );
                accept(&mut accepted, &cname, answer_trust);
                target
            }
        };
        passed.push(std::mem::replace(&mut current, target));
        if passed.contains(&current) {
            return Step {
                outcome: Outcome::Loop,
                accepted: Vec::new(),
            };
        }
    }
    let chained = current != *qname;

    let soa = message
        .authorities
        .iter()
        .filter(in_bailiwick)
        .find(|r| r.record_type() == RecordType::SOA && r.name.zone_of(&current));
    // RFC 6604 3: the RCODE speaks for the last name of the chain, and a
    // server speaks only for its own zone: a name outside it is asked of
    // its own servers, from its closest delegation.
    if chained && !zone.zone_of(&current) {
        return Step {
            outcome: Outcome::Alias { target: current },
            accepted,
        };
    }
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
    // A CNAME beside a referral: the chain goes on from its target's
    // closest delegation, as the peers do; the referral was for the
    // target, not for the question.
    if chained {
        return Step {
            outcome: Outcome::Alias { target: current },
            accepted,
        };
    }
    // The zone's own NS RRset beside an empty authoritative answer is
    // NODATA without an SOA, not a referral to where the server already is.
    let apex_ns = message
        .authorities
        .iter()
        .any(|r| r.record_type() == RecordType::NS && r.name == *zone);
    if !(authoritative && apex_ns)
        && let Some(step) = referral(message, &current, zone, &mut accepted)
    {
        return step;
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

/// What `dname` (a DNAME record above `name`) makes of `name` (RFC 6672
/// 2.2): its labels below the DNAME's owner, then the DNAME's target.
pub fn dname_synthesis(name: &Name, dname: &Record) -> Option<Name> {
    let below = usize::from(name.num_labels().checked_sub(dname.name.num_labels())?);
    Name::from_labels(name.iter().take(below))
        .ok()?
        .append_domain(&dname_target(dname)?)
        .ok()
}

fn lame(reason: Lame) -> Step {
    Step {
        outcome: Outcome::Lame(reason),
        accepted: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
