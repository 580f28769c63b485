//! What serving a pre-signed zone needs (RFC 4035 3.1, RFC 5155 7.2):
//! the signatures covering one RRset, the NSEC that covers or matches a
//! name (nodes are already in canonical order, so a binary search finds
//! it), and the NSEC3 chain: its parameters and the owner hashes in order,
//! so that the NSEC3 matching or covering a hash is a binary search too.

use crate::problem::{ProblemKind, Problems};
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

/// Where a problem is reported: the file and line of an RRset, by its
/// index in the zone.
pub(crate) type Source<'a> = &'a dyn Fn(usize) -> (std::sync::Arc<std::path::Path>, u32);

/// A week, in seconds: signatures expiring sooner are reported.
const EXPIRY_WARNING: u32 = 7 * 24 * 3600;
/// NSEC3 iterations past which validators treat a zone as insecure (RFC 9276 3.2).
const MAX_ITERATIONS: u16 = 100;

/// The checks for signed zones (warnings): the NSEC chain links every
/// authoritative name in order; NSEC3 records share the NSEC3PARAM's
/// parameters and link in hash order; no signature has expired or
/// expires within a week of `now` (seconds since the epoch).
pub(crate) fn check(zone: &Zone, source: Source<'_>, problems: &mut Problems, now: u32) {
    let at = |index: u32, rtype: u16| {
        let node = zone.node(index);
        let offset = zone
            .rrsets(node)
            .iter()
            .position(|r| r.rtype == rtype)
            .unwrap_or(0);
        source(node.rrset_range().start + offset)
    };
    let warn =
        |problems: &mut Problems, (file, line): (std::sync::Arc<std::path::Path>, u32), kind| {
            problems.warning(&file, line, 0, kind);
        };
    if let Some(chain) = zone.nsec3() {
        check_nsec3(zone, chain, &at, &warn, problems);
    } else if zone
        .nodes()
        .iter()
        .any(|n| zone.rrset(n, code::NSEC).is_some())
    {
        check_nsec(zone, &at, &warn, problems);
    }
    check_expiry(zone, &at, &warn, problems, now);
}

type At<'a> = dyn Fn(u32, u16) -> (std::sync::Arc<std::path::Path>, u32) + 'a;
type Warn<'a> = dyn Fn(&mut Problems, (std::sync::Arc<std::path::Path>, u32), ProblemKind) + 'a;

/// Each authoritative name (data, not occluded) has an NSEC naming the next.
fn check_nsec(zone: &Zone, at: &At<'_>, warn: &Warn<'_>, problems: &mut Problems) {
    let names: Vec<u32> = (0..zone.nodes().len() as u32)
        .filter(|&i| {
            let node = zone.node(i);
            node.occluder == crate::zone::NONE && !zone.rrsets(node).is_empty()
        })
        .collect();
    for (k, &index) in names.iter().enumerate() {
        let node = zone.node(index);
        let Some(nsec) = zone.rrset(node, code::NSEC) else {
            warn(problems, at(index, 0), ProblemKind::NsecMissing);
            continue;
        };
        let next = names[(k + 1) % names.len()];
        let expected = zone.name(zone.node(next));
        let Some(rdata) = zone.records(nsec).next() else {
            continue;
        };
        let found = &rdata[..crate::wire::name::wire_len(rdata).unwrap_or(rdata.len())];
        if !found.eq_ignore_ascii_case(expected) {
            let text = |wire: &[u8]| {
                let mut out = String::new();
                let _ = crate::wire::name::write_presentation(wire, &mut out);
                out
            };
            let kind = ProblemKind::NsecNext {
                expected: text(expected),
                found: text(found),
            };
            warn(problems, at(index, code::NSEC), kind);
        }
    }
}

/// NSEC3 parameters agree with the NSEC3PARAM and the chain is in order.
fn check_nsec3(
    zone: &Zone,
    chain: &Nsec3Chain,
    at: &At<'_>,
    warn: &Warn<'_>,
    problems: &mut Problems,
) {
    let apex = zone.apex();
    if zone.rrset(zone.node(apex), code::NSEC3PARAM).is_none() {
        warn(problems, at(apex, 0), ProblemKind::Nsec3ParamMissing);
    }
    if chain.iterations > MAX_ITERATIONS {
        warn(
            problems,
            at(apex, code::NSEC3PARAM),
            ProblemKind::Nsec3Iterations(chain.iterations),
        );
    }
    for (k, (_, index)) in chain.hashes.iter().enumerate() {
        let node = zone.node(*index);
        let Some(rdata) = zone
            .rrset(node, code::NSEC3)
            .and_then(|r| zone.records(r).next())
        else {
            continue;
        };
        if parse_params(rdata) != Some((chain.iterations, &chain.salt)) {
            warn(
                problems,
                at(*index, code::NSEC3),
                ProblemKind::Nsec3ParamMismatch,
            );
            continue;
        }
        let next = &chain.hashes[(k + 1) % chain.hashes.len()].0;
        let hash_at = 5 + chain.salt.len();
        let found = rdata
            .get(hash_at)
            .and_then(|&len| rdata.get(hash_at + 1..hash_at + 1 + usize::from(len)));
        if found != Some(&next[..]) {
            warn(problems, at(*index, code::NSEC3), ProblemKind::Nsec3Next);
        }
    }
}

/// Signatures already expired, or expiring within [`EXPIRY_WARNING`].
fn check_expiry(zone: &Zone, at: &At<'_>, warn: &Warn<'_>, problems: &mut Problems, now: u32) {
    let (mut expired, mut expiring) = (0usize, 0usize);
    let mut first: Option<(i64, u32)> = None;
    for (index, node) in zone.nodes().iter().enumerate() {
        let Some(sigs) = zone.signatures(node) else {
            continue;
        };
        for rdata in zone.records(sigs) {
            let Some(expiration) = rdata.get(8..12) else {
                continue;
            };
            let expiration = u32::from_be_bytes(expiration.try_into().expect("four octets"));
            // RFC 4034 3.1.5: serial number arithmetic.
            let left = i64::from(expiration.wrapping_sub(now) as i32);
            if left < 0 {
                expired += 1;
            } else if left < i64::from(EXPIRY_WARNING) {
                expiring += 1;
            } else {
                continue;
            }
            if first.is_none_or(|(soonest, _)| left < soonest) {
                first = Some((left, index as u32));
            }
        }
    }
    let Some((left, index)) = first else {
        return;
    };
    let kind = if expired > 0 {
        ProblemKind::RrsigExpired(expired)
    } else {
        ProblemKind::RrsigExpiring {
            count: expiring,
            hours: (left / 3600) as u32,
        }
    };
    warn(problems, at(index, code::RRSIG), kind);
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

    /// A small NSEC-signed zone (the signatures are not real: the checks
    /// read their fields only), with `extra` appended.
    fn signed(nsec_after_www: &str, expiration: &str) -> String {
        format!(
            "$ORIGIN example.\n$TTL 300\n\
             @ SOA ns hostmaster 1 3600 600 86400 60\n@ NS ns\n\
             @ DNSKEY 257 3 13 AAAA\n\
             @ RRSIG SOA 13 1 300 {expiration} 20200101000000 1 example. AAAA\n\
             @ NSEC ns NS SOA RRSIG NSEC DNSKEY\n\
             ns A 192.0.2.1\nns NSEC www A RRSIG NSEC\n\
             www A 192.0.2.2\nwww NSEC {nsec_after_www} A RRSIG NSEC\n"
        )
    }

    fn warnings(text: &str, now: u32) -> Vec<String> {
        let origin =
            crate::wire::name::Name::from_text(b"example.", &crate::wire::name::Name::root())
                .unwrap();
        let (zone, _) = crate::zone_from_str(text, &origin, "test.zone").unwrap();
        let mut problems = Problems::default();
        let source = |_| (std::sync::Arc::from(std::path::Path::new("test.zone")), 1);
        check(&zone, &source, &mut problems, now);
        problems.list.iter().map(|p| p.kind.to_string()).collect()
    }

    #[test]
    fn signed_zone_checks_find_broken_chains_and_old_signatures() {
        let now = 1_900_000_000; // 2030-03-17 17:46 UTC
        assert_eq!(
            warnings(&signed("example.", "20300601000000"), now),
            Vec::<String>::new()
        );
        let broken = warnings(&signed("zzz.example.", "20300601000000"), now);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(
            broken[0].contains("next name is zzz.example., but the zone's next name is example."),
            "{broken:?}"
        );
        let soon = warnings(&signed("example.", "20300320000000"), now);
        assert!(
            soon[0].contains("1 RRSIG(s) expire within 7 days, the first in 54 hours"),
            "{soon:?}"
        );
        let old = warnings(&signed("example.", "20300301000000"), now);
        assert_eq!(old, ["1 RRSIG(s) have expired"]);
        let extra = signed("example.", "20300601000000") + "mail A 192.0.2.3\n";
        let missing = warnings(&extra, now);
        assert!(
            missing.iter().any(|w| w.contains("has no NSEC")),
            "{missing:?}"
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
