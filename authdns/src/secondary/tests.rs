//! The transfer reader on AXFR and IXFR shapes and broken streams, the
//! apply step, and the disk copy's round trip.

use std::sync::Arc;

use zone_loader::rtype::code;
use zone_loader::{Name, Zone};

use super::XfrError;
use super::apply;
use super::message::Record;
use super::store;
use super::xfr_reader::{Answer, Bounds, read_all};
use crate::catalog::Catalog;
use crate::tsig::Failure;

const BOUNDS: Bounds = Bounds {
    max_records: 1000,
    max_bytes: 1 << 20,
};
const ID: u16 = 0x1234;

fn origin() -> Name {
    Name::from_text(b"example.org.", &Name::root()).unwrap()
}

fn name(text: &str) -> Vec<u8> {
    Name::from_text(text.as_bytes(), &origin())
        .unwrap()
        .as_wire()
        .to_vec()
}

fn soa(serial: u32) -> Vec<u8> {
    let mut rdata = name("ns1");
    rdata.extend(name("hostmaster"));
    for field in [serial, 7200, 3600, 1_209_600, 300] {
        rdata.extend_from_slice(&field.to_be_bytes());
    }
    rdata
}

fn a(last: u8) -> Vec<u8> {
    vec![192, 0, 2, last]
}

/// A record for a message: owner (relative), type, rdata.
type Rr = (&'static str, u16, Vec<u8>);

/// A response to the query `ID` with the question (`qtype`) when asked.
fn message(qtype: Option<u16>, records: &[Rr]) -> Vec<u8> {
    let mut msg = ID.to_be_bytes().to_vec();
    msg.extend_from_slice(&[0x84, 0]);
    msg.extend_from_slice(&u16::from(qtype.is_some()).to_be_bytes());
    msg.extend_from_slice(&(records.len() as u16).to_be_bytes());
    msg.extend_from_slice(&[0, 0, 0, 0]);
    if let Some(qtype) = qtype {
        msg.extend(origin().as_wire());
        msg.extend_from_slice(&qtype.to_be_bytes());
        msg.extend_from_slice(&[0, 1]);
    }
    for (owner, rtype, rdata) in records {
        msg.extend(name(owner));
        msg.extend_from_slice(&rtype.to_be_bytes());
        msg.extend_from_slice(&[0, 1, 0, 0, 0x0e, 0x10]);
        msg.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        msg.extend_from_slice(rdata);
    }
    msg
}

fn base() -> Vec<Rr> {
    vec![
        ("@", code::SOA, soa(5)),
        ("@", code::NS, name("ns1")),
        ("ns1", code::A, a(1)),
        ("www", code::A, a(2)),
    ]
}

fn axfr(serial: u32, body: &[Rr]) -> Vec<Vec<u8>> {
    let mut first = vec![("@", code::SOA, soa(serial))];
    first.extend_from_slice(&body[1..2]);
    let mut rest = body[2..].to_vec();
    rest.push(("@", code::SOA, soa(serial)));
    vec![message(Some(code::AXFR), &first), message(None, &rest)]
}

fn read(qtype: u16, ours: Option<u32>, messages: &[Vec<u8>]) -> Result<Answer, XfrError> {
    let messages: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    read_all(&origin(), qtype, ours, &messages, BOUNDS)
}

fn zone(records: &[Rr]) -> Zone {
    let records: Vec<Record> = records.iter().map(record).collect();
    apply::full(&origin(), &records, "test").unwrap()
}

fn record((owner, rtype, rdata): &Rr) -> Record {
    Record {
        owner: Name::from_wire(&name(owner)).unwrap(),
        rtype: *rtype,
        ttl: 3600,
        rdata: rdata.clone(),
    }
}

fn texts(zone: &Zone) -> Vec<String> {
    let mut lines: Vec<String> = store::to_text(zone)
        .lines()
        .filter(|l| !l.starts_with(';'))
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

#[test]
fn an_axfr_in_two_messages_is_read_whole() {
    let Answer::Full(records) = read(code::AXFR, None, &axfr(5, &base())).unwrap() else {
        panic!("an AXFR is full");
    };
    assert_eq!(records.len(), 4, "the closing SOA is left out");
    assert_eq!(records[0].soa_serial(), Some(5));
    let built = apply::full(&origin(), &records, "AXFR").unwrap();
    assert_eq!(built.serial(), 5);
}

#[test]
fn an_ixfr_answered_whole_is_an_axfr() {
    let mut messages = axfr(7, &base());
    // As an IXFR: the question says IXFR.
    messages[0] = message(
        Some(code::IXFR),
        &[("@", code::SOA, soa(7)), ("@", code::NS, name("ns1"))],
    );
    assert!(matches!(
        read(code::IXFR, Some(5), &messages).unwrap(),
        Answer::Full(_)
    ));
}

#[test]
fn one_soa_not_newer_means_current() {
    let messages = [message(Some(code::IXFR), &[("@", code::SOA, soa(5))])];
    assert_eq!(
        read(code::IXFR, Some(5), &messages).unwrap(),
        Answer::UpToDate(5)
    );
}

/// RFC 1995 7's example shape: 5 → 6 → 7 over two messages.
fn ixfr_5_to_7() -> Vec<Vec<u8>> {
    vec![
        message(
            Some(code::IXFR),
            &[
                ("@", code::SOA, soa(7)),
                ("@", code::SOA, soa(5)),
                ("www", code::A, a(2)),
                ("@", code::SOA, soa(6)),
                ("www", code::A, a(3)),
            ],
        ),
        message(
            None,
            &[
                ("@", code::SOA, soa(6)),
                ("@", code::SOA, soa(7)),
                ("mail", code::A, a(4)),
                ("@", code::SOA, soa(7)),
            ],
        ),
    ]
}

#[test]
fn an_incremental_answer_applies_in_order() {
    let Answer::Incremental(diffs) = read(code::IXFR, Some(5), &ixfr_5_to_7()).unwrap() else {
        panic!("incremental");
    };
    assert_eq!(diffs.len(), 2);
    assert_eq!(diffs[0].deleted.len(), 1);
    assert_eq!(diffs[1].added.len(), 1);
    let old = zone(&base());
    let new = apply::incremental(&old, &diffs, "IXFR").unwrap();
    assert_eq!(new.serial(), 7);
    let mut wanted = base();
    wanted[0] = ("@", code::SOA, soa(7));
    wanted[3] = ("www", code::A, a(3));
    wanted.push(("mail", code::A, a(4)));
    assert_eq!(texts(&new), texts(&zone(&wanted)));
}

/// Records deleted, added back, added then deleted across several
/// differences: only the net change is applied, and a record deleted
/// twice is a failed transfer.
#[test]
fn differences_fold_into_one_net_change() {
    let chain = |third_deletes: Rr| {
        vec![message(
            Some(code::IXFR),
            &[
                ("@", code::SOA, soa(8)),
                ("@", code::SOA, soa(5)),
                ("www", code::A, a(2)),
                ("@", code::SOA, soa(6)),
                ("mail", code::A, a(4)),
                ("@", code::SOA, soa(6)),
                ("mail", code::A, a(4)),
                ("@", code::SOA, soa(7)),
                ("www", code::A, a(2)),
                ("@", code::SOA, soa(7)),
                third_deletes,
                ("@", code::SOA, soa(8)),
                ("@", code::SOA, soa(8)),
            ],
        )]
    };
    let Answer::Incremental(diffs) =
        read(code::IXFR, Some(5), &chain(("www", code::A, a(2)))).unwrap()
    else {
        panic!("incremental");
    };
    let new = apply::incremental(&zone(&base()), &diffs, "IXFR").unwrap();
    let mut wanted = base();
    wanted[0] = ("@", code::SOA, soa(8));
    wanted.remove(3);
    assert_eq!(texts(&new), texts(&zone(&wanted)));

    let Answer::Incremental(diffs) =
        read(code::IXFR, Some(5), &chain(("mail", code::A, a(4)))).unwrap()
    else {
        panic!("incremental");
    };
    let err = apply::incremental(&zone(&base()), &diffs, "IXFR").unwrap_err();
    assert!(matches!(err, XfrError::DeletesAbsent(_)), "{err}");
}

#[test]
fn an_ixfr_deleting_an_absent_record_fails() {
    let messages = [message(
        Some(code::IXFR),
        &[
            ("@", code::SOA, soa(6)),
            ("@", code::SOA, soa(5)),
            ("nope", code::A, a(9)),
            ("@", code::SOA, soa(6)),
            ("@", code::SOA, soa(6)),
        ],
    )];
    let Answer::Incremental(diffs) = read(code::IXFR, Some(5), &messages).unwrap() else {
        panic!("incremental");
    };
    let err = apply::incremental(&zone(&base()), &diffs, "IXFR").unwrap_err();
    assert!(matches!(err, XfrError::DeletesAbsent(_)), "{err}");
}

#[test]
fn broken_streams_fail_with_the_reason() {
    let good = axfr(5, &base());
    // Cut off: the closing SOA never comes.
    assert_eq!(
        read(code::AXFR, None, &good[..1]),
        Err(XfrError::Incomplete)
    );
    // Data after the end.
    let mut after = good.clone();
    after.push(message(None, &[("www", code::A, a(5))]));
    assert_eq!(read(code::AXFR, None, &after), Err(XfrError::AfterEnd));
    // The closing SOA with another serial.
    let mut messages = good.clone();
    messages[1] = message(None, &[("@", code::SOA, soa(6))]);
    assert!(matches!(
        read(code::AXFR, None, &messages),
        Err(XfrError::Sequence(_))
    ));
    // Not an SOA first.
    let messages = [message(Some(code::AXFR), &[("www", code::A, a(2))])];
    assert_eq!(
        read(code::AXFR, None, &messages),
        Err(XfrError::NotSoaFirst)
    );
    // An error RCODE.
    let mut refused = good[0].clone();
    refused[3] = 5;
    assert_eq!(read(code::AXFR, None, &[refused]), Err(XfrError::Rcode(5)));
    // Another question.
    assert_eq!(read(code::IXFR, None, &good), Err(XfrError::WrongQuestion));
    // A message from another exchange.
    let mut stray = good.clone();
    stray[1][1] ^= 1;
    assert_eq!(read(code::AXFR, None, &stray), Err(XfrError::WrongId));
    // Truncated in the middle of a record, and every shorter cut.
    for cut in 0..good[0].len() {
        let short = [good[0][..cut].to_vec()];
        assert!(read(code::AXFR, None, &short).is_err(), "cut at {cut}");
    }
    // A compression pointer pointing forwards (a loop).
    let mut looped = good[0].clone();
    let at = looped.len() - 2 - 4 - 10;
    looped[at..at + 2].copy_from_slice(&[0xc0, 0xff]);
    assert!(read(code::AXFR, None, &[looped]).is_err());
    // IXFR differences that do not chain.
    let mut gap = ixfr_5_to_7();
    gap[1] = message(
        None,
        &[
            ("@", code::SOA, soa(4)),
            ("@", code::SOA, soa(7)),
            ("@", code::SOA, soa(7)),
        ],
    );
    assert!(matches!(
        read(code::IXFR, Some(5), &gap),
        Err(XfrError::Sequence(_))
    ));
}

#[test]
fn transfers_are_bounded() {
    let messages: Vec<&[u8]> = Vec::new();
    let tight = Bounds {
        max_records: 3,
        max_bytes: 1 << 20,
    };
    let good = axfr(5, &base());
    let all: Vec<&[u8]> = good.iter().map(Vec::as_slice).collect();
    assert_eq!(
        read_all(&origin(), code::AXFR, None, &all, tight),
        Err(XfrError::TooManyRecords)
    );
    let small = Bounds {
        max_records: 100,
        max_bytes: 50,
    };
    assert_eq!(
        read_all(&origin(), code::AXFR, None, &all, small),
        Err(XfrError::TooLarge)
    );
    assert_eq!(
        read_all(&origin(), code::AXFR, None, &messages, BOUNDS),
        Err(XfrError::Incomplete)
    );
}

#[test]
fn compressed_names_in_rdata_are_expanded() {
    // MX 10 mail.<pointer to example.org in the question>.
    let mut first = message(Some(code::AXFR), &[("@", code::SOA, soa(5))]);
    first[7] = 4;
    first.extend([0xc0, 12]);
    first.extend_from_slice(&code::MX.to_be_bytes());
    first.extend_from_slice(&[0, 1, 0, 0, 0, 60, 0, 9, 0, 10, 4]);
    first.extend_from_slice(b"mail");
    first.extend([0xc0, 12]);
    first.extend(
        message(
            None,
            &[("@", code::NS, name("ns1")), ("@", code::SOA, soa(5))],
        )[12..]
            .iter(),
    );
    let Answer::Full(records) = read(code::AXFR, None, &[first]).unwrap() else {
        panic!("full");
    };
    assert_eq!(records[1].rtype, code::MX);
    let mut wanted = vec![0, 10];
    wanted.extend(name("mail"));
    assert_eq!(records[1].rdata, wanted);
}

#[test]
fn a_zone_failing_the_checks_is_rejected() {
    let mut records = base();
    records.push(("www", code::CNAME, name("ns1")));
    let records: Vec<Record> = records.iter().map(record).collect();
    let err = apply::full(&origin(), &records, "AXFR from 192.0.2.1:53").unwrap_err();
    let XfrError::Rejected(problems) = err else {
        panic!("rejected: {err}");
    };
    assert!(
        problems[0].contains("AXFR from 192.0.2.1:53"),
        "{problems:?}"
    );
}

#[test]
fn the_disk_copy_reads_back_exactly() {
    let mut records = base();
    records.push(("Mixed.Case", code::MX, {
        let mut rdata = vec![0, 10];
        rdata.extend(name("MAIL.Example.org."));
        rdata
    }));
    records.push(("txt", code::TXT, b"\x05a \"b\\\x03\x00\xff;\x00".to_vec()));
    records.push((
        "v6",
        code::AAAA,
        vec![0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    ));
    records.push(("alias", code::CNAME, name("W\\(w\\)")));
    records.push(("key", code::DNSKEY, vec![1, 0, 3, 13, 0xaa, 0xbb]));
    records.push(("empty", 65_280, Vec::new()));
    records.push(("esc\\.aped", code::A, a(7)));
    let original = zone(&records);
    let dir = std::env::temp_dir().join(format!("authdns-store-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
    let path = store::save(&dir, &original, when).unwrap();
    assert!(path.ends_with("secondary/example.org.zone"), "{path:?}");
    let stored = store::load(&dir, &origin()).unwrap().unwrap();
    assert_eq!(stored.refreshed, when);
    assert_eq!(texts(&stored.zone), texts(&original));
    for node in original.nodes() {
        let other = stored.zone.find(original.name(node)).unwrap();
        let back = stored.zone.node(other);
        assert_eq!(
            original.name(node),
            stored.zone.name(back),
            "names keep their case"
        );
        for (a, b) in original.rrsets(node).iter().zip(stored.zone.rrsets(back)) {
            assert_eq!((a.rtype, a.ttl), (b.rtype, b.ttl));
            let a: Vec<&[u8]> = original.records(a).collect();
            let b: Vec<&[u8]> = stored.zone.records(b).collect();
            assert_eq!(a, b, "rdata reads back octet for octet");
        }
        assert_eq!(original.rrsets(node).len(), stored.zone.rrsets(back).len());
    }
    let later = when + std::time::Duration::from_secs(60);
    store::touch(&dir, &origin(), later).unwrap();
    assert_eq!(
        store::load(&dir, &origin()).unwrap().unwrap().refreshed,
        later
    );
    assert!(
        store::load(&dir, &Name::from_text(b"other.", &Name::root()).unwrap())
            .unwrap()
            .is_none()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_expired_zone_is_marked_until_installed_again() {
    let dir = std::env::temp_dir().join(format!("authdns-expired-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut catalog, _) = Catalog::load(&dir).unwrap();
    let wire = origin().as_wire().to_vec();
    assert!(catalog.withdraw(&wire).is_none());
    let www = name("www");
    assert_eq!(catalog.shared().load().expired(&www), Some(&wire[..]));
    catalog.install(Arc::new(zone(&base()))).unwrap();
    assert_eq!(catalog.shared().load().expired(&www), None);
    assert!(catalog.withdraw(&wire).is_some());
    assert_eq!(catalog.shared().load().expired(&www), Some(&wire[..]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_signed_answer_is_required_when_the_query_was_signed() {
    use crate::tsig::{Algorithm, Exchange, Key};
    let key = Arc::new(Key::new(
        &Name::from_text(b"xfr.example.", &Name::root()).unwrap(),
        Algorithm::HmacSha256,
        b"secret".to_vec(),
    ));
    let mut query = message(Some(code::AXFR), &[]);
    query[2] = 0;
    let exchange = Exchange::sign(&key, &mut query, 1000);
    let mut reader =
        super::xfr_reader::Reader::new(&origin(), ID, code::AXFR, None, Some(exchange), BOUNDS);
    let unsigned = &axfr(5, &base())[0];
    assert_eq!(
        reader.feed(unsigned, 1000),
        Err(XfrError::Tsig(Failure::Unsigned))
    );
    // An unsigned REFUSED says REFUSED, not only "unsigned".
    let mut query = message(Some(code::AXFR), &[]);
    query[2] = 0;
    let exchange = Exchange::sign(&key, &mut query, 1000);
    let mut reader =
        super::xfr_reader::Reader::new(&origin(), ID, code::AXFR, None, Some(exchange), BOUNDS);
    let mut refused = message(Some(code::AXFR), &[]);
    refused[3] = 5;
    assert_eq!(reader.feed(&refused, 1000), Err(XfrError::Rcode(5)));
}

/// Knot DNS 3.2's own answers (fuzz/corpus/xfr_reader, captured from
/// knotd on loopback): an AXFR of serial 1, then an IXFR 1 → 2 changing
/// `www`, names compressed as Knot compresses them.
#[test]
fn knot_captures_read_and_apply() {
    let origin = Name::from_text(b"sec.test.", &Name::root()).unwrap();
    let axfr = include_bytes!("../../../fuzz/corpus/xfr_reader/seed-knot-axfr");
    let Answer::Full(records) = super::xfr_reader::read_stream(&origin, axfr).unwrap() else {
        panic!("full");
    };
    let old = apply::full(&origin, &records, "AXFR").unwrap();
    assert_eq!(old.serial(), 1);
    let ixfr = include_bytes!("../../../fuzz/corpus/xfr_reader/seed-knot-ixfr");
    let Answer::Incremental(diffs) = super::xfr_reader::read_stream(&origin, ixfr).unwrap() else {
        panic!("incremental");
    };
    let new = apply::incremental(&old, &diffs, "IXFR").unwrap();
    assert_eq!(new.serial(), 2);
    let www = new.find(b"\x03www\x03sec\x04test\x00").unwrap();
    let rrset = new.rrset(new.node(www), code::A).unwrap();
    assert_eq!(
        new.records(rrset).collect::<Vec<_>>(),
        [&[192, 0, 2, 2][..]]
    );
    assert_eq!(texts(&old).len(), texts(&new).len());
}

/// A NOTIFY for `zone` (wire form) as a primary sends it.
fn notify_request(zone: &[u8]) -> Vec<u8> {
    let mut msg = vec![0x42, 0x42, 0x24, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    msg.extend_from_slice(zone);
    msg.extend_from_slice(&[0, 6, 0, 1]);
    msg
}

#[test]
fn rfc1996_notify_from_a_primary_only_and_signed_when_keyed() {
    use super::{Limits, Secondaries, SecondaryZone, notify_in};
    use crate::answer::{Request, Transport};
    use crate::tsig::{Algorithm, Exchange, Key, KeyRing};

    let key = Arc::new(Key::new(
        &Name::from_text(b"xfr.example.", &Name::root()).unwrap(),
        Algorithm::HmacSha256,
        b"secret".to_vec(),
    ));
    let keyed = Name::from_text(b"keyed.example.", &Name::root()).unwrap();
    let secondaries = Secondaries::new(
        vec![
            SecondaryZone {
                origin: origin(),
                primaries: vec!["192.0.2.1:53".parse().unwrap()],
                key: None,
            },
            SecondaryZone {
                origin: keyed.clone(),
                primaries: vec!["192.0.2.1:53".parse().unwrap()],
                key: Some(Arc::clone(&key)),
            },
        ],
        Limits::default(),
    );
    let keys = KeyRing::new(vec![Arc::clone(&key)]);
    let ask = |msg: &[u8], from: &str| {
        let request = Request {
            msg,
            transport: Transport::Udp,
            client: from.parse().unwrap(),
            now: 1000,
        };
        let mut buf = Vec::new();
        notify_in::answer(&secondaries, &keys, &request, &mut buf)
            .map(|len| (buf[3] & 0x0f, buf[2] & 0x04 != 0, buf[..len].to_vec()))
    };
    let plain = notify_request(origin().as_wire());
    assert!(notify_in::is_notify(&plain));
    let (rcode, aa, answer) = ask(&plain, "192.0.2.1").unwrap();
    assert_eq!((rcode, aa), (0, true));
    assert_eq!(&answer[12..], &plain[12..], "the question echoed");
    assert_eq!(
        ask(&plain, "192.0.2.99").unwrap().0,
        5,
        "a stranger: REFUSED"
    );
    let unsigned = notify_request(keyed.as_wire());
    assert_eq!(
        ask(&unsigned, "192.0.2.1").unwrap().0,
        5,
        "unsigned where keyed"
    );
    let mut signed = notify_request(keyed.as_wire());
    let mut exchange = Exchange::sign(&key, &mut signed, 1000);
    let (rcode, _, answer) = ask(&signed, "192.0.2.1").unwrap();
    assert_eq!(rcode, 0);
    assert_eq!(
        exchange.verify(&answer, 1000),
        Ok(()),
        "the answer is signed"
    );
    let other = notify_request(b"\x05other\x00");
    assert!(
        ask(&other, "192.0.2.1").is_none(),
        "left to the answer path"
    );
}
