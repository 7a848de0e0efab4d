//! Interned strings: labels, relation types and property keys repeat
//! millions of times in a large graph, so each is stored once and referred
//! to by a small number.

use super::FastMap;

/// A handle to an interned string. Only meaningful with the [`Interner`]
/// that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(u32);

impl Sym {
    /// The handle's number, for compact storage.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The handle with number `i` (for tests and compact storage).
    pub(crate) fn from_index(i: usize) -> Sym {
        Sym(u32::try_from(i).unwrap_or(u32::MAX))
    }
}

/// A table of strings, each stored once.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    map: FastMap<Box<str>, Sym>,
    names: Vec<Box<str>>,
}

impl Interner {
    /// The handle of `s`, adding it if it is new.
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.map.get(s) {
            return sym;
        }
        let sym = Sym(self.names.len() as u32);
        self.names.push(s.into());
        self.map.insert(s.into(), sym);
        sym
    }

    /// The handle of `s` if it was ever interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.map.get(s).copied()
    }

    /// The string behind a handle.
    pub fn resolve(&self, sym: Sym) -> &str {
        self.names.get(sym.index()).map_or("", |s| s)
    }

    /// How many strings are interned.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Every string, in handle order (the first interned first).
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.names.iter().map(|s| &**s)
    }

    /// Whether nothing is interned yet.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_twice_gives_the_same_handle() {
        let mut i = Interner::default();
        let a = i.intern("OWNS");
        let b = i.intern("PART_OF");
        assert_eq!(i.intern("OWNS"), a);
        assert_ne!(a, b);
        assert_eq!(i.resolve(b), "PART_OF");
        assert_eq!(i.get("OWNS"), Some(a));
        assert_eq!(i.get("owns"), None);
        assert_eq!(i.len(), 2);
    }
}
