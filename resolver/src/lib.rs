//! A privacy-preserving recursive resolver.
//!
//! ```text
//! client ─► frontend (udp, tcp, dot, doh) ─► resolve: local zones | cache | iterate
//!        ─► upstream ─► validate ─► cache ─► response
//! ```
//!
//! [`cache`]: the one cache every frontend shares. [`hints`]: where
//! iteration starts. [`upstream`]: one exchange with an authoritative
//! server; [`servers`]: what is known of each server; [`coalesce`]: one
//! query for identical ones in flight. [`iterate`]: resolution from the
//! root down ([`iterate::step`]: what one answer means). [`local`]: local
//! and special-use zones. [`forward`]: forward zones. [`frontend`]: UDP,
//! TCP and DoT with access control and Extended DNS Errors; [`tls`]: the
//! server certificate. [`config`]. DoH and DNSSEC validation are to come.

pub mod cache;
pub mod coalesce;
pub mod config;
pub mod forward;
pub mod frontend;
pub mod hints;
pub mod iterate;
pub mod local;
pub mod records;
pub mod servers;
pub mod tls;
pub mod upstream;
pub mod validate;
