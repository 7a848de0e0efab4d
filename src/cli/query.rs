//! `kg query`: run openCypher statements and print their rows.

use std::io::{Read, Write};
use std::path::PathBuf;

use super::{load_graph, Args, CliError, Format};
use crate::graph::Graph;
use crate::output::rows;
use crate::query::ast::{Statement, StatementBody};
use crate::query::{
    execute, is_mutating, parse_script, run_ownership_statement, Options, Params, QueryResult,
    Value,
};

/// Where the query text came from, for messages.
struct QueryText {
    text: String,
    origin: Option<String>,
}

fn read_text(text: &Option<String>, file: &Option<PathBuf>) -> Result<QueryText, CliError> {
    match (text.as_deref(), file) {
        (_, Some(path)) => {
            let bytes = std::fs::read(path)
                .map_err(|e| CliError::Failed(format!("{}: {e}", path.display())))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                CliError::Failed(format!(
                    "{}: invalid UTF-8 at byte offset {}",
                    path.display(),
                    e.utf8_error().valid_up_to()
                ))
            })?;
            Ok(QueryText {
                text,
                origin: Some(path.display().to_string()),
            })
        }
        (Some("-"), None) => {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes)?;
            let text = String::from_utf8(bytes).map_err(|e| {
                CliError::Failed(format!(
                    "<stdin>: invalid UTF-8 at byte offset {}",
                    e.utf8_error().valid_up_to()
                ))
            })?;
            Ok(QueryText {
                text,
                origin: Some("<stdin>".into()),
            })
        }
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

pub(super) fn write_result(
    out: &mut dyn Write,
    graph: &Graph,
    format: Format,
    result: &QueryResult,
) -> std::io::Result<()> {
    match format {
        Format::Table => rows::write_table(out, graph, result),
        Format::Json => rows::write_json(out, graph, result),
        Format::Jsonl => rows::write_jsonl(out, graph, result),
        Format::Csv => rows::write_csv(out, graph, result),
        Format::Tsv => rows::write_tsv(out, graph, result),
    }
}

pub fn run(
    args: &Args,
    text: &Option<String>,
    file: &Option<PathBuf>,
    params: &[(String, serde_json::Value)],
    max_hops: u32,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let query = read_text(text, file)?;
    let located = |message: String| match &query.origin {
        Some(origin) => format!("{origin}: {message}"),
        None => message,
    };
    let script =
        parse_script(&query.text).map_err(|e| CliError::Failed(located(e.render(&query.text))))?;
    if let Some(st) = first_mutation(&script.statements) {
        let (line, column) = crate::query::error::line_col(&query.text, st.span.start);
        return Err(CliError::Failed(located(format!(
            "the statement at line {line}, column {column} changes the graph; kg does not save changes to graph files yet, so it runs read-only queries only"
        ))));
    }
    let mut graph = load_graph(args)?;
    let params: Params = params
        .iter()
        .map(|(k, v)| (k.clone(), json_to_value(v)))
        .collect();
    let options = Options {
        max_hops,
        as_of: args.as_of,
    };
    for (i, st) in script.statements.iter().enumerate() {
        let result = if matches!(st.body, StatementBody::Query(_)) {
            execute(&mut graph, &query.text, st, &params, &options)
        } else {
            // Ownership statements also report data problems, on stderr.
            run_ownership_statement(&graph, &query.text, st, &params, &options).map(|a| {
                for w in &a.warnings {
                    eprintln!("kg: {w}");
                }
                a.result
            })
        }
        .map_err(|e| CliError::Failed(located(e.render(&query.text))))?;
        if i > 0 && args.format == Format::Table {
            writeln!(out)?;
        }
        write_result(out, &graph, args.format, &result)?;
    }
    Ok(())
}
