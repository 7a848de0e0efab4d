//! Exports: the graph, or the part of it a query found, as a Graphviz
//! diagram, a Mermaid flowchart, GraphML, a Cypher script, CSV files for
//! bulk import, or a graph file (JSON, format version 1).
//!
//! Exporting runs in two steps. First a subgraph is selected: the whole
//! graph ([`whole_graph`]) or every node, relationship and path found in a
//! query's result rows ([`query_subgraph`]). The subgraph is a [`Graph`] of
//! its own, so each writer (one module per format) only ever sees "the
//! graph to write". Then a writer turns it into text.

pub mod csv;
pub mod cypher;
pub mod dot;
pub mod file;
pub mod graphml;
pub mod json;
pub mod mermaid;
pub mod render;
mod style;
mod text;

use std::borrow::Cow;
use std::collections::BTreeSet;

use crate::graph::{Date, EdgeIndex, Graph, NodeIndex, WriteError};
use crate::query::{self, QueryResult, Value};

/// The formats `kg export --to` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart (renders in GitHub markdown).
    Mermaid,
    /// GraphML (Gephi, yEd, NetworkX).
    Graphml,
    /// A script of openCypher CREATE statements.
    Cypher,
    /// CSV files with Neo4j bulk-import headers (a directory).
    Csv,
    /// A graph file, format version 1.
    Json,
}

impl Format {
    /// The usual file extension, without the dot (`None` for CSV, which
    /// writes a directory).
    pub fn file_extension(self) -> Option<&'static str> {
        match self {
            Format::Dot => Some("dot"),
            Format::Mermaid => Some("mmd"),
            Format::Graphml => Some("graphml"),
            Format::Cypher => Some("cypher"),
            Format::Csv => None,
            Format::Json => Some("json"),
        }
    }
}

/// Graphviz rank directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RankDir {
    /// Top to bottom.
    TB,
    /// Left to right (the default: edge labels read along the edges).
    #[default]
    LR,
    /// Bottom to top.
    BT,
    /// Right to left.
    RL,
}

impl RankDir {
    /// The Graphviz name.
    pub fn as_str(self) -> &'static str {
        match self {
            RankDir::TB => "TB",
            RankDir::LR => "LR",
            RankDir::BT => "BT",
            RankDir::RL => "RL",
        }
    }
}

/// How diagrams group nodes into boxes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterBy {
    /// By the node's main label (the one that decides its shape).
    Label,
    /// By the value of a property (`country`); nodes without it stay
    /// outside every box.
    Property(String),
}

/// Options of the diagram formats (DOT and Mermaid).
#[derive(Debug, Clone, Default)]
pub struct DiagramOptions {
    /// The direction of the layout.
    pub rankdir: RankDir,
    /// Boxes around groups of nodes.
    pub cluster_by: Option<ClusterBy>,
    /// Relations whose `until` ends before this date are drawn dashed (no
    /// longer valid). The command line passes `--as-of`, else today.
    pub ended_before: Option<Date>,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The `--query` text failed to parse or run; the message is rendered
    /// with the query line and a caret.
    #[error("{0}")]
    Query(String),
    /// The `--query` ran past its deadline (`--timeout`); the message says
    /// so.
    #[error("{0}")]
    TimedOut(String),
    /// The `--query` text would change the graph.
    #[error("the statement at line {line}, column {column} changes the graph; an export query only reads (MATCH ... RETURN p)")]
    Mutating {
        /// 1-based line of the statement.
        line: usize,
        /// 1-based column of the statement.
        column: usize,
    },
    /// The query found rows, but none holds a node, relationship or path.
    #[error("the query's result holds no nodes, relationships or paths to export: return graph elements (RETURN n, RETURN r, RETURN p), not their properties")]
    NothingToDraw,
    /// `--cluster-by PROP` names a property that no exported entity has.
    #[error("no exported entity has the property `{key}`, so there is nothing to cluster by{}", known_keys(.known))]
    NoSuchClusterProperty {
        /// The property asked for.
        key: String,
        /// The properties the exported entities do have.
        known: Vec<String>,
    },
    /// CSV export writes several files, so it needs a directory.
    #[error("--to csv writes several files (nodes.csv, relationships.csv, sources.csv, ladybug/, load-ladybug.cypher): give a directory with -o DIR")]
    NeedsDirectory,
    /// The graph cannot be written in this format.
    #[error("{0}")]
    Write(#[from] WriteError),
    /// A file or directory could not be written.
    #[error("{path}: {message}")]
    Io {
        /// The path concerned.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// `--render` needs Graphviz's `dot`, which is not installed.
    #[error("--render needs Graphviz's `dot` program, which was not found on PATH: install the package `graphviz` (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz)")]
    GraphvizMissing,
    /// Graphviz ran but failed.
    #[error("Graphviz `dot` failed: {0}")]
    GraphvizFailed(String),
}

fn known_keys(known: &[String]) -> String {
    if known.is_empty() {
        String::new()
    } else {
        format!("; the exported entities have: {}", known.join(", "))
    }
}

/// The whole graph, less the relations not valid at some time during
/// `as_of` when it is given. Every entity stays. Without `as_of` this is
/// `graph` itself, not a copy.
pub fn whole_graph(graph: &Graph, as_of: Option<Date>) -> Cow<'_, Graph> {
    let Some(date) = as_of else {
        return Cow::Borrowed(graph);
    };
    let valid = graph
        .relation_indices()
        .filter(|&e| graph.relation(e).is_some_and(|r| r.valid_during(date)));
    Cow::Owned(graph.subgraph(graph.entity_indices(), valid))
}

/// The graph elements found in query results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Nodes, including the endpoints of every relationship.
    pub nodes: BTreeSet<NodeIndex>,
    /// Relationships.
    pub rels: BTreeSet<EdgeIndex>,
}

impl Selection {
    /// Adds every node, relationship and path in `value`, at any depth of
    /// lists and maps.
    pub fn add_value(&mut self, graph: &Graph, value: &Value) {
        match value {
            Value::Node(n) => {
                self.nodes.insert(*n);
            }
            Value::Rel(e) => self.add_rel(graph, *e),
            Value::Path(p) => {
                self.nodes.extend(p.nodes.iter().copied());
                for &e in &p.rels {
                    self.add_rel(graph, e);
                }
            }
            Value::List(items) => {
                for v in items {
                    self.add_value(graph, v);
                }
            }
            Value::Map(m) => {
                for v in m.values() {
                    self.add_value(graph, v);
                }
            }
            _ => {}
        }
    }

    fn add_rel(&mut self, graph: &Graph, e: EdgeIndex) {
        if let Some((a, b)) = graph.endpoints(e) {
            self.rels.insert(e);
            self.nodes.insert(a);
            self.nodes.insert(b);
        }
    }

    /// Adds every graph element of a result's rows.
    pub fn add_result(&mut self, graph: &Graph, result: &QueryResult) {
        for row in &result.rows {
            for v in row {
                self.add_value(graph, v);
            }
        }
    }

    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.rels.is_empty()
    }

    /// The selected elements as a graph of their own, built from them
    /// ([`Graph::subgraph`]). Entities and relations keep their order.
    pub fn subgraph(&self, graph: &Graph) -> Graph {
        graph.subgraph(self.nodes.iter().copied(), self.rels.iter().copied())
    }
}

/// Runs the read-only statements of `text` (separated by `;`) and returns
/// the subgraph of everything their results hold. `options.as_of` applies
/// to the query as it does to `kg query`.
///
/// A query whose rows hold no graph element at all is an error (it
/// returned properties instead); a query with no rows gives an empty
/// graph.
pub fn query_subgraph(
    graph: &Graph,
    text: &str,
    options: &query::Options,
) -> Result<Graph, ExportError> {
    let script = query::parse_script_limited(text, options.max_nesting)
        .map_err(|e| ExportError::Query(e.render(text)))?;
    if let Some(st) = script.statements.iter().find(|s| query::is_mutating(s)) {
        let (line, column) = query::error::line_col(text, st.span.start);
        return Err(ExportError::Mutating { line, column });
    }
    let mut selection = Selection::default();
    let mut any_rows = false;
    for st in &script.statements {
        let result =
            query::execute_read(graph, text, st, &query::Params::new(), options).map_err(|e| {
                match e {
                    query::QueryError::TimedOut(_) => ExportError::TimedOut(e.render(text)),
                    _ => ExportError::Query(e.render(text)),
                }
            })?;
        any_rows |= !result.rows.is_empty();
        selection.add_result(graph, &result);
    }
    if any_rows && selection.is_empty() {
        return Err(ExportError::NothingToDraw);
    }
    Ok(selection.subgraph(graph))
}

/// Writes a single-file format. CSV writes several files: use
/// [`csv::write_dir`].
///
/// The whole graph as Graphviz DOT, or only what a query found:
///
/// ```
/// use kg::export::{query_subgraph, to_text, whole_graph, DiagramOptions, Format};
///
/// let graph = kg::graph::load_str(kg::graph::BUILTIN_NAME, kg::graph::BUILTIN_GRAPH)?;
/// let dot = to_text(&whole_graph(&graph, None), Format::Dot, &DiagramOptions::default())?;
/// assert!(dot.starts_with("digraph"));
///
/// let owners = query_subgraph(
///     &graph,
///     "MATCH p = (o)-[:OWNS|CONTROLS*1..3]->(d:Deposit) RETURN p",
///     &kg::query::Options::default(),
/// )?;
/// let dot = to_text(&owners, Format::Dot, &DiagramOptions::default())?;
/// assert!(dot.contains("->"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_text(
    graph: &Graph,
    format: Format,
    options: &DiagramOptions,
) -> Result<String, ExportError> {
    match format {
        Format::Dot => dot::to_dot(graph, options),
        Format::Mermaid => mermaid::to_mermaid(graph, options),
        Format::Graphml => Ok(graphml::to_graphml(graph)),
        Format::Cypher => Ok(cypher::to_cypher(graph)?),
        Format::Json => Ok(json::to_json(graph)?),
        Format::Csv => Err(ExportError::NeedsDirectory),
    }
}

/// The id of an entity in exports: its id, else `#` and its index.
pub(crate) fn entity_key(graph: &Graph, n: NodeIndex) -> String {
    match graph.entity(n).and_then(|e| e.id.as_deref()) {
        Some(id) => id.to_string(),
        None => format!("#{}", n.index()),
    }
}
