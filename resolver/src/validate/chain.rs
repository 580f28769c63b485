//! The chain of trust (RFC 4035 5): from a trust anchor down through DS
//! and DNSKEY to the zone that signed an answer, and the verdict on a
//! whole [`Resolution`]: every RRset of the answer, the denial proofs of
//! a negative answer, and the proof that a wildcard did not hide the name.
//!
//! Keys are looked up ([`super::keys`]) by resolving DS (from the parent
//! side) and DNSKEY with the resolver itself, every lookup of one
//! validation counted in one upstream-query budget, and checks nested at
//! most [`MAX_NESTING`] deep (a zone's keys need its parent's, a denial
//! its zone's): no answer can make validation loop. Verdicts are stored
//! on the cached RRsets and negative answers, so the cache-hit path can
//! answer with AD without validating again.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use dashmap::DashMap;
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RData, Record, RecordType};

use super::aggressive::NsecCache;
use super::anchors::TrustAnchors;
use super::denial::{self, Proof};
use super::keys::{KeyEntry, KeyState, ParentSays};
use super::negative::NegativeAnchors;
use super::verify::{self, Algorithms, rrsig};
use super::{Budget, Reason, Security};
use crate::cache::{self, Data};
use crate::iterate::{self, Resolution, Resolver};
use crate::records::{rdata_wire, wire_name};

/// Checks of a zone's keys or signed state nested in one another.
pub const MAX_NESTING: usize = 16;

/// Validation state shared by every query: the anchors and what is known
/// about zones' keys.
pub struct Validation {
    anchors: TrustAnchors,
    pub(super) keys: DashMap<Name, KeyEntry>,
    nsec: NsecCache,
    pub(super) algorithms: Algorithms,
    negative: NegativeAnchors,
}

impl Validation {
    /// Validation from `anchors`.
    pub fn new(anchors: TrustAnchors) -> Self {
        Self {
            anchors,
            keys: DashMap::new(),
            nsec: NsecCache::default(),
            algorithms: Algorithms::default(),
            negative: NegativeAnchors::default(),
        }
    }

    /// The negative trust anchors (RFC 7646): nothing below them is
    /// validated.
    pub fn negative(&self) -> &NegativeAnchors {
        &self.negative
    }

    /// Validates the SHA-1 algorithms too (RFC 9905 2: off by default).
    #[must_use]
    pub fn with_sha1(mut self, on: bool) -> Self {
        self.algorithms.sha1 = on;
        self
    }

    /// The NSEC records of secure denials (RFC 8198).
    pub fn nsec(&self) -> &NsecCache {
        &self.nsec
    }

    /// The trust anchors.
    pub fn anchors(&self) -> &TrustAnchors {
        &self.anchors
    }
}

/// The work one client query has done.
pub(super) struct Work {
    pub(super) budget: Budget,
    pub(super) lookups: usize,
    /// The upstream queries of every DS and DNSKEY lookup.
    pub(super) upstream: iterate::Budget,
    /// Key and zone checks in progress, one inside the other.
    pub(super) nesting: usize,
    /// DS and DNSKEY answers found bogus and asked again, over the
    /// whole validation ([`super::retry`]).
    pub(super) retries: usize,
}

impl Work {
    /// Enters one more nested check; false when that is too deep.
    pub(super) fn enter(&mut self) -> bool {
        if self.nesting >= MAX_NESTING {
            return false;
        }
        self.nesting += 1;
        true
    }
}

pub(super) type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Seconds since the Unix epoch, for signature validity (RFC 4034 3.1.5).
pub(super) fn unix_now() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32)
}

/// The RRsets of `records` (RRSIGs excluded), each as its records.
fn rrsets(records: &[Record]) -> Vec<Vec<Record>> {
    let mut out: Vec<Vec<Record>> = Vec::new();
    for record in records
        .iter()
        .filter(|r| r.record_type() != RecordType::RRSIG)
    {
        match out
            .iter_mut()
            .find(|set| set[0].name == record.name && set[0].record_type() == record.record_type())
        {
            Some(set) => set.push(record.clone()),
            None => out.push(vec![record.clone()]),
        }
    }
    out
}

/// The RRSIGs in `records` over `owner` `rtype`.
pub(super) fn signatures(records: &[Record], owner: &Name, rtype: RecordType) -> Vec<Record> {
    records
        .iter()
        .filter(|r| r.name == *owner && rrsig(r).is_some_and(|s| s.input().type_covered == rtype))
        .cloned()
        .collect()
}

/// The worse of two verdicts: bogus, then insecure, then secure.
fn combine(a: Security, b: Security) -> Security {
    match (a, b) {
        (Security::Bogus(r), _) | (_, Security::Bogus(r)) => Security::Bogus(r),
        (Security::Insecure, _) | (_, Security::Insecure) => Security::Insecure,
        _ => Security::Secure,
    }
}

impl Resolver {
    /// The DNSSEC verdict on `resolution`, the answer to `qname`
    /// `qtype`: [`Security::Insecure`] when validation is off or no
    /// anchor covers the name. The verdict is stored in the cache.
    pub async fn validate(
        &self,
        qname: &Name,
        qtype: RecordType,
        resolution: &Resolution,
    ) -> Security {
        let Some(validation) = self.validation() else {
            return Security::Insecure;
        };
        if validation.anchors().closest(qname).is_none() || validation.negative().covers(qname) {
            return Security::Insecure;
        }
        let mut work = Work {
            budget: Budget::per_query(),
            lookups: 0,
            upstream: self.budget(),
            nesting: 0,
            retries: 0,
        };
        let mut verdict = Security::Secure;
        let mut end = qname.clone();
        let dnames: Vec<&Name> = resolution
            .answers
            .iter()
            .filter(|r| r.record_type() == RecordType::DNAME)
            .map(|r| &r.name)
            .collect();
        for rrset in rrsets(&resolution.answers) {
            let (owner, rtype) = (rrset[0].name.clone(), rrset[0].record_type());
            if let RData::CNAME(target) = &rrset[0].data {
                end = target.0.clone();
                // Synthesised from a DNAME (RFC 6672 5.3.1): the DNAME is what is signed.
                if dnames.iter().any(|d| **d != owner && d.zone_of(&owner)) {
                    continue;
                }
            }
            if validation.negative().covers(&owner) {
                verdict = combine(verdict, Security::Insecure);
                continue;
            }
            let sigs = signatures(&resolution.answers, &owner, rtype);
            // A stored verdict covers the wildcard proof the data came with.
            let security = match self.cached_verdict(&rrset) {
                Some(known) => known,
                None => {
                    let mut security = self.rrset_security(&rrset, &sigs, &mut work).await;
                    if security == Security::Secure {
                        security = self
                            .wildcard_check(&owner, &sigs, &resolution.authority, &mut work)
                            .await;
                    }
                    self.store_verdict(&rrset, security);
                    // The wildcard's own cached RRset (RFC 8198 5.3).
                    if let Some(star) = expanded_from(&owner, &sigs) {
                        let mut source = rrset.clone();
                        source.iter_mut().for_each(|r| r.name = star.clone());
                        self.store_verdict(&source, security);
                    }
                    security
                }
            };
            verdict = combine(verdict, security);
        }
        let answered = resolution
            .answers
            .iter()
            .any(|r| r.name == end && r.record_type() == qtype);
        if validation.negative().covers(&end) {
            return combine(verdict, Security::Insecure);
        }
        if !answered && qtype != RecordType::CNAME {
            let denial = self
                .denial_security(&end, qtype, resolution, &mut work)
                .await;
            self.store_negative_verdict(&end, qtype, denial);
            verdict = combine(verdict, denial);
        }
        verdict
    }

    /// The cached entry holding exactly `rrset`'s data, if any: a verdict
    /// is only ever reused or stored for the data it was reached on.
    fn cached_rrset(&self, rrset: &[Record]) -> Option<Arc<cache::RRset>> {
        let first = rrset.first()?;
        let hit = self.cache().get(
            &wire_name(&first.name),
            u16::from(first.record_type()),
            self.now(),
        )?;
        let Data::RRset(cached) = hit.data else {
            return None;
        };
        let mut ours: Vec<Vec<u8>> = rrset.iter().filter_map(|r| rdata_wire(&r.data)).collect();
        let mut theirs: Vec<&[u8]> = cached.records().collect();
        ours.sort_unstable();
        ours.dedup();
        theirs.sort_unstable();
        theirs.dedup();
        (ours.len() == theirs.len() && ours.iter().zip(&theirs).all(|(a, b)| a == b))
            .then_some(cached)
    }

    /// The verdict already reached on `rrset`'s cached data.
    fn cached_verdict(&self, rrset: &[Record]) -> Option<Security> {
        match self.cached_rrset(rrset)?.security.get() {
            cache::Security::Secure => Some(Security::Secure),
            cache::Security::Insecure => Some(Security::Insecure),
            cache::Security::Unchecked | cache::Security::Bogus => None,
        }
    }

    /// Records the verdict on `rrset`'s cached data.
    pub(super) fn store_verdict(&self, rrset: &[Record], security: Security) {
        if let Some(cached) = self.cached_rrset(rrset) {
            cached.security.set(to_cache(security));
        }
    }

    /// Records the verdict on the cached negative answer for `name` `qtype`.
    fn store_negative_verdict(&self, name: &Name, qtype: RecordType, security: Security) {
        if let Some(hit) = self
            .cache()
            .get(&wire_name(name), u16::from(qtype), self.now())
            && let Data::Negative(negative) = hit.data
        {
            negative.security.set(to_cache(security));
        }
    }

    /// One RRset against its signatures and its signer's keys; an
    /// unsigned one is insecure only if its zone is.
    pub(super) fn rrset_security<'a>(
        &'a self,
        rrset: &'a [Record],
        sigs: &'a [Record],
        work: &'a mut Work,
    ) -> Boxed<'a, Security> {
        Box::pin(async move {
            if let Some(known) = self.cached_verdict(rrset) {
                return known;
            }
            let security = self.check_rrset(rrset, sigs, work).await;
            // A wildcard expansion's verdict also needs its proof: stored by
            // the caller that checks it.
            let expanded = sigs
                .iter()
                .filter_map(rrsig)
                .any(|s| s.input().num_labels < rrset[0].name.num_labels());
            if !expanded {
                self.store_verdict(rrset, security);
            }
            security
        })
    }

    /// [`Self::rrset_security`] without the stored verdicts.
    async fn check_rrset(&self, rrset: &[Record], sigs: &[Record], work: &mut Work) -> Security {
        let owner = rrset[0].name.clone();
        let signer = sigs
            .iter()
            .filter_map(rrsig)
            .map(|s| s.input().signer_name.clone())
            .find(|signer| signer.zone_of(&owner));
        let Some(signer) = signer else {
            return match self.zone_security(&owner, work).await {
                Security::Secure => Security::Bogus(Reason::RrsigsMissing),
                other => other,
            };
        };
        match self.keys(&signer, work).await {
            KeyState::Secure(keys) => {
                match verify::rrset(rrset, sigs, &keys, &signer, unix_now(), &mut work.budget) {
                    Ok(()) => Security::Secure,
                    Err(reason) => Security::Bogus(reason),
                }
            }
            KeyState::Insecure => Security::Insecure,
            KeyState::Bogus(reason) => Security::Bogus(reason),
        }
    }

    /// A signature with fewer labels than its owner: the answer was
    /// synthesised from a wildcard, and the name itself must be proven
    /// not to exist (RFC 4035 5.3.4).
    async fn wildcard_check(
        &self,
        owner: &Name,
        sigs: &[Record],
        authority: &[Record],
        work: &mut Work,
    ) -> Security {
        let Some(labels) = sigs
            .iter()
            .filter_map(rrsig)
            .map(|s| s.input().num_labels)
            .min()
        else {
            return Security::Secure;
        };
        if labels >= owner.num_labels() {
            return Security::Secure;
        }
        let mut verdict = Security::Secure;
        for proof in rrsets(authority)
            .into_iter()
            .filter(|set| matches!(set[0].record_type(), RecordType::NSEC | RecordType::NSEC3))
        {
            let sigs = signatures(authority, &proof[0].name, proof[0].record_type());
            verdict = combine(verdict, self.rrset_security(&proof, &sigs, work).await);
        }
        if verdict != Security::Secure {
            return verdict;
        }
        match denial::wildcard_answer(owner, &owner.trim_to(usize::from(labels)), authority) {
            Proof::Proven => {
                // The proof serves later names too (RFC 8198 5.3).
                let signer = sigs.iter().filter_map(rrsig).next();
                if let (Some(sig), Some(validation)) = (signer, self.validation()) {
                    let zone = &sig.input().signer_name;
                    validation.nsec().learn(zone, authority, self.now());
                }
                Security::Secure
            }
            Proof::Insecure => Security::Insecure,
            Proof::Missing => Security::Bogus(Reason::NsecMissing),
        }
    }

    /// A negative answer for `name` `qtype`: its SOA and NSEC/NSEC3
    /// records verified with the zone's keys, and what they prove.
    pub(super) fn denial_security<'a>(
        &'a self,
        name: &'a Name,
        qtype: RecordType,
        resolution: &'a Resolution,
        work: &'a mut Work,
    ) -> Boxed<'a, Security> {
        Box::pin(async move {
            let authority = &resolution.authority;
            // NODATA may come without an SOA (RFC 2308 2.2): the zone is
            // then the one that signed the NSEC/NSEC3 records.
            let zone = authority
                .iter()
                .find(|r| r.record_type() == RecordType::SOA)
                .map(|soa| soa.name.clone())
                .or_else(|| proof_signer(authority, name));
            let Some(zone) = zone else {
                // No proof at all: bogus if the zone is signed. A DS lies
                // in the parent (RFC 4035 4.2), whose state does not
                // depend on this denial.
                let holder = if qtype == RecordType::DS && !name.is_root() {
                    name.base_name()
                } else {
                    name.clone()
                };
                return match self.zone_security(&holder, work).await {
                    Security::Secure => Security::Bogus(Reason::NsecMissing),
                    other => other,
                };
            };
            let mut verdict = Security::Secure;
            for set in rrsets(authority) {
                let sigs = signatures(authority, &set[0].name, set[0].record_type());
                verdict = combine(verdict, self.rrset_security(&set, &sigs, work).await);
            }
            if verdict != Security::Secure {
                return verdict;
            }
            let nsecs = denial::nsecs(authority);
            let nsec3s = denial::nsec3s(authority);
            let proof = match (resolution.rcode == ResponseCode::NXDomain, nsecs.is_empty()) {
                (true, false) => denial::nsec_nxdomain(name, &nsecs),
                (true, true) => denial::nsec3_nxdomain(name, &zone, &nsec3s),
                (false, false) => denial::nsec_nodata(name, qtype, &nsecs),
                (false, true) => denial::nsec3_nodata(name, qtype, &zone, &nsec3s),
            };
            if proof == Proof::Proven
                && let Some(validation) = self.validation()
            {
                validation.nsec().learn(&zone, authority, self.now());
            }
            match proof {
                Proof::Proven => Security::Secure,
                Proof::Insecure => Security::Insecure,
                Proof::Missing => Security::Bogus(Reason::NsecMissing),
            }
        })
    }

    /// Whether the zone holding `name` is signed: walks down from the
    /// closest anchor, asking DS at each label, until an unsigned
    /// delegation (insecure) or the name itself (secure).
    fn zone_security<'a>(&'a self, name: &'a Name, work: &'a mut Work) -> Boxed<'a, Security> {
        Box::pin(async move {
            if !work.enter() {
                return Security::Bogus(Reason::TooMuchWork);
            }
            let security = self.walk_down(name, work).await;
            work.nesting -= 1;
            security
        })
    }

    /// [`Self::zone_security`], one nesting level in.
    async fn walk_down(&self, name: &Name, work: &mut Work) -> Security {
        let Some(anchor) = self
            .validation()
            .and_then(|v| v.anchors().closest(name))
            .cloned()
        else {
            return Security::Insecure;
        };
        match self.keys(&anchor, work).await {
            KeyState::Secure(_) => {}
            KeyState::Insecure => return Security::Insecure,
            KeyState::Bogus(reason) => return Security::Bogus(reason),
        }
        for labels in usize::from(anchor.num_labels()) + 1..=usize::from(name.num_labels()) {
            let candidate = name.trim_to(labels);
            let Some((resolution, says)) = self.ds_from_parent(&candidate, work).await else {
                return Security::Bogus(Reason::DnskeyMissing);
            };
            match says {
                ParentSays::Ds(_) => match self.keys(&candidate, work).await {
                    KeyState::Secure(_) => continue,
                    KeyState::Insecure => return Security::Insecure,
                    KeyState::Bogus(reason) => return Security::Bogus(reason),
                },
                ParentSays::Denied(Security::Secure, _) => {}
                ParentSays::Denied(other, _) => return other,
                ParentSays::Bogus(reason) => return Security::Bogus(reason),
            }
            let zone = resolution
                .authority
                .iter()
                .find(|r| r.record_type() == RecordType::SOA)
                .map_or_else(|| candidate.base_name(), |soa| soa.name.clone());
            if denial::insecure_delegation(&candidate, &zone, &resolution.authority) {
                return Security::Insecure;
            }
        }
        Security::Secure
    }
}

/// The wildcard `owner`'s RRset was synthesised from, if its signatures
/// have fewer labels than it (RFC 4035 5.3.4).
fn expanded_from(owner: &Name, sigs: &[Record]) -> Option<Name> {
    let labels = sigs
        .iter()
        .filter_map(rrsig)
        .map(|s| s.input().num_labels)
        .min()?;
    (labels < owner.num_labels())
        .then(|| denial::wildcard(&owner.trim_to(usize::from(labels))))
        .flatten()
}

/// The zone that signed the NSEC/NSEC3 records of a denial of `name`:
/// the signer of their RRSIGs, if it holds `name`.
fn proof_signer(authority: &[Record], name: &Name) -> Option<Name> {
    authority
        .iter()
        .filter_map(rrsig)
        .filter(|sig| {
            matches!(
                sig.input().type_covered,
                RecordType::NSEC | RecordType::NSEC3
            )
        })
        .map(|sig| sig.input().signer_name.clone())
        .find(|signer| signer.zone_of(name))
}

fn to_cache(security: Security) -> cache::Security {
    match security {
        Security::Secure => cache::Security::Secure,
        Security::Insecure => cache::Security::Insecure,
        Security::Bogus(_) => cache::Security::Bogus,
    }
}
