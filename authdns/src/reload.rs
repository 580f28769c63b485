//! Loading and reloading the zone directory: parse what changed off the
//! query path, then publish the new snapshot with one atomic store.
//! In-flight queries finish on the snapshot they loaded; the reload thread
//! then frees the old one and returns its memory (see [`crate::memory`]).

use std::sync::Arc;

use zone_loader::directory::{ReloadReport, ZoneDirectory};
use zone_loader::{SharedSnapshot, Snapshot};

use crate::memory;

/// Reloads `directory` and publishes the result into `shared`. An
/// unreadable directory publishes nothing: the old snapshot keeps serving.
pub fn reload(directory: &mut ZoneDirectory, shared: &SharedSnapshot) {
    match directory.reload() {
        Ok((snapshot, report)) => {
            log_report(&report);
            publish(shared, snapshot, &report);
        }
        Err(e) => tracing::error!(
            "cannot read zone directory {}: {e}; keeping the zones loaded",
            directory.path().display()
        ),
    }
}

fn publish(shared: &SharedSnapshot, snapshot: Snapshot, report: &ReloadReport) {
    let changed = !report.loaded.is_empty() || !report.removed.is_empty();
    if changed {
        let old = shared.swap(Arc::new(snapshot));
        memory::retire(old);
    }
}

/// Logs what a reload did, every problem with its file:line.
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
