//! The resolver's reading of an arbitrary upstream answer to a known
//! question: decoding, classification (bailiwick, referrals, chains,
//! denials, DNSSEC records) and the denial-proof logic over its records.
#![no_main]

use std::str::FromStr;
use std::sync::LazyLock;

use hickory_proto::op::Message;
use hickory_proto::rr::{Name, RecordType};
use libfuzzer_sys::fuzz_target;
use resolver::iterate::step::classify;
use resolver::validate::denial;

static QNAME: LazyLock<Name> = LazyLock::new(|| Name::from_str("www.example.com.").expect("a name"));
static ZONE: LazyLock<Name> = LazyLock::new(|| Name::from_str("com.").expect("a name"));

fuzz_target!(|data: &[u8]| {
    let Ok(message) = Message::from_vec(data) else {
        return;
    };
    for qtype in [RecordType::A, RecordType::DS, RecordType::NS] {
        let _ = classify(&message, &QNAME, qtype, &ZONE);
    }
    let authority = &message.authorities;
    let nsecs = denial::nsecs(authority);
    let nsec3s = denial::nsec3s(authority);
    let _ = denial::nsec_nxdomain(&QNAME, &nsecs);
    let _ = denial::nsec_nodata(&QNAME, RecordType::A, &nsecs);
    let _ = denial::nsec3_nxdomain(&QNAME, &ZONE, &nsec3s);
    let _ = denial::nsec3_nodata(&QNAME, RecordType::DS, &ZONE, &nsec3s);
    let _ = denial::wildcard_answer(&QNAME, &ZONE, authority);
    let _ = denial::insecure_delegation(&QNAME, &ZONE, authority);
});
