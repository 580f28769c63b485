//! Record type numbers and mnemonics.
//!
//! The mnemonics of every type BIND 9.18 and Knot DNS 3.2 read are listed
//! here (which of them have a presentation format is
//! [`crate::rdata::layout`]'s answer); other mnemonics known to
//! hickory-proto and `TYPEnnn` (RFC 3597 5) are accepted with generic `\#`
//! rdata.

use std::str::FromStr;

use hickory_proto::rr::RecordType;

/// Type codes used by the loader and the servers.
#[allow(missing_docs)]
pub mod code {
    pub const A: u16 = 1;
    pub const NS: u16 = 2;
    pub const MD: u16 = 3;
    pub const MF: u16 = 4;
    pub const CNAME: u16 = 5;
    pub const SOA: u16 = 6;
    pub const MB: u16 = 7;
    pub const MG: u16 = 8;
    pub const MR: u16 = 9;
    pub const NULL: u16 = 10;
    pub const WKS: u16 = 11;
    pub const PTR: u16 = 12;
    pub const HINFO: u16 = 13;
    pub const MINFO: u16 = 14;
    pub const MX: u16 = 15;
    pub const TXT: u16 = 16;
    pub const RP: u16 = 17;
    pub const AFSDB: u16 = 18;
    pub const X25: u16 = 19;
    pub const ISDN: u16 = 20;
    pub const RT: u16 = 21;
    pub const NSAP: u16 = 22;
    pub const NSAP_PTR: u16 = 23;
    pub const SIG: u16 = 24;
    pub const KEY: u16 = 25;
    pub const PX: u16 = 26;
    pub const GPOS: u16 = 27;
    pub const AAAA: u16 = 28;
    pub const LOC: u16 = 29;
    pub const EID: u16 = 31;
    pub const NIMLOC: u16 = 32;
    pub const SRV: u16 = 33;
    pub const NAPTR: u16 = 35;
    pub const KX: u16 = 36;
    pub const CERT: u16 = 37;
    pub const DNAME: u16 = 39;
    pub const OPT: u16 = 41;
    pub const APL: u16 = 42;
    pub const DS: u16 = 43;
    pub const SSHFP: u16 = 44;
    pub const IPSECKEY: u16 = 45;
    pub const RRSIG: u16 = 46;
    pub const NSEC: u16 = 47;
    pub const DNSKEY: u16 = 48;
    pub const DHCID: u16 = 49;
    pub const NSEC3: u16 = 50;
    pub const NSEC3PARAM: u16 = 51;
    pub const TLSA: u16 = 52;
    pub const SMIMEA: u16 = 53;
    pub const HIP: u16 = 55;
    pub const NINFO: u16 = 56;
    pub const RKEY: u16 = 57;
    pub const TALINK: u16 = 58;
    pub const CDS: u16 = 59;
    pub const CDNSKEY: u16 = 60;
    pub const OPENPGPKEY: u16 = 61;
    pub const CSYNC: u16 = 62;
    pub const ZONEMD: u16 = 63;
    pub const SVCB: u16 = 64;
    pub const HTTPS: u16 = 65;
    pub const DSYNC: u16 = 66;
    pub const SPF: u16 = 99;
    pub const NID: u16 = 104;
    pub const L32: u16 = 105;
    pub const L64: u16 = 106;
    pub const LP: u16 = 107;
    pub const EUI48: u16 = 108;
    pub const EUI64: u16 = 109;
    pub const TKEY: u16 = 249;
    pub const TSIG: u16 = 250;
    pub const IXFR: u16 = 251;
    pub const AXFR: u16 = 252;
    pub const MAILB: u16 = 253;
    pub const MAILA: u16 = 254;
    pub const ANY: u16 = 255;
    pub const URI: u16 = 256;
    pub const CAA: u16 = 257;
    pub const AVC: u16 = 258;
    pub const DOA: u16 = 259;
    pub const AMTRELAY: u16 = 260;
    pub const RESINFO: u16 = 261;
    pub const WALLET: u16 = 262;
    pub const TA: u16 = 32768;
    pub const DLV: u16 = 32769;
}

const TABLE: &[(u16, &str)] = &[
    (code::A, "A"),
    (code::NS, "NS"),
    (code::MD, "MD"),
    (code::MF, "MF"),
    (code::CNAME, "CNAME"),
    (code::SOA, "SOA"),
    (code::MB, "MB"),
    (code::MG, "MG"),
    (code::MR, "MR"),
    (code::NULL, "NULL"),
    (code::WKS, "WKS"),
    (code::PTR, "PTR"),
    (code::HINFO, "HINFO"),
    (code::MINFO, "MINFO"),
    (code::MX, "MX"),
    (code::TXT, "TXT"),
    (code::RP, "RP"),
    (code::AFSDB, "AFSDB"),
    (code::X25, "X25"),
    (code::ISDN, "ISDN"),
    (code::RT, "RT"),
    (code::NSAP, "NSAP"),
    (code::NSAP_PTR, "NSAP-PTR"),
    (code::SIG, "SIG"),
    (code::KEY, "KEY"),
    (code::PX, "PX"),
    (code::GPOS, "GPOS"),
    (code::AAAA, "AAAA"),
    (code::LOC, "LOC"),
    (code::EID, "EID"),
    (code::NIMLOC, "NIMLOC"),
    (code::SRV, "SRV"),
    (code::NAPTR, "NAPTR"),
    (code::KX, "KX"),
    (code::CERT, "CERT"),
    (code::DNAME, "DNAME"),
    (code::APL, "APL"),
    (code::DS, "DS"),
    (code::SSHFP, "SSHFP"),
    (code::IPSECKEY, "IPSECKEY"),
    (code::RRSIG, "RRSIG"),
    (code::NSEC, "NSEC"),
    (code::DNSKEY, "DNSKEY"),
    (code::DHCID, "DHCID"),
    (code::NSEC3, "NSEC3"),
    (code::NSEC3PARAM, "NSEC3PARAM"),
    (code::TLSA, "TLSA"),
    (code::SMIMEA, "SMIMEA"),
    (code::HIP, "HIP"),
    (code::NINFO, "NINFO"),
    (code::RKEY, "RKEY"),
    (code::TALINK, "TALINK"),
    (code::CDS, "CDS"),
    (code::CDNSKEY, "CDNSKEY"),
    (code::OPENPGPKEY, "OPENPGPKEY"),
    (code::CSYNC, "CSYNC"),
    (code::ZONEMD, "ZONEMD"),
    (code::SVCB, "SVCB"),
    (code::HTTPS, "HTTPS"),
    (code::DSYNC, "DSYNC"),
    (code::SPF, "SPF"),
    (code::NID, "NID"),
    (code::L32, "L32"),
    (code::L64, "L64"),
    (code::LP, "LP"),
    (code::EUI48, "EUI48"),
    (code::EUI64, "EUI64"),
    (code::TKEY, "TKEY"),
    (code::TSIG, "TSIG"),
    (code::URI, "URI"),
    (code::CAA, "CAA"),
    (code::AVC, "AVC"),
    (code::DOA, "DOA"),
    (code::AMTRELAY, "AMTRELAY"),
    (code::RESINFO, "RESINFO"),
    (code::WALLET, "WALLET"),
    (code::TA, "TA"),
    (code::DLV, "DLV"),
];

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
