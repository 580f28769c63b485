use std::sync::Arc;

use hickory_proto::op::{Message, Query};
use hickory_proto::rr::rdata::tsig::TsigAlgorithm;
use hickory_proto::rr::{Name as HName, RecordType, TSigner};
use zone_loader::wire::name::Name;

use super::*;

/// "secret-secret-secret-secret-1234", the base64 text given to the tools.
const SECRET: &[u8] = b"secret-secret-secret-secret-1234";

/// `kdig -y hmac-sha256:xfr.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=
/// example.com SOA +noedns`, captured on loopback (signed at 0x6b114477).
const KDIG_SHA256: &str = "317c01200001000000000001076578616d706c6503636f6d000006000103786672076578616d706c650000fa00ff00000000003d0b686d61632d7368613235360000006b114477012c002047668cc42251cc2bea5351ee802f1baa03792c355cd14829f935c2ea13773aa6317c00000000";
/// `dig -y hmac-sha224:k224.example.:(the same secret) example.com SOA +noedns`.
const DIG_SHA224: &str = "23d801200001000000000001076578616d706c6503636f6d0000060001046b323234076578616d706c650000fa00ff0000000000390b686d61632d7368613232340000006b114479012c001c56c21f7111d7dd1b9a1a3410571c4e1e5257acbdd945acfdb48eb8eb23d800000000";

fn hex(text: &str) -> Vec<u8> {
    data_encoding::HEXLOWER.decode(text.as_bytes()).unwrap()
}

fn key(name: &str, algorithm: Algorithm, secret: &[u8]) -> Arc<Key> {
    let name = Name::from_text(name.as_bytes(), &Name::root()).unwrap();
    Arc::new(Key::new(&name, algorithm, secret.to_vec()))
}

fn ring(keys: &[Arc<Key>]) -> KeyRing {
    KeyRing::new(keys.to_vec())
}

#[test]
fn a_kdig_request_verifies() {
    let msg = hex(KDIG_SHA256);
    let keys = ring(&[key("xfr.example.", Algorithm::HmacSha256, SECRET)]);
    let Verified::Signed(signer) = verify(&keys, &msg, 0x6b11_4477 + 10) else {
        panic!("kdig's request does not verify");
    };
    assert_eq!(signer.key().name().as_wire(), b"\x03xfr\x07example\x00");
}

#[test]
fn a_dig_sha224_request_verifies() {
    let msg = hex(DIG_SHA224);
    let keys = ring(&[key("K224.example.", Algorithm::HmacSha224, SECRET)]);
    assert!(matches!(
        verify(&keys, &msg, 0x6b11_4479),
        Verified::Signed(_)
    ));
}

#[test]
fn rfc8945_5_2_errors() {
    let msg = hex(KDIG_SHA256);
    let now = 0x6b11_4477;
    let error_of = |keys: &KeyRing, msg: &[u8], now| match verify(keys, msg, now) {
        Verified::Rejected(r) => r.error,
        other => panic!("not rejected: {other:?}"),
    };
    let wrong_secret = ring(&[key("xfr.example.", Algorithm::HmacSha256, b"other")]);
    assert_eq!(error_of(&wrong_secret, &msg, now), error::BADSIG);
    let other_name = ring(&[key("other.example.", Algorithm::HmacSha256, SECRET)]);
    assert_eq!(error_of(&other_name, &msg, now), error::BADKEY);
    let other_algorithm = ring(&[key("xfr.example.", Algorithm::HmacSha512, SECRET)]);
    assert_eq!(error_of(&other_algorithm, &msg, now), error::BADKEY);
    let good = ring(&[key("xfr.example.", Algorithm::HmacSha256, SECRET)]);
    assert_eq!(error_of(&good, &msg, now + 301), error::BADTIME);
    assert_eq!(error_of(&good, &msg, now - 301), error::BADTIME);
    assert!(matches!(
        verify(&good, &msg, now + 300),
        Verified::Signed(_)
    ));
    let mut flipped = msg.clone();
    flipped[15] ^= 1;
    assert_eq!(error_of(&good, &flipped, now), error::BADSIG);
}

#[test]
fn malformed_and_misplaced_records_are_formerr() {
    let msg = hex(KDIG_SHA256);
    let keys = ring(&[key("xfr.example.", Algorithm::HmacSha256, SECRET)]);
    for cut in [msg.len() - 1, msg.len() - 40, 40] {
        assert!(
            matches!(verify(&keys, &msg[..cut], 0x6b11_4477), Verified::Malformed),
            "cut at {cut}"
        );
    }
    // The TSIG record counted in the answer section, not the additional.
    let mut misplaced = msg.clone();
    misplaced[7] = 1;
    misplaced[11] = 0;
    assert!(matches!(verify(&keys, &misplaced, 0), Verified::Malformed));
    assert!(matches!(
        verify(&keys, &msg[..29], 0),
        Verified::Unsigned | Verified::Malformed
    ));
}

/// Rewrites the MAC of a kdig request to its first `len` octets.
fn truncated(msg: &[u8], len: usize) -> Vec<u8> {
    // The MAC size field sits 12 octets after the algorithm name's end.
    let at = msg.len() - 6 - 32 - 2;
    let mut out = msg[..at].to_vec();
    out.extend_from_slice(&(len as u16).to_be_bytes());
    out.extend_from_slice(&msg[at + 2..at + 2 + len]);
    out.extend_from_slice(&msg[msg.len() - 6..]);
    let rdlen_at = at - 6 - 2 - 13 - 2;
    let rdlen = u16::from_be_bytes([out[rdlen_at], out[rdlen_at + 1]]) - 32 + len as u16;
    out[rdlen_at..rdlen_at + 2].copy_from_slice(&rdlen.to_be_bytes());
    out
}

#[test]
fn rfc8945_5_2_2_1_truncated_macs() {
    let msg = hex(KDIG_SHA256);
    let keys = ring(&[key("xfr.example.", Algorithm::HmacSha256, SECRET)]);
    let now = 0x6b11_4477;
    // Half of SHA-256 (16 octets) is the shortest MAC accepted.
    assert!(matches!(
        verify(&keys, &truncated(&msg, 16), now),
        Verified::Signed(_)
    ));
    assert!(matches!(
        verify(&keys, &truncated(&msg, 15), now),
        Verified::Malformed
    ));
    let mut wrong = truncated(&msg, 16);
    let last_mac_octet = wrong.len() - 7;
    wrong[last_mac_octet] ^= 1;
    assert!(matches!(verify(&keys, &wrong, now), Verified::Rejected(_)));
}

fn hickory_request(algorithm: TsigAlgorithm, secret: &[u8], now: u64) -> (TSigner, Vec<u8>) {
    let signer = TSigner::new(
        secret.to_vec(),
        algorithm,
        HName::from_ascii("xfr.example.").unwrap(),
        300,
    )
    .unwrap();
    let mut message = Message::query();
    message.metadata.id = 0x4242;
    message.add_query(Query::query(
        HName::from_ascii("example.com.").unwrap(),
        RecordType::AXFR,
    ));
    let (record, _) = signer.sign_message(&message, now).unwrap();
    message.set_signature(record);
    (signer, message.to_vec().unwrap())
}

/// A response to `request` with `n` answer-less messages, each signed.
fn signed_stream(signer: &mut Signer, request: &[u8], n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            let mut msg = request[..12].to_vec();
            msg[2] |= 0x80;
            msg[4..12].copy_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
            msg.push(i as u8 & 0x3f);
            msg.truncate(12);
            signer.sign(&mut msg);
            msg
        })
        .collect()
}

#[test]
fn hickory_round_trips_every_message_of_a_stream() {
    let now = 1_800_000_000;
    for (ours, theirs) in [
        (Algorithm::HmacSha256, TsigAlgorithm::HmacSha256),
        (Algorithm::HmacSha384, TsigAlgorithm::HmacSha384),
        (Algorithm::HmacSha512, TsigAlgorithm::HmacSha512),
    ] {
        let (tsigner, request) = hickory_request(theirs, SECRET, now);
        let keys = ring(&[key("xfr.example.", ours, SECRET)]);
        let Verified::Signed(mut signer) = verify(&keys, &request, now) else {
            panic!("{ours:?}: hickory's request does not verify");
        };
        let request_mac = record::find(&request).unwrap().unwrap().mac;
        let mut previous = request_mac.to_vec();
        for (i, msg) in signed_stream(&mut signer, &request, 3).iter().enumerate() {
            let (mac, time, _) = tsigner
                .verify_message_byte(msg, Some(&previous), i == 0)
                .unwrap_or_else(|e| panic!("{ours:?} message {i}: {e}"));
            assert_eq!(time, now);
            previous = mac;
        }
    }
}

#[test]
fn error_answers_are_signed_only_for_badtime() {
    let now = 1_800_000_000;
    let (tsigner, request) = hickory_request(TsigAlgorithm::HmacSha256, SECRET, now);
    let keys = ring(&[key("xfr.example.", Algorithm::HmacSha256, SECRET)]);
    let Verified::Rejected(mut late) = verify(&keys, &request, now + 1000) else {
        panic!("not BADTIME");
    };
    let mut answer = request[..12].to_vec();
    answer[2] |= 0x80;
    answer[4..12].fill(0);
    late.append(&mut answer, now + 1000);
    let request_mac = record::find(&request).unwrap().unwrap().mac;
    let (_, time, _) = tsigner
        .verify_message_byte(&answer, Some(&request_mac), true)
        .unwrap();
    assert_eq!(time, now, "Time Signed is the request's (RFC 8945 5.2.3)");
    let tsig = record::find(&answer).unwrap().unwrap();
    assert_eq!(tsig.error, error::BADTIME);
    assert_eq!(
        &answer[answer.len() - 6..],
        &(now + 1000).to_be_bytes()[2..]
    );

    let wrong = ring(&[key("xfr.example.", Algorithm::HmacSha256, b"wrong")]);
    let Verified::Rejected(mut bad) = verify(&wrong, &request, now) else {
        panic!("not BADSIG");
    };
    let mut answer = request[..12].to_vec();
    answer[4..12].fill(0);
    bad.append(&mut answer, now);
    let tsig = record::find(&answer).unwrap().unwrap();
    assert_eq!((tsig.error, tsig.mac.len()), (error::BADSIG, 0));
}

#[test]
fn secrets_stay_out_of_debug() {
    let k = key("xfr.example.", Algorithm::HmacSha1, SECRET);
    let text = format!("{k:?}");
    assert_eq!(text, "Key(xfr.example. hmac-sha1)");
    assert_eq!(
        Algorithm::from_name("HMAC-SHA224"),
        Some(Algorithm::HmacSha224)
    );
    assert_eq!(Algorithm::from_name("hmac-md5"), None);
}

/// `msg` without its TSIG record: ARCOUNT one less, the record cut off.
fn unsigned(msg: &[u8]) -> Vec<u8> {
    let record = record::find(msg).unwrap().unwrap();
    let mut out = msg[..record.start].to_vec();
    out[11] -= 1;
    out
}

#[test]
fn our_signed_request_is_kdigs_byte_for_byte() {
    let kdig = hex(KDIG_SHA256);
    let mut msg = unsigned(&kdig);
    let key = key("xfr.example.", Algorithm::HmacSha256, SECRET);
    Exchange::sign(&key, &mut msg, 0x6b11_4477);
    assert_eq!(msg, kdig);
}

#[test]
fn answers_to_our_requests_verify_message_by_message() {
    let now = 1_800_000_000;
    let ours = key("xfr.example.", Algorithm::HmacSha512, SECRET);
    let mut request = unsigned(&hex(KDIG_SHA256));
    let mut exchange = Exchange::sign(&ours, &mut request, now);
    let Verified::Signed(mut signer) = verify(&ring(&[Arc::clone(&ours)]), &request, now) else {
        panic!("our request does not verify");
    };
    let stream = signed_stream(&mut signer, &request, 3);
    assert_eq!(exchange.finish(), Err(Failure::Unsigned), "nothing yet");
    for msg in &stream {
        exchange.verify(msg, now + 1).unwrap();
    }
    exchange.finish().unwrap();

    // Out of order, tampered, late, another key, unsigned: refused.
    let fresh = |request: &mut Vec<u8>| {
        *request = unsigned(request);
        Exchange::sign(&ours, request, now)
    };
    let mut exchange = fresh(&mut request);
    assert_eq!(exchange.verify(&stream[1], now), Err(Failure::BadSig));
    let mut tampered = stream[0].clone();
    tampered[3] ^= 1;
    assert_eq!(
        fresh(&mut request).verify(&tampered, now),
        Err(Failure::BadSig)
    );
    assert_eq!(
        fresh(&mut request).verify(&stream[0], now + 301),
        Err(Failure::BadTime)
    );
    assert_eq!(
        fresh(&mut request).verify(&unsigned(&stream[0]), now),
        Err(Failure::Unsigned)
    );
    let other = key("other.example.", Algorithm::HmacSha512, SECRET);
    let mut other_request = unsigned(&request);
    Exchange::sign(&other, &mut other_request, now);
    let Verified::Signed(mut other_signer) = verify(&ring(&[other]), &other_request, now) else {
        panic!("the other key's request does not verify");
    };
    let foreign = signed_stream(&mut other_signer, &other_request, 1);
    assert_eq!(
        fresh(&mut request).verify(&foreign[0], now),
        Err(Failure::WrongKey)
    );

    // A stream whose last message is unsigned is incomplete.
    let mut exchange = fresh(&mut request);
    let Verified::Signed(mut signer) = verify(&ring(&[Arc::clone(&ours)]), &request, now) else {
        panic!("our request does not verify");
    };
    let stream = signed_stream(&mut signer, &request, 1);
    exchange.verify(&stream[0], now).unwrap();
    exchange.verify(&unsigned(&stream[0]), now).unwrap();
    assert_eq!(exchange.finish(), Err(Failure::Unsigned));
}

#[test]
fn tsig_errors_in_answers_are_reported() {
    let now = 1_800_000_000;
    let ours = key("xfr.example.", Algorithm::HmacSha256, SECRET);
    let mut request = unsigned(&hex(KDIG_SHA256));
    let mut exchange = Exchange::sign(&ours, &mut request, now);
    let wrong = ring(&[key("xfr.example.", Algorithm::HmacSha256, b"wrong")]);
    let Verified::Rejected(mut rejection) = verify(&wrong, &request, now) else {
        panic!("a wrong secret verifies");
    };
    let mut answer = request[..12].to_vec();
    answer[2] |= 0x80;
    answer[4..12].fill(0);
    rejection.append(&mut answer, now);
    assert_eq!(
        exchange.verify(&answer, now),
        Err(Failure::Rejected(error::BADSIG))
    );
}
