//! Local zones: names answered here, authoritatively (AA), without
//! recursion, from zone-loader snapshots, by the same answer code as
//! authdns. Two sources, one snapshot:
//!
//! - the special-use zones (RFC 6761, RFC 6303, RFC 7686, RFC 8375) with
//!   the contents Unbound gives them: `localhost.` (127.0.0.1 and ::1, for
//!   every name below it too), the loopback reverse zones, and static
//!   zones that answer NXDOMAIN: `test.`, `invalid.`, `onion.`,
//!   `home.arpa.` and the AS112 reverse zones of private and reserved
//!   addresses;
//! - the operator's zone directory (`local-zones`), one `*.zone` file per
//!   zone as for authdns. A configured zone replaces a special-use zone of
//!   the same name. A reload re-reads changed files and publishes the new
//!   snapshot with one atomic swap; a broken file keeps its last good
//!   version.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use authdns::answer::{self, AnswerConfig, Request, Transport};
use authdns::chaos::Chaos;
use authdns::cookies::CookieSecret;
use zone_loader::directory::ZoneDirectory;
use zone_loader::wire::name::Name as WireName;
use zone_loader::zone::Zone;
use zone_loader::{SharedSnapshot, Snapshot};

/// SOA and NS of every special-use zone, as Unbound writes them.
const SPECIAL_APEX: &str = "$TTL 10800\n\
    @ SOA localhost. nobody.invalid. 1 3600 1200 604800 10800\n\
    @ NS localhost.\n";

/// The special-use zones and their records beyond SOA and NS.
fn special_use_zones() -> Vec<(String, &'static str)> {
    let mut zones: Vec<(String, &'static str)> = vec![
        (
            "localhost.".into(),
            "@ A 127.0.0.1\n@ AAAA ::1\n* A 127.0.0.1\n* AAAA ::1\n",
        ),
        ("127.in-addr.arpa.".into(), "1.0.0 PTR localhost.\n"),
        (
            format!("{}ip6.arpa.", "0.".repeat(32).replacen("0.", "1.", 1)),
            "@ PTR localhost.\n",
        ),
        ("home.arpa.".into(), ""),
        ("onion.".into(), ""),
        ("test.".into(), ""),
        ("invalid.".into(), ""),
    ];
    let as112_v4 = ["10", "168.192", "0", "254.169", "2.0.192", "100.51.198"]
        .into_iter()
        .map(String::from)
        .chain(["113.0.203", "255.255.255.255"].map(String::from))
        .chain((16..=31).map(|n| format!("{n}.172")))
        .chain((64..=127).map(|n| format!("{n}.100")));
    zones.extend(as112_v4.map(|z| (format!("{z}.in-addr.arpa."), "")));
    let as112_v6 = [
        "0.".repeat(32),
        "d.f.".into(),
        "8.e.f.".into(),
        "9.e.f.".into(),
        "a.e.f.".into(),
        "b.e.f.".into(),
        "8.b.d.0.1.0.0.2.".into(),
    ];
    zones.extend(as112_v6.map(|z| (format!("{z}ip6.arpa."), "")));
    zones
}

/// Builds the special-use zones.
fn build_special_use() -> Vec<Arc<Zone>> {
    special_use_zones()
        .into_iter()
        .map(|(origin, extra)| {
            let name = WireName::from_text(origin.as_bytes(), &WireName::root())
                .expect("special-use origins are valid names");
            let text = format!("{SPECIAL_APEX}{extra}");
            let (zone, _) = zone_loader::zone_from_str(&text, &name, &origin)
                .expect("special-use zones are valid");
            Arc::new(zone)
        })
        .collect()
}

/// The local zones and how to answer from them.
pub struct LocalZones {
    special_use: Vec<Arc<Zone>>,
    directory: Option<Mutex<ZoneDirectory>>,
    snapshot: SharedSnapshot,
    config: AnswerConfig,
}

impl LocalZones {
    /// The special-use zones (if `special_use`) and the zones of
    /// `directory` (if any), loaded; UDP answers up to `edns_udp_size`.
    pub fn load(
        directory: Option<PathBuf>,
        special_use: bool,
        edns_udp_size: u16,
    ) -> std::io::Result<Self> {
        let local = Self {
            special_use: if special_use {
                build_special_use()
            } else {
                Vec::new()
            },
            directory: directory.map(|d| Mutex::new(ZoneDirectory::new(d))),
            snapshot: ArcSwap::from_pointee(Snapshot::default()),
            config: AnswerConfig {
                edns_udp_size,
                nsid: None,
                chaos: Chaos::default(),
                cookie_secret: CookieSecret::random(),
                expire: Default::default(),
            },
        };
        local.reload()?;
        Ok(local)
    }

    /// Re-reads the zone directory and publishes the result; zones that
    /// fail to load keep their last good version (problems are logged).
    /// An unreadable directory is an error and changes nothing.
    pub fn reload(&self) -> std::io::Result<()> {
        let configured = match &self.directory {
            Some(directory) => {
                let mut directory = directory
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let (snapshot, report) = directory.reload()?;
                authdns::catalog::log_report(&report);
                snapshot.zones().cloned().collect()
            }
            None => Vec::new(),
        };
        // Later zones win: configured ones replace special-use ones.
        let zones = self.special_use.iter().cloned().chain(configured);
        self.snapshot.store(Arc::new(Snapshot::new(zones)));
        Ok(())
    }

    /// How many zones are answered locally.
    pub fn len(&self) -> usize {
        self.snapshot.load().len()
    }

    /// Whether no zone is answered locally.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `qname` (lowercase wire form) is at or below a local zone.
    pub fn covers(&self, qname: &[u8]) -> bool {
        self.snapshot.load().find(qname).is_some()
    }

    /// Answers `msg` from the local zones into `buf` (AA set, RA not).
    /// `None`: nothing to send.
    pub fn answer(&self, msg: &[u8], client: IpAddr, tcp: bool, buf: &mut Vec<u8>) -> Option<()> {
        let request = Request {
            msg,
            transport: if tcp { Transport::Tcp } else { Transport::Udp },
            client,
            now: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX)),
        };
        answer::answer(&self.snapshot.load(), &self.config, &request, buf).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(text: &str) -> Vec<u8> {
        WireName::from_text(text.as_bytes(), &WireName::root())
            .unwrap()
            .as_wire()
            .to_vec()
    }

    #[test]
    fn special_use_names_are_local_and_others_are_not() {
        let local = LocalZones::load(None, true, crate::frontend::EDNS_UDP_SIZE).unwrap();
        assert_eq!(local.len(), 7 + 8 + 16 + 64 + 7);
        for name in [
            "localhost.",
            "foo.localhost.",
            "1.0.0.127.in-addr.arpa.",
            "x.test.",
            "invalid.",
            "a.onion.",
            "printer.home.arpa.",
            "1.1.168.192.in-addr.arpa.",
            "4.3.20.172.in-addr.arpa.",
            "9.9.70.100.in-addr.arpa.",
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
            "0.0.d.f.ip6.arpa.",
        ] {
            assert!(local.covers(&wire(name)), "{name}");
        }
        for name in [
            "example.com.",
            "local.",
            "1.1.1.1.in-addr.arpa.",
            "4.3.32.172.in-addr.arpa.",
            "9.9.128.100.in-addr.arpa.",
            "internal.",
        ] {
            assert!(!local.covers(&wire(name)), "{name}");
        }
        assert!(
            LocalZones::load(None, false, crate::frontend::EDNS_UDP_SIZE)
                .unwrap()
                .is_empty()
        );
    }
}
