use std::collections::HashSet;
use std::fmt::Write;

use hickory_proto::op::Message;
use hickory_proto::rr::RecordType;
use zone_loader::{Name, zone_from_str};

use super::*;

/// A zone of a few thousand records: a delegation with glue, data
/// occluded below it, a big RRset and many names.
fn zone_text(hosts: usize) -> String {
    let mut text = String::from(
        "$TTL 3600\n@ SOA ns1 hostmaster 2026120301 7200 3600 1209600 300\n@ NS ns1\n\
         ns1 A 192.0.2.1\nsub NS ns.sub\nns.sub A 192.0.2.53\nhidden.sub A 192.0.2.54\n\
         big 300 TXT \"one\"\nbig 300 TXT \"two\"\n",
    );
    for i in 0..hosts {
        writeln!(text, "host{i} A 198.51.{}.{}", i / 250, i % 250).unwrap();
        writeln!(text, "host{i} TXT \"record number {i} of the test zone\"").unwrap();
    }
    text
}

fn zone(text: &str) -> Zone {
    let origin = Name::from_text(b"example.com.", &Name::root()).unwrap();
    zone_from_str(text, &origin, "test.zone").unwrap().0
}

fn axfr_query() -> Vec<u8> {
    let mut q =
        b"\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03com\x00\x00\xfc\x00\x01"
            .to_vec();
    q.shrink_to_fit();
    q
}

/// Every message of the transfer, as hickory reads them.
fn transfer(zone: &Zone, reserve: usize) -> Vec<(usize, Message)> {
    let query = axfr_query();
    let mut axfr = Axfr::new(zone);
    let mut buf = Vec::new();
    let mut messages = Vec::new();
    loop {
        match axfr.next_message(&query, query.len(), &mut buf, reserve) {
            Next::Message(len) => {
                let msg = Message::from_vec(&buf[..len]).expect("compression pointers valid");
                messages.push((len, msg));
            }
            Next::Done => return messages,
            Next::TooLarge => panic!("a record did not fit"),
        }
        assert!(messages.len() < 10_000, "the stream ends");
    }
}

#[test]
fn rfc5936_soa_first_and_last_every_record_once() {
    let zone = zone(&zone_text(2000));
    let messages = transfer(&zone, 100);
    assert!(messages.len() > 4, "{} messages", messages.len());
    let records: Vec<_> = messages
        .iter()
        .flat_map(|(_, m)| m.answers.iter().cloned())
        .collect();
    assert_eq!(records.first().unwrap().record_type(), RecordType::SOA);
    assert_eq!(records.last().unwrap().record_type(), RecordType::SOA);
    let body = &records[1..records.len() - 1];
    assert!(body.iter().all(|r| r.record_type() != RecordType::SOA));
    let distinct: HashSet<String> = body.iter().map(ToString::to_string).collect();
    assert_eq!(distinct.len(), body.len(), "no record twice");
    assert_eq!(body.len() + 1, zone.stats().records, "every record");
    for wanted in [
        "hidden.sub.example.com.",
        "ns.sub.example.com.",
        "big.example.com.",
    ] {
        assert!(
            body.iter().any(|r| r.name.to_ascii() == wanted),
            "{wanted} (glue, occluded data, a big RRset) is sent"
        );
    }
    for (len, msg) in &messages {
        assert!(*len <= TARGET - 100, "{len} octets");
        assert!(msg.metadata.authoritative);
        assert_eq!(msg.queries.len(), 1);
    }
}

#[test]
fn names_are_compressed() {
    let zone = zone(&zone_text(300));
    let query = axfr_query();
    let mut buf = Vec::new();
    let Next::Message(len) = Axfr::new(&zone).next_message(&query, query.len(), &mut buf, 0) else {
        panic!("no first message");
    };
    let records = Message::from_vec(&buf[..len]).unwrap().answers.len();
    // Owners end in a pointer to the question's "example.com" (offset
    // 12), or point whole to the same owner written just before.
    let pointers = buf[..len].windows(2).filter(|w| w == &[0xc0, 12]).count();
    assert!(
        2 * pointers >= records,
        "{pointers} pointers, {records} records"
    );
    assert!(
        !buf[query.len()..len]
            .windows(13)
            .any(|w| w == b"\x07example\x03com\x00"),
        "the origin is never written again"
    );
}

#[test]
fn a_record_bigger_than_the_target_gets_a_message_of_its_own() {
    let mut text = zone_text(1);
    let long = "x".repeat(250);
    text.push_str("huge TXT");
    for _ in 0..80 {
        write!(text, " \"{long}\"").unwrap();
    }
    text.push('\n');
    let zone = zone(&text);
    let messages = transfer(&zone, 0);
    assert!(messages.iter().any(|(len, _)| *len > TARGET));
    assert!(messages.iter().all(|(len, _)| *len <= MAX_MESSAGE));
}

#[test]
fn rrsigs_keep_the_ttl_of_what_they_cover() {
    let text = "$TTL 3600\n@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\nns1 300 A 192.0.2.1\n\
        ns1 300 RRSIG A 13 3 300 20300101000000 20200101000000 1 example.com. AAAA\n\
        ns1 3600 RRSIG NSEC 13 3 3600 20300101000000 20200101000000 1 example.com. AAAA\n\
        ns1 3600 NSEC example.com. A RRSIG NSEC\n";
    let zone = zone(text);
    let messages = transfer(&zone, 0);
    let sigs: Vec<(u32, String)> = messages[0]
        .1
        .answers
        .iter()
        .filter(|r| r.record_type() == RecordType::RRSIG)
        .map(|r| (r.ttl, r.data.to_string()))
        .collect();
    assert_eq!(sigs.len(), 2);
    for (ttl, data) in sigs {
        let expected = if data.starts_with("A ") { 300 } else { 3600 };
        assert_eq!(ttl, expected, "{data}");
    }
}
