//! Iterative resolution (RFC 1034 5.3.3): from the closest known
//! delegation down, one server at a time.
//!
//! [`Resolver::resolve`] answers from the cache when it can. Otherwise it
//! starts at the closest delegation the cache holds (or the root hints),
//! asks one of its servers, and acts on the [`step::Outcome`]: it follows
//! referrals, resolves the addresses of glueless name servers, follows
//! CNAME chains across zones, and tries the next server when one is lame
//! or silent. Everything it believes goes to the shared cache with its
//! RFC 2181 trust. Work is bounded: upstream queries per client query,
//! referrals, chain length, name-server lookups per delegation
//! (NXNSAttack), and a deadline.
//!
//! Not yet here (issue 3): QNAME minimisation, server choice by smoothed
//! RTT, bad-server memory, coalescing, serve-stale and prefetch use, and
//! IPv6 transport upstream (only IPv4 addresses are asked for now).

pub mod step;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RData, Record, RecordType};
use hickory_proto::serialize::binary::BinDecodable;
use tokio::time::Instant;

use crate::cache::{self, Cache, Data, Freshness, Negative, NegativeKind, Soa, Trust};
use crate::hints::RootHints;
use crate::records::{address, rdata_wire, record, records, wire_name};
use crate::upstream::{self, Question};
use step::{NameServer, Outcome};

/// Bounds on the work one client query may cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Upstream queries, glueless lookups included.
    pub max_upstream_queries: usize,
    /// Referrals followed.
    pub max_referrals: usize,
    /// CNAME links followed across zones.
    pub max_chain: usize,
    /// Name servers whose addresses are looked up per delegation (NXNSAttack).
    pub max_ns_lookups: usize,
    /// Depth of nested name-server address lookups.
    pub max_depth: usize,
    /// Wait for one upstream answer.
    pub exchange_timeout: Duration,
    /// Time for the whole client query.
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_upstream_queries: 48,
            max_referrals: 24,
            max_chain: 12,
            max_ns_lookups: 4,
            max_depth: 4,
            exchange_timeout: Duration::from_millis(1500),
            deadline: Duration::from_secs(10),
        }
    }
}

/// Why a query could not be resolved (answered SERVFAIL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Every server of a zone was lame, silent or unreachable.
    NoReachableAuthority,
    /// The upstream-query budget ran out.
    TooManyQueries,
    /// Too many referrals, or name-server lookups nested too deep.
    TooManyReferrals,
    /// The CNAME chain is too long or loops.
    ChainTooLong,
    /// The deadline passed.
    Deadline,
}

/// The result of a resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// NOERROR or NXDOMAIN.
    pub rcode: ResponseCode,
    /// The CNAME chain, then the answer records.
    pub answers: Vec<Record>,
    /// For NXDOMAIN and NODATA, the SOA (RFC 2308 3), its TTL the negative TTL.
    pub authority: Vec<Record>,
}

/// Counts the work one client query has caused.
struct Budget {
    queries: usize,
    deadline: Instant,
}

type Resolving<'a> = Pin<Box<dyn Future<Output = Result<Resolution, Failure>> + Send + 'a>>;

/// The resolver: the shared cache, where to start, and the limits.
pub struct Resolver {
    cache: Arc<Cache>,
    /// The root servers from the hints, ready to ask.
    roots: Vec<NameServer>,
    limits: Limits,
    port: u16,
    epoch: std::time::Instant,
}

impl Resolver {
    /// A resolver over `cache`, starting from `hints`, asking port 53.
    pub fn new(cache: Arc<Cache>, hints: RootHints, limits: Limits) -> Self {
        let roots = hints
            .servers
            .iter()
            .map(|s| NameServer {
                name: Name::from_ascii(s.name.to_string()).expect("hint names are valid"),
                addresses: s.addresses.clone(),
            })
            .collect();
        Self {
            cache,
            roots,
            limits,
            port: 53,
            epoch: std::time::Instant::now(),
        }
    }

    /// Seconds on the cache's clock (the `now` every cache call takes).
    pub fn now(&self) -> u64 {
        self.epoch.elapsed().as_secs()
    }

    /// Resolves `qname` `qtype` (class IN).
    pub async fn resolve(&self, qname: &Name, qtype: RecordType) -> Result<Resolution, Failure> {
        let mut budget = Budget {
            queries: 0,
            deadline: Instant::now() + self.limits.deadline,
        };
        self.resolve_within(qname.clone(), qtype, &mut budget, 0)
            .await
    }

    /// Answers from the cache alone (for RD=0 queries), following cached
    /// CNAMEs; `None` when the cache cannot answer.
    pub fn resolve_cached(&self, qname: &Name, qtype: RecordType) -> Option<Resolution> {
        let mut answers = Vec::new();
        let mut name = qname.clone();
        for _ in 0..=self.limits.max_chain {
            match self.cached(&name, qtype, &mut answers)? {
                Cached::Done(rcode, authority) => {
                    return Some(Resolution {
                        rcode,
                        answers,
                        authority,
                    });
                }
                Cached::Alias(target) => name = target,
            }
        }
        None
    }

    fn resolve_within<'a>(
        &'a self,
        qname: Name,
        qtype: RecordType,
        budget: &'a mut Budget,
        depth: usize,
    ) -> Resolving<'a> {
        Box::pin(async move {
            let mut answers = Vec::new();
            let mut name = qname;
            for _ in 0..=self.limits.max_chain {
                if let Some(result) = self.cached(&name, qtype, &mut answers) {
                    match result {
                        Cached::Done(rcode, authority) => {
                            return Ok(Resolution {
                                rcode,
                                answers,
                                authority,
                            });
                        }
                        Cached::Alias(target) => {
                            name = target;
                            continue;
                        }
                    }
                }
                match self.iterate(&name, qtype, budget, depth).await? {
                    Iterated::Done(rcode, records, authority) => {
                        answers.extend(records);
                        return Ok(Resolution {
                            rcode,
                            answers,
                            authority,
                        });
                    }
                    Iterated::Alias(target, cnames) => {
                        answers.extend(cnames);
                        name = target;
                    }
                }
            }
            Err(Failure::ChainTooLong)
        })
    }

    /// Answers from fresh cache entries, following cached CNAMEs.
    fn cached(&self, name: &Name, qtype: RecordType, answers: &mut Vec<Record>) -> Option<Cached> {
        let now = self.now();
        let wire = wire_name(name);
        if let Some(hit) = self.cache.get(&wire, u16::from(qtype), now)
            && let Freshness::Fresh(ttl) = hit.freshness
        {
            return Some(match hit.data {
                Data::RRset(rrset) => {
                    answers.extend(records(name, qtype, &rrset, ttl));
                    Cached::Done(ResponseCode::NoError, Vec::new())
                }
                Data::Negative(negative) => {
                    let rcode = match negative.kind {
                        NegativeKind::NxDomain => ResponseCode::NXDomain,
                        NegativeKind::NoData => ResponseCode::NoError,
                    };
                    Cached::Done(
                        rcode,
                        negative
                            .soa
                            .as_ref()
                            .and_then(|soa| soa_record(soa, ttl))
                            .into_iter()
                            .collect(),
                    )
                }
            });
        }
        let hit = self.cache.get(&wire, u16::from(RecordType::CNAME), now)?;
        let (Freshness::Fresh(ttl), Data::RRset(rrset)) = (hit.freshness, hit.data) else {
            return None;
        };
        let cname = records(name, RecordType::CNAME, &rrset, ttl).next()?;
        let RData::CNAME(target) = &cname.data else {
            return None;
        };
        let target = target.0.clone();
        answers.push(cname);
        Some(Cached::Alias(target))
    }

    /// Asks the authorities for `name` until one answers.
    async fn iterate(
        &self,
        name: &Name,
        qtype: RecordType,
        budget: &mut Budget,
        depth: usize,
    ) -> Result<Iterated, Failure> {
        let (mut zone, mut servers) = self.closest_delegation(name);
        let wire = wire_name(name);
        'referrals: for _ in 0..=self.limits.max_referrals {
            let addresses = self.addresses(&servers, budget, depth).await?;
            for address in addresses {
                if budget.queries >= self.limits.max_upstream_queries {
                    return Err(Failure::TooManyQueries);
                }
                let remaining = budget.deadline.saturating_duration_since(Instant::now());
                if remaining.is_zero() {
                    return Err(Failure::Deadline);
                }
                budget.queries += 1;
                let server = SocketAddr::new(address, self.port);
                let question = Question {
                    qname: &wire,
                    qtype: u16::from(qtype),
                };
                let Ok(message) = upstream::exchange(
                    server,
                    question,
                    self.limits.exchange_timeout.min(remaining),
                )
                .await
                else {
                    continue;
                };
                let step = step::classify(&message, name, qtype, &zone);
                self.store(&step.accepted);
                match step.outcome {
                    Outcome::Answer => {
                        return Ok(Iterated::Done(
                            ResponseCode::NoError,
                            records_of(&step.accepted),
                            Vec::new(),
                        ));
                    }
                    Outcome::Alias { target } => {
                        return Ok(Iterated::Alias(target, records_of(&step.accepted)));
                    }
                    Outcome::NxDomain { name: missing } => {
                        self.store_negative(
                            &missing,
                            qtype,
                            NegativeKind::NxDomain,
                            &step.accepted,
                        );
                        return Ok(Iterated::Done(
                            ResponseCode::NXDomain,
                            cnames_of(&step.accepted),
                            negative_soa(&step.accepted),
                        ));
                    }
                    Outcome::NoData { name: empty } => {
                        self.store_negative(&empty, qtype, NegativeKind::NoData, &step.accepted);
                        return Ok(Iterated::Done(
                            ResponseCode::NoError,
                            cnames_of(&step.accepted),
                            negative_soa(&step.accepted),
                        ));
                    }
                    Outcome::Referral {
                        zone: child,
                        servers: next,
                    } => {
                        zone = child;
                        servers = next;
                        continue 'referrals;
                    }
                    Outcome::Lame(_) => {}
                }
            }
            return Err(Failure::NoReachableAuthority);
        }
        Err(Failure::TooManyReferrals)
    }

    /// The deepest delegation above `name` with name servers in the cache,
    /// else the root from the hints.
    fn closest_delegation(&self, name: &Name) -> (Name, Vec<NameServer>) {
        let now = self.now();
        let mut zone = name.clone();
        loop {
            let hit = self
                .cache
                .get(&wire_name(&zone), u16::from(RecordType::NS), now);
            if let Some(cache::Hit {
                freshness: Freshness::Fresh(_),
                data: Data::RRset(ns),
            }) = hit
            {
                let servers: Vec<NameServer> = records(&zone, RecordType::NS, &ns, 0)
                    .filter_map(|r| match r.data {
                        RData::NS(target) => Some(NameServer {
                            addresses: self.cached_addresses(&target.0),
                            name: target.0,
                        }),
                        _ => None,
                    })
                    .collect();
                if !servers.is_empty() {
                    return (zone, servers);
                }
            }
            if zone.is_root() {
                break;
            }
            zone = zone.base_name();
        }
        (Name::root(), self.roots.clone())
    }

    fn cached_addresses(&self, name: &Name) -> Vec<IpAddr> {
        let now = self.now();
        let wire = wire_name(name);
        let mut out = Vec::new();
        for rtype in [RecordType::A, RecordType::AAAA] {
            if let Some(cache::Hit {
                freshness: Freshness::Fresh(_),
                data: Data::RRset(rrset),
            }) = self.cache.get(&wire, u16::from(rtype), now)
            {
                out.extend(records(name, rtype, &rrset, 0).filter_map(|r| address(&r.data)));
            }
        }
        out
    }

    /// Addresses of the servers: glue and cache first, then lookups of
    /// glueless names (at most `max_ns_lookups`, the NXNSAttack bound).
    async fn addresses(
        &self,
        servers: &[NameServer],
        budget: &mut Budget,
        depth: usize,
    ) -> Result<Vec<IpAddr>, Failure> {
        let mut out: Vec<IpAddr> = servers
            .iter()
            .flat_map(|s| {
                if s.addresses.is_empty() {
                    self.cached_addresses(&s.name)
                } else {
                    s.addresses.clone()
                }
            })
            .filter(IpAddr::is_ipv4)
            .collect();
        if !out.is_empty() {
            return Ok(out);
        }
        if depth >= self.limits.max_depth {
            return Err(Failure::TooManyReferrals);
        }
        for server in servers.iter().take(self.limits.max_ns_lookups) {
            match self
                .resolve_within(server.name.clone(), RecordType::A, budget, depth + 1)
                .await
            {
                Ok(resolution) => {
                    out.extend(resolution.answers.iter().filter_map(|r| address(&r.data)))
                }
                Err(Failure::TooManyQueries) => return Err(Failure::TooManyQueries),
                Err(Failure::Deadline) => return Err(Failure::Deadline),
                Err(_) => {}
            }
            if !out.is_empty() {
                break;
            }
        }
        if out.is_empty() {
            return Err(Failure::NoReachableAuthority);
        }
        Ok(out)
    }

    /// Caches accepted records, one RRset per owner and type.
    fn store(&self, accepted: &[(Record, Trust)]) {
        let mut rrsets: BTreeMap<(Vec<u8>, u16), Pending> = BTreeMap::new();
        for (record, trust) in accepted {
            let Some(rdata) = rdata_wire(&record.data) else {
                continue;
            };
            let entry = rrsets
                .entry((wire_name(&record.name), u16::from(record.record_type())))
                .or_insert_with(|| Pending {
                    rdatas: Vec::new(),
                    ttl: record.ttl,
                    trust: *trust,
                });
            entry.rdatas.push(rdata);
            entry.ttl = entry.ttl.min(record.ttl);
        }
        let now = self.now();
        for ((name, rtype), pending) in rrsets {
            let rrset = cache::RRset::new(
                rtype,
                pending.trust,
                pending.rdatas.iter().map(Vec::as_slice),
            );
            self.cache.insert_rrset(&name, rrset, pending.ttl, now);
        }
    }

    /// Caches a negative answer with its SOA, TTL min(SOA TTL, MINIMUM) (RFC 2308 5).
    fn store_negative(
        &self,
        name: &Name,
        qtype: RecordType,
        kind: NegativeKind,
        accepted: &[(Record, Trust)],
    ) {
        let Some((soa, trust)) = accepted
            .iter()
            .find(|(r, _)| r.record_type() == RecordType::SOA)
        else {
            return;
        };
        let RData::SOA(fields) = &soa.data else {
            return;
        };
        let Some(rdata) = rdata_wire(&soa.data) else {
            return;
        };
        let ttl = soa.ttl.min(fields.minimum);
        let negative = Negative {
            kind,
            soa: Some(Soa {
                owner: wire_name(&soa.name).into(),
                rdata: rdata.into(),
            }),
            trust: *trust,
        };
        self.cache.insert_negative(
            &wire_name(name),
            u16::from(qtype),
            negative,
            ttl,
            self.now(),
        );
    }
}

/// Records gathered into one RRset before caching.
struct Pending {
    rdatas: Vec<Vec<u8>>,
    ttl: u32,
    trust: Trust,
}

enum Cached {
    Done(ResponseCode, Vec<Record>),
    Alias(Name),
}

enum Iterated {
    Done(ResponseCode, Vec<Record>, Vec<Record>),
    Alias(Name, Vec<Record>),
}

/// The SOA of a negative answer, its TTL lowered to the negative TTL
/// min(SOA TTL, MINIMUM) as RFC 2308 3 asks.
fn negative_soa(accepted: &[(Record, Trust)]) -> Vec<Record> {
    accepted
        .iter()
        .filter_map(|(r, _)| match &r.data {
            RData::SOA(soa) => {
                let mut record = r.clone();
                record.ttl = r.ttl.min(soa.minimum);
                Some(record)
            }
            _ => None,
        })
        .collect()
}

/// A cached SOA as a record with `ttl`.
fn soa_record(soa: &Soa, ttl: u32) -> Option<Record> {
    let owner = Name::from_bytes(&soa.owner).ok()?;
    record(&owner, RecordType::SOA, ttl, &soa.rdata)
}

/// The answer-section records of an accepted answer (not the SOA).
fn records_of(accepted: &[(Record, Trust)]) -> Vec<Record> {
    accepted
        .iter()
        .filter(|(_, t)| {
            matches!(
                t,
                Trust::AuthoritativeAnswer | Trust::NonAuthoritativeAnswer
            )
        })
        .map(|(r, _)| r.clone())
        .collect()
}

/// The CNAMEs of an accepted negative answer.
fn cnames_of(accepted: &[(Record, Trust)]) -> Vec<Record> {
    accepted
        .iter()
        .filter(|(r, _)| r.record_type() == RecordType::CNAME)
        .map(|(r, _)| r.clone())
        .collect()
}
