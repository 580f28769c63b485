//! The rdata readers: each type's wire form, RFC 3597 generic rdata
//! checked against the type, SVCB/HTTPS rules, number ranges, and the
//! canonical form. Each bad input gives its exact error.

use std::path::Path;

use data_encoding::HEXLOWER;

use super::{RdataErrorKind as R, canonical, check_wire};
use crate::parse::{ParsedRecord, Parser};
use crate::problem::{Problem, ProblemKind, Problems};
use crate::rtype::code;
use crate::wire::name::Name;
use crate::zone_from_str;

fn origin() -> Name {
    Name::from_text(b"example.com.", &Name::root()).unwrap()
}

/// The rdata of `@ 60 TEXT` in hex, or the first problem.
fn encode(text: &str) -> Result<String, Problem> {
    let mut rdata = None;
    let mut sink = |r: ParsedRecord<'_>, _: &mut Problems| rdata = Some(r.rdata.to_vec());
    let mut parser = Parser::new(&mut sink);
    parser.parse_bytes(
        format!("@ 60 {text}\n").as_bytes(),
        Path::new("test.zone"),
        &origin(),
    );
    if let Some(problem) = parser.problems.list.into_iter().next() {
        return Err(problem);
    }
    Ok(HEXLOWER.encode(&rdata.expect("one record")))
}

/// Asserts that `@ 60 TEXT` fails with `kind` at the token starting `at`.
fn assert_error(text: &str, kind: R, at: &str) {
    let (got, rest) = error(text);
    assert_eq!(got, kind, "{text}");
    assert!(
        rest.starts_with(at),
        "{text}: reported at {rest:?}, not {at:?}"
    );
}

fn hex(text: &str) -> String {
    encode(text).unwrap_or_else(|p| panic!("{text}: {p}"))
}

/// The rdata error of `@ 60 TEXT` and the text from the column it points at.
fn error(text: &str) -> (R, String) {
    match encode(text) {
        Ok(rdata) => panic!("{text} was accepted as {rdata}"),
        Err(Problem {
            kind: ProblemKind::Rdata(kind),
            col,
            ..
        }) => {
            let line = format!("@ 60 {text}");
            (kind, line[col as usize - 1..].to_owned())
        }
        Err(other) => panic!("{text}: not an rdata error: {other}"),
    }
}

#[test]
fn the_types_bind_and_knot_read_encode_as_their_rfcs_say() {
    let cases: &[(&str, &str)] = &[
        ("MB a.", "016100"),
        ("MINFO a. b.", "016100016200"),
        ("AFSDB 1 h.", "0001016800"),
        ("RT 10 h.", "000a016800"),
        ("KX 10 kx.", "000a026b7800"),
        ("PX 10 a. b.", "000a016100016200"),
        ("X25 \"31106\"", "053331313036"),
        ("ISDN \"1\"", "0131"),
        ("ISDN \"1\" \"2\"", "01310132"),
        ("NSAP 0x47.0005.80", "47000580"),
        ("NSAP-PTR a.", "016100"),
        (
            "GPOS -32.6882 116.8652 10.0",
            "082d33322e36383832083131362e383635320431302e30",
        ),
        ("WKS 192.0.2.1 tcp 21 smtp", "c00002010600000440"),
        ("CERT PGP 0 0 AQIDBA==", "000300000001020304"),
        ("CERT 1 65535 RSASHA256 AQID", "0001ffff08010203"),
        (
            "APL 1:192.168.32.0/21 !1:192.168.38.0/28",
            "00011503c0a82000011c83c0a826",
        ),
        ("APL", ""),
        ("APL 2:ff00::/8", "00020801ff"),
        ("DHCID AQID", "010203"),
        ("DLV 1 5 1 00ff", "0001050100ff"),
        ("TA 1 5 1 00ff", "0001050100ff"),
        ("KEY 256 3 8 AQID", "01000308010203"),
        (
            "SIG A 5 3 4294967295 20030322173103 20030220173103 2642 . AQID",
            "00010503ffffffff3e7c9dd73e5510d70a5200010203",
        ),
        ("IPSECKEY 10 1 2 192.0.2.38 AQID", "0a0102c0000226010203"),
        ("IPSECKEY 10 0 2 .", "0a0002"),
        ("IPSECKEY 10 3 2 gw. AQID", "0a030202677700010203"),
        (
            "IPSECKEY 10 2 2 2001:db8::1",
            "0a020220010db8000000000000000000000001",
        ),
        ("HIP 2 0102 AQID a. b.", "020200030102010203016100016200"),
        ("SMIMEA 3 1 1 00ff", "03010100ff"),
        ("OPENPGPKEY AQID", "010203"),
        ("CSYNC 66 3 A NS AAAA", "000000420003000460000008"),
        ("L32 10 10.1.2.0", "000a0a010200"),
        ("L64 10 2001:0DB8:1140:1000", "000a20010db811401000"),
        ("NID 10 0014:4fff:ff20:ee64", "000a00144fffff20ee64"),
        ("LP 10 l.", "000a016c00"),
        ("EUI48 00-00-5e-00-53-2a", "00005e00532a"),
        ("EUI64 00-00-5e-ef-10-00-00-2a", "00005eef1000002a"),
        ("URI 10 1 \"ftp://a\"", "000a00016674703a2f2f61"),
        ("URI 10 1 \"\"", "000a0001"),
        ("GPOS \"\" \"\" \"\"", "000000"),
        ("DOA 1 2 3 \"a\" AQID", "0000000100000002030161010203"),
        ("AMTRELAY 128 1 0 .", "8080"),
        ("AMTRELAY 10 0 3 a.", "0a03016100"),
        ("AMTRELAY 10 0 1 203.0.113.15", "0a01cb00710f"),
        ("RESINFO qnamemin", "08716e616d656d696e"),
        ("WALLET BTC x", "034254430178"),
        ("DSYNC CDS NOTIFY 5359 a.", "003b0114ef016100"),
        ("TALINK a. b.", "016100016200"),
        ("NINFO \"x\"", "0178"),
        ("AVC \"x\"", "0178"),
        ("RKEY 0 3 8 AQID", "00000308010203"),
        ("EID 0102", "0102"),
        ("NIMLOC 0102", "0102"),
        ("NULL \\# 2 0102", "0102"),
        // RFC 1035 3.3.13: the SOA timers are unsigned 32-bit numbers.
        (
            "SOA . . 1 4294967295 4294967295 4294967295 1w",
            "000000000001ffffffffffffffffffffffff00093a80",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(hex(text), *expected, "{text}");
    }
}

#[test]
fn types_without_a_text_format_or_data_types_are_refused() {
    assert_error("NULL 01", R::NoTextFormat, "01");
    // RFC 1035 3.3.4, 3.3.5: MD and MF in a master file are rejected.
    assert_error("MD a.", R::Obsolete, "a.");
    assert_error("MF a.", R::Obsolete, "a.");
    assert!(matches!(
        encode("TSIG \\# 0"),
        Err(Problem {
            kind: ProblemKind::MetaType,
            ..
        })
    ));
    assert!(matches!(
        encode("TKEY \\# 0"),
        Err(Problem {
            kind: ProblemKind::MetaType,
            ..
        })
    ));
}

/// RFC 3597 5: generic rdata of a known type must be valid rdata of it.
#[test]
fn generic_rdata_of_a_known_type_is_checked_against_it() {
    let bad: &[(&str, R)] = &[
        ("A \\# 0", R::GenericMismatch("address")),
        (
            "A \\# 5 0A00000100",
            R::GenericMismatch("the end of the rdata (data left over)"),
        ),
        ("DNSKEY \\# 0", R::GenericMismatch("flags")),
        ("MX \\# 2 000a", R::GenericMismatch("exchange")),
        ("SOA \\# 2 0000", R::GenericMismatch("serial")),
        ("TXT \\# 0", R::GenericMismatch("text")),
        ("TXT \\# 2 0561", R::GenericMismatch("text")),
        ("NSEC \\# 3 00 0000", R::GenericMismatch("type bitmap")),
        (
            "NSEC3 \\# 5 0100000000",
            R::GenericMismatch("next hashed owner"),
        ),
        ("CAA \\# 2 0000", R::GenericMismatch("tag")),
        ("LOC \\# 2 0000", R::GenericMismatch("LOC")),
        (
            "SVCB \\# 4 0001 0000",
            R::GenericMismatch("truncated SvcParam"),
        ),
        (
            "SVCB \\# 13 0001 00 0003 0002 01bb 0003 0000",
            R::GenericMismatch("SvcParam keys out of order"),
        ),
        ("APL \\# 5 0001 08 01 00", R::GenericMismatch("APL item")),
        ("AMTRELAY \\# 3 0a 05 00", R::GenericMismatch("relay")),
        (
            "HIP \\# 4 00 02 0000",
            R::GenericMismatch("HIT and public key lengths"),
        ),
    ];
    for (text, kind) in bad {
        assert_eq!(error(text).0, *kind, "{text}");
    }
    for good in [
        "A \\# 4 c0000201",
        "MX \\# 3 000a 00",
        "TXT \\# 3 0161 00",
        "NSEC \\# 4 00 00 01 40",
        "SVCB \\# 9 0001 00 0003 0002 01bb",
        "APL \\# 0",
        "CAA \\# 7 00 05 6973737565",
        "TYPE65280 \\# 0",
        "NULL \\# 0",
    ] {
        assert!(encode(good).is_ok(), "{good}");
    }
    assert_eq!(check_wire(code::A, &[1, 2, 3, 4]), Ok(()));
}

#[test]
fn svcb_keys_and_the_rules_every_peer_applies() {
    assert_eq!(
        hex("HTTPS 1 . alpn=h2 dohpath=/q{?dns} ohttp tls-supported-groups=29,23 docpath=x"),
        "000100".to_owned()
            + "00010003026832"
            + "000700082f717b3f646e737d"
            + "00080000"
            + "00090004001d0017"
            + "000a000178"
    );
    // RFC 9460 A.1 and appendix D.2: `\,` inside a list value is a comma
    // within one item, after the value is decoded as a character string.
    assert_eq!(
        hex("SVCB 16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\""),
        "0010".to_owned()
            + "03666f6f076578616d706c65036f726700"
            + "0001000c08665c6f6f2c6261720268"
            + "32"
    );
    assert_eq!(hex("SVCB 1 . alpn=h2\\,h3"), "00010000010006026832026833");
    let bad: &[(&str, &str, &str)] = &[
        (
            "SVCB 1 . mandatory=mandatory",
            "mandatory must not list mandatory",
            "mandatory=mandatory",
        ),
        (
            "SVCB 1 . mandatory=port alpn=h2",
            "a mandatory key is missing",
            "alpn=h2",
        ),
        ("SVCB 1 . port", "missing value", "port"),
        ("SVCB 1 . port=", "missing value", "port="),
        (
            "SVCB 1 . alpn=h2 no-default-alpn=x",
            "no-default-alpn takes no value",
            "no-default-alpn=x",
        ),
        (
            "SVCB 1 . no-default-alpn",
            "no-default-alpn without alpn",
            "no-default-alpn",
        ),
        ("SVCB 1 . ech=", "missing value", "ech="),
        ("SVCB 1 . ech=\"\"", "missing value", "\"\""),
        ("SVCB 1 . ALPN=h2", "unknown key", "ALPN=h2"),
        ("SVCB 1 . key65536=x", "unknown key", "key65536=x"),
        (
            "SVCB 1 . alpn=a\\\\b",
            "bad escape in a list (only \\, and \\\\)",
            "alpn=",
        ),
        ("SVCB 1 . ohttp=1", "ohttp takes no value", "ohttp=1"),
        (
            "SVCB 1 . dohpath=/q",
            "dohpath must be a relative URI template with a dns variable",
            "dohpath=/q",
        ),
        (
            "SVCB 1 . tls-supported-groups=29,29",
            "tls-supported-groups must list each group once",
            "tls-supported-groups=29,29",
        ),
        (
            "SVCB 1 . tls-supported-groups=x",
            "bad TLS group",
            "tls-supported-groups=x",
        ),
        ("SVCB 1 . alpn=h2,", "empty list item", "alpn=h2,"),
        ("SVCB 1 . alpn=h2 alpn=h3", "duplicate key", "alpn=h3"),
    ];
    for (text, why, at) in bad {
        assert_error(text, R::BadSvcParam(why), at);
    }
}

#[test]
fn numbers_stay_within_their_fields() {
    // RFC 4034 3.1.4: the original TTL is a full 32-bit number.
    assert!(
        hex("RRSIG A 13 2 4294967295 20260101000000 20250101000000 1 . AA==").contains("ffffffff")
    );
    // RFC 1876 2: sizes and precisions reach 9e9 cm (90,000,000 m).
    assert!(encode("LOC 1 N 2 E 0m 90000000m").is_ok());
    assert_error("LOC 1 N 2 E 0m 90000001m", R::BadLoc("size"), "90000001m");
    assert_error(
        "LOC 1 N 2 E 0m 1m 90000000.01m",
        R::BadLoc("horizontal precision"),
        "90000000.01m",
    );
    // RRSIG dates: a real date from 1970 to 2225 (Knot's range), past
    // 2106 taken modulo 2^32 (RFC 4034 3.1.5).
    let rrsig = |expiration: &str| format!("RRSIG A 13 2 60 {expiration} 20250101000000 1 . AA==");
    assert!(hex(&rrsig("20240229000000")).contains("65dfc900"));
    assert!(hex(&rrsig("21060207062815")).contains("ffffffff"));
    assert!(hex(&rrsig("4294967295")).contains("ffffffff"));
    assert!(hex(&rrsig("21060207062816")).contains("0000003c00000000"));
    assert!(encode(&rrsig("22251231235959")).is_ok());
    for bad in [
        "19691231235959",
        "22260101000000",
        "20230229000000",
        "20230431000000",
        "20230101000060",
        "4294967296",
    ] {
        assert_error(&rrsig(bad), R::BadTime, bad);
    }
}

/// RFC 6742 2.3 locators as BIND writes them (`0:0:0:0`), read as BIND
/// and NSD read them.
#[test]
fn locator_groups_may_drop_leading_zeros() {
    assert_eq!(hex("L64 10 2001:db8:1140:1000"), "000a20010db811401000");
    assert_eq!(hex("NID 0 0:0:0:0"), "00000000000000000000");
    assert_eq!(hex("NID 1 abcd:ef00:0:f"), "0001abcdef000000000f");
}

/// RFC 8976 2.2.4: a ZONEMD digest is at least 12 octets, in text and in
/// RFC 3597 generic rdata (as BIND checks it).
#[test]
fn zonemd_digests_under_12_octets_are_refused() {
    let digest = R::BadField("ZONEMD digest (under 12 octets)");
    assert_error("ZONEMD 1 1 1 00", digest.clone(), "00");
    assert_error("ZONEMD 1 1 1 0102 00 FF", digest, "0102");
    assert_eq!(
        error("ZONEMD \\# 7 00000000000000").0,
        R::GenericMismatch("digest")
    );
    assert_eq!(
        hex("ZONEMD 1 1 1 000102030405060708090a0b"),
        "000000010101000102030405060708090a0b"
    );
    assert!(encode("ZONEMD \\# 18 000000010101 000102030405060708090a0b").is_ok());
}

#[test]
fn field_errors_name_the_field() {
    let bad: &[(&str, R, &str)] = &[
        ("AFSDB x h.", R::BadNumber("subtype"), "x"),
        ("EUI48 00-00-5e-00-53", R::BadField("EUI-48"), "00-"),
        ("EUI64 00005eef1000002a", R::BadField("EUI-64"), "00005"),
        ("L64 10 2001:db8:1140", R::BadField("locator"), "2001"),
        ("L64 10 2001:db8::1000", R::BadField("locator"), "2001"),
        ("NID 10 0:0:0:12345", R::BadField("locator"), "0:"),
        ("NSAP 47.0005", R::BadField("NSAP address"), "47"),
        ("NSAP 0x470", R::BadField("NSAP address"), "0x470"),
        ("GPOS 1 x 3", R::BadNumber("latitude"), "x"),
        ("APL 3:1.2.3.4/8", R::BadField("APL item"), "3:"),
        ("APL 1:1.2.3.4/33", R::BadField("APL item"), "1:"),
        (
            "WKS 192.0.2.1 tcp nosuchservice",
            R::BadField("WKS service"),
            "nosuchservice",
        ),
        ("IPSECKEY 10 4 2 . AQID", R::BadNumber("gateway type"), "4"),
        ("IPSECKEY 10 0 2 gw. AQID", R::BadField("gateway"), "gw."),
        (
            "AMTRELAY 10 2 0 .",
            R::BadNumber("discovery optional"),
            "2 0",
        ),
        ("AMTRELAY 10 0 4 .", R::BadNumber("relay type"), "4 ."),
        (
            "CERT BOGUS 0 0 AQID",
            R::BadNumber("certificate type"),
            "BOGUS",
        ),
        ("DSYNC CDS BOGUS 1 a.", R::BadNumber("scheme"), "BOGUS"),
        ("HIP 2 zz AQID", R::BadHex, "zz"),
        ("ISDN \"1\" \"2\" \"3\"", R::Trailing, "\"3"),
    ];
    for (text, kind, at) in bad {
        assert_error(text, kind.clone(), at);
    }
}

/// RFC 4034 6.2 (with RFC 6840 5.1): names in NS..RRSIG rdata are
/// lowercased in canonical form, NSEC's and newer types' are not; two
/// records equal in canonical form are one (RFC 2181 5).
#[test]
fn canonical_form_lowercases_the_listed_types_only() {
    let upper = b"\x01A\x00";
    assert_eq!(&*canonical(code::NS, upper), b"\x01a\x00");
    assert_eq!(
        &*canonical(code::AFSDB, b"\x00\x01\x01A\x00"),
        b"\x00\x01\x01a\x00"
    );
    assert_eq!(
        &*canonical(code::NSEC, b"\x01A\x00\x00\x01\x40"),
        b"\x01A\x00\x00\x01\x40"
    );
    assert_eq!(
        &*canonical(code::LP, b"\x00\x01\x01A\x00"),
        b"\x00\x01\x01A\x00"
    );
    assert_eq!(&*canonical(code::TXT, b"\x01A"), b"\x01A");
    let apex = "@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";
    let (zone, problems) = zone_from_str(
        &format!("{apex}k KX 1 A.example.com.\nk KX 1 a.example.com.\nl LP 1 A.example.com.\nl LP 1 a.example.com.\n"),
        &origin(),
        "test.zone",
    )
    .expect("the zone loads");
    let count = |owner: &[u8], rtype| {
        let node = zone.node(zone.find(owner).expect("the owner"));
        zone.records(zone.rrset(node, rtype).expect("the rrset"))
            .count()
    };
    assert_eq!(count(b"\x01k\x07example\x03com\x00", code::KX), 1);
    assert_eq!(count(b"\x01l\x07example\x03com\x00", code::LP), 2);
    assert_eq!(problems.list.len(), 1, "{:?}", problems.list);
}

/// The valid SVCB lines of Knot's scanner tests (tests/libzscanner/data/
/// 57_SVCB.in) are read; `no-default-alpn` alone is not (RFC 9460 7.1.1,
/// as BIND reads it).
#[test]
fn knot_svcb_examples_are_read() {
    for text in [
        r#"SVCB 65535 . mandatory=alpn alpn=h2"#,
        r#"SVCB 1 . mandatory="alpn" alpn=h2"#,
        r#"SVCB 1 . alpn="part1,part2,part3\\,part4\\\\""#,
        r#"SVCB 1 . alpn=part1\,\p\a\r\t2\044part3\092,part4\092\\"#,
        r#"SVCB 1 . alpn=foo\\\092,bar"#,
        r#"SVCB 1 . port=0"#,
        r#"SVCB 1 . port="65535""#,
        r#"SVCB 1 . ipv4hint="255.255.255.255""#,
        r#"SVCB 1 . ech="Zm9vYg==""#,
        r#"SVCB 1 . ipv6hint="::1""#,
        r#"SVCB 1 . dohpath="/dns-query{?dns}""#,
        r#"SVCB 1 . ohttp"#,
        r#"SVCB 1 . key707"#,
        r#"SVCB 1 . key65535="a" key1000=b port=4 key77 mandatory=key77,port"#,
        r#"TYPE64 \# 3 000000"#,
        r#"SVCB 1 foo.example.com. ipv6hint="2001:db8::1,2001:db8::53:1""#,
        r#"SVCB 16 foo.example.org. alpn=f\\\092oo\092,bar,h2"#,
    ] {
        assert!(encode(text).is_ok(), "{text}: {:?}", encode(text));
    }
    assert_eq!(
        hex(r#"SVCB 1 . alpn=part1\,\p\a\r\t2\044part3\092,part4\092\\"#),
        "000100".to_owned()
            + "00010019"
            + "057061727431"
            + "057061727432"
            + "0c70617274332c7061727434"
            + "5c"
    );
}
