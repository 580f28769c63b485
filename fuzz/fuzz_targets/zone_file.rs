//! The zone-file parser, checks and index build on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zone_loader::{Name, zone_from_bytes};

fuzz_target!(|data: &[u8]| {
    let _ = zone_from_bytes(data, &Name::root(), "fuzz.zone");
});
