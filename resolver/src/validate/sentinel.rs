//! The root key sentinel (RFC 8509): a client learns which root keys a
//! validating resolver trusts by asking names whose first label is
//! `root-key-sentinel-is-ta-KEYTAG` or `root-key-sentinel-not-ta-KEYTAG`
//! (the key tag in five decimal digits). A secure answer of type A or
//! AAAA to such a name becomes SERVFAIL when the label is false of the
//! root's trust anchors (RFC 8509 3.2): `is-ta` with a key tag not among
//! them, `not-ta` with one that is. Anything else is answered as usual.

use hickory_proto::rr::RecordType;

use super::anchors::TrustAnchors;

const IS_TA: &[u8] = b"root-key-sentinel-is-ta-";
const NOT_TA: &[u8] = b"root-key-sentinel-not-ta-";

/// What a sentinel label asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sentinel {
    /// Whether the key with this tag is a root trust anchor.
    IsTa(u16),
    /// Whether the key with this tag is not one.
    NotTa(u16),
}

impl Sentinel {
    /// The sentinel in the first label of `qname` (wire form), for a
    /// question of `qtype` (A and AAAA only, RFC 8509 3.2).
    pub fn of(qname: &[u8], qtype: u16) -> Option<Self> {
        if qtype != u16::from(RecordType::A) && qtype != u16::from(RecordType::AAAA) {
            return None;
        }
        let len = usize::from(*qname.first()?);
        let label = qname.get(1..1 + len)?;
        let (prefix, make): (_, fn(u16) -> Self) = if starts_with(label, IS_TA) {
            (IS_TA, Self::IsTa)
        } else if starts_with(label, NOT_TA) {
            (NOT_TA, Self::NotTa)
        } else {
            return None;
        };
        let digits = &label[prefix.len()..];
        if digits.len() != 5 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let tag = digits
            .iter()
            .fold(0u32, |tag, d| tag * 10 + u32::from(d - b'0'));
        u16::try_from(tag).ok().map(make)
    }

    /// Whether a secure answer must become SERVFAIL, the root's trust
    /// anchors being `anchors`.
    pub fn fails(self, anchors: &TrustAnchors) -> bool {
        let tags = anchors.root_key_tags();
        match self {
            Self::IsTa(tag) => !tags.contains(&tag),
            Self::NotTa(tag) => tags.contains(&tag),
        }
    }
}

fn starts_with(label: &[u8], prefix: &[u8]) -> bool {
    label.len() >= prefix.len() && label[..prefix.len()].eq_ignore_ascii_case(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(label: &str) -> Vec<u8> {
        let mut out = vec![label.len() as u8];
        out.extend(label.as_bytes());
        out.extend(b"\x07example\x00");
        out
    }

    const A: u16 = 1;

    #[test]
    fn rfc8509_labels_name_a_key_tag_in_five_digits() {
        let of = |label: &str, qtype| Sentinel::of(&wire(label), qtype);
        assert_eq!(
            of("root-key-sentinel-is-ta-20326", A),
            Some(Sentinel::IsTa(20326))
        );
        assert_eq!(
            of("Root-Key-Sentinel-Not-Ta-00042", 28),
            Some(Sentinel::NotTa(42))
        );
        assert_eq!(of("root-key-sentinel-is-ta-20326", 16), None, "TXT");
        for other in [
            "root-key-sentinel-is-ta-2032",
            "root-key-sentinel-is-ta-203260",
            "root-key-sentinel-is-ta-99999",
            "root-key-sentinel-is-ta-2032x",
            "www",
        ] {
            assert_eq!(of(other, A), None, "{other}");
        }
    }

    #[test]
    fn rfc8509_3_2_a_false_label_fails_a_true_one_answers() {
        let anchors = TrustAnchors::iana();
        assert!(!Sentinel::IsTa(20326).fails(&anchors));
        assert!(Sentinel::IsTa(12345).fails(&anchors));
        assert!(Sentinel::NotTa(38696).fails(&anchors));
        assert!(!Sentinel::NotTa(12345).fails(&anchors));
    }
}
