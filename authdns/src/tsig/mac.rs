//! The HMAC algorithms of TSIG (RFC 8945 6), by their wire names.
//!
//! RustCrypto's `hmac` and `sha2` serve all five: `ring` has no SHA-224,
//! and one implementation for every algorithm keeps one code path.

use arrayvec::ArrayVec;
use hmac::{Hmac, Mac};

/// The longest MAC (HMAC-SHA512).
pub(crate) const MAX_MAC: usize = 64;
/// A MAC, full or truncated.
pub(crate) type MacBuf = ArrayVec<u8, MAX_MAC>;

/// A TSIG MAC algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// hmac-sha1.
    HmacSha1,
    /// hmac-sha224.
    HmacSha224,
    /// hmac-sha256.
    HmacSha256,
    /// hmac-sha384.
    HmacSha384,
    /// hmac-sha512.
    HmacSha512,
}

const ALL: [Algorithm; 5] = [
    Algorithm::HmacSha1,
    Algorithm::HmacSha224,
    Algorithm::HmacSha256,
    Algorithm::HmacSha384,
    Algorithm::HmacSha512,
];

impl Algorithm {
    /// The algorithm named `name` in the configuration (e.g. `hmac-sha256`,
    /// any case), if supported.
    pub fn from_name(name: &str) -> Option<Self> {
        ALL.into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    /// The name, as in configurations and as the algorithm's domain name.
    pub fn name(self) -> &'static str {
        match self {
            Self::HmacSha1 => "hmac-sha1",
            Self::HmacSha224 => "hmac-sha224",
            Self::HmacSha256 => "hmac-sha256",
            Self::HmacSha384 => "hmac-sha384",
            Self::HmacSha512 => "hmac-sha512",
        }
    }

    /// The algorithm name in wire form (RFC 8945 6).
    pub fn wire(self) -> &'static [u8] {
        match self {
            Self::HmacSha1 => b"\x09hmac-sha1\x00",
            Self::HmacSha224 => b"\x0bhmac-sha224\x00",
            Self::HmacSha256 => b"\x0bhmac-sha256\x00",
            Self::HmacSha384 => b"\x0bhmac-sha384\x00",
            Self::HmacSha512 => b"\x0bhmac-sha512\x00",
        }
    }

    /// The length of a full MAC.
    pub fn output_len(self) -> usize {
        match self {
            Self::HmacSha1 => 20,
            Self::HmacSha224 => 28,
            Self::HmacSha256 => 32,
            Self::HmacSha384 => 48,
            Self::HmacSha512 => 64,
        }
    }
}

/// A MAC being computed.
pub(crate) enum Signing {
    Sha1(Hmac<sha1::Sha1>),
    Sha224(Hmac<sha2::Sha224>),
    Sha256(Hmac<sha2::Sha256>),
    Sha384(Hmac<sha2::Sha384>),
    Sha512(Hmac<sha2::Sha512>),
}

impl Signing {
    pub(crate) fn new(algorithm: Algorithm, secret: &[u8]) -> Self {
        // HMAC takes keys of any length (RFC 2104 2): new_from_slice cannot fail.
        const ANY_LENGTH: &str = "HMAC accepts any key length";
        match algorithm {
            Algorithm::HmacSha1 => Self::Sha1(Mac::new_from_slice(secret).expect(ANY_LENGTH)),
            Algorithm::HmacSha224 => Self::Sha224(Mac::new_from_slice(secret).expect(ANY_LENGTH)),
            Algorithm::HmacSha256 => Self::Sha256(Mac::new_from_slice(secret).expect(ANY_LENGTH)),
            Algorithm::HmacSha384 => Self::Sha384(Mac::new_from_slice(secret).expect(ANY_LENGTH)),
            Algorithm::HmacSha512 => Self::Sha512(Mac::new_from_slice(secret).expect(ANY_LENGTH)),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha1(m) => m.update(data),
            Self::Sha224(m) => m.update(data),
            Self::Sha256(m) => m.update(data),
            Self::Sha384(m) => m.update(data),
            Self::Sha512(m) => m.update(data),
        }
    }

    pub(crate) fn finish(self) -> MacBuf {
        match self {
            Self::Sha1(m) => m.finalize().into_bytes().into_iter().collect(),
            Self::Sha224(m) => m.finalize().into_bytes().into_iter().collect(),
            Self::Sha256(m) => m.finalize().into_bytes().into_iter().collect(),
            Self::Sha384(m) => m.finalize().into_bytes().into_iter().collect(),
            Self::Sha512(m) => m.finalize().into_bytes().into_iter().collect(),
        }
    }

    /// Whether `mac` (full, or truncated to its leftmost octets) is this
    /// MAC; compared in constant time.
    pub(crate) fn verify(self, mac: &[u8]) -> bool {
        match self {
            Self::Sha1(m) => m.verify_truncated_left(mac).is_ok(),
            Self::Sha224(m) => m.verify_truncated_left(mac).is_ok(),
            Self::Sha256(m) => m.verify_truncated_left(mac).is_ok(),
            Self::Sha384(m) => m.verify_truncated_left(mac).is_ok(),
            Self::Sha512(m) => m.verify_truncated_left(mac).is_ok(),
        }
    }
}
