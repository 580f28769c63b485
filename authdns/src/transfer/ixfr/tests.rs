use std::collections::HashMap;
use std::fmt::Write;
use std::net::IpAddr;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query as HQuery};
use hickory_proto::rr::rdata::SOA;
use hickory_proto::rr::{Name as HName, RData, Record as HRecord, RecordType};
use zone_loader::{Name, Snapshot, Zone, zone_from_str};

use super::*;
use crate::answer::{Request, Transport};
use crate::catalog::Change;
use crate::journal::Journals;
use crate::journal::diff::changeset;
use crate::transfer::{Start, Transfers, ZoneTransfer, start};
use crate::tsig::KeyRing;

const ORIGIN: &[u8] = b"\x07example\x00";

/// Version `serial` of the zone: `hosts` A records whose addresses
/// depend on the serial, so each version changes them all.
fn version(serial: u32, hosts: usize) -> Arc<Zone> {
    let mut text = format!("$TTL 60\n@ SOA ns hm {serial} 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n");
    for i in 0..hosts {
        writeln!(text, "h{i} A 10.{}.{}.{}", serial % 250, i / 250, i % 250).unwrap();
    }
    writeln!(text, "only{serial} TXT \"version {serial}\"").unwrap();
    let origin = Name::from_wire(ORIGIN).unwrap();
    Arc::new(zone_from_str(&text, &origin, "t.zone").unwrap().0)
}

fn ixfr_query(serial: u32) -> Vec<u8> {
    let name = HName::from_ascii("example.").unwrap();
    let mut msg = Message::new(7, MessageType::Query, OpCode::Query);
    msg.add_query(HQuery::query(name.clone(), RecordType::IXFR));
    let soa = SOA::new(name.clone(), name.clone(), serial, 2, 3, 4, 5);
    msg.add_authority(HRecord::from_rdata(name, 0, RData::SOA(soa)));
    msg.set_edns(Edns::new());
    msg.to_vec().unwrap()
}

/// What each answer record is: "SOA <serial>", or "+"/"-" for records
/// between SOAs, as a run-length string.
fn shape(records: &[HRecord]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for record in records {
        match &record.data {
            RData::SOA(soa) => out.push(format!("SOA {}", soa.serial)),
            _ => match out.last_mut() {
                Some(last) if last.starts_with("n=") => {
                    let n: usize = last[2..].parse().unwrap();
                    *last = format!("n={}", n + 1);
                }
                _ => out.push("n=1".to_owned()),
            },
        }
    }
    out
}

/// Every message of the IXFR of `changesets`, parsed.
fn messages(changesets: &[Arc<Changeset>]) -> Vec<Message> {
    let query = ixfr_query(changesets[0].from());
    let question_end = zone_loader::wire::query::parse(&query)
        .unwrap()
        .question_end;
    let mut ixfr = Ixfr::new(ORIGIN, changesets);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match ixfr.next_message(&query, question_end, &mut buf, 0) {
            Next::Message(len) => {
                assert!(len <= TARGET, "messages are filled to 16 KiB");
                out.push(Message::from_vec(&buf[..len]).unwrap());
            }
            Next::Done => return out,
            Next::TooLarge => panic!("too large"),
        }
    }
}

#[test]
fn rfc_1995_4_stream_shape() {
    let v: Vec<_> = (1..=3).map(|s| version(s, 2)).collect();
    let sets = [changeset(&v[0], &v[1]), changeset(&v[1], &v[2])].map(Arc::new);
    let out = messages(&sets);
    assert_eq!(out.len(), 1);
    assert!(out[0].metadata.authoritative);
    // Per changeset: the old SOA, 3 records removed (2 hosts and the
    // version's TXT), the new SOA, 3 added; the new SOA first and last.
    assert_eq!(
        shape(&out[0].answers),
        [
            "SOA 3", "SOA 1", "n=3", "SOA 2", "n=3", "SOA 2", "n=3", "SOA 3", "n=3", "SOA 3"
        ]
    );
    let removed = &out[0].answers[2..5];
    assert!(
        removed
            .iter()
            .any(|r| r.name.to_ascii() == "only1.example.")
    );
}

#[test]
fn a_large_changeset_spans_messages_in_order() {
    let (a, b) = (version(1, 3000), version(2, 3000));
    let sets = [Arc::new(changeset(&a, &b))];
    let out = messages(&sets);
    assert!(out.len() > 3, "{} messages", out.len());
    let all: Vec<HRecord> = out.into_iter().flat_map(|m| m.answers).collect();
    assert_eq!(
        shape(&all),
        ["SOA 2", "SOA 1", "n=3001", "SOA 2", "n=3001", "SOA 2"]
    );
}

#[test]
fn an_empty_changeset_is_its_two_soas() {
    let (a, b) = (version(1, 2), version(1, 2));
    let mut bumped = Zone::clone(&b);
    bumped.set_serial(2);
    let sets = [Arc::new(changeset(&a, &bumped))];
    let out = messages(&sets);
    assert_eq!(shape(&out[0].answers), ["SOA 2", "SOA 1", "SOA 2", "SOA 2"]);
}

struct Primary {
    transfers: Transfers,
    snapshot: Snapshot,
    dir: std::path::PathBuf,
}

/// A primary serving version 3 of a zone of `hosts` hosts, with the
/// journal 1 → 2 → 3.
fn primary(name: &str, hosts: usize) -> Primary {
    let dir = std::env::temp_dir().join(format!("authdns-ixfr-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let limits = HashMap::from([(Box::<[u8]>::from(ORIGIN), 1 << 24)]);
    let journals = Arc::new(Journals::open(dir.clone(), &limits, |_| None));
    let v: Vec<_> = (1..=3).map(|s| version(s, hosts)).collect();
    for pair in v.windows(2) {
        journals.record(&Change {
            origin: Name::from_wire(ORIGIN).unwrap(),
            old: Some(Arc::clone(&pair[0])),
            new: Some(Arc::clone(&pair[1])),
        });
    }
    let zone = ZoneTransfer {
        allow: vec!["192.0.2.0/24".parse().unwrap()],
        key: None,
    };
    let mut transfers = Transfers::new(KeyRing::default(), HashMap::from([(ORIGIN.into(), zone)]));
    transfers.set_journals(journals);
    Primary {
        transfers,
        snapshot: Snapshot::new([Arc::clone(&v[2])]),
        dir,
    }
}

fn ask(primary: &Primary, serial: u32, transport: Transport) -> (Option<Start>, Vec<u8>) {
    let config = crate::transfer::tests::config();
    let msg = ixfr_query(serial);
    let request = Request {
        msg: &msg,
        transport,
        client: "192.0.2.9".parse::<IpAddr>().unwrap(),
        now: 1_800_000_000,
    };
    let mut buf = Vec::new();
    let start = start(
        &primary.transfers,
        &primary.snapshot,
        &config,
        &request,
        &mut buf,
    );
    (start, buf)
}

#[test]
fn ixfr_comes_from_the_journal_when_it_reaches_back_far_enough() {
    let primary = primary("decide", 2);
    let Some(Start::Stream(stream)) = ask(&primary, 1, Transport::Tcp).0 else {
        panic!("a stream");
    };
    let serials: Vec<_> = stream.changesets.unwrap().iter().map(|c| c.to()).collect();
    assert_eq!(serials, [2, 3]);
    let Some(Start::Stream(stream)) = ask(&primary, 0, Transport::Tcp).0 else {
        panic!("a stream");
    };
    assert!(
        stream.changesets.is_none(),
        "older than the journal: the whole zone"
    );

    // Over UDP: the whole IXFR when it fits in one message.
    let (Some(Start::Reply(len)), buf) = ask(&primary, 2, Transport::Udp) else {
        panic!("one reply");
    };
    let reply = Message::from_vec(&buf[..len]).unwrap();
    assert!(!reply.metadata.truncation);
    assert_eq!(
        shape(&reply.answers),
        ["SOA 3", "SOA 2", "n=3", "SOA 3", "n=3", "SOA 3"]
    );
    assert!(reply.edns.is_some(), "the OPT is kept");
    std::fs::remove_dir_all(&primary.dir).unwrap();
}

#[test]
fn udp_ixfr_too_large_for_one_message_is_truncated() {
    let primary = primary("udp-tc", 200);
    let (Some(Start::Reply(len)), buf) = ask(&primary, 1, Transport::Udp) else {
        panic!("one reply");
    };
    assert!(len <= 1232);
    let reply = Message::from_vec(&buf[..len]).unwrap();
    assert!(reply.metadata.truncation && reply.answers.is_empty());
    std::fs::remove_dir_all(&primary.dir).unwrap();
}
