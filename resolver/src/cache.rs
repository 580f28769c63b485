//! The resolver's cache: one per process, shared by every frontend.
//!
//! It holds RRsets, not messages, keyed by (lowercased owner, type); the
//! class is always IN. Each RRset is stored in wire form (uncompressed
//! rdata, as zone-loader stores zones), so a cache hit is written into a
//! response without decoding. What it implements:
//!
//! - TTLs count down from insertion and are capped (RFC 8767 4 suggests a
//!   one-day maximum; negative answers three hours, RFC 2308 5).
//! - Trust ranking, RFC 2181 5.4.1: data replaces cached data only if it
//!   is at least as trustworthy, or the cached data has expired. Glue never
//!   replaces an authoritative answer.
//! - Negative caching, RFC 2308: NXDOMAIN for a name (every type), NODATA
//!   for one type, each with the SOA for the authority section.
//! - Serve-stale, RFC 8767: expired entries are kept for a stale window and
//!   returned as [`Freshness::Stale`] for the caller to use when upstreams fail.
//! - A memory budget: [`Cache::evict`] drops what is past the stale window,
//!   then the least recently used entries, until the cache is within budget.
//!   An insert that takes the cache over budget wakes whoever waits in
//!   [`Cache::over_budget_wakeup`], so a burst of new names is evicted at
//!   once rather than at the next periodic pass.
//!
//! Time is passed in (`now`, seconds on any monotonic clock): the cache
//! does no IO and reads no clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};

use dashmap::DashMap;
use tokio::sync::Notify;

/// Default cap on positive TTLs: one day.
pub const DEFAULT_MAX_TTL: u32 = 86_400;
/// Default cap on negative TTLs: three hours (RFC 2308 5).
pub const DEFAULT_MAX_NEGATIVE_TTL: u32 = 10_800;
/// Default time expired data stays usable for serve-stale: one day (RFC 8767 5 suggests 1 to 3).
pub const DEFAULT_STALE_WINDOW: u32 = 86_400;
/// The type key under which NXDOMAIN is cached (type 0 is reserved, never asked).
const NXDOMAIN_TYPE: u16 = 0;
/// Bookkeeping bytes counted per entry besides its name and data.
const ENTRY_OVERHEAD: usize = 96;

/// RFC 2181 5.4.1 ranking of where data came from, least trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trust {
    /// Glue, referral NS records, and additional data of any answer.
    Additional,
    /// The answer section of a non-authoritative answer.
    NonAuthoritativeAnswer,
    /// The authority section of an authoritative answer.
    AuthoritativeAuthority,
    /// The answer section of an authoritative answer.
    AuthoritativeAnswer,
}

/// TTL limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest TTL kept for positive data.
    pub max_ttl: u32,
    /// Shortest TTL kept for positive data (`min-ttl`; 0: as given).
    pub min_ttl: u32,
    /// Largest TTL kept for negative data.
    pub max_negative_ttl: u32,
    /// How long expired data stays for serve-stale.
    pub stale_window: u32,
    /// Memory budget in bytes.
    pub budget: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_ttl: DEFAULT_MAX_TTL,
            min_ttl: 0,
            max_negative_ttl: DEFAULT_MAX_NEGATIVE_TTL,
            stale_window: DEFAULT_STALE_WINDOW,
            budget: 64 << 20,
        }
    }
}

/// What DNSSEC validation concluded about cached data, set once it has
/// been checked (the data itself never changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Security {
    /// Not validated yet (or validation is off).
    Unchecked = 0,
    /// Validated from a trust anchor: may be answered with AD.
    Secure = 1,
    /// Proven unsigned.
    Insecure = 2,
    /// Failed validation: answered SERVFAIL unless the client set CD.
    Bogus = 3,
}

/// A [`Security`] verdict that can be set after the entry is shared.
#[derive(Debug, Default)]
pub struct Verdict(AtomicU8);

impl Verdict {
    /// The verdict so far.
    pub fn get(&self) -> Security {
        match self.0.load(Ordering::Relaxed) {
            1 => Security::Secure,
            2 => Security::Insecure,
            3 => Security::Bogus,
            _ => Security::Unchecked,
        }
    }

    /// Records a verdict.
    pub fn set(&self, security: Security) {
        self.0.store(security as u8, Ordering::Relaxed);
    }
}

/// Records as `[rdlength][rdata]...`, names uncompressed.
fn frame<'a>(rdatas: impl IntoIterator<Item = &'a [u8]>) -> (Box<[u8]>, u16) {
    let mut data = Vec::new();
    let mut count = 0u16;
    for rdata in rdatas {
        let len = u16::try_from(rdata.len()).expect("rdata is at most 65535 octets on the wire");
        data.extend_from_slice(&len.to_be_bytes());
        data.extend_from_slice(rdata);
        count += 1;
    }
    (data.into_boxed_slice(), count)
}

/// The rdata of framed records.
fn unframe(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = data;
    std::iter::from_fn(move || {
        let (len, tail) = rest.split_first_chunk::<2>()?;
        let (rdata, tail) = tail.split_at(usize::from(u16::from_be_bytes(*len)));
        rest = tail;
        Some(rdata)
    })
}

/// An RRset in wire form, with the RRSIGs that cover it.
#[derive(Debug)]
pub struct RRset {
    /// The type.
    pub rtype: u16,
    /// How many records.
    pub count: u16,
    /// Where it came from.
    pub trust: Trust,
    /// What validation found.
    pub security: Verdict,
    /// For an RRset synthesised from a wildcard, the NSEC/NSEC3 records
    /// (with their RRSIGs) proving the name itself absent (RFC 4035
    /// 3.1.3.3), sent with it to DO clients.
    pub proof: Box<[ProofRecord]>,
    data: Box<[u8]>,
    sigs: Box<[u8]>,
}

impl RRset {
    /// An RRset of `rtype` from its records' rdata (each at most 65535 octets).
    pub fn new<'a>(rtype: u16, trust: Trust, rdatas: impl IntoIterator<Item = &'a [u8]>) -> Self {
        Self::signed(rtype, trust, rdatas, [])
    }

    /// An RRset with the rdata of the RRSIGs covering it.
    pub fn signed<'a, 's>(
        rtype: u16,
        trust: Trust,
        rdatas: impl IntoIterator<Item = &'a [u8]>,
        sigs: impl IntoIterator<Item = &'s [u8]>,
    ) -> Self {
        let (data, count) = frame(rdatas);
        Self {
            rtype,
            count,
            trust,
            security: Verdict::default(),
            proof: Box::new([]),
            data,
            sigs: frame(sigs).0,
        }
    }

    /// The RRset with the proof that its wildcard did not hide its name.
    #[must_use]
    pub fn with_proof(mut self, proof: Box<[ProofRecord]>) -> Self {
        self.proof = proof;
        self
    }

    /// Each record's rdata.
    pub fn records(&self) -> impl Iterator<Item = &[u8]> {
        unframe(&self.data)
    }

    /// The rdata of each RRSIG covering the RRset.
    pub fn signatures(&self) -> impl Iterator<Item = &[u8]> {
        unframe(&self.sigs)
    }
}

/// A negative answer (RFC 2308).
#[derive(Debug)]
pub struct Negative {
    /// NXDOMAIN (the name does not exist) or NODATA (the type does not).
    pub kind: NegativeKind,
    /// The SOA for the authority section.
    pub soa: Option<Soa>,
    /// Where it came from.
    pub trust: Trust,
    /// The DNSSEC records that prove it: the SOA's RRSIGs, the NSEC or
    /// NSEC3 records and theirs (RFC 4035 3.1.3, RFC 5155 7.2).
    pub proof: Box<[ProofRecord]>,
    /// What validation found.
    pub security: Verdict,
}

/// What a denial proof's records take in memory.
fn proof_size(proof: &[ProofRecord]) -> usize {
    proof
        .iter()
        .map(|p| p.owner.len() + p.rdata.len() + 8)
        .sum()
}

/// One record of a denial proof, in wire form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofRecord {
    /// Its owner, lowercase wire form.
    pub owner: Box<[u8]>,
    /// Its type (RRSIG, NSEC or NSEC3).
    pub rtype: u16,
    /// Its rdata, names uncompressed.
    pub rdata: Box<[u8]>,
}

/// The SOA record that proves a negative answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Soa {
    /// The zone apex, wire form.
    pub owner: Box<[u8]>,
    /// The SOA rdata, names uncompressed.
    pub rdata: Box<[u8]>,
}

/// Which negative answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NegativeKind {
    /// The name does not exist.
    NxDomain,
    /// The name exists but has no data of the type.
    NoData,
}

/// What the cache holds under a key.
#[derive(Debug, Clone)]
pub enum Data {
    /// Records.
    RRset(Arc<RRset>),
    /// A negative answer.
    Negative(Arc<Negative>),
}

impl Data {
    /// Where the data came from.
    pub fn trust(&self) -> Trust {
        match self {
            Self::RRset(r) => r.trust,
            Self::Negative(n) => n.trust,
        }
    }

    fn size(&self) -> usize {
        match self {
            Self::RRset(r) => r.data.len() + r.sigs.len() + proof_size(&r.proof),
            Self::Negative(n) => {
                n.soa
                    .as_ref()
                    .map_or(0, |soa| soa.owner.len() + soa.rdata.len())
                    + proof_size(&n.proof)
            }
        }
    }
}

#[derive(Debug)]
struct Entry {
    data: Data,
    /// When it expires (seconds on the caller's clock).
    expires: u64,
    /// The TTL it was stored with.
    ttl: u32,
    /// When it was last read, for eviction.
    last_used: AtomicU64,
}

/// Whether a hit is within its TTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Within its TTL: the remaining TTL.
    Fresh(u32),
    /// Past its TTL but within the stale window (RFC 8767).
    Stale,
}

/// A cache hit.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The data.
    pub data: Data,
    /// Fresh with its remaining TTL, or stale.
    pub freshness: Freshness,
    /// The TTL it was stored with (for prefetch decisions).
    pub original_ttl: u32,
}

impl Hit {
    /// Whether the data may answer a query: glue and referral data steer
    /// iteration but never answer (RFC 2181 5.4.1).
    pub fn may_answer(&self) -> bool {
        self.data.trust() >= Trust::NonAuthoritativeAnswer
    }

    /// Whether `remaining` seconds are the last tenth of the TTL the data
    /// was stored with: time to prefetch it.
    pub fn near_expiry(&self, remaining: u32) -> bool {
        u64::from(remaining) * 10 <= u64::from(self.original_ttl)
    }
}

/// The owner's lowercased wire name followed by the type, big-endian: one
/// byte string, so a lookup borrows a stack buffer and allocates nothing.
type Key = Box<[u8]>;

/// Longest key: a 255-octet name and two octets of type.
const MAX_KEY: usize = 257;

fn key_into(name: &[u8], rtype: u16, buf: &mut [u8; MAX_KEY]) -> usize {
    let len = name.len().min(MAX_KEY - 2);
    buf[..len].copy_from_slice(&name[..len]);
    buf[len..len + 2].copy_from_slice(&rtype.to_be_bytes());
    len + 2
}

fn key(name: &[u8], rtype: u16) -> Key {
    let mut buf = [0u8; MAX_KEY];
    let len = key_into(name, rtype, &mut buf);
    Box::from(&buf[..len])
}

/// The shared cache.
#[derive(Debug)]
pub struct Cache {
    /// foldhash with a random seed per process: fast, and keys chosen by
    /// clients cannot be aimed at one bucket without knowing the seed.
    map: DashMap<Key, Entry, hashbrown::DefaultHashBuilder>,
    used: AtomicUsize,
    limits: Limits,
    pressure: Notify,
}

impl Cache {
    /// An empty cache.
    pub fn new(limits: Limits) -> Self {
        Self {
            map: DashMap::with_hasher(hashbrown::DefaultHashBuilder::default()),
            used: AtomicUsize::new(0),
            limits,
            pressure: Notify::new(),
        }
    }

    /// Returns once an insert has taken the cache over its budget (at
    /// once if one did since the last call): the moment to [`Cache::evict`].
    pub async fn over_budget_wakeup(&self) {
        self.pressure.notified().await;
    }

    /// Its limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Bytes counted against the budget.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    /// Entries held (stale ones included).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Whether the cache holds more than its budget.
    pub fn over_budget(&self) -> bool {
        self.used() > self.limits.budget
    }

    /// Caches an RRset for `name` (lowercase wire form) with `ttl`.
    /// Returns whether it was stored (it is not when better data is cached).
    pub fn insert_rrset(&self, name: &[u8], rrset: RRset, ttl: u32, now: u64) -> bool {
        let ttl = ttl.max(self.limits.min_ttl).min(self.limits.max_ttl);
        let key = key(name, rrset.rtype);
        self.store(key, Data::RRset(Arc::new(rrset)), ttl, now)
    }

    /// Caches a negative answer for `name`: NXDOMAIN for every type, NODATA for `rtype`.
    pub fn insert_negative(
        &self,
        name: &[u8],
        rtype: u16,
        negative: Negative,
        ttl: u32,
        now: u64,
    ) -> bool {
        let ttl = ttl.min(self.limits.max_negative_ttl);
        let rtype = match negative.kind {
            NegativeKind::NxDomain => NXDOMAIN_TYPE,
            NegativeKind::NoData => rtype,
        };
        self.store(
            key(name, rtype),
            Data::Negative(Arc::new(negative)),
            ttl,
            now,
        )
    }

    fn store(&self, key: Key, data: Data, ttl: u32, now: u64) -> bool {
        let size = key.len() + data.size() + ENTRY_OVERHEAD;
        let entry = Entry {
            data,
            expires: now + u64::from(ttl),
            ttl,
            last_used: AtomicU64::new(now),
        };
        let mut stored = true;
        self.map
            .entry(key)
            .and_modify(|old| {
                // RFC 2181 5.4.1: never replace better data that is still valid.
                if old.expires > now && old.data.trust() > entry.data.trust() {
                    stored = false;
                    return;
                }
                let old_size = old.data.size();
                self.used.fetch_sub(old_size, Ordering::Relaxed);
                self.used.fetch_add(entry.data.size(), Ordering::Relaxed);
                *old = Entry {
                    data: entry.data.clone(),
                    expires: entry.expires,
                    ttl: entry.ttl,
                    last_used: AtomicU64::new(now),
                };
            })
            .or_insert_with(|| {
                if self.used.fetch_add(size, Ordering::Relaxed) + size > self.limits.budget {
                    self.pressure.notify_one();
                }
                entry
            });
        stored
    }

    /// Drops what is cached for `name` (lowercase wire form) and `rtype`,
    /// and an NXDOMAIN for `name`: data found bogus, to be asked again.
    pub fn forget(&self, name: &[u8], rtype: u16) {
        for rtype in [rtype, NXDOMAIN_TYPE] {
            if let Some((key, entry)) = self.map.remove(&key(name, rtype)) {
                let size = key.len() + entry.data.size() + ENTRY_OVERHEAD;
                self.used.fetch_sub(size, Ordering::Relaxed);
            }
        }
    }

    /// What is cached for `name` (lowercase wire form) and `rtype`: the
    /// RRset, a NODATA for the type, or an NXDOMAIN for the name.
    pub fn get(&self, name: &[u8], rtype: u16, now: u64) -> Option<Hit> {
        self.lookup(name, rtype, now)
            .or_else(|| self.lookup(name, NXDOMAIN_TYPE, now))
    }

    fn lookup(&self, name: &[u8], rtype: u16, now: u64) -> Option<Hit> {
        let mut buf = [0u8; MAX_KEY];
        let len = key_into(name, rtype, &mut buf);
        let entry = self.map.get(&buf[..len])?;
        let freshness = if entry.expires > now {
            Freshness::Fresh(u32::try_from(entry.expires - now).unwrap_or(u32::MAX))
        } else if entry.expires + u64::from(self.limits.stale_window) > now {
            Freshness::Stale
        } else {
            return None;
        };
        entry.last_used.store(now, Ordering::Relaxed);
        Some(Hit {
            data: entry.data.clone(),
            freshness,
            original_ttl: entry.ttl,
        })
    }

    /// Drops entries past their stale window, then the least recently used
    /// ones until the cache uses at most 90% of its budget. Returns how
    /// many entries were dropped. Runs off the query path.
    pub fn evict(&self, now: u64) -> usize {
        let before = self.map.len();
        let stale_window = u64::from(self.limits.stale_window);
        self.map.retain(|key, entry| {
            let keep = entry.expires + stale_window > now;
            if !keep {
                self.used.fetch_sub(
                    key.len() + entry.data.size() + ENTRY_OVERHEAD,
                    Ordering::Relaxed,
                );
            }
            keep
        });
        let target = self.limits.budget / 10 * 9;
        if self.used() > target {
            let mut by_use: Vec<(u64, usize, Key)> = self
                .map
                .iter()
                .map(|e| {
                    let size = e.key().len() + e.data.size() + ENTRY_OVERHEAD;
                    (e.last_used.load(Ordering::Relaxed), size, e.key().clone())
                })
                .collect();
            by_use.sort_unstable_by_key(|(last_used, _, _)| *last_used);
            for (_, size, key) in by_use {
                if self.used() <= target {
                    break;
                }
                if self.map.remove(&key).is_some() {
                    self.used.fetch_sub(size, Ordering::Relaxed);
                }
            }
        }
        before - self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WWW: &[u8] = b"\x03www\x07example\x00";
    const A: u16 = 1;
    const AAAA: u16 = 28;

    fn a(addr: [u8; 4], trust: Trust) -> RRset {
        RRset::new(A, trust, [&addr[..]])
    }

    fn addresses(hit: &Hit) -> Vec<Vec<u8>> {
        match &hit.data {
            Data::RRset(r) => r.records().map(<[u8]>::to_vec).collect(),
            Data::Negative(n) => panic!("negative: {n:?}"),
        }
    }

    #[test]
    fn ttls_count_down_and_are_capped() {
        let cache = Cache::new(Limits::default());
        cache.insert_rrset(
            WWW,
            a([192, 0, 2, 1], Trust::AuthoritativeAnswer),
            300,
            1000,
        );
        let hit = cache.get(WWW, A, 1100).unwrap();
        assert_eq!(hit.freshness, Freshness::Fresh(200));
        assert_eq!(addresses(&hit), [vec![192, 0, 2, 1]]);
        assert!(cache.get(WWW, AAAA, 1100).is_none());

        cache.insert_rrset(
            WWW,
            a([192, 0, 2, 2], Trust::AuthoritativeAnswer),
            7 * 86_400,
            2000,
        );
        assert_eq!(
            cache.get(WWW, A, 2000).unwrap().freshness,
            Freshness::Fresh(DEFAULT_MAX_TTL)
        );
    }

    #[test]
    fn rfc2181_glue_never_replaces_an_authoritative_answer() {
        let cache = Cache::new(Limits::default());
        assert!(cache.insert_rrset(WWW, a([192, 0, 2, 1], Trust::AuthoritativeAnswer), 300, 0));
        assert!(!cache.insert_rrset(WWW, a([10, 0, 0, 1], Trust::Additional), 300, 10));
        assert_eq!(
            addresses(&cache.get(WWW, A, 10).unwrap()),
            [vec![192, 0, 2, 1]]
        );
        // Equal trust replaces; so does anything once the old data expired.
        assert!(cache.insert_rrset(WWW, a([192, 0, 2, 3], Trust::AuthoritativeAnswer), 300, 20));
        assert_eq!(
            addresses(&cache.get(WWW, A, 20).unwrap()),
            [vec![192, 0, 2, 3]]
        );
        assert!(cache.insert_rrset(WWW, a([10, 0, 0, 1], Trust::Additional), 300, 1000));
        // And better data replaces glue.
        assert!(cache.insert_rrset(
            WWW,
            a([192, 0, 2, 4], Trust::NonAuthoritativeAnswer),
            300,
            1001
        ));
        assert_eq!(
            addresses(&cache.get(WWW, A, 1001).unwrap()),
            [vec![192, 0, 2, 4]]
        );
    }

    #[test]
    fn rfc2308_nxdomain_covers_every_type_nodata_one() {
        let cache = Cache::new(Limits::default());
        let soa = Some(Soa {
            owner: Box::from(&b"\x07example\x00"[..]),
            rdata: Box::from(&b"soa-rdata"[..]),
        });
        let nx = Negative {
            kind: NegativeKind::NxDomain,
            soa: soa.clone(),
            trust: Trust::AuthoritativeAuthority,
            proof: Box::new([]),
            security: Verdict::default(),
        };
        cache.insert_negative(b"\x04nope\x07example\x00", A, nx, 60, 0);
        for rtype in [A, AAAA, 15] {
            let hit = cache.get(b"\x04nope\x07example\x00", rtype, 30).unwrap();
            assert!(matches!(&hit.data, Data::Negative(n) if n.kind == NegativeKind::NxDomain));
            assert_eq!(hit.freshness, Freshness::Fresh(30));
        }
        let nodata = Negative {
            kind: NegativeKind::NoData,
            soa,
            trust: Trust::AuthoritativeAuthority,
            proof: Box::new([]),
            security: Verdict::default(),
        };
        cache.insert_negative(WWW, AAAA, nodata, 999_999, 0);
        let hit = cache.get(WWW, AAAA, 0).unwrap();
        assert_eq!(hit.freshness, Freshness::Fresh(DEFAULT_MAX_NEGATIVE_TTL));
        assert!(cache.get(WWW, A, 0).is_none());
    }

    #[test]
    fn forgotten_bogus_data_is_gone_and_its_memory_returned() {
        let cache = Cache::new(Limits::default());
        cache.insert_rrset(WWW, a([192, 0, 2, 1], Trust::AuthoritativeAnswer), 60, 0);
        cache.insert_rrset(WWW, RRset::new(AAAA, Trust::AuthoritativeAnswer, []), 60, 0);
        let used = cache.used();
        cache.forget(WWW, A);
        assert!(cache.get(WWW, A, 1).is_none());
        assert!(cache.get(WWW, AAAA, 1).is_some(), "other types stay");
        assert!(cache.used() < used);
        cache.forget(WWW, AAAA);
        assert!(cache.is_empty());
        assert_eq!(cache.used(), 0);
    }

    #[test]
    fn rfc8767_expired_data_is_stale_within_the_window_then_gone() {
        let limits = Limits {
            stale_window: 100,
            ..Limits::default()
        };
        let cache = Cache::new(limits);
        cache.insert_rrset(WWW, a([192, 0, 2, 1], Trust::AuthoritativeAnswer), 10, 0);
        assert_eq!(cache.get(WWW, A, 50).unwrap().freshness, Freshness::Stale);
        assert!(cache.get(WWW, A, 111).is_none());
        assert_eq!(cache.evict(111), 1);
        assert!(cache.is_empty());
        assert_eq!(cache.used(), 0);
    }

    #[tokio::test]
    async fn going_over_budget_wakes_the_evictor() {
        let cache = Cache::new(Limits {
            budget: 4 * (ENTRY_OVERHEAD + 20),
            ..Limits::default()
        });
        let insert = |i: u8| {
            let name = format!("\x05n{i:04}\x07example\x00");
            cache.insert_rrset(
                name.as_bytes(),
                a([10, 0, 0, i], Trust::AuthoritativeAnswer),
                60,
                0,
            );
        };
        let woken = || {
            tokio::time::timeout(
                std::time::Duration::from_millis(20),
                cache.over_budget_wakeup(),
            )
        };
        insert(1);
        insert(2);
        assert!(woken().await.is_err(), "within budget: no wakeup");
        for i in 3..10 {
            insert(i);
        }
        assert!(cache.over_budget());
        assert!(woken().await.is_ok(), "over budget: woken");
        cache.evict(1);
        assert!(woken().await.is_err(), "one wakeup per excess");
    }

    #[test]
    fn eviction_keeps_the_budget_dropping_least_recently_used_first() {
        let limits = Limits {
            budget: 100 * (ENTRY_OVERHEAD + 20),
            ..Limits::default()
        };
        let cache = Cache::new(limits);
        for i in 0..200u16 {
            let name = format!("\x05n{i:04}\x07example\x00");
            cache.insert_rrset(
                name.as_bytes(),
                a([10, 0, (i >> 8) as u8, i as u8], Trust::AuthoritativeAnswer),
                3600,
                u64::from(i),
            );
        }
        assert!(cache.over_budget());
        // Name 0 is read again, so it is recent.
        cache.get(b"\x05n0000\x07example\x00", A, 500).unwrap();
        let dropped = cache.evict(501);
        assert!(dropped >= 100, "{dropped}");
        assert!(!cache.over_budget());
        assert!(
            cache.get(b"\x05n0000\x07example\x00", A, 502).is_some(),
            "recently used survives"
        );
        assert!(
            cache.get(b"\x05n0001\x07example\x00", A, 502).is_none(),
            "least recently used goes first"
        );
        assert!(cache.get(b"\x05n0199\x07example\x00", A, 502).is_some());
    }
}
