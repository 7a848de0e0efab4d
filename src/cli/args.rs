//! The command line as clap types: what a user can type, nothing more.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::graph::Date;
use crate::query::{DEFAULT_MAX_HOPS, DEFAULT_MAX_ROWS, MAX_NESTING};

/// The longest query text read unless `--max-query-bytes` says otherwise
/// (1 MiB).
pub const DEFAULT_MAX_QUERY_BYTES: usize = 1024 * 1024;

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).map_err(|e| e.to_string())
}

/// `NAME=VALUE`: the value is JSON when it parses as JSON, else a string.
fn parse_param(s: &str) -> Result<(String, serde_json::Value), String> {
    let (name, value) = s.split_once('=').ok_or_else(|| {
        format!("`{s}` is not NAME=VALUE (for example -p name=Rosatom or -p limit=5)")
    })?;
    let name = name.trim().trim_start_matches('$');
    if name.is_empty() {
        return Err(format!("`{s}` has no parameter name before `=`"));
    }
    let json = serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::from(value));
    Ok((name.to_string(), json))
}

/// A percentage from 0 to 100.
fn parse_percent(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{s}` is not a number (a percentage from 0 to 100, e.g. 25)"))?;
    if !(0.0..=100.0).contains(&v) {
        return Err(format!("`{s}` is not a percentage from 0 to 100"));
    }
    Ok(v)
}

/// Relation types given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeList(pub Vec<String>);

/// Relation types separated by `|` or `,`, each an identifier.
fn parse_types(s: &str) -> Result<TypeList, String> {
    let types: Vec<String> = s.split(['|', ',']).map(|t| t.trim().to_string()).collect();
    for t in &types {
        let mut chars = t.chars();
        let ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(format!(
                "`{t}` is not a relation type: use letters, digits and _, not starting with a digit (e.g. OWNS|CONTROLS)"
            ));
        }
    }
    Ok(TypeList(types))
}

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

    /// In CSV and TSV output (--format csv|tsv, export --to csv), put `'`
    /// before fields that a spreadsheet would run as a formula: those
    /// starting with =, +, -, @, tab or carriage return, other than plain
    /// numbers such as -5.
    #[arg(long, global = true)]
    pub csv_safe: bool,

    /// Only relations valid at some time during DATE take part
    /// (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,

    /// Say on stderr how the graph was loaded (from its compiled snapshot
    /// or its files, and whether a snapshot was written).
    #[arg(short = 'v', long, global = true)]
    pub verbose: bool,

    /// Neither use nor write the compiled snapshot of the graph files
    /// (see `kg cache`): always parse the JSON.
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// How deeply JSON may nest in a graph file, from 5 (what the format
    /// needs) to 128 (the default, and what the JSON parser allows).
    #[arg(long, global = true, value_name = "N", default_value_t = crate::graph::load::JSON_DEPTH_LIMIT, value_parser = parse_json_nesting)]
    pub max_json_nesting: usize,

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
    /// Run openCypher queries: statements separated by `;`, each printed
    /// as one result set.
    Query {
        /// The query text, or `-` to read it from standard input.
        #[arg(value_name = "QUERY", conflicts_with = "file")]
        text: Option<String>,
        /// Read the query text from FILE (`-` for standard input).
        #[arg(short = 'f', long = "file", value_name = "FILE")]
        file: Option<PathBuf>,
        /// A parameter, used as `$NAME` in the query; VALUE is read as JSON
        /// when it parses as JSON (`5`, `true`, `[1,2]`, `{"a":1}`, `"text"`), else
        /// taken as a string.
        #[arg(short = 'p', long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
        params: Vec<(String, serde_json::Value)>,
        /// The upper bound of variable-length patterns written without one
        /// (`*`, `*2..`).
        #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_HOPS)]
        max_hops: u32,
        /// Saving, scripts and exit codes.
        #[command(flatten)]
        script: ScriptArgs,
        /// Limits on what a query may take.
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// An interactive prompt on the graph: statements end with `;`,
    /// commands start with `:` (:help lists them).
    Shell {
        /// How long `:write` waits for another writer's lock on the graph
        /// file, in seconds.
        #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_seconds, allow_negative_numbers = true)]
        lock_timeout: std::time::Duration,
        /// Limits on what each statement may take.
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Write the graph, or what a query found, as a diagram (DOT,
    /// Mermaid) or for another tool (GraphML, Cypher, CSV, JSON).
    Export {
        /// The format to write.
        #[arg(long = "to", value_enum, value_name = "FORMAT")]
        to: ExportFormat,
        /// Export only the nodes, relationships and paths that this query
        /// returns (statements separated by `;`; --as-of applies).
        #[arg(long, value_name = "QUERY")]
        query: Option<String>,
        /// Write to FILE (atomically) instead of standard output; for
        /// --to csv, the DIRECTORY to write the files into.
        #[arg(short = 'o', long = "output", value_name = "FILE|DIR")]
        output: Option<PathBuf>,
        /// The direction of the layout (dot, mermaid).
        #[arg(long, value_enum, default_value_t = RankDir::LR)]
        rankdir: RankDir,
        /// Group nodes into boxes by their main label (`label`) or by the
        /// value of a property (dot, mermaid).
        #[arg(long, value_name = "label|PROP")]
        cluster_by: Option<String>,
        /// Run Graphviz's `dot` and write an image instead of DOT text
        /// (--to dot only; needs the `graphviz` package).
        #[arg(long, value_enum, value_name = "FORMAT")]
        render: Option<RenderFormat>,
        /// Limits on what --query may take.
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Who owns NAME: direct owners along OWNS, CONTROLS and PART_OF, or
    /// with --ultimate the owners at the top of every chain with their
    /// effective shares and when they held (--history: the timeline).
    Owners(OwnershipArgs),
    /// What NAME owns: direct holdings, or with --ultimate the holdings at
    /// the end of every chain with effective shares and when they held
    /// (--history: the timeline).
    Holdings(OwnershipArgs),
    /// The shortest chains of relations between two entities, in either
    /// direction, each relation with its type and dates; a chain counts
    /// only when all its relations held at once.
    Path {
        /// Where the chains start: an id, name or alias.
        from: String,
        /// Where they end: an id, name or alias.
        to: String,
        /// Only these relation types, separated by `|` or `,`
        /// (e.g. OWNS|CONTROLS|PART_OF).
        #[arg(long, value_name = "TYPES", value_parser = parse_types)]
        via: Option<TypeList>,
        /// The most relations in a chain (at least 1).
        #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_HOPS,
              value_parser = clap::value_parser!(u32).range(1..))]
        max: u32,
    },
    /// Build a graph file from CSV (Neo4j bulk-import headers),
    /// FollowTheMoney JSON lines or BODS 0.4 packages.
    Import {
        /// The input format.
        #[arg(long = "from", value_enum, value_name = "FORMAT")]
        from: ImportFormat,
        /// The input files (for csv, a directory stands for its .csv
        /// files).
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// Write the graph to FILE (atomically) instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Leave out invalid rows (reported on standard error, with their
        /// count) instead of failing.
        #[arg(long)]
        skip_invalid: bool,
        /// The graph's name in the file.
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// The compiled snapshots that make loading large graph files fast:
    /// where they are, whether the current graph's is valid, clearing them.
    Cache {
        /// What to do (default: info).
        #[command(subcommand)]
        action: Option<CacheAction>,
    },
    /// Generate a synthetic ownership graph for benchmarks (persons,
    /// companies in chains and small cycles, deposits): DIR/graph.json,
    /// DIR/targets.json (query
    /// arguments) and DIR/meta.json (counts). The same --entities and
    /// --seed give the same bytes.
    Gen {
        /// The number of entities (relations are about three times as
        /// many): 20% Person, 72% Company, 8% Deposit.
        #[arg(long, value_name = "N")]
        entities: usize,
        /// The seed of the random numbers.
        #[arg(long, value_name = "S", default_value_t = 42)]
        seed: u64,
        /// The folder to write to (created when missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Also write the CSV files other engines load
        /// (`nodes_<Label>.csv`, `rels_<TYPE>_<From>_<To>.csv`).
        #[arg(long)]
        csv: bool,
    },
    /// Combine graph files into one, with the rules of loading several
    /// files (the same id must say the same thing; identical relations
    /// are kept once), and write it in the canonical layout.
    Merge {
        /// The graph files to combine.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// Write the graph to FILE (atomically) instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// `kg cache` actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum CacheAction {
    /// The cache folder and, for the graph files given by -g or
    /// $KG_GRAPH, their snapshot's path, size and state.
    Info,
    /// Check the snapshot of the graph files in full: hash every graph
    /// file and the snapshot's body and decode every record (a load trusts
    /// files whose size, times, inode and device are unchanged). A stale
    /// or damaged snapshot is removed, so that the next load rebuilds it.
    /// Exits 1 when the snapshot is missing, stale or damaged.
    Verify,
    /// Print the cache folder.
    Path,
    /// Remove every snapshot kg wrote in the cache folder.
    Clear,
}

/// Import formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// Node and relationship CSV files with Neo4j bulk-import headers (as
    /// `export --to csv` writes them).
    Csv,
    /// FollowTheMoney entities, one JSON object a line (OpenSanctions).
    Ftm,
    /// Beneficial Ownership Data Standard 0.4 packages.
    Bods,
}

/// Seconds, whole or not: 0 or more.
fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds (for example 10 or 0.5)"))?;
    if !secs.is_finite() || !(0.0..=1e9).contains(&secs) {
        return Err(format!(
            "`{s}`: give 0 or more seconds (for example 10 or 0.5)"
        ));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

/// A number of 1 or more.
fn parse_positive(s: &str) -> Result<usize, String> {
    match s.trim().replace('_', "").parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("`{s}` is not a whole number of 1 or more")),
    }
}

/// A nesting limit: 1 to the parser's ceiling.
fn parse_nesting(s: &str) -> Result<usize, String> {
    let n = parse_positive(s)?;
    let ceiling = crate::query::parser::MAX_NESTING_CEILING;
    if n > ceiling {
        return Err(format!(
            "`{s}` is above the highest nesting limit, {ceiling}"
        ));
    }
    Ok(n)
}

/// A time limit in seconds: more than 0.
fn parse_timeout(s: &str) -> Result<std::time::Duration, String> {
    let d = parse_seconds(s)?;
    if d.is_zero() {
        return Err(format!(
            "`{s}`: give more than 0 seconds (for example 30 or 0.5)"
        ));
    }
    Ok(d)
}

/// `--max-json-nesting`: 5 to 128.
fn parse_json_nesting(s: &str) -> Result<usize, String> {
    use crate::graph::load::{JSON_DEPTH_LIMIT, JSON_DEPTH_NEEDED};
    match s.parse::<usize>() {
        Ok(n) if (JSON_DEPTH_NEEDED..=JSON_DEPTH_LIMIT).contains(&n) => Ok(n),
        _ => Err(format!(
            "`{s}`: give a whole number from {JSON_DEPTH_NEEDED} (what a graph file needs) to {JSON_DEPTH_LIMIT}"
        )),
    }
}

/// Limits on what one query may take: each has a default, and the error
/// past it names the option.
#[derive(Debug, Clone, clap::Args)]
pub struct LimitArgs {
    /// The most rows a statement may hold at once: the rows of any clause
    /// (MATCH, UNWIND, WITH, RETURN), the groups of an aggregation and the
    /// elements of a list built by range() or collect().
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ROWS, value_parser = parse_positive, allow_negative_numbers = true)]
    pub max_rows: usize,
    /// Stop the query after SECS seconds of evaluation (exit code 5;
    /// with --write nothing is saved). Default: no limit.
    #[arg(long, value_name = "SECS", value_parser = parse_timeout, allow_negative_numbers = true)]
    pub timeout: Option<std::time::Duration>,
    /// The longest query text, in bytes.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_QUERY_BYTES, value_parser = parse_positive)]
    pub max_query_bytes: usize,
    /// How deeply brackets, operators and chains of operators may nest in
    /// a query (at most 1000).
    #[arg(long, value_name = "N", default_value_t = MAX_NESTING, value_parser = parse_nesting)]
    pub max_nesting: usize,
}

impl Default for LimitArgs {
    fn default() -> Self {
        LimitArgs {
            max_rows: DEFAULT_MAX_ROWS,
            timeout: None,
            max_query_bytes: DEFAULT_MAX_QUERY_BYTES,
            max_nesting: MAX_NESTING,
        }
    }
}

impl LimitArgs {
    /// Refuses a query text longer than `--max-query-bytes`.
    pub fn check_length(&self, text: &str) -> Result<(), String> {
        if text.len() > self.max_query_bytes {
            return Err(format!(
                "the query is {} bytes long, more than the limit of --max-query-bytes ({})",
                text.len(),
                self.max_query_bytes
            ));
        }
        Ok(())
    }

    /// The query options of these limits (the deadline starts now).
    pub fn options(&self, max_hops: u32, as_of: Option<Date>) -> crate::query::Options {
        crate::query::Options {
            max_hops,
            as_of,
            max_rows: self.max_rows,
            max_nesting: self.max_nesting,
            deadline: self.timeout.map(crate::query::Deadline::after),
            ..crate::query::Options::default()
        }
    }
}

/// `kg query`'s options for saving changes and for running scripts.
#[derive(Debug, Clone, clap::Args)]
pub struct ScriptArgs {
    /// Save the changes of CREATE, MERGE, SET, REMOVE and DELETE to the
    /// graph file (exactly one -g FILE): all statements or none, written
    /// atomically under a lock.
    #[arg(long)]
    pub write: bool,
    /// Run the statements, changes included, and report what would
    /// change, but save nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How long --write waits for another writer's lock on the graph
    /// file, in seconds.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_seconds, allow_negative_numbers = true)]
    pub lock_timeout: std::time::Duration,
    /// Parameters from a JSON object file (`{"name": "Rosatom"}`); -p
    /// wins over it.
    #[arg(long = "params", value_name = "FILE.json")]
    pub params_file: Option<PathBuf>,
    /// Stop at the first statement that fails (the default).
    #[arg(long, overrides_with = "keep_going")]
    pub fail_fast: bool,
    /// Report each failing statement on stderr and carry on; exit 1 at the
    /// end if any failed (with --write, nothing is saved then).
    #[arg(long = "continue", overrides_with = "fail_fast")]
    pub keep_going: bool,
    /// Print nothing on stdout and no change summary (errors still go to
    /// stderr); use the exit code.
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Exit with 4 when the last statement returned no rows (like
    /// `jq -e`).
    #[arg(long)]
    pub exit_status: bool,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart (renders in GitHub markdown).
    Mermaid,
    /// GraphML (Gephi, yEd, NetworkX).
    Graphml,
    /// A Cypher script of CREATE statements (Neo4j, Memgraph, kg).
    Cypher,
    /// CSV files for bulk import (Neo4j, LadybugDB); needs -o DIR.
    Csv,
    /// A graph file, format version 1.
    Json,
}

/// Layout directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum RankDir {
    /// Top to bottom.
    TB,
    /// Left to right.
    LR,
    /// Bottom to top.
    BT,
    /// Right to left.
    RL,
}

/// Image formats of --render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// SVG.
    Svg,
    /// PNG.
    Png,
}

/// The options of `kg owners` and `kg holdings`.
#[derive(Debug, Clone, clap::Args)]
pub struct OwnershipArgs {
    /// An id, name or alias (case does not matter).
    pub name: String,
    /// Follow the chains to their ends and give effective shares.
    #[arg(long)]
    pub ultimate: bool,
    /// Keep answers whose share (or effective share, or its lower bound) is
    /// at least PCT percent; answers whose share is unknown are dropped.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub min_share: Option<f64>,
    /// Print under each answer the chains of relations behind it, each
    /// relation with its dates and sources.
    #[arg(long)]
    pub explain: bool,
    /// With --ultimate: the timeline, one row per period in which the
    /// ultimate answers and their effective shares stayed the same.
    #[arg(long, requires = "ultimate", conflicts_with_all = ["explain", "min_share"])]
    pub history: bool,
}
