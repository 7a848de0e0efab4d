//! kg: a knowledge-graph builder and query tool.
//!
//! The modules follow the pipeline: graph files are loaded into the
//! [`graph`] model; query text is parsed by [`query`] into an AST, planned
//! and evaluated into rows; [`output`] renders rows and graph elements;
//! [`export`] writes diagrams and exports; [`cli`] is the command line.

pub mod cli;
pub mod export;
pub mod graph;
pub mod import;
pub mod output;
pub mod query;
