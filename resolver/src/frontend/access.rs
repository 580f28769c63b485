//! Which clients may use plain-DNS recursion: a list of networks,
//! loopback by default (an open resolver is an amplifier).

use std::net::IpAddr;
use std::str::FromStr;

/// An address prefix such as `127.0.0.0/8` or `::1/128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// Whether `ip` lies in the network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => masked(
                u128::from(u32::from(net)),
                u128::from(u32::from(ip)),
                32,
                self.prefix,
            ),
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), u128::from(ip), 128, self.prefix)
            }
            (IpAddr::V4(_), IpAddr::V6(ip)) => ip
                .to_ipv4_mapped()
                .is_some_and(|v4| self.contains(IpAddr::V4(v4))),
            (IpAddr::V6(_), IpAddr::V4(_)) => false,
        }
    }

    /// Loopback, IPv4 and IPv6: the default.
    pub fn loopback() -> Vec<Self> {
        vec![
            Self {
                addr: IpAddr::from([127, 0, 0, 0]),
                prefix: 8,
            },
            Self {
                addr: IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]),
                prefix: 128,
            },
        ]
    }
}

fn masked(net: u128, ip: u128, bits: u8, prefix: u8) -> bool {
    let shift = u32::from(bits - prefix.min(bits));
    net.checked_shr(shift).unwrap_or(0) == ip.checked_shr(shift).unwrap_or(0)
}

impl FromStr for Network {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (addr, prefix) = text.split_once('/').unwrap_or((text, ""));
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{text}: not an address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            max
        } else {
            prefix
                .parse()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text}: bad prefix length"))?
        };
        Ok(Self { addr, prefix })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn prefixes_match_as_written() {
        let net: Network = "192.0.2.0/24".parse().unwrap();
        assert!(net.contains(ip("192.0.2.77")));
        assert!(!net.contains(ip("192.0.3.1")));
        assert!(
            net.contains(ip("::ffff:192.0.2.1")),
            "IPv4-mapped IPv6 clients match IPv4 networks"
        );
        let host: Network = "2001:db8::1".parse().unwrap();
        assert!(host.contains(ip("2001:db8::1")) && !host.contains(ip("2001:db8::2")));
        let all: Network = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")));
        assert!(
            Network::loopback()
                .iter()
                .any(|n| n.contains(ip("127.1.2.3")))
        );
        assert!("10.0.0.0/33".parse::<Network>().is_err());
        assert!("nonsense".parse::<Network>().is_err());
    }
}
