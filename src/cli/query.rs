//! `kg query`: run openCypher statements and print their rows.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::{
    graph_paths, save_failed, unsaved, write_target, Args, CliError, Format, LimitArgs, ScriptArgs,
};
use crate::graph::save::{checked_text, prepare_for_save, save_graph, FileLock};
use crate::graph::{Changes, Graph};
use crate::output::rows;
use crate::output::table::visible;
use crate::query::ast::{Statement, StatementBody};
use crate::query::{
    execute, is_mutating, parse_script_limited, run_ownership_statement, Params, QueryError,
    QueryResult, Value,
};

/// Where the query text came from, for messages.
struct QueryText {
    text: String,
    origin: Option<String>,
}

/// Reads at most `max` bytes of `from`, and one more to tell whether there
/// was more; the text must be UTF-8.
fn read_limited(mut from: impl Read, origin: &str, max: usize) -> Result<String, CliError> {
    let mut bytes = Vec::new();
    from.by_ref()
        .take(u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::Failed(format!("{origin}: {e}")))?;
    if bytes.len() > max {
        return Err(CliError::Failed(format!(
            "{origin}: the query is more than {max} bytes long, the limit of --max-query-bytes"
        )));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        CliError::Failed(format!(
            "{origin}: invalid UTF-8 at byte offset {}",
            e.utf8_error().valid_up_to()
        ))
    })?;
    // A byte-order mark (some Windows editors write one) is not text.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    check_no_nul(&text).map_err(|m| CliError::Failed(format!("{origin}: {m}")))?;
    Ok(text)
}

/// Refuses a raw NUL byte in query text (a string may still hold one,
/// written `\u0000`).
pub(super) fn check_no_nul(text: &str) -> Result<(), String> {
    match text.find('\0') {
        Some(offset) => {
            let (line, column) = crate::query::error::line_col(text, offset);
            Err(format!(
                "a NUL byte at byte offset {offset} (line {line}, column {column}): query text holds none; write \\u0000 in a string for one"
            ))
        }
        None => Ok(()),
    }
}

fn read_text(
    text: &Option<String>,
    file: &Option<PathBuf>,
    max: usize,
) -> Result<QueryText, CliError> {
    match (text.as_deref(), file) {
        (_, Some(path)) if path.as_os_str() == "-" => read_text(&Some("-".into()), &None, max),
        (_, Some(path)) => {
            let origin = path.display().to_string();
            let f = std::fs::File::open(path)
                .map_err(|e| CliError::Failed(format!("{origin}: {e}")))?;
            Ok(QueryText {
                text: read_limited(f, &origin, max)?,
                origin: Some(origin),
            })
        }
        (Some("-"), None) => Ok(QueryText {
            text: read_limited(std::io::stdin().lock(), "<stdin>", max)?,
            origin: Some("<stdin>".into()),
        }),
        (Some(t), None) => Ok(QueryText {
            text: t.to_string(),
            origin: None,
        }),
        (None, None) => Err(CliError::Usage(
            "kg query needs a query: kg query 'MATCH (n) RETURN n.name', -f FILE, or - to read standard input".into(),
        )),
    }
}

/// A JSON parameter value as a query value.
pub fn json_to_value(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Array(a) => Value::List(a.iter().map(json_to_value).collect()),
        serde_json::Value::Object(o) => Value::Map(
            o.iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect(),
        ),
    }
}

/// The first statement that would change the graph, if any.
fn first_mutation(statements: &[Statement]) -> Option<&Statement> {
    statements.iter().find(|s| is_mutating(s))
}

/// Writes one result set in `format`.
pub(super) fn write_result(
    out: &mut dyn Write,
    graph: &Graph,
    format: Format,
    result: &QueryResult,
    csv_safe: bool,
) -> std::io::Result<()> {
    match format {
        Format::Table => rows::write_table(out, graph, result),
        Format::Json => rows::write_json(out, graph, result),
        Format::Jsonl => rows::write_jsonl(out, graph, result),
        Format::Csv => rows::write_csv(out, graph, result, csv_safe),
        Format::Tsv => rows::write_tsv(out, graph, result, csv_safe),
    }
}

/// What comes between result sets of several statements: a header line
/// before each in table mode, a blank line between CSV and TSV tables,
/// nothing for JSON (one document per statement) and JSON lines (all rows
/// in one stream).
pub(super) fn write_separator(
    out: &mut dyn Write,
    format: Format,
    index: usize,
    line: usize,
) -> std::io::Result<()> {
    match format {
        Format::Table => {
            if index > 0 {
                writeln!(out)?;
            }
            writeln!(out, "-- statement {} (line {line}) --", index + 1)
        }
        Format::Csv if index > 0 => write!(out, "\r\n"),
        Format::Tsv if index > 0 => writeln!(out),
        _ => Ok(()),
    }
}

/// Reads `--params FILE.json`: a JSON object of parameter values.
fn read_params_file(path: &Path) -> Result<Vec<(String, serde_json::Value)>, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("--params {}: {e}", path.display())))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "--params {}: not valid JSON at line {}, column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    match json {
        serde_json::Value::Object(map) => Ok(map.into_iter().collect()),
        other => Err(CliError::Usage(format!(
            "--params {}: the file must hold a JSON object of parameters ({{\"name\": \"Rosatom\", \"limit\": 5}}), not {}",
            path.display(),
            match other {
                serde_json::Value::Array(_) => "an array",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::Bool(_) => "a boolean",
                _ => "null",
            }
        ))),
    }
}

/// `statement 2 of 3 (line 4, column 1) failed:` before an error of a
/// script of several statements; nothing for a single statement.
fn statement_prefix(text: &str, st: &Statement, index: usize, count: usize) -> String {
    if count <= 1 {
        return String::new();
    }
    let (line, column) = crate::query::error::line_col(text, st.span.start);
    format!(
        "statement {} of {count} (line {line}, column {column}) failed: ",
        index + 1
    )
}

fn flush_then<T>(out: &mut dyn Write, f: impl FnOnce() -> T) -> T {
    let _ = out.flush();
    f()
}

/// What the user asked `kg query` for.
pub struct Request<'a> {
    /// The query text given on the command line, or `-`.
    pub text: &'a Option<String>,
    /// `-f FILE`.
    pub file: &'a Option<PathBuf>,
    /// `-p NAME=VALUE`.
    pub params: &'a [(String, serde_json::Value)],
    /// `--max-hops`.
    pub max_hops: u32,
    /// Saving, scripts and exit codes.
    pub script: &'a ScriptArgs,
    /// `--max-rows`, `--timeout`, `--max-query-bytes`, `--max-nesting`.
    pub limits: &'a LimitArgs,
}

/// A failed statement as a command error: a timeout has its own exit
/// code.
pub(super) fn statement_failed(e: &QueryError, message: String) -> CliError {
    match e {
        QueryError::TimedOut(_) => CliError::TimedOut(message),
        _ => CliError::Failed(message),
    }
}

/// Runs `kg query`.
pub fn run(args: &Args, req: &Request<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let (params, max_hops, opts, limits) = (req.params, req.max_hops, req.script, req.limits);
    let query = read_text(req.text, req.file, limits.max_query_bytes)?;
    let located = |message: String| match &query.origin {
        Some(origin) => format!("{origin}: {message}"),
        None => message,
    };
    limits
        .check_length(&query.text)
        .map_err(|m| CliError::Failed(located(m)))?;
    let script = parse_script_limited(&query.text, limits.max_nesting)
        .map_err(|e| CliError::Failed(located(e.render(&query.text))))?;

    // Parameters: the file first, then -p over it.
    let mut all_params: Params = Params::new();
    if let Some(path) = &opts.params_file {
        for (k, v) in read_params_file(path)? {
            all_params.insert(k, json_to_value(&v));
        }
    }
    for (k, v) in params {
        all_params.insert(k.clone(), json_to_value(v));
    }

    // Where changes go, and whether they may be made at all.
    let target = if opts.write && !opts.dry_run {
        Some(write_target(args, "--write")?)
    } else {
        None
    };
    if let Some(st) = first_mutation(&script.statements) {
        if !opts.write && !opts.dry_run {
            let (line, column) = crate::query::error::line_col(&query.text, st.span.start);
            let how = match write_target(args, "--write") {
                Ok(path) => format!(
                    "add --write to save the changes to {} (or --dry-run to see what would change)",
                    path.display()
                ),
                Err(_) if graph_paths_count(args) == 0 => "--write saves changes to a graph file, and the built-in graph is not one: give the file with -g FILE --write (or --dry-run to see what would change)".to_string(),
                Err(_) => "--write needs exactly one -g FILE to save to, and several are loaded: load the one file to change (or use --dry-run to see what would change)".to_string(),
            };
            return Err(CliError::Failed(located(format!(
                "the statement at line {line}, column {column} changes the graph: {how}"
            ))));
        }
    }

    // The lock is held from before loading until after the rename.
    let lock = match &target {
        Some(path) => Some(FileLock::acquire(path, opts.lock_timeout).map_err(save_failed)?),
        None => None,
    };
    let mut graph = super::load_kept(args)?;
    // The clock of --timeout starts once the graph is loaded.
    let options = limits.options(max_hops, args.as_of);
    let count = script.statements.len();
    let mut failures = 0usize;
    let mut last_rows = 0usize;
    let mut total = Changes::default();
    let mut mutated = false;
    for (i, st) in script.statements.iter().enumerate() {
        let before = graph.changes();
        let result = if matches!(st.body, StatementBody::Query(_)) {
            execute(&mut graph, &query.text, st, &all_params, &options)
        } else {
            // Ownership statements also report data problems, on stderr.
            run_ownership_statement(&graph, &query.text, st, &all_params, &options).map(|a| {
                if !opts.quiet {
                    flush_then(out, || {
                        for w in &a.warnings {
                            eprintln!("kg: {}", visible(&w.to_string()));
                        }
                    });
                }
                let mut result = a.result;
                if args.format == super::Format::Table {
                    super::ownership::for_table(&mut result);
                }
                result
            })
        };
        match result {
            Ok(result) => {
                last_rows = result.rows.len();
                if !opts.quiet {
                    if count > 1 {
                        let (line, _) = crate::query::error::line_col(&query.text, st.span.start);
                        write_separator(out, args.format, i, line)?;
                    }
                    write_result(out, &graph, args.format, &result, args.csv_safe)?;
                }
                if is_mutating(st) {
                    mutated = true;
                    let changes = graph.changes().since(&before);
                    total = total.plus(&changes);
                    if !opts.quiet && count > 1 {
                        flush_then(out, || eprintln!("statement {}: {changes}", i + 1));
                    }
                }
            }
            Err(e) => {
                // A record of a forged snapshot that does not decode reads
                // as a deleted entity: say what is really wrong.
                super::refuse_damaged(&graph)?;
                let mut message = located(format!(
                    "{}{}",
                    statement_prefix(&query.text, st, i, count),
                    e.render(&query.text)
                ));
                let timed_out = matches!(e, QueryError::TimedOut(_));
                if opts.keep_going && !timed_out {
                    failures += 1;
                    last_rows = 0;
                    flush_then(out, || eprintln!("{}", visible(&message)));
                    continue;
                }
                if let Some(path) = &target {
                    message.push_str(&format!("\nnothing was saved to {}", path.display()));
                }
                return Err(statement_failed(&e, message));
            }
        }
    }
    super::refuse_damaged(&graph)?;
    if failures > 0 {
        let mut message = format!("{failures} of {count} statements failed");
        if let Some(path) = &target {
            message.push_str(&format!("; nothing was saved to {}", path.display()));
        }
        return Err(CliError::Failed(message));
    }
    if mutated && (target.is_some() || opts.dry_run) {
        let ids = prepare_for_save(&mut graph).map_err(save_failed)?;
        let id_note = if ids.is_empty() {
            String::new()
        } else {
            let list: Vec<&str> = ids.iter().map(|(_, id)| id.as_str()).collect();
            format!(" (new ids: {})", list.join(", "))
        };
        match &target {
            Some(path) => {
                save_graph(path, &graph).map_err(unsaved(&graph))?;
                if !opts.quiet {
                    flush_then(out, || {
                        eprintln!("saved {}: {total}{id_note}", path.display())
                    });
                }
            }
            None => {
                // --dry-run: check that the file could be written.
                checked_text(Path::new(&target_name(args)), &graph).map_err(unsaved(&graph))?;
                if !opts.quiet {
                    flush_then(out, || {
                        eprintln!("dry run, nothing saved: would change {total}{id_note}")
                    });
                }
            }
        }
    }
    drop(lock);
    if opts.exit_status && last_rows == 0 {
        return Err(CliError::NoRows);
    }
    Ok(())
}

fn graph_paths_count(args: &Args) -> usize {
    graph_paths(args).len()
}

/// The file a dry run would save to, for messages.
fn target_name(args: &Args) -> String {
    match graph_paths(args).as_slice() {
        [one] => one.display().to_string(),
        _ => "<graph>".to_string(),
    }
}
