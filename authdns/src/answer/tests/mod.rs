//! The answer algorithm, case by case, checked by decoding responses with
//! hickory-proto (an independent decoder).

use std::net::{IpAddr, Ipv4Addr};
use std::str::FromStr;
use std::sync::Arc;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query as HQuery, ResponseCode};
use hickory_proto::rr::rdata::opt::{EdnsCode, EdnsOption};
use hickory_proto::rr::{DNSClass, Name as HName, Record, RecordType};
use zone_loader::{Name, Snapshot, zone_from_str};

use super::*;
use crate::cookies::CookieSecret;

const EXAMPLE: &str = r#"
$TTL 3600
@        SOA   ns1 hostmaster 1 7200 3600 1209600 300
@        NS    ns1
@        NS    ns2.example.net.
@        MX    10 mail
ns1      A     192.0.2.1
mail     A     192.0.2.25
mail     AAAA  2001:db8::25
www      CNAME web
web      A     192.0.2.80
chain1   CNAME chain2
chain2   CNAME www
loop1    CNAME loop2
loop2    CNAME loop1
out      CNAME elsewhere.example.org.
dangling CNAME nothing
toother  CNAME www.other.
toothermissing CNAME nope.other.
sub      NS    ns1.sub
sub      NS    ns.other.example.
sub      DS    12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns1.sub  A     192.0.2.53
*.wild   A     192.0.2.99
*.wild   TXT   "wild"
x.wild   TXT   "not wild"
*.cw     CNAME web
a.b.ent  A     192.0.2.7
old      DNAME new.example.
short    DNAME a-much-longer-target-name.example.
x.new    A     192.0.2.5
_sip._udp SRV  0 5 5060 mail
big      TXT   "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT   "1123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT   "2123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT   "3123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT   "4123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT   "5123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
"#;

const OTHER: &str =
    "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 198.51.100.1\nwww A 198.51.100.80\n";

fn snapshot() -> Snapshot {
    let zone = |text: &str, origin: &str| {
        let origin = Name::from_text(origin.as_bytes(), &Name::root()).unwrap();
        Arc::new(zone_from_str(text, &origin, "test.zone").unwrap().0)
    };
    Snapshot::new([zone(EXAMPLE, "example."), zone(OTHER, "other.")])
}

fn config() -> AnswerConfig {
    AnswerConfig {
        edns_udp_size: 1232,
        nsid: Some(b"ns-test".to_vec()),
        chaos: Chaos {
            identity: Some("ns1.example".into()),
            version: None,
        },
        cookie_secret: CookieSecret::from_hex("000102030405060708090a0b0c0d0e0f").unwrap(),
        expire: Default::default(),
    }
}

fn query(name: &str, rtype: RecordType, edns: bool) -> Message {
    let mut msg = Message::new(0xbeef, MessageType::Query, OpCode::Query);
    msg.add_query(HQuery::query(HName::from_str(name).unwrap(), rtype));
    if edns {
        let mut e = Edns::new();
        e.set_max_payload(1232);
        msg.set_edns(e);
    }
    msg
}

fn send_bytes(bytes: &[u8], transport: Transport) -> Option<Vec<u8>> {
    send_to(&snapshot(), bytes, transport)
}

fn send_to(snapshot: &Snapshot, bytes: &[u8], transport: Transport) -> Option<Vec<u8>> {
    let request = Request {
        msg: bytes,
        transport,
        client: IpAddr::V4(Ipv4Addr::LOCALHOST),
        now: 1_700_000_000,
    };
    let mut buf = Vec::new();
    let len = answer(snapshot, &config(), &request, &mut buf)?;
    buf.truncate(len);
    Some(buf)
}

fn send(msg: &Message, transport: Transport) -> Message {
    let bytes = send_bytes(&msg.to_vec().unwrap(), transport).expect("an answer");
    Message::from_vec(&bytes).expect("the response decodes")
}

fn ask(name: &str, rtype: RecordType) -> Message {
    send(&query(name, rtype, true), Transport::Udp)
}

fn lines(records: &[Record]) -> Vec<String> {
    let mut out: Vec<String> = records
        .iter()
        .map(|r| format!("{} {} {} {}", r.name, r.ttl, r.record_type(), r.data).to_lowercase())
        .collect();
    out.sort();
    out
}

#[test]
fn rfc1034_exact_match_is_authoritative() {
    let r = ask("web.example.", RecordType::A);
    assert_eq!(r.metadata.response_code, ResponseCode::NoError);
    assert!(r.metadata.authoritative);
    assert_eq!(lines(&r.answers), ["web.example. 3600 a 192.0.2.80"]);
    assert!(r.authorities.is_empty());
}

#[test]
fn question_is_echoed_with_its_case() {
    let mut sent = query("web.example.", RecordType::A, false)
        .to_vec()
        .unwrap();
    sent[12..25].copy_from_slice(b"\x03WeB\x07ExAmple\x00");
    let bytes = send_bytes(&sent, Transport::Udp).unwrap();
    assert_eq!(&bytes[12..25], b"\x03WeB\x07ExAmple\x00");
    let r = Message::from_vec(&bytes).unwrap();
    assert_eq!(r.metadata.id, 0xbeef);
    assert_eq!(r.answers.len(), 1);
}

#[test]
fn cname_chains_are_followed_inside_the_zone() {
    let r = ask("chain1.example.", RecordType::A);
    assert_eq!(
        lines(&r.answers),
        [
            "chain1.example. 3600 cname chain2.example.",
            "chain2.example. 3600 cname www.example.",
            "web.example. 3600 a 192.0.2.80",
            "www.example. 3600 cname web.example.",
        ]
    );
    assert!(r.metadata.authoritative);
}

#[test]
fn cname_out_of_zone_stops_and_cname_query_is_not_followed() {
    let r = ask("out.example.", RecordType::A);
    assert_eq!(
        lines(&r.answers),
        ["out.example. 3600 cname elsewhere.example.org."]
    );
    assert!(r.authorities.is_empty());
    let r = ask("www.example.", RecordType::CNAME);
    assert_eq!(lines(&r.answers), ["www.example. 3600 cname web.example."]);
}

#[test]
fn cname_loops_are_bounded() {
    let r = ask("loop1.example.", RecordType::A);
    assert_eq!(r.metadata.response_code, ResponseCode::NoError);
    assert!(r.answers.len() <= resolve::MAX_CHAIN + 1);
    assert!(r.answers.len() >= 2);
}

#[test]
fn rfc6604_cname_to_a_missing_name_is_nxdomain() {
    let r = ask("dangling.example.", RecordType::A);
    assert_eq!(r.metadata.response_code, ResponseCode::NXDomain);
    assert_eq!(r.answers.len(), 1);
    assert_eq!(r.authorities[0].record_type(), RecordType::SOA);
}

#[test]
fn rfc2308_nxdomain_and_nodata_carry_the_soa_with_the_minimum_ttl() {
    let r = ask("missing.example.", RecordType::A);
    assert_eq!(r.metadata.response_code, ResponseCode::NXDomain);
    assert!(r.metadata.authoritative);
    assert!(r.answers.is_empty());
    assert_eq!(r.authorities.len(), 1);
    assert_eq!(r.authorities[0].record_type(), RecordType::SOA);
    assert_eq!(r.authorities[0].ttl, 300);

    let r = ask("web.example.", RecordType::AAAA);
    assert_eq!(r.metadata.response_code, ResponseCode::NoError);
    assert!(r.answers.is_empty());
    assert_eq!(r.authorities[0].ttl, 300);
}

#[test]
fn empty_non_terminal_is_nodata_not_nxdomain() {
    let r = ask("b.ent.example.", RecordType::A);
    assert_eq!(r.metadata.response_code, ResponseCode::NoError);
    assert!(r.answers.is_empty());
    let r = ask("ent.example.", RecordType::TXT);
    assert_eq!(r.metadata.response_code, ResponseCode::NoError);
}

#[test]
fn referral_has_ns_in_authority_and_glue_not_aa() {
    let r = ask("www.sub.example.", RecordType::A);
    assert_eq!(r.metadata.response_code, ResponseCode::NoError);
    assert!(!r.metadata.authoritative);
    assert!(r.answers.is_empty());
    assert_eq!(
        lines(&r.authorities),
        [
            "sub.example. 3600 ns ns.other.example.",
            "sub.example. 3600 ns ns1.sub.example."
        ]
    );
    let glue: Vec<String> = lines(&r.additionals);
    assert_eq!(glue, ["ns1.sub.example. 3600 a 192.0.2.53"]);
    // The delegation point itself is a referral too.
    let r = ask("sub.example.", RecordType::A);
    assert!(!r.metadata.authoritative);
    assert_eq!(r.authorities.len(), 2);
}

#[test]
fn rfc4035_ds_at_a_delegation_is_answered_by_the_parent() {
    let r = ask("sub.example.", RecordType::DS);
    assert!(r.metadata.authoritative);
    assert_eq!(r.answers.len(), 1);
    assert_eq!(r.answers[0].record_type(), RecordType::DS);
}

#[test]
fn rfc4592_wildcards_synthesise_with_the_query_name() {
    let r = ask("anything.wild.example.", RecordType::A);
    assert!(r.metadata.authoritative);
    assert_eq!(
        lines(&r.answers),
        ["anything.wild.example. 3600 a 192.0.2.99"]
    );
    // NODATA at a wildcard for a type it lacks.
    let r = ask("anything.wild.example.", RecordType::MX);
    assert_eq!(r.metadata.response_code, ResponseCode::NoError);
    assert!(r.answers.is_empty());
    // An existing name is not synthesised.
    let r = ask("x.wild.example.", RecordType::A);
    assert_eq!(r.answers.len(), 0);
    // RFC 4592 2.2.1: the wildcard does not match below an existing name.
    let r = ask("y.x.wild.example.", RecordType::A);
    assert_eq!(r.metadata.response_code, ResponseCode::NXDomain);
    // Deeper names match through the closest encloser.
    let r = ask("a.b.wild.example.", RecordType::A);
    assert_eq!(lines(&r.answers), ["a.b.wild.example. 3600 a 192.0.2.99"]);
}

#[test]
fn rfc4592_wildcard_cname_is_followed() {
    let r = ask("foo.cw.example.", RecordType::A);
    assert_eq!(
        lines(&r.answers),
        [
            "foo.cw.example. 3600 cname web.example.",
            "web.example. 3600 a 192.0.2.80"
        ]
    );
}

#[test]
fn rfc6672_dname_synthesises_a_cname() {
    let r = ask("x.old.example.", RecordType::A);
    // hickory-proto decodes DNAME rdata as opaque data: compare the owner and the rest.
    assert_eq!(r.answers[0].record_type(), RecordType::DNAME);
    assert_eq!(r.answers[0].name.to_string(), "old.example.");
    assert_eq!(
        lines(&r.answers[1..]),
        [
            "x.new.example. 3600 a 192.0.2.5",
            "x.old.example. 3600 cname x.new.example."
        ]
    );
    // A CNAME question is answered by the synthesised CNAME; it is not followed.
    let r = ask("y.old.example.", RecordType::CNAME);
    assert_eq!(r.metadata.response_code, ResponseCode::NoError);
    assert_eq!(
        lines(&r.answers[1..]),
        ["y.old.example. 3600 cname y.new.example."]
    );
    assert!(r.authorities.is_empty());
    // The DNAME owner itself is not redirected.
    let r = ask("old.example.", RecordType::DNAME);
    assert_eq!(r.answers.len(), 1);
}

#[test]
fn rfc6672_dname_overflow_is_yxdomain() {
    let label = "a".repeat(63);
    let long = format!("{label}.{label}.{label}.{}.short.example.", "b".repeat(40));
    let r = ask(&long, RecordType::A);
    assert_eq!(r.metadata.response_code, ResponseCode::YXDomain);
}

#[test]
fn additional_records_for_mx_srv_and_ns() {
    let r = ask("example.", RecordType::MX);
    assert_eq!(
        lines(
            &r.additionals
                .iter()
                .filter(|r| r.record_type() != RecordType::OPT)
                .cloned()
                .collect::<Vec<_>>()
        ),
        [
            "mail.example. 3600 a 192.0.2.25",
            "mail.example. 3600 aaaa 2001:db8::25"
        ]
    );
    let r = ask("_sip._udp.example.", RecordType::SRV);
    assert_eq!(r.additionals.len(), 2);
    let r = ask("example.", RecordType::NS);
    assert_eq!(lines(&r.additionals), ["ns1.example. 3600 a 192.0.2.1"]);
}

#[test]
fn rfc8482_any_gives_one_rrset_over_udp_and_all_over_tcp() {
    let r = ask("example.", RecordType::ANY);
    let types: std::collections::BTreeSet<_> = r.answers.iter().map(Record::record_type).collect();
    assert_eq!(types.len(), 1, "one RRset over UDP: {types:?}");
    let r = send(&query("example.", RecordType::ANY, true), Transport::Tcp);
    let types: std::collections::BTreeSet<_> = r.answers.iter().map(Record::record_type).collect();
    assert!(
        types.contains(&RecordType::SOA)
            && types.contains(&RecordType::NS)
            && types.contains(&RecordType::MX)
    );
}

#[test]
fn outside_every_zone_is_refused() {
    let r = ask("example.org.", RecordType::A);
    assert_eq!(r.metadata.response_code, ResponseCode::Refused);
    assert!(!r.metadata.authoritative);
}

#[test]
fn other_opcodes_are_notimp() {
    for opcode in [OpCode::Status, OpCode::Unknown(1), OpCode::Unknown(3)] {
        let mut msg = query("example.", RecordType::SOA, false);
        msg.metadata.op_code = opcode;
        let r = send(&msg, Transport::Udp);
        assert_eq!(r.metadata.response_code, ResponseCode::NotImp, "{opcode:?}");
    }
}

#[test]
fn malformed_queries_get_formerr_and_responses_are_dropped() {
    let mut bytes = query("example.", RecordType::SOA, false).to_vec().unwrap();
    bytes[5] = 2;
    let r = Message::from_vec(&send_bytes(&bytes, Transport::Udp).unwrap()).unwrap();
    assert_eq!(r.metadata.response_code, ResponseCode::FormErr);
    assert_eq!(r.metadata.id, 0xbeef);

    let bytes = query("example.", RecordType::SOA, false).to_vec().unwrap();
    let r =
        Message::from_vec(&send_bytes(&bytes[..bytes.len() - 2], Transport::Udp).unwrap()).unwrap();
    assert_eq!(r.metadata.response_code, ResponseCode::FormErr);

    let mut response = query("example.", RecordType::SOA, false);
    response.metadata.message_type = MessageType::Response;
    assert!(send_bytes(&response.to_vec().unwrap(), Transport::Udp).is_none());
    assert!(send_bytes(&[0; 5], Transport::Udp).is_none());
}

#[test]
fn rfc6891_opt_is_echoed_and_badvers_for_version_1() {
    let r = ask("web.example.", RecordType::A);
    let edns = r.edns.as_ref().expect("OPT in the response");
    assert_eq!(edns.max_payload(), 1232);
    assert_eq!(edns.version(), 0);

    let mut msg = query("web.example.", RecordType::A, true);
    msg.edns.as_mut().unwrap().set_version(1);
    let r = send(&msg, Transport::Udp);
    // Extended RCODE 16 is BADVERS in an OPT (hickory-proto names it BADSIG).
    assert_eq!(u16::from(r.metadata.response_code), 16);
    assert!(r.answers.is_empty());

    let r = ask("web.example.", RecordType::A);
    assert!(!r.edns.unwrap().flags().dnssec_ok);
    let mut msg = query("web.example.", RecordType::A, true);
    msg.edns.as_mut().unwrap().set_dnssec_ok(true);
    assert!(send(&msg, Transport::Udp).edns.unwrap().flags().dnssec_ok);
}

#[test]
fn no_edns_means_no_opt_and_512_bytes() {
    let r = send(
        &query("big.example.", RecordType::TXT, false),
        Transport::Udp,
    );
    assert!(r.edns.is_none());
    assert!(r.metadata.truncation, "600 bytes of TXT cannot fit in 512");
    let r = send(
        &query("big.example.", RecordType::TXT, true),
        Transport::Udp,
    );
    assert!(!r.metadata.truncation);
    assert_eq!(r.answers.len(), 6);
    let r = send(
        &query("big.example.", RecordType::TXT, false),
        Transport::Tcp,
    );
    assert!(!r.metadata.truncation);
}

#[test]
fn unknown_edns_options_are_ignored_and_nsid_is_returned() {
    let mut msg = query("web.example.", RecordType::A, true);
    let edns = msg.edns.as_mut().unwrap();
    edns.options_mut()
        .insert(EdnsOption::Unknown(65001, vec![1, 2, 3]));
    edns.options_mut()
        .insert(EdnsOption::Unknown(u16::from(EdnsCode::NSID), vec![]));
    let r = send(&msg, Transport::Udp);
    assert_eq!(r.answers.len(), 1);
    let nsid = r.edns.unwrap().option(EdnsCode::NSID).cloned();
    match nsid {
        Some(EdnsOption::NSID(payload)) => assert_eq!(payload.as_ref(), b"ns-test"),
        Some(EdnsOption::Unknown(_, data)) => assert_eq!(data, b"ns-test"),
        other => panic!("no NSID: {other:?}"),
    }
}

#[test]
fn rfc7873_server_cookie_is_added() {
    let mut msg = query("web.example.", RecordType::A, true);
    msg.edns
        .as_mut()
        .unwrap()
        .options_mut()
        .insert(EdnsOption::Unknown(10, vec![9; 8]));
    let r = send(&msg, Transport::Udp);
    let Some(EdnsOption::Unknown(10, cookie)) = r.edns.unwrap().option(EdnsCode::Cookie).cloned()
    else {
        panic!("no cookie in the response");
    };
    assert_eq!(cookie.len(), 24);
    assert_eq!(&cookie[..8], &[9; 8]);
    assert_eq!(cookie[8], 1, "RFC 9018 version 1");
}

#[test]
fn chaos_identity_answers_when_configured_refused_otherwise() {
    let mut msg = query("id.server.", RecordType::TXT, false);
    msg.queries[0].set_query_class(DNSClass::CH);
    let r = send(&msg, Transport::Udp);
    assert_eq!(r.metadata.response_code, ResponseCode::NoError);
    assert_eq!(
        r.answers[0].data.to_string().trim_matches('"'),
        "ns1.example"
    );
    assert_eq!(r.answers[0].dns_class, DNSClass::CH);
    let mut msg = query("version.bind.", RecordType::TXT, false);
    msg.queries[0].set_query_class(DNSClass::CH);
    assert_eq!(
        send(&msg, Transport::Udp).metadata.response_code,
        ResponseCode::Refused
    );
}

#[test]
fn truncation_sets_tc_at_rrset_boundaries() {
    let mut msg = query("big.example.", RecordType::TXT, true);
    msg.edns.as_mut().unwrap().set_max_payload(512);
    let r = send(&msg, Transport::Udp);
    assert!(r.metadata.truncation);
    assert!(r.answers.is_empty(), "a partial RRset is never sent");
    assert!(r.edns.is_some(), "OPT survives truncation");
}

#[test]
fn rfc9471_in_domain_glue_that_does_not_fit_sets_tc() {
    let mut text = String::from("$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n");
    for i in 0..20 {
        text.push_str(&format!(
            "big NS a-rather-long-name-server-{i:02}.big.glue.\n"
        ));
        text.push_str(&format!(
            "a-rather-long-name-server-{i:02}.big AAAA 2001:db8::{i}\n"
        ));
    }
    let origin = Name::from_text(b"glue.", &Name::root()).unwrap();
    let (zone, _) = zone_from_str(&text, &origin, "glue.zone").unwrap();
    let snapshot = Snapshot::new([Arc::new(zone)]);
    let bytes = query("www.big.glue.", RecordType::A, false)
        .to_vec()
        .unwrap();
    let over_udp = send_to(&snapshot, &bytes, Transport::Udp).unwrap();
    let r = Message::from_vec(&over_udp).unwrap();
    assert!(
        r.metadata.truncation,
        "in-domain glue that does not fit in 512 bytes sets TC"
    );
    assert!(over_udp.len() <= CLASSIC_UDP_SIZE);
    let r = Message::from_vec(&send_to(&snapshot, &bytes, Transport::Tcp).unwrap()).unwrap();
    assert!(!r.metadata.truncation);
    assert_eq!((r.authorities.len(), r.additionals.len()), (20, 20));
}

/// RFC 4592 2.2.1, the example zone verbatim (SOA and SRV rdata filled in).
const RFC4592: &str = r#"
$ORIGIN example.
example.                 3600 IN  SOA   ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 300
example.                 3600     NS    ns.example.com.
example.                 3600     NS    ns.example.net.
*.example.               3600     TXT   "this is a wildcard"
*.example.               3600     MX    10 host1.example.
sub.*.example.           3600     TXT   "this is not a wildcard"
host1.example.           3600     A     192.0.2.1
_ssh._tcp.host1.example. 3600     SRV   0 0 22 host1.example.
_ssh._tcp.host2.example. 3600     SRV   0 0 22 host2.example.
subdel.example.          3600     NS    ns.example.com.
subdel.example.          3600     NS    ns.example.net.
"#;

fn ask_rfc4592(name: &str, rtype: RecordType) -> Message {
    let origin = Name::from_text(b"example.", &Name::root()).unwrap();
    let (zone, _) = zone_from_str(RFC4592, &origin, "rfc4592.zone").unwrap();
    let snapshot = Snapshot::new([Arc::new(zone)]);
    let bytes = query(name, rtype, true).to_vec().unwrap();
    Message::from_vec(&send_to(&snapshot, &bytes, Transport::Udp).unwrap()).unwrap()
}

#[test]
fn rfc4592_2_2_1_synthesised_answers() {
    let r = ask_rfc4592("host3.example.", RecordType::MX);
    assert_eq!(
        lines(&r.answers),
        ["host3.example. 3600 mx 10 host1.example."]
    );
    let r = ask_rfc4592("host3.example.", RecordType::A);
    assert_eq!(
        (r.metadata.response_code, r.answers.len()),
        (ResponseCode::NoError, 0)
    );
    assert_eq!(r.authorities[0].record_type(), RecordType::SOA);
    let r = ask_rfc4592("foo.bar.example.", RecordType::TXT);
    assert_eq!(r.answers.len(), 1);
    assert_eq!(r.answers[0].name.to_string(), "foo.bar.example.");
}

#[test]
fn rfc4592_2_2_1_names_not_synthesised() {
    // host1.example. exists: no MX there, and no synthesis.
    let r = ask_rfc4592("host1.example.", RecordType::MX);
    assert_eq!(
        (r.metadata.response_code, r.answers.len()),
        (ResponseCode::NoError, 0)
    );
    // sub.*.example. exists.
    let r = ask_rfc4592("sub.*.example.", RecordType::MX);
    assert_eq!(
        (r.metadata.response_code, r.answers.len()),
        (ResponseCode::NoError, 0)
    );
    // _tcp.host1.example. is an empty non-terminal: it is the closest encloser, with no wildcard.
    let r = ask_rfc4592("_telnet._tcp.host1.example.", RecordType::SRV);
    assert_eq!(r.metadata.response_code, ResponseCode::NXDomain);
    // Below a zone cut: a referral.
    let r = ask_rfc4592("host.subdel.example.", RecordType::A);
    assert!(!r.metadata.authoritative);
    assert_eq!(r.authorities.len(), 2);
    // *.example. is the closest encloser and *.*.example. does not exist.
    let r = ask_rfc4592("ghost.*.example.", RecordType::MX);
    assert_eq!(r.metadata.response_code, ResponseCode::NXDomain);
}

#[test]
fn rfc4035_ds_at_a_child_apex_is_answered_by_the_parent_served_here() {
    let zone = |text: &str, origin: &str| {
        let origin = Name::from_text(origin.as_bytes(), &Name::root()).unwrap();
        Arc::new(zone_from_str(text, &origin, "test.zone").unwrap().0)
    };
    let child = "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\n";
    let both = Snapshot::new([zone(EXAMPLE, "example."), zone(child, "sub.example.")]);
    let ask_ds = |snapshot: &Snapshot| {
        let bytes = query("sub.example.", RecordType::DS, true)
            .to_vec()
            .unwrap();
        Message::from_vec(&send_to(snapshot, &bytes, Transport::Udp).unwrap()).unwrap()
    };
    let answer = ask_ds(&both);
    assert!(answer.metadata.authoritative);
    assert_eq!(answer.answers.len(), 1, "the parent's DS");
    assert_eq!(answer.answers[0].record_type(), RecordType::DS);
    // Other types at the apex come from the child.
    let ns = send_to(
        &both,
        &query("sub.example.", RecordType::NS, true)
            .to_vec()
            .unwrap(),
        Transport::Udp,
    )
    .unwrap();
    let ns = Message::from_vec(&ns).unwrap();
    assert!(
        ns.metadata.authoritative && ns.answers.iter().all(|r| r.record_type() == RecordType::NS)
    );
    // Without the parent, the child answers (NODATA, its own SOA).
    let alone = Snapshot::new([zone(child, "sub.example.")]);
    let nodata = ask_ds(&alone);
    assert!(nodata.answers.is_empty());
    assert_eq!(nodata.authorities[0].name.to_string(), "sub.example.");
}

mod edges;

#[test]
fn rfc7314_expire_of_a_primary_zone_is_its_soa_expire() {
    let mut msg = query("example.", RecordType::SOA, true);
    msg.edns
        .as_mut()
        .unwrap()
        .options_mut()
        .insert(EdnsOption::Unknown(9, vec![]));
    let r = send(&msg, Transport::Udp);
    assert_eq!(r.answers.len(), 1);
    let expire = r.edns.unwrap().option(EdnsCode::from(9)).cloned();
    match expire {
        Some(EdnsOption::Unknown(9, data)) => assert_eq!(data, 1_209_600_u32.to_be_bytes()),
        other => panic!("no EXPIRE: {other:?}"),
    }
    let plain = ask("example.", RecordType::SOA);
    assert!(
        plain.edns.unwrap().option(EdnsCode::from(9)).is_none(),
        "only when asked"
    );
}
