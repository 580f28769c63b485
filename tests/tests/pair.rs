//! The demo pair of the README (examples/pair): authdns serving
//! examples/zones, a local root among them, and the resolver resolving
//! from that root with the shipped configuration, over UDP, DoT and DoH.

use std::net::SocketAddr;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::RecordType;
use tests::client::{self, lines, recursive};
use tests::spawn::{Process, authdns, binary, temp_dir, workspace};
use tests::tools::{curl_text, kdig};

#[test]
fn the_demo_pair_resolves_from_its_local_root() {
    // The hints and the root zone name 127.0.0.1; the port is moved off
    // the demo's 5300 so that a running demo does not interfere.
    let auth = authdns(
        "127.0.0.1:5399".parse().unwrap(),
        &workspace().join("examples/zones"),
        "",
        "example.internal.",
    );
    let shipped = std::fs::read_to_string(workspace().join("examples/pair/resolver.toml")).unwrap();
    let hints = workspace().join("examples/pair/root.hints");
    let anchor = workspace().join("examples/pair/root.anchor");
    let config = shipped
        .replace("127.0.0.1:5301", "127.0.0.42:5301")
        .replace("127.0.0.1:8", "127.0.0.42:8")
        .replace("upstream-port = 5300", "upstream-port = 5399")
        .replace("examples/pair/root.hints", &hints.display().to_string())
        .replace("examples/pair/root.anchor", &anchor.display().to_string());
    for moved in ["127.0.0.42:5301", "127.0.0.42:8853", "127.0.0.42:8443"] {
        assert_eq!(config.matches(moved).count(), 1, "{moved}");
    }
    assert!(config.contains("upstream-port = 5399") && config.contains(&*hints.to_string_lossy()));
    let dir = temp_dir("pair");
    std::fs::write(dir.join("resolver.toml"), config).unwrap();
    let addr: SocketAddr = "127.0.0.42:5301".parse().unwrap();
    let args = vec![
        "--config".to_owned(),
        dir.join("resolver.toml").display().to_string(),
    ];
    let resolver = Process::start(&binary("resolver"), &args, addr, ".", dir.join("log"));

    let www = client::udp(addr, &recursive("www.example.internal.", RecordType::A)).unwrap();
    assert_eq!(
        lines(&www.answers),
        ["www.example.internal. 3600 a 192.0.2.80"]
    );
    assert!(www.metadata.recursion_available && !www.metadata.authoritative);
    // The demo's zones are signed and its root key is the trust anchor.
    let mut asked_ad = recursive("www.example.internal.", RecordType::A);
    asked_ad.metadata.authentic_data = true;
    let validated = client::udp(addr, &asked_ad).unwrap();
    assert!(
        validated.metadata.authentic_data,
        "AD for a validated answer"
    );
    let docs = client::udp(addr, &recursive("docs.example.internal.", RecordType::AAAA)).unwrap();
    assert_eq!(
        lines(&docs.answers),
        [
            "docs.example.internal. 3600 cname www.example.internal.",
            "www.example.internal. 3600 aaaa 2001:db8::80"
        ]
    );
    // Across zones: example.com is served by the same authdns.
    let web = client::udp(addr, &recursive("web.example.internal.", RecordType::A)).unwrap();
    assert_eq!(web.metadata.response_code, ResponseCode::NoError);
    assert!(
        lines(&web.answers)
            .contains(&"web.example.internal. 3600 cname www.example.com.".to_owned())
    );
    let nx = client::udp(addr, &recursive("nope.example.internal.", RecordType::A)).unwrap();
    assert_eq!(nx.metadata.response_code, ResponseCode::NXDomain);

    // DoT and DoH on the generated certificate, as the README tries them.
    for transport in ["+tls", "+https", "+https-get"] {
        let port = if transport == "+tls" { "8853" } else { "8443" };
        let out = kdig(&[
            "@127.0.0.42",
            "-p",
            port,
            transport,
            "+short",
            "docs.example.internal",
        ]);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "www.example.internal.\n192.0.2.80",
            "{transport}"
        );
    }
    let json = curl_text(&[
        "--insecure",
        "-H",
        "accept: application/dns-json",
        "https://127.0.0.42:8443/dns-query?name=resolver.example.internal",
    ]);
    assert!(
        json.contains(r#""Answer":[{"name":"resolver.example.internal.","type":1,"TTL":3600,"data":"127.0.0.1"}]"#),
        "{json}"
    );
    assert!(resolver.stop() && auth.stop());
}
