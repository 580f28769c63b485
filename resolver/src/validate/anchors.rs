//! Trust anchors: where chains of trust start. Built in: the IANA root
//! key-signing keys KSK-2017 (tag 20326) and KSK-2024 (tag 38696), as
//! hickory-proto ships them. `--trust-anchor FILE` replaces them with DS
//! or DNSKEY records in zone-file format (as Unbound's
//! `trust-anchor-file`), at the root or at any zone, for private roots
//! and labs; errors name file:line:col.

use std::path::Path;

use hickory_proto::dnssec::TrustAnchors as HickoryAnchors;
use hickory_proto::dnssec::rdata::{DNSKEY, DS};
use hickory_proto::rr::{Name, RecordType};
use hickory_proto::serialize::binary::BinDecodable;
use zone_loader::parse::{ParsedRecord, Parser};
use zone_loader::problem::Problems;
use zone_loader::rtype::code;
use zone_loader::wire::name::Name as WireName;

use super::verify::{dnskey, ds};
use crate::records;

/// The DNSKEY flags of a key-signing key: Zone Key and Secure Entry Point.
const KSK_FLAGS: u16 = 257;

/// What vouches for one zone's keys.
#[derive(Debug, Clone, Default)]
pub struct Anchor {
    /// DS records: the keys they digest.
    pub ds: Vec<DS>,
    /// The keys themselves.
    pub keys: Vec<DNSKEY>,
}

/// Every configured trust anchor, by zone.
#[derive(Debug, Clone)]
pub struct TrustAnchors {
    zones: Vec<(Name, Anchor)>,
}

impl TrustAnchors {
    /// The IANA root anchors.
    pub fn iana() -> Self {
        let roots = HickoryAnchors::default();
        let keys = (0..roots.len())
            .filter_map(|i| roots.get(i))
            .map(|key| DNSKEY::with_flags(KSK_FLAGS, key.clone()))
            .collect();
        Self {
            zones: vec![(
                Name::root(),
                Anchor {
                    ds: Vec::new(),
                    keys,
                },
            )],
        }
    }

    /// Reads DS and DNSKEY records from a zone-format file (other types
    /// are ignored). An empty file is an error: nothing would validate.
    pub fn load(path: &Path) -> Result<Self, Problems> {
        let mut found: Vec<(Name, Anchor)> = Vec::new();
        let mut sink = |record: ParsedRecord<'_>, _: &mut Problems| {
            if !matches!(record.rtype, code::DS | code::DNSKEY) {
                return;
            }
            let Ok(owner) = Name::from_bytes(record.owner.to_lowercase().as_wire()) else {
                return;
            };
            let rtype = RecordType::from(record.rtype);
            let Some(parsed) = records::record(&owner, rtype, record.ttl, record.rdata) else {
                return;
            };
            let index = match found.iter().position(|(name, _)| *name == owner) {
                Some(index) => index,
                None => {
                    found.push((owner, Anchor::default()));
                    found.len() - 1
                }
            };
            let anchor = &mut found[index].1;
            if let Some(ds) = ds(&parsed) {
                anchor.ds.push(ds.clone());
            } else if let Some(key) = dnskey(&parsed) {
                anchor.keys.push(key.clone());
            }
        };
        // Like Unbound's trust-anchor-file, records may leave the TTL out.
        let mut parser = Parser::new(&mut sink).with_default_ttl(3600);
        parser.parse_file(path, &WireName::root());
        let mut problems = parser.problems;
        if found.is_empty() {
            let file = std::sync::Arc::from(path);
            problems.error(
                &file,
                0,
                0,
                zone_loader::problem::ProblemKind::BadDirective(
                    "no DS or DNSKEY record: nothing to trust",
                ),
            );
        }
        if problems.errors() > 0 {
            return Err(problems);
        }
        Ok(Self { zones: found })
    }

    /// The anchor for exactly `zone`, if there is one.
    pub fn at(&self, zone: &Name) -> Option<&Anchor> {
        self.zones
            .iter()
            .find(|(name, _)| name == zone)
            .map(|(_, anchor)| anchor)
    }

    /// The key tags of the root's trust anchors (what RFC 8509 sentinels
    /// ask about): of its DS records and of its keys.
    pub fn root_key_tags(&self) -> Vec<u16> {
        let Some(root) = self.at(&Name::root()) else {
            return Vec::new();
        };
        root.ds
            .iter()
            .map(DS::key_tag)
            .chain(root.keys.iter().filter_map(|k| k.calculate_key_tag().ok()))
            .collect()
    }

    /// The deepest anchored zone at or above `name`: where validation of
    /// `name` starts. `None`: nothing above it is anchored (insecure).
    pub fn closest(&self, name: &Name) -> Option<&Name> {
        self.zones
            .iter()
            .map(|(zone, _)| zone)
            .filter(|zone| zone.zone_of(name))
            .max_by_key(|zone| zone.num_labels())
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn the_iana_root_keys_are_built_in() {
        let anchors = TrustAnchors::iana();
        let root = anchors.at(&Name::root()).unwrap();
        let mut tags: Vec<u16> = root
            .keys
            .iter()
            .map(|k| k.calculate_key_tag().unwrap())
            .collect();
        tags.sort_unstable();
        assert_eq!(tags, [20326, 38696]);
        assert!(root.keys.iter().all(DNSKEY::secure_entry_point));
        assert_eq!(
            anchors.closest(&Name::from_str("www.example.com.").unwrap()),
            Some(&Name::root())
        );
    }

    #[test]
    fn a_file_of_ds_and_dnskey_records() {
        let dir = std::env::temp_dir().join(format!("anchors-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("anchors");
        std::fs::write(
            &file,
            "; a private root and a lab zone\n\
             . IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n\
             lab.example. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=\n\
             lab.example. 3600 IN A 192.0.2.1\n",
        )
        .unwrap();
        let anchors = TrustAnchors::load(&file).unwrap();
        assert_eq!(anchors.at(&Name::root()).unwrap().ds.len(), 1);
        assert_eq!(
            anchors
                .at(&Name::from_str("lab.example.").unwrap())
                .unwrap()
                .keys
                .len(),
            1
        );
        let deep = Name::from_str("www.lab.example.").unwrap();
        assert_eq!(
            anchors.closest(&deep),
            Some(&Name::from_str("lab.example.").unwrap())
        );

        std::fs::write(&file, "example. 3600 IN A 192.0.2.1\n").unwrap();
        assert!(TrustAnchors::load(&file).is_err(), "nothing to trust");
        std::fs::write(&file, ". 3600 IN DS 12345 13 2 nothex\n").unwrap();
        let problems = TrustAnchors::load(&file).unwrap_err();
        assert!(
            problems.list[0].to_string().contains("anchors:1"),
            "{}",
            problems.list[0]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
