//! A zone's keys (RFC 4035 5.2): from its trust anchor, or from the DS
//! records its parent signs (asked of the parent's side) and the DNSKEY
//! RRset they vouch for (asked of the zone itself). What is learnt is
//! kept for the keys' TTL, at most an hour; a bogus chain for a minute.

use std::sync::Arc;

use hickory_proto::dnssec::rdata::{DNSKEY, DS};
use hickory_proto::rr::{Name, Record, RecordType};

use super::chain::{Boxed, Work, signatures, unix_now};
use super::retry::MAX_BOGUS_RETRIES;
use super::verify::{self, Vouch, dnskey, ds};
use super::{Reason, Security};
use crate::iterate::{Resolution, Resolver};

/// Longest a zone's keys are trusted without looking again.
const MAX_KEY_TTL: u32 = 3600;
/// How long a bogus chain is remembered.
const BOGUS_TTL: u32 = 60;
/// Zones whose keys one query may look up.
const MAX_KEY_LOOKUPS: usize = 24;

/// What is known about a zone's keys.
#[derive(Debug, Clone)]
pub enum KeyState {
    /// Its DNSKEYs, validated from an anchor.
    Secure(Arc<[DNSKEY]>),
    /// Unsigned, or signed only with algorithms not validated here.
    Insecure,
    /// The chain is broken here.
    Bogus(Reason),
}

/// What a parent's answer to a DS question says of the child's keys.
pub(super) enum ParentSays {
    /// These DS records, validated, vouch for them.
    Ds(Vec<DS>),
    /// No DS: a denial proven (secure) or not provable (insecure: an
    /// opt-out span, an insecure parent), for this TTL.
    Denied(Security, u32),
    /// The answer is bogus.
    Bogus(Reason),
}

/// A zone's keys as learnt, until `expires` (the cache's clock).
pub(super) struct KeyEntry {
    pub(super) state: KeyState,
    pub(super) expires: u64,
}

impl Resolver {
    /// The keys of `zone`: from its anchor, or from the DS records its
    /// parent signs; remembered for their TTL.
    pub(super) fn keys<'a>(&'a self, zone: &'a Name, work: &'a mut Work) -> Boxed<'a, KeyState> {
        Box::pin(async move {
            let Some(validation) = self.validation() else {
                return KeyState::Insecure;
            };
            let now = self.now();
            if let Some(entry) = validation.keys.get(zone)
                && entry.expires > now
            {
                return entry.state.clone();
            }
            work.lookups += 1;
            if work.lookups > MAX_KEY_LOOKUPS || !work.enter() {
                return KeyState::Bogus(Reason::TooMuchWork);
            }
            let (state, ttl) = match validation.anchors().at(zone) {
                Some(anchor) => {
                    let vouch = if anchor.ds.is_empty() {
                        Vouch::Keys(&anchor.keys)
                    } else {
                        Vouch::Ds(&anchor.ds)
                    };
                    self.fetch_keys(zone, &vouch, work).await
                }
                None => self.keys_from_parent(zone, work).await,
            };
            work.nesting -= 1;
            let ttl = match state {
                KeyState::Bogus(_) => BOGUS_TTL,
                _ => ttl.min(MAX_KEY_TTL),
            };
            validation.keys.insert(
                zone.clone(),
                KeyEntry {
                    state: state.clone(),
                    expires: now + u64::from(ttl),
                },
            );
            state
        })
    }

    /// The DS of `zone` from its parent, validated, then its keys.
    async fn keys_from_parent(&self, zone: &Name, work: &mut Work) -> (KeyState, u32) {
        match self.ds_from_parent(zone, work).await {
            None => (KeyState::Bogus(Reason::DnskeyMissing), BOGUS_TTL),
            Some((_, ParentSays::Ds(ds_set))) => {
                self.fetch_keys(zone, &Vouch::Ds(&ds_set), work).await
            }
            Some((_, ParentSays::Denied(_, ttl))) => (KeyState::Insecure, ttl),
            Some((_, ParentSays::Bogus(reason))) => (KeyState::Bogus(reason), BOGUS_TTL),
        }
    }

    /// The parent's answer to `zone` DS and what it says once validated;
    /// a bogus one is asked again of the parent's other servers first
    /// ([`super::retry`]). `None`: no answer.
    pub(super) async fn ds_from_parent(
        &self,
        zone: &Name,
        work: &mut Work,
    ) -> Option<(Resolution, ParentSays)> {
        let mut resolution = self
            .resolve_counted(zone, RecordType::DS, &mut work.upstream)
            .await
            .ok()?;
        loop {
            let says = self.parent_says(zone, &resolution, work).await;
            let ParentSays::Bogus(reason) = says else {
                return Some((resolution, says));
            };
            if reason == Reason::TooMuchWork || work.retries == MAX_BOGUS_RETRIES {
                return Some((resolution, says));
            }
            work.retries += 1;
            let again = self
                .resolve_again(zone, RecordType::DS, &resolution, &mut work.upstream)
                .await;
            match again {
                Some(again) => resolution = again,
                None => return Some((resolution, says)),
            }
        }
    }

    /// What `resolution`, the parent's answer to `zone` DS, says once
    /// validated.
    async fn parent_says(
        &self,
        zone: &Name,
        resolution: &Resolution,
        work: &mut Work,
    ) -> ParentSays {
        let ds_records: Vec<Record> = resolution
            .answers
            .iter()
            .filter(|r| r.name == *zone && r.record_type() == RecordType::DS)
            .cloned()
            .collect();
        if ds_records.is_empty() {
            let ttl = resolution
                .authority
                .iter()
                .map(|r| r.ttl)
                .min()
                .unwrap_or(BOGUS_TTL);
            return match self
                .denial_security(zone, RecordType::DS, resolution, work)
                .await
            {
                Security::Bogus(reason) => ParentSays::Bogus(reason),
                proven => ParentSays::Denied(proven, ttl),
            };
        }
        let sigs = signatures(&resolution.answers, zone, RecordType::DS);
        match self.rrset_security(&ds_records, &sigs, work).await {
            Security::Secure => ParentSays::Ds(ds_records.iter().filter_map(ds).cloned().collect()),
            Security::Insecure => ParentSays::Denied(Security::Insecure, ds_records[0].ttl),
            Security::Bogus(reason) => ParentSays::Bogus(reason),
        }
    }

    /// The DNSKEY RRset of `zone`, trusted through `vouch`. A bogus one
    /// is asked again of the zone's other servers first ([`super::retry`]).
    async fn fetch_keys(&self, zone: &Name, vouch: &Vouch<'_>, work: &mut Work) -> (KeyState, u32) {
        let Ok(mut resolution) = self
            .resolve_counted(zone, RecordType::DNSKEY, &mut work.upstream)
            .await
        else {
            return (KeyState::Bogus(Reason::DnskeyMissing), BOGUS_TTL);
        };
        loop {
            let trusted = self.trust_keys(zone, vouch, &resolution, work);
            let bogus = matches!(trusted.0, KeyState::Bogus(r) if r != Reason::TooMuchWork);
            if !bogus || work.retries == MAX_BOGUS_RETRIES {
                return trusted;
            }
            work.retries += 1;
            let again = self
                .resolve_again(zone, RecordType::DNSKEY, &resolution, &mut work.upstream)
                .await;
            match again {
                Some(again) => resolution = again,
                None => return trusted,
            }
        }
    }

    /// The keys in `resolution`, the answer to `zone` DNSKEY, if `vouch`
    /// vouches for them.
    fn trust_keys(
        &self,
        zone: &Name,
        vouch: &Vouch<'_>,
        resolution: &Resolution,
        work: &mut Work,
    ) -> (KeyState, u32) {
        let dnskeys: Vec<Record> = resolution
            .answers
            .iter()
            .filter(|r| r.name == *zone && dnskey(r).is_some())
            .cloned()
            .collect();
        let Some(ttl) = dnskeys.iter().map(|r| r.ttl).min() else {
            return (KeyState::Bogus(Reason::DnskeyMissing), BOGUS_TTL);
        };
        let sigs = signatures(&resolution.answers, zone, RecordType::DNSKEY);
        let algorithms = self.validation().map(|v| v.algorithms).unwrap_or_default();
        match verify::trusted_keys(
            zone,
            &dnskeys,
            &sigs,
            vouch,
            unix_now(),
            algorithms,
            &mut work.budget,
        ) {
            Ok(keys) => {
                self.store_verdict(&dnskeys, Security::Secure);
                (KeyState::Secure(keys.into()), ttl)
            }
            Err(Security::Bogus(reason)) => (KeyState::Bogus(reason), BOGUS_TTL),
            Err(_) => (KeyState::Insecure, ttl),
        }
    }
}
