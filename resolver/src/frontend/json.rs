//! The DNS JSON API as Google Public DNS and 1.1.1.1 offer it over HTTPS:
//! `GET /dns-query?name=example.com&type=AAAA&do=1&cd=0` with
//! `Accept: application/dns-json`. [`query`] turns the parameters into a
//! DNS query (recursion desired, EDNS when `do` is set); [`response`]
//! turns the DNS response into
//!
//! ```json
//! {"Status": 0, "TC": false, "RD": true, "RA": true, "AD": false, "CD": false,
//!  "Question": [{"name": "example.com.", "type": 28}],
//!  "Answer": [{"name": "example.com.", "type": 28, "TTL": 300, "data": "2001:db8::1"}]}
//! ```
//!
//! `Answer`, `Authority` and `Additional` appear when not empty; `data`
//! is the record data in zone-file form. Other parameters (such as
//! `edns_client_subnet`) are ignored: no client subnet ever goes upstream.

use std::str::FromStr;

use hickory_proto::op::Message;
use hickory_proto::rr::{Record, RecordType};
use serde_json::{Value, json};
use zone_loader::wire::name::Name as WireName;

use super::EDNS_UDP_SIZE;
use super::message::TYPE_OPT;

/// Media type of JSON answers.
pub const MEDIA_TYPE: &str = "application/dns-json";

/// Why the parameters do not make a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadQuery(pub String);

/// The DNS query the parameters of a JSON API request ask for.
pub fn query<'a>(params: impl Iterator<Item = (&'a str, &'a str)>) -> Result<Vec<u8>, BadQuery> {
    let (mut name, mut qtype, mut dnssec_ok, mut checking_disabled) = (None, 1u16, false, false);
    for (key, value) in params {
        match key {
            "name" => name = Some(value),
            "type" => qtype = record_type(value)?,
            "do" => dnssec_ok = flag(key, value)?,
            "cd" => checking_disabled = flag(key, value)?,
            _ => {}
        }
    }
    let name = name.ok_or_else(|| BadQuery("missing the name parameter".into()))?;
    let qname = WireName::from_text(name.as_bytes(), &WireName::root())
        .map_err(|e| BadQuery(format!("invalid name {name:?}: {e}")))?;
    let mut msg = Vec::with_capacity(12 + qname.as_wire().len() + 4 + 11);
    msg.extend_from_slice(&[0, 0]); // ID 0, as RFC 8484 4.1 suggests.
    msg.push(0x01); // RD
    msg.push(if checking_disabled { 0x10 } else { 0 });
    msg.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 1]);
    msg.extend_from_slice(qname.as_wire());
    msg.extend_from_slice(&qtype.to_be_bytes());
    msg.extend_from_slice(&1u16.to_be_bytes());
    msg.push(0); // OPT: root owner
    msg.extend_from_slice(&TYPE_OPT.to_be_bytes());
    msg.extend_from_slice(&EDNS_UDP_SIZE.to_be_bytes());
    msg.extend_from_slice(&[0, 0, if dnssec_ok { 0x80 } else { 0 }, 0, 0, 0]);
    Ok(msg)
}

/// A type by mnemonic (`AAAA`, any case) or number (`28`).
fn record_type(text: &str) -> Result<u16, BadQuery> {
    if let Ok(number) = text.parse::<u16>() {
        return Ok(number);
    }
    match RecordType::from_str(&text.to_ascii_uppercase()) {
        Ok(RecordType::Unknown(_)) | Err(_) => Err(BadQuery(format!("unknown type {text:?}"))),
        Ok(rtype) => Ok(u16::from(rtype)),
    }
}

/// `1`/`true` or `0`/`false` (and empty, for false).
fn flag(key: &str, value: &str) -> Result<bool, BadQuery> {
    match value {
        "1" | "true" => Ok(true),
        "" | "0" | "false" => Ok(false),
        _ => Err(BadQuery(format!("{key} must be 0 or 1, not {value:?}"))),
    }
}

/// The JSON form of a DNS response, or `None` if it does not decode.
pub fn response(wire: &[u8]) -> Option<String> {
    let msg = Message::from_vec(wire).ok()?;
    let meta = &msg.metadata;
    let mut out = json!({
        "Status": u16::from(meta.response_code),
        "TC": meta.truncation,
        "RD": meta.recursion_desired,
        "RA": meta.recursion_available,
        "AD": meta.authentic_data,
        "CD": meta.checking_disabled,
        "Question": msg.queries.iter().map(|q| json!({
            "name": q.name().to_string(),
            "type": u16::from(q.query_type()),
        })).collect::<Vec<_>>(),
    });
    let sections = [
        ("Answer", &msg.answers),
        ("Authority", &msg.authorities),
        ("Additional", &msg.additionals),
    ];
    for (section, records) in sections {
        if !records.is_empty() {
            out[section] = Value::Array(records.iter().map(record).collect());
        }
    }
    Some(out.to_string())
}

fn record(record: &Record) -> Value {
    json!({
        "name": record.name.to_string(),
        "type": u16::from(record.record_type()),
        "TTL": record.ttl,
        "data": record.data.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use zone_loader::wire::query as wire_query;

    fn params(text: &str) -> Vec<(&str, &str)> {
        text.split('&')
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
            .collect()
    }

    #[test]
    fn parameters_make_a_query_with_rd_do_and_cd() {
        let msg = query(params("name=Example.COM&type=aaaa&do=1&cd=true").into_iter()).unwrap();
        let parsed = wire_query::parse(&msg).unwrap();
        assert_eq!(parsed.qname(), b"\x07example\x03com\x00");
        assert_eq!(parsed.qtype, 28);
        assert!(parsed.recursion_desired());
        assert!(parsed.checking_disabled());
        assert!(parsed.edns.unwrap().dnssec_ok);

        let plain = query(params("name=example.com").into_iter()).unwrap();
        let parsed = wire_query::parse(&plain).unwrap();
        assert_eq!(parsed.qtype, 1, "type A by default");
        assert!(!parsed.checking_disabled());
        assert!(!parsed.edns.unwrap().dnssec_ok);
        assert_eq!(
            wire_query::parse(&query(params("name=x.&type=65").into_iter()).unwrap())
                .unwrap()
                .qtype,
            65
        );
    }

    #[test]
    fn bad_parameters_are_explained() {
        for (text, expected) in [
            ("type=A", "missing the name"),
            ("name=a..b", "invalid name"),
            ("name=x&type=NOSUCH", "unknown type"),
            ("name=x&do=yes", "do must be 0 or 1"),
        ] {
            let BadQuery(why) = query(params(text).into_iter()).unwrap_err();
            assert!(why.contains(expected), "{text}: {why}");
        }
    }

    #[test]
    fn responses_become_json() {
        use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
        use hickory_proto::rr::{Name, RData, rdata};

        let name = Name::from_ascii("www.example.").unwrap();
        let mut msg = Message::new(0, MessageType::Response, OpCode::Query);
        msg.metadata.recursion_desired = true;
        msg.metadata.recursion_available = true;
        msg.metadata.response_code = ResponseCode::NoError;
        msg.add_query(Query::query(name.clone(), RecordType::A));
        msg.add_answer(Record::from_rdata(
            name,
            300,
            RData::A(rdata::A::new(192, 0, 2, 1)),
        ));
        let json: Value = serde_json::from_str(&response(&msg.to_vec().unwrap()).unwrap()).unwrap();
        assert_eq!(json["Status"], 0);
        assert_eq!(json["RD"], true);
        assert_eq!(json["AD"], false);
        assert_eq!(json["Question"][0]["name"], "www.example.");
        assert_eq!(json["Question"][0]["type"], 1);
        assert_eq!(
            json["Answer"][0],
            json!({"name": "www.example.", "type": 1, "TTL": 300, "data": "192.0.2.1"})
        );
        assert!(json.get("Authority").is_none());
    }
}
