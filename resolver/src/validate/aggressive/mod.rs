//! Aggressive use of the DNSSEC-validated cache (RFC 8198): NSEC records
//! from secure denials are kept per zone in canonical order, and a later
//! question they already answer (a name inside a proven gap, whose
//! wildcard is denied too; a type the name's NSEC lacks; an empty
//! non-terminal, a name whose covering NSEC leads below it) is answered
//! NXDOMAIN or NODATA from them, without asking the authorities. The
//! synthesised answer carries the SOA and NSEC records with their
//! signatures and is validated like any other (from stored verdicts, so
//! without signature checks). [`nsec3`] does the same from NSEC3 records;
//! [`wildcard`] synthesises wildcard answers from them.

mod nsec3;
mod wildcard;

use std::collections::BTreeMap;

use dashmap::DashMap;
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, Record, RecordType};

use super::denial::{self, covers, nsec_closest_encloser, proves_absent, speaks_for, wildcard};
use crate::iterate::Resolution;
use nsec3::Nsec3Cache;

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

/// The validated NSEC and NSEC3 records of every zone.
#[derive(Debug, Default)]
pub struct NsecCache {
    zones: DashMap<Name, Zone>,
    nsec3: Nsec3Cache,
}

impl NsecCache {
    /// Keeps the NSEC or NSEC3 records (with their RRSIGs) of `zone`
    /// from the authority section of a secure denial or wildcard answer,
    /// and its SOA when there is one, until `now` + their TTL (at most
    /// the SOA's). Denials are answered only once an SOA is known.
    pub fn learn(&self, zone: &Name, authority: &[Record], now: u64) {
        let signed_soa: Vec<Record> = authority
            .iter()
            .filter(|r| r.name == *zone && is_or_signs(r, RecordType::SOA))
            .cloned()
            .collect();
        let soa_ttl = signed_soa.iter().map(|r| r.ttl).min().unwrap_or(u32::MAX);
        if denial::nsecs(authority).is_empty() {
            self.nsec3.learn(zone, &signed_soa, authority, now);
            return;
        }
        if self.zones.len() >= MAX_ZONES && !self.zones.contains_key(zone) {
            return;
        }
        let mut zone = self.zones.entry(zone.clone()).or_default();
        if !signed_soa.is_empty() {
            zone.soa = signed_soa;
        }
        for (owner, nsec) in denial::nsecs(authority) {
            if zone.gaps.len() >= MAX_PER_ZONE {
                zone.gaps.retain(|_, gap| gap.expires > now);
                if zone.gaps.len() >= MAX_PER_ZONE {
                    return;
                }
            }
            let (records, ttl) = denial_records(authority, owner, RecordType::NSEC, soa_ttl);
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

    /// The denial of `qname` `qtype` that the kept NSEC or NSEC3 records
    /// prove, if they prove one.
    pub fn answer(&self, qname: &Name, qtype: RecordType, now: u64) -> Option<Resolution> {
        self.nsec_answer(qname, qtype, now)
            .or_else(|| self.nsec3.answer(qname, qtype, now))
    }

    /// The wildcard a positive answer for `qname` would come from, with
    /// the NSEC record proving `qname` absent (RFC 4035 5.3.4), if a kept
    /// one does.
    fn nsec_wildcard(&self, qname: &Name, now: u64) -> Option<(Name, Vec<Record>)> {
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
        let (owner, gap) = zone
            .gaps
            .range(..=qname.clone())
            .next_back()
            .filter(|(_, gap)| gap.expires > now)?;
        if owner == qname
            || qname.zone_of(&gap.next)
            || !covers(owner, &gap.next, qname)
            || !speaks_for(owner, &gap.types, qname)
        {
            return None;
        }
        let star = wildcard(&nsec_closest_encloser(qname, owner, &gap.next))?;
        Some((star, gap.records.clone()))
    }

    /// [`Self::answer`] from NSEC records.
    fn nsec_answer(&self, qname: &Name, qtype: RecordType, now: u64) -> Option<Resolution> {
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
        if zone.soa.is_empty() {
            return None;
        }
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
        if qname.zone_of(&gap.next) {
            // The next name is below the name: an empty non-terminal,
            // which exists without data (RFC 4035 5.4, RFC 8198 5.1).
            authority.extend(gap.records.iter().cloned());
            return Some(Resolution::denial(ResponseCode::NoError, authority));
        }
        let star = wildcard(&nsec_closest_encloser(qname, owner, &gap.next))?;
        let (star_owner, star_gap) = fresh(&star)?;
        if *star_owner == star
            || !proves_absent(star_owner, &star_gap.next, &star)
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
/// The records at `owner` in `authority` that are, or sign, an `rtype`
/// denial, and how long they may be cached: their lowest TTL, capped by
/// the SOA's (RFC 8198 5.4).
fn denial_records(
    authority: &[Record],
    owner: &Name,
    rtype: RecordType,
    soa_ttl: u32,
) -> (Vec<Record>, u32) {
    let records: Vec<Record> = authority
        .iter()
        .filter(|r| r.name == *owner && is_or_signs(r, rtype))
        .cloned()
        .collect();
    let ttl = records
        .iter()
        .map(|r| r.ttl)
        .min()
        .unwrap_or(0)
        .min(soa_ttl);
    (records, ttl)
}

fn is_or_signs(record: &Record, rtype: RecordType) -> bool {
    record.record_type() == rtype
        || super::verify::rrsig(record).is_some_and(|sig| sig.input().type_covered == rtype)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use hickory_proto::dnssec::rdata::{DNSSECRData, NSEC};
    use hickory_proto::rr::RData;
    use hickory_proto::rr::rdata::SOA;

    use super::*;

    fn name(text: &str) -> Name {
        Name::from_str(text).unwrap()
    }

    fn nsec(owner: &str, next: &str, types: &[RecordType]) -> Record {
        let rdata = NSEC::new(name(next), types.iter().copied());
        Record::from_rdata(name(owner), 300, RData::DNSSEC(DNSSECRData::NSEC(rdata)))
    }

    /// The zone `sec.` holds `x.g.deep.sec.` and `ns1.nic.sec.`: `deep.`,
    /// `g.deep.` and `nic.sec.` are empty non-terminals. The NSEC records
    /// are those a denial of `m.sec.` and `a.sec.` brings.
    fn primed() -> NsecCache {
        use RecordType::{A, NS, NSEC as NSEC_TYPE, RRSIG, SOA as SOA_TYPE};
        let soa = SOA::new(name("ns.tld."), name("hm.sec."), 1, 2, 3, 4, 300);
        let authority = vec![
            Record::from_rdata(name("sec."), 300, RData::SOA(soa)),
            nsec("sec.", "x.g.deep.sec.", &[NS, SOA_TYPE, RRSIG, NSEC_TYPE]),
            nsec("x.g.deep.sec.", "ns1.nic.sec.", &[A, RRSIG, NSEC_TYPE]),
        ];
        let cache = NsecCache::default();
        cache.learn(&name("sec."), &authority, 0);
        cache
    }

    fn rcode(cache: &NsecCache, qname: &str, qtype: RecordType) -> Option<ResponseCode> {
        cache.answer(&name(qname), qtype, 1).map(|r| r.rcode)
    }

    #[test]
    fn rfc8198_a_name_in_a_gap_is_denied() {
        let cache = primed();
        // m.sec. sorts between x.g.deep.sec. and ns1.nic.sec.; *.sec.
        // between sec. and x.g.deep.sec.
        assert_eq!(
            rcode(&cache, "m.sec.", RecordType::A),
            Some(ResponseCode::NXDomain)
        );
        assert_eq!(
            rcode(&cache, "a.sec.", RecordType::TXT),
            Some(ResponseCode::NXDomain)
        );
    }

    #[test]
    fn rfc8198_5_1_an_empty_non_terminal_is_nodata_not_nxdomain() {
        let cache = primed();
        for qtype in [
            RecordType::NS,
            RecordType::A,
            RecordType::AAAA,
            RecordType::MX,
            RecordType::TXT,
            RecordType::SOA,
        ] {
            for ent in ["nic.sec.", "deep.sec.", "g.deep.sec."] {
                assert_eq!(
                    rcode(&cache, ent, qtype),
                    Some(ResponseCode::NoError),
                    "{ent} {qtype} exists: the NSEC's next name is below it"
                );
            }
        }
        // A name below an empty non-terminal, in the same gap, does not
        // exist: its closest encloser is nic.sec., whose wildcard the
        // same NSEC denies.
        assert_eq!(
            rcode(&cache, "a.nic.sec.", RecordType::A),
            Some(ResponseCode::NXDomain)
        );
    }

    #[test]
    fn a_wildcard_whose_nsec_leads_below_it_is_not_denied() {
        use RecordType::{A, NS, NSEC as NSEC_TYPE, RRSIG, SOA as SOA_TYPE};
        // *.w.sec. is an empty non-terminal (a.*.w.sec. exists): the NSEC
        // from w.sec. covers it only textually, so no name below w.sec.
        // may be denied with it.
        let soa = SOA::new(name("ns.tld."), name("hm.sec."), 1, 2, 3, 4, 300);
        let authority = vec![
            Record::from_rdata(name("sec."), 300, RData::SOA(soa)),
            nsec("w.sec.", "a.*.w.sec.", &[A, RRSIG, NSEC_TYPE]),
            nsec("sec.", "w.sec.", &[NS, SOA_TYPE, RRSIG, NSEC_TYPE]),
        ];
        let cache = NsecCache::default();
        cache.learn(&name("sec."), &authority, 0);
        assert_eq!(rcode(&cache, "*.w.sec.", A), Some(ResponseCode::NoError));
        // "!" (decimal 33) sorts before "*": !.w.sec. lies in the same gap, its
        // wildcard is *.w.sec., which this NSEC does not deny.
        let bang = Name::from_labels([&b"!"[..], b"w", b"sec"]).unwrap();
        assert!(covers(&name("w.sec."), &name("a.*.w.sec."), &bang));
        assert_eq!(cache.answer(&bang, A, 1).map(|r| r.rcode), None);
    }
}
