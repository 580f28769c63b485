//! Authenticated denial of existence: what NSEC (RFC 4035 5.4) and NSEC3
//! (RFC 5155 8) records prove, once their signatures have been checked.
//! Pure functions over the records of one response.

use hickory_proto::dnssec::Nsec3HashAlgorithm;
use hickory_proto::dnssec::rdata::{DNSSECRData, NSEC, NSEC3};
use hickory_proto::rr::{Name, RData, Record, RecordType};

/// NSEC3 iterations above which an answer is treated as insecure, as
/// Unbound does (RFC 9276 3.2 lets validators draw the line).
pub const MAX_NSEC3_ITERATIONS: u16 = 150;

/// What the records prove about a denial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// The denial holds.
    Proven,
    /// An opt-out NSEC3 spans the name, or the NSEC3 iterations exceed
    /// [`MAX_NSEC3_ITERATIONS`]: an unsigned delegation may be there, so
    /// the answer is insecure (RFC 5155 9.2).
    Insecure,
    /// The records do not prove it.
    Missing,
}

/// The NSEC records of a response, by owner.
pub fn nsecs(records: &[Record]) -> Vec<(&Name, &NSEC)> {
    records
        .iter()
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::NSEC(nsec)) => Some((&r.name, nsec)),
            _ => None,
        })
        .collect()
}

/// The NSEC3 records of a response, by owner.
pub fn nsec3s(records: &[Record]) -> Vec<(&Name, &NSEC3)> {
    records
        .iter()
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::NSEC3(nsec3)) => Some((&r.name, nsec3)),
            _ => None,
        })
        .collect()
}

/// Whether an NSEC from `owner` to `next` covers `name` (lies strictly
/// between them in canonical order; the last NSEC wraps to the apex).
pub fn covers(owner: &Name, next: &Name, name: &Name) -> bool {
    if owner < next {
        owner < name && name < next
    } else {
        // The last NSEC of the zone: everything after it, within the zone.
        owner < name && next.zone_of(name)
    }
}

/// Whether an NSEC from `owner` to `next` proves that `name` does not
/// exist: it covers the name, and its next name is not below it. A next
/// name below `name` proves `name` an empty non-terminal (RFC 4035 5.4,
/// RFC 8198 5.1): it exists, without data.
pub fn proves_absent(owner: &Name, next: &Name, name: &Name) -> bool {
    covers(owner, next, name) && !name.zone_of(next)
}

/// The deepest common ancestor of two names.
pub fn common_ancestor(a: &Name, b: &Name) -> Name {
    let mut ancestor = a.clone();
    while !ancestor.zone_of(b) && !ancestor.is_root() {
        ancestor = ancestor.base_name();
    }
    ancestor
}

/// `*.` + `name`.
pub fn wildcard(name: &Name) -> Option<Name> {
    Name::from_ascii("*").ok()?.append_domain(name).ok()
}

/// Whether an NSEC at `owner` with `types` may speak for `name`: not
/// when `owner` is an ancestor that is a zone cut (NS without SOA) or a
/// DNAME: the names below it live in another zone (RFC 6840 4.1).
pub fn speaks_for(owner: &Name, types: &[RecordType], name: &Name) -> bool {
    let cut = types.contains(&RecordType::NS) && !types.contains(&RecordType::SOA);
    let redirected = cut || types.contains(&RecordType::DNAME);
    !(redirected && owner != name && owner.zone_of(name))
}

/// Whether `nsec` at `owner` proves `name` absent and may say so.
fn denies(owner: &Name, nsec: &NSEC, name: &Name) -> bool {
    proves_absent(owner, nsec.next_domain_name(), name)
        && speaks_for(owner, &nsec.type_bit_maps().collect::<Vec<_>>(), name)
}

/// The closest encloser of `name` that an NSEC from `owner` to `next`
/// proving it absent shows: the deeper of the ancestors `name` shares
/// with each end (RFC 4035 5.4).
pub fn nsec_closest_encloser(name: &Name, owner: &Name, next: &Name) -> Name {
    let a = common_ancestor(name, owner);
    let b = common_ancestor(name, next);
    if a.num_labels() >= b.num_labels() {
        a
    } else {
        b
    }
}

/// The NSEC proving `name` absent, and the closest encloser it shows.
fn nsec_denial(name: &Name, nsecs: &[(&Name, &NSEC)]) -> Option<Name> {
    let (owner, nsec) = nsecs
        .iter()
        .find(|(owner, nsec)| denies(owner, nsec, name))?;
    Some(nsec_closest_encloser(name, owner, nsec.next_domain_name()))
}

/// NXDOMAIN by NSEC: one NSEC covers the name, one covers the wildcard at
/// the closest encloser (RFC 4035 5.4).
pub fn nsec_nxdomain(name: &Name, nsecs: &[(&Name, &NSEC)]) -> Proof {
    let Some(star) = nsec_denial(name, nsecs).and_then(|encloser| wildcard(&encloser)) else {
        return Proof::Missing;
    };
    let wildcard_denied = nsecs.iter().any(|(owner, nsec)| denies(owner, nsec, &star));
    if wildcard_denied {
        Proof::Proven
    } else {
        Proof::Missing
    }
}

/// NODATA by NSEC: the name's NSEC lacks the type (and CNAME), or the
/// name is an empty non-terminal (an NSEC covering it leads below it), or
/// the name does not exist and the wildcard at its closest encloser lacks
/// the type. For DS, the NSEC must come from the parent side of the cut.
pub fn nsec_nodata(name: &Name, qtype: RecordType, nsecs: &[(&Name, &NSEC)]) -> Proof {
    let lacks = |nsec: &NSEC| {
        let types: Vec<RecordType> = nsec.type_bit_maps().collect();
        !types.contains(&qtype) && !types.contains(&RecordType::CNAME)
    };
    if let Some((_, nsec)) = nsecs.iter().find(|(owner, _)| *owner == name) {
        let wrong_side = qtype == RecordType::DS
            && nsec.type_bit_maps().any(|t| t == RecordType::SOA)
            && !name.is_root();
        return if lacks(nsec) && !wrong_side {
            Proof::Proven
        } else {
            Proof::Missing
        };
    }
    let empty_non_terminal = nsecs.iter().any(|(owner, nsec)| {
        let next = nsec.next_domain_name();
        covers(owner, next, name)
            && name.zone_of(next)
            && speaks_for(owner, &nsec.type_bit_maps().collect::<Vec<_>>(), name)
    });
    if empty_non_terminal {
        return Proof::Proven;
    }
    // Wildcard NODATA: the name does not exist, the wildcard at its
    // closest encloser lacks the type (RFC 4035 5.4).
    let star = nsec_denial(name, nsecs).and_then(|encloser| wildcard(&encloser));
    if let Some(star) = star
        && let Some((_, nsec)) = nsecs.iter().find(|(owner, _)| **owner == star)
        && lacks(nsec)
    {
        return Proof::Proven;
    }
    Proof::Missing
}

fn nsec_nxdomain_name_only(name: &Name, nsecs: &[(&Name, &NSEC)]) -> bool {
    nsecs.iter().any(|(owner, nsec)| denies(owner, nsec, name))
}

/// An answer synthesised from a wildcard: the name itself must not exist
/// (RFC 4035 5.3.4); NSEC3: the next closer name is covered.
pub fn wildcard_answer(name: &Name, closest_encloser: &Name, records: &[Record]) -> Proof {
    let nsecs = nsecs(records);
    if !nsecs.is_empty() {
        return if nsec_nxdomain_name_only(name, &nsecs) {
            Proof::Proven
        } else {
            Proof::Missing
        };
    }
    let nsec3s = nsec3s(records);
    let Some(chain) = Nsec3Chain::new(&nsec3s) else {
        return Proof::Missing;
    };
    if chain.iterations > MAX_NSEC3_ITERATIONS {
        return Proof::Insecure;
    }
    // Covered by an opt-out span: an unsigned delegation could hold the
    // name, so the expansion is not proven (insecure, as Unbound has it).
    match next_closer(name, closest_encloser).and_then(|n| chain.covering(&n)) {
        Some(nsec3) if nsec3.opt_out() => Proof::Insecure,
        Some(_) => Proof::Proven,
        None => Proof::Missing,
    }
}

/// The ancestor of `name` one label below `encloser`.
fn next_closer(name: &Name, encloser: &Name) -> Option<Name> {
    let labels = usize::from(encloser.num_labels()) + 1;
    (usize::from(name.num_labels()) >= labels).then(|| name.trim_to(labels))
}

/// The NSEC3 records of one response, with their owner hashes.
struct Nsec3Chain<'r> {
    iterations: u16,
    salt: &'r [u8],
    records: Vec<(Vec<u8>, &'r NSEC3)>,
}

impl<'r> Nsec3Chain<'r> {
    fn new(nsec3s: &[(&'r Name, &'r NSEC3)]) -> Option<Self> {
        let (_, first) = nsec3s.first()?;
        let records = nsec3s
            .iter()
            .filter(|(_, n)| {
                n.hash_algorithm() == Nsec3HashAlgorithm::SHA1
                    && n.iterations() == first.iterations()
                    && n.salt() == first.salt()
            })
            .filter_map(|(owner, n)| {
                let label = owner.iter().next()?.to_ascii_uppercase();
                Some((data_encoding::BASE32HEX_NOPAD.decode(&label).ok()?, *n))
            })
            .collect();
        Some(Self {
            iterations: first.iterations(),
            salt: first.salt(),
            records,
        })
    }

    fn hash(&self, name: &Name) -> Option<Vec<u8>> {
        Nsec3HashAlgorithm::SHA1
            .hash(self.salt, name, self.iterations)
            .ok()
            .map(|d| d.as_ref().to_vec())
    }

    fn matching(&self, name: &Name) -> Option<&'r NSEC3> {
        let hash = self.hash(name)?;
        self.records
            .iter()
            .find(|(h, _)| *h == hash)
            .map(|(_, n)| *n)
    }

    fn covering(&self, name: &Name) -> Option<&'r NSEC3> {
        let hash = self.hash(name)?;
        self.records
            .iter()
            .find(|(owner, nsec3)| {
                let next = nsec3.next_hashed_owner_name();
                if owner.as_slice() < next {
                    owner.as_slice() < hash.as_slice() && hash.as_slice() < next
                } else {
                    hash.as_slice() > owner.as_slice() || hash.as_slice() < next
                }
            })
            .map(|(_, n)| *n)
    }

    /// The closest encloser of `name` within `zone` and the NSEC3
    /// covering the next closer name (RFC 5155 8.3).
    fn closest_encloser(&self, name: &Name, zone: &Name) -> Option<(Name, &'r NSEC3)> {
        let mut encloser = name.base_name();
        loop {
            if !zone.zone_of(&encloser) {
                return None;
            }
            if self.matching(&encloser).is_some() {
                let next = next_closer(name, &encloser)?;
                return self.covering(&next).map(|cover| (encloser, cover));
            }
            if encloser.is_root() {
                return None;
            }
            encloser = encloser.base_name();
        }
    }
}

/// NXDOMAIN by NSEC3: the closest encloser proof and the wildcard at the
/// closest encloser covered (RFC 5155 8.4).
pub fn nsec3_nxdomain(name: &Name, zone: &Name, nsec3s: &[(&Name, &NSEC3)]) -> Proof {
    let Some(chain) = Nsec3Chain::new(nsec3s) else {
        return Proof::Missing;
    };
    if chain.iterations > MAX_NSEC3_ITERATIONS {
        return Proof::Insecure;
    }
    let Some((encloser, cover)) = chain.closest_encloser(name, zone) else {
        return Proof::Missing;
    };
    let Some(star) = wildcard(&encloser) else {
        return Proof::Missing;
    };
    if chain.covering(&star).is_none() {
        return Proof::Missing;
    }
    if cover.opt_out() {
        Proof::Insecure
    } else {
        Proof::Proven
    }
}

/// NODATA by NSEC3 (RFC 5155 8.5-8.7): the name's NSEC3 lacks the type
/// and CNAME; for DS without one, an opt-out span makes it insecure; for
/// a wildcard, the closest encloser proof and the wildcard's NSEC3.
pub fn nsec3_nodata(
    name: &Name,
    qtype: RecordType,
    zone: &Name,
    nsec3s: &[(&Name, &NSEC3)],
) -> Proof {
    let Some(chain) = Nsec3Chain::new(nsec3s) else {
        return Proof::Missing;
    };
    if chain.iterations > MAX_NSEC3_ITERATIONS {
        return Proof::Insecure;
    }
    let lacks = |nsec3: &NSEC3| {
        let types: Vec<RecordType> = nsec3.type_bit_maps().collect();
        !types.contains(&qtype) && !types.contains(&RecordType::CNAME)
    };
    if let Some(nsec3) = chain.matching(name) {
        let wrong_side =
            qtype == RecordType::DS && nsec3.type_bit_maps().any(|t| t == RecordType::SOA);
        return if lacks(nsec3) && !wrong_side {
            Proof::Proven
        } else {
            Proof::Missing
        };
    }
    let Some((encloser, cover)) = chain.closest_encloser(name, zone) else {
        return Proof::Missing;
    };
    if qtype == RecordType::DS {
        return if cover.opt_out() {
            Proof::Insecure
        } else {
            Proof::Missing
        };
    }
    match wildcard(&encloser).and_then(|star| chain.matching(&star)) {
        Some(nsec3) if lacks(nsec3) => Proof::Proven,
        _ => Proof::Missing,
    }
}

/// Whether the records prove `name` is an unsigned delegation: its NSEC
/// or NSEC3 shows NS without DS or SOA, or an opt-out NSEC3 spans it.
pub fn insecure_delegation(name: &Name, zone: &Name, records: &[Record]) -> bool {
    let delegation_without_ds = |types: Vec<RecordType>| {
        types.contains(&RecordType::NS)
            && !types.contains(&RecordType::DS)
            && !types.contains(&RecordType::SOA)
    };
    let nsecs = nsecs(records);
    if let Some((_, nsec)) = nsecs.iter().find(|(owner, _)| *owner == name) {
        return delegation_without_ds(nsec.type_bit_maps().collect());
    }
    let nsec3s = nsec3s(records);
    let Some(chain) = Nsec3Chain::new(&nsec3s) else {
        return false;
    };
    if let Some(nsec3) = chain.matching(name) {
        return delegation_without_ds(nsec3.type_bit_maps().collect());
    }
    chain
        .closest_encloser(name, zone)
        .is_some_and(|(_, cover)| cover.opt_out())
}

#[cfg(test)]
mod tests;
