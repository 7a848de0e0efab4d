//! Values computed by queries. Nodes and relationships stay references
//! into the graph until output.

use std::collections::BTreeMap;

use crate::graph::{EdgeIndex, NodeIndex};

/// A path: `nodes.len() == rels.len() + 1`, `rels[i]` joins `nodes[i]` and
/// `nodes[i + 1]` (in either direction).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    /// The nodes in order.
    pub nodes: Vec<NodeIndex>,
    /// The relationships in order.
    pub rels: Vec<EdgeIndex>,
}

/// A query value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`: missing or unknown.
    Null,
    /// A boolean.
    Bool(bool),
    /// A 64-bit integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<Value>),
    /// A map with its keys in order.
    Map(BTreeMap<String, Value>),
    /// A node of the graph.
    Node(NodeIndex),
    /// A relationship of the graph.
    Rel(EdgeIndex),
    /// A path through the graph.
    Path(Path),
}

use std::cmp::Ordering;

use crate::graph::value::format_float;
use crate::graph::{PropRef, PropValue};

impl Value {
    /// A property as a query value: dates read as their text, aliases as a
    /// list of strings.
    pub fn from_prop(p: PropRef<'_>) -> Value {
        match p {
            PropRef::Value(v) => Value::from_prop_value(v),
            PropRef::Str(s) => Value::Str(s.to_string()),
            PropRef::StrList(l) => {
                Value::List(l.iter().map(|s| Value::Str(s.to_string())).collect())
            }
            PropRef::Date(d) => Value::Str(d.to_string()),
        }
    }

    /// A stored value as a query value.
    pub fn from_prop_value(v: &PropValue) -> Value {
        match v {
            PropValue::Str(s) => Value::Str(s.to_string()),
            PropValue::Int(i) => Value::Int(*i),
            PropValue::Float(f) => Value::Float(*f),
            PropValue::Bool(b) => Value::Bool(*b),
            PropValue::List(l) => Value::List(l.iter().map(Value::from_prop_value).collect()),
        }
    }

    /// The value to store for `SET`: `None` for null (remove the property);
    /// an error naming the type for values that cannot be stored (maps,
    /// graph elements, lists holding those or null).
    pub fn to_prop(&self) -> Result<Option<PropValue>, &'static str> {
        Ok(Some(match self {
            Value::Null => return Ok(None),
            Value::Bool(b) => PropValue::Bool(*b),
            Value::Int(i) => PropValue::Int(*i),
            Value::Float(f) => PropValue::Float(*f),
            Value::Str(s) => PropValue::Str(s.as_str().into()),
            Value::List(l) => {
                let mut out = Vec::with_capacity(l.len());
                for v in l {
                    match v {
                        Value::List(_) => return Err("a nested list"),
                        other => match other.to_prop()? {
                            Some(p) => out.push(p),
                            None => return Err("a list holding null"),
                        },
                    }
                }
                PropValue::List(out.into())
            }
            other => return Err(other.type_name()),
        }))
    }

    /// The openCypher name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Str(_) => "a string",
            Value::List(_) => "a list",
            Value::Map(_) => "a map",
            Value::Node(_) => "a node",
            Value::Rel(_) => "a relationship",
            Value::Path(_) => "a path",
        }
    }

    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// openCypher equality (`=`): `None` when the answer is unknown (a null
    /// on either side, or inside lists and maps that are otherwise equal).
    /// Integers and floats compare by value.
    pub fn cypher_eq(&self, other: &Value) -> Option<bool> {
        match (self, other) {
            (Value::Null, _) | (_, Value::Null) => None,
            (Value::Int(a), Value::Int(b)) => Some(a == b),
            (Value::Int(a), Value::Float(b)) | (Value::Float(b), Value::Int(a)) => {
                Some(int_float_cmp(*a, *b) == Some(Ordering::Equal))
            }
            (Value::Float(a), Value::Float(b)) => Some(a == b),
            (Value::Bool(a), Value::Bool(b)) => Some(a == b),
            (Value::Str(a), Value::Str(b)) => Some(a == b),
            (Value::List(a), Value::List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                let mut unknown = false;
                for (x, y) in a.iter().zip(b) {
                    match x.cypher_eq(y) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown {
                    None
                } else {
                    Some(true)
                }
            }
            (Value::Map(a), Value::Map(b)) => {
                if a.len() != b.len() || a.keys().ne(b.keys()) {
                    return Some(false);
                }
                let mut unknown = false;
                for (x, y) in a.values().zip(b.values()) {
                    match x.cypher_eq(y) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown {
                    None
                } else {
                    Some(true)
                }
            }
            (Value::Node(a), Value::Node(b)) => Some(a == b),
            (Value::Rel(a), Value::Rel(b)) => Some(a == b),
            (Value::Path(a), Value::Path(b)) => Some(a == b),
            _ => Some(false),
        }
    }

    /// openCypher comparison (`<`, `<=`, ...): `None` when the values are
    /// not comparable (different types, null, NaN).
    pub fn cypher_cmp(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Int(a), Value::Float(b)) => int_float_cmp(*a, *b),
            (Value::Float(a), Value::Int(b)) => int_float_cmp(*b, *a).map(Ordering::reverse),
            (Value::Float(a), Value::Float(b)) => a.partial_cmp(b),
            (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::List(a), Value::List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    match x.cypher_cmp(y) {
                        Some(Ordering::Equal) => {}
                        other => return other,
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            _ => None,
        }
    }

    /// The total order of `ORDER BY`: maps, nodes, relationships, lists,
    /// paths, strings, booleans, numbers, then null; within a type, by
    /// value (NaN after every other number).
    pub fn order_cmp(&self, other: &Value) -> Ordering {
        let (ra, rb) = (self.order_rank(), other.order_rank());
        if ra != rb {
            return ra.cmp(&rb);
        }
        match (self, other) {
            (Value::Map(a), Value::Map(b)) => {
                for ((ka, va), (kb, vb)) in a.iter().zip(b) {
                    let o = ka.cmp(kb).then_with(|| va.order_cmp(vb));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Value::Node(a), Value::Node(b)) => a.cmp(b),
            (Value::Rel(a), Value::Rel(b)) => a.cmp(b),
            (Value::List(a), Value::List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    let o = x.order_cmp(y);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Value::Path(a), Value::Path(b)) => {
                a.nodes.cmp(&b.nodes).then_with(|| a.rels.cmp(&b.rels))
            }
            (Value::Str(a), Value::Str(b)) => a.cmp(b),
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (a, b) => {
                let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
                match (x.is_nan(), y.is_nan()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    _ => match (a, b) {
                        (Value::Int(i), Value::Int(j)) => i.cmp(j),
                        (Value::Int(i), Value::Float(f)) => {
                            int_float_cmp(*i, *f).unwrap_or(Ordering::Equal)
                        }
                        (Value::Float(f), Value::Int(i)) => {
                            int_float_cmp(*i, *f).unwrap_or(Ordering::Equal).reverse()
                        }
                        _ => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
                    },
                }
            }
        }
    }

    fn order_rank(&self) -> u8 {
        match self {
            Value::Map(_) => 0,
            Value::Node(_) => 1,
            Value::Rel(_) => 2,
            Value::List(_) => 3,
            Value::Path(_) => 4,
            Value::Str(_) => 5,
            Value::Bool(_) => 6,
            Value::Int(_) | Value::Float(_) => 7,
            Value::Null => 8,
        }
    }

    /// The value as a float, if it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Feeds the value's [`GroupKey`] to a hasher without building it:
    /// values that [`Value::group_eq`] holds equal hash the same.
    pub fn group_hash<H: std::hash::Hasher>(&self, h: &mut H) {
        use std::hash::Hash;
        match self {
            Value::Str(s) => {
                h.write_u8(1);
                s.hash(h);
            }
            Value::Int(i) => {
                h.write_u8(2);
                h.write_i64(*i);
            }
            Value::Node(n) => {
                h.write_u8(3);
                h.write_usize(n.index());
            }
            Value::Rel(r) => {
                h.write_u8(4);
                h.write_usize(r.index());
            }
            Value::Null => h.write_u8(5),
            other => match other.group_key() {
                GroupKey::Int(i) => {
                    h.write_u8(2);
                    h.write_i64(i);
                }
                key => {
                    h.write_u8(6);
                    key.hash(h);
                }
            },
        }
    }

    /// Whether `DISTINCT` and grouping treat the two values as the same
    /// (their [`GroupKey`]s are equal).
    pub fn group_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Node(a), Value::Node(b)) => a == b,
            (Value::Rel(a), Value::Rel(b)) => a == b,
            (Value::Null, Value::Null) => true,
            _ => self.group_key() == other.group_key(),
        }
    }

    /// A key that is equal for values that `DISTINCT` and grouping treat
    /// as the same: null equals null, `1` equals `1.0`, NaN equals NaN.
    pub fn group_key(&self) -> GroupKey {
        match self {
            Value::Null => GroupKey::Null,
            Value::Bool(b) => GroupKey::Bool(*b),
            Value::Int(i) => GroupKey::Int(*i),
            Value::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    GroupKey::Int(*f as i64)
                } else if f.is_nan() {
                    GroupKey::Float(u64::MAX)
                } else {
                    GroupKey::Float(f.to_bits())
                }
            }
            Value::Str(s) => GroupKey::Str(s.clone()),
            Value::List(l) => GroupKey::List(l.iter().map(Value::group_key).collect()),
            Value::Map(m) => {
                GroupKey::Map(m.iter().map(|(k, v)| (k.clone(), v.group_key())).collect())
            }
            Value::Node(n) => GroupKey::Node(n.index()),
            Value::Rel(r) => GroupKey::Rel(r.index()),
            Value::Path(p) => GroupKey::Path(
                p.nodes.iter().map(|n| n.index()).collect(),
                p.rels.iter().map(|r| r.index()).collect(),
            ),
        }
    }
}

/// Compares an integer with a float exactly (no rounding of large
/// integers); `None` for NaN.
fn int_float_cmp(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f >= 9.3e18 {
        return Some(Ordering::Less);
    }
    if f <= -9.3e18 {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    match i.cmp(&(t as i64)) {
        Ordering::Equal => 0.0f64.partial_cmp(&(f - t)),
        o => Some(o),
    }
}

/// A hashable stand-in for a [`Value`], for `DISTINCT` and grouping.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupKey {
    /// null
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer, or a float with an integral value.
    Int(i64),
    /// Any other float, by its bits (one NaN).
    Float(u64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<GroupKey>),
    /// A map.
    Map(Vec<(String, GroupKey)>),
    /// A node.
    Node(usize),
    /// A relationship.
    Rel(usize),
    /// A path.
    Path(Vec<usize>, Vec<usize>),
}

impl std::fmt::Display for Value {
    /// Cypher-like text: strings quoted inside lists and maps, bare at the
    /// top level; nodes and relationships by index.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn inner(v: &Value, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match v {
                Value::Str(s) => write!(f, "'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
                other => write!(f, "{other}"),
            }
        }
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&format_float(*x)),
            Value::Str(s) => f.write_str(s),
            Value::List(l) => {
                f.write_str("[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    inner(v, f)?;
                }
                f.write_str("]")
            }
            Value::Map(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: ")?;
                    inner(v, f)?;
                }
                f.write_str("}")
            }
            Value::Node(n) => write!(f, "(#{})", n.index()),
            Value::Rel(r) => write!(f, "[#{}]", r.index()),
            Value::Path(p) => write!(f, "<path of {} relationships>", p.rels.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_three_valued() {
        let l = |v: Vec<Value>| Value::List(v);
        assert_eq!(Value::Int(1).cypher_eq(&Value::Float(1.0)), Some(true));
        assert_eq!(Value::Null.cypher_eq(&Value::Null), None);
        assert_eq!(
            l(vec![Value::Int(1), Value::Null]).cypher_eq(&l(vec![Value::Int(2), Value::Null])),
            Some(false)
        );
        assert_eq!(
            l(vec![Value::Int(1), Value::Null]).cypher_eq(&l(vec![Value::Int(1), Value::Null])),
            None
        );
        assert_eq!(
            Value::Float(f64::NAN).cypher_eq(&Value::Float(f64::NAN)),
            Some(false)
        );
        assert_eq!(
            Value::Str("a".into()).cypher_eq(&Value::Int(1)),
            Some(false)
        );
    }

    #[test]
    fn ordering_spans_types() {
        let mut v = [
            Value::Null,
            Value::Int(2),
            Value::Float(1.5),
            Value::Str("a".into()),
            Value::Bool(false),
            Value::List(vec![]),
            Value::Float(f64::NAN),
        ];
        v.sort_by(|a, b| a.order_cmp(b));
        assert_eq!(v[0], Value::List(vec![]));
        assert_eq!(v[1], Value::Str("a".into()));
        assert_eq!(v[3], Value::Float(1.5));
        assert_eq!(v[4], Value::Int(2));
        assert!(matches!(v[5], Value::Float(f) if f.is_nan()));
        assert_eq!(v[6], Value::Null);
        assert_eq!(Value::Int(1).cypher_cmp(&Value::Str("a".into())), None);
        assert_eq!(
            Value::Int(i64::MAX).cypher_cmp(&Value::Float(9.3e18)),
            Some(Ordering::Less)
        );
    }

    #[test]
    fn grouping_treats_one_and_one_point_zero_alike() {
        assert_eq!(Value::Int(1).group_key(), Value::Float(1.0).group_key());
        assert_eq!(Value::Null.group_key(), Value::Null.group_key());
        assert_ne!(
            Value::Int(1).group_key(),
            Value::Str("1".into()).group_key()
        );
    }

    #[test]
    fn only_scalars_and_lists_of_them_are_stored() {
        assert_eq!(Value::Null.to_prop(), Ok(None));
        assert!(Value::Map(BTreeMap::new()).to_prop().is_err());
        assert!(Value::List(vec![Value::Null]).to_prop().is_err());
        assert_eq!(
            Value::List(vec![Value::Int(1)]).to_prop(),
            Ok(Some(PropValue::List(vec![PropValue::Int(1)].into())))
        );
    }
}
