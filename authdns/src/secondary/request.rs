//! The queries a secondary sends its primary: SOA, IXFR with our SOA in
//! the authority section (RFC 1995 3), AXFR; signed when the zone has a key.

use std::sync::Arc;

use zone_loader::rtype::code;
use zone_loader::{Name, Zone};

use crate::tsig::{Exchange, Key};

/// DNS class IN.
const CLASS_IN: u16 = 1;

/// A query ready to send, and what verifies its answer.
#[derive(Debug)]
pub struct Query {
    /// The message.
    pub msg: Vec<u8>,
    /// Its ID.
    pub id: u16,
    /// Verifies the answer's TSIG, when the query is signed.
    pub exchange: Option<Exchange>,
}

/// A `qtype` query for `origin` with the ID `id`; an IXFR carries
/// `ours`'s SOA. Signed with `key` at `now` if given.
pub fn build(
    origin: &Name,
    qtype: u16,
    ours: Option<&Zone>,
    id: u16,
    key: Option<&Arc<Key>>,
    now: u64,
) -> Query {
    let mut msg = Vec::with_capacity(512);
    msg.extend_from_slice(&id.to_be_bytes());
    // Opcode QUERY, RD clear: a transfer query asks no recursion.
    msg.extend_from_slice(&[0, 0, 0, 1, 0, 0]);
    let soa = ours.filter(|_| qtype == code::IXFR).map(|zone| {
        let rrset = zone.soa();
        let rdata = zone.records(rrset).next().unwrap_or_default();
        (rrset.ttl, rdata)
    });
    msg.extend_from_slice(&[0, u8::from(soa.is_some()), 0, 0]);
    msg.extend_from_slice(origin.as_wire());
    msg.extend_from_slice(&qtype.to_be_bytes());
    msg.extend_from_slice(&CLASS_IN.to_be_bytes());
    if let Some((ttl, rdata)) = soa {
        // The owner: a pointer to the question's name.
        msg.extend_from_slice(&[0xc0, 12]);
        msg.extend_from_slice(&code::SOA.to_be_bytes());
        msg.extend_from_slice(&CLASS_IN.to_be_bytes());
        msg.extend_from_slice(&ttl.to_be_bytes());
        msg.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        msg.extend_from_slice(rdata);
    }
    let exchange = key.map(|key| Exchange::sign(key, &mut msg, now));
    Query { msg, id, exchange }
}
