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
pub mod write;

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
