//! What the resolver remembers about each authoritative server address,
//! shared by every client query:
//!
//! - a smoothed round-trip time (RFC 6298's 7/8 weighting), so the
//!   fastest server of a zone is asked first. A server never asked gets a
//!   small random RTT the first time it is seen, so new servers are tried
//!   and then ranked by what they show;
//! - consecutive failures (timeouts, network errors, lame answers). Each
//!   one doubles how long the server is held back (1 s, 2 s, 4 s ... at
//!   most [`MAX_HOLD`]); a held-back server is asked only after every
//!   other one. One good answer clears the record.
//!
//! Sans-IO: every call takes the current instant.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use dashmap::DashMap;

/// Longest time a failing server is held back.
pub const MAX_HOLD: Duration = Duration::from_secs(120);
/// The RTT a server never asked starts from (µs), plus up to a quarter at
/// random: it ranks after servers known to answer fast, before slow ones
/// (as Unbound ranks them).
const UNKNOWN_RTT_US: u32 = 300_000;
/// Addresses remembered before old ones are forgotten.
const MAX_SERVERS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Stats {
    srtt_us: u32,
    /// Whether `srtt_us` comes from real answers.
    measured: bool,
    failures: u32,
    held_until: Option<Instant>,
}

/// Per-address server statistics.
#[derive(Debug, Default)]
pub struct Servers {
    map: DashMap<IpAddr, Stats>,
}

impl Servers {
    /// No server known.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sorts `addresses` best first: servers not held back by smoothed
    /// RTT, then held-back ones by when they come back.
    pub fn order(&self, addresses: &mut [IpAddr], now: Instant) {
        addresses.sort_by_cached_key(|&address| {
            let stats = self.stats(address);
            match stats.held_until {
                Some(until) if until > now => (1, until.duration_since(now).as_micros()),
                _ => (0, u128::from(stats.srtt_us)),
            }
        });
    }

    /// Whether `address` is held back now.
    pub fn held_back(&self, address: IpAddr, now: Instant) -> bool {
        self.map
            .get(&address)
            .and_then(|s| s.held_until)
            .is_some_and(|until| until > now)
    }

    /// The smoothed RTT of `address`, if it has ever answered.
    pub fn srtt(&self, address: IpAddr) -> Option<Duration> {
        self.map
            .get(&address)
            .filter(|s| s.measured)
            .map(|s| Duration::from_micros(u64::from(s.srtt_us)))
    }

    /// Records an answer from `address` after `rtt`.
    pub fn answered(&self, address: IpAddr, rtt: Duration) {
        let sample = u32::try_from(rtt.as_micros()).unwrap_or(u32::MAX);
        let mut stats = self.stats(address);
        stats.srtt_us = if !stats.measured {
            // The first real sample replaces the random start.
            sample
        } else {
            stats.srtt_us - stats.srtt_us / 8 + sample / 8
        };
        stats.measured = true;
        stats.failures = 0;
        stats.held_until = None;
        self.map.insert(address, stats);
    }

    /// Records a timeout, network error or lame answer from `address`.
    pub fn failed(&self, address: IpAddr, now: Instant) {
        let mut stats = self.stats(address);
        stats.failures = stats.failures.saturating_add(1);
        let hold = Duration::from_secs(1u64 << (stats.failures - 1).min(7)).min(MAX_HOLD);
        stats.held_until = Some(now + hold);
        self.map.insert(address, stats);
    }

    /// The stats of `address`, created with a random RTT on first sight.
    fn stats(&self, address: IpAddr) -> Stats {
        if let Some(stats) = self.map.get(&address) {
            return *stats;
        }
        if self.map.len() >= MAX_SERVERS {
            self.map.clear();
        }
        *self.map.entry(address).or_insert_with(|| Stats {
            srtt_us: rand::random_range(UNKNOWN_RTT_US..UNKNOWN_RTT_US + UNKNOWN_RTT_US / 4),
            measured: false,
            failures: 0,
            held_until: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([127, 0, 0, last])
    }

    #[test]
    fn the_fastest_server_comes_first_and_failing_ones_last() {
        let servers = Servers::new();
        let now = Instant::now();
        servers.answered(ip(1), Duration::from_millis(40));
        servers.answered(ip(2), Duration::from_millis(5));
        servers.answered(ip(3), Duration::from_millis(1));
        servers.failed(ip(3), now);
        let mut order = [ip(1), ip(2), ip(3)];
        servers.order(&mut order, now);
        assert_eq!(order, [ip(2), ip(1), ip(3)]);
        assert!(servers.held_back(ip(3), now));
        assert!(!servers.held_back(ip(3), now + Duration::from_millis(1001)));
        // Past its hold, it ranks by its RTT again.
        servers.order(&mut order, now + Duration::from_secs(2));
        assert_eq!(order, [ip(3), ip(2), ip(1)]);
    }

    #[test]
    fn each_failure_doubles_the_hold_up_to_the_cap_and_an_answer_clears_it() {
        let servers = Servers::new();
        let now = Instant::now();
        for _ in 0..3 {
            servers.failed(ip(9), now);
        }
        assert!(servers.held_back(ip(9), now + Duration::from_millis(3900)));
        assert!(!servers.held_back(ip(9), now + Duration::from_millis(4100)));
        for _ in 0..20 {
            servers.failed(ip(9), now);
        }
        assert!(servers.held_back(ip(9), now + MAX_HOLD - Duration::from_millis(1)));
        assert!(!servers.held_back(ip(9), now + MAX_HOLD));
        servers.answered(ip(9), Duration::from_millis(3));
        assert!(!servers.held_back(ip(9), now));
    }

    #[test]
    fn smoothing_weighs_a_new_sample_one_eighth() {
        let servers = Servers::new();
        servers.answered(ip(4), Duration::from_millis(80));
        servers.answered(ip(4), Duration::from_millis(0));
        assert_eq!(servers.srtt(ip(4)), Some(Duration::from_millis(70)));
    }
}
