//! When each secondary zone expires, for EDNS EXPIRE (RFC 7314): written
//! by the zone's refresh loop, read only by answers to queries that
//! carry the option (one atomic load; no lock on the query path).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Each secondary zone's expiry time, seconds since the Unix epoch (0:
/// expired or never transferred). The set of zones is fixed at start.
#[derive(Debug, Default, Clone)]
pub struct ExpireClocks(Arc<HashMap<Box<[u8]>, AtomicU64>>);

impl ExpireClocks {
    /// Clocks for the zones `origins` (lowercase wire form), all expired.
    pub fn new<'o>(origins: impl IntoIterator<Item = &'o [u8]>) -> Self {
        Self(Arc::new(
            origins
                .into_iter()
                .map(|o| (Box::from(o), AtomicU64::new(0)))
                .collect(),
        ))
    }

    /// Sets when the secondary zone `origin` expires (0: now).
    pub fn set(&self, origin: &[u8], expires: u64) {
        if let Some(clock) = self.0.get(origin) {
            clock.store(expires, Ordering::Relaxed);
        }
    }

    /// The seconds the secondary zone `origin` has left at `now`, or
    /// `None` when it is no secondary zone here.
    pub fn remaining(&self, origin: &[u8], now: u64) -> Option<u32> {
        let expires = self.0.get(origin)?.load(Ordering::Relaxed);
        Some(u32::try_from(expires.saturating_sub(now)).unwrap_or(u32::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_seconds_count_down_to_zero() {
        let clocks = ExpireClocks::new([&b"\x03org\x00"[..]]);
        assert_eq!(clocks.remaining(b"\x03org\x00", 100), Some(0));
        clocks.set(b"\x03org\x00", 160);
        assert_eq!(clocks.remaining(b"\x03org\x00", 100), Some(60));
        assert_eq!(clocks.remaining(b"\x03org\x00", 200), Some(0));
        assert_eq!(clocks.remaining(b"\x03com\x00", 100), None);
    }
}
