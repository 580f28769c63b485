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
