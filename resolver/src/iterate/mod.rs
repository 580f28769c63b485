//! Iterative resolution (RFC 1034 5.3.3): from the closest known
//! delegation down, one server at a time.
//!
//! Built so far: [`step`], the meaning of one server's answer.

pub mod step;
