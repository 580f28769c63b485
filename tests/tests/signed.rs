//! Serving pre-signed zones: tests/data/dnssec/signed.internal.zone is
//! signed at test time with ldns-signzone, once with NSEC and once with
//! NSEC3 (salted, one iteration, opt-out), and served by authdns and by
//! Knot DNS. Every question, asked with DO over TCP, must get the same
//! answer section by section: RRSIGs beside answers and referrals, DS or
//! the proof of its absence at delegations, and the NSEC/NSEC3 proofs of
//! NXDOMAIN, NODATA and wildcard answers. Without DO, none of it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use hickory_proto::op::{Edns, Message};
use hickory_proto::rr::RecordType;
use tests::client::{self, query};
use tests::peers;
use tests::spawn::{Process, authdns, loopback, temp_dir, workspace};

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

fn compare(label: &str, knot: &Process, ours: SocketAddr) {
    let mut differences = Vec::new();
    let mut signed_answers = 0;
    for name in NAMES {
        let fqdn = if name.is_empty() {
            "signed.internal.".to_owned()
        } else {
            format!("{name}.signed.internal.")
        };
        for &rtype in TYPES.iter().chain(DNSSEC_TYPES) {
            let q = with_do(&fqdn, rtype);
            let theirs = client::tcp(knot.addr, &q).expect("knot answers");
            let mine = client::tcp(ours, &q).expect("authdns answers");
            let (theirs, mine) = (summary(&theirs), summary(&mine));
            signed_answers += usize::from(mine.contains(" rrsig "));
            if theirs != mine {
                differences.push(format!(
                    "{fqdn} {rtype}:\n--- knot\n{theirs}--- authdns\n{mine}"
                ));
            }
        }
    }
    assert!(
        signed_answers > 150,
        "{label}: RRSIGs in {signed_answers} answers"
    );
    assert!(
        differences.is_empty(),
        "{label}: {} answers differ from Knot DNS:\n{}",
        differences.len(),
        differences.join("\n")
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
}

fn run(label: &str, net: u8, options: &[&str]) {
    let dir = temp_dir(&format!("signed-{label}"));
    let zones = sign(&dir, options);
    let zone_file = zones.join("signed.internal.zone");
    let knot = peers::knot(
        loopback(net),
        &[("signed.internal.", zone_file.as_path())],
        "signed.internal.",
    );
    let ours = authdns(loopback(net + 1), &zones, "", "signed.internal.");
    compare(label, &knot, ours.addr);
}

#[test]
#[ignore = "needs Knot DNS and ldnsutils (run by .ci/run)"]
fn nsec_signed_zone_answers_as_knot_does() {
    run("nsec", 45, &[]);
}

#[test]
#[ignore = "needs Knot DNS and ldnsutils (run by .ci/run)"]
fn nsec3_opt_out_signed_zone_answers_as_knot_does() {
    run("nsec3", 47, &["-n", "-p", "-s", "aabbccdd", "-t", "1"]);
}
