//! Building graphs from other sources: CSV files with Neo4j's bulk-import
//! headers ([`csv`]), FollowTheMoney entity JSON lines ([`ftm`]) and
//! Beneficial Ownership Data Standard 0.4 packages ([`bods`]).
//!
//! Every importer reads whole inputs (a name for messages and the text),
//! builds one [`Graph`] and returns it with the rows it could not use
//! ([`Invalid`], each with its file and line) and counts of what it read,
//! built and skipped. Nothing is printed; the caller decides whether
//! invalid rows are fatal (`kg import` fails unless `--skip-invalid`).
//!
//! FtM and BODS inputs each become an entry in the graph's `sources` (its
//! id is the file's name), and every relation made from them cites that
//! source, with the record it came from as `locator` (a BODS statement id,
//! an FtM entity id). CSV files carry their own provenance columns.
//!
//! ```
//! use kg::import::{import, Format, Input};
//!
//! let nodes = "id:ID,:LABEL,name\nacme,Company,Acme Ltd\nann,Person,Ann\n";
//! let rels = ":START_ID,:END_ID,:TYPE,share:double\nann,acme,OWNS,60\n";
//! let inputs = [Input::new("nodes.csv", nodes), Input::new("rels.csv", rels)];
//! let result = import(Format::Csv, &inputs, &mut |_| {});
//! assert!(result.invalid.is_empty());
//! assert_eq!(result.graph.entity_count(), 2);
//! assert_eq!(result.counts.relations, 1);
//! let text = kg::graph::to_file_text(&result.graph)?;
//! assert!(text.contains(r#""type": "OWNS""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod bods;
pub mod csv;
pub mod ftm;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::graph::{Graph, Source};

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Node and relationship files with Neo4j's bulk-import headers.
    Csv,
    /// FollowTheMoney entities, one JSON object a line.
    Ftm,
    /// Beneficial Ownership Data Standard 0.4 statements (a JSON array,
    /// or one statement a line).
    Bods,
}

/// One input: a name for messages and provenance, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The file's name as given.
    pub name: String,
    /// Its contents.
    pub text: String,
}

impl Input {
    /// An input named `name` holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Input {
        Input {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// A row or record that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The file's name as given.
    pub file: String,
    /// The line the row or record starts on (1-based).
    pub line: usize,
    /// What is wrong and what would be right.
    pub message: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// What an import read and built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows (CSV), lines (FtM) or statements (BODS) read.
    pub records: usize,
    /// Entities in the graph.
    pub entities: usize,
    /// Relations in the graph.
    pub relations: usize,
    /// Records left out on purpose, by reason (not errors: an FtM
    /// `Address`, a BODS relationship with an unspecified party, ...).
    pub skipped: BTreeMap<String, usize>,
}

impl Counts {
    /// Counts one record left out for `reason`.
    pub fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }
}

/// The result of an import: the graph, the rows that could not be used,
/// and counts.
#[derive(Debug, Clone, Default)]
pub struct Import {
    /// Everything that could be imported.
    pub graph: Graph,
    /// Rows that could not, in input order.
    pub invalid: Vec<Invalid>,
    /// What was read and built.
    pub counts: Counts,
}

impl Import {
    pub(crate) fn invalid(&mut self, file: &str, line: usize, message: impl Into<String>) {
        self.invalid.push(Invalid {
            file: file.to_string(),
            line,
            message: message.into(),
        });
    }

    pub(crate) fn finish(mut self) -> Import {
        self.counts.entities = self.graph.entity_count();
        self.counts.relations = self.graph.relation_count();
        self
    }
}

/// Why inputs could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// A file could not be read.
    #[error("{path}: cannot read: {message}")]
    Read {
        /// The path as given.
        path: String,
        /// Why.
        message: String,
    },
}

/// How often (in records) the progress callback is called.
pub const PROGRESS_EVERY: usize = 10_000;

/// Imports `inputs` in `format` into one graph. `progress` is called with
/// the number of records read so far, every [`PROGRESS_EVERY`] records.
pub fn import(format: Format, inputs: &[Input], progress: &mut dyn FnMut(usize)) -> Import {
    match format {
        Format::Csv => csv::import(inputs, progress),
        Format::Ftm => ftm::import(inputs, progress),
        Format::Bods => bods::import(inputs, progress),
    }
}

/// Reads files as inputs. A directory stands for the `.csv` files in it
/// (sorted by name), so that the directory written by
/// `kg export --to csv` can be given as it is.
pub fn read_inputs<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<Input>, ImportError> {
    let mut inputs = Vec::new();
    for p in paths {
        let path = p.as_ref();
        let read_err = |e: &dyn fmt::Display| ImportError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        if path.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(path)
                .map_err(|e| read_err(&e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
                .collect();
            files.sort();
            for f in files {
                inputs.push(read_one(&f)?);
            }
        } else {
            inputs.push(read_one(path)?);
        }
    }
    Ok(inputs)
}

fn read_one(path: &Path) -> Result<Input, ImportError> {
    let text = crate::graph::load::read_text(path).map_err(|e| ImportError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(Input::new(path.display().to_string(), text))
}

/// Adds a source for the input `name` (its file name, made unique) and
/// returns its id.
pub(crate) fn add_file_source(graph: &mut Graph, name: &str) -> String {
    let base = Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "input".to_string());
    let mut id = base.clone();
    let mut n = 2;
    while graph.source(&id).is_some() {
        id = format!("{base}-{n}");
        n += 1;
    }
    graph.add_source(Source {
        id: id.clone(),
        url: None,
        title: Some(base),
        published: None,
    });
    id
}

/// The 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()
        .get(..end)
        .map_or(1, |b| b.iter().filter(|&&c| c == b'\n').count() + 1)
}

/// Checks what the loader demands of a relation: `share` a percentage
/// from 0 to 100, `since` not after `until`.
pub(crate) fn check_relation(
    share: Option<&crate::graph::PropValue>,
    since: Option<crate::graph::Date>,
    until: Option<crate::graph::Date>,
) -> Result<(), String> {
    if let Some(v) = share {
        match v.as_f64() {
            Some(s) if (0.0..=100.0).contains(&s) => {}
            _ => return Err(format!("share {v} is not a percentage from 0 to 100")),
        }
    }
    if let (Some(s), Some(u)) = (since, until) {
        if s.first_day() > u.last_day() {
            return Err(format!("the start date {s} is after the end date {u}"));
        }
    }
    Ok(())
}
