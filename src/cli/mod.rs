//! The command line: clap types, loading the graph the user asked for, and
//! one function per command. Only this module and `main.rs` print.

pub mod args;
mod cache;
mod check;
mod export;
mod gen;
mod import;
mod ownership;
mod progress;
mod query;
mod shell;
mod show;
mod stats;

use std::io::{self, Write};
use std::path::PathBuf;

use crate::graph::lookup::LookupError;
use crate::graph::{load_paths_with, load_str, Graph, LoadError};

pub use args::{Args, Command, Format, LimitArgs, ScriptArgs};

pub use crate::graph::{BUILTIN_GRAPH, BUILTIN_NAME};

/// Why a command failed. Each kind maps to an exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Graph files could not be loaded or are invalid.
    #[error("{0}")]
    Load(#[from] LoadError),
    /// A name did not lead to one entity.
    #[error("{0}")]
    Lookup(#[from] LookupError),
    /// The command line asks for something that cannot be done.
    #[error("{0}")]
    Usage(String),
    /// A query or another step failed; the message says where and why.
    #[error("{0}")]
    Failed(String),
    /// Writing the output failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// Another writer holds the graph file's lock.
    #[error("{0}")]
    Locked(String),
    /// A query ran past `--timeout`.
    #[error("{0}")]
    TimedOut(String),
    /// `--exit-status`: the last statement returned no rows (nothing is
    /// printed).
    #[error("the last statement returned no rows")]
    NoRows,
}

/// Exit code: another writer holds the graph file's lock (`--write`).
pub const EXIT_LOCKED: u8 = 3;
/// Exit code: `--exit-status` and the last statement returned no rows.
pub const EXIT_NO_ROWS: u8 = 4;
/// Exit code: a query ran past `--timeout` and was stopped.
pub const EXIT_TIMED_OUT: u8 = 5;

impl CliError {
    /// The process exit code: 2 for usage errors, [`EXIT_LOCKED`] (3)
    /// when the graph file stayed locked, [`EXIT_NO_ROWS`] (4) for no rows
    /// under `--exit-status`, [`EXIT_TIMED_OUT`] (5) past `--timeout`, 1
    /// for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Locked(_) => EXIT_LOCKED,
            CliError::TimedOut(_) => EXIT_TIMED_OUT,
            CliError::NoRows => EXIT_NO_ROWS,
            _ => 1,
        }
    }
}

/// The graph files to load: `-g` flags, else `$KG_GRAPH` (a list of paths
/// separated like `$PATH`), else none (the built-in graph).
fn graph_paths(args: &Args) -> Vec<PathBuf> {
    if !args.graphs.is_empty() {
        return args.graphs.clone();
    }
    match std::env::var_os("KG_GRAPH") {
        Some(v) if !v.is_empty() => std::env::split_paths(&v)
            .filter(|p| !p.as_os_str().is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// The one graph file that `--write` and `:write` save to: exactly one
/// `-g FILE` (or one path in `$KG_GRAPH`). `what` names the option in
/// messages.
fn write_target(args: &Args, what: &str) -> Result<PathBuf, CliError> {
    let mut paths = graph_paths(args);
    match paths.len() {
        1 => Ok(paths.remove(0)),
        0 => Err(CliError::Usage(format!(
            "{what} saves changes to one graph file, and the built-in graph is not a file: give the file with -g FILE (copy graphs/rare-earths-2025.json to start from the built-in graph)"
        ))),
        n => Err(CliError::Usage(format!(
            "{what} needs exactly one -g FILE to save to, not {n} files: load the one file to change"
        ))),
    }
}

/// A failed save as a command error: a lock held too long has its own
/// exit code.
fn save_failed(e: crate::graph::save::SaveError) -> CliError {
    match e {
        crate::graph::save::SaveError::Locked { .. } => CliError::Locked(e.to_string()),
        other => CliError::Failed(other.to_string()),
    }
}

/// `save_failed` for a save of `graph` after queries changed it: when
/// relations cite sources the graph does not have, the message ends with
/// the statements that declare them.
fn unsaved(graph: &Graph) -> impl Fn(crate::graph::save::SaveError) -> CliError + '_ {
    move |e| {
        let hint = match e {
            crate::graph::save::SaveError::Invalid(_) => undeclared_sources_hint(graph),
            _ => None,
        };
        match (save_failed(e), hint) {
            (CliError::Failed(message), Some(hint)) => {
                CliError::Failed(format!("{message}\n{hint}"))
            }
            (other, _) => other,
        }
    }
}

/// How to declare the sources that relations of `graph` cite and the
/// graph does not have, or `None` when there are none.
fn undeclared_sources_hint(graph: &Graph) -> Option<String> {
    const SHOWN: usize = 3;
    let mut missing: Vec<&str> = Vec::new();
    for ix in graph.relation_indices() {
        let Some(id) = graph
            .relation(ix)
            .and_then(|r| r.provenance().source.as_deref())
        else {
            continue;
        };
        if graph.source(id).is_none() && !missing.contains(&id) {
            missing.push(id);
        }
    }
    if missing.is_empty() {
        return None;
    }
    let mut statements: Vec<String> = missing
        .iter()
        .take(SHOWN)
        .map(|id| {
            format!(
                "CREATE (:{} {{id: {}}});",
                crate::graph::SOURCE_LABEL,
                crate::export::cypher::string(id)
            )
        })
        .collect();
    if missing.len() > SHOWN {
        statements.push(format!("(and {} more)", missing.len() - SHOWN));
    }
    Some(format!(
        "to declare the missing {} with a query: {} (url, title and published may be given too)",
        if missing.len() == 1 {
            "source"
        } else {
            "sources"
        },
        statements.join(" ")
    ))
}

/// Loads graph files (no snapshot), with a progress line on a terminal
/// when it takes long.
fn load_files(paths: &[PathBuf]) -> Result<Graph, LoadError> {
    let mut shown = progress::LoadProgress::new(paths);
    let graph = load_paths_with(paths, &mut |p| shown.update(p));
    shown.finish();
    graph
}

/// A value that is never freed: a command that runs once keeps its graph
/// until the process ends, when the system takes the memory back at once.
/// Freeing a graph of millions of records one by one takes a good part of
/// a second and gives nothing back.
pub struct Kept<T>(std::mem::ManuallyDrop<T>);

impl<T> Kept<T> {
    /// Keeps `value` until the process ends.
    pub fn new(value: T) -> Kept<T> {
        Kept(std::mem::ManuallyDrop::new(value))
    }
}

impl<T> std::ops::Deref for Kept<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Kept<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

/// Fails when the graph was read from a compiled snapshot whose checksums
/// match but whose records do not all decode ([`Graph::damage`]): what the
/// command printed or wrote may then be missing records. Only a forged
/// snapshot can be like this.
pub fn refuse_damaged(graph: &Graph) -> Result<(), CliError> {
    match graph.damage() {
        Some(why) => Err(CliError::Failed(format!(
            "the compiled snapshot the graph was read from is damaged ({why}), so what was printed or written may be wrong; run `kg cache clear` and try again"
        ))),
        None => Ok(()),
    }
}

/// [`load_graph`] for a command that runs once: the graph is kept until
/// the process ends (see [`Kept`]).
pub fn load_kept(args: &Args) -> Result<Kept<Graph>, CliError> {
    load_graph(args).map(Kept::new)
}

/// Loads the graph the user asked for: graph files through their
/// compiled snapshot in the cache folder (unless `--no-cache`), else the
/// built-in graph.
pub fn load_graph(args: &Args) -> Result<Graph, CliError> {
    let paths = graph_paths(args);
    if paths.is_empty() {
        return Ok(load_str(BUILTIN_NAME, BUILTIN_GRAPH)?);
    }
    check_json_nesting(args, &paths)?;
    let dir = match crate::graph::cache::cache_dir() {
        Some(dir) if !args.no_cache => dir,
        _ => return Ok(load_files(&paths)?),
    };
    let mut shown = progress::LoadProgress::new(&paths);
    let started = std::time::Instant::now();
    let loaded = crate::graph::cache::load_with(&paths, &dir, &mut |p| shown.update(p));
    shown.finish();
    let (graph, outcome) = loaded?;
    if args.verbose {
        use crate::graph::cache::Outcome;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        match outcome {
            Outcome::Used { hashed: 0 } => eprintln!(
                "kg: loaded from the compiled snapshot in {ms:.0} ms (graph files unchanged in size, times, inode and device)"
            ),
            Outcome::Used { hashed } => eprintln!(
                "kg: loaded from the compiled snapshot in {ms:.0} ms ({hashed} graph file{} hashed: modified within {} s of being read, or touched or replaced since)",
                if hashed == 1 { "" } else { "s" },
                crate::graph::cache::RACY_NS / 1_000_000_000
            ),
            Outcome::Written => {
                eprintln!("kg: loaded the graph files and wrote their snapshot in {ms:.0} ms")
            }
            Outcome::NotWritten(why) => {
                eprintln!("kg: loaded the graph files in {ms:.0} ms; no snapshot written: {why}")
            }
        }
    }
    Ok(graph)
}

/// Refuses graph files that nest deeper than `--max-json-nesting`, when
/// it is below what the JSON parser refuses anyway.
fn check_json_nesting(args: &Args, paths: &[PathBuf]) -> Result<(), LoadError> {
    if args.max_json_nesting >= crate::graph::load::JSON_DEPTH_LIMIT {
        return Ok(());
    }
    for p in paths {
        let name = p.display().to_string();
        let text = crate::graph::load::read_text(p)?;
        crate::graph::load::check_json_nesting(&name, &text, args.max_json_nesting)?;
    }
    Ok(())
}

/// Runs the command, writing results to `out`.
pub fn run(args: &Args, out: &mut dyn Write) -> Result<(), CliError> {
    match &args.command {
        Command::Check { files } => check::run(args, files, out),
        Command::Stats => {
            let graph = load_kept(args)?;
            stats::run(&graph, args.format, out)?;
            refuse_damaged(&graph)
        }
        Command::Show { name } => {
            let graph = load_kept(args)?;
            show::run(&graph, name, args.format, out)?;
            refuse_damaged(&graph)
        }
        Command::Query {
            text,
            file,
            params,
            max_hops,
            script,
            limits,
        } => query::run(
            args,
            &query::Request {
                text,
                file,
                params,
                max_hops: *max_hops,
                script,
                limits,
            },
            out,
        ),
        Command::Shell {
            lock_timeout,
            limits,
        } => shell::run(args, *lock_timeout, limits, out),
        Command::Export {
            to,
            query,
            output,
            rankdir,
            cluster_by,
            render,
            limits,
        } => export::run(
            args,
            &export::Request {
                to: *to,
                query: query.as_deref(),
                output: output.as_deref(),
                rankdir: *rankdir,
                cluster_by: cluster_by.as_deref(),
                render: *render,
                csv_safe: args.csv_safe,
                limits,
            },
            out,
        ),
        Command::Owners(o) => {
            ownership::run_ownership(args, o, crate::ownership::Direction::Up, out)
        }
        Command::Holdings(o) => {
            ownership::run_ownership(args, o, crate::ownership::Direction::Down, out)
        }
        Command::Path { from, to, via, max } => ownership::run_path(args, from, to, via, *max, out),
        Command::Import {
            from,
            files,
            output,
            skip_invalid,
            name,
        } => import::run_import(
            *from,
            files,
            output.as_deref(),
            *skip_invalid,
            name.as_deref(),
            out,
        ),
        Command::Cache { action } => cache::run(args, *action, out),
        Command::Gen {
            entities,
            seed,
            out: dir,
            csv,
        } => gen::run(*entities, *seed, dir, *csv, out),
        Command::Merge { files, output } => import::run_merge(files, output.as_deref(), out),
    }
}

/// Refuses formats a command cannot produce.
fn table_or_json(format: Format, command: &str) -> Result<bool, CliError> {
    match format {
        Format::Table => Ok(false),
        Format::Json => Ok(true),
        other => Err(CliError::Usage(format!(
            "`kg {command}` prints --format table or json, not {}",
            format!("{other:?}").to_lowercase()
        ))),
    }
}

/// Writes a JSON value, pretty, with a final newline.
fn write_json(out: &mut dyn Write, value: &serde_json::Value) -> Result<(), CliError> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)?;
    Ok(())
}
