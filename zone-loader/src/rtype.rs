//! Record type numbers and mnemonics.
//!
//! The types this loader parses in presentation format are listed here;
//! other mnemonics known to hickory-proto and `TYPEnnn` (RFC 3597 5) are
//! accepted with generic `\#` rdata.

use std::str::FromStr;

use hickory_proto::rr::RecordType;

/// Type codes used by the loader and the servers.
#[allow(missing_docs)]
pub mod code {
    pub const A: u16 = 1;
    pub const NS: u16 = 2;
    pub const CNAME: u16 = 5;
    pub const SOA: u16 = 6;
    pub const PTR: u16 = 12;
    pub const HINFO: u16 = 13;
    pub const MX: u16 = 15;
    pub const TXT: u16 = 16;
    pub const RP: u16 = 17;
    pub const AAAA: u16 = 28;
    pub const LOC: u16 = 29;
    pub const SRV: u16 = 33;
    pub const NAPTR: u16 = 35;
    pub const DNAME: u16 = 39;
    pub const OPT: u16 = 41;
    pub const DS: u16 = 43;
    pub const SSHFP: u16 = 44;
    pub const RRSIG: u16 = 46;
    pub const NSEC: u16 = 47;
    pub const DNSKEY: u16 = 48;
    pub const NSEC3: u16 = 50;
    pub const NSEC3PARAM: u16 = 51;
    pub const TLSA: u16 = 52;
    pub const CDS: u16 = 59;
    pub const CDNSKEY: u16 = 60;
    pub const ZONEMD: u16 = 63;
    pub const SVCB: u16 = 64;
    pub const HTTPS: u16 = 65;
    pub const SPF: u16 = 99;
    pub const IXFR: u16 = 251;
    pub const AXFR: u16 = 252;
    pub const MAILB: u16 = 253;
    pub const MAILA: u16 = 254;
    pub const ANY: u16 = 255;
    pub const CAA: u16 = 257;
}

const TABLE: &[(u16, &str)] = &[
    (code::A, "A"),
    (code::NS, "NS"),
    (code::CNAME, "CNAME"),
    (code::SOA, "SOA"),
    (code::PTR, "PTR"),
    (code::HINFO, "HINFO"),
    (code::MX, "MX"),
    (code::TXT, "TXT"),
    (code::RP, "RP"),
    (code::AAAA, "AAAA"),
    (code::LOC, "LOC"),
    (code::SRV, "SRV"),
    (code::NAPTR, "NAPTR"),
    (code::DNAME, "DNAME"),
    (code::DS, "DS"),
    (code::SSHFP, "SSHFP"),
    (code::RRSIG, "RRSIG"),
    (code::NSEC, "NSEC"),
    (code::DNSKEY, "DNSKEY"),
    (code::NSEC3, "NSEC3"),
    (code::NSEC3PARAM, "NSEC3PARAM"),
    (code::TLSA, "TLSA"),
    (code::CDS, "CDS"),
    (code::CDNSKEY, "CDNSKEY"),
    (code::ZONEMD, "ZONEMD"),
    (code::SVCB, "SVCB"),
    (code::HTTPS, "HTTPS"),
    (code::SPF, "SPF"),
    (code::CAA, "CAA"),
];

/// Whether the loader can read this type's rdata in presentation format.
pub fn has_text_format(rtype: u16) -> bool {
    TABLE.iter().any(|&(c, _)| c == rtype)
}

/// Whether a type may be stored in a zone: not a meta type or QTYPE
/// (RFC 6895 3.1: OPT, TKEY/TSIG, IXFR, AXFR, MAILB, MAILA, ANY).
pub fn is_data_type(rtype: u16) -> bool {
    !matches!(rtype, 0 | code::OPT | 128..=255)
}

/// Reads a type mnemonic (case-insensitive) or `TYPEnnn`.
pub fn from_mnemonic(text: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(text).ok()?;
    let upper = text.to_ascii_uppercase();
    if let Some(&(c, _)) = TABLE.iter().find(|(_, name)| *name == upper) {
        return Some(c);
    }
    if let Some(digits) = upper.strip_prefix("TYPE") {
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return digits.parse().ok();
        }
        return None;
    }
    match RecordType::from_str(&upper) {
        Ok(RecordType::Unknown(_)) | Err(_) => None,
        Ok(rt) => Some(u16::from(rt)),
    }
}

/// The mnemonic of a type, or `TYPEnnn`.
pub fn mnemonic(rtype: u16) -> String {
    if let Some(&(_, name)) = TABLE.iter().find(|&&(c, _)| c == rtype) {
        return name.to_owned();
    }
    match RecordType::from(rtype) {
        RecordType::Unknown(_) => format!("TYPE{rtype}"),
        rt => rt.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mnemonics_round_trip() {
        assert_eq!(from_mnemonic(b"aaaa"), Some(code::AAAA));
        assert_eq!(from_mnemonic(b"TYPE12345"), Some(12345));
        assert_eq!(from_mnemonic(b"CERT"), Some(37));
        assert_eq!(from_mnemonic(b"BOGUS"), None);
        assert_eq!(from_mnemonic(b"TYPE"), None);
        assert_eq!(mnemonic(code::ZONEMD), "ZONEMD");
        assert_eq!(mnemonic(65000), "TYPE65000");
    }
}
