//! Upstream queries in flight per zone, bounded (as BIND's
//! fetches-per-zone): a flood of new names under one zone whose servers
//! are slow or silent (a random-subdomain attack on it) holds at most
//! that many resolutions at a time, and leaves the rest of the
//! resolver's capacity to everyone else. Only queries that go out count:
//! clients waiting on an identical query in flight do not.

use dashmap::DashMap;

/// The count of queries in flight per zone (lowercase wire form).
#[derive(Debug)]
pub struct ZoneQueries {
    limit: usize,
    in_flight: DashMap<Box<[u8]>, usize>,
}

/// One query in flight to a zone, counted until dropped.
#[derive(Debug)]
pub struct ZoneSlot<'a> {
    queries: &'a ZoneQueries,
    zone: Option<Box<[u8]>>,
}

impl ZoneQueries {
    /// At most `limit` queries in flight to one zone (0: no bound).
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            in_flight: DashMap::new(),
        }
    }

    /// A slot for one more query to `zone`, or `None` when it has
    /// `limit` in flight already.
    pub fn acquire(&self, zone: &[u8]) -> Option<ZoneSlot<'_>> {
        if self.limit == 0 {
            return Some(ZoneSlot {
                queries: self,
                zone: None,
            });
        }
        let mut count = self.in_flight.entry(Box::from(zone)).or_insert(0);
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(ZoneSlot {
            queries: self,
            zone: Some(Box::from(zone)),
        })
    }

    /// Queries in flight to `zone`.
    pub fn in_flight(&self, zone: &[u8]) -> usize {
        self.in_flight.get(zone).map_or(0, |count| *count)
    }
}

impl Drop for ZoneSlot<'_> {
    fn drop(&mut self) {
        let Some(zone) = self.zone.take() else {
            return;
        };
        self.queries.in_flight.remove_if_mut(&zone, |_, count| {
            *count -= 1;
            *count == 0
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLOW: &[u8] = b"\x04slow\x00";
    const FAST: &[u8] = b"\x04fast\x00";

    #[test]
    fn each_zone_gets_its_own_bound() {
        let queries = ZoneQueries::new(2);
        let slow: Vec<_> = (0..2).map(|_| queries.acquire(SLOW)).collect();
        assert!(slow.iter().all(Option::is_some));
        assert!(queries.acquire(SLOW).is_none(), "the third to slow.");
        assert!(queries.acquire(FAST).is_some(), "fast. is not affected");
        assert_eq!(queries.in_flight(SLOW), 2);
        drop(slow);
        assert_eq!(queries.in_flight(SLOW), 0);
        assert!(queries.in_flight.is_empty(), "no entry is left behind");
        assert!(queries.acquire(SLOW).is_some());
    }

    #[test]
    fn zero_means_no_bound() {
        let queries = ZoneQueries::new(0);
        let held: Vec<_> = (0..1000).map(|_| queries.acquire(SLOW)).collect();
        assert!(held.iter().all(Option::is_some));
    }
}
