//! The TOML configuration loaders of authdns and the resolver on
//! arbitrary text: parse, then validate.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(raw) = authdns::config::RawConfig::from_toml(text) {
        let _ = raw.validate();
    }
    if let Ok(raw) = toml::from_str::<resolver::config::RawConfig>(text) {
        let _ = raw.validate();
    }
});
