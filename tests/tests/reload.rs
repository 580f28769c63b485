//! Reloads: SIGHUP and file watching, a broken zone keeping its last good
//! version, and reloads under a stream of queries.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{RData, RecordType};
use tests::client::{self, lines, query};
use tests::spawn::{authdns, loopback, temp_dir, write_atomic};

fn zone_text(version: u32) -> String {
    format!(
        "$TTL 60\n@ SOA ns hm {version} 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n\
         @ MX 10 mail{version}\nmail{version} A 10.{}.{}.25\n\
         check CNAME t{version}\nt{version} A 10.{}.{}.1\nt{version} A 10.{}.{}.2\n",
        version / 256,
        version % 256,
        version / 256,
        version % 256,
        version / 256,
        version % 256
    )
}

fn a_answer(addr: SocketAddr, name: &str) -> Vec<String> {
    lines(
        &client::udp(addr, &query(name, RecordType::A, true))
            .unwrap()
            .answers,
    )
}

fn wait_for(addr: SocketAddr, name: &str, expected: &[&str]) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if a_answer(addr, name) == expected {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn sighup_reloads_and_a_broken_zone_keeps_serving_its_last_good_version() {
    let dir = temp_dir("sighup");
    let file = dir.join("reload.example.zone");
    write_atomic(&file, &zone_text(1));
    let server = authdns(loopback(21), &dir, "", "reload.example.");
    assert_eq!(
        a_answer(server.addr, "t1.reload.example."),
        [
            "t1.reload.example. 60 a 10.0.1.1",
            "t1.reload.example. 60 a 10.0.1.2"
        ]
    );

    write_atomic(&file, &zone_text(2));
    server.signal("HUP");
    assert!(wait_for(
        server.addr,
        "t2.reload.example.",
        &[
            "t2.reload.example. 60 a 10.0.2.1",
            "t2.reload.example. 60 a 10.0.2.2"
        ]
    ));

    write_atomic(&file, &format!("{}broken A 300.1.1.1\n", zone_text(3)));
    server.signal("HUP");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        a_answer(server.addr, "t2.reload.example.").len(),
        2,
        "version 2 keeps serving"
    );
    let log = server.log_text();
    assert!(
        log.contains("reload.example.zone:10:10: error: invalid IPv4 address"),
        "{log}"
    );

    // A new zone file is picked up, a removed one is no longer served.
    write_atomic(
        &dir.join("second.example.zone"),
        &zone_text(7).replace("@ NS ns", "@ NS ns.second.example."),
    );
    server.signal("HUP");
    assert!(wait_for(
        server.addr,
        "t7.second.example.",
        &[
            "t7.second.example. 60 a 10.0.7.1",
            "t7.second.example. 60 a 10.0.7.2"
        ]
    ));
    std::fs::remove_file(&file).unwrap();
    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answer = client::udp(
            server.addr,
            &query("t2.reload.example.", RecordType::A, false),
        )
        .unwrap();
        if answer.metadata.response_code == ResponseCode::Refused {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the removed zone is still served"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(server.stop());
}

#[test]
fn watched_zone_files_reload_without_a_signal() {
    let dir = temp_dir("watch");
    let file = dir.join("watch.example.zone");
    write_atomic(&file, &zone_text(1));
    let server = authdns(loopback(22), &dir, "watch-interval = 1\n", "watch.example.");
    write_atomic(&file, &zone_text(5));
    assert!(wait_for(
        server.addr,
        "t5.watch.example.",
        &[
            "t5.watch.example. 60 a 10.0.5.1",
            "t5.watch.example. 60 a 10.0.5.2"
        ]
    ));
}

/// The version an answer comes from, or a description of why it is inconsistent.
fn version_of(answer: &Message) -> Result<u32, String> {
    let mut versions = Vec::new();
    for record in answer.answers.iter().chain(&answer.additionals) {
        let label = record
            .name
            .iter()
            .next()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .unwrap_or_default();
        match &record.data {
            RData::A(a) => {
                let o = a.0.octets();
                versions.push(u32::from(o[1]) * 256 + u32::from(o[2]));
                if let Some(n) = label
                    .strip_prefix('t')
                    .or_else(|| label.strip_prefix("mail"))
                {
                    versions.push(n.parse().map_err(|_| format!("bad owner {label}"))?);
                }
            }
            RData::CNAME(target) => {
                let first = target
                    .0
                    .iter()
                    .next()
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .unwrap_or_default();
                versions.push(
                    first
                        .trim_start_matches('t')
                        .parse()
                        .map_err(|_| format!("bad target {first}"))?,
                );
            }
            RData::MX(mx) => {
                let first = mx
                    .exchange
                    .iter()
                    .next()
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .unwrap_or_default();
                versions.push(
                    first
                        .trim_start_matches("mail")
                        .parse()
                        .map_err(|_| format!("bad exchange {first}"))?,
                );
            }
            _ => {}
        }
    }
    match versions.first() {
        None => Err(format!("no versioned data: {answer:?}")),
        Some(&v) if versions.iter().all(|&w| w == v) => Ok(v),
        Some(_) => Err(format!("mixed versions {versions:?}")),
    }
}

#[test]
fn reload_under_load_answers_every_query_from_one_version() {
    const QUERIES_PER_CLIENT: usize = 55_000;
    const CLIENTS: usize = 2;
    const WINDOW: usize = 16;
    const RELOADS: u32 = 60;
    let dir = temp_dir("underload");
    let file = dir.join("load.example.zone");
    write_atomic(&file, &zone_text(1));
    // Load from one client: response rate limiting would rightly cut it.
    let server = authdns(loopback(23), &dir, "rate-limit = 0\n", "load.example.");
    let target = server.addr;
    let reloads_done = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let reloads_done = Arc::clone(&reloads_done);
            std::thread::spawn(move || {
                let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
                socket
                    .set_read_timeout(Some(Duration::from_secs(2)))
                    .unwrap();
                socket.connect(target).unwrap();
                let check = query("check.load.example.", RecordType::A, true);
                let mx = query("load.example.", RecordType::MX, true);
                let mut versions = std::collections::BTreeSet::new();
                let mut buf = vec![0u8; 4096];
                let mut sent = 0;
                while sent < QUERIES_PER_CLIENT || !reloads_done.load(Ordering::Relaxed) {
                    let batch = WINDOW;
                    for i in 0..batch {
                        let mut q = if (sent + i) % 2 == 0 {
                            check.clone()
                        } else {
                            mx.clone()
                        };
                        q.metadata.id = ((c * 50_000 + sent + i) % 65_536) as u16;
                        socket.send(&q.to_vec().unwrap()).unwrap();
                    }
                    for _ in 0..batch {
                        let len = socket.recv(&mut buf).expect("every query is answered");
                        let answer = Message::from_vec(&buf[..len]).unwrap();
                        versions.insert(
                            version_of(&answer)
                                .unwrap_or_else(|e| panic!("inconsistent answer: {e}")),
                        );
                    }
                    sent += batch;
                }
                (sent, versions)
            })
        })
        .collect();
    let mut reloads = 0;
    while reloads < RELOADS {
        reloads += 1;
        // Once in the middle, a broken file: the last good version keeps
        // answering, and the next good file loads as before.
        if reloads == RELOADS / 2 {
            write_atomic(&file, "$TTL 60\n@ SOA broken\n");
            server.signal("HUP");
            std::thread::sleep(Duration::from_millis(20));
        }
        write_atomic(&file, &zone_text(1 + reloads));
        server.signal("HUP");
        std::thread::sleep(Duration::from_millis(20));
    }
    reloads_done.store(true, Ordering::Relaxed);
    let mut total = 0;
    let mut seen = std::collections::BTreeSet::new();
    for client in clients {
        let (sent, versions) = client.join().expect("client thread");
        total += sent;
        seen.extend(versions);
    }
    assert!(total >= 100_000, "{total} queries");
    assert!(
        reloads >= 50,
        "only {reloads} reloads happened during the load"
    );
    assert!(
        seen.len() >= 10,
        "answers came from only {} versions: reloads did not take effect under load",
        seen.len()
    );
    // A broken file at the end: the last good version stays.
    write_atomic(&file, "$TTL 60\n@ SOA broken\n");
    server.signal("HUP");
    std::thread::sleep(Duration::from_millis(300));
    let after = client::udp(target, &query("check.load.example.", RecordType::A, true)).unwrap();
    assert_eq!(
        version_of(&after),
        Ok(1 + RELOADS),
        "the last good zone keeps serving"
    );
    assert!(
        server
            .log_text()
            .contains("the last good version, if any, keeps serving"),
        "the broken file is reported"
    );
    assert!(server.stop());
}
