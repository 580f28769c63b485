//! End-to-end tests: the real binaries on 127.0.0.x, queried over UDP and
//! TCP. One binary, one module per capability. Tests marked `#[ignore]`
//! need the Debian peers (Knot DNS, NSD, Unbound) and run in `.ci/run` with
//! `-- --ignored`.

mod authoritative;
mod connections;
mod consensus;
mod differential;
mod doh;
mod dot;
mod faults;
mod hostile;
mod memory;
mod pair;
mod peer_corpus;
mod privacy;
mod rdata_types;
mod readme;
mod recursion;
mod reload;
mod secondary;
mod signed;
mod transfer;
mod unbound;
mod upstream;
mod validation;
mod world;
