//! Reading graph files (JSON, format version 1) into a [`Graph`].
//!
//! Loading runs in two steps. Each file is parsed into plain records
//! ([`GraphFile`]); a JSON syntax error stops there and is reported as
//! `file:line:column: message`. Then the records of every file are checked
//! together and built into one graph; every problem found on the way is
//! collected and reported at once, each with the file and the record it
//! concerns.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::date::Date;
use super::json::{Json, Key};
use super::mapped::FileBytes;
use super::model::{Entity, Graph, Provenance, Relation, Source, ENTITY_FIELDS};
use super::value::{PropValue, Props};
use super::FastMap;

/// The format version this build reads and writes.
pub const FORMAT_VERSION: i64 = 1;

/// How far a load has come, for a progress display. Reported every few
/// thousand records, so that following it costs nothing measurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Parsing the files' JSON: bytes behind us, of all the files' bytes.
    Parsing {
        /// Bytes parsed.
        done: u64,
        /// Bytes in all.
        total: u64,
    },
    /// Building the graph: records (entities, then relations) added, of
    /// all of them.
    Building {
        /// Records added.
        done: u64,
        /// Records in all.
        total: u64,
    },
    /// Reading a compiled snapshot (then building the graph's indexes,
    /// which is not counted): bytes read, of the snapshot's body.
    Snapshot {
        /// Bytes read.
        done: u64,
        /// Bytes in all.
        total: u64,
    },
}

impl Progress {
    /// The fraction done, from 0 to 1.
    pub fn fraction(&self) -> f64 {
        let (Progress::Parsing { done, total }
        | Progress::Building { done, total }
        | Progress::Snapshot { done, total }) = *self;
        if total == 0 {
            1.0
        } else {
            (done as f64 / total as f64).min(1.0)
        }
    }
}

/// How many records pass between two progress reports.
const PROGRESS_EVERY: usize = 4096;

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

/// Text from a file: borrowed where it had no escapes.
pub type Text<'a> = Cow<'a, str>;

/// An entity as written in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEntity<'a> {
    /// Position in the file's `entities`.
    pub index: usize,
    /// `id`
    pub id: Text<'a>,
    /// `labels`
    pub labels: Vec<Text<'a>>,
    /// `name`
    pub name: Option<Text<'a>>,
    /// `aliases`
    pub aliases: Vec<Text<'a>>,
    /// `props`, in the order written.
    pub props: Vec<(Text<'a>, PropValue)>,
}

impl RawEntity<'_> {
    /// The entity as the graph holds it, labels and keys interned. Its
    /// props move out; the rest stays for messages.
    pub(super) fn take_entity(&mut self, graph: &mut Graph) -> Entity {
        Entity {
            id: Some(Box::from(&*self.id)),
            labels: self.labels.iter().map(|l| graph.intern(l)).collect(),
            name: self.name.as_deref().map(Box::from),
            aliases: self.aliases.iter().map(|a| Box::from(&**a)).collect(),
            props: intern_props(graph, std::mem::take(&mut self.props)),
        }
    }
}

/// Props with their keys interned, in the order written.
fn intern_props(graph: &mut Graph, written: Vec<(Text<'_>, PropValue)>) -> Props {
    let mut props = Props::with_capacity(written.len());
    for (k, v) in written {
        let k = graph.intern(&k);
        props.insert(k, v);
    }
    props
}

/// A relation as written in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRelation<'a> {
    /// Position in the file's `relations`.
    pub index: usize,
    /// `from`
    pub from: Text<'a>,
    /// `type`
    pub ty: Text<'a>,
    /// `to`
    pub to: Text<'a>,
    /// `props`, in the order written.
    pub props: Vec<(Text<'a>, PropValue)>,
    /// `since`
    pub since: Option<Date>,
    /// `until`
    pub until: Option<Date>,
    /// `source`, `locator`, `note`, `quote`; boxed, and `None` when all
    /// four are missing, because most relations of a large graph have
    /// none and a file may hold millions of relations.
    pub provenance: Option<Box<[Option<Text<'a>>; 4]>>,
}

impl RawRelation<'_> {
    /// The relation as the graph holds it, type and keys interned. Its
    /// props and provenance move out; the rest stays for messages.
    pub(super) fn take_relation(&mut self, graph: &mut Graph) -> Relation {
        let provenance = self.provenance.take().map(|p| {
            let [source, locator, note, quote] = p.map(|x| x.map(|t| Box::from(&*t)));
            Box::new(Provenance {
                source,
                locator,
                note,
                quote,
            })
        });
        Relation {
            ty: graph.intern(&self.ty),
            props: intern_props(graph, std::mem::take(&mut self.props)),
            since: self.since,
            until: self.until,
            provenance,
        }
    }
}

impl RawRelation<'_> {
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
pub struct GraphFile<'a> {
    /// The file's name as given (for messages).
    pub file: String,
    /// `name`
    pub name: Option<String>,
    /// `sources`
    pub sources: Vec<RawSource>,
    /// `entities`
    pub entities: Vec<RawEntity<'a>>,
    /// `relations`
    pub relations: Vec<RawRelation<'a>>,
    /// Problems found while reading the records.
    pub problems: Vec<Problem>,
    /// The file's text (to find where a number was written).
    text: &'a str,
    /// The integer literals of the text beyond 64 bits, found when first
    /// needed: byte offset, literal, and whether one was reported.
    long_integers: Option<Vec<(usize, &'a str, bool)>>,
}

/// The integer literals of JSON `text` (outside strings) that do not fit in
/// 64 bits, with their byte offsets. JSON parsers read them as floats, so
/// the digits after the 17th are lost without a word.
fn long_integer_literals(text: &str) -> Vec<(usize, &str, bool)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let literal = text.get(start..i).unwrap_or("");
                let integer = !literal.contains(['.', 'e', 'E']);
                if integer && literal.parse::<i64>().is_err() {
                    found.push((start, literal, false));
                }
            }
            _ => i += 1,
        }
    }
    found
}

/// Whether a float read from JSON may have been an integer literal too
/// large for 64 bits (a whole number at or beyond 2^63 in size).
fn maybe_long_integer(f: f64) -> bool {
    f.fract() == 0.0 && f.abs() >= 9_223_372_036_854_775_808.0
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
fn line_col_text(text: &str, offset: usize) -> (usize, usize) {
    line_col_bytes(text.as_bytes(), offset)
}

/// A clearer message for some JSON syntax errors at byte `offset` (where
/// serde_json stopped): numbers beyond the range of a float, NaN and
/// infinities, nesting past serde_json's limit. Returns the position to
/// report and the message.
fn explain_syntax(text: &str, offset: usize, message: &str) -> Option<(usize, String)> {
    let bytes = text.as_bytes();
    let at = offset.min(bytes.len());
    match message {
        "number out of range" => {
            // serde_json stops at the literal's last digit or just after.
            let is_num = |b: u8| matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9');
            let mut end = at;
            while end < bytes.len() && is_num(bytes[end]) {
                end += 1;
            }
            let mut start = at.min(end);
            while start > 0 && is_num(bytes[start - 1]) {
                start -= 1;
            }
            let literal = text.get(start..end)?;
            let key = key_before(text, start)
                .map(|k| format!(" (property `{k}`)"))
                .unwrap_or_default();
            Some((
                start,
                format!(
                    "the number {literal}{key} is beyond the range of a 64-bit float (about ±1.8e308): write it as a string"
                ),
            ))
        }
        "expected value" | "invalid number" => {
            let mut start = at;
            while start > 0 && matches!(bytes[start - 1], b'-' | b'+') {
                start -= 1;
            }
            let from_start = text.get(start..)?;
            let rest = from_start.trim_start_matches(['-', '+']);
            let name = ["NaN", "Infinity", "inf", "nan"]
                .into_iter()
                .find(|w| rest.starts_with(w))?;
            let word = from_start.get(..from_start.len() - rest.len() + name.len())?;
            let key = key_before(text, start)
                .map(|k| format!(" (property `{k}`)"))
                .unwrap_or_default();
            Some((
                start,
                format!(
                    "{word}{key} is not a JSON number: NaN and the infinities cannot be stored; leave the property out or write it as a string"
                ),
            ))
        }
        "control character (\\u0000-\\u001F) found while parsing a string" => {
            let c = text.get(at..)?.chars().next().filter(|c| c.is_control())?;
            let what = if c == '\0' { "a raw NUL byte" } else { "a raw control character" };
            Some((
                at,
                format!(
                    "{what} (U+{:04X}, byte offset {at}) in a string: JSON strings hold control characters escaped, as \\u{:04x}",
                    u32::from(c),
                    u32::from(c)
                ),
            ))
        }
        "recursion limit exceeded" => Some((
            at,
            format!(
                "JSON nested more than {JSON_DEPTH_LIMIT} levels deep, the limit for graph files (a graph file needs 5: file, list of records, record, props, list)"
            ),
        )),
        _ => None,
    }
}

/// How deep JSON may nest in a graph file: serde_json's recursion limit,
/// and the default and highest value of `--max-json-nesting`.
pub const JSON_DEPTH_LIMIT: usize = 128;

/// The least nesting a graph file needs: file, list of records, record,
/// props, list.
pub const JSON_DEPTH_NEEDED: usize = 5;

/// Checks that JSON text nests at most `limit` levels of `[` and `{`
/// (strings skipped); on failure, the error at the first bracket past the
/// limit. A scan of the bytes, for limits below [`JSON_DEPTH_LIMIT`], which
/// the parser itself enforces.
pub fn check_json_nesting(file: &str, text: &str, limit: usize) -> Result<(), LoadError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (at, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    let before = text.get(..at).unwrap_or("");
                    let line = before.matches('\n').count() + 1;
                    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
                    return Err(LoadError::Syntax {
                        file: file.to_string(),
                        line,
                        column,
                        message: format!(
                            "JSON nested more than {limit} levels deep, the limit of --max-json-nesting"
                        ),
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// The object key just before byte `start` (`"key": ` then the value), if
/// the value stands directly under a key.
fn key_before(text: &str, start: usize) -> Option<&str> {
    let before = text.get(..start)?.trim_end();
    let before = before.strip_suffix(':')?.trim_end();
    let body = before.strip_suffix('"')?;
    let open = body.rfind('"')?;
    Some(&body[open + 1..])
}

const TOP_KEYS: [&str; 5] = ["kg", "name", "sources", "entities", "relations"];
/// The keys of a source, in graph files and in `(:Source {...})` declarations.
pub(crate) const SOURCE_KEYS: [&str; 4] = ["id", "url", "title", "published"];
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
pub fn parse_file<'a>(file: &str, text: &'a str) -> Result<GraphFile<'a>, LoadError> {
    parse_file_with(file, text, &mut |_| {})
}

/// [`parse_file`], calling `progress` with the number of bytes of `text`
/// parsed so far every few thousand records, and with `text.len()` at the
/// end.
pub fn parse_file_with<'a>(
    file: &str,
    text: &'a str,
    progress: &mut dyn FnMut(usize),
) -> Result<GraphFile<'a>, LoadError> {
    let mut out = GraphFile {
        file: file.to_string(),
        text,
        ..GraphFile::default()
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let result = FileSeed {
        out: &mut out,
        text,
        progress: &mut *progress,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    if result.is_ok() {
        progress(text.len());
    }
    match result {
        Ok(()) => Ok(out),
        Err(e) => {
            let full = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
            let (mut line, mut column) = (e.line(), e.column().max(1));
            let offset = byte_offset(text, line, column);
            let message = match explain_syntax(text, offset, &message) {
                Some((at, better)) => {
                    (line, column) = line_col_text(text, at);
                    better
                }
                None => message,
            };
            Err(LoadError::Syntax {
                file: file.to_string(),
                line,
                column,
                message,
            })
        }
    }
}

/// The byte offset of serde_json's 1-based line and column (the column
/// counts bytes; 0 is a line's start too).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

struct FileSeed<'a, 'de> {
    out: &'a mut GraphFile<'de>,
    /// The whole text, to tell how far into it a record is.
    text: &'de str,
    progress: &'a mut dyn FnMut(usize),
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_, 'de> {
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
                        text: self.text,
                        progress: &mut *self.progress,
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

struct RecordsSeed<'a, 'de> {
    out: &'a mut GraphFile<'de>,
    kind: String,
    text: &'de str,
    progress: &'a mut dyn FnMut(usize),
}

/// How far into `text` the record `json` ends, roughly: where its last key
/// borrowed from the text lies (keys have no escapes in practice).
pub(super) fn offset_in(text: &str, json: &Json) -> Option<usize> {
    let Json::Object(fields) = json else {
        return None;
    };
    fields.iter().rev().find_map(|(k, _)| match k {
        Cow::Borrowed(k) => (k.as_ptr() as usize)
            .checked_sub(text.as_ptr() as usize)
            .filter(|&o| o <= text.len()),
        Cow::Owned(_) => None,
    })
}

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` to be an array", self.kind)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(json) = seq.next_element::<Json>()? {
            if index % PROGRESS_EVERY == PROGRESS_EVERY - 1 {
                if let Some(offset) = offset_in(self.text, &json) {
                    (self.progress)(offset);
                }
            }
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

/// Collects the problems of one record; they are filed under the record's
/// place once its id (or ends and type) are known.
#[derive(Default)]
pub(super) struct Record {
    pub(super) messages: Vec<String>,
    /// Properties holding a number that may have been written as an
    /// integer too large for 64 bits: key, value, and whether it surely
    /// was (read as an unsigned integer).
    pub(super) long_floats: Vec<(String, f64, bool)>,
}

impl Record {
    fn problem(&mut self, message: impl Into<String>) {
        self.messages.push(message.into());
    }

    fn file_under(mut self, out: &mut GraphFile, place: impl FnOnce() -> Place) {
        for (key, f, certain) in std::mem::take(&mut self.long_floats) {
            let text = out.text;
            let literals = out
                .long_integers
                .get_or_insert_with(|| long_integer_literals(text));
            let found = literals
                .iter_mut()
                .find(|(_, lit, reported)| !*reported && lit.parse::<f64>().ok() == Some(f));
            match found {
                Some((offset, literal, reported)) => {
                    *reported = true;
                    let (line, column) = line_col_text(text, *offset);
                    self.problem(format!(
                        "`props.{key}`: the integer {literal} at line {line}, column {column} does not fit in 64 bits (-9223372036854775808 to 9223372036854775807); write it as a string, or as a float such as {f:e}"
                    ));
                }
                None if certain => self.problem(format!(
                    "`props.{key}`: the integer {f} does not fit in 64 bits (-9223372036854775808 to 9223372036854775807); write it as a string or a float"
                )),
                // Written as a float (1e19): a float it is.
                None => {}
            }
        }
        if self.messages.is_empty() {
            return;
        }
        let place = place();
        for message in self.messages {
            out.problems.push(Problem {
                file: out.file.clone(),
                place: place.clone(),
                message,
            });
        }
    }

    /// The record's fields, or `None` (with a problem) when it is not an
    /// object. Duplicate and unknown keys are reported and dropped.
    fn fields<'de>(
        &mut self,
        json: Json<'de>,
        known: &[&str],
        what: &str,
    ) -> Option<Vec<(Text<'de>, Json<'de>)>> {
        let Json::Object(pairs) = json else {
            self.problem(format!("{what} must be a JSON object, not {}", json.kind()));
            return None;
        };
        let mut out: Vec<(Text<'de>, Json<'de>)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            if out.iter().any(|(seen, _)| *seen == k) {
                self.problem(format!("duplicate key `{k}`"));
            } else if !known.contains(&&*k) {
                self.problem(unknown_key(&k, known));
            } else {
                out.push((k, v));
            }
        }
        Some(out)
    }

    fn string<'de>(&mut self, key: &str, v: Json<'de>) -> Option<Text<'de>> {
        match v {
            Json::Str(s) => Some(s),
            other => {
                self.problem(format!("`{key}` must be a string, not {}", other.kind()));
                None
            }
        }
    }

    fn non_empty_string<'de>(&mut self, key: &str, v: Json<'de>) -> Option<Text<'de>> {
        let s = self.string(key, v)?;
        if s.trim().is_empty() {
            self.problem(format!("`{key}` must not be empty"));
            return None;
        }
        Some(s)
    }

    fn strings<'de>(&mut self, key: &str, v: Json<'de>) -> Vec<Text<'de>> {
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

    fn props<'de>(&mut self, v: Json<'de>) -> Vec<(Text<'de>, PropValue)> {
        let Json::Object(pairs) = v else {
            self.problem(format!("`props` must be an object, not {}", v.kind()));
            return Vec::new();
        };
        let mut out: Vec<(Text<'de>, PropValue)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            if out.iter().any(|(seen, _)| *seen == k) {
                self.problem(format!("duplicate key `{k}` in `props`"));
                continue;
            }
            if let Some(value) = self.prop_value(&k, v, false) {
                out.push((k, value));
            }
        }
        out
    }

    fn prop_value(&mut self, key: &str, v: Json, in_list: bool) -> Option<PropValue> {
        match v {
            Json::Str(s) => Some(PropValue::Str(s.into())),
            Json::Int(i) => Some(PropValue::Int(i)),
            Json::Float(f) => {
                if maybe_long_integer(f) {
                    self.long_floats.push((key.to_string(), f, false));
                }
                Some(PropValue::Float(f))
            }
            Json::Bool(b) => Some(PropValue::Bool(b)),
            Json::BigInt(i) => {
                // Reported with its place in the file by `file_under`.
                #[allow(clippy::cast_precision_loss)]
                self.long_floats.push((key.to_string(), i as f64, true));
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

fn take<'de>(fields: &mut Vec<(Text<'de>, Json<'de>)>, key: &str) -> Option<Json<'de>> {
    let at = fields.iter().position(|(k, _)| k == key)?;
    Some(fields.swap_remove(at).1)
}

/// The string under `key` of an object, for naming a record that is
/// otherwise broken (cheap: borrowed text is not copied).
fn peek<'de>(json: &Json<'de>, key: &str) -> Option<Text<'de>> {
    match json {
        Json::Object(pairs) => pairs.iter().find_map(|(k, v)| match v {
            Json::Str(s) if k == key => Some(s.clone()),
            _ => None,
        }),
        _ => None,
    }
}

fn read_source(out: &mut GraphFile, index: usize, json: Json) {
    let mut r = Record::default();
    let peeked = peek(&json, "id");
    let source = read_source_fields(&mut r, json);
    r.file_under(out, || Place::Source {
        index,
        id: peeked.map(Text::into_owned),
    });
    if let Some(source) = source {
        out.sources.push(RawSource { index, source });
    }
}

pub(super) fn read_source_fields(r: &mut Record, json: Json) -> Option<Source> {
    let mut f = r.fields(json, &SOURCE_KEYS, "a source")?;
    let id = match take(&mut f, "id") {
        Some(v) => r.non_empty_string("id", v),
        None => {
            r.problem("missing required key `id`");
            None
        }
    };
    let url = take(&mut f, "url")
        .and_then(|v| r.string("url", v))
        .map(String::from);
    let title = take(&mut f, "title")
        .and_then(|v| r.string("title", v))
        .map(String::from);
    let published = take(&mut f, "published").and_then(|v| r.date("published", v));
    Some(Source {
        id: id?.into_owned(),
        url,
        title,
        published,
    })
}

fn read_entity<'de>(out: &mut GraphFile<'de>, index: usize, json: Json<'de>) {
    let mut r = Record::default();
    let peeked = peek(&json, "id");
    let entity = read_entity_fields(&mut r, index, json);
    r.file_under(out, || Place::Entity {
        index,
        id: peeked.map(Text::into_owned),
    });
    if let Some(entity) = entity {
        out.entities.push(entity);
    }
}

pub(super) fn read_entity_fields<'de>(
    r: &mut Record,
    index: usize,
    json: Json<'de>,
) -> Option<RawEntity<'de>> {
    let mut f = r.fields(json, &ENTITY_KEYS, "an entity")?;
    let id = match take(&mut f, "id") {
        Some(v) => r.non_empty_string("id", v),
        None => {
            r.problem("missing required key `id`");
            None
        }
    };
    let labels = match take(&mut f, "labels") {
        Some(v) => {
            let before = r.messages.len();
            let labels = r.strings("labels", v);
            if labels.is_empty() && r.messages.len() == before {
                r.problem("`labels` must hold at least one label, e.g. [\"Company\"]");
            }
            labels
        }
        None => {
            r.problem("missing required key `labels` (one or more labels, e.g. [\"Company\"])");
            Vec::new()
        }
    };
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
        if ENTITY_FIELDS.contains(&&**k) {
            r.problem(format!(
                "`props.{k}`: `{k}` is a field of the entity itself; move it out of `props`"
            ));
        }
    }
    Some(RawEntity {
        index,
        id: id?,
        labels,
        name,
        aliases,
        props,
    })
}

fn read_relation<'de>(out: &mut GraphFile<'de>, index: usize, json: Json<'de>) {
    let mut r = Record::default();
    let ends = [peek(&json, "from"), peek(&json, "type"), peek(&json, "to")];
    let relation = read_relation_fields(&mut r, index, json);
    r.file_under(out, || {
        let [from, ty, to] = ends.map(|x| x.unwrap_or(Cow::Borrowed("?")));
        Place::Relation {
            index,
            summary: format!("{from} -{ty}-> {to}"),
        }
    });
    if let Some(relation) = relation {
        out.relations.push(relation);
    }
}

pub(super) fn read_relation_fields<'de>(
    r: &mut Record,
    index: usize,
    json: Json<'de>,
) -> Option<RawRelation<'de>> {
    let mut f = r.fields(json, &RELATION_KEYS, "a relation")?;
    let mut required = |r: &mut Record, key: &str| match take(&mut f, key) {
        Some(v) => r.non_empty_string(key, v),
        None => {
            r.problem(format!("missing required key `{key}`"));
            None
        }
    };
    let from = required(r, "from");
    let ty = required(r, "type");
    let to = required(r, "to");
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
    let mut text = |r: &mut Record, key: &str| take(&mut f, key).and_then(|v| r.string(key, v));
    let provenance = [
        text(r, "source"),
        text(r, "locator"),
        text(r, "note"),
        text(r, "quote"),
    ];
    let provenance = provenance
        .iter()
        .any(Option::is_some)
        .then(|| Box::new(provenance));
    Some(RawRelation {
        index,
        from: from?,
        ty: ty?,
        to: to?,
        props,
        since,
        until,
        provenance,
    })
}

/// Reads one file from disk as text: invalid UTF-8 is an error with its
/// position; a byte-order mark is dropped.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| LoadError::Io {
        file: file.clone(),
        error,
    })?;
    text_from_bytes(file, bytes)
}

/// A file's bytes as text, as [`read_text`] takes them: invalid UTF-8 is
/// an error with its position; a byte-order mark is dropped. `file` names
/// the file in the error.
pub fn text_from_bytes(file: String, bytes: Vec<u8>) -> Result<String, LoadError> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(e) => Err(not_utf8(file, e.as_bytes(), e.utf8_error())),
    }
}

/// A file's bytes as text without copying them, as [`text_from_bytes`]
/// takes them.
pub fn text_of<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, LoadError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(e) => Err(not_utf8(file.to_string(), bytes, e)),
    }
}

fn not_utf8(file: String, bytes: &[u8], e: std::str::Utf8Error) -> LoadError {
    let offset = e.valid_up_to();
    let (line, column) = line_col_bytes(bytes, offset);
    LoadError::Syntax {
        file,
        line,
        column,
        message: format!("invalid UTF-8 at byte offset {offset}"),
    }
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

/// Loads graph files from disk into one graph, with the duplicate rules of
/// several files (the same id must say the same thing; an identical
/// relation in two files is kept once). Every problem of every file is
/// reported, each with its file and record.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let a = dir.path().join("a.json");
/// let b = dir.path().join("b.json");
/// std::fs::write(&a, r#"{"kg": 1, "entities": [{"id": "x", "labels": ["Company"], "name": "X"}], "relations": []}"#)?;
/// std::fs::write(&b, r#"{"kg": 1, "entities": [{"id": "y", "labels": ["Person"], "name": "Y"}],
///   "relations": [{"from": "y", "type": "OWNS", "to": "x", "props": {"share": 100}}]}"#)?;
/// let graph = kg::graph::load_paths(&[&a, &b])?;
/// assert_eq!((graph.entity_count(), graph.relation_count()), (2, 1));
///
/// // A relation to an id no file has: the error says where.
/// std::fs::write(&b, r#"{"kg": 1, "entities": [], "relations": [{"from": "x", "type": "OWNS", "to": "nobody"}]}"#)?;
/// let err = kg::graph::load_paths(&[&a, &b]).unwrap_err();
/// assert!(err.to_string().contains("b.json"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Graph, LoadError> {
    load_paths_with(paths, &mut |_| {})
}

/// [`load_paths`], reporting how far it has come to `progress` (see
/// [`Progress`]).
pub fn load_paths_with<P: AsRef<Path>>(
    paths: &[P],
    progress: &mut dyn FnMut(Progress),
) -> Result<Graph, LoadError> {
    let mut bytes = Vec::with_capacity(paths.len());
    for p in paths {
        let name = p.as_ref().display().to_string();
        match FileBytes::open(p.as_ref()) {
            Ok(b) => bytes.push((name, b)),
            Err(error) => return Err(LoadError::Io { file: name, error }),
        }
    }
    let texts = bytes
        .iter()
        .map(|(name, b)| text_of(name, b).map(|t| (name.clone(), t)))
        .collect::<Result<Vec<_>, _>>()?;
    load_texts_with(&texts, progress)
}

/// Loads graph files already read (name, text) into one graph: one file
/// without problems the fast way ([`super::stream::load_one`]), anything
/// else (several files, a file with problems) by parsing every file and
/// then building the graph ([`parse_all`], [`build_with`]).
pub fn load_texts_with<T: AsRef<str>>(
    texts: &[(String, T)],
    progress: &mut dyn FnMut(Progress),
) -> Result<Graph, LoadError> {
    if let [(_, text)] = texts {
        if let Some(graph) = super::stream::load_one(text.as_ref(), progress) {
            return Ok(graph);
        }
    }
    let files = parse_all(texts, progress)?;
    build_with(files, progress)
}

/// Parses several files' texts (name, text), reporting the bytes parsed
/// in all of them to `progress`.
pub fn parse_all<'a, T: AsRef<str>>(
    texts: &'a [(String, T)],
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<GraphFile<'a>>, LoadError> {
    let total: u64 = texts.iter().map(|(_, t)| t.as_ref().len() as u64).sum();
    let mut before = 0u64;
    let mut files = Vec::with_capacity(texts.len());
    for (name, text) in texts {
        let text = text.as_ref();
        files.push(parse_file_with(name, text, &mut |done| {
            progress(Progress::Parsing {
                done: before + done as u64,
                total,
            })
        })?);
        before += text.len() as u64;
    }
    Ok(files)
}

/// Loads one graph from text; `file` names it in messages.
///
/// ```
/// let text = r#"{
///   "kg": 1,
///   "entities": [
///     {"id": "acme", "labels": ["Company"], "name": "Acme Ltd", "aliases": ["Acme"]},
///     {"id": "ann", "labels": ["Person"], "name": "Ann Smith"}
///   ],
///   "relations": [
///     {"from": "ann", "type": "OWNS", "to": "acme", "props": {"share": 60}, "since": "2019"}
///   ]
/// }"#;
/// let graph = kg::graph::load_str("acme.json", text)?;
/// let acme = graph.by_name("acme")[0]; // names and aliases, any case
/// assert_eq!(graph.entity(acme).and_then(|e| e.name.as_deref()), Some("Acme Ltd"));
///
/// let err = kg::graph::load_str("bad.json", r#"{"kg": 1, "entities": []}"#).unwrap_err();
/// assert!(err.to_string().contains("relations"));
/// # Ok::<(), kg::graph::LoadError>(())
/// ```
pub fn load_str(file: &str, text: &str) -> Result<Graph, LoadError> {
    build(vec![parse_file(file, text)?])
}

/// Checks parsed files together and builds one graph from them.
///
/// The same source or entity id in two files is accepted only when both
/// records are identical; a relation written identically in two files is
/// kept once.
pub fn build(files: Vec<GraphFile>) -> Result<Graph, LoadError> {
    build_with(files, &mut |_| {})
}

/// [`build`], reporting the records added to `progress` every few
/// thousand records (see [`Progress::Building`]).
pub fn build_with(
    files: Vec<GraphFile>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Graph, LoadError> {
    let mut problems: Vec<Problem> = Vec::new();
    let entity_total: usize = files.iter().map(|f| f.entities.len()).sum();
    let relation_total: usize = files.iter().map(|f| f.relations.len()).sum();
    let total = (entity_total + relation_total) as u64;
    let mut added = 0usize;
    let mut step = |progress: &mut dyn FnMut(Progress)| {
        added += 1;
        if added.is_multiple_of(PROGRESS_EVERY) {
            progress(Progress::Building {
                done: added as u64,
                total,
            });
        }
    };
    let several = files.len() > 1;
    let mut graph = Graph::with_capacity(entity_total, relation_total);
    graph.name = files.iter().find_map(|f| f.name.clone());
    let names: Vec<String> = files.iter().map(|f| f.file.clone()).collect();
    let file_name = |fi: usize| names.get(fi).map_or("", |n| n.as_str());

    // Sources: id -> (file, index) of the first definition.
    let mut source_at: FastMap<String, (usize, usize)> = FastMap::default();
    // For each entity index, the (file, record index) it was read from.
    let mut origin: Vec<(usize, usize)> = Vec::with_capacity(entity_total);
    // Relations still to add, file by file (moved, not copied: a file may
    // hold millions).
    let mut pending: Vec<(usize, Vec<RawRelation>)> = Vec::with_capacity(files.len());

    for (fi, f) in files.into_iter().enumerate() {
        problems.extend(f.problems);
        for s in f.sources {
            match source_at.get(&s.source.id) {
                Some(&(pf, pi)) => {
                    let same = graph.source(&s.source.id) == Some(&s.source);
                    if pf == fi || !same {
                        problems.push(Problem {
                            file: f.file.clone(),
                            place: Place::Source {
                                index: s.index,
                                id: Some(s.source.id.clone()),
                            },
                            message: format!(
                                "duplicate source id {:?} (first in {} at sources[{pi}]){}",
                                s.source.id,
                                file_name(pf),
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
                    graph.add_source(s.source);
                }
            }
        }

        for mut e in f.entities {
            step(progress);
            let index = e.index;
            let entity = e.take_entity(&mut graph);
            if let Some(existing) = graph.by_id(&e.id) {
                let (pf, pi) = origin.get(existing.index()).copied().unwrap_or((fi, 0));
                let same = graph
                    .entity(existing)
                    .is_some_and(|x| same_entity(&graph, x, &entity));
                if pf == fi || !same {
                    problems.push(Problem {
                        file: f.file.clone(),
                        place: Place::Entity {
                            index,
                            id: Some(e.id.to_string()),
                        },
                        message: if pf == fi {
                            format!("duplicate id {:?} (first at entities[{pi}])", e.id)
                        } else {
                            format!(
                                "id {:?} is also in {} (entities[{pi}]) with different fields; the same id in two files must say the same thing",
                                e.id,
                                file_name(pf)
                            )
                        },
                    });
                }
                continue;
            }
            match graph.add_entity(entity) {
                Ok(n) => {
                    if origin.len() <= n.index() {
                        origin.resize(n.index() + 1, (fi, 0));
                    }
                    if let Some(o) = origin.get_mut(n.index()) {
                        *o = (fi, index);
                    }
                }
                Err(err) => problems.push(Problem {
                    file: f.file.clone(),
                    place: Place::Entity {
                        index,
                        id: Some(e.id.to_string()),
                    },
                    message: err.to_string(),
                }),
            }
        }
        pending.push((fi, f.relations));
    }

    // Relations, once every entity is known. Across several files, a
    // relation written identically twice is kept once; within one file,
    // repeats are separate relations.
    let mut seen_relations: FastMap<RawRelationKey, usize> = FastMap::default();
    for (fi, mut r) in pending
        .into_iter()
        .flat_map(|(fi, rs)| rs.into_iter().map(move |r| (fi, r)))
    {
        step(progress);
        if several {
            let key = RawRelationKey::of(&r);
            match seen_relations.get(&key) {
                Some(&pf) if pf != fi => continue,
                _ => {
                    seen_relations.insert(key, fi);
                }
            }
        }
        let mut bad = false;
        let mut endpoint = |which: &str, id: &str, problems: &mut Vec<Problem>| {
            let found = graph.by_id(id);
            if found.is_none() {
                bad = true;
                let hint = closest(id, graph.ids().map(|(k, _)| k))
                    .map(|c| format!("; did you mean {c:?}?"))
                    .unwrap_or_default();
                problems.push(Problem {
                    file: file_name(fi).to_string(),
                    place: r.place(),
                    message: format!("`{which}` {id:?} is not the id of any entity{hint}"),
                });
            }
            found
        };
        let from = endpoint("from", &r.from, &mut problems);
        let to = endpoint("to", &r.to, &mut problems);
        if let Some([Some(src), ..]) = r.provenance.as_deref() {
            if !source_at.contains_key(&**src) {
                bad = true;
                let hint = closest(src, source_at.keys().map(|s| s.as_str()))
                    .map(|c| format!("; did you mean {c:?}?"))
                    .unwrap_or_else(|| "; add it to `sources`".into());
                problems.push(Problem {
                    file: file_name(fi).to_string(),
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
        let relation = r.take_relation(&mut graph);
        if let Err(err) = graph.add_relation(from, to, relation) {
            problems.push(Problem {
                file: file_name(fi).to_string(),
                place: Place::Relation {
                    index: r.index,
                    summary: format!("{} -{}-> {}", r.from, r.ty, r.to),
                },
                message: err.to_string(),
            });
        }
    }
    progress(Progress::Building { done: total, total });

    if problems.is_empty() {
        Ok(graph)
    } else {
        // Problems in reading order: file, then section, then record.
        let file_rank = |name: &str| names.iter().position(|f| f == name).unwrap_or(usize::MAX);
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

/// Whether two entities say the same thing (props in any order).
fn same_entity(graph: &Graph, a: &Entity, b: &Entity) -> bool {
    a.id == b.id
        && a.labels == b.labels
        && a.name == b.name
        && a.aliases == b.aliases
        && a.props.sorted(graph.interner()) == b.props.sorted(graph.interner())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of `n` entities and `n` relations, one a line.
    fn file(n: usize) -> String {
        let mut text = String::from("{\"kg\": 1, \"entities\": [\n");
        for i in 0..n {
            let sep = if i + 1 < n { ",\n" } else { "\n" };
            text.push_str(&format!(
                "{{\"id\": \"e{i}\", \"labels\": [\"Company\"], \"name\": \"E {i}\"}}{sep}"
            ));
        }
        text.push_str("], \"relations\": [\n");
        for i in 0..n {
            let sep = if i + 1 < n { ",\n" } else { "\n" };
            text.push_str(&format!(
                "{{\"from\": \"e{i}\", \"type\": \"OWNS\", \"to\": \"e{}\"}}{sep}",
                (i + 1) % n
            ));
        }
        text.push_str("]}\n");
        text
    }

    #[test]
    fn parsing_reports_growing_offsets_up_to_the_length() {
        let text = file(10_000);
        let mut seen = Vec::new();
        let parsed = parse_file_with("f.json", &text, &mut |o| seen.push(o));
        assert!(parsed.is_ok());
        // Every 4096 records of each section, then the end.
        assert_eq!(seen.len(), 2 + 2 + 1, "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        assert_eq!(seen.last(), Some(&text.len()));
        // The 4096th entity ends about 4096 lines into the file.
        let line_of = |o: usize| text[..o].matches('\n').count();
        assert_eq!(line_of(seen[0]), 4096);
        // A file that does not parse reports no end.
        seen.clear();
        assert!(parse_file_with("f.json", &text[..text.len() / 2], &mut |o| seen.push(o)).is_err());
        assert!(!seen.contains(&(text.len() / 2)));
    }

    #[test]
    fn loading_reports_parsing_then_building_with_fractions_up_to_one() {
        // Two files: the thorough load (one good file loads the fast way,
        // whose progress `stream` tests).
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let a = dir.path().join("a.json");
        let b = dir.path().join("b.json");
        let empty = r#"{"kg": 1, "entities": [], "relations": []}"#;
        std::fs::write(&a, file(5000)).unwrap_or_else(|e| unreachable!("{e}"));
        std::fs::write(&b, empty).unwrap_or_else(|e| unreachable!("{e}"));
        let mut seen = Vec::new();
        let graph = load_paths_with(&[&a, &b], &mut |p| seen.push(p));
        assert!(graph.is_ok());
        let bytes = (file(5000).len() + empty.len()) as u64;
        let parsing: Vec<f64> = seen
            .iter()
            .filter(|p| matches!(p, Progress::Parsing { .. }))
            .map(Progress::fraction)
            .collect();
        let building: Vec<f64> = seen
            .iter()
            .filter(|p| matches!(p, Progress::Building { .. }))
            .map(Progress::fraction)
            .collect();
        assert!(parsing.windows(2).all(|w| w[0] < w[1]), "{parsing:?}");
        assert!(building.windows(2).all(|w| w[0] < w[1]), "{building:?}");
        assert_eq!(parsing.last(), Some(&1.0));
        assert_eq!(
            seen.iter()
                .position(|p| matches!(p, Progress::Building { .. })),
            Some(parsing.len()),
            "parsing comes first"
        );
        assert!(seen
            .iter()
            .all(|p| !matches!(p, Progress::Parsing { total, .. } if *total != bytes)));
        // 10,000 records: 4096, 8192, then all of them.
        assert_eq!(
            seen[parsing.len()..],
            [
                Progress::Building {
                    done: 4096,
                    total: 10_000
                },
                Progress::Building {
                    done: 8192,
                    total: 10_000
                },
                Progress::Building {
                    done: 10_000,
                    total: 10_000
                },
            ]
        );
    }
}
