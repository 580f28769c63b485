//! Zone files to immutable, indexed zone snapshots.
//!
//! ```text
//! file ─► lexer (tokens with file:line:col) ─► parse (directives, rdata)
//!      ─► build (checks, canonical order, indexes, precomputed facts) ─► Zone
//!      ─► Snapshot {origin → Arc<Zone>} ─► ArcSwap, swapped on reload
//! ```
//!
//! [`load_zone`] reads one file; [`directory::ZoneDirectory`] keeps a
//! directory of zone files and reloads only what changed. [`wire`] holds the
//! query parser and response writer both servers use on their hot paths.

pub mod build;
mod checks;
#[cfg(test)]
mod checks_tests;
pub mod directory;
pub mod dnssec;
pub mod generate;
pub mod lexer;
#[cfg(test)]
mod lexing_tests;
mod owners;
pub mod parse;
#[cfg(test)]
mod parse_tests;
pub mod problem;
pub mod rdata;
pub mod rtype;
pub mod snapshot;
pub mod ttl;
pub mod wire;
pub mod zone;

use std::path::{Path, PathBuf};

pub use build::ZoneBuilder;
pub use problem::{Problem, ProblemKind, Problems, Severity};
pub use snapshot::{SharedSnapshot, Snapshot};
pub use wire::name::Name;
pub use zone::{Lookup, Zone};

/// Loads the zone file at `path` for `origin`. Returns the zone with its
/// warnings, or every problem found when any is an error; and the files
/// read (the zone file and its includes).
pub fn load_zone(path: &Path, origin: &Name) -> (Result<(Zone, Problems), Problems>, Vec<PathBuf>) {
    let mut builder = ZoneBuilder::new(origin);
    if let Ok(meta) = std::fs::metadata(path) {
        builder.expect_text(usize::try_from(meta.len()).unwrap_or(usize::MAX));
    }
    let mut sink =
        |record: parse::ParsedRecord<'_>, problems: &mut Problems| builder.add(record, problems);
    let mut parser = parse::Parser::new(&mut sink);
    parser.parse_file(path, origin);
    let (mut problems, files) = (parser.problems, parser.files);
    let result = match finish(builder, &mut problems) {
        Some(zone) => Ok((zone, problems)),
        None => Err(problems),
    };
    (result, files)
}

/// Builds a zone from master-file text (tests, tools); `name` labels problems.
pub fn zone_from_str(text: &str, origin: &Name, name: &str) -> Result<(Zone, Problems), Problems> {
    zone_from_bytes(text.as_bytes(), origin, name)
}

/// Builds a zone from master-file bytes (need not be UTF-8); `name` labels problems.
pub fn zone_from_bytes(
    text: &[u8],
    origin: &Name,
    name: &str,
) -> Result<(Zone, Problems), Problems> {
    let mut builder = ZoneBuilder::new(origin);
    let mut sink =
        |record: parse::ParsedRecord<'_>, problems: &mut Problems| builder.add(record, problems);
    let mut parser = parse::Parser::new(&mut sink);
    parser.parse_bytes(text, Path::new(name), origin);
    let mut problems = parser.problems;
    match finish(builder, &mut problems) {
        Some(zone) => Ok((zone, problems)),
        None => Err(problems),
    }
}

fn finish(builder: ZoneBuilder, problems: &mut Problems) -> Option<Zone> {
    if problems.errors() > 0 {
        // Still run the zone checks so that one run reports everything.
        let _ = builder.finish(problems);
        return None;
    }
    builder.finish(problems)
}
