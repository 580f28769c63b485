//! Configuration: a TOML file and command-line flags, read once into a
//! validated [`Config`] (flags override the file).
//!
//! Every key is optional; see the README for the whole file.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::answer::AnswerConfig;
use crate::catalog::SerialPolicy;
use crate::chaos::Chaos;
use crate::cookies::CookieSecret;
use crate::edns::MAX_NSID_LEN;
use crate::journal;
use crate::listen::tcp::TcpLimits;
use crate::querylog::QueryLog;
use crate::secondary::{Limits, Secondaries, SecondaryZone};
use crate::transfer::acl::Network;
use crate::transfer::{Transfers, ZoneTransfer};
use crate::tsig::{Algorithm, Key, KeyRing};
use zone_loader::Name;

/// Where the server listens when nothing is configured.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:5300";
/// The zone directory when nothing is configured (the repository's examples).
pub const DEFAULT_ZONES: &str = "examples/zones";
/// EDNS UDP payload size: 1232 avoids IP fragmentation (DNS Flag Day 2020).
pub const DEFAULT_EDNS_UDP_SIZE: u16 = 1232;
/// UDP responses a second per client network and response kind.
pub const DEFAULT_RATE_LIMIT: u32 = 20;
/// One limited response in this many is sent truncated.
pub const DEFAULT_RATE_LIMIT_SLIP: u32 = 2;

/// Simultaneous TCP connections, over every listen address.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Simultaneous TCP connections from one client.
pub const DEFAULT_MAX_CONNECTIONS_PER_CLIENT: usize = 64;

/// The configuration file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    /// Addresses to listen on (UDP and TCP).
    pub listen: Option<Vec<SocketAddr>>,
    /// The zone directory.
    pub zones: Option<PathBuf>,
    /// Where authdns keeps what it writes: journals and transferred zones
    /// (default: `.authdns` in the zone directory).
    pub state_dir: Option<PathBuf>,
    /// UDP worker threads per address; 0 means one per CPU.
    pub udp_workers: Option<usize>,
    /// Our EDNS UDP payload size (512 to 4096).
    pub edns_udp_size: Option<u16>,
    /// Seconds between checks for changed zone files; 0 turns watching off.
    pub watch_interval: Option<u64>,
    /// tracing filter, e.g. "info" or "authdns=debug".
    pub log_level: Option<String>,
    /// NSID (RFC 5001): text, or `hex:` and hexadecimal digits.
    pub nsid: Option<String>,
    /// The CHAOS `id.server.` / `hostname.bind.` answer.
    pub identity: Option<String>,
    /// The CHAOS `version.server.` / `version.bind.` answer.
    pub version: Option<String>,
    /// Server cookie secret: 32 hexadecimal digits (default: random per start).
    pub cookie_secret: Option<String>,
    /// Log one line per answered query (default off).
    pub query_log: Option<bool>,
    /// Put the client address in query-log lines (default off).
    pub query_log_clients: Option<bool>,
    /// TCP settings.
    pub tcp: Option<RawTcp>,
    /// UDP responses a second per client network and response kind
    /// (response rate limiting); 0 turns it off (default 20).
    pub rate_limit: Option<u32>,
    /// Past the rate, one response in this many is sent truncated, the
    /// rest dropped; 0 drops them all (default 2).
    pub rate_limit_slip: Option<u32>,
    /// TSIG keys (`[[key]]`).
    pub key: Option<Vec<RawKey>>,
    /// Per-zone settings (`[[zone]]`).
    pub zone: Option<Vec<RawZone>>,
    /// The address NOTIFY messages are sent from (default: chosen by the
    /// system), so that secondaries see the primary's own address.
    pub notify_source: Option<std::net::IpAddr>,
    /// Bounds on transfers in (`[transfer-in]`).
    pub transfer_in: Option<RawTransferIn>,
}

/// The `[transfer-in]` table: bounds on what a primary may send.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawTransferIn {
    /// Most records in one transfer (default 10 million).
    pub max_records: Option<usize>,
    /// Most octets in one transfer (default 2 GiB).
    pub max_bytes: Option<usize>,
    /// Seconds one whole transfer may take (default 600).
    pub timeout: Option<u64>,
    /// Seconds to wait for each message, and to connect (default 10).
    pub message_timeout: Option<u64>,
    /// The address connections to primaries come from.
    pub source: Option<std::net::IpAddr>,
}

/// A `[[key]]` table. Its `Debug` leaves the secret out.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawKey {
    /// The key's name, e.g. `xfr.example.`.
    pub name: String,
    /// hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha224 or hmac-sha1.
    pub algorithm: String,
    /// The secret, base64.
    pub secret: String,
}

impl std::fmt::Debug for RawKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RawKey({} {})", self.name, self.algorithm)
    }
}

/// A `[[zone]]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawZone {
    /// The zone's name.
    pub name: String,
    /// Networks that may transfer the zone (default: nobody).
    pub allow_transfer: Option<Vec<String>>,
    /// The key transfers must be signed with.
    pub transfer_key: Option<String>,
    /// Secondaries to NOTIFY on every new serial (RFC 1996), `ip:port`.
    pub notify: Option<Vec<SocketAddr>>,
    /// Bound of the zone's journal in octets (default 1 MiB).
    pub journal_size: Option<usize>,
    /// "strict" (default) or "increment": what a reloaded zone file
    /// that changed without a newer serial gets.
    pub serial_policy: Option<String>,
    /// Primaries of a secondary zone, `ip:port` (or `ip`, port 53).
    pub primaries: Option<Vec<String>>,
}

/// The `[tcp]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawTcp {
    /// Seconds a connection may stay idle (RFC 7766 6.2.3).
    pub idle_timeout: Option<u64>,
    /// Most simultaneous TCP connections, over every listen address.
    pub max_connections: Option<usize>,
    /// Most simultaneous TCP connections from one client (IPv4 address,
    /// IPv6 /64); 0: no per-client bound.
    pub max_connections_per_client: Option<usize>,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Addresses served, UDP and TCP.
    pub listen: Vec<SocketAddr>,
    /// The zone directory.
    pub zones: PathBuf,
    /// The state directory, if set; see [`Config::state_dir`].
    pub state_dir: Option<PathBuf>,
    /// UDP workers per address.
    pub udp_workers: usize,
    /// TCP limits.
    pub tcp: TcpLimits,
    /// Interval of the zone-file watch, if on.
    pub watch: Option<Duration>,
    /// The log filter.
    pub log_level: String,
    /// The query log.
    pub query_log: QueryLog,
    /// What answers depend on.
    pub answer: AnswerConfig,
    /// Response rate limiting: (responses a second, slip), if on.
    pub rate_limit: Option<(u32, u32)>,
    /// Zone transfers: keys and who may transfer what.
    pub transfers: Transfers,
    /// Journal, serial policy and NOTIFY of each `[[zone]]`, by lowercase
    /// wire origin.
    pub zone_settings: HashMap<Box<[u8]>, ZoneSettings>,
    /// The address NOTIFY messages are sent from, if set.
    pub notify_source: Option<std::net::IpAddr>,
    /// Zones pulled from primaries.
    pub secondaries: Secondaries,
}

/// What a `[[zone]]` sets beyond who may transfer it.
#[derive(Debug, Clone)]
pub struct ZoneSettings {
    /// Secondaries to NOTIFY on every new serial.
    pub notify: Vec<SocketAddr>,
    /// The journal's bound in octets.
    pub journal_size: usize,
    /// What a changed zone file without a newer serial gets.
    pub serial_policy: SerialPolicy,
}

impl Config {
    /// Where journals and transferred zones are kept: `state-dir`, or
    /// `.authdns` in the zone directory (zone files there are `*.zone`
    /// files only, so it is never read as a zone).
    pub fn state_dir(&self) -> PathBuf {
        self.state_dir
            .clone()
            .unwrap_or_else(|| self.zones.join(".authdns"))
    }
}

impl RawConfig {
    /// Reads a TOML file.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Self::from_toml(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses TOML text.
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        Ok(toml::from_str(text)?)
    }

    /// Validates and fills in defaults.
    pub fn validate(self) -> anyhow::Result<Config> {
        let listen = match self.listen {
            Some(list) if list.is_empty() => bail!("listen: give at least one address"),
            Some(list) => list,
            None => vec![DEFAULT_LISTEN.parse().expect("the default address parses")],
        };
        let edns_udp_size = self.edns_udp_size.unwrap_or(DEFAULT_EDNS_UDP_SIZE);
        if !(512..=4096).contains(&edns_udp_size) {
            bail!("edns-udp-size must be between 512 and 4096");
        }
        let nsid = self.nsid.map(|text| parse_nsid(&text)).transpose()?;
        let cookie_secret = match self.cookie_secret {
            Some(hex) => CookieSecret::from_hex(&hex)
                .context("cookie-secret must be 32 hexadecimal digits")?,
            None => CookieSecret::random(),
        };
        let tcp = self.tcp.unwrap_or_default();
        let tcp = TcpLimits {
            idle_timeout: Duration::from_secs(tcp.idle_timeout.unwrap_or(10)),
            max_connections: tcp.max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS),
            max_connections_per_client: tcp
                .max_connections_per_client
                .unwrap_or(DEFAULT_MAX_CONNECTIONS_PER_CLIENT),
        };
        if tcp.max_connections == 0 {
            bail!("tcp.max-connections must be at least 1");
        }
        let udp_workers = match self.udp_workers.unwrap_or(0) {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let rate_limit = match self.rate_limit.unwrap_or(DEFAULT_RATE_LIMIT) {
            0 => None,
            rate => Some((
                rate,
                self.rate_limit_slip.unwrap_or(DEFAULT_RATE_LIMIT_SLIP),
            )),
        };
        let limits = transfer_in_limits(self.transfer_in.unwrap_or_default())?;
        let raw_zones = self.zone.unwrap_or_default();
        let zone_settings = zone_settings(&raw_zones)?;
        let (transfers, secondaries) = transfers(self.key.unwrap_or_default(), raw_zones)?;
        let secondaries = Secondaries::new(secondaries, limits);
        let expire = secondaries.clocks.clone();
        Ok(Config {
            transfers,
            zone_settings,
            notify_source: self.notify_source,
            secondaries,
            rate_limit,
            listen,
            zones: self.zones.unwrap_or_else(|| PathBuf::from(DEFAULT_ZONES)),
            state_dir: self.state_dir,
            udp_workers,
            tcp,
            watch: self
                .watch_interval
                .filter(|&s| s > 0)
                .map(Duration::from_secs),
            log_level: self.log_level.unwrap_or_else(|| "info".to_owned()),
            query_log: QueryLog {
                enabled: self.query_log.unwrap_or(false),
                clients: self.query_log_clients.unwrap_or(false),
            },
            answer: AnswerConfig {
                edns_udp_size,
                nsid,
                chaos: Chaos {
                    identity: self.identity,
                    version: self.version,
                },
                cookie_secret,
                expire,
            },
        })
    }
}

fn transfer_in_limits(raw: RawTransferIn) -> anyhow::Result<Limits> {
    let defaults = Limits::default();
    let message = raw
        .message_timeout
        .map_or(defaults.message, Duration::from_secs);
    let limits = Limits {
        connect: message,
        message,
        transfer: raw.timeout.map_or(defaults.transfer, Duration::from_secs),
        max_records: raw.max_records.unwrap_or(defaults.max_records),
        max_bytes: raw.max_bytes.unwrap_or(defaults.max_bytes),
        source: raw.source,
    };
    if limits.message.is_zero() || limits.transfer.is_zero() {
        bail!("transfer-in: timeouts must be at least 1 second");
    }
    Ok(limits)
}

/// A primary's address: `ip:port`, or `ip` for port 53.
fn parse_primary(text: &str) -> anyhow::Result<SocketAddr> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let ip: std::net::IpAddr = text
        .parse()
        .with_context(|| format!("{text:?} is not an address (ip:port)"))?;
    Ok(SocketAddr::new(ip, 53))
}

fn transfers(
    raw_keys: Vec<RawKey>,
    raw_zones: Vec<RawZone>,
) -> anyhow::Result<(Transfers, Vec<SecondaryZone>)> {
    let mut keys: Vec<Arc<Key>> = Vec::new();
    for raw in raw_keys {
        let name = parse_name(&raw.name).with_context(|| format!("key {:?}", raw.name))?;
        let algorithm = Algorithm::from_name(&raw.algorithm).with_context(|| {
            format!(
                "key {}: unknown algorithm {:?} (hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha224, hmac-sha1)",
                raw.name, raw.algorithm
            )
        })?;
        let secret = data_encoding::BASE64
            .decode(raw.secret.trim().as_bytes())
            .ok()
            .filter(|s| !s.is_empty())
            .with_context(|| format!("key {}: the secret is not base64", raw.name))?;
        let key = Key::new(&name, algorithm, secret);
        if keys.iter().any(|k| k.name() == key.name()) {
            bail!("key {}: defined twice", raw.name);
        }
        keys.push(Arc::new(key));
    }
    let mut zones = HashMap::new();
    let mut secondaries = Vec::new();
    for raw in raw_zones {
        let origin = parse_name(&raw.name).with_context(|| format!("zone {:?}", raw.name))?;
        let key = match &raw.transfer_key {
            Some(wanted) => {
                let wanted = parse_name(wanted)
                    .with_context(|| format!("zone {}: transfer-key", raw.name))?;
                let key = keys.iter().find(|k| k.name() == &wanted);
                Some(Arc::clone(key.with_context(|| {
                    format!("zone {}: transfer-key {wanted} is not a [[key]]", raw.name)
                })?))
            }
            None => None,
        };
        let allow = raw
            .allow_transfer
            .unwrap_or_default()
            .iter()
            .map(|text| text.parse::<Network>())
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("zone {}: allow-transfer", raw.name))?;
        if let Some(primaries) = &raw.primaries {
            let primaries = primaries
                .iter()
                .map(|text| parse_primary(text))
                .collect::<anyhow::Result<Vec<_>>>()
                .with_context(|| format!("zone {}: primaries", raw.name))?;
            if primaries.is_empty() {
                bail!("zone {}: primaries: give at least one address", raw.name);
            }
            secondaries.push(SecondaryZone {
                origin: origin.clone(),
                primaries,
                key: key.clone(),
            });
        }
        let origin: Box<[u8]> = origin.as_wire().into();
        if zones.insert(origin, ZoneTransfer { allow, key }).is_some() {
            bail!("zone {}: listed twice", raw.name);
        }
    }
    Ok((Transfers::new(KeyRing::new(keys), zones), secondaries))
}

fn zone_settings(raw_zones: &[RawZone]) -> anyhow::Result<HashMap<Box<[u8]>, ZoneSettings>> {
    let mut settings = HashMap::new();
    for raw in raw_zones {
        let origin = parse_name(&raw.name).with_context(|| format!("zone {:?}", raw.name))?;
        let serial_policy = match raw.serial_policy.as_deref() {
            None | Some("strict") => SerialPolicy::Strict,
            Some("increment") => SerialPolicy::Increment,
            Some(other) => bail!(
                "zone {}: serial-policy {other:?} is not \"strict\" or \"increment\"",
                raw.name
            ),
        };
        let journal_size = raw.journal_size.unwrap_or(journal::DEFAULT_SIZE);
        if journal_size == 0 {
            bail!("zone {}: journal-size must be at least 1", raw.name);
        }
        let zone = ZoneSettings {
            notify: raw.notify.clone().unwrap_or_default(),
            journal_size,
            serial_policy,
        };
        settings.insert(origin.as_wire().into(), zone);
    }
    Ok(settings)
}

/// A domain name, absolute or relative to the root, lowercased.
fn parse_name(text: &str) -> anyhow::Result<Name> {
    let name = Name::from_text(text.as_bytes(), &Name::root())
        .map_err(|e| anyhow::anyhow!("not a domain name: {e:?}"))?;
    Ok(name.to_lowercase())
}

fn parse_nsid(text: &str) -> anyhow::Result<Vec<u8>> {
    let bytes = match text.strip_prefix("hex:") {
        Some(hex) => data_encoding::HEXLOWER_PERMISSIVE
            .decode(hex.as_bytes())
            .context("nsid: invalid hexadecimal")?,
        None => text.as_bytes().to_vec(),
    };
    if bytes.is_empty() || bytes.len() > MAX_NSID_LEN {
        bail!("nsid must be 1 to {MAX_NSID_LEN} octets");
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_validates() {
        let raw = RawConfig::from_toml(
            r#"
            listen = ["127.0.0.1:5300", "[::1]:5300"]
            zones = "/srv/zones"
            udp-workers = 2
            edns-udp-size = 1400
            watch-interval = 5
            nsid = "hex:6e7331"
            identity = "ns1.example"
            version = "authdns"
            cookie-secret = "000102030405060708090a0b0c0d0e0f"
            query-log = true
            [tcp]
            idle-timeout = 3
            max-connections = 10
            max-connections-per-client = 3
            "#,
        )
        .unwrap();
        let config = raw.validate().unwrap();
        assert_eq!(config.listen.len(), 2);
        assert_eq!(config.answer.nsid.as_deref(), Some(&b"ns1"[..]));
        assert_eq!(config.watch, Some(Duration::from_secs(5)));
        assert_eq!(config.tcp.max_connections, 10);
        assert_eq!(config.tcp.max_connections_per_client, 3);
        let defaults = RawConfig::default().validate().unwrap().tcp;
        assert_eq!(
            (
                defaults.max_connections,
                defaults.max_connections_per_client
            ),
            (1024, 64)
        );
        assert!(config.query_log.enabled && !config.query_log.clients);
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(RawConfig::from_toml("bogus = 1").is_err());
        assert!(
            RawConfig::from_toml("edns-udp-size = 100")
                .unwrap()
                .validate()
                .is_err()
        );
        assert!(
            RawConfig::from_toml("cookie-secret = \"abc\"")
                .unwrap()
                .validate()
                .is_err()
        );
        assert!(
            RawConfig::from_toml("listen = []")
                .unwrap()
                .validate()
                .is_err()
        );
    }

    const KEY: &str =
        "[[key]]\nname = \"xfr.example.\"\nalgorithm = \"hmac-sha256\"\nsecret = \"c2VjcmV0\"\n";

    fn transfer_error(toml: &str) -> String {
        let err = RawConfig::from_toml(toml).unwrap().validate().unwrap_err();
        format!("{err:#}")
    }

    #[test]
    fn keys_and_zones_validate() {
        let text = format!(
            "{KEY}[[zone]]\nname = \"Example.COM\"\nallow-transfer = [\"192.0.2.0/24\", \"2001:db8::/32\"]\ntransfer-key = \"XFR.example\"\n"
        );
        let config = RawConfig::from_toml(&text).unwrap().validate().unwrap();
        let key = config
            .transfers
            .keys()
            .find(b"\x03xfr\x07example\x00")
            .unwrap();
        assert_eq!(key.algorithm(), Algorithm::HmacSha256);
        let raw = RawConfig::from_toml(&text).unwrap();
        assert!(
            !format!("{raw:?}").contains("c2VjcmV0"),
            "the secret is not in Debug"
        );
        assert!(!format!("{config:?}").contains("c2VjcmV0"));
        let zone = &config.zone_settings[&b"\x07example\x03com\x00"[..]];
        assert_eq!(zone.journal_size, journal::DEFAULT_SIZE);
        assert_eq!(zone.serial_policy, SerialPolicy::Strict);
        let text = format!(
            "notify-source = \"127.0.0.1\"\n{KEY}[[zone]]\nname = \"example.com\"\nnotify = [\"192.0.2.2:53\", \"[2001:db8::2]:5300\"]\njournal-size = 4096\nserial-policy = \"increment\"\n"
        );
        let config = RawConfig::from_toml(&text).unwrap().validate().unwrap();
        let zone = &config.zone_settings[&b"\x07example\x03com\x00"[..]];
        assert_eq!(zone.notify.len(), 2);
        assert_eq!(
            (zone.journal_size, zone.serial_policy),
            (4096, SerialPolicy::Increment)
        );
        assert_eq!(config.notify_source, Some([127, 0, 0, 1].into()));
    }

    #[test]
    fn a_secondary_zone_validates() {
        let text = format!(
            "{KEY}[[zone]]\nname = \"example.org\"\nprimaries = [\"192.0.2.1:5300\", \"192.0.2.9\"]\ntransfer-key = \"xfr.example.\"\n[transfer-in]\nmax-records = 1000\nsource = \"192.0.2.53\"\n"
        );
        let config = RawConfig::from_toml(&text).unwrap().validate().unwrap();
        let zone = config.secondaries.get(b"\x07example\x03org\x00").unwrap();
        assert_eq!(
            zone.zone.primaries,
            [
                "192.0.2.1:5300".parse().unwrap(),
                "192.0.2.9:53".parse().unwrap()
            ]
        );
        assert!(zone.zone.key.is_some());
        assert_eq!(config.secondaries.limits.max_records, 1000);
        assert_eq!(
            config.secondaries.limits.source,
            Some("192.0.2.53".parse().unwrap())
        );
    }

    #[test]
    fn transfer_settings_errors_say_what_is_wrong() {
        let cases = [
            (
                KEY.replace("hmac-sha256", "hmac-md5"),
                "unknown algorithm \"hmac-md5\"",
            ),
            (
                KEY.replace("c2VjcmV0", "not base64!"),
                "the secret is not base64",
            ),
            (format!("{KEY}{KEY}"), "defined twice"),
            (
                "[[zone]]\nname = \"example.com.\"\ntransfer-key = \"nokey.\"\n".to_owned(),
                "transfer-key nokey. is not a [[key]]",
            ),
            (
                "[[zone]]\nname = \"example.com.\"\nallow-transfer = [\"192.0.2.0/33\"]\n"
                    .to_owned(),
                "\"192.0.2.0/33\" is not a network",
            ),
            (
                "[[zone]]\nname = \"example.com.\"\nserial-policy = \"unixtime\"\n".to_owned(),
                "serial-policy \"unixtime\" is not",
            ),
            (
                "[[zone]]\nname = \"example.com.\"\njournal-size = 0\n".to_owned(),
                "journal-size must be at least 1",
            ),
            (
                "[[zone]]\nname = \"example.org.\"\nprimaries = [\"ns1.example:53\"]\n".to_owned(),
                "\"ns1.example:53\" is not an address",
            ),
            (
                "[[zone]]\nname = \"example.org.\"\nprimaries = []\n".to_owned(),
                "give at least one address",
            ),
        ];
        let no_port = RawConfig::from_toml("[[zone]]\nname = \"a.\"\nnotify = [\"192.0.2.2\"]\n");
        assert!(format!("{:#}", no_port.unwrap_err()).contains("invalid socket address"));
        for (toml, wanted) in cases {
            let err = transfer_error(&toml);
            assert!(err.contains(wanted), "{err:?} should say {wanted:?}");
        }
    }
}
