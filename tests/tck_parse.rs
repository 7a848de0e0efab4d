//! Every query of the openCypher TCK scenarios in `../shared/tck/features`
//! goes through the parser: queries of scenarios that expect a compile-time
//! `SyntaxError` must be rejected (unless the check needs more than syntax,
//! see [`SEMANTIC`]); all others must parse and survive print -> parse.

use std::fs;
use std::path::{Path, PathBuf};

use kg::query::parse_script;

/// Error codes the TCK files under `SyntaxError` that a parser cannot catch
/// without knowing variables, types, functions or grouping. The evaluator's
/// checks raise them; here such queries may parse.
const SEMANTIC: &[(&str, &str)] = &[
    ("VariableAlreadyBound", "needs the variables in scope"),
    (
        "VariableTypeConflict",
        "needs what each variable is bound to",
    ),
    ("UndefinedVariable", "needs the variables in scope"),
    (
        "RelationshipUniquenessViolation",
        "needs the variables of the pattern",
    ),
    (
        "InvalidArgumentType",
        "needs the types of arguments (`properties(1)`, `NOT 'a'`)",
    ),
    ("UnknownFunction", "needs the table of functions"),
    (
        "NonConstantExpression",
        "needs to know which functions are not deterministic (`count(rand())`)",
    ),
    (
        "InvalidAggregation",
        "needs to know which functions aggregate",
    ),
    (
        "NestedAggregation",
        "needs to know which functions aggregate",
    ),
    (
        "AmbiguousAggregationExpression",
        "needs the grouping keys of the projection",
    ),
];

/// Test cases using features outside kg's subset (see the TCK README).
const OUTSIDE_SUBSET: &[(&str, &str)] = &[("List11.feature", "[3]")];

/// One query to parse.
struct Case {
    /// `file: scenario` for messages.
    origin: String,
    /// The query text.
    query: String,
    /// The error code when the scenario expects a compile-time SyntaxError
    /// for this query.
    syntax_error: Option<String>,
}

fn feature_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            feature_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
}

/// A Gherkin table row's cells, unescaped.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('|') => cell.push('|'),
                Some('\\') => cell.push('\\'),
                Some('n') => cell.push('\n'),
                Some(other) => {
                    cell.push('\\');
                    cell.push(other);
                }
                None => cell.push('\\'),
            },
            '|' => cells.push(std::mem::take(&mut cell).trim().to_string()),
            c => cell.push(c),
        }
    }
    cells
}

/// A scenario being read: its name, queries and expected error.
#[derive(Default)]
struct Scenario {
    name: String,
    /// (query, is the query under test)
    queries: Vec<(String, bool)>,
    syntax_error: Option<String>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Scenario {
    fn finish(self, file: &str, out: &mut Vec<Case>) {
        if self.name.is_empty() {
            return;
        }
        let rows = if self.header.is_empty() {
            vec![Vec::new()]
        } else {
            self.rows
        };
        for row in rows {
            for (query, under_test) in &self.queries {
                let mut query = query.clone();
                for (name, value) in self.header.iter().zip(&row) {
                    query = query.replace(&format!("<{name}>"), value);
                }
                out.push(Case {
                    origin: format!("{file}: {}", self.name),
                    query,
                    syntax_error: self.syntax_error.clone().filter(|_| *under_test),
                });
            }
        }
    }
}

fn read_feature(path: &Path, out: &mut Vec<Case>) {
    let file = path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let Ok(text) = fs::read_to_string(path) else {
        return;
    };
    let mut lines = text.lines();
    let mut current = Scenario::default();
    let mut background: Vec<(String, bool)> = Vec::new();
    let mut in_background = false;
    let mut in_examples = false;
    let mut next_query_under_test = false;
    while let Some(line) = lines.next() {
        let t = line.trim();
        if t.starts_with('#') {
            continue;
        }
        if t.starts_with("Scenario") || t.starts_with("Background:") {
            std::mem::take(&mut current).finish(&file, out);
            in_examples = false;
            in_background = t.starts_with("Background:");
            current.name = t.to_string();
            if !in_background {
                current.queries = background.clone();
            }
        } else if t.starts_with("Examples:") {
            in_examples = true;
        } else if in_examples && t.starts_with('|') {
            let row = cells(t);
            if current.header.is_empty() {
                current.header = row;
            } else {
                current.rows.push(row);
            }
        } else if t.ends_with("executing query:")
            || t.ends_with("having executed:")
            || t.ends_with("executing control query:")
        {
            next_query_under_test = t.ends_with("executing query:");
        } else if t == "\"\"\"" {
            let indent = line.len() - line.trim_start().len();
            let mut query = Vec::new();
            for body in lines.by_ref() {
                if body.trim() == "\"\"\"" {
                    break;
                }
                query.push(body.get(indent..).unwrap_or(body.trim_start()));
            }
            let entry = (query.join("\n"), next_query_under_test);
            if in_background {
                background.push(entry.clone());
            }
            current.queries.push(entry);
        } else if let Some(rest) = t
            .split("SyntaxError should be raised at compile time: ")
            .nth(1)
        {
            current.syntax_error = Some(rest.trim().to_string());
        }
    }
    current.finish(&file, out);
    // The background itself is not a scenario.
    out.retain(|c| !c.origin.ends_with("Background:"));
}

#[test]
fn tck_queries_parse() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tck/features");
    let mut files = Vec::new();
    feature_files(&dir, &mut files);
    if files.is_empty() {
        println!("skipped: no TCK features under {}", dir.display());
        return;
    }
    files.sort();
    let mut cases = Vec::new();
    for file in &files {
        read_feature(file, &mut cases);
    }

    let mut failures = Vec::new();
    for case in &cases {
        let placeholder = case.query.split('<').skip(1).any(|rest| {
            rest.split_once('>').is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(char::is_alphanumeric)
            })
        });
        if placeholder {
            failures.push(format!("{}: placeholder left: {}", case.origin, case.query));
        }
    }
    let (mut parsed, mut rejected, mut semantic_accepted, mut semantic_caught, mut outside) =
        (0, 0, 0, 0, 0);
    for case in &cases {
        if OUTSIDE_SUBSET
            .iter()
            .any(|(f, s)| case.origin.starts_with(f) && case.origin.contains(s))
        {
            outside += 1;
            continue;
        }
        let result = parse_script(&case.query);
        match (&case.syntax_error, result) {
            (Some(code), Ok(script)) => {
                if SEMANTIC.iter().any(|(c, _)| c == code) {
                    semantic_accepted += 1;
                    check_round_trip(case, &script, &mut failures);
                } else {
                    failures.push(format!(
                        "{}: accepted, expected SyntaxError {code}:\n{}",
                        case.origin, case.query
                    ));
                }
            }
            (Some(code), Err(_)) => {
                if SEMANTIC.iter().any(|(c, _)| c == code) {
                    semantic_caught += 1;
                } else {
                    rejected += 1;
                }
            }
            (None, Ok(script)) => {
                parsed += 1;
                check_round_trip(case, &script, &mut failures);
            }
            (None, Err(e)) => failures.push(format!(
                "{}: {}\n{}",
                case.origin,
                e.render(&case.query),
                case.query
            )),
        }
    }
    println!(
        "TCK: {} queries; {parsed} parse and round-trip; {rejected} expected syntax errors \
         caught; {semantic_caught} semantic errors caught anyway, {semantic_accepted} left \
         to later checks; {outside} outside the subset",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn check_round_trip(case: &Case, script: &kg::query::ast::Script, failures: &mut Vec<String>) {
    let printed = script.to_string();
    match parse_script(&printed) {
        Ok(again) if &again == script => {}
        Ok(again) => failures.push(format!(
            "{}: round trip changed the tree\n{}\nprinted: {printed}\n{script:?}\n{again:?}",
            case.origin, case.query
        )),
        Err(e) => failures.push(format!(
            "{}: printed text does not parse\n{}\nprinted: {}",
            case.origin,
            case.query,
            e.render(&printed)
        )),
    }
}
