//! DNS-over-TLS (RFC 7858) and the stream frontends: kdig with a
//! generated certificate and its pin, hickory-resolver (our own
//! forwarder) over DoT and DoH with PEM files, answers out of order on one connection, and
//! the cache shared with UDP.

use std::net::SocketAddr;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::RecordType;
use tests::client::{self, lines, query, recursive};
use tests::spawn::{resolver, temp_dir};
use tests::tools::{kdig, logged_pin};
use tests::world::World;

#[test]
fn kdig_resolves_over_dot_with_the_generated_certificate_and_its_pin() {
    let world = World::start(24);
    let addr: SocketAddr = "127.24.0.1:5301".parse().unwrap();
    let server = resolver(&world.hints, addr, &["--dot", "127.24.0.1:8853"], "");
    let pin = logged_pin(&server.log_text());

    let out = kdig(&[
        "@127.24.0.1",
        "-p",
        "8853",
        &format!("+tls-pin={pin}"),
        "+short",
        "www.example.internal",
        "A",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "192.0.2.80");
    // The cache is shared: the name asked over DoT is now a UDP cache hit (RD=0).
    let cached = client::udp(addr, &query("www.example.internal.", RecordType::A, true)).unwrap();
    assert_eq!(lines(&cached.answers).len(), 1);

    // RFC 8467: a padded query gets a response padded to 468-octet blocks.
    let padded = kdig(&[
        "@127.24.0.1",
        "-p",
        "8853",
        &format!("+tls-pin={pin}"),
        "+padding",
        "www.example.internal",
        "A",
    ]);
    let text = String::from_utf8_lossy(&padded.stdout);
    assert!(text.contains(";; Received 468 B"), "{text}");
    assert!(text.contains("PADDING"), "{text}");
    let plain = kdig(&[
        "@127.24.0.1",
        "-p",
        "8853",
        &format!("+tls-pin={pin}"),
        "+nopadding",
        "www.example.internal",
        "A",
    ]);
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(
        !text.contains(";; Received 468 B"),
        "unpadded query, unpadded answer: {text}"
    );

    let wrong = kdig(&[
        "@127.24.0.1",
        "-p",
        "8853",
        "+tls-pin=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "+short",
        "www.example.internal",
    ]);
    assert!(
        String::from_utf8_lossy(&wrong.stdout).trim().is_empty(),
        "a wrong pin gets nothing"
    );
}

#[test]
fn hickory_resolver_forwards_to_our_dot_and_doh_with_pem_certificates() {
    let world = World::start(25);
    let dir = temp_dir("encrypted-pem-25");
    let (ca, tls) = tests::certs::server_flags(&dir, "resolver.test");
    let upstream: SocketAddr = "127.25.0.1:5301".parse().unwrap();
    let mut flags = vec!["--dot", "127.25.0.1:8853", "--doh", "127.25.0.1:8443"];
    flags.extend(tls.iter().map(String::as_str));
    let _upstream = resolver(&world.hints, upstream, &flags, "");
    for (last, protocol, port) in [(2, "tls", 8853), (3, "https", 8443)] {
        let config = format!(
            "[[forward]]\nzone = \".\"\nservers = [\"127.25.0.1:{port}\"]\nprotocol = \"{protocol}\"\n\
             tls-name = \"resolver.test\"\ntls-ca = \"{}\"\n",
            ca.display()
        );
        let addr: SocketAddr = format!("127.25.0.{last}:5301").parse().unwrap();
        let _forwarder = resolver(&world.hints, addr, &[], &config);
        let answer =
            client::udp(addr, &recursive("chain.example.internal.", RecordType::A)).unwrap();
        assert_eq!(
            answer.metadata.response_code,
            ResponseCode::NoError,
            "{protocol}"
        );
        assert_eq!(
            lines(&answer.answers),
            [
                "alias.example.internal. 3600 cname www.hoster.lab.",
                "chain.example.internal. 3600 cname alias.example.internal.",
                "www.hoster.lab. 3600 a 198.51.100.80",
            ],
            "{protocol}"
        );
    }
}

#[test]
fn a_slow_answer_does_not_hold_up_a_cached_one_on_the_same_connection() {
    let world = World::start(26);
    // A forwarder that never answers: its zone takes the forward timeout.
    let silent = std::net::UdpSocket::bind("127.26.0.50:5353").unwrap();
    let config = "[[forward]]\nzone = \"slow.lab.\"\nservers = [\"127.26.0.50:5353\"]\n";
    let addr: SocketAddr = "127.26.0.1:5301".parse().unwrap();
    let _server = resolver(&world.hints, addr, &[], config);
    client::udp(addr, &recursive("www.example.internal.", RecordType::A)).unwrap();

    let slow = recursive("www.slow.lab.", RecordType::A);
    let cached = recursive("www.example.internal.", RecordType::A);
    let wait = std::time::Duration::from_secs(10);
    let answers = client::tcp_many_within(addr, &[slow.clone(), cached.clone()], wait).unwrap();
    assert_eq!(
        answers[0].metadata.id, cached.metadata.id,
        "the cached answer came first"
    );
    assert_eq!(answers[1].metadata.id, slow.metadata.id);
    assert_eq!(answers[1].metadata.response_code, ResponseCode::ServFail);
    drop(silent);
}

#[test]
fn sighup_reloads_the_certificate_and_a_bad_one_keeps_the_old() {
    let world = World::start(27);
    let base = temp_dir("dot-reload-27");
    let (first, second, live) = (base.join("first"), base.join("second"), base.join("live"));
    for dir in [&first, &second, &live] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let [ca1, cert1, key1] = tests::certs::signed(&first, "dot.test");
    let [ca2, cert2, key2] = tests::certs::signed(&second, "dot.test");
    let (cert, key) = (live.join("cert.pem"), live.join("key.pem"));
    std::fs::copy(&cert1, &cert).unwrap();
    std::fs::copy(&key1, &key).unwrap();
    let addr: SocketAddr = "127.27.0.1:5301".parse().unwrap();
    let (cert_arg, key_arg) = (cert.display().to_string(), key.display().to_string());
    let server = resolver(
        &world.hints,
        addr,
        &[
            "--dot",
            "127.27.0.1:8853",
            "--tls-cert",
            &cert_arg,
            "--tls-key",
            &key_arg,
        ],
        "",
    );
    let trusted_by = |ca: &std::path::Path| {
        let out = kdig(&[
            "@127.27.0.1",
            "-p",
            "8853",
            &format!("+tls-ca={}", ca.display()),
            "+tls-hostname=dot.test",
            "+short",
            "www.example.internal",
        ]);
        String::from_utf8_lossy(&out.stdout).trim() == "192.0.2.80"
    };
    assert!(trusted_by(&ca1) && !trusted_by(&ca2));

    std::fs::copy(&cert2, &cert).unwrap();
    std::fs::copy(&key2, &key).unwrap();
    server.signal("HUP");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !trusted_by(&ca2) {
        assert!(
            std::time::Instant::now() < deadline,
            "the new certificate is served after SIGHUP"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(!trusted_by(&ca1));

    std::fs::write(&cert, "not a certificate\n").unwrap();
    server.signal("HUP");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        trusted_by(&ca2),
        "a broken file keeps the certificate in use"
    );
    assert!(server.log_text().contains("keeping the TLS certificate"));
}
