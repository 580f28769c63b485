//! Rdata in presentation format to wire form.
//!
//! Most types are a sequence of fields (numbers, names, character strings,
//! base64, hex, type bitmaps...): [`layout`] lists them per type, and the
//! same list reads the presentation form ([`fields`]), checks RFC 3597
//! generic rdata against the type's wire format and finds the names a
//! canonical form lowercases ([`wire`]). The types with their own grammar
//! have a module each: LOC (RFC 1876), SVCB/HTTPS (RFC 9460), and the
//! smaller ones (CAA, APL, WKS, IPSECKEY, HIP, AMTRELAY...) in [`special`].

mod fields;
mod layout;
mod loc;
mod special;
mod svcb;
#[cfg(test)]
mod tests;
mod time;
mod wire;

use std::fmt;

use crate::lexer::Token;
use crate::rtype::code;
use crate::wire::name::{Name, NameError};

use fields::Fields;
pub use fields::write_type_bitmap;
pub use layout::{Field, layout};
pub use time::parse_rrsig_time;
pub use wire::{canonical, check_wire, lowercases_names};

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
    /// RFC 3597 generic rdata of a known type that is not valid wire
    /// rdata of that type (RFC 3597 5); names the type's field at fault.
    GenericMismatch(&'static str),
    /// A type this loader cannot read except as `\#` generic rdata.
    NoTextFormat,
    /// MD or MF, which RFC 1035 3.3.4 and 3.3.5 say to reject in master
    /// files (as BIND does).
    Obsolete,
    /// A LOC field is out of range or malformed; names the field.
    BadLoc(&'static str),
    /// A SVCB/HTTPS parameter is malformed; says why.
    BadSvcParam(&'static str),
    /// A CAA tag is empty or not alphanumeric.
    BadCaaTag,
    /// A field of a type with its own grammar is malformed; names it.
    BadField(&'static str),
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
            Self::BadTime => f.write_str(
                "invalid time (a YYYYMMDDHHmmSS date from 1970 to 2225, or seconds below 2^32)",
            ),
            Self::GenericLength => f.write_str("generic rdata length does not match the data"),
            Self::GenericMismatch(field) => {
                write!(f, "generic rdata is not valid for this type (at {field})")
            }
            Self::NoTextFormat => {
                f.write_str("type has no text format here: use \\# generic rdata")
            }
            Self::Obsolete => f.write_str("obsolete type (RFC 1035 3.3.4): use MX"),
            Self::BadLoc(field) => write!(f, "invalid LOC {field}"),
            Self::BadSvcParam(why) => write!(f, "invalid SvcParam: {why}"),
            Self::BadCaaTag => f.write_str("invalid CAA tag"),
            Self::BadField(field) => write!(f, "invalid {field}"),
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
    let mut f = Fields::new(tokens, origin);
    if tokens
        .first()
        .is_some_and(|t| !t.quoted && t.text == b"\\#")
    {
        f.generic(out)?;
        return check_wire(rtype, out).map_err(|field| RdataError {
            token: 1,
            kind: RdataErrorKind::GenericMismatch(field),
        });
    }
    if matches!(rtype, code::MD | code::MF) {
        return Err(f.err(RdataErrorKind::Obsolete));
    }
    let Some(fields) = layout(rtype) else {
        return Err(f.err(RdataErrorKind::NoTextFormat));
    };
    for field in fields {
        f.field(*field, out)?;
    }
    if !f.done() {
        return Err(f.err(RdataErrorKind::Trailing));
    }
    if out.len() > usize::from(u16::MAX) {
        return Err(f.err(RdataErrorKind::TooLong));
    }
    Ok(())
}
