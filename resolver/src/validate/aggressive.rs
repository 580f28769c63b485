//! Aggressive use of the DNSSEC-validated cache (RFC 8198): NSEC records
//! from secure denials are kept per zone in canonical order, and a later
//! question they already answer (a name inside a proven gap, whose
//! wildcard is denied too; or a type the name's NSEC lacks) is answered
//! NXDOMAIN or NODATA from them, without asking the authorities. The
//! synthesised answer carries the SOA and NSEC records with their
//! signatures and is validated like any other (from stored verdicts, so
//! without signature checks). NSEC3 is not used this way, as in Unbound.

use std::collections::BTreeMap;

use dashmap::DashMap;
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, Record, RecordType};

use super::denial::{self, common_ancestor, covers, speaks_for, wildcard};
use crate::iterate::Resolution;

/// NSEC records kept per zone; past this, expired ones are dropped and
/// new ones skipped until there is room.
const MAX_PER_ZONE: usize = 10_000;
/// Zones whose NSEC records are kept.
const MAX_ZONES: usize = 10_000;

/// One NSEC record and its signatures.
#[derive(Debug, Clone)]
struct Gap {
    next: Name,
    types: Vec<RecordType>,
    records: Vec<Record>,
    expires: u64,
}

/// A zone's validated NSEC records and its signed SOA.
#[derive(Debug, Default)]
struct Zone {
    soa: Vec<Record>,
    gaps: BTreeMap<Name, Gap>,
}

/// The validated NSEC records of every zone.
#[derive(Debug, Default)]
pub struct NsecCache {
    zones: DashMap<Name, Zone>,
}

impl NsecCache {
    /// Keeps the NSEC records (with their RRSIGs) and the SOA of a secure
    /// denial from `authority`, until `now` + their TTL.
    pub fn learn(&self, authority: &[Record], now: u64) {
        let Some(soa) = authority
            .iter()
            .find(|r| r.record_type() == RecordType::SOA)
        else {
            return;
        };
        if self.zones.len() >= MAX_ZONES && !self.zones.contains_key(&soa.name) {
            return;
        }
        let mut zone = self.zones.entry(soa.name.clone()).or_default();
        zone.soa = authority
            .iter()
            .filter(|r| r.name == soa.name && is_or_signs(r, RecordType::SOA))
            .cloned()
            .collect();
        for (owner, nsec) in denial::nsecs(authority) {
            if zone.gaps.len() >= MAX_PER_ZONE {
                zone.gaps.retain(|_, gap| gap.expires > now);
                if zone.gaps.len() >= MAX_PER_ZONE {
                    return;
                }
            }
            let records: Vec<Record> = authority
                .iter()
                .filter(|r| r.name == *owner && is_or_signs(r, RecordType::NSEC))
                .cloned()
                .collect();
            let ttl = records
                .iter()
                .map(|r| r.ttl)
                .min()
                .unwrap_or(0)
                .min(soa.ttl);
            zone.gaps.insert(
                owner.clone(),
                Gap {
                    next: nsec.next_domain_name().clone(),
                    types: nsec.type_bit_maps().collect(),
                    records,
                    expires: now + u64::from(ttl),
                },
            );
        }
    }

    /// The denial of `qname` `qtype` that the kept NSEC records prove, if
    /// they prove one.
    pub fn answer(&self, qname: &Name, qtype: RecordType, now: u64) -> Option<Resolution> {
        if matches!(qtype, RecordType::DS | RecordType::ANY) {
            return None;
        }
        let mut apex = qname.clone();
        let zone = loop {
            if let Some(zone) = self.zones.get(&apex) {
                break zone;
            }
            if apex.is_root() {
                return None;
            }
            apex = apex.base_name();
        };
        let fresh = |name: &Name| {
            zone.gaps
                .range(..=name.clone())
                .next_back()
                .filter(|(_, gap)| gap.expires > now)
        };
        let (owner, gap) = fresh(qname)?;
        let mut authority = zone.soa.clone();
        if owner == qname {
            let delegation =
                gap.types.contains(&RecordType::NS) && !gap.types.contains(&RecordType::SOA);
            if delegation || gap.types.contains(&qtype) || gap.types.contains(&RecordType::CNAME) {
                return None;
            }
            authority.extend(gap.records.iter().cloned());
            return Some(Resolution::denial(ResponseCode::NoError, authority));
        }
        if !covers(owner, &gap.next, qname) || !speaks_for(owner, &gap.types, qname) {
            return None;
        }
        let a = common_ancestor(qname, owner);
        let b = common_ancestor(qname, &gap.next);
        let encloser = if a.num_labels() >= b.num_labels() {
            a
        } else {
            b
        };
        let star = wildcard(&encloser)?;
        let (star_owner, star_gap) = fresh(&star)?;
        if *star_owner == star
            || !covers(star_owner, &star_gap.next, &star)
            || !speaks_for(star_owner, &star_gap.types, &star)
        {
            return None;
        }
        authority.extend(gap.records.iter().cloned());
        if star_owner != owner {
            authority.extend(star_gap.records.iter().cloned());
        }
        Some(Resolution::denial(ResponseCode::NXDomain, authority))
    }
}

/// Whether `record` is of `rtype` or an RRSIG over it.
fn is_or_signs(record: &Record, rtype: RecordType) -> bool {
    record.record_type() == rtype
        || super::verify::rrsig(record).is_some_and(|sig| sig.input().type_covered == rtype)
}
