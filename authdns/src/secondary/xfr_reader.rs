//! The answer to a transfer query, message by message: AXFR (RFC 5936)
//! or IXFR (RFC 1995), told apart by their shape, checked and collected.
//!
//! ```text
//! message ─► TSIG (Exchange) ─► message::check (ID, QR, opcode, RCODE, question)
//!         ─► records ─► state: Start ─► First SOA ─┬─► Full (AXFR-style) ─► SOA again: done
//!                                                  └─► Incremental: (SOA old, deletions,
//!                                                      SOA new, additions)+ ─► SOA newest: done
//! ```
//!
//! RFC 1995 4: "If incremental zone transfer is not available, the entire
//! zone is returned. The first and the last RR of the response is the SOA
//! record of the zone." An incremental answer's second record is the SOA
//! of the client's version; a single SOA not newer than ours means we are
//! current. Nothing here does IO or reads a clock: the caller feeds each
//! message with `now`.

use zone_loader::Name;
use zone_loader::rtype::code;

use super::XfrError;
use super::message::{self, Expect, Record};
use crate::serial;
use crate::tsig::{Exchange, Failure};

/// What a transfer brought.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// The primary's serial is not newer than ours (IXFR: one SOA).
    UpToDate(u32),
    /// The whole zone: the SOA first, every record once (the closing SOA
    /// left out).
    Full(Vec<Record>),
    /// Differences from our version, oldest first.
    Incremental(Vec<Diff>),
}

/// One step of an incremental transfer (RFC 1995 2).
#[derive(Debug, PartialEq, Eq)]
pub struct Diff {
    /// The SOA of the version it starts from.
    pub from: Record,
    /// The SOA of the version it leads to.
    pub to: Record,
    /// Records removed.
    pub deleted: Vec<Record>,
    /// Records added.
    pub added: Vec<Record>,
}

/// Bounds on one answer (every byte comes from the primary).
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Most records in the whole answer.
    pub max_records: usize,
    /// Most octets, all messages together.
    pub max_bytes: usize,
}

enum State {
    /// Nothing read yet.
    Start,
    /// The first SOA read, nothing else.
    First(Record),
    /// An AXFR-style answer: the records so far.
    Full(Vec<Record>),
    /// An incremental answer.
    Incremental {
        newest: u32,
        diffs: Vec<Diff>,
        part: Part,
    },
    /// The final SOA was read.
    Done(Answer),
}

/// Where an incremental answer is.
enum Part {
    /// After the SOA of a diff's old version: deletions.
    Deleting { from: Record, deleted: Vec<Record> },
    /// After the SOA of its new version: additions.
    Adding {
        from: Record,
        to: Record,
        deleted: Vec<Record>,
        added: Vec<Record>,
    },
}

/// Reads the answer to one AXFR or IXFR query.
pub struct Reader {
    origin: Name,
    id: u16,
    qtype: u16,
    ours: Option<u32>,
    exchange: Option<Exchange>,
    bounds: Bounds,
    records: usize,
    bytes: usize,
    messages: u32,
    state: State,
}

impl Reader {
    /// A reader for the answer to the query `id` for `origin`, `qtype`
    /// AXFR or IXFR; `ours` is the serial we hold (sent in an IXFR);
    /// `exchange` verifies TSIG when the query was signed.
    pub fn new(
        origin: &Name,
        id: u16,
        qtype: u16,
        ours: Option<u32>,
        exchange: Option<Exchange>,
        bounds: Bounds,
    ) -> Self {
        Self {
            origin: origin.clone(),
            id,
            qtype,
            ours,
            exchange,
            bounds,
            records: 0,
            bytes: 0,
            messages: 0,
            state: State::Start,
        }
    }

    /// Messages read so far.
    pub fn messages(&self) -> u32 {
        self.messages
    }

    /// Reads the next message at `now` (seconds since the Unix epoch).
    /// `Ok(true)`: the answer is complete; call [`Self::finish`].
    pub fn feed(&mut self, msg: &[u8], now: u64) -> Result<bool, XfrError> {
        if matches!(self.state, State::Done(_)) {
            return Err(XfrError::AfterEnd);
        }
        self.bytes += msg.len();
        if self.bytes > self.bounds.max_bytes {
            return Err(XfrError::TooLarge);
        }
        let expect = Expect {
            id: self.id,
            qname: self.origin.as_wire(),
            qtype: self.qtype,
        };
        // The ID first: a stray message says nothing about the key.
        if msg.len() >= 2 && u16::from_be_bytes([msg[0], msg[1]]) != self.id {
            return Err(XfrError::WrongId);
        }
        if let Some(exchange) = &mut self.exchange {
            exchange
                .verify(msg, now)
                .map_err(|failure| tsig_error(msg, failure))?;
        }
        let checked = message::check(msg, &expect, self.messages == 0)?;
        self.messages += 1;
        let mut in_message = 0usize;
        checked.records(|record| {
            self.records += 1;
            in_message += 1;
            if self.records > self.bounds.max_records {
                return Err(XfrError::TooManyRecords);
            }
            self.push(record)
        })?;
        if let State::First(soa) = &self.state {
            // RFC 1995 2: a single SOA not newer than ours: current.
            let serial = soa.soa_serial().ok_or(XfrError::Malformed("SOA"))?;
            if self.messages == 1
                && in_message == 1
                && self.qtype == code::IXFR
                && self
                    .ours
                    .is_some_and(|ours| !serial::is_newer(serial, ours))
            {
                self.state = State::Done(Answer::UpToDate(serial));
            }
        }
        let done = matches!(self.state, State::Done(_));
        if done && let Some(exchange) = &self.exchange {
            exchange.finish().map_err(XfrError::Tsig)?;
        }
        Ok(done)
    }

    /// The complete answer; an error if the stream stopped before its end.
    pub fn finish(self) -> Result<Answer, XfrError> {
        match self.state {
            State::Done(answer) => Ok(answer),
            _ => Err(XfrError::Incomplete),
        }
    }

    fn push(&mut self, record: Record) -> Result<(), XfrError> {
        let state = std::mem::replace(&mut self.state, State::Start);
        self.state = self.next(state, record)?;
        Ok(())
    }

    fn next(&self, state: State, record: Record) -> Result<State, XfrError> {
        let soa = self.soa_serial(&record)?;
        Ok(match state {
            State::Start => match soa {
                Some(_) => State::First(record),
                None => return Err(XfrError::NotSoaFirst),
            },
            State::Done(_) => return Err(XfrError::AfterEnd),
            State::First(first) => {
                let newest = self.soa_serial(&first)?.unwrap_or_default();
                match soa {
                    // RFC 1995 4: the second record is the client's SOA.
                    Some(serial)
                        if self.qtype == code::IXFR
                            && Some(serial) == self.ours
                            && serial != newest =>
                    {
                        State::Incremental {
                            newest,
                            diffs: Vec::new(),
                            part: Part::Deleting {
                                from: record,
                                deleted: Vec::new(),
                            },
                        }
                    }
                    // A zone of one SOA, sent whole.
                    Some(serial) if serial == newest => State::Done(Answer::Full(vec![first])),
                    Some(_) => {
                        return Err(XfrError::Sequence(
                            "an SOA second that is neither ours nor the first",
                        ));
                    }
                    None => State::Full(vec![first, record]),
                }
            }
            State::Full(mut records) => match soa {
                Some(serial) => {
                    let first = self.soa_serial(&records[0])?.unwrap_or_default();
                    if serial != first {
                        return Err(XfrError::Sequence(
                            "the closing SOA's serial differs from the first",
                        ));
                    }
                    State::Done(Answer::Full(records))
                }
                None => {
                    records.push(record);
                    State::Full(records)
                }
            },
            State::Incremental {
                newest,
                mut diffs,
                part,
            } => match (part, soa) {
                (Part::Deleting { from, mut deleted }, None) => {
                    deleted.push(record);
                    incremental(newest, diffs, Part::Deleting { from, deleted })
                }
                (Part::Deleting { from, deleted }, Some(_)) => incremental(
                    newest,
                    diffs,
                    Part::Adding {
                        from,
                        to: record,
                        deleted,
                        added: Vec::new(),
                    },
                ),
                (
                    Part::Adding {
                        from,
                        to,
                        deleted,
                        mut added,
                    },
                    None,
                ) => {
                    added.push(record);
                    incremental(
                        newest,
                        diffs,
                        Part::Adding {
                            from,
                            to,
                            deleted,
                            added,
                        },
                    )
                }
                (
                    Part::Adding {
                        from,
                        to,
                        deleted,
                        added,
                    },
                    Some(serial),
                ) => {
                    let reached = self.soa_serial(&to)?.unwrap_or_default();
                    diffs.push(Diff {
                        from,
                        to,
                        deleted,
                        added,
                    });
                    if serial == newest && reached == newest {
                        State::Done(Answer::Incremental(diffs))
                    } else if serial == reached {
                        incremental(
                            newest,
                            diffs,
                            Part::Deleting {
                                from: record,
                                deleted: Vec::new(),
                            },
                        )
                    } else {
                        return Err(XfrError::Sequence(
                            "a difference does not start where the previous one ended",
                        ));
                    }
                }
            },
        })
    }

    /// The serial when `record` is the zone's SOA; `None` for other
    /// records; an error for an SOA elsewhere or malformed.
    fn soa_serial(&self, record: &Record) -> Result<Option<u32>, XfrError> {
        if record.rtype != code::SOA {
            return Ok(None);
        }
        if !record
            .owner
            .to_lowercase()
            .as_wire()
            .eq(self.origin.as_wire())
        {
            return Err(XfrError::Sequence("an SOA record not at the zone's apex"));
        }
        record
            .soa_serial()
            .map(Some)
            .ok_or(XfrError::Malformed("SOA"))
    }
}

fn incremental(newest: u32, diffs: Vec<Diff>, part: Part) -> State {
    State::Incremental {
        newest,
        diffs,
        part,
    }
}

/// Why a message's TSIG failed: an unsigned error answer (a primary
/// that does not know TSIG, or refuses before checking it) says so by
/// its RCODE.
fn tsig_error(msg: &[u8], failure: Failure) -> XfrError {
    match msg.get(3).map(|flags| flags & 0x0f) {
        Some(rcode) if rcode != 0 && failure == Failure::Unsigned => XfrError::Rcode(rcode),
        _ => XfrError::Tsig(failure),
    }
}

/// The serial in the answer to an SOA query (`msg`, checked like a
/// transfer message, TSIG verified by `exchange` when signed).
pub fn soa_answer(
    msg: &[u8],
    origin: &Name,
    id: u16,
    exchange: Option<&mut Exchange>,
    now: u64,
) -> Result<u32, XfrError> {
    if msg.len() >= 2 && u16::from_be_bytes([msg[0], msg[1]]) != id {
        return Err(XfrError::WrongId);
    }
    if let Some(exchange) = exchange {
        exchange
            .verify(msg, now)
            .map_err(|failure| tsig_error(msg, failure))?;
        exchange.finish().map_err(XfrError::Tsig)?;
    }
    let expect = Expect {
        id,
        qname: origin.as_wire(),
        qtype: code::SOA,
    };
    let checked = message::check(msg, &expect, true)?;
    let mut serial = None;
    checked.records(|record| {
        if serial.is_none()
            && record.rtype == code::SOA
            && record.owner.to_lowercase().as_wire() == origin.as_wire()
        {
            serial = record.soa_serial();
        }
        Ok(())
    })?;
    serial.ok_or(XfrError::NoSoa)
}

/// Reads `messages`, all of them, as the unsigned answer to a `qtype`
/// query for `origin` from serial `ours`, its ID taken from the first
/// message (tests and the fuzz target).
pub fn read_all(
    origin: &Name,
    qtype: u16,
    ours: Option<u32>,
    messages: &[&[u8]],
    bounds: Bounds,
) -> Result<Answer, XfrError> {
    let id = messages
        .first()
        .and_then(|m| m.get(..2))
        .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
    let mut reader = Reader::new(origin, id, qtype, ours, None, bounds);
    for msg in messages {
        reader.feed(msg, 0)?;
    }
    reader.finish()
}

/// Reads `data` as a TCP stream (each message after its two-octet
/// length) answering, per its first octet, an AXFR (even) or an IXFR
/// from serial 1 (odd) for `origin`, then builds a full answer's zone
/// with zone-loader's checks: the fuzz target's body, one call.
pub fn read_stream(origin: &Name, data: &[u8]) -> Result<Answer, XfrError> {
    let Some((&mode, mut rest)) = data.split_first() else {
        return Err(XfrError::Incomplete);
    };
    let (qtype, ours) = if mode & 1 == 0 {
        (code::AXFR, None)
    } else {
        (code::IXFR, Some(1))
    };
    let mut messages = Vec::new();
    while let Some((len, tail)) = rest.split_first_chunk::<2>() {
        let len = usize::from(u16::from_be_bytes(*len));
        let msg = tail.get(..len).ok_or(XfrError::Incomplete)?;
        messages.push(msg);
        rest = &tail[len..];
    }
    let bounds = Bounds {
        max_records: 100_000,
        max_bytes: 1 << 20,
    };
    let answer = read_all(origin, qtype, ours, &messages, bounds)?;
    if let Answer::Full(records) = &answer {
        super::apply::full(origin, records, "fuzz")?;
    }
    Ok(answer)
}
