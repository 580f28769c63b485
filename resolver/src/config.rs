//! Configuration: a TOML file and the flags `--listen`, `--root-hints`,
//! `--config`, `--dot`, `--doh`, `--tls-cert`, `--tls-key`,
//! `--trust-anchor`, read once
//! into a validated [`Config`] (flags override).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::cache;
use crate::forward::{ForwardZone, Protocol, parse_server};
use crate::frontend::access::Network;
use crate::hints::RootHints;
use crate::iterate::Options;
use crate::validate::anchors::TrustAnchors;
use hickory_proto::rr::Name;

/// Where the resolver listens when nothing is configured.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:5301";

/// The configuration file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    /// Addresses to listen on (UDP and TCP).
    pub listen: Option<Vec<SocketAddr>>,
    /// Addresses to serve DNS-over-TLS on (RFC 7858).
    pub dot: Option<Vec<SocketAddr>>,
    /// Addresses to serve DNS-over-HTTPS on (RFC 8484).
    pub doh: Option<Vec<SocketAddr>>,
    /// Addresses to serve the DoH endpoint on over plain HTTP/1.1 and
    /// HTTP/2 (h2c), for a TLS-terminating proxy in front.
    pub doh_plain: Option<Vec<SocketAddr>>,
    /// The URL path of the DoH endpoint (default `/dns-query`).
    pub doh_path: Option<String>,
    /// The TLS certificate chain (PEM) for DoT and DoH.
    pub tls_cert: Option<PathBuf>,
    /// Its private key (PEM).
    pub tls_key: Option<PathBuf>,
    /// A root hints file (named.root format); the IANA roots otherwise.
    pub root_hints: Option<PathBuf>,
    /// Networks allowed to query (default: loopback).
    pub allow: Option<Vec<String>>,
    /// Cache memory budget in MiB.
    pub cache_size: Option<usize>,
    /// Longest TTL cached, in seconds (default one day).
    pub max_ttl: Option<u32>,
    /// tracing filter, e.g. "info".
    pub log_level: Option<String>,
    /// Port authoritative servers are asked on (default 53; for labs).
    pub upstream_port: Option<u16>,
    /// QNAME minimisation, RFC 9156 (default on).
    pub qname_minimisation: Option<bool>,
    /// Ask name servers over IPv4 (default on).
    pub ipv4: Option<bool>,
    /// Ask name servers over IPv6 too (default on).
    pub ipv6: Option<bool>,
    /// Never ask name servers on this host, 127.0.0.0/8 and ::1 (default
    /// on with the IANA roots, off with `root-hints`: a private root is a lab).
    pub do_not_query_localhost: Option<bool>,
    /// Shortest TTL cached, in seconds (default 0).
    pub min_ttl: Option<u32>,
    /// The largest UDP answer to clients with EDNS, in octets (default
    /// 1232, at most 4096).
    pub edns_udp_size: Option<u16>,
    /// Serve expired data when resolution fails, RFC 8767 (default on).
    pub serve_stale: Option<bool>,
    /// How long expired data is kept for serve-stale, in seconds (default one day).
    pub stale_window: Option<u32>,
    /// Refresh popular entries read in the last tenth of their TTL (default on).
    pub prefetch: Option<bool>,
    /// A directory of zone files answered locally (one `*.zone` per zone).
    pub local_zones: Option<PathBuf>,
    /// Answer special-use names locally, as RFC 6761/6303 ask (default on).
    pub special_use_zones: Option<bool>,
    /// Zones sent to upstream resolvers instead of being iterated.
    pub forward: Option<Vec<RawForward>>,
    /// UDP worker threads per address (default: one per CPU).
    pub udp_workers: Option<usize>,
    /// Queries needing resolution a second per client network (IPv4 /24,
    /// IPv6 /56); 0: no limit (default 1000).
    pub client_rate_limit: Option<u32>,
    /// Resolutions in progress at once (default 4096).
    pub max_resolutions: Option<usize>,
    /// Upstream queries in flight to one zone (default 256; 0: no bound).
    pub max_queries_per_zone: Option<usize>,
    /// TCP, DoT and DoH connections open at once, over every listener
    /// (default 4096).
    pub max_connections: Option<usize>,
    /// TCP, DoT and DoH connections open at once from one client (IPv4
    /// address, IPv6 /64); 0: no per-client bound (default 64).
    pub max_connections_per_client: Option<usize>,
    /// Validate answers with DNSSEC (default on).
    pub dnssec_validation: Option<bool>,
    /// Zones not validated (RFC 7646 negative trust anchors), reloaded
    /// on SIGHUP.
    pub negative_trust_anchors: Option<Vec<String>>,
    /// Validate RSASHA1 (5) and RSASHA1-NSEC3-SHA1 (7) too (default
    /// off, RFC 9905 2: zones signed only so are insecure).
    pub sha1_validation: Option<bool>,
    /// Trust anchors (DS or DNSKEY records in zone-file format) instead
    /// of the built-in IANA root keys.
    pub trust_anchor: Option<PathBuf>,
}

/// A `[[forward]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawForward {
    /// The zone; `.` forwards everything.
    pub zone: String,
    /// Upstream resolvers: `ip` or `ip:port`.
    pub servers: Vec<String>,
    /// `udp` (default), `tcp`, `tls` or `https`.
    pub protocol: Option<String>,
    /// The servers' certificate name, for `tls` and `https`.
    pub tls_name: Option<String>,
    /// CA certificates (PEM) to trust instead of the public roots.
    pub tls_ca: Option<PathBuf>,
}

impl RawForward {
    fn validate(self) -> anyhow::Result<ForwardZone> {
        let zone = Name::from_ascii(&self.zone)
            .map_err(|e| anyhow::anyhow!("forward zone {:?}: {e}", self.zone))?;
        let mut zone = zone;
        zone.set_fqdn(true);
        let protocol: Protocol = match &self.protocol {
            Some(text) => text
                .parse()
                .map_err(|e| anyhow::anyhow!("forward {zone}: {e}"))?,
            None => Protocol::Udp,
        };
        if self.servers.is_empty() {
            bail!("forward {zone}: give at least one server");
        }
        let servers = self
            .servers
            .iter()
            .map(|s| parse_server(s, protocol).map_err(|e| anyhow::anyhow!("forward {zone}: {e}")))
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(ForwardZone {
            zone,
            servers,
            protocol,
            tls_name: self.tls_name,
            tls_ca: self.tls_ca,
        })
    }
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Addresses served, UDP and TCP.
    pub listen: Vec<SocketAddr>,
    /// Addresses served over DNS-over-TLS.
    pub dot: Vec<SocketAddr>,
    /// Addresses served over DNS-over-HTTPS.
    pub doh: Vec<SocketAddr>,
    /// Addresses served over plain HTTP (the DoH endpoint behind a proxy).
    pub doh_plain: Vec<SocketAddr>,
    /// The URL path of the DoH endpoint.
    pub doh_path: String,
    /// The certificate and key files; `None`: a self-signed one is made.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Where iteration starts.
    pub hints: RootHints,
    /// Who may ask.
    pub allow: Vec<Network>,
    /// Cache limits.
    pub cache: cache::Limits,
    /// How iteration works.
    pub options: Options,
    /// The local zone directory, if any.
    pub local_zones: Option<PathBuf>,
    /// Whether special-use names are answered locally.
    pub special_use_zones: bool,
    /// The forward zones.
    pub forward: Vec<ForwardZone>,
    /// UDP worker threads per address.
    pub udp_workers: usize,
    /// The trust anchors, or `None` when validation is off.
    pub trust_anchors: Option<TrustAnchors>,
    /// Whether the SHA-1 algorithms are validated.
    pub sha1_validation: bool,
    /// The negative trust anchors (RFC 7646).
    pub negative_trust_anchors: Vec<Name>,
    /// The largest UDP answer to clients with EDNS.
    pub edns_udp_size: u16,
    /// Resolving queries a second per client network (0: unlimited).
    pub client_rate_limit: u32,
    /// Resolutions in progress at once.
    pub max_resolutions: usize,
    /// Stream connections open at once.
    pub max_connections: usize,
    /// Stream connections open at once from one client (0: unbounded).
    pub max_connections_per_client: usize,
    /// The log filter.
    pub log_level: String,
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

    /// The negative trust anchors as names (what a reload re-reads).
    pub fn negative_anchors(&self) -> anyhow::Result<Vec<Name>> {
        self.negative_trust_anchors
            .iter()
            .flatten()
            .map(|zone| {
                Name::from_ascii(zone)
                    .map(|name| {
                        let mut name = name.to_lowercase();
                        name.set_fqdn(true);
                        name
                    })
                    .map_err(|e| anyhow::anyhow!("negative-trust-anchors: {zone:?}: {e}"))
            })
            .collect()
    }

    /// Validates and fills in defaults.
    pub fn validate(self) -> anyhow::Result<Config> {
        let negative_trust_anchors = self.negative_anchors()?;
        let listen = match self.listen {
            Some(list) if list.is_empty() => bail!("listen: give at least one address"),
            Some(list) => list,
            None => vec![DEFAULT_LISTEN.parse().expect("the default address parses")],
        };
        let hints = match &self.root_hints {
            Some(path) => RootHints::load(path).map_err(|problems| {
                let lines: Vec<String> = problems.list.iter().map(ToString::to_string).collect();
                anyhow::anyhow!("invalid root hints:\n{}", lines.join("\n"))
            })?,
            None => RootHints::iana(),
        };
        let allow = match self.allow {
            Some(list) => list
                .iter()
                .map(|n| {
                    n.parse::<Network>()
                        .map_err(|e| anyhow::anyhow!("allow: {e}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?,
            None => Network::loopback(),
        };
        let defaults = cache::Limits::default();
        let cache = cache::Limits {
            budget: self.cache_size.map_or(defaults.budget, |mib| mib << 20),
            max_ttl: self.max_ttl.unwrap_or(defaults.max_ttl),
            min_ttl: self.min_ttl.unwrap_or(defaults.min_ttl),
            stale_window: self.stale_window.unwrap_or(defaults.stale_window),
            ..defaults
        };
        let iterate = Options::default();
        let options = Options {
            limits: crate::iterate::Limits {
                max_zone_queries: self
                    .max_queries_per_zone
                    .unwrap_or(iterate.limits.max_zone_queries),
                ..iterate.limits
            },
            upstream_port: self.upstream_port.unwrap_or(iterate.upstream_port),
            qname_minimisation: self
                .qname_minimisation
                .unwrap_or(iterate.qname_minimisation),
            ipv4: self.ipv4.unwrap_or(iterate.ipv4),
            ipv6: self.ipv6.unwrap_or(iterate.ipv6),
            do_not_query_localhost: self
                .do_not_query_localhost
                .unwrap_or(self.root_hints.is_none()),
            serve_stale: self.serve_stale.unwrap_or(iterate.serve_stale),
            prefetch: self.prefetch.unwrap_or(iterate.prefetch),
        };
        if cache.min_ttl > cache.max_ttl {
            bail!(
                "min-ttl {} is above max-ttl {}",
                cache.min_ttl,
                cache.max_ttl
            );
        }
        let edns_udp_size = self.edns_udp_size.unwrap_or(crate::frontend::EDNS_UDP_SIZE);
        if !(512..=crate::frontend::MAX_EDNS_UDP_SIZE).contains(&edns_udp_size) {
            bail!("edns-udp-size {edns_udp_size} is outside 512-4096");
        }
        if !options.ipv4 && !options.ipv6 {
            bail!("ipv4 and ipv6 are both off: no name server could be asked");
        }
        let tls = match (self.tls_cert, self.tls_key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => bail!("tls-cert and tls-key go together"),
        };
        let doh_path = self
            .doh_path
            .unwrap_or_else(|| crate::frontend::doh::DEFAULT_PATH.to_owned());
        if !doh_path.starts_with('/') || doh_path.contains(['?', '#']) {
            bail!("doh-path: {doh_path:?} is not a URL path such as /dns-query");
        }
        let trust_anchors = match (self.dnssec_validation.unwrap_or(true), &self.trust_anchor) {
            (false, _) => None,
            (true, None) => Some(TrustAnchors::iana()),
            (true, Some(path)) => Some(TrustAnchors::load(path).map_err(|problems| {
                let lines: Vec<String> = problems.list.iter().map(ToString::to_string).collect();
                anyhow::anyhow!("invalid trust anchors:\n{}", lines.join("\n"))
            })?),
        };
        let max_resolutions = self.max_resolutions.unwrap_or(4096);
        if max_resolutions == 0 {
            bail!("max-resolutions must be at least 1");
        }
        let max_connections = self.max_connections.unwrap_or(4096);
        if max_connections == 0 {
            bail!("max-connections must be at least 1");
        }
        Ok(Config {
            client_rate_limit: self.client_rate_limit.unwrap_or(1000),
            max_resolutions,
            max_connections,
            max_connections_per_client: self.max_connections_per_client.unwrap_or(64),
            trust_anchors,
            sha1_validation: self.sha1_validation.unwrap_or(false),
            negative_trust_anchors,
            edns_udp_size,
            listen,
            dot: self.dot.unwrap_or_default(),
            doh: self.doh.unwrap_or_default(),
            doh_plain: self.doh_plain.unwrap_or_default(),
            doh_path,
            tls,
            hints,
            allow,
            cache,
            options,
            local_zones: self.local_zones,
            special_use_zones: self.special_use_zones.unwrap_or(true),
            udp_workers: self.udp_workers.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
            }),
            forward: self
                .forward
                .unwrap_or_default()
                .into_iter()
                .map(RawForward::validate)
                .collect::<anyhow::Result<_>>()?,
            log_level: self.log_level.unwrap_or_else(|| "info".to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let config = RawConfig::default().validate().unwrap();
        assert_eq!(
            config.listen,
            [DEFAULT_LISTEN.parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(config.hints.servers.len(), 13);
        assert!(
            config
                .allow
                .iter()
                .any(|n| n.contains("127.0.0.1".parse().unwrap()))
        );
        let raw: RawConfig =
            toml::from_str("allow = [\"10.0.0.0/8\"]\ncache-size = 16\nmax-ttl = 600\n").unwrap();
        let config = raw.validate().unwrap();
        assert_eq!((config.cache.budget, config.cache.max_ttl), (16 << 20, 600));
        assert!(config.options.qname_minimisation && config.options.serve_stale);
        let raw: RawConfig =
            toml::from_str("upstream-port = 5300\nqname-minimisation = false\nipv6 = false\n")
                .unwrap();
        let options = raw.validate().unwrap().options;
        assert_eq!(options.upstream_port, 5300);
        assert!(!options.qname_minimisation && !options.ipv6);
        assert!(
            !config
                .allow
                .iter()
                .any(|n| n.contains("127.0.0.1".parse().unwrap()))
        );
        assert!(toml::from_str::<RawConfig>("bogus = 1").is_err());
        let forward: RawConfig = toml::from_str(
            "[[forward]]\nzone = \"corp\"\nservers = [\"10.0.0.1\", \"[::1]:5353\"]\n\
             [[forward]]\nzone = \".\"\nservers = [\"9.9.9.9\"]\nprotocol = \"tls\"\ntls-name = \"dns.quad9.net\"\n",
        )
        .unwrap();
        let forward = forward.validate().unwrap().forward;
        assert_eq!(forward[0].zone.to_string(), "corp.");
        assert_eq!(forward[0].servers[0].port(), 53);
        assert_eq!(forward[0].servers[1].to_string(), "[::1]:5353");
        assert_eq!(forward[1].servers[0].port(), 853);
        assert_eq!(forward[1].protocol, Protocol::Tls);
        for bad in [
            "[[forward]]\nzone = \"x\"\nservers = []\n",
            "[[forward]]\nzone = \"x\"\nservers = [\"nope\"]\n",
            "[[forward]]\nzone = \"x\"\nservers = [\"1.1.1.1\"]\nprotocol = \"quic\"\n",
        ] {
            let raw: RawConfig = toml::from_str(bad).unwrap();
            assert!(raw.validate().is_err(), "{bad}");
        }
        let defaults = RawConfig::default().validate().unwrap();
        assert_eq!(
            (
                defaults.max_connections,
                defaults.max_connections_per_client
            ),
            (4096, 64)
        );
        assert_eq!(defaults.options.limits.max_zone_queries, 256);
        let raw: RawConfig = toml::from_str("max-queries-per-zone = 0").unwrap();
        assert_eq!(raw.validate().unwrap().options.limits.max_zone_queries, 0);
        let raw: RawConfig =
            toml::from_str("max-connections = 10\nmax-connections-per-client = 0\n").unwrap();
        let config = raw.validate().unwrap();
        assert_eq!(
            (config.max_connections, config.max_connections_per_client),
            (10, 0)
        );
        let none: RawConfig = toml::from_str("max-connections = 0").unwrap();
        assert!(
            none.validate().is_err(),
            "no connections at all is a mistake"
        );
        let half: RawConfig = toml::from_str("tls-cert = \"cert.pem\"").unwrap();
        assert!(half.validate().is_err(), "a certificate needs its key");
        let bad: RawConfig = toml::from_str("allow = [\"10.0.0.0/40\"]").unwrap();
        assert!(bad.validate().is_err());
        let doh: RawConfig =
            toml::from_str("doh = [\"127.0.0.1:8443\"]\ndoh-path = \"/resolve\"\n").unwrap();
        let doh = doh.validate().unwrap();
        assert_eq!((doh.doh.len(), doh.doh_path.as_str()), (1, "/resolve"));
        assert_eq!(config.doh_path, "/dns-query");
        assert!(
            config.trust_anchors.is_some(),
            "validation is on by default"
        );
        let off: RawConfig = toml::from_str("dnssec-validation = false").unwrap();
        assert!(off.validate().unwrap().trust_anchors.is_none());
        assert!(!config.sha1_validation, "RFC 9905 2: SHA-1 off by default");
        let sha1: RawConfig = toml::from_str("sha1-validation = true").unwrap();
        assert!(sha1.validate().unwrap().sha1_validation);
    }

    #[test]
    fn upstream_families_localhost_ttl_floor_and_udp_size() {
        let config = RawConfig::default().validate().unwrap();
        assert!(config.options.ipv4 && config.options.ipv6);
        assert!(
            config.options.do_not_query_localhost,
            "on with the IANA roots"
        );
        assert_eq!((config.cache.min_ttl, config.edns_udp_size), (0, 1232));
        let hints = std::env::temp_dir().join(format!("resolver-hints-{}", std::process::id()));
        std::fs::write(&hints, ". 3600 NS a.root.\na.root. 3600 A 127.0.0.1\n").unwrap();
        let lab = |extra: &str| {
            let text = format!("root-hints = {:?}\n{extra}", hints.display().to_string());
            toml::from_str::<RawConfig>(&text).unwrap().validate()
        };
        let options = lab("").unwrap().options;
        assert!(!options.do_not_query_localhost, "off with a private root");
        assert!(
            lab("do-not-query-localhost = true")
                .unwrap()
                .options
                .do_not_query_localhost
        );
        let set = lab("ipv4 = false\nmin-ttl = 60\nedns-udp-size = 4096").unwrap();
        assert!(!set.options.ipv4);
        assert_eq!((set.cache.min_ttl, set.edns_udp_size), (60, 4096));
        for bad in [
            "ipv4 = false\nipv6 = false",
            "min-ttl = 600\nmax-ttl = 60",
            "edns-udp-size = 4097",
            "edns-udp-size = 100",
        ] {
            assert!(lab(bad).is_err(), "{bad}");
        }
        std::fs::remove_file(&hints).unwrap();
        let missing: RawConfig = toml::from_str("trust-anchor = \"/nonexistent/anchors\"").unwrap();
        assert!(missing.validate().is_err());
        let bad: RawConfig = toml::from_str("doh-path = \"dns-query\"").unwrap();
        assert!(bad.validate().is_err(), "a path starts with /");
    }
}
