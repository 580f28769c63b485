//! Frontends: plain DNS over UDP and TCP (RA set). Each query goes
//! through [`Frontend::respond`]:
//!
//! - malformed queries get FORMERR, responses and runts are dropped;
//! - names in local zones (special-use names included) are answered from
//!   them, AA set, as authdns answers;
//! - clients outside the allowed networks get REFUSED with Extended DNS
//!   Error 18, Prohibited (RFC 8914);
//! - RD=0 is answered from the cache only;
//! - a resolution that fails is SERVFAIL with the matching Extended DNS
//!   Error (22, No Reachable Authority; 23, Network Error; or 0 with the
//!   limit that was hit);
//! - an answer served from expired data carries EDE 3, Stale Answer;
//! - over TLS and HTTPS, the response to a padded query is padded to a
//!   multiple of 468 octets (RFC 8467 block-length padding), answers from
//!   local zones too;
//! - an answer read near its expiry starts a refresh in the background
//!   (prefetch).

pub mod access;
pub mod doh;
pub mod dot;
pub mod json;
pub mod limits;
pub mod message;
pub mod stream;
pub mod tcp;
pub mod udp;
mod verdict;

use std::net::IpAddr;
use std::sync::Arc;

use authdns::listen::connections::ConnectionLimits;
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RecordType};
use hickory_proto::serialize::binary::BinDecodable;
use zone_loader::wire::query::{self, OPTION_EDE, Query, QueryError};
use zone_loader::wire::writer::{Owner, Section, Writer};

use crate::cache::{self, Data, Freshness, NegativeKind};
use crate::iterate::{Failure, Resolution, Resolver};
use crate::local::LocalZones;
use crate::records::{rdata_wire, wire_name};
use crate::validate::sentinel::Sentinel;
use access::Network;

/// Largest UDP answer without EDNS (RFC 1035 4.2.1).
const CLASSIC_UDP_SIZE: usize = 512;
/// Our EDNS UDP payload size when none is configured (DNS flag day 2020).
pub const EDNS_UDP_SIZE: u16 = 1232;
/// The largest `edns-udp-size` that may be configured.
pub const MAX_EDNS_UDP_SIZE: u16 = 4096;

/// How a query arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// UDP: size-limited answers.
    Udp,
    /// TCP.
    Tcp,
    /// An encrypted stream (DNS-over-TLS): like TCP, and responses to
    /// padded queries are padded (RFC 7830, RFC 8467).
    Tls,
    /// DNS-over-HTTPS (RFC 8484): one message per HTTP exchange, padded
    /// as over TLS.
    Https,
}

impl Transport {
    /// Whether answers may be as large as a DNS message can be (65,535
    /// octets), with no UDP size limit.
    fn unlimited(self) -> bool {
        self != Self::Udp
    }

    /// Whether the transport is encrypted, so padding hides sizes.
    fn encrypted(self) -> bool {
        matches!(self, Self::Tls | Self::Https)
    }
}

/// Padded responses are a multiple of this many octets (RFC 8467 4.1).
pub const PADDING_BLOCK: usize = 468;
/// EDNS option code of Padding (RFC 7830).
const OPTION_PADDING: u16 = 12;

/// An Extended DNS Error (RFC 8914 4): code and extra text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ede(u16, &'static str);

/// What every frontend shares.
pub struct Frontend {
    /// The resolver and its cache.
    pub resolver: Arc<Resolver>,
    /// Networks allowed to ask.
    pub allow: Vec<Network>,
    /// Zones answered here, without recursion.
    pub local: Arc<LocalZones>,
    /// Per-client and overall bounds on resolution.
    pub limits: limits::Limits,
    /// Per-client and overall bounds on TCP, DoT and DoH connections.
    pub connections: Arc<ConnectionLimits>,
    /// The largest UDP answer with EDNS (the client's size if smaller),
    /// advertised in our OPT record (`edns-udp-size`).
    pub edns_udp_size: u16,
}

impl Frontend {
    /// The response to `msg` from `client`, or `None` to send nothing.
    pub async fn respond(
        &self,
        msg: &[u8],
        client: IpAddr,
        transport: Transport,
    ) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(512);
        match self.respond_now(msg, client, transport, &mut out) {
            Reply::Send => return Some(out),
            Reply::Drop => return None,
            Reply::Resolve => {}
        }
        let query = query::parse(msg).ok()?;
        let allowed = self.allow.iter().any(|n| n.contains(client));
        // Cache hits never get here: these limits bind only the work a
        // client can cause (a random-subdomain flood is all misses).
        let slot = self.limits.resolution();
        let outcome = if !self.limits.allow(client, self.resolver.now()) {
            tracing::debug!("a client network went over its resolution rate");
            if transport == Transport::Udp {
                return None; // no answer to reflect
            }
            Outcome::Rcode(ResponseCode::Refused, Some(Ede(0, "rate limited")))
        } else if slot.is_none() {
            Outcome::Rcode(
                ResponseCode::ServFail,
                Some(Ede(0, "too many resolutions in progress")),
            )
        } else {
            self.outcome(&query, allowed).await
        };
        drop(slot);
        let (rcode, ede) = match &outcome {
            Outcome::Rcode(rcode, ede) => (*rcode, *ede),
            Outcome::Resolved(resolution, _) if resolution.stale => {
                (resolution.rcode, Some(Ede(3, "")))
            }
            Outcome::Resolved(resolution, _) => (resolution.rcode, None),
        };
        let authentic = matches!(outcome, Outcome::Resolved(_, true));
        let written = response(
            self.edns_udp_size,
            &mut out,
            msg,
            &query,
            transport,
            Status {
                rcode: rcode.low(),
                ede,
                authentic,
            },
            |writer| {
                if let Outcome::Resolved(resolution, _) = &outcome {
                    write_answers(writer, &query, resolution);
                }
                true
            },
        );
        written.then_some(out)
    }

    /// What can be answered without waiting: malformed queries, clients
    /// refused, local zones, and fresh cache hits (an RRset or a negative
    /// answer for the name itself), written straight from the cached wire
    /// form with nothing decoded. Everything else: [`Reply::Resolve`].
    /// [`Reply::Send`]: the response is in `out`.
    pub fn respond_now(
        &self,
        msg: &[u8],
        client: IpAddr,
        transport: Transport,
        out: &mut Vec<u8>,
    ) -> Reply {
        let query = match query::parse(msg) {
            Ok(query) => query,
            Err(QueryError::Drop) => return Reply::Drop,
            Err(QueryError::FormErr) => {
                let Some((id, flags)) = query::header_id(msg) else {
                    return Reply::Drop;
                };
                let mut writer = Writer::header_only(out, id, flags);
                writer.set_rcode(ResponseCode::FormErr.low());
                writer.finish();
                return Reply::Send;
            }
        };
        if !self.allow.iter().any(|n| n.contains(client))
            || query.qclass != 1
            || query.opcode() != 0
        {
            return Reply::Resolve;
        }
        if self.local.covers(query.qname()) {
            out.clear();
            if self
                .local
                .answer(msg, client, transport.unlimited(), out)
                .is_none()
            {
                return Reply::Drop;
            }
            out[3] |= 0x80; // RA
            if transport.encrypted()
                && query.edns.is_some_and(|e| e.padding)
                && let Some(opt_start) = message::trailing_opt(out)
            {
                pad(out, opt_start);
            }
            return Reply::Send;
        }
        if self.cache_hit(msg, &query, transport, out) {
            Reply::Send
        } else {
            Reply::Resolve
        }
    }

    /// A fresh cache hit for the question itself, written from wire form.
    /// Whether `out` now holds the answer.
    fn cache_hit(
        &self,
        msg: &[u8],
        query: &Query,
        transport: Transport,
        out: &mut Vec<u8>,
    ) -> bool {
        let cache = self.resolver.cache();
        let Some(hit) = cache.get(query.qname(), query.qtype, self.resolver.now()) else {
            return false;
        };
        let Freshness::Fresh(ttl) = hit.freshness else {
            return false;
        };
        if !hit.may_answer() || hit.near_expiry(ttl) {
            return false; // glue never answers; near expiry, the full path prefetches
        }
        if Sentinel::of(query.qname(), query.qtype).is_some() {
            return false; // the full path answers RFC 8509 sentinels
        }
        let dnssec = query.edns.is_some_and(|e| e.dnssec_ok);
        let verdict = match &hit.data {
            Data::RRset(rrset) => rrset.security.get(),
            Data::Negative(negative) => negative.security.get(),
        };
        let Some(authentic) = self.servable(query, verdict) else {
            return false;
        };
        let ok = Status {
            rcode: 0,
            ede: None,
            authentic,
        };
        match hit.data {
            Data::RRset(rrset) => response(
                self.edns_udp_size,
                out,
                msg,
                query,
                transport,
                ok,
                |writer| {
                    let rrsig = u16::from(RecordType::RRSIG);
                    let sigs = rrset.signatures().filter(|_| dnssec);
                    rrset.records().all(|rdata| {
                        writer
                            .record(Section::Answer, Owner::Question, query.qtype, 1, ttl, rdata)
                            .is_ok()
                    }) && sigs.into_iter().all(|rdata| {
                        writer
                            .record(Section::Answer, Owner::Question, rrsig, 1, ttl, rdata)
                            .is_ok()
                    }) && write_proof(writer, &rrset.proof, dnssec, ttl)
                },
            ),
            Data::Negative(negative) => {
                let rcode = match negative.kind {
                    NegativeKind::NxDomain => ResponseCode::NXDomain,
                    NegativeKind::NoData => ResponseCode::NoError,
                };
                let status = Status {
                    rcode: rcode.low(),
                    ..ok
                };
                response(
                    self.edns_udp_size,
                    out,
                    msg,
                    query,
                    transport,
                    status,
                    |writer| {
                        negative.soa.as_ref().is_none_or(|soa| {
                            writer
                                .record(
                                    Section::Authority,
                                    Owner::Name(&soa.owner),
                                    u16::from(RecordType::SOA),
                                    1,
                                    ttl,
                                    &soa.rdata,
                                )
                                .is_ok()
                        }) && write_proof(writer, &negative.proof, dnssec, ttl)
                    },
                )
            }
        }
    }

    async fn outcome(&self, query: &Query, allowed: bool) -> Outcome {
        if !allowed {
            // Never the address: the privacy promise holds at every level.
            tracing::debug!("refused a client outside the allowed networks");
            return Outcome::Rcode(ResponseCode::Refused, Some(Ede(18, "")));
        }
        if query.opcode() != 0 {
            return Outcome::Rcode(ResponseCode::NotImp, None);
        }
        if query.qclass != 1 {
            return Outcome::Rcode(ResponseCode::Refused, None);
        }
        let qtype = RecordType::from(query.qtype);
        if matches!(qtype, RecordType::AXFR | RecordType::IXFR | RecordType::OPT) {
            return Outcome::Rcode(ResponseCode::Refused, None);
        }
        let Ok(name) = Name::from_bytes(query.qname()) else {
            return Outcome::Rcode(ResponseCode::FormErr, None);
        };
        if !query.recursion_desired() {
            return match self.resolver.resolve_cached(&name, qtype) {
                Some(resolution) => self.checked(query, &name, qtype, resolution).await,
                None => Outcome::Rcode(
                    ResponseCode::ServFail,
                    Some(Ede(0, "RD=0 and not in the cache")),
                ),
            };
        }
        let resolved = self.resolver.resolve(&name, qtype).await;
        match &resolved {
            Ok(resolution) => tracing::debug!("{name} {qtype}: {:?}", resolution.rcode),
            Err(failure) => tracing::debug!("{name} {qtype}: failed ({failure:?})"),
        }
        match resolved {
            Ok(resolution) => {
                if resolution.prefetch {
                    let resolver = Arc::clone(&self.resolver);
                    let (name, resolver) = (name.clone(), resolver);
                    tokio::spawn(async move { resolver.refresh(&name, qtype).await });
                }
                self.checked(query, &name, qtype, resolution).await
            }
            Err(failure) => Outcome::Rcode(ResponseCode::ServFail, Some(ede_for(failure))),
        }
    }
}

/// What [`Frontend::respond_now`] decided.
pub enum Reply {
    /// Send the response written.
    Send,
    /// Send nothing.
    Drop,
    /// Needs resolution: call [`Frontend::respond`].
    Resolve,
}

/// Writes a response to `query` with `rcode`, the records `body` writes,
/// and our OPT (with `ede`) if the query had EDNS, into `buf`; RA set.
/// False when `body` gives up (returns false) and the caller should take
/// the full path.
fn response(
    udp_size: u16,
    buf: &mut Vec<u8>,
    msg: &[u8],
    query: &Query,
    transport: Transport,
    Status {
        rcode,
        ede,
        authentic,
    }: Status,
    body: impl FnOnce(&mut Writer<'_>) -> bool,
) -> bool {
    let limit = match query.edns {
        _ if transport.unlimited() => usize::from(u16::MAX),
        None => CLASSIC_UDP_SIZE,
        Some(e) => usize::from(e.udp_size.min(udp_size)).max(CLASSIC_UDP_SIZE),
    };
    let mut writer = Writer::new(buf, msg, query.question_end, limit);
    let opt = query
        .edns
        .map(|edns| opt_record(udp_size, edns.dnssec_ok, ede));
    if let Some(opt) = &opt {
        writer.reserve(opt.len());
    }
    writer.set_rcode(rcode);
    if !body(&mut writer) {
        return false;
    }
    if let Some(opt) = &opt {
        writer.release(opt.len());
        writer
            .raw_record(Section::Additional, opt)
            .expect("room for the OPT record was reserved");
    }
    writer.finish();
    buf[3] |= 0x80; // RA: recursion is available here.
    if authentic {
        buf[3] |= 0x20; // AD: validated (RFC 4035 3.2.3).
    }
    if let Some(opt) = &opt
        && transport.encrypted()
        && query.edns.is_some_and(|e| e.padding)
    {
        let opt_start = buf.len() - opt.len();
        pad(buf, opt_start);
    }
    true
}

/// Adds a Padding option to the OPT record that ends `buf` (at
/// `opt_start`) so the message is a multiple of [`PADDING_BLOCK`] octets
/// (RFC 8467 4.1, block-length padding), within the 65,535-octet limit.
fn pad(buf: &mut Vec<u8>, opt_start: usize) {
    let unpadded = buf.len() + 4;
    let padded = unpadded.div_ceil(PADDING_BLOCK) * PADDING_BLOCK;
    let Ok(padding) = u16::try_from(padded - unpadded) else {
        return;
    };
    if padded > usize::from(u16::MAX) {
        return;
    }
    let rdlength = opt_start + 9;
    let old = u16::from_be_bytes([buf[rdlength], buf[rdlength + 1]]);
    let new = old + 4 + padding;
    buf[rdlength..rdlength + 2].copy_from_slice(&new.to_be_bytes());
    buf.extend_from_slice(&OPTION_PADDING.to_be_bytes());
    buf.extend_from_slice(&padding.to_be_bytes());
    buf.resize(padded, 0);
}

enum Outcome {
    Rcode(ResponseCode, Option<Ede>),
    /// A resolution, and whether it is answered with AD.
    Resolved(Resolution, bool),
}

/// The header of a response: RCODE, Extended DNS Error, AD.
#[derive(Debug, Clone, Copy)]
struct Status {
    rcode: u8,
    ede: Option<Ede>,
    authentic: bool,
}

/// Writes a cached denial proof in the authority section, for DO
/// clients only; false when it does not fit.
fn write_proof(
    writer: &mut Writer<'_>,
    proof: &[cache::ProofRecord],
    dnssec: bool,
    ttl: u32,
) -> bool {
    !dnssec
        || proof.iter().all(|p| {
            writer
                .record(
                    Section::Authority,
                    Owner::Name(&p.owner),
                    p.rtype,
                    1,
                    ttl,
                    &p.rdata,
                )
                .is_ok()
        })
}

fn ede_for(failure: Failure) -> Ede {
    match failure {
        Failure::NoReachableAuthority | Failure::Deadline => Ede(22, ""),
        Failure::NetworkError => Ede(23, ""),
        Failure::TooManyQueries => Ede(0, "too many upstream queries"),
        Failure::TooManyReferrals => Ede(0, "too many referrals"),
        Failure::ChainTooLong => Ede(0, "CNAME chain too long"),
        Failure::AliasLoop => Ede(0, "CNAME or DNAME loop"),
        Failure::ZoneBusy => Ede(0, "too many queries in flight to the zone"),
    }
}

/// Writes the answer and authority records; TC when they do not fit.
/// DNSSEC records (RRSIG, NSEC, NSEC3) go only to clients that set DO,
/// unless they are what was asked for (RFC 4035 3.2.1).
fn write_answers(writer: &mut Writer<'_>, query: &Query, resolution: &Resolution) {
    let dnssec = query.edns.is_some_and(|e| e.dnssec_ok);
    let wanted = |record: &&hickory_proto::rr::Record| {
        let rtype = record.record_type();
        dnssec
            || u16::from(rtype) == query.qtype
            || !matches!(
                rtype,
                RecordType::RRSIG | RecordType::NSEC | RecordType::NSEC3
            )
    };
    let sections = [
        (Section::Answer, &resolution.answers),
        (Section::Authority, &resolution.authority),
    ];
    for (section, records) in sections {
        for record in records.iter().filter(wanted) {
            let Some(rdata) = rdata_wire(&record.data) else {
                continue;
            };
            let owner = wire_name(&record.name);
            let owner = if owner == query.qname() {
                Owner::Question
            } else {
                Owner::Name(&owner)
            };
            let rtype = u16::from(record.record_type());
            if writer
                .record(section, owner, rtype, 1, record.ttl, &rdata)
                .is_err()
            {
                writer.set_truncated();
                return;
            }
        }
    }
}

/// Our OPT record (RFC 6891 6.1.2), with an Extended DNS Error if any.
fn opt_record(udp_size: u16, dnssec_ok: bool, ede: Option<Ede>) -> Vec<u8> {
    let mut opt = vec![0, 0, 41];
    opt.extend_from_slice(&udp_size.to_be_bytes());
    opt.extend_from_slice(&[0, 0, if dnssec_ok { 0x80 } else { 0 }, 0]);
    let mut options = Vec::new();
    if let Some(Ede(code, text)) = ede {
        options.extend_from_slice(&OPTION_EDE.to_be_bytes());
        options.extend_from_slice(&((2 + text.len()) as u16).to_be_bytes());
        options.extend_from_slice(&code.to_be_bytes());
        options.extend_from_slice(text.as_bytes());
    }
    opt.extend_from_slice(&(options.len() as u16).to_be_bytes());
    opt.extend_from_slice(&options);
    opt
}

#[cfg(test)]
mod tests;
