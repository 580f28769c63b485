//! Reading one field at a time from an entry's rdata tokens.

use std::net::{Ipv4Addr, Ipv6Addr};

use data_encoding::{BASE32HEX_NOPAD, BASE64, HEXLOWER_PERMISSIVE};

use super::layout::Field;
use super::time::parse_rrsig_time;
use super::{RdataError, RdataErrorKind, Result};
use crate::lexer::Token;
use crate::rtype;
use crate::ttl::parse_ttl;
use crate::wire::name::{Name, unescape};

/// The rdata tokens of one entry and the position of the next one.
pub(super) struct Fields<'t, 'a> {
    pub(super) tokens: &'t [Token<'a>],
    pub(super) at: usize,
    pub(super) origin: &'t Name,
}

impl<'t, 'a> Fields<'t, 'a> {
    pub(super) fn new(tokens: &'t [Token<'a>], origin: &'t Name) -> Self {
        Self {
            tokens,
            at: 0,
            origin,
        }
    }

    /// An error at the next token (or after the end).
    pub(super) fn err(&self, kind: RdataErrorKind) -> RdataError {
        RdataError {
            token: self.at.min(self.tokens.len()),
            kind,
        }
    }

    /// An error about the token just read.
    pub(super) fn back_err(&self, kind: RdataErrorKind) -> RdataError {
        RdataError {
            token: self.at.saturating_sub(1),
            kind,
        }
    }

    pub(super) fn done(&self) -> bool {
        self.at >= self.tokens.len()
    }

    pub(super) fn next(&mut self, field: &'static str) -> Result<&'a [u8]> {
        let token = self
            .tokens
            .get(self.at)
            .ok_or_else(|| self.err(RdataErrorKind::Missing(field)))?;
        self.at += 1;
        Ok(token.text)
    }

    /// Reads one field of a layout.
    pub(super) fn field(&mut self, field: Field, out: &mut Vec<u8>) -> Result<()> {
        match field {
            Field::U8(name) => out.push(self.number(name)?),
            Field::U16(name) => self.u16(out, name)?,
            Field::U32(name) => out.extend_from_slice(&self.number::<u32>(name)?.to_be_bytes()),
            Field::Period(name) => self.period(out, name)?,
            Field::Time(name) => self.time(out, name)?,
            Field::TypeCode(name) => self.type_code(out, name)?,
            Field::Algorithm => self.mnemonic(out, "algorithm", ALGORITHMS, 1)?,
            Field::CertType => self.mnemonic(out, "certificate type", CERT_TYPES, 2)?,
            Field::DsyncScheme => self.mnemonic(out, "scheme", DSYNC_SCHEMES, 1)?,
            Field::Name(name) => self.name(out, name)?,
            Field::Text(name) => self.char_string(out, name)?,
            Field::Texts => {
                self.char_string(out, "text")?;
                while !self.done() {
                    self.char_string(out, "text")?;
                }
            }
            Field::OptionalText(name) => {
                if !self.done() {
                    self.char_string(out, name)?;
                }
            }
            Field::Coordinate(name) => self.coordinate(out, name)?,
            Field::Ipv4 => out.extend_from_slice(&self.ipv4()?.octets()),
            Field::Ipv6 => out.extend_from_slice(&self.ipv6()?.octets()),
            Field::Hex(name) => self.hex_rest(out, name)?,
            Field::ZonemdDigest => self.zonemd_digest(out)?,
            Field::Base64(name) => self.base64_rest(out, name)?,
            Field::Salt => self.salt(out)?,
            Field::NextHashed => self.base32hex(out)?,
            Field::Bitmap => self.type_bitmap(out)?,
            Field::Eui48 => self.eui(out, 6)?,
            Field::Eui64 => self.eui(out, 8)?,
            Field::Locator64 => self.locator64(out)?,
            Field::UriTarget => self.uri_target(out)?,
            Field::Nsap => self.nsap(out)?,
            Field::Loc => self.loc(out)?,
            Field::SvcParams => self.svc_params(out)?,
            Field::Caa => self.caa(out)?,
            Field::Apl => self.apl(out)?,
            Field::Wks => self.wks(out)?,
            Field::Ipseckey => self.ipseckey(out)?,
            Field::Hip => self.hip(out)?,
            Field::Amtrelay => self.amtrelay(out)?,
        }
        Ok(())
    }

    pub(super) fn number<T: std::str::FromStr>(&mut self, field: &'static str) -> Result<T> {
        let text = self.next(field)?;
        parse_number(text).ok_or_else(|| self.back_err(RdataErrorKind::BadNumber(field)))
    }

    pub(super) fn u16(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        out.extend_from_slice(&self.number::<u16>(field)?.to_be_bytes());
        Ok(())
    }

    /// Seconds, or BIND's units within 2^31 - 1 (as BIND and Knot read them).
    fn period(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        let text = self.next(field)?;
        let value = parse_number::<u32>(text)
            .or_else(|| parse_ttl(text))
            .ok_or_else(|| self.back_err(RdataErrorKind::BadNumber(field)))?;
        out.extend_from_slice(&value.to_be_bytes());
        Ok(())
    }

    /// A number or a mnemonic from `table`, written in `width` octets.
    fn mnemonic(
        &mut self,
        out: &mut Vec<u8>,
        field: &'static str,
        table: &[(&str, u16)],
        width: usize,
    ) -> Result<()> {
        let text = self.next(field)?;
        let value = table
            .iter()
            .find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(text))
            .map(|&(_, value)| value)
            .or_else(|| parse_number(text))
            .filter(|&v| width == 2 || v <= 0xff)
            .ok_or_else(|| self.back_err(RdataErrorKind::BadNumber(field)))?;
        out.extend_from_slice(&value.to_be_bytes()[2 - width..]);
        Ok(())
    }

    pub(super) fn ipv4(&mut self) -> Result<Ipv4Addr> {
        let text = self.next("address")?;
        std::str::from_utf8(text)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| self.back_err(RdataErrorKind::BadIpv4))
    }

    pub(super) fn ipv6(&mut self) -> Result<Ipv6Addr> {
        let text = self.next("address")?;
        std::str::from_utf8(text)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| self.back_err(RdataErrorKind::BadIpv6))
    }

    pub(super) fn name(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        let text = self.next(field)?;
        let name = Name::from_text(text, self.origin)
            .map_err(|e| self.back_err(RdataErrorKind::BadName(e)))?;
        out.extend_from_slice(name.as_wire());
        Ok(())
    }

    pub(super) fn char_string(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        let text = self.next(field)?;
        let len_at = out.len();
        out.push(0);
        unescape_into(text, out).map_err(|()| self.back_err(RdataErrorKind::BadString))?;
        let len = out.len() - len_at - 1;
        out[len_at] = u8::try_from(len).map_err(|_| self.back_err(RdataErrorKind::BadString))?;
        Ok(())
    }

    /// RFC 1712 3: a decimal number as a character string (BIND also
    /// reads an empty one).
    fn coordinate(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        let start = out.len();
        self.char_string(out, field)?;
        let text = &out[start + 1..];
        let digits = text.strip_prefix(b"-").unwrap_or(text);
        let (whole, frac) = match digits.iter().position(|&b| b == b'.') {
            Some(dot) => (&digits[..dot], &digits[dot + 1..]),
            None => (digits, &b""[..]),
        };
        let valid = whole.iter().chain(frac).all(u8::is_ascii_digit);
        if !valid {
            return Err(self.back_err(RdataErrorKind::BadNumber(field)));
        }
        Ok(())
    }

    /// The remaining tokens concatenated (base64 and hex may be split by blanks).
    pub(super) fn rest(&mut self, field: &'static str) -> Result<Vec<u8>> {
        if self.done() {
            return Err(self.err(RdataErrorKind::Missing(field)));
        }
        let mut joined = Vec::new();
        for token in &self.tokens[self.at..] {
            joined.extend_from_slice(token.text);
        }
        self.at = self.tokens.len();
        Ok(joined)
    }

    fn hex_rest(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        let start = self.at;
        let text = self.rest(field)?;
        let bytes = HEXLOWER_PERMISSIVE.decode(&text).map_err(|_| RdataError {
            token: start,
            kind: RdataErrorKind::BadHex,
        })?;
        out.extend_from_slice(&bytes);
        Ok(())
    }

    /// RFC 8976 2.2.4: the digest MUST NOT be shorter than 12 octets.
    fn zonemd_digest(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let (start, len) = (self.at, out.len());
        self.hex_rest(out, "digest")?;
        if out.len() - len < ZONEMD_MIN_DIGEST {
            return Err(RdataError {
                token: start,
                kind: RdataErrorKind::BadField("ZONEMD digest (under 12 octets)"),
            });
        }
        Ok(())
    }

    pub(super) fn base64_rest(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        let start = self.at;
        let text = self.rest(field)?;
        let bytes = BASE64.decode(&text).map_err(|_| RdataError {
            token: start,
            kind: RdataErrorKind::BadBase64,
        })?;
        out.extend_from_slice(&bytes);
        Ok(())
    }

    /// RFC 3597 5: `\# LEN HEX`.
    pub(super) fn generic(&mut self, out: &mut Vec<u8>) -> Result<()> {
        self.at = 1;
        let len: u16 = self.number("rdata length")?;
        let start = self.at;
        let mut hex = Vec::new();
        for token in &self.tokens[self.at..] {
            hex.extend_from_slice(token.text);
        }
        self.at = self.tokens.len();
        let bytes = HEXLOWER_PERMISSIVE.decode(&hex).map_err(|_| RdataError {
            token: start,
            kind: RdataErrorKind::BadHex,
        })?;
        if bytes.len() != usize::from(len) {
            return Err(RdataError {
                token: start.min(self.tokens.len()),
                kind: RdataErrorKind::GenericLength,
            });
        }
        out.extend_from_slice(&bytes);
        Ok(())
    }

    fn type_code(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        let text = self.next(field)?;
        let code =
            rtype::from_mnemonic(text).ok_or_else(|| self.back_err(RdataErrorKind::UnknownType))?;
        out.extend_from_slice(&code.to_be_bytes());
        Ok(())
    }

    /// RRSIG times: YYYYMMDDHHmmSS (UTC) or seconds since the epoch, RFC 4034 3.2.
    fn time(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        let text = self.next(field)?;
        let value = parse_rrsig_time(text).ok_or_else(|| self.back_err(RdataErrorKind::BadTime))?;
        out.extend_from_slice(&value.to_be_bytes());
        Ok(())
    }

    /// RFC 4034 4.1.2 type bitmap from the remaining mnemonics (may be empty).
    fn type_bitmap(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let mut types = Vec::new();
        while !self.done() {
            let text = self.next("type")?;
            types.push(
                rtype::from_mnemonic(text)
                    .ok_or_else(|| self.back_err(RdataErrorKind::UnknownType))?,
            );
        }
        write_type_bitmap(&mut types, out);
        Ok(())
    }

    fn salt(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let text = self.next("salt")?;
        if text == b"-" {
            out.push(0);
            return Ok(());
        }
        let bytes = HEXLOWER_PERMISSIVE
            .decode(text)
            .map_err(|_| self.back_err(RdataErrorKind::BadHex))?;
        out.push(u8::try_from(bytes.len()).map_err(|_| self.back_err(RdataErrorKind::BadHex))?);
        out.extend_from_slice(&bytes);
        Ok(())
    }

    fn base32hex(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let text = self.next("next hashed owner")?;
        let bytes = BASE32HEX_NOPAD
            .decode(&text.to_ascii_uppercase())
            .map_err(|_| self.back_err(RdataErrorKind::BadBase32))?;
        out.push(u8::try_from(bytes.len()).map_err(|_| self.back_err(RdataErrorKind::BadBase32))?);
        out.extend_from_slice(&bytes);
        Ok(())
    }

    /// `len` two-digit hex groups separated by `-` (RFC 7043 3.2, 4.2).
    fn eui(&mut self, out: &mut Vec<u8>, len: usize) -> Result<()> {
        let field = if len == 6 { "EUI-48" } else { "EUI-64" };
        let text = self.next(field)?;
        let bytes = hex_groups(text, b'-', 2, len)
            .ok_or_else(|| self.back_err(RdataErrorKind::BadField(field)))?;
        out.extend_from_slice(&bytes);
        Ok(())
    }

    /// Four groups of one to four hex digits separated by `:` (RFC 6742
    /// 2.3; BIND writes `0:0:0:0` and BIND and NSD read it).
    fn locator64(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let text = self.next("locator")?;
        let groups: Vec<&[u8]> = text.split(|&b| b == b':').collect();
        let valid = groups.len() == 4
            && groups
                .iter()
                .all(|g| (1..=4).contains(&g.len()) && g.iter().all(u8::is_ascii_hexdigit));
        if !valid {
            return Err(self.back_err(RdataErrorKind::BadField("locator")));
        }
        for group in groups {
            let value = u16::from_str_radix(std::str::from_utf8(group).unwrap_or("0"), 16)
                .map_err(|_| self.back_err(RdataErrorKind::BadField("locator")))?;
            out.extend_from_slice(&value.to_be_bytes());
        }
        Ok(())
    }

    /// RFC 7553 4.4: one string, the rest of the rdata (BIND and Knot
    /// read an empty one).
    fn uri_target(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let text = self.next("target")?;
        unescape_into(text, out).map_err(|()| self.back_err(RdataErrorKind::BadString))
    }

    /// RFC 1706 5: `0x` and an even number of hex digits, dots anywhere.
    fn nsap(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let text = self.next("NSAP address")?;
        let bad = |f: &Self| f.back_err(RdataErrorKind::BadField("NSAP address"));
        let [b'0', b'x' | b'X', digits @ ..] = text else {
            return Err(bad(self));
        };
        let hex: Vec<u8> = digits.iter().copied().filter(|&b| b != b'.').collect();
        let bytes = HEXLOWER_PERMISSIVE.decode(&hex).map_err(|_| bad(self))?;
        if bytes.is_empty() {
            return Err(bad(self));
        }
        out.extend_from_slice(&bytes);
        Ok(())
    }
}

/// The shortest ZONEMD digest, RFC 8976 2.2.4.
pub(super) const ZONEMD_MIN_DIGEST: usize = 12;

/// RFC 4034 A.1 algorithm mnemonics.
const ALGORITHMS: &[(&str, u16)] = &[
    ("RSAMD5", 1),
    ("DH", 2),
    ("DSA", 3),
    ("RSASHA1", 5),
    ("DSA-NSEC3-SHA1", 6),
    ("RSASHA1-NSEC3-SHA1", 7),
    ("RSASHA256", 8),
    ("RSASHA512", 10),
    ("ECC-GOST", 12),
    ("ECDSAP256SHA256", 13),
    ("ECDSAP384SHA384", 14),
    ("ED25519", 15),
    ("ED448", 16),
    ("INDIRECT", 252),
    ("PRIVATEDNS", 253),
    ("PRIVATEOID", 254),
];

/// RFC 4398 2.1 certificate types.
const CERT_TYPES: &[(&str, u16)] = &[
    ("PKIX", 1),
    ("SPKI", 2),
    ("PGP", 3),
    ("IPKIX", 4),
    ("ISPKI", 5),
    ("IPGP", 6),
    ("ACPKIX", 7),
    ("IACPKIX", 8),
    ("URI", 253),
    ("OID", 254),
];

/// RFC 9859 2 (DSYNC) schemes.
const DSYNC_SCHEMES: &[(&str, u16)] = &[("NOTIFY", 1)];

/// A decimal number of only ASCII digits.
pub(super) fn parse_number<T: std::str::FromStr>(text: &[u8]) -> Option<T> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// `count` groups of exactly `width` hex digits separated by `separator`.
fn hex_groups(text: &[u8], separator: u8, width: usize, count: usize) -> Option<Vec<u8>> {
    let groups: Vec<&[u8]> = text.split(|&b| b == separator).collect();
    if groups.len() != count || groups.iter().any(|g| g.len() != width) {
        return None;
    }
    HEXLOWER_PERMISSIVE.decode(&groups.concat()).ok()
}

/// Decodes `\X` and `\DDD` escapes of a character string into `out`.
pub(super) fn unescape_into(text: &[u8], out: &mut Vec<u8>) -> std::result::Result<(), ()> {
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'\\' {
            let (byte, used) = unescape(&text[i..]).map_err(|_| ())?;
            out.push(byte);
            i += used;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    Ok(())
}

/// Writes an RFC 4034 4.1.2 type bitmap for `types` (sorted and deduplicated here).
pub fn write_type_bitmap(types: &mut Vec<u16>, out: &mut Vec<u8>) {
    types.sort_unstable();
    types.dedup();
    let mut i = 0;
    while i < types.len() {
        let window = types[i] >> 8;
        let mut bits = [0u8; 32];
        let mut len = 0;
        while i < types.len() && types[i] >> 8 == window {
            let low = usize::from(types[i] & 0xff);
            bits[low / 8] |= 0x80 >> (low % 8);
            len = low / 8 + 1;
            i += 1;
        }
        out.push(window as u8);
        out.push(len as u8);
        out.extend_from_slice(&bits[..len]);
    }
}
