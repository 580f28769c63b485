//! The journal file reader on arbitrary bodies, sealed with a valid
//! checksum so that the parser past it is reached.
#![no_main]

use authdns::journal::file::{decode, seal};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| drop(decode(&seal(data), b"\x07example\x00")));
