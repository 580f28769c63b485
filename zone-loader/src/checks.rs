//! The zone checks named-checkzone makes by default (BIND 9.18, `-i full`),
//! with its verdicts: what rejects the zone there is an error here, what
//! it only logs is a warning.
//!
//! Errors: a missing or second SOA, an SOA below the apex, no NS at the
//! apex, CNAME beside other data, several CNAMEs or DNAMEs at one name, an
//! apex NS target in the zone without addresses, that is a CNAME or below
//! a DNAME (BIND `zone_check_ns`), DS at the apex (BIND `master.c`, DS
//! belongs to the parent: RFC 4034 5), CDS/CDNSKEY naming an algorithm
//! no DNSKEY has (BIND `dns_zone_cdscheck`, RFC 7344 4.1), NS at a
//! wildcard (BIND `master.c`, RFC 4592 4.2), and an NSEC3PARAM RRset with
//! no record of the one hash algorithm there is (SHA-1, RFC 5155 11).
//! Warnings: the same target faults for delegation NS, MX and SRV
//! targets, and occluded data.

use std::path::Path;
use std::sync::Arc;

use crate::build::{has_address, target_name};
use crate::problem::{ProblemKind, Problems, TargetFault};
use crate::rtype::code;
use crate::wire::name;
use crate::zone::{Lookup, NONE, Node, RRset, Zone, flags};

/// Where each RRset came from: its index to (file, line).
pub(crate) type Source<'a> = &'a dyn Fn(usize) -> (Arc<Path>, u32);

/// Runs every check on a built zone.
pub(crate) fn check(
    zone: &Zone,
    zone_file: &Arc<Path>,
    source: Source<'_>,
    problems: &mut Problems,
) {
    check_apex(zone, zone_file, source, problems);
    for node in zone.nodes() {
        let rrsets = zone.rrsets(node);
        for (offset, rrset) in rrsets.iter().enumerate() {
            let index = node.rrset_range().start + offset;
            let mut report = |kind| {
                let (file, line) = source(index);
                problems.error(&file, line, 0, kind);
            };
            match rrset.rtype {
                code::SOA if !node.has(flags::APEX) => report(ProblemKind::SoaNotAtApex),
                code::CNAME => {
                    if rrset.count > 1 {
                        report(ProblemKind::MultipleCnames);
                    }
                    // RFC 4035 2.5: RRSIG and NSEC may sit beside a CNAME.
                    let others = rrsets
                        .iter()
                        .any(|r| !matches!(r.rtype, code::CNAME | code::RRSIG | code::NSEC));
                    if others {
                        report(ProblemKind::CnameAndOtherData);
                    }
                }
                code::DNAME if rrset.count > 1 => report(ProblemKind::MultipleDnames),
                code::NS if node.has(flags::WILDCARD) => report(ProblemKind::WildcardNs),
                code::NS | code::MX | code::SRV if node.occluder == NONE => {
                    let error = rrset.rtype == code::NS && node.has(flags::APEX);
                    check_targets(zone, rrset, error, &source(index), problems);
                }
                _ => {}
            }
        }
        if node.occluder != NONE {
            let occluded = rrsets
                .iter()
                .position(|r| !matches!(r.rtype, code::A | code::AAAA));
            if let Some(offset) = occluded {
                let (file, line) = source(node.rrset_range().start + offset);
                problems.warning(&file, line, 0, ProblemKind::OccludedData);
            }
        }
    }
}

fn check_apex(zone: &Zone, zone_file: &Arc<Path>, source: Source<'_>, problems: &mut Problems) {
    let apex = zone.node(0);
    let at = |rtype| {
        let offset = zone
            .rrsets(apex)
            .iter()
            .position(|r| r.rtype == rtype)
            .unwrap_or(0);
        source(apex.rrset_range().start + offset)
    };
    match zone.rrset(apex, code::SOA) {
        None => problems.error(zone_file, 0, 0, ProblemKind::NoSoa),
        Some(soa) if soa.count > 1 => {
            let (file, line) = at(code::SOA);
            problems.error(&file, line, 0, ProblemKind::MultipleSoa);
        }
        Some(_) => {}
    }
    if zone.rrset(apex, code::NS).is_none() {
        problems.error(zone_file, 0, 0, ProblemKind::NoApexNs);
    }
    if zone.rrset(apex, code::DS).is_some() {
        let (file, line) = at(code::DS);
        problems.error(&file, line, 0, ProblemKind::DsAtApex);
    }
    if let Some(params) = zone.rrset(apex, code::NSEC3PARAM)
        && !zone.records(params).any(|r| r.first() == Some(&1))
    {
        let (file, line) = at(code::NSEC3PARAM);
        problems.error(&file, line, 0, ProblemKind::Nsec3ParamUnsupported);
    }
    for (rtype, algorithm_at) in [(code::CDS, 2), (code::CDNSKEY, 3)] {
        if let Some(rrset) = zone.rrset(apex, rtype)
            && !cds_matches_dnskey(zone, apex, rrset, rtype, algorithm_at)
        {
            let (file, line) = at(rtype);
            problems.error(&file, line, 0, ProblemKind::CdsWithoutDnskey(rtype));
        }
    }
}

/// RFC 7344 4.1 as BIND checks it: a delete record (RFC 8078 4) stands
/// alone; otherwise every algorithm named has a DNSKEY of that algorithm.
fn cds_matches_dnskey(zone: &Zone, apex: &Node, rrset: &RRset, rtype: u16, at: usize) -> bool {
    let delete: &[u8] = if rtype == code::CDS {
        &[0, 0, 0, 0, 0]
    } else {
        &[0, 0, 3, 0, 0]
    };
    let records: Vec<&[u8]> = zone.records(rrset).collect();
    if records.contains(&delete) {
        return records.len() == 1;
    }
    let key_algorithms: Vec<u8> = zone
        .rrset(apex, code::DNSKEY)
        .map(|keys| {
            zone.records(keys)
                .filter_map(|k| k.get(3).copied())
                .collect()
        })
        .unwrap_or_default();
    records
        .iter()
        .all(|r| r.get(at).is_some_and(|a| key_algorithms.contains(a)))
}

/// Checks each target of an NS, MX or SRV RRset that lies in the zone.
/// `error`: apex NS, whose faults reject the zone; the others warn.
fn check_targets(
    zone: &Zone,
    rrset: &RRset,
    error: bool,
    (file, line): &(Arc<Path>, u32),
    problems: &mut Problems,
) {
    for rdata in zone.records(rrset) {
        let Some(target) = target_name(rrset.rtype, rdata) else {
            continue;
        };
        // An MX or SRV target "." means no service (RFC 7505, RFC 2782);
        // names outside the zone are not looked up.
        let no_service = target == [0] && rrset.rtype != code::NS;
        if no_service || !name::is_subdomain(target, zone.origin().as_wire()) {
            continue;
        }
        let target = target.to_ascii_lowercase();
        let Some(fault) = target_fault(zone, &target, !error) else {
            continue;
        };
        let mut text = String::new();
        let _ = name::write_presentation(&target, &mut text);
        let kind = ProblemKind::BadTarget {
            rtype: rrset.rtype,
            target: text,
            fault,
        };
        if error {
            problems.error(file, *line, 0, kind);
        } else {
            problems.warning(file, *line, 0, kind);
        }
    }
}

/// What is wrong with an in-zone target, looked up for A as BIND's
/// `dns_db_find` does: a zone cut above it ends the search (unless
/// `glue_ok`), a DNAME above it is a fault, wildcards match.
fn target_fault(zone: &Zone, target: &[u8], glue_ok: bool) -> Option<TargetFault> {
    let (node, exists) = match zone.lookup(target) {
        Lookup::Found(index) => (zone.node(index), true),
        Lookup::NotFound { encloser } => (zone.node(encloser), false),
    };
    let cut = if node.occluder != NONE {
        Some(zone.node(node.occluder))
    } else if !exists && (node.has(flags::DELEGATION) || node.has(flags::DNAME)) {
        Some(node)
    } else {
        None
    };
    if let Some(cut) = cut {
        if cut.has(flags::DNAME) {
            let mut text = String::new();
            let _ = name::write_presentation(zone.name(cut), &mut text);
            return Some(TargetFault::BelowDname(text));
        }
        if !glue_ok {
            return None;
        }
    }
    if exists && node.has(flags::DELEGATION) && !glue_ok {
        return None;
    }
    let holder = if exists {
        node
    } else if node.wildcard != NONE {
        zone.node(node.wildcard)
    } else {
        return Some(TargetFault::NoAddress);
    };
    if holder.has(flags::CNAME) {
        Some(TargetFault::Cname)
    } else if has_address(zone, holder) {
        None
    } else {
        Some(TargetFault::NoAddress)
    }
}
