//! A directory of zone files, one zone per `ORIGIN.zone` file, reloaded
//! incrementally.
//!
//! The origin comes from the file name: `example.com.zone` is
//! `example.com.`, `root.zone` is `.`. On each reload only zones whose
//! file or included files changed (modification time or size) are parsed
//! again; a zone that fails keeps its last good version in the snapshot,
//! and its problems are returned for the caller to log.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::load_zone;
use crate::problem::Problems;
use crate::snapshot::Snapshot;
use crate::wire::name::Name;
use crate::zone::Zone;

/// What identifies a version of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    path: PathBuf,
    modified: Option<SystemTime>,
    len: u64,
}

impl Stamp {
    fn of(path: &Path) -> Self {
        let meta = std::fs::metadata(path).ok();
        Self {
            path: path.to_path_buf(),
            modified: meta.as_ref().and_then(|m| m.modified().ok()),
            len: meta.map_or(u64::MAX, |m| m.len()),
        }
    }

    fn unchanged(stamps: &[Self]) -> bool {
        stamps.iter().all(|s| *s == Self::of(&s.path))
    }
}

struct Entry {
    zone: Option<Arc<Zone>>,
    stamps: Vec<Stamp>,
}

/// The outcome of one reload.
#[derive(Debug, Default)]
pub struct ReloadReport {
    /// Zones parsed and published.
    pub loaded: Vec<(PathBuf, Problems)>,
    /// Zones whose files had not changed.
    pub unchanged: usize,
    /// Zones that failed; the previous version, if any, keeps serving.
    pub failed: Vec<(PathBuf, Problems)>,
    /// Zone files that disappeared; their zones are no longer served.
    pub removed: Vec<PathBuf>,
}

/// Zone files in one directory, with what was loaded from each.
pub struct ZoneDirectory {
    dir: PathBuf,
    entries: HashMap<PathBuf, Entry>,
}

/// The origin a zone file's name gives, or `None` if it is not `*.zone`.
pub fn origin_from_file_name(path: &Path) -> Option<Name> {
    let stem = path.file_name()?.to_str()?.strip_suffix(".zone")?;
    if stem.is_empty() {
        return None;
    }
    if stem == "root" || stem == "." {
        return Some(Name::root());
    }
    Name::from_text(stem.trim_end_matches('.').as_bytes(), &Name::root()).ok()
}

impl ZoneDirectory {
    /// A directory not yet read.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            entries: HashMap::new(),
        }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    fn zone_files(&self) -> io::Result<Vec<PathBuf>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && origin_from_file_name(p).is_some())
            .collect();
        files.sort();
        Ok(files)
    }

    /// Makes `zone` the version held for the file at `path`, keeping the
    /// file's stamps: a caller that refuses a version it just loaded puts
    /// the previous one back, and the file is read again only once it
    /// changes again.
    pub fn restore(&mut self, path: &Path, zone: Option<Arc<Zone>>) {
        if let Some(entry) = self.entries.get_mut(path) {
            entry.zone = zone;
        }
    }

    /// Reads changed zone files and returns the snapshot to publish.
    /// An unreadable directory is an error and changes nothing.
    pub fn reload(&mut self) -> io::Result<(Snapshot, ReloadReport)> {
        let files = self.zone_files()?;
        let mut report = ReloadReport::default();
        let before: Vec<PathBuf> = self.entries.keys().cloned().collect();
        for path in before {
            if !files.contains(&path) {
                self.entries.remove(&path);
                report.removed.push(path);
            }
        }
        for path in &files {
            if self
                .entries
                .get(path)
                .is_some_and(|e| Stamp::unchanged(&e.stamps))
            {
                report.unchanged += 1;
                continue;
            }
            let origin = origin_from_file_name(path).expect("zone_files keeps only zone names");
            let stamp = Stamp::of(path);
            let (result, read) = load_zone(path, &origin);
            let mut stamps = vec![stamp];
            stamps.extend(read.iter().skip(1).map(|p| Stamp::of(p)));
            let previous = self.entries.remove(path).and_then(|e| e.zone);
            let zone = match result {
                Ok((zone, problems)) => {
                    report.loaded.push((path.clone(), problems));
                    Some(Arc::new(zone))
                }
                Err(problems) => {
                    report.failed.push((path.clone(), problems));
                    previous
                }
            };
            self.entries.insert(path.clone(), Entry { zone, stamps });
        }
        let snapshot = Snapshot::new(self.entries.values().filter_map(|e| e.zone.clone()));
        Ok((snapshot, report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONE: &str = "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("zl-dir-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("inc")).unwrap();
        dir
    }

    #[test]
    fn origins_come_from_file_names() {
        let origin = |f: &str| origin_from_file_name(Path::new(f)).map(|n| n.to_string());
        assert_eq!(origin("example.com.zone").as_deref(), Some("example.com."));
        assert_eq!(
            origin("/z/example.com..zone").as_deref(),
            Some("example.com.")
        );
        assert_eq!(origin("root.zone").as_deref(), Some("."));
        assert_eq!(origin("example.com.db"), None);
        assert_eq!(origin(".zone"), None);
    }

    #[test]
    fn only_changed_zones_are_parsed_again() {
        let dir = dir("incremental");
        std::fs::write(dir.join("a.example.zone"), ZONE).unwrap();
        std::fs::write(
            dir.join("b.example.zone"),
            format!("{ZONE}$INCLUDE inc/b.inc\n"),
        )
        .unwrap();
        std::fs::write(dir.join("inc/b.inc"), "x A 192.0.2.2\n").unwrap();
        let mut zones = ZoneDirectory::new(&dir);
        let (first, report) = zones.reload().unwrap();
        assert_eq!(
            (report.loaded.len(), report.unchanged, first.len()),
            (2, 0, 2)
        );

        let (second, report) = zones.reload().unwrap();
        assert_eq!((report.loaded.len(), report.unchanged), (0, 2));
        let a = |s: &Snapshot| Arc::clone(s.get(b"\x01a\x07example\x00").unwrap());
        assert!(
            Arc::ptr_eq(&a(&first), &a(&second)),
            "an unchanged zone is shared"
        );

        // Changing an included file reloads the zone that includes it, and only it.
        std::fs::write(dir.join("inc/b.inc"), "x A 192.0.2.2\ny A 192.0.2.3\n").unwrap();
        let (third, report) = zones.reload().unwrap();
        assert_eq!(report.loaded.len(), 1);
        assert!(report.loaded[0].0.ends_with("b.example.zone"));
        assert!(Arc::ptr_eq(&a(&second), &a(&third)));

        // A broken zone keeps its last good version; a removed file is dropped.
        std::fs::write(dir.join("b.example.zone"), "garbage\n").unwrap();
        let (fourth, report) = zones.reload().unwrap();
        assert_eq!(report.failed.len(), 1);
        assert_eq!(
            fourth.get(b"\x01b\x07example\x00").map(|z| z.serial()),
            Some(1)
        );
        std::fs::remove_file(dir.join("a.example.zone")).unwrap();
        let (fifth, report) = zones.reload().unwrap();
        assert_eq!(report.removed.len(), 1);
        assert!(fifth.get(b"\x01a\x07example\x00").is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
