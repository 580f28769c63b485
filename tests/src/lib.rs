//! The harness of the end-to-end tests: it runs the real binaries (and the
//! peers Knot DNS, NSD and Unbound) on their own 127.0.0.x addresses and queries
//! them over UDP and TCP the way users do.

pub mod certs;
pub mod client;
pub mod fake;
pub mod peers;
pub mod signed_world;
pub mod spawn;
pub mod tools;
pub mod world;
