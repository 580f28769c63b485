//! The optional query log: one line per answered query, off by default.
//!
//! A line gives the question (name as the client wrote it, type, class),
//! the transport, the RCODE and the section counts, all read back from the
//! response. The client address is left out unless the operator asks
//! for it (`query-log-clients = true`): privacy is the default.

use std::fmt::Write;
use std::net::IpAddr;

use zone_loader::rtype;
use zone_loader::wire::name::{wire_len, write_presentation};

use crate::answer::Transport;

/// What the query log records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryLog {
    /// Log every answered query.
    pub enabled: bool,
    /// Include the client address in each line.
    pub clients: bool,
}

const RCODES: [&str; 11] = [
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
    "NXRRSET", "NOTAUTH", "NOTZONE",
];

/// The mnemonic of a (4-bit) RCODE, for logs.
pub fn rcode_name(rcode: u8) -> &'static str {
    RCODES.get(usize::from(rcode)).copied().unwrap_or("RCODE?")
}

impl QueryLog {
    /// Logs the query that `response` answers, if the log is on.
    pub fn record(&self, response: &[u8], transport: Transport, client: IpAddr) {
        if !self.enabled {
            return;
        }
        let line = describe(response, transport);
        if self.clients {
            tracing::info!(target: "authdns::query", "{line} client {client}");
        } else {
            tracing::info!(target: "authdns::query", "{line}");
        }
    }
}

/// `name type class transport rcode flags answer/authority/additional`.
fn describe(response: &[u8], transport: Transport) -> String {
    let mut line = String::with_capacity(96);
    let Some(header) = response.get(..12) else {
        return "(short response)".into();
    };
    let count = |i: usize| u16::from_be_bytes([header[6 + 2 * i], header[7 + 2 * i]]);
    let rcode = header[3] & 0x0f;
    let question = &response[12..];
    match wire_len(question) {
        Ok(len) if header[5] == 1 && question.len() >= len + 4 => {
            let _ = write_presentation(&question[..len], &mut line);
            let qtype = u16::from_be_bytes([question[len], question[len + 1]]);
            let qclass = u16::from_be_bytes([question[len + 2], question[len + 3]]);
            let class = match qclass {
                1 => "IN".to_owned(),
                3 => "CH".to_owned(),
                other => format!("CLASS{other}"),
            };
            let _ = write!(line, " {} {class}", rtype::mnemonic(qtype));
        }
        _ => line.push_str("(no question)"),
    }
    let transport = match transport {
        Transport::Udp => "udp",
        Transport::Tcp => "tcp",
    };
    let _ = write!(line, " {transport} {}", rcode_name(rcode));
    for (bit, flag) in [(0x04, " aa"), (0x02, " tc")] {
        if header[2] & bit != 0 {
            line.push_str(flag);
        }
    }
    let _ = write!(line, " {}/{}/{}", count(0), count(1), count(2));
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_describes_the_answer() {
        let response = b"\x12\x34\x84\x03\x00\x01\x00\x00\x00\x01\x00\x00\x03WwW\x07example\x00\x00\x01\x00\x01";
        assert_eq!(
            describe(response, Transport::Udp),
            "WwW.example. A IN udp NXDOMAIN aa 0/1/0"
        );
        assert_eq!(describe(&response[..5], Transport::Tcp), "(short response)");
    }
}
