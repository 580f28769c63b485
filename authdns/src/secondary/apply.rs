//! A transfer's records to a new zone version, built by zone-loader's
//! [`ZoneBuilder`] with the same checks as a zone file: AXFR from its
//! records; IXFR from the version served minus the deletions plus the
//! additions (RFC 1995 2), the differences folded in order into one net
//! change first, so that the served version's records are copied once.
//!
//! Problems are reported against a label naming the transfer (e.g.
//! `IXFR from 127.0.0.1:53`) and the record's position in it.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use zone_loader::parse::ParsedRecord;
use zone_loader::rdata::canonical;
use zone_loader::rtype::code;
use zone_loader::{Name, Problems, Zone, ZoneBuilder};

use super::XfrError;
use super::message::Record;
use super::xfr_reader::Diff;

/// At most this many problems are kept in a rejection (the log line).
const MAX_REPORTED: usize = 10;

/// Builds the zone `origin` from the records of an AXFR-style answer.
pub fn full(origin: &Name, records: &[Record], label: &str) -> Result<Zone, XfrError> {
    let file: Arc<Path> = Arc::from(Path::new(label));
    let mut builder = ZoneBuilder::new(origin);
    let mut problems = Problems::default();
    for (index, record) in records.iter().enumerate() {
        builder.add(parsed(record, &file, index), &mut problems);
    }
    finish(builder, problems)
}

/// A record's identity in a zone: owner (lowercase), type, canonical rdata.
type Identity = (Box<[u8]>, u16, Box<[u8]>);

fn identity(owner: &[u8], rtype: u16, rdata: &[u8]) -> Identity {
    (
        owner.to_ascii_lowercase().into(),
        rtype,
        canonical(rtype, rdata).into(),
    )
}

/// Whether `zone` holds the record `key`.
fn holds(zone: &Zone, key: &Identity) -> bool {
    let Some(index) = zone.find(&key.0) else {
        return false;
    };
    zone.rrset(zone.node(index), key.1)
        .is_some_and(|rrset| zone.records(rrset).any(|r| *canonical(key.1, r) == *key.2))
}

/// Builds the version `diffs` lead to from `old`, the version served:
/// the net change of every difference in order (RFC 1995 2) is worked
/// out first, then `old`'s records are copied into the builder without
/// the dropped ones (no name or record allocated per record), and the
/// added ones and the last SOA go in after them.
pub fn incremental(old: &Zone, diffs: &[Diff], label: &str) -> Result<Zone, XfrError> {
    let mut dropped: HashSet<Identity> = HashSet::new();
    let mut added: HashMap<Identity, &Record> = HashMap::new();
    let mut serial = old.serial();
    let mut last_soa = None;
    for diff in diffs {
        let from = diff.from.soa_serial().unwrap_or_default();
        if from != serial {
            return Err(XfrError::WrongBase { ours: serial, from });
        }
        for record in &diff.deleted {
            let key = identity(record.owner.as_wire(), record.rtype, &record.rdata);
            let in_old = !dropped.contains(&key) && holds(old, &key);
            if added.remove(&key).is_none() && !in_old {
                return Err(XfrError::DeletesAbsent(format!(
                    "{} {}",
                    record.owner,
                    zone_loader::rtype::mnemonic(record.rtype)
                )));
            }
            if in_old {
                dropped.insert(key);
            }
        }
        for record in &diff.added {
            let key = identity(record.owner.as_wire(), record.rtype, &record.rdata);
            // Re-added with perhaps another TTL: the new record replaces it.
            if holds(old, &key) {
                dropped.insert(key.clone());
            }
            added.insert(key, record);
        }
        serial = diff.to.soa_serial().unwrap_or_default();
        last_soa = Some(&diff.to);
    }
    let file: Arc<Path> = Arc::from(Path::new(label));
    let mut builder = ZoneBuilder::new(old.origin());
    let owners: HashSet<&[u8]> = dropped.iter().map(|key| &*key.0).collect();
    builder.add_zone(old, &file, |owner, rtype, rdata| {
        if rtype == code::SOA {
            return last_soa.is_none();
        }
        // Zone owners are lowercase: most records are kept on this test alone.
        !(owners.contains(owner) && dropped.contains(&identity(owner, rtype, rdata)))
    });
    let mut problems = Problems::default();
    for (index, record) in added.into_values().chain(last_soa).enumerate() {
        builder.add(parsed(record, &file, index), &mut problems);
    }
    finish(builder, problems)
}

fn parsed<'r>(record: &'r Record, file: &'r Arc<Path>, index: usize) -> ParsedRecord<'r> {
    ParsedRecord {
        owner: &record.owner,
        rtype: record.rtype,
        ttl: record.ttl,
        rdata: &record.rdata,
        file,
        line: line(index),
    }
}

/// The position reported for the record at `index` (1-based).
fn line(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

fn finish(builder: ZoneBuilder, mut problems: Problems) -> Result<Zone, XfrError> {
    match builder.finish(&mut problems) {
        Some(zone) if problems.errors() == 0 => Ok(zone),
        _ => Err(XfrError::Rejected(
            problems
                .list
                .iter()
                .filter(|p| p.severity == zone_loader::Severity::Error)
                .take(MAX_REPORTED)
                .map(ToString::to_string)
                .collect(),
        )),
    }
}
