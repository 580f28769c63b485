//! Server cookies (RFC 7873) in the interoperable format of RFC 9018:
//! version 1, three reserved octets, a timestamp, and SipHash-2-4 over the
//! client cookie, those fields and the client address.
//!
//! Every query that carries a client cookie gets a fresh server cookie.
//! Cookies are not required of clients (no BADCOOKIE); they become useful
//! to let legitimate clients past rate limiting.

use std::hash::Hasher;
use std::net::IpAddr;

use siphasher::sip::SipHasher24;

/// The 128-bit SipHash key. Servers of one anycast set share it.
#[derive(Clone)]
pub struct CookieSecret([u8; 16]);

impl std::fmt::Debug for CookieSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CookieSecret(..)")
    }
}

impl CookieSecret {
    /// A random secret, new for each start.
    pub fn random() -> Self {
        Self(rand::random())
    }

    /// A secret from 32 hexadecimal digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = data_encoding::HEXLOWER_PERMISSIVE
            .decode(text.as_bytes())
            .ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    /// The server cookie for `client_cookie` from `client` at time `now`.
    pub fn server_cookie(&self, client_cookie: &[u8; 8], client: IpAddr, now: u32) -> [u8; 16] {
        let mut cookie = [0u8; 16];
        cookie[0] = 1;
        cookie[4..8].copy_from_slice(&now.to_be_bytes());
        let mut hasher = SipHasher24::new_with_key(&self.0);
        hasher.write(client_cookie);
        hasher.write(&cookie[..8]);
        match client {
            IpAddr::V4(a) => hasher.write(&a.octets()),
            IpAddr::V6(a) => hasher.write(&a.octets()),
        }
        cookie[8..].copy_from_slice(&hasher.finish().to_le_bytes());
        cookie
    }
}

impl CookieSecret {
    /// Whether the query in `msg` carries a server cookie we made for this
    /// client within the last hour (RFC 9018 4.3): proof that `client` is
    /// its real source.
    pub fn proves(&self, msg: &[u8], client: IpAddr, now: u32) -> bool {
        let Ok(query) = zone_loader::wire::query::parse(msg) else {
            return false;
        };
        let Some(cookie) = query.edns.and_then(|e| e.cookie) else {
            return false;
        };
        let Some(server) = cookie.server.filter(|s| s.len == 16) else {
            return false;
        };
        let made = u32::from_be_bytes([
            server.bytes[4],
            server.bytes[5],
            server.bytes[6],
            server.bytes[7],
        ]);
        let age = now.wrapping_sub(made) as i32;
        (-300..=3600).contains(&age)
            && self.server_cookie(&cookie.client, client, made)[..] == server.bytes[..16]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9018_layout_and_dependence_on_the_client() {
        let secret = CookieSecret::from_hex("e5e973e5a6b2a43f48e7dc849e37bfcf").unwrap();
        let a = secret.server_cookie(&[1; 8], "192.0.2.1".parse().unwrap(), 1_559_731_985);
        assert_eq!(&a[..8], &[1, 0, 0, 0, 0x5c, 0xf7, 0x9f, 0x11]);
        let b = secret.server_cookie(&[1; 8], "192.0.2.2".parse().unwrap(), 1_559_731_985);
        assert_ne!(a[8..], b[8..]);
        assert_eq!(
            a,
            secret.server_cookie(&[1; 8], "192.0.2.1".parse().unwrap(), 1_559_731_985)
        );
        assert!(CookieSecret::from_hex("abcd").is_none());
    }
}
