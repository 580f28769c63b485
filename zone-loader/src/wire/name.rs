//! Domain names in uncompressed wire form (RFC 1035 3.1), with the
//! presentation format of RFC 1035 5.1 (`\X` and `\DDD` escapes).
//!
//! A [`Name`] is always absolute and valid: at most 255 octets, labels of at
//! most 63 octets, ending in the root label. Comparison helpers are ASCII
//! case-insensitive (RFC 4343); length octets are below 64 and so never
//! collide with letters, which lets whole wire names be compared at once.

use std::fmt;

/// Longest name in wire form, RFC 1035 2.3.4.
pub const MAX_NAME_LEN: usize = 255;
/// Longest label, RFC 1035 2.3.4.
pub const MAX_LABEL_LEN: usize = 63;

/// Why a name could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    /// A label is longer than 63 octets.
    LabelTooLong,
    /// The name is longer than 255 octets in wire form.
    NameTooLong,
    /// Two dots in a row, or a dot at the start of a non-root name.
    EmptyLabel,
    /// A `\DDD` escape is not three digits or is above 255.
    BadEscape,
    /// The wire form ends before the root label.
    Truncated,
    /// A label type other than a normal label (e.g. a pointer where none is allowed).
    BadLabelType,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::LabelTooLong => "label longer than 63 octets",
            Self::NameTooLong => "name longer than 255 octets",
            Self::EmptyLabel => "empty label",
            Self::BadEscape => "bad escape (\\DDD must be three digits up to 255)",
            Self::Truncated => "name is truncated",
            Self::BadLabelType => "unsupported label type",
        })
    }
}

impl std::error::Error for NameError {}

/// An absolute domain name in uncompressed wire form.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Box<[u8]>);

impl Name {
    /// The root name `.`.
    pub fn root() -> Self {
        Self(Box::new([0]))
    }

    /// Reads a name from uncompressed wire bytes, which must hold exactly one name.
    pub fn from_wire(wire: &[u8]) -> Result<Self, NameError> {
        let len = wire_len(wire)?;
        if len != wire.len() {
            return Err(NameError::BadLabelType);
        }
        Ok(Self(wire.into()))
    }

    /// Parses presentation format. A name without a final dot is relative
    /// to `origin`; `@` is the origin itself.
    pub fn from_text(text: &[u8], origin: &Self) -> Result<Self, NameError> {
        if text == b"@" {
            return Ok(origin.clone());
        }
        if text == b"." {
            return Ok(Self::root());
        }
        let mut out = Vec::with_capacity(text.len() + 2);
        let absolute = parse_labels(text, &mut out)?;
        if absolute {
            out.push(0);
        } else {
            out.extend_from_slice(&origin.0);
        }
        if out.len() > MAX_NAME_LEN {
            return Err(NameError::NameTooLong);
        }
        Ok(Self(out.into_boxed_slice()))
    }

    /// The wire form, ending in the root label.
    pub fn as_wire(&self) -> &[u8] {
        &self.0
    }

    /// The number of labels, not counting the root.
    pub fn label_count(&self) -> usize {
        label_count(&self.0)
    }

    /// Whether this is the root name.
    pub fn is_root(&self) -> bool {
        self.0.len() == 1
    }

    /// The same name with ASCII letters lowered (RFC 4343 canonical case).
    pub fn to_lowercase(&self) -> Self {
        Self(self.0.to_ascii_lowercase().into_boxed_slice())
    }

    /// Whether `self` equals `ancestor` or lies below it (case-insensitive).
    pub fn is_subdomain_of(&self, ancestor: &Self) -> bool {
        is_subdomain(&self.0, &ancestor.0)
    }

    /// The name one label up, or `None` for the root.
    pub fn parent(&self) -> Option<Self> {
        if self.is_root() {
            return None;
        }
        let skip = 1 + usize::from(self.0[0]);
        Some(Self(self.0[skip..].into()))
    }

    /// `label.self`, or an error if the result is too long.
    pub fn prepend(&self, label: &[u8]) -> Result<Self, NameError> {
        if label.len() > MAX_LABEL_LEN {
            return Err(NameError::LabelTooLong);
        }
        if label.is_empty() {
            return Err(NameError::EmptyLabel);
        }
        let mut out = Vec::with_capacity(1 + label.len() + self.0.len());
        out.push(label.len() as u8);
        out.extend_from_slice(label);
        out.extend_from_slice(&self.0);
        if out.len() > MAX_NAME_LEN {
            return Err(NameError::NameTooLong);
        }
        Ok(Self(out.into_boxed_slice()))
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_presentation(&self.0, f)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({self})")
    }
}

/// Writes a wire name in presentation format, escaping as RFC 1035 5.1 asks.
pub fn write_presentation(wire: &[u8], f: &mut impl fmt::Write) -> fmt::Result {
    if wire.first() == Some(&0) {
        return f.write_char('.');
    }
    let mut pos = 0;
    while pos < wire.len() && wire[pos] != 0 {
        let len = usize::from(wire[pos]);
        for &b in &wire[pos + 1..(pos + 1 + len).min(wire.len())] {
            match b {
                b'.' | b'\\' | b'"' | b'(' | b')' | b';' | b'@' | b'$' => {
                    f.write_char('\\')?;
                    f.write_char(char::from(b))?;
                }
                0x21..=0x7e => f.write_char(char::from(b))?,
                _ => write!(f, "\\{b:03}")?,
            }
        }
        f.write_char('.')?;
        pos += 1 + len;
    }
    Ok(())
}

/// Appends the labels of `text` (presentation format) to `out` in wire form,
/// without the final root label. Returns whether `text` ended in a dot.
fn parse_labels(text: &[u8], out: &mut Vec<u8>) -> Result<bool, NameError> {
    let mut label_start = out.len();
    out.push(0);
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if b == b'.' {
            let len = out.len() - label_start - 1;
            if len == 0 {
                return Err(NameError::EmptyLabel);
            }
            out[label_start] = len as u8;
            i += 1;
            if i == text.len() {
                return Ok(true);
            }
            label_start = out.len();
            out.push(0);
            continue;
        }
        let (byte, used) = if b == b'\\' {
            unescape(&text[i..])?
        } else {
            (b, 1)
        };
        out.push(byte);
        i += used;
        if out.len() - label_start - 1 > MAX_LABEL_LEN {
            return Err(NameError::LabelTooLong);
        }
        if out.len() > MAX_NAME_LEN {
            return Err(NameError::NameTooLong);
        }
    }
    let len = out.len() - label_start - 1;
    if len == 0 {
        return Err(NameError::EmptyLabel);
    }
    out[label_start] = len as u8;
    Ok(false)
}

/// Decodes one escape at the start of `text` (which begins with `\`):
/// `\DDD` is a decimal octet, `\X` is `X` itself. Returns the octet and
/// how many input bytes it used.
pub fn unescape(text: &[u8]) -> Result<(u8, usize), NameError> {
    match text.get(1) {
        None => Err(NameError::BadEscape),
        Some(d) if d.is_ascii_digit() => {
            let digits = text.get(1..4).ok_or(NameError::BadEscape)?;
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(NameError::BadEscape);
            }
            let value = digits
                .iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
            u8::try_from(value)
                .map(|v| (v, 4))
                .map_err(|_| NameError::BadEscape)
        }
        Some(&c) => Ok((c, 2)),
    }
}

/// The length of the uncompressed wire name at the start of `wire`.
pub fn wire_len(wire: &[u8]) -> Result<usize, NameError> {
    let mut pos = 0;
    loop {
        let len = usize::from(*wire.get(pos).ok_or(NameError::Truncated)?);
        if len == 0 {
            return Ok(pos + 1);
        }
        if len > MAX_LABEL_LEN {
            return Err(NameError::BadLabelType);
        }
        pos += 1 + len;
        if pos + 1 > MAX_NAME_LEN {
            return Err(NameError::NameTooLong);
        }
    }
}

/// The number of labels of a valid wire name, not counting the root.
pub fn label_count(wire: &[u8]) -> usize {
    let mut pos = 0;
    let mut count = 0;
    while pos < wire.len() && wire[pos] != 0 {
        pos += 1 + usize::from(wire[pos]);
        count += 1;
    }
    count
}

/// Whether wire name `name` equals or lies below wire name `ancestor`,
/// ASCII case-insensitively. Both must be valid uncompressed names.
pub fn is_subdomain(name: &[u8], ancestor: &[u8]) -> bool {
    if ancestor.len() > name.len() {
        return false;
    }
    let mut pos = 0;
    loop {
        let rest = &name[pos..];
        if rest.len() == ancestor.len() {
            return rest.eq_ignore_ascii_case(ancestor);
        }
        if rest.len() < ancestor.len() || rest[0] == 0 {
            return false;
        }
        pos += 1 + usize::from(rest[0]);
    }
}

/// The offsets at which each suffix of a valid wire name starts, longest
/// first (offset 0 is the whole name; the last is the root label).
pub fn suffix_offsets(wire: &[u8], out: &mut [u8; 128]) -> usize {
    let mut pos = 0;
    let mut n = 0;
    loop {
        out[n] = pos as u8;
        n += 1;
        if wire[pos] == 0 {
            return n;
        }
        pos += 1 + usize::from(wire[pos]);
    }
}

/// Compares two valid wire names in DNSSEC canonical order (RFC 4034 6.1):
/// label by label from the root, lowercased octets, shorter label first.
pub fn canonical_cmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let mut offs_a = [0u8; 128];
    let mut offs_b = [0u8; 128];
    let na = suffix_offsets(a, &mut offs_a) - 1;
    let nb = suffix_offsets(b, &mut offs_b) - 1;
    for k in 1..=na.min(nb) {
        let la = label_at(a, usize::from(offs_a[na - k]));
        let lb = label_at(b, usize::from(offs_b[nb - k]));
        let ord = la
            .iter()
            .map(u8::to_ascii_lowercase)
            .cmp(lb.iter().map(u8::to_ascii_lowercase));
        if ord.is_ne() {
            return ord;
        }
    }
    na.cmp(&nb)
}

/// A byte string whose plain byte order is the canonical order of the
/// name (RFC 4034 6.1), for sorting many names: labels from the root,
/// lowercased, each ended by 0x00; the octets 0x00 and 0x01 inside a
/// label become 0x01 0x01 and 0x01 0x02 so that the end marker sorts
/// before every octet.
pub fn canonical_key(wire: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(wire.len() + 4);
    canonical_key_into(wire, &mut key);
    key
}

/// Appends [`canonical_key`] of `wire` to `out`, so that many keys can share
/// one buffer (the zone build sorts every owner name by them).
pub fn canonical_key_into(wire: &[u8], out: &mut Vec<u8>) {
    let mut offsets = [0u8; 128];
    let n = suffix_offsets(wire, &mut offsets) - 1;
    for k in (0..n).rev() {
        for &b in label_at(wire, usize::from(offsets[k])) {
            match b.to_ascii_lowercase() {
                0 => out.extend_from_slice(&[1, 1]),
                1 => out.extend_from_slice(&[1, 2]),
                other => out.push(other),
            }
        }
        out.push(0);
    }
}

fn label_at(wire: &[u8], pos: usize) -> &[u8] {
    &wire[pos + 1..pos + 1 + usize::from(wire[pos])]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> Name {
        Name::from_text(text.as_bytes(), &Name::root()).unwrap()
    }

    #[test]
    fn relative_names_take_the_origin() {
        let origin = name("example.com.");
        let n = Name::from_text(b"www", &origin).unwrap();
        assert_eq!(n.to_string(), "www.example.com.");
        assert_eq!(Name::from_text(b"@", &origin).unwrap(), origin);
        assert_eq!(n.label_count(), 3);
    }

    #[test]
    fn rfc1035_escapes_round_trip() {
        let n = name("a\\.b.c\\032d.\\\\.");
        assert_eq!(n.as_wire(), b"\x03a.b\x03c d\x01\\\x00");
        assert_eq!(n.to_string(), "a\\.b.c\\032d.\\\\.");
    }

    #[test]
    fn limits_are_enforced() {
        let long_label = "a".repeat(64);
        assert_eq!(
            Name::from_text(long_label.as_bytes(), &Name::root()),
            Err(NameError::LabelTooLong)
        );
        let long_name = format!("{}.", ["abcdefghi"; 26].join("."));
        assert_eq!(
            Name::from_text(long_name.as_bytes(), &Name::root()),
            Err(NameError::NameTooLong)
        );
        assert_eq!(
            Name::from_text(b"a..b.", &Name::root()),
            Err(NameError::EmptyLabel)
        );
        assert_eq!(
            Name::from_text(b"a\\256.", &Name::root()),
            Err(NameError::BadEscape)
        );
        assert_eq!(
            Name::from_text(b"a\\25", &Name::root()),
            Err(NameError::BadEscape)
        );
    }

    #[test]
    fn subdomain_is_case_insensitive_and_label_aligned() {
        assert!(name("WWW.Example.com.").is_subdomain_of(&name("example.COM.")));
        assert!(!name("wwwexample.com.").is_subdomain_of(&name("example.com.")));
        assert!(name("example.com.").is_subdomain_of(&Name::root()));
    }

    #[test]
    fn rfc4034_6_1_canonical_order() {
        let ordered = [
            "example.",
            "a.example.",
            "yljkjljk.a.example.",
            "Z.a.example.",
            "zABC.a.EXAMPLE.",
            "z.example.",
            "\\001.z.example.",
            "*.z.example.",
            "\\200.z.example.",
        ];
        for pair in ordered.windows(2) {
            let (a, b) = (name(pair[0]), name(pair[1]));
            assert_eq!(
                canonical_cmp(a.as_wire(), b.as_wire()),
                std::cmp::Ordering::Less,
                "{} < {}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn canonical_key_orders_like_canonical_cmp() {
        let names = [
            "example.",
            "a.example.",
            "A.example.",
            "\\000.example.",
            "\\001.example.",
            "\\002.example.",
            "\\000\\000.example.",
            "\\001\\000.example.",
            "a\\000.example.",
            "a\\001.example.",
            "ab.example.",
            "b.a.example.",
            "\\255.example.",
            "z.example.",
            "example.com.",
            ".",
        ];
        for a in names {
            for b in names {
                let (na, nb) = (name(a), name(b));
                assert_eq!(
                    canonical_key(na.as_wire()).cmp(&canonical_key(nb.as_wire())),
                    canonical_cmp(na.as_wire(), nb.as_wire()),
                    "{a} vs {b}"
                );
            }
        }
    }
}
