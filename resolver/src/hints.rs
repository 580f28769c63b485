//! Root hints: where iteration starts when the cache knows no closer
//! delegation (RFC 1034 5.3.3 "SBELT").
//!
//! A hints file is the usual `named.root` zone-file text: NS records at
//! the root and A/AAAA records for their names. It is read with
//! zone-loader's parser, so its errors name file:line:col. With no file,
//! the IANA root servers are built in.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use zone_loader::parse::{ParsedRecord, Parser};
use zone_loader::problem::{ProblemKind, Problems};
use zone_loader::rtype::code;
use zone_loader::wire::name::{Name, write_presentation};

/// The IANA root servers (named.root of 2023-11, when b.root-servers.net renumbered).
pub const IANA_ROOT_HINTS: &str = "\
.                        3600000      NS    A.ROOT-SERVERS.NET.
A.ROOT-SERVERS.NET.      3600000      A     198.41.0.4
A.ROOT-SERVERS.NET.      3600000      AAAA  2001:503:ba3e::2:30
.                        3600000      NS    B.ROOT-SERVERS.NET.
B.ROOT-SERVERS.NET.      3600000      A     170.247.170.2
B.ROOT-SERVERS.NET.      3600000      AAAA  2801:1b8:10::b
.                        3600000      NS    C.ROOT-SERVERS.NET.
C.ROOT-SERVERS.NET.      3600000      A     192.33.4.12
C.ROOT-SERVERS.NET.      3600000      AAAA  2001:500:2::c
.                        3600000      NS    D.ROOT-SERVERS.NET.
D.ROOT-SERVERS.NET.      3600000      A     199.7.91.13
D.ROOT-SERVERS.NET.      3600000      AAAA  2001:500:2d::d
.                        3600000      NS    E.ROOT-SERVERS.NET.
E.ROOT-SERVERS.NET.      3600000      A     192.203.230.10
E.ROOT-SERVERS.NET.      3600000      AAAA  2001:500:a8::e
.                        3600000      NS    F.ROOT-SERVERS.NET.
F.ROOT-SERVERS.NET.      3600000      A     192.5.5.241
F.ROOT-SERVERS.NET.      3600000      AAAA  2001:500:2f::f
.                        3600000      NS    G.ROOT-SERVERS.NET.
G.ROOT-SERVERS.NET.      3600000      A     192.112.36.4
G.ROOT-SERVERS.NET.      3600000      AAAA  2001:500:12::d0d
.                        3600000      NS    H.ROOT-SERVERS.NET.
H.ROOT-SERVERS.NET.      3600000      A     198.97.190.53
H.ROOT-SERVERS.NET.      3600000      AAAA  2001:500:1::53
.                        3600000      NS    I.ROOT-SERVERS.NET.
I.ROOT-SERVERS.NET.      3600000      A     192.36.148.17
I.ROOT-SERVERS.NET.      3600000      AAAA  2001:7fe::53
.                        3600000      NS    J.ROOT-SERVERS.NET.
J.ROOT-SERVERS.NET.      3600000      A     192.58.128.30
J.ROOT-SERVERS.NET.      3600000      AAAA  2001:503:c27::2:30
.                        3600000      NS    K.ROOT-SERVERS.NET.
K.ROOT-SERVERS.NET.      3600000      A     193.0.14.129
K.ROOT-SERVERS.NET.      3600000      AAAA  2001:7fd::1
.                        3600000      NS    L.ROOT-SERVERS.NET.
L.ROOT-SERVERS.NET.      3600000      A     199.7.83.42
L.ROOT-SERVERS.NET.      3600000      AAAA  2001:500:9f::42
.                        3600000      NS    M.ROOT-SERVERS.NET.
M.ROOT-SERVERS.NET.      3600000      A     202.12.27.33
M.ROOT-SERVERS.NET.      3600000      AAAA  2001:dc3::35
";

/// The address in A (4 octets) or AAAA (16 octets) rdata.
fn wire_address(rdata: &[u8]) -> Option<IpAddr> {
    <[u8; 4]>::try_from(rdata)
        .map(IpAddr::from)
        .or_else(|_| <[u8; 16]>::try_from(rdata).map(IpAddr::from))
        .ok()
}

/// Where hints come from.
enum Source<'a> {
    File(&'a Path),
    Text(&'a [u8]),
}

/// A root server: its name and addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootServer {
    /// The server's name (lowercase wire form).
    pub name: Name,
    /// Its IPv4 and IPv6 addresses.
    pub addresses: Vec<IpAddr>,
}

/// The root servers to start from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootHints {
    /// In the order the file names them.
    pub servers: Vec<RootServer>,
}

impl RootHints {
    /// The built-in IANA root servers.
    pub fn iana() -> Self {
        Self::parse(
            IANA_ROOT_HINTS.as_bytes(),
            Path::new("<built-in root hints>"),
        )
        .expect("the built-in root hints are valid")
    }

    /// Reads a hints file (a regular file; errors name file:line:col).
    pub fn load(path: &Path) -> Result<Self, Problems> {
        Self::read(Source::File(path), path)
    }

    /// Parses hints text: NS records at the root, A/AAAA for their names.
    /// Other records are ignored, as BIND and Unbound ignore them.
    pub fn parse(text: &[u8], file: &Path) -> Result<Self, Problems> {
        Self::read(Source::Text(text), file)
    }

    fn read(source: Source<'_>, file: &Path) -> Result<Self, Problems> {
        let mut names: Vec<(Name, u32)> = Vec::new();
        let mut addresses: Vec<(Name, IpAddr)> = Vec::new();
        let mut sink = |record: ParsedRecord<'_>, problems: &mut Problems| match record.rtype {
            code::NS if record.owner.is_root() => match Name::from_wire(record.rdata) {
                Ok(name) => names.push((name.to_lowercase(), record.line)),
                Err(e) => problems.error(record.file, record.line, 0, ProblemKind::BadOwner(e)),
            },
            code::A | code::AAAA => {
                if let Some(address) = wire_address(record.rdata) {
                    addresses.push((record.owner.to_lowercase(), address));
                }
            }
            _ => {}
        };
        let mut parser = Parser::new(&mut sink);
        match source {
            Source::File(path) => parser.parse_file(path, &Name::root()),
            Source::Text(text) => parser.parse_bytes(text, file, &Name::root()),
        }
        let mut problems = parser.problems;
        let file: Arc<Path> = Arc::from(file);
        if names.is_empty() {
            problems.error(&file, 0, 0, ProblemKind::NoApexNs);
        }
        let mut servers = Vec::new();
        for (name, line) in names {
            let found: Vec<IpAddr> = addresses
                .iter()
                .filter(|(n, _)| *n == name)
                .map(|(_, a)| *a)
                .collect();
            if found.is_empty() {
                let mut text = String::new();
                let _ = write_presentation(name.as_wire(), &mut text);
                problems.error(&file, line, 0, ProblemKind::NsWithoutGlue(text));
            }
            servers.push(RootServer {
                name,
                addresses: found,
            });
        }
        if problems.errors() > 0 {
            return Err(problems);
        }
        Ok(Self { servers })
    }

    /// Every address of every server.
    pub fn addresses(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.servers
            .iter()
            .flat_map(|s| s.addresses.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_iana_hints_are_built_in() {
        let hints = RootHints::iana();
        assert_eq!(hints.servers.len(), 13);
        assert_eq!(hints.addresses().filter(IpAddr::is_ipv4).count(), 13);
        assert_eq!(hints.addresses().filter(IpAddr::is_ipv6).count(), 13);
        assert_eq!(hints.servers[0].name.to_string(), "a.root-servers.net.");
        assert_eq!(
            hints.servers[0].addresses[0],
            "198.41.0.4".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn a_private_root_from_a_named_root_file() {
        let text = b"; private root\n.  3600000 NS a.root.internal.\na.root.internal. 3600000 A 127.0.0.101\n";
        let hints = RootHints::parse(text, Path::new("root.hints")).unwrap();
        assert_eq!(
            hints.addresses().collect::<Vec<_>>(),
            ["127.0.0.101".parse::<IpAddr>().unwrap()]
        );
    }

    #[test]
    fn bad_hints_name_file_and_line() {
        let problems =
            RootHints::parse(b".  3600000 NS a.root.internal.\n", Path::new("root.hints"))
                .unwrap_err();
        assert_eq!(
            problems.list[0].to_string(),
            "root.hints:1: error: NS target a.root.internal. has no A or AAAA records"
        );
        let problems =
            RootHints::parse(b"a.root. 60 A 1.2.3\n", Path::new("root.hints")).unwrap_err();
        assert!(
            problems.list[0]
                .to_string()
                .starts_with("root.hints:1:14: error: invalid IPv4 address")
        );
        assert!(RootHints::load(Path::new("/nonexistent/root.hints")).is_err());
        let device = RootHints::load(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(
            device.list[0].kind,
            ProblemKind::NotAFile,
            "a device is refused, not read forever"
        );
    }
}
