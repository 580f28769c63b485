//! Reading the records of a response we wrote, without decoding them:
//! where each record starts, its type and TTL. Used to pad answers that
//! come from local zones and to derive a DoH `Cache-Control` lifetime.

/// Type code of the OPT pseudo-record (RFC 6891).
pub const TYPE_OPT: u16 = 41;

/// One resource record in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordAt {
    /// Offset of its owner name.
    pub start: usize,
    /// Its type.
    pub rtype: u16,
    /// Its TTL.
    pub ttl: u32,
}

/// The records of `msg` (answer, authority and additional sections in
/// order), or `None` if the message is cut short or malformed.
pub fn records(msg: &[u8]) -> Option<Vec<RecordAt>> {
    let count = |at: usize| -> Option<usize> {
        Some(usize::from(u16::from_be_bytes(
            msg.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    let questions = count(4)?;
    let total = count(6)? + count(8)? + count(10)?;
    let mut at = 12;
    for _ in 0..questions {
        at = skip_name(msg, at)? + 4;
    }
    let mut found = Vec::with_capacity(total);
    for _ in 0..total {
        let start = at;
        let fixed = skip_name(msg, at)?;
        let header = msg.get(fixed..fixed + 10)?;
        let rtype = u16::from_be_bytes([header[0], header[1]]);
        let ttl = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
        let rdlength = usize::from(u16::from_be_bytes([header[8], header[9]]));
        at = fixed + 10 + rdlength;
        if at > msg.len() {
            return None;
        }
        found.push(RecordAt { start, rtype, ttl });
    }
    Some(found)
}

/// Where the OPT record starts if it is the last record of `msg`.
pub fn trailing_opt(msg: &[u8]) -> Option<usize> {
    records(msg)?
        .last()
        .filter(|record| record.rtype == TYPE_OPT)
        .map(|record| record.start)
}

/// The smallest TTL of the records in `msg` other than OPT; `None` if it
/// has none (or is malformed).
pub fn min_ttl(msg: &[u8]) -> Option<u32> {
    records(msg)?
        .iter()
        .filter(|record| record.rtype != TYPE_OPT)
        .map(|record| record.ttl)
        .min()
}

/// The offset just past the (possibly compressed) name at `at`.
fn skip_name(msg: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let len = *msg.get(at)?;
        match len {
            0 => return Some(at + 1),
            1..=63 => at += 1 + usize::from(len),
            0xC0..=0xFF => {
                msg.get(at + 1)?;
                return Some(at + 2);
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::{Edns, Message, Query};
    use hickory_proto::rr::{Name, RData, Record, RecordType, rdata};
    use hickory_proto::serialize::binary::BinEncodable;

    fn response() -> Vec<u8> {
        let name = Name::from_ascii("www.example.").unwrap();
        let mut msg = Message::query();
        msg.add_query(Query::query(name.clone(), RecordType::A));
        msg.add_answer(Record::from_rdata(
            name.clone(),
            300,
            RData::A(rdata::A::new(192, 0, 2, 1)),
        ));
        msg.add_answer(Record::from_rdata(
            name,
            60,
            RData::A(rdata::A::new(192, 0, 2, 2)),
        ));
        msg.set_edns(Edns::new());
        msg.to_bytes().unwrap()
    }

    #[test]
    fn records_are_found_with_types_and_ttls() {
        let msg = response();
        let found = records(&msg).unwrap();
        let types: Vec<u16> = found.iter().map(|r| r.rtype).collect();
        assert_eq!(types, [1, 1, TYPE_OPT]);
        assert_eq!(min_ttl(&msg), Some(60), "OPT's TTL field is not a TTL");
        let opt = trailing_opt(&msg).unwrap();
        assert_eq!(msg.len() - opt, 11, "an empty OPT record is 11 octets");
    }

    #[test]
    fn truncated_messages_are_rejected() {
        let msg = response();
        for cut in 0..msg.len() {
            assert_eq!(records(&msg[..cut]), None, "cut at {cut}");
        }
    }
}
