//! The parser as a whole: directives, escapes, every type, and a table of
//! bad inputs with the error each must give.

use std::path::Path;

use hickory_proto::rr::Record;
use hickory_proto::serialize::binary::BinDecodable;

use crate::lexer::LexError;
use crate::parse::{ParsedRecord, Parser};
use crate::problem::{ProblemKind, Problems};
use crate::rdata::RdataErrorKind;
use crate::rtype;
use crate::wire::name::{Name, NameError};
use crate::zone_from_str;

/// A record as the tests see it.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) owner: String,
    pub(crate) rtype: u16,
    pub(crate) ttl: u32,
    pub(crate) rdata: Vec<u8>,
}

fn origin() -> Name {
    Name::from_text(b"example.com.", &Name::root()).unwrap()
}

/// Parses `text` as `test.zone` for example.com.: the records and problems.
pub(crate) fn parse(text: &str) -> (Vec<Parsed>, Problems) {
    let mut out = Vec::new();
    let mut sink = |r: ParsedRecord<'_>, _: &mut Problems| {
        out.push(Parsed {
            owner: r.owner.to_string(),
            rtype: r.rtype,
            ttl: r.ttl,
            rdata: r.rdata.to_vec(),
        });
    };
    let mut parser = Parser::new(&mut sink);
    parser.parse_bytes(text.as_bytes(), Path::new("test.zone"), &origin());
    let problems = parser.problems;
    (out, problems)
}

fn one(text: &str) -> Parsed {
    let (mut records, problems) = parse(text);
    assert!(problems.list.is_empty(), "{text}: {:?}", problems.list);
    assert_eq!(records.len(), 1, "{text}");
    records.remove(0)
}

/// Decodes our rdata with hickory-proto and prints it in its presentation format.
fn hickory_text(rtype: u16, rdata: &[u8]) -> String {
    let mut wire = vec![0u8];
    wire.extend_from_slice(&rtype.to_be_bytes());
    wire.extend_from_slice(&[0, 1, 0, 0, 0, 60]);
    wire.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    wire.extend_from_slice(rdata);
    Record::from_bytes(&wire)
        .expect("hickory decodes our rdata")
        .data
        .to_string()
}

#[test]
fn every_type_hickory_knows_round_trips() {
    let cases: &[(&str, &str)] = &[
        ("A 192.0.2.1", "192.0.2.1"),
        ("AAAA 2001:db8::1", "2001:db8::1"),
        ("NS ns1", "ns1.example.com."),
        ("CNAME www.example.net.", "www.example.net."),
        ("PTR host", "host.example.com."),
        ("MX 10 mail", "10 mail.example.com."),
        (
            "SOA ns1 hostmaster ( 1 2h 3600 1w 300 )",
            "ns1.example.com. hostmaster.example.com. 1 7200 3600 604800 300",
        ),
        ("SRV 10 60 5060 sip", "10 60 5060 sip.example.com."),
        (
            "NAPTR 100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .",
            "100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .",
        ),
        (
            "CAA 0 issue \"letsencrypt.org\"",
            "0 issue \"letsencrypt.org\"",
        ),
        ("SSHFP 4 2 0123456789ABCDEF", "4 2 0123456789ABCDEF"),
        ("TLSA 3 1 1 0123456789abcdef", "3 1 1 0123456789abcdef"),
        ("HINFO \"x86_64\" Linux", "x86_64 Linux"),
        // hickory-proto prints SvcParam lists with trailing commas.
        (
            "HTTPS 1 . alpn=\"h2,h3\" ipv4hint=192.0.2.1",
            "1 . alpn=h2,h3, ipv4hint=192.0.2.1,",
        ),
        ("SVCB 0 svc.example.net.", "0 svc.example.net."),
        (
            "SVCB 16 . port=8443 mandatory=port",
            "16 . mandatory=port, port=8443",
        ),
    ];
    for (text, expected) in cases {
        let record = one(&format!("@ 60 IN {text}\n"));
        let got = hickory_text(record.rtype, &record.rdata);
        assert_eq!(got.to_lowercase(), expected.to_lowercase(), "{text}");
    }
}

#[test]
fn dnssec_and_other_types_encode_as_the_rfcs_say() {
    let hex = |text: &str| data_encoding::HEXLOWER.encode(&one(&format!("@ 60 {text}\n")).rdata);
    assert_eq!(hex("DNAME example.net."), "076578616d706c65036e657400");
    assert_eq!(
        hex("TXT \"hello world\" two"),
        "0b68656c6c6f20776f726c640374776f"
    );
    assert_eq!(hex("SPF \"v=spf1 -all\""), "0b763d73706631202d616c6c");
    assert_eq!(
        hex("RP mbox.example.com. ."),
        "046d626f78076578616d706c6503636f6d0000"
    );
    assert_eq!(
        hex("DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"),
        "ec4505012bb183af5f22588179a53b0a98631fad1a292118"
    );
    assert_eq!(hex("CDS 0 0 0 00"), "0000000000");
    assert_eq!(hex("DNSKEY 256 3 ECDSAP256SHA256 AQID"), "0100030d010203");
    assert_eq!(hex("CDNSKEY 0 3 0 AA=="), "0000030000");
    // RFC 4034 3.3 example times; type covered A, algorithm 5, 3 labels.
    assert_eq!(
        hex("RRSIG A 5 3 86400 20030322173103 20030220173103 2642 example.com. AQID"),
        "0001050300015180"
            .to_owned()
            + "3e7c9dd7" // 2003-03-22 17:31:03 UTC
            + "3e5510d7" // 2003-02-20 17:31:03 UTC
            + "0a52"
            + "076578616d706c6503636f6d00"
            + "010203"
    );
    // RFC 4034 4.3: NSEC bitmap for A MX RRSIG NSEC TYPE1234.
    assert_eq!(
        hex("NSEC host.example.com. A MX RRSIG NSEC TYPE1234"),
        "04686f7374076578616d706c6503636f6d00".to_owned()
            + "0006400100000003"
            + "041b000000000000000000000000000000000000000000000000000020"
    );
    assert_eq!(hex("NSEC3PARAM 1 0 10 aabb"), "0100000a02aabb");
    assert_eq!(
        hex("NSEC3 1 1 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG"),
        "010100000014".to_owned() + "174eb2409fe28bcb4887a1836f957f0a8425e27b" + "0006400000000002"
    );
    assert_eq!(
        hex("ZONEMD 2026010101 1 1 00ff00ff00ff00ff00ff00ff"),
        "78c275f5010100ff00ff00ff00ff00ff00ff"
    );
    // RFC 1876 example: 42 21 54 N 71 06 18 W -24m 30m (defaults for precisions).
    assert_eq!(
        hex("LOC 42 21 54 N 71 06 18 W -24m 30m"),
        "0033161389172dd070be15f000988d20"
    );
    assert_eq!(hex("TYPE65280 \\# 4 0a000001"), "0a000001");
    assert_eq!(hex("A \\# 4 c0000201"), "c0000201");
    assert_eq!(hex("TYPE65281 \\# 0"), "");
}

#[test]
fn directives_origin_ttl_and_omitted_fields() {
    let (records, problems) = parse(
        "$TTL 1h\n\
         @ SOA ns hm 1 2 3 4 5\n\
         \tNS ns\n\
         $ORIGIN sub.example.com.\n\
         www 300 IN A 192.0.2.1\n\
         \tIN 60 AAAA ::1\n\
         mail A 192.0.2.2\n\
         abs.example.org. A 192.0.2.3 ; outside, but the parser does not judge\n",
    );
    assert!(problems.list.is_empty(), "{:?}", problems.list);
    let summary: Vec<(String, String, u32)> = records
        .iter()
        .map(|r| (r.owner.clone(), rtype::mnemonic(r.rtype), r.ttl))
        .collect();
    assert_eq!(
        summary,
        [
            ("example.com.".into(), "SOA".into(), 3600),
            ("example.com.".into(), "NS".into(), 3600),
            ("www.sub.example.com.".into(), "A".into(), 300),
            ("www.sub.example.com.".into(), "AAAA".into(), 60),
            ("mail.sub.example.com.".into(), "A".into(), 3600),
            ("abs.example.org.".into(), "A".into(), 3600),
        ]
    );
}

#[test]
fn rfc1035_without_ttl_directive_the_last_ttl_carries_on() {
    let (records, _) = parse("@ 600 SOA ns hm 1 2 3 4 5\nwww A 192.0.2.1\n");
    assert_eq!(records[1].ttl, 600);
    let (records, problems) = parse("@ SOA ns hm 1 2 3 4 77\n");
    assert!(problems.list.is_empty());
    assert_eq!(
        records[0].ttl, 77,
        "SOA without any TTL takes its MINIMUM, as BIND does"
    );
}

#[test]
fn escapes_in_names_and_strings() {
    let record = one("a\\.b\\032c 60 TXT \"quote\\\"d\" \\065\\066\n");
    assert_eq!(record.owner, "a\\.b\\032c.example.com.");
    assert_eq!(record.rdata, b"\x07quote\"d\x02AB");
}

#[test]
fn generate_expands_with_modifiers() {
    let (records, problems) = parse(
        "$TTL 60\n$GENERATE 1-3 host$ A 10.0.0.$\n$GENERATE 10-12/2 ${-9,3,d} CNAME h${0,2,x}\n$GENERATE 255-255 ${0,0,n} PTR x\n",
    );
    assert!(problems.list.is_empty(), "{:?}", problems.list);
    let owners: Vec<&str> = records.iter().map(|r| r.owner.as_str()).collect();
    assert_eq!(
        owners,
        [
            "host1.example.com.",
            "host2.example.com.",
            "host3.example.com.",
            "001.example.com.",
            "003.example.com.",
            "f.f.example.com.",
        ]
    );
    assert_eq!(records[2].rdata, [10, 0, 0, 3]);
    assert_eq!(records[4].rdata, b"\x03h0c\x07example\x03com\x00");
}

#[test]
fn include_is_relative_to_the_including_file_and_keeps_the_origin() {
    let dir = std::env::temp_dir().join(format!("zl-include-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("inc")).unwrap();
    std::fs::write(
        dir.join("inc/a.inc"),
        "$ORIGIN inner.example.com.\nx A 192.0.2.9\n$INCLUDE b.inc\n",
    )
    .unwrap();
    std::fs::write(dir.join("inc/b.inc"), "y A 192.0.2.10\n").unwrap();
    std::fs::write(dir.join("inc/include2"), "w A 192.0.2.12\n").unwrap();
    std::fs::write(
        dir.join("main.zone"),
        "$TTL 60\n$INCLUDE inc/a.inc\nz A 192.0.2.11\n$INCLUDE inc/a.inc other.example.com.\n\
         $INCLUDE inc/include\\050\n",
    )
    .unwrap();
    let mut owners = Vec::new();
    let mut sink = |r: ParsedRecord<'_>, _: &mut Problems| owners.push(r.owner.to_string());
    let mut parser = Parser::new(&mut sink);
    parser.parse_file(&dir.join("main.zone"), &origin());
    assert!(
        parser.problems.list.is_empty(),
        "{:?}",
        parser.problems.list
    );
    assert_eq!(parser.files.len(), 6);
    assert_eq!(
        owners,
        [
            "x.inner.example.com.",
            "y.inner.example.com.",
            "z.example.com.",
            "x.inner.example.com.",
            "y.inner.example.com.",
            "w.example.com.",
        ]
    );
    std::fs::write(dir.join("loop.zone"), "$INCLUDE loop.zone\n").unwrap();
    let mut sink = |_: ParsedRecord<'_>, _: &mut Problems| {};
    let mut parser = Parser::new(&mut sink);
    parser.parse_file(&dir.join("loop.zone"), &origin());
    assert!(
        parser
            .problems
            .list
            .iter()
            .any(|p| p.kind == ProblemKind::IncludeTooDeep)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

const BAD_RANGE: &str = "range must be start-stop or start-stop/step, each from 0 to 2147483647, \
                         stop not below start, step at least 1";

#[test]
fn bad_inputs_give_their_errors() {
    use ProblemKind as P;
    use RdataErrorKind as R;
    let table: &[(&str, u32, u32, ProblemKind)] = &[
        ("www 60 A 192.0.2.256\n", 1, 10, P::Rdata(R::BadIpv4)),
        ("www 60 AAAA 2001:db8::g\n", 1, 13, P::Rdata(R::BadIpv6)),
        ("www 60 A\n", 1, 8, P::Rdata(R::Missing("address"))),
        ("www 60 A 1.2.3.4 5.6.7.8\n", 1, 18, P::Rdata(R::Trailing)),
        (
            "www 60 MX ten mail\n",
            1,
            11,
            P::Rdata(R::BadNumber("preference")),
        ),
        (
            "www 60 MX 70000 mail\n",
            1,
            11,
            P::Rdata(R::BadNumber("preference")),
        ),
        ("www 60 BOGUS x\n", 1, 8, P::UnknownType),
        ("www 60 CLASS9x A 1.2.3.4\n", 1, 8, P::UnknownClass),
        ("www 60 CH A 1.2.3.4\n", 1, 1, P::WrongClass),
        ("www 60 ANY \\# 0\n", 1, 1, P::MetaType),
        ("www A 1.2.3.4\n", 1, 1, P::NoTtl),
        (
            "a..b 60 A 1.2.3.4\n",
            1,
            1,
            P::BadOwner(NameError::EmptyLabel),
        ),
        (
            "www 60 CNAME a\\999\n",
            1,
            14,
            P::Rdata(R::BadName(NameError::BadEscape)),
        ),
        (
            "www 60 TXT \"unterminated\n",
            1,
            12,
            P::Lex(LexError::UnclosedQuote),
        ),
        ("www 60 TXT ( a\n", 2, 1, P::Lex(LexError::UnclosedParen)),
        ("www 60 TXT ((a))\n", 1, 13, P::Lex(LexError::NestedParen)),
        ("www 60 TXT a )\n", 1, 14, P::Lex(LexError::UnbalancedClose)),
        (
            "www 60 TYPE999 \\# 2 00\n",
            1,
            21,
            P::Rdata(R::GenericLength),
        ),
        ("www 60 TYPE999 \\# 1 zz\n", 1, 21, P::Rdata(R::BadHex)),
        ("www 60 TYPE999 1 2\n", 1, 16, P::Rdata(R::NoTextFormat)),
        (
            "www 60 NS \\# 2 0100\n",
            1,
            14,
            P::Rdata(R::GenericMismatch("target")),
        ),
        (
            "www 60 DNSKEY 256 3 13 !!!\n",
            1,
            24,
            P::Rdata(R::BadBase64),
        ),
        (
            "www 60 RRSIG A 13 2 60 2026x 20250101000000 1 . AA==\n",
            1,
            24,
            P::Rdata(R::BadTime),
        ),
        (
            "www 60 NSEC next A BOGUS\n",
            1,
            20,
            P::Rdata(R::UnknownType),
        ),
        ("www 60 CAA 0 is-sue \"x\"\n", 1, 14, P::Rdata(R::BadCaaTag)),
        ("www 60 TXT \"", 1, 12, P::Lex(LexError::UnclosedQuote)),
        (
            "www 60 HTTPS 1 . alpn=h2 alpn=h3\n",
            1,
            26,
            P::Rdata(R::BadSvcParam("duplicate key")),
        ),
        (
            "www 60 HTTPS 1 . nokey=1\n",
            1,
            18,
            P::Rdata(R::BadSvcParam("unknown key")),
        ),
        (
            "www 60 LOC 91 N 0 E 0m\n",
            1,
            15,
            P::Rdata(R::BadLoc("latitude")),
        ),
        ("$TTL x\n", 1, 6, P::BadDirective("invalid $TTL value")),
        (
            "$ORIGIN\n",
            1,
            1,
            P::BadDirective("$ORIGIN takes one domain name"),
        ),
        ("$BOGUS x\n", 1, 1, P::UnknownDirective),
        (
            "$GENERATE 5-1 h$ A 1.2.3.$\n",
            1,
            11,
            P::BadGenerate(BAD_RANGE),
        ),
        (
            "$GENERATE 0-2147483648 h$ A 1.2.3.4\n",
            1,
            11,
            P::BadGenerate(BAD_RANGE),
        ),
        (
            "$GENERATE 1-2/0 h$ A 1.2.3.4\n",
            1,
            11,
            P::BadGenerate(BAD_RANGE),
        ),
        (
            "$GENERATE -1-2 h$ A 1.2.3.4\n",
            1,
            11,
            P::BadGenerate(BAD_RANGE),
        ),
        (
            "$GENERATE 1-2x h$ A 1.2.3.4\n",
            1,
            11,
            P::BadGenerate(BAD_RANGE),
        ),
        (
            "www 4294967296 A 1.2.3.4\n",
            1,
            5,
            P::BadDirective("invalid TTL"),
        ),
        (
            "$TTL 4294967296\n",
            1,
            6,
            P::BadDirective("invalid $TTL value"),
        ),
        // An escaped newline is an error outside quotes, a line inside.
        ("a\\\nb 60 TXT x\n", 1, 2, P::Lex(LexError::DanglingEscape)),
        ("t 60 TXT \\", 1, 10, P::Lex(LexError::DanglingEscape)),
        (
            "t 60 TXT \"a\\\nb\"\nwww 60 A 192.0.2.256\n",
            3,
            10,
            P::Rdata(R::BadIpv4),
        ),
        (
            "$INCLUDE bad\\999\n",
            1,
            10,
            P::BadDirective("invalid escape in the $INCLUDE file name"),
        ),
        (
            "$GENERATE 1-2 h${0,x} A 1.2.3.4\n",
            1,
            15,
            P::BadGenerate("bad ${} width"),
        ),
        (
            "$INCLUDE /nonexistent/file.inc\n",
            1,
            0,
            P::Unreadable(std::io::ErrorKind::NotFound),
        ),
        ("\tA 1.2.3.4\n", 1, 2, P::NoPreviousOwner),
        ("$INCLUDE /dev/zero\n", 1, 0, P::NotAFile),
        ("$INCLUDE /\n", 1, 0, P::NotAFile),
        (
            "www 60 LOC 1 \"\" 2 E 0m\n",
            1,
            14,
            P::Rdata(R::BadLoc("latitude")),
        ),
        (
            "www 60 LOC 1 N 2 E 99999999999999999m\n",
            1,
            20,
            P::Rdata(R::BadLoc("altitude")),
        ),
        (
            "www 60 LOC 1 N 2 E 0m 92233720368547758.07m\n",
            1,
            23,
            P::Rdata(R::BadLoc("size")),
        ),
    ];
    for (text, line, col, kind) in table {
        let (_, problems) = parse(text);
        let first = problems
            .list
            .first()
            .unwrap_or_else(|| panic!("{text:?} gave no error"));
        assert_eq!(
            (&first.kind, first.line, first.col),
            (kind, *line, *col),
            "{text:?}"
        );
        assert!(
            first.to_string().starts_with(&format!("test.zone:{line}")),
            "{first}"
        );
    }
}

#[test]
fn every_error_in_a_file_is_reported() {
    let (_, problems) = parse("a 60 A 1.2.3.400\nb 60 A 1.2.3.4\nc 60 BOGUS x\nd 60 MX x y\n");
    let lines: Vec<u32> = problems.list.iter().map(|p| p.line).collect();
    assert_eq!(lines, [1, 3, 4]);
}

/// A minimal good zone, for the tests to add records to.
pub(crate) const GOOD_APEX: &str = "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";

#[test]
fn zone_index_finds_names_enclosers_and_wildcards() {
    let (zone, _) = zone_from_str(
        &format!("{GOOD_APEX}*.w A 192.0.2.9\na.b.c TXT x\n"),
        &origin(),
        "t",
    )
    .unwrap();
    let name = |t: &str| Name::from_text(t.as_bytes(), &Name::root()).unwrap();
    let find = |t: &str| zone.lookup(name(t).as_wire());
    assert!(matches!(
        find("a.b.c.example.com."),
        crate::Lookup::Found(_)
    ));
    assert!(
        matches!(find("b.c.example.com."), crate::Lookup::Found(i) if zone.node(i).has(crate::zone::flags::EMPTY))
    );
    let crate::Lookup::NotFound { encloser } = find("x.y.w.example.com.") else {
        panic!()
    };
    assert_eq!(
        zone.name(zone.node(encloser)),
        name("w.example.com.").as_wire()
    );
    assert_ne!(zone.node(encloser).wildcard, crate::zone::NONE);
    let s = zone.stats();
    assert_eq!((s.names, s.records), (7, 5));
}
