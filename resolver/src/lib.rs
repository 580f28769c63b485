//! A privacy-preserving recursive resolver (issue 3, in progress).
//!
//! ```text
//! client ─► frontend (udp, tcp, dot, doh) ─► resolve: local zones | cache | iterate
//!        ─► upstream ─► validate ─► cache ─► response
//! ```
//!
//! Built so far: [`cache`], the one cache every frontend shares;
//! [`hints`], where iteration starts; [`upstream`], one exchange with an
//! authoritative server; [`iterate`], resolution from the root down
//! ([`iterate::step`]: what one answer means); [`frontend`], UDP and TCP
//! with access control and Extended DNS Errors; [`config`].

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
