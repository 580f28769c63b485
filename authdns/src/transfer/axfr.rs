//! AXFR out (RFC 5936): the zone as a stream of messages, SOA first and
//! last, every other RRset of the snapshot in between (DNSSEC records,
//! glue and occluded data included), written one message at a time into
//! a reused buffer: the whole answer is never held in memory.
//!
//! Messages are filled to [`TARGET`] octets, as Knot, NSD and BIND pack
//! theirs (one record too big for that gets a message of up to 64 KiB of
//! its own); names are compressed against the question and earlier
//! names of the same message (RFC 5936 2.2 allows it; each message is
//! compressed on its own). RRSIG records go out with the TTL of the
//! RRset they cover, as they were loaded (RFC 4034 3).

use zone_loader::Zone;
use zone_loader::rtype::code;
use zone_loader::wire::writer::{Owner, Section, Writer};
use zone_loader::zone::{Node, RRset};

use crate::answer::MAX_MESSAGE;

/// The size transfer messages are filled to.
pub const TARGET: usize = 16 * 1024;
/// DNS class IN.
const CLASS_IN: u16 = 1;

/// What [`Axfr::next_message`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// A message of this many octets is in the buffer.
    Message(usize),
    /// The transfer is complete.
    Done,
    /// A record does not fit in a message even alone: stop (the client
    /// discards an incomplete transfer).
    TooLarge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    FirstSoa,
    Body,
    LastSoa,
    Done,
}

/// The state of one outgoing AXFR: where the next record comes from.
#[derive(Debug)]
pub struct Axfr<'z> {
    zone: &'z Zone,
    step: Step,
    node: usize,
    rrset: usize,
    record: usize,
}

impl<'z> Axfr<'z> {
    /// A transfer of `zone` from its first record.
    pub fn new(zone: &'z Zone) -> Self {
        Self {
            zone,
            step: Step::FirstSoa,
            node: 0,
            rrset: 0,
            record: 0,
        }
    }

    /// Writes the next message answering `query` (its question ends at
    /// `question_end`) into `buf`, keeping `reserve` octets free for a
    /// TSIG record.
    pub fn next_message(
        &mut self,
        query: &[u8],
        question_end: usize,
        buf: &mut Vec<u8>,
        reserve: usize,
    ) -> Next {
        if self.step == Step::Done {
            return Next::Done;
        }
        for limit in [TARGET, MAX_MESSAGE] {
            let mut writer = Writer::new(buf, query, question_end, limit - reserve);
            writer.set_authoritative();
            while self.step != Step::Done && self.write_one(&mut writer).is_ok() {}
            if writer.count(Section::Answer) > 0 {
                return Next::Message(writer.finish());
            }
        }
        Next::TooLarge
    }

    /// Writes the record the state points at and advances past it.
    fn write_one(
        &mut self,
        writer: &mut Writer<'_>,
    ) -> Result<(), zone_loader::wire::writer::Full> {
        let zone = self.zone;
        let apex = zone.node(zone.apex());
        match self.step {
            Step::FirstSoa | Step::LastSoa => {
                let soa = zone.soa();
                let rdata = zone.records(soa).next().unwrap_or_default();
                let name = zone.name(apex);
                writer.record(
                    Section::Answer,
                    Owner::Name(name),
                    code::SOA,
                    CLASS_IN,
                    soa.ttl,
                    rdata,
                )?;
                self.step = if self.step == Step::FirstSoa {
                    Step::Body
                } else {
                    Step::Done
                };
                self.skip_to_record();
                Ok(())
            }
            Step::Body => {
                let node = &zone.nodes()[self.node];
                let rrset = &zone.rrsets(node)[self.rrset];
                let rdata = zone.records(rrset).nth(self.record).unwrap_or_default();
                let ttl = record_ttl(zone, node, rrset, rdata);
                let name = zone.name(node);
                writer.record(
                    Section::Answer,
                    Owner::Name(name),
                    rrset.rtype,
                    CLASS_IN,
                    ttl,
                    rdata,
                )?;
                self.record += 1;
                if self.record == usize::from(rrset.count) {
                    self.record = 0;
                    self.rrset += 1;
                }
                self.skip_to_record();
                Ok(())
            }
            Step::Done => Ok(()),
        }
    }

    /// Moves the body position to the next record to send (past empty
    /// nodes and the apex SOA), or to the closing SOA.
    fn skip_to_record(&mut self) {
        if self.step != Step::Body {
            return;
        }
        let nodes = self.zone.nodes();
        while let Some(node) = nodes.get(self.node) {
            let rrsets = self.zone.rrsets(node);
            match rrsets.get(self.rrset) {
                Some(r) if r.count == 0 || (self.node == 0 && r.rtype == code::SOA) => {
                    self.rrset += 1;
                }
                Some(_) => return,
                None => {
                    self.node += 1;
                    self.rrset = 0;
                    self.record = 0;
                }
            }
        }
        self.step = Step::LastSoa;
    }
}

/// A record's TTL: an RRSIG's is that of the RRset it covers, when the
/// node has it (the zone keeps one TTL per stored RRset).
pub fn record_ttl(zone: &Zone, node: &Node, rrset: &RRset, rdata: &[u8]) -> u32 {
    if rrset.rtype != code::RRSIG || rdata.len() < 2 {
        return rrset.ttl;
    }
    let covered = u16::from_be_bytes([rdata[0], rdata[1]]);
    zone.rrset(node, covered).map_or(rrset.ttl, |r| r.ttl)
}

#[cfg(test)]
mod tests;
