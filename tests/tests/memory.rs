//! Memory after reloads (issue 20): a reload frees the old zone and gives
//! its pages back, so after many reloads authdns holds what it held after
//! the first load, not the old and the new zone together.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hickory_proto::rr::RecordType;
use tests::client::{self, lines, query};
use tests::spawn::{authdns, loopback, temp_dir, write_atomic};

/// Names in the test zone: big enough that a leaked copy of the zone
/// stands far above the allocator's noise (about 20 MiB of zone).
const NAMES: u32 = 60_000;

fn zone_text(serial: u32) -> String {
    let mut text = format!(
        "$TTL 300\n@ SOA ns hm {serial} 7200 3600 1209600 300\n@ NS ns\nns A 192.0.2.1\n\
         changed A 198.51.100.{}\n",
        serial % 250
    );
    for i in 0..NAMES {
        let _ = writeln!(text, "h{i} A 10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255);
        let _ = writeln!(text, "h{i} AAAA 2001:db8::{i:x}");
        if i % 4 == 0 {
            let _ = writeln!(
                text,
                "d{i} NS ns1.d{i}\nns1.d{i} A 10.200.{}.{}",
                (i >> 8) & 255,
                i & 255
            );
        }
        if i % 10 == 0 {
            let _ = writeln!(text, "m{i} MX 10 h{i}\nm{i} TXT \"v=spf1 a mx -all\"");
        }
    }
    text
}

/// The process's anonymous memory (its heap and stacks), in KiB: the
/// proportional size of its file pages (the binary, shared libraries)
/// moves as other tests start and stop the same binary.
fn pss_kib(pid: u32) -> u64 {
    let rollup =
        std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).expect("smaps_rollup");
    rollup
        .lines()
        .find_map(|l| l.strip_prefix("Pss_Anon:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a Pss_Anon line")
}

fn serves(addr: SocketAddr, serial: u32) -> bool {
    let expected = format!("changed.mem.example. 300 a 198.51.100.{}", serial % 250);
    client::udp(addr, &query("changed.mem.example.", RecordType::A, false))
        .is_ok_and(|m| lines(&m.answers) == [expected.as_str()])
}

/// Waits until the memory has been the same for a while: the reload
/// thread frees the old zone after the swap, a moment after the new
/// answer is seen.
fn settled_pss(pid: u32) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = pss_kib(pid);
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(300));
        let now = pss_kib(pid);
        if now.abs_diff(last) < 256 {
            return now;
        }
        last = now;
    }
    last
}

#[test]
fn memory_after_reloads_stays_that_of_the_first_load() {
    let dir = temp_dir("memory");
    let file = dir.join("mem.example.zone");
    write_atomic(&file, &zone_text(1));
    let server = authdns(loopback(25), &dir, "rate-limit = 0\n", "mem.example.");
    assert!(serves(server.addr, 1));
    let first = settled_pss(server.pid());

    for serial in 2..=7 {
        write_atomic(&file, &zone_text(serial));
        server.signal("HUP");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !serves(server.addr, serial) {
            assert!(Instant::now() < deadline, "reload {serial} not served");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let after = settled_pss(server.pid());
    assert!(
        after * 10 <= first * 11,
        "after 6 reloads authdns holds {after} KiB, over 1.1 times the {first} KiB after the first load"
    );
}
