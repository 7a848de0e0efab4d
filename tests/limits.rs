//! Limits a user can read and change, and text that is not what it
//! claims, through the `kg` binary as a user runs it: nesting, query
//! length, rows, time; invalid UTF-8, byte-order marks, CRLF, NUL bytes,
//! huge names, numbers beyond 64 bits; CSV fields that spreadsheets would
//! run; control characters in tables.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{kg_in, root, Run};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn kg() -> Command {
    kg_in(&root())
}

fn run(args: &[&str]) -> Run {
    Run::from(kg().args(args).output().unwrap())
}

fn run_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = kg()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // kg may stop reading early (a limit): a broken pipe is fine here.
    let _ = input.write_all(stdin);
    drop(input);
    Run::from(child.wait_with_output().unwrap())
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The first line of an error (the rest shows the query with a caret).
fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// A graph file of `n` companies that all own each other: variable-length
/// patterns over it have more paths than any query could walk.
fn dense_graph(dir: &Path, n: usize) -> PathBuf {
    let entities: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id": "c{i}", "labels": ["Company"], "name": "C{i}"}}"#))
        .collect();
    let mut relations = Vec::new();
    for i in 0..n {
        for j in 0..n {
            if i != j {
                relations.push(format!(
                    r#"{{"from": "c{i}", "type": "OWNS", "to": "c{j}"}}"#
                ));
            }
        }
    }
    let text = format!(
        "{{\"kg\": 1, \"entities\": [{}], \"relations\": [{}]}}\n",
        entities.join(",\n"),
        relations.join(",\n")
    );
    write_file(dir, "dense.json", text.as_bytes())
}

// ----- nesting -----------------------------------------------------------

#[test]
fn a_hundred_thousand_brackets_are_an_error_naming_max_nesting() {
    let dir = tempfile::tempdir().unwrap();
    for (open, close) in [("(", ")"), ("[", "]"), ("{a: ", "}")] {
        let text = format!("RETURN {}1{}", open.repeat(100_000), close.repeat(100_000));
        let file = write_file(dir.path(), "deep.cypher", text.as_bytes());
        let r = run(&["query", "-f", file.to_str().unwrap()]);
        assert_eq!(r.code, 1, "{open}: {}", first_line(&r.stderr));
        assert_eq!(r.stdout, "");
        let line = first_line(&r.stderr);
        assert!(
            line.contains("syntax error at line 1, column ")
                && line.ends_with(
                    "nesting deeper than 256 levels (the limit of --max-nesting, 256 here)"
                ),
            "{open}: {line}"
        );
        let r = run_stdin(&["query", "-"], text.as_bytes());
        assert_eq!(r.code, 1, "{open} on stdin");
        assert!(first_line(&r.stderr).starts_with("<stdin>: syntax error"));
    }
}

#[test]
fn long_chains_of_operators_are_an_error_not_a_crash() {
    for (head, link) in [
        ("RETURN 1", "+1"),
        ("RETURN 1", " < 2"),
        ("RETURN 1", " IS NULL"),
        ("WITH {a: 1} AS m RETURN m", ".a"),
        ("WITH [1] AS l RETURN l", "[0]"),
    ] {
        let text = format!("{head}{}", link.repeat(100_000));
        let r = run_stdin(&["query", "-"], text.as_bytes());
        assert_eq!(r.code, 1, "{link}: {}", first_line(&r.stderr));
        assert!(
            first_line(&r.stderr).contains("--max-nesting"),
            "{link}: {}",
            first_line(&r.stderr)
        );
    }
}

#[test]
fn max_nesting_can_be_raised_and_lowered_within_bounds() {
    let deep = format!("RETURN {}1{} AS x", "(".repeat(150), ")".repeat(150));
    let r = run(&["query", &deep]);
    assert_eq!(r.code, 1);
    assert!(first_line(&r.stderr).contains("the limit of --max-nesting, 256 here"));
    let r = run(&["query", "--max-nesting", "1000", "--format", "csv", &deep]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "x\r\n1\r\n");

    let chain = format!("RETURN 0{} AS x", "+1".repeat(900));
    let r = run(&["query", "--max-nesting", "1000", "--format", "csv", &chain]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "x\r\n900\r\n");

    let r = run(&["query", "--max-nesting", "2", "RETURN [[1]]"]);
    assert_eq!(r.code, 1);
    assert!(first_line(&r.stderr).contains("nesting deeper than 2 levels"));

    for bad in ["0", "1001", "lots"] {
        let r = run(&["query", "--max-nesting", bad, "RETURN 1"]);
        assert_eq!(r.code, 2, "{bad}");
        assert!(r.stderr.contains("--max-nesting"), "{}", r.stderr);
    }
}

#[test]
fn deeply_nested_json_in_a_graph_file_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{{\"kg\": 1, \"entities\": [{{\"id\": \"a\", \"labels\": [\"Company\"], \"props\": {{\"x\": {}{}}}}}], \"relations\": []}}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let file = write_file(dir.path(), "deep.json", text.as_bytes());
    let r = run(&["--no-cache", "-g", file.to_str().unwrap(), "stats"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.ends_with(":1:197: JSON nested more than 128 levels deep, the limit for graph files (a graph file needs 5: file, list of records, record, props, list)\n"),
        "{}",
        r.stderr
    );
}

// ----- query length ------------------------------------------------------

#[test]
fn a_query_longer_than_max_query_bytes_is_refused_before_the_graph_loads() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("RETURN '{}' AS s", "x".repeat(200));
    let r = run(&["query", "--max-query-bytes", "100", &text]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "the query is 214 bytes long, more than the limit of --max-query-bytes (100)\n"
    );
    let file = write_file(dir.path(), "long.cypher", text.as_bytes());
    let r = run(&[
        "query",
        "--max-query-bytes",
        "100",
        "-f",
        file.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!(
            "{}: the query is more than 100 bytes long, the limit of --max-query-bytes\n",
            file.display()
        )
    );
    let r = run_stdin(&["query", "--max-query-bytes", "100", "-"], text.as_bytes());
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "<stdin>: the query is more than 100 bytes long, the limit of --max-query-bytes\n"
    );
    // Exactly at the limit is fine; the default is 1 MiB.
    let r = run(&[
        "query",
        "--max-query-bytes",
        "214",
        "--format",
        "csv",
        &text,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let huge = format!("RETURN 1 AS x /* {} */", "y".repeat(1024 * 1024));
    let r = run_stdin(&["query", "-"], huge.as_bytes());
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("more than 1048576 bytes long"),
        "{}",
        r.stderr
    );
    let r = run(&[
        "export",
        "--to",
        "dot",
        "--max-query-bytes",
        "10",
        "--query",
        "MATCH (n) RETURN n",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "--query: the query is 18 bytes long, more than the limit of --max-query-bytes (10)\n"
    );
}

// ----- rows --------------------------------------------------------------

#[test]
fn too_many_rows_is_an_error_naming_max_rows() {
    let started = Instant::now();
    let r = run(&[
        "query",
        "--max-rows",
        "1000",
        "UNWIND range(1, 10000000) AS x RETURN x",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        first_line(&r.stderr),
        "error at line 1, column 8: `range(1, 10000000)` would hold more than 1000 rows, the limit of --max-rows (raise it, or narrow the query)"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // The rows of UNWIND, MATCH, groups and collect() count.
    for (query, what) in [
        (
            "UNWIND range(1, 40) AS a UNWIND range(1, 40) AS b RETURN a, b",
            "UNWIND range(1, 40) would hold more than 1000 rows",
        ),
        (
            "MATCH (a), (b) RETURN a, b",
            "MATCH would hold more than 1000 rows",
        ),
        (
            "UNWIND range(1, 999) AS a UNWIND [1, 2] AS b RETURN a * 10 + b AS k, count(*)",
            "UNWIND [1, 2] would hold more than 1000 rows",
        ),
        (
            "UNWIND range(1, 600) AS a WITH a, a + 1000 AS b RETURN collect(a) + collect(b) AS c",
            "",
        ),
    ] {
        let r = run(&["query", "--max-rows", "1000", query]);
        if what.is_empty() {
            assert_eq!(r.code, 0, "{query}: {}", r.stderr);
        } else {
            assert_eq!(r.code, 1, "{query}");
            assert!(
                first_line(&r.stderr).contains(what),
                "{query}: {}",
                r.stderr
            );
        }
    }
    let r = run(&[
        "query",
        "--max-rows",
        "500",
        "UNWIND range(1, 400) AS a UNWIND [a, -a] AS b RETURN count(DISTINCT b) AS n",
    ]);
    assert_eq!(r.code, 1);
    let r = run(&[
        "query",
        "--max-rows",
        "500",
        "UNWIND range(1, 400) AS a RETURN collect(a) + collect(a) AS c",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&[
        "query",
        "--max-rows",
        "300",
        "UNWIND range(1, 2) AS g UNWIND range(1, 200) AS a RETURN g, collect(a) AS c",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        first_line(&r.stderr).contains("would hold more than 300 rows"),
        "{}",
        r.stderr
    );
    // MATCH straight into an aggregation holds no rows, only groups.
    let r = run(&[
        "query",
        "--max-rows",
        "10",
        "MATCH (n) RETURN n.name, count(*)",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error: the groups of an aggregation would hold more than 10 rows, the limit of --max-rows (raise it, or narrow the query)\n"
    );
    for bad in ["0", "-1", "many"] {
        let r = run(&["query", "--max-rows", bad, "RETURN 1"]);
        assert_eq!(r.code, 2, "{bad}");
        assert!(r.stderr.contains("--max-rows"));
    }
}

#[test]
fn the_default_row_limit_is_ten_million() {
    let r = run(&["query", "RETURN size(range(1, 10000001)) AS n"]);
    assert_eq!(r.code, 1);
    assert!(
        first_line(&r.stderr)
            .contains("would hold more than 10000000 rows, the limit of --max-rows"),
        "{}",
        r.stderr
    );
}

// ----- time --------------------------------------------------------------

#[test]
fn a_slow_query_stops_at_its_timeout_with_exit_code_5() {
    let dir = tempfile::tempdir().unwrap();
    let graph = dense_graph(dir.path(), 12);
    let g = graph.to_str().unwrap();
    let started = Instant::now();
    let r = run(&[
        "--no-cache",
        "-g",
        g,
        "query",
        "--timeout",
        "1",
        "MATCH p = (a)-[*1..12]->(b) RETURN count(p)",
    ]);
    let took = started.elapsed();
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "error: the query ran past --timeout 1s and was stopped\n"
    );
    assert!(took < Duration::from_secs(8), "took {took:?}");

    // A cross product of UNWINDs, with a fraction of a second.
    let started = Instant::now();
    let r = run(&[
        "query",
        "--timeout",
        "0.5",
        "UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b WITH a, b WHERE a * b = 7 RETURN count(*)",
    ]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("ran past --timeout 0.5s"), "{}", r.stderr);
    assert!(started.elapsed() < Duration::from_secs(8));

    // A quick query is not affected.
    let r = run(&[
        "query",
        "--timeout",
        "30",
        "--format",
        "csv",
        "RETURN 1 AS x",
    ]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "x\r\n1\r\n");

    // Exporting what a query finds stops the same way.
    let r = run(&[
        "--no-cache",
        "-g",
        g,
        "export",
        "--to",
        "dot",
        "--timeout",
        "1",
        "--query",
        "MATCH p = (a)-[*1..12]->(b) RETURN p",
    ]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert_eq!(r.stdout, "");

    for bad in ["0", "-1", "soon"] {
        let r = run(&["query", "--timeout", bad, "RETURN 1"]);
        assert_eq!(r.code, 2, "{bad}");
        assert!(r.stderr.contains("--timeout"));
    }
}

#[test]
fn a_write_script_that_times_out_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let graph = dense_graph(dir.path(), 12);
    let before = std::fs::read(&graph).unwrap();
    let r = run(&[
        "--no-cache",
        "-g",
        graph.to_str().unwrap(),
        "query",
        "--write",
        "--continue",
        "--timeout",
        "1",
        "CREATE (:Company {id: 'new', name: 'New'}); MATCH p = (a)-[*1..12]->(b) RETURN count(p); CREATE (:Company {id: 'later', name: 'Later'})",
    ]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr.contains("ran past --timeout 1s")
            && r.stderr
                .ends_with(&format!("nothing was saved to {}\n", graph.display())),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(&graph).unwrap(), before);
}

// ----- text that is not what it claims -------------------------------------

#[test]
fn invalid_utf8_in_a_query_file_or_stdin_names_the_byte_offset() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "bad.cypher", b"RETURN 'caf\xe9' AS x");
    let r = run(&["query", "-f", file.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!("{}: invalid UTF-8 at byte offset 11\n", file.display())
    );
    let r = run_stdin(&["query", "-"], b"RETURN 1 AS \xff");
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "<stdin>: invalid UTF-8 at byte offset 12\n");
}

#[test]
fn a_byte_order_mark_is_accepted_in_graph_and_query_files() {
    let dir = tempfile::tempdir().unwrap();
    let graph = write_file(
        dir.path(),
        "bom.json",
        b"\xef\xbb\xbf{\"kg\": 1, \"entities\": [{\"id\": \"a\", \"labels\": [\"Company\"], \"name\": \"A\"}], \"relations\": []}",
    );
    let query = write_file(
        dir.path(),
        "bom.cypher",
        b"\xef\xbb\xbfMATCH (n) RETURN n.name AS name",
    );
    let r = run(&[
        "--no-cache",
        "-g",
        graph.to_str().unwrap(),
        "query",
        "--format",
        "csv",
        "-f",
        query.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "name\r\nA\r\n");
    let r = run_stdin(
        &[
            "--no-cache",
            "-g",
            graph.to_str().unwrap(),
            "query",
            "--format",
            "csv",
            "-",
        ],
        b"\xef\xbb\xbfRETURN 1 AS x",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "x\r\n1\r\n");
}

#[test]
fn crlf_line_ends_are_accepted_and_error_lines_stay_right() {
    let dir = tempfile::tempdir().unwrap();
    let graph = write_file(
        dir.path(),
        "crlf.json",
        b"{\"kg\": 1,\r\n \"entities\": [\r\n  {\"id\": \"a\", \"labels\": [\"Company\"], \"name\": \"A\"}\r\n ],\r\n \"relations\": []\r\n}\r\n",
    );
    let query = write_file(
        dir.path(),
        "crlf.cypher",
        b"MATCH (n)\r\nRETURN n.name AS name;\r\nRETURN 1 + ;\r\n",
    );
    let r = run(&[
        "--no-cache",
        "-g",
        graph.to_str().unwrap(),
        "query",
        "-f",
        query.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(
        first_line(&r.stderr),
        format!(
            "{}: syntax error at line 3, column 12: expected one of: COUNT, NOT, a name, allShortestPaths, an expression, shortestPath",
            query.display()
        )
    );
    assert!(!r.stderr.contains('\r'), "{:?}", r.stderr);
    let good = write_file(
        dir.path(),
        "good.cypher",
        b"MATCH (n)\r\nRETURN n.name AS name\r\n",
    );
    let r = run(&[
        "--no-cache",
        "-g",
        graph.to_str().unwrap(),
        "query",
        "--format",
        "csv",
        "-f",
        good.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "name\r\nA\r\n");
}

#[test]
fn nul_bytes_escaped_load_and_raw_ones_are_refused_with_their_offset() {
    let dir = tempfile::tempdir().unwrap();
    let graph = write_file(
        dir.path(),
        "nul.json",
        br#"{"kg": 1, "entities": [{"id": "a", "labels": ["Company"], "name": "A\u0000B"}], "relations": []}"#,
    );
    let g = graph.to_str().unwrap();
    let r = run(&[
        "--no-cache",
        "-g",
        g,
        "query",
        "MATCH (n) RETURN n.name AS name",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("| A\\u{0}B |"), "{}", r.stdout);
    assert!(!r.stdout.contains('\0'));
    let r = run(&[
        "--no-cache",
        "-g",
        g,
        "query",
        "--format",
        "json",
        "MATCH (n) RETURN n.name AS name",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["name"], "A\u{0}B");
    // The same name written in a query finds it.
    let r = run(&[
        "--no-cache",
        "-g",
        g,
        "query",
        "--format",
        "csv",
        "MATCH (n {name: 'A\\u0000B'}) RETURN n.id AS id",
    ]);
    assert_eq!(r.stdout, "id\r\na\r\n");

    let file = write_file(dir.path(), "nul.cypher", b"RETURN 1 AS x,\n 'a\0b' AS y");
    let r = run(&["query", "-f", file.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!(
            "{}: a NUL byte at byte offset 18 (line 2, column 4): query text holds none; write \\u0000 in a string for one\n",
            file.display()
        )
    );
    let r = run_stdin(&["query", "-"], b"RETURN '\0'");
    assert_eq!(r.code, 1);
    assert!(r
        .stderr
        .starts_with("<stdin>: a NUL byte at byte offset 8 (line 1, column 9)"));
}

#[test]
fn a_ten_megabyte_name_loads_and_prints() {
    let dir = tempfile::tempdir().unwrap();
    let name = "N".repeat(10 * 1024 * 1024);
    let text = format!(
        "{{\"kg\": 1, \"entities\": [{{\"id\": \"a\", \"labels\": [\"Company\"], \"name\": \"{name}\"}}], \"relations\": []}}"
    );
    let graph = write_file(dir.path(), "long.json", text.as_bytes());
    let g = graph.to_str().unwrap();
    let started = Instant::now();
    let r = run(&[
        "--no-cache",
        "-g",
        g,
        "query",
        "MATCH (n) RETURN size(n.name) AS size, n.name AS name",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let row = r.stdout.lines().nth(2).unwrap();
    assert!(row.starts_with("| 10485760 | NNNN"), "{}", &row[..40]);
    assert_eq!(row.len(), 10 * 1024 * 1024 + 15);
    let r = run(&["--no-cache", "-g", g, "show", "a"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with(&name));
    let r = run(&[
        "--no-cache",
        "-g",
        g,
        "query",
        "--format",
        "json",
        "MATCH (n) RETURN n.name AS name",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["name"].as_str().map(str::len), Some(name.len()));
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn numbers_beyond_the_range_in_queries_are_errors() {
    for (query, message) in [
        (
            "RETURN 1e400 AS x",
            "syntax error at line 1, column 8: float literal is too large",
        ),
        (
            "RETURN 99999999999999999999 AS x",
            "syntax error at line 1, column 8: integer literal is too large for 64 bits",
        ),
    ] {
        let r = run(&["query", query]);
        assert_eq!(r.code, 1, "{query}");
        assert_eq!(first_line(&r.stderr), message);
    }
}

#[test]
fn nan_and_infinities_print_the_same_way_and_json_stays_json() {
    let q = "RETURN 0.0 / 0.0 AS nan, 1.0 / 0.0 AS inf, -1.0 / 0.0 AS neg, [0.0 / 0.0] AS list";
    let r = run(&["query", "--format", "json", q]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{"nan": "NaN", "inf": "Infinity", "neg": "-Infinity", "list": ["NaN"]}])
    );
    let r = run(&["query", "--format", "jsonl", q]);
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim_end()).unwrap();
    assert_eq!(v["neg"], "-Infinity");
    let r = run(&["query", "--format", "csv", q]);
    assert_eq!(
        r.stdout,
        "nan,inf,neg,list\r\nNaN,Infinity,\"-Infinity\",\"[\"\"NaN\"\"]\"\r\n"
    );
    let r = run(&["query", q]);
    assert!(
        r.stdout.contains("| NaN | Infinity | -Infinity |"),
        "{}",
        r.stdout
    );
}

// ----- output other tools parse ---------------------------------------------

/// A graph whose names and properties start like spreadsheet formulas and
/// hold terminal escape sequences.
fn hostile_graph(dir: &Path) -> PathBuf {
    let json = serde_json::json!({
        "kg": 1,
        "entities": [
            {"id": "f", "labels": ["Company"], "name": "=HYPERLINK(\"http://x\",\"y\")",
             "props": {"a": "+1+2", "b": "-2+3", "c": "@SUM(A1)", "d": "\tx", "e": "\rx",
                       "n": -5, "ok": "plain"}},
            {"id": "t", "labels": ["Company"],
             "name": "Evil\u{1b}[31mRED\u{1b}]0;title\u{7}\u{8}\r\u{9b}2J\u{202e}gnp.exe\u{7f}"}
        ],
        "relations": [{"from": "f", "type": "OWNS", "to": "t",
                       "props": {"note": "=1+1"}}]
    });
    write_file(dir, "hostile.json", json.to_string().as_bytes())
}

#[test]
fn csv_fields_that_start_like_formulas_are_quoted_and_csv_safe_prefixes_them() {
    let dir = tempfile::tempdir().unwrap();
    let graph = hostile_graph(dir.path());
    let g = graph.to_str().unwrap();
    let q = "MATCH (n {id: 'f'}) RETURN n.name AS name, n.a AS a, n.b AS b, n.c AS c, n.d AS d, n.e AS e, n.n AS n, n.ok AS ok";
    let r = run(&["--no-cache", "-g", g, "query", "--format", "csv", q]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "name,a,b,c,d,e,n,ok\r\n\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"+1+2\",\"-2+3\",\"@SUM(A1)\",\"\tx\",\"\rx\",-5,plain\r\n"
    );
    let r = run(&[
        "--no-cache",
        "-g",
        g,
        "query",
        "--format",
        "csv",
        "--csv-safe",
        q,
    ]);
    assert_eq!(
        r.stdout,
        "name,a,b,c,d,e,n,ok\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"'+1+2\",\"'-2+3\",\"'@SUM(A1)\",\"'\tx\",\"'\rx\",-5,plain\r\n"
    );
    let r = run(&[
        "--no-cache",
        "-g",
        g,
        "query",
        "--format",
        "tsv",
        "--csv-safe",
        q,
    ]);
    assert_eq!(
        r.stdout,
        "name\ta\tb\tc\td\te\tn\tok\n'=HYPERLINK(\"http://x\",\"y\")\t'+1+2\t'-2+3\t'@SUM(A1)\t'\\tx\t'\\rx\t-5\tplain\n"
    );
    // A column named like a formula is a field too.
    let r = run(&[
        "query",
        "--format",
        "csv",
        "--csv-safe",
        "RETURN 1 AS `=cmd`",
    ]);
    assert_eq!(r.stdout, "\"'=cmd\"\r\n1\r\n");
}

#[test]
fn export_to_csv_quotes_formulas_and_csv_safe_prefixes_them() {
    let dir = tempfile::tempdir().unwrap();
    let graph = hostile_graph(dir.path());
    let g = graph.to_str().unwrap();
    let plain = dir.path().join("plain");
    let r = run(&[
        "--no-cache",
        "-g",
        g,
        "export",
        "--to",
        "csv",
        "-o",
        plain.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let nodes = std::fs::read_to_string(plain.join("nodes.csv")).unwrap();
    assert!(
        nodes.contains("f,Company,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",,\"+1+2\",\"-2+3\",\"@SUM(A1)\",\"\tx\",\"\rx\",-5,plain\n"),
        "{nodes}"
    );
    let rels = std::fs::read_to_string(plain.join("relationships.csv")).unwrap();
    assert!(rels.ends_with(",\"=1+1\"\n"), "{rels}");

    // Quoting changes nothing for a reader: the export reads back as it was.
    let back = dir.path().join("back.json");
    let r = run(&[
        "import",
        "--from",
        "csv",
        plain.to_str().unwrap(),
        "-o",
        back.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&[
        "--no-cache",
        "-g",
        back.to_str().unwrap(),
        "query",
        "--format",
        "json",
        "MATCH (n {id: 'f'})-[r]->() RETURN n.name AS name, n.b AS b, n.n AS n, r.note AS note",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{"name": "=HYPERLINK(\"http://x\",\"y\")", "b": "-2+3", "n": -5, "note": "=1+1"}])
    );

    let safe = dir.path().join("safe");
    let r = run(&[
        "--no-cache",
        "-g",
        g,
        "export",
        "--to",
        "csv",
        "--csv-safe",
        "-o",
        safe.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let nodes = std::fs::read_to_string(safe.join("nodes.csv")).unwrap();
    assert!(
        nodes.contains("f,Company,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",,\"'+1+2\",\"'-2+3\",\"'@SUM(A1)\",\"'\tx\",\"'\rx\",-5,plain\n"),
        "{nodes}"
    );

    let r = run(&["export", "--to", "dot", "--csv-safe"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "kg: --csv-safe changes the fields of CSV files: use it with --to csv\n"
    );
}

#[test]
fn tables_never_pass_terminal_control_characters_through() {
    let dir = tempfile::tempdir().unwrap();
    let graph = hostile_graph(dir.path());
    let g = graph.to_str().unwrap();
    let outputs = [
        run(&[
            "--no-cache",
            "-g",
            g,
            "query",
            "MATCH (n) RETURN n.name AS name, n",
        ]),
        run(&["--no-cache", "-g", g, "query", "MATCH p = ()-->() RETURN p"]),
        run(&["--no-cache", "-g", g, "show", "t"]),
        run(&["--no-cache", "-g", g, "owners", "t"]),
        run(&["--no-cache", "-g", g, "path", "f", "t"]),
    ];
    for r in &outputs {
        assert_eq!(r.code, 0, "{}", r.stderr);
        for bad in [
            '\u{1b}', '\u{7}', '\u{8}', '\r', '\u{9b}', '\u{202e}', '\u{7f}',
        ] {
            assert!(
                !r.stdout.contains(bad),
                "U+{:04X} reached the output:\n{}",
                u32::from(bad),
                r.stdout
            );
        }
    }
    assert!(
        outputs[0].stdout.contains(
            "Evil\\u{1b}[31mRED\\u{1b}]0;title\\u{7}\\u{8}\\u{d}\\u{9b}2J\\u{202e}gnp.exe\\u{7f}"
        ),
        "{}",
        outputs[0].stdout
    );
}

#[test]
fn the_shell_applies_the_limits_to_each_statement_and_carries_on() {
    let r = run_stdin(
        &["shell", "--max-rows", "10"],
        b"UNWIND range(1, 100) AS x RETURN x;\nRETURN 1 AS one;\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "| one |\n|-----|\n| 1   |\n(1 row)\n");
    assert!(
        r.stderr.starts_with("error at line 1, column 8: `range(1, 100)` would hold more than 10 rows, the limit of --max-rows"),
        "{}",
        r.stderr
    );
    let started = Instant::now();
    let r = run_stdin(
        &["shell", "--timeout", "0.5"],
        b"UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b WITH a, b WHERE a * b = 7 RETURN count(*) AS n;\nRETURN 2 AS two;\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "| two |\n|-----|\n| 2   |\n(1 row)\n");
    assert!(
        r.stderr.starts_with("the query ran past --timeout 0.5s and was stopped; the graph is as it was before the statement\n"),
        "{}",
        r.stderr
    );
    assert!(started.elapsed() < Duration::from_secs(8));
    let r = run_stdin(&["shell", "--max-nesting", "3"], b"RETURN [[[1]]];\n");
    assert!(
        r.stderr
            .contains("nesting deeper than 3 levels (the limit of --max-nesting, 3 here)"),
        "{}",
        r.stderr
    );
}

#[test]
fn error_messages_quoting_the_graph_pass_no_control_characters_either() {
    let dir = tempfile::tempdir().unwrap();
    let json = serde_json::json!({
        "kg": 1,
        "entities": [{"id": "a\u{1b}[31m", "labels": ["Company"], "name": "A"}],
        "relations": [{"from": "a\u{1b}[31m", "type": "OWNS", "to": "zz\u{1b}]0;t\u{7}"}]
    });
    let graph = write_file(dir.path(), "g.json", json.to_string().as_bytes());
    let r = run(&["check", graph.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!(
            "{}: relations[0] (a\\u{{1b}}[31m -OWNS-> zz\\u{{1b}}]0;t\\u{{7}}): `to` \"zz\\u{{1b}}]0;t\\u{{7}}\" is not the id of any entity\n1 problem\n",
            graph.display()
        )
    );
    let r = run(&["show", "\u{1b}[2Jnobody"]);
    assert_eq!(r.code, 1);
    assert!(!r.stderr.contains('\u{1b}'), "{}", r.stderr);
}

#[test]
fn max_json_nesting_lowers_the_nesting_graph_files_may_have() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(
        dir.path(),
        "nested.json",
        b"{\"kg\": 1,\n \"entities\": [{\"id\": \"a\", \"labels\": [\"Company\"], \"props\": {\"x\": [[[1]]]}}],\n \"relations\": []}\n",
    );
    let f = file.to_str().unwrap();
    // Past the flag's limit: the place and the flag, for every command that loads.
    let want =
        format!("{f}:2:67: JSON nested more than 6 levels deep, the limit of --max-json-nesting\n");
    for args in [
        vec!["--no-cache", "--max-json-nesting", "6", "-g", f, "stats"],
        vec!["--max-json-nesting", "6", "-g", f, "query", "RETURN 1"],
        vec!["--max-json-nesting", "6", "check", f],
    ] {
        let r = run(&args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr, want, "{args:?}");
        assert_eq!(r.stdout, "", "{args:?}");
    }
    // Within it, the file's own problem (a list inside a list) is what is said.
    let r = run(&["--no-cache", "--max-json-nesting", "7", "-g", f, "stats"]);
    assert_eq!(r.code, 1);
    assert!(!r.stderr.contains("--max-json-nesting"), "{}", r.stderr);
    // The seed graph needs no more than the format's 5 levels.
    let r = run(&[
        "--max-json-nesting",
        "5",
        "check",
        "graphs/rare-earths-2025.json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Out of range: a usage error naming the range.
    for bad in ["4", "129", "x"] {
        let r = run(&["--max-json-nesting", bad, "check"]);
        assert_eq!(r.code, 2, "{bad}");
        assert!(
            r.stderr
                .contains("give a whole number from 5 (what a graph file needs) to 128"),
            "{bad}: {}",
            r.stderr
        );
    }
}
