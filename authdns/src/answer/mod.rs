//! Answering one query: bytes in, bytes out, no IO.
//!
//! ```text
//! bytes ─► wire::query::parse ─► checks (opcode, class, EDNS version)
//!       ─► Snapshot::find (longest-match zone) ─► resolve::resolve ─► Plan
//!       ─► encode (one pass, compression, TC at RRset boundaries) + OPT
//! ```
//!
//! Malformed queries get FORMERR, responses (QR=1) and runts are dropped,
//! NOTIFY and UPDATE get REFUSED (NOTAUTH for zones not served here),
//! other opcodes NOTIMP, names outside every zone REFUSED with EDE 20.

mod proof;
pub mod resolve;

use std::net::IpAddr;

use zone_loader::rtype::code;
use zone_loader::wire::query::{self, Edns, Query, QueryError};
use zone_loader::wire::writer::{Owner, Section, Writer};
use zone_loader::{Snapshot, Zone};

use crate::chaos::{self, Chaos};
use crate::cookies::CookieSecret;
use crate::edns::{self, OptOut};
use crate::secondary::expiry::ExpireClocks;
use crate::secondary::timers::SoaTimers;
use resolve::{AnyPolicy, Item, Plan, PlanOwner, rcode};

/// Opcodes (RFC 1035 4.1.1, RFC 1996, RFC 2136).
mod opcode {
    /// A standard query.
    pub(super) const QUERY: u8 = 0;
    /// A zone change notification (RFC 1996).
    pub(super) const NOTIFY: u8 = 4;
    /// A dynamic update (RFC 2136).
    pub(super) const UPDATE: u8 = 5;
}

/// Largest UDP answer without EDNS (RFC 1035 4.2.1).
pub const CLASSIC_UDP_SIZE: usize = 512;
/// Largest DNS message (over TCP, RFC 1035 4.2.2).
pub const MAX_MESSAGE: usize = 65_535;
/// DNS class IN.
const CLASS_IN: u16 = 1;
/// DNS class CH.
const CLASS_CH: u16 = 3;

/// The transport a query came over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// UDP: answers are size-limited and may be truncated.
    Udp,
    /// TCP: answers up to 65535 octets.
    Tcp,
}

/// Server settings the answer depends on.
#[derive(Debug, Clone)]
pub struct AnswerConfig {
    /// Our EDNS UDP payload size, also the cap on UDP answers.
    pub edns_udp_size: u16,
    /// NSID to return when asked (RFC 5001), if configured.
    pub nsid: Option<Vec<u8>>,
    /// CHAOS identity and version answers.
    pub chaos: Chaos,
    /// The secret for server cookies (RFC 9018).
    pub cookie_secret: CookieSecret,
    /// When secondary zones expire, for EDNS EXPIRE (RFC 7314).
    pub expire: ExpireClocks,
}

/// One query as received.
#[derive(Debug, Clone, Copy)]
pub struct Request<'m> {
    /// The message.
    pub msg: &'m [u8],
    /// How it came.
    pub transport: Transport,
    /// The client's address (only for cookies; never logged).
    pub client: IpAddr,
    /// Seconds since the Unix epoch.
    pub now: u32,
}

/// Writes the response to `request` into `buf`. `None`: send nothing.
pub fn answer(
    snapshot: &Snapshot,
    config: &AnswerConfig,
    request: &Request<'_>,
    buf: &mut Vec<u8>,
) -> Option<usize> {
    let query = match query::parse(request.msg) {
        Ok(query) => query,
        Err(QueryError::Drop) => return None,
        Err(QueryError::FormErr) => return Some(form_error(request.msg, buf)),
    };
    let limit = size_limit(&query, config, request.transport);
    let mut writer = Writer::new(buf, request.msg, query.question_end, limit);
    let opt = query.edns.map(|e| OptOut::new(&e, config, request));
    if let Some(opt) = &opt {
        writer.reserve(opt.len());
    }
    if query.edns.is_some_and(|e: Edns| e.version > 0) {
        // RFC 6891 6.1.3: unsupported version: BADVERS, no answer.
        let badvers = opt.as_ref().map(OptOut::badvers);
        return Some(finish(writer, badvers.as_ref()));
    }
    if let Some(rcode) = not_a_lookup(snapshot, &query) {
        writer.set_rcode(rcode);
        return Some(finish(writer, opt.as_ref()));
    }
    if query.qclass == CLASS_CH {
        chaos::answer(&config.chaos, &query, &mut writer);
        return Some(finish(writer, opt.as_ref()));
    }
    if snapshot.expired(query.qname()).is_some() {
        // RFC 1034 4.3.5: an expired secondary zone is not answered from;
        // SERVFAIL, as Knot DNS and NSD answer it.
        writer.set_rcode(rcode::SERVFAIL);
        return Some(finish(writer, opt.as_ref()));
    }
    let Some(zone) = zone_for(snapshot, query.qname(), query.qtype) else {
        // RFC 8914 4.21: Not Authoritative, as Knot DNS and NSD say it.
        let opt = opt.map(|opt| {
            writer.reserve(edns::EDE_LEN);
            opt.with_ede(edns::EDE_NOT_AUTHORITATIVE)
        });
        writer.set_rcode(rcode::REFUSED);
        return Some(finish(writer, opt.as_ref()));
    };
    let opt = match (opt, query.edns.is_some_and(|e| e.expire)) {
        (Some(opt), true) => {
            writer.reserve(edns::EXPIRE_LEN);
            Some(opt.with_expire(expire_value(config, zone, request.now)))
        }
        (opt, _) => opt,
    };
    let any = match request.transport {
        Transport::Udp => AnyPolicy::OneRRset,
        Transport::Tcp => AnyPolicy::All,
    };
    let dnssec = query.edns.is_some_and(|e| e.dnssec_ok);
    let mut plan = Plan::new(zone, dnssec);
    resolve::resolve(&mut plan, query.qname(), query.qtype, any);
    encode(&plan, &query, request.msg, &mut writer);
    Some(finish(writer, opt.as_ref()))
}

/// The EXPIRE value of `zone` (RFC 7314 3): a secondary's seconds left
/// before it expires, a primary's SOA EXPIRE.
pub(crate) fn expire_value(config: &AnswerConfig, zone: &Zone, now: u32) -> u32 {
    config
        .expire
        .remaining(zone.origin().as_wire(), u64::from(now))
        .unwrap_or_else(|| SoaTimers::of(zone).expire)
}

/// The RCODE of a message answered without a lookup: an opcode other than
/// QUERY, a class other than IN and CH, a zone transfer.
fn not_a_lookup(snapshot: &Snapshot, query: &Query) -> Option<u8> {
    match query.opcode() {
        opcode::QUERY => {}
        opcode::NOTIFY | opcode::UPDATE => {
            // RFC 2136 3.1.1 and RFC 1996 3.10: NOTAUTH for a zone not
            // served here; a zone served here takes neither dynamic
            // updates nor notifies (it is no secondary): REFUSED.
            let qname = query.qname();
            let served = snapshot
                .find(qname)
                .is_some_and(|zone| zone.origin().as_wire() == qname);
            return Some(if served {
                rcode::REFUSED
            } else {
                rcode::NOTAUTH
            });
        }
        _ => return Some(rcode::NOTIMP),
    }
    match query.qclass {
        // Zone transfers are not served yet. Other meta types (MAILA,
        // MAILB, OPT, 128-255) are looked up like any type and find no
        // data, as Knot DNS and NSD answer them.
        CLASS_IN if matches!(query.qtype, code::AXFR | code::IXFR) => Some(rcode::REFUSED),
        CLASS_IN | CLASS_CH => None,
        _ => Some(rcode::REFUSED),
    }
}

/// The zone that answers `qname` `qtype`: the deepest served zone at or
/// above it, except that DS at a zone's apex is the parent's data, so a
/// parent served here answers it (RFC 4035 3.1.4.1).
fn zone_for<'s>(
    snapshot: &'s Snapshot,
    qname: &[u8],
    qtype: u16,
) -> Option<&'s std::sync::Arc<Zone>> {
    let zone = snapshot.find(qname)?;
    if qtype == code::DS && zone.origin().as_wire() == qname && !zone.origin().is_root() {
        let parent = &qname[1 + usize::from(qname[0])..];
        if let Some(parent) = snapshot.find(parent) {
            return Some(parent);
        }
    }
    Some(zone)
}

fn size_limit(query: &Query, config: &AnswerConfig, transport: Transport) -> usize {
    match (transport, query.edns) {
        (Transport::Tcp, _) => MAX_MESSAGE,
        (Transport::Udp, None) => CLASSIC_UDP_SIZE,
        (Transport::Udp, Some(edns)) => {
            usize::from(edns.udp_size.min(config.edns_udp_size)).max(CLASSIC_UDP_SIZE)
        }
    }
}

fn form_error(msg: &[u8], buf: &mut Vec<u8>) -> usize {
    let (id, flags) = query::header_id(msg).expect("parse drops messages shorter than a header");
    let mut writer = Writer::header_only(buf, id, flags);
    writer.set_rcode(rcode::FORMERR);
    writer.finish()
}

fn finish(mut writer: Writer<'_>, opt: Option<&OptOut>) -> usize {
    if let Some(opt) = opt {
        writer.release(opt.len());
        let mut record = [0u8; edns::MAX_OPT_LEN];
        let len = opt.write(&mut record);
        writer
            .raw_record(Section::Additional, &record[..len])
            .expect("room for the OPT record was reserved");
    }
    writer.finish()
}

/// Encodes a plan. An answer or authority RRset that does not fit sets TC
/// and ends the message (RFC 2181 9); additional data is dropped quietly
/// unless it is required glue (RFC 9471).
fn encode(plan: &Plan<'_>, query: &Query, msg: &[u8], writer: &mut Writer<'_>) {
    if plan.authoritative {
        writer.set_authoritative();
    }
    writer.set_rcode(plan.rcode);
    let question = &msg[query::HEADER_LEN..query.question_end - 4];
    let sections = [
        (Section::Answer, &plan.answer[..]),
        (Section::Authority, &plan.authority[..]),
        (Section::Additional, &plan.additional[..]),
    ];
    for (section, items) in sections {
        for item in items {
            if write_item(plan, item, section, question, writer).is_err() {
                let required = match item {
                    Item::Stored { required, .. } => *required,
                    Item::Signatures { .. } | Item::SynthCname { .. } => true,
                };
                if section != Section::Additional || required {
                    writer.set_truncated();
                    return;
                }
            }
        }
    }
}

fn write_item(
    plan: &Plan<'_>,
    item: &Item<'_>,
    section: Section,
    question: &[u8],
    writer: &mut Writer<'_>,
) -> Result<(), zone_loader::wire::writer::Full> {
    match *item {
        Item::Stored {
            zone,
            owner,
            rrset,
            sigs,
            ..
        } => {
            let owner = writer_owner(plan, owner, question);
            let mark = writer.mark();
            writer.rrset(section, owner, rrset.rtype, rrset.ttl, zone.records(rrset))?;
            let Some(sigs) = sigs else {
                return Ok(());
            };
            // Each signature goes out with the TTL of the RRset it covers;
            // an RRset whose signatures do not fit is taken back too.
            let covered = rrset.rtype.to_be_bytes();
            let signatures = zone
                .records(sigs)
                .filter(|rdata| rdata.starts_with(&covered));
            writer
                .rrset(section, owner, code::RRSIG, rrset.ttl, signatures)
                .inspect_err(|_| writer.rollback(mark))
        }
        Item::Signatures {
            zone,
            owner,
            covered,
            sigs,
        } => {
            let owner = writer_owner(plan, owner, question);
            let type_covered = covered.rtype.to_be_bytes();
            let signatures = zone
                .records(sigs)
                .filter(|rdata| rdata.starts_with(&type_covered));
            writer.rrset(section, owner, code::RRSIG, covered.ttl, signatures)
        }
        Item::SynthCname { owner, target, ttl } => {
            let owner = writer_owner(plan, owner, question);
            writer.record(
                section,
                owner,
                code::CNAME,
                CLASS_IN,
                ttl,
                plan.synth_name(target),
            )
        }
    }
}

fn writer_owner<'p>(plan: &'p Plan<'_>, owner: PlanOwner<'p>, question: &'p [u8]) -> Owner<'p> {
    match owner {
        PlanOwner::Question => Owner::Question,
        other => Owner::Name(plan.owner_name(other, question)),
    }
}

#[cfg(test)]
mod tests;
