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
