//! NOTIFY in (RFC 1996): a primary says a secondary zone changed.
//!
//! RFC 1996 3.10: "If a slave receives a NOTIFY request from a host that
//! is not a known master for the zone containing the QNAME, it should
//! ignore the request and produce an error message in its operations
//! log" — we answer REFUSED, as Knot and NSD do, and log it. From a
//! configured primary (and, when the zone has a key, signed with it),
//! the answer is NOERROR with AA and the question echoed (RFC 1996 4.7),
//! signed when the request was, and the zone is refreshed at once. A
//! NOTIFY for a zone that is no secondary here is left to the answer
//! path (NOTAUTH for a zone not served, REFUSED for a primary zone).

use zone_loader::wire::query::{self, QueryError};
use zone_loader::wire::writer::Writer;

use super::Secondaries;
use crate::answer::resolve::rcode;
use crate::answer::{MAX_MESSAGE, Request};
use crate::transfer::NOTAUTH;
use crate::tsig::{self, KeyRing, Verified};

/// Opcode NOTIFY (RFC 1996 3.1).
const OPCODE_NOTIFY: u8 = 4;

/// Whether `msg` is a NOTIFY request: a look at the header only.
pub fn is_notify(msg: &[u8]) -> bool {
    msg.get(2)
        .is_some_and(|&flags| flags & 0x80 == 0 && (flags >> 3) & 0x0f == OPCODE_NOTIFY)
}

/// Answers a NOTIFY for one of `secondaries` into `buf`. `None`: not a
/// NOTIFY for a secondary zone here (the answer path takes it).
pub fn answer(
    secondaries: &Secondaries,
    keys: &KeyRing,
    request: &Request<'_>,
    buf: &mut Vec<u8>,
) -> Option<usize> {
    let msg = request.msg;
    let query = match query::parse(msg) {
        Ok(query) => query,
        Err(QueryError::Drop | QueryError::FormErr) => return None,
    };
    let secondary = secondaries.get(query.qname())?;
    let zone = &secondary.zone;
    let now = u64::from(request.now);
    let mut writer_rcode = rcode::NOERROR;
    let mut signer = None;
    let mut rejection = None;
    match tsig::verify(keys, msg, now) {
        Verified::Unsigned => {}
        Verified::Signed(s) => signer = Some(s),
        Verified::Malformed => writer_rcode = rcode::FORMERR,
        Verified::Rejected(r) => {
            writer_rcode = NOTAUTH;
            rejection = Some(r);
        }
    }
    let from_primary = zone.primaries.iter().any(|p| p.ip() == request.client);
    let key_ok = match (&zone.key, &signer) {
        (None, _) => true,
        (Some(wanted), Some(used)) => wanted.name() == used.key().name(),
        (Some(_), None) => false,
    };
    if writer_rcode == rcode::NOERROR {
        if from_primary && key_ok {
            secondary.refresh_now.notify_one();
        } else {
            // No client address in the log (privacy): what was wrong.
            tracing::warn!(
                "zone {}: NOTIFY refused: {}",
                zone.origin,
                if from_primary {
                    "not signed with the zone's transfer-key"
                } else {
                    "not from a configured primary"
                }
            );
            writer_rcode = rcode::REFUSED;
        }
    } else {
        tracing::warn!("zone {}: NOTIFY with a bad TSIG refused", zone.origin);
    }
    let mut writer = Writer::new(buf, msg, query.question_end, MAX_MESSAGE);
    writer.set_rcode(writer_rcode);
    if writer_rcode == rcode::NOERROR {
        writer.set_authoritative();
    }
    let len = writer.finish();
    buf.truncate(len);
    if let Some(mut rejection) = rejection {
        rejection.append(buf, now);
    } else if let Some(signer) = signer.as_mut() {
        signer.sign(buf);
    }
    Some(buf.len())
}
