//! Forwarding: names at or below a configured zone (the root for
//! everything) are sent to upstream resolvers instead of being iterated,
//! over UDP (TCP on truncation), TCP, DNS-over-TLS or DNS-over-HTTPS.
//! Certificates are checked against the public (Mozilla) roots, or
//! against the CAs of a `tls-ca` file for a private resolver.
//! The exchange is hickory-resolver's name-server pool; what comes back
//! goes to the shared cache like any other answer, so RD=0 queries and
//! every frontend see it. Queries carry DO, so signed zones come back
//! with their RRSIGs and denial proofs, and CD when the resolver
//! validates itself (RFC 4035 3.2.2, 4.6): the upstream's own verdict
//! would hide the data a bogus answer needs to be diagnosed.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::op::{DnsRequest, DnsRequestOptions, Query, ResponseCode};
use hickory_proto::rr::{Name, Record, RecordType};
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::xfer::FirstAnswer;
use hickory_resolver::net::{DnsError, DnsHandle, NetError};
use hickory_resolver::{NameServerPool, PoolContext, TlsConfig};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

/// How to reach the upstream resolvers of a forward zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// UDP, TCP when truncated.
    Udp,
    /// TCP only.
    Tcp,
    /// DNS-over-TLS (RFC 7858), port 853 by default.
    Tls,
    /// DNS-over-HTTPS (RFC 8484), port 443 by default.
    Https,
}

impl std::str::FromStr for Protocol {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "udp" => Ok(Self::Udp),
            "tcp" => Ok(Self::Tcp),
            "tls" => Ok(Self::Tls),
            "https" => Ok(Self::Https),
            other => Err(format!(
                "unknown protocol {other:?} (udp, tcp, tls or https)"
            )),
        }
    }
}

/// One forward zone as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardZone {
    /// The zone (`.` for everything).
    pub zone: Name,
    /// The upstream resolvers, with their ports.
    pub servers: Vec<SocketAddr>,
    /// The transport.
    pub protocol: Protocol,
    /// The name in the servers' TLS certificates (DoT and DoH).
    pub tls_name: Option<String>,
    /// A PEM file of CA certificates to trust instead of the public roots
    /// (DoT and DoH to a private resolver).
    pub tls_ca: Option<PathBuf>,
}

type Pool = NameServerPool<TokioRuntimeProvider>;

/// The forward zones, deepest match first.
#[derive(Default)]
pub struct Forwarders {
    zones: Vec<(Name, Pool)>,
    /// Set CD: the resolver validates what comes back itself.
    checking_disabled: bool,
}

/// What forwarding gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Forwarded {
    /// NOERROR or NXDOMAIN with the answer records (CNAMEs first) and,
    /// for negative answers, the SOA with the negative TTL.
    Answer(ResponseCode, Vec<Record>, Vec<Record>),
    /// The upstream resolvers failed or could not be reached.
    Failed,
}

impl Forwarders {
    /// Builds a client per zone. Errors name the zone.
    pub fn new(zones: &[ForwardZone], timeout: Duration) -> Result<Self, String> {
        let mut built = Vec::new();
        for zone in zones {
            let tls_name: Arc<str> = zone.tls_name.as_deref().unwrap_or_default().into();
            if matches!(zone.protocol, Protocol::Tls | Protocol::Https) && tls_name.is_empty() {
                return Err(format!("forward {}: tls-name is required", zone.zone));
            }
            let servers: Vec<NameServerConfig> = zone
                .servers
                .iter()
                .map(|server| {
                    let mut connection = match zone.protocol {
                        Protocol::Udp => ConnectionConfig::udp(),
                        Protocol::Tcp => ConnectionConfig::tcp(),
                        Protocol::Tls => ConnectionConfig::tls(Arc::clone(&tls_name)),
                        Protocol::Https => ConnectionConfig::https(Arc::clone(&tls_name), None),
                    };
                    connection.port = server.port();
                    let mut connections = vec![connection];
                    if zone.protocol == Protocol::Udp {
                        let mut tcp = ConnectionConfig::tcp();
                        tcp.port = server.port();
                        connections.push(tcp);
                    }
                    NameServerConfig::new(server.ip(), true, connections)
                })
                .collect();
            let tls = match &zone.tls_ca {
                Some(ca) => TlsConfig {
                    config: tls_config(ca).map_err(|e| format!("forward {}: {e}", zone.zone))?,
                },
                None => TlsConfig::new().map_err(|e| format!("forward {}: {e}", zone.zone))?,
            };
            let mut options = ResolverOpts::default();
            // Our cache is the one cache: the pool has none.
            options.timeout = timeout;
            options.attempts = 1;
            let context = Arc::new(PoolContext::new(options, tls));
            let pool = Pool::from_config(servers, context, TokioRuntimeProvider::default());
            built.push((zone.zone.to_lowercase(), pool));
        }
        built.sort_by_key(|(zone, _)| std::cmp::Reverse(zone.num_labels()));
        Ok(Self {
            zones: built,
            checking_disabled: false,
        })
    }

    /// Sets CD on forwarded queries: the resolver validates the answers
    /// itself.
    #[must_use]
    pub fn validating(mut self, on: bool) -> Self {
        self.checking_disabled = on;
        self
    }

    /// The forward zone `name` falls in, if any.
    pub fn zone_of(&self, name: &Name) -> Option<&Name> {
        self.client(name).map(|(zone, _)| zone)
    }

    fn client(&self, name: &Name) -> Option<&(Name, Pool)> {
        self.zones.iter().find(|(zone, _)| zone.zone_of(name))
    }

    /// Asks the upstream resolvers of `name`'s forward zone; `None` when
    /// `name` is not forwarded.
    pub async fn forward(&self, name: &Name, qtype: RecordType) -> Option<Forwarded> {
        let (_, client) = self.client(name)?;
        let mut options = DnsRequestOptions::default();
        options.recursion_desired = true;
        options.edns_set_dnssec_ok = true;
        options.edns_payload_len = crate::upstream::EDNS_UDP_SIZE;
        let mut request = DnsRequest::from_query(Query::query(name.clone(), qtype), options);
        request.metadata.checking_disabled = self.checking_disabled;
        Some(match client.send(request).first_answer().await {
            Ok(response) => {
                let message = response.into_message();
                let rcode = message.metadata.response_code;
                if !matches!(rcode, ResponseCode::NoError | ResponseCode::NXDomain) {
                    return Some(Forwarded::Failed);
                }
                // The upstream's NS records are not ours to pass on; its
                // denial and wildcard proofs are.
                let proofs = message
                    .authorities
                    .into_iter()
                    .filter(|r| {
                        matches!(
                            r.record_type(),
                            RecordType::SOA
                                | RecordType::NSEC
                                | RecordType::NSEC3
                                | RecordType::RRSIG
                        )
                    })
                    .collect();
                Forwarded::Answer(rcode, message.answers, proofs)
            }
            Err(NetError::Dns(DnsError::NoRecordsFound(none))) => {
                let rcode = none.response_code;
                if !matches!(rcode, ResponseCode::NoError | ResponseCode::NXDomain) {
                    return Some(Forwarded::Failed);
                }
                if let Some(authorities) = none.authorities {
                    return Some(Forwarded::Answer(rcode, Vec::new(), authorities.to_vec()));
                }
                let soa = none.soa.map(|soa| {
                    let mut soa = soa.into_record_of_rdata();
                    if let Some(ttl) = none.negative_ttl {
                        soa.ttl = ttl;
                    }
                    soa
                });
                Forwarded::Answer(rcode, Vec::new(), soa.into_iter().collect())
            }
            Err(e) => {
                tracing::debug!("forwarding failed: {e}");
                Forwarded::Failed
            }
        })
    }
}

/// A TLS client configuration trusting only the CA certificates in `ca`.
fn tls_config(ca: &Path) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    let certificates =
        CertificateDer::pem_file_iter(ca).map_err(|e| format!("tls-ca {}: {e}", ca.display()))?;
    for certificate in certificates {
        let certificate = certificate.map_err(|e| format!("tls-ca {}: {e}", ca.display()))?;
        roots
            .add(certificate)
            .map_err(|e| format!("tls-ca {}: {e}", ca.display()))?;
    }
    if roots.is_empty() {
        return Err(format!("tls-ca {}: no certificate", ca.display()));
    }
    let provider = Arc::new(hickory_resolver::net::tls::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Parses a forward server: an address with an optional port (`ip`,
/// `ip:port`, `[ipv6]:port`), the protocol's port by default.
pub fn parse_server(text: &str, protocol: Protocol) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let ip: IpAddr = text
        .parse()
        .map_err(|_| format!("{text:?} is not an address or address:port"))?;
    let port = match protocol {
        Protocol::Udp | Protocol::Tcp => 53,
        Protocol::Tls => 853,
        Protocol::Https => 443,
    };
    Ok(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str, protocol: Protocol, tls_name: Option<&str>) -> ForwardZone {
        ForwardZone {
            zone: Name::from_ascii(name).unwrap(),
            servers: vec![parse_server("127.0.0.1", protocol).unwrap()],
            protocol,
            tls_name: tls_name.map(str::to_owned),
            tls_ca: None,
        }
    }

    #[tokio::test]
    async fn the_deepest_forward_zone_wins_and_the_root_takes_the_rest() {
        let zones = [
            zone(".", Protocol::Udp, None),
            zone("corp.example.", Protocol::Tls, Some("dns.corp.example")),
        ];
        let forwarders = Forwarders::new(&zones, Duration::from_secs(1)).unwrap();
        let of = |n: &str| {
            forwarders
                .zone_of(&Name::from_ascii(n).unwrap())
                .map(ToString::to_string)
        };
        assert_eq!(of("www.corp.example.").as_deref(), Some("corp.example."));
        assert_eq!(of("CORP.example.").as_deref(), Some("corp.example."));
        assert_eq!(of("example.").as_deref(), Some("."));
        assert!(Forwarders::default().zone_of(&Name::root()).is_none());
    }

    #[test]
    fn tls_needs_a_name_and_servers_get_the_protocol_port() {
        let missing = Forwarders::new(&[zone("x.", Protocol::Https, None)], Duration::from_secs(1));
        assert!(missing.is_err_and(|e| e.contains("tls-name")));
        assert_eq!(
            parse_server("192.0.2.1", Protocol::Tls).unwrap().port(),
            853
        );
        assert_eq!(
            parse_server("192.0.2.1", Protocol::Https).unwrap().port(),
            443
        );
        assert_eq!(
            parse_server("[2001:db8::1]:5353", Protocol::Udp)
                .unwrap()
                .port(),
            5353
        );
        assert!(parse_server("dns.example", Protocol::Udp).is_err());
        let bad_ca = ForwardZone {
            tls_ca: Some("/nonexistent/ca.pem".into()),
            ..zone("y.", Protocol::Tls, Some("dns.example"))
        };
        assert!(Forwarders::new(&[bad_ca], Duration::from_secs(1)).is_err());
    }
}
