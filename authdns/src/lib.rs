//! An authoritative DNS server answering from atomically swapped zone
//! snapshots.
//!
//! ```text
//! zone files ─► zone_loader ─► catalog ─► Snapshot ─► ArcSwap ◄─ reload (SIGHUP, watch)
//! primaries ─► secondary (SOA, IXFR/AXFR in, NOTIFY) ─┘ (install, withdraw on expiry)
//!                                                        │ load() once per query
//! UDP workers / TCP tasks ─► answer::answer (pure: bytes in, bytes out)
//! ```

pub mod answer;
pub mod catalog;
pub mod chaos;
pub mod config;
pub mod cookies;
pub mod edns;
pub mod journal;
pub mod listen;
pub mod memory;
pub mod notify;
pub mod querylog;
pub mod rrl;
pub mod secondary;
pub mod serial;
pub mod server;
pub mod transfer;
pub mod tsig;
