//! The TSIG record (RFC 8945 4.2): found as the last record of a message,
//! read, digested and written.

use arrayvec::ArrayVec;
use zone_loader::wire::name::MAX_NAME_LEN;
use zone_loader::wire::query::HEADER_LEN;

use super::mac::{MAX_MAC, MacBuf, Signing};
use super::{CLASS_ANY, Key, TYPE_TSIG};

/// A name, lowercased and uncompressed.
type NameBuf = ArrayVec<u8, MAX_NAME_LEN>;

/// The TSIG record is malformed or not the last record (RFC 8945 5.1: FORMERR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

/// A TSIG record as read from a message.
#[derive(Debug, Clone)]
pub(crate) struct TsigRecord {
    /// The key name, lowercase wire form.
    pub key_name: NameBuf,
    /// The algorithm name, lowercase wire form.
    pub algorithm: NameBuf,
    /// Seconds since the epoch when signed (48 bits).
    pub time_signed: u64,
    /// Allowed clock difference, seconds.
    pub fudge: u16,
    /// The MAC.
    pub mac: MacBuf,
    /// The message ID when signed.
    pub original_id: u16,
    /// The TSIG error.
    pub error: u16,
    /// Where the record starts in the message.
    pub(super) start: usize,
    /// Where its Other Data lies in the message.
    other: std::ops::Range<usize>,
}

struct Reader<'m> {
    msg: &'m [u8],
    pos: usize,
}

impl<'m> Reader<'m> {
    fn bytes(&mut self, n: usize) -> Result<&'m [u8], Malformed> {
        let bytes = self.msg.get(self.pos..self.pos + n).ok_or(Malformed)?;
        self.pos += n;
        Ok(bytes)
    }

    fn u16(&mut self) -> Result<u16, Malformed> {
        let b = self.bytes(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// Reads a name (following compression pointers), lowercased.
    fn name(&mut self) -> Result<NameBuf, Malformed> {
        let mut out = NameBuf::new();
        let mut at = self.pos;
        let mut jumped = false;
        for _ in 0..MAX_NAME_LEN {
            let len = *self.msg.get(at).ok_or(Malformed)?;
            match len {
                0 => {
                    out.try_push(0).map_err(|_| Malformed)?;
                    if !jumped {
                        self.pos = at + 1;
                    }
                    return Ok(out);
                }
                1..=63 => {
                    let label = self
                        .msg
                        .get(at..at + 1 + usize::from(len))
                        .ok_or(Malformed)?;
                    out.try_extend_from_slice(label).map_err(|_| Malformed)?;
                    at += label.len();
                }
                0xc0..=0xff => {
                    let low = *self.msg.get(at + 1).ok_or(Malformed)?;
                    if !jumped {
                        self.pos = at + 2;
                        jumped = true;
                    }
                    at = usize::from(u16::from_be_bytes([len & 0x3f, low]));
                }
                _ => return Err(Malformed),
            }
        }
        Err(Malformed)
    }

    fn skip_name(&mut self) -> Result<(), Malformed> {
        self.name().map(drop)
    }
}

/// Finds the TSIG record of `msg`: `None` when unsigned; malformed when
/// a TSIG record is anywhere but last in the additional section, or its
/// rdata does not read (RFC 8945 5.1).
pub(crate) fn find(msg: &[u8]) -> Result<Option<TsigRecord>, Malformed> {
    let header = msg.get(..HEADER_LEN).ok_or(Malformed)?;
    let count = |i: usize| usize::from(u16::from_be_bytes([header[4 + 2 * i], header[5 + 2 * i]]));
    let mut reader = Reader {
        msg,
        pos: HEADER_LEN,
    };
    for _ in 0..count(0) {
        reader.skip_name()?;
        reader.bytes(4)?;
    }
    let records = count(1) + count(2) + count(3);
    for index in 0..records {
        let start = reader.pos;
        let owner = reader.name()?;
        let rtype = reader.u16()?;
        let fixed = reader.bytes(6)?;
        let rdlen = usize::from(reader.u16()?);
        reader.bytes(rdlen)?;
        if rtype != TYPE_TSIG {
            continue;
        }
        let last = index + 1 == records && count(3) > 0;
        let class = u16::from_be_bytes([fixed[0], fixed[1]]);
        if !last || class != CLASS_ANY || fixed[2..] != [0; 4] || reader.pos != msg.len() {
            return Err(Malformed);
        }
        return read_rdata(msg, start, start + (reader.pos - start - rdlen), owner).map(Some);
    }
    Ok(None)
}

fn read_rdata(
    msg: &[u8],
    start: usize,
    rdata: usize,
    key_name: NameBuf,
) -> Result<TsigRecord, Malformed> {
    let mut reader = Reader { msg, pos: rdata };
    let algorithm = reader.name()?;
    let time = reader.bytes(6)?;
    let mut time_signed = [0u8; 8];
    time_signed[2..].copy_from_slice(time);
    let fudge = reader.u16()?;
    let mac_len = usize::from(reader.u16()?);
    if mac_len > MAX_MAC {
        return Err(Malformed);
    }
    let mac = reader.bytes(mac_len)?.iter().copied().collect();
    let original_id = reader.u16()?;
    let error = reader.u16()?;
    let other_len = usize::from(reader.u16()?);
    let other = reader.pos..reader.pos + other_len;
    reader.bytes(other_len)?;
    if reader.pos != msg.len() {
        return Err(Malformed);
    }
    Ok(TsigRecord {
        key_name,
        algorithm,
        time_signed: u64::from_be_bytes(time_signed),
        fudge,
        mac,
        original_id,
        error,
        start,
        other,
    })
}

/// Feeds a request's MAC input: the message without its TSIG record
/// (ARCOUNT one less, the original ID), then the TSIG variables (RFC 8945 4.3.3).
pub(super) fn digest_request(signing: &mut Signing, msg: &[u8], record: &TsigRecord) {
    digest_unsigned(signing, msg, record);
    digest_record_variables(signing, msg, record);
}

/// Feeds `msg` as it was before its TSIG record was added: ARCOUNT one
/// less and the original ID (RFC 8945 4.3.1).
pub(super) fn digest_unsigned(signing: &mut Signing, msg: &[u8], record: &TsigRecord) {
    let mut header = [0u8; HEADER_LEN];
    header.copy_from_slice(&msg[..HEADER_LEN]);
    header[..2].copy_from_slice(&record.original_id.to_be_bytes());
    let arcount = u16::from_be_bytes([header[10], header[11]]).saturating_sub(1);
    header[10..].copy_from_slice(&arcount.to_be_bytes());
    signing.update(&header);
    signing.update(&msg[HEADER_LEN..record.start]);
}

/// Feeds the TSIG variables of `record`, read from `msg` (RFC 8945 4.3.3).
pub(super) fn digest_record_variables(signing: &mut Signing, msg: &[u8], record: &TsigRecord) {
    let time = record.time_signed;
    let mut variables = [0u8; 8];
    variables[..6].copy_from_slice(&time.to_be_bytes()[2..]);
    variables[6..].copy_from_slice(&record.fudge.to_be_bytes());
    signing.update(&record.key_name);
    signing.update(&CLASS_ANY.to_be_bytes());
    signing.update(&0u32.to_be_bytes());
    signing.update(&record.algorithm);
    signing.update(&variables);
    signing.update(&record.error.to_be_bytes());
    let other = &msg[record.other.clone()];
    signing.update(&(other.len() as u16).to_be_bytes());
    signing.update(other);
}

/// Feeds the TSIG variables of a response we sign (RFC 8945 4.3.3).
pub(super) fn digest_variables(
    signing: &mut Signing,
    key_name: &[u8],
    algorithm: &[u8],
    time: u64,
    error: u16,
    other: &[u8],
) {
    signing.update(key_name);
    signing.update(&CLASS_ANY.to_be_bytes());
    signing.update(&0u32.to_be_bytes());
    signing.update(algorithm);
    signing.update(&time.to_be_bytes()[2..]);
    signing.update(&super::FUDGE.to_be_bytes());
    signing.update(&error.to_be_bytes());
    signing.update(&(other.len() as u16).to_be_bytes());
    signing.update(other);
}

/// The length of a TSIG record for `key` with a MAC of `mac` octets and
/// `other` octets of Other Data.
pub(super) fn len(key: &Key, mac: usize, other: usize) -> usize {
    key.name.as_wire().len() + 10 + key.algorithm.wire().len() + 16 + mac + other
}

/// Appends a TSIG record to `msg` and counts it in ARCOUNT.
#[allow(clippy::too_many_arguments)]
pub(super) fn append(
    msg: &mut Vec<u8>,
    key_name: &[u8],
    algorithm: &[u8],
    time: u64,
    mac: &[u8],
    original_id: u16,
    error: u16,
    other_time: Option<u64>,
) {
    let other: &[u8] = match &other_time {
        Some(t) => &t.to_be_bytes()[2..],
        None => &[],
    };
    let rdlen = algorithm.len() + 16 + mac.len() + other.len();
    msg.extend_from_slice(key_name);
    msg.extend_from_slice(&TYPE_TSIG.to_be_bytes());
    msg.extend_from_slice(&CLASS_ANY.to_be_bytes());
    msg.extend_from_slice(&0u32.to_be_bytes());
    msg.extend_from_slice(&(rdlen as u16).to_be_bytes());
    msg.extend_from_slice(algorithm);
    msg.extend_from_slice(&time.to_be_bytes()[2..]);
    msg.extend_from_slice(&super::FUDGE.to_be_bytes());
    msg.extend_from_slice(&(mac.len() as u16).to_be_bytes());
    msg.extend_from_slice(mac);
    msg.extend_from_slice(&original_id.to_be_bytes());
    msg.extend_from_slice(&error.to_be_bytes());
    msg.extend_from_slice(&(other.len() as u16).to_be_bytes());
    msg.extend_from_slice(other);
    let arcount = u16::from_be_bytes([msg[10], msg[11]]).wrapping_add(1);
    msg[10..12].copy_from_slice(&arcount.to_be_bytes());
}
