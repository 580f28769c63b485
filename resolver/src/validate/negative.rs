//! Negative trust anchors (RFC 7646): zones an operator has declared
//! broken, below which answers are not validated (insecure: no AD, never
//! bogus) until the anchor is removed. Replaced whole on a reload; read
//! without a lock, and without allocating on the cache-hit path.

use arc_swap::ArcSwap;
use hickory_proto::rr::Name;

use crate::records::wire_name;

/// The negative trust anchors, as lowercase wire names.
#[derive(Debug, Default)]
pub struct NegativeAnchors {
    zones: ArcSwap<Vec<Box<[u8]>>>,
}

impl NegativeAnchors {
    /// Replaces the anchors with `zones`.
    pub fn set(&self, zones: &[Name]) {
        let wire = zones.iter().map(|z| wire_name(z).into()).collect();
        self.zones.store(std::sync::Arc::new(wire));
    }

    /// Whether `name` is at or below a negative trust anchor.
    pub fn covers(&self, name: &Name) -> bool {
        !self.zones.load().is_empty() && self.covers_wire(&wire_name(name))
    }

    /// [`Self::covers`] for a name in wire form (any case).
    pub fn covers_wire(&self, name: &[u8]) -> bool {
        let zones = self.zones.load();
        if zones.is_empty() {
            return false;
        }
        let mut at = 0;
        loop {
            let rest = &name[at..];
            if zones.iter().any(|z| z.eq_ignore_ascii_case(rest)) {
                return true;
            }
            match rest.first() {
                Some(&len) if len > 0 => at += 1 + usize::from(len),
                _ => return false,
            }
            if at >= name.len() {
                return false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn names_at_and_below_an_anchor_are_covered_until_it_goes() {
        let anchors = NegativeAnchors::default();
        let name = |n: &str| Name::from_str(n).unwrap();
        assert!(!anchors.covers(&name("www.broken.example.")));
        anchors.set(&[name("Broken.Example.")]);
        for covered in [
            "broken.example.",
            "www.BROKEN.example.",
            "a.b.broken.example.",
        ] {
            assert!(anchors.covers(&name(covered)), "{covered}");
        }
        for clear in ["example.", "notbroken.example.", "broken.example.net.", "."] {
            assert!(!anchors.covers(&name(clear)), "{clear}");
        }
        assert!(anchors.covers_wire(b"\x03WWW\x06broken\x07example\x00"));
        assert!(!anchors.covers_wire(b"\x03www\x07example\x00"));
        anchors.set(&[]);
        assert!(!anchors.covers(&name("www.broken.example.")));
    }
}
