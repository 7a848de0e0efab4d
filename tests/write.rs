//! Saving changes (`kg query --write`), scripts (`--params`, `--continue`,
//! `-q`, `--exit-status`, several result sets) and `kg shell`, through the
//! binary: crashes and concurrent writers never lose or mix a file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::test_cache_dir;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::prelude::*;

/// `kg` in `dir`, with no `$KG_GRAPH` and a history file of its own.
fn kg(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("kg").unwrap();
    c.current_dir(dir)
        .env_remove("KG_GRAPH")
        .env("KG_CACHE_DIR", test_cache_dir())
        .env("KG_HISTORY", dir.join("history"));
    c
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let mut child = kg(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const SMALL: &str = r#"{
  "kg": 1,
  "sources": [
    {"id": "news", "title": "News"}
  ],
  "entities": [
    {"id": "acme", "labels": ["Company"], "name": "Acme"},
    {"id": "bob", "labels": ["Person"], "name": "Bob"}
  ],
  "relations": [
    {"from": "bob", "type": "OWNS", "to": "acme", "props": {"share": 10}, "since": "2020"}
  ]
}
"#;

/// A temporary folder with `g.json` holding `text`.
fn graph_dir(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("g.json");
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn new_relations_keep_dates_and_provenance_in_their_fields() {
    let (dir, file) = graph_dir(SMALL);
    let r = run(
        dir.path(),
        &[
            "-g",
            "g.json",
            "query",
            "--write",
            "MATCH (a {id: 'acme'}), (b {id: 'bob'}) CREATE (b)-[:CONTROLS {since: '2019-03', until: '2024', source: 'news', locator: 'para 2', note: 'Bob runs Acme', quote: 'he runs it', votes: 51}]->(a)",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "(0 rows)\n");
    assert_eq!(r.stderr, "saved g.json: +1 relation, 7 properties set\n");
    let text = read(&file);
    assert!(
        text.contains("    {\"from\": \"bob\", \"type\": \"CONTROLS\", \"to\": \"acme\", \"props\": {\"votes\": 51}, \"since\": \"2019-03\", \"until\": \"2024\", \"source\": \"news\", \"locator\": \"para 2\", \"note\": \"Bob runs Acme\", \"quote\": \"he runs it\"}\n"),
        "{text}"
    );
    // The saved file is valid and reads back the same fields.
    let r = run(
        dir.path(),
        &[
            "-g",
            "g.json",
            "--format",
            "jsonl",
            "query",
            "MATCH ()-[r:CONTROLS]->() RETURN r.since AS since, r.until AS until, r.source AS source, r.quote AS quote",
        ],
        "",
    );
    assert_eq!(
        r.stdout,
        "{\"since\":\"2019-03\",\"until\":\"2024\",\"source\":\"news\",\"quote\":\"he runs it\"}\n"
    );
    assert_eq!(run_args(dir.path(), &["check", "g.json"]).code, 0);
}

impl Run {
    fn ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

fn run_args(dir: &Path, args: &[&str]) -> Run {
    run(dir, args, "")
}

#[test]
fn entities_created_without_an_id_get_one() {
    let (dir, file) = graph_dir(SMALL);
    let r = run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "query",
            "--write",
            "CREATE (:Company {name: 'Acme'}), (:Company {name: 'Acme'}), (:Person {name: 'Élise Müller-Ōta'}), (:Deposit), (:Deposit), (:Company {id: 'given'})",
        ],
    );
    r.ok();
    assert_eq!(
        r.stderr,
        "saved g.json: +6 entities, 4 properties set (new ids: acme-2, acme-3, élise-müller-ōta, deposit-1, deposit-2)\n"
    );
    let text = read(&file);
    for line in [
        "{\"id\": \"acme-2\", \"labels\": [\"Company\"], \"name\": \"Acme\"}",
        "{\"id\": \"acme-3\", \"labels\": [\"Company\"], \"name\": \"Acme\"}",
        "{\"id\": \"élise-müller-ōta\", \"labels\": [\"Person\"], \"name\": \"Élise Müller-Ōta\"}",
        "{\"id\": \"deposit-1\", \"labels\": [\"Deposit\"]}",
        "{\"id\": \"deposit-2\", \"labels\": [\"Deposit\"]}",
        "{\"id\": \"given\", \"labels\": [\"Company\"]}",
    ] {
        assert!(text.contains(line), "{line} is missing from\n{text}");
    }
    assert_eq!(run_args(dir.path(), &["check", "g.json"]).code, 0);
}

#[test]
fn an_entity_without_labels_is_refused_at_save() {
    let (dir, file) = graph_dir(SMALL);
    let r = run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "query",
            "--write",
            "CREATE ({name: 'Nameless Co'})",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "cannot save: entity \"Nameless Co\" has no label; give it one (CREATE (n:Company {...}) or SET n:Company) and run again\n"
    );
    assert_eq!(read(&file), SMALL);
}

#[test]
fn a_script_with_an_error_in_the_middle_changes_nothing() {
    let (dir, file) = graph_dir(SMALL);
    let script = "CREATE (:Company {name: 'First'});\n// the next one fails\nMATCH (n {id: 'acme'})\nSET n.x = 1 / 0;\nCREATE (:Company {name: 'Third'});\n";
    let r = run(
        dir.path(),
        &["-g", "g.json", "query", "--write", "-"],
        script,
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "statement 1: +1 entity, 1 property set\n<stdin>: statement 2 of 3 (line 3, column 1) failed: error at line 4, column 11: `1 / 0`: division by zero\n  SET n.x = 1 / 0;\n            ^^^^^\nnothing was saved to g.json\n"
    );
    assert_eq!(read(&file), SMALL);
    assert!(!dir.path().join("g.json.lock").exists());
}

#[test]
fn continue_reports_every_failing_statement_and_saves_nothing() {
    let (dir, file) = graph_dir(SMALL);
    let q = dir.path().join("s.cypher");
    std::fs::write(
        &q,
        "RETURN 1 / 0 AS a;\nCREATE (:Company {name: 'Kept?'});\nRETURN nope;\nRETURN 2 AS b;\n",
    )
    .unwrap();
    let r = run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "query",
            "--write",
            "--continue",
            "-f",
            "s.cypher",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("s.cypher: statement 1 of 4 (line 1, column 1) failed: error at line 1, column 8: `1 / 0`: division by zero"), "{}", r.stderr);
    assert!(r.stderr.contains("s.cypher: statement 3 of 4 (line 3, column 1) failed: error at line 3, column 8: variable `nope` is not defined"), "{}", r.stderr);
    assert!(
        r.stderr
            .ends_with("2 of 4 statements failed; nothing was saved to g.json\n"),
        "{}",
        r.stderr
    );
    // The statements that worked printed their results.
    assert!(
        r.stdout.contains("-- statement 4 (line 4) --\n| b |"),
        "{}",
        r.stdout
    );
    assert_eq!(read(&file), SMALL);

    // Without --write: every error reported, exit 1.
    let r = run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "--format",
            "jsonl",
            "query",
            "--continue",
            "RETURN 1/0; RETURN 1 AS x; RETURN y",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "{\"x\":1}\n");
    assert_eq!(
        r.stderr.matches("failed: error at").count(),
        2,
        "{}",
        r.stderr
    );
    // Fail-fast is the default: the second statement never runs.
    let r = run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "--format",
            "jsonl",
            "query",
            "RETURN 1/0; RETURN 1 AS x",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
}

#[test]
fn quiet_and_exit_status_for_shell_tests() {
    let (dir, file) = graph_dir(SMALL);
    let d = dir.path();
    let found = "MATCH (n {name: 'Acme'}) RETURN n";
    let missing = "MATCH (n {name: 'Nobody'}) RETURN n";
    let r = run_args(d, &["-g", "g.json", "query", "-q", found]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let r = run_args(d, &["-g", "g.json", "query", "-q", missing]);
    assert_eq!(r.code, 0, "no rows is success without --exit-status");
    let r = run_args(
        d,
        &["-g", "g.json", "query", "-q", "--exit-status", missing],
    );
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (4, "", ""));
    let r = run_args(d, &["-g", "g.json", "query", "-q", "--exit-status", found]);
    assert_eq!(r.code, 0);
    // The last statement decides.
    let r = run_args(
        d,
        &[
            "-g",
            "g.json",
            "query",
            "--exit-status",
            &format!("{found}; {missing}"),
        ],
    );
    assert_eq!(r.code, 4);
    assert!(r.stdout.contains("(0 rows)"));
    // -q also silences the summary of a write; errors still show.
    let r = run_args(
        d,
        &[
            "-g",
            "g.json",
            "query",
            "-q",
            "--write",
            "CREATE (:Company {name: 'Quiet'})",
        ],
    );
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    assert!(read(&file).contains("\"id\": \"quiet\""));
    let r = run_args(d, &["-g", "g.json", "query", "-q", "RETURN 1/0"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("division by zero"));
}

#[test]
fn params_come_from_a_json_file_and_p_wins() {
    let (dir, _file) = graph_dir(SMALL);
    let d = dir.path();
    std::fs::write(
        d.join("p.json"),
        r#"{"name": "Acme", "limit": 1, "who": "file"}"#,
    )
    .unwrap();
    let r = run_args(
        d,
        &[
            "-g",
            "g.json",
            "--format",
            "jsonl",
            "query",
            "--params",
            "p.json",
            "-p",
            "who=flag",
            "MATCH (n {name: $name}) RETURN n.id AS id, $who AS who, $limit AS lim",
        ],
    );
    r.ok();
    assert_eq!(r.stdout, "{\"id\":\"acme\",\"who\":\"flag\",\"lim\":1}\n");

    std::fs::write(d.join("list.json"), "[1, 2]").unwrap();
    let r = run_args(d, &["query", "--params", "list.json", "RETURN 1"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr, "kg: --params list.json: the file must hold a JSON object of parameters ({\"name\": \"Rosatom\", \"limit\": 5}), not an array\n");
    std::fs::write(d.join("bad.json"), "{\"a\": ").unwrap();
    let r = run_args(d, &["query", "--params", "bad.json", "RETURN 1"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("kg: --params bad.json: not valid JSON at line 1"),
        "{}",
        r.stderr
    );
    let r = run_args(d, &["query", "--params", "missing.json", "RETURN 1"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("kg: --params missing.json: "),
        "{}",
        r.stderr
    );
}

#[test]
fn a_mutating_query_without_write_says_how_to_save() {
    let (dir, file) = graph_dir(SMALL);
    let d = dir.path();
    let r = run_args(d, &["-g", "g.json", "query", "RETURN 1; CREATE (:X)"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "the statement at line 1, column 11 changes the graph: add --write to save the changes to g.json (or --dry-run to see what would change)\n");
    std::fs::copy(&file, d.join("h.json")).unwrap();
    let r = run_args(d, &["-g", "g.json", "-g", "h.json", "query", "CREATE (:X)"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("--write needs exactly one -g FILE"),
        "{}",
        r.stderr
    );
    let r = run_args(d, &["query", "CREATE (:X)"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("the built-in graph is not one"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&file), SMALL);
}

#[test]
fn write_usage_errors() {
    let (dir, file) = graph_dir(SMALL);
    let d = dir.path();
    std::fs::copy(&file, d.join("h.json")).unwrap();
    let r = run_args(
        d,
        &[
            "-g",
            "g.json",
            "-g",
            "h.json",
            "query",
            "--write",
            "CREATE (:X)",
        ],
    );
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr, "kg: --write needs exactly one -g FILE to save to, not 2 files: load the one file to change\n");
    let r = run_args(d, &["query", "--write", "CREATE (:X)"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(
            "kg: --write saves changes to one graph file, and the built-in graph is not a file"
        ),
        "{}",
        r.stderr
    );
    let r = run_args(
        d,
        &[
            "-g",
            "g.json",
            "query",
            "--write",
            "--lock-timeout",
            "-1",
            "CREATE (:X)",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`-1`: give 0 or more seconds"),
        "{}",
        r.stderr
    );
    let r = run_args(
        d,
        &[
            "-g",
            "g.json",
            "query",
            "--write",
            "--lock-timeout",
            "soon",
            "CREATE (:X)",
        ],
    );
    assert_eq!(r.code, 2);
    assert_eq!(read(&file), SMALL);
}

#[test]
fn dry_run_reports_and_saves_nothing() {
    let (dir, file) = graph_dir(SMALL);
    let r = run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "query",
            "--dry-run",
            "CREATE (:Company {name: 'Maybe'}) RETURN 1 AS one",
        ],
    );
    r.ok();
    assert_eq!(
        r.stderr,
        "dry run, nothing saved: would change +1 entity, 1 property set (new ids: maybe)\n"
    );
    assert_eq!(read(&file), SMALL);
}

#[test]
fn several_statements_give_one_json_document_each() {
    let (dir, _file) = graph_dir(SMALL);
    let r = run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "--format",
            "json",
            "query",
            "MATCH (n:Person) RETURN n.id AS id; RETURN 1 AS a, 2 AS b; MATCH (n:Nothing) RETURN n",
        ],
    );
    r.ok();
    let docs: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&r.stdout)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        docs,
        vec![
            serde_json::json!([{"id": "bob"}]),
            serde_json::json!([{"a": 1, "b": 2}]),
            serde_json::json!([]),
        ]
    );
    let r = run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "--format",
            "csv",
            "query",
            "RETURN 1 AS a; RETURN 2 AS b",
        ],
    );
    assert_eq!(r.stdout, "a\r\n1\r\n\r\nb\r\n2\r\n");
}

fn lock_of(file: &Path) -> PathBuf {
    file.with_file_name("g.json.lock")
}

#[test]
fn a_lock_held_by_a_live_process_times_out_with_a_message() {
    let (dir, file) = graph_dir(SMALL);
    let lock = lock_of(&file);
    // This test's own process is alive.
    std::fs::write(&lock, format!("{}\n", std::process::id())).unwrap();
    let start = Instant::now();
    let r = run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "query",
            "--write",
            "--lock-timeout",
            "0.3",
            "CREATE (:Company {name: 'Late'})",
        ],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert!(
        r.stderr.starts_with(&format!(
            "kg: g.json.lock is locked by another kg writer (process {}); waited 0.",
            std::process::id()
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("raise --lock-timeout"), "{}", r.stderr);
    assert_eq!(read(&file), SMALL);
    assert!(lock.exists(), "someone else's lock is left alone");
}

#[test]
fn a_dead_writers_lock_is_taken_over() {
    let (dir, file) = graph_dir(SMALL);
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    std::fs::write(lock_of(&file), format!("{dead}\n")).unwrap();
    let r = run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "query",
            "--write",
            "--lock-timeout",
            "0",
            "CREATE (:Company {name: 'Next'})",
        ],
    );
    r.ok();
    assert!(read(&file).contains("\"id\": \"next\""));
    assert!(!lock_of(&file).exists());
}

#[test]
fn concurrent_writers_keep_each_others_changes() {
    let (dir, file) = graph_dir(SMALL);
    let writers: Vec<(usize, Child)> = (0..6)
        .map(|i| {
            let child = kg(dir.path())
                .args([
                    "-g",
                    "g.json",
                    "query",
                    "--write",
                    "--lock-timeout",
                    if i == 5 { "0" } else { "30" },
                    &format!("MATCH (a {{id: 'acme'}}) CREATE (:Person {{name: 'Writer {i}'}})-[:OWNS]->(a) SET a.count = coalesce(a.count, 0) + 1"),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (i, child)
        })
        .collect();
    let mut saved = 0;
    let text_of = |c: Child| {
        let out = c.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let mut results = Vec::new();
    for (i, c) in writers {
        results.push((i, text_of(c)));
    }
    let text = read(&file);
    for (i, (code, stderr)) in results {
        match code {
            Some(0) => {
                saved += 1;
                assert!(
                    text.contains(&format!("\"name\": \"Writer {i}\"")),
                    "writer {i} lost:\n{text}"
                );
            }
            // Only the writer that would not wait may find the file locked.
            Some(3) if i == 5 => {
                assert!(
                    stderr.contains("g.json.lock is locked by another kg writer"),
                    "{stderr}"
                );
                assert!(!text.contains(&format!("\"name\": \"Writer {i}\"")));
            }
            other => panic!("writer {i} ended with {other:?}: {stderr}"),
        }
    }
    assert!(saved >= 5);
    // Every increment of the shared counter survived.
    assert!(
        text.contains(&format!("\"props\": {{\"count\": {saved}}}")),
        "{text}"
    );
    assert!(!lock_of(&file).exists());
}

/// A small pseudo-random generator, so that the kill test needs no crate.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// A graph large enough that saving it takes a while.
fn big_graph(n: usize) -> String {
    let mut s = String::from("{\"kg\": 1, \"entities\": [");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            "{{\"id\": \"e{i}\", \"labels\": [\"Company\"], \"name\": \"Company {i}\", \"props\": {{\"n\": {i}}}}}"
        ));
    }
    s.push_str("], \"relations\": [");
    for i in 1..n {
        if i > 1 {
            s.push(',');
        }
        s.push_str(&format!(
            "{{\"from\": \"e{}\", \"type\": \"OWNS\", \"to\": \"e{i}\", \"props\": {{\"share\": 50}}, \"note\": \"fact {i}\"}}",
            i / 2
        ));
    }
    s.push_str("]}");
    s
}

#[test]
fn a_writer_killed_at_any_moment_leaves_the_old_file_or_the_new_one() {
    let (dir, file) = graph_dir(&big_graph(3000));
    let reference = dir.path().join("ref.json");
    // Start from the canonical layout, as every save writes it.
    run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "query",
            "--write",
            "MATCH (n {id: 'e0'}) SET n.start = true",
        ],
    )
    .ok();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);
    let (mut kept_old, mut got_new) = (0, 0);
    for i in 0..40 {
        let before = std::fs::read(&file).unwrap();
        let query = format!("MATCH (a {{id: 'e{i}'}}) CREATE (c:Counter {{name: 'c{i}'}})-[:OWNS {{since: '2024'}}]->(a) SET a.touched = {i}");
        // What a complete save of this step gives.
        std::fs::write(&reference, &before).unwrap();
        let start = Instant::now();
        run_args(
            dir.path(),
            &["-g", "ref.json", "query", "--write", "-q", &query],
        )
        .ok();
        let took = start.elapsed();
        let after = std::fs::read(&reference).unwrap();
        // The same step on the real file, killed at a random moment.
        let mut child = kg(dir.path())
            .args([
                "-g",
                "g.json",
                "query",
                "--write",
                "-q",
                "--lock-timeout",
                "30",
                &query,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let wait = rng.below(took.as_micros() as u64 * 3 / 2);
        std::thread::sleep(Duration::from_micros(wait));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = std::fs::read(&file).unwrap();
        if now == before {
            kept_old += 1;
        } else if now == after {
            got_new += 1;
        } else {
            panic!(
                "step {i} (seed {seed}): after a kill at {wait} us the file is neither the old nor the new state"
            );
        }
    }
    eprintln!("kill test: {kept_old} kills kept the old file, {got_new} came after the save");
    // The final file loads, and a writer can still take the lock.
    run_args(dir.path(), &["check", "g.json"]).ok();
    run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "query",
            "--write",
            "--lock-timeout",
            "10",
            "CREATE (:Company {name: 'After'})",
        ],
    )
    .ok();
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.ends_with(".lock"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_shell_reads_statements_and_commands_from_piped_input() {
    let (dir, file) = graph_dir(SMALL);
    let input = "\
// a comment line, then a statement over two lines
MATCH (n:Person)
RETURN n.name AS name;
:param who \"Acme\"
:param limit 5
:params
:format json
MATCH (n {name: $who}) RETURN n.id AS id;
:format jsonl
:as-of 2019
MATCH ()-[r:OWNS]->() RETURN count(r) AS owns;
:as-of
MATCH ()-[r:OWNS]->() RETURN count(r) AS owns;
:show Bob
CREATE (:Company {name: 'Shell Co'});
:quit
:write
:export dot graph.dot
:quit
";
    let r = run(dir.path(), &["-g", "g.json", "shell"], input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("| name |\n|------|\n| Bob  |\n(1 row)\n$limit = 5\n$who = \"Acme\"\n[\n  {\n    \"id\": \"acme\"\n  }\n]\n{\"owns\":0}\n{\"owns\":1}\nBob  [Person]  id: bob\n"), "{}", r.stdout);
    assert_eq!(
        r.stderr,
        "+1 entity, 1 property set\nthere are unsaved changes (:write saves them to g.json); :quit again to leave without saving\nsaved g.json (new ids: shell-co)\nwrote graph.dot\n"
    );
    assert!(read(&file)
        .contains("{\"id\": \"shell-co\", \"labels\": [\"Company\"], \"name\": \"Shell Co\"}"));
    assert!(read(&dir.path().join("graph.dot")).starts_with("digraph"));
}

#[test]
fn the_shell_reports_errors_and_drops_unsaved_changes_at_the_end_of_input() {
    let (dir, file) = graph_dir(SMALL);
    let r = run(
        dir.path(),
        &["-g", "g.json", "shell"],
        "RETURN 1/0;\n:format xml\n:as-of someday\n:nope\nCREATE (:Company {name: 'Lost'});\nRETURN 'last without semicolon' AS x\n",
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("division by zero"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(":format takes table, json, jsonl, csv or tsv, not `xml`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(":as-of someday: "), "{}", r.stderr);
    assert!(r.stderr.contains("unknown command `:nope`"), "{}", r.stderr);
    assert!(
        r.stderr.contains("unsaved changes were dropped"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("last without semicolon"), "{}", r.stdout);
    assert_eq!(read(&file), SMALL);
    // :write on the built-in graph explains itself.
    let r = run(dir.path(), &["shell"], "CREATE (:X);\n:write\n");
    assert!(
        r.stderr.contains(
            ":write saves changes to one graph file, and the built-in graph is not a file"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn the_shell_will_not_overwrite_another_writers_changes() {
    let (dir, file) = graph_dir(SMALL);
    let mut child = kg(dir.path())
        .args(["-g", "g.json", "shell"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"CREATE (:Company {name: 'Mine'});\n")
        .unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "query",
            "--write",
            "CREATE (:Company {name: 'Theirs'})",
        ],
    )
    .ok();
    stdin.write_all(b":write\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("g.json changed on disk since the shell loaded it"),
        "{stderr}"
    );
    let text = read(&file);
    assert!(text.contains("theirs") && !text.contains("mine"), "{text}");
}

/// Drives `kg shell` through a pseudo-terminal with util-linux `script`:
/// prompts, multi-line input, Ctrl-C during a long query and at the prompt,
/// :write, :quit with unsaved changes, and the history file.
#[test]
fn the_shell_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    }
    let seed =
        read(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("graphs/rare-earths-2025.json"));
    let (dir, file) = graph_dir(&seed);
    let bin = assert_cmd::cargo::cargo_bin("kg");
    let mut child = Command::new("script")
        .env("KG_CACHE_DIR", test_cache_dir())
        .args([
            "-qec",
            &format!("stty cols 120; {} -g g.json shell", bin.display()),
            "/dev/null",
        ])
        .current_dir(dir.path())
        .env_remove("KG_GRAPH")
        .env("KG_HISTORY", dir.path().join("history"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut send = |text: &str, pause: u64| {
        stdin.write_all(text.as_bytes()).unwrap();
        stdin.flush().unwrap();
        std::thread::sleep(Duration::from_millis(pause));
    };
    send("", 700);
    send("MATCH (n {id: 'rostec'})\r", 200);
    send("RETURN n.name AS who;\r", 400);
    // A query that runs for a very long time, stopped by Ctrl-C.
    send("MATCH p = (a)-[*1..40]-(b) RETURN count(p);\r", 1000);
    send("\x03", 500);
    send("RETURN 'still here' AS alive;\r", 400);
    send("RETURN 'typed, then cleared'\x03", 300);
    send("CREATE (:Company {name: 'Typed'});\r", 400);
    send(":quit\r", 300);
    send(":write\r", 500);
    send(":quit\r", 500);
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("kg shell did not quit");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let screen = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    for expected in [
        "kg> ",
        "... ",
        "| who    |\n|--------|\n| Rostec |",
        "cancelled; the graph is as it was before the statement",
        "| still here |",
        "there are unsaved changes (:write saves them to g.json); :quit again to leave without saving",
        "saved g.json (new ids: typed)",
    ] {
        assert!(screen.contains(expected), "`{expected}` not on the screen:\n{screen}");
    }
    assert!(!screen.contains("typed, then cleared |"), "{screen}");
    assert!(read(&file).contains("\"id\": \"typed\""));
    let history = read(&dir.path().join("history"));
    assert!(
        history.contains("RETURN 'still here' AS alive;"),
        "{history}"
    );
    assert!(history.contains(":write"), "{history}");
}

#[test]
fn a_node_labelled_only_source_declares_a_source_that_relations_can_cite() {
    let (dir, file) = graph_dir(SMALL);
    let script = "CREATE (:Source {id: 'filing', url: 'https://example.org/filing', title: 'Annual \\'report\\'', published: '2024-03'});
CREATE (:Source {id: 'filing', url: 'https://example.org/filing', title: 'Annual \\'report\\'', published: '2024-03'});
MERGE (:Source {id: $id, title: $title});
MATCH (s:Source) RETURN count(s) AS entities_labelled_source;
CREATE (n {id: 'archive', name: 'Archive'}) SET n:Source;
MATCH (a {id: 'acme'}), (b {id: 'bob'})
CREATE (a)-[:OWNS {share: 5, source: 'filing', locator: 'p. 3'}]->(b),
       (b)-[:CONTROLS {source: 'news'}]->(a),
       (b)-[:CONTROLS {source: 'memo'}]->(a);
";
    std::fs::write(dir.path().join("s.cypher"), script).unwrap();
    let r = run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "--format",
            "csv",
            "query",
            "--write",
            "-p",
            "id=memo",
            "-p",
            "title=Memo",
            "-f",
            "s.cypher",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for line in [
        "statement 1: +1 source\n",
        // The same source again changes nothing; MERGE declares too.
        "statement 2: no changes\n",
        "statement 3: +1 source\n",
        "statement 5: +1 entity, 2 properties set, 1 label added\n",
        "saved g.json: +2 sources, +1 entity, +3 relations, 7 properties set, 1 label added\n",
    ] {
        assert!(r.stderr.contains(line), "{line:?} not in\n{}", r.stderr);
    }
    // Sources are not entities: a MATCH finds none of them.
    assert!(
        r.stdout.contains("entities_labelled_source\r\n0\r\n"),
        "{}",
        r.stdout
    );
    let saved = read(&file);
    for line in [
        r#"    {"id": "news", "title": "News"},"#,
        r#"    {"id": "filing", "url": "https://example.org/filing", "title": "Annual 'report'", "published": "2024-03"},"#,
        r#"    {"id": "memo", "title": "Memo"}"#,
        r#"    {"id": "archive", "labels": ["Source"], "name": "Archive"}"#,
        r#"    {"from": "acme", "type": "OWNS", "to": "bob", "props": {"share": 5}, "source": "filing", "locator": "p. 3"},"#,
        r#"    {"from": "bob", "type": "CONTROLS", "to": "acme", "source": "news"},"#,
        r#"    {"from": "bob", "type": "CONTROLS", "to": "acme", "source": "memo"}"#,
    ] {
        assert!(saved.lines().any(|l| l == line), "{line}\nnot in\n{saved}");
    }
}

#[test]
fn changes_that_would_not_load_are_not_saved() {
    let (dir, file) = graph_dir(SMALL);
    let r = run_args(
        dir.path(),
        &[
            "-g",
            "g.json",
            "query",
            "--write",
            "MATCH (a {id: 'acme'}), (b {id: 'bob'}) CREATE (a)-[:OWNS {source: 'nowhere', share: 500}]->(b)",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "cannot save: the changed graph would not load; nothing was saved:\ng.json: relations[1] (acme -OWNS-> bob): `props.share` is 500: a share is a percentage from 0 to 100\ng.json: relations[1] (acme -OWNS-> bob): `source` \"nowhere\" is not the id of any source; add it to `sources`\n2 problems\nto declare the missing source with a query: CREATE (:Source {id: 'nowhere'}); (url, title and published may be given too)\n"
    );
    assert_eq!(read(&file), SMALL);
}
