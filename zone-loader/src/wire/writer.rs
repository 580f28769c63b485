//! The response writer: header, the question copied with its exact case,
//! then RRsets section by section, with name compression (RFC 1035 4.1.4)
//! and truncation at RRset boundaries.
//!
//! The compressor remembers where each written name suffix starts. For
//! answers, in a fixed array scanned in order (no allocation; past its
//! capacity names are still written, just less compressed). For messages
//! of thousands of names (zone transfers), in a [`NameIndex`], a hash
//! table of suffixes the caller keeps from one message to the next: a
//! lookup per suffix instead of a scan of every name written. Rdata names are compressed only for the types of
//! RFC 1035 (NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR, MINFO, MX), as RFC
//! 3597 4 requires; RP, AFSDB, DNAME, SRV and every newer type are written
//! as stored.

use super::query::HEADER_LEN;
use crate::rtype::code;

/// How many name positions the compressor remembers.
const COMPRESSOR_CAPACITY: usize = 96;
/// Pointers can only reach the first 16 KiB of a message.
const MAX_POINTER: usize = 0x3fff;

/// Slots of a [`NameIndex`] (a power of two).
const INDEX_SLOTS: usize = 4096;
/// Suffixes a [`NameIndex`] holds at most (three quarters of its slots).
const INDEX_CAPACITY: usize = INDEX_SLOTS / 4 * 3;

/// Where each name suffix written in a message starts, by a hash of the
/// suffix (ASCII case folded): the compressor of messages with many names.
/// Kept by the caller and reused for every message of a stream.
pub struct NameIndex {
    /// `(hash, position)`; position 0 (the header) marks an empty slot.
    slots: Box<[(u32, u16)]>,
    used: usize,
}

impl Default for NameIndex {
    fn default() -> Self {
        Self {
            slots: vec![(0, 0); INDEX_SLOTS].into_boxed_slice(),
            used: 0,
        }
    }
}

impl std::fmt::Debug for NameIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NameIndex({} suffixes)", self.used)
    }
}

impl NameIndex {
    fn clear(&mut self) {
        self.slots.fill((0, 0));
        self.used = 0;
    }

    fn insert(&mut self, hash: u32, pos: u16) {
        if self.used == INDEX_CAPACITY {
            return;
        }
        let mut slot = hash as usize & (INDEX_SLOTS - 1);
        while self.slots[slot].1 != 0 {
            slot = (slot + 1) & (INDEX_SLOTS - 1);
        }
        self.slots[slot] = (hash, pos);
        self.used += 1;
    }

    /// Positions remembered under `hash`, most of them the suffix wanted.
    fn candidates(&self, hash: u32) -> impl Iterator<Item = u16> + '_ {
        let start = hash as usize & (INDEX_SLOTS - 1);
        (0..INDEX_SLOTS)
            .map(move |i| self.slots[(start + i) & (INDEX_SLOTS - 1)])
            .take_while(|&(_, pos)| pos != 0)
            .filter(move |&(h, _)| h == hash)
            .map(|(_, pos)| pos)
    }

    /// Forgets positions at or past `len` (a rolled-back write).
    fn forget_from(&mut self, len: usize) {
        if !self.slots.iter().any(|&(_, pos)| usize::from(pos) >= len) {
            return;
        }
        let kept: Vec<(u32, u16)> = self
            .slots
            .iter()
            .copied()
            .filter(|&(_, pos)| pos != 0 && usize::from(pos) < len)
            .collect();
        self.clear();
        for (hash, pos) in kept {
            self.insert(hash, pos);
        }
    }
}

/// A hash of the wire name suffix `name` with ASCII letters folded.
fn suffix_hash(name: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in name {
        hash = (hash ^ u32::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0193);
    }
    hash
}

/// Where the compressor remembers name positions.
enum Compressor<'b> {
    /// A fixed array, scanned in order: answers with a few names.
    Scan {
        positions: [u16; COMPRESSOR_CAPACITY],
        known: usize,
    },
    /// A hash table of suffixes: transfers.
    Index(&'b mut NameIndex),
}

/// A message section after the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Answer.
    Answer = 0,
    /// Authority.
    Authority = 1,
    /// Additional.
    Additional = 2,
}

/// The owner of a written RRset.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    /// The question name, as a pointer to it (keeps the query's case).
    Question,
    /// An uncompressed wire name.
    Name(&'a [u8]),
}

/// The message is full: the RRset was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

/// Writes one response into a reused buffer.
pub struct Writer<'b> {
    buf: &'b mut Vec<u8>,
    limit: usize,
    counts: [u16; 3],
    compressor: Compressor<'b>,
}

/// A point to roll a writer back to.
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    len: usize,
    counts: [u16; 3],
    known: usize,
}

impl Compressor<'_> {
    fn scan() -> Self {
        Self::Scan {
            positions: [0; COMPRESSOR_CAPACITY],
            known: 0,
        }
    }
}

impl<'b> Writer<'b> {
    /// Starts a response to the query in `msg` (whose question ends at
    /// `question_end`): ID and opcode copied, QR set, RD and CD copied.
    /// `limit` is the largest message allowed.
    pub fn new(buf: &'b mut Vec<u8>, msg: &[u8], question_end: usize, limit: usize) -> Self {
        Self::with_compressor(buf, msg, question_end, limit, Compressor::scan())
    }

    /// Like [`Self::new`], for a message of many names (a zone transfer):
    /// names are compressed through `index`, emptied first.
    pub fn with_index(
        buf: &'b mut Vec<u8>,
        msg: &[u8],
        question_end: usize,
        limit: usize,
        index: &'b mut NameIndex,
    ) -> Self {
        index.clear();
        Self::with_compressor(buf, msg, question_end, limit, Compressor::Index(index))
    }

    fn with_compressor(
        buf: &'b mut Vec<u8>,
        msg: &[u8],
        question_end: usize,
        limit: usize,
        compressor: Compressor<'b>,
    ) -> Self {
        buf.clear();
        buf.extend_from_slice(&msg[..4]);
        buf[2] = 0x80 | (msg[2] & 0x79);
        buf[3] = msg[3] & 0x10;
        buf.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]);
        buf.extend_from_slice(&msg[HEADER_LEN..question_end]);
        let mut writer = Self {
            buf,
            limit,
            counts: [0; 3],
            compressor,
        };
        let qname = &msg[HEADER_LEN..question_end - 4];
        writer.remember(HEADER_LEN, qname, qname.len() - 1);
        writer
    }

    /// Starts a response with only a header (no question): for FORMERR to
    /// a message whose question could not be read.
    pub fn header_only(buf: &'b mut Vec<u8>, id: u16, flags: u16) -> Self {
        buf.clear();
        buf.extend_from_slice(&id.to_be_bytes());
        buf.push(0x80 | ((flags >> 8) as u8 & 0x79));
        buf.push(flags as u8 & 0x10);
        buf.extend_from_slice(&[0; 8]);
        Self {
            buf,
            limit: usize::MAX,
            counts: [0; 3],
            compressor: Compressor::scan(),
        }
    }

    /// Sets the RCODE (low four bits).
    pub fn set_rcode(&mut self, rcode: u8) {
        self.buf[3] = (self.buf[3] & 0xf0) | (rcode & 0x0f);
    }

    /// Sets AA.
    pub fn set_authoritative(&mut self) {
        self.buf[2] |= 0x04;
    }

    /// Sets TC.
    pub fn set_truncated(&mut self) {
        self.buf[2] |= 0x02;
    }

    /// Whether TC is set.
    pub fn truncated(&self) -> bool {
        self.buf[2] & 0x02 != 0
    }

    /// Lowers the size limit by `bytes` (room kept for the OPT record).
    pub fn reserve(&mut self, bytes: usize) {
        self.limit = self.limit.saturating_sub(bytes);
    }

    /// Gives back room kept with [`Self::reserve`].
    pub fn release(&mut self, bytes: usize) {
        self.limit = self.limit.saturating_add(bytes);
    }

    /// The bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing but a header was written.
    pub fn is_empty(&self) -> bool {
        self.buf.len() <= HEADER_LEN
    }

    /// Records in a section so far.
    pub fn count(&self, section: Section) -> u16 {
        self.counts[section as usize]
    }

    /// A point to roll back to.
    pub fn mark(&self) -> Mark {
        Mark {
            len: self.buf.len(),
            counts: self.counts,
            known: match &self.compressor {
                Compressor::Scan { known, .. } => *known,
                Compressor::Index(_) => 0,
            },
        }
    }

    /// Forgets everything written after `mark`.
    pub fn rollback(&mut self, mark: Mark) {
        self.buf.truncate(mark.len);
        self.counts = mark.counts;
        match &mut self.compressor {
            Compressor::Scan { known, .. } => *known = mark.known,
            Compressor::Index(index) => index.forget_from(mark.len),
        }
    }

    /// Writes a whole RRset, or nothing if it does not fit.
    pub fn rrset<'r>(
        &mut self,
        section: Section,
        owner: Owner<'_>,
        rtype: u16,
        ttl: u32,
        records: impl Iterator<Item = &'r [u8]>,
    ) -> Result<(), Full> {
        let mark = self.mark();
        for rdata in records {
            if self.record(section, owner, rtype, 1, ttl, rdata).is_err() {
                self.rollback(mark);
                return Err(Full);
            }
        }
        Ok(())
    }

    /// Writes one record of class `class`, or nothing if it does not fit.
    pub fn record(
        &mut self,
        section: Section,
        owner: Owner<'_>,
        rtype: u16,
        class: u16,
        ttl: u32,
        rdata: &[u8],
    ) -> Result<(), Full> {
        let mark = self.mark();
        match owner {
            Owner::Question => self.buf.extend_from_slice(&[0xc0, HEADER_LEN as u8]),
            Owner::Name(name) => self.name(name),
        }
        // TYPE, CLASS, TTL and a placeholder RDLENGTH, in one append.
        let mut fixed = [0u8; 10];
        fixed[..2].copy_from_slice(&rtype.to_be_bytes());
        fixed[2..4].copy_from_slice(&class.to_be_bytes());
        fixed[4..8].copy_from_slice(&ttl.to_be_bytes());
        self.buf.extend_from_slice(&fixed);
        let rdlen_at = self.buf.len() - 2;
        self.rdata(rtype, rdata);
        let rdlen = self.buf.len() - rdlen_at - 2;
        if self.buf.len() > self.limit {
            self.rollback(mark);
            return Err(Full);
        }
        self.buf[rdlen_at..rdlen_at + 2].copy_from_slice(&(rdlen as u16).to_be_bytes());
        self.counts[section as usize] += 1;
        Ok(())
    }

    /// Appends raw bytes as a whole record (e.g. an OPT built by the caller).
    pub fn raw_record(&mut self, section: Section, bytes: &[u8]) -> Result<(), Full> {
        if self.buf.len() + bytes.len() > self.limit {
            return Err(Full);
        }
        self.buf.extend_from_slice(bytes);
        self.counts[section as usize] += 1;
        Ok(())
    }

    fn rdata(&mut self, rtype: u16, rdata: &[u8]) {
        match rtype {
            code::NS
            | code::MD
            | code::MF
            | code::CNAME
            | code::MB
            | code::MG
            | code::MR
            | code::PTR => self.name(rdata),
            code::MX if rdata.len() > 2 => {
                self.buf.extend_from_slice(&rdata[..2]);
                self.name(&rdata[2..]);
            }
            code::SOA | code::MINFO => {
                let first = super::name::wire_len(rdata).unwrap_or(rdata.len());
                let second = super::name::wire_len(&rdata[first..]).unwrap_or(0);
                self.name(&rdata[..first]);
                self.name(&rdata[first..first + second]);
                self.buf.extend_from_slice(&rdata[first + second..]);
            }
            _ => self.buf.extend_from_slice(rdata),
        }
    }

    /// Writes an uncompressed wire name, compressed against earlier names.
    pub fn name(&mut self, name: &[u8]) {
        let start = self.buf.len();
        let mut pos = 0;
        while name[pos] != 0 {
            if let Some(target) = self.find(&name[pos..]) {
                self.buf.extend_from_slice(&name[..pos]);
                self.buf.extend_from_slice(&(0xc000 | target).to_be_bytes());
                self.remember(start, name, pos);
                return;
            }
            pos += 1 + usize::from(name[pos]);
        }
        self.buf.extend_from_slice(name);
        self.remember(start, name, name.len() - 1);
    }

    /// Remembers the suffixes of `name`, written from `start` on, that
    /// begin before offset `upto` (where its pointer or root label is).
    fn remember(&mut self, start: usize, name: &[u8], upto: usize) {
        let mut offset = 0;
        while offset < upto && start + offset <= MAX_POINTER {
            let pos = (start + offset) as u16;
            match &mut self.compressor {
                Compressor::Scan { positions, known } => {
                    if *known == COMPRESSOR_CAPACITY {
                        return;
                    }
                    positions[*known] = pos;
                    *known += 1;
                }
                Compressor::Index(index) => index.insert(suffix_hash(&name[offset..]), pos),
            }
            offset += 1 + usize::from(name[offset]);
        }
    }

    fn find(&self, suffix: &[u8]) -> Option<u16> {
        match &self.compressor {
            Compressor::Scan { positions, known } => positions[..*known]
                .iter()
                .copied()
                .find(|&at| self.matches(usize::from(at), suffix)),
            Compressor::Index(index) => index
                .candidates(suffix_hash(suffix))
                .find(|&at| self.matches(usize::from(at), suffix)),
        }
    }

    /// Whether the (possibly compressed) name at `at` equals `suffix`.
    fn matches(&self, mut at: usize, suffix: &[u8]) -> bool {
        let mut s = 0;
        let mut hops = 0;
        loop {
            let len = self.buf[at];
            if len & 0xc0 == 0xc0 {
                hops += 1;
                if hops > 64 {
                    return false;
                }
                at = usize::from(u16::from_be_bytes([len, self.buf[at + 1]]) & 0x3fff);
                continue;
            }
            if len != suffix[s] {
                return false;
            }
            if len == 0 {
                return true;
            }
            let n = usize::from(len);
            let (written, wanted) = (&self.buf[at + 1..at + 1 + n], &suffix[s + 1..s + 1 + n]);
            // Names from zones are lowercase, and so are most questions: the
            // exact comparison usually decides, and is the cheaper one.
            if written != wanted && !written.eq_ignore_ascii_case(wanted) {
                return false;
            }
            at += 1 + n;
            s += 1 + n;
        }
    }

    /// Writes the section counts into the header and returns the message length.
    pub fn finish(self) -> usize {
        for (i, count) in self.counts.iter().enumerate() {
            self.buf[6 + 2 * i..8 + 2 * i].copy_from_slice(&count.to_be_bytes());
        }
        self.buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUERY: &[u8] =
        b"\xab\xcd\x01\x10\x00\x01\x00\x00\x00\x00\x00\x00\x03WwW\x07example\x00\x00\x0f\x00\x01";

    #[test]
    fn names_compress_against_the_question_and_each_other() {
        let mut buf = Vec::new();
        let mut w = Writer::new(&mut buf, QUERY, QUERY.len(), 512);
        w.set_authoritative();
        w.rrset(
            Section::Answer,
            Owner::Question,
            code::MX,
            300,
            [&b"\x00\x0a\x04mail\x07example\x00"[..]].into_iter(),
        )
        .unwrap();
        w.record(
            Section::Additional,
            Owner::Name(b"\x04mail\x07EXAMPLE\x00"),
            code::A,
            1,
            300,
            &[192, 0, 2, 1],
        )
        .unwrap();
        let len = w.finish();
        assert_eq!(&buf[..4], b"\xab\xcd\x85\x10");
        assert_eq!(&buf[6..12], &[0, 1, 0, 0, 0, 1]);
        // Answer: pointer to the question, then MX rdata with "mail" + pointer to "example".
        let answer = &buf[QUERY.len()..];
        assert_eq!(&answer[..2], &[0xc0, 12]);
        assert_eq!(&answer[10..12], &[0, 9]);
        assert_eq!(&answer[12..21], b"\x00\x0a\x04mail\xc0\x10");
        // Additional owner: a pointer to "mail.example" inside the MX rdata.
        assert_eq!(&answer[21..23], &[0xc0, (QUERY.len() + 14) as u8]);
        assert_eq!(len, QUERY.len() + 21 + 2 + 10 + 4);
    }

    /// RFC 3597 4: MINFO (RFC 1035) names compress; AFSDB, KX and RP ones
    /// (later RFCs) never do, even with the same name already written.
    #[test]
    fn only_rfc1035_rdata_names_compress() {
        let rdata_of = |rtype: u16, rdata: &[u8]| {
            let mut buf = Vec::new();
            let mut w = Writer::new(&mut buf, QUERY, QUERY.len(), 512);
            w.rrset(
                Section::Answer,
                Owner::Question,
                rtype,
                60,
                [rdata].into_iter(),
            )
            .unwrap();
            let len = w.finish();
            buf[QUERY.len() + 12..len].to_vec()
        };
        let two = b"\x03www\x07example\x00\x03www\x07example\x00";
        assert_eq!(rdata_of(code::MINFO, two), b"\xc0\x0c\xc0\x0c");
        assert_eq!(rdata_of(code::MB, &two[..13]), b"\xc0\x0c");
        assert_eq!(rdata_of(code::RP, two), two);
        let with_preference = b"\x00\x01\x03www\x07example\x00";
        assert_eq!(rdata_of(code::AFSDB, with_preference), with_preference);
        assert_eq!(rdata_of(code::KX, with_preference), with_preference);
    }

    #[test]
    fn an_rrset_that_does_not_fit_is_not_written() {
        let mut buf = Vec::new();
        let mut w = Writer::new(&mut buf, QUERY, QUERY.len(), QUERY.len() + 20);
        let records = [&[1u8, 2, 3, 4][..], &[5, 6, 7, 8][..]];
        assert_eq!(
            w.rrset(
                Section::Answer,
                Owner::Question,
                code::A,
                60,
                records.into_iter()
            ),
            Err(Full)
        );
        assert_eq!(w.count(Section::Answer), 0);
        assert_eq!(w.len(), QUERY.len());
    }

    /// The names of every answer record's owner and NS target, decoded
    /// by hickory-proto (an independent reader of compression pointers).
    fn decoded_names(msg: &[u8]) -> Vec<String> {
        use hickory_proto::op::Message;
        use hickory_proto::rr::RData;
        let message = Message::from_vec(msg).expect("the message decodes");
        message
            .answers
            .iter()
            .flat_map(|r| {
                let target = match &r.data {
                    RData::NS(ns) => ns.0.to_string(),
                    other => format!("{other:?}"),
                };
                [r.name.to_string(), target]
            })
            .collect()
    }

    fn wire(text: &str) -> Vec<u8> {
        crate::wire::name::Name::from_text(text.as_bytes(), &crate::wire::name::Name::root())
            .unwrap()
            .as_wire()
            .to_vec()
    }

    #[test]
    fn the_index_compresses_like_the_scan_and_past_its_capacity() {
        let names: Vec<Vec<u8>> = (0..400)
            .map(|i| wire(&format!("host{i}.sub{}.example.", i % 7)))
            .collect();
        let write = |index: Option<&mut NameIndex>| {
            let mut buf = Vec::new();
            let mut w = match index {
                Some(index) => Writer::with_index(&mut buf, QUERY, QUERY.len(), 65535, index),
                None => Writer::new(&mut buf, QUERY, QUERY.len(), 65535),
            };
            for (i, name) in names.iter().enumerate() {
                let target = &names[(i * 13) % names.len()];
                w.record(Section::Answer, Owner::Name(name), code::NS, 1, 60, target)
                    .unwrap();
            }
            w.finish();
            buf
        };
        let mut index = NameIndex::default();
        let indexed = write(Some(&mut index));
        let scanned = write(None);
        assert_eq!(decoded_names(&indexed), decoded_names(&scanned));
        assert!(
            indexed.len() * 10 < scanned.len() * 8,
            "the index keeps compressing past the scan's capacity: {} vs {} octets",
            indexed.len(),
            scanned.len()
        );

        // A message of few names comes out the same either way.
        let mut buf = Vec::new();
        let mut w = Writer::with_index(&mut buf, QUERY, QUERY.len(), 512, &mut index);
        w.record(
            Section::Answer,
            Owner::Name(b"\x03www\x07EXAMPLE\x00"),
            code::MX,
            1,
            300,
            b"\x00\x0a\x04mail\x07example\x00",
        )
        .unwrap();
        w.finish();
        let mut plain = Vec::new();
        let mut w = Writer::new(&mut plain, QUERY, QUERY.len(), 512);
        w.record(
            Section::Answer,
            Owner::Name(b"\x03www\x07EXAMPLE\x00"),
            code::MX,
            1,
            300,
            b"\x00\x0a\x04mail\x07example\x00",
        )
        .unwrap();
        w.finish();
        assert_eq!(buf, plain);
    }

    #[test]
    fn the_index_forgets_what_a_rollback_removed() {
        let mut index = NameIndex::default();
        let mut buf = Vec::new();
        let mut w = Writer::with_index(&mut buf, QUERY, QUERY.len(), 512, &mut index);
        let gone = wire("gone.example.");
        let mark = w.mark();
        w.record(Section::Answer, Owner::Name(&gone), code::NS, 1, 60, &gone)
            .unwrap();
        w.rollback(mark);
        // Other bytes now sit where "gone.example." was remembered.
        let other = wire("x.other.test.");
        w.record(
            Section::Answer,
            Owner::Name(&other),
            code::NS,
            1,
            60,
            &other,
        )
        .unwrap();
        w.record(Section::Answer, Owner::Name(&gone), code::NS, 1, 60, &gone)
            .unwrap();
        w.finish();
        assert_eq!(
            decoded_names(&buf),
            [
                "x.other.test.",
                "x.other.test.",
                "gone.example.",
                "gone.example."
            ]
        );
    }
}
