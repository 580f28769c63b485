//! A snapshot: every served zone by origin, with longest-match selection.
//!
//! Servers hold the current snapshot in an [`arc_swap::ArcSwap`]: a query
//! loads it once and answers from it; a reload builds a new one and
//! publishes it with one store. Unchanged zones are shared between
//! snapshots as `Arc<Zone>`.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::zone::Zone;

/// The current snapshot, shared by the query path and the reloader.
pub type SharedSnapshot = arc_swap::ArcSwap<Snapshot>;

/// Zones by lowercased origin.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    zones: FxHashMap<Box<[u8]>, Arc<Zone>>,
    max_origin_len: usize,
    /// Zones that exist but are not served now (an expired secondary).
    expired: Vec<Box<[u8]>>,
}

impl Snapshot {
    /// A snapshot of `zones` (one per origin; a later duplicate wins).
    pub fn new(zones: impl IntoIterator<Item = Arc<Zone>>) -> Self {
        let mut snapshot = Self::default();
        for zone in zones {
            let origin: Box<[u8]> = zone.origin().as_wire().into();
            snapshot.max_origin_len = snapshot.max_origin_len.max(origin.len());
            snapshot.zones.insert(origin, zone);
        }
        snapshot
    }

    /// The zone with the longest origin at or above `name` (lowercase wire form).
    pub fn find(&self, name: &[u8]) -> Option<&Arc<Zone>> {
        let mut pos = 0;
        loop {
            let suffix = &name[pos..];
            if suffix.len() <= self.max_origin_len
                && let Some(zone) = self.zones.get(suffix)
            {
                return Some(zone);
            }
            if suffix.first().is_none_or(|&len| len == 0) {
                return None;
            }
            pos += 1 + usize::from(suffix[0]);
        }
    }

    /// The same snapshot with `origins` (lowercase wire form) marked as
    /// zones that exist but cannot be answered now: a secondary zone
    /// expired or never transferred (RFC 1034 4.3.5), answered SERVFAIL.
    pub fn with_expired(mut self, origins: impl IntoIterator<Item = Box<[u8]>>) -> Self {
        self.expired = origins.into_iter().collect();
        self
    }

    /// The expired zone at or above `name` (lowercase wire form) that is
    /// deeper than any zone served for it, if any. Cheap when none is
    /// expired: one emptiness check.
    pub fn expired(&self, name: &[u8]) -> Option<&[u8]> {
        if self.expired.is_empty() {
            return None;
        }
        let served = self.find(name).map_or(0, |z| z.origin().as_wire().len());
        self.expired
            .iter()
            .map(|o| &**o)
            .filter(|o| o.len() > served && crate::wire::name::is_subdomain(name, o))
            .max_by_key(|o| o.len())
    }

    /// The zone with exactly this origin (lowercase wire form).
    pub fn get(&self, origin: &[u8]) -> Option<&Arc<Zone>> {
        self.zones.get(origin)
    }

    /// Every zone, in no particular order.
    pub fn zones(&self) -> impl Iterator<Item = &Arc<Zone>> {
        self.zones.values()
    }

    /// The number of zones.
    pub fn len(&self) -> usize {
        self.zones.len()
    }

    /// Whether there are no zones.
    pub fn is_empty(&self) -> bool {
        self.zones.is_empty()
    }
}
