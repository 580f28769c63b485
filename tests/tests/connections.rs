//! Stream connection bounds in the resolver: one count per client over
//! TCP, DoT and DoH together, so that a client holding connections open
//! (a slowloris) cannot take the slots of others; handshakes that never
//! come are cut off, which gives the slots back.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_proto::rr::RecordType;
use tests::client::{self, closed_within, recursive, tcp_connect_from};
use tests::spawn::resolver;
use tests::tools::{curl_text, kdig, logged_pin};
use tests::world::World;

/// `www.example.internal A` over DoT from `source`, as kdig prints it.
fn dot_answer(source: &str, pin: &str) -> String {
    let out = kdig(&[
        "-b",
        source,
        "@127.43.0.1",
        "-p",
        "8853",
        &format!("+tls-pin={pin}"),
        "+short",
        "+timeout=2",
        "+retry=0",
        "www.example.internal",
        "A",
    ]);
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The same over DoH (the JSON API) from `source`.
fn doh_answer(source: &str) -> String {
    curl_text(&[
        "-k",
        "--interface",
        source,
        "https://127.43.0.1:8443/dns-query?name=www.example.internal&type=A",
    ])
}

#[test]
fn one_client_cannot_hold_every_connection() {
    let world = World::start(43);
    let addr: SocketAddr = "127.43.0.1:5301".parse().unwrap();
    let dot: SocketAddr = "127.43.0.1:8853".parse().unwrap();
    let doh: SocketAddr = "127.43.0.1:8443".parse().unwrap();
    let server = resolver(
        &world.hints,
        addr,
        &["--dot", "127.43.0.1:8853", "--doh", "127.43.0.1:8443"],
        "max-connections-per-client = 3\n",
    );
    let pin = logged_pin(&server.log_text());

    // The hog opens one connection to each listener and says nothing.
    let hog: IpAddr = "127.43.1.1".parse().unwrap();
    let opened = Instant::now();
    let held_tcp = tcp_connect_from(hog, addr).unwrap();
    let mut held_dot = tcp_connect_from(hog, dot).unwrap();
    let mut held_doh = tcp_connect_from(hog, doh).unwrap();
    // Each listener accepts on its own task: let all three count first.
    std::thread::sleep(Duration::from_millis(200));
    for listener in [addr, dot, doh] {
        let mut fourth = tcp_connect_from(hog, listener).unwrap();
        assert!(
            closed_within(&mut fourth, Duration::from_secs(1)),
            "the hog's fourth connection ({listener}) is over its limit"
        );
    }

    // Everyone else is still served on every transport.
    let other = "127.43.1.2";
    let mut tcp = tcp_connect_from(other.parse().unwrap(), addr).unwrap();
    let answer = client::exchange_on(
        &mut tcp,
        &[recursive("www.example.internal.", RecordType::A)],
    )
    .unwrap();
    assert_eq!(answer[0].answers.len(), 1);
    assert_eq!(dot_answer(other, &pin), "192.0.2.80");
    assert!(
        doh_answer(other).contains("192.0.2.80"),
        "DoH from another client"
    );
    assert_eq!(
        dot_answer("127.43.1.1", &pin),
        "",
        "the hog is at its limit"
    );

    // TLS handshakes that never come are cut off after 5 s; the slots come
    // back. Plain TCP waits for its idle timeout (10 s), not needed here.
    assert!(closed_within(&mut held_dot, Duration::from_secs(7)));
    assert!(closed_within(&mut held_doh, Duration::from_secs(2)));
    let waited = opened.elapsed();
    assert!(waited >= Duration::from_secs(4), "{waited:?}");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(dot_answer("127.43.1.1", &pin), "192.0.2.80");
    assert!(doh_answer("127.43.1.1").contains("192.0.2.80"));
    drop(held_tcp);
}
