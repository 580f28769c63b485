//! Where authdns once differed from Knot DNS, NSD and BIND: chains that
//! reach the edge of the zone, NSEC3 owner names, REFUSED with its EDE,
//! opcodes, meta types and malformed questions.

use super::*;

/// A tiny NSEC3 zone (no salt, no extra iterations): `n3.` with `ns` and
/// `www`, and three hashed NSEC3 owner names.
const NSEC3_ZONE: &str = include_str!("nsec3.zone");

fn with_nsec3() -> Snapshot {
    let origin = Name::from_text(b"n3.", &Name::root()).unwrap();
    let zone = zone_from_str(NSEC3_ZONE, &origin, "nsec3.zone").unwrap().0;
    Snapshot::new([Arc::new(zone)])
}

fn ask_nsec3(name: &str, rtype: RecordType, dnssec: bool) -> Message {
    let mut msg = query(name, rtype, true);
    if let Some(edns) = msg.edns.as_mut() {
        edns.set_dnssec_ok(dnssec);
    }
    let bytes = send_to(&with_nsec3(), &msg.to_vec().unwrap(), Transport::Tcp).unwrap();
    Message::from_vec(&bytes).unwrap()
}

/// The INFO-CODE of the EDE option (RFC 8914 2), if there is one.
fn ede_code(r: &Message) -> Option<u16> {
    match r.edns.as_ref()?.option(EdnsCode::Unknown(15))? {
        EdnsOption::Unknown(_, data) => Some(u16::from_be_bytes([data[0], data[1]])),
        other => panic!("EDE decoded as {other:?}"),
    }
}

#[test]
fn cname_into_another_served_zone_stops_at_the_zone_edge() {
    let r = ask("toother.example.", RecordType::A);
    assert_eq!(
        lines(&r.answers),
        ["toother.example. 3600 cname www.other."]
    );
    assert!(r.authorities.is_empty(), "no SOA of the other zone");
    assert!(r.additionals.is_empty());
    let r = ask("toothermissing.example.", RecordType::A);
    assert_eq!(r.metadata.response_code, ResponseCode::NoError);
    assert_eq!(
        lines(&r.answers),
        ["toothermissing.example. 3600 cname nope.other."]
    );
    assert!(r.authorities.is_empty());
}

#[test]
fn rfc6672_synthesised_cname_into_another_served_zone_is_not_followed() {
    let zone = |text: &str, origin: &str| {
        let origin = Name::from_text(origin.as_bytes(), &Name::root()).unwrap();
        Arc::new(zone_from_str(text, &origin, "test.zone").unwrap().0)
    };
    let aliases = "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nold DNAME other.\n";
    let snapshot = Snapshot::new([zone(aliases, "aliases."), zone(OTHER, "other.")]);
    let msg = query("www.old.aliases.", RecordType::A, true);
    let bytes = send_to(&snapshot, &msg.to_vec().unwrap(), Transport::Udp).unwrap();
    let r = Message::from_vec(&bytes).unwrap();
    assert_eq!(r.answers.len(), 2, "the DNAME and the CNAME alone");
    assert_eq!(r.answers[0].record_type(), RecordType::DNAME);
    assert_eq!(
        lines(&r.answers[1..]),
        ["www.old.aliases. 60 cname www.other."]
    );
    assert!(r.authorities.is_empty());
}

#[test]
fn wildcard_cname_out_of_the_zone_is_the_cname_alone() {
    let zone = |text: &str, origin: &str| {
        let origin = Name::from_text(origin.as_bytes(), &Name::root()).unwrap();
        Arc::new(zone_from_str(text, &origin, "test.zone").unwrap().0)
    };
    let wild = "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n*.w CNAME www.other.\n";
    let snapshot = Snapshot::new([zone(wild, "wild."), zone(OTHER, "other.")]);
    let msg = query("a.w.wild.", RecordType::A, true);
    let bytes = send_to(&snapshot, &msg.to_vec().unwrap(), Transport::Udp).unwrap();
    let r = Message::from_vec(&bytes).unwrap();
    assert_eq!(lines(&r.answers), ["a.w.wild. 60 cname www.other."]);
}

#[test]
fn rfc5155_7_2_8_nsec3_owner_names_do_not_exist() {
    let hashed = "vqn6vlv13lll5ej3b93kkd2p51eqimo7.n3.";
    for rtype in [RecordType::A, RecordType::NSEC3, RecordType::ANY] {
        let r = ask_nsec3(hashed, rtype, false);
        assert_eq!(r.metadata.response_code, ResponseCode::NXDomain, "{rtype}");
        assert!(r.answers.is_empty());
        assert_eq!(
            lines(&r.authorities)[0],
            "n3. 300 soa ns.n3. hostmaster.n3. 1 7200 3600 1209600 300"
        );
    }
    // With DO: the closest encloser proof, each NSEC3 with its signature.
    let r = ask_nsec3(hashed, RecordType::A, true);
    assert_eq!(r.metadata.response_code, ResponseCode::NXDomain);
    let types: Vec<RecordType> = r.authorities.iter().map(Record::record_type).collect();
    let nsec3 = types.iter().filter(|t| **t == RecordType::NSEC3).count();
    assert!((2..=3).contains(&nsec3), "{types:?}");
    assert!(types.contains(&RecordType::SOA) && types.contains(&RecordType::RRSIG));
    // The names that do exist still answer.
    let r = ask_nsec3("www.n3.", RecordType::A, true);
    assert_eq!(r.metadata.response_code, ResponseCode::NoError);
    assert_eq!(r.answers.len(), 2, "A and its RRSIG");
}

#[test]
fn rfc8914_refused_outside_every_zone_says_not_authoritative() {
    let r = ask("example.org.", RecordType::A);
    assert_eq!(r.metadata.response_code, ResponseCode::Refused);
    assert_eq!(ede_code(&r), Some(20));
    // Without EDNS there is nowhere to say it.
    let r = send(&query("example.org.", RecordType::A, false), Transport::Udp);
    assert_eq!(r.metadata.response_code, ResponseCode::Refused);
    assert!(r.edns.is_none());
    // Answers from a zone carry no EDE.
    assert_eq!(ede_code(&ask("www.example.", RecordType::A)), None);
}

#[test]
fn rfc2136_update_is_notauth_outside_and_refused_inside() {
    for (zone, rcode) in [
        ("example.", ResponseCode::Refused),
        ("other.", ResponseCode::Refused),
        ("example.org.", ResponseCode::NotAuth),
        ("www.example.", ResponseCode::NotAuth),
    ] {
        for opcode in [OpCode::Update, OpCode::Notify] {
            let mut msg = query(zone, RecordType::SOA, true);
            msg.metadata.op_code = opcode;
            let r = send(&msg, Transport::Udp);
            assert_eq!(r.metadata.response_code, rcode, "{opcode:?} {zone}");
            assert_eq!(r.metadata.op_code, opcode);
            assert!(r.answers.is_empty() && !r.metadata.authoritative);
        }
    }
}

#[test]
fn meta_types_maila_mailb_and_opt_are_nodata() {
    for code in [253, 254, 41, 128, 200, 249, 250] {
        let r = ask("web.example.", RecordType::from(code));
        assert_eq!(r.metadata.response_code, ResponseCode::NoError, "{code}");
        assert!(r.answers.is_empty());
        assert_eq!(r.authorities[0].record_type(), RecordType::SOA, "{code}");
        assert!(r.metadata.authoritative);
    }
    // Through a CNAME as for any type: the alias, then no data.
    let r = ask("www.example.", RecordType::from(253));
    assert_eq!(lines(&r.answers), ["www.example. 3600 cname web.example."]);
    assert_eq!(r.authorities[0].record_type(), RecordType::SOA);
}

#[test]
fn long_labels_and_lying_counts_are_formerr_without_tc() {
    let mut name = vec![64];
    name.extend_from_slice(&[b'a'; 64]);
    name.extend_from_slice(b"\x07example\x00");
    let mut long_label = vec![0xbe, 0xef, 0x03, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    long_label.extend_from_slice(&name);
    long_label.extend_from_slice(&[0, 1, 0, 1]);
    let good = query("example.", RecordType::SOA, false).to_vec().unwrap();
    let mut lying = Vec::new();
    for (index, count) in [(5, 2), (7, 1), (9, 1), (11, 1), (5, 0)] {
        let mut bytes = good.clone();
        bytes[index] = count;
        lying.push(bytes);
    }
    for bytes in std::iter::once(long_label).chain(lying) {
        let r = Message::from_vec(&send_bytes(&bytes, Transport::Udp).unwrap()).unwrap();
        assert_eq!(
            r.metadata.response_code,
            ResponseCode::FormErr,
            "{bytes:02x?}"
        );
        assert!(!r.metadata.truncation, "{bytes:02x?}");
        assert_eq!(r.metadata.id, 0xbeef);
    }
}

#[test]
fn rrsig_questions_get_every_signature_at_the_name_as_nsd_and_bind() {
    let r = ask_nsec3("n3.", RecordType::RRSIG, true);
    let covered: Vec<String> = lines(&r.answers)
        .iter()
        .map(|l| l.split_whitespace().nth(3).unwrap_or_default().to_owned())
        .collect();
    for rtype in ["soa", "ns", "dnskey", "nsec3param"] {
        assert!(covered.iter().any(|c| c == rtype), "{covered:?}");
    }
    assert!(
        r.answers
            .iter()
            .all(|rr| rr.record_type() == RecordType::RRSIG)
    );
    // Each signature has the TTL of the RRset it covers.
    let r = ask_nsec3(
        "vqn6vlv13lll5ej3b93kkd2p51eqimo7.n3.",
        RecordType::RRSIG,
        true,
    );
    assert_eq!(r.metadata.response_code, ResponseCode::NXDomain);
    let r = ask_nsec3("www.n3.", RecordType::RRSIG, true);
    assert_eq!(r.answers.len(), 1);
    assert_eq!(r.answers[0].ttl, 3600);
}

#[test]
fn rrsig_records_covering_nothing_at_the_name_are_served_as_they_are() {
    let origin = Name::from_text(b"stray.", &Name::root()).unwrap();
    let text = "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 198.51.100.1\n\
                sig 300 RRSIG NSEC 1 3 3600 20000102030405 19961211100908 2143 foo.nil. MxFcby9k/yvedMfQgKzhH5er0Mu/vILz45IkskceFGgiWCn/GxHhai6V AuHAoNUz4YoU1tVfSCSqQYn6//11U6Nld80jEeC8aTrO+KKmCaY=\n";
    let zone = Arc::new(zone_from_str(text, &origin, "stray.zone").unwrap().0);
    let snapshot = Snapshot::new([zone]);
    let msg = query("sig.stray.", RecordType::RRSIG, true);
    let bytes = send_to(&snapshot, &msg.to_vec().unwrap(), Transport::Udp).unwrap();
    let r = Message::from_vec(&bytes).unwrap();
    assert_eq!(r.metadata.response_code, ResponseCode::NoError);
    assert_eq!(r.answers.len(), 1);
    assert_eq!(r.answers[0].ttl, 300);
}
