//! DNS-over-HTTPS (RFC 8484) and the JSON API, driven by real clients:
//! kdig (`+https`, POST and GET), curl (resolving a host with
//! `--doh-url`, and plain HTTP requests) and many concurrent HTTP/1.1
//! connections; hickory-resolver (our own forwarder) is in `dot.rs`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::RecordType;
use serde_json::Value;
use tests::client::{self, lines, query, recursive};
use tests::spawn::{Process, resolver, temp_dir};
use tests::tools::{curl, curl_text, kdig};
use tests::world::World;

/// A local zone `lab.` whose `web.lab.` is `address`, in a fresh directory.
fn lab_zone(name: &str, address: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::write(
        dir.join("lab.zone"),
        format!(
            "$ORIGIN lab.\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 60\n@ NS ns\n\
             ns A {address}\nweb A {address}\n"
        ),
    )
    .unwrap();
    dir
}

/// The generated certificate's pin and PEM file, from the log.
fn generated_certificate(server: &Process) -> (String, String) {
    let log = server.log_text();
    let after = |marker: &str| {
        log.split(marker)
            .nth(1)
            .and_then(|rest| rest.split('`').next())
            .unwrap_or_else(|| panic!("{marker} in the log:\n{log}"))
            .to_owned()
    };
    (after("kdig +tls-pin="), after("curl --cacert "))
}

#[test]
fn kdig_and_curl_resolve_over_doh_with_the_generated_certificate() {
    let world = World::start(33);
    let zones = lab_zone("doh-33-zones", "127.33.0.1");
    let addr: SocketAddr = "127.33.0.1:5301".parse().unwrap();
    let config = format!("local-zones = \"{}\"\n", zones.display());
    let server = resolver(&world.hints, addr, &["--doh", "127.33.0.1:8443"], &config);
    let (pin, pem) = generated_certificate(&server);
    let https = |extra: &[&str]| {
        let mut args = vec!["@127.33.0.1", "-p", "8443"];
        let pin = format!("+tls-pin={pin}");
        args.push(&pin);
        args.extend_from_slice(extra);
        let out = kdig(&args);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "kdig {args:?}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    };

    // kdig +https POSTs; the name has not been asked before.
    let post = https(&["+https", "www.example.internal", "A"]);
    assert!(
        post.contains("HTTP/2-POST") && post.contains("status: 200"),
        "{post}"
    );
    assert!(post.contains("192.0.2.80"), "{post}");
    // One cache for every frontend: now a UDP cache hit (RD=0 answers from the cache only).
    let cached = client::udp(addr, &query("www.example.internal.", RecordType::A, true)).unwrap();
    assert_eq!(
        lines(&cached.answers),
        ["www.example.internal. 3600 a 192.0.2.80"]
    );

    let get = https(&["+https-get", "+short", "chain.example.internal", "A"]);
    assert_eq!(
        get.trim(),
        "alias.example.internal.\nwww.hoster.lab.\n198.51.100.80"
    );

    // RFC 8467 padding, for resolved answers and for local zones alike.
    for name in ["www.example.internal", "web.lab"] {
        let padded = https(&["+https", "+padding", name, "A"]);
        assert!(padded.contains(";; Received 468 B"), "{name}: {padded}");
        let plain = https(&["+https", "+nopadding", name, "A"]);
        assert!(!plain.contains(";; Received 468 B"), "{name}: {plain}");
    }

    // curl resolves web.lab through our DoH (verified with the PEM file),
    // connects to the address it got, and asks the JSON API there.
    let out = curl_text(&[
        "--doh-url",
        "https://localhost:8443/dns-query",
        "--resolve",
        "localhost:8443:127.33.0.1",
        "--cacert",
        &pem,
        "--insecure",
        "-H",
        "accept: application/dns-json",
        "-D",
        "-",
        "-w",
        "\nconnected to %{remote_ip}",
        "https://web.lab:8443/dns-query?name=www.example.internal&type=AAAA",
    ]);
    assert!(out.ends_with("connected to 127.33.0.1"), "{out}");
    assert!(out.contains("content-type: application/dns-json"), "{out}");
    let max_age: u32 = out
        .split("cache-control: max-age=")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("a max-age: {out}"));
    assert!((3000..=3600).contains(&max_age), "{max_age}");
    let body = out
        .lines()
        .find(|l| l.starts_with('{'))
        .expect("a JSON body");
    let json: Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["Status"], 0);
    assert_eq!(
        (&json["RD"], &json["RA"], &json["TC"]),
        (&Value::Bool(true), &Value::Bool(true), &Value::Bool(false))
    );
    assert_eq!(json["Question"][0]["name"], "www.example.internal.");
    assert_eq!(json["Question"][0]["type"], 28);
    assert_eq!(json["Answer"][0]["name"], "www.example.internal.");
    assert_eq!(json["Answer"][0]["data"], "2001:db8::80");
    assert_eq!(json["Answer"][0]["type"], 28);

    // The README's way, trusting nothing: --doh-insecure.
    let insecure = curl_text(&[
        "--doh-url",
        "https://127.33.0.1:8443/dns-query",
        "--doh-insecure",
        "--insecure",
        "-H",
        "accept: application/dns-json",
        "https://web.lab:8443/dns-query?name=nope.example.internal",
    ]);
    let json: Value = serde_json::from_str(&insecure).unwrap();
    assert_eq!(json["Status"], 3, "NXDOMAIN: {insecure}");
    assert_eq!(json["Authority"][0]["type"], 6, "the SOA: {insecure}");
}

/// curl's status code and HTTP version for a request to `url` with `args`.
fn status(args: &[&str], url: &str) -> String {
    let mut all = vec![
        "--insecure",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code} %{http_version}",
    ];
    all.extend_from_slice(args);
    all.push(url);
    String::from_utf8_lossy(&curl(&all).stdout).into_owned()
}

#[test]
fn bad_requests_get_the_right_http_status() {
    let world = World::start(34);
    let addr: SocketAddr = "127.34.0.1:5301".parse().unwrap();
    let config = "doh-path = \"/resolve\"\ndoh-plain = [\"127.34.0.1:8080\"]\n";
    let server = resolver(&world.hints, addr, &["--doh", "127.34.0.1:8443"], config);
    let dir = temp_dir("doh-34-bodies");
    let big = dir.join("big");
    std::fs::write(&big, vec![0u8; 70_000]).unwrap();
    let big = format!("@{}", big.display());
    let url = "https://127.34.0.1:8443/resolve";
    let long_get = format!("{url}?dns={}", "A".repeat(90_000));
    let dns = "content-type: application/dns-message";
    for http in ["--http2", "--http1.1"] {
        let version = if http == "--http2" { "2" } else { "1.1" };
        let cases: [(&[&str], &str, u16); 10] = [
            (&[], url, 400),
            (&[], &format!("{url}?dns=not*base64"), 400),
            (&[], &format!("{url}?dns=AAAA"), 400),
            (&[], &format!("{url}?name=a..b"), 400),
            (&[], &format!("{url}?name=x.&type=NOSUCH"), 400),
            (&[], "https://127.34.0.1:8443/dns-query?name=x.", 404),
            (&["-X", "PUT"], url, 405),
            (&["-H", "content-type: text/plain", "--data", "x"], url, 415),
            (&["-H", dns, "--data-binary", &big], url, 413),
            (&["-H", dns, "--data", "abc"], url, 400),
        ];
        for (args, target, expected) in cases {
            let mut all = vec![http];
            all.extend_from_slice(args);
            let got = status(&all, target);
            assert_eq!(
                got,
                format!("{expected} {version}"),
                "{http} {args:?} {}",
                &target[..target.len().min(80)]
            );
        }
        if http == "--http1.1" {
            // Longer than any DNS message in base64url: 414 URI Too Long.
            // (nghttp2, curl's HTTP/2, sends no header block over 64 KiB.)
            assert_eq!(status(&[http], &long_get), "414 1.1");
        }
        let allow = curl_text(&[
            http,
            "--insecure",
            "-X",
            "DELETE",
            "-D",
            "-",
            "-o",
            "/dev/null",
            url,
        ]);
        assert!(allow.to_lowercase().contains("allow: get, post"), "{allow}");
        let json = status(
            &[http, "-H", "accept: application/dns-json"],
            &format!("{url}?name=www.example.internal"),
        );
        assert_eq!(json, format!("200 {version}"));
    }
    // The same endpoint without TLS, for a proxy: HTTP/1.1 and h2c.
    let plain = "http://127.34.0.1:8080/resolve?name=www.example.internal";
    assert_eq!(status(&["--http2-prior-knowledge"], plain), "200 2");
    assert_eq!(status(&[], plain), "200 1.1");

    // Nothing above hurt the server.
    let answer = client::udp(addr, &recursive("www.example.internal.", RecordType::A)).unwrap();
    assert_eq!(answer.metadata.response_code, ResponseCode::NoError);
    assert!(server.stop(), "a clean exit after the bad requests");
}

/// A TLS client trusting only `ca`.
fn connector(ca: &Path) -> tokio_rustls::TlsConnector {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

/// Sends one HTTP/1.1 GET with `?dns=` on a kept-alive connection and
/// reads the response: status and body.
async fn exchange<S>(stream: &mut S, msg: &Message) -> (u16, Vec<u8>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dns = data_encoding::BASE64URL_NOPAD.encode(&msg.to_vec().unwrap());
    let request = format!("GET /dns-query?dns={dns} HTTP/1.1\r\nHost: doh.test\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        head.push(stream.read_u8().await.unwrap());
    }
    let head = String::from_utf8(head).unwrap();
    let status = head[9..12].parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .and_then(|n| n.trim().parse().ok())
        .expect("a content-length");
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.unwrap();
    (status, body)
}

#[test]
fn many_concurrent_connections_are_all_served() {
    const CONNECTIONS: usize = 300;
    let world = World::start(36);
    let dir = temp_dir("doh-many-36");
    let (ca, tls) = tests::certs::server_flags(&dir, "doh.test");
    let addr: SocketAddr = "127.36.0.1:5301".parse().unwrap();
    let mut flags = vec!["--doh", "127.36.0.1:8443"];
    flags.extend(tls.iter().map(String::as_str));
    let _server = resolver(&world.hints, addr, &flags, "");
    let connector = connector(&ca);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // Every connection opens and gets its first answer; all are held
        // open until the last has, then each asks again.
        let barrier = Arc::new(tokio::sync::Barrier::new(CONNECTIONS));
        let mut tasks = Vec::new();
        for i in 0..CONNECTIONS {
            let (connector, barrier) = (connector.clone(), Arc::clone(&barrier));
            tasks.push(tokio::spawn(async move {
                // 30 clients (source addresses) of 10 connections each,
                // within the per-client bound.
                let socket = tokio::net::TcpSocket::new_v4().unwrap();
                let source = SocketAddr::from(([127, 36, 1, 1 + (i % 30) as u8], 0));
                socket.bind(source).unwrap();
                let tcp = socket
                    .connect("127.36.0.1:8443".parse().unwrap())
                    .await
                    .unwrap();
                let name = rustls_pki_types::ServerName::try_from("doh.test").unwrap();
                let mut tls = connector.connect(name, tcp).await.unwrap();
                let names = ["www.example.internal.", "chain.example.internal."];
                let first = exchange(&mut tls, &recursive(names[i % 2], RecordType::A)).await;
                barrier.wait().await;
                let second =
                    exchange(&mut tls, &recursive(names[(i + 1) % 2], RecordType::A)).await;
                [first, second]
            }));
        }
        for task in tasks {
            for (status, body) in task.await.unwrap() {
                assert_eq!(status, 200);
                let answer = Message::from_vec(&body).unwrap();
                assert_eq!(answer.metadata.response_code, ResponseCode::NoError);
                assert!(!answer.answers.is_empty());
            }
        }
    });
}
