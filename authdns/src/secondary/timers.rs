//! When a secondary zone is refreshed, retried and expires (RFC 1034
//! 4.3.5, RFC 1996): from its SOA's REFRESH, RETRY and EXPIRE, with
//! jitter so that many zones (and many secondaries) do not query their
//! primary in step, clamped so that a tiny SOA timer cannot make us
//! hammer it and a huge one cannot let a zone go stale for months.
//!
//! Pure: the caller passes the random fraction.

use std::time::Duration;

use zone_loader::Zone;
use zone_loader::wire::name::wire_len;

/// Shortest wait before a refresh or retry (Knot's refresh-min-interval
/// and retry-min-interval default).
pub const MIN_INTERVAL: Duration = Duration::from_secs(2);
/// Longest wait before a refresh or retry (Knot's refresh-max-interval:
/// one day).
pub const MAX_INTERVAL: Duration = Duration::from_secs(86_400);
/// Shortest expire time honoured (Knot's expire-min-interval default).
pub const MIN_EXPIRE: Duration = Duration::from_secs(3);
/// The retry interval while no version has ever been transferred.
pub const NO_ZONE_RETRY: Duration = Duration::from_secs(10);
/// Waits are spread over ±10 %.
const JITTER: f64 = 0.1;

/// The SOA timers of a zone (RFC 1035 3.3.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoaTimers {
    /// Seconds between refreshes.
    pub refresh: u32,
    /// Seconds before retrying a failed refresh.
    pub retry: u32,
    /// Seconds without a refresh after which the zone is no longer served.
    pub expire: u32,
}

impl SoaTimers {
    /// The timers of `zone`'s SOA.
    pub fn of(zone: &Zone) -> Self {
        let rdata = zone.records(zone.soa()).next().unwrap_or_default();
        Self::from_rdata(rdata).unwrap_or(Self {
            refresh: 3600,
            retry: 600,
            expire: 604_800,
        })
    }

    /// The timers of SOA rdata, if it is well formed.
    pub fn from_rdata(rdata: &[u8]) -> Option<Self> {
        let mname = wire_len(rdata).ok()?;
        let rname = wire_len(rdata.get(mname..)?).ok()?;
        let at = mname + rname + 4;
        let field = |i: usize| -> Option<u32> {
            let bytes = rdata.get(at + 4 * i..at + 4 * i + 4)?;
            Some(u32::from_be_bytes(bytes.try_into().ok()?))
        };
        Some(Self {
            refresh: field(0)?,
            retry: field(1)?,
            expire: field(2)?,
        })
    }

    /// How long to wait before the next refresh; `random` in `0.0..1.0`.
    pub fn next_refresh(&self, random: f64) -> Duration {
        jittered(self.refresh, random)
    }

    /// How long to wait before retrying a failed refresh.
    pub fn next_retry(&self, random: f64) -> Duration {
        jittered(self.retry, random)
    }

    /// How long a version stays served without a successful refresh.
    pub fn expire(&self) -> Duration {
        Duration::from_secs(u64::from(self.expire)).max(MIN_EXPIRE)
    }
}

fn jittered(seconds: u32, random: f64) -> Duration {
    let base = Duration::from_secs(u64::from(seconds)).clamp(MIN_INTERVAL, MAX_INTERVAL);
    let factor = 1.0 + JITTER * (2.0 * random.clamp(0.0, 1.0) - 1.0);
    base.mul_f64(factor).clamp(MIN_INTERVAL, MAX_INTERVAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timers(refresh: u32, retry: u32, expire: u32) -> SoaTimers {
        SoaTimers {
            refresh,
            retry,
            expire,
        }
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        let t = timers(1000, 100, 5000);
        assert_eq!(t.next_refresh(0.0), Duration::from_secs(900));
        assert_eq!(t.next_refresh(1.0), Duration::from_secs(1100));
        assert_eq!(t.next_retry(0.5), Duration::from_secs(100));
    }

    #[test]
    fn tiny_and_huge_timers_are_clamped() {
        let t = timers(0, 1, 0);
        assert_eq!(t.next_refresh(0.0), MIN_INTERVAL);
        assert_eq!(t.next_retry(1.0), MIN_INTERVAL.mul_f64(1.1));
        assert_eq!(t.expire(), MIN_EXPIRE);
        assert_eq!(timers(u32::MAX, 0, 0).next_refresh(1.0), MAX_INTERVAL);
    }

    #[test]
    fn timers_read_from_soa_rdata() {
        let mut rdata = b"\x02ns\x00\x0ahostmaster\x00".to_vec();
        for field in [2026_u32, 7200, 3600, 1_209_600, 300] {
            rdata.extend_from_slice(&field.to_be_bytes());
        }
        assert_eq!(
            SoaTimers::from_rdata(&rdata),
            Some(timers(7200, 3600, 1_209_600))
        );
        assert_eq!(SoaTimers::from_rdata(&rdata[..20]), None);
    }
}
