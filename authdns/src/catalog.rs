//! Every zone served, wherever it comes from, and the one place new
//! versions are published: zone files (loaded at start, reloaded on
//! SIGHUP or by the watch) and transferred zones (a secondary's copy).
//!
//! ```text
//! ZoneDirectory::reload ─┐
//!                        ├─► Catalog: serial rule ─► Snapshot ─► ArcSwap::swap
//! transfer in ───────────┘                                           │
//!                        observers (journal, NOTIFY) ◄─ [Change] ◄───┴─► memory::retire(old)
//! ```
//!
//! Parsing and checking happen off the query path; a new version goes
//! live with one atomic store, in-flight queries finish on the snapshot
//! they loaded, and the caller's thread then frees the old one (see
//! [`crate::memory`]). A version that fails to load, or whose serial is
//! not newer than the one served (RFC 1982), never replaces it.
//!
//! The catalog is not shared between threads by itself: the server keeps
//! it behind a mutex, so reloads and transfers publish one at a time.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use zone_loader::directory::{ReloadReport, ZoneDirectory, origin_from_file_name};
use zone_loader::{Name, SharedSnapshot, Snapshot, Zone};

use crate::memory;
use crate::serial;

/// A zone's origin in lowercase wire form: the key of every per-zone map.
pub type Origin = Box<[u8]>;

/// One zone's new version, published.
#[derive(Debug, Clone)]
pub struct Change {
    /// The zone's origin.
    pub origin: Name,
    /// The version served before, if any.
    pub old: Option<Arc<Zone>>,
    /// The version served now; `None` when the zone was removed.
    pub new: Option<Arc<Zone>>,
}

/// Why a version was not published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Its serial is not newer than the served version's (RFC 1982).
    SerialNotNewer {
        /// The serial served.
        served: u32,
        /// The serial offered.
        offered: u32,
    },
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SerialNotNewer { served, offered } => write!(
                f,
                "serial {offered} is not newer than the served serial {served} (RFC 1982)"
            ),
        }
    }
}

/// Called with each change once it is live (see [`Catalog::on_publish`]).
pub type Observer = Box<dyn FnMut(&Change) + Send>;

/// Every zone served, and the snapshot that serves them.
pub struct Catalog {
    shared: Arc<SharedSnapshot>,
    directory: ZoneDirectory,
    /// Zones from files, as served (a refused version is not here).
    files: HashMap<Origin, Arc<Zone>>,
    /// Zones received by transfer, as served; they take precedence over
    /// a file of the same origin.
    transferred: HashMap<Origin, Arc<Zone>>,
    /// Secondary zones not served now (expired, or never transferred):
    /// answered SERVFAIL.
    expired: HashSet<Origin>,
    observers: Vec<Observer>,
}

impl Catalog {
    /// Loads every zone file of `directory`. An unreadable directory is
    /// an error; zones that fail to load are reported and not served.
    pub fn load(directory: impl Into<PathBuf>) -> io::Result<(Self, ReloadReport)> {
        let mut directory = ZoneDirectory::new(directory);
        let (snapshot, report) = directory.reload()?;
        let files = snapshot
            .zones()
            .map(|z| (Origin::from(z.origin().as_wire()), Arc::clone(z)))
            .collect();
        let catalog = Self {
            shared: Arc::new(SharedSnapshot::from_pointee(snapshot)),
            directory,
            files,
            transferred: HashMap::new(),
            expired: HashSet::new(),
            observers: Vec::new(),
        };
        Ok((catalog, report))
    }

    /// Calls `observer` with every change published from now on, in
    /// order, on the publishing thread, after the swap and before the old
    /// snapshot is freed: what follows a new version (the journal,
    /// NOTIFY) hooks in here, whichever path brought the version.
    pub fn on_publish(&mut self, observer: Observer) {
        self.observers.push(observer);
    }

    /// The snapshot the query path reads.
    pub fn shared(&self) -> &Arc<SharedSnapshot> {
        &self.shared
    }

    /// The zone directory's path.
    pub fn directory(&self) -> &std::path::Path {
        self.directory.path()
    }

    /// The version of `origin` served now, if any.
    pub fn served(&self, origin: &[u8]) -> Option<&Arc<Zone>> {
        self.transferred
            .get(origin)
            .or_else(|| self.files.get(origin))
    }

    /// Reads the zone files that changed and publishes their new
    /// versions. Returns what the directory reload found (for the log),
    /// the versions refused, and the changes published.
    pub fn reload(&mut self) -> io::Result<Reload> {
        let (snapshot, report) = self.directory.reload()?;
        let mut outcome = Reload::default();
        let mut changes = Vec::new();
        for path in &report.removed {
            let Some(origin) = origin_from_file_name(path) else {
                continue;
            };
            let old = self.files.remove(origin.as_wire());
            if old.is_some() {
                changes.push(Change {
                    origin,
                    old,
                    new: None,
                });
            }
        }
        for (path, _) in &report.loaded {
            let Some(origin) = origin_from_file_name(path) else {
                continue;
            };
            let key: Origin = origin.as_wire().into();
            let Some(new) = snapshot.get(&key).cloned() else {
                continue;
            };
            let old = self.files.get(&key).cloned();
            if let Some(old) = &old
                && let Err(refused) = acceptable(old, &new)
            {
                // Keep the served version in the directory too, so that
                // the next snapshot it builds still holds it.
                self.directory.restore(path, Some(Arc::clone(old)));
                outcome.refused.push((path.clone(), refused));
                continue;
            }
            self.files.insert(key, Arc::clone(&new));
            changes.push(Change {
                origin,
                old,
                new: Some(new),
            });
        }
        drop(snapshot);
        outcome.report = report;
        outcome.changes = self.publish(changes);
        Ok(outcome)
    }

    /// Publishes `zone`, received by transfer, unless its serial is not
    /// newer than the version served.
    pub fn install(&mut self, zone: Arc<Zone>) -> Result<Change, Refused> {
        let key: Origin = zone.origin().as_wire().into();
        let old = self.served(&key).cloned();
        if let Some(old) = &old {
            acceptable(old, &zone)?;
        }
        self.expired.remove(&key);
        self.transferred.insert(key, Arc::clone(&zone));
        let change = Change {
            origin: zone.origin().clone(),
            old,
            new: Some(zone),
        };
        Ok(self.publish(vec![change]).remove(0))
    }

    /// Stops serving the transferred zone `origin` (it expired, or was
    /// never transferred): queries for it get SERVFAIL until a version is
    /// installed, unless a zone file of the same origin serves.
    pub fn withdraw(&mut self, origin: &[u8]) -> Option<Change> {
        let newly = self.expired.insert(origin.into());
        let Some(old) = self.transferred.remove(origin) else {
            if newly {
                memory::retire(self.swap());
            }
            return None;
        };
        let change = Change {
            origin: old.origin().clone(),
            new: self.files.get(origin).cloned(),
            old: Some(old),
        };
        Some(self.publish(vec![change]).remove(0))
    }

    /// Swaps in a snapshot of every served zone if anything changed, then
    /// frees the old one once its last reader is done.
    fn publish(&mut self, changes: Vec<Change>) -> Vec<Change> {
        if changes.is_empty() {
            return changes;
        }
        let old = self.swap();
        for change in &changes {
            for observer in &mut self.observers {
                observer(change);
            }
        }
        memory::retire(old);
        changes
    }

    /// Swaps in a snapshot of every served zone; returns the old one.
    fn swap(&mut self) -> Arc<Snapshot> {
        let mut zones: HashMap<&[u8], &Arc<Zone>> =
            self.files.iter().map(|(k, z)| (&**k, z)).collect();
        zones.extend(self.transferred.iter().map(|(k, z)| (&**k, z)));
        let expired = self
            .expired
            .iter()
            .filter(|o| !zones.contains_key(&***o))
            .cloned();
        let snapshot = Snapshot::new(zones.values().map(|z| Arc::clone(z))).with_expired(expired);
        self.shared.swap(Arc::new(snapshot))
    }
}

/// What [`Catalog::reload`] did.
#[derive(Debug, Default)]
pub struct Reload {
    /// What the directory reload found.
    pub report: ReloadReport,
    /// Zone files that loaded but were not published, and why.
    pub refused: Vec<(PathBuf, Refused)>,
    /// The versions published.
    pub changes: Vec<Change>,
}

impl Reload {
    /// Logs what the reload did, every problem with its file:line.
    pub fn log(&self) {
        log_report(&self.report);
        for (path, refused) in &self.refused {
            tracing::error!(
                "zone file {} not published: {refused}; the old version keeps serving",
                path.display()
            );
        }
    }
}

/// Whether `new` may replace `old`: its serial must be newer.
fn acceptable(old: &Zone, new: &Zone) -> Result<(), Refused> {
    if serial::is_newer(new.serial(), old.serial()) {
        Ok(())
    } else {
        Err(Refused::SerialNotNewer {
            served: old.serial(),
            offered: new.serial(),
        })
    }
}

/// Logs what a directory reload found, every problem with its file:line.
pub fn log_report(report: &ReloadReport) {
    for (path, problems) in &report.loaded {
        for problem in &problems.list {
            tracing::warn!("{problem}");
        }
        tracing::info!(
            "loaded {} ({} warnings)",
            path.display(),
            problems.warnings()
        );
    }
    for (path, problems) in &report.failed {
        for problem in &problems.list {
            tracing::error!("{problem}");
        }
        tracing::error!(
            "zone file {} rejected with {} errors; the last good version, if any, keeps serving",
            path.display(),
            problems.errors()
        );
    }
    for path in &report.removed {
        tracing::info!("zone file {} removed; no longer served", path.display());
    }
}

#[cfg(test)]
mod tests;
