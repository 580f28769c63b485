//! `zone-loader`: check zone files the way the servers will load them.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use zone_loader::directory::origin_from_file_name;
use zone_loader::problem::Severity;
use zone_loader::{Name, load_zone};

/// Zone-file tools for authdns and resolver.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and check a zone file as the servers would load it: print
    /// every error and warning with file:line:col and, in brackets, the
    /// check that found it, then a summary (names, RRsets, records,
    /// delegations, memory) or the checks that rejected the zone. Exits
    /// non-zero on any error. Verdicts follow named-checkzone's defaults.
    Check {
        /// The zone file.
        file: PathBuf,
        /// The zone's origin; by default taken from the file name
        /// (`example.com.zone` is `example.com.`, `root.zone` is `.`).
        #[arg(long)]
        origin: Option<String>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("zone-loader: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let Command::Check { file, origin } = cli.command;
    let origin = match origin {
        Some(text) => {
            let absolute = if text.ends_with('.') {
                text
            } else {
                format!("{text}.")
            };
            Name::from_text(absolute.as_bytes(), &Name::root())
                .map_err(|e| anyhow::anyhow!("invalid --origin {absolute}: {e}"))?
        }
        None => match origin_from_file_name(&file) {
            Some(origin) => origin,
            None => bail!(
                "cannot tell the origin from {}: give --origin",
                file.display()
            ),
        },
    };
    std::fs::metadata(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let (result, _) = load_zone(&file, &origin);
    let (zone, problems) = match result {
        Ok((zone, problems)) => (Some(zone), problems),
        Err(problems) => (None, problems),
    };
    for problem in &problems.list {
        println!("{problem} [{}]", problem.kind.check());
    }
    let (errors, warnings) = (problems.errors(), problems.warnings());
    match zone {
        Some(zone) => {
            let s = zone.stats();
            println!(
                "{origin}: serial {}, {} names, {} RRsets, {} records, {} delegations, {:.1} KiB",
                zone.serial(),
                s.names,
                s.rrsets,
                s.records,
                s.delegations,
                s.memory as f64 / 1024.0
            );
            println!("{origin}: OK, {errors} errors, {warnings} warnings");
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let mut checks: Vec<&str> = problems
                .list
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .map(|p| p.kind.check())
                .collect();
            checks.dedup();
            println!(
                "{origin}: REJECTED by {}, {errors} errors, {warnings} warnings",
                checks.join(", ")
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
