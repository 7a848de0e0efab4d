//! The graph model: entities and relations in petgraph, their indexes, and
//! reading and writing graph files (JSON, format version 1), and compiled
//! snapshots of loaded graphs.

pub mod adjacency;
pub mod cache;
pub mod column;
pub mod date;
pub mod fold;
pub mod frozen;
pub mod id_key;
pub mod intern;
pub mod json;
pub mod load;
pub mod lookup;
pub mod mapped;
pub mod model;
pub mod save;
pub mod snapshot;
pub mod stream;
pub mod value;
pub mod visit;
pub mod write;

/// The built-in graph: the rare-earths-2025 seed graph, the text of
/// `graphs/rare-earths-2025.json`.
pub const BUILTIN_GRAPH: &str = include_str!("../../graphs/rare-earths-2025.json");
/// How the built-in graph is named in messages.
pub const BUILTIN_NAME: &str = "<built-in rare-earths-2025.json>";

/// The hash map of the graph's indexes: a fast hasher, seeded per process.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

pub use date::Date;
pub use intern::{Interner, Sym};
pub use load::{load_paths, load_paths_with, load_str, LoadError, Problem, Progress};
pub use model::{
    Changes, Entity, Graph, GraphError, PropRef, Provenance, Relation, Source, SOURCE_LABEL,
};
pub use petgraph::stable_graph::{EdgeIndex, NodeIndex};
pub use petgraph::Direction;
pub use value::{PropValue, Props};
pub use write::{to_file_text, WriteError};
