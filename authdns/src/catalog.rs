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

use crate::journal;
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
    /// Serial policies of zones that have one other than the default.
    policies: HashMap<Origin, SerialPolicy>,
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
            policies: HashMap::new(),
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
            let new = match &old {
                None => new,
                Some(old) => match self.admit(old, new) {
                    Admit::Publish(new) => new,
                    Admit::Incremented(new) => {
                        self.directory.restore(path, Some(Arc::clone(&new)));
                        outcome
                            .incremented
                            .push((path.clone(), old.serial(), new.serial()));
                        new
                    }
                    Admit::Unchanged => {
                        // Keep sharing the served version.
                        self.directory.restore(path, Some(Arc::clone(old)));
                        outcome.unchanged.push(path.clone());
                        continue;
                    }
                    Admit::Refused(refused) => {
                        // Keep the served version in the directory too, so
                        // that the next snapshot it builds still holds it.
                        self.directory.restore(path, Some(Arc::clone(old)));
                        outcome.refused.push((path.clone(), refused));
                        continue;
                    }
                },
            };
            self.files.insert(key, Arc::clone(&new));
            changes.push(Change {
                origin,
                old,
                new: Some(new),
            });
        }
        drop(snapshot);
        // A file shadowed by a transferred version changes nothing served:
        // the journal and NOTIFY must not hear of it.
        changes.retain(|c| !self.transferred.contains_key(c.origin.as_wire()));
        outcome.report = report;
        outcome.changes = self.publish(changes);
        Ok(outcome)
    }

    /// Sets how a reloaded zone file of `origin` that changed without a
    /// newer serial is treated (default [`SerialPolicy::Strict`]).
    pub fn set_serial_policy(&mut self, origin: &[u8], policy: SerialPolicy) {
        self.policies.insert(origin.into(), policy);
    }

    /// Serves the zone file version of `origin` under `serial` instead of
    /// its own: at start, for serial policy "increment", when the journal
    /// shows that secondaries already hold a serial newer than the file's
    /// (authdns numbered versions before the restart). Zones received by
    /// transfer are never renumbered.
    pub fn renumber(&mut self, origin: &[u8], serial: u32) -> Option<Change> {
        let old = Arc::clone(self.files.get(origin)?);
        let mut zone = Zone::clone(&old);
        zone.set_serial(serial);
        let new = Arc::new(zone);
        self.files.insert(origin.into(), Arc::clone(&new));
        let change = Change {
            origin: old.origin().clone(),
            old: Some(old),
            new: Some(new),
        };
        Some(self.publish(vec![change]).remove(0))
    }

    /// What becomes of `new`, loaded from a file, replacing `old`.
    fn admit(&self, old: &Zone, new: Arc<Zone>) -> Admit {
        let Err(refused) = acceptable(old, &new) else {
            return Admit::Publish(new);
        };
        if journal::diff::same_content(old, &new) {
            return Admit::Unchanged;
        }
        let key = old.origin().as_wire();
        match self.policies.get(key).copied().unwrap_or_default() {
            SerialPolicy::Strict => Admit::Refused(refused),
            SerialPolicy::Increment => {
                let mut bumped = Zone::clone(&new);
                bumped.set_serial(serial::next(old.serial()));
                Admit::Incremented(Arc::new(bumped))
            }
        }
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

/// What a zone file that changed without a newer serial gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SerialPolicy {
    /// Refused, logged as an error; the served version stays (Knot's
    /// default for zone files).
    #[default]
    Strict,
    /// Published with the served serial plus one (RFC 1982), set by
    /// authdns (Knot's `serial-policy: increment`). The file is not
    /// rewritten.
    Increment,
}

/// What [`Catalog::admit`] decided.
enum Admit {
    Publish(Arc<Zone>),
    /// The same data under a serial rewritten to the served one plus one.
    Incremented(Arc<Zone>),
    /// The same data as served (the file was touched or saved again).
    Unchanged,
    Refused(Refused),
}

/// What [`Catalog::reload`] did.
#[derive(Debug, Default)]
pub struct Reload {
    /// What the directory reload found.
    pub report: ReloadReport,
    /// Zone files that loaded but were not published, and why.
    pub refused: Vec<(PathBuf, Refused)>,
    /// Zone files that loaded with the data already served: nothing to
    /// publish, and no error.
    pub unchanged: Vec<PathBuf>,
    /// Zone files published under a serial authdns set (serial policy
    /// "increment"): the served serial and the new one.
    pub incremented: Vec<(PathBuf, u32, u32)>,
    /// The versions published.
    pub changes: Vec<Change>,
}

impl Reload {
    /// Logs what the reload did, every problem with its file:line.
    pub fn log(&self) {
        log_report(&self.report);
        for path in &self.unchanged {
            tracing::info!(
                "zone file {} loaded with the data served now: nothing to publish",
                path.display()
            );
        }
        for (path, served, serial) in &self.incremented {
            tracing::info!(
                "zone file {} changed without a newer serial: published as serial {serial} (served {served}; serial-policy increment)",
                path.display()
            );
        }
        for (path, refused) in &self.refused {
            tracing::error!(
                "zone file {} not published: {refused}, and its data changed; the old version keeps serving (raise the serial, or set serial-policy = \"increment\")",
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
