//! Bounds on stream connections (TCP here; TCP, DoT and DoH in the
//! resolver): at most so many open at once in all, and at most so many
//! per client, so that one client holding connections open, or opening
//! them faster than they time out, cannot take every slot from the rest.
//!
//! A client is an IPv4 address or an IPv6 /64 (what one host or one
//! customer is usually given). IPv4-mapped IPv6 addresses count as IPv4.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// The limits and the connections counted against them; shared by every
/// listener of one server.
#[derive(Debug)]
pub struct ConnectionLimits {
    total: usize,
    per_client: usize,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_client: HashMap<u128, usize>,
}

/// One admitted connection; its slot is given back when this is dropped.
#[derive(Debug)]
pub struct ConnectionSlot {
    limits: Arc<ConnectionLimits>,
    client: u128,
}

impl ConnectionLimits {
    /// At most `total` connections, and `per_client` from one client (0:
    /// no per-client bound).
    pub fn new(total: usize, per_client: usize) -> Arc<Self> {
        Arc::new(Self {
            total,
            per_client,
            open: Mutex::new(Open::default()),
        })
    }

    /// A slot for a new connection from `client`, or `None` when the
    /// server or that client is at its limit (close the connection).
    pub fn admit(self: &Arc<Self>, client: IpAddr) -> Option<ConnectionSlot> {
        let key = client_key(client);
        let mut open = self.open.lock().ok()?;
        if open.total >= self.total {
            return None;
        }
        let mine = open.by_client.entry(key).or_insert(0);
        if self.per_client != 0 && *mine >= self.per_client {
            return None;
        }
        *mine += 1;
        open.total += 1;
        Some(ConnectionSlot {
            limits: Arc::clone(self),
            client: key,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.open.lock().map_or(0, |open| open.total)
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let Ok(mut open) = self.limits.open.lock() else {
            return;
        };
        open.total = open.total.saturating_sub(1);
        if let Some(mine) = open.by_client.get_mut(&self.client) {
            *mine -= 1;
            if *mine == 0 {
                open.by_client.remove(&self.client);
            }
        }
    }
}

/// The client a connection is counted against: the IPv4 address, or the
/// IPv6 /64.
fn client_key(client: IpAddr) -> u128 {
    match client {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => u128::from(u32::from(v4)),
            None => u128::from(a) & !u128::from(u64::MAX),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn bounds_per_client_and_overall() {
        let limits = ConnectionLimits::new(5, 2);
        let a = [limits.admit(ip("192.0.2.1")), limits.admit(ip("192.0.2.1"))];
        assert!(a.iter().all(Option::is_some));
        assert!(limits.admit(ip("192.0.2.1")).is_none(), "a's third");
        assert!(
            limits.admit(ip("::ffff:192.0.2.1")).is_none(),
            "mapped is the same client"
        );
        let b = limits.admit(ip("2001:db8::1"));
        assert!(b.is_some());
        let b2 = limits.admit(ip("2001:db8::ffff:2"));
        assert!(b2.is_some(), "the same /64");
        assert!(limits.admit(ip("2001:db8::3")).is_none(), "the /64's third");
        let c = limits.admit(ip("192.0.2.2"));
        assert!(c.is_some(), "another address of the /24 is another client");
        assert_eq!(limits.open(), 5);
        assert!(limits.admit(ip("198.51.100.1")).is_none(), "full overall");
        drop(a);
        assert_eq!(limits.open(), 3);
        assert!(limits.admit(ip("192.0.2.1")).is_some(), "slots come back");
        assert_eq!(limits.open(), 3, "that slot was dropped at once");
    }

    #[test]
    fn zero_per_client_means_only_the_total() {
        let limits = ConnectionLimits::new(3, 0);
        let slots: Vec<_> = (0..3).map(|_| limits.admit(ip("::1"))).collect();
        assert!(slots.iter().all(Option::is_some));
        assert!(limits.admit(ip("::1")).is_none());
    }
}
