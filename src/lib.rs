//! kg: a knowledge-graph builder and query tool.
//!
//! The modules follow the pipeline: graph files are loaded into the
//! [`graph`] model; query text is parsed by [`query`] into an AST, planned
//! and evaluated into rows; [`output`] renders rows and graph elements;
//! [`export`] writes diagrams and exports; [`import`] builds graphs from
//! CSV, FollowTheMoney and BODS data; `cli` is the command line (with the
//! default feature `cli`).
//!
//! # Library use
//!
//! As a library, kg builds without the command line's crates (clap,
//! rustyline, signal-hook, mimalloc): turn off the default features,
//! `kg = { version = "0.1", default-features = false }`.
//!
//! The entry points, each with an example in its documentation:
//!
//! - load: [`graph::load_str`], [`graph::load_paths`];
//! - query with parameters and read the rows: [`query::run_script`],
//!   [`query::parse_script`] + [`query::execute`];
//! - export: [`export::to_text`] (DOT, Mermaid, GraphML, Cypher, JSON),
//!   [`export::query_subgraph`], [`export::csv::write_dir`];
//! - import: [`import::import`], [`import::csv::import`],
//!   [`import::ftm::import`], [`import::bods::import`];
//! - write a graph file: [`graph::to_file_text`];
//! - generate a synthetic ownership graph for benchmarks:
//!   [`generate::generate`].
//!
//! Who owns what, through chains, asked in Cypher:
//!
//! ```
//! use kg::query::{run_script, Options, Params, Value};
//!
//! let mut graph = kg::graph::load_str("holding.json", r#"{"kg": 1,
//!   "entities": [
//!     {"id": "state", "labels": ["Agency"], "name": "Ministry"},
//!     {"id": "hold", "labels": ["Company"], "name": "Holding Oy"},
//!     {"id": "grid", "labels": ["Company"], "name": "Grid Oy"}],
//!   "relations": [
//!     {"from": "state", "type": "OWNS", "to": "hold", "props": {"share": 100}},
//!     {"from": "hold", "type": "OWNS", "to": "grid", "props": {"share": 76.5}},
//!     {"from": "state", "type": "OWNS", "to": "grid", "props": {"share": 23.5}}]}"#)?;
//!
//! // Every chain of OWNS into Grid Oy from an owner at the top; the
//! // effective share is the product of the shares along each chain,
//! // summed over the chains.
//! let mut params = Params::new();
//! params.insert("target".into(), Value::Str("Grid Oy".into()));
//! let results = run_script(
//!     &mut graph,
//!     "MATCH p = (o)-[:OWNS*1..5]->(t {name: $target})
//!      WHERE NOT ()-[:OWNS]->(o)
//!      RETURN o.name AS owner, relationships(p) AS chain",
//!     &params,
//!     &Options::default(),
//! )?;
//! let share_key = graph.sym("share");
//! let mut effective = 0.0;
//! for row in &results[0].rows {
//!     assert_eq!(row[0], Value::Str("Ministry".into()));
//!     let Value::List(chain) = &row[1] else { continue };
//!     let mut product = 1.0;
//!     for link in chain {
//!         if let Value::Rel(e) = link {
//!             let share = graph
//!                 .relation(*e)
//!                 .and_then(|r| share_key.and_then(|k| r.props.get(k)))
//!                 .and_then(|v| v.as_f64());
//!             product *= share.unwrap_or(0.0) / 100.0;
//!         }
//!     }
//!     effective += product;
//! }
//! assert!((effective - 1.0).abs() < 1e-9); // 100% = 76.5% x 100% + 23.5%
//!
//! // The same graph as a Graphviz diagram.
//! let dot = kg::export::to_text(&graph, kg::export::Format::Dot, &Default::default())?;
//! assert!(dot.contains("Grid Oy"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "cli")]
pub mod alloc;
#[cfg(feature = "cli")]
pub mod cli;
pub mod export;
pub mod generate;
pub mod graph;
pub mod import;
pub mod output;
pub mod ownership;
pub mod query;
