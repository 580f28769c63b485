//! Hostile messages, each with the outcome it must get, sent to authdns
//! and to the resolver (which share the query parser but not the rest):
//! truncated headers, compression loops and forward pointers, labels
//! over 63 octets, names over 255, wrong counts, OPT in the wrong section
//! or twice, a huge RDLENGTH, and a TCP length prefix that lies. After
//! each, the server still answers a normal query.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::RecordType;
use tests::client::{self, recursive};
use tests::spawn::{
    Process, authdns, loopback, resolver, root_hints, temp_dir, workspace, zone_dir,
};
use tests::world::World;

/// What a hostile message must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// No response at all.
    Drop,
    /// A response with this RCODE.
    Rcode(ResponseCode),
}

/// A header: ID 0x4242, `flags`, and the four counts.
fn header(flags: u16, counts: [u16; 4]) -> Vec<u8> {
    let mut out = vec![0x42, 0x42];
    out.extend_from_slice(&flags.to_be_bytes());
    for count in counts {
        out.extend_from_slice(&count.to_be_bytes());
    }
    out
}

/// A question for `qname` (raw wire bytes) type A class IN.
fn question(qname: &[u8]) -> Vec<u8> {
    let mut out = qname.to_vec();
    out.extend_from_slice(&[0, 1, 0, 1]);
    out
}

/// A well-formed question for `www.example.com.`.
fn www() -> Vec<u8> {
    question(b"\x03www\x07example\x03com\x00")
}

/// An OPT record with `rdlength` announced and `rdata` present.
fn opt(rdlength: u16, rdata: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0];
    out.extend_from_slice(&rdlength.to_be_bytes());
    out.extend_from_slice(rdata);
    out
}

fn cases() -> Vec<(&'static str, Vec<u8>, Outcome)> {
    use Outcome::{Drop, Rcode};
    let formerr = Rcode(ResponseCode::FormErr);
    let q = [1, 0, 0, 0];
    let long_label = {
        let mut name = vec![64];
        name.extend_from_slice(&[b'a'; 64]);
        name.push(0);
        name
    };
    let long_name = {
        let mut name = Vec::new();
        for _ in 0..5 {
            name.push(60);
            name.extend_from_slice(&[b'a'; 60]);
        }
        name.push(0);
        name
    };
    vec![
        ("five octets", header(0x0100, q)[..5].to_vec(), Drop),
        (
            "a response (QR=1)",
            [header(0x8100, q), www()].concat(),
            Drop,
        ),
        ("a header and no question", header(0x0100, q), formerr),
        (
            "two questions",
            [header(0x0100, [2, 0, 0, 0]), www(), www()].concat(),
            formerr,
        ),
        ("no question", header(0x0100, [0, 0, 0, 0]), formerr),
        (
            "a compression pointer to itself",
            [header(0x0100, q), vec![0xc0, 12, 0, 1, 0, 1]].concat(),
            formerr,
        ),
        (
            "a forward compression pointer",
            [header(0x0100, q), vec![0xc0, 20, 0, 1, 0, 1, 0, 0], www()].concat(),
            formerr,
        ),
        (
            "a 64-octet label",
            [header(0x0100, q), question(&long_label)].concat(),
            formerr,
        ),
        (
            "a 306-octet name",
            [header(0x0100, q), question(&long_name)].concat(),
            formerr,
        ),
        (
            "an answer count with nothing behind it",
            [header(0x0100, [1, 1, 0, 0]), www()].concat(),
            formerr,
        ),
        (
            "two OPT records",
            [
                header(0x0100, [1, 0, 0, 2]),
                www(),
                opt(0, &[]),
                opt(0, &[]),
            ]
            .concat(),
            formerr,
        ),
        (
            "OPT in the authority section",
            [header(0x0100, [1, 0, 1, 0]), www(), opt(0, &[])].concat(),
            formerr,
        ),
        (
            "an OPT RDLENGTH past the end",
            [header(0x0100, [1, 0, 0, 1]), www(), opt(65535, &[0, 10])].concat(),
            formerr,
        ),
        (
            "an unknown opcode",
            [header(0x7100, q), www()].concat(),
            Rcode(ResponseCode::NotImp),
        ),
    ]
}

fn rcode(answer: &[u8]) -> ResponseCode {
    Message::from_vec(answer)
        .map(|m| m.metadata.response_code)
        .unwrap_or_else(|_| ResponseCode::from(0, answer[3] & 0x0f))
}

/// Sends every case to `server` and checks its outcome, then that a
/// normal query (`probe`) is still answered over UDP and TCP.
fn hostile_table(label: &str, server: &Process, probe: &str) {
    for (what, bytes, expected) in cases() {
        let got = match client::udp_raw(server.addr, &bytes) {
            Ok(answer) => {
                assert_eq!(
                    &answer[..2],
                    &[0x42, 0x42],
                    "{label} {what}: the ID is echoed"
                );
                Outcome::Rcode(rcode(&answer))
            }
            Err(_) => Outcome::Drop,
        };
        assert_eq!(got, expected, "{label}: {what}");
    }
    // A TCP length prefix that promises more than comes: the connection
    // is dropped in time, and nothing else suffers.
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream.write_all(&[0x01, 0x00, 0x42, 0x42, 0x01]).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let mut buf = [0u8; 16];
    assert!(
        matches!(stream.read(&mut buf), Ok(0) | Err(_)),
        "{label}: the lying connection gets no answer"
    );
    let normal = recursive(probe, RecordType::SOA);
    let udp = client::udp(server.addr, &normal).unwrap();
    let tcp = client::tcp(server.addr, &normal).unwrap();
    for answer in [udp, tcp] {
        assert_eq!(
            answer.metadata.response_code,
            ResponseCode::NoError,
            "{label}"
        );
        assert!(!answer.answers.is_empty(), "{label}: still answering");
    }
}

#[test]
fn authdns_meets_hostile_messages_with_the_right_outcome_and_keeps_serving() {
    let server = authdns(
        loopback(31),
        &workspace().join("examples/zones"),
        "",
        "example.com.",
    );
    hostile_table("authdns", &server, "example.com.");
}

#[test]
fn the_resolver_meets_hostile_messages_with_the_right_outcome_and_keeps_serving() {
    let world = World::start(38);
    let addr: SocketAddr = "127.38.0.1:5301".parse().unwrap();
    let server = resolver(&world.hints, addr, &[], "");
    hostile_table("resolver", &server, "example.internal.");
}

/// A query for www.example.com. A with EDNS and a COOKIE option holding
/// `cookie` (8 octets: client only; 24: client and server).
fn with_cookie(cookie: &[u8]) -> Vec<u8> {
    let mut msg = [header(0x0000, [1, 0, 0, 1]), www()].concat();
    let mut option = vec![0, 10];
    option.extend_from_slice(&(cookie.len() as u16).to_be_bytes());
    option.extend_from_slice(cookie);
    msg.extend_from_slice(&opt(option.len() as u16, &option));
    msg
}

/// The COOKIE option's data in a response.
fn cookie_of(answer: &[u8]) -> Vec<u8> {
    let at = answer
        .windows(4)
        .rposition(|w| w == [0, 10, 0, 24])
        .expect("a server cookie in the response");
    answer[at + 4..at + 28].to_vec()
}

#[test]
fn response_rate_limiting_slips_and_drops_but_lets_cookies_through() {
    let server = authdns(
        loopback(32),
        &workspace().join("examples/zones"),
        "rate-limit = 5\nrate-limit-slip = 2\n",
        "example.com.",
    );
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let query = [header(0x0000, [1, 0, 0, 0]), www()].concat();
    // A burst of 20, then whatever comes back.
    for _ in 0..20 {
        socket.send_to(&query, server.addr).unwrap();
    }
    let (mut full, mut truncated) = (0, 0);
    let mut buf = [0u8; 1500];
    while let Ok(len) = socket.recv(&mut buf) {
        if buf[2] & 0x02 != 0 {
            assert_eq!(&buf[6..12], &[0; 6], "a slipped answer has no records");
            assert!(len < 50);
            truncated += 1;
        } else {
            full += 1;
        }
    }
    let dropped = 20 - full - truncated;
    // 5 answered (10 if the burst straddles a second), then half of the
    // rest slipped and half dropped.
    assert!((5..=10).contains(&full), "{full} full answers");
    assert!(
        truncated >= 4 && dropped >= 4,
        "{truncated} slipped, {dropped} dropped"
    );

    // A client that returns our server cookie is not limited (the
    // handshake itself waits for the next second's allowance).
    std::thread::sleep(Duration::from_millis(1100));
    let first = client::udp_raw(server.addr, &with_cookie(&[7; 8])).unwrap();
    let cookie = cookie_of(&first);
    for _ in 0..20 {
        socket.send_to(&with_cookie(&cookie), server.addr).unwrap();
    }
    let mut answered = 0;
    while socket.recv(&mut buf).is_ok() {
        answered += usize::from(buf[2] & 0x02 == 0 && buf[7] > 0);
    }
    assert_eq!(answered, 20, "every query with a valid cookie is answered");
    // TCP is never limited.
    let tcp = client::tcp(
        server.addr,
        &client::query("www.example.com.", RecordType::A, false),
    )
    .unwrap();
    assert!(!tcp.answers.is_empty());
}

#[test]
fn a_client_network_over_its_resolution_rate_is_cut_but_cache_hits_still_answer() {
    let world = World::start(39);
    let addr: SocketAddr = "127.39.0.1:5301".parse().unwrap();
    let _server = resolver(&world.hints, addr, &[], "client-rate-limit = 5\n");
    let cached = recursive("www.example.internal.", RecordType::A);
    assert!(!client::udp(addr, &cached).unwrap().answers.is_empty());
    std::thread::sleep(Duration::from_millis(1100));
    // A burst of names never seen (a random-subdomain flood, in small).
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(1500)))
        .unwrap();
    for i in 0..20 {
        let q = recursive(&format!("r{i}.wild.example.internal."), RecordType::A);
        socket.send_to(&q.to_vec().unwrap(), addr).unwrap();
    }
    let mut answered = 0;
    let mut buf = [0u8; 1500];
    while socket.recv(&mut buf).is_ok() {
        answered += 1;
    }
    assert!((5..=10).contains(&answered), "{answered} of 20 resolved");
    // Cache hits are never limited.
    for _ in 0..20 {
        assert!(!client::udp(addr, &cached).unwrap().answers.is_empty());
    }
}

#[test]
fn a_flood_to_one_silent_zone_leaves_room_for_other_zones() {
    // slow. is served by a socket that never answers; fast. by authdns.
    let dir = temp_dir("hostile-zone-flood");
    let root = zone_dir(
        &dir,
        "root",
        "$TTL 3600\n@ SOA a.root. hostmaster 1 3600 600 86400 60\n@ NS a.root.\n\
         a.root. A 127.50.0.1\nslow. NS ns.slow.\nns.slow. A 127.50.0.2\n\
         fast. NS ns.fast.\nns.fast. A 127.50.0.3\n",
    );
    let fast = zone_dir(
        &dir,
        "fast",
        "$TTL 60\n@ SOA ns hostmaster 1 3600 600 86400 60\n@ NS ns\nns A 127.50.0.3\n* A 192.0.2.3\n",
    );
    let _silent = std::net::UdpSocket::bind("127.50.0.2:53").unwrap();
    // The resolver is one client to them: no response rate limiting.
    let _root = authdns(
        "127.50.0.1:53".parse().unwrap(),
        &root,
        "rate-limit = 0\n",
        ".",
    );
    let _fast = authdns(
        "127.50.0.3:53".parse().unwrap(),
        &fast,
        "rate-limit = 0\n",
        "fast.",
    );
    let hints = root_hints(&dir, Ipv4Addr::new(127, 50, 0, 1));
    let addr: SocketAddr = "127.50.1.1:5301".parse().unwrap();
    let _server = resolver(
        &hints,
        addr,
        &[],
        "max-resolutions = 64\nmax-queries-per-zone = 8\n",
    );

    // Random names under slow. for 3 s, 2,000 a second: every one needs
    // resolution, and each would hold a slot for 1.5 s.
    let flood = std::thread::spawn(move || {
        let socket = std::net::UdpSocket::bind("127.50.1.100:0").unwrap();
        let started = std::time::Instant::now();
        let mut sent = 0;
        while started.elapsed() < Duration::from_secs(3) {
            let q = recursive(&format!("r{sent}.slow."), RecordType::A);
            socket.send_to(&q.to_vec().unwrap(), addr).unwrap();
            sent += 1;
            std::thread::sleep(Duration::from_micros(500));
        }
        sent
    });
    std::thread::sleep(Duration::from_millis(500));
    for i in 0..10 {
        let answer = client::udp(addr, &recursive(&format!("n{i}.fast."), RecordType::A))
            .unwrap_or_else(|e| panic!("n{i}.fast.: {e}"));
        assert_eq!(
            answer.metadata.response_code,
            ResponseCode::NoError,
            "n{i}.fast. during the flood"
        );
        assert_eq!(answer.answers.len(), 1);
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(flood.join().unwrap() > 1000, "the flood ran");
}
