//! The disk copy of a secondary zone: `<state-dir>/secondary/<origin>zone`
//! (e.g. `example.org.zone`), a master file zone-loader reads back, and
//! its modification time, the last successful refresh (the expire clock
//! survives a restart).
//!
//! Written atomically: a temporary file, fsync, rename over the old copy,
//! fsync of the directory; a crash leaves the old or the new copy whole.
//! Records are written one a line with absolute owners and numeric TTLs;
//! the rdata of A, AAAA, NS, CNAME, DNAME, PTR, MX, SOA and TXT as text,
//! every other type as RFC 3597 generic rdata (`\# LEN HEX`; there is no
//! general rdata-to-text writer yet). Both read back exactly what was
//! received, the case of names included.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use std::net::{Ipv4Addr, Ipv6Addr};

use zone_loader::rtype::code;
use zone_loader::wire::name::{wire_len, write_presentation};
use zone_loader::{Name, Zone};

/// The secondary zones' folder in the state directory.
pub fn dir(state_dir: &Path) -> PathBuf {
    state_dir.join("secondary")
}

/// Where the copy of `origin` lives.
pub fn path(state_dir: &Path, origin: &Name) -> PathBuf {
    let stem = if origin.is_root() {
        "root.".to_owned()
    } else {
        origin.to_string()
    };
    dir(state_dir).join(format!("{stem}zone"))
}

/// `zone` as master-file text.
pub fn to_text(zone: &Zone) -> String {
    let mut text = String::with_capacity(zone.stats().records * 48);
    let _ = writeln!(
        text,
        "; {} serial {}, written by authdns",
        zone.origin(),
        zone.serial()
    );
    for node in zone.nodes() {
        let mut owner = String::new();
        let _ = write_presentation(zone.name(node), &mut owner);
        for rrset in zone.rrsets(node) {
            let mnemonic = zone_loader::rtype::mnemonic(rrset.rtype);
            for rdata in zone.records(rrset) {
                let _ = write!(text, "{owner} {} IN {mnemonic} ", rrset.ttl);
                let mark = text.len();
                if write_rdata(rrset.rtype, rdata, &mut text).is_none() {
                    text.truncate(mark);
                    let _ = write!(text, "\\# {}", rdata.len());
                    if !rdata.is_empty() {
                        text.push(' ');
                        text.push_str(&data_encoding::HEXUPPER.encode(rdata));
                    }
                }
                text.push('\n');
            }
        }
    }
    text
}

/// Writes the rdata of the common types as text; `None` (with part of it
/// written) for other types or rdata that does not read as its type.
fn write_rdata(rtype: u16, rdata: &[u8], out: &mut String) -> Option<()> {
    match rtype {
        code::A => {
            let octets: [u8; 4] = rdata.try_into().ok()?;
            let _ = write!(out, "{}", Ipv4Addr::from(octets));
        }
        code::AAAA => {
            let octets: [u8; 16] = rdata.try_into().ok()?;
            let _ = write!(out, "{}", Ipv6Addr::from(octets));
        }
        code::NS | code::CNAME | code::DNAME | code::PTR => {
            (name(rdata, out)? == rdata.len()).then_some(())?;
        }
        code::MX => {
            let preference = u16::from_be_bytes(rdata.get(..2)?.try_into().ok()?);
            let _ = write!(out, "{preference} ");
            (2 + name(&rdata[2..], out)? == rdata.len()).then_some(())?;
        }
        code::SOA => {
            let mut at = name(rdata, out)?;
            out.push(' ');
            at += name(&rdata[at..], out)?;
            let timers = rdata.get(at..)?;
            if timers.len() != 20 {
                return None;
            }
            for field in timers.chunks_exact(4) {
                let _ = write!(out, " {}", u32::from_be_bytes(field.try_into().ok()?));
            }
        }
        code::TXT if !rdata.is_empty() => {
            let mut rest = rdata;
            while let Some((&len, tail)) = rest.split_first() {
                let string = tail.get(..usize::from(len))?;
                out.push('"');
                for &b in string {
                    match b {
                        b'"' | b'\\' => {
                            out.push('\\');
                            out.push(char::from(b));
                        }
                        0x20..=0x7e => out.push(char::from(b)),
                        _ => {
                            let _ = write!(out, "\\{b:03}");
                        }
                    }
                }
                out.push_str("\" ");
                rest = &tail[usize::from(len)..];
            }
            // The space after the last string.
            out.pop();
        }
        _ => return None,
    }
    Some(())
}

/// Writes the uncompressed name at the start of `rdata`; its length.
fn name(rdata: &[u8], out: &mut String) -> Option<usize> {
    let len = wire_len(rdata).ok()?;
    write_presentation(&rdata[..len], out).ok()?;
    Some(len)
}

/// Writes `zone` to its place under `state_dir`, atomically, with the
/// modification time `refreshed`.
pub fn save(state_dir: &Path, zone: &Zone, refreshed: SystemTime) -> io::Result<PathBuf> {
    let path = path(state_dir, zone.origin());
    let folder = dir(state_dir);
    fs::create_dir_all(&folder)?;
    let temp = path.with_extension("zone.tmp");
    {
        let mut file = File::create(&temp)?;
        file.write_all(to_text(zone).as_bytes())?;
        file.set_modified(refreshed)?;
        file.sync_all()?;
    }
    fs::rename(&temp, &path)?;
    File::open(&folder)?.sync_all()?;
    Ok(path)
}

/// Records a successful refresh that changed nothing: the copy's
/// modification time becomes `refreshed`.
pub fn touch(state_dir: &Path, origin: &Name, refreshed: SystemTime) -> io::Result<()> {
    let file = File::options().write(true).open(path(state_dir, origin))?;
    file.set_modified(refreshed)?;
    file.sync_all()
}

/// A copy read back from disk.
#[derive(Debug)]
pub struct Stored {
    /// The zone.
    pub zone: Zone,
    /// When it was last refreshed.
    pub refreshed: SystemTime,
}

/// Reads the copy of `origin`: `Ok(None)` when there is none; an error
/// (with every problem) when it does not load.
pub fn load(state_dir: &Path, origin: &Name) -> Result<Option<Stored>, String> {
    let path = path(state_dir, origin);
    let refreshed = match fs::metadata(&path).and_then(|m| m.modified()) {
        Ok(time) => time,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    match zone_loader::load_zone(&path, origin).0 {
        Ok((zone, _)) => Ok(Some(Stored { zone, refreshed })),
        Err(problems) => Err(problems
            .list
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")),
    }
}
