//! Response rate limiting for UDP, as Knot DNS and BIND do it: responses
//! are counted per client network (IPv4 /24, IPv6 /56) and per kind of
//! response (the question for answers; the parent of the name for
//! NXDOMAIN and errors, so random-subdomain floods share one count; names
//! in any letter case share one count too), in
//! a fixed table of buckets. Each bucket allows `rate` responses a
//! second; past that, every `slip`-th response goes out truncated (TC=1,
//! empty sections, so a real client retries over TCP) and the others are
//! dropped. A query with a valid server cookie (RFC 7873) is never
//! limited: its source address is proven.

use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::sync::Mutex;

use zone_loader::wire::name::MAX_NAME_LEN;

/// Buckets in the table (a prime, as Knot uses).
pub const TABLE_SIZE: usize = 65_521;

/// What to do with a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Send it.
    Send,
    /// Send it truncated (TC=1, no records).
    Slip,
    /// Send nothing.
    Drop,
}

#[derive(Debug, Default, Clone, Copy)]
struct Bucket {
    key: u64,
    second: u32,
    sent: u32,
    limited: u32,
}

/// The rate limiter shared by the UDP workers.
pub struct RateLimiter {
    rate: u32,
    slip: u32,
    hasher: std::hash::RandomState,
    buckets: Box<[Mutex<Bucket>]>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RateLimiter({}/s, slip {})", self.rate, self.slip)
    }
}

impl RateLimiter {
    /// `rate` responses a second per bucket; past it, one in `slip` is
    /// truncated (0: all dropped).
    pub fn new(rate: u32, slip: u32) -> Self {
        Self {
            rate,
            slip,
            hasher: std::hash::RandomState::new(),
            buckets: (0..TABLE_SIZE)
                .map(|_| Mutex::new(Bucket::default()))
                .collect(),
        }
    }

    /// The verdict on `response` (a message we wrote) for `client` at
    /// second `now`.
    pub fn check(&self, client: IpAddr, response: &[u8], now: u32) -> Verdict {
        let key = self.key(client, response);
        let index = (key % TABLE_SIZE as u64) as usize;
        let Ok(mut bucket) = self.buckets[index].lock() else {
            return Verdict::Send;
        };
        if bucket.key != key || bucket.second != now {
            *bucket = Bucket {
                key,
                second: now,
                sent: 0,
                limited: if bucket.key == key { bucket.limited } else { 0 },
            };
        }
        if bucket.sent < self.rate {
            bucket.sent += 1;
            return Verdict::Send;
        }
        bucket.limited = bucket.limited.wrapping_add(1);
        if self.slip > 0 && bucket.limited % self.slip == 0 {
            Verdict::Slip
        } else {
            Verdict::Drop
        }
    }

    /// The bucket key: the client's network, the RCODE, and the question
    /// (answers) or the parent of the question name (NXDOMAIN, errors),
    /// names lowercased.
    fn key(&self, client: IpAddr, response: &[u8]) -> u64 {
        let mut hasher = self.hasher.build_hasher();
        match client {
            IpAddr::V4(a) => hasher.write(&a.octets()[..3]),
            IpAddr::V6(a) => hasher.write(&a.octets()[..7]),
        }
        let rcode = response.get(3).map_or(0, |b| b & 0x0f);
        hasher.write_u8(rcode);
        let question = question(response);
        let (name, rest) = question.split_at(question.len().saturating_sub(4));
        if rcode == 0 {
            write_lowercase(&mut hasher, name);
            hasher.write(rest);
        } else {
            let parent = name
                .first()
                .and_then(|&len| name.get(1 + usize::from(len)..))
                .unwrap_or(name);
            write_lowercase(&mut hasher, parent);
        }
        hasher.finish()
    }
}

/// Hashes the wire name `name` lowercased, as Knot DNS and BIND key their
/// buckets: a client varying the case of its questions (0x20, or to walk
/// around the limit) stays in one bucket. Length octets are at most 63,
/// below `b'A'`, so lowercasing leaves them alone; no allocation.
fn write_lowercase(hasher: &mut impl Hasher, name: &[u8]) {
    let mut lower = [0u8; MAX_NAME_LEN];
    let len = name.len().min(MAX_NAME_LEN);
    lower[..len].copy_from_slice(&name[..len]);
    lower[..len].make_ascii_lowercase();
    hasher.write(&lower[..len]);
}

/// The question section (name, type, class) of a message we wrote: the
/// name is never compressed there.
fn question(msg: &[u8]) -> &[u8] {
    let mut at = 12;
    while let Some(&len) = msg.get(at) {
        if len == 0 || len >= 0xc0 {
            break;
        }
        at += 1 + usize::from(len);
    }
    msg.get(12..(at + 5).min(msg.len())).unwrap_or(&[])
}

/// Turns `response` into its truncated form: header and question only,
/// TC set. Returns the new length.
pub fn slip(response: &mut [u8]) -> usize {
    let len = 12 + question(response).len();
    if response.len() < 12 {
        return response.len();
    }
    response[2] |= 0x02; // TC
    response[6..12].fill(0); // no answer, authority or additional records
    len.min(response.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(name: &[u8], rcode: u8) -> Vec<u8> {
        let mut msg = vec![0x12, 0x34, 0x84, rcode, 0, 1, 0, 1, 0, 0, 0, 0];
        msg.extend_from_slice(name);
        msg.extend_from_slice(&[0, 1, 0, 1]);
        msg.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
        msg
    }

    #[test]
    fn past_the_rate_every_second_response_slips_and_the_rest_drop() {
        let limiter = RateLimiter::new(5, 2);
        let client: IpAddr = "198.51.100.7".parse().unwrap();
        let www = response(b"\x03www\x07example\x00", 0);
        let verdicts: Vec<Verdict> = (0..10).map(|_| limiter.check(client, &www, 100)).collect();
        assert!(verdicts[..5].iter().all(|v| *v == Verdict::Send));
        assert_eq!(
            &verdicts[5..],
            [
                Verdict::Drop,
                Verdict::Slip,
                Verdict::Drop,
                Verdict::Slip,
                Verdict::Drop
            ]
        );
        // Another network, another question, the next second: each has its own count.
        let other: IpAddr = "203.0.113.7".parse().unwrap();
        assert_eq!(limiter.check(other, &www, 100), Verdict::Send);
        let mail = response(b"\x04mail\x07example\x00", 0);
        assert_eq!(limiter.check(client, &mail, 100), Verdict::Send);
        // The same /24 shares the count.
        let neighbour: IpAddr = "198.51.100.8".parse().unwrap();
        assert_ne!(limiter.check(neighbour, &www, 100), Verdict::Send);
        assert_eq!(limiter.check(client, &www, 101), Verdict::Send);
    }

    #[test]
    fn random_subdomains_share_the_count_of_their_parent() {
        let limiter = RateLimiter::new(3, 0);
        let client: IpAddr = "2001:db8::1".parse().unwrap();
        let sent = (0..10)
            .map(|i| response(format!("\x05r{i:04}\x07example\x00").as_bytes(), 3))
            .filter(|nx| limiter.check(client, nx, 7) == Verdict::Send)
            .count();
        assert_eq!(sent, 3, "NXDOMAIN for names under one parent: one bucket");
    }

    /// 400 queries in one second for one name: in random 0x20 case they
    /// get no more full answers than in one case.
    #[test]
    fn letter_case_does_not_walk_around_the_limit() {
        let sent = |mixed: bool| {
            let limiter = RateLimiter::new(20, 2);
            let client: IpAddr = "192.0.2.9".parse().unwrap();
            let mut state = 0x2545_f491_u32;
            (0..400)
                .filter(|_| {
                    let mut name = b"\x03www\x07example\x04test\x00".to_vec();
                    for byte in name.iter_mut().filter(|b| b.is_ascii_lowercase()) {
                        state ^= state << 13;
                        state ^= state >> 17;
                        state ^= state << 5;
                        if mixed && state & 1 == 1 {
                            byte.make_ascii_uppercase();
                        }
                    }
                    limiter.check(client, &response(&name, 0), 50) == Verdict::Send
                })
                .count()
        };
        let (same_case, random_case) = (sent(false), sent(true));
        assert_eq!(same_case, 20);
        assert!(random_case <= same_case, "{random_case} full answers");
    }

    #[test]
    fn nxdomain_buckets_ignore_letter_case() {
        let limiter = RateLimiter::new(2, 0);
        let client: IpAddr = "192.0.2.9".parse().unwrap();
        let sent = [
            b"\x01a\x07EXAMPLE\x00",
            b"\x01b\x07example\x00",
            b"\x01c\x07ExAmPlE\x00",
        ]
        .iter()
        .filter(|name| limiter.check(client, &response(&name[..], 3), 9) == Verdict::Send)
        .count();
        assert_eq!(sent, 2);
    }

    #[test]
    fn a_slipped_response_keeps_its_question_and_sets_tc() {
        let mut msg = response(b"\x03www\x07example\x00", 0);
        let len = slip(&mut msg);
        assert_eq!(len, 12 + 13 + 4);
        assert_eq!(msg[2] & 0x02, 0x02);
        assert_eq!(&msg[6..12], &[0; 6]);
        assert_eq!(&msg[4..6], &[0, 1], "the question stays");
    }
}
