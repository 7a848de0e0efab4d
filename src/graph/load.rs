//! Reading graph files (JSON, format version 1) into a [`Graph`].
//!
//! Loading runs in two steps. Each file is parsed into plain records
//! ([`GraphFile`]); a JSON syntax error stops there and is reported as
//! `file:line:column: message`. Then the records of every file are checked
//! together and built into one graph; every problem found on the way is
//! collected and reported at once, each with the file and the record it
//! concerns.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::date::Date;
use super::json::{Json, Key};
use super::model::{Entity, Graph, Provenance, Relation, Source, ENTITY_FIELDS};
use super::value::{PropValue, Props};

/// The format version this build reads and writes.
pub const FORMAT_VERSION: i64 = 1;

/// Which record a problem concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The file as a whole (its top-level keys).
    File,
    /// `sources[index]`.
    Source {
        /// Position in the array, from 0.
        index: usize,
        /// Its id, when it has one.
        id: Option<String>,
    },
    /// `entities[index]`.
    Entity {
        /// Position in the array, from 0.
        index: usize,
        /// Its id, when it has one.
        id: Option<String>,
    },
    /// `relations[index]`.
    Relation {
        /// Position in the array, from 0.
        index: usize,
        /// `from -TYPE-> to`, as far as known.
        summary: String,
    },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File => f.write_str("top level"),
            Place::Source {
                index,
                id: Some(id),
            } => write!(f, "sources[{index}] (id {id:?})"),
            Place::Source { index, id: None } => write!(f, "sources[{index}]"),
            Place::Entity {
                index,
                id: Some(id),
            } => write!(f, "entities[{index}] (id {id:?})"),
            Place::Entity { index, id: None } => write!(f, "entities[{index}]"),
            Place::Relation { index, summary } => write!(f, "relations[{index}] ({summary})"),
        }
    }
}

/// One thing wrong with a graph file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file's name as given.
    pub file: String,
    /// The record concerned.
    pub place: Place,
    /// What is wrong and what would be right.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.place, self.message)
    }
}

/// Why graph files could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file could not be read.
    #[error("{file}: {error}")]
    Io {
        /// The file's name as given.
        file: String,
        /// What the system said.
        error: std::io::Error,
    },
    /// A file is not valid JSON.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file's name as given.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The files are JSON but break the format's rules.
    #[error("{}", render_problems(.0))]
    Invalid(Vec<Problem>),
}

fn render_problems(problems: &[Problem]) -> String {
    let mut s = String::new();
    for p in problems {
        s.push_str(&p.to_string());
        s.push('\n');
    }
    let n = problems.len();
    s.push_str(&format!("{n} problem{}", if n == 1 { "" } else { "s" }));
    s
}

/// A source as written in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSource {
    /// Position in the file's `sources`.
    pub index: usize,
    /// The parsed source.
    pub source: Source,
}

/// An entity as written in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEntity {
    /// Position in the file's `entities`.
    pub index: usize,
    /// `id`
    pub id: String,
    /// `labels`
    pub labels: Vec<String>,
    /// `name`
    pub name: Option<String>,
    /// `aliases`
    pub aliases: Vec<String>,
    /// `props`, in the order written.
    pub props: Vec<(String, PropValue)>,
}

/// A relation as written in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRelation {
    /// Position in the file's `relations`.
    pub index: usize,
    /// `from`
    pub from: String,
    /// `type`
    pub ty: String,
    /// `to`
    pub to: String,
    /// `props`, in the order written.
    pub props: Vec<(String, PropValue)>,
    /// `since`
    pub since: Option<Date>,
    /// `until`
    pub until: Option<Date>,
    /// `source`, `locator`, `note`, `quote`.
    pub provenance: Provenance,
}

impl RawRelation {
    fn summary(&self) -> String {
        format!("{} -{}-> {}", self.from, self.ty, self.to)
    }

    fn place(&self) -> Place {
        Place::Relation {
            index: self.index,
            summary: self.summary(),
        }
    }
}

/// One parsed graph file: its records and the problems found in them so
/// far.
#[derive(Debug, Clone, Default)]
pub struct GraphFile {
    /// The file's name as given (for messages).
    pub file: String,
    /// `name`
    pub name: Option<String>,
    /// `sources`
    pub sources: Vec<RawSource>,
    /// `entities`
    pub entities: Vec<RawEntity>,
    /// `relations`
    pub relations: Vec<RawRelation>,
    /// Problems found while reading the records.
    pub problems: Vec<Problem>,
}

const TOP_KEYS: [&str; 5] = ["kg", "name", "sources", "entities", "relations"];
const SOURCE_KEYS: [&str; 4] = ["id", "url", "title", "published"];
const ENTITY_KEYS: [&str; 5] = ["id", "labels", "name", "aliases", "props"];
const RELATION_KEYS: [&str; 10] = [
    "from", "type", "to", "props", "since", "until", "source", "locator", "note", "quote",
];

/// Whether `s` is an identifier: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The known word closest to `word`, if one is close enough to be a likely
/// typo.
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, &k.to_lowercase()), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn unknown_key(key: &str, known: &[&str]) -> String {
    match closest(key, known.iter().copied()) {
        Some(k) => format!("unknown key `{key}`: did you mean `{k}`?"),
        None => format!(
            "unknown key `{key}`: the keys here are {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Parses one file's text. Only a JSON syntax error is an `Err`; every
/// other problem is recorded in the returned file's `problems`.
pub fn parse_file(file: &str, text: &str) -> Result<GraphFile, LoadError> {
    let mut out = GraphFile {
        file: file.to_string(),
        ..GraphFile::default()
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let result = FileSeed { out: &mut out }
        .deserialize(&mut de)
        .and_then(|()| de.end());
    match result {
        Ok(()) => Ok(out),
        Err(e) => {
            let full = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
            Err(LoadError::Syntax {
                file: file.to_string(),
                line: e.line(),
                column: e.column().max(1),
                message,
            })
        }
    }
}

struct FileSeed<'a> {
    out: &'a mut GraphFile,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a graph: a JSON object with \"kg\": 1, \"entities\" and \"relations\"")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<(), A::Error> {
        Err(de::Error::custom(
            "a graph file is a JSON object with \"kg\": 1, \"entities\" and \"relations\", not an array",
        ))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let out = self.out;
        let mut seen: Vec<String> = Vec::new();
        let problem = |out: &mut GraphFile, message: String| {
            out.problems.push(Problem {
                file: out.file.clone(),
                place: Place::File,
                message,
            })
        };
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if seen.iter().any(|k| *k == key) {
                problem(out, format!("duplicate key `{key}`"));
                map.next_value::<de::IgnoredAny>()?;
                continue;
            }
            seen.push(key.to_string());
            match &*key {
                "kg" => match map.next_value::<Json>()? {
                    Json::Int(FORMAT_VERSION) => {}
                    Json::Int(v) => problem(
                        out,
                        format!("unsupported format version {v}: this kg reads \"kg\": {FORMAT_VERSION}"),
                    ),
                    other => problem(
                        out,
                        format!("`kg` is the format version, the number {FORMAT_VERSION}, not {}", other.kind()),
                    ),
                },
                "name" => match map.next_value::<Json>()? {
                    Json::Str(s) => out.name = Some(s.into_owned()),
                    other => problem(out, format!("`name` must be a string, not {}", other.kind())),
                },
                "sources" | "entities" | "relations" => {
                    map.next_value_seed(RecordsSeed {
                        out: &mut *out,
                        kind: key.to_string(),
                    })?;
                }
                other => {
                    problem(out, unknown_key(other, &TOP_KEYS));
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        for required in ["entities", "relations"] {
            if !seen.iter().any(|k| k == required) {
                problem(
                    out,
                    format!("missing required key `{required}` (an array, may be empty)"),
                );
            }
        }
        Ok(())
    }
}

struct RecordsSeed<'a> {
    out: &'a mut GraphFile,
    kind: String,
}

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` to be an array", self.kind)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(json) = seq.next_element::<Json>()? {
            match self.kind.as_str() {
                "sources" => read_source(self.out, index, json),
                "entities" => read_entity(self.out, index, json),
                _ => read_relation(self.out, index, json),
            }
            index += 1;
        }
        Ok(())
    }
}

/// Collects the problems of one record.
struct Record<'a> {
    out: &'a mut GraphFile,
    place: Place,
}

impl Record<'_> {
    fn problem(&mut self, message: impl Into<String>) {
        self.out.problems.push(Problem {
            file: self.out.file.clone(),
            place: self.place.clone(),
            message: message.into(),
        });
    }

    /// The record's fields, or `None` (with a problem) when it is not an
    /// object. Duplicate and unknown keys are reported and dropped.
    fn fields<'de>(
        &mut self,
        json: Json<'de>,
        known: &[&str],
        what: &str,
    ) -> Option<Vec<(String, Json<'de>)>> {
        let Json::Object(pairs) = json else {
            self.problem(format!("{what} must be a JSON object, not {}", json.kind()));
            return None;
        };
        let mut out: Vec<(String, Json)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            if out.iter().any(|(seen, _)| *seen == k) {
                self.problem(format!("duplicate key `{k}`"));
            } else if !known.contains(&&*k) {
                self.problem(unknown_key(&k, known));
            } else {
                out.push((k.into_owned(), v));
            }
        }
        Some(out)
    }

    fn string(&mut self, key: &str, v: Json) -> Option<String> {
        match v {
            Json::Str(s) => Some(s.into_owned()),
            other => {
                self.problem(format!("`{key}` must be a string, not {}", other.kind()));
                None
            }
        }
    }

    fn non_empty_string(&mut self, key: &str, v: Json) -> Option<String> {
        let s = self.string(key, v)?;
        if s.trim().is_empty() {
            self.problem(format!("`{key}` must not be empty"));
            return None;
        }
        Some(s)
    }

    fn strings(&mut self, key: &str, v: Json) -> Vec<String> {
        match v {
            Json::Array(items) => items
                .into_iter()
                .filter_map(|item| self.string(&format!("each of `{key}`"), item))
                .collect(),
            other => {
                self.problem(format!(
                    "`{key}` must be an array of strings, not {}",
                    other.kind()
                ));
                Vec::new()
            }
        }
    }

    fn date(&mut self, key: &str, v: Json) -> Option<Date> {
        match v {
            Json::Null => None,
            Json::Str(s) => match Date::parse(&s) {
                Ok(d) => Some(d),
                Err(e) => {
                    self.problem(format!("`{key}`: {e}"));
                    None
                }
            },
            other => {
                self.problem(format!(
                    "`{key}` must be a date string like \"2024\", \"2024-03\" or \"2024-03-15\", not {}",
                    other.kind()
                ));
                None
            }
        }
    }

    fn props(&mut self, v: Json) -> Vec<(String, PropValue)> {
        let Json::Object(pairs) = v else {
            self.problem(format!("`props` must be an object, not {}", v.kind()));
            return Vec::new();
        };
        let mut out: Vec<(String, PropValue)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            if out.iter().any(|(seen, _)| *seen == k) {
                self.problem(format!("duplicate key `{k}` in `props`"));
                continue;
            }
            if let Some(value) = self.prop_value(&k, v, false) {
                out.push((k.into_owned(), value));
            }
        }
        out
    }

    fn prop_value(&mut self, key: &str, v: Json, in_list: bool) -> Option<PropValue> {
        match v {
            Json::Str(s) => Some(PropValue::Str(s.into())),
            Json::Int(i) => Some(PropValue::Int(i)),
            Json::Float(f) => Some(PropValue::Float(f)),
            Json::Bool(b) => Some(PropValue::Bool(b)),
            Json::BigInt(i) => {
                self.problem(format!(
                    "`props.{key}`: the integer {i} is larger than 9223372036854775807; write it as a string or a float"
                ));
                None
            }
            Json::Null => {
                self.problem(format!(
                    "`props.{key}` is null: leave the key out instead (null is not a property value)"
                ));
                None
            }
            Json::Object(_) => {
                self.problem(format!(
                    "`props.{key}` is a nested map: property values are strings, numbers, booleans or lists of those"
                ));
                None
            }
            Json::Array(items) if !in_list => {
                let list: Vec<PropValue> = items
                    .into_iter()
                    .filter_map(|item| self.prop_value(key, item, true))
                    .collect();
                Some(PropValue::List(list.into()))
            }
            Json::Array(_) => {
                self.problem(format!(
                    "`props.{key}` holds a nested list: a list may hold strings, numbers and booleans only"
                ));
                None
            }
        }
    }
}

fn take<'de>(fields: &mut Vec<(String, Json<'de>)>, key: &str) -> Option<Json<'de>> {
    let at = fields.iter().position(|(k, _)| k == key)?;
    Some(fields.swap_remove(at).1)
}

fn peek_id(json: &Json, key: &str) -> Option<String> {
    match json {
        Json::Object(pairs) => pairs.iter().find_map(|(k, v)| match v {
            Json::Str(s) if k == key => Some(s.to_string()),
            _ => None,
        }),
        _ => None,
    }
}

fn read_source(out: &mut GraphFile, index: usize, json: Json) {
    let id = peek_id(&json, "id");
    let mut r = Record {
        out,
        place: Place::Source { index, id },
    };
    let Some(mut f) = r.fields(json, &SOURCE_KEYS, "a source") else {
        return;
    };
    let id = match take(&mut f, "id") {
        Some(v) => r.non_empty_string("id", v),
        None => {
            r.problem("missing required key `id`");
            None
        }
    };
    let url = take(&mut f, "url").and_then(|v| r.string("url", v));
    let title = take(&mut f, "title").and_then(|v| r.string("title", v));
    let published = take(&mut f, "published").and_then(|v| r.date("published", v));
    if let Some(id) = id {
        r.out.sources.push(RawSource {
            index,
            source: Source {
                id,
                url,
                title,
                published,
            },
        });
    }
}

fn read_entity(out: &mut GraphFile, index: usize, json: Json) {
    let id = peek_id(&json, "id");
    let mut r = Record {
        out,
        place: Place::Entity { index, id },
    };
    let Some(mut f) = r.fields(json, &ENTITY_KEYS, "an entity") else {
        return;
    };
    let id = match take(&mut f, "id") {
        Some(v) => r.non_empty_string("id", v),
        None => {
            r.problem("missing required key `id`");
            None
        }
    };
    let labels = match take(&mut f, "labels") {
        Some(v) => r.strings("labels", v),
        None => {
            r.problem("missing required key `labels` (one or more labels, e.g. [\"Company\"])");
            Vec::new()
        }
    };
    if labels.is_empty() && r.out.problems.last().is_none_or(|p| p.place != r.place) {
        r.problem("`labels` must hold at least one label, e.g. [\"Company\"]");
    }
    for l in &labels {
        if !is_identifier(l) {
            r.problem(format!(
                "label {l:?} is not an identifier: use letters, digits and _, not starting with a digit (e.g. \"Company\")"
            ));
        }
    }
    let name = take(&mut f, "name").and_then(|v| r.string("name", v));
    let aliases = take(&mut f, "aliases").map_or_else(Vec::new, |v| r.strings("aliases", v));
    let props = take(&mut f, "props").map_or_else(Vec::new, |v| r.props(v));
    for (k, _) in &props {
        if ENTITY_FIELDS.contains(&k.as_str()) {
            r.problem(format!(
                "`props.{k}`: `{k}` is a field of the entity itself; move it out of `props`"
            ));
        }
    }
    if let Some(id) = id {
        r.out.entities.push(RawEntity {
            index,
            id,
            labels,
            name,
            aliases,
            props,
        });
    }
}

fn read_relation(out: &mut GraphFile, index: usize, json: Json) {
    let summary = format!(
        "{} -{}-> {}",
        peek_id(&json, "from").unwrap_or_else(|| "?".into()),
        peek_id(&json, "type").unwrap_or_else(|| "?".into()),
        peek_id(&json, "to").unwrap_or_else(|| "?".into())
    );
    let mut r = Record {
        out,
        place: Place::Relation { index, summary },
    };
    let Some(mut f) = r.fields(json, &RELATION_KEYS, "a relation") else {
        return;
    };
    let mut required = |r: &mut Record, key: &str| match take(&mut f, key) {
        Some(v) => r.non_empty_string(key, v),
        None => {
            r.problem(format!("missing required key `{key}`"));
            None
        }
    };
    let from = required(&mut r, "from");
    let ty = required(&mut r, "type");
    let to = required(&mut r, "to");
    if let Some(t) = &ty {
        if !is_identifier(t) {
            r.problem(format!(
                "type {t:?} is not an identifier: use letters, digits and _, e.g. \"OWNS\" or \"PART_OF\""
            ));
        }
    }
    let props = take(&mut f, "props").map_or_else(Vec::new, |v| r.props(v));
    for (k, v) in &props {
        if k == "share" {
            match v.as_f64() {
                Some(s) if (0.0..=100.0).contains(&s) => {}
                Some(_) => r.problem(format!(
                    "`props.share` is {v}: a share is a percentage from 0 to 100"
                )),
                None => r.problem("`props.share` must be a number (a percentage from 0 to 100)"),
            }
        }
    }
    let since = take(&mut f, "since").and_then(|v| r.date("since", v));
    let until = take(&mut f, "until").and_then(|v| r.date("until", v));
    if let (Some(s), Some(u)) = (since, until) {
        if s.first_day() > u.last_day() {
            r.problem(format!("`since` {s} is after `until` {u}"));
        }
    }
    let mut text = |r: &mut Record, key: &str| {
        take(&mut f, key)
            .and_then(|v| r.string(key, v))
            .map(Box::from)
    };
    let provenance = Provenance {
        source: text(&mut r, "source"),
        locator: text(&mut r, "locator"),
        note: text(&mut r, "note"),
        quote: text(&mut r, "quote"),
    };
    if let (Some(from), Some(ty), Some(to)) = (from, ty, to) {
        r.out.relations.push(RawRelation {
            index,
            from,
            ty,
            to,
            props,
            since,
            until,
            provenance,
        });
    }
}

/// Reads and parses one file from disk.
pub fn read_file(path: &Path) -> Result<GraphFile, LoadError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| LoadError::Io {
        file: file.clone(),
        error,
    })?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = line_col_bytes(&bytes, e.valid_up_to());
            return Err(LoadError::Syntax {
                file,
                line,
                column,
                message: format!("invalid UTF-8 at byte offset {}", e.valid_up_to()),
            });
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    parse_file(&file, text)
}

fn line_col_bytes(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(before.get(line_start..).unwrap_or(&[]))
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Loads graph files from disk into one graph.
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Graph, LoadError> {
    let files = paths
        .iter()
        .map(|p| read_file(p.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    build(files)
}

/// Loads one graph from text; `file` names it in messages.
pub fn load_str(file: &str, text: &str) -> Result<Graph, LoadError> {
    build(vec![parse_file(file, text)?])
}

/// Checks parsed files together and builds one graph from them.
///
/// The same source or entity id in two files is accepted only when both
/// records are identical; a relation written identically in two files is
/// kept once.
pub fn build(files: Vec<GraphFile>) -> Result<Graph, LoadError> {
    let mut problems: Vec<Problem> = Vec::new();
    let entity_total: usize = files.iter().map(|f| f.entities.len()).sum();
    let relation_total: usize = files.iter().map(|f| f.relations.len()).sum();
    let mut graph = Graph::with_capacity(entity_total, relation_total);
    if let [only] = files.as_slice() {
        graph.name = only.name.clone();
    } else {
        graph.name = files.iter().find_map(|f| f.name.clone());
    }

    // Sources: id -> (file, index) of the first definition.
    let mut source_at: HashMap<String, (usize, usize)> = HashMap::new();
    for (fi, f) in files.iter().enumerate() {
        problems.extend(f.problems.iter().cloned());
        for s in &f.sources {
            match source_at.get(&s.source.id) {
                Some(&(pf, pi)) => {
                    let first = files
                        .get(pf)
                        .and_then(|g| g.sources.iter().find(|x| x.index == pi));
                    if first.is_some_and(|x| x.source != s.source) || pf == fi {
                        problems.push(Problem {
                            file: f.file.clone(),
                            place: Place::Source {
                                index: s.index,
                                id: Some(s.source.id.clone()),
                            },
                            message: format!(
                                "duplicate source id {:?} (first in {} at sources[{pi}]){}",
                                s.source.id,
                                files.get(pf).map_or("", |g| g.file.as_str()),
                                if pf == fi {
                                    ""
                                } else {
                                    " with different fields"
                                }
                            ),
                        });
                    }
                }
                None => {
                    source_at.insert(s.source.id.clone(), (fi, s.index));
                    graph.add_source(s.source.clone());
                }
            }
        }
    }

    // Entities.
    let mut entity_at: HashMap<&str, (usize, usize)> = HashMap::with_capacity(entity_total);
    for (fi, f) in files.iter().enumerate() {
        for (pos, e) in f.entities.iter().enumerate() {
            if let Some(&(pf, ppos)) = entity_at.get(e.id.as_str()) {
                let first = files.get(pf).and_then(|g| g.entities.get(ppos));
                let same = first.is_some_and(|x| same_entity(x, e));
                if pf == fi || !same {
                    let first_index = first.map_or(0, |x| x.index);
                    problems.push(Problem {
                        file: f.file.clone(),
                        place: Place::Entity {
                            index: e.index,
                            id: Some(e.id.clone()),
                        },
                        message: if pf == fi {
                            format!("duplicate id {:?} (first at entities[{first_index}])", e.id)
                        } else {
                            format!(
                                "id {:?} is also in {} (entities[{first_index}]) with different fields; the same id in two files must say the same thing",
                                e.id,
                                files.get(pf).map_or("", |g| g.file.as_str())
                            )
                        },
                    });
                }
                continue;
            }
            entity_at.insert(&e.id, (fi, pos));
            let labels = e.labels.iter().map(|l| graph.intern(l)).collect();
            let mut props = Props::new();
            for (k, v) in &e.props {
                let k = graph.intern(k);
                props.insert(k, v.clone());
            }
            let entity = Entity {
                id: Some(e.id.as_str().into()),
                labels,
                name: e.name.as_deref().map(Box::from),
                aliases: e.aliases.iter().map(|a| Box::from(a.as_str())).collect(),
                props,
            };
            if let Err(err) = graph.add_entity(entity) {
                problems.push(Problem {
                    file: f.file.clone(),
                    place: Place::Entity {
                        index: e.index,
                        id: Some(e.id.clone()),
                    },
                    message: err.to_string(),
                });
            }
        }
    }

    // Relations.
    // Across several files, a relation written identically twice is kept
    // once; within one file, repeats are separate relations.
    let mut seen_relations: HashMap<RawRelationKey, usize> = HashMap::new();
    for (fi, f) in files.iter().enumerate() {
        for r in &f.relations {
            if files.len() > 1 {
                match seen_relations.get(&RawRelationKey::of(r)) {
                    Some(&pf) if pf != fi => continue,
                    _ => {
                        seen_relations.insert(RawRelationKey::of(r), fi);
                    }
                }
            }
            let mut bad = false;
            let mut endpoint = |which: &str, id: &str, problems: &mut Vec<Problem>| {
                let found = graph.by_id(id);
                if found.is_none() {
                    bad = true;
                    let hint = closest(id, entity_at.keys().copied())
                        .map(|c| format!("; did you mean {c:?}?"))
                        .unwrap_or_default();
                    problems.push(Problem {
                        file: f.file.clone(),
                        place: r.place(),
                        message: format!("`{which}` {id:?} is not the id of any entity{hint}"),
                    });
                }
                found
            };
            let from = endpoint("from", &r.from, &mut problems);
            let to = endpoint("to", &r.to, &mut problems);
            if let Some(src) = &r.provenance.source {
                if !source_at.contains_key(&**src) {
                    bad = true;
                    let hint = closest(src, source_at.keys().map(|s| s.as_str()))
                        .map(|c| format!("; did you mean {c:?}?"))
                        .unwrap_or_else(|| "; add it to `sources`".into());
                    problems.push(Problem {
                        file: f.file.clone(),
                        place: r.place(),
                        message: format!("`source` {src:?} is not the id of any source{hint}"),
                    });
                }
            }
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            if bad {
                continue;
            }
            let ty = graph.intern(&r.ty);
            let mut props = Props::new();
            for (k, v) in &r.props {
                let k = graph.intern(k);
                props.insert(k, v.clone());
            }
            let relation = Relation {
                ty,
                props,
                since: r.since,
                until: r.until,
                provenance: (!r.provenance.is_empty()).then(|| Box::new(r.provenance.clone())),
            };
            if let Err(err) = graph.add_relation(from, to, relation) {
                problems.push(Problem {
                    file: f.file.clone(),
                    place: r.place(),
                    message: err.to_string(),
                });
            }
        }
    }

    if problems.is_empty() {
        Ok(graph)
    } else {
        // Problems in reading order: file, then section, then record.
        let file_rank = |name: &str| {
            files
                .iter()
                .position(|f| f.file == name)
                .unwrap_or(usize::MAX)
        };
        problems.sort_by_key(|p| {
            let (section, index) = match &p.place {
                Place::File => (0, 0),
                Place::Source { index, .. } => (1, *index),
                Place::Entity { index, .. } => (2, *index),
                Place::Relation { index, .. } => (3, *index),
            };
            (file_rank(&p.file), section, index)
        });
        Err(LoadError::Invalid(problems))
    }
}

fn same_entity(a: &RawEntity, b: &RawEntity) -> bool {
    a.id == b.id
        && a.labels == b.labels
        && a.name == b.name
        && a.aliases == b.aliases
        && a.props == b.props
}

/// What makes two relations the same fact, for merging files.
#[derive(Debug, PartialEq, Eq, Hash)]
struct RawRelationKey(String);

impl RawRelationKey {
    fn of(r: &RawRelation) -> RawRelationKey {
        RawRelationKey(format!(
            "{:?}",
            (
                &r.from,
                &r.ty,
                &r.to,
                &r.props,
                r.since,
                r.until,
                &r.provenance
            )
        ))
    }
}
