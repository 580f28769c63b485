//! Knot DNS, NSD, BIND and Unbound, from Debian packages, started by hand
//! in the foreground with their own configuration on a loopback address
//! (see shared/PEERS.md for the traps).

use std::net::SocketAddr;
use std::path::Path;

use crate::spawn::{Process, temp_dir};

fn require(program: &str) -> std::path::PathBuf {
    let path = Path::new("/usr/sbin").join(program);
    assert!(
        path.exists(),
        "{program} is not installed: run .ci/run, or apt-get install knot nsd bind9 unbound"
    );
    path
}

/// Starts knotd serving `zones` (origin, file) on `addr`.
pub fn knot(addr: SocketAddr, zones: &[(&str, &Path)], probe: &str) -> Process {
    let dir = temp_dir(&format!("knot-{}", addr.ip()));
    let mut conf = format!(
        "server:\n    listen: {}@{}\n    rundir: {dir}\n    user: root\n    identity: \"\"\n    version: \"\"\n    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n\
         database:\n    storage: {dir}\n\
         template:\n  - id: default\n    storage: {dir}\n    semantic-checks: off\n    zonefile-sync: -1\n    zonefile-load: whole\n    journal-content: none\n\
         zone:\n",
        addr.ip(),
        addr.port(),
        dir = dir.display()
    );
    for (origin, file) in zones {
        conf.push_str(&format!(
            "  - domain: {origin}\n    file: {}\n",
            file.display()
        ));
    }
    std::fs::write(dir.join("knot.conf"), conf).expect("knot config");
    let args = vec!["-c".into(), dir.join("knot.conf").display().to_string()];
    Process::start(&require("knotd"), &args, addr, probe, dir.join("log"))
}

/// Starts nsd serving `zones` (origin, file) on `addr`, RRL off.
pub fn nsd(addr: SocketAddr, zones: &[(&str, &Path)], probe: &str) -> Process {
    let dir = temp_dir(&format!("nsd-{}", addr.ip()));
    let d = dir.display();
    let mut conf = format!(
        "server:\n  ip-address: {}@{}\n  username: \"\"\n  database: \"\"\n  zonelistfile: {d}/zone.list\n  pidfile: {d}/nsd.pid\n  \
         xfrdfile: {d}/xfrd.state\n  xfrdir: {d}\n  logfile: {d}/nsd.log\n  server-count: 1\n  rrl-ratelimit: 0\n  rrl-whitelist-ratelimit: 0\n  \
         hide-version: yes\n  hide-identity: yes\n  minimal-responses: yes\n  verbosity: 1\nremote-control:\n  control-enable: no\n",
        addr.ip(),
        addr.port()
    );
    for (origin, file) in zones {
        conf.push_str(&format!(
            "zone:\n  name: {origin}\n  zonefile: {}\n",
            file.display()
        ));
    }
    std::fs::write(dir.join("nsd.conf"), conf).expect("nsd config");
    let args = vec![
        "-d".into(),
        "-c".into(),
        dir.join("nsd.conf").display().to_string(),
    ];
    Process::start(&require("nsd"), &args, addr, probe, dir.join("log"))
}

/// Starts BIND 9 (`named`) serving `zones` (origin, file) on 127.0.0.1 at
/// `port`: it listens only on addresses configured on an interface, and
/// 127.0.0.x other than 127.0.0.1 is not. No recursion, no control
/// channel, no NOTIFY; names like `a\.b` load (`check-names ignore`);
/// `minimal-responses no-auth` leaves the NS out of the authority section
/// of answers, as Knot DNS and NSD do, and keeps additional addresses.
pub fn bind(port: u16, zones: &[(&str, &Path)], probe: &str) -> Process {
    let mut rest = String::new();
    for (origin, file) in zones {
        rest.push_str(&format!(
            "zone \"{origin}\" {{ type primary; file \"{}\"; }};\n",
            file.display()
        ));
    }
    named(
        &format!("bind-{port}"),
        port,
        "notify no;\n  check-names primary ignore;\n  minimal-responses no-auth;\n  \
         version none;\n  hostname none;\n  server-id none;",
        &rest,
        probe,
    )
}

/// Starts BIND 9 (`named`) on 127.0.0.1 at `port`, in a fresh directory
/// named after `name`, as an authoritative server (no recursion, no
/// validation, no control channel): `options` are added to its options
/// block (statements separated by newlines), `rest` follows it (keys,
/// servers, zones). It is ready once it answers `probe`.
pub fn named(name: &str, port: u16, options: &str, rest: &str, probe: &str) -> Process {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let dir = temp_dir(name);
    let d = dir.display();
    let conf = format!(
        "options {{\n  directory \"{d}\";\n  pid-file \"{d}/named.pid\";\n  \
         session-keyfile \"{d}/session.key\";\n  managed-keys-directory \"{d}\";\n  \
         listen-on port {port} {{ 127.0.0.1; }};\n  listen-on-v6 {{ none; }};\n  \
         recursion no;\n  dnssec-validation no;\n  {options}\n}};\ncontrols {{ }};\n{rest}"
    );
    std::fs::write(dir.join("named.conf"), conf).expect("named config");
    let args = vec![
        "-g".into(),
        "-n".into(),
        "1".into(),
        "-c".into(),
        dir.join("named.conf").display().to_string(),
    ];
    Process::start(&require("named"), &args, addr, probe, dir.join("log"))
}

/// Starts Unbound on `addr` as a plain iterating resolver (no DNSSEC
/// validation module) from the root in `hints`, allowed to ask servers on
/// loopback, with caches large enough that nothing is evicted.
pub fn unbound(addr: SocketAddr, hints: &Path) -> Process {
    unbound_with(addr, hints, "")
}

/// [`unbound`] with more `server:` lines (each indented two spaces).
pub fn unbound_with(addr: SocketAddr, hints: &Path, extra: &str) -> Process {
    let dir = temp_dir(&format!("unbound-{}", addr.ip()));
    let d = dir.display();
    let conf = format!(
        "server:\n  interface: {ip}@{port}\n  port: {port}\n  do-not-query-localhost: no\n  \
         root-hints: \"{hints}\"\n  username: \"\"\n  chroot: \"\"\n  directory: \"{d}\"\n  \
         pidfile: \"{d}/unbound.pid\"\n  use-syslog: no\n  logfile: \"\"\n  verbosity: 0\n  \
         num-threads: 1\n  access-control: 127.0.0.0/8 allow\n  module-config: \"iterator\"\n  \
         msg-cache-size: 64m\n  rrset-cache-size: 64m\n  qname-minimisation: yes\n  do-ip6: no\n\
         {extra}remote-control:\n  control-enable: no\n",
        ip = addr.ip(),
        port = addr.port(),
        hints = hints.display(),
    );
    std::fs::write(dir.join("unbound.conf"), conf).expect("unbound config");
    let args = vec![
        "-d".into(),
        "-c".into(),
        dir.join("unbound.conf").display().to_string(),
    ];
    Process::start(&require("unbound"), &args, addr, ".", dir.join("log"))
}
