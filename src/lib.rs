//! kg: a knowledge-graph builder and query tool.
//!
//! The modules follow the pipeline: graph files are loaded into the
//! [`graph`] model; query text is parsed by [`query`] into an AST, planned
//! and evaluated into rows.

pub mod graph;
pub mod query;
