//! `authdns`: serve a directory of zone files over UDP and TCP.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use authdns::config::RawConfig;
use clap::Parser;

/// Authoritative DNS server: serves every ORIGIN.zone file in a directory.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Address to listen on, UDP and TCP (repeat for several; default 127.0.0.1:5300).
    #[arg(long)]
    listen: Vec<SocketAddr>,
    /// Directory of zone files, one ORIGIN.zone file per zone (default examples/zones).
    #[arg(long)]
    zones: Option<PathBuf>,
    /// TOML configuration file; flags override it.
    #[arg(long)]
    config: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut raw = match &cli.config {
        Some(path) => RawConfig::from_file(path)?,
        None => RawConfig::default(),
    };
    if !cli.listen.is_empty() {
        raw.listen = Some(cli.listen);
    }
    if cli.zones.is_some() {
        raw.zones = cli.zones;
    }
    let config = raw.validate().context("invalid configuration")?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&config.log_level)
                .context("invalid log-level")?,
        )
        .with_writer(std::io::stderr)
        .init();
    authdns::server::run(config)
}
