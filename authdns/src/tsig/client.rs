//! TSIG for the requests authdns sends (NOTIFY, SOA queries, transfers
//! in): sign the request, then verify the answer, one message or a stream.
//!
//! ```text
//! Exchange::sign(request) ─► send ─► verify(message 1) ─► verify(message 2) ─► ... ─► finish()
//!   MAC(request ‖ variables)   MAC(request MAC ‖ msg ‖ variables)   MAC(previous MAC ‖ msgs ‖ timers)
//! ```
//!
//! RFC 8945 5.3.1: the first answer must be signed; later messages of a
//! stream may be unsigned (at most 99 in a row), their bytes then count in
//! the next signed message's MAC, and the last message must be signed.

use std::fmt;
use std::sync::Arc;

use super::mac::{MacBuf, Signing};
use super::record::{self, Malformed, TsigRecord};
use super::{Key, error};

/// How many unsigned messages may follow each other in a stream.
const MAX_UNSIGNED_RUN: u32 = 99;

/// Why an answer's signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The first answer, or the last message of a stream, is unsigned, or
    /// 100 messages in a row are.
    Unsigned,
    /// The TSIG record is malformed or misplaced.
    Malformed,
    /// Signed with another key or algorithm than the request.
    WrongKey,
    /// The MAC does not verify.
    BadSig,
    /// The signature time is outside the fudge.
    BadTime,
    /// The server rejected our signature with this TSIG error
    /// (BADSIG, BADKEY, BADTIME...).
    Rejected(u16),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unsigned => f.write_str("the answer is not signed"),
            Self::Malformed => f.write_str("the answer's TSIG record is malformed"),
            Self::WrongKey => f.write_str("the answer is signed with another key"),
            Self::BadSig => f.write_str("the answer's TSIG MAC does not verify"),
            Self::BadTime => f.write_str("the answer's TSIG time is outside the fudge"),
            Self::Rejected(error::BADSIG) => f.write_str("the server says BADSIG (wrong secret)"),
            Self::Rejected(error::BADKEY) => {
                f.write_str("the server says BADKEY (it does not know the key)")
            }
            Self::Rejected(error::BADTIME) => {
                f.write_str("the server says BADTIME (clocks differ by more than 300 s)")
            }
            Self::Rejected(code) => write!(f, "the server answers TSIG error {code}"),
        }
    }
}

impl From<Malformed> for Failure {
    fn from(_: Malformed) -> Self {
        Self::Malformed
    }
}

/// One signed request and the verification of its answer.
pub struct Exchange {
    key: Arc<Key>,
    /// The MAC the next signed message chains from.
    previous: MacBuf,
    /// Signed messages verified so far.
    signed: u32,
    /// The MAC input of the unsigned messages since the last signed one.
    pending: Option<Signing>,
    unsigned_run: u32,
}

impl fmt::Debug for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Exchange({:?}, {} signed)", self.key, self.signed)
    }
}

impl Exchange {
    /// Signs the request in `msg` with `key` at `now` (seconds since the
    /// Unix epoch): appends the TSIG record and counts it in ARCOUNT.
    pub fn sign(key: &Arc<Key>, msg: &mut Vec<u8>, now: u64) -> Self {
        let mut signing = key.signing();
        signing.update(msg);
        record::digest_variables(
            &mut signing,
            key.name.as_wire(),
            key.algorithm.wire(),
            now,
            0,
            &[],
        );
        let mac = signing.finish();
        let id = u16::from_be_bytes([msg[0], msg[1]]);
        record::append(
            msg,
            key.name.as_wire(),
            key.algorithm.wire(),
            now,
            &mac,
            id,
            0,
            None,
        );
        Self {
            key: Arc::clone(key),
            previous: mac,
            signed: 0,
            pending: None,
            unsigned_run: 0,
        }
    }

    /// Verifies the next message of the answer at `now`. An unsigned
    /// message is accepted only after a signed one (its bytes count in
    /// the next MAC); [`Self::finish`] says whether the stream ended
    /// signed.
    pub fn verify(&mut self, msg: &[u8], now: u64) -> Result<(), Failure> {
        let Some(record) = record::find(msg)? else {
            if self.signed == 0 || self.unsigned_run >= MAX_UNSIGNED_RUN {
                return Err(Failure::Unsigned);
            }
            let mut signing = self.take_chain();
            signing.update(msg);
            self.pending = Some(signing);
            self.unsigned_run += 1;
            return Ok(());
        };
        if record.key_name.as_slice() != self.key.name.as_wire()
            || record.algorithm.as_slice() != self.key.algorithm.wire()
        {
            return Err(Failure::WrongKey);
        }
        if record.error != 0 {
            return Err(Failure::Rejected(record.error));
        }
        let full = self.key.algorithm.output_len();
        if record.mac.len() > full || record.mac.len() < full.div_ceil(2).max(10) {
            return Err(Failure::Malformed);
        }
        let mut signing = self.take_chain();
        record::digest_unsigned(&mut signing, msg, &record);
        if self.signed == 0 {
            record::digest_record_variables(&mut signing, msg, &record);
        } else {
            signing.update(&record.time_signed.to_be_bytes()[2..]);
            signing.update(&record.fudge.to_be_bytes());
        }
        if !signing.verify(&record.mac) {
            return Err(Failure::BadSig);
        }
        if now.abs_diff(record.time_signed) > u64::from(record.fudge) {
            return Err(Failure::BadTime);
        }
        self.accept(record);
        Ok(())
    }

    /// Whether the answer so far ends with a signed message, as a
    /// complete answer must.
    pub fn finish(&self) -> Result<(), Failure> {
        if self.signed > 0 && self.unsigned_run == 0 {
            Ok(())
        } else {
            Err(Failure::Unsigned)
        }
    }

    /// The MAC input of the next signed message: the previous MAC, then
    /// every unsigned message since (RFC 8945 5.3.1).
    fn take_chain(&mut self) -> Signing {
        self.pending.take().unwrap_or_else(|| {
            let mut signing = self.key.signing();
            signing.update(&(self.previous.len() as u16).to_be_bytes());
            signing.update(&self.previous);
            signing
        })
    }

    fn accept(&mut self, record: TsigRecord) {
        self.previous = record.mac;
        self.pending = None;
        self.signed += 1;
        self.unsigned_run = 0;
    }
}
