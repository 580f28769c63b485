use std::net::IpAddr;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query as HQuery, ResponseCode};
use hickory_proto::rr::rdata::SOA;
use hickory_proto::rr::rdata::opt::{EdnsCode, EdnsOption};
use hickory_proto::rr::{Name as HName, RData, Record, RecordType};
use zone_loader::{Name, zone_from_str};

use super::*;
use crate::chaos::Chaos;
use crate::cookies::CookieSecret;

const ZONE: &str = "$TTL 60\n@ SOA ns hm 10 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";

fn snapshot() -> Snapshot {
    let origin = Name::from_text(b"example.", &Name::root()).unwrap();
    Snapshot::new([Arc::new(zone_from_str(ZONE, &origin, "t.zone").unwrap().0)])
}

/// The answer settings the transfer tests share (no NSID, a fixed cookie secret).
pub(super) fn config() -> AnswerConfig {
    AnswerConfig {
        edns_udp_size: 1232,
        nsid: None,
        chaos: Chaos {
            identity: None,
            version: None,
        },
        cookie_secret: CookieSecret::from_hex("000102030405060708090a0b0c0d0e0f").unwrap(),
        expire: Default::default(),
    }
}

fn transfers(allow: &str) -> Transfers {
    let zone = ZoneTransfer {
        allow: vec![allow.parse().unwrap()],
        key: None,
    };
    let mut zones = HashMap::new();
    zones.insert(b"\x07example\x00".to_vec().into_boxed_slice(), zone);
    Transfers::new(KeyRing::default(), zones)
}

fn query(name: &str, rtype: RecordType, serial: Option<u32>) -> Vec<u8> {
    let mut msg = Message::new(7, MessageType::Query, OpCode::Query);
    msg.add_query(HQuery::query(HName::from_ascii(name).unwrap(), rtype));
    if let Some(serial) = serial {
        let soa = SOA::new(
            HName::from_ascii("ns.example.").unwrap(),
            HName::from_ascii("hm.example.").unwrap(),
            serial,
            2,
            3,
            4,
            5,
        );
        msg.add_authority(Record::from_rdata(
            HName::from_ascii(name).unwrap(),
            0,
            RData::SOA(soa),
        ));
    }
    msg.set_edns(Edns::new());
    msg.to_vec().unwrap()
}

fn run(transfers: &Transfers, msg: &[u8], transport: Transport, client: &str) -> Start {
    let request = Request {
        msg,
        transport,
        client: client.parse::<IpAddr>().unwrap(),
        now: 1_800_000_000,
    };
    let mut buf = Vec::new();
    start(transfers, &snapshot(), &config(), &request, &mut buf).unwrap()
}

fn reply(transfers: &Transfers, msg: &[u8], transport: Transport, client: &str) -> Message {
    let request = Request {
        msg,
        transport,
        client: client.parse::<IpAddr>().unwrap(),
        now: 1_800_000_000,
    };
    let mut buf = Vec::new();
    match start(transfers, &snapshot(), &config(), &request, &mut buf).unwrap() {
        Start::Reply(len) => Message::from_vec(&buf[..len]).unwrap(),
        Start::Stream(_) => panic!("a stream, not a reply"),
    }
}

#[test]
fn transfer_queries_are_recognised_by_their_question() {
    assert!(is_transfer(&query("example.", RecordType::AXFR, None)));
    assert!(is_transfer(&query("a.example.", RecordType::IXFR, Some(1))));
    assert!(!is_transfer(&query("example.", RecordType::SOA, None)));
    assert!(!is_transfer(&[0; 5]));
}

#[test]
fn an_allowed_client_gets_a_stream_over_tcp() {
    let t = transfers("192.0.2.0/24");
    let axfr = query("example.", RecordType::AXFR, None);
    let Start::Stream(stream) = run(&t, &axfr, Transport::Tcp, "192.0.2.9") else {
        panic!("no stream");
    };
    assert_eq!((stream.zone.serial(), stream.reserve()), (10, 0));
}

#[test]
fn refusals_carry_ede_18() {
    let t = transfers("192.0.2.0/24");
    let axfr = query("example.", RecordType::AXFR, None);
    let refused = reply(&t, &axfr, Transport::Tcp, "198.51.100.1");
    assert_eq!(refused.metadata.response_code, ResponseCode::Refused);
    let opt = refused.edns.as_ref().unwrap();
    let ede = opt
        .option(EdnsCode::Unknown(15))
        .or(opt.option(EdnsCode::from(15)));
    assert!(
        matches!(ede, Some(EdnsOption::Unknown(15, data)) if data == &[0, 18]),
        "{refused:?}"
    );
    let other = transfers("192.0.2.0/24");
    let none_listed = Transfers::new(KeyRing::default(), HashMap::new());
    let unlisted = reply(&none_listed, &axfr, Transport::Tcp, "192.0.2.9");
    assert_eq!(unlisted.metadata.response_code, ResponseCode::Refused);
    let not_served = reply(
        &other,
        &query("nope.", RecordType::AXFR, None),
        Transport::Tcp,
        "192.0.2.9",
    );
    assert_eq!(not_served.metadata.response_code, ResponseCode::NotAuth);
}

#[test]
fn udp_axfr_is_notimp_and_ixfr_soa_or_tc() {
    let t = transfers("192.0.2.0/24");
    let axfr = query("example.", RecordType::AXFR, None);
    let udp = reply(&t, &axfr, Transport::Udp, "192.0.2.9");
    assert_eq!(udp.metadata.response_code, ResponseCode::NotImp);
    let current = reply(
        &t,
        &query("example.", RecordType::IXFR, Some(10)),
        Transport::Udp,
        "192.0.2.9",
    );
    assert_eq!(current.answers.len(), 1);
    assert_eq!(current.answers[0].record_type(), RecordType::SOA);
    let behind = reply(
        &t,
        &query("example.", RecordType::IXFR, Some(9)),
        Transport::Udp,
        "192.0.2.9",
    );
    assert!(behind.metadata.truncation && behind.answers.is_empty());
    let newer = reply(
        &t,
        &query("example.", RecordType::IXFR, Some(11)),
        Transport::Tcp,
        "192.0.2.9",
    );
    assert_eq!(newer.answers.len(), 1, "RFC 1982: 11 is newer than 10");
    let Start::Stream(_) = run(
        &t,
        &query("example.", RecordType::IXFR, Some(9)),
        Transport::Tcp,
        "192.0.2.9",
    ) else {
        panic!("an IXFR from behind over TCP gets the zone");
    };
    let no_soa = reply(
        &t,
        &query("example.", RecordType::IXFR, None),
        Transport::Tcp,
        "192.0.2.9",
    );
    assert_eq!(no_soa.metadata.response_code, ResponseCode::FormErr);
}
