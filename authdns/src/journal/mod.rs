//! The journal: the differences between successive versions of a zone,
//! kept so that secondaries can catch up with an incremental transfer
//! (IXFR, RFC 1995) instead of a whole zone.
//!
//! ```text
//! Catalog publishes old → new ─► diff (canonical walk of both zones)
//!   ─► Changeset {from, to, old SOA, removed, new SOA, added}
//!   ─► Journal (bounded: oldest changesets dropped first) ─► file (atomic, checksummed)
//! IXFR query with serial s ─► Journals::since(s) ─► changesets s → served ─► transfer::ixfr
//! ```
//!
//! Every published version of a zone that has a `[[zone]]` entry is
//! journaled, whatever brought it (a zone file reload or a transfer in),
//! so a secondary serves IXFR downstream too. A journal is one unbroken
//! chain of serials ending at the version served: a version that does
//! not follow the journal's last serial (a restart with another file, a
//! removed zone) starts a new, empty chain. Files live in
//! `<state-dir>/journal/` and are read back at start (see [`file`]).
//!
//! Not done: condensing several changesets into one.

pub mod diff;
pub mod file;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use zone_loader::rtype::code;
use zone_loader::{Name, Zone};

use crate::catalog::{Change, Origin};

/// The journal bound per zone when `journal-size` is not set: 1 MiB, as
/// NSD's `ixfr-size` default. Journals are kept in memory as well as on
/// disk; a secondary further behind than that gets a full transfer,
/// which for a zone changing that much is about as cheap.
pub const DEFAULT_SIZE: usize = 1024 * 1024;

/// One record of a changeset, borrowed from its [`Records`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// The owner, lowercase wire form.
    pub name: &'a [u8],
    /// The type code.
    pub rtype: u16,
    /// The TTL.
    pub ttl: u32,
    /// The rdata in wire form.
    pub rdata: &'a [u8],
}

/// Records back to back: owner length (1 octet), owner, type (2), TTL
/// (4), rdata length (2), rdata; the same bytes in memory and on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    bytes: Vec<u8>,
    count: u32,
}

impl Records {
    /// Appends a record.
    pub fn push(&mut self, record: Record<'_>) {
        self.bytes.push(record.name.len() as u8);
        self.bytes.extend_from_slice(record.name);
        self.bytes.extend_from_slice(&record.rtype.to_be_bytes());
        self.bytes.extend_from_slice(&record.ttl.to_be_bytes());
        self.bytes
            .extend_from_slice(&(record.rdata.len() as u16).to_be_bytes());
        self.bytes.extend_from_slice(record.rdata);
        self.count += 1;
    }

    /// Records decoded from `bytes`, which must hold exactly `count`
    /// well-formed records (`None` otherwise): the way back from disk.
    pub fn from_bytes(bytes: Vec<u8>, count: u32) -> Option<Self> {
        let mut at = 0;
        for _ in 0..count {
            let (record, next) = record_at(&bytes, at)?;
            if !is_name(record.name) || !rdata_ok(record.rtype, record.rdata) {
                return None;
            }
            at = next;
        }
        (at == bytes.len()).then_some(Self { bytes, count })
    }

    /// How many records.
    pub fn len(&self) -> u32 {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The record starting at octet `at`, and where the next one starts.
    pub fn get(&self, at: usize) -> Option<(Record<'_>, usize)> {
        record_at(&self.bytes, at)
    }

    /// Every record, in order.
    pub fn iter(&self) -> impl Iterator<Item = Record<'_>> {
        let mut at = 0;
        std::iter::from_fn(move || {
            let (record, next) = self.get(at)?;
            at = next;
            Some(record)
        })
    }
}

/// Whether `wire` is exactly one uncompressed name.
fn is_name(wire: &[u8]) -> bool {
    zone_loader::wire::name::wire_len(wire).is_ok_and(|len| len == wire.len())
}

/// Whether the names in `rdata` that the response writer compresses are
/// well formed (RFC 1035 types: NS, MD, MF, CNAME, MB, MG, MR, PTR, MX,
/// SOA, MINFO): the writer trusts them, and a journal file is input.
pub fn rdata_ok(rtype: u16, rdata: &[u8]) -> bool {
    let two_names = |rest_len: usize| {
        let Ok(first) = zone_loader::wire::name::wire_len(rdata) else {
            return false;
        };
        zone_loader::wire::name::wire_len(&rdata[first..])
            .is_ok_and(|second| rdata.len() - first - second == rest_len)
    };
    match rtype {
        code::NS
        | code::MD
        | code::MF
        | code::CNAME
        | code::MB
        | code::MG
        | code::MR
        | code::PTR => is_name(rdata),
        code::MX => rdata.len() > 2 && is_name(&rdata[2..]),
        code::SOA => two_names(20),
        code::MINFO => two_names(0),
        _ => true,
    }
}

fn record_at(bytes: &[u8], at: usize) -> Option<(Record<'_>, usize)> {
    let name_len = usize::from(*bytes.get(at)?);
    let name = bytes.get(at + 1..at + 1 + name_len)?;
    let mut pos = at + 1 + name_len;
    let fixed = bytes.get(pos..pos + 8)?;
    let rtype = u16::from_be_bytes([fixed[0], fixed[1]]);
    let ttl = u32::from_be_bytes([fixed[2], fixed[3], fixed[4], fixed[5]]);
    let rdata_len = usize::from(u16::from_be_bytes([fixed[6], fixed[7]]));
    pos += 8;
    let rdata = bytes.get(pos..pos + rdata_len)?;
    Some((
        Record {
            name,
            rtype,
            ttl,
            rdata,
        },
        pos + rdata_len,
    ))
}

/// An apex SOA record: its TTL and rdata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Soa {
    /// The TTL.
    pub ttl: u32,
    /// The rdata in wire form (MNAME, RNAME, then five 32-bit fields).
    pub rdata: Box<[u8]>,
}

impl Soa {
    /// The SOA of `zone`.
    pub fn of(zone: &Zone) -> Self {
        let rrset = zone.soa();
        Self {
            ttl: rrset.ttl,
            rdata: zone.records(rrset).next().unwrap_or_default().into(),
        }
    }

    /// The serial, or `None` when the rdata is too short to hold one.
    pub fn serial(&self) -> Option<u32> {
        let at = self.rdata.len().checked_sub(20)?;
        Some(u32::from_be_bytes(self.rdata[at..at + 4].try_into().ok()?))
    }
}

/// The difference between two successive versions of a zone (RFC 1995
/// 4: "the old SOA, the deleted records, the new SOA, the added records").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changeset {
    /// The SOA of the version it starts from.
    pub old_soa: Soa,
    /// Records of the old version not in the new one (apex SOA aside).
    pub removed: Records,
    /// The SOA of the version it leads to.
    pub new_soa: Soa,
    /// Records of the new version not in the old one (apex SOA aside).
    pub added: Records,
}

impl Changeset {
    /// The serial it starts from.
    pub fn from(&self) -> u32 {
        self.old_soa.serial().unwrap_or_default()
    }

    /// The serial it leads to.
    pub fn to(&self) -> u32 {
        self.new_soa.serial().unwrap_or_default()
    }

    /// What it weighs against the journal bound: its encoded size.
    pub fn size(&self) -> usize {
        self.old_soa.rdata.len()
            + self.new_soa.rdata.len()
            + self.removed.as_bytes().len()
            + self.added.as_bytes().len()
            + file::CHANGESET_OVERHEAD
    }
}

/// One zone's changesets, oldest first, an unbroken chain of serials,
/// within a size bound.
#[derive(Debug, Clone)]
pub struct Journal {
    changesets: VecDeque<Arc<Changeset>>,
    size: usize,
    limit: usize,
}

impl Journal {
    /// An empty journal holding at most `limit` octets of changesets.
    pub fn new(limit: usize) -> Self {
        Self {
            changesets: VecDeque::new(),
            size: 0,
            limit,
        }
    }

    /// The serial the last changeset leads to, if any.
    pub fn last_serial(&self) -> Option<u32> {
        self.changesets.back().map(|c| c.to())
    }

    /// The changesets, oldest first.
    pub fn changesets(&self) -> impl Iterator<Item = &Arc<Changeset>> {
        self.changesets.iter()
    }

    /// The octets held.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Appends `changeset` and drops the oldest ones until the journal
    /// is within its bound (a changeset larger than the bound is not
    /// kept at all). A changeset that does not start where the journal
    /// ends starts a new chain. Returns how many changesets were dropped.
    pub fn append(&mut self, changeset: Changeset) -> usize {
        let mut dropped = 0;
        if self
            .last_serial()
            .is_some_and(|last| last != changeset.from())
        {
            dropped += self.clear();
        }
        self.size += changeset.size();
        self.changesets.push_back(Arc::new(changeset));
        while self.size > self.limit {
            let Some(oldest) = self.changesets.pop_front() else {
                break;
            };
            self.size -= oldest.size();
            dropped += 1;
        }
        dropped
    }

    /// Forgets every changeset; returns how many.
    pub fn clear(&mut self) -> usize {
        let count = self.changesets.len();
        self.changesets.clear();
        self.size = 0;
        count
    }

    /// The changesets leading from `serial` to `current`, if the journal
    /// holds that whole path.
    pub fn since(&self, serial: u32, current: u32) -> Option<Vec<Arc<Changeset>>> {
        let first = self.changesets.iter().position(|c| c.from() == serial)?;
        let path: Vec<_> = self.changesets.iter().skip(first).cloned().collect();
        (path.last()?.to() == current).then_some(path)
    }
}

/// The serial the journal file of `origin` in `dir` ends at, if there is
/// a readable one (a damaged file is reported by [`Journals::open`]).
pub fn ends_at(dir: &Path, origin: &Name) -> Option<u32> {
    let changesets = file::read(&file::path(dir, origin), origin.as_wire()).ok()??;
    changesets.last().map(Changeset::to)
}

/// The journals of every zone with a `[[zone]]` entry, shared between
/// the catalog's observer (appending) and the transfer path (reading).
#[derive(Debug)]
pub struct Journals {
    dir: PathBuf,
    zones: Mutex<HashMap<Origin, Journal>>,
}

impl Journals {
    /// The journals of the zones in `limits` (origin → bound), read from
    /// `dir` where files exist. A file that is corrupt is discarded with
    /// an error; one that does not end at the serial served now (by
    /// `served`) is discarded too: the chain must end at what is served.
    /// A zone not served yet keeps its file until its first version
    /// shows whether the chain continues.
    pub fn open(
        dir: PathBuf,
        limits: &HashMap<Origin, usize>,
        served: impl Fn(&[u8]) -> Option<u32>,
    ) -> Self {
        let mut zones = HashMap::new();
        for (origin, &limit) in limits {
            let Ok(name) = Name::from_wire(origin) else {
                continue;
            };
            let mut journal = Journal::new(limit);
            let path = file::path(&dir, &name);
            match file::read(&path, origin) {
                Ok(None) => {}
                Ok(Some(changesets)) => {
                    for changeset in changesets {
                        journal.append(changeset);
                    }
                    let ends = journal.last_serial();
                    match served(origin) {
                        Some(serial) if ends != Some(serial) => {
                            tracing::info!(
                                "journal of {name} ends at serial {} but serial {serial} is served: discarded",
                                ends.map_or_else(|| "-".to_owned(), |s| s.to_string()),
                            );
                            journal.clear();
                            file::remove(&path);
                        }
                        _ => tracing::info!(
                            "journal of {name}: {} changesets read, up to serial {}",
                            journal.changesets.len(),
                            ends.map_or_else(|| "-".to_owned(), |s| s.to_string()),
                        ),
                    }
                }
                Err(e) => {
                    tracing::error!("journal {} discarded: {e}", path.display());
                    file::remove(&path);
                }
            }
            zones.insert(origin.clone(), journal);
        }
        Self {
            dir,
            zones: Mutex::new(zones),
        }
    }

    /// Records a published change (the catalog observer): the difference
    /// old → new is appended to the zone's journal and written out. The
    /// diff and the write happen outside the lock, so IXFR answers never
    /// wait for them (the catalog calls observers one change at a time).
    pub fn record(&self, change: &Change) {
        let origin = change.origin.as_wire();
        let path = file::path(&self.dir, &change.origin);
        let (old, new) = {
            let mut zones = self.zones.lock().unwrap_or_else(|e| e.into_inner());
            let Some(journal) = zones.get_mut(origin) else {
                return;
            };
            match (&change.old, &change.new) {
                (Some(old), Some(new)) => (old, new),
                (None, Some(new)) if journal.last_serial() == Some(new.serial()) => return,
                _ => {
                    // Removed, or a first version the journal does not
                    // lead to: nothing to chain from.
                    if journal.clear() > 0 {
                        tracing::info!("journal of {} cleared", change.origin);
                    }
                    file::remove(&path);
                    return;
                }
            }
        };
        let started = std::time::Instant::now();
        let changeset = diff::changeset(old, new);
        let (removed, added) = (changeset.removed.len(), changeset.added.len());
        let diffed = started.elapsed();
        let (dropped, kept, size) = {
            let mut zones = self.zones.lock().unwrap_or_else(|e| e.into_inner());
            let Some(journal) = zones.get_mut(origin) else {
                return;
            };
            let dropped = journal.append(changeset);
            let kept: Vec<_> = journal.changesets().cloned().collect();
            (dropped, kept, journal.size())
        };
        let written = file::write(&self.dir, &path, origin, &kept);
        tracing::info!(
            "journal of {}: serial {} -> {}, {removed} records removed, {added} added; \
             {} changesets, {size} octets ({dropped} dropped); diff {:.1} ms, write {:.1} ms",
            change.origin,
            old.serial(),
            new.serial(),
            kept.len(),
            diffed.as_secs_f64() * 1000.0,
            (started.elapsed() - diffed).as_secs_f64() * 1000.0,
        );
        if let Err(e) = written {
            tracing::error!(
                "cannot write journal {}: {e}; it is kept in memory only",
                path.display()
            );
        }
    }

    /// The changesets taking zone `origin` from `serial` to `current`,
    /// if its journal holds them all.
    pub fn since(&self, origin: &[u8], serial: u32, current: u32) -> Option<Vec<Arc<Changeset>>> {
        let zones = self.zones.lock().unwrap_or_else(|e| e.into_inner());
        zones.get(origin)?.since(serial, current)
    }
}
