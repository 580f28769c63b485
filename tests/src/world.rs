//! The mini Internet: a root, two TLDs and child zones, each served by
//! its own authdns on 127.N.0.X port 53, with query logs on (to check
//! later what each server was asked). See `tests/data/world/README.md`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use crate::spawn::{Process, authdns, temp_dir, workspace};

/// The servers: (last octet, zone directory, a zone to probe it with).
const SERVERS: &[(u8, &str, &str)] = &[
    (101, "root", "."),
    (102, "internal", "internal."),
    (103, "lab", "lab."),
    (104, "example", "example.internal."),
    (105, "hoster", "hoster.lab."),
    (106, "glueless", "glueless.internal."),
    (107, "lame", "unrelated.lab."),
    (108, "partlame", "partlame.internal."),
];

/// The address where nothing listens (`dead.internal.`'s server).
pub const UNRESPONSIVE: u8 = 109;

/// A running mini Internet; every server stops when it is dropped.
pub struct World {
    net: u8,
    servers: Vec<(u8, Process)>,
    /// The root hints file for this world.
    pub hints: PathBuf,
}

impl World {
    /// Starts world number `net` on 127.`net`.0.X (each test uses its own).
    pub fn start(net: u8) -> Self {
        let dir = temp_dir(&format!("world-{net}"));
        let source = workspace().join("tests/data/world");
        let hints = dir.join("root.hints");
        copy_rewritten(&source.join("root.hints"), &hints, net);
        let mut servers = Vec::new();
        for &(last, name, probe) in SERVERS {
            let zones = dir.join(name);
            std::fs::create_dir_all(&zones).expect("world dir");
            for entry in std::fs::read_dir(source.join(name)).expect("world zones") {
                let path = entry.expect("world zone").path();
                copy_rewritten(
                    &path,
                    &zones.join(path.file_name().expect("a file name")),
                    net,
                );
            }
            let addr = SocketAddr::new(address(net, last), 53);
            servers.push((last, authdns(addr, &zones, "query-log = true\n", probe)));
        }
        Self {
            net,
            servers,
            hints,
        }
    }

    /// The address of server `last` (e.g. 101 for the root).
    pub fn addr(&self, last: u8) -> SocketAddr {
        SocketAddr::new(address(self.net, last), 53)
    }

    /// What server `last` logged, its query log included.
    pub fn log(&self, last: u8) -> String {
        self.servers
            .iter()
            .find(|(l, _)| *l == last)
            .map(|(_, p)| p.log_text())
            .unwrap_or_default()
    }
}

fn address(net: u8, last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, net, 0, last))
}

fn copy_rewritten(from: &Path, to: &Path, net: u8) {
    let text = std::fs::read_to_string(from).expect("world file");
    std::fs::write(to, text.replace("127.0.0.", &format!("127.{net}.0.")))
        .expect("world file copy");
}
