//! The privacy promise, checked: with logging at debug, no client address
//! (over UDP, DoT or DoH) and no DoH request header appears in the
//! resolver's log; EDNS Client Subnet from a client is neither echoed nor
//! sent upstream, and no upstream query carries it.

use std::net::{Ipv4Addr, SocketAddr};

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::RecordType;
use tests::client::{self, query};
use tests::fake::{FakeServer, a_record};
use tests::spawn::{Process, binary, root_hints, temp_dir};
use tests::tools::{curl, kdig};

/// EDNS option code of Client Subnet (RFC 7871).
const OPTION_ECS: u16 = 8;

/// A recursive query for `name` A with EDNS and a Client Subnet option
/// (198.51.100.0/24), as raw bytes.
fn query_with_ecs(name: &str) -> Vec<u8> {
    let mut q = query(name, RecordType::A, false);
    q.metadata.recursion_desired = true;
    let mut bytes = q.to_vec().unwrap();
    bytes[11] = 1; // ARCOUNT: the OPT record below
    bytes.extend_from_slice(&[0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 11]);
    bytes.extend_from_slice(&OPTION_ECS.to_be_bytes());
    bytes.extend_from_slice(&[0, 7, 0, 1, 24, 0, 198, 51, 100]);
    bytes
}

/// Whether a message's OPT record carries option `code`.
fn has_option(msg: &[u8], code: u16) -> bool {
    Message::from_vec(msg)
        .ok()
        .and_then(|m| m.edns)
        .is_some_and(|edns| {
            edns.options()
                .as_ref()
                .iter()
                .any(|(c, _)| u16::from(*c) == code)
        })
}

#[test]
fn no_client_address_in_debug_logs_and_no_client_subnet_anywhere() {
    // A root that answers every A question itself, and keeps the queries.
    let root = FakeServer::start("127.28.0.10:0", |question| {
        if question.query_type() == RecordType::A {
            (ResponseCode::NoError, vec![a_record(question)])
        } else {
            (ResponseCode::NoError, Vec::new())
        }
    });
    let dir = temp_dir("privacy-28");
    let hints = root_hints(&dir, Ipv4Addr::new(127, 28, 0, 10));
    std::fs::write(
        dir.join("resolver.toml"),
        format!(
            "log-level = \"debug\"\ndnssec-validation = false\nallow = [\"127.28.0.77/32\", \"127.0.0.1/32\"]\nupstream-port = {}\n\
             root-hints = \"{}\"\n",
            root.addr.port(),
            hints.display()
        ),
    )
    .unwrap();
    let addr: SocketAddr = "127.28.0.1:5301".parse().unwrap();
    let args: Vec<String> = [
        "--listen",
        &addr.to_string(),
        "--config",
        &dir.join("resolver.toml").display().to_string(),
        "--dot",
        "127.28.0.1:8853",
        "--doh",
        "127.28.0.1:8443",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let server = Process::start(&binary("resolver"), &args, addr, ".", dir.join("log"));

    let client: SocketAddr = "127.28.0.77:0".parse().unwrap();
    for name in ["www.private.", "mail.private.", "www.private."] {
        let answer = client::udp_raw_from(client, addr, &query_with_ecs(name)).unwrap();
        let decoded = Message::from_vec(&answer).unwrap();
        assert_eq!(
            decoded.metadata.response_code,
            ResponseCode::NoError,
            "{name}"
        );
        assert_eq!(decoded.answers.len(), 1, "{name}");
        assert!(!has_option(&answer, OPTION_ECS), "ECS is not echoed");
    }
    // DoT and DoH from the same client, with a Client Subnet option and,
    // over HTTPS, identifying headers.
    let dot = kdig(&[
        "-b",
        "127.28.0.77",
        "@127.28.0.1",
        "-p",
        "8853",
        "+tls",
        "+subnet=198.51.100.0/24",
        "www.dot.private",
    ]);
    let dot = String::from_utf8_lossy(&dot.stdout);
    assert!(dot.contains("status: NOERROR"), "{dot}");
    assert!(
        !dot.contains("CLIENT-SUBNET"),
        "ECS is not echoed over DoT: {dot}"
    );
    let body = dir.join("query");
    std::fs::write(&body, query_with_ecs("www.doh.private.")).unwrap();
    let doh = curl(&[
        "--insecure",
        "--interface",
        "127.28.0.77",
        "-H",
        "content-type: application/dns-message",
        "-H",
        "user-agent: secret-agent/1.0",
        "-H",
        "cookie: session=hunter2",
        "-H",
        "x-forwarded-for: 203.0.113.9",
        "--data-binary",
        &format!("@{}", body.display()),
        "https://127.28.0.1:8443/dns-query",
    ]);
    let decoded = Message::from_vec(&doh.stdout).expect("a DNS answer over DoH");
    assert_eq!(decoded.answers.len(), 1);
    assert!(
        !has_option(&doh.stdout, OPTION_ECS),
        "ECS is not echoed over DoH"
    );

    let outsider: SocketAddr = "127.28.0.99:0".parse().unwrap();
    let refused = client::udp_raw_from(outsider, addr, &query_with_ecs("www.private.")).unwrap();
    assert_eq!(
        Message::from_vec(&refused).unwrap().metadata.response_code,
        ResponseCode::Refused
    );

    let upstream = root.queries();
    assert!(upstream.len() >= 4, "the resolver asked the root");
    assert!(
        upstream.iter().all(|q| !has_option(q, OPTION_ECS)),
        "no upstream query carries Client Subnet"
    );
    let log = server.log_text();
    assert!(log.contains("DEBUG"), "the log really is at debug level");
    for identifying in [
        "127.28.0.77",
        "127.28.0.99",
        "198.51.100",
        "secret-agent",
        "hunter2",
        "203.0.113.9",
    ] {
        assert!(
            !log.contains(identifying),
            "{identifying} appears in the log:\n{log}"
        );
    }
}
