//! Property values as stored in the graph: strings, integers, floats,
//! booleans and lists of those.

use super::intern::{Interner, Sym};

/// A stored property value.
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    /// Text.
    Str(Box<str>),
    /// A 64-bit integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A list of values (the file format allows lists of scalars).
    List(Box<[PropValue]>),
}

impl PropValue {
    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            PropValue::Int(i) => Some(*i as f64),
            PropValue::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The value as text, if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PropValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Converts to a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            PropValue::Str(s) => serde_json::Value::from(&**s),
            PropValue::Int(i) => serde_json::Value::from(*i),
            PropValue::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            PropValue::Bool(b) => serde_json::Value::from(*b),
            PropValue::List(l) => serde_json::Value::Array(l.iter().map(|v| v.to_json()).collect()),
        }
    }
}

impl std::fmt::Display for PropValue {
    /// Plain text for tables and diagrams: strings unquoted, lists in
    /// brackets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PropValue::Str(s) => f.write_str(s),
            PropValue::Int(i) => write!(f, "{i}"),
            PropValue::Float(x) => write!(f, "{}", crate::graph::value::format_float(*x)),
            PropValue::Bool(b) => write!(f, "{b}"),
            PropValue::List(l) => {
                f.write_str("[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match v {
                        PropValue::Str(s) => write!(f, "{s:?}")?,
                        other => write!(f, "{other}")?,
                    }
                }
                f.write_str("]")
            }
        }
    }
}

/// Formats a float the way JSON and Cypher print it: always with a decimal
/// point or exponent, so it reads back as a float.
pub fn format_float(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if x == x.trunc() && x.abs() < 1e16 {
        format!("{x:.1}")
    } else {
        let s = format!("{x}");
        if s.contains(['.', 'e', 'E']) {
            s
        } else {
            format!("{x:e}")
        }
    }
}

/// The properties of an entity or relation: interned keys, in the order
/// they were set. Keys are unique.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Props(Vec<(Sym, PropValue)>);

impl Props {
    /// No properties.
    pub fn new() -> Props {
        Props(Vec::new())
    }

    /// No properties yet, with room for `n` (a list that grows from empty
    /// reserves room for four, which millions of one-property relations
    /// would pay for).
    pub fn with_capacity(n: usize) -> Props {
        Props(Vec::with_capacity(n))
    }

    /// The value under `key`.
    pub fn get(&self, key: Sym) -> Option<&PropValue> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Sets `key` to `value`, returning the old value.
    pub fn insert(&mut self, key: Sym, value: PropValue) -> Option<PropValue> {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => Some(std::mem::replace(v, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: Sym) -> Option<PropValue> {
        let at = self.0.iter().position(|(k, _)| *k == key)?;
        Some(self.0.remove(at).1)
    }

    /// Removes every property.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The properties in the order they were set.
    pub fn iter(&self) -> impl Iterator<Item = (Sym, &PropValue)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    /// The properties sorted by key name, as files and outputs show them.
    pub fn sorted<'a>(&'a self, interner: &'a Interner) -> Vec<(&'a str, &'a PropValue)> {
        let mut v: Vec<(&str, &PropValue)> = self
            .0
            .iter()
            .map(|(k, v)| (interner.resolve(*k), v))
            .collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// How many properties there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_always_read_back_as_floats() {
        assert_eq!(format_float(1.0), "1.0");
        assert_eq!(format_float(-0.5), "-0.5");
        assert_eq!(format_float(1e300), "1e300");
        assert_eq!(format_float(28.7), "28.7");
        assert_eq!(format_float(f64::NAN), "NaN");
    }

    #[test]
    fn props_keep_keys_unique() {
        let mut i = Interner::default();
        let (a, b) = (i.intern("b"), i.intern("a"));
        let mut p = Props::new();
        assert_eq!(p.insert(a, PropValue::Int(1)), None);
        p.insert(b, PropValue::Bool(true));
        assert_eq!(p.insert(a, PropValue::Int(2)), Some(PropValue::Int(1)));
        assert_eq!(p.len(), 2);
        let sorted: Vec<&str> = p.sorted(&i).into_iter().map(|(k, _)| k).collect();
        assert_eq!(sorted, ["a", "b"]);
        assert_eq!(p.remove(b), Some(PropValue::Bool(true)));
        assert_eq!(p.get(b), None);
    }
}
