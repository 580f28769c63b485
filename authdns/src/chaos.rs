//! CHAOS-class identity queries: `id.server.` and `hostname.bind.` (RFC
//! 4892) give the server identity, `version.server.` and `version.bind.`
//! the version. Each is answered only when configured; otherwise, and for
//! every other CHAOS question, REFUSED.

use zone_loader::rtype::code;
use zone_loader::wire::query::Query;
use zone_loader::wire::writer::{Owner, Section, Writer};

use crate::answer::resolve::rcode;

/// The configured CHAOS answers.
#[derive(Debug, Clone, Default)]
pub struct Chaos {
    /// For `id.server.` and `hostname.bind.`.
    pub identity: Option<String>,
    /// For `version.server.` and `version.bind.`.
    pub version: Option<String>,
}

/// Answers a CHAOS-class query.
pub fn answer(chaos: &Chaos, query: &Query, writer: &mut Writer<'_>) {
    let value = match query.qname() {
        b"\x02id\x06server\x00" | b"\x08hostname\x04bind\x00" => chaos.identity.as_deref(),
        b"\x07version\x06server\x00" | b"\x07version\x04bind\x00" => chaos.version.as_deref(),
        _ => None,
    };
    let Some(value) = value.filter(|_| matches!(query.qtype, code::TXT | code::ANY)) else {
        writer.set_rcode(rcode::REFUSED);
        return;
    };
    let mut rdata = Vec::with_capacity(value.len() + 2);
    for chunk in value.as_bytes().chunks(255) {
        rdata.push(chunk.len() as u8);
        rdata.extend_from_slice(chunk);
    }
    writer.set_authoritative();
    if writer
        .record(Section::Answer, Owner::Question, code::TXT, 3, 0, &rdata)
        .is_err()
    {
        writer.set_truncated();
    }
}
