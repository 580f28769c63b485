use std::path::{Path, PathBuf};
use std::sync::Arc;

use zone_loader::{Name, Zone, zone_from_str};

use super::*;

fn zone_text(serial: u32, address: &str) -> String {
    format!("$TTL 60\n@ SOA ns hm {serial} 2 3 4 5\n@ NS ns\nns A {address}\n")
}

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("authdns-catalog-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const ORIGIN: &[u8] = b"\x07example\x00";

fn served_serial(catalog: &Catalog) -> Option<u32> {
    catalog.shared().load().get(ORIGIN).map(|z| z.serial())
}

fn write(dir: &Path, text: &str) {
    // A different length makes the change visible even within one mtime tick.
    std::fs::write(dir.join("example.zone"), text).unwrap();
}

fn transferred(serial: u32) -> Arc<Zone> {
    let origin = Name::from_wire(ORIGIN).unwrap();
    let (zone, _) = zone_from_str(&zone_text(serial, "192.0.2.9"), &origin, "xfr").unwrap();
    Arc::new(zone)
}

#[test]
fn a_reload_publishes_a_newer_serial_and_refuses_an_older_one() {
    let dir = dir("serials");
    write(&dir, &zone_text(10, "192.0.2.1"));
    let (mut catalog, report) = Catalog::load(&dir).unwrap();
    assert_eq!(report.loaded.len(), 1);
    assert_eq!(served_serial(&catalog), Some(10));

    write(&dir, &zone_text(11, "192.0.2.22"));
    let reload = catalog.reload().unwrap();
    assert_eq!(reload.changes.len(), 1);
    let change = &reload.changes[0];
    assert_eq!(change.old.as_ref().map(|z| z.serial()), Some(10));
    assert_eq!(change.new.as_ref().map(|z| z.serial()), Some(11));
    assert_eq!(served_serial(&catalog), Some(11));

    // The same serial with other data: refused, 11 keeps serving.
    write(&dir, &zone_text(11, "192.0.2.133"));
    let reload = catalog.reload().unwrap();
    assert!(reload.changes.is_empty());
    assert_eq!(
        reload.refused[0].1,
        Refused::SerialNotNewer {
            served: 11,
            offered: 11
        }
    );
    assert_eq!(served_serial(&catalog), Some(11));

    // A later reload of another, unchanged state does not bring the refused
    // version back; a newer serial is published again.
    assert!(catalog.reload().unwrap().changes.is_empty());
    assert_eq!(served_serial(&catalog), Some(11));
    write(&dir, &zone_text(12, "192.0.2.1"));
    assert_eq!(catalog.reload().unwrap().changes.len(), 1);
    assert_eq!(served_serial(&catalog), Some(12));

    std::fs::remove_file(dir.join("example.zone")).unwrap();
    let reload = catalog.reload().unwrap();
    assert!(reload.changes[0].new.is_none());
    assert_eq!(served_serial(&catalog), None);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn transferred_zones_need_a_newer_serial_and_can_be_withdrawn() {
    let dir = dir("transferred");
    write(&dir, &zone_text(5, "192.0.2.1"));
    let (mut catalog, _) = Catalog::load(&dir).unwrap();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    catalog.on_publish(Box::new(move |change: &Change| {
        let serial = |z: &Option<Arc<Zone>>| z.as_ref().map(|z| z.serial());
        log.lock()
            .unwrap()
            .push((serial(&change.old), serial(&change.new)));
    }));

    let change = catalog.install(transferred(6)).unwrap();
    assert_eq!(change.old.map(|z| z.serial()), Some(5));
    assert_eq!(served_serial(&catalog), Some(6));
    assert_eq!(
        catalog.install(transferred(6)).unwrap_err(),
        Refused::SerialNotNewer {
            served: 6,
            offered: 6
        }
    );
    // 2^31 + 6 is not newer than 6 (RFC 1982 leaves it undefined).
    assert!(catalog.install(transferred(6 + (1 << 31))).is_err());
    assert!(catalog.install(transferred(7)).is_ok());
    // A file edited beneath the transferred version is kept, not published.
    write(&dir, &zone_text(8, "192.0.2.19"));
    assert!(catalog.reload().unwrap().changes.is_empty());
    assert_eq!(served_serial(&catalog), Some(7));

    let change = catalog.withdraw(ORIGIN).unwrap();
    assert_eq!(
        change.new.map(|z| z.serial()),
        Some(8),
        "the file serves again, as last read"
    );
    assert_eq!(served_serial(&catalog), Some(8));
    assert!(catalog.withdraw(ORIGIN).is_none());
    assert_eq!(
        *seen.lock().unwrap(),
        [(Some(5), Some(6)), (Some(6), Some(7)), (Some(7), Some(8))],
        "observers see every published change, and only those"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unchanged_file_is_no_error_and_increment_numbers_changed_versions() {
    let dir = dir("policy");
    write(&dir, &zone_text(10, "192.0.2.1"));
    let (mut catalog, _) = Catalog::load(&dir).unwrap();
    let published = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&published);
    catalog.on_publish(Box::new(move |c: &Change| {
        seen.lock()
            .unwrap()
            .push(c.new.as_ref().map(|z| z.serial()));
    }));

    // Saved again with the same data and serial (and a lower serial): no
    // error, nothing published.
    write(&dir, &format!("{}\n", zone_text(10, "192.0.2.1")));
    let reload = catalog.reload().unwrap();
    assert_eq!((reload.unchanged.len(), reload.refused.len()), (1, 0));
    write(&dir, &zone_text(9, "192.0.2.1"));
    assert_eq!(catalog.reload().unwrap().unchanged.len(), 1);
    assert!(published.lock().unwrap().is_empty());

    // Changed without a newer serial: refused by default...
    write(&dir, &zone_text(10, "192.0.2.77"));
    assert_eq!(catalog.reload().unwrap().refused.len(), 1);
    // ...numbered by authdns with serial-policy "increment".
    catalog.set_serial_policy(ORIGIN, SerialPolicy::Increment);
    write(&dir, &zone_text(10, "192.0.2.78"));
    let reload = catalog.reload().unwrap();
    assert_eq!(reload.incremented.len(), 1);
    assert_eq!(served_serial(&catalog), Some(11));
    let served = catalog.served(ORIGIN).unwrap();
    let soa = served.records(served.soa()).next().unwrap();
    assert_eq!(soa[soa.len() - 20..soa.len() - 16], 11u32.to_be_bytes());
    // A newer serial in the file is taken as it is.
    write(&dir, &zone_text(20, "192.0.2.79"));
    catalog.reload().unwrap();
    assert_eq!(served_serial(&catalog), Some(20));
    assert_eq!(*published.lock().unwrap(), [Some(11), Some(20)]);
    // Renumbered at start (the journal was ahead of the file).
    let change = catalog.renumber(ORIGIN, 30).unwrap();
    assert_eq!(change.old.map(|z| z.serial()), Some(20));
    assert_eq!(served_serial(&catalog), Some(30));
    assert!(catalog.renumber(b"\x05other\x00", 1).is_none());
    // The file's next version is numbered after the renumbered one.
    write(&dir, &zone_text(21, "192.0.2.80"));
    catalog.reload().unwrap();
    assert_eq!(served_serial(&catalog), Some(31));
    std::fs::remove_dir_all(&dir).unwrap();
}
