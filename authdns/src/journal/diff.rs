//! The difference between two versions of a zone: both are walked once,
//! side by side, in canonical order (RFC 4034 6.1; nodes are stored in
//! it), RRsets by type, records by rdata and TTL. A record is the same in
//! both when owner, type, TTL and rdata are; a changed TTL is a removal
//! and an addition, as an IXFR carries it. The apex SOA is left out:
//! RFC 1995 puts the old and new SOA around the lists instead.

use std::cmp::Ordering;
use std::ops::ControlFlow;

use zone_loader::Zone;
use zone_loader::rtype::code;
use zone_loader::wire::name::canonical_cmp;
use zone_loader::zone::Node;

use super::{Changeset, Record, Records, Soa};

/// Which side of the difference a record is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// In the old version only.
    Removed,
    /// In the new version only.
    Added,
}

/// The changeset taking `old` to `new`.
pub fn changeset(old: &Zone, new: &Zone) -> Changeset {
    let mut removed = Records::default();
    let mut added = Records::default();
    let _ = walk(old, new, &mut |side, record| {
        match side {
            Side::Removed => removed.push(record),
            Side::Added => added.push(record),
        }
        ControlFlow::Continue(())
    });
    Changeset {
        old_soa: Soa::of(old),
        removed,
        new_soa: Soa::of(new),
        added,
    }
}

/// Whether `old` and `new` hold the same data, the SOA serial aside (a
/// zone file touched, or saved again unchanged). Stops at the first
/// difference.
pub fn same_content(old: &Zone, new: &Zone) -> bool {
    let (a, b) = (Soa::of(old), Soa::of(new));
    let without_serial = |soa: &Soa| {
        let at = soa.rdata.len().saturating_sub(20);
        let mut rdata = soa.rdata.to_vec();
        if let Some(serial) = rdata.get_mut(at..at + 4) {
            serial.fill(0);
        }
        (soa.ttl, rdata)
    };
    without_serial(&a) == without_serial(&b)
        && walk(old, new, &mut |_, _| ControlFlow::Break(())).is_continue()
}

/// Calls `emit` with every record in one version only, in canonical order.
fn walk(
    old: &Zone,
    new: &Zone,
    emit: &mut dyn FnMut(Side, Record<'_>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let (olds, news) = (old.nodes(), new.nodes());
    let (mut i, mut j) = (0, 0);
    while i < olds.len() || j < news.len() {
        let order = match (olds.get(i), news.get(j)) {
            (Some(a), Some(b)) => canonical_cmp(old.name(a), new.name(b)),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                node(old, &olds[i], Side::Removed, emit)?;
                i += 1;
            }
            Ordering::Greater => {
                node(new, &news[j], Side::Added, emit)?;
                j += 1;
            }
            Ordering::Equal => {
                same_node(old, &olds[i], new, &news[j], emit)?;
                i += 1;
                j += 1;
            }
        }
    }
    ControlFlow::Continue(())
}

/// Every record of a node on one side (the apex SOA aside).
fn node(
    zone: &Zone,
    node: &Node,
    side: Side,
    emit: &mut dyn FnMut(Side, Record<'_>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    for rrset in zone.rrsets(node) {
        if is_apex_soa(node, rrset.rtype) {
            continue;
        }
        for (rdata, ttl) in records(zone, node, rrset.rtype) {
            emit(side, record(zone, node, rrset.rtype, ttl, rdata))?;
        }
    }
    ControlFlow::Continue(())
}

/// The records of one owner present in both versions: RRsets merged by
/// type (both lists are sorted by type), records by (rdata, TTL).
fn same_node(
    old: &Zone,
    a: &Node,
    new: &Zone,
    b: &Node,
    emit: &mut dyn FnMut(Side, Record<'_>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let (before, after) = (old.rrsets(a), new.rrsets(b));
    let (mut i, mut j) = (0, 0);
    while i < before.len() || j < after.len() {
        let rtype = match (before.get(i), after.get(j)) {
            (Some(x), Some(y)) => x.rtype.min(y.rtype),
            (Some(x), None) => x.rtype,
            (None, Some(y)) => y.rtype,
            (None, None) => break,
        };
        let x = before.get(i).filter(|r| r.rtype == rtype);
        let y = after.get(j).filter(|r| r.rtype == rtype);
        i += usize::from(x.is_some());
        j += usize::from(y.is_some());
        if is_apex_soa(a, rtype) {
            continue;
        }
        // Most RRsets are unchanged: equal TTL and records need no sort.
        // An RRSIG's TTL follows the RRset it covers, so it is compared
        // record by record.
        if let (Some(x), Some(y)) = (x, y)
            && rtype != code::RRSIG
            && x.ttl == y.ttl
            && old.records(x).eq(new.records(y))
        {
            continue;
        }
        rrset(old, a, new, b, rtype, emit)?;
    }
    ControlFlow::Continue(())
}

/// The records of type `rtype` in one version only.
fn rrset(
    old: &Zone,
    a: &Node,
    new: &Zone,
    b: &Node,
    rtype: u16,
    emit: &mut dyn FnMut(Side, Record<'_>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let (before, after) = (records(old, a, rtype), records(new, b, rtype));
    let (mut i, mut j) = (0, 0);
    while i < before.len() || j < after.len() {
        let order = match (before.get(i), after.get(j)) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                let (rdata, ttl) = before[i];
                emit(Side::Removed, record(old, a, rtype, ttl, rdata))?;
                i += 1;
            }
            Ordering::Greater => {
                let (rdata, ttl) = after[j];
                emit(Side::Added, record(new, b, rtype, ttl, rdata))?;
                j += 1;
            }
            Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    ControlFlow::Continue(())
}

fn is_apex_soa(node: &Node, rtype: u16) -> bool {
    rtype == code::SOA && node.has(zone_loader::zone::flags::APEX)
}

/// The records of type `rtype` at `node` as (rdata, TTL), sorted.
fn records<'z>(zone: &'z Zone, node: &Node, rtype: u16) -> Vec<(&'z [u8], u32)> {
    let Some(rrset) = zone.rrset(node, rtype) else {
        return Vec::new();
    };
    let mut list: Vec<_> = zone
        .records(rrset)
        .map(|rdata| (rdata, zone.record_ttl(node, rrset, rdata)))
        .collect();
    list.sort_unstable();
    list
}

fn record<'z>(zone: &'z Zone, node: &Node, rtype: u16, ttl: u32, rdata: &'z [u8]) -> Record<'z> {
    Record {
        name: zone.name(node),
        rtype,
        ttl,
        rdata,
    }
}
