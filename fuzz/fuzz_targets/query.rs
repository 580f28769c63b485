//! authdns answering an arbitrary message against a fixed snapshot.
#![no_main]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, LazyLock};

use authdns::answer::{AnswerConfig, Request, Transport, answer};
use authdns::chaos::Chaos;
use authdns::cookies::CookieSecret;
use libfuzzer_sys::fuzz_target;
use zone_loader::{Name, Snapshot, zone_from_str};

static SNAPSHOT: LazyLock<Snapshot> = LazyLock::new(|| {
    let text = include_str!("../../examples/zones/example.net.zone");
    let origin = Name::from_text(b"example.net.", &Name::root()).expect("valid origin");
    Snapshot::new([Arc::new(zone_from_str(text, &origin, "example.net.zone").expect("example zone loads").0)])
});

static CONFIG: LazyLock<AnswerConfig> = LazyLock::new(|| AnswerConfig {
    edns_udp_size: 1232,
    nsid: Some(b"fuzz".to_vec()),
    chaos: Chaos { identity: Some("fuzz".into()), version: None },
    cookie_secret: CookieSecret::random(),
});

fuzz_target!(|data: &[u8]| {
    let request = Request { msg: data, transport: Transport::Udp, client: IpAddr::V4(Ipv4Addr::LOCALHOST), now: 0 };
    let _ = answer(&SNAPSHOT, &CONFIG, &request, &mut Vec::new());
});
