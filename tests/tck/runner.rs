//! Runs one test case's steps against a fresh graph and checks the
//! outcome.

use std::collections::BTreeMap;
use std::path::Path;

use kg::graph::Graph;

use super::engine::{self, EngineError, Outcome, Params, Snapshot, Table};
use super::gherkin::{Step, TestCase};
use super::values::{multiset_equal, parse_value, values_equal, TValue};

/// Details a parser error may stand for. kg's parser errors carry no
/// detail code, so an error that is a `SyntaxError` at compile time with
/// no code matches any of these lexical or grammar details (and no
/// other: the semantic details such as `UndefinedVariable` need the code).
pub const PARSER_DETAILS: &[&str] = &[
    "UnexpectedSyntax",
    "InvalidNumberLiteral",
    "IntegerOverflow",
    "FloatingPointOverflow",
    "InvalidUnicodeLiteral",
    "InvalidUnicodeCharacter",
    "InvalidRelationshipPattern",
    "InvalidParameterUse",
];

/// The longest a message part gets before it is cut.
const MAX_SHOWN: usize = 300;

fn cut(s: &str) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() > MAX_SHOWN {
        let t: String = s.chars().take(MAX_SHOWN).collect();
        format!("{t}...")
    } else {
        s
    }
}

struct State<'a> {
    tck_dir: &'a Path,
    graph: Graph,
    params: Params,
    outcome: Option<Outcome>,
    before: Option<Snapshot>,
    after: Option<Snapshot>,
}

/// Runs a test case; `Err` says why it failed.
pub fn run_case(case: &TestCase, tck_dir: &Path) -> Result<(), String> {
    let mut st = State {
        tck_dir,
        graph: Graph::new(),
        params: Params::new(),
        outcome: None,
        before: None,
        after: None,
    };
    for step in &case.steps {
        run_step(&mut st, step).map_err(|e| format!("line {}: {e}", step.line))?;
    }
    Ok(())
}

fn doc(step: &Step) -> Result<&str, String> {
    step.doc
        .as_deref()
        .ok_or_else(|| format!("step `{}` needs a doc string", step.text))
}

fn run_step(st: &mut State<'_>, step: &Step) -> Result<(), String> {
    let t = step.text.as_str();
    match t {
        "an empty graph" | "any graph" => Ok(()),
        "having executed:" => {
            let q = doc(step)?;
            engine::run(&mut st.graph, q, &st.params)
                .map(|_| ())
                .map_err(|e| format!("setup query failed: {}", cut(&e.to_string())))
        }
        "parameters are:" => {
            for row in &step.table {
                let [name, value] = row.as_slice() else {
                    return Err(format!("parameter row {row:?} needs two cells"));
                };
                let v = parse_value(value).and_then(|v| engine::to_param(&v))?;
                st.params.insert(name.clone(), v);
            }
            Ok(())
        }
        "executing query:" => {
            let q = doc(step)?;
            st.before = Some(engine::snapshot(&st.graph));
            st.outcome = Some(engine::run(&mut st.graph, q, &st.params));
            st.after = Some(engine::snapshot(&st.graph));
            Ok(())
        }
        "executing control query:" => {
            let q = doc(step)?;
            st.outcome = Some(engine::run(&mut st.graph, q, &st.params));
            Ok(())
        }
        "the result should be empty" => {
            let table = result(st)?;
            if table.columns.is_empty() && table.rows.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "expected an empty result, got columns {:?} and {} rows",
                    table.columns,
                    table.rows.len()
                ))
            }
        }
        "no side effects" => check_side_effects(st, &[]),
        "the side effects should be:" => check_side_effects(st, &step.table),
        _ => {
            if let Some(mode) = t.strip_prefix("the result should be") {
                let (ordered, unordered_lists) = match mode {
                    ", in any order:" => (false, false),
                    ", in order:" => (true, false),
                    " (ignoring element order for lists):" => (false, true),
                    ", in order (ignoring element order for lists):" => (true, true),
                    _ => return Err(format!("unknown step `{t}`")),
                };
                let table = result(st)?;
                return check_table(table, &step.table, ordered, unordered_lists);
            }
            if let Some(name) = t
                .strip_prefix("the ")
                .and_then(|r| r.strip_suffix(" graph"))
            {
                let file = st
                    .tck_dir
                    .join("..")
                    .join("graphs")
                    .join(name)
                    .join(format!("{name}.cypher"));
                let q = std::fs::read_to_string(&file)
                    .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
                return engine::run(&mut st.graph, &q, &st.params)
                    .map(|_| ())
                    .map_err(|e| format!("graph `{name}` failed: {}", cut(&e.to_string())));
            }
            if let Some(expected) = parse_error_step(t) {
                return check_error(st, &expected);
            }
            Err(format!("unknown step `{t}`"))
        }
    }
}

fn result<'s>(st: &'s State<'_>) -> Result<&'s Table, String> {
    match &st.outcome {
        None => Err("no query was executed".into()),
        Some(Err(e)) => Err(format!("unexpected error: {}", cut(&e.to_string()))),
        Some(Ok(t)) => Ok(t),
    }
}

/// An expected error: `a <Type> should be raised at <phase>: <Detail>`.
#[derive(Debug, PartialEq)]
pub struct ExpectedError {
    pub tck_type: String,
    pub phase: String,
    pub detail: String,
}

pub fn parse_error_step(t: &str) -> Option<ExpectedError> {
    let rest = t.strip_prefix("an ").or_else(|| t.strip_prefix("a "))?;
    let (ty, rest) = rest.split_once(" should be raised at ")?;
    let (phase, detail) = rest.split_once(':')?;
    Some(ExpectedError {
        tck_type: ty.trim().to_string(),
        phase: phase.trim().to_string(),
        detail: detail.trim().to_string(),
    })
}

/// Whether an engine error is the expected one (see [`PARSER_DETAILS`]).
pub fn error_matches(expected: &ExpectedError, got: &EngineError) -> bool {
    let phase_ok = expected.phase == "any time" || expected.phase == got.phase;
    let detail_ok = expected.detail == "*"
        || match &got.code {
            Some(code) => *code == expected.detail,
            None => {
                got.tck_type == "SyntaxError"
                    && got.phase == "compile time"
                    && PARSER_DETAILS.contains(&expected.detail.as_str())
            }
        };
    expected.tck_type == got.tck_type && phase_ok && detail_ok
}

fn check_error(st: &State<'_>, expected: &ExpectedError) -> Result<(), String> {
    let want = format!(
        "{} at {}: {}",
        expected.tck_type, expected.phase, expected.detail
    );
    match &st.outcome {
        None => Err("no query was executed".into()),
        Some(Ok(t)) => Err(format!(
            "expected {want}, got a result with columns {:?} and {} rows",
            t.columns,
            t.rows.len()
        )),
        Some(Err(e)) if !error_matches(expected, e) => {
            Err(format!("expected {want}, got {}", cut(&e.to_string())))
        }
        Some(Err(_)) => {
            // An error leaves the graph unchanged.
            if let (Some(b), Some(a)) = (&st.before, &st.after) {
                let changed: Vec<String> = engine::side_effects(b, a)
                    .into_iter()
                    .filter(|(_, n)| *n != 0)
                    .map(|(k, n)| format!("{k} {n}"))
                    .collect();
                if !changed.is_empty() {
                    return Err(format!(
                        "the expected error came, but the graph changed: {}",
                        changed.join(", ")
                    ));
                }
            }
            Ok(())
        }
    }
}

fn check_side_effects(st: &State<'_>, table: &[Vec<String>]) -> Result<(), String> {
    let (Some(before), Some(after)) = (&st.before, &st.after) else {
        return Err("no query was executed".into());
    };
    let got = engine::side_effects(before, after);
    let mut want: BTreeMap<&str, usize> = got.keys().map(|k| (*k, 0)).collect();
    for row in table {
        let [key, n] = row.as_slice() else {
            return Err(format!("side-effect row {row:?} needs two cells"));
        };
        let n: usize = n
            .parse()
            .map_err(|_| format!("side-effect count `{n}` is not a number"))?;
        match want.get_mut(key.as_str()) {
            Some(slot) => *slot = n,
            None => return Err(format!("unknown side effect `{key}`")),
        }
    }
    let diffs: Vec<String> = want
        .iter()
        .filter(|(k, n)| got[**k] != **n)
        .map(|(k, n)| format!("{k}: expected {n}, got {}", got[*k]))
        .collect();
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(format!("side effects differ: {}", diffs.join(", ")))
    }
}

fn show_row(row: &[TValue]) -> String {
    let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
    format!("| {} |", cells.join(" | "))
}

fn show_rows(rows: &[Vec<TValue>]) -> String {
    let shown: Vec<String> = rows.iter().take(5).map(|r| show_row(r)).collect();
    let more = if rows.len() > 5 {
        format!(" ... ({} rows)", rows.len())
    } else {
        String::new()
    };
    cut(&format!("{}{more}", shown.join(" ")))
}

/// Compares a result with an expected table (header row first).
pub fn check_table(
    got: &Table,
    expected: &[Vec<String>],
    ordered: bool,
    unordered_lists: bool,
) -> Result<(), String> {
    let Some((header, body)) = expected.split_first() else {
        return Err("the expected table has no header".into());
    };
    if got.columns != *header {
        return Err(format!(
            "columns: expected {header:?}, got {:?}",
            got.columns
        ));
    }
    let want: Vec<Vec<TValue>> = body
        .iter()
        .map(|row| row.iter().map(|c| parse_value(c)).collect())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("bad expected value: {e}"))?;
    if let Some(bad) = got.rows.iter().find(|r| r.len() != header.len()) {
        return Err(format!(
            "a row has {} values for {} columns: {}",
            bad.len(),
            header.len(),
            show_row(bad)
        ));
    }
    let row_eq = |a: &Vec<TValue>, b: &Vec<TValue>| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| values_equal(x, y, unordered_lists))
    };
    let same = if ordered {
        want.len() == got.rows.len() && want.iter().zip(&got.rows).all(|(a, b)| row_eq(a, b))
    } else {
        multiset_equal(&want, &got.rows, row_eq)
    };
    if same {
        return Ok(());
    }
    // Say what differs: the first missing and the first unexpected row.
    let mut detail = format!("expected {} rows, got {}", want.len(), got.rows.len());
    if ordered {
        if let Some(i) =
            (0..want.len().max(got.rows.len())).find(|&i| match (want.get(i), got.rows.get(i)) {
                (Some(a), Some(b)) => !row_eq(a, b),
                _ => true,
            })
        {
            let w = want.get(i).map_or("nothing".into(), |r| show_row(r));
            let g = got.rows.get(i).map_or("nothing".into(), |r| show_row(r));
            detail.push_str(&format!("; row {}: expected {w}, got {g}", i + 1));
        }
    } else {
        let mut used = vec![false; got.rows.len()];
        let mut missing = Vec::new();
        for w in &want {
            match (0..got.rows.len()).find(|&i| !used[i] && row_eq(w, &got.rows[i])) {
                Some(i) => used[i] = true,
                None => missing.push(w.clone()),
            }
        }
        let extra: Vec<Vec<TValue>> = got
            .rows
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(r, _)| r.clone())
            .collect();
        if !missing.is_empty() {
            detail.push_str(&format!("; missing {}", show_rows(&missing)));
        }
        if !extra.is_empty() {
            detail.push_str(&format!("; unexpected {}", show_rows(&extra)));
        }
    }
    Err(cut(&detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cols: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            columns: cols.iter().map(|c| c.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| parse_value(c).unwrap()).collect())
                .collect(),
        }
    }

    fn cells(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn tables() {
        let got = table(&["a", "count(*)"], &[&["1", "[1, 2]"], &["2", "[3]"]]);
        let any = cells(&[&["a", "count(*)"], &["2", "[3]"], &["1", "[1, 2]"]]);
        assert!(check_table(&got, &any, false, false).is_ok());
        assert!(check_table(&got, &any, true, false).is_err());
        let in_order = cells(&[&["a", "count(*)"], &["1", "[1, 2]"], &["2", "[3]"]]);
        assert!(check_table(&got, &in_order, true, false).is_ok());
        let lists = cells(&[&["a", "count(*)"], &["2", "[3]"], &["1", "[2, 1]"]]);
        assert!(check_table(&got, &lists, false, false).is_err());
        assert!(check_table(&got, &lists, false, true).is_ok());
        let cols = cells(&[&["count(*)", "a"], &["[3]", "2"], &["[1, 2]", "1"]]);
        let e = check_table(&got, &cols, false, false).unwrap_err();
        assert!(e.starts_with("columns"), "{e}");
        let fewer = cells(&[&["a", "count(*)"], &["1", "[1, 2]"]]);
        let e = check_table(&got, &fewer, false, false).unwrap_err();
        assert!(e.contains("unexpected | 2 | [3] |"), "{e}");
        let dup = cells(&[&["a", "count(*)"], &["1", "[1, 2]"], &["1", "[1, 2]"]]);
        assert!(check_table(&got, &dup, false, false).is_err());
        let empty = table(&["x"], &[]);
        assert!(check_table(&empty, &cells(&[&["x"]]), false, false).is_ok());
        assert!(check_table(&empty, &cells(&[&["x"], &["1"]]), false, false).is_err());
        let ints = table(&["x"], &[&["1"]]);
        assert!(check_table(&ints, &cells(&[&["x"], &["1.0"]]), false, false).is_err());
    }

    fn err(ty: &str, phase: &str, code: Option<&str>) -> EngineError {
        EngineError {
            tck_type: ty.into(),
            phase: phase.into(),
            code: code.map(str::to_string),
            message: String::new(),
        }
    }

    #[test]
    fn errors() {
        let e =
            parse_error_step("a SyntaxError should be raised at compile time: UndefinedVariable")
                .unwrap();
        assert_eq!(
            e,
            ExpectedError {
                tck_type: "SyntaxError".into(),
                phase: "compile time".into(),
                detail: "UndefinedVariable".into()
            }
        );
        assert!(parse_error_step("the result should be empty").is_none());
        assert!(error_matches(
            &e,
            &err("SyntaxError", "compile time", Some("UndefinedVariable"))
        ));
        assert!(!error_matches(
            &e,
            &err("SyntaxError", "runtime", Some("UndefinedVariable"))
        ));
        assert!(!error_matches(
            &e,
            &err("SemanticError", "compile time", Some("UndefinedVariable"))
        ));
        // A parser error has no code: it stands only for grammar details.
        assert!(!error_matches(
            &e,
            &err("SyntaxError", "compile time", None)
        ));
        let g = parse_error_step("a SyntaxError should be raised at compile time: IntegerOverflow")
            .unwrap();
        assert!(error_matches(&g, &err("SyntaxError", "compile time", None)));
        assert!(!error_matches(&g, &err("SyntaxError", "runtime", None)));
        assert!(!error_matches(
            &g,
            &err("SyntaxError", "compile time", Some("UnexpectedSyntax"))
        ));
        let any = parse_error_step("a TypeError should be raised at any time: *").unwrap();
        assert!(error_matches(&any, &err("TypeError", "runtime", Some("X"))));
        assert!(error_matches(&any, &err("TypeError", "compile time", None)));
        assert!(!error_matches(&any, &err("ArgumentError", "runtime", None)));
    }
}
