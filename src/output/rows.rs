//! Query results as tables, JSON, JSON lines, CSV and TSV.
//!
//! - `table`: aligned columns for people; strings bare at the top level,
//!   quoted inside lists and maps; nodes as `(:Label {id: .., name: ..})`.
//! - `json`: an array of objects keyed by column, in column order.
//! - `jsonl`: one such object per line.
//! - `csv`: RFC 4180 with a header row; null is an empty field; lists,
//!   maps, nodes, relationships and paths are JSON text; fields that start
//!   like a spreadsheet formula are quoted (and with `--csv-safe` get `'`
//!   before them).
//! - `tsv`: the same fields separated by tabs; tab, newline, carriage
//!   return and backslash inside a field are written `\t`, `\n`, `\r`, `\\`.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde_json::{Map, Value as Json};

use super::json::{node_json, relationship_json};
use super::table;
use crate::graph::{Graph, PropRef};
use crate::query::{QueryResult, Value};

/// A value as JSON: nodes, relationships and paths in their SPEC shapes.
pub fn value_json(graph: &Graph, v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or_else(
            || Json::from(crate::graph::value::format_float(*f)),
            Json::Number,
        ),
        Value::Str(s) => Json::from(s.as_str()),
        Value::List(l) => Json::Array(l.iter().map(|x| value_json(graph, x)).collect()),
        Value::Map(m) => Json::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), value_json(graph, x)))
                .collect(),
        ),
        Value::Node(n) => node_json(graph, *n),
        Value::Rel(e) => relationship_json(graph, *e),
        Value::Path(p) => {
            let mut m = Map::new();
            m.insert(
                "nodes".into(),
                Json::Array(p.nodes.iter().map(|n| node_json(graph, *n)).collect()),
            );
            m.insert(
                "relationships".into(),
                Json::Array(
                    p.rels
                        .iter()
                        .map(|e| relationship_json(graph, *e))
                        .collect(),
                ),
            );
            Json::Object(m)
        }
    }
}

fn quoted(s: &str) -> String {
    Json::from(s).to_string()
}

fn prop_text(graph: &Graph, p: PropRef<'_>) -> String {
    nested_text(graph, &Value::from_prop(p))
}

/// A node as Cypher-like text: `(:Company {id: "rosatom", name: "Rosatom"})`.
pub fn node_text(graph: &Graph, n: crate::graph::NodeIndex) -> String {
    let Some(e) = graph.entity(n) else {
        return "(deleted)".into();
    };
    let mut s = String::from("(");
    for l in &e.labels {
        s.push(':');
        s.push_str(graph.resolve(*l));
    }
    let props = graph.entity_properties(n);
    if !props.is_empty() {
        if !e.labels.is_empty() {
            s.push(' ');
        }
        s.push('{');
        for (i, (k, v)) in props.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            let _ = write!(s, "{k}: {}", prop_text(graph, *v));
        }
        s.push('}');
    }
    s.push(')');
    s
}

/// A relationship as Cypher-like text: `[:OWNS {share: 51}]`.
pub fn relationship_text(graph: &Graph, e: crate::graph::EdgeIndex) -> String {
    let Some(r) = graph.relation(e) else {
        return "[deleted]".into();
    };
    let mut s = format!("[:{}", graph.resolve(r.ty));
    let props = graph.relation_properties(e);
    if !props.is_empty() {
        s.push_str(" {");
        for (i, (k, v)) in props.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            let _ = write!(s, "{k}: {}", prop_text(graph, *v));
        }
        s.push('}');
    }
    s.push(']');
    s
}

/// A value as text inside a table or a list: strings quoted.
fn nested_text(graph: &Graph, v: &Value) -> String {
    match v {
        Value::Str(s) => quoted(s),
        other => cell_text(graph, other),
    }
}

/// A value as a table cell: strings bare, everything else Cypher-like.
pub fn cell_text(graph: &Graph, v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::graph::value::format_float(*f),
        Value::Str(s) => s.clone(),
        Value::List(l) => format!(
            "[{}]",
            l.iter()
                .map(|x| nested_text(graph, x))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, x)| format!("{k}: {}", nested_text(graph, x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Node(n) => node_text(graph, *n),
        Value::Rel(e) => relationship_text(graph, *e),
        Value::Path(p) => {
            let mut s = String::new();
            for (i, n) in p.nodes.iter().enumerate() {
                s.push_str(&node_text(graph, *n));
                if let Some(&e) = p.rels.get(i) {
                    let forward = graph.endpoints(e).is_some_and(|(from, _)| from == *n);
                    let rel = relationship_text(graph, e);
                    if forward {
                        let _ = write!(s, "-{rel}->");
                    } else {
                        let _ = write!(s, "<-{rel}-");
                    }
                }
            }
            s
        }
    }
}

/// A value as a CSV or TSV field: null empty, strings bare, numbers and
/// booleans as text, anything else as JSON.
fn field_text(graph: &Graph, v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Str(s) => s.clone(),
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => cell_text(graph, v),
        other => value_json(graph, other).to_string(),
    }
}

/// Writes one result as a table: the header, the rows, and a count.
pub fn write_table(out: &mut dyn Write, graph: &Graph, result: &QueryResult) -> io::Result<()> {
    let headers: Vec<&str> = result.columns.iter().map(|c| c.as_str()).collect();
    let rows: Vec<Vec<String>> = result
        .rows
        .iter()
        .map(|r| r.iter().map(|v| cell_text(graph, v)).collect())
        .collect();
    if !headers.is_empty() {
        out.write_all(table::render(&headers, &rows).as_bytes())?;
    }
    let n = result.rows.len();
    writeln!(out, "({n} row{})", if n == 1 { "" } else { "s" })
}

fn row_object(graph: &Graph, result: &QueryResult, row: &[Value]) -> Json {
    Json::Object(
        result
            .columns
            .iter()
            .zip(row)
            .map(|(c, v)| (c.clone(), value_json(graph, v)))
            .collect(),
    )
}

/// Writes one result as a JSON array of objects keyed by column.
pub fn write_json(out: &mut dyn Write, graph: &Graph, result: &QueryResult) -> io::Result<()> {
    let rows: Vec<Json> = result
        .rows
        .iter()
        .map(|r| row_object(graph, result, r))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &Json::Array(rows)).map_err(io::Error::from)?;
    writeln!(out)
}

/// Writes one result as JSON lines: one object per row.
pub fn write_jsonl(out: &mut dyn Write, graph: &Graph, result: &QueryResult) -> io::Result<()> {
    for r in &result.rows {
        serde_json::to_writer(&mut *out, &row_object(graph, result, r)).map_err(io::Error::from)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Whether a spreadsheet would run the field as a formula: it starts with
/// `=`, `+`, `-`, `@`, tab or carriage return (OWASP's list) and is not a
/// plain number such as `-5` or `+1.5e3`.
pub fn formula_like(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && !(s.parse::<f64>().is_ok()
            && s.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E')))
}

/// Appends one CSV record (RFC 4180): a field is quoted when it holds the
/// delimiter, a quote, a line break or starts like a formula (see
/// [`formula_like`]); with `safe`, a formula-like field also gets `'`
/// before it, so that spreadsheets show it as text.
pub fn csv_record<'a>(
    out: &mut String,
    fields: impl IntoIterator<Item = &'a str>,
    safe: bool,
    terminator: &str,
) {
    let mut count = 0;
    let start = out.len();
    for (i, f) in fields.into_iter().enumerate() {
        count += 1;
        if i > 0 {
            out.push(',');
        }
        let formula = formula_like(f);
        if formula || f.contains([',', '"', '\n', '\r']) {
            out.push('"');
            if formula && safe {
                out.push('\'');
            }
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    // A record of one empty field would read as an empty line.
    if count == 1 && out.len() == start {
        out.push_str("\"\"");
    }
    out.push_str(terminator);
}

/// Writes one result as CSV (RFC 4180) with a header row; `safe` as in
/// [`csv_record`].
pub fn write_csv(
    out: &mut dyn Write,
    graph: &Graph,
    result: &QueryResult,
    safe: bool,
) -> io::Result<()> {
    let mut text = String::new();
    csv_record(
        &mut text,
        result.columns.iter().map(String::as_str),
        safe,
        "\r\n",
    );
    out.write_all(text.as_bytes())?;
    for r in &result.rows {
        text.clear();
        let fields: Vec<String> = r.iter().map(|v| field_text(graph, v)).collect();
        csv_record(&mut text, fields.iter().map(String::as_str), safe, "\r\n");
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}

fn tsv_escape(s: &str, safe: bool) -> String {
    let mut o = String::with_capacity(s.len() + 1);
    if safe && formula_like(s) {
        o.push('\'');
    }
    for c in s.chars() {
        match c {
            '\t' => o.push_str("\\t"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\\' => o.push_str("\\\\"),
            c => o.push(c),
        }
    }
    o
}

/// Writes one result as TSV with a header row; with `safe`, formula-like
/// fields (see [`formula_like`]) get `'` before them.
pub fn write_tsv(
    out: &mut dyn Write,
    graph: &Graph,
    result: &QueryResult,
    safe: bool,
) -> io::Result<()> {
    let header: Vec<String> = result.columns.iter().map(|c| tsv_escape(c, safe)).collect();
    writeln!(out, "{}", header.join("\t"))?;
    for r in &result.rows {
        let fields: Vec<String> = r
            .iter()
            .map(|v| tsv_escape(&field_text(graph, v), safe))
            .collect();
        writeln!(out, "{}", fields.join("\t"))?;
    }
    Ok(())
}
