//! The DoH request decoder (a GET's query string, a JSON API question),
//! the JSON writer and the response walker on arbitrary input, and the
//! DoT/TCP length framing over an arbitrary byte stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resolver::frontend::{doh, json, message, stream};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = doh::decode_get(text);
    }
    let _ = json::response(data);
    let _ = message::records(data);
    let _ = message::min_ttl(data);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mut reader = data;
        // Each message takes at least its two-octet length: bounded.
        while stream::read_message(&mut reader).await.is_some() {}
    });
});
