//! The TSIG verifier on arbitrary messages, against the key of the
//! kdig-signed seed (hmac-sha256, xfr.example.) and a second key.
#![no_main]

use std::sync::{Arc, LazyLock};

use authdns::tsig::{Algorithm, Key, KeyRing, verify};
use libfuzzer_sys::fuzz_target;
use zone_loader::Name;

static KEYS: LazyLock<KeyRing> = LazyLock::new(|| {
    let key = |name: &str, algorithm| {
        let name = Name::from_text(name.as_bytes(), &Name::root()).expect("valid key name");
        Arc::new(Key::new(
            &name,
            algorithm,
            b"secret-secret-secret-secret-1234".to_vec(),
        ))
    };
    KeyRing::new(vec![
        key("xfr.example.", Algorithm::HmacSha256),
        key("k224.example.", Algorithm::HmacSha224),
    ])
});

fuzz_target!(|data: &[u8]| drop(verify(&KEYS, data, 0x6b11_4477)));
