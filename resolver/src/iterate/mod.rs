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
//! Queries are QNAME-minimised (RFC 9156): a server is asked for one
//! label more than the zone it serves (type A), so the root learns only
//! the TLD. A referral moves down a zone; an answer or NODATA means no cut
//! there and one more label is shown; the full question goes out once the
//! labels run out (or after [`MAX_MINIMISED`] steps). An NXDOMAIN or an
//! error for a minimised name falls back to the full name, for servers
//! that answer empty non-terminals wrongly.
//!
//! Servers are chosen by smoothed RTT, failing ones held back
//! ([`crate::servers`]); identical upstream queries in flight are
//! coalesced ([`crate::coalesce`]). When resolution fails, expired data
//! still in the cache is served with a 30 s TTL (RFC 8767); a popular
//! entry read near its expiry is flagged for prefetch.

pub mod step;
pub mod zone_queries;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use hickory_proto::serialize::binary::BinDecodable;
use tokio::time::Instant;

use crate::cache::{self, Cache, Data, Freshness, Negative, NegativeKind, ProofRecord, Soa, Trust};
use crate::coalesce::Coalescer;
use crate::forward::{Forwarded, Forwarders};
use crate::hints::RootHints;
use crate::records::{address, rdata_wire, record, records, wire_name};
use crate::servers::Servers;
use crate::upstream::{self, Question, UpstreamError};
use crate::validate::anchors::TrustAnchors;
use crate::validate::chain::Validation;
use crate::validate::denial::wildcard;
use crate::validate::verify::rrsig;
use step::{NameServer, Outcome};
use zone_queries::ZoneQueries;

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
    /// Upstream queries in flight to one zone, over every client query
    /// (0: no bound).
    pub max_zone_queries: usize,
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
            max_zone_queries: DEFAULT_MAX_ZONE_QUERIES,
        }
    }
}

/// Upstream queries in flight to one zone when nothing is configured.
pub const DEFAULT_MAX_ZONE_QUERIES: usize = 256;
/// Most minimised queries per resolution (RFC 9156 MAX_MINIMISE_COUNT).
pub const MAX_MINIMISED: usize = 10;
/// How long a NODATA without an SOA is cached (Unbound's NORR_TTL).
pub const NO_SOA_NODATA_TTL: u32 = 5;
/// TTL of an answer served stale (RFC 8767 4).
pub const STALE_TTL: u32 = 30;
/// How long a client waits for resolution when expired data could answer
/// it (RFC 8767 5, the client response timer): past this, the stale data
/// is answered and the resolution goes on in the background.
pub const STALE_ANSWER_DELAY: Duration = Duration::from_millis(1800);

/// How the resolver works, beyond its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Bounds on the work of one client query.
    pub limits: Limits,
    /// The port authoritative servers are asked on (53; another for labs).
    pub upstream_port: u16,
    /// QNAME minimisation (RFC 9156).
    pub qname_minimisation: bool,
    /// Whether name servers are asked over IPv4.
    pub ipv4: bool,
    /// Whether name servers are asked over IPv6.
    pub ipv6: bool,
    /// Never ask name servers at 127.0.0.0/8 or ::1 (Unbound's
    /// `do-not-query-localhost`): an answer pointing a zone there would
    /// turn the resolver against services on its own host.
    pub do_not_query_localhost: bool,
    /// Serve expired data when resolution fails (RFC 8767).
    pub serve_stale: bool,
    /// Flag entries read in the last tenth of their TTL for refresh.
    pub prefetch: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            upstream_port: 53,
            qname_minimisation: true,
            ipv4: true,
            ipv6: true,
            do_not_query_localhost: false,
            serve_stale: true,
            prefetch: true,
        }
    }
}

/// Why a query could not be resolved (answered SERVFAIL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Every server of a zone was lame or silent.
    NoReachableAuthority,
    /// Every server of a zone was unreachable (network errors, such as
    /// ICMP port or host unreachable).
    NetworkError,
    /// The upstream-query budget ran out.
    TooManyQueries,
    /// Too many referrals, or name-server lookups nested too deep.
    TooManyReferrals,
    /// The CNAME chain is too long.
    ChainTooLong,
    /// A CNAME or DNAME chain comes back to a name it has passed.
    AliasLoop,
    /// The zone to ask has as many queries in flight as it may.
    ZoneBusy,
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
    /// Served from expired data because resolution failed (RFC 8767).
    pub stale: bool,
    /// Answered from a cache entry near its expiry: worth a
    /// [`Resolver::refresh`] in the background.
    pub prefetch: bool,
    /// The servers whose answers it was made from, in the order asked
    /// (none when the cache answered): those a bogus answer is not asked
    /// of again first.
    pub sources: Vec<IpAddr>,
}

impl Resolution {
    /// A denial (NXDOMAIN or NODATA) with its authority section.
    pub fn denial(rcode: ResponseCode, authority: Vec<Record>) -> Self {
        Self::new(rcode, Vec::new(), authority)
    }

    fn new(rcode: ResponseCode, answers: Vec<Record>, authority: Vec<Record>) -> Self {
        Self {
            rcode,
            answers,
            authority,
            stale: false,
            prefetch: false,
            sources: Vec::new(),
        }
    }
}

/// Counts the work one client query has caused: its own resolution, or
/// the DS and DNSKEY lookups its validation makes, all together.
pub(crate) struct Budget {
    queries: usize,
    /// Minimised queries among them.
    minimised: usize,
    deadline: Instant,
}

type Resolving<'a> = Pin<Box<dyn Future<Output = Result<Resolution, Failure>> + Send + 'a>>;

/// An upstream question in flight: server, lowercase wire name, type.
type InFlight = (SocketAddr, Box<[u8]>, u16);
/// Its shared result.
type Answer = Result<Arc<Message>, UpstreamError>;

/// The resolver: the shared cache, where to start, what it knows about
/// servers, and the queries in flight.
pub struct Resolver {
    cache: Arc<Cache>,
    /// The root servers from the hints, ready to ask.
    roots: Vec<NameServer>,
    options: Options,
    servers: Servers,
    inflight: Coalescer<InFlight, Answer>,
    zone_queries: ZoneQueries,
    prefetching: Coalescer<(Box<[u8]>, u16), ()>,
    forwarders: Forwarders,
    validation: Option<Validation>,
    epoch: std::time::Instant,
}

impl Resolver {
    /// A resolver over `cache`, starting from `hints`.
    pub fn new(cache: Arc<Cache>, hints: RootHints, options: Options) -> Self {
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
            options,
            servers: Servers::new(),
            inflight: Coalescer::new(),
            zone_queries: ZoneQueries::new(options.limits.max_zone_queries),
            prefetching: Coalescer::new(),
            forwarders: Forwarders::default(),
            validation: None,
            epoch: std::time::Instant::now(),
        }
    }

    /// Sends names in the forward zones to upstream resolvers instead of
    /// iterating.
    #[must_use]
    pub fn with_forwarders(mut self, forwarders: Forwarders) -> Self {
        self.forwarders = forwarders;
        self
    }

    /// Validates answers with DNSSEC from these trust anchors; with
    /// `sha1`, RSASHA1 and RSASHA1-NSEC3-SHA1 too (RFC 9905 2).
    #[must_use]
    pub fn with_validation(mut self, anchors: TrustAnchors, sha1: bool) -> Self {
        self.validation = Some(Validation::new(anchors).with_sha1(sha1));
        self
    }

    /// The validation state, when DNSSEC validation is on.
    pub fn validation(&self) -> Option<&Validation> {
        self.validation.as_ref()
    }

    /// Seconds on the cache's clock (the `now` every cache call takes).
    pub fn now(&self) -> u64 {
        self.epoch.elapsed().as_secs()
    }

    /// The shared cache.
    pub fn cache(&self) -> &Arc<Cache> {
        &self.cache
    }

    /// What is known of the authoritative servers asked.
    pub(crate) fn servers(&self) -> &Servers {
        &self.servers
    }

    /// Resolves `qname` `qtype` (class IN). When that fails and expired
    /// data is still cached, that is served, marked stale; so it is when
    /// resolution takes longer than [`STALE_ANSWER_DELAY`], marked for a
    /// refresh in the background as well (`prefetch`).
    pub async fn resolve(&self, qname: &Name, qtype: RecordType) -> Result<Resolution, Failure> {
        self.resolve_counted(qname, qtype, &mut self.budget()).await
    }

    /// [`Self::resolve`], its upstream queries counted in `budget`: the
    /// lookups of one validation share one budget, so no chain of them
    /// can ask more than one client query may.
    pub(crate) async fn resolve_counted(
        &self,
        qname: &Name,
        qtype: RecordType,
        budget: &mut Budget,
    ) -> Result<Resolution, Failure> {
        if budget.queries >= self.options.limits.max_upstream_queries {
            return Err(Failure::TooManyQueries);
        }
        budget.minimised = 0;
        let mut resolution = std::pin::pin!(self.resolve_within(qname.clone(), qtype, budget, 0));
        let resolved =
            if self.options.serve_stale && self.answer_from_cache(qname, qtype, true).is_some() {
                match tokio::time::timeout(STALE_ANSWER_DELAY, &mut resolution).await {
                    Ok(resolved) => resolved,
                    Err(_) => match self.answer_from_cache(qname, qtype, true) {
                        Some(mut stale) => {
                            stale.stale = true;
                            stale.prefetch = true;
                            return Ok(stale);
                        }
                        None => resolution.await,
                    },
                }
            } else {
                resolution.await
            };
        match resolved {
            Ok(resolution) => Ok(resolution),
            Err(failure) => {
                if self.options.serve_stale
                    && let Some(mut stale) = self.answer_from_cache(qname, qtype, true)
                {
                    stale.stale = true;
                    return Ok(stale);
                }
                Err(failure)
            }
        }
    }

    /// Resolves `qname` `qtype` again from the authorities, bypassing the
    /// cached answer, to refresh it before it expires (prefetch). At most
    /// one refresh per name and type runs at a time.
    pub async fn refresh(&self, qname: &Name, qtype: RecordType) {
        let key = (wire_name(qname).into_boxed_slice(), u16::from(qtype));
        if self.prefetching.contains(&key) {
            return;
        }
        self.prefetching
            .run(key, async {
                let mut budget = self.budget();
                let _ = self.fetch(qname, qtype, &mut budget, 0).await;
            })
            .await;
    }

    /// A fresh budget for one client query's work.
    pub(crate) fn budget(&self) -> Budget {
        Budget {
            queries: 0,
            minimised: 0,
            deadline: Instant::now() + self.options.limits.deadline,
        }
    }

    /// Answers from the cache alone (for RD=0 queries), following cached
    /// CNAMEs; `None` when the cache cannot answer.
    pub fn resolve_cached(&self, qname: &Name, qtype: RecordType) -> Option<Resolution> {
        self.answer_from_cache(qname, qtype, false)
    }

    /// Answers from the cache, following cached CNAMEs; with `stale`,
    /// expired entries count too (with a TTL of [`STALE_TTL`]).
    fn answer_from_cache(
        &self,
        qname: &Name,
        qtype: RecordType,
        stale: bool,
    ) -> Option<Resolution> {
        self.follow_cache(&mut Chain::new(qname.clone()), qtype, stale)
    }

    /// Follows the cache from `chain.name` through cached CNAMEs (and
    /// DNAMEs) while it can. `Some`: the cache answered; `None`: it does
    /// not know `chain.name`, or the chain got too long.
    fn follow_cache(
        &self,
        chain: &mut Chain,
        qtype: RecordType,
        stale: bool,
    ) -> Option<Resolution> {
        while chain.links <= self.options.limits.max_chain {
            match self.cached(&chain.name, qtype, &mut chain.answers, stale)? {
                Cached::Done(rcode, authority, refresh) => {
                    let answers = std::mem::take(&mut chain.answers);
                    let mut resolution = Resolution::new(rcode, answers, authority);
                    resolution.prefetch = chain.prefetch || refresh;
                    return Some(resolution);
                }
                Cached::Alias(target, refresh) => {
                    chain.prefetch |= refresh;
                    if !chain.follow(target) {
                        return None;
                    }
                }
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
            let mut chain = Chain::new(qname);
            while chain.links <= self.options.limits.max_chain {
                if let Some(resolution) = self.follow_cache(&mut chain, qtype, false) {
                    return Ok(resolution);
                }
                if chain.looped {
                    return Err(Failure::AliasLoop);
                }
                if chain.links > self.options.limits.max_chain {
                    break;
                }
                // RFC 8198: a gap that validated NSEC/NSEC3 records already
                // prove, or a wildcard answer they let the cache give.
                if let Some(validation) = &self.validation {
                    let (nsec, now) = (validation.nsec(), self.now());
                    if let Some(mut resolution) = nsec
                        .answer(&chain.name, qtype, now)
                        .or_else(|| nsec.synthesise(&chain.name, qtype, &self.cache, now))
                    {
                        chain.answers.append(&mut resolution.answers);
                        resolution.answers = std::mem::take(&mut chain.answers);
                        return Ok(resolution);
                    }
                }
                let (iterated, source) = self.fetch(&chain.name, qtype, budget, depth).await?;
                chain.sources.extend(source);
                match iterated {
                    Iterated::Done(rcode, records, mut authority) => {
                        chain.answers.extend(records);
                        authority.append(&mut chain.proofs);
                        let mut resolution = Resolution::new(rcode, chain.answers, authority);
                        resolution.sources = chain.sources;
                        return Ok(resolution);
                    }
                    Iterated::Alias(target, cnames, proofs) => {
                        chain.answers.extend(cnames);
                        chain.proofs.extend(proofs);
                        if !chain.follow(target) {
                            return Err(Failure::AliasLoop);
                        }
                    }
                }
            }
            Err(Failure::ChainTooLong)
        })
    }

    /// One step of a cached answer: the RRset or negative answer for
    /// `name`, or its CNAME. With `stale`, expired entries count (TTL
    /// [`STALE_TTL`]). The flag: the entry is in the last tenth of its TTL.
    fn cached(
        &self,
        name: &Name,
        qtype: RecordType,
        answers: &mut Vec<Record>,
        stale: bool,
    ) -> Option<Cached> {
        let now = self.now();
        let wire = wire_name(name);
        let usable = |hit: &cache::Hit| match hit.freshness {
            _ if !hit.may_answer() => None,
            Freshness::Fresh(ttl) => Some((ttl, self.options.prefetch && hit.near_expiry(ttl))),
            Freshness::Stale if stale => Some((STALE_TTL, false)),
            Freshness::Stale => None,
        };
        if let Some(hit) = self.cache.get(&wire, u16::from(qtype), now)
            && let Some((ttl, refresh)) = usable(&hit)
        {
            return Some(match hit.data {
                Data::RRset(rrset) => {
                    answers.extend(records(name, qtype, &rrset, ttl));
                    answers.extend(signature_records(name, &rrset, ttl));
                    let proof = proof_records(&rrset.proof, ttl).collect();
                    Cached::Done(ResponseCode::NoError, proof, refresh)
                }
                Data::Negative(negative) => {
                    let rcode = match negative.kind {
                        NegativeKind::NxDomain => ResponseCode::NXDomain,
                        NegativeKind::NoData => ResponseCode::NoError,
                    };
                    let soa = negative.soa.as_ref().and_then(|soa| soa_record(soa, ttl));
                    let mut authority: Vec<Record> = soa.into_iter().collect();
                    authority.extend(proof_records(&negative.proof, ttl));
                    Cached::Done(rcode, authority, refresh)
                }
            });
        }
        let Some(hit) = self.cache.get(&wire, u16::from(RecordType::CNAME), now) else {
            return self.cached_dname(name, answers, stale);
        };
        let (ttl, refresh) = usable(&hit)?;
        let Data::RRset(rrset) = hit.data else {
            return None;
        };
        let cname = records(name, RecordType::CNAME, &rrset, ttl).next()?;
        let RData::CNAME(target) = &cname.data else {
            return None;
        };
        let target = target.0.clone();
        answers.push(cname);
        answers.extend(signature_records(name, &rrset, ttl));
        Some(Cached::Alias(target, refresh))
    }

    /// Gets `name` `qtype` from its forwarders, or else by iteration;
    /// with the authority that answered, when iteration did.
    async fn fetch(
        &self,
        name: &Name,
        qtype: RecordType,
        budget: &mut Budget,
        depth: usize,
    ) -> Result<(Iterated, Option<IpAddr>), Failure> {
        let Some(forwarded) = self.forwarders.forward(name, qtype).await else {
            return self.iterate(name, qtype, budget, depth).await;
        };
        let Forwarded::Answer(rcode, answers, authority) = forwarded else {
            return Err(Failure::NoReachableAuthority);
        };
        let trust = Trust::NonAuthoritativeAnswer;
        let accepted: Vec<(Record, Trust)> = answers.iter().map(|r| (r.clone(), trust)).collect();
        self.store(&accepted);
        if answers.is_empty() {
            let kind = if rcode == ResponseCode::NXDomain {
                NegativeKind::NxDomain
            } else {
                NegativeKind::NoData
            };
            let soa: Vec<(Record, Trust)> = authority.iter().map(|r| (r.clone(), trust)).collect();
            self.store_negative(name, qtype, kind, &soa);
        }
        Ok((Iterated::Done(rcode, answers, authority), None))
    }

    /// A CNAME synthesised from a DNAME cached above `name` (RFC 6672
    /// 3.2): the DNAME and the CNAME join the answer.
    fn cached_dname(&self, name: &Name, answers: &mut Vec<Record>, stale: bool) -> Option<Cached> {
        let now = self.now();
        let mut owner = name.base_name();
        while owner.num_labels() > 0 {
            if let Some(hit) = self
                .cache
                .get(&wire_name(&owner), u16::from(RecordType::DNAME), now)
            {
                let ttl = match hit.freshness {
                    Freshness::Fresh(ttl) => ttl,
                    Freshness::Stale if stale => STALE_TTL,
                    Freshness::Stale => return None,
                };
                let Data::RRset(rrset) = hit.data else {
                    return None;
                };
                let dname = records(&owner, RecordType::DNAME, &rrset, ttl).next()?;
                let target = step::dname_synthesis(name, &dname)?;
                let cname = Record::from_rdata(
                    name.clone(),
                    ttl,
                    RData::CNAME(hickory_proto::rr::rdata::CNAME(target.clone())),
                );
                answers.push(dname);
                answers.extend(signature_records(&owner, &rrset, ttl));
                answers.push(cname);
                return Some(Cached::Alias(target, false));
            }
            owner = owner.base_name();
        }
        None
    }

    /// Asks `address`, a server of `zone` (wire form), the question,
    /// sharing an identical query in flight, and records how the server
    /// did. Only the query that goes out counts against the zone's bound.
    async fn ask(
        &self,
        address: IpAddr,
        zone: &[u8],
        question: Question<'_>,
        timeout: Duration,
    ) -> Answer {
        let server = SocketAddr::new(address, self.options.upstream_port);
        tracing::debug!("asking {server} type {}", question.qtype);
        let key = (server, Box::from(question.qname), question.qtype);
        let (answer, _) = self
            .inflight
            .run(key, async {
                let Some(_in_flight) = self.zone_queries.acquire(zone) else {
                    return Err(UpstreamError::ZoneBusy);
                };
                let started = std::time::Instant::now();
                let answer = upstream::exchange(server, question, timeout).await;
                match &answer {
                    Ok(_) => self.servers.answered(address, started.elapsed()),
                    Err(_) => self.servers.failed(address, std::time::Instant::now()),
                }
                answer.map(Arc::new)
            })
            .await;
        answer
    }

    /// Asks the authorities for `name` until one answers, QNAME-minimised
    /// while that is on; with the server that answered.
    async fn iterate(
        &self,
        name: &Name,
        qtype: RecordType,
        budget: &mut Budget,
        depth: usize,
    ) -> Result<(Iterated, Option<IpAddr>), Failure> {
        let limits = &self.options.limits;
        // DS lives on the parent side of a cut (RFC 4035 4.2): start above it.
        let start = if qtype == RecordType::DS && !name.is_root() {
            name.base_name()
        } else {
            name.clone()
        };
        // Whether the parent's referral may bring servers or glue the
        // cached delegation lacks, and whether it was asked again after
        // the zone's servers all failed.
        let (mut zone, mut servers, mut parent_helps) = self.closest_delegation(&start);
        let mut fell_back = false;
        let mut minimise = self.options.qname_minimisation;
        // Labels of the name asked next when minimising.
        let mut shown = zone.num_labels() + 1;
        let mut referrals = 0;
        'servers: loop {
            let zone_wire = wire_name(&zone);
            let glued = servers
                .iter()
                .any(|s| !s.addresses.is_empty() || !self.cached_addresses(&s.name).is_empty());
            // When a cached delegation's servers all fail and it is the
            // child's own NS RRset, or lacks glue, the parent is asked once
            // more: its referral brings its own NS RRset and glue, as
            // Unbound and Knot Resolver keep the parent side as a fallback.
            let fallback = parent_helps && !fell_back && !zone.is_root();
            let mut addresses = match self.addresses(&zone, &servers, budget, depth).await {
                Ok(addresses) => addresses,
                Err(Failure::NoReachableAuthority) if fallback => {
                    fell_back = true;
                    (zone, servers, _) = self.closest_delegation(&zone.base_name());
                    shown = zone.num_labels() + 1;
                    continue 'servers;
                }
                Err(failure) => return Err(failure),
            };
            self.servers
                .order(&mut addresses, std::time::Instant::now());
            let can_minimise = |shown: u8, budget: &Budget| {
                minimise && shown < name.num_labels() && budget.minimised < MAX_MINIMISED
            };
            // Names the cache knows to exist without a cut need no query.
            while can_minimise(shown, budget)
                && self.known_without_cut(&name.trim_to(usize::from(shown)))
            {
                shown += 1;
            }
            let minimised = can_minimise(shown, budget);
            let (asked, asked_type) = if minimised {
                (name.trim_to(usize::from(shown)), RecordType::A)
            } else {
                (name.clone(), qtype)
            };
            let wire = wire_name(&asked);
            // Whether every server failed at the network level (no answer,
            // an ICMP error): EDE 23 rather than 22.
            let mut only_network_errors = true;
            // The glued servers first; when they all fail, the glueless
            // ones are looked up (once) and asked too.
            let glued_addresses = addresses.clone();
            let mut queue = std::collections::VecDeque::from(addresses);
            let mut looked_up = !glued;
            loop {
                let Some(address) = queue.pop_front() else {
                    if looked_up {
                        break;
                    }
                    looked_up = true;
                    match self.look_up(&zone, &servers, budget, depth).await {
                        Ok(more) => {
                            queue.extend(more.into_iter().filter(|a| !glued_addresses.contains(a)))
                        }
                        Err(Failure::TooManyQueries) => return Err(Failure::TooManyQueries),
                        Err(Failure::Deadline) => return Err(Failure::Deadline),
                        Err(_) => {}
                    }
                    continue;
                };
                if budget.queries >= limits.max_upstream_queries {
                    return Err(Failure::TooManyQueries);
                }
                let remaining = budget.deadline.saturating_duration_since(Instant::now());
                if remaining.is_zero() {
                    return Err(Failure::Deadline);
                }
                budget.queries += 1;
                budget.minimised += usize::from(minimised);
                let question = Question {
                    qname: &wire,
                    qtype: u16::from(asked_type),
                };
                let timeout = limits.exchange_timeout.min(remaining);
                let message = match self.ask(address, &zone_wire, question, timeout).await {
                    Ok(message) => message,
                    Err(UpstreamError::ZoneBusy) => return Err(Failure::ZoneBusy),
                    Err(UpstreamError::Network(_)) => continue,
                    Err(_) => {
                        only_network_errors = false;
                        continue;
                    }
                };
                only_network_errors = false;
                let step = step::classify(&message, &asked, asked_type, &zone);
                if let Outcome::Referral {
                    zone: child,
                    servers: next,
                } = step.outcome
                {
                    self.store(&step.accepted);
                    referrals += 1;
                    if referrals > limits.max_referrals {
                        return Err(Failure::TooManyReferrals);
                    }
                    shown = child.num_labels() + 1;
                    zone = child;
                    servers = next;
                    parent_helps = false;
                    continue 'servers;
                }
                if minimised {
                    match step.outcome {
                        // No zone cut at `asked`: show one more label.
                        Outcome::Answer | Outcome::Alias { .. } => {
                            self.store(&step.accepted);
                            shown += 1;
                        }
                        Outcome::NoData { .. } => {
                            self.store(&step.accepted);
                            let kind = NegativeKind::NoData;
                            self.store_negative(&asked, asked_type, kind, &step.accepted);
                            shown += 1;
                        }
                        // RFC 9156 fallback: the full name, same servers.
                        _ => minimise = false,
                    }
                    continue 'servers;
                }
                if let Outcome::Lame(_) = step.outcome {
                    self.servers.failed(address, std::time::Instant::now());
                    continue;
                }
                if step.outcome == Outcome::Loop {
                    return Err(Failure::AliasLoop);
                }
                return Ok((self.conclude(step, name, qtype), Some(address)));
            }
            if fallback {
                fell_back = true;
                (zone, servers, _) = self.closest_delegation(&zone.base_name());
                shown = zone.num_labels() + 1;
                continue 'servers;
            }
            return Err(if only_network_errors {
                Failure::NetworkError
            } else {
                Failure::NoReachableAuthority
            });
        }
    }

    /// Whether the cache holds an answer or a NODATA for `name` type A
    /// (what minimised queries ask): the name exists and is not a zone cut
    /// (a cut would have given a referral).
    fn known_without_cut(&self, name: &Name) -> bool {
        let hit = self
            .cache
            .get(&wire_name(name), u16::from(RecordType::A), self.now());
        hit.is_some_and(|hit| {
            matches!(hit.freshness, Freshness::Fresh(_))
                && match &hit.data {
                    Data::RRset(_) => hit.may_answer(),
                    Data::Negative(negative) => negative.kind == NegativeKind::NoData,
                }
        })
    }

    /// Caches the final answer to `name` `qtype` and says what it means.
    fn conclude(&self, mut step: step::Step, name: &Name, qtype: RecordType) -> Iterated {
        self.store(&step.accepted);
        // Answer with the TTLs the cache now holds.
        let limits = self.cache.limits();
        for (record, _) in &mut step.accepted {
            record.ttl = if record.record_type() == RecordType::SOA {
                record.ttl.min(limits.max_negative_ttl)
            } else {
                record.ttl.max(limits.min_ttl).min(limits.max_ttl)
            };
        }
        match step.outcome {
            Outcome::Alias { target } => Iterated::Alias(
                target,
                records_of(&step.accepted),
                proofs_of(&step.accepted),
            ),
            Outcome::NxDomain { name: missing } => {
                self.store_negative(&missing, qtype, NegativeKind::NxDomain, &step.accepted);
                Iterated::Done(
                    ResponseCode::NXDomain,
                    aliases_of(&step.accepted),
                    negative_soa(&step.accepted),
                )
            }
            Outcome::NoData { name: empty } => {
                self.store_negative(&empty, qtype, NegativeKind::NoData, &step.accepted);
                Iterated::Done(
                    ResponseCode::NoError,
                    aliases_of(&step.accepted),
                    negative_soa(&step.accepted),
                )
            }
            _ => {
                debug_assert!(matches!(step.outcome, Outcome::Answer), "{name} {qtype}");
                Iterated::Done(
                    ResponseCode::NoError,
                    records_of(&step.accepted),
                    proofs_of(&step.accepted),
                )
            }
        }
    }

    /// The deepest delegation above `name` with name servers in the cache
    /// that can be reached, else the root from the hints; and whether its
    /// parent could add to it: it is the child's own NS RRset (which may
    /// differ from the parent's), or an in-zone server lacks its glue.
    fn closest_delegation(&self, name: &Name) -> (Name, Vec<NameServer>, bool) {
        let now = self.now();
        let mut zone = name.clone();
        loop {
            let hit = self
                .cache
                .get(&wire_name(&zone), u16::from(RecordType::NS), now);
            if let Some(cache::Hit {
                freshness: Freshness::Fresh(_),
                data: Data::RRset(ns),
                ..
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
                // A server named inside the zone is found only through the
                // parent's glue: a delegation none of whose servers has an
                // address, or a name outside the zone to look one up by,
                // is started higher up, where the referral brings the glue
                // again. One that some server can answer is the zone's
                // own: its DNSKEY and data are asked there, never of the
                // parent. Should its servers all fail, the parent is asked
                // once more ([`Self::iterate`]).
                let usable = servers.iter().any(|s| {
                    s.addresses.iter().any(|a| self.may_ask(*a)) || !zone.zone_of(&s.name)
                });
                if usable {
                    let parent_helps = ns.trust > Trust::Additional
                        || servers
                            .iter()
                            .any(|s| s.addresses.is_empty() && zone.zone_of(&s.name));
                    return (zone, servers, parent_helps);
                }
            }
            if zone.is_root() {
                break;
            }
            zone = zone.base_name();
        }
        (Name::root(), self.roots.clone(), false)
    }

    fn cached_addresses(&self, name: &Name) -> Vec<IpAddr> {
        let now = self.now();
        let wire = wire_name(name);
        let mut out = Vec::new();
        for rtype in [RecordType::A, RecordType::AAAA] {
            if let Some(cache::Hit {
                freshness: Freshness::Fresh(_),
                data: Data::RRset(rrset),
                ..
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
        zone: &Name,
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
            .filter(|a| self.may_ask(*a))
            .collect();
        if !out.is_empty() {
            return Ok(out);
        }
        out = self.look_up(zone, servers, budget, depth).await?;
        if out.is_empty() {
            return Err(Failure::NoReachableAuthority);
        }
        Ok(out)
    }

    /// Resolves the addresses of the servers of `zone` with none known
    /// (glueless), at most `max_ns_lookups` of them (the NXNSAttack
    /// bound), until one gives an address that may be asked. Names inside
    /// `zone` are left to the parent's glue: looking them up would ask
    /// the very servers that need them.
    async fn look_up(
        &self,
        zone: &Name,
        servers: &[NameServer],
        budget: &mut Budget,
        depth: usize,
    ) -> Result<Vec<IpAddr>, Failure> {
        if depth >= self.options.limits.max_depth {
            return Err(Failure::TooManyReferrals);
        }
        let mut out = Vec::new();
        let glueless = servers.iter().filter(|s| {
            s.addresses.is_empty()
                && !zone.zone_of(&s.name)
                && self.cached_addresses(&s.name).is_empty()
        });
        let families = [
            (self.options.ipv4, RecordType::A),
            (self.options.ipv6, RecordType::AAAA),
        ];
        'lookups: for server in glueless.take(self.options.limits.max_ns_lookups) {
            for family in families.iter().filter(|(on, _)| *on).map(|(_, f)| *f) {
                match self
                    .resolve_within(server.name.clone(), family, budget, depth + 1)
                    .await
                {
                    Ok(resolution) => {
                        out.extend(
                            resolution
                                .answers
                                .iter()
                                .filter_map(|r| address(&r.data))
                                .filter(|a| self.may_ask(*a)),
                        );
                    }
                    Err(Failure::TooManyQueries) => return Err(Failure::TooManyQueries),
                    Err(Failure::Deadline) => return Err(Failure::Deadline),
                    Err(_) => {}
                }
                if !out.is_empty() {
                    break 'lookups;
                }
            }
        }
        Ok(out)
    }

    /// Whether a name server at `address` may be asked: its family is on,
    /// and it is not this host when that is refused.
    fn may_ask(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        let family_on = match address {
            IpAddr::V4(_) => self.options.ipv4,
            IpAddr::V6(_) => self.options.ipv6,
        };
        family_on && !(self.options.do_not_query_localhost && address.is_loopback())
    }

    /// Caches accepted records, one RRset per owner and type.
    /// CNAMEs synthesised from a DNAME in the same answer are not cached
    /// (RFC 6672 3.4): the DNAME is, and synthesises them again.
    fn store(&self, accepted: &[(Record, Trust)]) {
        let mut rrsets: BTreeMap<(Vec<u8>, u16), Pending> = BTreeMap::new();
        let dnames: Vec<&Name> = accepted
            .iter()
            .filter(|(r, _)| r.record_type() == RecordType::DNAME)
            .map(|(r, _)| &r.name)
            .collect();
        let mut signatures: Vec<PendingSig> = Vec::new();
        for (record, trust) in accepted {
            if record.record_type() == RecordType::CNAME
                && dnames
                    .iter()
                    .any(|d| **d != record.name && d.zone_of(&record.name))
            {
                continue;
            }
            let Some(rdata) = rdata_wire(&record.data) else {
                continue;
            };
            // An RRSIG is kept with the RRset it covers.
            if let Some(sig) = rrsig(record) {
                let covered = u16::from(sig.input().type_covered);
                // Fewer labels than the owner: synthesised from a wildcard.
                let labels = sig.input().num_labels;
                let star = (labels < record.name.num_labels())
                    .then(|| wildcard(&record.name.trim_to(usize::from(labels))))
                    .flatten();
                signatures.push((wire_name(&record.name), covered, rdata, star));
                continue;
            }
            let entry = rrsets
                .entry((wire_name(&record.name), u16::from(record.record_type())))
                .or_insert_with(|| Pending {
                    rdatas: Vec::new(),
                    sigs: Vec::new(),
                    ttl: record.ttl,
                    trust: *trust,
                    wildcard: None,
                });
            entry.rdatas.push(rdata);
            entry.ttl = entry.ttl.min(record.ttl);
        }
        for (name, covered, rdata, star) in signatures {
            if let Some(pending) = rrsets.get_mut(&(name, covered)) {
                pending.sigs.push(rdata);
                pending.wildcard = pending.wildcard.take().or(star);
            }
        }
        let now = self.now();
        for ((name, rtype), pending) in rrsets {
            let rrset = || {
                cache::RRset::signed(
                    rtype,
                    pending.trust,
                    pending.rdatas.iter().map(Vec::as_slice),
                    pending.sigs.iter().map(Vec::as_slice),
                )
            };
            if let Some(star) = &pending.wildcard {
                // The wildcard's own RRset too, from which validated
                // denials may synthesise answers (RFC 8198 5.3).
                self.cache
                    .insert_rrset(&wire_name(star), rrset(), pending.ttl, now);
                let expanded = rrset().with_proof(proof_of(accepted));
                self.cache.insert_rrset(&name, expanded, pending.ttl, now);
            } else {
                self.cache.insert_rrset(&name, rrset(), pending.ttl, now);
            }
        }
    }

    /// Caches a negative answer with its SOA, TTL min(SOA TTL, MINIMUM)
    /// (RFC 2308 5); a NODATA without an SOA for [`NO_SOA_NODATA_TTL`]
    /// (RFC 2308 2.2 and 5, as Unbound does).
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
            if kind == NegativeKind::NoData {
                let negative = Negative {
                    kind,
                    soa: None,
                    trust: Trust::AuthoritativeAuthority,
                    proof: proof_of(accepted),
                    security: cache::Verdict::default(),
                };
                let (wire, now) = (wire_name(name), self.now());
                self.cache.insert_negative(
                    &wire,
                    u16::from(qtype),
                    negative,
                    NO_SOA_NODATA_TTL,
                    now,
                );
            }
            return;
        };
        let RData::SOA(fields) = &soa.data else {
            return;
        };
        let Some(rdata) = rdata_wire(&soa.data) else {
            return;
        };
        let ttl = soa.ttl.min(fields.minimum);
        let proof = proof_of(accepted);
        let negative = Negative {
            kind,
            soa: Some(Soa {
                owner: wire_name(&soa.name).into(),
                rdata: rdata.into(),
            }),
            trust: *trust,
            proof,
            security: cache::Verdict::default(),
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

/// The denial proof among accepted records, in the cache's form.
fn proof_of(accepted: &[(Record, Trust)]) -> Box<[ProofRecord]> {
    accepted
        .iter()
        .map(|(r, _)| r)
        .filter(|r| is_proof(r))
        .filter_map(|r| {
            Some(ProofRecord {
                owner: wire_name(&r.name).into(),
                rtype: u16::from(r.record_type()),
                rdata: rdata_wire(&r.data)?.into(),
            })
        })
        .collect()
}

/// An RRSIG gathered before caching: its owner (wire form), the type it
/// covers, its rdata, and the wildcard it was made over, if any.
type PendingSig = (Vec<u8>, u16, Vec<u8>, Option<Name>);

/// Records gathered into one RRset before caching.
struct Pending {
    rdatas: Vec<Vec<u8>>,
    sigs: Vec<Vec<u8>>,
    ttl: u32,
    trust: Trust,
    /// The wildcard it was signed as an expansion of.
    wildcard: Option<Name>,
}

/// A CNAME chain being followed.
struct Chain {
    /// The name to answer next.
    name: Name,
    /// The records gathered so far.
    answers: Vec<Record>,
    /// NSEC/NSEC3 proofs gathered along the chain (wildcard answers).
    proofs: Vec<Record>,
    /// The names passed so far, the question first.
    passed: Vec<Name>,
    /// Links followed.
    links: usize,
    /// Whether the chain came back to a name it had passed.
    looped: bool,
    /// Whether a cached link was near its expiry.
    prefetch: bool,
    /// The servers that answered along the chain.
    sources: Vec<IpAddr>,
}

impl Chain {
    fn new(name: Name) -> Self {
        Self {
            name,
            answers: Vec::new(),
            proofs: Vec::new(),
            passed: Vec::new(),
            links: 0,
            looped: false,
            prefetch: false,
            sources: Vec::new(),
        }
    }

    /// Goes on to `target`; false (and `looped`) when the chain has
    /// already passed it: a CNAME or DNAME loop.
    fn follow(&mut self, target: Name) -> bool {
        self.passed.push(std::mem::replace(&mut self.name, target));
        self.links += 1;
        self.looped = self.passed.contains(&self.name);
        !self.looped
    }
}

/// A cached step; the flag asks for a prefetch.
enum Cached {
    Done(ResponseCode, Vec<Record>, bool),
    Alias(Name, bool),
}

enum Iterated {
    Done(ResponseCode, Vec<Record>, Vec<Record>),
    /// A CNAME chain leaving the zone: the target, the chain, and any
    /// wildcard proofs that came with it.
    Alias(Name, Vec<Record>, Vec<Record>),
}

/// The authority section of a negative answer: the SOA, its TTL lowered
/// to the negative TTL min(SOA TTL, MINIMUM) as RFC 2308 3 asks, and the
/// DNSSEC records that prove the denial.
fn negative_soa(accepted: &[(Record, Trust)]) -> Vec<Record> {
    let mut out: Vec<Record> = accepted
        .iter()
        .filter_map(|(r, _)| match &r.data {
            RData::SOA(soa) => {
                let mut record = r.clone();
                record.ttl = r.ttl.min(soa.minimum);
                Some(record)
            }
            _ => None,
        })
        .collect();
    out.extend(
        accepted
            .iter()
            .map(|(r, _)| r)
            .filter(|r| is_proof(r))
            .cloned(),
    );
    out
}

/// The NSEC/NSEC3 records (and their RRSIGs) accepted with an answer.
fn proofs_of(accepted: &[(Record, Trust)]) -> Vec<Record> {
    accepted
        .iter()
        .map(|(r, _)| r)
        .filter(|r| {
            is_proof(r) && rrsig(r).is_none_or(|sig| sig.input().type_covered != RecordType::SOA)
        })
        .cloned()
        .collect()
}

/// Whether a record belongs to a denial proof: an NSEC, an NSEC3, or an
/// RRSIG over one of them or over the SOA.
fn is_proof(record: &Record) -> bool {
    match record.record_type() {
        RecordType::NSEC | RecordType::NSEC3 => true,
        RecordType::RRSIG => rrsig(record).is_some_and(|sig| {
            matches!(
                sig.input().type_covered,
                RecordType::SOA | RecordType::NSEC | RecordType::NSEC3
            )
        }),
        _ => false,
    }
}

/// The RRSIGs cached with `rrset`, as records of `owner` with `ttl`.
fn signature_records<'a>(
    owner: &'a Name,
    rrset: &'a cache::RRset,
    ttl: u32,
) -> impl Iterator<Item = Record> + 'a {
    rrset
        .signatures()
        .filter_map(move |rdata| record(owner, RecordType::RRSIG, ttl, rdata))
}

/// The records of a cached denial proof, with `ttl`.
fn proof_records(proof: &[ProofRecord], ttl: u32) -> impl Iterator<Item = Record> + '_ {
    proof.iter().filter_map(move |p| {
        let owner = Name::from_bytes(&p.owner).ok()?;
        record(&owner, RecordType::from(p.rtype), ttl, &p.rdata)
    })
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

/// The CNAMEs and DNAMEs of the chain of an accepted negative answer,
/// with their RRSIGs: a denial at the end of a DNAME keeps the DNAME.
fn aliases_of(accepted: &[(Record, Trust)]) -> Vec<Record> {
    let alias = |rtype: RecordType| matches!(rtype, RecordType::CNAME | RecordType::DNAME);
    accepted
        .iter()
        .map(|(r, _)| r)
        .filter(|r| {
            alias(r.record_type()) || rrsig(r).is_some_and(|sig| alias(sig.input().type_covered))
        })
        .cloned()
        .collect()
}
