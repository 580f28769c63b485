//! A privacy-preserving recursive resolver (issue 3, in progress).
//!
//! ```text
//! client ─► frontend (udp, tcp, dot, doh) ─► resolve: local zones | cache | iterate
//!        ─► upstream ─► validate ─► cache ─► response
//! ```
//!
//! Built so far: [`cache`], the one cache every frontend shares, and
//! [`hints`], where iteration starts.

pub mod cache;
pub mod hints;
