//! The peers' own zone-parser test data, read by zone-loader and by the
//! peers' checkers, verdicts compared with BIND's `named-checkzone` (run
//! with its defaults, as zone-loader's checks follow them).
//!
//! The data (tests/data/peer-corpus, see its README) is Knot DNS's
//! `tests/libzscanner` cases and BIND's `bin/tests/system/checkzone`
//! zones. Each Knot file is cut into its entries; each entry, after the
//! `$ORIGIN` and `$TTL` lines before it, is checked on its own inside a
//! minimal root zone, so one bad line does not hide the others. BIND's
//! zones are checked whole, for the origin `example.`. Where zone-loader
//! and BIND both accept, the records must match: BIND's dump (`-D`) read
//! back by zone-loader gives the same records as the original. Every
//! disagreement with BIND is listed in [`ALLOWED`] with its reason; an
//! unlisted one, or a listed one that no longer happens, fails the test.
//! Knot (`knotc zone-check`) and NSD (`nsd-checkzone`) verdicts are
//! counted beside ours for the agreement figures.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tests::spawn::{temp_dir, workspace};
use zone_loader::{Name, Zone, load_zone};

mod allowed;
use allowed::ALLOWED;

/// The zone each Knot entry is checked in: a root zone whose apex NS has
/// an address, so only the entry decides the verdict.
const WRAPPER: &str = "$ORIGIN .\n$TTL 3600\n. SOA a. b. 1 1 1 1 1\n. NS a.\n. A 192.0.2.1\n\
                       a. A 192.0.2.1\n";

struct Case {
    id: String,
    origin: &'static str,
    text: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Verdicts {
    bind: bool,
    ours: bool,
    knot: bool,
    nsd: bool,
    records_match: bool,
}

/// Cuts a Knot test file into entries (parentheses join lines), each with
/// the last `$ORIGIN` and `$TTL` lines before it. Ids are `file:line`.
fn knot_cases(file: &str, text: &[u8]) -> Vec<Case> {
    let mut cases = Vec::new();
    let (mut origin, mut ttl): (Option<Vec<u8>>, Option<Vec<u8>>) = (None, None);
    let mut entry: Vec<u8> = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (index, line) in text.split(|&b| b == b'\n').enumerate() {
        let trimmed = line.trim_ascii();
        if entry.is_empty() {
            if trimmed.is_empty() || trimmed.starts_with(b";") {
                continue;
            }
            start = index + 1;
        }
        entry.extend_from_slice(line);
        entry.push(b'\n');
        depth += paren_depth(line);
        if depth > 0 {
            continue;
        }
        let mut case = Vec::new();
        for head in [&origin, &ttl].into_iter().flatten() {
            case.extend_from_slice(head);
            case.push(b'\n');
        }
        case.extend_from_slice(&entry);
        let directive = entry.trim_ascii().to_ascii_uppercase();
        if directive.starts_with(b"$ORIGIN") {
            origin = Some(entry.trim_ascii().to_vec());
        } else if directive.starts_with(b"$TTL") {
            ttl = Some(entry.trim_ascii().to_vec());
        }
        cases.push(Case {
            id: format!("{file}:{start}"),
            origin: ".",
            text: [WRAPPER.as_bytes(), &case].concat(),
        });
        entry.clear();
        depth = 0;
    }
    cases
}

/// Opened minus closed parentheses on a line, outside quotes and comments.
fn paren_depth(line: &[u8]) -> i32 {
    let (mut depth, mut quoted, mut i) = (0, false, 0);
    while i < line.len() {
        match line[i] {
            b'\\' => i += 1,
            b'"' => quoted = !quoted,
            b';' if !quoted => break,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    depth
}

fn corpus() -> Vec<Case> {
    let root = workspace().join("tests/data/peer-corpus");
    let mut cases = Vec::new();
    for entry in sorted_files(&root.join("knot"), "in") {
        let file = entry.file_name().unwrap().to_string_lossy().into_owned();
        cases.extend(knot_cases(&file, &std::fs::read(&entry).unwrap()));
    }
    for entry in sorted_files(&root.join("bind"), "db") {
        let file = entry.file_name().unwrap().to_string_lossy().into_owned();
        cases.push(Case {
            id: format!("bind/{file}"),
            origin: "example.",
            text: std::fs::read(&entry).unwrap(),
        });
    }
    cases
}

fn sorted_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// Runs a checker in `dir`; true when it accepts (exit status 0).
fn accepts(dir: &Path, program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{program}: {e}"))
        .success()
}

/// Every record of a zone: (owner, type, TTL, rdata), sorted.
fn records(zone: &Zone) -> BTreeSet<(Vec<u8>, u16, u32, Vec<u8>)> {
    let mut out = BTreeSet::new();
    for node in zone.nodes() {
        for rrset in zone.rrsets(node) {
            for rdata in zone.records(rrset) {
                out.insert((
                    zone.name(node).to_vec(),
                    rrset.rtype,
                    rrset.ttl,
                    rdata.to_vec(),
                ));
            }
        }
    }
    out
}

fn check(dir: &Path, case: &Case) -> Verdicts {
    let zone = dir.join("case.zone");
    std::fs::write(&zone, &case.text).unwrap();
    let conf = dir.join("knot.conf");
    std::fs::write(
        &conf,
        format!(
            "server:\n    rundir: {d}\ntemplate:\n  - id: default\n    storage: {d}\n\
             zone:\n  - domain: {o}\n    file: {z}\n",
            d = dir.display(),
            o = case.origin,
            z = zone.display()
        ),
    )
    .unwrap();
    let dump = dir.join("dump.zone");
    let _ = std::fs::remove_file(&dump);
    let origin = Name::from_text(case.origin.as_bytes(), &Name::root()).unwrap();
    let bind = accepts(
        dir,
        "named-checkzone",
        &["-D", "-o", "dump.zone", case.origin, "case.zone"],
    );
    let ours = load_zone(&zone, &origin).0;
    let records_match = match (&ours, bind) {
        (Ok((zone, _)), true) => match load_zone(&dump, &origin).0 {
            Ok((dumped, _)) => records(zone) == records(&dumped),
            Err(_) => false,
        },
        _ => true,
    };
    Verdicts {
        bind,
        ours: ours.is_ok(),
        knot: accepts(
            dir,
            "knotc",
            &["-c", "knot.conf", "zone-check", case.origin],
        ),
        nsd: accepts(dir, "nsd-checkzone", &[case.origin, "case.zone"]),
        records_match,
    }
}

/// The index in [`ALLOWED`] of the entry for case `id`.
fn allowed_index(id: &str) -> Option<usize> {
    ALLOWED.iter().position(|(case, _)| id == *case)
}

#[test]
#[ignore = "needs named-checkzone, knotc and nsd-checkzone"]
fn the_peers_test_data_gets_bind_verdicts() {
    let cases = corpus();
    let workers = 4;
    let results: Vec<(usize, Verdicts)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let cases = &cases;
                scope.spawn(move || {
                    let dir = temp_dir(&format!("peer-corpus-{w}"));
                    let includes = workspace().join("tests/data/peer-corpus/knot/includes");
                    std::fs::create_dir_all(dir.join("includes")).unwrap();
                    for file in std::fs::read_dir(&includes).unwrap() {
                        let file = file.unwrap().path();
                        std::fs::copy(&file, dir.join("includes").join(file.file_name().unwrap()))
                            .unwrap();
                    }
                    let out: Vec<(usize, Verdicts)> = (w..cases.len())
                        .step_by(workers)
                        .map(|i| (i, check(&dir, &cases[i])))
                        .collect();
                    std::fs::remove_dir_all(&dir).unwrap();
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });

    let mut figures = [[0usize; 4]; 2];
    let mut unlisted = Vec::new();
    let mut listed_hits = BTreeSet::new();
    for (i, v) in &results {
        let case = &cases[*i];
        let group = usize::from(case.id.starts_with("bind/"));
        figures[group][0] += 1;
        figures[group][1] += usize::from(v.ours == v.bind && v.records_match);
        figures[group][2] += usize::from(v.knot == v.bind);
        figures[group][3] += usize::from(v.nsd == v.bind);
        if v.ours == v.bind && v.records_match {
            continue;
        }
        match allowed_index(&case.id) {
            Some(index) => {
                listed_hits.insert(index);
            }
            None => unlisted.push(format!("{} {v:?}", case.id)),
        }
    }
    for (name, [n, ours, knot, nsd]) in ["Knot libzscanner entries", "BIND checkzone zones"]
        .iter()
        .zip(figures)
    {
        println!(
            "{name}: {n} cases; agree with BIND: zone-loader {ours} ({:.1}%), Knot {knot} \
             ({:.1}%), NSD {nsd} ({:.1}%)",
            100.0 * ours as f64 / n as f64,
            100.0 * knot as f64 / n as f64,
            100.0 * nsd as f64 / n as f64,
        );
    }
    unlisted.sort();
    let stale: Vec<&str> = (0..ALLOWED.len())
        .filter(|i| !listed_hits.contains(i))
        .map(|i| ALLOWED[i].0)
        .collect();
    assert!(
        stale.is_empty(),
        "allowed disagreements that no longer happen (delete them): {stale:?}"
    );
    assert!(
        unlisted.is_empty(),
        "{} disagreements with BIND not in the allowed list:\n{}",
        unlisted.len(),
        unlisted.join("\n")
    );
}
