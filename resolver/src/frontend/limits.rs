//! Abuse limits on the work clients can cause: a per-client-network rate
//! of queries that need resolution (cache hits are never limited; a
//! random-subdomain flood is all misses), and a bound on resolutions in
//! progress at once, so that one flood cannot take every upstream socket
//! and task from other clients.

use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::sync::Mutex;

use tokio::sync::{Semaphore, SemaphorePermit};

/// Buckets in the per-client table.
const TABLE_SIZE: usize = 16_381;

#[derive(Debug, Default, Clone, Copy)]
struct Bucket {
    key: u64,
    second: u64,
    count: u32,
}

/// The limits every frontend shares.
#[derive(Debug)]
pub struct Limits {
    rate: u32,
    hasher: std::hash::RandomState,
    buckets: Box<[Mutex<Bucket>]>,
    resolutions: Semaphore,
}

impl Limits {
    /// At most `rate` resolving queries a second per client network (IPv4
    /// /24, IPv6 /56; 0: no limit), and `concurrent` resolutions at once.
    pub fn new(rate: u32, concurrent: usize) -> Self {
        Self {
            rate,
            hasher: std::hash::RandomState::new(),
            buckets: (0..TABLE_SIZE)
                .map(|_| Mutex::new(Bucket::default()))
                .collect(),
            resolutions: Semaphore::new(concurrent),
        }
    }

    /// Whether `client` may start another resolution in second `now`.
    pub fn allow(&self, client: IpAddr, now: u64) -> bool {
        if self.rate == 0 {
            return true;
        }
        let mut hasher = self.hasher.build_hasher();
        match client {
            IpAddr::V4(a) => hasher.write(&a.octets()[..3]),
            IpAddr::V6(a) => hasher.write(&a.octets()[..7]),
        }
        let key = hasher.finish();
        let Ok(mut bucket) = self.buckets[(key % TABLE_SIZE as u64) as usize].lock() else {
            return true;
        };
        if bucket.key != key || bucket.second != now {
            *bucket = Bucket {
                key,
                second: now,
                count: 0,
            };
        }
        bucket.count += 1;
        bucket.count <= self.rate
    }

    /// A slot for one resolution, or `None` when all are taken.
    pub fn resolution(&self) -> Option<SemaphorePermit<'_>> {
        self.resolutions.try_acquire().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_network_gets_its_rate_and_slots_run_out() {
        let limits = Limits::new(3, 2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let same_net: IpAddr = "192.0.2.200".parse().unwrap();
        let other: IpAddr = "2001:db8::1".parse().unwrap();
        let allowed: Vec<bool> = (0..4).map(|_| limits.allow(a, 10)).collect();
        assert_eq!(allowed, [true, true, true, false]);
        assert!(!limits.allow(same_net, 10), "the /24 shares the rate");
        assert!(limits.allow(other, 10));
        assert!(limits.allow(a, 11), "a new second");
        assert!(Limits::new(0, 1).allow(a, 0), "0: no limit");

        let first = limits.resolution();
        let second = limits.resolution();
        assert!(first.is_some() && second.is_some());
        assert!(limits.resolution().is_none(), "two at once");
        drop(first);
        assert!(limits.resolution().is_some());
    }
}
