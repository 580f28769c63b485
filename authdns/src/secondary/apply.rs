//! A transfer's records to a new zone version, built by zone-loader's
//! [`ZoneBuilder`] with the same checks as a zone file: AXFR from its
//! records; IXFR from the version served minus the deletions plus the
//! additions (RFC 1995 2), each difference in order.
//!
//! Problems are reported against a label naming the transfer (e.g.
//! `IXFR from 127.0.0.1:53`) and the record's position in it.

use std::collections::HashMap;
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

/// Builds the version `diffs` lead to from `old`, the version served.
pub fn incremental(old: &Zone, diffs: &[Diff], label: &str) -> Result<Zone, XfrError> {
    let mut records: HashMap<Identity, (Name, u32, Box<[u8]>)> = HashMap::new();
    for node in old.nodes() {
        let name = old.name(node);
        let Ok(owner) = Name::from_wire(name) else {
            continue;
        };
        for rrset in old.rrsets(node) {
            for rdata in old.records(rrset) {
                records.insert(
                    identity(name, rrset.rtype, rdata),
                    (owner.clone(), rrset.ttl, rdata.into()),
                );
            }
        }
    }
    let mut serial = old.serial();
    for diff in diffs {
        let from = diff.from.soa_serial().unwrap_or_default();
        if from != serial {
            return Err(XfrError::WrongBase { ours: serial, from });
        }
        // The SOA sequence is the SOA's own deletion and addition.
        records.retain(|(_, rtype, _), _| *rtype != code::SOA);
        for record in &diff.deleted {
            let key = identity(record.owner.as_wire(), record.rtype, &record.rdata);
            if records.remove(&key).is_none() {
                return Err(XfrError::DeletesAbsent(format!(
                    "{} {}",
                    record.owner,
                    zone_loader::rtype::mnemonic(record.rtype)
                )));
            }
        }
        for record in diff.added.iter().chain([&diff.to]) {
            let key = identity(record.owner.as_wire(), record.rtype, &record.rdata);
            let value = (
                record.owner.clone(),
                record.ttl,
                record.rdata.as_slice().into(),
            );
            records.insert(key, value);
        }
        serial = diff.to.soa_serial().unwrap_or_default();
    }
    let file: Arc<Path> = Arc::from(Path::new(label));
    let mut builder = ZoneBuilder::new(old.origin());
    let mut problems = Problems::default();
    for (index, ((_, rtype, _), (owner, ttl, rdata))) in records.iter().enumerate() {
        let record = ParsedRecord {
            owner,
            rtype: *rtype,
            ttl: *ttl,
            rdata,
            file: &file,
            line: line(index),
        };
        builder.add(record, &mut problems);
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
