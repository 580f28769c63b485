//! Between hickory-proto's records (how upstream answers are decoded) and
//! the wire form the cache and the response writer use.
//!
//! Rdata is encoded in DNSSEC canonical form (RFC 4034 6.2): names are
//! never compressed (a pointer would refer to a message that no longer
//! exists) and are lowercased.

use std::net::IpAddr;

use hickory_proto::rr::{Name, RData, Record, RecordType};
use hickory_proto::serialize::binary::{BinDecoder, BinEncodable, BinEncoder, Restrict};

use crate::cache;

/// A name in lowercase wire form (the cache's key form).
pub fn wire_name(name: &Name) -> Vec<u8> {
    name.to_lowercase().to_bytes().unwrap_or_else(|_| vec![0])
}

/// Rdata in wire form with uncompressed names, or `None` if it cannot be encoded.
pub fn rdata_wire(data: &RData) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut encoder = BinEncoder::new(&mut buf);
    encoder.set_canonical_form(true);
    data.emit(&mut encoder).ok()?;
    Some(buf)
}

/// Decodes wire rdata of `rtype` into a record of `owner` with `ttl`.
pub fn record(owner: &Name, rtype: RecordType, ttl: u32, rdata: &[u8]) -> Option<Record> {
    let mut decoder = BinDecoder::new(rdata);
    let data = RData::read(
        &mut decoder,
        rtype,
        Restrict::new(u16::try_from(rdata.len()).ok()?),
    )
    .ok()?;
    Some(Record::from_rdata(owner.clone(), ttl, data))
}

/// The address an A or AAAA record holds.
pub fn address(data: &RData) -> Option<IpAddr> {
    match data {
        RData::A(a) => Some(IpAddr::V4(a.0)),
        RData::AAAA(a) => Some(IpAddr::V6(a.0)),
        _ => None,
    }
}

/// The records of a cached RRset, decoded, with `ttl`.
pub fn records<'a>(
    owner: &'a Name,
    rtype: RecordType,
    rrset: &'a cache::RRset,
    ttl: u32,
) -> impl Iterator<Item = Record> + 'a {
    rrset
        .records()
        .filter_map(move |rdata| record(owner, rtype, ttl, rdata))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use hickory_proto::rr::rdata::SOA;

    use super::*;

    #[test]
    fn soa_rdata_has_no_compression_pointer() {
        let soa = SOA::new(
            Name::from_str("ns1.Example.internal.").unwrap(),
            Name::from_str("hostmaster.example.internal.").unwrap(),
            1,
            2,
            3,
            4,
            5,
        );
        let wire = rdata_wire(&RData::SOA(soa)).unwrap();
        assert_eq!(
            &wire[..wire.len() - 20],
            b"\x03ns1\x07example\x08internal\x00\x0ahostmaster\x07example\x08internal\x00"
        );
        let owner = Name::from_str("example.internal.").unwrap();
        let back = record(&owner, RecordType::SOA, 60, &wire).unwrap();
        assert!(matches!(back.data, RData::SOA(_)));
    }
}
