//! TSIG, transaction signatures (RFC 8945): keys, verifying a signed
//! request, and signing the responses, one message or a stream of them;
//! and the other side, for requests we send ([`Exchange`]).
//!
//! ```text
//! request ─► record::find (last additional record) ─► key? (BADKEY)
//!         ─► MAC size rules (FORMERR) ─► MAC (BADSIG) ─► time (BADTIME)
//!         ─► Verified::Signed ─► Signer: first response covers the
//!            request MAC; each later one the previous MAC (RFC 8945 5.3.1)
//! ```
//!
//! The MAC is HMAC over one of the five algorithms of RFC 8945 6 that
//! servers use (SHA-1, SHA-224, SHA-256, SHA-384, SHA-512), compared in
//! constant time. Nothing here reads a clock or a socket: callers pass
//! `now`. TKEY and GSS-TSIG are not supported.

mod client;
mod mac;
mod record;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use zone_loader::wire::name::Name;

pub use client::{Exchange, Failure};
pub use mac::Algorithm;
use mac::{MAX_MAC, MacBuf, Signing};
use record::TsigRecord;

/// The default fudge: how far the signer's clock may be off (RFC 8945 10).
pub const FUDGE: u16 = 300;
/// The TSIG record type.
pub const TYPE_TSIG: u16 = 250;
/// Class ANY, the class of a TSIG record.
const CLASS_ANY: u16 = 255;

/// TSIG error codes (RFC 8945 3, RFC 8945 5.2).
pub mod error {
    /// The MAC does not verify.
    pub const BADSIG: u16 = 16;
    /// The key is not known here (or not with that algorithm).
    pub const BADKEY: u16 = 17;
    /// The signature time is outside the fudge.
    pub const BADTIME: u16 = 18;
}

/// A TSIG key. Its `Debug` shows the name and algorithm, never the secret.
pub struct Key {
    name: Name,
    algorithm: Algorithm,
    secret: Box<[u8]>,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({} {})", self.name, self.algorithm.name())
    }
}

impl Key {
    /// A key named `name` (lowercased here) with `secret`.
    pub fn new(name: &Name, algorithm: Algorithm, secret: Vec<u8>) -> Self {
        Self {
            name: name.to_lowercase(),
            algorithm,
            secret: secret.into_boxed_slice(),
        }
    }

    /// The key's name, lowercase.
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The MAC algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The length of a TSIG record signed with this key (no other data).
    pub fn record_len(&self) -> usize {
        record::len(self, self.algorithm.output_len(), 0)
    }

    fn signing(&self) -> Signing {
        Signing::new(self.algorithm, &self.secret)
    }
}

/// The configured keys.
#[derive(Debug, Default, Clone)]
pub struct KeyRing {
    keys: Vec<Arc<Key>>,
}

impl KeyRing {
    /// A ring of `keys` (names are unique: the configuration checks).
    pub fn new(keys: Vec<Arc<Key>>) -> Self {
        Self { keys }
    }

    /// Whether no key is configured.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key named `name` (lowercase wire form).
    pub fn find(&self, name: &[u8]) -> Option<&Arc<Key>> {
        self.keys.iter().find(|k| k.name.as_wire() == name)
    }
}

/// What verifying a request found.
#[derive(Debug)]
pub enum Verified {
    /// No TSIG record.
    Unsigned,
    /// Signed with `key`, and the signature holds: answer signed.
    Signed(Signer),
    /// Signed, but not acceptably: answer NOTAUTH with this TSIG error
    /// (RFC 8945 5.2). BADTIME answers are signed, the others are not.
    Rejected(Box<Rejection>),
    /// The TSIG record is malformed or misplaced: FORMERR (RFC 8945 5.2.2.1, 5.1).
    Malformed,
}

/// A request's TSIG that failed: what its error answer needs.
#[derive(Debug)]
pub struct Rejection {
    /// The TSIG error code ([`error`]).
    pub error: u16,
    record: TsigRecord,
    /// The key, for BADTIME (the only error answer that is signed).
    signer: Option<Signer>,
}

impl Rejection {
    /// Appends the error's TSIG record to the response in `msg` (RCODE
    /// set by the caller): for BADTIME signed, with our time in Other
    /// Data (RFC 8945 5.2.3); for BADKEY and BADSIG with an empty MAC
    /// (RFC 8945 5.3.2).
    pub fn append(&mut self, msg: &mut Vec<u8>, now: u64) {
        match &mut self.signer {
            Some(signer) => signer.sign_with(msg, self.error, Some(now)),
            None => record::append(
                msg,
                &self.record.key_name,
                &self.record.algorithm,
                self.record.time_signed,
                &[],
                self.record.original_id,
                self.error,
                None,
            ),
        }
    }
}

/// Verifies the TSIG of the request `msg` at time `now` (seconds since
/// the Unix epoch) against `keys`.
pub fn verify(keys: &KeyRing, msg: &[u8], now: u64) -> Verified {
    let record = match record::find(msg) {
        Ok(None) => return Verified::Unsigned,
        Ok(Some(record)) => record,
        Err(record::Malformed) => return Verified::Malformed,
    };
    let key = keys
        .find(&record.key_name)
        .filter(|k| k.algorithm.wire() == &record.algorithm[..]);
    let Some(key) = key else {
        return reject(error::BADKEY, record, None);
    };
    let full = key.algorithm.output_len();
    let size = record.mac.len();
    // RFC 8945 5.2.2.1: a MAC longer than the hash, or shorter than the
    // larger of 10 octets and half the hash, is a format error.
    if size > full || size < full.div_ceil(2).max(10) {
        return Verified::Malformed;
    }
    let mut signing = key.signing();
    record::digest_request(&mut signing, msg, &record);
    if !signing.verify(&record.mac) {
        return reject(error::BADSIG, record, None);
    }
    let signer = Signer {
        key: Arc::clone(key),
        previous: record.mac.clone(),
        original_id: record.original_id,
        messages: 0,
        now,
    };
    if now.abs_diff(record.time_signed) > u64::from(record.fudge) {
        // RFC 8945 5.2.3: the answer is signed, with the request's Time
        // Signed and our own time in Other Data.
        let signer = Signer {
            now: record.time_signed,
            ..signer
        };
        return reject(error::BADTIME, record, Some(signer));
    }
    Verified::Signed(signer)
}

fn reject(error: u16, record: TsigRecord, signer: Option<Signer>) -> Verified {
    Verified::Rejected(Box::new(Rejection {
        error,
        record,
        signer,
    }))
}

/// Signs the responses to one verified request, in order.
#[derive(Debug)]
pub struct Signer {
    key: Arc<Key>,
    previous: MacBuf,
    original_id: u16,
    messages: u32,
    now: u64,
}

impl Signer {
    /// Starts signing responses to a request whose MAC was `request_mac`
    /// (for the signing side of tests and, later, of requests we send).
    pub fn new(key: Arc<Key>, request_mac: &[u8], original_id: u16, now: u64) -> Self {
        let mut previous = MacBuf::new();
        previous
            .try_extend_from_slice(&request_mac[..request_mac.len().min(MAX_MAC)])
            .expect("at most MAX_MAC octets were taken");
        Self {
            key,
            previous,
            original_id,
            messages: 0,
            now,
        }
    }

    /// The key signing.
    pub fn key(&self) -> &Arc<Key> {
        &self.key
    }

    /// Appends a TSIG record to the response in `msg` and counts it in
    /// ARCOUNT. The first response's MAC covers the request MAC, the
    /// message and every TSIG variable; each later one covers the
    /// previous MAC, the message and the timers only (RFC 8945 5.3.1).
    pub fn sign(&mut self, msg: &mut Vec<u8>) {
        self.sign_with(msg, 0, None);
    }

    fn sign_with(&mut self, msg: &mut Vec<u8>, error: u16, other_time: Option<u64>) {
        let mut signing = self.key.signing();
        signing.update(&(self.previous.len() as u16).to_be_bytes());
        signing.update(&self.previous);
        signing.update(msg);
        let mut other = [0u8; 6];
        let other: &[u8] = match other_time {
            Some(time) => {
                other.copy_from_slice(&time.to_be_bytes()[2..]);
                &other
            }
            None => &[],
        };
        let time = &self.now.to_be_bytes()[2..];
        if self.messages == 0 {
            record::digest_variables(
                &mut signing,
                self.key.name.as_wire(),
                self.key.algorithm.wire(),
                self.now,
                error,
                other,
            );
        } else {
            signing.update(time);
            signing.update(&FUDGE.to_be_bytes());
        }
        self.previous = signing.finish();
        self.messages += 1;
        record::append(
            msg,
            self.key.name.as_wire(),
            self.key.algorithm.wire(),
            self.now,
            &self.previous,
            self.original_id,
            error,
            other_time,
        );
    }
}
