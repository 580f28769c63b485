//! What serving a pre-signed zone needs (RFC 4035 3.1, RFC 5155 7.2):
//! the signatures covering one RRset, the NSEC that covers or matches a
//! name (nodes are already in canonical order, so a binary search finds
//! it), and the NSEC3 chain: its parameters and the owner hashes in order,
//! so that the NSEC3 matching or covering a hash is a binary search too.

use crate::rtype::code;
use crate::wire::name::canonical_cmp;
use crate::zone::{Node, RRset, Zone};

/// Length of a SHA-1 NSEC3 hash (RFC 5155 5).
pub const HASH_LEN: usize = 20;
/// An NSEC3 owner hash.
pub type Hash = [u8; HASH_LEN];

/// The zone's NSEC3 chain.
#[derive(Debug, Clone, Default)]
pub struct Nsec3Chain {
    /// Extra hash iterations (RFC 5155 5).
    pub iterations: u16,
    /// The salt.
    pub salt: Box<[u8]>,
    /// Owner hashes in order, each with its node.
    hashes: Box<[(Hash, u32)]>,
}

impl Nsec3Chain {
    /// The chain of `zone`'s NSEC3 records, with the parameters of its
    /// NSEC3PARAM (or of the first NSEC3 record); `None` if it has none.
    pub(crate) fn build(zone: &Zone) -> Option<Self> {
        let params = zone
            .rrset(zone.node(zone.apex()), code::NSEC3PARAM)
            .and_then(|rrset| zone.records(rrset).next());
        let mut hashes = Vec::new();
        let mut first_params = None;
        for (index, node) in zone.nodes().iter().enumerate() {
            let Some(rrset) = zone.rrset(node, code::NSEC3) else {
                continue;
            };
            let name = zone.name(node);
            let Some(hash) = owner_hash(name, zone.origin().as_wire()) else {
                continue;
            };
            first_params = first_params.or_else(|| zone.records(rrset).next());
            hashes.push((hash, index as u32));
        }
        let params = params.or(first_params)?;
        let (iterations, salt) = parse_params(params)?;
        hashes.sort_unstable();
        Some(Self {
            iterations,
            salt: salt.into(),
            hashes: hashes.into(),
        })
    }

    /// The NSEC3 hash of `name` (lowercase wire form), RFC 5155 5.
    pub fn hash(&self, name: &[u8]) -> Hash {
        let digest = |parts: &[&[u8]]| {
            let mut context = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
            for part in parts {
                context.update(part);
            }
            let mut out = [0u8; HASH_LEN];
            out.copy_from_slice(context.finish().as_ref());
            out
        };
        let mut hash = digest(&[name, &self.salt]);
        for _ in 0..self.iterations {
            hash = digest(&[&hash, &self.salt]);
        }
        hash
    }

    /// The node whose NSEC3 owner hash is `hash`.
    pub fn matching(&self, hash: &Hash) -> Option<u32> {
        self.hashes
            .binary_search_by(|(h, _)| h.cmp(hash))
            .ok()
            .map(|i| self.hashes[i].1)
    }

    /// The node whose NSEC3 covers `hash` (owner hash before it, next
    /// hash after it, wrapping around at the end of the chain).
    pub fn covering(&self, hash: &Hash) -> Option<u32> {
        let after = self.hashes.partition_point(|(h, _)| h < hash);
        let index = after
            .checked_sub(1)
            .unwrap_or(self.hashes.len().checked_sub(1)?);
        Some(self.hashes[index].1)
    }
}

/// Iterations and salt from NSEC3 or NSEC3PARAM rdata (hash algorithm 1).
fn parse_params(rdata: &[u8]) -> Option<(u16, &[u8])> {
    let (&[algorithm, _flags, i0, i1, salt_len], rest) = rdata.split_first_chunk::<5>()?;
    if algorithm != 1 {
        return None;
    }
    Some((
        u16::from_be_bytes([i0, i1]),
        rest.get(..usize::from(salt_len))?,
    ))
}

/// The hash in an NSEC3 owner name: its first label in base32hex, the
/// rest the origin.
fn owner_hash(name: &[u8], origin: &[u8]) -> Option<Hash> {
    let len = usize::from(*name.first()?);
    if name.get(1 + len..)? != origin {
        return None;
    }
    let label = name[1..1 + len].to_ascii_uppercase();
    let decoded = data_encoding::BASE32HEX_NOPAD.decode(&label).ok()?;
    decoded.try_into().ok()
}

impl Zone {
    /// Whether the zone is signed: a DNSKEY RRset at the apex.
    pub fn is_signed(&self) -> bool {
        self.rrset(self.node(self.apex()), code::DNSKEY).is_some()
    }

    /// The node's RRSIG RRset, if any.
    pub fn signatures(&self, node: &Node) -> Option<&RRset> {
        self.rrset(node, code::RRSIG)
    }

    /// The node whose NSEC matches or covers `name` (lowercase wire form
    /// in the zone): the last node at or before it in canonical order
    /// that has an NSEC. `None` if the zone has no NSEC there.
    pub fn nsec_for(&self, name: &[u8]) -> Option<u32> {
        let nodes = self.nodes();
        let after = nodes.partition_point(|node| canonical_cmp(self.name(node), name).is_le());
        (0..after)
            .rev()
            .find(|&i| self.rrset(&nodes[i], code::NSEC).is_some())
            .map(|i| i as u32)
    }

    /// The NSEC3 chain, if the zone has one.
    pub fn nsec3(&self) -> Option<&Nsec3Chain> {
        self.nsec3.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5155_appendix_a_hashes() {
        // RFC 5155 Appendix A: salt aabbccdd, 12 iterations.
        let chain = Nsec3Chain {
            iterations: 12,
            salt: vec![0xaa, 0xbb, 0xcc, 0xdd].into(),
            hashes: Box::new([]),
        };
        let encode = |name: &[u8]| {
            data_encoding::BASE32HEX_NOPAD
                .encode(&chain.hash(name))
                .to_ascii_lowercase()
        };
        assert_eq!(
            encode(b"\x07example\x00"),
            "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"
        );
        assert_eq!(
            encode(b"\x01a\x07example\x00"),
            "35mthgpgcu1qg68fab165klnsnk3dpvl"
        );
        assert_eq!(
            encode(b"\x01*\x01w\x07example\x00"),
            "r53bq7cc2uvmubfu5ocmm6pers9tk9en"
        );
    }

    #[test]
    fn covering_wraps_around_the_chain() {
        let chain = Nsec3Chain {
            iterations: 0,
            salt: Box::new([]),
            hashes: vec![
                ([10; HASH_LEN], 1),
                ([20; HASH_LEN], 2),
                ([30; HASH_LEN], 3),
            ]
            .into(),
        };
        assert_eq!(chain.matching(&[20; HASH_LEN]), Some(2));
        assert_eq!(chain.matching(&[25; HASH_LEN]), None);
        assert_eq!(chain.covering(&[25; HASH_LEN]), Some(2));
        assert_eq!(chain.covering(&[35; HASH_LEN]), Some(3));
        assert_eq!(
            chain.covering(&[5; HASH_LEN]),
            Some(3),
            "before the first: the last covers"
        );
        assert_eq!(
            parse_params(&[1, 0, 0, 12, 2, 0xab, 0xcd]),
            Some((12, &[0xab, 0xcd][..]))
        );
        assert_eq!(
            parse_params(&[2, 0, 0, 12, 0]),
            None,
            "only SHA-1 is defined"
        );
    }
}
