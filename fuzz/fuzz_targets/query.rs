//! authdns answering an arbitrary message against a fixed snapshot: an
//! unsigned zone and the demo's signed root and example.internal. (NSEC),
//! over UDP or TCP as the first octet says.
#![no_main]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, LazyLock};

use authdns::answer::{AnswerConfig, Request, Transport, answer};
use authdns::chaos::Chaos;
use authdns::cookies::CookieSecret;
use libfuzzer_sys::fuzz_target;
use zone_loader::{Name, Snapshot, zone_from_str};

static SNAPSHOT: LazyLock<Snapshot> = LazyLock::new(|| {
    let zone = |text: &str, origin: &str| {
        let origin = Name::from_text(origin.as_bytes(), &Name::root()).expect("valid origin");
        Arc::new(zone_from_str(text, &origin, "fuzz.zone").expect("example zone loads").0)
    };
    Snapshot::new([
        zone(include_str!("../../examples/zones/example.net.zone"), "example.net."),
        zone(include_str!("../../examples/zones/root.zone"), "."),
        zone(include_str!("../../examples/zones/example.internal.zone"), "example.internal."),
    ])
});

static CONFIG: LazyLock<AnswerConfig> = LazyLock::new(|| AnswerConfig {
    edns_udp_size: 1232,
    nsid: Some(b"fuzz".to_vec()),
    chaos: Chaos { identity: Some("fuzz".into()), version: None },
    cookie_secret: CookieSecret::random(),
    expire: Default::default(),
});

fuzz_target!(|data: &[u8]| {
    let Some((&first, msg)) = data.split_first() else {
        return;
    };
    let transport = if first & 1 == 0 { Transport::Udp } else { Transport::Tcp };
    let request = Request { msg, transport, client: IpAddr::V4(Ipv4Addr::LOCALHOST), now: 0 };
    let _ = answer(&SNAPSHOT, &CONFIG, &request, &mut Vec::new());
});
