//! A journal on disk: `<state-dir>/journal/<zone>.journal`, rewritten
//! whole on every change (it is bounded) and replaced atomically: written
//! to a temporary file, synced, renamed over the old one, and the
//! directory synced, so a crash leaves the old or the new journal.
//!
//! ```text
//! "ADNSJNL1" | origin (length, wire) | count (u32)
//! per changeset: old SOA (TTL u32, length u16, rdata) | removed (count u32, length u32, records)
//!                new SOA (same)                        | added (same)
//! SHA-256 of everything before
//! ```
//!
//! A file that is torn, altered, for another zone or not an unbroken
//! chain of serials is refused whole ([`Corrupt`]); the zone then starts
//! a new journal.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zone_loader::Name;
use zone_loader::rtype::code;

use std::sync::Arc;

use super::{Changeset, Records, Soa, rdata_ok};

const MAGIC: &[u8; 8] = b"ADNSJNL1";
const CHECKSUM_LEN: usize = 32;
/// The fixed octets of a changeset on disk: two SOA headers (TTL and
/// length) and two record-list headers (count and length).
pub const CHANGESET_OVERHEAD: usize = 2 * 6 + 2 * 8;

/// Why a journal file was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corrupt {
    /// Shorter than its header and checksum.
    Truncated,
    /// Not a journal file (or another version of the format).
    BadMagic,
    /// The checksum does not match: torn or altered.
    Checksum,
    /// The journal of another zone.
    OtherZone,
    /// The checksum holds but the content does not parse, or its
    /// serials do not chain.
    Malformed,
}

impl fmt::Display for Corrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Truncated => "the file is truncated",
            Self::BadMagic => "not an authdns journal",
            Self::Checksum => "checksum mismatch (torn or altered file)",
            Self::OtherZone => "the journal of another zone",
            Self::Malformed => "malformed changesets",
        })
    }
}

/// A journal file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be read.
    Io(io::Error),
    /// The file was read but refused.
    Corrupt(Corrupt),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "{e}"),
            Self::Corrupt(c) => write!(f, "{c}"),
        }
    }
}

/// The journal file of `origin` in `dir`. Characters other than letters,
/// digits, `-`, `_` and `.` are written `%xx`, so any name is one file.
pub fn path(dir: &Path, origin: &Name) -> PathBuf {
    let text = origin.to_string();
    let mut file = String::new();
    if origin.is_root() {
        file.push_str("root.");
    }
    for byte in text.bytes().filter(|_| !origin.is_root()) {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.') {
            file.push(char::from(byte.to_ascii_lowercase()));
        } else {
            file.push_str(&format!("%{byte:02x}"));
        }
    }
    file.push_str("journal");
    dir.join(file)
}

/// Reads the journal of `origin` at `path`: `None` if there is no file.
pub fn read(path: &Path, origin: &[u8]) -> Result<Option<Vec<Changeset>>, ReadError> {
    match fs::read(path) {
        Ok(bytes) => decode(&bytes, origin).map(Some).map_err(ReadError::Corrupt),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ReadError::Io(e)),
    }
}

/// Writes the journal `changesets` of `origin` to `path` atomically (an
/// empty journal removes the file), creating `dir` if needed.
pub fn write(
    dir: &Path,
    path: &Path,
    origin: &[u8],
    changesets: &[Arc<Changeset>],
) -> io::Result<()> {
    if changesets.is_empty() {
        remove(path);
        return Ok(());
    }
    fs::create_dir_all(dir)?;
    let bytes = encode(origin, changesets.iter().map(|c| &**c));
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    let temp = PathBuf::from(temp);
    let mut file = File::create(&temp)?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temp, path)?;
    File::open(dir)?.sync_all()
}

/// Removes the journal file at `path`, if any; a failure is logged.
pub fn remove(path: &Path) {
    match fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => tracing::error!("cannot remove journal {}: {e}", path.display()),
    }
}

/// The file's bytes for the changesets of `origin`.
pub fn encode<'c>(
    origin: &[u8],
    changesets: impl ExactSizeIterator<Item = &'c Changeset>,
) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.push(origin.len() as u8);
    out.extend_from_slice(origin);
    out.extend_from_slice(&(changesets.len() as u32).to_be_bytes());
    for changeset in changesets {
        for (soa, records) in [
            (&changeset.old_soa, &changeset.removed),
            (&changeset.new_soa, &changeset.added),
        ] {
            out.extend_from_slice(&soa.ttl.to_be_bytes());
            out.extend_from_slice(&(soa.rdata.len() as u16).to_be_bytes());
            out.extend_from_slice(&soa.rdata);
            out.extend_from_slice(&records.len().to_be_bytes());
            out.extend_from_slice(&(records.as_bytes().len() as u32).to_be_bytes());
            out.extend_from_slice(records.as_bytes());
        }
    }
    seal(&out)
}

/// A journal file's bytes for `body`: the body and its checksum.
pub fn seal(body: &[u8]) -> Vec<u8> {
    let mut file = Vec::with_capacity(body.len() + CHECKSUM_LEN);
    file.extend_from_slice(body);
    file.extend_from_slice(&Sha256::digest(body));
    file
}

/// The changesets of a journal file, checked: checksum, zone, format,
/// and serials that chain.
pub fn decode(bytes: &[u8], origin: &[u8]) -> Result<Vec<Changeset>, Corrupt> {
    let body_len = bytes
        .len()
        .checked_sub(CHECKSUM_LEN)
        .filter(|&n| n >= MAGIC.len())
        .ok_or(Corrupt::Truncated)?;
    let (body, checksum) = bytes.split_at(body_len);
    if &body[..MAGIC.len()] != MAGIC {
        return Err(Corrupt::BadMagic);
    }
    if Sha256::digest(body).as_slice() != checksum {
        return Err(Corrupt::Checksum);
    }
    let mut reader = Reader {
        bytes: body,
        at: MAGIC.len(),
    };
    let name_len = usize::from(reader.u8()?);
    if !reader.take(name_len)?.eq_ignore_ascii_case(origin) {
        return Err(Corrupt::OtherZone);
    }
    let count = reader.u32()?;
    let mut changesets: Vec<Changeset> = Vec::new();
    for _ in 0..count {
        let (old_soa, removed) = reader.half()?;
        let (new_soa, added) = reader.half()?;
        let changeset = Changeset {
            old_soa,
            removed,
            new_soa,
            added,
        };
        if changeset.old_soa.serial().is_none()
            || changeset.new_soa.serial().is_none()
            || changesets
                .last()
                .is_some_and(|c| c.to() != changeset.from())
        {
            return Err(Corrupt::Malformed);
        }
        changesets.push(changeset);
    }
    if reader.at != body.len() {
        return Err(Corrupt::Malformed);
    }
    Ok(changesets)
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, len: usize) -> Result<&'b [u8], Corrupt> {
        let slice = self
            .bytes
            .get(self.at..self.at.saturating_add(len))
            .ok_or(Corrupt::Malformed)?;
        self.at += len;
        Ok(slice)
    }

    fn u8(&mut self) -> Result<u8, Corrupt> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, Corrupt> {
        Ok(u16::from_be_bytes(
            self.take(2)?.try_into().map_err(|_| Corrupt::Malformed)?,
        ))
    }

    fn u32(&mut self) -> Result<u32, Corrupt> {
        Ok(u32::from_be_bytes(
            self.take(4)?.try_into().map_err(|_| Corrupt::Malformed)?,
        ))
    }

    /// An SOA and the record list after it.
    fn half(&mut self) -> Result<(Soa, Records), Corrupt> {
        let ttl = self.u32()?;
        let len = usize::from(self.u16()?);
        let rdata: Box<[u8]> = self.take(len)?.into();
        if !rdata_ok(code::SOA, &rdata) {
            return Err(Corrupt::Malformed);
        }
        let count = self.u32()?;
        let len = self.u32()? as usize;
        let records =
            Records::from_bytes(self.take(len)?.to_vec(), count).ok_or(Corrupt::Malformed)?;
        Ok((Soa { ttl, rdata }, records))
    }
}
