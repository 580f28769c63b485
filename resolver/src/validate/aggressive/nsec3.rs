//! RFC 8198 from NSEC3 (RFC 8198 4 names both; Knot Resolver uses
//! both): the NSEC3 records of secure denials, kept per zone by owner
//! hash. A later name whose closest encloser proof they hold (RFC 5155
//! 8.4) is NXDOMAIN; one whose own NSEC3, or whose wildcard's, lacks the
//! type is NODATA (8.5, 8.7). An opt-out span proves nothing here, nor
//! does a chain past [`MAX_NSEC3_ITERATIONS`]: the pure proofs of
//! [`denial`] decide, over the few records the name's hashes find.

use std::collections::BTreeMap;

use dashmap::DashMap;
use hickory_proto::dnssec::Nsec3HashAlgorithm;
use hickory_proto::dnssec::rdata::NSEC3;
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, Record, RecordType};

use super::{MAX_PER_ZONE, MAX_ZONES, denial_records};
use crate::iterate::Resolution;
use crate::validate::denial::{self, MAX_NSEC3_ITERATIONS, Proof, wildcard};

/// One NSEC3 record (with its signatures), by its owner hash.
#[derive(Debug, Clone)]
struct Hashed {
    next: Vec<u8>,
    records: Vec<Record>,
    expires: u64,
}

/// A zone's validated NSEC3 chain and its signed SOA.
#[derive(Debug, Default)]
struct Zone {
    soa: Vec<Record>,
    salt: Vec<u8>,
    iterations: u16,
    hashes: BTreeMap<Vec<u8>, Hashed>,
}

impl Zone {
    fn hash(&self, name: &Name) -> Option<Vec<u8>> {
        Nsec3HashAlgorithm::SHA1
            .hash(&self.salt, name, self.iterations)
            .ok()
            .map(|d| d.as_ref().to_vec())
    }

    /// The fresh NSEC3 whose owner is `hash` or whose span covers it.
    fn find(&self, hash: &[u8], now: u64) -> Option<&Hashed> {
        let (owner, found) = self
            .hashes
            .range(..=hash.to_vec())
            .next_back()
            .or_else(|| self.hashes.iter().next_back())?;
        let spans = owner.as_slice() == hash
            || if owner.as_slice() < found.next.as_slice() {
                owner.as_slice() < hash && hash < found.next.as_slice()
            } else {
                hash > owner.as_slice() || hash < found.next.as_slice()
            };
        (spans && found.expires > now).then_some(found)
    }
}

/// The validated NSEC3 records of every zone.
#[derive(Debug, Default)]
pub(super) struct Nsec3Cache {
    zones: DashMap<Name, Zone>,
}

impl Nsec3Cache {
    /// Keeps the NSEC3 records (with their RRSIGs) of a secure denial or
    /// wildcard answer in `zone`, and its signed SOA `soa` unless that is
    /// empty, until `now` + their TTL.
    pub(super) fn learn(&self, zone: &Name, soa: &[Record], authority: &[Record], now: u64) {
        let chain = denial::nsec3s(authority);
        let Some((_, first)) = chain.first() else {
            return;
        };
        if first.hash_algorithm() != Nsec3HashAlgorithm::SHA1
            || first.iterations() > MAX_NSEC3_ITERATIONS
            || (self.zones.len() >= MAX_ZONES && !self.zones.contains_key(zone))
        {
            return;
        }
        let mut entry = self.zones.entry(zone.clone()).or_default();
        if entry.salt != first.salt() || entry.iterations != first.iterations() {
            *entry = Zone {
                salt: first.salt().to_vec(),
                iterations: first.iterations(),
                ..Zone::default()
            };
        }
        if !soa.is_empty() {
            entry.soa = soa.to_vec();
        }
        let soa_ttl = soa.iter().map(|r| r.ttl).min().unwrap_or(u32::MAX);
        for &(owner, nsec3) in &chain {
            if owner.base_name() != *zone || !same_chain(nsec3, first) {
                continue;
            }
            let Some(hash) = owner_hash(owner) else {
                continue;
            };
            if entry.hashes.len() >= MAX_PER_ZONE {
                entry.hashes.retain(|_, h| h.expires > now);
                if entry.hashes.len() >= MAX_PER_ZONE {
                    return;
                }
            }
            let (records, ttl) = denial_records(authority, owner, RecordType::NSEC3, soa_ttl);
            entry.hashes.insert(
                hash,
                Hashed {
                    next: nsec3.next_hashed_owner_name().to_vec(),
                    records,
                    expires: now + u64::from(ttl),
                },
            );
        }
    }

    /// The denial of `qname` `qtype` that the kept NSEC3 records prove,
    /// if they prove one.
    pub(super) fn answer(&self, qname: &Name, qtype: RecordType, now: u64) -> Option<Resolution> {
        if matches!(qtype, RecordType::DS | RecordType::ANY) {
            return None;
        }
        let (apex, zone, records) = self.around(qname, now)?;
        let nsec3s = denial::nsec3s(&records);
        let own = zone.hash(qname).and_then(|h| zone.hashes.get(&h).cloned());
        if let Some(own) = own {
            let types: Vec<RecordType> = denial::nsec3s(&own.records)
                .first()
                .map(|(_, n)| n.type_bit_maps().collect())
                .unwrap_or_default();
            // At a zone cut the data lies in the child.
            if types.contains(&RecordType::NS) && !types.contains(&RecordType::SOA) {
                return None;
            }
        }
        let rcode = if denial::nsec3_nodata(qname, qtype, &apex, &nsec3s) == Proof::Proven {
            ResponseCode::NoError
        } else if denial::nsec3_nxdomain(qname, &apex, &nsec3s) == Proof::Proven {
            ResponseCode::NXDomain
        } else {
            return None;
        };
        if zone.soa.is_empty() {
            return None;
        }
        let mut authority = zone.soa.clone();
        authority.extend(records);
        Some(Resolution::denial(rcode, authority))
    }

    /// The NSEC3 record (with its RRSIGs) covering the name one label
    /// below `encloser` on the way to `qname`, when its span is not
    /// opt-out: the proof a wildcard answer at `encloser` carries (RFC
    /// 5155 7.2.6), the encloser itself being proven by the wildcard.
    pub(super) fn next_closer_cover(
        &self,
        qname: &Name,
        encloser: &Name,
        now: u64,
    ) -> Option<Vec<Record>> {
        let mut apex = encloser.clone();
        let zone = loop {
            if let Some(zone) = self.zones.get(&apex) {
                break zone;
            }
            if apex.is_root() {
                return None;
            }
            apex = apex.base_name();
        };
        let next = qname.trim_to(usize::from(encloser.num_labels()) + 1);
        let hash = zone.hash(&next)?;
        if zone.hashes.contains_key(&hash) {
            return None;
        }
        let cover = zone.find(&hash, now)?;
        let opt_out = denial::nsec3s(&cover.records)
            .first()
            .is_none_or(|(_, nsec3)| nsec3.opt_out());
        (!opt_out).then(|| cover.records.clone())
    }

    /// The zone holding `qname` (its apex, its kept chain) and the kept
    /// records its proofs may need: for the name and each ancestor in
    /// the zone, the NSEC3 matching or covering it and the one matching
    /// or covering its wildcard.
    fn around(
        &self,
        qname: &Name,
        now: u64,
    ) -> Option<(Name, dashmap::mapref::one::Ref<'_, Name, Zone>, Vec<Record>)> {
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
        let mut found: Vec<&Hashed> = Vec::new();
        let mut name = qname.clone();
        while apex.zone_of(&name) {
            for candidate in [Some(name.clone()), wildcard(&name)].into_iter().flatten() {
                let hashed = zone.hash(&candidate).and_then(|h| zone.find(&h, now));
                if let Some(hashed) = hashed
                    && !found.iter().any(|f| std::ptr::eq(*f, hashed))
                {
                    found.push(hashed);
                }
            }
            if name == apex {
                break;
            }
            name = name.base_name();
        }
        let records: Vec<Record> = found.iter().flat_map(|h| h.records.clone()).collect();
        Some((apex, zone, records))
    }
}

/// Whether two NSEC3 records belong to one chain (same hash and params).
fn same_chain(a: &NSEC3, b: &NSEC3) -> bool {
    a.hash_algorithm() == b.hash_algorithm()
        && a.iterations() == b.iterations()
        && a.salt() == b.salt()
}

/// The hash an NSEC3 owner name carries in its first label.
fn owner_hash(owner: &Name) -> Option<Vec<u8>> {
    let label = owner.iter().next()?.to_ascii_uppercase();
    data_encoding::BASE32HEX_NOPAD.decode(&label).ok()
}
