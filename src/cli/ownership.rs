//! `kg owners`, `kg holdings` and `kg path`: the ownership statements of
//! the query language as commands, printed in every format.

use std::io::Write;

use super::args::{OwnershipArgs, TypeList};
use super::query::write_result;
use super::{Args, CliError, Format};
use crate::graph::lookup::resolve;
use crate::graph::Graph;
use crate::output::table::visible;
use crate::ownership::path::PathOptions;
use crate::ownership::Direction;
use crate::query::ownership::{
    history_entry_text, ownership_rows, path_rows, Answered, OwnershipRequest, PathRequest,
};
use crate::query::{QueryResult, Value};

/// `kg owners` (`Up`) or `kg holdings` (`Down`).
pub fn run_ownership(
    args: &Args,
    o: &OwnershipArgs,
    direction: Direction,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let graph = super::load_kept(args)?;
    let entity = resolve(&graph, &o.name)?;
    let answered = ownership_rows(
        &graph,
        &OwnershipRequest {
            entity,
            direction,
            ultimate: o.ultimate,
            history: o.history,
            min_share: o.min_share,
            explain: o.explain,
            as_of: args.as_of,
        },
    );
    emit(&graph, args, answered, out)?;
    super::refuse_damaged(&graph)
}

/// `kg path FROM TO`.
pub fn run_path(
    args: &Args,
    from: &str,
    to: &str,
    via: &Option<TypeList>,
    max: u32,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let graph = super::load_kept(args)?;
    let from = resolve(&graph, from)?;
    let to = resolve(&graph, to)?;
    let answered = path_rows(
        &graph,
        &PathRequest {
            from,
            to,
            options: PathOptions {
                via: via.as_ref().map(|t| t.0.clone()).unwrap_or_default(),
                max,
                as_of: args.as_of,
            },
        },
    );
    emit(&graph, args, answered, out)?;
    super::refuse_damaged(&graph)
}

/// An ownership answer as a table shows it: the windows only as the
/// `window`, `period` or `held` text (`2024-12 ->`, never a bare null), a
/// path only as its `chain` text, and each period of a
/// history as one line of text per answer.
pub fn for_table(result: &mut QueryResult) {
    if !result
        .columns
        .iter()
        .any(|c| c == "held" || c == "window" || c == "period")
    {
        return;
    }
    // A path's `chain` column already shows it; the full path value
    // (every property of every node) is for the other formats.
    for name in ["valid_from", "valid_to", "windows", "path"] {
        drop_column(result, name);
    }
    for list in ["owners", "holdings"] {
        let Some(at) = result.columns.iter().position(|c| c == list) else {
            continue;
        };
        for row in &mut result.rows {
            if let Some(Value::List(entries)) = row.get(at) {
                let text: Vec<String> = entries.iter().map(history_entry_text).collect();
                let text = if text.is_empty() {
                    "none recorded".to_string()
                } else {
                    text.join("; ")
                };
                row[at] = Value::Str(text);
            }
        }
    }
}

fn drop_column(result: &mut QueryResult, name: &str) -> Option<Vec<Value>> {
    let at = result.columns.iter().position(|c| c == name)?;
    result.columns.remove(at);
    Some(
        result
            .rows
            .iter_mut()
            .map(|r| {
                if at < r.len() {
                    r.remove(at)
                } else {
                    Value::Null
                }
            })
            .collect(),
    )
}

/// Warnings to stderr, rows to `out`; in a table the explanations follow
/// the table, one block per answer.
fn emit(
    graph: &Graph,
    args: &Args,
    answered: Answered,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let format = args.format;
    for w in &answered.warnings {
        eprintln!("kg: {}", visible(&w.to_string()));
    }
    let mut result = answered.result;
    if format != Format::Table {
        write_result(out, graph, format, &result, args.csv_safe)?;
        return Ok(());
    }
    for_table(&mut result);
    let explanations = drop_column(&mut result, "explanation");
    write_result(out, graph, format, &result, args.csv_safe)?;
    let Some(explanations) = explanations else {
        return Ok(());
    };
    for (row, ex) in result.rows.iter().zip(&explanations) {
        let name = row.first().map(value_text).unwrap_or_default();
        let id = row.get(1).map(value_text).unwrap_or_default();
        writeln!(out)?;
        writeln!(out, "{} ({})", visible(&name), visible(&id))?;
        write_explanation(out, ex)?;
    }
    Ok(())
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Str(s) => s.clone(),
        Value::Float(f) => format!("{}%", crate::ownership::percent_text(*f)),
        other => other.to_string(),
    }
}

fn field<'a>(m: &'a Value, key: &str) -> Option<&'a Value> {
    match m {
        Value::Map(m) => m.get(key).filter(|v| !v.is_null()),
        _ => None,
    }
}

fn field_text(m: &Value, key: &str) -> Option<String> {
    field(m, key).map(value_text)
}

fn write_explanation(out: &mut dyn Write, ex: &Value) -> std::io::Result<()> {
    let chains = match field(ex, "chains") {
        Some(Value::List(l)) => l.as_slice(),
        _ => &[],
    };
    for (i, chain) in chains.iter().enumerate() {
        let share = field_text(chain, "share").unwrap_or_else(|| "share unknown".into());
        let held = field_text(chain, "held")
            .filter(|h| h != "always")
            .map(|h| format!(", held {h}"))
            .unwrap_or_default();
        writeln!(
            out,
            "  chain {}: {}  ({share}{held})",
            i + 1,
            visible(&field_text(chain, "text").unwrap_or_default())
        )?;
        write_relations(out, field(chain, "relations"))?;
    }
    let cycles = match field(ex, "cycles") {
        Some(Value::List(l)) => l.as_slice(),
        _ => &[],
    };
    for cycle in cycles {
        writeln!(
            out,
            "  walks also go round the cycle of {}; its stated shares count in the figure:",
            visible(&field_text(cycle, "names").unwrap_or_default())
        )?;
        write_relations(out, field(cycle, "relations"))?;
    }
    if matches!(field(ex, "capped"), Some(Value::Bool(true))) {
        writeln!(out, "  (only the first {} chains are listed)", chains.len())?;
    }
    Ok(())
}

/// Each relation of a list, with its dates, share and provenance.
fn write_relations(out: &mut dyn Write, rels: Option<&Value>) -> std::io::Result<()> {
    let rels = match rels {
        Some(Value::List(l)) => l.as_slice(),
        _ => &[],
    };
    for r in rels {
        let ty = field_text(r, "type").unwrap_or_default();
        let from = field_text(r, "from_name").unwrap_or_default();
        let to = field_text(r, "to_name").unwrap_or_default();
        let dates = match (field_text(r, "since"), field_text(r, "until")) {
            (Some(s), Some(u)) => format!("{s} to {u}"),
            (Some(s), None) => format!("since {s}"),
            (None, Some(u)) => format!("until {u}"),
            (None, None) => "undated".into(),
        };
        let share = field_text(r, "share")
            .map(|s| format!(", share {s}"))
            .unwrap_or_default();
        writeln!(
            out,
            "    {} -[{ty}]-> {}  {dates}{share}",
            visible(&from),
            visible(&to)
        )?;
        let mut cite: Vec<String> = Vec::new();
        if let Some(t) = field_text(r, "source_title") {
            cite.push(format!("\"{t}\""));
        }
        if let Some(s) = field_text(r, "source") {
            cite.push(s);
        }
        if let Some(u) = field_text(r, "source_url") {
            cite.push(format!("<{u}>"));
        }
        let mut line = cite.join(" ");
        if let Some(l) = field_text(r, "locator") {
            if !line.is_empty() {
                line.push_str(", ");
            }
            line.push_str(&l);
        }
        if !line.is_empty() {
            writeln!(out, "      source: {}", visible(&line))?;
        }
        if let Some(n) = field_text(r, "note") {
            writeln!(out, "      note: {}", visible(&n))?;
        }
        if let Some(q) = field_text(r, "quote") {
            writeln!(out, "      quote: \"{}\"", visible(&q))?;
        }
    }
    Ok(())
}
