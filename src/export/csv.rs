//! CSV files for bulk import into Neo4j and LadybugDB.
//!
//! - `nodes.csv`: `id:ID`, `:LABEL` (labels joined by `;`), `name`,
//!   `aliases:string[]`, then one typed column per property key:
//!   `share:double`, `tonnes:long`, `approximate:boolean`,
//!   `commodities:string[]`, `country` (text).
//! - `relationships.csv`: `:START_ID`, `:END_ID`, `:TYPE`, `since`,
//!   `until`, `source`, `locator`, `note`, `quote`, then the property
//!   columns.
//! - `sources.csv`: `id`, `url`, `title`, `published`: the graph's
//!   sources, which relations cite by id (not a Neo4j file; `kg import
//!   --from csv` reads it).
//! - `load-ladybug.cypher`: the `CREATE NODE TABLE`, `CREATE REL TABLE`
//!   and `COPY ... FROM` statements that load the two files into
//!   LadybugDB (one `Entity` table, one `Relation` table; lists and labels
//!   are kept as their `;`-joined text).
//!
//! Neo4j reads the files as they are:
//! `neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv`.
//! Arrays are joined by `;` (Neo4j's default array delimiter), so a
//! string inside a list must not hold `;`. `kg import --from csv` reads
//! the files back (see [`crate::import::csv`] for what CSV cannot carry).

use std::collections::BTreeMap;

use crate::graph::value::format_float;
use crate::graph::{Graph, PropValue, WriteError};

/// The kind of values a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scalar {
    Boolean,
    Long,
    Double,
    Str,
}

impl Scalar {
    fn of(v: &PropValue) -> Option<Scalar> {
        match v {
            PropValue::Bool(_) => Some(Scalar::Boolean),
            PropValue::Int(_) => Some(Scalar::Long),
            PropValue::Float(_) => Some(Scalar::Double),
            PropValue::Str(_) => Some(Scalar::Str),
            PropValue::List(_) => None,
        }
    }

    fn join(self, other: Scalar) -> Scalar {
        match (self, other) {
            (a, b) if a == b => a,
            (Scalar::Long, Scalar::Double) | (Scalar::Double, Scalar::Long) => Scalar::Double,
            _ => Scalar::Str,
        }
    }

    fn neo4j(self) -> &'static str {
        match self {
            Scalar::Boolean => "boolean",
            Scalar::Long => "long",
            Scalar::Double => "double",
            Scalar::Str => "string",
        }
    }

    fn ladybug(self) -> &'static str {
        match self {
            Scalar::Boolean => "BOOLEAN",
            Scalar::Long => "INT64",
            Scalar::Double => "DOUBLE",
            Scalar::Str => "STRING",
        }
    }
}

/// A column's type: scalars of one kind, lists of one kind, or text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColType {
    One(Scalar),
    Many(Scalar),
}

impl ColType {
    fn of(v: &PropValue) -> ColType {
        match v {
            PropValue::List(items) => ColType::Many(
                items
                    .iter()
                    .filter_map(Scalar::of)
                    .reduce(Scalar::join)
                    .unwrap_or(Scalar::Str),
            ),
            other => ColType::One(Scalar::of(other).unwrap_or(Scalar::Str)),
        }
    }

    fn join(self, other: ColType) -> ColType {
        match (self, other) {
            (ColType::One(a), ColType::One(b)) => ColType::One(a.join(b)),
            (ColType::Many(a), ColType::Many(b)) => ColType::Many(a.join(b)),
            _ => ColType::One(Scalar::Str),
        }
    }

    /// The Neo4j header suffix: `:double`, `:string[]`, or none for text.
    fn header(self, key: &str) -> String {
        match self {
            ColType::One(Scalar::Str) => key.to_string(),
            ColType::One(s) => format!("{key}:{}", s.neo4j()),
            ColType::Many(s) => format!("{key}:{}[]", s.neo4j()),
        }
    }

    fn ladybug(self) -> &'static str {
        match self {
            ColType::One(s) => s.ladybug(),
            ColType::Many(_) => "STRING",
        }
    }

    fn cell(self, v: &PropValue) -> String {
        match (self, v) {
            (ColType::Many(s), PropValue::List(items)) => {
                let parts: Vec<String> = items.iter().map(|i| scalar(i, s)).collect();
                parts.join(";")
            }
            (ColType::One(s), v) => scalar(v, s),
            (_, v) => v.to_json().to_string(),
        }
    }
}

fn scalar(v: &PropValue, as_: Scalar) -> String {
    match (v, as_) {
        // An integer in a column of doubles keeps its form (`51`, which
        // Neo4j reads as 51.0), so that `kg import` reads it back as an
        // integer.
        (PropValue::Int(i), Scalar::Double) => i.to_string(),
        (PropValue::Float(f), _) => format_float(*f),
        (PropValue::List(_), _) => v.to_json().to_string(),
        _ => v.to_string(),
    }
}

fn columns<'a>(props: impl Iterator<Item = (&'a str, &'a PropValue)>) -> BTreeMap<String, ColType> {
    let mut cols: BTreeMap<String, ColType> = BTreeMap::new();
    for (k, v) in props {
        let t = ColType::of(v);
        cols.entry(k.to_string())
            .and_modify(|old| *old = old.join(t))
            .or_insert(t);
    }
    cols
}

fn write_rows(rows: &[Vec<String>], safe: bool) -> String {
    let mut out = String::new();
    for row in rows {
        crate::output::rows::csv_record(&mut out, row.iter().map(String::as_str), safe, "\n");
    }
    out
}

/// A column name in LadybugDB's DDL, in backticks.
fn ddl_name(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

const REL_FIELDS: [&str; 6] = ["since", "until", "source", "locator", "note", "quote"];

/// The files of a CSV export: (file name, contents), in the order
/// `nodes.csv`, `relationships.csv`, `sources.csv`, `load-ladybug.cypher`.
/// Fields that start like a spreadsheet formula are quoted; with `safe`
/// they also get `'` before them (see [`crate::output::rows::csv_record`]).
pub fn files(graph: &Graph, safe: bool) -> Result<Vec<(String, String)>, WriteError> {
    let interner = graph.interner();
    let node_cols = columns(
        graph
            .entity_indices()
            .filter_map(|n| graph.entity(n))
            .flat_map(|e| e.props.sorted(interner)),
    );
    let rel_cols = columns(
        graph
            .relation_indices()
            .filter_map(|e| graph.relation(e))
            .flat_map(|r| r.props.sorted(interner)),
    );

    let mut nodes = vec![{
        let mut h = vec![
            "id:ID".to_string(),
            ":LABEL".to_string(),
            "name".to_string(),
            "aliases:string[]".to_string(),
        ];
        h.extend(node_cols.iter().map(|(k, t)| t.header(k)));
        h
    }];
    for n in graph.entity_indices() {
        let Some(e) = graph.entity(n) else { continue };
        let Some(id) = &e.id else {
            return Err(WriteError::MissingId(graph.display_name(n)));
        };
        let labels: Vec<&str> = e.labels.iter().map(|l| graph.resolve(*l)).collect();
        let aliases: Vec<&str> = e.aliases.iter().map(|a| &**a).collect();
        let mut row = vec![
            id.to_string(),
            labels.join(";"),
            e.name.as_deref().unwrap_or("").to_string(),
            aliases.join(";"),
        ];
        for (k, t) in &node_cols {
            let cell = graph
                .sym(k)
                .and_then(|s| e.props.get(s))
                .map(|v| t.cell(v))
                .unwrap_or_default();
            row.push(cell);
        }
        nodes.push(row);
    }

    let mut rels = vec![{
        let mut h = vec![
            ":START_ID".to_string(),
            ":END_ID".to_string(),
            ":TYPE".to_string(),
        ];
        h.extend(REL_FIELDS.iter().map(|s| s.to_string()));
        h.extend(rel_cols.iter().map(|(k, t)| t.header(k)));
        h
    }];
    for ix in graph.relation_indices() {
        let (Some(r), Some((a, b))) = (graph.relation(ix), graph.endpoints(ix)) else {
            continue;
        };
        let id_of = |n| {
            graph
                .entity(n)
                .and_then(|e| e.id.as_deref())
                .map(str::to_string)
                .ok_or_else(|| WriteError::MissingId(graph.display_name(n)))
        };
        let p = r.provenance();
        let text = |v: &Option<Box<str>>| v.as_deref().unwrap_or("").to_string();
        let mut row = vec![
            id_of(a)?,
            id_of(b)?,
            graph.resolve(r.ty).to_string(),
            r.since.map(|d| d.to_string()).unwrap_or_default(),
            r.until.map(|d| d.to_string()).unwrap_or_default(),
            text(&p.source),
            text(&p.locator),
            text(&p.note),
            text(&p.quote),
        ];
        for (k, t) in &rel_cols {
            let cell = graph
                .sym(k)
                .and_then(|s| r.props.get(s))
                .map(|v| t.cell(v))
                .unwrap_or_default();
            row.push(cell);
        }
        rels.push(row);
    }

    let mut node_ddl = vec![
        "id STRING PRIMARY KEY".to_string(),
        "labels STRING".to_string(),
        "name STRING".to_string(),
        "aliases STRING".to_string(),
    ];
    node_ddl.extend(
        node_cols
            .iter()
            .map(|(k, t)| format!("{} {}", ddl_name(k), t.ladybug())),
    );
    let mut rel_ddl = vec![
        "FROM Entity TO Entity".to_string(),
        "type STRING".to_string(),
    ];
    rel_ddl.extend(REL_FIELDS.iter().map(|f| format!("{f} STRING")));
    rel_ddl.extend(
        rel_cols
            .iter()
            .map(|(k, t)| format!("{} {}", ddl_name(k), t.ladybug())),
    );
    let load = format!(
        "// Loads nodes.csv and relationships.csv into LadybugDB: run these\n\
         // statements one by one in the directory that holds the files.\n\
         CREATE NODE TABLE Entity({});\n\
         CREATE REL TABLE Relation({});\n\
         COPY Entity FROM 'nodes.csv' (HEADER=true, PARALLEL=false);\n\
         COPY Relation FROM 'relationships.csv' (HEADER=true, PARALLEL=false);\n",
        node_ddl.join(", "),
        rel_ddl.join(", ")
    );

    let mut sources = vec![vec![
        "id".to_string(),
        "url".to_string(),
        "title".to_string(),
        "published".to_string(),
    ]];
    for s in graph.sources() {
        sources.push(vec![
            s.id.clone(),
            s.url.clone().unwrap_or_default(),
            s.title.clone().unwrap_or_default(),
            s.published.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }

    Ok(vec![
        ("nodes.csv".to_string(), write_rows(&nodes, safe)),
        ("relationships.csv".to_string(), write_rows(&rels, safe)),
        ("sources.csv".to_string(), write_rows(&sources, safe)),
        ("load-ladybug.cypher".to_string(), load),
    ])
}
