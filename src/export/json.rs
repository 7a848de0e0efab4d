//! A graph file, format version 1, in the canonical layout of
//! [`crate::graph::write`]: loading it and exporting it again gives the
//! same bytes.

use crate::graph::{to_file_text, Graph, WriteError};

/// The graph as a graph file.
pub fn to_json(graph: &Graph) -> Result<String, WriteError> {
    to_file_text(graph)
}
