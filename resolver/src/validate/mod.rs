//! DNSSEC validation (RFC 4033-4035, 5155, 6840): the building blocks.
//!
//! - [`anchors`]: where trust starts: the IANA root keys (KSK-2017 and
//!   KSK-2024) built in, or DS/DNSKEY records from a file;
//! - [`aggressive`]: NSEC records of secure denials, answering later
//!   questions in the gaps they prove (RFC 8198);
//! - [`verify`]: one RRset against its RRSIGs and a zone's keys, and a
//!   zone's DNSKEY RRset against the DS records that vouch for it, under a
//!   per-query work budget (KeyTrap, CVE-2023-50387);
//! - [`retry`]: a bogus answer asked again of the zone's other servers;
//! - [`sentinel`]: the root key sentinel (RFC 8509);
//!
//! The outcome of every check is a [`Security`] verdict; a bogus one
//! carries the [`Reason`], which becomes the Extended DNS Error (RFC 8914)
//! of the SERVFAIL sent to the client.

pub mod aggressive;
pub mod anchors;
pub mod chain;
pub mod denial;
pub mod keys;
pub mod negative;
pub mod retry;
pub mod sentinel;
pub mod verify;

/// What validation concluded about an answer (RFC 4035 4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// A chain of trust from an anchor signs it: AD may be set.
    Secure,
    /// Proven unsigned (an insecure delegation, or only algorithms or
    /// digests we do not implement, RFC 6840 5.2): answered without AD.
    Insecure,
    /// Signed, but the signatures or the chain do not hold: SERVFAIL.
    Bogus(Reason),
}

/// Why an answer is bogus, each mapped to its Extended DNS Error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Signatures are there but none verifies (EDE 6, DNSSEC Bogus).
    BadSignature,
    /// Every usable signature has expired (EDE 7).
    SignatureExpired,
    /// Every usable signature is not valid yet (EDE 8).
    SignatureNotYetValid,
    /// No DNSKEY matches the DS records or the signatures (EDE 9).
    DnskeyMissing,
    /// A signed zone answered without signatures (EDE 10).
    RrsigsMissing,
    /// The matching key lacks the Zone Key bit (EDE 11).
    NoZoneKeyBit,
    /// A denial came without the NSEC/NSEC3 records that prove it (EDE 12).
    NsecMissing,
    /// Validation would take more work than a query may cost (EDE 6, with text).
    TooMuchWork,
}

impl Reason {
    /// The Extended DNS Error code and text (RFC 8914 4).
    pub fn ede(self) -> (u16, &'static str) {
        match self {
            Self::BadSignature => (6, ""),
            Self::SignatureExpired => (7, ""),
            Self::SignatureNotYetValid => (8, ""),
            Self::DnskeyMissing => (9, ""),
            Self::RrsigsMissing => (10, ""),
            Self::NoZoneKeyBit => (11, ""),
            Self::NsecMissing => (12, ""),
            Self::TooMuchWork => (6, "validation work limit reached"),
        }
    }
}

/// Bounds on the work one client query may cause (KeyTrap: colliding key
/// tags and many signatures must not multiply into millions of
/// verifications).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Signature verifications still allowed.
    pub verifications: u32,
}

impl Budget {
    /// Verifications one client query may cause.
    pub const PER_QUERY: u32 = 64;
    /// Keys tried for one signature (those with its key tag and algorithm).
    pub const KEYS_PER_SIGNATURE: usize = 4;
    /// Signatures tried for one RRset.
    pub const SIGNATURES_PER_RRSET: usize = 8;

    /// A fresh budget for one query.
    pub fn per_query() -> Self {
        Self {
            verifications: Self::PER_QUERY,
        }
    }

    /// Takes one verification; false when none is left.
    pub fn spend(&mut self) -> bool {
        if self.verifications == 0 {
            return false;
        }
        self.verifications -= 1;
        true
    }
}
