//! A signed mini Internet for the validation tests, made at test time
//! with ldns-keygen and ldns-signzone (ECDSA P-256), served by authdns on
//! 127.N.0.101 (the root), .102 (every TLD) and .103 (one child), or on
//! the addresses of a [`Layout`]:
//!
//! | zone | case |
//! |---|---|
//! | `sec.` | secure, NSEC: answers, a wildcard, NXDOMAIN, NODATA; DNAMEs, CNAME and DNAME loops |
//! | `n3.` | secure, NSEC3 with opt-out: the same cases; `ent.n3.` exists only above an unsigned delegation |
//! | `n3x.` | secure, NSEC3 without opt-out |
//! | `unsigned.n3.` | an unsigned child inside an opt-out span: insecure |
//! | `zu.n3x.` | an unsigned child proven by an NSEC3 without opt-out: insecure |
//! | `zu.sec.` | an unsigned child proven by an NSEC: insecure (last in `sec.`, clear of the gaps other tests use) |
//! | `n3many.` | NSEC3 with 200 iterations: its denials are insecure (RFC 9276) |
//! | `plain.` | unsigned, no DS in the root: insecure; the aliases of `sec.` |
//! | `baddsx.` | the root's DS does not match its key: bogus |
//! | `expired.` | signatures that expired in 2021: bogus |
//! | `nosig.` | `www.nosig.` A lost its RRSIG: bogus |
//! | `unsupp.` | its DS names an algorithm no validator knows (200): insecure |
//!
//! Every zone but the root holds `ns1.nic.` and `x.g.deep.`, so `nic.`,
//! `deep.` and `g.deep.` are empty non-terminals (as `wild.` is, above
//! `*.wild.`); in `sec.` they lie inside NSEC gaps, in `n3.` and `n3x.`
//! NSEC3 records match them.
//!
//! The root's key-signing key is the trust anchor, written as a DS.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::spawn::{Process, authdns, temp_dir};

/// The TLDs below the root, all served by .102.
const TLDS: &[&str] = &[
    "sec", "n3", "n3x", "n3many", "plain", "baddsx", "expired", "nosig", "unsupp",
];

/// Aliases in `sec.` and `plain.`: DNAMEs within the zone and out of
/// it, and loops (a CNAME to itself, two CNAMEs, two DNAMEs).
const ALIASES: &str = "dn DNAME target\nwww.target A 192.0.2.81\n\
    dnx DNAME n3.\nself CNAME self\nloopa CNAME loopb\nloopb CNAME loopa\n\
    d1 DNAME d2\nd2 DNAME d1\n";

/// Where a signed world's servers listen.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// The root's server.
    pub root: Ipv4Addr,
    /// The address the root gives for the TLDs' server (`ns.tld.`).
    pub tlds: Ipv4Addr,
    /// Where the TLDs' server listens: `tlds`, or another address when
    /// a relay that edits its answers sits at `tlds`.
    pub tlds_listen: Ipv4Addr,
    /// The unsigned children's server.
    pub child: Ipv4Addr,
    /// A second server the root names for every TLD (`ns2.tld.`), where
    /// nothing listens unless the test starts it.
    pub second: Option<Ipv4Addr>,
}

impl Layout {
    /// 127.`net`.0.101 (the root), .102 (the TLDs) and .103 (the children).
    pub fn net(net: u8) -> Self {
        let ip = |last: u8| Ipv4Addr::new(127, net, 0, last);
        Self {
            root: ip(101),
            tlds: ip(102),
            tlds_listen: ip(102),
            child: ip(103),
            second: None,
        }
    }
}

/// A running signed world; its servers stop when it is dropped.
pub struct SignedWorld {
    servers: Vec<Process>,
    /// Root hints naming the root server.
    pub hints: PathBuf,
    /// The trust anchor: the DS of the root's key-signing key.
    pub anchor: PathBuf,
}

fn run(program: &str, args: &[&str], dir: &Path) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (apt-get install ldnsutils): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// Keys for `zone` in `dir`: (KSK base name, ZSK base name, KSK's DS line).
fn keys(dir: &Path, zone: &str) -> (String, String, String) {
    let ksk = run("ldns-keygen", &["-a", "ECDSAP256SHA256", "-k", zone], dir);
    let zsk = run("ldns-keygen", &["-a", "ECDSAP256SHA256", zone], dir);
    let ds = std::fs::read_to_string(dir.join(format!("{ksk}.ds"))).expect("the KSK's DS");
    (ksk, zsk, ds.trim().to_owned())
}

/// Signs `text` as `origin` with extra ldns-signzone `options` into
/// `out`.
fn sign(dir: &Path, origin: &str, text: &str, options: &[&str], out: &Path) -> String {
    let name = if origin == "." {
        "."
    } else {
        origin.trim_end_matches('.')
    };
    let (ksk, zsk, ds) = keys(dir, name);
    let unsigned = dir.join(format!("{origin}unsigned"));
    std::fs::write(&unsigned, text).expect("zone");
    let mut args: Vec<String> = options.iter().map(ToString::to_string).collect();
    let (unsigned, out) = (unsigned.display().to_string(), out.display().to_string());
    args.extend([
        "-o".into(),
        origin.into(),
        "-f".into(),
        out,
        unsigned,
        zsk,
        ksk,
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run("ldns-signzone", &args, dir);
    ds
}

fn zone(origin: &str, body: &str) -> String {
    format!(
        "$ORIGIN {origin}\n$TTL 3600\n@ SOA ns.tld. hostmaster.{origin} 1 7200 3600 1209600 300\n\
         @ NS ns.tld.\nwww A 192.0.2.80\n*.wild A 192.0.2.99\ntext TXT \"signed\"\n\
         ns1.nic A 192.0.2.53\nx.g.deep A 192.0.2.54\n{body}"
    )
}

impl SignedWorld {
    /// What the server of every TLD (.102) logged, its query log included.
    pub fn tld_log(&self) -> String {
        self.servers[1].log_text()
    }

    /// Signs and starts world `net` on 127.`net`.0.101-103.
    pub fn start(net: u8) -> Self {
        Self::start_in(Layout::net(net))
    }

    /// As [`Self::start`], but the TLDs' server listens on
    /// 127.`net`.0.`tlds` while the root still names .102: a relay that
    /// edits the TLDs' answers goes on .102.
    pub fn start_tlds_at(net: u8, tlds: u8) -> Self {
        Self::start_in(Layout {
            tlds_listen: Ipv4Addr::new(127, net, 0, tlds),
            ..Layout::net(net)
        })
    }

    /// Signs and starts the world on the addresses of `layout`.
    pub fn start_in(layout: Layout) -> Self {
        let dir = temp_dir(&format!("signed-world-{}", layout.root));
        let [root_dir, tld_dir, child_dir] = ["root", "tlds", "child"].map(|d| {
            let path = dir.join(d);
            std::fs::create_dir_all(&path).expect("world dir");
            path
        });
        let keys_dir = dir.join("keys");
        std::fs::create_dir_all(&keys_dir).expect("keys dir");

        // The unsigned children: inside n3.'s opt-out span, and proven
        // insecure by an NSEC3 of n3x. and an NSEC of sec.
        for child in ["unsigned.n3", "zu.n3x", "zu.sec"] {
            std::fs::write(
                child_dir.join(format!("{child}.zone")),
                format!(
                    "$ORIGIN {child}.\n$TTL 3600\n\
                     @ SOA ns hostmaster 1 7200 3600 1209600 300\n\
                     @ NS ns\nns A {}\nwww A 192.0.2.33\n",
                    layout.child
                ),
            )
            .expect("child zone");
        }
        let unsigned_child = |label: &str, parent: &str| {
            format!(
                "{label} NS ns.{label}.{parent}.\nns.{label}.{parent}. A {}\n",
                layout.child
            )
        };

        let mut root_body = String::new();
        for tld in TLDS {
            let origin = format!("{tld}.");
            let out = tld_dir.join(format!("{tld}.zone"));
            if *tld == "plain" {
                std::fs::write(&out, zone(&origin, ALIASES)).expect("plain zone");
                root_body.push_str(&format!("{tld} NS ns.tld.\n"));
                continue;
            }
            let (body, options): (String, Vec<&str>) = match *tld {
                "sec" => (
                    format!("{ALIASES}{}", unsigned_child("zu", "sec")),
                    Vec::new(),
                ),
                "n3" => (
                    format!("{}sub.ent NS ns.tld.\n", unsigned_child("unsigned", "n3")),
                    vec!["-n", "-p", "-s", "aabbccdd", "-t", "1"],
                ),
                "n3x" => (
                    unsigned_child("zu", "n3x"),
                    vec!["-n", "-s", "aabbccdd", "-t", "1"],
                ),
                "n3many" => (String::new(), vec!["-n", "-s", "aabbccdd", "-t", "200"]),
                "expired" => (
                    String::new(),
                    vec!["-i", "20200101000000", "-e", "20210101000000"],
                ),
                _ => (String::new(), Vec::new()),
            };
            let ds = sign(&keys_dir, &origin, &zone(&origin, &body), &options, &out);
            let ds = match *tld {
                // A digest that matches no key.
                "baddsx" => {
                    let (head, digest) = ds.rsplit_once(char::is_whitespace).expect("a DS digest");
                    let flipped: String = digest
                        .chars()
                        .map(|c| if c == '0' { '1' } else { '0' })
                        .collect();
                    format!("{head} {flipped}")
                }
                // An algorithm number no validator implements.
                "unsupp" => {
                    let fields: Vec<&str> = ds.split_whitespace().collect();
                    let at = fields.iter().position(|f| *f == "DS").expect("DS") + 1;
                    let mut fields: Vec<String> = fields.iter().map(ToString::to_string).collect();
                    fields[at + 1] = "200".into();
                    fields.join(" ")
                }
                _ => ds,
            };
            if *tld == "nosig" {
                let signed = std::fs::read_to_string(&out).expect("signed zone");
                let kept: Vec<&str> = signed
                    .lines()
                    .filter(|l| !(l.starts_with("www.nosig.") && l.contains("RRSIG\tA ")))
                    .collect();
                assert!(kept.len() < signed.lines().count(), "one RRSIG removed");
                std::fs::write(&out, kept.join("\n") + "\n").expect("nosig zone");
            }
            root_body.push_str(&format!("{tld} NS ns.tld.\n{ds}\n"));
        }
        if let Some(second) = layout.second {
            for tld in TLDS {
                root_body.push_str(&format!("{tld} NS ns2.tld.\n"));
            }
            root_body.push_str(&format!("ns2.tld. A {second}\n"));
        }
        let root = format!(
            "$ORIGIN .\n$TTL 3600\n. SOA ns.root. hostmaster.root. 1 7200 3600 1209600 300\n\
             . NS ns.root.\nns.root. A {}\nns.tld. A {}\n{root_body}",
            layout.root, layout.tlds
        );
        let root_ds = sign(&keys_dir, ".", &root, &[], &root_dir.join("root.zone"));
        let anchor = dir.join("root.anchor");
        std::fs::write(&anchor, format!("{root_ds}\n")).expect("anchor");
        let hints = dir.join("root.hints");
        std::fs::write(
            &hints,
            format!(". 3600 NS ns.root.\nns.root. 3600 A {}\n", layout.root),
        )
        .expect("hints");

        let servers = [
            (layout.root, &root_dir, "."),
            (layout.tlds_listen, &tld_dir, "sec."),
            (layout.child, &child_dir, "unsigned.n3."),
        ]
        .into_iter()
        .map(|(ip, zones, probe)| {
            let addr = SocketAddr::new(IpAddr::V4(ip), 53);
            authdns(addr, zones, "query-log = true\n", probe)
        })
        .collect();
        Self {
            servers,
            hints,
            anchor,
        }
    }
}
