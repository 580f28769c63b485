//! The NOTIFY message a primary sends and the check of its answer
//! (RFC 1996 3): pure, bytes in and out.

use crate::journal::Soa;

/// The NOTIFY opcode (RFC 1996 3.1).
pub const OPCODE_NOTIFY: u8 = 4;
const TYPE_SOA: u16 = 6;
const CLASS_IN: u16 = 1;

/// A NOTIFY for zone `origin` (wire form) at the version of `soa`:
/// opcode NOTIFY, AA set, the question `origin SOA IN` and, as RFC 1996
/// 3.7 allows, the SOA in the answer section (the peers send it too).
pub fn message(id: u16, origin: &[u8], soa: &Soa) -> Vec<u8> {
    let mut msg = Vec::with_capacity(12 + origin.len() + 16 + soa.rdata.len());
    msg.extend_from_slice(&id.to_be_bytes());
    // QR 0, opcode NOTIFY, AA (RFC 1996 3.7: "the AA bit is set").
    msg.extend_from_slice(&[OPCODE_NOTIFY << 3 | 0x04, 0]);
    msg.extend_from_slice(&[0, 1, 0, 1, 0, 0, 0, 0]);
    msg.extend_from_slice(origin);
    msg.extend_from_slice(&TYPE_SOA.to_be_bytes());
    msg.extend_from_slice(&CLASS_IN.to_be_bytes());
    // The owner: a pointer to the question name at offset 12.
    msg.extend_from_slice(&[0xc0, 12]);
    msg.extend_from_slice(&TYPE_SOA.to_be_bytes());
    msg.extend_from_slice(&CLASS_IN.to_be_bytes());
    msg.extend_from_slice(&soa.ttl.to_be_bytes());
    msg.extend_from_slice(&(soa.rdata.len() as u16).to_be_bytes());
    msg.extend_from_slice(&soa.rdata);
    msg
}

/// The RCODE of `answer` if it answers the NOTIFY `id` for `origin`
/// (a response, opcode NOTIFY, the same ID, and the same question when
/// it has one); `None` for anything else, which the sender ignores.
pub fn answer_rcode(answer: &[u8], id: u16, origin: &[u8]) -> Option<u8> {
    let header = answer.get(..12)?;
    if header[..2] != id.to_be_bytes() || header[2] & 0x80 == 0 {
        return None;
    }
    if (header[2] >> 3) & 0x0f != OPCODE_NOTIFY {
        return None;
    }
    let questions = u16::from_be_bytes([header[4], header[5]]);
    if questions > 1 {
        return None;
    }
    if questions == 1 {
        let name = answer.get(12..12 + origin.len())?;
        let fixed = answer.get(12 + origin.len()..12 + origin.len() + 4)?;
        if !name.eq_ignore_ascii_case(origin) || fixed[..2] != TYPE_SOA.to_be_bytes() {
            return None;
        }
    }
    Some(header[3] & 0x0f)
}
