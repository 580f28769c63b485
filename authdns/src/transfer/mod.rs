//! Zone transfers out, the primary role (RFC 5936 AXFR; RFC 1995 IXFR
//! from the journal, answered AXFR-style, as its section 4 allows, when
//! the journal does not reach back to the client's serial).
//!
//! ```text
//! query ─► is_transfer (TCP listener, UDP service) ─► start:
//!   parse ─► TSIG verify ─► zone served? (NOTAUTH) ─► allowed? (REFUSED + EDE 18)
//!   ─► Reply (errors, IXFR of a current serial, IXFR over UDP: whole or TC)
//!    | Stream (axfr::Axfr, or ixfr::Ixfr over the journal's changesets)
//! ```
//!
//! A transfer is allowed when the client's address is in the zone's
//! `allow-transfer` and, when the zone has a `transfer-key`, the query is
//! signed with that key. Zones without a `[[zone]]` entry, and zones
//! whose entry allows nobody, are never transferred.

pub mod acl;
pub mod axfr;
pub mod ixfr;

use std::collections::HashMap;
use std::sync::Arc;

use zone_loader::rtype::code;
use zone_loader::wire::query::{self, HEADER_LEN, Query, QueryError};
use zone_loader::wire::writer::{Owner, Section, Writer};
use zone_loader::{Snapshot, Zone};

use crate::answer::resolve::rcode;
use crate::answer::{AnswerConfig, CLASSIC_UDP_SIZE, MAX_MESSAGE, Request, Transport};
use crate::edns::{EDE_PROHIBITED, OptOut};
use crate::journal::{Changeset, Journals};
use crate::serial;
use crate::tsig::{self, Key, KeyRing, Signer, Verified};
use acl::Network;

/// RCODE NOTAUTH (RFC 8945 3, RFC 2136 2.2): the zone is not served
/// here, or the TSIG failed.
pub const NOTAUTH: u8 = 9;
/// DNS class IN.
const CLASS_IN: u16 = 1;

/// Who may transfer one zone.
#[derive(Debug, Clone, Default)]
pub struct ZoneTransfer {
    /// Client networks allowed (empty: nobody).
    pub allow: Vec<Network>,
    /// The key transfers must be signed with, if any.
    pub key: Option<Arc<Key>>,
}

/// The transfer settings of every zone, the TSIG keys, and the zones'
/// journals (for IXFR).
#[derive(Debug, Clone, Default)]
pub struct Transfers {
    keys: KeyRing,
    zones: HashMap<Box<[u8]>, ZoneTransfer>,
    journals: Option<Arc<Journals>>,
}

impl Transfers {
    /// `zones` by lowercase wire origin.
    pub fn new(keys: KeyRing, zones: HashMap<Box<[u8]>, ZoneTransfer>) -> Self {
        Self {
            keys,
            zones,
            journals: None,
        }
    }

    /// IXFR answers come from `journals` (without, IXFR is answered
    /// AXFR-style).
    pub fn set_journals(&mut self, journals: Arc<Journals>) {
        self.journals = Some(journals);
    }

    /// The key transfers and NOTIFY of zone `origin` are signed with.
    pub fn key(&self, origin: &[u8]) -> Option<&Arc<Key>> {
        self.zones.get(origin)?.key.as_ref()
    }

    /// The TSIG keys.
    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// Whether `client`, with the verified key `signed_with`, may
    /// transfer the zone `origin`.
    fn allows(&self, origin: &[u8], client: std::net::IpAddr, signed_with: Option<&Key>) -> bool {
        let Some(zone) = self.zones.get(origin) else {
            return false;
        };
        let key_ok = match (&zone.key, signed_with) {
            (None, _) => true,
            (Some(wanted), Some(used)) => wanted.name() == used.name(),
            (Some(_), None) => false,
        };
        key_ok && zone.allow.iter().any(|n| n.contains(client))
    }
}

/// Whether `msg` asks for a zone transfer (QTYPE AXFR or IXFR in a
/// query): a look at the question only, cheap enough for every datagram.
pub fn is_transfer(msg: &[u8]) -> bool {
    if msg.len() < HEADER_LEN || msg[2] & 0x80 != 0 || msg[4..6] != [0, 1] {
        return false;
    }
    let mut pos = HEADER_LEN;
    while let Some(&len) = msg.get(pos) {
        if len == 0 || len > 63 {
            break;
        }
        pos += 1 + usize::from(len);
    }
    matches!(msg.get(pos + 1..pos + 3), Some(&[0, 252]) | Some(&[0, 251]))
}

/// Whether `msg` may carry a TSIG record worth checking: keys are
/// configured and the message has additional records. Secondaries sign
/// the SOA queries they send before a transfer.
pub fn may_be_signed(transfers: &Transfers, msg: &[u8]) -> bool {
    !transfers.keys.is_empty() && msg.get(10..12).is_some_and(|c| c != [0, 0])
}

/// Answers a query that is not a transfer but may be TSIG-signed (a
/// secondary's SOA query): signed queries get signed answers (RFC 8945
/// 5.3), failed signatures the TSIG error (RFC 8945 5.2).
pub fn answer_signed(
    transfers: &Transfers,
    snapshot: &Snapshot,
    config: &AnswerConfig,
    request: &Request<'_>,
    buf: &mut Vec<u8>,
) -> Option<usize> {
    let now = u64::from(request.now);
    match tsig::verify(transfers.keys(), request.msg, now) {
        Verified::Unsigned => crate::answer::answer(snapshot, config, request, buf),
        Verified::Signed(mut signer) => {
            let len = crate::answer::answer(snapshot, config, request, buf)?;
            buf.truncate(len);
            signer.sign(buf);
            Some(buf.len())
        }
        Verified::Malformed => Some(header_reply(request.msg, buf, rcode::FORMERR)),
        Verified::Rejected(mut rejection) => {
            let query = query::parse(request.msg).ok()?;
            let len = reply(
                &query,
                request.msg,
                config,
                request,
                buf,
                NOTAUTH,
                None,
                None,
            );
            buf.truncate(len);
            rejection.append(buf, now);
            Some(buf.len())
        }
    }
}

/// How a transfer query is answered.
#[derive(Debug)]
pub enum Start {
    /// One message, in the buffer: an error, the SOA alone for an IXFR
    /// whose serial is current, or over UDP a whole IXFR or TC.
    Reply(usize),
    /// A zone transfer to stream ([`Messages`]: the zone or changesets).
    Stream(Stream),
}

/// An allowed transfer, ready to stream.
#[derive(Debug)]
pub struct Stream {
    /// The zone, held for the whole transfer: one consistent version.
    pub zone: Arc<Zone>,
    /// Signs each message when the query was signed.
    pub signer: Option<Signer>,
    /// Where the query's question ends.
    pub question_end: usize,
    /// The query type (AXFR, or IXFR).
    pub qtype: u16,
    /// For an IXFR the journal covers: the changesets from the client's
    /// serial to the zone's (`None`: the whole zone, AXFR-style).
    pub changesets: Option<Vec<Arc<Changeset>>>,
    /// The OPT record of the first message, with EDNS EXPIRE, when the
    /// query asked for it (RFC 7314 3).
    pub expire: Option<Box<OptOut>>,
}

impl Stream {
    /// Octets each message keeps free for its TSIG and OPT records.
    pub fn reserve(&self) -> usize {
        reserve(self.signer.as_ref()) + self.expire.as_ref().map_or(0, |opt| opt.len())
    }
}

/// Adds `opt`, an OPT record, to the message in `msg` (before it is
/// signed: the TSIG record stays last).
pub fn append_opt(msg: &mut Vec<u8>, opt: &OptOut) {
    let mut record = [0u8; crate::edns::MAX_OPT_LEN];
    let len = opt.write(&mut record);
    msg.extend_from_slice(&record[..len]);
    let arcount = u16::from_be_bytes([msg[10], msg[11]]).wrapping_add(1);
    msg[10..12].copy_from_slice(&arcount.to_be_bytes());
}

fn reserve(signer: Option<&Signer>) -> usize {
    signer.map_or(0, |s| s.key().record_len())
}

/// The messages of a transfer, whole zone or changesets.
#[derive(Debug)]
pub enum Messages<'s> {
    /// The whole zone.
    Axfr(axfr::Axfr<'s>),
    /// Changesets from the journal.
    Ixfr(ixfr::Ixfr<'s>),
}

impl<'s> Messages<'s> {
    /// The messages of `zone`, or of `changesets` of it when given.
    pub fn new(zone: &'s Zone, changesets: Option<&'s [Arc<Changeset>]>) -> Self {
        match changesets {
            Some(changesets) => Self::Ixfr(ixfr::Ixfr::new(zone.origin().as_wire(), changesets)),
            None => Self::Axfr(axfr::Axfr::new(zone)),
        }
    }

    /// Writes the next message into `buf` (see [`axfr::Axfr::next_message`]).
    pub fn next_message(
        &mut self,
        query: &[u8],
        question_end: usize,
        buf: &mut Vec<u8>,
        reserve: usize,
    ) -> axfr::Next {
        match self {
            Self::Axfr(axfr) => axfr.next_message(query, question_end, buf, reserve),
            Self::Ixfr(ixfr) => ixfr.next_message(query, question_end, buf, reserve),
        }
    }
}

/// Decides how to answer the transfer query `request`; a reply is
/// written into `buf`. `None`: send nothing (not a query).
pub fn start(
    transfers: &Transfers,
    snapshot: &Snapshot,
    config: &AnswerConfig,
    request: &Request<'_>,
    buf: &mut Vec<u8>,
) -> Option<Start> {
    let msg = request.msg;
    let query = match query::parse(msg) {
        Ok(query) => query,
        Err(QueryError::Drop) => return None,
        Err(QueryError::FormErr) => {
            return Some(Start::Reply(header_reply(msg, buf, rcode::FORMERR)));
        }
    };
    let now = u64::from(request.now);
    let mut signer = match tsig::verify(transfers.keys(), msg, now) {
        Verified::Unsigned => None,
        Verified::Signed(signer) => Some(signer),
        Verified::Malformed => return Some(Start::Reply(header_reply(msg, buf, rcode::FORMERR))),
        Verified::Rejected(mut rejection) => {
            let len = reply(&query, msg, config, request, buf, NOTAUTH, None, None);
            buf.truncate(len);
            rejection.append(buf, now);
            return Some(Start::Reply(buf.len()));
        }
    };
    let signed_with = signer.as_ref().map(|s| Arc::clone(s.key()));
    match decide(transfers, snapshot, &query, request, signed_with.as_deref()) {
        Outcome::Stream(zone, changesets) => Some(Start::Stream(Stream {
            expire: query.edns.filter(|e| e.expire).map(|edns| {
                let seconds = crate::answer::expire_value(config, zone, request.now);
                Box::new(OptOut::new(&edns, config, request).with_expire(seconds))
            }),
            zone: Arc::clone(zone),
            signer,
            question_end: query.question_end,
            qtype: query.qtype,
            changesets,
        })),
        Outcome::UdpIxfr(zone, changesets) => {
            let body = (&**zone, &changesets[..]);
            let len = udp_ixfr(&query, msg, config, request, buf, body, signer.as_ref());
            buf.truncate(len);
            if let Some(signer) = signer.as_mut() {
                signer.sign(buf);
            }
            Some(Start::Reply(buf.len()))
        }
        Outcome::Reply {
            rcode,
            soa,
            ede,
            truncated,
        } => {
            let len = reply(&query, msg, config, request, buf, rcode, soa, ede);
            buf.truncate(len);
            if truncated {
                buf[2] |= 0x02;
            }
            if let Some(signer) = signer.as_mut() {
                signer.sign(buf);
            }
            Some(Start::Reply(buf.len()))
        }
    }
}

/// What a transfer query gets.
enum Outcome<'s> {
    Reply {
        rcode: u8,
        soa: Option<&'s Zone>,
        ede: Option<u16>,
        truncated: bool,
    },
    Stream(&'s Arc<Zone>, Option<Vec<Arc<Changeset>>>),
    /// An IXFR over UDP the journal covers: whole if it fits, else TC.
    UdpIxfr(&'s Arc<Zone>, Vec<Arc<Changeset>>),
}

fn refuse(rcode: u8, ede: Option<u16>) -> Outcome<'static> {
    Outcome::Reply {
        rcode,
        soa: None,
        ede,
        truncated: false,
    }
}

fn decide<'s>(
    transfers: &Transfers,
    snapshot: &'s Snapshot,
    query: &Query,
    request: &Request<'_>,
    signed_with: Option<&Key>,
) -> Outcome<'s> {
    if query.opcode() != 0 || query.qclass != CLASS_IN {
        return refuse(rcode::REFUSED, None);
    }
    if query.qtype == code::AXFR && request.transport == Transport::Udp {
        // RFC 5936 4.2: AXFR is not defined over UDP; Knot answers NOTIMP.
        return refuse(rcode::NOTIMP, None);
    }
    let Some(zone) = snapshot.get(query.qname()) else {
        // As Knot and NSD: a zone not served here is not ours to give.
        return refuse(NOTAUTH, None);
    };
    if !transfers.allows(query.qname(), request.client, signed_with) {
        // RFC 8914 4.19: Prohibited.
        return refuse(rcode::REFUSED, Some(EDE_PROHIBITED));
    }
    if query.qtype == code::IXFR {
        let Some(serial) = ixfr_serial(request.msg, query) else {
            return refuse(rcode::FORMERR, None);
        };
        // RFC 1995 2: a client already current gets our SOA alone; over
        // UDP, a client behind is told to come back over TCP.
        if serial::is_current(serial, zone.serial()) {
            return Outcome::Reply {
                rcode: rcode::NOERROR,
                soa: Some(zone),
                ede: None,
                truncated: false,
            };
        }
        let changesets = transfers
            .journals
            .as_ref()
            .and_then(|j| j.since(query.qname(), serial, zone.serial()));
        return match (request.transport, changesets) {
            (Transport::Udp, Some(changesets)) => Outcome::UdpIxfr(zone, changesets),
            (Transport::Udp, None) => Outcome::Reply {
                rcode: rcode::NOERROR,
                soa: None,
                ede: None,
                truncated: true,
            },
            // RFC 1995 4: "If incremental zone transfer is not available,
            // the entire zone is returned."
            (Transport::Tcp, changesets) => Outcome::Stream(zone, changesets),
        };
    }
    Outcome::Stream(zone, None)
}

/// An IXFR answer in one UDP message, or, when it does not fit, an
/// empty one with TC set (RFC 1995 2: the client then asks over TCP).
fn udp_ixfr(
    query: &Query,
    msg: &[u8],
    config: &AnswerConfig,
    request: &Request<'_>,
    buf: &mut Vec<u8>,
    (zone, changesets): (&Zone, &[Arc<Changeset>]),
    signer: Option<&Signer>,
) -> usize {
    let limit = match &query.edns {
        Some(edns) => usize::from(edns.udp_size.min(config.edns_udp_size)).max(CLASSIC_UDP_SIZE),
        None => CLASSIC_UDP_SIZE,
    };
    let mut opt = [0u8; crate::edns::MAX_OPT_LEN];
    let opt_len = query
        .edns
        .as_ref()
        .map_or(0, |edns| OptOut::new(edns, config, request).write(&mut opt));
    let limit = limit - reserve(signer);
    let mut writer = Writer::new(buf, msg, query.question_end, limit);
    writer.set_authoritative();
    writer.reserve(opt_len);
    let complete = ixfr::Ixfr::new(zone.origin().as_wire(), changesets).write(&mut writer);
    if !complete {
        writer = Writer::new(buf, msg, query.question_end, limit);
        writer.set_authoritative();
        writer.set_truncated();
    } else {
        writer.release(opt_len);
    }
    if opt_len > 0 {
        // The room was kept: an OPT always fits.
        let _ = writer.raw_record(Section::Additional, &opt[..opt_len]);
    }
    writer.finish()
}

/// The serial of the SOA in an IXFR query's authority section (RFC 1995 3).
fn ixfr_serial(msg: &[u8], query: &Query) -> Option<u32> {
    if msg.get(6..8)? != [0, 0] || msg.get(8..10)? == [0, 0] {
        return None;
    }
    let mut pos = skip_name(msg, query.question_end)?;
    let rtype = u16::from_be_bytes(msg.get(pos..pos + 2)?.try_into().ok()?);
    if rtype != code::SOA {
        return None;
    }
    pos += 10;
    pos = skip_name(msg, pos)?;
    pos = skip_name(msg, pos)?;
    Some(u32::from_be_bytes(msg.get(pos..pos + 4)?.try_into().ok()?))
}

fn skip_name(msg: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let len = *msg.get(pos)?;
        match len {
            0 => return Some(pos + 1),
            1..=63 => pos += 1 + usize::from(len),
            0xc0..=0xff => return Some(pos + 2),
            _ => return None,
        }
    }
}

fn header_reply(msg: &[u8], buf: &mut Vec<u8>, code: u8) -> usize {
    let (id, flags) = query::header_id(msg).expect("parse drops messages shorter than a header");
    let mut writer = Writer::header_only(buf, id, flags);
    writer.set_rcode(code);
    writer.finish()
}

/// A single-message reply: RCODE, the apex SOA if given, and an OPT
/// (with an Extended DNS Error, RFC 8914) when the query had EDNS.
#[allow(clippy::too_many_arguments)]
fn reply(
    query: &Query,
    msg: &[u8],
    config: &AnswerConfig,
    request: &Request<'_>,
    buf: &mut Vec<u8>,
    code: u8,
    soa: Option<&Zone>,
    ede: Option<u16>,
) -> usize {
    let mut writer = Writer::new(buf, msg, query.question_end, MAX_MESSAGE);
    writer.set_rcode(code);
    if let Some(zone) = soa {
        writer.set_authoritative();
        let rrset = zone.soa();
        let rdata = zone.records(rrset).next().unwrap_or_default();
        let owner = Owner::Name(zone.origin().as_wire());
        // A 64 KiB message always has room for one SOA.
        let _ = writer.record(
            Section::Answer,
            owner,
            code::SOA,
            CLASS_IN,
            rrset.ttl,
            rdata,
        );
    }
    if let Some(edns) = &query.edns {
        let mut opt = OptOut::new(edns, config, request);
        if let Some(ede) = ede {
            opt = opt.with_ede(ede);
        }
        let mut record = [0u8; crate::edns::MAX_OPT_LEN];
        let len = opt.write(&mut record);
        let _ = writer.raw_record(Section::Additional, &record[..len]);
    }
    writer.finish()
}

#[cfg(test)]
mod tests;
