//! authdns as a secondary: zones pulled from their primaries by zone
//! transfer (RFC 5936 AXFR, RFC 1995 IXFR, TSIG RFC 8945), refreshed on
//! the SOA timers (RFC 1034 4.3.5) and at once on NOTIFY (RFC 1996),
//! kept on disk, and withdrawn when they expire.
//!
//! ```text
//! start: store::load ─► Catalog::install (served at once)
//! refresh (timer | NOTIFY) ─► client: SOA query ─► IXFR (our SOA) ─► xfr_reader
//!   ─► apply (ZoneBuilder: zone-loader's checks) ─► Catalog::install ─► store::save
//!   IXFR refused or broken ─► AXFR; one primary failing ─► the next
//! no refresh for SOA expire ─► Catalog::withdraw ─► SERVFAIL until a refresh succeeds
//! ```
//!
//! A transfer that fails, is cut off or builds a zone that fails a check
//! never replaces the version served; the reason is logged. Not done
//! here: the journal and IXFR out of what was received, and NOTIFY to
//! further secondaries (catalog observers do that for every version).

pub mod apply;
pub mod client;
pub mod expiry;
pub mod message;
pub mod notify_in;
pub mod refresh;
pub mod request;
pub mod store;
pub mod timers;
pub mod xfr_reader;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use zone_loader::Name;

use crate::tsig::{Failure, Key};
use expiry::ExpireClocks;

/// One secondary zone's settings.
#[derive(Debug, Clone)]
pub struct SecondaryZone {
    /// The zone's origin, lowercase.
    pub origin: Name,
    /// The primaries, tried in order.
    pub primaries: Vec<SocketAddr>,
    /// The key SOA queries and transfers are signed with, and NOTIFY
    /// must be signed with.
    pub key: Option<Arc<Key>>,
}

/// Bounds on transfers in (every byte comes from a primary).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connecting to a primary.
    pub connect: Duration,
    /// Waiting for each message.
    pub message: Duration,
    /// One whole transfer.
    pub transfer: Duration,
    /// Most records in one transfer.
    pub max_records: usize,
    /// Most octets in one transfer, all messages together.
    pub max_bytes: usize,
    /// The address our connections to primaries come from (default: the
    /// system's choice; on loopback that is 127.0.0.1).
    pub source: Option<IpAddr>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            message: Duration::from_secs(10),
            transfer: Duration::from_secs(600),
            max_records: 10_000_000,
            max_bytes: 2 << 30,
            source: None,
        }
    }
}

/// A secondary zone as the running server keeps it: its settings and
/// the trigger a NOTIFY pulls.
#[derive(Debug)]
pub struct Secondary {
    /// The settings.
    pub zone: SecondaryZone,
    /// Notified to refresh at once (a NOTIFY came).
    pub refresh_now: Notify,
}

/// Every secondary zone, by lowercase wire origin.
#[derive(Debug, Default, Clone)]
pub struct Secondaries {
    zones: HashMap<Box<[u8]>, Arc<Secondary>>,
    /// Transfer bounds.
    pub limits: Limits,
    /// When each zone expires (EDNS EXPIRE).
    pub clocks: ExpireClocks,
}

impl Secondaries {
    /// The secondary zones `zones`, with transfer `limits`.
    pub fn new(zones: Vec<SecondaryZone>, limits: Limits) -> Self {
        let zones = zones
            .into_iter()
            .map(|zone| {
                let origin: Box<[u8]> = zone.origin.as_wire().into();
                let secondary = Secondary {
                    zone,
                    refresh_now: Notify::new(),
                };
                (origin, Arc::new(secondary))
            })
            .collect::<HashMap<_, _>>();
        let clocks = ExpireClocks::new(zones.keys().map(|o| &**o));
        Self {
            zones,
            limits,
            clocks,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.zones.is_empty()
    }

    /// The secondary zone `origin` (lowercase wire form).
    pub fn get(&self, origin: &[u8]) -> Option<&Arc<Secondary>> {
        self.zones.get(origin)
    }

    /// Every secondary zone.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Secondary>> {
        self.zones.values()
    }
}

/// Why a transfer (or its SOA query) failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XfrError {
    /// Connecting, sending or reading failed.
    Io(String),
    /// The primary did not answer in time.
    Timeout,
    /// The primary closed the connection before the answer was complete.
    Incomplete,
    /// A message too short to hold what its header says, or a bad name.
    Malformed(&'static str),
    /// A message with another ID than our query's.
    WrongId,
    /// QR is not set.
    NotAResponse,
    /// An opcode other than QUERY.
    Opcode(u8),
    /// The primary answered with this RCODE.
    Rcode(u8),
    /// TC set over TCP.
    Truncated,
    /// The question is not ours.
    WrongQuestion,
    /// A record of a class other than IN.
    Class(u16),
    /// Rdata that is not what its type's format says.
    Rdata(u16, &'static str),
    /// The TSIG of the answer failed, or the primary rejected ours.
    Tsig(Failure),
    /// The first record is not the zone's SOA.
    NotSoaFirst,
    /// The SOA records are not in the order RFC 1995 / RFC 5936 want.
    Sequence(&'static str),
    /// Data after the closing SOA.
    AfterEnd,
    /// More records than the configured bound.
    TooManyRecords,
    /// More octets than the configured bound.
    TooLarge,
    /// The SOA query's answer holds no SOA.
    NoSoa,
    /// An incremental transfer deletes a record we do not hold.
    DeletesAbsent(String),
    /// An incremental transfer starts from another version than ours.
    WrongBase {
        /// Our serial.
        ours: u32,
        /// The serial the difference starts from.
        from: u32,
    },
    /// The transferred zone fails zone-loader's checks: the problems.
    Rejected(Vec<String>),
}

impl fmt::Display for XfrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "{e}"),
            Self::Timeout => f.write_str("timed out"),
            Self::Incomplete => {
                f.write_str("the connection closed before the transfer was complete")
            }
            Self::Malformed(what) => write!(f, "malformed message ({what})"),
            Self::WrongId => f.write_str("a message with another ID than the query's"),
            Self::NotAResponse => f.write_str("a message that is not a response"),
            Self::Opcode(op) => write!(f, "a response with opcode {op}"),
            Self::Rcode(rcode) => write!(f, "the primary answers RCODE {}", rcode_name(*rcode)),
            Self::Truncated => f.write_str("a truncated message over TCP"),
            Self::WrongQuestion => f.write_str("the answer's question is not the query's"),
            Self::Class(class) => write!(f, "a record of class {class}, not IN"),
            Self::Rdata(rtype, why) => write!(
                f,
                "{} rdata: bad {why}",
                zone_loader::rtype::mnemonic(*rtype)
            ),
            Self::Tsig(failure) => write!(f, "TSIG: {failure}"),
            Self::NotSoaFirst => f.write_str("the first record is not the zone's SOA"),
            Self::Sequence(what) => write!(f, "SOA sequence: {what}"),
            Self::AfterEnd => f.write_str("data after the closing SOA"),
            Self::TooManyRecords => f.write_str("more records than the transfer bound"),
            Self::TooLarge => f.write_str("more octets than the transfer bound"),
            Self::NoSoa => f.write_str("the SOA query's answer holds no SOA"),
            Self::DeletesAbsent(what) => write!(f, "IXFR deletes a record not in the zone: {what}"),
            Self::WrongBase { ours, from } => {
                write!(f, "IXFR starts from serial {from}, we hold {ours}")
            }
            Self::Rejected(problems) => {
                write!(f, "the zone fails the zone checks: {}", problems.join("; "))
            }
        }
    }
}

impl std::error::Error for XfrError {}

fn rcode_name(rcode: u8) -> String {
    match rcode {
        1 => "FORMERR".into(),
        2 => "SERVFAIL".into(),
        3 => "NXDOMAIN".into(),
        4 => "NOTIMP".into(),
        5 => "REFUSED".into(),
        9 => "NOTAUTH".into(),
        other => other.to_string(),
    }
}
