//! Rdata in presentation format to wire form, one encoder per type.
//!
//! Each type is a sequence of fields (numbers, names, character strings,
//! base64, hex, type bitmaps...) read from the entry's tokens; the few
//! types with their own grammar (LOC, RFC 1876; SVCB/HTTPS, RFC 9460 2.1;
//! CAA, RFC 8659 4.1) have a function each. RFC 3597 generic rdata
//! (`\# LEN HEX`) is accepted for every type.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use data_encoding::{BASE32HEX_NOPAD, BASE64, HEXLOWER_PERMISSIVE};

use crate::lexer::Token;
use crate::rtype::{self, code};
use crate::ttl::parse_ttl;
use crate::wire::name::{Name, NameError, unescape, wire_len};

/// What is wrong with a record's rdata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RdataErrorKind {
    /// A field is missing; names the field.
    Missing(&'static str),
    /// Tokens left over after the last field.
    Trailing,
    /// A number does not parse or is out of range; names the field.
    BadNumber(&'static str),
    /// Not an IPv4 address.
    BadIpv4,
    /// Not an IPv6 address.
    BadIpv6,
    /// A domain name is invalid.
    BadName(NameError),
    /// A character string is over 255 octets or badly escaped.
    BadString,
    /// Invalid base64.
    BadBase64,
    /// Invalid hexadecimal.
    BadHex,
    /// Invalid base32hex (NSEC3 next hashed owner).
    BadBase32,
    /// An unknown type mnemonic (in a type bitmap or RRSIG).
    UnknownType,
    /// An RRSIG time is neither YYYYMMDDHHmmSS nor a number.
    BadTime,
    /// RFC 3597 generic rdata whose length does not match its data.
    GenericLength,
    /// A type this loader cannot read except as `\#` generic rdata.
    NoTextFormat,
    /// A LOC field is out of range or malformed; names the field.
    BadLoc(&'static str),
    /// A SVCB/HTTPS parameter is malformed; says why.
    BadSvcParam(&'static str),
    /// A CAA tag is empty or not alphanumeric.
    BadCaaTag,
    /// The rdata is longer than 65535 octets.
    TooLong,
}

impl fmt::Display for RdataErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing(field) => write!(f, "missing {field}"),
            Self::Trailing => f.write_str("unexpected data after the last field"),
            Self::BadNumber(field) => write!(f, "invalid number for {field}"),
            Self::BadIpv4 => f.write_str("invalid IPv4 address"),
            Self::BadIpv6 => f.write_str("invalid IPv6 address"),
            Self::BadName(e) => write!(f, "invalid domain name: {e}"),
            Self::BadString => {
                f.write_str("invalid character string (over 255 octets or bad escape)")
            }
            Self::BadBase64 => f.write_str("invalid base64"),
            Self::BadHex => f.write_str("invalid hexadecimal"),
            Self::BadBase32 => f.write_str("invalid base32hex"),
            Self::UnknownType => f.write_str("unknown record type"),
            Self::BadTime => f.write_str("invalid time (YYYYMMDDHHmmSS or seconds)"),
            Self::GenericLength => f.write_str("generic rdata length does not match the data"),
            Self::NoTextFormat => {
                f.write_str("type has no text format here: use \\# generic rdata")
            }
            Self::BadLoc(field) => write!(f, "invalid LOC {field}"),
            Self::BadSvcParam(why) => write!(f, "invalid SvcParam: {why}"),
            Self::BadCaaTag => f.write_str("invalid CAA tag"),
            Self::TooLong => f.write_str("rdata longer than 65535 octets"),
        }
    }
}

/// An rdata error and the index of the token it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdataError {
    /// Index into the rdata tokens (may equal their length: "after the end").
    pub token: usize,
    /// What is wrong.
    pub kind: RdataErrorKind,
}

type Result<T> = std::result::Result<T, RdataError>;

/// Encodes the rdata of a record of type `rtype` into `out` (cleared first).
pub fn encode(rtype: u16, tokens: &[Token<'_>], origin: &Name, out: &mut Vec<u8>) -> Result<()> {
    out.clear();
    let mut f = Fields {
        tokens,
        at: 0,
        origin,
    };
    if tokens
        .first()
        .is_some_and(|t| !t.quoted && t.text == b"\\#")
    {
        f.generic(out)?;
        return if names_well_formed(rtype, out) {
            Ok(())
        } else {
            Err(RdataError {
                token: 1,
                kind: RdataErrorKind::BadName(NameError::Truncated),
            })
        };
    }
    match rtype {
        code::A => f.ipv4(out)?,
        code::AAAA => f.ipv6(out)?,
        code::NS | code::CNAME | code::DNAME | code::PTR => f.name(out, "target")?,
        code::MX => {
            f.u16(out, "preference")?;
            f.name(out, "exchange")?;
        }
        code::SOA => {
            f.name(out, "MNAME")?;
            f.name(out, "RNAME")?;
            f.u32(out, "serial")?;
            for field in ["refresh", "retry", "expire", "minimum"] {
                f.ttl(out, field)?;
            }
        }
        code::TXT | code::SPF => {
            f.char_string(out, "text")?;
            while !f.done() {
                f.char_string(out, "text")?;
            }
        }
        code::HINFO => {
            f.char_string(out, "CPU")?;
            f.char_string(out, "OS")?;
        }
        code::RP => {
            f.name(out, "mbox")?;
            f.name(out, "txt")?;
        }
        code::SRV => {
            for field in ["priority", "weight", "port"] {
                f.u16(out, field)?;
            }
            f.name(out, "target")?;
        }
        code::NAPTR => {
            f.u16(out, "order")?;
            f.u16(out, "preference")?;
            for field in ["flags", "services", "regexp"] {
                f.char_string(out, field)?;
            }
            f.name(out, "replacement")?;
        }
        code::CAA => f.caa(out)?,
        code::SSHFP => {
            f.u8(out, "algorithm")?;
            f.u8(out, "fingerprint type")?;
            f.hex_rest(out, "fingerprint")?;
        }
        code::TLSA => {
            for field in ["usage", "selector", "matching type"] {
                f.u8(out, field)?;
            }
            f.hex_rest(out, "certificate data")?;
        }
        code::DS | code::CDS => {
            f.u16(out, "key tag")?;
            f.algorithm(out)?;
            f.u8(out, "digest type")?;
            f.hex_rest(out, "digest")?;
        }
        code::DNSKEY | code::CDNSKEY => {
            f.u16(out, "flags")?;
            f.u8(out, "protocol")?;
            f.algorithm(out)?;
            f.base64_rest(out, "public key")?;
        }
        code::RRSIG => {
            f.type_code(out)?;
            f.algorithm(out)?;
            f.u8(out, "labels")?;
            f.ttl(out, "original TTL")?;
            f.time(out, "expiration")?;
            f.time(out, "inception")?;
            f.u16(out, "key tag")?;
            f.name(out, "signer")?;
            f.base64_rest(out, "signature")?;
        }
        code::NSEC => {
            f.name(out, "next domain name")?;
            f.type_bitmap(out)?;
        }
        code::NSEC3 => {
            f.u8(out, "hash algorithm")?;
            f.u8(out, "flags")?;
            f.u16(out, "iterations")?;
            f.salt(out)?;
            f.base32hex(out)?;
            f.type_bitmap(out)?;
        }
        code::NSEC3PARAM => {
            f.u8(out, "hash algorithm")?;
            f.u8(out, "flags")?;
            f.u16(out, "iterations")?;
            f.salt(out)?;
        }
        code::ZONEMD => {
            f.u32(out, "serial")?;
            f.u8(out, "scheme")?;
            f.u8(out, "hash algorithm")?;
            f.hex_rest(out, "digest")?;
        }
        code::LOC => f.loc(out)?,
        code::SVCB | code::HTTPS => f.svcb(out)?,
        _ => return Err(f.err(RdataErrorKind::NoTextFormat)),
    }
    if !f.done() {
        return Err(f.err(RdataErrorKind::Trailing));
    }
    if out.len() > usize::from(u16::MAX) {
        return Err(f.err(RdataErrorKind::TooLong));
    }
    Ok(())
}

struct Fields<'t, 'a> {
    tokens: &'t [Token<'a>],
    at: usize,
    origin: &'t Name,
}

impl<'a> Fields<'_, 'a> {
    fn err(&self, kind: RdataErrorKind) -> RdataError {
        RdataError {
            token: self.at.min(self.tokens.len()),
            kind,
        }
    }

    fn done(&self) -> bool {
        self.at >= self.tokens.len()
    }

    fn next(&mut self, field: &'static str) -> Result<&'a [u8]> {
        let token = self
            .tokens
            .get(self.at)
            .ok_or_else(|| self.err(RdataErrorKind::Missing(field)))?;
        self.at += 1;
        Ok(token.text)
    }

    fn number<T: std::str::FromStr>(&mut self, field: &'static str) -> Result<T> {
        let text = self.next(field)?;
        std::str::from_utf8(text)
            .ok()
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| self.back_err(RdataErrorKind::BadNumber(field)))
    }

    /// An error about the token just read.
    fn back_err(&self, kind: RdataErrorKind) -> RdataError {
        RdataError {
            token: self.at.saturating_sub(1),
            kind,
        }
    }

    fn u8(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        out.push(self.number::<u8>(field)?);
        Ok(())
    }

    fn u16(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        out.extend_from_slice(&self.number::<u16>(field)?.to_be_bytes());
        Ok(())
    }

    fn u32(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        out.extend_from_slice(&self.number::<u32>(field)?.to_be_bytes());
        Ok(())
    }

    fn ttl(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        let text = self.next(field)?;
        let value =
            parse_ttl(text).ok_or_else(|| self.back_err(RdataErrorKind::BadNumber(field)))?;
        out.extend_from_slice(&value.to_be_bytes());
        Ok(())
    }

    fn algorithm(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let text = self.next("algorithm")?;
        let value = match text.to_ascii_uppercase().as_slice() {
            b"RSAMD5" => 1,
            b"DH" => 2,
            b"DSA" => 3,
            b"RSASHA1" => 5,
            b"DSA-NSEC3-SHA1" => 6,
            b"RSASHA1-NSEC3-SHA1" => 7,
            b"RSASHA256" => 8,
            b"RSASHA512" => 10,
            b"ECC-GOST" => 12,
            b"ECDSAP256SHA256" => 13,
            b"ECDSAP384SHA384" => 14,
            b"ED25519" => 15,
            b"ED448" => 16,
            b"PRIVATEDNS" => 253,
            b"PRIVATEOID" => 254,
            digits => std::str::from_utf8(digits)
                .ok()
                .and_then(|s| s.parse::<u8>().ok())
                .ok_or_else(|| self.back_err(RdataErrorKind::BadNumber("algorithm")))?,
        };
        out.push(value);
        Ok(())
    }

    fn ipv4(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let text = self.next("address")?;
        let addr: Ipv4Addr = std::str::from_utf8(text)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| self.back_err(RdataErrorKind::BadIpv4))?;
        out.extend_from_slice(&addr.octets());
        Ok(())
    }

    fn ipv6(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let text = self.next("address")?;
        let addr: Ipv6Addr = std::str::from_utf8(text)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| self.back_err(RdataErrorKind::BadIpv6))?;
        out.extend_from_slice(&addr.octets());
        Ok(())
    }

    fn name(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        let text = self.next(field)?;
        let name = Name::from_text(text, self.origin)
            .map_err(|e| self.back_err(RdataErrorKind::BadName(e)))?;
        out.extend_from_slice(name.as_wire());
        Ok(())
    }

    fn char_string(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        let text = self.next(field)?;
        let len_at = out.len();
        out.push(0);
        unescape_into(text, out).map_err(|()| self.back_err(RdataErrorKind::BadString))?;
        let len = out.len() - len_at - 1;
        out[len_at] = u8::try_from(len).map_err(|_| self.back_err(RdataErrorKind::BadString))?;
        Ok(())
    }

    /// The remaining tokens concatenated (base64 and hex may be split by blanks).
    fn rest(&mut self, field: &'static str) -> Result<Vec<u8>> {
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

    fn base64_rest(&mut self, out: &mut Vec<u8>, field: &'static str) -> Result<()> {
        let start = self.at;
        let text = self.rest(field)?;
        let bytes = BASE64.decode(&text).map_err(|_| RdataError {
            token: start,
            kind: RdataErrorKind::BadBase64,
        })?;
        out.extend_from_slice(&bytes);
        Ok(())
    }

    fn generic(&mut self, out: &mut Vec<u8>) -> Result<()> {
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

    fn type_code(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let text = self.next("type covered")?;
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

    /// RFC 8659 4.1: flags, tag, and the value (rest of the rdata, no length).
    fn caa(&mut self, out: &mut Vec<u8>) -> Result<()> {
        self.u8(out, "flags")?;
        let tag = self.next("tag")?;
        if tag.is_empty() || tag.len() > 255 || !tag.iter().all(u8::is_ascii_alphanumeric) {
            return Err(self.back_err(RdataErrorKind::BadCaaTag));
        }
        out.push(tag.len() as u8);
        out.extend_from_slice(tag);
        let value = self.next("value")?;
        unescape_into(value, out).map_err(|()| self.back_err(RdataErrorKind::BadString))
    }

    fn loc(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let latitude = self.loc_angle(b'N', b'S', 90)?;
        let longitude = self.loc_angle(b'E', b'W', 180)?;
        let altitude = self.loc_meters("altitude", true)?;
        let altitude = u32::try_from(altitude.saturating_add(10_000_000))
            .map_err(|_| self.back_err(RdataErrorKind::BadLoc("altitude")))?;
        let mut precisions = [100i64, 1_000_000, 1_000];
        for (value, field) in
            precisions
                .iter_mut()
                .zip(["size", "horizontal precision", "vertical precision"])
        {
            if self.done() {
                break;
            }
            *value = self.loc_meters(field, false)?;
        }
        out.push(0);
        for (value, field) in
            precisions
                .iter()
                .zip(["size", "horizontal precision", "vertical precision"])
        {
            out.push(
                precision_byte(*value)
                    .ok_or_else(|| self.back_err(RdataErrorKind::BadLoc(field)))?,
            );
        }
        out.extend_from_slice(&latitude.to_be_bytes());
        out.extend_from_slice(&longitude.to_be_bytes());
        out.extend_from_slice(&altitude.to_be_bytes());
        Ok(())
    }

    /// `d [m [s.sss]] H` as thousandths of arc seconds offset by 2^31.
    fn loc_angle(&mut self, positive: u8, negative: u8, max_degrees: u32) -> Result<u32> {
        let field = if max_degrees == 90 {
            "latitude"
        } else {
            "longitude"
        };
        let bad = |f: &Self| f.back_err(RdataErrorKind::BadLoc(field));
        let degrees: u32 = self.number(field)?;
        let mut minutes = 0u32;
        let mut millis = 0u32;
        let mut hemisphere = self.next(field)?;
        if hemisphere.first().is_some_and(u8::is_ascii_digit) {
            minutes = std::str::from_utf8(hemisphere)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad(self))?;
            hemisphere = self.next(field)?;
            if hemisphere.first().is_some_and(u8::is_ascii_digit) {
                millis = parse_decimal(hemisphere, 3)
                    .and_then(|v| u32::try_from(v).ok())
                    .ok_or_else(|| bad(self))?;
                hemisphere = self.next(field)?;
            }
        }
        if degrees > max_degrees || minutes >= 60 || millis >= 60_000 {
            return Err(bad(self));
        }
        let offset = (degrees * 3600 + minutes * 60) * 1000 + millis;
        if offset > max_degrees * 3_600_000 {
            return Err(bad(self));
        }
        let base = 1u32 << 31;
        match hemisphere.to_ascii_uppercase().as_slice() {
            [h] if *h == positive => Ok(base + offset),
            [h] if *h == negative => Ok(base - offset),
            _ => Err(bad(self)),
        }
    }

    /// A length in meters (optional trailing `m`) as centimeters.
    fn loc_meters(&mut self, field: &'static str, signed: bool) -> Result<i64> {
        let text = self.next(field)?;
        let text = text.strip_suffix(b"m").unwrap_or(text);
        let (negative, digits) = match text.strip_prefix(b"-") {
            Some(rest) if signed => (true, rest),
            _ => (false, text),
        };
        let value =
            parse_decimal(digits, 2).ok_or_else(|| self.back_err(RdataErrorKind::BadLoc(field)))?;
        Ok(if negative { -value } else { value })
    }

    /// RFC 9460 2.1: priority, target, then `key[=value]` parameters.
    fn svcb(&mut self, out: &mut Vec<u8>) -> Result<()> {
        self.u16(out, "priority")?;
        self.name(out, "target")?;
        let mut params: Vec<(u16, Vec<u8>)> = Vec::new();
        while !self.done() {
            let token = self.next("SvcParam")?;
            let (key, mut value) = match token.iter().position(|&b| b == b'=') {
                Some(eq) => (&token[..eq], Some(token[eq + 1..].to_vec())),
                None => (token, None),
            };
            if value.as_deref() == Some(b"")
                && let Some(next) = self.tokens.get(self.at).filter(|t| t.quoted)
            {
                value = Some(next.text.to_vec());
                self.at += 1;
            }
            let key = svc_key(key)
                .ok_or_else(|| self.back_err(RdataErrorKind::BadSvcParam("unknown key")))?;
            if params.iter().any(|(k, _)| *k == key) {
                return Err(self.back_err(RdataErrorKind::BadSvcParam("duplicate key")));
            }
            let wire = svc_value(key, value.as_deref())
                .map_err(|why| self.back_err(RdataErrorKind::BadSvcParam(why)))?;
            params.push((key, wire));
        }
        params.sort_by_key(|(k, _)| *k);
        for (key, value) in params {
            out.extend_from_slice(&key.to_be_bytes());
            let len = u16::try_from(value.len()).map_err(|_| self.err(RdataErrorKind::TooLong))?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(&value);
        }
        Ok(())
    }
}

/// Whether the names the servers read in this type's rdata are well
/// formed (generic `\#` rdata of a known type is checked before it is stored).
fn names_well_formed(rtype: u16, rdata: &[u8]) -> bool {
    let exact_name = |bytes: &[u8]| wire_len(bytes).is_ok_and(|len| len == bytes.len());
    match rtype {
        code::NS | code::CNAME | code::DNAME | code::PTR => exact_name(rdata),
        code::MX => rdata.len() > 2 && exact_name(&rdata[2..]),
        code::SRV => rdata.len() > 6 && exact_name(&rdata[6..]),
        code::SOA => wire_len(rdata)
            .is_ok_and(|m| wire_len(&rdata[m..]).is_ok_and(|r| rdata.len() == m + r + 20)),
        _ => true,
    }
}

/// Decodes `\X` and `\DDD` escapes of a character string into `out`.
fn unescape_into(text: &[u8], out: &mut Vec<u8>) -> std::result::Result<(), ()> {
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

/// A non-negative decimal with at most `scale` fractional digits, scaled by 10^scale.
fn parse_decimal(text: &[u8], scale: u32) -> Option<i64> {
    let s = std::str::from_utf8(text).ok()?;
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || frac.len() > scale as usize {
        return None;
    }
    if !whole
        .bytes()
        .chain(frac.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let mut frac_value: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    for _ in frac.len()..scale as usize {
        frac_value *= 10;
    }
    whole.checked_mul(10i64.pow(scale))?.checked_add(frac_value)
}

/// RFC 1876 precision: a centimeter value as mantissa and power of ten.
fn precision_byte(mut centimeters: i64) -> Option<u8> {
    let mut exponent = 0u8;
    while centimeters >= 10 {
        if centimeters % 10 != 0 && centimeters >= 100 {
            centimeters = centimeters.saturating_add(5) / 10;
        } else {
            centimeters /= 10;
        }
        exponent += 1;
    }
    if exponent > 9 || centimeters < 0 {
        return None;
    }
    Some(((centimeters as u8) << 4) | exponent)
}

/// Parses an RRSIG time field: 14 digits as a UTC date, else seconds.
pub fn parse_rrsig_time(text: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(text).ok()?;
    if !s.bytes().all(|b| b.is_ascii_digit()) || s.is_empty() {
        return None;
    }
    if s.len() != 14 {
        return s.parse().ok();
    }
    let num = |range: std::ops::Range<usize>| s[range].parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute, second) = (num(8..10)?, num(10..12)?, num(12..14)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    // RFC 4034 3.1.5: serial number arithmetic, the value is taken modulo 2^32.
    Some(seconds.rem_euclid(1 << 32) as u32)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn svc_key(text: &[u8]) -> Option<u16> {
    Some(match text.to_ascii_lowercase().as_slice() {
        b"mandatory" => 0,
        b"alpn" => 1,
        b"no-default-alpn" => 2,
        b"port" => 3,
        b"ipv4hint" => 4,
        b"ech" => 5,
        b"ipv6hint" => 6,
        other => {
            let digits = other.strip_prefix(b"key")?;
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(digits).ok()?.parse().ok()?
        }
    })
}

/// Splits a value at unescaped commas, decoding escapes (RFC 9460 A.1).
fn svc_list(value: &[u8]) -> std::result::Result<Vec<Vec<u8>>, &'static str> {
    let mut items = vec![Vec::new()];
    let mut i = 0;
    while i < value.len() {
        match value[i] {
            b',' => {
                items.push(Vec::new());
                i += 1;
            }
            b'\\' => {
                let (byte, used) = unescape(&value[i..]).map_err(|_| "bad escape")?;
                items.last_mut().expect("items starts non-empty").push(byte);
                i += used;
            }
            b => {
                items.last_mut().expect("items starts non-empty").push(b);
                i += 1;
            }
        }
    }
    if items.iter().any(Vec::is_empty) {
        return Err("empty list item");
    }
    Ok(items)
}

fn svc_value(key: u16, value: Option<&[u8]>) -> std::result::Result<Vec<u8>, &'static str> {
    let mut out = Vec::new();
    match (key, value) {
        (2, None) => {}
        (2, Some(_)) => return Err("no-default-alpn takes no value"),
        (_, None) if key <= 6 => return Err("missing value"),
        (_, None) => {}
        (0, Some(v)) => {
            let mut keys = svc_list(v)?
                .iter()
                .map(|k| svc_key(k).ok_or("unknown key in mandatory"))
                .collect::<std::result::Result<Vec<u16>, _>>()?;
            keys.sort_unstable();
            for key in keys {
                out.extend_from_slice(&key.to_be_bytes());
            }
        }
        (1, Some(v)) => {
            for id in svc_list(v)? {
                out.push(u8::try_from(id.len()).map_err(|_| "alpn id over 255 octets")?);
                out.extend_from_slice(&id);
            }
        }
        (3, Some(v)) => {
            let port: u16 = std::str::from_utf8(v)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or("bad port")?;
            out.extend_from_slice(&port.to_be_bytes());
        }
        (4, Some(v)) => {
            for addr in svc_list(v)? {
                let addr: Ipv4Addr = std::str::from_utf8(&addr)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or("bad IPv4 hint")?;
                out.extend_from_slice(&addr.octets());
            }
        }
        (5, Some(v)) => out = BASE64.decode(v).map_err(|_| "bad ech base64")?,
        (6, Some(v)) => {
            for addr in svc_list(v)? {
                let addr: Ipv6Addr = std::str::from_utf8(&addr)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or("bad IPv6 hint")?;
                out.extend_from_slice(&addr.octets());
            }
        }
        (_, Some(v)) => unescape_into(v, &mut out).map_err(|()| "bad escape")?,
    }
    Ok(out)
}
