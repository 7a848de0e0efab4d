//! CSV files with Neo4j's bulk-import headers: what `kg export --to csv`
//! writes, and node and relationship files written for
//! `neo4j-admin database import` in general.
//!
//! Each file is recognised by its header:
//!
//! - a **node file** has an `:ID` column (`id:ID`, `:ID`, `personId:ID(Person)`):
//!   the id; `:LABEL` holds labels separated by `;` (an entity without
//!   one gets the label `Entity`); `name` and `aliases:string[]` go to
//!   those fields; every other column is a property;
//! - a **relationship file** has `:START_ID`, `:END_ID` and `:TYPE`;
//!   `since`, `until`, `source`, `locator`, `note` and `quote` go to those
//!   fields; every other column is a property;
//! - a **sources file** (`sources.csv` of the export) has the columns
//!   `id`, `url`, `title`, `published`.
//!
//! Columns are typed as Neo4j types them: `share:double`, `n:long` (also
//! `int`, `short`, `byte`), `flag:boolean`, `tags:string[]` (arrays split
//! on `;`), no type or any other type for text; `:IGNORE` columns are
//! skipped. An empty cell is an absent property. A `double` cell written
//! without a decimal point or exponent (`51`) is read as an integer, so
//! that a graph exported and imported again has the same numbers. A cell
//! of a text column that is a JSON array of scalars (`["a","b"]`) is a
//! list: the export writes a list that way in a column whose other cells
//! are not lists. ID
//! groups (`:ID(Person)`) are not separate id spaces: ids are global.
//!
//! What CSV cannot carry: the graph's name (give `kg import --name`), an
//! empty string (read back as absent), a `;` inside a list element (split
//! there) and lists that mix text and numbers (read back as text).

use std::collections::HashMap;

use super::{Import, Input, PROGRESS_EVERY};
use crate::graph::load::is_identifier;
use crate::graph::{Date, Entity, Graph, PropValue, Props, Provenance, Relation, Source};

/// What a typed column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Float,
    Bool,
    Text,
}

/// A property column: its key, the kind of its values, whether it is an
/// array.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    key: String,
    kind: Kind,
    array: bool,
}

/// What a column of a file means.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    Id,
    Label,
    Start,
    End,
    Type,
    Ignore,
    /// `name`, `aliases`, `since`, ... of the record itself.
    Field(&'static str, Column),
    Prop(Column),
}

const ENTITY_FIELDS: [&str; 2] = ["name", "aliases"];
const RELATION_FIELDS: [&str; 6] = ["since", "until", "source", "locator", "note", "quote"];
const SOURCE_COLUMNS: [&str; 4] = ["id", "url", "title", "published"];

/// Splits `key:type` where `type` is one Neo4j knows; anything else is a
/// key of text.
fn column(header: &str) -> Column {
    if let Some((key, ty)) = header.rsplit_once(':') {
        let (base, array) = match ty.strip_suffix("[]") {
            Some(b) => (b, true),
            None => (ty, false),
        };
        let kind = match base.to_ascii_lowercase().as_str() {
            "int" | "long" | "short" | "byte" => Some(Kind::Int),
            "float" | "double" => Some(Kind::Float),
            "boolean" => Some(Kind::Bool),
            "string" | "char" | "date" | "localdate" | "time" | "localtime" | "datetime"
            | "localdatetime" | "duration" | "point" => Some(Kind::Text),
            _ => None,
        };
        if let Some(kind) = kind {
            return Column {
                key: key.to_string(),
                kind,
                array,
            };
        }
    }
    Column {
        key: header.to_string(),
        kind: Kind::Text,
        array: false,
    }
}

/// The special column `:NAME` or `key:NAME(Group)`, if the header is one.
fn special(header: &str) -> Option<&'static str> {
    let name_of = |rest: &str| {
        let name = rest.split('(').next().unwrap_or(rest);
        ["ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"]
            .into_iter()
            .find(|s| s.eq_ignore_ascii_case(name))
    };
    let first = header.split_once(':').and_then(|(_, rest)| name_of(rest));
    first.or_else(|| header.rsplit_once(':').and_then(|(_, rest)| name_of(rest)))
}

fn role(header: &str, fields: &[&'static str]) -> Role {
    let header = header.trim_start_matches('\u{feff}');
    match special(header) {
        Some("ID") => return Role::Id,
        Some("LABEL") => return Role::Label,
        Some("START_ID") => return Role::Start,
        Some("END_ID") => return Role::End,
        Some("TYPE") => return Role::Type,
        Some("IGNORE") => return Role::Ignore,
        _ => {}
    }
    let col = column(header);
    match fields.iter().find(|f| **f == col.key) {
        Some(f) => Role::Field(f, col),
        None => Role::Prop(col),
    }
}

/// Reads one cell of a typed column; `Ok(None)` for an empty cell.
fn cell(text: &str, col: &Column) -> Result<Option<PropValue>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    if col.array {
        let items = text
            .split(';')
            .map(|t| scalar(t, col.kind))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Some(PropValue::List(items.into())));
    }
    if col.kind == Kind::Text {
        if let Some(list) = json_list(text) {
            return Ok(Some(list));
        }
    }
    scalar(text, col.kind).map(Some)
}

/// A list written as JSON text in a text column: how the export writes a
/// list in a column whose other cells are not lists.
fn json_list(text: &str) -> Option<PropValue> {
    if !(text.starts_with('[') && text.ends_with(']')) {
        return None;
    }
    let serde_json::Value::Array(items) = serde_json::from_str(text).ok()? else {
        return None;
    };
    let items = items
        .iter()
        .map(|v| match v {
            serde_json::Value::String(s) => Some(PropValue::Str(s.as_str().into())),
            serde_json::Value::Bool(b) => Some(PropValue::Bool(*b)),
            serde_json::Value::Number(n) => n
                .as_i64()
                .map(PropValue::Int)
                .or_else(|| n.as_f64().map(PropValue::Float)),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    Some(PropValue::List(items.into()))
}

fn scalar(text: &str, kind: Kind) -> Result<PropValue, String> {
    let t = text.trim();
    match kind {
        Kind::Text => Ok(PropValue::Str(text.into())),
        Kind::Int => t
            .parse::<i64>()
            .map(PropValue::Int)
            .map_err(|_| format!("{text:?} is not an integer")),
        Kind::Float => {
            let integral = !t.contains(['.', 'e', 'E']) && !t.contains(|c: char| c.is_alphabetic());
            if integral {
                if let Ok(i) = t.parse::<i64>() {
                    return Ok(PropValue::Int(i));
                }
            }
            match t.parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(PropValue::Float(f)),
                _ => Err(format!("{text:?} is not a number")),
            }
        }
        Kind::Bool => match t.to_ascii_lowercase().as_str() {
            "true" => Ok(PropValue::Bool(true)),
            "false" => Ok(PropValue::Bool(false)),
            _ => Err(format!("{text:?} is not true or false")),
        },
    }
}

/// A parsed file: its kind, its columns, its records with their lines.
struct Table<'a> {
    name: &'a str,
    roles: Vec<Role>,
    headers: Vec<String>,
    rows: Vec<(usize, ::csv::StringRecord)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Sources,
    Nodes,
    Relationships,
}

fn read_table<'a>(input: &'a Input, out: &mut Import) -> Option<(FileKind, Table<'a>)> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input.text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            let line = e.position().map_or(1, |p| p.line() as usize);
            out.invalid(&input.name, line, format!("not CSV: {e}"));
            return None;
        }
        None => {
            out.invalid(
                &input.name,
                1,
                "the file is empty: a header line is needed (id:ID,:LABEL,... or :START_ID,:END_ID,:TYPE,...)",
            );
            return None;
        }
    };
    let headers: Vec<String> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let has = |name: &str| {
        headers
            .iter()
            .any(|h| special(h).is_some_and(|s| s == name))
    };
    let kind = if has("START_ID") || has("END_ID") {
        if !(has("START_ID") && has("END_ID") && has("TYPE")) {
            out.invalid(
                &input.name,
                1,
                "a relationship file needs the columns :START_ID, :END_ID and :TYPE",
            );
            return None;
        }
        FileKind::Relationships
    } else if has("ID") {
        FileKind::Nodes
    } else if headers.first().is_some_and(|h| h == "id")
        && headers.iter().all(|h| SOURCE_COLUMNS.contains(&h.as_str()))
    {
        FileKind::Sources
    } else {
        out.invalid(
            &input.name,
            1,
            "not a node, relationship or sources file: a node file has an :ID column (id:ID), a relationship file :START_ID, :END_ID and :TYPE, a sources file the columns id,url,title,published",
        );
        return None;
    };
    let fields: &[&'static str] = match kind {
        FileKind::Nodes => &ENTITY_FIELDS,
        FileKind::Relationships => &RELATION_FIELDS,
        FileKind::Sources => &SOURCE_COLUMNS,
    };
    let roles: Vec<Role> = headers.iter().map(|h| role(h, fields)).collect();
    let mut rows = Vec::new();
    for rec in records {
        match rec {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line() as usize);
                // A blank line is no row.
                if r.len() == 1 && r.get(0).is_some_and(str::is_empty) {
                    continue;
                }
                rows.push((line, r));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                out.invalid(&input.name, line, format!("not CSV: {e}"));
            }
        }
    }
    Some((
        kind,
        Table {
            name: &input.name,
            roles,
            headers,
            rows,
        },
    ))
}

/// Imports node, relationship and sources files (in any order; nodes are
/// read before relationships).
///
/// ```
/// use kg::import::{csv, Input};
///
/// let nodes = Input::new("nodes.csv", "id:ID,:LABEL,name,aliases:string[]\nx,Company;Agency,X Corp,X;XC\n");
/// let result = csv::import(&[nodes], &mut |_| {});
/// let x = result.graph.by_id("x").and_then(|n| result.graph.entity(n)).unwrap();
/// assert_eq!(x.labels.len(), 2);
/// assert_eq!(x.aliases.len(), 2);
/// ```
pub fn import(inputs: &[Input], progress: &mut dyn FnMut(usize)) -> Import {
    let mut out = Import::default();
    let mut tables = Vec::new();
    for input in inputs {
        if let Some(t) = read_table(input, &mut out) {
            tables.push(t);
        }
    }
    let mut seen = 0usize;
    let mut tick = |n: usize| {
        seen += n;
        if seen.is_multiple_of(PROGRESS_EVERY) {
            progress(seen);
        }
    };
    for kind in [FileKind::Sources, FileKind::Nodes, FileKind::Relationships] {
        for (k, table) in &tables {
            if *k != kind {
                continue;
            }
            for (line, row) in &table.rows {
                out.counts.records += 1;
                tick(1);
                let result = if row.len() != table.roles.len() {
                    Err(format!(
                        "{} fields where the header has {}",
                        row.len(),
                        table.roles.len()
                    ))
                } else {
                    match kind {
                        FileKind::Sources => source_row(table, row, &mut out.graph),
                        FileKind::Nodes => node_row(table, row, &mut out.graph),
                        FileKind::Relationships => relation_row(table, row, &mut out.graph),
                    }
                };
                if let Err(message) = result {
                    out.invalid(table.name, *line, message);
                }
            }
        }
    }
    add_cited_sources(&mut out.graph);
    out.finish()
}

fn source_row(table: &Table, row: &::csv::StringRecord, graph: &mut Graph) -> Result<(), String> {
    let get = |key: &str| {
        table
            .headers
            .iter()
            .position(|h| h == key)
            .and_then(|i| row.get(i))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let id = get("id")
        .filter(|id| !id.trim().is_empty())
        .ok_or("the source has no id")?;
    if graph.source(&id).is_some() {
        return Err(format!("the source id {id:?} is given twice"));
    }
    let published = match get("published") {
        Some(p) => {
            Some(Date::parse(&p).map_err(|e| format!("published {p:?} is not a date: {e}"))?)
        }
        None => None,
    };
    graph.add_source(Source {
        id,
        url: get("url"),
        title: get("title"),
        published,
    });
    Ok(())
}

fn node_row(table: &Table, row: &::csv::StringRecord, graph: &mut Graph) -> Result<(), String> {
    let mut id = None;
    let mut labels = Vec::new();
    let mut name = None;
    let mut aliases = Vec::new();
    let mut props = Props::new();
    for ((role, header), text) in table.roles.iter().zip(&table.headers).zip(row.iter()) {
        match role {
            Role::Id => id = Some(text),
            Role::Label => {
                for l in text.split(';').filter(|l| !l.is_empty()) {
                    if !is_identifier(l) {
                        return Err(format!(
                            "the label {l:?} is not an identifier ([A-Za-z_][A-Za-z0-9_]*)"
                        ));
                    }
                    let sym = graph.intern(l);
                    if !labels.contains(&sym) {
                        labels.push(sym);
                    }
                }
            }
            Role::Field("name", col) => {
                if let Some(v) = cell(text, col).map_err(|e| format!("{header}: {e}"))? {
                    name = Some(v.to_string().into_boxed_str());
                }
            }
            Role::Field(_, _) => {
                aliases.extend(
                    text.split(';')
                        .filter(|a| !a.is_empty())
                        .map(Box::<str>::from),
                );
            }
            Role::Prop(col) => {
                if let Some(v) = cell(text, col).map_err(|e| format!("{header}: {e}"))? {
                    // `name` and `aliases` are read as fields; a graph
                    // file refuses the entity's other field, `id`, in props.
                    if crate::graph::model::ENTITY_FIELDS.contains(&col.key.as_str()) {
                        return Err(format!(
                            "{header}: `{}` is a field of the node itself: give the id in the :ID column, or rename this column",
                            col.key
                        ));
                    }
                    let k = graph.intern(&col.key);
                    props.insert(k, v);
                }
            }
            Role::Ignore | Role::Start | Role::End | Role::Type => {}
        }
    }
    let id = match id {
        Some(id) if !id.trim().is_empty() => id,
        _ => return Err("the node has no id (the :ID column is empty or blank)".into()),
    };
    if graph.by_id(id).is_some() {
        return Err(format!("the id {id:?} is given to two nodes"));
    }
    if labels.is_empty() {
        labels.push(graph.intern("Entity"));
    }
    graph
        .add_entity(Entity {
            id: Some(id.into()),
            labels,
            name,
            aliases,
            props,
        })
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn relation_row(table: &Table, row: &::csv::StringRecord, graph: &mut Graph) -> Result<(), String> {
    let mut start = None;
    let mut end = None;
    let mut ty = None;
    let mut rel_fields: HashMap<&str, &str> = HashMap::new();
    let mut props = Props::new();
    for ((role, header), text) in table.roles.iter().zip(&table.headers).zip(row.iter()) {
        match role {
            Role::Start => start = Some(text),
            Role::End => end = Some(text),
            Role::Type => ty = Some(text),
            Role::Field(f, _) => {
                if !text.is_empty() {
                    rel_fields.insert(f, text);
                }
            }
            Role::Prop(col) => {
                if let Some(v) = cell(text, col).map_err(|e| format!("{header}: {e}"))? {
                    let k = graph.intern(&col.key);
                    props.insert(k, v);
                }
            }
            Role::Id | Role::Label | Role::Ignore => {}
        }
    }
    let ty = match ty {
        Some(t) if is_identifier(t) => t,
        Some("") | None => {
            return Err("the relationship has no type (the :TYPE column is empty)".into())
        }
        Some(t) => {
            return Err(format!(
                "the type {t:?} is not an identifier ([A-Za-z_][A-Za-z0-9_]*)"
            ))
        }
    };
    let lookup = |graph: &Graph, id: Option<&str>, which: &str| match id {
        Some(id) if !id.is_empty() => graph
            .by_id(id)
            .ok_or_else(|| format!("{which} {id:?} is not the id of any node")),
        _ => Err(format!("the relationship has no {which}")),
    };
    let from = lookup(graph, start, ":START_ID")?;
    let to = lookup(graph, end, ":END_ID")?;
    let date = |key: &str| -> Result<Option<Date>, String> {
        rel_fields
            .get(key)
            .map(|t| Date::parse(t).map_err(|e| format!("{key} {t:?} is not a date: {e}")))
            .transpose()
    };
    let since = date("since")?;
    let until = date("until")?;
    let share = graph.sym("share").and_then(|k| props.get(k));
    super::check_relation(share, since, until)?;
    let text = |key: &str| rel_fields.get(key).map(|t| Box::<str>::from(*t));
    let provenance = Provenance {
        source: text("source"),
        locator: text("locator"),
        note: text("note"),
        quote: text("quote"),
    };
    let mut rel = Relation::new(graph.intern(ty));
    rel.props = props;
    rel.since = since;
    rel.until = until;
    if !provenance.is_empty() {
        rel.provenance = Some(Box::new(provenance));
    }
    graph
        .add_relation(from, to, rel)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Gives every source a relation cites an entry, so that the graph loads:
/// an id without a sources file has nothing else to say about it.
fn add_cited_sources(graph: &mut Graph) {
    let cited: Vec<String> = graph
        .relation_indices()
        .filter_map(|e| graph.relation(e))
        .filter_map(|r| r.provenance().source.as_deref().map(str::to_string))
        .collect();
    for id in cited {
        if graph.source(&id).is_none() {
            graph.add_source(Source {
                id,
                url: None,
                title: None,
                published: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read_as_neo4j_reads_them() {
        assert_eq!(role("id:ID", &ENTITY_FIELDS), Role::Id);
        assert_eq!(role(":ID(Person)", &ENTITY_FIELDS), Role::Id);
        assert_eq!(role(":LABEL", &ENTITY_FIELDS), Role::Label);
        assert_eq!(role(":START_ID(Person)", &RELATION_FIELDS), Role::Start);
        assert_eq!(
            role("share:double", &ENTITY_FIELDS),
            Role::Prop(Column {
                key: "share".into(),
                kind: Kind::Float,
                array: false
            })
        );
        assert_eq!(
            role("a:b", &ENTITY_FIELDS),
            Role::Prop(Column {
                key: "a:b".into(),
                kind: Kind::Text,
                array: false
            })
        );
    }

    #[test]
    fn numbers_keep_their_kind() {
        let col = column("x:double");
        assert_eq!(cell("51", &col), Ok(Some(PropValue::Int(51))));
        assert_eq!(cell("51.0", &col), Ok(Some(PropValue::Float(51.0))));
        assert_eq!(cell("", &col), Ok(None));
        assert!(cell("abc", &col).is_err());
        assert!(cell("NaN", &col).is_err());
    }
}
