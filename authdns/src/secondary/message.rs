//! Reading one answer from a primary: the header and question checks
//! every message of an SOA query or a transfer must pass, and its answer
//! records with every name decompressed (RFC 1035 4.1.4; RFC 3597 4 lists
//! the types whose rdata may hold compressed names).
//!
//! Everything here is untrusted: each failure is an [`XfrError`], never a
//! panic. Compression pointers must point strictly backwards, which
//! bounds every name walk by the message length.

use zone_loader::Name;
use zone_loader::rdata::{Field, check_wire, layout};
use zone_loader::rtype::code;
use zone_loader::wire::name::MAX_NAME_LEN;
use zone_loader::wire::query::HEADER_LEN;

use super::XfrError;

/// DNS class IN.
const CLASS_IN: u16 = 1;

/// One resource record of a transfer, names uncompressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The owner, case kept.
    pub owner: Name,
    /// The type code.
    pub rtype: u16,
    /// The TTL.
    pub ttl: u32,
    /// The rdata in wire form, names uncompressed.
    pub rdata: Vec<u8>,
}

impl Record {
    /// The serial of an SOA record's rdata, if this is a well-formed SOA.
    pub fn soa_serial(&self) -> Option<u32> {
        if self.rtype != code::SOA {
            return None;
        }
        let mname = zone_loader::wire::name::wire_len(&self.rdata).ok()?;
        let rname = zone_loader::wire::name::wire_len(self.rdata.get(mname..)?).ok()?;
        let at = mname + rname;
        Some(u32::from_be_bytes(
            self.rdata.get(at..at + 4)?.try_into().ok()?,
        ))
    }
}

/// What a message must be to answer our query.
#[derive(Debug, Clone, Copy)]
pub struct Expect<'q> {
    /// The query's ID.
    pub id: u16,
    /// The query's name, wire form.
    pub qname: &'q [u8],
    /// The query's type.
    pub qtype: u16,
}

/// A checked answer message: its answer records are read by [`Self::records`].
#[derive(Debug)]
pub struct Checked<'m> {
    msg: &'m [u8],
    /// Where the answer section starts.
    answer_start: usize,
    /// ANCOUNT.
    pub answers: u16,
}

/// Checks the header and question of `msg` against the query `expect`
/// (RFC 5936 2.2: ID, QR, opcode, RCODE; the question, when present,
/// must be ours). `first`: the first message of the answer, which must
/// carry the question.
pub fn check<'m>(msg: &'m [u8], expect: &Expect<'_>, first: bool) -> Result<Checked<'m>, XfrError> {
    let header = msg.get(..HEADER_LEN).ok_or(XfrError::Malformed("header"))?;
    if u16::from_be_bytes([header[0], header[1]]) != expect.id {
        return Err(XfrError::WrongId);
    }
    if header[2] & 0x80 == 0 {
        return Err(XfrError::NotAResponse);
    }
    let opcode = (header[2] >> 3) & 0x0f;
    if opcode != 0 {
        return Err(XfrError::Opcode(opcode));
    }
    let rcode = header[3] & 0x0f;
    if rcode != 0 {
        return Err(XfrError::Rcode(rcode));
    }
    if header[2] & 0x02 != 0 {
        return Err(XfrError::Truncated);
    }
    let qdcount = u16::from_be_bytes([header[4], header[5]]);
    let answers = u16::from_be_bytes([header[6], header[7]]);
    let mut pos = HEADER_LEN;
    match qdcount {
        0 if !first => {}
        1 => {
            let (name, end) = read_name(msg, pos)?;
            let tail = msg
                .get(end..end + 4)
                .ok_or(XfrError::Malformed("question"))?;
            let qtype = u16::from_be_bytes([tail[0], tail[1]]);
            let qclass = u16::from_be_bytes([tail[2], tail[3]]);
            if !name.eq_ignore_ascii_case(expect.qname)
                || qtype != expect.qtype
                || qclass != CLASS_IN
            {
                return Err(XfrError::WrongQuestion);
            }
            pos = end + 4;
        }
        _ => return Err(XfrError::WrongQuestion),
    }
    Ok(Checked {
        msg,
        answer_start: pos,
        answers,
    })
}

impl<'m> Checked<'m> {
    /// Reads the answer records in order, handing each to `each`.
    pub fn records(
        &self,
        mut each: impl FnMut(Record) -> Result<(), XfrError>,
    ) -> Result<(), XfrError> {
        let msg = self.msg;
        let mut pos = self.answer_start;
        for _ in 0..self.answers {
            let (owner, end) = read_name(msg, pos)?;
            let fixed = msg
                .get(end..end + 10)
                .ok_or(XfrError::Malformed("record header"))?;
            let rtype = u16::from_be_bytes([fixed[0], fixed[1]]);
            let class = u16::from_be_bytes([fixed[2], fixed[3]]);
            let ttl = u32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]);
            let rdlen = usize::from(u16::from_be_bytes([fixed[8], fixed[9]]));
            let start = end + 10;
            if msg.len() < start + rdlen {
                return Err(XfrError::Malformed("rdata length"));
            }
            if class != CLASS_IN {
                return Err(XfrError::Class(class));
            }
            let rdata = decompress(msg, rtype, start, start + rdlen)?;
            if let Err(why) = check_wire(rtype, &rdata) {
                return Err(XfrError::Rdata(rtype, why));
            }
            let owner = Name::from_wire(&owner).map_err(|_| XfrError::Malformed("owner"))?;
            each(Record {
                owner,
                rtype,
                ttl,
                rdata,
            })?;
            pos = start + rdlen;
        }
        Ok(())
    }
}

/// Reads the name at `pos` of `msg`, following compression pointers
/// (each strictly backwards), case kept. Returns the name in wire form
/// and where the name ends at `pos`.
pub fn read_name(msg: &[u8], pos: usize) -> Result<(Vec<u8>, usize), XfrError> {
    let bad = XfrError::Malformed("name");
    let mut out = Vec::with_capacity(32);
    let mut at = pos;
    let mut end = None;
    loop {
        let len = *msg.get(at).ok_or(bad.clone())?;
        match len {
            0 => {
                out.push(0);
                if out.len() > MAX_NAME_LEN {
                    return Err(bad);
                }
                return Ok((out, end.unwrap_or(at + 1)));
            }
            1..=63 => {
                let label = msg.get(at..at + 1 + usize::from(len)).ok_or(bad.clone())?;
                out.extend_from_slice(label);
                if out.len() >= MAX_NAME_LEN {
                    return Err(bad);
                }
                at += label.len();
            }
            0xc0..=0xff => {
                let low = *msg.get(at + 1).ok_or(bad.clone())?;
                let target = usize::from(u16::from_be_bytes([len & 0x3f, low]));
                if target >= at {
                    return Err(bad);
                }
                end.get_or_insert(at + 2);
                at = target;
            }
            _ => return Err(bad),
        }
    }
}

/// Whether `rtype`'s rdata may carry compressed names: RFC 1035's types
/// and those RFC 3597 4 says receivers should decompress.
fn compressible(rtype: u16) -> bool {
    matches!(
        rtype,
        code::NS
            | code::MD
            | code::MF
            | code::CNAME
            | code::SOA
            | code::MB
            | code::MG
            | code::MR
            | code::PTR
            | code::MINFO
            | code::MX
            | code::RP
            | code::AFSDB
            | code::RT
            | code::PX
            | code::NAPTR
            | code::SRV
    )
}

/// The rdata of `msg[start..end]` with its names uncompressed.
fn decompress(msg: &[u8], rtype: u16, start: usize, end: usize) -> Result<Vec<u8>, XfrError> {
    let raw = &msg[start..end];
    let Some(fields) = layout(rtype).filter(|_| compressible(rtype)) else {
        return Ok(raw.to_vec());
    };
    let short = XfrError::Rdata(rtype, "rdata shorter than its fields");
    let mut out = Vec::with_capacity(raw.len() + 64);
    let mut at = start;
    for &field in fields {
        let len = match field {
            Field::Name(_) => {
                let (name, next) = read_name(msg, at)?;
                if next > end {
                    return Err(short);
                }
                out.extend_from_slice(&name);
                at = next;
                continue;
            }
            Field::U8(_) => 1,
            Field::U16(_) | Field::TypeCode(_) => 2,
            Field::U32(_) | Field::Period(_) | Field::Time(_) => 4,
            Field::Text(_) => {
                1 + usize::from(*msg.get(at).filter(|_| at < end).ok_or(short.clone())?)
            }
            // The compressible types have no other fields.
            _ => end - at,
        };
        let bytes = msg
            .get(at..at + len)
            .filter(|_| at + len <= end)
            .ok_or(short.clone())?;
        out.extend_from_slice(bytes);
        at += len;
    }
    if at != end {
        return Err(XfrError::Rdata(
            rtype,
            "the end of the rdata (data left over)",
        ));
    }
    if out.len() > usize::from(u16::MAX) {
        return Err(XfrError::Rdata(
            rtype,
            "rdata over 65535 octets once uncompressed",
        ));
    }
    Ok(out)
}
