//! Serving pre-signed zones: tests/data/dnssec/signed.internal.zone is
//! signed at test time with ldns-signzone, once with NSEC and once with
//! NSEC3 (salted, one iteration, opt-out), and served by authdns and by
//! Knot DNS, NSD and BIND. Every question, asked with DO over TCP, must
//! get the answer two of the three peers give, section by section: RRSIGs
//! beside answers and referrals, DS or the proof of its absence at
//! delegations, the NSEC/NSEC3 proofs of NXDOMAIN, NODATA and wildcard
//! answers, and NXDOMAIN for the hashed owner names of NSEC3 records
//! (RFC 5155 7.2.8). Without DO, none of it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use hickory_proto::op::{Edns, Message};
use hickory_proto::rr::RecordType;
use tests::client::{self, query};
use tests::peers;
use tests::spawn::{Process, authdns, loopback, temp_dir, workspace};

use crate::consensus::{PEERS, Tally};
use crate::differential::{TYPES, summary};

const NAMES: &[&str] = &[
    "",
    "ns1",
    "mail",
    "www",
    "alias",
    "x.wild",
    "y.x.wild",
    "wild",
    "ent",
    "b.ent",
    "a.b.ent",
    "nope",
    "deep.nope",
    "zzz",
    "secure",
    "www.secure",
    "insecure",
    "www.insecure",
    "old",
    "x.old",
];
/// Asked besides the types of the unsigned differential tests.
const DNSSEC_TYPES: &[RecordType] = &[
    RecordType::DNSKEY,
    RecordType::NSEC,
    RecordType::NSEC3,
    RecordType::RRSIG,
];

/// Signs the test zone into `dir` with ldns-signzone and `options`:
/// returns the directory holding `signed.internal.zone`.
pub(crate) fn sign(dir: &Path, options: &[&str]) -> PathBuf {
    let source = workspace().join("tests/data/dnssec/signed.internal.zone");
    let keygen = |ksk: bool| {
        let mut args = vec!["-a", "ECDSAP256SHA256"];
        if ksk {
            args.push("-k");
        }
        args.push("signed.internal");
        let out = Command::new("ldns-keygen")
            .args(&args)
            .current_dir(dir)
            .output()
            .expect("ldns-keygen runs (apt-get install ldnsutils)");
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let (ksk, zsk) = (keygen(true), keygen(false));
    let zones = dir.join("zones");
    std::fs::create_dir_all(&zones).unwrap();
    let signed = zones.join("signed.internal.zone");
    let mut args: Vec<String> = options.iter().map(ToString::to_string).collect();
    args.extend([
        "-o".into(),
        "signed.internal.".into(),
        "-f".into(),
        signed.display().to_string(),
        source.display().to_string(),
        zsk,
        ksk,
    ]);
    let status = Command::new("ldns-signzone")
        .args(&args)
        .current_dir(dir)
        .status()
        .expect("ldns-signzone runs");
    assert!(status.success());
    zones
}

/// A query with DO set (EDNS, 1232 octets).
fn with_do(name: &str, rtype: RecordType) -> Message {
    let mut q = query(name, rtype, true);
    let mut edns = Edns::new();
    edns.set_max_payload(1232);
    edns.set_dnssec_ok(true);
    q.set_edns(edns);
    q
}

/// The owner names of the first NSEC3 records of the signed zone file.
fn nsec3_owners(zone_file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(zone_file).expect("the signed zone");
    text.lines()
        .filter(|line| line.split_whitespace().nth(3) == Some("NSEC3"))
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .take(3)
        .collect()
}

fn compare(label: &str, peers: &[Process; 3], ours: SocketAddr, zone_file: &Path) -> Tally {
    let mut tally = Tally::default();
    let mut signed_answers = 0;
    let mut questions: Vec<(String, RecordType)> = Vec::new();
    for name in NAMES {
        let fqdn = if name.is_empty() {
            "signed.internal.".to_owned()
        } else {
            format!("{name}.signed.internal.")
        };
        for &rtype in TYPES.iter().chain(DNSSEC_TYPES) {
            questions.push((fqdn.clone(), rtype));
        }
    }
    let hashed = nsec3_owners(zone_file);
    assert_eq!(hashed.is_empty(), label == "nsec", "{label}: {hashed:?}");
    for name in hashed {
        for rtype in [RecordType::A, RecordType::NSEC3, RecordType::TXT] {
            questions.push((name.clone(), rtype));
        }
    }
    for (name, rtype) in questions {
        let q = with_do(&name, rtype);
        let theirs = [0, 1, 2].map(|i| {
            let answer = client::tcp(peers[i].addr, &q)
                .unwrap_or_else(|e| panic!("{} did not answer {name} {rtype}: {e}", PEERS[i]));
            summary(&answer)
        });
        let mine = summary(&client::tcp(ours, &q).expect("authdns answers"));
        signed_answers += usize::from(mine.contains(" rrsig "));
        tally.record(&format!("{label} {name} {rtype}"), &theirs, &mine, |_| None);
    }
    assert!(
        signed_answers > 150,
        "{label}: RRSIGs in {signed_answers} answers"
    );
    // Without DO, no DNSSEC records at all.
    for name in [
        "www.signed.internal.",
        "nope.signed.internal.",
        "x.wild.signed.internal.",
    ] {
        let plain = client::tcp(ours, &query(name, RecordType::A, true)).unwrap();
        let text = summary(&plain);
        assert!(
            !text.contains(" rrsig ") && !text.contains(" nsec"),
            "{label} {name}: {text}"
        );
    }
    tally
}

fn run(label: &str, net: u8, bind_port: u16, options: &[&str]) {
    let dir = temp_dir(&format!("signed-{label}"));
    let zones = sign(&dir, options);
    let zone_file = zones.join("signed.internal.zone");
    let zone = [("signed.internal.", zone_file.as_path())];
    let peers = [
        peers::knot(loopback(net), &zone, "signed.internal."),
        peers::nsd(loopback(net + 2), &zone, "signed.internal."),
        peers::bind(bind_port, &zone, "signed.internal."),
    ];
    let ours = authdns(loopback(net + 1), &zones, "", "signed.internal.");
    compare(label, &peers, ours.addr, &zone_file).check(&format!("{label}-signed zone"));
}

#[test]
#[ignore = "needs Knot DNS, NSD, BIND and ldnsutils (run by .ci/run)"]
fn nsec_signed_zone_answers_as_the_peers_do() {
    run("nsec", 45, 15345, &[]);
}

#[test]
#[ignore = "needs Knot DNS, NSD, BIND and ldnsutils (run by .ci/run)"]
fn nsec3_opt_out_signed_zone_answers_as_the_peers_do() {
    run(
        "nsec3",
        50,
        15347,
        &["-n", "-p", "-s", "aabbccdd", "-t", "1"],
    );
}
