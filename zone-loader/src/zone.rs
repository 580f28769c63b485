//! An immutable, indexed zone: what a server answers from.
//!
//! Nodes are kept in DNSSEC canonical order (RFC 4034 6.1) in flat arrays;
//! names and rdata live in one byte arena. A hash index over the lowercased
//! owner names gives exact matches; the closest encloser is found by
//! stripping labels and probing the same index (at most one probe per
//! label, never a scan). Facts every answer needs are computed at load
//! time: node flags, the topmost zone cut or DNAME above a node, the
//! wildcard child, the addresses for NS/MX/SRV targets, and the SOA to put
//! in negative answers with its RFC 2308 TTL.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::rtype::code;
use crate::wire::name::Name;

/// No node: the marker in `u32` node links.
pub const NONE: u32 = u32::MAX;

/// Node flags, computed at load.
pub mod flags {
    /// The zone apex.
    pub const APEX: u8 = 1;
    /// A delegation point: NS records below the apex (RFC 1034 4.2.1).
    pub const DELEGATION: u8 = 2;
    /// Has a DNAME (RFC 6672).
    pub const DNAME: u8 = 4;
    /// Has a CNAME.
    pub const CNAME: u8 = 8;
    /// An empty non-terminal: no data, but names below it.
    pub const EMPTY: u8 = 16;
    /// The first label is `*` (RFC 4592).
    pub const WILDCARD: u8 = 32;
}

/// An RRset: records of one type at one node, pre-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RRset {
    /// The type code.
    pub rtype: u16,
    /// How many records.
    pub count: u16,
    /// The TTL, the same for every record (RFC 2181 5.2).
    pub ttl: u32,
    data: u32,
    data_len: u32,
    additional: u32,
    additional_len: u32,
}

/// A name in the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    name: u32,
    name_len: u8,
    /// See [`flags`].
    pub flags: u8,
    rrset_count: u16,
    rrsets: u32,
    /// The topmost delegation or DNAME node strictly above this one and
    /// below the apex, or [`NONE`]: if set, this name is occluded there.
    pub occluder: u32,
    /// The node `*.this`, or [`NONE`].
    pub wildcard: u32,
}

impl Node {
    /// Whether a flag from [`flags`] is set.
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// What an index lookup found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// The name exists (possibly as an empty non-terminal).
    Found(u32),
    /// The name does not exist; the closest encloser does.
    NotFound {
        /// The deepest existing ancestor.
        encloser: u32,
    },
}

/// Size figures for reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZoneStats {
    /// Names, empty non-terminals included.
    pub names: usize,
    /// RRsets.
    pub rrsets: usize,
    /// Records.
    pub records: usize,
    /// Delegation points.
    pub delegations: usize,
    /// Heap bytes held by the zone's structures.
    pub memory: usize,
}

/// An immutable zone, shared between snapshots as `Arc<Zone>`.
#[derive(Clone)]
pub struct Zone {
    pub(crate) origin: Name,
    pub(crate) serial: u32,
    pub(crate) bytes: Box<[u8]>,
    pub(crate) nodes: Box<[Node]>,
    pub(crate) rrsets: Box<[RRset]>,
    pub(crate) additional: Box<[u32]>,
    pub(crate) table: HashTable<u32>,
    pub(crate) negative_soa: RRset,
    pub(crate) nsec3: Option<crate::dnssec::Nsec3Chain>,
}

impl std::fmt::Debug for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Zone({}, serial {})", self.origin, self.serial)
    }
}

pub(crate) fn hash_name(name: &[u8]) -> u64 {
    FxBuildHasher.hash_one(name)
}

impl Zone {
    /// The origin, lowercase.
    pub fn origin(&self) -> &Name {
        &self.origin
    }

    /// The SOA serial.
    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// Rewrites the SOA serial, in the SOA record and in [`Self::serial`]:
    /// for a server that numbers versions itself (serial policy
    /// "increment"), on a freshly built zone not yet shared.
    pub fn set_serial(&mut self, serial: u32) {
        let soa = *self.soa();
        let start = soa.data as usize;
        let len = usize::from(u16::from_be_bytes([
            self.bytes[start],
            self.bytes[start + 1],
        ]));
        // A built zone's SOA rdata ends with the five 32-bit fields
        // (checked at build), the serial first.
        let at = start + 2 + len - 20;
        self.bytes[at..at + 4].copy_from_slice(&serial.to_be_bytes());
        self.serial = serial;
    }

    /// The apex node's index.
    pub fn apex(&self) -> u32 {
        0
    }

    /// A node by index.
    pub fn node(&self, index: u32) -> &Node {
        &self.nodes[index as usize]
    }

    /// The lowercased wire name of a node.
    pub fn name(&self, node: &Node) -> &[u8] {
        &self.bytes[node.name_range()]
    }

    /// A node's RRsets, sorted by type.
    pub fn rrsets(&self, node: &Node) -> &[RRset] {
        &self.rrsets[node.rrsets as usize..node.rrsets as usize + usize::from(node.rrset_count)]
    }

    /// The node's RRset of type `rtype`.
    pub fn rrset(&self, node: &Node, rtype: u16) -> Option<&RRset> {
        self.rrsets(node).iter().find(|r| r.rtype == rtype)
    }

    /// The records of an RRset: each rdata in wire form.
    pub fn records<'z>(&'z self, rrset: &RRset) -> Records<'z> {
        Records {
            data: &self.bytes[rrset.data as usize..(rrset.data + rrset.data_len) as usize],
        }
    }

    /// Nodes holding addresses for the targets of an NS, MX or SRV RRset.
    pub fn additional(&self, rrset: &RRset) -> &[u32] {
        &self.additional
            [rrset.additional as usize..(rrset.additional + rrset.additional_len) as usize]
    }

    /// The SOA for negative answers: TTL = min(SOA TTL, MINIMUM), RFC 2308 3.
    pub fn negative_soa(&self) -> &RRset {
        &self.negative_soa
    }

    /// Finds `name` (lowercase wire form, at or below the origin).
    pub fn lookup(&self, name: &[u8]) -> Lookup {
        if let Some(index) = self.find(name) {
            return Lookup::Found(index);
        }
        let mut pos = 0;
        loop {
            pos += 1 + usize::from(name[pos]);
            let suffix = &name[pos..];
            if suffix.len() <= self.origin.as_wire().len() {
                return Lookup::NotFound { encloser: 0 };
            }
            if let Some(index) = self.find(suffix) {
                return Lookup::NotFound { encloser: index };
            }
        }
    }

    /// The node named exactly `name` (lowercase wire form).
    pub fn find(&self, name: &[u8]) -> Option<u32> {
        self.table
            .find(hash_name(name), |&i| {
                self.name(&self.nodes[i as usize]) == name
            })
            .copied()
    }

    /// Size figures.
    pub fn stats(&self) -> ZoneStats {
        let records = self.rrsets.iter().map(|r| usize::from(r.count)).sum();
        let delegations = self
            .nodes
            .iter()
            .filter(|n| n.has(flags::DELEGATION))
            .count();
        let memory = self.bytes.len()
            + size_of_val(&*self.nodes)
            + size_of_val(&*self.rrsets)
            + size_of_val(&*self.additional)
            + self.table.capacity() * (size_of::<u32>() + 1);
        ZoneStats {
            names: self.nodes.len(),
            rrsets: self.rrsets.len(),
            records,
            delegations,
            memory,
        }
    }

    /// The TTL of one record of `rrset` at `node`, as a transfer sends
    /// it: an RRSIG's is that of the RRset it covers when the node has it
    /// (the zone keeps one TTL per stored RRset; RFC 4034 3).
    pub fn record_ttl(&self, node: &Node, rrset: &RRset, rdata: &[u8]) -> u32 {
        if rrset.rtype != code::RRSIG || rdata.len() < 2 {
            return rrset.ttl;
        }
        let covered = u16::from_be_bytes([rdata[0], rdata[1]]);
        self.rrset(node, covered).map_or(rrset.ttl, |r| r.ttl)
    }

    /// Every node, in canonical order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The apex SOA RRset (a loaded zone always has one).
    pub fn soa(&self) -> &RRset {
        self.rrset(self.node(0), code::SOA)
            .expect("a zone is only built with an apex SOA")
    }
}

/// Iterates the rdata of an RRset's records.
#[derive(Debug, Clone, Default)]
pub struct Records<'z> {
    data: &'z [u8],
}

impl Records<'_> {
    /// Whether every record has been read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

impl<'z> Iterator for Records<'z> {
    type Item = &'z [u8];

    fn next(&mut self) -> Option<&'z [u8]> {
        let (len, rest) = self.data.split_first_chunk::<2>()?;
        let len = usize::from(u16::from_be_bytes(*len));
        let (rdata, rest) = rest.split_at(len);
        self.data = rest;
        Some(rdata)
    }
}

impl RRset {
    pub(crate) fn new(rtype: u16, ttl: u32) -> Self {
        Self {
            rtype,
            count: 0,
            ttl,
            data: 0,
            data_len: 0,
            additional: 0,
            additional_len: 0,
        }
    }

    /// The encoded records `[rdlength][rdata]...` in the zone's arena.
    pub(crate) fn set_data(&mut self, start: usize, end: usize, count: u16) {
        self.data = start as u32;
        self.data_len = (end - start) as u32;
        self.count = count;
    }

    pub(crate) fn set_additional(&mut self, start: usize, end: usize) {
        self.additional = start as u32;
        self.additional_len = (end - start) as u32;
    }
}

impl Node {
    pub(crate) fn new(name: u32, name_len: u8, flags: u8, rrsets: u32, rrset_count: u16) -> Self {
        Self {
            name,
            name_len,
            flags,
            rrset_count,
            rrsets,
            occluder: NONE,
            wildcard: NONE,
        }
    }

    pub(crate) fn name_range(&self) -> std::ops::Range<usize> {
        self.name as usize..self.name as usize + usize::from(self.name_len)
    }

    pub(crate) fn rrset_range(&self) -> std::ops::Range<usize> {
        self.rrsets as usize..self.rrsets as usize + usize::from(self.rrset_count)
    }
}

#[cfg(test)]
mod tests {
    use crate::rtype::code;
    use crate::wire::name::Name;
    use crate::zone_from_str;

    #[test]
    fn set_serial_rewrites_the_soa_record_and_nothing_else() {
        let origin = Name::from_text(b"example.", &Name::root()).unwrap();
        let text = "$TTL 60\n@ SOA ns.example. hm.example. 7 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";
        let (zone, _) = zone_from_str(text, &origin, "t.zone").unwrap();
        let mut bumped = zone.clone();
        bumped.set_serial(8);
        assert_eq!((zone.serial(), bumped.serial()), (7, 8));
        let rdata = |z: &super::Zone| z.records(z.soa()).next().unwrap().to_vec();
        let (before, after) = (rdata(&zone), rdata(&bumped));
        let at = before.len() - 20;
        assert_eq!(after[at..at + 4], 8u32.to_be_bytes());
        assert_eq!(before[..at], after[..at], "MNAME and RNAME unchanged");
        assert_eq!(before[at + 4..], after[at + 4..], "timers unchanged");
        let negative = bumped.records(bumped.negative_soa()).next().unwrap();
        assert_eq!(
            negative,
            &after[..],
            "negative answers carry the new serial"
        );
        let ns = bumped.rrset(bumped.node(0), code::NS).unwrap();
        assert_eq!(bumped.records(ns).count(), 1);
    }
}
