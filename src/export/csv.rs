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
//! - `ladybug/nodes_<Label>.csv`: the entities whose first label is
//!   `<Label>` (`nodes_Entity.csv`: those without a label), columns `id`,
//!   `labels`, `name`, `aliases`, then every property column of
//!   `nodes.csv`.
//! - `ladybug/rels_<TYPE>_<From>_<To>.csv`: the relations of one type
//!   between two node tables: `from`, `to`, `since`, `until`, `source`,
//!   `locator`, `note`, `quote`, then every property column of
//!   `relationships.csv`.
//! - `load-ladybug.cypher`: the `CREATE NODE TABLE`, `CREATE REL TABLE`
//!   and `COPY ... FROM` statements that load the `ladybug/` files into
//!   LadybugDB: one node table per label, one rel table per relationship
//!   type (with a `FROM a TO b` pair for each pair of node tables it
//!   joins), so that `(d:Deposit)` and `[:OWNS]` mean there what they mean
//!   in kg. Lists and labels are kept as their `;`-joined text.
//!
//! LadybugDB puts a node in exactly one table, so an entity goes into the
//! table of its first label (all its labels stay in the `labels` column);
//! an entity without labels goes into the table `Entity`. LadybugDB's
//! table names ignore case and node and rel tables share them: labels
//! that differ only in case share the table named by the first one met,
//! and a relationship type whose name is taken by a node table gets the
//! table `<TYPE>_REL` (then `_REL2`, ...); a property named like a fixed
//! column (`labels`, `note`) is the column `<key>_prop`. File names keep letters,
//! digits and `_` of the table names, `-` for other characters, and a
//! `_2`, `_3`, ... when two would be the same.
//!
//! Neo4j reads the files as they are:
//! `neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv`.
//! Arrays are joined by `;` (Neo4j's default array delimiter), so a
//! string inside a list must not hold `;`. `kg import --from csv` reads
//! the top-level files back (see [`crate::import::csv`] for what CSV
//! cannot carry).
//!
//! [`write_dir`] writes the files row by row as it goes: beside the graph,
//! the export holds only the table plan (an index per entity and per
//! relation) and buffers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use super::file::Staging;
use super::ExportError;
use crate::graph::value::format_float;
use crate::graph::{EdgeIndex, Graph, NodeIndex, PropValue, Sym, WriteError};

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

    /// Writes the cell of `v` to `out`.
    fn cell(self, out: &mut String, v: &PropValue) {
        match (self, v) {
            (ColType::Many(s), PropValue::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(';');
                    }
                    scalar(out, item, s);
                }
            }
            (ColType::One(s), v) => scalar(out, v, s),
            (_, v) => out.push_str(&v.to_json().to_string()),
        }
    }
}

fn scalar(out: &mut String, v: &PropValue, as_: Scalar) {
    match (v, as_) {
        // An integer in a column of doubles keeps its form (`51`, which
        // Neo4j reads as 51.0), so that `kg import` reads it back as an
        // integer.
        (PropValue::Int(i), Scalar::Double) => {
            let _ = write!(out, "{i}");
        }
        (PropValue::Float(f), _) => out.push_str(&format_float(*f)),
        (PropValue::List(_), _) => out.push_str(&v.to_json().to_string()),
        _ => {
            let _ = write!(out, "{v}");
        }
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

/// A name in LadybugDB's DDL, in backticks.
fn ddl_name(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// A string literal in LadybugDB's Cypher.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

const REL_FIELDS: [&str; 6] = ["since", "until", "source", "locator", "note", "quote"];

/// The table for entities without a label.
const UNLABELLED: &str = "Entity";

/// A LadybugDB table name for a label or type: control characters (which
/// would break the load script's lines) become `_`; an empty name is `_`.
fn table_name(label: &str) -> String {
    let name: String = label
        .chars()
        .map(|c| if c.is_control() { '_' } else { c })
        .collect();
    if name.is_empty() {
        "_".to_string()
    } else {
        name
    }
}

/// Unique file names: letters, digits and `_` of a table name, `-` for
/// the rest, `_2`, `_3`, ... on a clash (ignoring case, as some file
/// systems do).
#[derive(Default)]
struct FileNames(HashSet<String>);

impl FileNames {
    fn part(name: &str) -> String {
        name.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    }

    fn take(&mut self, stem: &str) -> String {
        let mut name = stem.to_string();
        let mut n = 2;
        while !self.0.insert(name.to_lowercase()) {
            name = format!("{stem}_{n}");
            n += 1;
        }
        format!("ladybug/{name}.csv")
    }
}

/// A property column: its key, the key's symbol in the graph, its type,
/// and its name in LadybugDB.
struct Column {
    key: String,
    sym: Option<Sym>,
    ty: ColType,
    ladybug: String,
}

/// The property columns. In LadybugDB a property named like one of the
/// `fixed` columns (ignoring case, as LadybugDB does) is `<key>_prop`
/// (then `_prop2`, ...).
fn property_columns<'a>(
    graph: &Graph,
    props: impl Iterator<Item = (&'a str, &'a PropValue)>,
    fixed: &[&str],
) -> Vec<Column> {
    let mut taken: HashSet<String> = fixed.iter().map(|f| f.to_lowercase()).collect();
    columns(props)
        .into_iter()
        .map(|(key, ty)| {
            let mut name = key.clone();
            let mut n = 1;
            while !taken.insert(name.to_lowercase()) {
                name = if n == 1 {
                    format!("{key}_prop")
                } else {
                    format!("{key}_prop{n}")
                };
                n += 1;
            }
            Column {
                sym: graph.sym(&key),
                key,
                ty,
                ladybug: name,
            }
        })
        .collect()
}

/// The columns every LadybugDB node table starts with.
const NODE_FIELDS: [&str; 4] = ["id", "labels", "name", "aliases"];

/// One node table of the LadybugDB files.
struct NodeTable {
    name: String,
    file: String,
    members: Vec<NodeIndex>,
}

/// The relations of one type between two node tables.
struct RelGroup {
    from: usize,
    to: usize,
    file: String,
    members: Vec<EdgeIndex>,
}

/// One rel table of the LadybugDB files.
struct RelTable {
    name: String,
    groups: Vec<RelGroup>,
}

/// Which LadybugDB table every entity and relation goes into.
struct Plan {
    nodes: Vec<NodeTable>,
    rels: Vec<RelTable>,
}

impl Plan {
    fn of(graph: &Graph) -> Plan {
        let mut names = FileNames::default();
        let mut nodes: Vec<NodeTable> = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        // The table of each entity, by node index.
        let mut table_of: Vec<usize> = Vec::new();
        for n in graph.entity_indices() {
            let Some(e) = graph.entity(n) else { continue };
            let name = match e.labels.first() {
                Some(l) => table_name(graph.resolve(*l)),
                None => UNLABELLED.to_string(),
            };
            let t = *by_name.entry(name.to_lowercase()).or_insert_with(|| {
                nodes.push(NodeTable {
                    file: String::new(),
                    name,
                    members: Vec::new(),
                });
                nodes.len() - 1
            });
            nodes[t].members.push(n);
            if table_of.len() <= n.index() {
                table_of.resize(n.index() + 1, usize::MAX);
            }
            table_of[n.index()] = t;
        }
        for t in &mut nodes {
            t.file = names.take(&format!("nodes_{}", FileNames::part(&t.name)));
        }

        let mut rels: Vec<RelTable> = Vec::new();
        let mut taken: HashSet<String> = by_name.keys().cloned().collect();
        let mut rel_by_base: HashMap<String, usize> = HashMap::new();
        let mut rel_by_type: HashMap<Sym, usize> = HashMap::new();
        let mut groups: BTreeMap<(usize, usize, usize), Vec<EdgeIndex>> = BTreeMap::new();
        for ix in graph.relation_indices() {
            let (Some(r), Some((a, b))) = (graph.relation(ix), graph.endpoints(ix)) else {
                continue;
            };
            let t = *rel_by_type.entry(r.ty).or_insert_with(|| {
                let base = table_name(graph.resolve(r.ty));
                // Types that differ only in case share a table.
                *rel_by_base.entry(base.to_lowercase()).or_insert_with(|| {
                    let mut name = base.clone();
                    let mut n = 1;
                    while taken.contains(&name.to_lowercase()) {
                        name = if n == 1 {
                            format!("{base}_REL")
                        } else {
                            format!("{base}_REL{n}")
                        };
                        n += 1;
                    }
                    taken.insert(name.to_lowercase());
                    rels.push(RelTable {
                        name,
                        groups: Vec::new(),
                    });
                    rels.len() - 1
                })
            });
            let (Some(&from), Some(&to)) = (table_of.get(a.index()), table_of.get(b.index()))
            else {
                continue;
            };
            if from != usize::MAX && to != usize::MAX {
                groups.entry((t, from, to)).or_default().push(ix);
            }
        }
        for ((t, from, to), members) in groups {
            let file = names.take(&format!(
                "rels_{}_{}_{}",
                FileNames::part(&rels[t].name),
                FileNames::part(&nodes[from].name),
                FileNames::part(&nodes[to].name)
            ));
            rels[t].groups.push(RelGroup {
                from,
                to,
                file,
                members,
            });
        }
        Plan { nodes, rels }
    }
}

/// Writes CSV records one at a time through a reused buffer, and notes
/// whether any field holds a line break (LadybugDB's parallel CSV reader
/// cannot read those).
struct Records<'w> {
    out: &'w mut dyn Write,
    line: String,
    safe: bool,
    line_breaks: bool,
}

impl<'w> Records<'w> {
    fn new(out: &'w mut dyn Write, safe: bool) -> Self {
        Records {
            out,
            line: String::with_capacity(256),
            safe,
            line_breaks: false,
        }
    }

    fn write<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
        self.line.clear();
        let breaks = &mut self.line_breaks;
        let fields = fields.into_iter().inspect(|f| {
            if f.contains(['\n', '\r']) {
                *breaks = true;
            }
        });
        crate::output::rows::csv_record(&mut self.line, fields, self.safe, "\n");
        self.out.write_all(self.line.as_bytes())
    }
}

/// Reused cells of one row.
struct Cells(Vec<String>);

impl Cells {
    fn new(n: usize) -> Self {
        Cells(vec![String::new(); n])
    }

    fn clear(&mut self) {
        for c in &mut self.0 {
            c.clear();
        }
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// What [`write_dir`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The files, relative to the folder, in the order written.
    pub files: Vec<String>,
    /// The number of LadybugDB node tables.
    pub node_tables: usize,
    /// The number of LadybugDB rel tables.
    pub rel_tables: usize,
}

/// The export of one graph.
struct Export<'g> {
    graph: &'g Graph,
    safe: bool,
    node_cols: Vec<Column>,
    rel_cols: Vec<Column>,
}

impl Export<'_> {
    /// The cells of an entity: `id`, labels, name, aliases, properties.
    fn entity_cells(&self, n: NodeIndex, cells: &mut Cells) -> bool {
        let g = self.graph;
        let Some(e) = g.entity(n) else { return false };
        cells.clear();
        let c = &mut cells.0;
        c[0].push_str(e.id.as_deref().unwrap_or(""));
        for (i, l) in e.labels.iter().enumerate() {
            if i > 0 {
                c[1].push(';');
            }
            c[1].push_str(g.resolve(*l));
        }
        c[2].push_str(e.name.as_deref().unwrap_or(""));
        for (i, a) in e.aliases.iter().enumerate() {
            if i > 0 {
                c[3].push(';');
            }
            c[3].push_str(a);
        }
        for (col, cell) in self.node_cols.iter().zip(&mut c[4..]) {
            if let Some(v) = col.sym.and_then(|s| e.props.get(s)) {
                col.ty.cell(cell, v);
            }
        }
        true
    }

    /// The cells of a relation: start id, end id, type, the provenance
    /// fields, properties.
    fn relation_cells(&self, ix: EdgeIndex, cells: &mut Cells) -> bool {
        let g = self.graph;
        let (Some(r), Some((a, b))) = (g.relation(ix), g.endpoints(ix)) else {
            return false;
        };
        cells.clear();
        let c = &mut cells.0;
        let id = |n| g.entity(n).and_then(|e| e.id.as_deref()).unwrap_or("");
        c[0].push_str(id(a));
        c[1].push_str(id(b));
        c[2].push_str(g.resolve(r.ty));
        if let Some(d) = r.since {
            let _ = write!(c[3], "{d}");
        }
        if let Some(d) = r.until {
            let _ = write!(c[4], "{d}");
        }
        let p = r.provenance();
        for (cell, v) in c[5..9]
            .iter_mut()
            .zip([&p.source, &p.locator, &p.note, &p.quote])
        {
            cell.push_str(v.as_deref().unwrap_or(""));
        }
        for (col, cell) in self.rel_cols.iter().zip(&mut c[9..]) {
            if let Some(v) = col.sym.and_then(|s| r.props.get(s)) {
                col.ty.cell(cell, v);
            }
        }
        true
    }

    fn node_cells(&self) -> Cells {
        Cells::new(4 + self.node_cols.len())
    }

    fn rel_cells(&self) -> Cells {
        Cells::new(3 + REL_FIELDS.len() + self.rel_cols.len())
    }

    fn neo4j_nodes(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut rec = Records::new(out, self.safe);
        let header: Vec<String> = ["id:ID", ":LABEL", "name", "aliases:string[]"]
            .into_iter()
            .map(str::to_string)
            .chain(self.node_cols.iter().map(|c| c.ty.header(&c.key)))
            .collect();
        rec.write(header.iter().map(String::as_str))?;
        let mut cells = self.node_cells();
        for n in self.graph.entity_indices() {
            if self.entity_cells(n, &mut cells) {
                rec.write(cells.iter())?;
            }
        }
        Ok(())
    }

    fn neo4j_relationships(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut rec = Records::new(out, self.safe);
        let header: Vec<String> = [":START_ID", ":END_ID", ":TYPE"]
            .into_iter()
            .chain(REL_FIELDS)
            .map(str::to_string)
            .chain(self.rel_cols.iter().map(|c| c.ty.header(&c.key)))
            .collect();
        rec.write(header.iter().map(String::as_str))?;
        let mut cells = self.rel_cells();
        for ix in self.graph.relation_indices() {
            if self.relation_cells(ix, &mut cells) {
                rec.write(cells.iter())?;
            }
        }
        Ok(())
    }

    fn sources(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut rec = Records::new(out, self.safe);
        rec.write(["id", "url", "title", "published"])?;
        for s in self.graph.sources() {
            let published = s.published.map(|d| d.to_string()).unwrap_or_default();
            rec.write([
                s.id.as_str(),
                s.url.as_deref().unwrap_or(""),
                s.title.as_deref().unwrap_or(""),
                published.as_str(),
            ])?;
        }
        Ok(())
    }

    /// A node table's file; returns whether a field holds a line break.
    fn ladybug_nodes(&self, table: &NodeTable, out: &mut dyn Write) -> io::Result<bool> {
        let mut rec = Records::new(out, self.safe);
        rec.write(
            NODE_FIELDS
                .into_iter()
                .chain(self.node_cols.iter().map(|c| c.ladybug.as_str())),
        )?;
        let mut cells = self.node_cells();
        for &n in &table.members {
            if self.entity_cells(n, &mut cells) {
                rec.write(cells.iter())?;
            }
        }
        Ok(rec.line_breaks)
    }

    /// A rel group's file (no type column: the table is the type);
    /// returns whether a field holds a line break.
    fn ladybug_rels(&self, group: &RelGroup, out: &mut dyn Write) -> io::Result<bool> {
        let mut rec = Records::new(out, self.safe);
        rec.write(
            ["from", "to"]
                .into_iter()
                .chain(REL_FIELDS)
                .chain(self.rel_cols.iter().map(|c| c.ladybug.as_str())),
        )?;
        let mut cells = self.rel_cells();
        for &ix in &group.members {
            if self.relation_cells(ix, &mut cells) {
                rec.write(
                    cells
                        .iter()
                        .enumerate()
                        .filter(|&(i, _)| i != 2)
                        .map(|(_, c)| c),
                )?;
            }
        }
        Ok(rec.line_breaks)
    }

    /// The load script. `breaks[i]` says whether the i-th file (node
    /// tables first, then rel groups in order) holds a line break inside
    /// a field.
    fn load_script(&self, plan: &Plan, breaks: &[bool]) -> String {
        let mut node_ddl = vec![
            "id STRING PRIMARY KEY".to_string(),
            "labels STRING".to_string(),
            "name STRING".to_string(),
            "aliases STRING".to_string(),
        ];
        node_ddl.extend(
            self.node_cols
                .iter()
                .map(|c| format!("{} {}", ddl_name(&c.ladybug), c.ty.ladybug())),
        );
        let node_ddl = node_ddl.join(", ");
        let mut rel_props: Vec<String> = REL_FIELDS.iter().map(|f| format!("{f} STRING")).collect();
        rel_props.extend(
            self.rel_cols
                .iter()
                .map(|c| format!("{} {}", ddl_name(&c.ladybug), c.ty.ladybug())),
        );
        let rel_props = rel_props.join(", ");

        let mut out = String::from(
            "// Loads the ladybug/ files into LadybugDB: one node table per label, one rel\n\
             // table per relationship type. Run the statements one by one (each ends\n\
             // with `;` at the end of a line) in the directory that holds this file.\n",
        );
        for t in &plan.nodes {
            let _ = writeln!(out, "CREATE NODE TABLE {}({node_ddl});", ddl_name(&t.name));
        }
        for t in &plan.rels {
            let pairs: Vec<String> = t
                .groups
                .iter()
                .map(|g| {
                    format!(
                        "FROM {} TO {}",
                        ddl_name(&plan.nodes[g.from].name),
                        ddl_name(&plan.nodes[g.to].name)
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "CREATE REL TABLE {}({}, {rel_props});",
                ddl_name(&t.name),
                pairs.join(", ")
            );
        }
        let mut breaks = breaks.iter().copied();
        let mut options = || {
            if breaks.next().unwrap_or(true) {
                "HEADER=true, PARALLEL=false"
            } else {
                "HEADER=true"
            }
        };
        for t in &plan.nodes {
            let _ = writeln!(
                out,
                "COPY {} FROM {} ({});",
                ddl_name(&t.name),
                literal(&t.file),
                options()
            );
        }
        for t in &plan.rels {
            for g in &t.groups {
                let _ = writeln!(
                    out,
                    "COPY {} FROM {} ({}, FROM={}, TO={});",
                    ddl_name(&t.name),
                    literal(&g.file),
                    options(),
                    literal(&plan.nodes[g.from].name),
                    literal(&plan.nodes[g.to].name)
                );
            }
        }
        out
    }
}

/// Writes the CSV export of `graph` into the folder `dir` (created when
/// missing, not its parents): `nodes.csv`, `relationships.csv`,
/// `sources.csv`, the `ladybug/` files and `load-ladybug.cypher`, row by
/// row. Fields that start like a spreadsheet formula are quoted; with
/// `safe` they also get `'` before them (see
/// [`crate::output::rows::csv_record`]).
///
/// Nothing is left half written: the files go to a staging folder first
/// (see [`Staging`]); on any error `dir` stays as it was. A previous
/// export's `ladybug/` folder is replaced as a whole.
pub fn write_dir(graph: &Graph, dir: &Path, safe: bool) -> Result<Written, ExportError> {
    for n in graph.entity_indices() {
        if graph.entity(n).is_some_and(|e| e.id.is_none()) {
            return Err(WriteError::MissingId(graph.display_name(n)).into());
        }
    }
    let interner = graph.interner();
    let export = Export {
        graph,
        safe,
        node_cols: property_columns(
            graph,
            graph
                .entity_indices()
                .filter_map(|n| graph.entity(n))
                .flat_map(|e| e.props.sorted(interner)),
            &NODE_FIELDS,
        ),
        rel_cols: property_columns(
            graph,
            graph
                .relation_indices()
                .filter_map(|e| graph.relation(e))
                .flat_map(|r| r.props.sorted(interner)),
            &REL_FIELDS,
        ),
    };
    let plan = Plan::of(graph);

    let mut stage = Staging::begin(dir)?;
    let mut files = Vec::new();
    stage.file("nodes.csv", |w| export.neo4j_nodes(w))?;
    stage.file("relationships.csv", |w| export.neo4j_relationships(w))?;
    stage.file("sources.csv", |w| export.sources(w))?;
    files.extend(["nodes.csv", "relationships.csv", "sources.csv"].map(String::from));
    let mut breaks = Vec::new();
    for t in &plan.nodes {
        let mut b = false;
        stage.file(&t.file, |w| {
            b = export.ladybug_nodes(t, w)?;
            Ok(())
        })?;
        breaks.push(b);
        files.push(t.file.clone());
    }
    for t in &plan.rels {
        for g in &t.groups {
            let mut b = false;
            stage.file(&g.file, |w| {
                b = export.ladybug_rels(g, w)?;
                Ok(())
            })?;
            breaks.push(b);
            files.push(g.file.clone());
        }
    }
    let script = export.load_script(&plan, &breaks);
    stage.file("load-ladybug.cypher", |w| w.write_all(script.as_bytes()))?;
    files.push("load-ladybug.cypher".to_string());
    stage.commit()?;
    Ok(Written {
        files,
        node_tables: plan.nodes.len(),
        rel_tables: plan.rels.len(),
    })
}
