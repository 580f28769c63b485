//! Zone transfers out: authdns as the primary of Knot DNS, NSD and BIND
//! secondaries, each pulling a zone of a few thousand records (several
//! messages) and a DNSSEC-signed zone with TSIG; their copies compared
//! with authdns's own AXFR. Then what must fail: a wrong secret (BADSIG),
//! an unknown key (BADKEY), no key where one is required and a client
//! outside `allow-transfer` (REFUSED with EDE 18), AXFR over UDP (NOTIMP,
//! as Knot answers it).
//!
//! Then authdns as the primary that follows changes: five edits, each
//! announced by NOTIFY and pulled by IXFR from the journal by Knot, NSD
//! and BIND; the journal kept across a restart; and a journal rolled past
//! a secondary's serial, which then gets the whole zone.

use std::fmt::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use tests::peers;
use tests::spawn::{Process, authdns, loopback, temp_dir};
use tests::tools::kdig;

use crate::signed::sign;

const SECRET: &str = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";
const KEY: &str = "hmac-sha256:xfr.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";
const ZONES: [&str; 2] = ["big.test.", "signed.internal."];
/// BIND listens on 127.0.0.1 only, on a port of its own (shared/PEERS.md).
const BIND_PORT: u16 = 5361;

/// Two A/TXT names per host: no RRset near BIND's 100-record limit.
fn big_zone(hosts: usize) -> String {
    let mut text = String::from(
        "$TTL 3600\n@ SOA ns1 hostmaster 2026120301 7200 3600 1209600 300\n@ NS ns1\n\
         ns1 A 127.0.0.61\nsub NS ns.sub\nns.sub A 192.0.2.53\nhidden.sub A 192.0.2.54\n",
    );
    for i in 0..hosts {
        writeln!(text, "host{i} A 198.51.{}.{}", i / 250, i % 250).unwrap();
        writeln!(
            text,
            "host{i} TXT \"record {i} of a zone spanning several messages\""
        )
        .unwrap();
    }
    text
}

fn authdns_config() -> String {
    let mut config = format!(
        "[[key]]\nname = \"xfr.example.\"\nalgorithm = \"hmac-sha256\"\nsecret = \"{SECRET}\"\n"
    );
    for zone in ZONES {
        writeln!(
            config,
            "[[zone]]\nname = \"{zone}\"\nallow-transfer = [\"127.0.0.1\", \"127.0.0.62\", \"127.0.0.63\"]\ntransfer-key = \"xfr.example.\""
        )
        .unwrap();
    }
    config
}

/// A Knot secondary of `zones`, taking NOTIFY from the primary's address
/// with the key; `sync` is its `zonefile-sync` (-1: never write the zone).
fn knot_secondary(addr: SocketAddr, primary: SocketAddr, zones: &[&str], sync: i32) -> Process {
    let dir = temp_dir(&format!("xfr-knot-{}", addr.ip()));
    let mut conf = format!(
        "server:\n    listen: {ip}@{port}\n    rundir: {d}\n    user: root\n    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n\
         log:\n  - target: stderr\n    any: info\n\
         database:\n    storage: {d}\n\
         key:\n  - id: xfr.example.\n    algorithm: hmac-sha256\n    secret: {SECRET}\n\
         remote:\n  - id: primary\n    address: {pip}@{pport}\n    via: {ip}\n    key: xfr.example.\n\
         acl:\n  - id: out\n    address: 127.0.0.1\n    action: transfer\n  - id: notify\n    address: {pip}\n    key: xfr.example.\n    action: notify\n\
         template:\n  - id: default\n    storage: {d}\n    semantic-checks: off\n    zonefile-sync: {sync}\n    journal-content: none\n    master: primary\n    acl: [out, notify]\n\
         zone:\n",
        ip = addr.ip(),
        port = addr.port(),
        pip = primary.ip(),
        pport = primary.port(),
        d = dir.display()
    );
    for zone in zones {
        writeln!(conf, "  - domain: {zone}").unwrap();
    }
    std::fs::write(dir.join("knot.conf"), conf).unwrap();
    knot_run(&dir, addr)
}

/// Starts (or starts again) the Knot configured in `dir`.
fn knot_run(dir: &Path, addr: SocketAddr) -> Process {
    let args = vec!["-c".into(), dir.join("knot.conf").display().to_string()];
    Process::start(
        Path::new("/usr/sbin/knotd"),
        &args,
        addr,
        ".",
        dir.join("log"),
    )
}

/// An NSD secondary of `zones` on `addr`, pulling from `primary` with
/// the key from its own address and taking its signed NOTIFY.
pub(crate) fn nsd_secondary(addr: SocketAddr, primary: SocketAddr, zones: &[&str]) -> Process {
    let dir = temp_dir(&format!("xfr-nsd-{}", addr.ip()));
    let d = dir.display();
    let mut conf = format!(
        "server:\n  ip-address: {ip}@{port}\n  username: \"\"\n  database: \"\"\n  zonelistfile: {d}/zone.list\n  pidfile: {d}/nsd.pid\n  \
         xfrdfile: {d}/xfrd.state\n  xfrdir: {d}\n  logfile: {d}/nsd.log\n  server-count: 1\n  verbosity: 2\n\
         remote-control:\n  control-enable: no\n\
         key:\n  name: \"xfr.example.\"\n  algorithm: hmac-sha256\n  secret: \"{SECRET}\"\n",
        ip = addr.ip(),
        port = addr.port(),
    );
    for zone in zones {
        write!(
            conf,
            "zone:\n  name: {zone}\n  zonefile: {d}/{zone}zone\n  request-xfr: {pip}@{pport} xfr.example.\n  \
             allow-notify: {pip} xfr.example.\n  outgoing-interface: {ip}\n  provide-xfr: 127.0.0.1 NOKEY\n",
            pip = primary.ip(),
            pport = primary.port(),
            ip = addr.ip(),
        )
        .unwrap();
    }
    std::fs::write(dir.join("nsd.conf"), conf).unwrap();
    let args = vec![
        "-d".into(),
        "-c".into(),
        dir.join("nsd.conf").display().to_string(),
    ];
    Process::start(
        Path::new("/usr/sbin/nsd"),
        &args,
        addr,
        ".",
        dir.join("log"),
    )
}

/// A BIND secondary on 127.0.0.1:`port` (BIND listens on 127.0.0.1
/// only, shared/PEERS.md).
fn bind_secondary(port: u16, primary: SocketAddr, zones: &[&str]) -> Process {
    let pip = primary.ip();
    let mut rest = format!(
        "key \"xfr.example.\" {{ algorithm hmac-sha256; secret \"{SECRET}\"; }};\n\
         server {pip} {{ keys {{ \"xfr.example.\"; }}; }};\n"
    );
    for zone in zones {
        writeln!(
            rest,
            "zone \"{zone}\" {{ type secondary; primaries port {pport} {{ {pip}; }}; file \"{zone}db\"; }};",
            pport = primary.port(),
        )
        .unwrap();
    }
    peers::named(
        &format!("xfr-bind-{port}"),
        port,
        "notify no;\n  transfer-source 127.0.0.1;\n  allow-transfer { 127.0.0.1; };",
        &rest,
        ".",
    )
}

/// kdig's stdout and stderr together.
pub(crate) fn kdig_text(args: &[&str]) -> String {
    let out = kdig(args);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub(crate) fn server_args(addr: SocketAddr) -> [String; 2] {
    [format!("@{}", addr.ip()), format!("-p{}", addr.port())]
}

pub(crate) fn serial(addr: SocketAddr, zone: &str) -> String {
    let [at, port] = server_args(addr);
    let text = kdig_text(&[&at, &port, zone, "SOA", "+short", "+timeout=1", "+retry=0"]);
    text.split_whitespace()
        .nth(2)
        .unwrap_or_default()
        .to_owned()
}

/// Waits (bounded) until the secondary at `addr` serves `zone` at `wanted`.
pub(crate) fn wait_serial(addr: SocketAddr, zone: &str, wanted: &str, log: &dyn Fn() -> String) {
    for _ in 0..120 {
        if serial(addr, zone) == wanted {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("{addr} did not get {zone} serial {wanted}: {}", log());
}

/// The records of an AXFR as kdig prints them, sorted (TSIG left out).
pub(crate) fn axfr_records(addr: SocketAddr, zone: &str, key: Option<&str>) -> Vec<String> {
    let [at, port] = server_args(addr);
    let mut args = vec![at.as_str(), port.as_str(), zone, "AXFR", "+nocomments"];
    if let Some(key) = key {
        args.extend(["-y", key]);
    }
    let text = kdig_text(&args);
    let mut records: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with(';') && !l.trim().is_empty())
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.contains(" TSIG "))
        .collect();
    records.sort();
    records
}

#[test]
#[ignore = "needs Knot DNS, NSD, BIND (bind9) and ldnsutils (run by .ci/run)"]
fn knot_nsd_and_bind_pull_both_zones_with_tsig() {
    let dir = temp_dir("xfr-primary");
    let zones = sign(&dir, &[]);
    std::fs::write(zones.join("big.test.zone"), big_zone(2500)).unwrap();
    let primary = authdns(loopback(61), &zones, &authdns_config(), "big.test.");
    let knot = knot_secondary(loopback(62), primary.addr, &ZONES, -1);
    let nsd = nsd_secondary(loopback(63), primary.addr, &ZONES);
    let bind = bind_secondary(BIND_PORT, primary.addr, &ZONES);
    for zone in ZONES {
        let ours = axfr_records(primary.addr, zone, Some(KEY));
        assert!(ours.len() > 20, "{zone}: {ours:?}");
        let wanted = serial(primary.addr, zone);
        for (name, secondary) in [("knot", &knot), ("nsd", &nsd), ("bind", &bind)] {
            wait_serial(secondary.addr, zone, &wanted, &|| {
                format!("{}\nprimary: {}", secondary.log_text(), primary.log_text())
            });
            let theirs = axfr_records(secondary.addr, zone, None);
            assert_eq!(ours.len(), theirs.len(), "{name} {zone}: record count");
            assert_eq!(ours, theirs, "{name} {zone}: contents");
        }
    }
    let big = ZONES[0];
    assert!(
        axfr_records(primary.addr, big, Some(KEY)).len() > 5000,
        "the big zone has a few thousand records"
    );
    let log = primary.log_text();
    let many = log
        .lines()
        .filter(|l| l.contains("transfer AXFR of big.test.") || l.contains("of big.test."))
        .any(|l| {
            l.split(": ")
                .last()
                .and_then(|s| s.split(' ').next())
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| n > 3)
        });
    assert!(many, "the big zone went out in several messages: {log}");
    assert!(!log.contains(SECRET), "the secret is never logged");
}

#[test]
#[ignore = "needs Knot DNS (run by .ci/run)"]
fn transfers_that_must_fail_fail() {
    let dir = temp_dir("xfr-refused");
    let zones = dir.join("zones");
    std::fs::create_dir_all(&zones).unwrap();
    std::fs::write(zones.join("big.test.zone"), big_zone(50)).unwrap();
    let primary = authdns(loopback(64), &zones, &authdns_config(), "big.test.");
    let [at, port] = server_args(primary.addr);
    let axfr = |extra: &[&str]| {
        let mut args = vec![at.as_str(), port.as_str(), "big.test.", "AXFR", "+edns"];
        args.extend(extra);
        kdig_text(&args)
    };
    let wrong = "hmac-sha256:xfr.example.:d3JvbmctZ3Jvbmctd3Jvbmc=";
    let text = axfr(&["-y", wrong]);
    assert!(text.contains("BADSIG"), "{text}");
    assert!(!text.contains("IN\tSOA"), "nothing transferred: {text}");
    let text = axfr(&["-y", "hmac-sha256:unknown.example.:d3Jvbmc="]);
    assert!(text.contains("BADKEY"), "{text}");
    assert!(!text.contains("IN\tSOA"), "{text}");
    let text = axfr(&[]);
    assert!(
        text.contains("REFUSED"),
        "no key where one is required: {text}"
    );
    let text = kdig_text(&[&at, &port, "big.test.", "SOA", "+edns", "+tcp"]);
    assert!(
        text.contains("NOERROR"),
        "plain queries still answered: {text}"
    );
    // A client outside allow-transfer, with the right key.
    let text = axfr(&["-y", KEY, "-b", "127.0.0.66"]);
    assert!(text.contains("REFUSED"), "{text}");
    let edns = kdig_text(&[
        &at,
        &port,
        "big.test.",
        "AXFR",
        "+edns",
        "-b",
        "127.0.0.66",
        "+notcp",
        "-y",
        KEY,
    ]);
    assert!(edns.contains("NOTIMP"), "AXFR over UDP: {edns}");
    let text = axfr(&["-y", KEY]);
    assert!(
        text.contains("IN\tSOA"),
        "the right key from an allowed address: {text}"
    );
    // Knot answers AXFR over UDP the same way (RFC 5936 4.2 leaves it open).
    let knot_dir = temp_dir("xfr-knot-udp");
    let file = knot_dir.join("big.test.zone");
    std::fs::write(&file, big_zone(5)).unwrap();
    let knot = peers::knot(loopback(65), &[("big.test.", &file)], "big.test.");
    let [kat, kport] = server_args(knot.addr);
    let theirs = kdig_text(&[&kat, &kport, "big.test.", "AXFR", "+notcp"]);
    assert!(theirs.contains("NOTIMP"), "Knot: {theirs}");
}

/// The zone of the IXFR tests at edit `step`: 150 fixed hosts, and per
/// step one address changed, one name replaced and one TTL changed. The
/// SOA refresh is a day: secondaries update only when NOTIFY tells them.
fn edited_zone(step: u32) -> String {
    let mut text = format!(
        "$TTL 3600\n@ SOA ns1 hostmaster {} 86400 3600 2419200 300\n@ NS ns1\nns1 A 127.0.0.70\n",
        IXFR_BASE + step
    );
    for i in 0..150 {
        writeln!(text, "host{i} A 198.51.100.{}", i % 250).unwrap();
    }
    writeln!(text, "moving A 192.0.2.{step}").unwrap();
    writeln!(text, "step{step} TXT \"edit {step}\"").unwrap();
    writeln!(text, "retimed {} TXT \"same data\"", 60 + step).unwrap();
    text
}

const IXFR_ZONE: &str = "ixfr.test.";
const IXFR_BASE: u32 = 2026120300;

/// The primary's configuration: the key, and the zone with its
/// secondaries (transfer and NOTIFY), from its own address.
fn primary_config(secondaries: &[SocketAddr], journal_size: Option<usize>) -> String {
    let allow: Vec<String> = secondaries
        .iter()
        .map(|a| format!("\"{}\"", a.ip()))
        .chain(["\"127.0.0.1\"".to_owned()])
        .collect();
    let notify: Vec<String> = secondaries.iter().map(|a| format!("\"{a}\"")).collect();
    let mut config = format!(
        "query-log-clients = true\nnotify-source = \"127.0.0.70\"\n\
         [[key]]\nname = \"xfr.example.\"\nalgorithm = \"hmac-sha256\"\nsecret = \"{SECRET}\"\n\
         [[zone]]\nname = \"{IXFR_ZONE}\"\nallow-transfer = [{}]\ntransfer-key = \"xfr.example.\"\nnotify = [{}]\n",
        allow.join(", "),
        notify.join(", ")
    );
    if let Some(size) = journal_size {
        writeln!(config, "journal-size = {size}").unwrap();
    }
    config
}

/// Writes edit `step` and reloads the primary.
fn edit(zones: &Path, primary: &Process, step: u32) {
    tests::spawn::write_atomic(&zones.join("ixfr.test.zone"), &edited_zone(step));
    primary.signal("HUP");
}

/// Waits until `log()` has a line containing every one of `parts`.
fn wait_log(log: &dyn Fn() -> String, parts: &[&str]) {
    for _ in 0..160 {
        if log().lines().any(|l| parts.iter().all(|p| l.contains(p))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("no log line with {parts:?}:\n{}", log());
}

#[test]
#[ignore = "needs Knot DNS, NSD and BIND (run by .ci/run)"]
fn five_edits_reach_knot_nsd_and_bind_by_notify_and_ixfr() {
    let dir = temp_dir("ixfr-primary");
    let zones = dir.join("zones");
    std::fs::create_dir_all(&zones).unwrap();
    std::fs::write(zones.join("ixfr.test.zone"), edited_zone(0)).unwrap();
    let (knot_addr, nsd_addr) = (loopback(71), loopback(72));
    let bind_addr = SocketAddr::from(([127, 0, 0, 1], 5391));
    let config = primary_config(&[knot_addr, nsd_addr, bind_addr], None);
    let mut primary = authdns(loopback(70), &zones, &config, IXFR_ZONE);
    let knot = knot_secondary(knot_addr, primary.addr, &[IXFR_ZONE], -1);
    let nsd = nsd_secondary(nsd_addr, primary.addr, &[IXFR_ZONE]);
    let bind = bind_secondary(bind_addr.port(), primary.addr, &[IXFR_ZONE]);
    let peers = [
        ("knot", &knot, "127.0.0.71"),
        ("nsd", &nsd, "127.0.0.72"),
        ("bind", &bind, "127.0.0.1"),
    ];
    let same_everywhere = |primary: &Process, step: u32| {
        let wanted = (IXFR_BASE + step).to_string();
        let ours = axfr_records(primary.addr, IXFR_ZONE, Some(KEY));
        assert!(ours.len() > 150, "{ours:?}");
        for (name, secondary, _) in peers {
            wait_serial(secondary.addr, IXFR_ZONE, &wanted, &|| {
                format!(
                    "{name}: {}\nprimary: {}",
                    secondary.log_text(),
                    primary.log_text()
                )
            });
            let theirs = axfr_records(secondary.addr, IXFR_ZONE, None);
            assert_eq!(ours, theirs, "{name} after step {step}: contents");
        }
    };
    same_everywhere(&primary, 0);

    for step in 1..=5 {
        edit(&zones, &primary, step);
        same_everywhere(&primary, step);
        let log = || primary.log_text();
        let (from, to) = (IXFR_BASE + step - 1, IXFR_BASE + step);
        for (name, _, ip) in peers {
            let target = peers_notify_target(name, knot_addr, nsd_addr, bind_addr);
            wait_log(
                &log,
                &[&format!(
                    "NOTIFY of {IXFR_ZONE} serial {to} to {target}: acknowledged"
                )],
            );
            // The transfer each secondary pulled was an IXFR from the journal.
            wait_log(
                &log,
                &[
                    &format!(
                        "transfer IXFR from serial {from} (1 changesets, 6 records) of {IXFR_ZONE} serial {to}"
                    ),
                    &format!("to {ip}"),
                ],
            );
        }
    }
    let log = primary.log_text();
    assert!(!log.contains(SECRET), "the secret is never logged");
    // The peers say so too: Knot logs IXFR, BIND the IXFR's 10 records
    // (four SOAs, three removed, three added).
    let knot_ixfrs = knot.log_text().matches("IXFR, incoming").count();
    assert!(knot_ixfrs >= 10, "Knot: {}", knot.log_text());
    let bind_ixfrs = bind
        .log_text()
        .matches("Transfer completed: 1 messages, 10 records")
        .count();
    assert!(bind_ixfrs >= 5, "BIND: {}", bind.log_text());

    // A restart keeps the journal: IXFR from the first edit still served.
    assert!(primary.stop());
    primary = authdns(loopback(70), &zones, &config, IXFR_ZONE);
    wait_log(
        &|| primary.log_text(),
        &["journal of ixfr.test.: 5 changesets read"],
    );
    let [at, port] = server_args(primary.addr);
    let ixfr = format!("IXFR={}", IXFR_BASE + 1);
    let text = kdig_text(&[&at, &port, IXFR_ZONE, &ixfr, "-y", KEY, "+nocomments"]);
    let soas: Vec<&str> = text.lines().filter(|l| l.contains("\tSOA\t")).collect();
    assert_eq!(
        soas.len(),
        10,
        "4 changesets: 2 SOAs each, first and last: {text}"
    );
    assert!(soas[1].contains(&format!(" {} ", IXFR_BASE + 1)), "{text}");
    assert!(text.lines().count() < 60, "not the whole zone: {text}");
    edit(&zones, &primary, 6);
    same_everywhere(&primary, 6);
    for (_, _, ip) in peers {
        wait_log(
            &|| primary.log_text(),
            &[
                &format!("transfer IXFR from serial {} (1 changesets", IXFR_BASE + 5),
                &format!("to {ip}"),
            ],
        );
    }
}

fn peers_notify_target(
    name: &str,
    knot: SocketAddr,
    nsd: SocketAddr,
    bind: SocketAddr,
) -> SocketAddr {
    match name {
        "knot" => knot,
        "nsd" => nsd,
        _ => bind,
    }
}

#[test]
#[ignore = "needs Knot DNS (run by .ci/run)"]
fn a_secondary_behind_a_rolled_journal_gets_the_whole_zone() {
    let dir = temp_dir("ixfr-rolled");
    let zones = dir.join("zones");
    std::fs::create_dir_all(&zones).unwrap();
    std::fs::write(zones.join("ixfr.test.zone"), edited_zone(0)).unwrap();
    let knot_addr = loopback(74);
    // Room for one changeset (about 300 octets) only.
    let config = primary_config(&[knot_addr], Some(400)).replace("127.0.0.70", "127.0.0.73");
    let primary = authdns(loopback(73), &zones, &config, IXFR_ZONE);
    let knot_dir_name = format!("xfr-knot-{}", knot_addr.ip());
    // zonefile-sync 0: Knot writes its copy at once and starts from it.
    let knot = knot_secondary(knot_addr, primary.addr, &[IXFR_ZONE], 0);
    let log = || primary.log_text();
    wait_serial(knot.addr, IXFR_ZONE, &IXFR_BASE.to_string(), &log);
    assert!(knot.stop());
    for step in 1..=3 {
        edit(&zones, &primary, step);
        wait_log(
            &log,
            &[&format!(
                "serial {} -> {}",
                IXFR_BASE + step - 1,
                IXFR_BASE + step
            )],
        );
    }
    assert!(
        log().contains("(1 dropped)"),
        "the journal rolled: {}",
        log()
    );
    // Knot comes back at the first serial, which the journal no longer holds.
    let knot_dir = std::env::temp_dir().join(format!(
        "authdns-e2e-{}-{knot_dir_name}",
        std::process::id()
    ));
    let knot = knot_run(&knot_dir, knot_addr);
    edit(&zones, &primary, 4);
    let wanted = (IXFR_BASE + 4).to_string();
    wait_serial(knot.addr, IXFR_ZONE, &wanted, &|| {
        format!("{}\n{}", knot.log_text(), log())
    });
    wait_log(&log, &["IXFR (answered as AXFR)", "to 127.0.0.74"]);
    assert_eq!(
        axfr_records(primary.addr, IXFR_ZONE, Some(KEY)),
        axfr_records(knot.addr, IXFR_ZONE, None)
    );
}

#[test]
#[ignore = "needs Knot DNS (run by .ci/run)"]
fn serial_policy_increment_numbers_edits_and_keeps_counting_after_a_restart() {
    let dir = temp_dir("ixfr-increment");
    let zones = dir.join("zones");
    std::fs::create_dir_all(&zones).unwrap();
    let file = zones.join("ixfr.test.zone");
    // Every edit keeps the file's serial: authdns numbers the versions.
    let unnumbered =
        |step| edited_zone(step).replace(&(IXFR_BASE + step).to_string(), &IXFR_BASE.to_string());
    std::fs::write(&file, unnumbered(0)).unwrap();
    let knot_addr = loopback(77);
    let config = primary_config(&[knot_addr], None).replace("127.0.0.70", "127.0.0.76")
        + "serial-policy = \"increment\"\n";
    let mut primary = authdns(loopback(76), &zones, &config, IXFR_ZONE);
    let knot = knot_secondary(knot_addr, primary.addr, &[IXFR_ZONE], -1);
    let knot_log = || knot.log_text();
    wait_serial(knot.addr, IXFR_ZONE, &IXFR_BASE.to_string(), &knot_log);

    tests::spawn::write_atomic(&file, &unnumbered(1));
    primary.signal("HUP");
    let wanted = (IXFR_BASE + 1).to_string();
    wait_serial(knot.addr, IXFR_ZONE, &wanted, &|| primary.log_text());
    wait_log(
        &|| primary.log_text(),
        &[
            &format!("transfer IXFR from serial {IXFR_BASE} (1 changesets, 6 records)"),
            "to 127.0.0.77",
        ],
    );
    assert!(primary.log_text().contains("serial-policy increment"));

    // After a restart the file still says IXFR_BASE; the journal says the
    // secondaries have IXFR_BASE + 1: authdns goes on from there, and
    // tells them at start.
    assert!(primary.stop());
    primary = authdns(loopback(76), &zones, &config, IXFR_ZONE);
    let wanted = (IXFR_BASE + 2).to_string();
    assert_eq!(serial(primary.addr, IXFR_ZONE), wanted);
    wait_serial(knot.addr, IXFR_ZONE, &wanted, &|| {
        format!("{}\n{}", knot_log(), primary.log_text())
    });
    wait_log(
        &|| primary.log_text(),
        &["IXFR (answered as AXFR)", "to 127.0.0.77"],
    );
    assert_eq!(
        axfr_records(primary.addr, IXFR_ZONE, Some(KEY)),
        axfr_records(knot.addr, IXFR_ZONE, None)
    );
}
