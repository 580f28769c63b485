//! Authenticated denial for signed zones: the NSEC (RFC 4035 3.1.3) or
//! NSEC3 (RFC 5155 7.2) records, with their signatures, that go into the
//! authority section when the client set DO. Each function does nothing
//! unless the plan's zone is signed and DNSSEC records are asked for; a
//! record already in the section is not added twice.

use zone_loader::dnssec::Nsec3Chain;
use zone_loader::rtype::code;
use zone_loader::wire::name::MAX_NAME_LEN;
use zone_loader::zone::Node;

use super::resolve::{Item, Plan, PlanOwner};

/// No data at `name`, which exists (or is an empty non-terminal, whose
/// covering NSEC proves it has no types), and no DS at a delegation.
pub(super) fn nodata(plan: &mut Plan<'_>, name: &[u8]) {
    if !plan.signed() {
        return;
    }
    if let Some(chain) = plan.zone.nsec3() {
        let hash = chain.hash(name);
        match chain.matching(&hash) {
            Some(node) => push(plan, node, code::NSEC3),
            // An opt-out delegation or an empty non-terminal above one has
            // no NSEC3: the closest provable encloser proof (RFC 5155 7.2.4).
            None => closest_provable_encloser(plan, chain, name),
        }
    } else if let Some(node) = plan.zone.nsec_for(name) {
        push(plan, node, code::NSEC);
    }
}

/// No `name` (NXDOMAIN below the closest encloser `encloser`): the name
/// and the wildcard at the closest encloser are both denied.
pub(super) fn nxdomain(plan: &mut Plan<'_>, name: &[u8], encloser: u32) {
    if !plan.signed() {
        return;
    }
    let zone = plan.zone;
    let closest = zone.name(zone.node(encloser));
    let Some(wildcard) = wildcard_of(closest) else {
        return;
    };
    if let Some(chain) = zone.nsec3() {
        closest_encloser_proof(plan, chain, name, closest);
        if let Some(node) = chain.covering(&chain.hash(&wildcard.0[..wildcard.1])) {
            push(plan, node, code::NSEC3);
        }
    } else {
        for denied in [name, &wildcard.0[..wildcard.1]] {
            if let Some(node) = zone.nsec_for(denied) {
                push(plan, node, code::NSEC);
            }
        }
    }
}

/// An answer expanded from the wildcard below `encloser`: proof that
/// `name` itself does not exist (RFC 4035 3.1.3.3, RFC 5155 7.2.6).
pub(super) fn wildcard_answer(plan: &mut Plan<'_>, name: &[u8], encloser: u32) {
    if !plan.signed() {
        return;
    }
    let zone = plan.zone;
    if let Some(chain) = zone.nsec3() {
        let closest = zone.name(zone.node(encloser));
        if let Some(next) = next_closer(name, closest)
            && let Some(node) = chain.covering(&chain.hash(next))
        {
            push(plan, node, code::NSEC3);
        }
    } else if let Some(node) = zone.nsec_for(name) {
        push(plan, node, code::NSEC);
    }
}

/// The wildcard matched but has no data of the type asked: the wildcard
/// has none and `name` does not exist (RFC 4035 3.1.3.4, RFC 5155 7.2.5).
pub(super) fn wildcard_nodata(plan: &mut Plan<'_>, name: &[u8], encloser: u32, wildcard: &Node) {
    if !plan.signed() {
        return;
    }
    let zone = plan.zone;
    let wildcard_name = zone.name(wildcard);
    if let Some(chain) = zone.nsec3() {
        closest_encloser_proof(plan, chain, name, zone.name(zone.node(encloser)));
        if let Some(node) = chain.matching(&chain.hash(wildcard_name)) {
            push(plan, node, code::NSEC3);
        }
    } else {
        for denied in [wildcard_name, name] {
            if let Some(node) = zone.nsec_for(denied) {
                push(plan, node, code::NSEC);
            }
        }
    }
}

/// The NSEC3 matching the closest encloser and the one covering the next
/// closer name (RFC 5155 7.2.1).
fn closest_encloser_proof(plan: &mut Plan<'_>, chain: &Nsec3Chain, name: &[u8], closest: &[u8]) {
    if let Some(node) = chain.matching(&chain.hash(closest)) {
        push(plan, node, code::NSEC3);
    }
    if let Some(next) = next_closer(name, closest)
        && let Some(node) = chain.covering(&chain.hash(next))
    {
        push(plan, node, code::NSEC3);
    }
}

/// The closest encloser proof for the nearest ancestor of `name` that
/// has an NSEC3 (RFC 5155 7.2.4, opt-out).
fn closest_provable_encloser(plan: &mut Plan<'_>, chain: &Nsec3Chain, name: &[u8]) {
    let origin_len = plan.zone.origin().as_wire().len();
    let mut at = 0;
    while name.len() - at > origin_len {
        at += 1 + usize::from(name[at]);
        let ancestor = &name[at..];
        if chain.matching(&chain.hash(ancestor)).is_some() {
            closest_encloser_proof(plan, chain, name, ancestor);
            return;
        }
    }
}

/// The ancestor of `name` one label longer than `closest`.
fn next_closer<'n>(name: &'n [u8], closest: &[u8]) -> Option<&'n [u8]> {
    let mut at = 0;
    while name.len() - at > closest.len() {
        let next = at + 1 + usize::from(name[at]);
        if name.len() - next == closest.len() {
            return Some(&name[at..]);
        }
        at = next;
    }
    None
}

/// `*.` + `name`, if it fits.
fn wildcard_of(name: &[u8]) -> Option<([u8; MAX_NAME_LEN], usize)> {
    let len = name.len() + 2;
    if len > MAX_NAME_LEN {
        return None;
    }
    let mut out = [0u8; MAX_NAME_LEN];
    out[..2].copy_from_slice(b"\x01*");
    out[2..len].copy_from_slice(name);
    Some((out, len))
}

/// Adds node `index`'s `rtype` RRset (NSEC or NSEC3) with its signatures,
/// unless the answer or the authority section has it already (an NSEC
/// asked for at a wildcard is its own proof).
fn push(plan: &mut Plan<'_>, index: u32, rtype: u16) {
    let zone = plan.zone;
    let node = zone.node(index);
    let Some(rrset) = zone.rrset(node, rtype) else {
        return;
    };
    // An RRset in the answer under the question name (a wildcard
    // expansion of the NSEC asked for) is another record: it still goes here.
    let present = plan.answer.iter().chain(&plan.authority).any(|item| {
        matches!(item, Item::Stored { rrset: r, owner, .. }
            if std::ptr::eq(*r, rrset) && !matches!(owner, PlanOwner::Question))
    });
    if !present {
        let item = plan.item(PlanOwner::Zone(zone.name(node)), node, rrset, true);
        let _ = plan.authority.try_push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_closer_is_one_label_below_the_closest_encloser() {
        let name = b"\x01a\x01b\x07example\x00";
        assert_eq!(
            next_closer(name, b"\x07example\x00"),
            Some(&b"\x01b\x07example\x00"[..])
        );
        assert_eq!(next_closer(name, b"\x01b\x07example\x00"), Some(&name[..]));
        assert_eq!(next_closer(name, name), None);
        let (wildcard, len) = wildcard_of(b"\x07example\x00").unwrap();
        assert_eq!(&wildcard[..len], b"\x01*\x07example\x00");
    }
}
