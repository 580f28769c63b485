//! The fields of each type's rdata, in order: one table that the text
//! reader, the generic-rdata check and the canonical form all follow.

use crate::rtype::code;

/// One field of an rdata layout. Fields named "rest" take the remainder
/// of the rdata (and of the presentation tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// An 8-bit number.
    U8(&'static str),
    /// A 16-bit number.
    U16(&'static str),
    /// A 32-bit number.
    U32(&'static str),
    /// A 32-bit period: seconds or BIND units (`1w2d`), the full 32 bits
    /// (SOA timers, RFC 1035 3.3.13; RRSIG original TTL, RFC 4034 3.1.4).
    Period(&'static str),
    /// An RRSIG/SIG time, RFC 4034 3.2.
    Time(&'static str),
    /// A type mnemonic as a 16-bit type code.
    TypeCode(&'static str),
    /// A DNSSEC algorithm number or mnemonic (RFC 4034 A.1).
    Algorithm,
    /// A CERT type number or mnemonic (RFC 4398 2.1).
    CertType,
    /// A DSYNC scheme number or mnemonic (RFC 9859 2).
    DsyncScheme,
    /// A domain name, never compressed on the wire here.
    Name(&'static str),
    /// One character string.
    Text(&'static str),
    /// One or more character strings, to the end.
    Texts,
    /// An optional last character string (ISDN subaddress).
    OptionalText(&'static str),
    /// A GPOS coordinate: a character string holding a decimal number.
    Coordinate(&'static str),
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// Rest: hexadecimal (blanks allowed between tokens).
    Hex(&'static str),
    /// Rest: a ZONEMD digest in hexadecimal, at least 12 octets (RFC 8976 2.2.4).
    ZonemdDigest,
    /// Rest: base64 (blanks allowed between tokens).
    Base64(&'static str),
    /// NSEC3 salt: `-` or hex, with a length octet.
    Salt,
    /// NSEC3 next hashed owner: base32hex, with a length octet.
    NextHashed,
    /// Rest: an RFC 4034 4.1.2 type bitmap.
    Bitmap,
    /// An EUI-48 address, `xx-xx-xx-xx-xx-xx` (RFC 7043 3.2).
    Eui48,
    /// An EUI-64 address (RFC 7043 4.2).
    Eui64,
    /// An ILNP 64-bit locator or node ID, `xxxx:xxxx:xxxx:xxxx` (RFC 6742 2.3).
    Locator64,
    /// Rest: one character string stored without a length (URI target, RFC 7553 4.4).
    UriTarget,
    /// Rest: an NSAP address, `0x` then hex with optional dots (RFC 1706 5).
    Nsap,
    /// Rest: LOC, RFC 1876.
    Loc,
    /// Rest: SVCB/HTTPS parameters, RFC 9460 2.1.
    SvcParams,
    /// Rest: CAA tag and value, RFC 8659 4.1.
    Caa,
    /// Rest: APL items, RFC 3123 4.
    Apl,
    /// Rest: WKS address, protocol and services, RFC 1035 3.4.2.
    Wks,
    /// Rest: IPSECKEY, RFC 4025 3.
    Ipseckey,
    /// Rest: HIP, RFC 8005 5.
    Hip,
    /// Rest: AMTRELAY, RFC 8777 4.
    Amtrelay,
}

use Field::*;

const DS: &[Field] = &[U16("key tag"), Algorithm, U8("digest type"), Hex("digest")];
const KEY: &[Field] = &[
    U16("flags"),
    U8("protocol"),
    Algorithm,
    Base64("public key"),
];
const SIG: &[Field] = &[
    TypeCode("type covered"),
    Algorithm,
    U8("labels"),
    Period("original TTL"),
    Time("expiration"),
    Time("inception"),
    U16("key tag"),
    Name("signer"),
    Base64("signature"),
];
const TLSA: &[Field] = &[
    U8("usage"),
    U8("selector"),
    U8("matching type"),
    Hex("certificate data"),
];

/// Each type's layout; types that share one are listed together.
const LAYOUTS: &[(&[u16], &[Field])] = &[
    (&[code::A], &[Ipv4]),
    (
        &[
            code::NS,
            code::MD,
            code::MF,
            code::CNAME,
            code::MB,
            code::MG,
            code::MR,
            code::PTR,
            code::DNAME,
            code::NSAP_PTR,
        ],
        &[Name("target")],
    ),
    (
        &[code::SOA],
        &[
            Name("MNAME"),
            Name("RNAME"),
            U32("serial"),
            Period("refresh"),
            Period("retry"),
            Period("expire"),
            Period("minimum"),
        ],
    ),
    (&[code::WKS], &[Wks]),
    (&[code::HINFO], &[Text("CPU"), Text("OS")]),
    (&[code::MINFO], &[Name("RMAILBX"), Name("EMAILBX")]),
    (&[code::MX], &[U16("preference"), Name("exchange")]),
    (
        &[
            code::TXT,
            code::SPF,
            code::NINFO,
            code::AVC,
            code::RESINFO,
            code::WALLET,
        ],
        &[Texts],
    ),
    (&[code::RP], &[Name("mbox"), Name("txt")]),
    (&[code::AFSDB], &[U16("subtype"), Name("hostname")]),
    (&[code::X25], &[Text("PSDN address")]),
    (
        &[code::ISDN],
        &[Text("ISDN address"), OptionalText("subaddress")],
    ),
    (&[code::RT, code::KX], &[U16("preference"), Name("host")]),
    (&[code::NSAP], &[Nsap]),
    (&[code::SIG, code::RRSIG], SIG),
    (&[code::KEY, code::DNSKEY, code::CDNSKEY, code::RKEY], KEY),
    (
        &[code::PX],
        &[U16("preference"), Name("MAP822"), Name("MAPX400")],
    ),
    (
        &[code::GPOS],
        &[
            Coordinate("longitude"),
            Coordinate("latitude"),
            Coordinate("altitude"),
        ],
    ),
    (&[code::AAAA], &[Ipv6]),
    (&[code::LOC], &[Loc]),
    (&[code::EID, code::NIMLOC], &[Hex("data")]),
    (
        &[code::SRV],
        &[U16("priority"), U16("weight"), U16("port"), Name("target")],
    ),
    (
        &[code::NAPTR],
        &[
            U16("order"),
            U16("preference"),
            Text("flags"),
            Text("services"),
            Text("regexp"),
            Name("replacement"),
        ],
    ),
    (
        &[code::CERT],
        &[CertType, U16("key tag"), Algorithm, Base64("certificate")],
    ),
    (&[code::APL], &[Apl]),
    (&[code::DS, code::CDS, code::TA, code::DLV], DS),
    (
        &[code::SSHFP],
        &[U8("algorithm"), U8("fingerprint type"), Hex("fingerprint")],
    ),
    (&[code::IPSECKEY], &[Ipseckey]),
    (&[code::NSEC], &[Name("next domain name"), Bitmap]),
    (&[code::DHCID], &[Base64("digest")]),
    (
        &[code::NSEC3],
        &[
            U8("hash algorithm"),
            U8("flags"),
            U16("iterations"),
            Salt,
            NextHashed,
            Bitmap,
        ],
    ),
    (
        &[code::NSEC3PARAM],
        &[U8("hash algorithm"), U8("flags"), U16("iterations"), Salt],
    ),
    (&[code::TLSA, code::SMIMEA], TLSA),
    (&[code::HIP], &[Hip]),
    (&[code::TALINK], &[Name("previous"), Name("next")]),
    (&[code::OPENPGPKEY], &[Base64("public key")]),
    (&[code::CSYNC], &[U32("serial"), U16("flags"), Bitmap]),
    (
        &[code::ZONEMD],
        &[
            U32("serial"),
            U8("scheme"),
            U8("hash algorithm"),
            ZonemdDigest,
        ],
    ),
    (
        &[code::SVCB, code::HTTPS],
        &[U16("priority"), Name("target"), SvcParams],
    ),
    (
        &[code::DSYNC],
        &[TypeCode("type"), DsyncScheme, U16("port"), Name("target")],
    ),
    (&[code::NID, code::L64], &[U16("preference"), Locator64]),
    (&[code::L32], &[U16("preference"), Ipv4]),
    (&[code::LP], &[U16("preference"), Name("FQDN")]),
    (&[code::EUI48], &[Eui48]),
    (&[code::EUI64], &[Eui64]),
    (&[code::URI], &[U16("priority"), U16("weight"), UriTarget]),
    (&[code::CAA], &[U8("flags"), Caa]),
    (
        &[code::DOA],
        &[
            U32("enterprise"),
            U32("type"),
            U8("location"),
            Text("media type"),
            Base64("data"),
        ],
    ),
    (&[code::AMTRELAY], &[Amtrelay]),
];

/// The layout of a type's rdata, or `None` for a type read only as RFC
/// 3597 generic rdata (NULL, private and unassigned types).
pub fn layout(rtype: u16) -> Option<&'static [Field]> {
    LAYOUTS
        .iter()
        .find(|(types, _)| types.contains(&rtype))
        .map(|&(_, fields)| fields)
}
