//! The authoritative algorithm of RFC 1034 4.3.2 over one zone, with
//! wildcards (RFC 4592), DNAME (RFC 6672), negative answers (RFC 2308)
//! and ANY (RFC 8482). It produces a [`Plan`]: references to RRsets per
//! section; nothing is encoded here and nothing is allocated.

use arrayvec::ArrayVec;

use super::proof;
use zone_loader::rtype::code;
use zone_loader::wire::name::{MAX_NAME_LEN, is_subdomain};
use zone_loader::zone::{NONE, Node, RRset, flags};
use zone_loader::{Lookup, Zone};

/// Longest CNAME/DNAME chain followed inside a zone (Knot and NSD stop at similar depths).
pub const MAX_CHAIN: usize = 12;

/// Response codes used here (RFC 1035 4.1.1, RFC 6672 2.2, RFC 2136 2.2).
pub mod rcode {
    /// No error.
    pub const NOERROR: u8 = 0;
    /// Format error.
    pub const FORMERR: u8 = 1;
    /// Server failure.
    pub const SERVFAIL: u8 = 2;
    /// Name error.
    pub const NXDOMAIN: u8 = 3;
    /// Not implemented.
    pub const NOTIMP: u8 = 4;
    /// Refused.
    pub const REFUSED: u8 = 5;
    /// A DNAME substitution made a name too long.
    pub const YXDOMAIN: u8 = 6;
    /// Not authoritative for the zone named (RFC 2136 2.2).
    pub const NOTAUTH: u8 = 9;
}

/// Where an RRset's owner name comes from.
#[derive(Debug, Clone, Copy)]
pub enum PlanOwner<'z> {
    /// The question name (written as a pointer to it).
    Question,
    /// A name stored in the zone (a node name or an rdata target).
    Zone(&'z [u8]),
    /// A name synthesised by DNAME substitution, by index into the plan.
    Synth(u8),
}

/// One RRset of the plan.
#[derive(Debug, Clone, Copy)]
pub enum Item<'z> {
    /// An RRset from the zone.
    Stored {
        /// The zone holding it.
        zone: &'z Zone,
        /// Its owner in the answer.
        owner: PlanOwner<'z>,
        /// The RRset.
        rrset: &'z RRset,
        /// For the additional section: required glue (TC if it does not fit).
        required: bool,
        /// With DNSSEC: the owner node's RRSIG RRset, whose signatures
        /// covering `rrset` follow it.
        sigs: Option<&'z RRset>,
    },
    /// The signatures of an RRSIG RRset that cover `covered`, with its
    /// TTL: part of the answer to a question for RRSIG.
    Signatures {
        /// The zone holding them.
        zone: &'z Zone,
        /// Their owner in the answer.
        owner: PlanOwner<'z>,
        /// The RRset they cover.
        covered: &'z RRset,
        /// The node's RRSIG RRset.
        sigs: &'z RRset,
    },
    /// The CNAME synthesised from a DNAME (RFC 6672 3.1): `owner CNAME target`.
    SynthCname {
        /// The name that matched below the DNAME.
        owner: PlanOwner<'z>,
        /// The substituted name, by index into the plan.
        target: u8,
        /// The DNAME's TTL.
        ttl: u32,
    },
}

/// Most synthesised names in one answer.
const MAX_SYNTH: usize = 4;

/// An answer before encoding.
pub struct Plan<'z> {
    /// The zone being answered from.
    pub zone: &'z Zone,
    /// RCODE.
    pub rcode: u8,
    /// AA: the answer comes from authoritative data.
    pub authoritative: bool,
    /// Answer section.
    pub answer: ArrayVec<Item<'z>, { MAX_CHAIN * 2 + 2 }>,
    /// Authority section: NS or SOA, DS, and up to three NSEC/NSEC3 proofs.
    pub authority: ArrayVec<Item<'z>, 6>,
    /// Additional section.
    pub additional: ArrayVec<Item<'z>, 32>,
    synth: ArrayVec<([u8; MAX_NAME_LEN], u8), MAX_SYNTH>,
    /// The client set DO: signed zones add RRSIGs and denial proofs.
    pub dnssec: bool,
}

/// How ANY is answered (RFC 8482 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnyPolicy {
    /// One RRset of the name (RFC 8482 4.1); the usual choice over UDP.
    OneRRset,
    /// Every RRset of the name (over TCP, where size is no amplification risk).
    All,
}

impl<'z> Plan<'z> {
    /// An empty plan for answering from `zone`; `dnssec` is the query's DO
    /// bit. Built where it is used and filled by [`resolve`]: a plan is a
    /// few kilobytes, too big to move on every query.
    pub fn new(zone: &'z Zone, dnssec: bool) -> Self {
        Self {
            zone,
            rcode: rcode::NOERROR,
            authoritative: true,
            answer: ArrayVec::new(),
            authority: ArrayVec::new(),
            additional: ArrayVec::new(),
            synth: ArrayVec::new(),
            dnssec,
        }
    }

    /// Whether answers from the current zone carry DNSSEC records.
    pub(super) fn signed(&self) -> bool {
        self.dnssec && self.zone.is_signed()
    }

    /// `rrset` of `node` in the current zone, with its signatures when
    /// DNSSEC records are asked for.
    pub(super) fn item(
        &self,
        owner: PlanOwner<'z>,
        node: &'z Node,
        rrset: &'z RRset,
        required: bool,
    ) -> Item<'z> {
        let zone = self.zone;
        let sigs = if self.signed() {
            zone.signatures(node)
        } else {
            None
        };
        Item::Stored {
            zone,
            owner,
            rrset,
            required,
            sigs,
        }
    }

    /// The wire name an owner refers to.
    pub fn owner_name<'p>(&'p self, owner: PlanOwner<'p>, question: &'p [u8]) -> &'p [u8] {
        match owner {
            PlanOwner::Question => question,
            PlanOwner::Zone(name) => name,
            PlanOwner::Synth(i) => self.synth_name(i),
        }
    }

    /// A synthesised name.
    pub fn synth_name(&self, index: u8) -> &[u8] {
        let (bytes, len) = &self.synth[usize::from(index)];
        &bytes[..usize::from(*len)]
    }

    fn add_additional(&mut self, item: Item<'z>) {
        let _ = self.additional.try_push(item);
    }
}

/// The current name while following a chain.
#[derive(Clone, Copy)]
struct Current<'z> {
    owner: PlanOwner<'z>,
    lower: [u8; MAX_NAME_LEN],
    len: usize,
}

impl<'z> Current<'z> {
    fn new(owner: PlanOwner<'z>, wire: &[u8]) -> Self {
        let mut lower = [0u8; MAX_NAME_LEN];
        lower[..wire.len()].copy_from_slice(wire);
        lower[..wire.len()].make_ascii_lowercase();
        Self {
            owner,
            lower,
            len: wire.len(),
        }
    }

    fn name(&self) -> &[u8] {
        &self.lower[..self.len]
    }
}

/// Answers `qname` (lowercase wire form, inside the plan's zone) and
/// `qtype` into `plan`.
///
/// A CNAME or DNAME chain is followed inside the zone and stops at its
/// edge, even when this server also serves the zone of the next name:
/// Knot DNS and BIND answer with the alias alone, and a resolver would
/// not trust data from another zone in the answer anyway (RFC 2181 5.4.1).
///
/// With `dnssec` (the query's DO bit), answers from signed zones carry
/// RRSIGs and the NSEC or NSEC3 records that prove denials, wildcard
/// expansions and unsigned delegations (RFC 4035 3.1, RFC 5155 7.2).
pub fn resolve<'z>(plan: &mut Plan<'z>, qname: &[u8], qtype: u16, any: AnyPolicy) {
    let mut current = Current::new(PlanOwner::Question, qname);
    for step in 0..=MAX_CHAIN {
        let zone = plan.zone;
        let next = match zone.lookup(current.name()) {
            Lookup::Found(index) => found(plan, index, &current, qtype, step, any),
            Lookup::NotFound { encloser } => not_found(plan, encloser, &current, qtype, step, any),
        };
        let Some(name) = next else { break };
        if !is_subdomain(name.name(), zone.origin().as_wire()) {
            break;
        }
        current = name;
    }
}

/// What to do at an existing node. Returns the next name of a chain.
fn found<'z>(
    plan: &mut Plan<'z>,
    index: u32,
    current: &Current<'z>,
    qtype: u16,
    step: usize,
    any: AnyPolicy,
) -> Option<Current<'z>> {
    let zone = plan.zone;
    let node = zone.node(index);
    if node.occluder != NONE {
        return cut(plan, zone.node(node.occluder), current, qtype, step);
    }
    if is_nsec3_owner(zone, node) {
        nsec3_owner(plan, current);
        return None;
    }
    // RFC 4035 3.1.4.1: DS at a delegation is answered from the parent side.
    if node.has(flags::DELEGATION) && qtype != code::DS {
        referral(plan, node, step);
        return None;
    }
    answer_at(plan, node, current, Via::Exact, qtype, step, any)
}

/// Whether `node` holds nothing but an NSEC3 RRset and its signatures in
/// a zone with an NSEC3 chain: the hashed owner names of RFC 5155 are not
/// names of the zone.
fn is_nsec3_owner(zone: &Zone, node: &Node) -> bool {
    zone.nsec3().is_some()
        && zone.rrset(node, code::NSEC3).is_some()
        && zone
            .rrsets(node)
            .iter()
            .all(|r| matches!(r.rtype, code::NSEC3 | code::RRSIG))
}

/// RFC 5155 7.2.8: a question for an NSEC3 owner name is answered as if
/// the name did not exist: NXDOMAIN below its parent, with the proof.
fn nsec3_owner<'z>(plan: &mut Plan<'z>, current: &Current<'z>) {
    let zone = plan.zone;
    let name = current.name();
    let parent = &name[1 + usize::from(name[0])..];
    let encloser = match zone.lookup(parent) {
        Lookup::Found(index) | Lookup::NotFound { encloser: index } => index,
    };
    plan.rcode = rcode::NXDOMAIN;
    negative(plan);
    proof::nxdomain(plan, name, encloser);
}

/// How the node answering was reached.
#[derive(Debug, Clone, Copy)]
enum Via {
    /// The name itself.
    Exact,
    /// Wildcard expansion below this closest encloser.
    Wildcard(u32),
}

/// The answer at `node` (an exact match or a wildcard) for owner `owner`.
fn answer_at<'z>(
    plan: &mut Plan<'z>,
    node: &'z Node,
    current: &Current<'z>,
    via: Via,
    qtype: u16,
    step: usize,
    any: AnyPolicy,
) -> Option<Current<'z>> {
    let zone = plan.zone;
    let owner = current.owner;
    let positive = |plan: &mut Plan<'z>| {
        if let Via::Wildcard(encloser) = via {
            proof::wildcard_answer(plan, current.name(), encloser);
        }
    };
    if qtype == code::ANY && !zone.rrsets(node).is_empty() {
        answer_any(plan, node, owner, any);
        positive(plan);
        return None;
    }
    if let Some(rrset) = zone.rrset(node, qtype) {
        if qtype == code::RRSIG {
            answer_signatures(plan, owner, node, rrset);
        } else {
            push_answer(plan, owner, node, rrset);
        }
        positive(plan);
        return None;
    }
    // RRSIG and NSEC may sit beside a CNAME (RFC 4035 2.5): asked for,
    // they are answered at the name, never through the alias.
    if !matches!(qtype, code::CNAME | code::RRSIG | code::NSEC)
        && let Some(cname) = zone.rrset(node, code::CNAME)
    {
        push_answer(plan, owner, node, cname);
        positive(plan);
        let target = zone.records(cname).next()?;
        return (step < MAX_CHAIN).then(|| Current::new(PlanOwner::Zone(target), target));
    }
    negative(plan);
    match via {
        Via::Exact => proof::nodata(plan, zone.name(node)),
        Via::Wildcard(encloser) => proof::wildcard_nodata(plan, current.name(), encloser, node),
    }
    None
}

/// A question for RRSIG: every signature at the name, each with the TTL
/// of the RRset it covers, as NSD and BIND answer (Knot DNS gives one).
/// A name holding signatures but none of the RRsets they cover (an
/// unsigned zone carrying RRSIG records as data) gets the RRSIG RRset
/// as it is, as the peers serve it.
fn answer_signatures<'z>(
    plan: &mut Plan<'z>,
    owner: PlanOwner<'z>,
    node: &'z Node,
    sigs: &'z RRset,
) {
    let zone = plan.zone;
    if zone.rrsets(node).iter().all(|r| r.rtype == code::RRSIG) {
        return push_answer(plan, owner, node, sigs);
    }
    for covered in zone.rrsets(node).iter().filter(|r| r.rtype != code::RRSIG) {
        let item = Item::Signatures {
            zone,
            owner,
            covered,
            sigs,
        };
        if plan.answer.try_push(item).is_err() {
            return;
        }
    }
}

fn answer_any<'z>(plan: &mut Plan<'z>, node: &'z Node, owner: PlanOwner<'z>, any: AnyPolicy) {
    let rrsets = plan.zone.rrsets(node);
    match any {
        AnyPolicy::All => {
            for rrset in rrsets.iter().filter(|r| r.rtype != code::RRSIG) {
                push_answer(plan, owner, node, rrset);
            }
        }
        // RFC 8482 4.1: "select one or a larger subset of the available RRsets".
        AnyPolicy::OneRRset => push_answer(plan, owner, node, &rrsets[0]),
    }
}

fn push_answer<'z>(plan: &mut Plan<'z>, owner: PlanOwner<'z>, node: &'z Node, rrset: &'z RRset) {
    let item = plan.item(owner, node, rrset, true);
    if plan.answer.try_push(item).is_err() {
        return;
    }
    if matches!(rrset.rtype, code::NS | code::MX | code::SRV) {
        add_addresses(plan, rrset, None);
    }
}

/// A/AAAA for the targets of `rrset`. With `cut`, names at or below it
/// are required glue (RFC 9471); otherwise only authoritative names.
fn add_addresses<'z>(plan: &mut Plan<'z>, rrset: &'z RRset, cut: Option<&[u8]>) {
    let zone = plan.zone;
    for &index in zone.additional(rrset) {
        let node = zone.node(index);
        let name = zone.name(node);
        let required = cut.is_some_and(|cut| is_subdomain(name, cut));
        if cut.is_none() && (node.occluder != NONE || node.has(flags::DELEGATION)) {
            continue;
        }
        for rtype in [code::A, code::AAAA] {
            if let Some(rrset) = zone.rrset(node, rtype) {
                // Glue is not authoritative data: never signed (RFC 4035 2.2).
                let item = if cut.is_some() {
                    Item::Stored {
                        zone,
                        owner: PlanOwner::Zone(name),
                        rrset,
                        required,
                        sigs: None,
                    }
                } else {
                    plan.item(PlanOwner::Zone(name), node, rrset, required)
                };
                plan.add_additional(item);
            }
        }
    }
}

/// No exact match: wildcard, delegation, DNAME or NXDOMAIN.
fn not_found<'z>(
    plan: &mut Plan<'z>,
    encloser: u32,
    current: &Current<'z>,
    qtype: u16,
    step: usize,
    any: AnyPolicy,
) -> Option<Current<'z>> {
    let zone = plan.zone;
    let node = zone.node(encloser);
    if node.occluder != NONE {
        return cut(plan, zone.node(node.occluder), current, qtype, step);
    }
    if node.has(flags::DELEGATION) || node.has(flags::DNAME) {
        return cut(plan, node, current, qtype, step);
    }
    // RFC 4592 2.2.1: the source of synthesis is `*.` + the closest encloser.
    if node.wildcard != NONE {
        let wildcard = zone.node(node.wildcard);
        return answer_at(
            plan,
            wildcard,
            current,
            Via::Wildcard(encloser),
            qtype,
            step,
            any,
        );
    }
    plan.rcode = rcode::NXDOMAIN;
    negative(plan);
    proof::nxdomain(plan, current.name(), encloser);
    None
}

/// `current` lies below `node`, a delegation or a DNAME.
fn cut<'z>(
    plan: &mut Plan<'z>,
    node: &'z Node,
    current: &Current<'z>,
    qtype: u16,
    step: usize,
) -> Option<Current<'z>> {
    if node.has(flags::DELEGATION) {
        referral(plan, node, step);
        return None;
    }
    dname(plan, node, current, qtype, step)
}

/// RFC 1034 4.3.2 3.b: NS in authority, glue in additional, not authoritative.
fn referral<'z>(plan: &mut Plan<'z>, node: &'z Node, step: usize) {
    let zone = plan.zone;
    let Some(ns) = zone.rrset(node, code::NS) else {
        return;
    };
    if step == 0 {
        plan.authoritative = false;
    }
    let name = zone.name(node);
    // The NS at a cut belongs to the child: never signed by the parent.
    let _ = plan.authority.try_push(Item::Stored {
        zone,
        owner: PlanOwner::Zone(name),
        rrset: ns,
        required: true,
        sigs: None,
    });
    if plan.signed() {
        match zone.rrset(node, code::DS) {
            Some(ds) => {
                let item = plan.item(PlanOwner::Zone(name), node, ds, true);
                let _ = plan.authority.try_push(item);
            }
            None => proof::nodata(plan, name),
        }
    }
    add_addresses(plan, ns, Some(name));
}

/// RFC 6672 3.1: the DNAME, a synthesised CNAME, then the new name
/// (unless the question asks for the CNAME itself).
fn dname<'z>(
    plan: &mut Plan<'z>,
    node: &'z Node,
    current: &Current<'z>,
    qtype: u16,
    step: usize,
) -> Option<Current<'z>> {
    let zone = plan.zone;
    let rrset = zone.rrset(node, code::DNAME)?;
    let target = zone.records(rrset).next()?;
    let owner = zone.name(node);
    let item = plan.item(PlanOwner::Zone(owner), node, rrset, true);
    let _ = plan.answer.try_push(item);
    let prefix = &current.name()[..current.len - owner.len()];
    if prefix.len() + target.len() > MAX_NAME_LEN {
        // RFC 6672 2.2: the substitution overflows: YXDOMAIN.
        plan.rcode = rcode::YXDOMAIN;
        return None;
    }
    let mut bytes = [0u8; MAX_NAME_LEN];
    // Keep the case the client used for the prefix when it is the question.
    bytes[..prefix.len()].copy_from_slice(prefix);
    bytes[prefix.len()..prefix.len() + target.len()].copy_from_slice(target);
    let len = prefix.len() + target.len();
    if plan.synth.try_push((bytes, len as u8)).is_err() {
        return None;
    }
    let index = (plan.synth.len() - 1) as u8;
    let _ = plan.answer.try_push(Item::SynthCname {
        owner: current.owner,
        target: index,
        ttl: rrset.ttl,
    });
    let follow = step < MAX_CHAIN && qtype != code::CNAME;
    follow.then(|| Current::new(PlanOwner::Synth(index), &bytes[..len]))
}

/// RFC 2308 3: the SOA in the authority section, TTL min(SOA TTL, MINIMUM).
fn negative(plan: &mut Plan<'_>) {
    let zone = plan.zone;
    let apex = zone.node(zone.apex());
    let item = plan.item(
        PlanOwner::Zone(zone.origin().as_wire()),
        apex,
        zone.negative_soa(),
        true,
    );
    let _ = plan.authority.try_push(item);
}
