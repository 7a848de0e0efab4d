//! The command line as clap types: what a user can type, nothing more.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// kg: build, check and query knowledge graphs of who owns, controls,
/// signed with or revoked what.
#[derive(Debug, Parser)]
#[command(name = "kg", version, about, long_about = None, max_term_width = 100)]
pub struct Args {
    /// A graph file to load (repeat to load several into one graph).
    /// Default: $KG_GRAPH, else the built-in rare-earths-2025 graph.
    #[arg(short = 'g', long = "graph", global = true, value_name = "FILE")]
    pub graphs: Vec<PathBuf>,

    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Table,
    /// One JSON document.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values (RFC 4180).
    Csv,
    /// Tab-separated values.
    Tsv,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate graph files: every problem is listed, with where it is.
    Check {
        /// The files to check together (default: the graph given by -g,
        /// $KG_GRAPH or the built-in graph).
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Counts: entities by label, relations by type, dates, sources.
    Stats,
    /// An entity card: labels, aliases, props, and every relation in and
    /// out with the other side, dates and sources.
    Show {
        /// An id, name or alias (case does not matter).
        name: String,
    },
}
