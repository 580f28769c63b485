//! NOTIFY out (RFC 1996): on every new serial of a zone that has
//! `notify` targets, each target is told over UDP, signed with the
//! zone's transfer key when it has one, and asked again with backoff
//! until it answers NOERROR. A newer serial supersedes the NOTIFY still
//! being retried for an older one.
//!
//! ```text
//! Catalog publish (any thread) ─► observer ─► channel ─► run (tokio)
//!   ─► per target: send ─► answer? (ID, opcode, question, TSIG) ─► NOERROR: done
//!                    └─ none / error: wait 2 s, 4 s, 8 s... (5 tries), unless superseded
//! ```
//!
//! NOTIFY in (a secondary's side) lives with the secondary role.

pub mod message;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use zone_loader::{Name, Zone};

use crate::catalog::{Change, Observer, Origin};
use crate::journal::Soa;
use crate::querylog::rcode_name;
use crate::tsig::{Exchange, Failure, Key};

/// How NOTIFY is retried: the first wait for an answer, doubled after
/// each try, and how many tries. Knot, NSD and BIND retry about five
/// times, a few seconds apart.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// How long the first try waits for an answer.
    pub first_wait: Duration,
    /// Tries in all.
    pub tries: u32,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            first_wait: Duration::from_secs(2),
            tries: 5,
        }
    }
}

/// Where one zone's NOTIFY messages go.
#[derive(Debug, Clone)]
pub struct ZoneNotify {
    /// The secondaries.
    pub targets: Vec<SocketAddr>,
    /// The key to sign with, if the zone has one.
    pub key: Option<Arc<Key>>,
}

/// A new version to announce.
#[derive(Debug)]
pub struct Notice {
    origin: Name,
    soa: Soa,
}

impl Notice {
    /// The version `zone` is at.
    pub fn of(zone: &Zone) -> Self {
        Self {
            origin: zone.origin().clone(),
            soa: Soa::of(zone),
        }
    }
}

/// Announces new serials to the secondaries of each zone.
#[derive(Debug)]
pub struct Notifier {
    zones: HashMap<Origin, ZoneNotify>,
    source: Option<IpAddr>,
    retry: Retry,
    /// Per zone, a count of versions announced: a NOTIFY being retried
    /// stops once a newer one is under way.
    latest: HashMap<Origin, Arc<AtomicU64>>,
}

impl Notifier {
    /// NOTIFY for `zones`, sent from `source` to targets of its address
    /// family (otherwise, and by default, the system chooses).
    pub fn new(zones: HashMap<Origin, ZoneNotify>, source: Option<IpAddr>, retry: Retry) -> Self {
        Self {
            zones,
            source,
            retry,
            latest: HashMap::new(),
        }
    }

    /// The catalog observer feeding [`Notifier::run`]: every change
    /// bringing a new serial of a zone with targets. A failed send means
    /// the notifier is gone (the server is stopping).
    pub fn observer(zones: Vec<Origin>, notices: mpsc::UnboundedSender<Notice>) -> Observer {
        Box::new(move |change: &Change| {
            let Some(new) = &change.new else {
                return;
            };
            let serial_changed = change
                .old
                .as_ref()
                .is_none_or(|o| o.serial() != new.serial());
            if serial_changed && zones.iter().any(|z| **z == *change.origin.as_wire()) {
                let _ = notices.send(Notice::of(new));
            }
        })
    }

    /// Sends a NOTIFY for every notice, until the channel closes.
    pub async fn run(mut self, mut notices: mpsc::UnboundedReceiver<Notice>) {
        while let Some(notice) = notices.recv().await {
            let key: Origin = notice.origin.as_wire().into();
            let Some(zone) = self.zones.get(&key) else {
                continue;
            };
            let latest = Arc::clone(self.latest.entry(key).or_default());
            let version = latest.fetch_add(1, Ordering::SeqCst) + 1;
            let notice = Arc::new(notice);
            for &target in &zone.targets {
                let delivery = Delivery {
                    notice: Arc::clone(&notice),
                    target,
                    key: zone.key.clone(),
                    source: self.source,
                    retry: self.retry,
                };
                let latest = Arc::clone(&latest);
                tokio::spawn(async move {
                    delivery
                        .until_answered(|| latest.load(Ordering::SeqCst) == version)
                        .await;
                });
            }
        }
    }
}

/// One NOTIFY to one target, with its retries.
struct Delivery {
    notice: Arc<Notice>,
    target: SocketAddr,
    key: Option<Arc<Key>>,
    source: Option<IpAddr>,
    retry: Retry,
}

/// Why one try did not succeed.
#[derive(Debug)]
enum Unanswered {
    /// No answer in time.
    Timeout(Duration),
    /// Answered with an error RCODE.
    Rcode(u8),
    /// The answer's signature was not accepted.
    Tsig(Failure),
    /// The socket failed.
    Io(std::io::Error),
}

impl fmt::Display for Unanswered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout(wait) => write!(f, "no answer within {} s", wait.as_secs_f32()),
            Self::Rcode(rcode) => write!(f, "answered {}", rcode_name(*rcode)),
            Self::Tsig(failure) => write!(f, "{failure}"),
            Self::Io(e) => write!(f, "{e}"),
        }
    }
}

impl Delivery {
    /// Tries until the target answers NOERROR, the tries run out, or
    /// `current` says a newer serial is being announced.
    async fn until_answered(&self, current: impl Fn() -> bool) {
        let (zone, serial) = (&self.notice.origin, self.notice.soa.serial().unwrap_or(0));
        let target = self.target;
        let mut wait = self.retry.first_wait;
        for attempt in 1..=self.retry.tries {
            if !current() {
                tracing::info!(
                    "NOTIFY of {zone} serial {serial} to {target}: superseded by a newer serial"
                );
                return;
            }
            let started = tokio::time::Instant::now();
            match self.try_once(wait).await {
                Ok(()) => {
                    tracing::info!(
                        "NOTIFY of {zone} serial {serial} to {target}: acknowledged (try {attempt})"
                    );
                    return;
                }
                Err(why) if attempt < self.retry.tries => {
                    tracing::warn!(
                        "NOTIFY of {zone} serial {serial} to {target}: {why} (try {attempt}); trying again"
                    );
                }
                Err(why) => {
                    tracing::error!(
                        "NOTIFY of {zone} serial {serial} to {target}: {why}; gave up after {attempt} tries"
                    );
                    return;
                }
            }
            // An error answer comes back at once: still wait out the try.
            tokio::time::sleep_until(started + wait).await;
            wait *= 2;
        }
    }

    /// One NOTIFY and its answer, within `wait`.
    async fn try_once(&self, wait: Duration) -> Result<(), Unanswered> {
        // The configured source serves targets of its own family only.
        let source = match (self.source, self.target) {
            (Some(ip), target) if ip.is_ipv4() == target.is_ipv4() => ip,
            (_, SocketAddr::V4(_)) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            (_, SocketAddr::V6(_)) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        };
        let socket = UdpSocket::bind((source, 0)).await.map_err(Unanswered::Io)?;
        let id: u16 = rand::random();
        let origin = self.notice.origin.as_wire();
        let mut msg = message::message(id, origin, &self.notice.soa);
        let mut exchange = self
            .key
            .as_ref()
            .map(|key| Exchange::sign(key, &mut msg, unix_now()));
        socket
            .send_to(&msg, self.target)
            .await
            .map_err(Unanswered::Io)?;
        let answer = async {
            let mut buf = vec![0u8; 65_535];
            loop {
                let (len, from) = socket.recv_from(&mut buf).await.map_err(Unanswered::Io)?;
                let answer = &buf[..len];
                // Anything else arriving on this port is not the answer.
                let Some(rcode) =
                    message::answer_rcode(answer, id, origin).filter(|_| from == self.target)
                else {
                    continue;
                };
                if let Some(exchange) = exchange.as_mut() {
                    let signed = exchange
                        .verify(answer, unix_now())
                        .and_then(|()| exchange.finish());
                    match signed {
                        Err(Failure::Unsigned) if rcode != 0 => {
                            return Err(Unanswered::Rcode(rcode));
                        }
                        Err(failure) => return Err(Unanswered::Tsig(failure)),
                        Ok(()) => {}
                    }
                }
                return if rcode == 0 {
                    Ok(())
                } else {
                    Err(Unanswered::Rcode(rcode))
                };
            }
        };
        tokio::time::timeout(wait, answer)
            .await
            .unwrap_or(Err(Unanswered::Timeout(wait)))
    }
}

fn unix_now() -> u64 {
    u64::from(crate::listen::unix_now())
}
