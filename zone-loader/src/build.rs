//! Parsed records to an indexed [`Zone`], with the zone checks that
//! named-checkzone and kzonecheck make.
//!
//! Records are collected flat, then sorted once by (owner in canonical
//! order, type, canonical rdata: RFC 4034 6.2, 6.3): duplicates (equal in
//! canonical form, as RFC 2181 5 and BIND compare them) become neighbours
//! and are dropped, TTLs
//! are normalised per RRset, and nodes are laid out in canonical order.
//! Empty non-terminals are added so that every ancestor of a name up to
//! the apex exists (RFC 4592 2.2.2 needs them for wildcards). Then the
//! facts answers need are computed once: flags, occluders, wildcard
//! children, additional-section targets and the negative SOA.

use std::path::Path;
use std::sync::Arc;

use hashbrown::HashTable;

use crate::owners::OwnerNames;
use crate::parse::ParsedRecord;
use crate::problem::{ProblemKind, Problems};
use crate::rdata;
use crate::rtype::code;
use crate::wire::name::{Name, canonical_key_into};
use crate::zone::{NONE, Node, RRset, Zone, flags, hash_name};

/// Most records in one RRset (its count must fit the wire's 16 bits).
pub const MAX_RRSET_RECORDS: usize = u16::MAX as usize;

#[derive(Debug, Clone, Copy)]
struct Pending {
    owner: u32,
    rtype: u16,
    rdata_len: u16,
    ttl: u32,
    rdata: u32,
    file: u16,
    line: u32,
}

/// Collects records for one zone, then builds it.
pub struct ZoneBuilder {
    origin: Name,
    owners: OwnerNames,
    records: Vec<Pending>,
    rdata: Vec<u8>,
    files: Vec<Arc<Path>>,
}

impl ZoneBuilder {
    /// A builder for the zone at `origin`.
    pub fn new(origin: &Name) -> Self {
        let mut builder = Self {
            origin: origin.to_lowercase(),
            owners: OwnerNames::default(),
            records: Vec::new(),
            rdata: Vec::new(),
            files: Vec::new(),
        };
        builder.owners.intern(origin.as_wire());
        builder
    }

    /// Makes room for the records of a zone file of `bytes` octets: a
    /// rebuild of the owner table at each doubling cost a tenth of the
    /// load time of a million-record zone. The guesses (a record per 24
    /// octets, an owner per 32) err high for typical zones; too high
    /// only reserves address space that is never touched.
    pub fn expect_text(&mut self, bytes: usize) {
        self.owners.reserve(bytes / 32, bytes / 2);
        self.records.reserve(bytes / 24);
        self.rdata.reserve(bytes / 3);
    }

    /// The zone's origin.
    pub fn origin(&self) -> &Name {
        &self.origin
    }

    fn file_id(&mut self, file: &Arc<Path>) -> u16 {
        if let Some(pos) = self
            .files
            .iter()
            .rposition(|f| Arc::ptr_eq(f, file) || **f == **file)
        {
            return pos as u16;
        }
        self.files.push(Arc::clone(file));
        (self.files.len() - 1) as u16
    }

    /// Adds a parsed record. One outside the origin is ignored with a
    /// warning, as BIND and Knot do.
    pub fn add(&mut self, record: ParsedRecord<'_>, problems: &mut Problems) {
        if !record.owner.is_subdomain_of(&self.origin) {
            return problems.warning(record.file, record.line, 0, ProblemKind::OutOfZone);
        }
        if self.rdata.len() + record.rdata.len() > u32::MAX as usize {
            return problems.error(record.file, record.line, 0, ProblemKind::ZoneTooLarge);
        }
        let owner = self.owners.intern(record.owner.as_wire());
        let file = self.file_id(record.file);
        let rdata = self.rdata.len() as u32;
        self.rdata.extend_from_slice(record.rdata);
        self.records.push(Pending {
            owner,
            rtype: record.rtype,
            rdata_len: record.rdata.len() as u16,
            ttl: record.ttl,
            rdata,
            file,
            line: record.line,
        });
    }

    /// Adds the records of `zone` that `keep(owner, type, rdata)` takes,
    /// each with the TTL a transfer gives it, reported against `source`:
    /// the base of an incremental update (RFC 1995), copied without a
    /// name or record allocated per record.
    pub fn add_zone(
        &mut self,
        zone: &Zone,
        source: &Arc<Path>,
        mut keep: impl FnMut(&[u8], u16, &[u8]) -> bool,
    ) {
        let file = self.file_id(source);
        let stats = zone.stats();
        let name_bytes = zone.nodes().iter().map(|n| zone.name(n).len()).sum();
        self.owners.reserve(stats.names, name_bytes);
        self.records.reserve(stats.records);
        // The arena holds every name and rdata: a bound on what is copied.
        self.rdata.reserve(zone.bytes.len());
        for node in zone.nodes() {
            let name = zone.name(node);
            let mut owner = None;
            for rrset in zone.rrsets(node) {
                for rdata in zone.records(rrset) {
                    if !keep(name, rrset.rtype, rdata) {
                        continue;
                    }
                    let owner = *owner.get_or_insert_with(|| self.owners.intern(name));
                    let at = self.rdata.len() as u32;
                    self.rdata.extend_from_slice(rdata);
                    self.records.push(Pending {
                        owner,
                        rtype: rrset.rtype,
                        rdata_len: rdata.len() as u16,
                        ttl: zone.record_ttl(node, rrset, rdata),
                        rdata: at,
                        file,
                        line: 0,
                    });
                }
            }
        }
    }

    fn rdata_of(&self, p: &Pending) -> &[u8] {
        &self.rdata[p.rdata as usize..p.rdata as usize + usize::from(p.rdata_len)]
    }

    /// Checks and builds the zone. `None` if `problems` holds any error
    /// (from parsing or from the checks here): errors reject the zone.
    pub fn finish(mut self, problems: &mut Problems) -> Option<Zone> {
        let zone_file = self
            .files
            .first()
            .cloned()
            .unwrap_or_else(|| Arc::from(Path::new("<zone>")));
        self.add_empty_non_terminals();

        let order = self.canonical_order();
        let mut rank = vec![0u32; self.owners.len()];
        for (position, &id) in order.iter().enumerate() {
            rank[id as usize] = position as u32;
        }
        let mut records = std::mem::take(&mut self.records);
        records.sort_unstable_by(|a, b| {
            rank[a.owner as usize]
                .cmp(&rank[b.owner as usize])
                .then(a.rtype.cmp(&b.rtype))
                .then_with(|| {
                    let rdata = |p| rdata::canonical(a.rtype, self.rdata_of(p));
                    rdata(a).cmp(&rdata(b))
                })
                .then((a.file, a.line).cmp(&(b.file, b.line)))
        });
        drop(rank);

        let mut layout = self.layout_with_capacity(records.len());
        let mut next = 0;
        for &id in &order {
            let start = next;
            while next < records.len() && records[next].owner == id {
                next += 1;
            }
            self.lay_out_node(id, &records[start..next], &mut layout, problems);
        }
        // The zone holds its own copy of everything now: free the parsed
        // form before the index is built, so that a reload's peak is the
        // old zone plus the new one and little else.
        drop(records);
        let node_count = order.len();
        drop(order);
        self.owners = OwnerNames::default();
        self.rdata = Vec::new();
        if layout.bytes.len() > u32::MAX as usize {
            problems.error(&zone_file, 0, 0, ProblemKind::ZoneTooLarge);
            return None;
        }

        let mut zone = Zone {
            origin: self.origin.clone(),
            serial: 0,
            bytes: layout.bytes.into_boxed_slice(),
            nodes: layout.nodes.into_boxed_slice(),
            rrsets: layout.rrsets.into_boxed_slice(),
            additional: Box::new([]),
            table: HashTable::with_capacity(node_count),
            negative_soa: RRset::new(code::SOA, 0),
            nsec3: None,
        };
        for index in 0..zone.nodes.len() as u32 {
            let hash = hash_name(zone.name(&zone.nodes[index as usize]));
            let (nodes, bytes) = (&zone.nodes, &zone.bytes);
            zone.table.insert_unique(hash, index, |&i| {
                hash_name(&bytes[nodes[i as usize].name_range()])
            });
        }
        link_parents(&mut zone);
        link_additional(&mut zone);
        let sources = layout.rrset_sources;
        let source = |rrset_index: usize| {
            let (file, line) = sources[rrset_index];
            (Arc::clone(&self.files[usize::from(file)]), line)
        };
        crate::checks::check(&zone, &zone_file, &source, problems);
        if problems.errors() > 0 {
            return None;
        }
        let soa = *zone.soa();
        let soa_rdata = zone.records(&soa).next().expect("checked: one SOA record");
        let fixed = &soa_rdata[soa_rdata.len() - 20..];
        let serial = u32::from_be_bytes([fixed[0], fixed[1], fixed[2], fixed[3]]);
        let minimum = u32::from_be_bytes([fixed[16], fixed[17], fixed[18], fixed[19]]);
        zone.serial = serial;
        let mut negative_soa = soa;
        negative_soa.ttl = soa.ttl.min(minimum);
        zone.negative_soa = negative_soa;
        zone.nsec3 = crate::dnssec::Nsec3Chain::build(&zone);
        if zone.is_signed() {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as u32);
            crate::dnssec::check(&zone, &source, problems, now);
        }
        Some(zone)
    }

    /// Owner ids in canonical order (RFC 4034 6.1). The sort keys share
    /// one buffer: a key per name would be an allocation per name.
    fn canonical_order(&self) -> Vec<u32> {
        let mut keys = Vec::with_capacity(self.owners.total_len() + 2 * self.owners.len());
        let mut ends = Vec::with_capacity(self.owners.len());
        for id in 0..self.owners.len() as u32 {
            canonical_key_into(self.owners.get(id), &mut keys);
            ends.push(keys.len() as u32);
        }
        let key = |id: u32| {
            let start = if id == 0 { 0 } else { ends[id as usize - 1] };
            &keys[start as usize..ends[id as usize] as usize]
        };
        let mut order: Vec<u32> = (0..self.owners.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| key(a).cmp(key(b)));
        order
    }

    /// A layout whose buffers are allocated once at their final size, so
    /// that growing them never holds two copies.
    fn layout_with_capacity(&self, records: usize) -> Layout {
        Layout {
            bytes: Vec::with_capacity(self.owners.total_len() + self.rdata.len() + 2 * records),
            nodes: Vec::with_capacity(self.owners.len()),
            rrsets: Vec::with_capacity(records),
            rrset_sources: Vec::with_capacity(records),
        }
    }

    fn add_empty_non_terminals(&mut self) {
        let apex_len = self.origin.as_wire().len();
        let mut parent = [0u8; 255];
        for id in 0..self.owners.len() as u32 {
            let name = self.owners.get(id);
            let len = name.len();
            parent[..len].copy_from_slice(name);
            let mut at = 0;
            loop {
                at += 1 + usize::from(parent[at]);
                if len - at <= apex_len {
                    break;
                }
                let before = self.owners.len();
                self.owners.intern(&parent[at..len]);
                if self.owners.len() == before {
                    break;
                }
            }
        }
    }

    fn lay_out_node(
        &self,
        id: u32,
        records: &[Pending],
        layout: &mut Layout,
        problems: &mut Problems,
    ) {
        let name = self.owners.get(id);
        let name_at = layout.bytes.len() as u32;
        layout.bytes.extend_from_slice(name);
        let rrsets_at = layout.rrsets.len() as u32;
        let mut node_flags = 0;
        let mut i = 0;
        while i < records.len() {
            let rtype = records[i].rtype;
            let mut end = i;
            while end < records.len() && records[end].rtype == rtype {
                end += 1;
            }
            let group = &records[i..end];
            let first = group
                .iter()
                .min_by_key(|p| (p.file, p.line))
                .expect("group is non-empty");
            let mut rrset = RRset::new(rtype, first.ttl);
            let data_at = layout.bytes.len();
            let mut count = 0usize;
            let mut previous = None;
            for p in group {
                let file = &self.files[usize::from(p.file)];
                let rdata = self.rdata_of(p);
                let canonical = rdata::canonical(rtype, rdata);
                if previous.as_ref() == Some(&canonical) {
                    problems.warning(file, p.line, 0, ProblemKind::Duplicate);
                    continue;
                }
                // RRSIGs covering different types keep their own TTLs; an
                // answer gives each the TTL of the RRset it covers.
                if p.ttl != first.ttl && rtype != code::RRSIG {
                    problems.warning(
                        file,
                        p.line,
                        0,
                        ProblemKind::TtlMismatch {
                            kept: first.ttl,
                            found: p.ttl,
                        },
                    );
                }
                if count == MAX_RRSET_RECORDS {
                    problems.error(
                        file,
                        p.line,
                        0,
                        ProblemKind::BadDirective("more than 65535 records in one RRset"),
                    );
                    break;
                }
                previous = Some(canonical);
                layout.bytes.extend_from_slice(&p.rdata_len.to_be_bytes());
                layout.bytes.extend_from_slice(rdata);
                count += 1;
            }
            rrset.set_data(data_at, layout.bytes.len(), count as u16);
            layout.rrsets.push(rrset);
            layout.rrset_sources.push((first.file, first.line));
            node_flags |= match rtype {
                code::CNAME => flags::CNAME,
                code::DNAME => flags::DNAME,
                code::NS if name.len() != self.origin.as_wire().len() => flags::DELEGATION,
                _ => 0,
            };
            i = end;
        }
        if name.len() == self.origin.as_wire().len() {
            node_flags |= flags::APEX;
        }
        if records.is_empty() {
            node_flags |= flags::EMPTY;
        }
        if name.starts_with(b"\x01*") {
            node_flags |= flags::WILDCARD;
        }
        let rrset_count = layout.rrsets.len() as u32 - rrsets_at;
        layout.nodes.push(Node::new(
            name_at,
            name.len() as u8,
            node_flags,
            rrsets_at,
            rrset_count as u16,
        ));
    }
}

#[derive(Default)]
struct Layout {
    bytes: Vec<u8>,
    nodes: Vec<Node>,
    rrsets: Vec<RRset>,
    rrset_sources: Vec<(u16, u32)>,
}

/// Sets occluders and wildcard children. Parents precede children in
/// canonical order and every ancestor exists (empty non-terminals), so
/// one pass with the stack of the current node's ancestors finds each
/// parent without a lookup.
fn link_parents(zone: &mut Zone) {
    let mut ancestors: Vec<u32> = vec![0];
    for index in 1..zone.nodes.len() {
        let node = zone.nodes[index];
        let name = zone.name(&node);
        let parent_name = &name[1 + usize::from(name[0])..];
        while let Some(&top) = ancestors.last() {
            if zone.name(&zone.nodes[top as usize]) == parent_name {
                break;
            }
            ancestors.pop();
        }
        let parent_index = *ancestors
            .last()
            .expect("empty non-terminals make every parent exist, the apex first");
        let parent = zone.nodes[parent_index as usize];
        zone.nodes[index].occluder = if parent.occluder != NONE {
            parent.occluder
        } else if parent.has(flags::DELEGATION) || parent.has(flags::DNAME) {
            parent_index
        } else {
            NONE
        };
        if node.has(flags::WILDCARD) {
            zone.nodes[parent_index as usize].wildcard = index as u32;
        }
        ancestors.push(index as u32);
    }
}

/// The target name in the rdata of an NS, MX or SRV record.
pub fn target_name(rtype: u16, rdata: &[u8]) -> Option<&[u8]> {
    match rtype {
        code::NS | code::CNAME | code::PTR | code::DNAME => Some(rdata),
        code::MX => rdata.get(2..),
        code::SRV => rdata.get(6..),
        _ => None,
    }
}

/// Whether `node` holds an A or AAAA RRset.
pub(crate) fn has_address(zone: &Zone, node: &Node) -> bool {
    zone.rrsets(node)
        .iter()
        .any(|r| r.rtype == code::A || r.rtype == code::AAAA)
}

/// Lists, for each NS, MX and SRV RRset, the nodes of its targets that
/// have addresses (the additional section). The RRsets are updated in
/// place: a copy of them would add to a reload's peak.
fn link_additional(zone: &mut Zone) {
    let mut additional = Vec::new();
    let mut rrsets = std::mem::take(&mut zone.rrsets);
    let mut lower = [0u8; 255];
    for i in 0..rrsets.len() {
        let rrset = rrsets[i];
        if !matches!(rrset.rtype, code::NS | code::MX | code::SRV) {
            continue;
        }
        let start = additional.len();
        for rdata in zone.records(&rrset) {
            let Some(name) = target_name(rrset.rtype, rdata) else {
                continue;
            };
            let target = &mut lower[..name.len()];
            target.copy_from_slice(name);
            target.make_ascii_lowercase();
            let Some(index) = zone.find(target) else {
                continue;
            };
            let has_address = rrsets[zone.node(index).rrset_range()]
                .iter()
                .any(|r| r.rtype == code::A || r.rtype == code::AAAA);
            if has_address && !additional[start..].contains(&index) {
                additional.push(index);
            }
        }
        rrsets[i].set_additional(start, additional.len());
    }
    zone.rrsets = rrsets;
    zone.additional = additional.into_boxed_slice();
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use crate::problem::Problems;
    use crate::wire::name::Name;
    use crate::zone::Zone;
    use crate::{ZoneBuilder, zone_from_str};

    /// Every record of `zone` as (owner, type, TTL, rdata), in order.
    fn records(zone: &Zone) -> Vec<(Vec<u8>, u16, u32, Vec<u8>)> {
        let mut out = Vec::new();
        for node in zone.nodes() {
            for rrset in zone.rrsets(node) {
                for rdata in zone.records(rrset) {
                    let ttl = zone.record_ttl(node, rrset, rdata);
                    out.push((zone.name(node).to_vec(), rrset.rtype, ttl, rdata.to_vec()));
                }
            }
        }
        out
    }

    const BASE: &str = "$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n\
        www A 192.0.2.2\nwww A 192.0.2.3\nmail MX 10 www\n";

    #[test]
    fn a_zone_minus_some_records_plus_others_is_built_without_text() {
        let origin = Name::from_text(b"example.", &Name::root()).unwrap();
        let (old, _) = zone_from_str(BASE, &origin, "old").unwrap();
        let mut builder = ZoneBuilder::new(&origin);
        let source: Arc<Path> = Arc::from(Path::new("previous version"));
        let mut seen = 0;
        builder.add_zone(&old, &source, |owner, rtype, rdata| {
            seen += 1;
            // Drop the SOA and www's second address.
            !(rtype == 6 || (owner.starts_with(b"\x03www") && rdata == [192, 0, 2, 3]))
        });
        assert_eq!(seen, 6);
        let (additions, _) = zone_from_str(
            "$TTL 300\n@ SOA ns hm 2 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nnew 60 TXT \"added\"\n",
            &origin,
            "additions",
        )
        .unwrap();
        builder.add_zone(&additions, &source, |owner, rtype, _| {
            rtype == 6 || owner.starts_with(b"\x03new")
        });
        let mut problems = Problems::default();
        let new = builder.finish(&mut problems).unwrap();
        assert_eq!(problems.errors(), 0);
        let (expected, _) = zone_from_str(
            "$TTL 300\n@ SOA ns hm 2 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n\
             www A 192.0.2.2\nmail MX 10 www\nnew 60 TXT \"added\"\n",
            &origin,
            "expected",
        )
        .unwrap();
        assert_eq!(records(&new), records(&expected));
        assert_eq!(new.serial(), 2);
    }
}
