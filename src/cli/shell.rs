//! `kg shell`: an interactive prompt on the loaded graph.
//!
//! Statements end with `;` and may span lines; lines starting with `:` are
//! commands (`:help`). On a terminal, input is edited with rustyline, with
//! history kept between sessions and completion of keywords, labels,
//! relation types and entity names; Ctrl-C stops a running query (the
//! evaluator checks a flag), or clears the line at the prompt. When
//! standard input is not a terminal, statements and commands are read from
//! it without prompts, so that the shell can be driven by a script.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::ValueEnum;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};

use super::args::ExportFormat;
use super::query::{json_to_value, write_result, write_separator};
use super::{
    graph_paths, load_graph, save_failed, unsaved, write_target, Args, CliError, Format, LimitArgs,
};
use crate::export::{self, file, whole_graph, DiagramOptions};
use crate::graph::save::{checked_text, prepare_for_save, save_text, FileLock};
use crate::graph::{Date, Graph};
use crate::output::table::visible;
use crate::query::{
    execute, is_mutating, parse_script_limited, Options, Params, QueryError, DEFAULT_MAX_HOPS,
};

const HELP: &str = "\
Statements end with `;` and may span several lines. Commands:
  :help                      this text
  :format table|json|jsonl|csv|tsv
                             how results are printed
  :param NAME VALUE          set $NAME (VALUE is JSON when it parses, else text)
  :param NAME                forget $NAME
  :params                    list the parameters
  :as-of DATE                only relations valid during DATE take part
  :as-of                     forget the date
  :show NAME                 an entity card
  :export dot|mermaid|graphml|cypher|json FILE
                             write the graph (as of :as-of) to FILE
  :write                     save the changes to the graph file (-g FILE)
  :reload                    load the graph file again, dropping unsaved changes
  :quit                      leave (Ctrl-D too); asks again when changes are unsaved
Ctrl-C stops a running query, or clears the line at the prompt.";

const KEYWORDS: &[&str] = &[
    "MATCH",
    "OPTIONAL",
    "WHERE",
    "WITH",
    "RETURN",
    "DISTINCT",
    "ORDER",
    "BY",
    "ASC",
    "DESC",
    "SKIP",
    "LIMIT",
    "UNWIND",
    "AS",
    "CREATE",
    "MERGE",
    "ON",
    "SET",
    "REMOVE",
    "DELETE",
    "DETACH",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "IS",
    "NULL",
    "IN",
    "STARTS",
    "ENDS",
    "CONTAINS",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "TRUE",
    "FALSE",
    "OWNERS",
    "HOLDINGS",
    "ULTIMATE",
    "HISTORY",
    "OF",
    "PATH",
    "FROM",
    "TO",
    "EXPLAIN",
    "count",
    "collect",
    "sum",
    "avg",
    "min",
    "max",
    "labels",
    "type",
    "keys",
    "properties",
    "id",
    "length",
    "nodes",
    "relationships",
    "size",
    "head",
    "last",
    "toLower",
    "toUpper",
    "trim",
    "toString",
    "toInteger",
    "toFloat",
    "coalesce",
    "startNode",
    "endNode",
    "exists",
    "shortestPath",
    "allShortestPaths",
];

const COMMANDS: &[&str] = &[
    ":help", ":format", ":param", ":params", ":as-of", ":show", ":export", ":write", ":reload",
    ":quit",
];

/// What completion offers, refreshed after each statement.
#[derive(Default)]
struct Words {
    labels: Vec<String>,
    types: Vec<String>,
    names: Vec<String>,
}

impl Words {
    fn of(graph: &Graph) -> Words {
        let mut names: Vec<String> = graph
            .entity_indices()
            .filter_map(|n| graph.entity(n))
            .flat_map(|e| e.name.iter().chain(&e.aliases).chain(&e.id))
            .map(|s| s.to_string())
            .collect();
        names.sort();
        names.dedup();
        Words {
            labels: graph
                .label_counts()
                .iter()
                .map(|(l, _)| l.to_string())
                .collect(),
            types: graph
                .type_counts()
                .iter()
                .map(|(t, _)| t.to_string())
                .collect(),
            names,
        }
    }
}

/// Completion for rustyline.
struct ShellHelper {
    words: Rc<RefCell<Words>>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = line.get(..pos).unwrap_or(line);
        let pair = |s: &str| Pair {
            display: s.to_string(),
            replacement: s.to_string(),
        };
        let words = self.words.borrow();
        // Inside an open quote: entity names.
        let quotes = before.chars().filter(|&c| c == '\'' || c == '"').count();
        if quotes % 2 == 1 {
            let start = before.rfind(['\'', '"']).map_or(0, |i| i + 1);
            let prefix = before.get(start..).unwrap_or("").to_lowercase();
            let found = words
                .names
                .iter()
                .filter(|n| n.to_lowercase().starts_with(&prefix))
                .map(|n| pair(n))
                .collect();
            return Ok((start, found));
        }
        let start = before
            .char_indices()
            .rev()
            .find(|(_, c)| !is_word_char(*c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let prefix = before.get(start..).unwrap_or("");
        let prev = before.get(..start).unwrap_or("");
        let lower = prefix.to_lowercase();
        let matching = |list: &[String]| -> Vec<Pair> {
            list.iter()
                .filter(|w| w.to_lowercase().starts_with(&lower))
                .map(|w| pair(w))
                .collect()
        };
        if prev.trim_start().is_empty() && prev.is_empty() && line.starts_with(':') {
            return Ok((0, Vec::new()));
        }
        if prev == ":" && start == 1 {
            let found = COMMANDS
                .iter()
                .filter(|c| c.get(1..).is_some_and(|c| c.starts_with(prefix)))
                .map(|c| pair(c.get(1..).unwrap_or(c)))
                .collect();
            return Ok((start, found));
        }
        if prev.ends_with(':') {
            // `(n:Com` or `[:OW`: labels or relation types.
            let in_rel = prev.rfind('[').unwrap_or(0) > prev.rfind(['(', ']']).unwrap_or(0)
                && prev.contains('[');
            let found = if in_rel {
                matching(&words.types)
            } else {
                matching(&words.labels)
            };
            return Ok((start, found));
        }
        if prefix.is_empty() {
            return Ok((start, Vec::new()));
        }
        let found = KEYWORDS
            .iter()
            .filter(|k| k.to_lowercase().starts_with(&lower))
            .map(|k| pair(k))
            .collect();
        Ok((start, found))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}
impl Highlighter for ShellHelper {}
impl Validator for ShellHelper {}
impl Helper for ShellHelper {}

/// Whether `text` ends a statement: its last character outside strings
/// and comments is `;`.
pub fn ends_statement(text: &str) -> bool {
    let mut last = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                let mut closed = false;
                while let Some(d) = chars.next() {
                    if d == '\\' && c != '`' {
                        chars.next();
                    } else if d == c {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return false;
                }
                last = Some(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                let mut closed = false;
                for d in chars.by_ref() {
                    if prev == '*' && d == '/' {
                        closed = true;
                        break;
                    }
                    prev = d;
                }
                if !closed {
                    return false;
                }
            }
            c if c.is_whitespace() => {}
            c => last = Some(c),
        }
    }
    last == Some(';')
}

/// One line of input, or why there is none.
enum Input {
    Line(String),
    /// Ctrl-C at the prompt.
    Interrupted,
    /// Ctrl-D, or the end of piped input.
    End,
}

/// Where lines come from.
enum Reader {
    Terminal {
        editor: Box<Editor<ShellHelper, DefaultHistory>>,
        history: Option<PathBuf>,
    },
    Piped(std::io::StdinLock<'static>),
}

impl Reader {
    fn read(&mut self, prompt: &str) -> Result<Input, CliError> {
        match self {
            Reader::Terminal { editor, .. } => match editor.readline(prompt) {
                Ok(line) => Ok(Input::Line(line)),
                Err(ReadlineError::Interrupted) => Ok(Input::Interrupted),
                Err(ReadlineError::Eof) => Ok(Input::End),
                Err(e) => Err(CliError::Failed(format!("kg shell: {e}"))),
            },
            Reader::Piped(stdin) => {
                let mut line = String::new();
                match stdin.read_line(&mut line)? {
                    0 => Ok(Input::End),
                    _ => {
                        while line.ends_with('\n') || line.ends_with('\r') {
                            line.pop();
                        }
                        Ok(Input::Line(line))
                    }
                }
            }
        }
    }

    fn remember(&mut self, entry: &str) {
        if let Reader::Terminal { editor, history } = self {
            let _ = editor.add_history_entry(entry.trim_end());
            if let Some(path) = history {
                let _ = editor.save_history(path);
            }
        }
    }

    fn interactive(&self) -> bool {
        matches!(self, Reader::Terminal { .. })
    }
}

/// The history file: `$KG_HISTORY`, else `~/.local/share/kg/history`
/// (its folder created when missing).
fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KG_HISTORY").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    let dir = Path::new(&home).join(".local/share/kg");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history"))
}

fn hash_of(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// The state of a session.
struct Session<'a> {
    args: &'a Args,
    graph: Graph,
    /// The file `:write` saves to, and the hash of its bytes when loaded
    /// or last saved (to notice another writer's changes).
    target: Option<(PathBuf, Option<u64>)>,
    format: Format,
    params: BTreeMap<String, serde_json::Value>,
    as_of: Option<Date>,
    lock_timeout: Duration,
    /// `--max-rows`, `--timeout`, `--max-query-bytes`, `--max-nesting`.
    limits: LimitArgs,
    cancel: Arc<AtomicBool>,
    dirty: bool,
    quit_warned: bool,
    failures: usize,
    words: Rc<RefCell<Words>>,
}

/// What a command asks of the loop.
enum Next {
    Continue,
    Quit,
}

impl Session<'_> {
    fn error(&mut self, message: impl std::fmt::Display) {
        self.failures += 1;
        eprintln!("{}", visible(&message.to_string()));
    }

    fn load(&mut self) -> Result<(), CliError> {
        let graph = load_graph(self.args)?;
        if let Some((path, hash)) = &mut self.target {
            *hash = std::fs::read(&*path).ok().map(|b| hash_of(&b));
        }
        self.graph = graph;
        self.dirty = false;
        self.quit_warned = false;
        *self.words.borrow_mut() = Words::of(&self.graph);
        Ok(())
    }

    /// Runs the statements of `text`, printing each result.
    fn run_text(&mut self, text: &str, out: &mut dyn Write) -> Result<(), CliError> {
        if let Err(m) = self.limits.check_length(text) {
            self.error(m);
            return Ok(());
        }
        let script = match parse_script_limited(text, self.limits.max_nesting) {
            Ok(s) => s,
            Err(e) => {
                self.error(e.render(text));
                return Ok(());
            }
        };
        let params: Params = self
            .params
            .iter()
            .map(|(k, v)| (k.clone(), json_to_value(v)))
            .collect();
        let count = script.statements.len();
        for (i, st) in script.statements.iter().enumerate() {
            self.cancel.store(false, Ordering::Relaxed);
            // Each statement has the whole --timeout.
            let options = Options {
                cancel: Some(self.cancel.clone()),
                ..self.limits.options(DEFAULT_MAX_HOPS, self.as_of)
            };
            let before = self.graph.changes();
            match execute(&mut self.graph, text, st, &params, &options) {
                Ok(result) => {
                    if count > 1 {
                        let (line, _) = crate::query::error::line_col(text, st.span.start);
                        write_separator(out, self.format, i, line)?;
                    }
                    write_result(out, &self.graph, self.format, &result, self.args.csv_safe)?;
                    out.flush()?;
                    if is_mutating(st) {
                        let changes = self.graph.changes().since(&before);
                        if !changes.is_empty() {
                            self.dirty = true;
                            self.quit_warned = false;
                            *self.words.borrow_mut() = Words::of(&self.graph);
                        }
                        eprintln!("{changes}");
                    }
                }
                Err(QueryError::Cancelled) => {
                    self.error("cancelled; the graph is as it was before the statement");
                    break;
                }
                Err(e @ QueryError::TimedOut(_)) => {
                    self.error(format!("{e}; the graph is as it was before the statement"));
                    break;
                }
                Err(e) => {
                    self.error(e.render(text));
                    break;
                }
            }
        }
        Ok(())
    }

    fn command(&mut self, line: &str, out: &mut dyn Write) -> Result<Next, CliError> {
        let line = line.trim();
        let (name, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        match name {
            ":help" | ":h" | ":?" => writeln!(out, "{HELP}")?,
            ":format" => match Format::from_str(rest, true) {
                Ok(f) => self.format = f,
                Err(_) => self.error(format!(
                    ":format takes table, json, jsonl, csv or tsv, not `{rest}`"
                )),
            },
            ":param" => {
                let (key, value) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let key = key.trim_start_matches('$');
                if key.is_empty() {
                    self.error(":param NAME VALUE sets $NAME; :param NAME forgets it");
                } else if value.trim().is_empty() {
                    self.params.remove(key);
                } else {
                    let value = value.trim();
                    let json = serde_json::from_str(value)
                        .unwrap_or_else(|_| serde_json::Value::from(value));
                    self.params.insert(key.to_string(), json);
                }
            }
            ":params" => {
                for (k, v) in &self.params {
                    writeln!(out, "${k} = {v}")?;
                }
            }
            ":as-of" | ":asof" => {
                if rest.is_empty() {
                    self.as_of = None;
                } else {
                    match Date::parse(rest) {
                        Ok(d) => self.as_of = Some(d),
                        Err(e) => self.error(format!(":as-of {rest}: {e}")),
                    }
                }
            }
            ":show" => {
                let format = if self.format == Format::Json {
                    Format::Json
                } else {
                    Format::Table
                };
                if rest.is_empty() {
                    self.error(":show NAME shows an entity: give its id, name or alias");
                } else if let Err(e) = super::show::run(&self.graph, rest, format, out) {
                    self.error(e);
                }
            }
            ":export" => self.export(rest),
            ":write" => self.write(),
            ":reload" => {
                if let Err(e) = self.load() {
                    self.error(e);
                }
            }
            ":quit" | ":q" | ":exit" => return Ok(self.quit()),
            other => self.error(format!(
                "unknown command `{other}`: :help lists the commands"
            )),
        }
        out.flush()?;
        Ok(Next::Continue)
    }

    fn export(&mut self, rest: &str) {
        let (fmt, path) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let path = path.trim();
        let format = match ExportFormat::from_str(fmt, true) {
            Ok(ExportFormat::Csv) | Err(_) => {
                self.error(":export dot|mermaid|graphml|cypher|json FILE");
                return;
            }
            Ok(f) => super::export::format_of(f),
        };
        if path.is_empty() {
            self.error(format!(":export {fmt} FILE: give the file to write"));
            return;
        }
        let sub = whole_graph(&self.graph, self.as_of);
        let options = DiagramOptions {
            ended_before: self.as_of.or_else(super::export::today),
            ..DiagramOptions::default()
        };
        let result = export::to_text(&sub, format, &options)
            .and_then(|text| file::write_atomic(Path::new(path), text.as_bytes()));
        match result {
            Ok(()) => eprintln!("wrote {path}"),
            Err(e) => self.error(e),
        }
    }

    fn write(&mut self) {
        let Some((path, loaded)) = self.target.clone() else {
            if let Err(e) = write_target(self.args, ":write") {
                self.error(e);
            }
            return;
        };
        let result = (|| -> Result<String, CliError> {
            let _lock = FileLock::acquire(&path, self.lock_timeout).map_err(save_failed)?;
            let now = std::fs::read(&path).ok().map(|b| hash_of(&b));
            if now != loaded {
                return Err(CliError::Failed(format!(
                    "{} changed on disk since the shell loaded it (another writer?); nothing was saved: :reload loads it again (dropping your unsaved changes)",
                    path.display()
                )));
            }
            let mut graph = self.graph.clone();
            let ids = prepare_for_save(&mut graph).map_err(save_failed)?;
            let text = checked_text(&path, &graph).map_err(unsaved(&graph))?;
            save_text(&path, &text).map_err(save_failed)?;
            self.graph = graph;
            self.target = Some((path.clone(), Some(hash_of(text.as_bytes()))));
            let note = if ids.is_empty() {
                String::new()
            } else {
                let list: Vec<&str> = ids.iter().map(|(_, id)| id.as_str()).collect();
                format!(" (new ids: {})", list.join(", "))
            };
            Ok(note)
        })();
        match result {
            Ok(note) => {
                self.dirty = false;
                self.quit_warned = false;
                eprintln!("saved {}{note}", path.display());
            }
            Err(e) => self.error(e),
        }
    }

    fn quit(&mut self) -> Next {
        if self.dirty && !self.quit_warned {
            self.quit_warned = true;
            let how = match &self.target {
                Some((path, _)) => format!(":write saves them to {}", path.display()),
                None => "they cannot be saved: the shell was not started on one -g FILE".into(),
            };
            eprintln!("there are unsaved changes ({how}); :quit again to leave without saving");
            return Next::Continue;
        }
        Next::Quit
    }
}

/// Runs `kg shell`.
pub fn run(
    args: &Args,
    lock_timeout: Duration,
    limits: &LimitArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let target = match graph_paths(args).len() {
        1 => write_target(args, ":write").ok().map(|p| (p, None)),
        _ => None,
    };
    let words = Rc::new(RefCell::new(Words::default()));
    let mut session = Session {
        args,
        graph: Graph::new(),
        target,
        format: args.format,
        params: BTreeMap::new(),
        as_of: args.as_of,
        lock_timeout,
        limits: limits.clone(),
        cancel: Arc::new(AtomicBool::new(false)),
        dirty: false,
        quit_warned: false,
        failures: 0,
        words: words.clone(),
    };
    session.load()?;

    let mut reader = if std::io::stdin().is_terminal() {
        let mut editor = Editor::<ShellHelper, DefaultHistory>::new()
            .map_err(|e| CliError::Failed(format!("kg shell: {e}")))?;
        editor.set_helper(Some(ShellHelper { words }));
        let history = history_path();
        if let Some(h) = &history {
            let _ = editor.load_history(h);
        }
        // Ctrl-C while a query runs sets the flag instead of ending kg.
        signal_hook::flag::register(signal_hook::consts::SIGINT, session.cancel.clone())
            .map_err(|e| CliError::Failed(format!("kg shell: {e}")))?;
        let g = &session.graph;
        eprintln!(
            "kg shell on {} ({} entities, {} relations); :help for commands, statements end with `;`",
            g.name.as_deref().unwrap_or("the graph"),
            g.entity_count(),
            g.relation_count()
        );
        Reader::Terminal {
            editor: Box::new(editor),
            history,
        }
    } else {
        Reader::Piped(std::io::stdin().lock())
    };

    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() { "kg> " } else { "... " };
        match reader.read(prompt)? {
            Input::Line(line) => {
                if buffer.is_empty() {
                    let trimmed = line.trim();
                    if trimmed.is_empty() {
                        continue;
                    }
                    if trimmed.starts_with(':') {
                        reader.remember(trimmed);
                        match session.command(trimmed, out)? {
                            Next::Continue => continue,
                            Next::Quit => break,
                        }
                    }
                }
                buffer.push_str(&line);
                buffer.push('\n');
                if ends_statement(&buffer) {
                    let text = std::mem::take(&mut buffer);
                    reader.remember(&text);
                    session.run_text(&text, out)?;
                }
            }
            Input::Interrupted => buffer.clear(),
            Input::End => {
                if !buffer.trim().is_empty() {
                    let text = std::mem::take(&mut buffer);
                    session.run_text(&text, out)?;
                }
                if !reader.interactive() {
                    if session.dirty {
                        eprintln!("unsaved changes were dropped at the end of the input (:write saves them)");
                    }
                    break;
                }
                match session.quit() {
                    Next::Quit => break,
                    Next::Continue => continue,
                }
            }
        }
    }
    out.flush()?;
    if session.failures > 0 && !reader.interactive() {
        return Err(CliError::Failed(format!(
            "{} statement(s) or command(s) failed",
            session.failures
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ends_statement;

    #[test]
    fn statements_end_with_a_semicolon_outside_strings_and_comments() {
        assert!(ends_statement("RETURN 1;"));
        assert!(ends_statement("MATCH (n)\nRETURN n; // done\n"));
        assert!(!ends_statement("RETURN ';'"));
        assert!(!ends_statement("RETURN 1 /* ; */"));
        assert!(!ends_statement("RETURN 'a;"));
        assert!(ends_statement("RETURN 'it\\'s';"));
        assert!(!ends_statement("RETURN 1; RETURN 2"));
    }
}
