//! The smaller types with a grammar of their own: CAA (RFC 8659 4.1),
//! APL (RFC 3123 4), WKS (RFC 1035 3.4.2), IPSECKEY (RFC 4025 3), HIP
//! (RFC 8005 5) and AMTRELAY (RFC 8777 4), in text and on the wire.

use data_encoding::HEXLOWER_PERMISSIVE;

use super::fields::{Fields, parse_number, unescape_into};
use super::{RdataErrorKind, Result};
use crate::wire::name::wire_len;

type Why = &'static str;

/// WKS protocol mnemonics (RFC 1010 numbers).
const PROTOCOLS: &[(&str, u8)] = &[("tcp", 6), ("udp", 17)];

/// WKS service mnemonics: the well-known ports of `/etc/services` that
/// zone files use; other services are written as port numbers.
const SERVICES: &[(&str, u16)] = &[
    ("tcpmux", 1),
    ("echo", 7),
    ("discard", 9),
    ("daytime", 13),
    ("ftp-data", 20),
    ("ftp", 21),
    ("ssh", 22),
    ("telnet", 23),
    ("smtp", 25),
    ("time", 37),
    ("domain", 53),
    ("gopher", 70),
    ("finger", 79),
    ("http", 80),
    ("www", 80),
    ("kerberos", 88),
    ("pop3", 110),
    ("sunrpc", 111),
    ("auth", 113),
    ("nntp", 119),
    ("ntp", 123),
    ("imap", 143),
    ("snmp", 161),
    ("bgp", 179),
    ("ldap", 389),
    ("https", 443),
    ("submission", 587),
    ("imaps", 993),
    ("pop3s", 995),
];

impl Fields<'_, '_> {
    /// RFC 8659 4.1: tag and value (the rest of the rdata, no length).
    pub(super) fn caa(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let tag = self.next("tag")?;
        if tag.is_empty() || tag.len() > 255 || !tag.iter().all(u8::is_ascii_alphanumeric) {
            return Err(self.back_err(RdataErrorKind::BadCaaTag));
        }
        out.push(tag.len() as u8);
        out.extend_from_slice(tag);
        let value = self.next("value")?;
        unescape_into(value, out).map_err(|()| self.back_err(RdataErrorKind::BadString))
    }

    /// RFC 3123 4: `[!]afi:address/prefix` items, possibly none.
    pub(super) fn apl(&mut self, out: &mut Vec<u8>) -> Result<()> {
        while !self.done() {
            let item = self.next("APL item")?;
            let bad = |f: &Self| f.back_err(RdataErrorKind::BadField("APL item"));
            let (negated, item) = match item.strip_prefix(b"!") {
                Some(rest) => (true, rest),
                None => (false, item),
            };
            let text = std::str::from_utf8(item).map_err(|_| bad(self))?;
            let (afi, rest) = text.split_once(':').ok_or_else(|| bad(self))?;
            let (address, prefix) = rest.split_once('/').ok_or_else(|| bad(self))?;
            let prefix: u8 = parse_number(prefix.as_bytes()).ok_or_else(|| bad(self))?;
            let (afi, mut bytes, max) = match afi {
                "1" => {
                    let a: std::net::Ipv4Addr = address.parse().map_err(|_| bad(self))?;
                    (1u16, a.octets().to_vec(), 32)
                }
                "2" => {
                    let a: std::net::Ipv6Addr = address.parse().map_err(|_| bad(self))?;
                    (2u16, a.octets().to_vec(), 128)
                }
                _ => return Err(bad(self)),
            };
            if prefix > max {
                return Err(bad(self));
            }
            while bytes.last() == Some(&0) {
                bytes.pop();
            }
            out.extend_from_slice(&afi.to_be_bytes());
            out.push(prefix);
            out.push(u8::from(negated) << 7 | bytes.len() as u8);
            out.extend_from_slice(&bytes);
        }
        Ok(())
    }

    /// RFC 1035 3.4.2: address, protocol, then services as a port bitmap.
    pub(super) fn wks(&mut self, out: &mut Vec<u8>) -> Result<()> {
        out.extend_from_slice(&self.ipv4()?.octets());
        let protocol = self.next("protocol")?;
        let protocol = PROTOCOLS
            .iter()
            .find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(protocol))
            .map(|&(_, p)| p)
            .or_else(|| parse_number(protocol))
            .ok_or_else(|| self.back_err(RdataErrorKind::BadNumber("protocol")))?;
        out.push(protocol);
        let mut bitmap = Vec::new();
        while !self.done() {
            let service = self.next("service")?;
            let port = SERVICES
                .iter()
                .find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(service))
                .map(|&(_, p)| p)
                .or_else(|| parse_number(service))
                .ok_or_else(|| self.back_err(RdataErrorKind::BadField("WKS service")))?;
            let byte = usize::from(port / 8);
            if bitmap.len() <= byte {
                bitmap.resize(byte + 1, 0);
            }
            bitmap[byte] |= 0x80 >> (port % 8);
        }
        out.extend_from_slice(&bitmap);
        Ok(())
    }

    /// A gateway or relay of type 0 (`.`), 1 (IPv4), 2 (IPv6) or 3 (a name).
    fn gateway(&mut self, out: &mut Vec<u8>, kind: u8, field: &'static str) -> Result<()> {
        match kind {
            0 => match self.next(field)? {
                b"." => Ok(()),
                _ => Err(self.back_err(RdataErrorKind::BadField(field))),
            },
            1 => {
                out.extend_from_slice(&self.ipv4()?.octets());
                Ok(())
            }
            2 => {
                out.extend_from_slice(&self.ipv6()?.octets());
                Ok(())
            }
            3 => self.name(out, field),
            _ => Err(self.back_err(RdataErrorKind::BadNumber("gateway type"))),
        }
    }

    /// RFC 4025 3.1: precedence, gateway type, algorithm, gateway, [key].
    pub(super) fn ipseckey(&mut self, out: &mut Vec<u8>) -> Result<()> {
        out.push(self.number("precedence")?);
        let kind: u8 = self.number("gateway type")?;
        if kind > 3 {
            return Err(self.back_err(RdataErrorKind::BadNumber("gateway type")));
        }
        out.push(kind);
        out.push(self.number("algorithm")?);
        self.gateway(out, kind, "gateway")?;
        if !self.done() {
            self.base64_rest(out, "public key")?;
        }
        Ok(())
    }

    /// RFC 8005 5: algorithm, HIT (hex), public key (base64), servers.
    pub(super) fn hip(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let algorithm: u8 = self.number("algorithm")?;
        let hit = self.next("HIT")?;
        let hit = HEXLOWER_PERMISSIVE
            .decode(hit)
            .ok()
            .filter(|h| !h.is_empty() && h.len() <= 255)
            .ok_or_else(|| self.back_err(RdataErrorKind::BadHex))?;
        let key_at = self.at;
        let key = self.next("public key")?;
        let key = data_encoding::BASE64
            .decode(key)
            .ok()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| self.back_err(RdataErrorKind::BadBase64))?;
        let key_len = u16::try_from(key.len()).map_err(|_| super::RdataError {
            token: key_at,
            kind: RdataErrorKind::TooLong,
        })?;
        out.push(hit.len() as u8);
        out.push(algorithm);
        out.extend_from_slice(&key_len.to_be_bytes());
        out.extend_from_slice(&hit);
        out.extend_from_slice(&key);
        while !self.done() {
            self.name(out, "rendezvous server")?;
        }
        Ok(())
    }

    /// RFC 8777 4.2: precedence, discovery optional (0/1), type, relay.
    pub(super) fn amtrelay(&mut self, out: &mut Vec<u8>) -> Result<()> {
        out.push(self.number("precedence")?);
        let discovery: u8 = self.number("discovery optional")?;
        if discovery > 1 {
            return Err(self.back_err(RdataErrorKind::BadNumber("discovery optional")));
        }
        let kind: u8 = self.number("relay type")?;
        if kind > 3 {
            return Err(self.back_err(RdataErrorKind::BadNumber("relay type")));
        }
        out.push(discovery << 7 | kind);
        self.gateway(out, kind, "relay")
    }
}

/// The length of a gateway of type `kind` at the start of `rest`.
fn gateway_len(kind: u8, rest: &[u8]) -> Option<usize> {
    match kind {
        0 => Some(0),
        1 => Some(4).filter(|&n| rest.len() >= n),
        2 => Some(16).filter(|&n| rest.len() >= n),
        3 => wire_len(rest).ok(),
        _ => None,
    }
}

/// CAA after its flags: a non-empty alphanumeric tag and a value.
pub(super) fn check_caa(rest: &[u8]) -> std::result::Result<(), Why> {
    let (&len, tail) = rest.split_first().ok_or("tag")?;
    let tag = tail.get(..usize::from(len)).ok_or("tag")?;
    if tag.is_empty() || !tag.iter().all(u8::is_ascii_alphanumeric) {
        return Err("tag");
    }
    Ok(())
}

/// APL items: known families within their lengths, no trailing zeros.
pub(super) fn check_apl(mut rest: &[u8]) -> std::result::Result<(), Why> {
    while !rest.is_empty() {
        if rest.len() < 4 {
            return Err("APL item");
        }
        let afi = u16::from_be_bytes([rest[0], rest[1]]);
        let len = usize::from(rest[3] & 0x7f);
        let (max_len, max_prefix) = match afi {
            1 => (4, 32),
            2 => (16, 128),
            _ => return Err("APL address family"),
        };
        let address = rest.get(4..4 + len).ok_or("APL item")?;
        if len > max_len || rest[2] > max_prefix || address.last() == Some(&0) {
            return Err("APL item");
        }
        rest = &rest[4 + len..];
    }
    Ok(())
}

/// WKS: an address and a protocol, then any bitmap.
pub(super) fn check_wks(rest: &[u8]) -> std::result::Result<(), Why> {
    if rest.len() < 5 {
        return Err("address and protocol");
    }
    Ok(())
}

/// IPSECKEY: three octets, a gateway of the type given, any key.
pub(super) fn check_ipseckey(rest: &[u8]) -> std::result::Result<(), Why> {
    let kind = *rest.get(1).ok_or("gateway type")?;
    rest.get(3..)
        .and_then(|r| gateway_len(kind, r))
        .map(|_| ())
        .ok_or("gateway")
}

/// HIP: lengths that match, then rendezvous server names to the end.
pub(super) fn check_hip(rest: &[u8]) -> std::result::Result<(), Why> {
    if rest.len() < 4 {
        return Err("HIT length");
    }
    let hit = usize::from(rest[0]);
    let key = usize::from(u16::from_be_bytes([rest[2], rest[3]]));
    if hit == 0 || key == 0 || rest.len() < 4 + hit + key {
        return Err("HIT and public key lengths");
    }
    let mut names = &rest[4 + hit + key..];
    while !names.is_empty() {
        let len = wire_len(names).map_err(|_| "rendezvous server")?;
        names = &names[len..];
    }
    Ok(())
}

/// AMTRELAY: precedence, type 0 to 3 and the relay that type names.
pub(super) fn check_amtrelay(rest: &[u8]) -> std::result::Result<(), Why> {
    if rest.len() < 2 {
        return Err("relay type");
    }
    match gateway_len(rest[1] & 0x7f, &rest[2..]) {
        Some(len) if len == rest.len() - 2 => Ok(()),
        _ => Err("relay"),
    }
}
