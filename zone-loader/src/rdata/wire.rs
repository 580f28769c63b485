//! Rdata in wire form, walked by the type's layout: checking RFC 3597
//! generic rdata of a known type, and the canonical form (RFC 4034 6.2).

use std::borrow::Cow;

use super::fields::ZONEMD_MIN_DIGEST;
use super::layout::{Field, layout};
use super::{loc, special, svcb};
use crate::rtype::code;
use crate::wire::name::wire_len;

type Why = &'static str;

/// Checks that `rdata` is valid wire rdata of type `rtype` (RFC 3597 5:
/// generic rdata of a known type must be what the type's own format
/// would give). Types without a layout take any rdata. The error names
/// the field at fault.
pub fn check_wire(rtype: u16, rdata: &[u8]) -> Result<(), Why> {
    let Some(fields) = layout(rtype) else {
        return Ok(());
    };
    let end = walk(fields, rdata, |_| ())?;
    if end != rdata.len() {
        return Err("the end of the rdata (data left over)");
    }
    Ok(())
}

/// Whether the canonical form of `rtype` lowercases the names in its
/// rdata: RFC 4034 6.2's list as corrected by RFC 6840 5.1 (not NSEC)
/// and RFC 3597 7; of those this loader reads, NS MD MF CNAME SOA MB MG
/// MR PTR MINFO MX RP AFSDB RT SIG PX NAPTR KX SRV DNAME RRSIG.
pub fn lowercases_names(rtype: u16) -> bool {
    matches!(
        rtype,
        code::NS
            | code::MD
            | code::MF
            | code::CNAME
            | code::SOA
            | code::MB
            | code::MG
            | code::MR
            | code::PTR
            | code::MINFO
            | code::MX
            | code::RP
            | code::AFSDB
            | code::RT
            | code::SIG
            | code::PX
            | code::NAPTR
            | code::KX
            | code::SRV
            | code::DNAME
            | code::RRSIG
    )
}

/// The canonical form of valid rdata (RFC 4034 6.2): the names of the
/// types [`lowercases_names`] lists in lowercase, everything else as is.
pub fn canonical(rtype: u16, rdata: &[u8]) -> Cow<'_, [u8]> {
    let Some(fields) = layout(rtype).filter(|_| lowercases_names(rtype)) else {
        return Cow::Borrowed(rdata);
    };
    let mut names = Vec::new();
    if walk(fields, rdata, |range| names.push(range)).is_err()
        || names
            .iter()
            .all(|r| !rdata[r.clone()].iter().any(u8::is_ascii_uppercase))
    {
        return Cow::Borrowed(rdata);
    }
    let mut out = rdata.to_vec();
    for range in names {
        out[range].make_ascii_lowercase();
    }
    Cow::Owned(out)
}

/// Walks `rdata` by `fields`, calling `name` with the range of each
/// domain name; returns where the last field ended.
fn walk(
    fields: &[Field],
    rdata: &[u8],
    mut name: impl FnMut(std::ops::Range<usize>),
) -> Result<usize, Why> {
    let mut at = 0;
    for &field in fields {
        let rest = &rdata[at..];
        let len = match field {
            Field::U8(_) | Field::Algorithm | Field::DsyncScheme => fixed(rest, 1, field)?,
            Field::U16(_) | Field::TypeCode(_) | Field::CertType => fixed(rest, 2, field)?,
            Field::U32(_) | Field::Period(_) | Field::Time(_) | Field::Ipv4 => {
                fixed(rest, 4, field)?
            }
            Field::Ipv6 => fixed(rest, 16, field)?,
            Field::Eui48 => fixed(rest, 6, field)?,
            Field::Eui64 | Field::Locator64 => fixed(rest, 8, field)?,
            Field::Name(what) => {
                let len = wire_len(rest).map_err(|_| what)?;
                name(at..at + len);
                len
            }
            Field::Text(what) | Field::Coordinate(what) => string_len(rest).ok_or(what)?,
            Field::OptionalText(what) if !rest.is_empty() => string_len(rest).ok_or(what)?,
            Field::OptionalText(_) => 0,
            Field::Texts => {
                let mut len = string_len(rest).ok_or("text")?;
                while len < rest.len() {
                    len += string_len(&rest[len..]).ok_or("text")?;
                }
                len
            }
            Field::Salt => string_len(rest).ok_or("salt")?,
            Field::NextHashed => match string_len(rest) {
                Some(len) if len > 1 => len,
                _ => return Err("next hashed owner"),
            },
            Field::Hex(_) | Field::Base64(_) => rest.len(),
            Field::ZonemdDigest if rest.len() < ZONEMD_MIN_DIGEST => return Err("digest"),
            Field::ZonemdDigest => rest.len(),
            Field::Nsap if rest.is_empty() => return Err(label(field)),
            Field::UriTarget | Field::Nsap => rest.len(),
            Field::Bitmap => check_bitmap(rest).map(|()| rest.len())?,
            Field::Loc if loc::check_wire(rest) => rest.len(),
            Field::Loc => return Err("LOC"),
            Field::SvcParams => svcb::check_wire(rest).map(|()| rest.len())?,
            Field::Caa => special::check_caa(rest).map(|()| rest.len())?,
            Field::Apl => special::check_apl(rest).map(|()| rest.len())?,
            Field::Wks => special::check_wks(rest).map(|()| rest.len())?,
            Field::Ipseckey => special::check_ipseckey(rest).map(|()| rest.len())?,
            Field::Hip => special::check_hip(rest).map(|()| rest.len())?,
            Field::Amtrelay => special::check_amtrelay(rest).map(|()| rest.len())?,
        };
        at += len;
    }
    Ok(at)
}

fn label(field: Field) -> Why {
    match field {
        Field::U8(what)
        | Field::U16(what)
        | Field::U32(what)
        | Field::Period(what)
        | Field::Time(what)
        | Field::TypeCode(what) => what,
        Field::Algorithm => "algorithm",
        Field::CertType => "certificate type",
        Field::DsyncScheme => "scheme",
        Field::Ipv4 | Field::Ipv6 => "address",
        Field::Eui48 | Field::Eui64 => "EUI address",
        Field::Locator64 => "locator",
        Field::Nsap => "NSAP address",
        _ => "rdata",
    }
}

fn fixed(rest: &[u8], len: usize, field: Field) -> Result<usize, Why> {
    if rest.len() < len {
        return Err(label(field));
    }
    Ok(len)
}

/// The length of the character string at the start of `rest`, with its length octet.
fn string_len(rest: &[u8]) -> Option<usize> {
    let len = 1 + usize::from(*rest.first()?);
    (rest.len() >= len).then_some(len)
}

/// RFC 4034 4.1.2: windows in increasing order, 1 to 32 octets each,
/// no trailing zero octet.
fn check_bitmap(mut rest: &[u8]) -> Result<(), Why> {
    let mut last: Option<u8> = None;
    while !rest.is_empty() {
        let (window, len) = match rest {
            [w, l, ..] => (*w, usize::from(*l)),
            _ => return Err("type bitmap"),
        };
        let bits = rest.get(2..2 + len).ok_or("type bitmap")?;
        if last.is_some_and(|l| window <= l) || !(1..=32).contains(&len) || bits[len - 1] == 0 {
            return Err("type bitmap");
        }
        last = Some(window);
        rest = &rest[2 + len..];
    }
    Ok(())
}
