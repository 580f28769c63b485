//! The transfer reader on arbitrary TCP streams answering an AXFR or an
//! IXFR for sec.test. (seeds: Knot DNS captures), full answers built
//! with zone-loader's checks.
#![no_main]

use std::sync::LazyLock;

use authdns::secondary::xfr_reader::read_stream;
use libfuzzer_sys::fuzz_target;
use zone_loader::Name;

static ORIGIN: LazyLock<Name> =
    LazyLock::new(|| Name::from_text(b"sec.test.", &Name::root()).expect("a valid name"));

fuzz_target!(|data: &[u8]| drop(read_stream(&ORIGIN, data)));
