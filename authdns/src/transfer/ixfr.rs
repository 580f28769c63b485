//! IXFR out (RFC 1995 4) from the journal: the changesets leading from
//! the client's serial to the served one, as one stream.
//!
//! ```text
//! SOA new | per changeset: SOA old, removed records, SOA new, added records | SOA new
//! ```
//!
//! Messages are filled like AXFR's ([`super::axfr::TARGET`]), names
//! compressed per message. Over UDP the whole answer must fit in one
//! message ([`Ixfr::write`] says whether it did). Changesets are sent as
//! journaled, not condensed.

use std::sync::Arc;

use zone_loader::rtype::code;
use zone_loader::wire::writer::{Full, Owner, Section, Writer};

use super::axfr::{Next, TARGET};
use crate::answer::MAX_MESSAGE;
use crate::journal::{Changeset, Record, Records, Soa};

/// DNS class IN.
const CLASS_IN: u16 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    FirstSoa,
    OldSoa,
    Removed,
    NewSoa,
    Added,
    LastSoa,
    Done,
}

/// The state of one outgoing IXFR: where the next record comes from.
#[derive(Debug)]
pub struct Ixfr<'c> {
    origin: &'c [u8],
    changesets: &'c [Arc<Changeset>],
    step: Step,
    /// The changeset being sent.
    index: usize,
    /// The next record's octet offset in the list being sent.
    offset: usize,
}

impl<'c> Ixfr<'c> {
    /// A transfer of `changesets` (oldest first, at least one) of the
    /// zone `origin` (wire form).
    pub fn new(origin: &'c [u8], changesets: &'c [Arc<Changeset>]) -> Self {
        Self {
            origin,
            changesets,
            step: Step::FirstSoa,
            index: 0,
            offset: 0,
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
            self.write(&mut writer);
            if writer.count(Section::Answer) > 0 {
                return Next::Message(writer.finish());
            }
        }
        Next::TooLarge
    }

    /// Writes records into `writer` until it is full or the transfer is
    /// complete; returns whether it is complete.
    pub fn write(&mut self, writer: &mut Writer<'_>) -> bool {
        while self.step != Step::Done && self.write_one(writer).is_ok() {}
        self.step == Step::Done
    }

    /// Writes the record the state points at and advances past it.
    fn write_one(&mut self, writer: &mut Writer<'_>) -> Result<(), Full> {
        let (Some(last), Some(changeset)) = (
            self.changesets.last(),
            self.changesets
                .get(self.index.min(self.changesets.len().saturating_sub(1))),
        ) else {
            self.step = Step::Done;
            return Ok(());
        };
        match self.step {
            Step::FirstSoa => {
                self.soa(writer, &last.new_soa)?;
                self.step = Step::OldSoa;
            }
            Step::OldSoa => {
                self.soa(writer, &changeset.old_soa)?;
                self.step = Step::Removed;
            }
            Step::Removed => {
                if self.record(writer, &changeset.removed)? {
                    self.step = Step::NewSoa;
                }
            }
            Step::NewSoa => {
                self.soa(writer, &changeset.new_soa)?;
                self.step = Step::Added;
            }
            Step::Added => {
                if self.record(writer, &changeset.added)? {
                    self.index += 1;
                    self.step = if self.index == self.changesets.len() {
                        Step::LastSoa
                    } else {
                        Step::OldSoa
                    };
                }
            }
            Step::LastSoa => {
                self.soa(writer, &last.new_soa)?;
                self.step = Step::Done;
            }
            Step::Done => {}
        }
        Ok(())
    }

    fn soa(&self, writer: &mut Writer<'_>, soa: &Soa) -> Result<(), Full> {
        writer.record(
            Section::Answer,
            Owner::Name(self.origin),
            code::SOA,
            CLASS_IN,
            soa.ttl,
            &soa.rdata,
        )
    }

    /// Writes the next record of `records`, if any; returns whether the
    /// list is done (then the offset starts over for the next list).
    fn record(&mut self, writer: &mut Writer<'_>, records: &Records) -> Result<bool, Full> {
        let Some((
            Record {
                name,
                rtype,
                ttl,
                rdata,
            },
            next,
        )) = records.get(self.offset)
        else {
            self.offset = 0;
            return Ok(true);
        };
        writer.record(
            Section::Answer,
            Owner::Name(name),
            rtype,
            CLASS_IN,
            ttl,
            rdata,
        )?;
        self.offset = next;
        Ok(false)
    }
}

#[cfg(test)]
mod tests;
