//! SVCB/HTTPS parameters (RFC 9460 2.1, 7, 8 and appendix A), with the
//! keys registered since in the IANA SvcParamKeys registry.

use std::net::{Ipv4Addr, Ipv6Addr};

use data_encoding::BASE64;

use super::fields::{Fields, parse_number, unescape_into};
use super::{RdataErrorKind, Result};

const MANDATORY: u16 = 0;
const ALPN: u16 = 1;
const NO_DEFAULT_ALPN: u16 = 2;
const PORT: u16 = 3;
const IPV4HINT: u16 = 4;
const ECH: u16 = 5;
const IPV6HINT: u16 = 6;
const DOHPATH: u16 = 7;
const OHTTP: u16 = 8;
const TLS_SUPPORTED_GROUPS: u16 = 9;
const DOCPATH: u16 = 10;

/// Registered key names (RFC 9460 14.3.2; RFC 9461 5; RFC 9540 4;
/// draft-ietf-tls-key-share-prediction; RFC 9953 3).
const KEYS: &[(&str, u16)] = &[
    ("mandatory", MANDATORY),
    ("alpn", ALPN),
    ("no-default-alpn", NO_DEFAULT_ALPN),
    ("port", PORT),
    ("ipv4hint", IPV4HINT),
    ("ech", ECH),
    ("ipv6hint", IPV6HINT),
    ("dohpath", DOHPATH),
    ("ohttp", OHTTP),
    ("tls-supported-groups", TLS_SUPPORTED_GROUPS),
    ("docpath", DOCPATH),
];

type Why = &'static str;

impl Fields<'_, '_> {
    /// RFC 9460 2.1: `key[=value]` parameters, written sorted by key.
    pub(super) fn svc_params(&mut self, out: &mut Vec<u8>) -> Result<()> {
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
            let bad = |f: &Self, why| f.back_err(RdataErrorKind::BadSvcParam(why));
            let key = svc_key(key).ok_or_else(|| bad(self, "unknown key"))?;
            if params.iter().any(|(k, _)| *k == key) {
                return Err(bad(self, "duplicate key"));
            }
            let mut decoded = None;
            if let Some(v) = value {
                let mut bytes = Vec::new();
                unescape_into(&v, &mut bytes).map_err(|()| bad(self, "bad escape"))?;
                decoded = Some(bytes);
            }
            let wire = svc_value(key, decoded.as_deref()).map_err(|why| bad(self, why))?;
            params.push((key, wire));
        }
        params.sort_by_key(|(k, _)| *k);
        check_consistent(&params).map_err(|why| self.err(RdataErrorKind::BadSvcParam(why)))?;
        for (key, value) in params {
            out.extend_from_slice(&key.to_be_bytes());
            let len = u16::try_from(value.len()).map_err(|_| self.err(RdataErrorKind::TooLong))?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(&value);
        }
        Ok(())
    }
}

/// A key name (lowercase only: RFC 9460 2.1 defines them so, as every
/// peer reads them) or `keyNNNNN` (key65535, reserved by RFC 9460 14.3.3,
/// is read as Knot, NSD and BIND read it).
fn svc_key(text: &[u8]) -> Option<u16> {
    if let Some(&(_, key)) = KEYS.iter().find(|(name, _)| name.as_bytes() == text) {
        return Some(key);
    }
    let digits = text.strip_prefix(b"key")?;
    if digits.len() > 1 && digits[0] == b'0' {
        return None;
    }
    parse_number::<u16>(digits)
}

/// Splits a decoded value at commas; `\,` and `\\` are the only escapes
/// (RFC 9460 A.1, as Knot reads it).
fn value_list(value: &[u8]) -> std::result::Result<Vec<Vec<u8>>, Why> {
    let mut items = vec![Vec::new()];
    let mut i = 0;
    while i < value.len() {
        let item = items.last_mut().expect("items starts non-empty");
        match value[i] {
            b',' => items.push(Vec::new()),
            b'\\' => {
                i += 1;
                match value.get(i) {
                    Some(&b) if b == b',' || b == b'\\' => item.push(b),
                    _ => return Err("bad escape in a list (only \\, and \\\\)"),
                }
            }
            b => item.push(b),
        }
        i += 1;
    }
    if items.iter().any(Vec::is_empty) {
        return Err("empty list item");
    }
    Ok(items)
}

fn parse_text<T: std::str::FromStr>(bytes: &[u8], why: Why) -> std::result::Result<T, Why> {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(why)
}

/// The wire form of one parameter's decoded presentation value.
fn svc_value(key: u16, value: Option<&[u8]>) -> std::result::Result<Vec<u8>, Why> {
    let mut out = Vec::new();
    let value = match (key, value) {
        (NO_DEFAULT_ALPN, Some(_)) => return Err("no-default-alpn takes no value"),
        (OHTTP, Some(_)) => return Err("ohttp takes no value"),
        (NO_DEFAULT_ALPN | OHTTP, None) => return Ok(out),
        (k, None | Some(b"")) if k <= DOCPATH => return Err("missing value"),
        (_, None) => return Ok(out),
        (_, Some(v)) => v,
    };
    match key {
        MANDATORY => {
            let mut keys = Vec::new();
            for name in value_list(value)? {
                keys.push(svc_key(&name).ok_or("unknown key in mandatory")?);
            }
            keys.sort_unstable();
            for key in keys {
                out.extend_from_slice(&key.to_be_bytes());
            }
        }
        ALPN => {
            for id in value_list(value)? {
                out.push(u8::try_from(id.len()).map_err(|_| "alpn id over 255 octets")?);
                out.extend_from_slice(&id);
            }
        }
        PORT => {
            let port: u16 = parse_number(value).ok_or("bad port")?;
            out.extend_from_slice(&port.to_be_bytes());
        }
        IPV4HINT => {
            for addr in value_list(value)? {
                let addr: Ipv4Addr = parse_text(&addr, "bad IPv4 hint")?;
                out.extend_from_slice(&addr.octets());
            }
        }
        ECH => out = BASE64.decode(value).map_err(|_| "bad ech base64")?,
        IPV6HINT => {
            for addr in value_list(value)? {
                let addr: Ipv6Addr = parse_text(&addr, "bad IPv6 hint")?;
                out.extend_from_slice(&addr.octets());
            }
        }
        TLS_SUPPORTED_GROUPS => {
            for group in value_list(value)? {
                let group: u16 = parse_number(&group).ok_or("bad TLS group")?;
                out.extend_from_slice(&group.to_be_bytes());
            }
        }
        _ => out.extend_from_slice(value),
    }
    check_value(key, &out)?;
    Ok(out)
}

/// Checks one parameter's wire value (RFC 9460 7, 8; RFC 9461 5).
fn check_value(key: u16, value: &[u8]) -> std::result::Result<(), Why> {
    let ok = match key {
        MANDATORY => {
            !value.is_empty()
                && value.len().is_multiple_of(2)
                && value
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .try_fold(None, |prev: Option<u16>, k| match prev {
                        Some(p) if k <= p => Err(()),
                        _ => Ok(Some(k)),
                    })
                    .is_ok()
        }
        ALPN => {
            let mut rest = value;
            while let Some((&len, tail)) = rest.split_first() {
                if len == 0 || tail.len() < usize::from(len) {
                    return Err("bad alpn list");
                }
                rest = &tail[usize::from(len)..];
            }
            !value.is_empty()
        }
        NO_DEFAULT_ALPN | OHTTP => value.is_empty(),
        PORT => value.len() == 2,
        IPV4HINT => !value.is_empty() && value.len().is_multiple_of(4),
        ECH => !value.is_empty(),
        IPV6HINT => !value.is_empty() && value.len().is_multiple_of(16),
        DOHPATH => std::str::from_utf8(value).is_ok_and(is_doh_template),
        TLS_SUPPORTED_GROUPS => {
            let groups: Vec<&[u8]> = value.chunks(2).collect();
            !value.is_empty()
                && value.len().is_multiple_of(2)
                && groups
                    .iter()
                    .enumerate()
                    .all(|(i, g)| !groups[..i].contains(g))
        }
        DOCPATH => !value.is_empty(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(match key {
            MANDATORY => "mandatory keys must be listed once each",
            DOHPATH => "dohpath must be a relative URI template with a dns variable",
            TLS_SUPPORTED_GROUPS => "tls-supported-groups must list each group once",
            _ => "malformed value",
        })
    }
}

/// RFC 9461 5: a relative URI template (RFC 6570) with a `dns` variable.
fn is_doh_template(template: &str) -> bool {
    let has_dns = template.split('{').skip(1).any(|expression| {
        let Some((expression, _)) = expression.split_once('}') else {
            return false;
        };
        let variables = expression.trim_start_matches(['+', '#', '.', '/', ';', '?', '&']);
        variables
            .split(',')
            .any(|v| v.trim_end_matches('*').split(':').next() == Some("dns"))
    });
    template.starts_with('/') && has_dns
}

/// RFC 9460 8 and 7.1.1: rules across parameters (sorted by key).
fn check_consistent(params: &[(u16, Vec<u8>)]) -> std::result::Result<(), Why> {
    let has = |key: u16| params.iter().any(|(k, _)| *k == key);
    if let Some((_, list)) = params.iter().find(|(k, _)| *k == MANDATORY) {
        for key in list.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])) {
            if key == MANDATORY {
                return Err("mandatory must not list mandatory");
            }
            if !has(key) {
                return Err("a mandatory key is missing");
            }
        }
    }
    if has(NO_DEFAULT_ALPN) && !has(ALPN) {
        return Err("no-default-alpn without alpn");
    }
    Ok(())
}

/// Checks the SvcParams of wire rdata: keys strictly increasing, lengths
/// exact, each value well formed, the cross-parameter rules.
pub(super) fn check_wire(mut params: &[u8]) -> std::result::Result<(), Why> {
    let mut seen: Vec<(u16, Vec<u8>)> = Vec::new();
    while !params.is_empty() {
        if params.len() < 4 {
            return Err("truncated SvcParam");
        }
        let key = u16::from_be_bytes([params[0], params[1]]);
        let len = usize::from(u16::from_be_bytes([params[2], params[3]]));
        let value = params.get(4..4 + len).ok_or("truncated SvcParam")?;
        if seen.last().is_some_and(|(k, _)| *k >= key) {
            return Err("SvcParam keys out of order");
        }
        check_value(key, value)?;
        seen.push((key, value.to_vec()));
        params = &params[4 + len..];
    }
    check_consistent(&seen)
}
