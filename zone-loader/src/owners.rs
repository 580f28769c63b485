//! The owner names of a zone being built, interned in one buffer.
//!
//! A million-record zone has most of a million owner names. Held as a
//! `Name` each, they cost an allocation apiece and, during a reload, tens
//! of MiB beside the zone being replaced and the zone being built. Here
//! they are lowercase wire names end to end in one `Vec<u8>`, found again
//! through a hash table of their ids.

use hashbrown::HashTable;

use crate::zone::hash_name;

/// Lowercase wire-format names, each with a dense id in order of arrival.
#[derive(Default)]
pub(crate) struct OwnerNames {
    bytes: Vec<u8>,
    ends: Vec<u32>,
    table: HashTable<u32>,
}

impl OwnerNames {
    /// The id of `wire` (lowercased here), added if new.
    pub(crate) fn intern(&mut self, wire: &[u8]) -> u32 {
        let mut lower = [0u8; 255];
        let lower = &mut lower[..wire.len()];
        lower.copy_from_slice(wire);
        lower.make_ascii_lowercase();
        let hash = hash_name(lower);
        let Self { bytes, ends, table } = self;
        let name = |id: u32| name_of(bytes, ends, id);
        if let Some(&id) = table.find(hash, |&id| name(id) == lower) {
            return id;
        }
        let id = ends.len() as u32;
        bytes.extend_from_slice(lower);
        ends.push(bytes.len() as u32);
        table.insert_unique(hash, id, |&id| hash_name(name_of(bytes, ends, id)));
        id
    }

    /// Makes room for about `names` more names of `bytes` octets in all,
    /// so that the table is not rebuilt again and again as it grows.
    pub(crate) fn reserve(&mut self, names: usize, bytes: usize) {
        self.bytes.reserve(bytes);
        self.ends.reserve(names);
        let Self { bytes, ends, table } = self;
        table.reserve(names, |&id| hash_name(name_of(bytes, ends, id)));
    }

    /// The name with this id.
    pub(crate) fn get(&self, id: u32) -> &[u8] {
        name_of(&self.bytes, &self.ends, id)
    }

    /// How many names there are.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The octets of all names together.
    pub(crate) fn total_len(&self) -> usize {
        self.bytes.len()
    }
}

fn name_of<'a>(bytes: &'a [u8], ends: &[u32], id: u32) -> &'a [u8] {
    let start = match id {
        0 => 0,
        _ => ends[id as usize - 1] as usize,
    };
    &bytes[start..ends[id as usize] as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_interned_once_whatever_their_case() {
        let mut owners = OwnerNames::default();
        let www = owners.intern(b"\x03WWW\x07example\x00");
        let apex = owners.intern(b"\x07example\x00");
        assert_eq!(owners.intern(b"\x03www\x07EXAMPLE\x00"), www);
        assert_ne!(www, apex);
        assert_eq!(owners.get(www), b"\x03www\x07example\x00");
        assert_eq!(owners.len(), 2);
        assert_eq!(owners.total_len(), 13 + 9);
    }
}
