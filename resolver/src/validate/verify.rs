//! Signature checks (RFC 4035 5.3): an RRset against its RRSIGs and the
//! keys of the zone that signed it, and a DNSKEY RRset against the DS
//! records (or trust anchors) that vouch for it. The cryptography and the
//! canonical form of the signed data are hickory-proto's (ring).

use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, RRSIG};
use hickory_proto::dnssec::{Algorithm, PublicKey, Verifier};
use hickory_proto::rr::{DNSClass, Name, RData, Record};

use super::{Budget, Reason, Security};

/// The algorithms validated: RFC 8624's MUSTs and RECOMMENDEDs, and
/// RSASHA1 (5) and RSASHA1-NSEC3-SHA1 (7) only when `sha1` is set (RFC
/// 9905 2: implemented, treated as unsupported by default). A zone whose
/// keys use only others is insecure (RFC 6840 5.2), whether a DS or a
/// DNSKEY anchor vouches for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Algorithms {
    /// Validate the SHA-1 algorithms (`sha1-validation`).
    pub sha1: bool,
}

/// RSASHA1 and RSASHA1-NSEC3-SHA1 by number (hickory names them
/// deprecated, which they are for signing, not for validation).
const SHA1_ALGORITHMS: [u8; 2] = [5, 7];

impl Algorithms {
    /// Whether `algorithm` is validated.
    pub fn supports(self, algorithm: Algorithm) -> bool {
        implemented(algorithm) && (self.sha1 || !is_sha1(algorithm))
    }
}

fn is_sha1(algorithm: Algorithm) -> bool {
    SHA1_ALGORITHMS.contains(&u8::from(algorithm))
}

/// The algorithms whose signatures can be checked here.
fn implemented(algorithm: Algorithm) -> bool {
    is_sha1(algorithm)
        || matches!(
            algorithm,
            Algorithm::RSASHA256
                | Algorithm::RSASHA512
                | Algorithm::ECDSAP256SHA256
                | Algorithm::ECDSAP384SHA384
                | Algorithm::ED25519
        )
}

/// The RRSIG in a record, if it is one.
pub fn rrsig(record: &Record) -> Option<&RRSIG> {
    match &record.data {
        RData::DNSSEC(DNSSECRData::RRSIG(sig)) => Some(sig),
        _ => None,
    }
}

/// The DNSKEY in a record, if it is one.
pub fn dnskey(record: &Record) -> Option<&DNSKEY> {
    match &record.data {
        RData::DNSSEC(DNSSECRData::DNSKEY(key)) => Some(key),
        _ => None,
    }
}

/// The DS in a record, if it is one.
pub fn ds(record: &Record) -> Option<&DS> {
    match &record.data {
        RData::DNSSEC(DNSSECRData::DS(ds)) => Some(ds),
        _ => None,
    }
}

/// Checks `rrset` (records of one owner and type) against the RRSIGs in
/// `sigs` made by `zone` with one of `keys` (the zone's keys of the
/// algorithms validated, from [`trusted_keys`]), at time `now` (seconds
/// since the epoch). Ok when one signature verifies.
pub fn rrset(
    rrset: &[Record],
    sigs: &[Record],
    keys: &[DNSKEY],
    zone: &Name,
    now: u32,
    budget: &mut Budget,
) -> Result<(), Reason> {
    let Some(first) = rrset.first() else {
        return Ok(());
    };
    let (owner, rtype) = (&first.name, first.record_type());
    let mut failure = Reason::RrsigsMissing;
    let candidates = sigs
        .iter()
        .filter(|r| r.name == *owner)
        .filter_map(rrsig)
        .filter(|sig| {
            let input = sig.input();
            input.type_covered == rtype
                && input.signer_name == *zone
                && implemented(input.algorithm)
                && usize::from(input.num_labels) <= label_count(owner)
        })
        .take(Budget::SIGNATURES_PER_RRSET);
    for sig in candidates {
        let input = sig.input();
        // RFC 4034 3.1.5: serial number arithmetic on the times.
        if (input.sig_expiration.get().wrapping_sub(now) as i32) < 0 {
            failure = worse(failure, Reason::SignatureExpired);
            continue;
        }
        if (now.wrapping_sub(input.sig_inception.get()) as i32) < 0 {
            failure = worse(failure, Reason::SignatureNotYetValid);
            continue;
        }
        let tagged = keys.iter().filter(|key| {
            key.algorithm() == input.algorithm
                && key.calculate_key_tag().ok() == Some(input.key_tag)
        });
        let mut any_key = false;
        for key in tagged.take(Budget::KEYS_PER_SIGNATURE) {
            if !key.zone_key() || key.revoke() {
                failure = worse(failure, Reason::NoZoneKeyBit);
                continue;
            }
            any_key = true;
            if !budget.spend() {
                return Err(Reason::TooMuchWork);
            }
            if key
                .verify_rrsig(owner, DNSClass::IN, sig, rrset.iter())
                .is_ok()
            {
                return Ok(());
            }
            failure = worse(failure, Reason::BadSignature);
        }
        if !any_key {
            failure = worse(failure, Reason::DnskeyMissing);
        }
    }
    Err(failure)
}

/// The more telling of two failures: a signature that did not verify
/// outranks a missing key, which outranks timing, which outranks absence.
fn worse(a: Reason, b: Reason) -> Reason {
    let rank = |r: Reason| match r {
        Reason::RrsigsMissing | Reason::NsecMissing => 0,
        Reason::SignatureExpired | Reason::SignatureNotYetValid => 1,
        Reason::NoZoneKeyBit => 2,
        Reason::DnskeyMissing => 3,
        Reason::BadSignature | Reason::TooMuchWork => 4,
    };
    if rank(b) > rank(a) { b } else { a }
}

fn label_count(name: &Name) -> usize {
    let labels = usize::from(name.num_labels());
    if name.is_wildcard() {
        labels + 1
    } else {
        labels
    }
}

/// What vouches for a zone's keys: the DS records from its parent, or
/// trust anchors.
#[derive(Debug, Clone)]
pub enum Vouch<'a> {
    /// DS records (already validated in the parent).
    Ds(&'a [DS]),
    /// Trusted keys, matched by algorithm and public key.
    Keys(&'a [DNSKEY]),
}

/// The keys of `zone` to trust, those of `algorithms`: its DNSKEY RRset
/// (`dnskeys`, with `sigs`) when a key that `vouch` names signs it.
/// [`Security::Insecure`] when the DS records or anchor keys use only
/// algorithms or digests not validated here.
pub fn trusted_keys(
    zone: &Name,
    dnskeys: &[Record],
    sigs: &[Record],
    vouch: &Vouch<'_>,
    now: u32,
    algorithms: Algorithms,
    budget: &mut Budget,
) -> Result<Vec<DNSKEY>, Security> {
    let keys: Vec<DNSKEY> = dnskeys
        .iter()
        .filter_map(dnskey)
        .filter(|key| algorithms.supports(key.algorithm()))
        .cloned()
        .collect();
    let entry: Vec<DNSKEY> = match vouch {
        Vouch::Ds(ds_set) => {
            let usable: Vec<&DS> = ds_set
                .iter()
                .filter(|ds| algorithms.supports(ds.algorithm()) && ds.digest_type().is_supported())
                .collect();
            if usable.is_empty() {
                return Err(Security::Insecure);
            }
            keys.iter()
                .filter(|key| {
                    usable.iter().any(|ds| {
                        ds.key_tag() == key.calculate_key_tag().unwrap_or(0)
                            && ds.algorithm() == key.algorithm()
                            && ds.covers(zone, key).unwrap_or(false)
                    })
                })
                .cloned()
                .collect()
        }
        Vouch::Keys(anchors) if !anchors.iter().any(|a| algorithms.supports(a.algorithm())) => {
            return Err(Security::Insecure);
        }
        Vouch::Keys(anchors) => keys
            .iter()
            .filter(|key| {
                anchors.iter().any(|anchor| {
                    anchor.algorithm() == key.algorithm()
                        && anchor.public_key().public_bytes() == key.public_key().public_bytes()
                })
            })
            .cloned()
            .collect(),
    };
    if entry.is_empty() {
        return Err(Security::Bogus(Reason::DnskeyMissing));
    }
    rrset(dnskeys, sigs, &entry, zone, now, budget).map_err(Security::Bogus)?;
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use hickory_proto::rr::RecordType;
    use hickory_proto::serialize::binary::BinDecodable;
    use zone_loader::wire::name::Name as WireName;

    use super::*;
    use crate::records;

    /// 2030-01-01: inside the test signatures' validity (2026-2046).
    const NOW: u32 = 1_893_456_000;

    /// The records of a signed test zone (tests data, signed by
    /// ldns-signzone, valid 2026-01-01 to 2046-12-31), and its DS.
    fn zone(text: &str) -> (Vec<Record>, Vec<DS>) {
        let origin = WireName::from_text(b"example.", &WireName::root()).unwrap();
        // The DS beside the keys is the parent's: a zone may not hold it
        // at its apex (RFC 4034 5), so it is read apart.
        let without_ds: Vec<&str> = text.lines().filter(|l| !l.contains("\tDS\t")).collect();
        let (zone, _) =
            zone_loader::zone_from_str(&without_ds.join("\n"), &origin, "test.zone").unwrap();
        let mut all = Vec::new();
        for node in zone.nodes() {
            let owner = Name::from_bytes(zone.name(node)).unwrap();
            for rrset in zone.rrsets(node) {
                let rtype = RecordType::from(rrset.rtype);
                all.extend(
                    zone.records(rrset)
                        .filter_map(|rdata| records::record(&owner, rtype, rrset.ttl, rdata)),
                );
            }
        }
        let ds_line = text.lines().find(|l| l.contains("\tDS\t")).unwrap();
        let ds_text = ds_line.rsplit("DS\t").next().unwrap();
        let fields: Vec<&str> = ds_text.split_whitespace().collect();
        let ds = DS::new(
            fields[0].parse().unwrap(),
            Algorithm::from_u8(fields[1].parse().unwrap()),
            hickory_proto::dnssec::DigestType::from(fields[2].parse::<u8>().unwrap()),
            data_encoding::HEXLOWER_PERMISSIVE
                .decode(fields[3].as_bytes())
                .unwrap(),
        );
        (all, vec![ds])
    }

    fn of(all: &[Record], owner: &str, rtype: RecordType) -> Vec<Record> {
        let owner = Name::from_str(owner).unwrap();
        all.iter()
            .filter(|r| r.name == owner && r.record_type() == rtype)
            .cloned()
            .collect()
    }

    const ZONES: [(&str, &str); 5] = [
        ("RSASHA256", include_str!("testdata/RSASHA256.zone")),
        ("RSASHA512", include_str!("testdata/RSASHA512.zone")),
        (
            "ECDSAP256SHA256",
            include_str!("testdata/ECDSAP256SHA256.zone"),
        ),
        (
            "ECDSAP384SHA384",
            include_str!("testdata/ECDSAP384SHA384.zone"),
        ),
        ("ED25519", include_str!("testdata/ED25519.zone")),
    ];

    #[test]
    fn every_algorithm_validates_from_the_ds_down() {
        let apex = Name::from_str("example.").unwrap();
        for (algorithm, text) in ZONES {
            let (all, ds) = zone(text);
            let sigs = |owner: &str| of(&all, owner, RecordType::RRSIG);
            let mut budget = Budget::per_query();
            let keys = trusted_keys(
                &apex,
                &of(&all, "example.", RecordType::DNSKEY),
                &sigs("example."),
                &Vouch::Ds(&ds),
                NOW,
                Algorithms::default(),
                &mut budget,
            )
            .unwrap_or_else(|e| panic!("{algorithm}: {e:?}"));
            assert_eq!(keys.len(), 2, "{algorithm}");
            for (owner, rtype) in [
                ("www.example.", RecordType::A),
                ("www.example.", RecordType::TXT),
                ("example.", RecordType::SOA),
                ("*.wild.example.", RecordType::A),
            ] {
                let records = of(&all, owner, rtype);
                assert_eq!(
                    rrset(&records, &sigs(owner), &keys, &apex, NOW, &mut budget),
                    Ok(()),
                    "{algorithm} {owner} {rtype}"
                );
            }

            // A changed record, an expired or future clock, a missing key.
            let mut forged = of(&all, "www.example.", RecordType::A);
            forged[0].data = RData::A("192.0.2.66".parse().unwrap());
            let www = sigs("www.example.");
            assert_eq!(
                rrset(&forged, &www, &keys, &apex, NOW, &mut budget),
                Err(Reason::BadSignature),
                "{algorithm}"
            );
            let a = of(&all, "www.example.", RecordType::A);
            assert_eq!(
                rrset(&a, &www, &keys, &apex, 2_500_000_000, &mut budget),
                Err(Reason::SignatureExpired)
            );
            assert_eq!(
                rrset(&a, &www, &keys, &apex, 1_700_000_000, &mut budget),
                Err(Reason::SignatureNotYetValid)
            );
            assert_eq!(
                rrset(&a, &[], &keys, &apex, NOW, &mut budget),
                Err(Reason::RrsigsMissing)
            );
            assert_eq!(
                rrset(&a, &www, &[], &apex, NOW, &mut budget),
                Err(Reason::DnskeyMissing)
            );
        }
    }

    /// RSASHA1 (5) and RSASHA1-NSEC3-SHA1 (7): insecure by default, from
    /// a DS or a DNSKEY anchor alike; validated with `sha1-validation`
    /// (RFC 9905 2; issue 13 item 5: a DNSKEY anchor was bogus).
    #[test]
    fn sha1_algorithms_are_insecure_unless_asked_for() {
        let apex = Name::from_str("example.").unwrap();
        for (algorithm, text) in [
            ("RSASHA1", include_str!("testdata/RSASHA1.zone")),
            (
                "RSASHA1NSEC3SHA1",
                include_str!("testdata/RSASHA1NSEC3SHA1.zone"),
            ),
        ] {
            let (all, ds) = zone(text);
            let dnskeys = of(&all, "example.", RecordType::DNSKEY);
            let sigs = |owner: &str| of(&all, owner, RecordType::RRSIG);
            let anchor: Vec<DNSKEY> = dnskeys
                .iter()
                .filter_map(dnskey)
                .filter(|k| k.secure_entry_point())
                .cloned()
                .collect();
            let mut budget = Budget::per_query();
            for vouch in [Vouch::Ds(&ds), Vouch::Keys(&anchor)] {
                let mut check = |sha1: bool| {
                    trusted_keys(
                        &apex,
                        &dnskeys,
                        &sigs("example."),
                        &vouch,
                        NOW,
                        Algorithms { sha1 },
                        &mut budget,
                    )
                };
                assert_eq!(
                    check(false).err(),
                    Some(Security::Insecure),
                    "{algorithm} {vouch:?}: off by default"
                );
                let keys = check(true).unwrap_or_else(|e| panic!("{algorithm} {vouch:?}: {e:?}"));
                assert_eq!(keys.len(), 2, "{algorithm}");
                let www = of(&all, "www.example.", RecordType::A);
                assert_eq!(
                    rrset(&www, &sigs("www.example."), &keys, &apex, NOW, &mut budget),
                    Ok(()),
                    "{algorithm}"
                );
            }
        }
    }

    #[test]
    fn a_ds_for_another_key_or_an_unknown_algorithm() {
        let apex = Name::from_str("example.").unwrap();
        let (all, ds) = zone(ZONES[2].1);
        let dnskeys = of(&all, "example.", RecordType::DNSKEY);
        let sigs = of(&all, "example.", RecordType::RRSIG);
        let mut budget = Budget::per_query();
        let other = DS::new(
            ds[0].key_tag().wrapping_add(1),
            ds[0].algorithm(),
            ds[0].digest_type(),
            vec![0; 32],
        );
        assert!(matches!(
            trusted_keys(
                &apex,
                &dnskeys,
                &sigs,
                &Vouch::Ds(&[other]),
                NOW,
                Algorithms::default(),
                &mut budget
            ),
            Err(Security::Bogus(Reason::DnskeyMissing))
        ));
        let unknown = DS::new(1, Algorithm::Unknown(200), ds[0].digest_type(), vec![0; 32]);
        assert!(matches!(
            trusted_keys(
                &apex,
                &dnskeys,
                &sigs,
                &Vouch::Ds(&[unknown]),
                NOW,
                Algorithms::default(),
                &mut budget
            ),
            Err(Security::Insecure)
        ));
        // The same chain through the key itself as an anchor.
        let anchor: Vec<DNSKEY> = dnskeys
            .iter()
            .filter_map(dnskey)
            .filter(|k| k.secure_entry_point())
            .cloned()
            .collect();
        assert!(
            trusted_keys(
                &apex,
                &dnskeys,
                &sigs,
                &Vouch::Keys(&anchor),
                NOW,
                Algorithms::default(),
                &mut budget
            )
            .is_ok()
        );
    }

    /// The ECDSA P-256 test zone's trusted keys, its records, and a
    /// forged copy of www.example. A.
    fn forged_www() -> (Vec<DNSKEY>, Vec<Record>, Vec<Record>) {
        let apex = Name::from_str("example.").unwrap();
        let (all, ds) = zone(ZONES[2].1);
        let keys = trusted_keys(
            &apex,
            &of(&all, "example.", RecordType::DNSKEY),
            &of(&all, "example.", RecordType::RRSIG),
            &Vouch::Ds(&ds),
            NOW,
            Algorithms::default(),
            &mut Budget::per_query(),
        )
        .unwrap();
        let mut forged = of(&all, "www.example.", RecordType::A);
        forged[0].data = RData::A("192.0.2.66".parse().unwrap());
        (keys, all, forged)
    }

    #[test]
    fn colliding_keys_and_piles_of_signatures_cost_a_bounded_number_of_checks() {
        // KeyTrap (CVE-2023-50387): many keys sharing a key tag, many
        // signatures over one RRset; none verifies.
        let apex = Name::from_str("example.").unwrap();
        let (keys, all, forged) = forged_www();
        let colliding: Vec<DNSKEY> = std::iter::repeat_n(keys, 50).flatten().collect();
        let sigs: Vec<Record> =
            std::iter::repeat_n(of(&all, "www.example.", RecordType::RRSIG), 50)
                .flatten()
                .collect();
        let mut budget = Budget::per_query();
        assert_eq!(
            rrset(&forged, &sigs, &colliding, &apex, NOW, &mut budget),
            Err(Reason::BadSignature)
        );
        let spent = Budget::PER_QUERY - budget.verifications;
        let bound = (Budget::SIGNATURES_PER_RRSET * Budget::KEYS_PER_SIGNATURE) as u32;
        assert!(
            spent <= bound,
            "{spent} checks for one RRset, at most {bound}"
        );
    }

    #[test]
    fn the_budget_stops_runaway_verification() {
        let apex = Name::from_str("example.").unwrap();
        let (keys, all, forged) = forged_www();
        let sigs = of(&all, "www.example.", RecordType::RRSIG);
        let mut empty = Budget { verifications: 0 };
        assert_eq!(
            rrset(&forged, &sigs, &keys, &apex, NOW, &mut empty),
            Err(Reason::TooMuchWork)
        );
    }
}
