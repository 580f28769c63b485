//! The mini Internet itself, walked by hand from the root the way an
//! iterative resolver will walk it.

use std::time::Duration;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{RData, RecordType};
use tests::client::{self, lines, query};
use tests::world::{UNRESPONSIVE, World};

/// The address of the first glue record in a referral.
fn glue(referral: &Message) -> std::net::IpAddr {
    referral
        .additionals
        .iter()
        .find_map(|r| match &r.data {
            RData::A(a) => Some(std::net::IpAddr::V4(a.0)),
            _ => None,
        })
        .expect("a referral with glue")
}

#[test]
fn the_world_delegates_from_the_root_down() {
    let world = World::start(11);
    let name = "www.example.internal.";
    let root = client::udp(world.addr(101), &query(name, RecordType::A, true)).unwrap();
    assert!(!root.metadata.authoritative);
    assert_eq!(
        lines(&root.authorities),
        ["internal. 86400 ns ns1.nic.internal."]
    );
    assert_eq!(glue(&root), world.addr(102).ip());

    let tld = client::udp(world.addr(102), &query(name, RecordType::A, true)).unwrap();
    assert_eq!(glue(&tld), world.addr(104).ip());
    let answer = client::udp(world.addr(104), &query(name, RecordType::A, true)).unwrap();
    assert!(answer.metadata.authoritative);
    assert_eq!(
        lines(&answer.answers),
        ["www.example.internal. 3600 a 192.0.2.80"]
    );
    assert!(
        world
            .log(104)
            .contains("www.example.internal. A IN udp NOERROR aa 1/0/1")
    );
}

#[test]
fn the_world_has_the_hard_cases() {
    let world = World::start(12);
    // Glueless: the TLD names a server in another TLD and gives no address.
    let glueless = client::udp(
        world.addr(102),
        &query("www.glueless.internal.", RecordType::A, true),
    )
    .unwrap();
    assert_eq!(
        lines(&glueless.authorities),
        ["glueless.internal. 3600 ns ns.hoster.lab."]
    );
    assert!(
        glueless
            .additionals
            .iter()
            .all(|r| r.record_type() == RecordType::OPT)
    );
    let ns = client::udp(
        world.addr(105),
        &query("ns.hoster.lab.", RecordType::A, true),
    )
    .unwrap();
    assert_eq!(
        lines(&ns.answers),
        [format!("ns.hoster.lab. 3600 a {}", world.addr(106).ip())]
    );
    // Lame: the named server refuses the zone.
    let lame = client::udp(
        world.addr(107),
        &query("www.lame.internal.", RecordType::A, true),
    )
    .unwrap();
    assert_eq!(lame.metadata.response_code, ResponseCode::Refused);
    // Unresponsive: nobody answers.
    let dead = world.addr(UNRESPONSIVE);
    let started = std::time::Instant::now();
    assert!(client::udp(dead, &query("www.dead.internal.", RecordType::A, true)).is_err());
    assert!(started.elapsed() >= Duration::from_millis(500));
    // An answer that needs TCP.
    let big = client::udp(
        world.addr(104),
        &query("big.example.internal.", RecordType::TXT, true),
    )
    .unwrap();
    assert!(big.metadata.truncation);
    let big = client::tcp(
        world.addr(104),
        &query("big.example.internal.", RecordType::TXT, true),
    )
    .unwrap();
    assert_eq!(big.answers.len(), 12);
    // The hints file points at this world's root.
    let hints = std::fs::read_to_string(&world.hints).unwrap();
    assert!(hints.contains(&world.addr(101).ip().to_string()));
}
