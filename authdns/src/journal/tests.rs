use std::path::PathBuf;

use zone_loader::rtype::code;
use zone_loader::{Name, zone_from_str};

use super::diff::{changeset, same_content};
use super::*;

const ORIGIN: &[u8] = b"\x07example\x00";

fn zone(serial: u32, body: &str) -> Arc<Zone> {
    let origin = Name::from_wire(ORIGIN).unwrap();
    let text = format!("$TTL 60\n@ SOA ns hm {serial} 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n{body}");
    Arc::new(zone_from_str(&text, &origin, "t.zone").unwrap().0)
}

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("authdns-journal-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A record as text: owner's first label, type, TTL, rdata length.
fn brief(record: Record<'_>) -> String {
    let label = &record.name[1..=usize::from(record.name[0])];
    format!(
        "{} {} {} {}",
        String::from_utf8_lossy(label),
        record.rtype,
        record.ttl,
        record.rdata.len()
    )
}

#[test]
fn diff_lists_removed_and_added_records_in_canonical_order() {
    let old = zone(
        1,
        "a A 192.0.2.10\nb A 192.0.2.11\nb A 192.0.2.12\nc TXT \"x\"\nz A 192.0.2.9\nz TXT \"gone\"\n",
    );
    let new = zone(
        2,
        "b A 192.0.2.12\nb A 192.0.2.13\nc 120 TXT \"x\"\nd MX 10 b\nz A 192.0.2.9\n",
    );
    let change = changeset(&old, &new);
    assert_eq!((change.from(), change.to()), (1, 2));
    let removed: Vec<_> = change.removed.iter().map(brief).collect();
    let added: Vec<_> = change.added.iter().map(brief).collect();
    assert_eq!(removed, ["a 1 60 4", "b 1 60 4", "c 16 60 2", "z 16 60 5"]);
    assert_eq!(added, ["b 1 60 4", "c 16 120 2", "d 15 60 13"]);
    let b_added = change.added.iter().find(|r| r.name[1] == b'b').unwrap();
    assert_eq!(b_added.rdata, [192, 0, 2, 13]);
    assert!(
        !change
            .removed
            .iter()
            .chain(change.added.iter())
            .any(|r| r.rtype == code::SOA)
    );
}

#[test]
fn same_content_ignores_the_serial_only() {
    let body = "a A 192.0.2.10\n";
    assert!(same_content(&zone(1, body), &zone(1, body)));
    assert!(same_content(&zone(1, body), &zone(7, body)));
    assert!(!same_content(&zone(1, body), &zone(1, "a A 192.0.2.11\n")));
    let origin = Name::from_wire(ORIGIN).unwrap();
    let other_soa = "$TTL 60\n@ SOA ns hm 1 2 3 4 99\n@ NS ns\nns A 192.0.2.1\na A 192.0.2.10\n";
    let other = zone_from_str(other_soa, &origin, "t.zone").unwrap().0;
    assert!(
        !same_content(&zone(1, body), &other),
        "SOA timers are content"
    );
    let empty = changeset(&zone(1, body), &zone(2, body));
    assert!(empty.removed.is_empty() && empty.added.is_empty());
}

fn chain(serials: std::ops::Range<u32>) -> Vec<Changeset> {
    serials
        .map(|s| {
            changeset(
                &zone(s, &format!("h A 192.0.2.{}\n", s % 250)),
                &zone(s + 1, &format!("h A 192.0.2.{}\n", (s + 1) % 250)),
            )
        })
        .collect()
}

#[test]
fn the_journal_keeps_the_newest_changesets_within_its_bound() {
    let sets = chain(10..20);
    let one = sets[0].size();
    let mut journal = Journal::new(one * 3);
    let dropped: usize = sets.into_iter().map(|c| journal.append(c)).sum();
    assert_eq!(dropped, 7);
    assert_eq!(journal.changesets().count(), 3);
    assert!(journal.size() <= one * 3);
    assert_eq!(journal.last_serial(), Some(20));
    let path = journal.since(17, 20).unwrap();
    assert_eq!(
        path.iter().map(|c| c.from()).collect::<Vec<_>>(),
        [17, 18, 19]
    );
    assert!(journal.since(16, 20).is_none(), "rolled past 16");
    assert!(
        journal.since(18, 21).is_none(),
        "the journal must reach the served serial"
    );

    // A changeset that does not follow starts a new chain; one bigger
    // than the bound is not kept.
    let mut gap = chain(30..31);
    assert_eq!(journal.append(gap.remove(0)), 3);
    assert_eq!(journal.since(30, 31).map(|p| p.len()), Some(1));
    let mut tiny = Journal::new(10);
    tiny.append(chain(1..2).remove(0));
    assert_eq!((tiny.changesets().count(), tiny.size()), (0, 0));
}

#[test]
fn a_journal_file_round_trips_and_a_damaged_one_is_refused() {
    let sets = chain(1..4);
    let bytes = file::encode(ORIGIN, sets.iter());
    assert_eq!(file::decode(&bytes, ORIGIN).unwrap(), sets);
    assert_eq!(
        file::decode(&bytes, b"\x05other\x00"),
        Err(file::Corrupt::OtherZone)
    );
    for cut in [0, 5, 40, bytes.len() - 1] {
        assert!(
            file::decode(&bytes[..cut], ORIGIN).is_err(),
            "torn at {cut}"
        );
    }
    let mut flipped = bytes.clone();
    flipped[30] ^= 1;
    assert_eq!(file::decode(&flipped, ORIGIN), Err(file::Corrupt::Checksum));
    let mut other = bytes.clone();
    other[0] = b'X';
    assert_eq!(file::decode(&other, ORIGIN), Err(file::Corrupt::BadMagic));
    // Checksummed, but a name the response writer would trust is broken.
    let mut bad = sets[0].clone();
    bad.added.push(Record {
        name: b"\x01x\x07example\x00",
        rtype: code::NS,
        ttl: 60,
        rdata: b"\xc0\x0c",
    });
    let bytes = file::encode(ORIGIN, [&bad].into_iter());
    assert_eq!(file::decode(&bytes, ORIGIN), Err(file::Corrupt::Malformed));
    // A well-formed, checksummed file whose serials do not chain.
    let broken = file::encode(ORIGIN, [&sets[0], &sets[2]].into_iter());
    assert_eq!(file::decode(&broken, ORIGIN), Err(file::Corrupt::Malformed));
}

fn limits() -> HashMap<Origin, usize> {
    HashMap::from([(Origin::from(ORIGIN), DEFAULT_SIZE)])
}

fn publish(journals: &Journals, old: &Arc<Zone>, new: &Arc<Zone>) {
    journals.record(&Change {
        origin: Name::from_wire(ORIGIN).unwrap(),
        old: Some(Arc::clone(old)),
        new: Some(Arc::clone(new)),
    });
}

#[test]
fn journals_survive_a_restart_and_a_corrupt_file_is_discarded() {
    let dir = dir("restart");
    let versions: Vec<_> = (1..=3)
        .map(|s| zone(s, &format!("v A 192.0.2.{s}\n")))
        .collect();
    let journals = Journals::open(dir.clone(), &limits(), |_| Some(1));
    publish(&journals, &versions[0], &versions[1]);
    publish(&journals, &versions[1], &versions[2]);
    assert_eq!(journals.since(ORIGIN, 1, 3).map(|p| p.len()), Some(2));

    let reopened = Journals::open(dir.clone(), &limits(), |_| Some(3));
    assert_eq!(reopened.since(ORIGIN, 1, 3).map(|p| p.len()), Some(2));
    assert_eq!(reopened.since(ORIGIN, 2, 3).unwrap()[0].added.len(), 1);

    // Served at another serial than the journal ends at: not continued.
    let elsewhere = Journals::open(dir.clone(), &limits(), |_| Some(9));
    assert!(elsewhere.since(ORIGIN, 1, 3).is_none());
    assert!(!file::path(&dir, &Name::from_wire(ORIGIN).unwrap()).exists());

    // A torn file: discarded (an error in the log), never a panic.
    let path = file::path(&dir, &Name::from_wire(ORIGIN).unwrap());
    publish(&reopened, &versions[1], &versions[2]);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let torn = Journals::open(dir.clone(), &limits(), |_| Some(3));
    assert!(torn.since(ORIGIN, 2, 3).is_none());
    assert!(!path.exists(), "the torn file is removed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_removed_zone_or_an_unrelated_first_version_clears_the_journal() {
    let dir = dir("clear");
    let (a, b) = (zone(1, ""), zone(2, "x A 192.0.2.2\n"));
    let journals = Journals::open(dir.clone(), &limits(), |_| None);
    publish(&journals, &a, &b);
    let origin = Name::from_wire(ORIGIN).unwrap();
    // The same version again as a first version (a secondary starting
    // from its copy on disk): the chain continues.
    journals.record(&Change {
        origin: origin.clone(),
        old: None,
        new: Some(Arc::clone(&b)),
    });
    assert!(journals.since(ORIGIN, 1, 2).is_some());
    journals.record(&Change {
        origin,
        old: Some(b),
        new: None,
    });
    assert!(journals.since(ORIGIN, 1, 2).is_none());
    assert!(!file::path(&dir, &Name::from_wire(ORIGIN).unwrap()).exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn journal_file_names_are_safe_for_any_zone_name() {
    let at = |text: &str| {
        let name = Name::from_text(text.as_bytes(), &Name::root()).unwrap();
        file::path(Path::new("/j"), &name)
    };
    assert_eq!(at("Example.COM."), PathBuf::from("/j/example.com.journal"));
    assert_eq!(at("."), PathBuf::from("/j/root.journal"));
    assert_eq!(
        at("a\\/b.example."),
        PathBuf::from("/j/a%2fb.example.journal")
    );
}
