//! authdns serving the example zones, queried like a user would.

use std::net::{IpAddr, SocketAddr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::RecordType;
use tests::client::{self, closed_within, lines, query};
use tests::spawn::{self, authdns, loopback, workspace};

#[test]
fn answers_over_udp_and_tcp_alike() {
    let server = authdns(
        loopback(11),
        &workspace().join("examples/zones"),
        "",
        "example.com.",
    );
    let q = query("www.example.com.", RecordType::A, true);
    let over_udp = client::udp(server.addr, &q).unwrap();
    let over_tcp = client::tcp(server.addr, &q).unwrap();
    let expected = [
        "web.example.com. 3600 a 192.0.2.80",
        "web.example.com. 3600 a 192.0.2.81",
        "www.example.com. 3600 cname web.example.com.",
    ];
    assert_eq!(lines(&over_udp.answers), expected);
    assert_eq!(lines(&over_tcp.answers), expected);
    assert!(over_udp.metadata.authoritative && over_tcp.metadata.authoritative);

    let generated = client::udp(
        server.addr,
        &query("host7.example.com.", RecordType::A, false),
    )
    .unwrap();
    assert_eq!(
        lines(&generated.answers),
        ["host7.example.com. 3600 a 192.0.2.107"]
    );
    let reverse = client::udp(
        server.addr,
        &query("107.2.0.192.in-addr.arpa.", RecordType::PTR, false),
    )
    .unwrap();
    assert_eq!(
        lines(&reverse.answers),
        ["107.2.0.192.in-addr.arpa. 86400 ptr host7.example.com."]
    );
    // examples/zones holds a local root (for the demo pair): a name in no
    // other zone gets the root's NXDOMAIN.
    let outside = client::udp(server.addr, &query("example.org.", RecordType::A, false)).unwrap();
    assert_eq!(outside.metadata.response_code, ResponseCode::NXDomain);
    assert!(outside.metadata.authoritative);
    assert_eq!(outside.authorities[0].name.to_string(), ".");
    assert!(server.stop(), "SIGTERM gives a clean exit");
}

#[test]
fn rfc7766_several_queries_per_tcp_connection() {
    let server = authdns(
        loopback(12),
        &workspace().join("examples/zones"),
        "",
        "example.com.",
    );
    let queries = [
        query("example.com.", RecordType::SOA, false),
        query("nope.example.com.", RecordType::A, false),
        query("mail.example.com.", RecordType::AAAA, false),
    ];
    let answers = client::tcp_many(server.addr, &queries).unwrap();
    assert_eq!(answers.len(), 3);
    for (q, a) in queries.iter().zip(&answers) {
        assert_eq!(q.metadata.id, a.metadata.id);
    }
    assert_eq!(answers[1].metadata.response_code, ResponseCode::NXDomain);
    assert_eq!(
        lines(&answers[2].answers),
        ["mail.example.com. 3600 aaaa 2001:db8::25"]
    );
}

#[test]
fn tcp_idle_timeout_and_connection_limit() {
    let config = "[tcp]\nidle-timeout = 1\nmax-connections = 2\n";
    let server = authdns(
        loopback(13),
        &workspace().join("examples/zones"),
        config,
        "example.com.",
    );
    let started = Instant::now();
    let mut idle = TcpStream::connect(server.addr).unwrap();
    let _second = TcpStream::connect(server.addr).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let mut third = TcpStream::connect(server.addr).unwrap();
    assert!(
        closed_within(&mut third, Duration::from_millis(900)),
        "the third connection is over the limit"
    );
    assert!(
        closed_within(&mut idle, Duration::from_secs(3)),
        "an idle connection is closed"
    );
    assert!(started.elapsed() >= Duration::from_millis(900));
    std::thread::sleep(Duration::from_millis(1200));
    // The slots are free again.
    let answer = client::tcp(server.addr, &query("example.com.", RecordType::NS, false)).unwrap();
    assert_eq!(answer.answers.len(), 2);
}

#[test]
fn tcp_connections_are_bounded_per_client() {
    let config = "[tcp]\nmax-connections = 5\nmax-connections-per-client = 2\n";
    let server = authdns(
        loopback(19),
        &workspace().join("examples/zones"),
        config,
        "example.com.",
    );
    let hog: IpAddr = "127.19.0.1".parse().unwrap();
    let held: Vec<TcpStream> = (0..2)
        .map(|_| client::tcp_connect_from(hog, server.addr).unwrap())
        .collect();
    let mut third = client::tcp_connect_from(hog, server.addr).unwrap();
    assert!(
        closed_within(&mut third, Duration::from_secs(1)),
        "the client's third connection is over its limit"
    );
    // Another client still gets in, and the held ones still work.
    let q = query("example.com.", RecordType::NS, false);
    let ns_records = |stream: &mut TcpStream| {
        client::exchange_on(stream, std::slice::from_ref(&q)).unwrap()[0]
            .answers
            .len()
    };
    let other: IpAddr = "127.19.0.2".parse().unwrap();
    assert_eq!(
        ns_records(&mut client::tcp_connect_from(other, server.addr).unwrap()),
        2
    );
    for mut stream in held {
        assert_eq!(ns_records(&mut stream), 2);
    }
    std::thread::sleep(Duration::from_millis(200));
    let mut again = client::tcp_connect_from(hog, server.addr).unwrap();
    assert_eq!(
        ns_records(&mut again),
        2,
        "closed connections give their slots back"
    );
}

#[test]
fn nsid_and_chaos_identity() {
    let config = "nsid = \"ns-e2e\"\nidentity = \"ns-e2e.example\"\n";
    let server = authdns(
        loopback(14),
        &workspace().join("examples/zones"),
        config,
        "example.com.",
    );
    let mut q = query("id.server.", RecordType::TXT, false);
    q.queries[0].set_query_class(hickory_proto::rr::DNSClass::CH);
    let answer = client::udp(server.addr, &q).unwrap();
    assert_eq!(answer.answers.len(), 1);
    let mut q = query("version.bind.", RecordType::TXT, false);
    q.queries[0].set_query_class(hickory_proto::rr::DNSClass::CH);
    assert_eq!(
        client::udp(server.addr, &q).unwrap().metadata.response_code,
        ResponseCode::Refused
    );
    let dig = Command::new("dig")
        .args([
            "@127.0.0.14",
            "-p",
            "5300",
            "+nsid",
            "+norec",
            "example.com",
            "SOA",
        ])
        .output();
    if let Ok(out) = dig {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("ns-e2e"), "dig +nsid shows the NSID: {text}");
    }
}

#[test]
fn zone_loader_check_reports_file_and_line() {
    let ok = Command::new(spawn::binary("zone-loader"))
        .args([
            "check",
            &workspace()
                .join("examples/zones/example.com.zone")
                .display()
                .to_string(),
        ])
        .output()
        .unwrap();
    assert!(ok.status.success());
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(text.contains("example.com.: OK"), "{text}");
    assert!(text.contains("1 delegations"), "{text}");

    let dir = spawn::temp_dir("check");
    let bad = dir.join("bad.example.zone");
    std::fs::write(
        &bad,
        "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nx A 1.2.3\ny MX x\n",
    )
    .unwrap();
    let out = Command::new(spawn::binary("zone-loader"))
        .args(["check", &bad.display().to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("bad.example.zone:5:5: error: invalid IPv4 address [rdata]"),
        "{text}"
    );
    assert!(
        text.contains("bad.example.zone:6:6: error: invalid number for preference"),
        "{text}"
    );
    assert!(text.contains("REJECTED by rdata, 2 errors"), "{text}");
}

#[test]
fn listens_on_ipv4_and_ipv6_at_once() {
    let v6: SocketAddr = "[::1]:5315".parse().unwrap();
    let dir = spawn::temp_dir("ipv6");
    let args: Vec<String> = [
        "--listen",
        "127.0.0.15:5300",
        "--listen",
        "[::1]:5315",
        "--zones",
    ]
    .iter()
    .map(ToString::to_string)
    .chain([workspace().join("examples/zones").display().to_string()])
    .collect();
    let server = spawn::Process::start(
        &spawn::binary("authdns"),
        &args,
        loopback(15),
        "example.com.",
        dir.join("log"),
    );
    let over_v6 = client::udp(v6, &query("mail.example.com.", RecordType::A, true)).unwrap();
    assert_eq!(
        lines(&over_v6.answers),
        ["mail.example.com. 3600 a 192.0.2.25"]
    );
    let over_v6_tcp = client::tcp(v6, &query("mail.example.com.", RecordType::A, true)).unwrap();
    assert_eq!(over_v6_tcp.answers.len(), 1);
    assert!(server.stop());
}

#[test]
fn query_log_is_off_by_default_and_names_clients_only_when_asked() {
    let client: SocketAddr = "127.0.0.99:0".parse().unwrap();
    let zones = workspace().join("examples/zones");
    let www = query("www.example.com.", RecordType::A, false);

    let quiet = authdns(loopback(16), &zones, "", "example.com.");
    client::udp_from(client, quiet.addr, &www).unwrap();
    assert!(
        !quiet.log_text().contains("www.example.com. A IN"),
        "no query log by default"
    );

    let logged = authdns(loopback(17), &zones, "query-log = true\n", "example.com.");
    client::udp_from(client, logged.addr, &www).unwrap();
    client::tcp(
        logged.addr,
        &query("nope.example.com.", RecordType::AAAA, false),
    )
    .unwrap();
    let log = logged.log_text();
    assert!(
        log.contains("www.example.com. A IN udp NOERROR aa 3/0/0"),
        "{log}"
    );
    assert!(
        log.contains("nope.example.com. AAAA IN tcp NXDOMAIN aa 0/1/0"),
        "{log}"
    );
    assert!(
        !log.contains("127.0.0.99"),
        "a client address leaked into the log: {log}"
    );

    let with_clients = authdns(
        loopback(18),
        &zones,
        "query-log = true\nquery-log-clients = true\n",
        "example.com.",
    );
    client::udp_from(client, with_clients.addr, &www).unwrap();
    assert!(
        with_clients
            .log_text()
            .contains("udp NOERROR aa 3/0/0 client 127.0.0.99")
    );
}
