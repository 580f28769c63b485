use std::sync::Mutex;

use hickory_proto::op::{Message, OpCode};
use hickory_proto::rr::{RData, RecordType};
use zone_loader::{Zone, zone_from_str};

use super::*;
use crate::tsig::{Algorithm, KeyRing, Verified};

const ORIGIN: &[u8] = b"\x07example\x00";

fn zone(serial: u32) -> Arc<Zone> {
    let origin = Name::from_wire(ORIGIN).unwrap();
    let text = format!("$TTL 60\n@ SOA ns hm {serial} 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n");
    Arc::new(zone_from_str(&text, &origin, "t.zone").unwrap().0)
}

fn key() -> Arc<Key> {
    let name = Name::from_text(b"xfr.example.", &Name::root()).unwrap();
    Arc::new(Key::new(
        &name,
        Algorithm::HmacSha256,
        b"secret-secret".to_vec(),
    ))
}

#[test]
fn rfc_1996_3_notify_message() {
    let msg = message::message(0x1234, ORIGIN, &Soa::of(&zone(42)));
    let parsed = Message::from_vec(&msg).unwrap();
    assert_eq!(parsed.metadata.id, 0x1234);
    assert_eq!(parsed.metadata.op_code, OpCode::Notify);
    assert!(parsed.metadata.authoritative);
    assert_eq!(parsed.queries[0].query_type(), RecordType::SOA);
    assert_eq!(parsed.queries[0].name().to_ascii(), "example.");
    let RData::SOA(soa) = &parsed.answers[0].data else {
        panic!("an SOA in the answer section");
    };
    assert_eq!(soa.serial, 42);
}

#[test]
fn only_the_answer_to_our_notify_counts() {
    let msg = message::message(7, ORIGIN, &Soa::of(&zone(1)));
    let mut answer = msg[..12 + ORIGIN.len() + 4].to_vec();
    answer[2] |= 0x80;
    answer[7] = 0; // no answer records
    assert_eq!(message::answer_rcode(&answer, 7, ORIGIN), Some(0));
    assert_eq!(
        message::answer_rcode(&answer, 8, ORIGIN),
        None,
        "another ID"
    );
    assert_eq!(
        message::answer_rcode(&msg, 7, ORIGIN),
        None,
        "not a response"
    );
    assert_eq!(message::answer_rcode(&answer, 7, b"\x05other\x00"), None);
    assert_eq!(message::answer_rcode(&answer[..5], 7, ORIGIN), None);
    answer[3] = 9;
    assert_eq!(message::answer_rcode(&answer, 7, ORIGIN), Some(9));
    let mut header_only = answer[..12].to_vec();
    header_only[5] = 0;
    assert_eq!(message::answer_rcode(&header_only, 7, ORIGIN), Some(9));
}

/// A secondary on loopback that records the serial of each NOTIFY and
/// answers (signed) those `answer` accepts.
async fn secondary(
    answer: impl Fn(u32) -> bool + Send + 'static,
) -> (SocketAddr, Arc<Mutex<Vec<u32>>>) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let keys = KeyRing::new(vec![key()]);
    tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        loop {
            let (len, from) = socket.recv_from(&mut buf).await.unwrap();
            let msg = Message::from_vec(&buf[..len]).unwrap();
            let RData::SOA(soa) = &msg.answers[0].data else {
                continue;
            };
            log.lock().unwrap().push(soa.serial);
            if !answer(soa.serial) {
                continue;
            }
            let Verified::Signed(mut signer) = crate::tsig::verify(&keys, &buf[..len], unix_now())
            else {
                panic!("the NOTIFY is signed");
            };
            let mut reply = buf[..12 + ORIGIN.len() + 4].to_vec();
            reply[2] |= 0x80;
            reply[6..12].fill(0);
            signer.sign(&mut reply);
            socket.send_to(&reply, from).await.unwrap();
        }
    });
    (addr, seen)
}

fn notifier(target: SocketAddr) -> Notifier {
    let zones = HashMap::from([(
        Origin::from(ORIGIN),
        ZoneNotify {
            targets: vec![target],
            key: Some(key()),
        },
    )]);
    let retry = Retry {
        first_wait: Duration::from_millis(100),
        tries: 5,
    };
    Notifier::new(zones, Some([127, 0, 0, 1].into()), retry)
}

fn publish(observer: &mut Observer, old: u32, new: u32) {
    observer(&Change {
        origin: Name::from_wire(ORIGIN).unwrap(),
        old: Some(zone(old)),
        new: Some(zone(new)),
    });
}

async fn wait_for(seen: &Mutex<Vec<u32>>, wanted: impl Fn(&[u32]) -> bool) -> Vec<u32> {
    for _ in 0..100 {
        let now = seen.lock().unwrap().clone();
        if wanted(&now) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("not seen: {:?}", seen.lock().unwrap());
}

#[tokio::test]
async fn a_notify_is_retried_until_answered_and_signed() {
    let answered = Arc::new(AtomicU64::new(0));
    let count = Arc::clone(&answered);
    // Ignores the first NOTIFY, answers the second.
    let (addr, seen) = secondary(move |_| count.fetch_add(1, Ordering::SeqCst) >= 1).await;
    let (sender, notices) = mpsc::unbounded_channel();
    let mut observer = Notifier::observer(vec![ORIGIN.into()], sender);
    tokio::spawn(notifier(addr).run(notices));
    publish(&mut observer, 1, 2);
    // A change without a new serial (a withdrawn copy, say) is not announced.
    publish(&mut observer, 2, 2);
    wait_for(&seen, |s| s.len() == 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(*seen.lock().unwrap(), [2, 2], "answered: no third try");
}

#[tokio::test]
async fn a_newer_serial_supersedes_a_pending_notify() {
    let (addr, seen) = secondary(|serial| serial == 3).await;
    let (sender, notices) = mpsc::unbounded_channel();
    let mut observer = Notifier::observer(vec![ORIGIN.into()], sender);
    tokio::spawn(notifier(addr).run(notices));
    publish(&mut observer, 1, 2);
    wait_for(&seen, |s| s == [2]).await;
    publish(&mut observer, 2, 3);
    wait_for(&seen, |s| s.contains(&3)).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, [2, 3], "serial 2 is not retried once 3 is announced");
}
