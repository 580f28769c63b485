//! `resolver`: a recursive resolver on UDP, TCP, DNS-over-TLS and
//! DNS-over-HTTPS.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use authdns::listen::connections::ConnectionLimits;
use clap::Parser;
use resolver::cache::Cache;
use resolver::config::RawConfig;
use resolver::forward::Forwarders;
use resolver::frontend::limits::Limits;
use resolver::frontend::{Frontend, doh, dot, tcp, udp};
use resolver::iterate::Resolver;
use resolver::local::LocalZones;
use resolver::tls::{CertificateStore, ServerCertificate};
use tokio::signal::unix::{SignalKind, signal};

/// mimalloc rather than the system allocator: glibc keeps an arena per
/// thread, and cache entries allocated on every worker pin the memory
/// freed around them; with glibc the resident size after 100,000 cached
/// names was three times the live heap.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long an upstream resolver has to answer a forwarded query.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(2);

/// Recursive resolver: resolves from the root with one shared cache.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Address to listen on, UDP and TCP (repeat for several; default 127.0.0.1:5301).
    #[arg(long)]
    listen: Vec<SocketAddr>,
    /// Root hints file (named.root format); the IANA root servers by default.
    #[arg(long)]
    root_hints: Option<PathBuf>,
    /// TOML configuration file; flags override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Address to serve DNS-over-TLS on (repeat for several).
    #[arg(long)]
    dot: Vec<SocketAddr>,
    /// Address to serve DNS-over-HTTPS on (repeat for several).
    #[arg(long)]
    doh: Vec<SocketAddr>,
    /// TLS certificate chain (PEM); without it a self-signed one is made.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Trust anchors for DNSSEC validation (DS or DNSKEY records in zone-file
    /// format); the IANA root keys by default.
    #[arg(long)]
    trust_anchor: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let cli_config = cli.config.clone();
    let mut raw = match &cli.config {
        Some(path) => RawConfig::from_file(path)?,
        None => RawConfig::default(),
    };
    if !cli.listen.is_empty() {
        raw.listen = Some(cli.listen);
    }
    if cli.root_hints.is_some() {
        raw.root_hints = cli.root_hints;
    }
    if !cli.dot.is_empty() {
        raw.dot = Some(cli.dot);
    }
    if !cli.doh.is_empty() {
        raw.doh = Some(cli.doh);
    }
    if cli.trust_anchor.is_some() {
        raw.trust_anchor = cli.trust_anchor;
    }
    if cli.tls_cert.is_some() {
        raw.tls_cert = cli.tls_cert;
        raw.tls_key = cli.tls_key;
    }
    let config = raw.validate().context("invalid configuration")?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&config.log_level)
                .context("invalid log-level")?,
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let cache = Arc::new(Cache::new(config.cache));
        let forwarders = Forwarders::new(&config.forward, FORWARD_TIMEOUT)
            .map_err(|e| anyhow::anyhow!(e))?
            .validating(config.trust_anchors.is_some());
        let mut resolver = Resolver::new(Arc::clone(&cache), config.hints.clone(), config.options)
            .with_forwarders(forwarders);
        match config.trust_anchors.clone() {
            Some(anchors) => {
                resolver = resolver.with_validation(anchors, config.sha1_validation);
                if let Some(validation) = resolver.validation() {
                    validation.negative().set(&config.negative_trust_anchors);
                }
            }
            None => tracing::warn!("DNSSEC validation is off"),
        }
        let resolver = Arc::new(resolver);
        let local = Arc::new(
            LocalZones::load(
                config.local_zones.clone(),
                config.special_use_zones,
                config.edns_udp_size,
            )
                .context("cannot read the local zone directory")?,
        );
        tracing::info!("answering {} zones locally", local.len());
        let frontend = Arc::new(Frontend {
            resolver,
            allow: config.allow.clone(),
            local: Arc::clone(&local),
            limits: Limits::new(config.client_rate_limit, config.max_resolutions),
            connections: ConnectionLimits::new(
                config.max_connections,
                config.max_connections_per_client,
            ),
            edns_udp_size: config.edns_udp_size,
        });
        // Signal handlers before any listener: a SIGHUP sent as soon as
        // the resolver answers must reload, not end it (the default).
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut hangup = signal(SignalKind::hangup())?;
        // Encrypted listeners first: once UDP answers, everything is up.
        let certificates = if config.dot.is_empty() && config.doh.is_empty() {
            None
        } else {
            Some(certificate_store(&config)?)
        };
        if let Some(certificates) = &certificates {
            let acceptor = certificates.acceptor(&[b"dot"])?;
            for &addr in &config.dot {
                let listener = bind(addr, "dot").await?;
                tokio::spawn(dot::serve(listener, acceptor.clone(), Arc::clone(&frontend)));
            }
            let acceptor = certificates.acceptor(&[b"h2", b"http/1.1"])?;
            let endpoint = Arc::new(doh::Endpoint::new(Arc::clone(&frontend), &config.doh_path));
            for &addr in &config.doh {
                let listener = bind(addr, "doh").await?;
                tokio::spawn(doh::serve(listener, Some(acceptor.clone()), Arc::clone(&endpoint)));
            }
        }
        let plain = Arc::new(doh::Endpoint::new(Arc::clone(&frontend), &config.doh_path).plain());
        for &addr in &config.doh_plain {
            let listener = bind(addr, "doh-plain").await?;
            tokio::spawn(doh::serve(listener, None, Arc::clone(&plain)));
        }
        for &addr in &config.listen {
            let sockets = udp::bind_workers(addr, config.udp_workers)
                .with_context(|| format!("cannot listen on udp {addr}"))?;
            let bound = sockets[0].local_addr()?;
            let listener = tokio::net::TcpListener::bind(bound)
                .await
                .with_context(|| format!("cannot listen on tcp {bound}"))?;
            tokio::spawn(tcp::serve(listener, Arc::clone(&frontend)));
            udp::spawn(sockets, &frontend, &tokio::runtime::Handle::current())
                .context("cannot start the udp workers")?;
        }
        for (what, addrs) in [
            ("DNS-over-TLS", &config.dot),
            ("DNS-over-HTTPS", &config.doh),
            ("DNS-over-HTTP (no TLS, for a proxy)", &config.doh_plain),
        ] {
            if !addrs.is_empty() {
                let list: Vec<String> = addrs.iter().map(ToString::to_string).collect();
                tracing::info!("{what} on {}", list.join(", "));
            }
        }
        if !config.doh.is_empty() || !config.doh_plain.is_empty() {
            tracing::info!("DoH path {}", config.doh_path);
        }
        tokio::spawn(evict(cache, Arc::clone(&frontend.resolver)));
        let listening: Vec<String> = config.listen.iter().map(ToString::to_string).collect();
        tracing::info!("resolving on {} (udp, tcp)", listening.join(", "));
        loop {
            tokio::select! {
                _ = terminate.recv() => break,
                _ = interrupt.recv() => break,
                _ = hangup.recv() => {
                    if let Some(certificates) = &certificates {
                        match certificates.reload() {
                            Ok(()) => tracing::info!("SIGHUP: TLS certificate reloaded"),
                            Err(e) => tracing::error!("SIGHUP: keeping the TLS certificate: {e:#}"),
                        }
                    }
                    if let Some(path) = &cli_config {
                        reload_negative_anchors(path, &frontend);
                    }
                    tracing::info!("SIGHUP: reloading local zones");
                    let local = Arc::clone(&local);
                    let reloaded = tokio::task::spawn_blocking(move || local.reload()).await?;
                    if let Err(e) = reloaded {
                        tracing::error!("cannot read the local zone directory: {e}; keeping the zones loaded");
                    }
                }
            }
        }
        tracing::info!("stopping");
        anyhow::Ok(())
    })?;
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}

/// Reads the negative trust anchors again from the configuration file
/// at `path`; a file that does not parse keeps the ones in force.
fn reload_negative_anchors(path: &std::path::Path, frontend: &Frontend) {
    let Some(validation) = frontend.resolver.validation() else {
        return;
    };
    match RawConfig::from_file(path).and_then(|raw| raw.negative_anchors()) {
        Ok(zones) => {
            tracing::info!("SIGHUP: {} negative trust anchors", zones.len());
            validation.negative().set(&zones);
        }
        Err(e) => tracing::error!("SIGHUP: keeping the negative trust anchors: {e:#}"),
    }
}

/// A TCP listener for `what` on `addr`.
async fn bind(addr: SocketAddr, what: &str) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {what} {addr}"))
}

/// The certificate store for DoT and DoH: the configured certificate, or a
/// generated self-signed one whose PEM file and pin are logged.
fn certificate_store(config: &resolver::config::Config) -> anyhow::Result<Arc<CertificateStore>> {
    let certificate = match &config.tls {
        Some((cert, key)) => ServerCertificate::load(cert, key)?,
        None => {
            let dir = std::env::temp_dir().join(format!("resolver-{}", std::process::id()));
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            ServerCertificate::generate(&dir)?
        }
    };
    if let Some((pin, file)) = &certificate.generated {
        tracing::warn!(
            "no tls-cert/tls-key: using a self-signed certificate for localhost, 127.0.0.1 and ::1; \
             trust it with `curl --cacert {}` or pin it with `kdig +tls-pin={pin}`",
            file.display()
        );
    }
    Ok(Arc::new(CertificateStore::new(
        &certificate,
        config.tls.clone(),
    )?))
}

/// Keeps the cache within its budget, off the query path, on the
/// resolver's clock: as soon as an insert goes over it, and every 5 s
/// (which also drops data past the stale window).
async fn evict(cache: Arc<Cache>, resolver: Arc<Resolver>) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = cache.over_budget_wakeup() => {}
        }
        if cache.over_budget() {
            cache.evict(resolver.now());
        }
    }
}
