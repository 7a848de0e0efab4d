//! Ids as keys of the id index.
//!
//! Loading a large graph looks up both ends of every relation by id. With
//! the id on the heap, each look-up reads the table's slot and then, to
//! compare, the id's own memory elsewhere: two cache misses. An id short
//! enough is kept in the key itself, so the comparison reads only the
//! slot.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

/// The longest id kept inside the key.
const INLINE: usize = 22;

/// An entity id, kept inline when it is at most 22 bytes long.
#[derive(Clone)]
pub struct IdKey(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl IdKey {
    /// The key of `id`.
    pub fn new(id: &str) -> IdKey {
        let mut bytes = [0u8; INLINE];
        match bytes.get_mut(..id.len()) {
            Some(head) => {
                head.copy_from_slice(id.as_bytes());
                IdKey(Repr::Inline {
                    len: id.len() as u8,
                    bytes,
                })
            }
            None => IdKey(Repr::Heap(id.into())),
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => bytes
                .get(..*len as usize)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Repr::Heap(s) => s,
        }
    }
}

impl Borrow<str> for IdKey {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Hash for IdKey {
    /// As the id's `str` hashes, so that look-ups by `&str` find it.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq for IdKey {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for IdKey {}

impl std::fmt::Debug for IdKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::FastMap;

    #[test]
    fn short_and_long_ids_are_found_by_their_text() {
        let ids = [
            "",
            "c299722",
            "exactly-twenty-two-ch",
            "exactly-twenty-two-chr",
            "a-much-longer-id-than-fits-inline",
            "Анна",
        ];
        let mut map: FastMap<IdKey, usize> = FastMap::default();
        for (i, id) in ids.iter().enumerate() {
            map.insert(IdKey::new(id), i);
        }
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(map.get(*id), Some(&i));
            assert_eq!(IdKey::new(id).as_str(), *id);
        }
        assert!(matches!(
            IdKey::new("exactly-twenty-two-chr").0,
            Repr::Inline { len: 22, .. }
        ));
        assert!(matches!(
            IdKey::new("exactly-twenty-two-chr!").0,
            Repr::Heap(_)
        ));
        assert_eq!(map.get("c29972"), None);
        assert_eq!(std::mem::size_of::<IdKey>(), 24);
    }
}
