//! The OPT record of a response (RFC 6891 6.1): our UDP payload size, the
//! DO bit echoed (RFC 3225 3), the extended RCODE, and the NSID (RFC 5001)
//! and COOKIE (RFC 7873) options when the query asked for them, and an
//! Extended DNS Error (RFC 8914) where the answer explains itself with one.

use zone_loader::wire::query::{Edns, OPTION_COOKIE, OPTION_EDE, OPTION_EXPIRE, OPTION_NSID};

use crate::answer::{AnswerConfig, Request};

/// Longest NSID we send (operators set it; RFC 5001 allows any length,
/// but it costs every answer that asks).
pub const MAX_NSID_LEN: usize = 128;
/// Length of an EDE option without EXTRA-TEXT (RFC 8914 2).
pub const EDE_LEN: usize = 6;
/// EDE INFO-CODE 20, Not Authoritative (RFC 8914 4.21).
pub const EDE_NOT_AUTHORITATIVE: u16 = 20;
/// Length of an EXPIRE option with its value (RFC 7314 2).
pub const EXPIRE_LEN: usize = 8;
/// Longest OPT record we write: header, NSID, COOKIE, EXPIRE and EDE options.
pub const MAX_OPT_LEN: usize = 11 + 4 + MAX_NSID_LEN + 4 + 24 + EXPIRE_LEN + EDE_LEN;
/// Extended DNS Error 18, Prohibited (RFC 8914 4.19).
pub const EDE_PROHIBITED: u16 = 18;

/// The OPT record to send.
#[derive(Debug, Clone)]
pub struct OptOut {
    udp_size: u16,
    extended_rcode: u8,
    dnssec_ok: bool,
    nsid: Option<([u8; MAX_NSID_LEN], u8)>,
    cookie: Option<[u8; 24]>,
    ede: Option<u16>,
    expire: Option<u32>,
}

impl OptOut {
    /// The OPT answering a query's `edns`.
    pub fn new(edns: &Edns, config: &AnswerConfig, request: &Request<'_>) -> Self {
        let nsid = config.nsid.as_ref().filter(|_| edns.nsid).map(|id| {
            let mut bytes = [0u8; MAX_NSID_LEN];
            let len = id.len().min(MAX_NSID_LEN);
            bytes[..len].copy_from_slice(&id[..len]);
            (bytes, len as u8)
        });
        let cookie = edns.cookie.map(|c| {
            let mut both = [0u8; 24];
            both[..8].copy_from_slice(&c.client);
            let server = config
                .cookie_secret
                .server_cookie(&c.client, request.client, request.now);
            both[8..].copy_from_slice(&server);
            both
        });
        Self {
            udp_size: config.edns_udp_size,
            extended_rcode: 0,
            dnssec_ok: edns.dnssec_ok,
            nsid,
            cookie,
            ede: None,
            expire: None,
        }
    }

    /// The same OPT carrying BADVERS (extended RCODE 16: upper bits 1).
    pub fn badvers(&self) -> Self {
        Self {
            extended_rcode: 1,
            nsid: None,
            ..self.clone()
        }
    }

    /// The same OPT carrying the Extended DNS Error `info_code`, no text
    /// (RFC 8914 2); the record grows by [`EDE_LEN`].
    pub fn with_ede(self, info_code: u16) -> Self {
        Self {
            ede: Some(info_code),
            ..self
        }
    }

    /// The same OPT carrying EXPIRE with `seconds` (RFC 7314 2); the
    /// record grows by [`EXPIRE_LEN`].
    pub fn with_expire(self, seconds: u32) -> Self {
        Self {
            expire: Some(seconds),
            ..self
        }
    }

    /// The record's length in wire form.
    pub fn len(&self) -> usize {
        11 + self.nsid.map_or(0, |(_, len)| 4 + usize::from(len))
            + self.cookie.map_or(0, |_| 28)
            + self.expire.map_or(0, |_| EXPIRE_LEN)
            + self.ede.map_or(0, |_| EDE_LEN)
    }

    /// Whether the record is empty (it never is: the header alone is 11 octets).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Writes the record into `out` (at least [`MAX_OPT_LEN`] long).
    pub fn write(&self, out: &mut [u8]) -> usize {
        let flags: u8 = if self.dnssec_ok { 0x80 } else { 0 };
        out[..9].copy_from_slice(&[
            0,
            0,
            41,
            (self.udp_size >> 8) as u8,
            self.udp_size as u8,
            self.extended_rcode,
            0,
            flags,
            0,
        ]);
        let mut pos = 11;
        if let Some((id, len)) = &self.nsid {
            let len = usize::from(*len);
            out[pos..pos + 4].copy_from_slice(&[0, OPTION_NSID as u8, 0, len as u8]);
            out[pos + 4..pos + 4 + len].copy_from_slice(&id[..len]);
            pos += 4 + len;
        }
        if let Some(cookie) = &self.cookie {
            out[pos..pos + 4].copy_from_slice(&[0, OPTION_COOKIE as u8, 0, 24]);
            out[pos + 4..pos + 28].copy_from_slice(cookie);
            pos += 28;
        }
        if let Some(seconds) = self.expire {
            out[pos..pos + 4].copy_from_slice(&[0, OPTION_EXPIRE as u8, 0, 4]);
            out[pos + 4..pos + EXPIRE_LEN].copy_from_slice(&seconds.to_be_bytes());
            pos += EXPIRE_LEN;
        }
        if let Some(info_code) = self.ede {
            out[pos..pos + 4].copy_from_slice(&[0, OPTION_EDE as u8, 0, 2]);
            out[pos + 4..pos + EDE_LEN].copy_from_slice(&info_code.to_be_bytes());
            pos += EDE_LEN;
        }
        let rdlen = (pos - 11) as u16;
        out[9..11].copy_from_slice(&rdlen.to_be_bytes());
        pos
    }
}
