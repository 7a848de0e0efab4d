//! The `kg` binary as a user runs it: check, stats, show, graph selection,
//! exit codes, and the corpus of bad graph files in `tests/bad/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{kg_in, root, Run};

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `kg` with the crate root as working directory and no `$KG_GRAPH`.
fn kg() -> Command {
    kg_in(&root())
}

fn run(args: &[&str]) -> Run {
    let out = kg().args(args).output().unwrap();
    Run::from(out)
}

fn write_temp(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn every_bad_graph_file_gets_its_exact_error() {
    let dir = root().join("tests/bad");
    let mut checked = 0;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    for path in entries {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if stem.starts_with("conflict-") {
            continue;
        }
        let rel = format!("tests/bad/{stem}.json");
        let expected = std::fs::read_to_string(dir.join(format!("{stem}.err")))
            .unwrap_or_else(|_| panic!("tests/bad/{stem}.err is missing"));
        let r = run(&["check", &rel]);
        assert_eq!(r.code, 1, "{rel}: exit code");
        assert_eq!(r.stdout, "", "{rel}: nothing on stdout");
        assert_eq!(r.stderr, expected, "{rel}: the error");
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} bad files");
}

#[test]
fn every_bad_script_gets_its_exact_error_and_leaves_the_graph_file_as_it_was() {
    let dir = root().join("tests/bad/scripts");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "cypher"))
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 8, "only {} bad scripts", scripts.len());
    let empty = r#"{"kg": 1, "entities": [], "relations": []}"#;
    for path in scripts {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(path.with_extension("err"))
            .unwrap_or_else(|_| panic!("tests/bad/scripts/{name}: its .err file is missing"));
        let work = tempfile::tempdir().unwrap();
        std::fs::copy(&path, work.path().join(&name)).unwrap();
        let graph = write_temp(work.path(), "empty.json", empty);
        let out = kg_in(work.path())
            .args(["-g", "empty.json", "query", "--write", "-q", "-f", &name])
            .output()
            .unwrap();
        let r = Run::from(out);
        assert_eq!(r.code, 1, "{name}: exit code; stderr:\n{}", r.stderr);
        assert_eq!(r.stdout, "", "{name}: nothing on stdout");
        assert_eq!(r.stderr, expected, "{name}: the error");
        assert_eq!(std::fs::read_to_string(&graph).unwrap(), empty, "{name}");
    }
}

#[test]
fn the_same_id_saying_different_things_in_two_files_is_refused() {
    let r = run(&[
        "check",
        "tests/bad/conflict-a.json",
        "tests/bad/conflict-b.json",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        std::fs::read_to_string(root().join("tests/bad/conflict.err")).unwrap()
    );
}

#[test]
fn the_same_entity_in_two_files_loads_once() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_temp(
        dir.path(),
        "a.json",
        r#"{"kg": 1, "entities": [{"id": "acme", "labels": ["Company"], "name": "Acme"}], "relations": []}"#,
    );
    let b = write_temp(
        dir.path(),
        "b.json",
        r#"{"kg": 1, "entities": [{"id": "acme", "labels": ["Company"], "name": "Acme"},
            {"id": "bob", "labels": ["Person"], "name": "Bob"}],
            "relations": [{"from": "bob", "type": "OWNS", "to": "acme", "props": {"share": 51}}]}"#,
    );
    let r = run(&[
        "-g",
        a.to_str().unwrap(),
        "-g",
        b.to_str().unwrap(),
        "stats",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["entities"], 2);
    assert_eq!(v["relations"], 1);
    let r = run(&["check", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.ends_with(": 2 entities, 1 relation, 0 sources\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn the_seed_graph_checks_clean() {
    let r = run(&["check", "graphs/rare-earths-2025.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert!(
        r.stdout.starts_with("ok: graphs/rare-earths-2025.json: "),
        "{}",
        r.stdout
    );
}

#[test]
fn check_without_files_checks_the_built_in_graph() {
    let r = run(&["check"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .starts_with("ok: <built-in rare-earths-2025.json>: "),
        "{}",
        r.stdout
    );
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let r = run(&["check", "no/such/file.json"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.starts_with("no/such/file.json: "), "{}", r.stderr);
}

#[test]
fn show_finds_an_entity_by_name_and_prints_its_card() {
    let r = run(&["show", "Rosnedra"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("show_rosnedra", r.stdout);
}

#[test]
fn show_finds_an_entity_by_a_former_name_ignoring_case() {
    let r = run(&["show", "atomredmedzoloto"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("Rosatom Nedra  [Company]  id: rosatom-nedra\n"),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("  -[PART_OF]-> Rosatom (rosatom)  undated\n"));
    assert!(r
        .stdout
        .contains("  <-[PART_OF]- First Mining Company (first-mining-company)  undated\n"));
    insta::assert_snapshot!("show_atomredmedzoloto", r.stdout);
}

/// What a person said stands on relations from that person, so that the
/// person's card lists it.
#[test]
fn a_persons_card_lists_what_the_person_stated() {
    let putin = run(&["show", "Putin"]);
    assert_eq!(putin.code, 0, "{}", putin.stderr);
    assert!(
        putin.stdout.contains(
            "  -[PROPOSED]-> United States (united-states)  since 2025-02-24\n      commodity: aluminium; condition: US market open to Russian aluminium; expected_effect: would help restrain prices; proposal: resume Russian aluminium deliveries to the US market; supplier: Russia; tonnes_per_year: 2000000\n      source: kommersant-7534002 <https://www.kommersant.ru/doc/7534002>, para 2, para 3, para 12\n"
        ),
        "{}",
        putin.stdout
    );
    assert!(
        putin
            .stdout
            .contains("  -[COMPARED_RESERVES_WITH]-> Ukraine (ukraine)  since 2025-02-24\n"),
        "{}",
        putin.stdout
    );
    let trump = run(&["show", "Trump"]);
    assert_eq!(trump.code, 0, "{}", trump.stderr);
    assert!(
        trump.stdout.contains(
            "  -[EXPRESSED_INTEREST_IN]-> Russia (russia)  since 2025-02-24\n      interested_party: United States; what: [\"very large rare-earth reserves\", \"other resources of value\"]\n      source: kommersant-7534002 <https://www.kommersant.ru/doc/7534002>, para 5\n"
        ),
        "{}",
        trump.stdout
    );
    assert!(
        trump
            .stdout
            .contains("  -[IN_TALKS_WITH]-> Vladimir Putin (vladimir-putin)  since 2025-02-24\n"),
        "{}",
        trump.stdout
    );
    // No statement is left on a relation between countries.
    let r = run(&[
        "query",
        "MATCH (:Country)-[r]->(:Country) WHERE r.stated_by IS NOT NULL RETURN count(*) AS n",
    ]);
    assert_eq!(r.stdout, "| n |\n|---|\n| 0 |\n(1 row)\n");
}

/// Russian names are aliases: a reader may type them.
#[test]
fn entities_are_found_by_their_russian_names() {
    for (name, first_line) in [
        ("Путин", "Vladimir Putin  [Person]  id: vladimir-putin\n"),
        (
            "дональд трамп",
            "Donald Trump  [Person]  id: donald-trump\n",
        ),
        ("Томторское", "Tomtorskoye  [Deposit]  id: tomtorskoye\n"),
        ("РОСНЕДРА", "Rosnedra  [Agency]  id: rosnedra\n"),
        (
            "Атомредмедзолото",
            "Rosatom Nedra  [Company]  id: rosatom-nedra\n",
        ),
        ("группа ИСТ", "EAST Group  [Company]  id: east-group\n"),
        ("Тува", "Tuva  [Region]  id: tuva\n"),
    ] {
        let r = run(&["show", name]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(r.stdout.starts_with(first_line), "{name}: {}", r.stdout);
    }
    let r = run(&["owners", "Ак-Сугское", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("\r\nIntergeo,intergeo,CONTROLS,"),
        "{}",
        r.stdout
    );
}

/// Russia's rare-earth output is "practically none": a query for
/// producers does not list it, and the relation that says so is found by
/// its own type.
#[test]
fn a_query_for_producers_does_not_list_a_country_that_produces_almost_nothing() {
    let r = run(&[
        "query",
        "MATCH (c)-[:PRODUCES]->({id: 'rare-earth-metals'}) RETURN c.name AS producer",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "| producer |\n|----------|\n| China    |\n(1 row)\n"
    );
    let r = run(&[
        "query",
        "MATCH (c)-[r:HAS_NEGLIGIBLE_PRODUCTION]->({id: 'rare-earth-metals'}) RETURN c.name AS country, r.locator AS paragraph ORDER BY paragraph",
    ]);
    assert_eq!(
        r.stdout,
        "| country | paragraph |\n|---------|-----------|\n| Russia  | para 2    |\n| Russia  | para 7    |\n(2 rows)\n"
    );
}

#[test]
fn show_as_json_has_the_node_and_relationship_shapes() {
    let r = run(&["show", "Intergeo", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["entity"]["id"], "intergeo");
    assert_eq!(v["entity"]["labels"], serde_json::json!(["Company"]));
    let incoming = v["incoming"].as_array().unwrap();
    let revoked = incoming
        .iter()
        .find(|x| x["relationship"]["type"] == "REVOKED")
        .expect("Rosnedra revoked Intergeo's licence");
    assert_eq!(revoked["relationship"]["from"], "rosnedra");
    assert_eq!(revoked["relationship"]["since"], "2024");
    assert_eq!(revoked["relationship"]["source"], "kommersant-7534002");
    assert_eq!(revoked["other"]["name"], "Rosnedra");
}

#[test]
fn an_unknown_name_suggests_the_closest() {
    let r = run(&["show", "Rosnerda"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "kg: no entity is called \"Rosnerda\"; did you mean \"Rosnedra\" (rosnedra)?\n"
    );
}

#[test]
fn an_ambiguous_name_lists_the_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let g = write_temp(
        dir.path(),
        "g.json",
        r#"{"kg": 1, "entities": [
            {"id": "nfc-cn", "labels": ["Company"], "name": "NFC"},
            {"id": "nfc-bank", "labels": ["Company"], "name": "National Finance Co", "aliases": ["NFC"]}
        ], "relations": []}"#,
    );
    let r = run(&["-g", g.to_str().unwrap(), "show", "nfc"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "kg: \"nfc\" is ambiguous: it could be nfc-bank (National Finance Co, Company), or nfc-cn (NFC, Company); use the id instead\n"
    );
    let r = run(&["-g", g.to_str().unwrap(), "show", "nfc-cn"]);
    assert_eq!(r.code, 0);
}

#[test]
fn stats_counts_labels_types_dates_and_sources() {
    let r = run(&["stats"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("stats_seed", r.stdout);
    let r = run(&["stats", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["name"], "rare-earths-2025");
    assert_eq!(v["labels"]["Deposit"], 3);
    assert_eq!(v["types"]["SIGNED_MEMORANDUM"], 2);
    assert_eq!(v["dates"]["earliest"], "2024");
    assert_eq!(v["sources"][0]["id"], "kommersant-7534002");
    let total: u64 = v["types"]
        .as_object()
        .unwrap()
        .values()
        .map(|x| x.as_u64().unwrap())
        .sum();
    assert_eq!(v["relations"].as_u64(), Some(total));
}

#[test]
fn kg_graph_names_the_graph_when_no_flag_does() {
    let dir = tempfile::tempdir().unwrap();
    let g = write_temp(
        dir.path(),
        "g.json",
        r#"{"kg": 1, "name": "tiny", "entities": [{"id": "a", "labels": ["X"]}], "relations": []}"#,
    );
    let out = kg().env("KG_GRAPH", &g).args(["stats"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("tiny: 1 entities"));
    // -g wins over $KG_GRAPH.
    let out = kg()
        .env("KG_GRAPH", &g)
        .args(["-g", "graphs/rare-earths-2025.json", "stats"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("rare-earths-2025: "));
}

#[test]
fn a_format_a_command_cannot_print_is_a_usage_error() {
    let r = run(&["show", "Rosnedra", "--format", "csv"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "kg: `kg show` prints --format table or json, not csv\n"
    );
    let r = run(&["--format", "yaml", "stats"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("invalid value 'yaml'"), "{}", r.stderr);
    let r = run(&["frobnicate"]);
    assert_eq!(r.code, 2);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = kg()
        .args(["stats"])
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

// ----- kg query ----------------------------------------------------------

fn run_stdin(args: &[&str], stdin: &str) -> Run {
    use std::io::Write;
    let mut child = kg()
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
    Run::from(out)
}

const OWNERS_GRAPH: &str = r#"{"kg": 1, "entities": [
    {"id": "a", "labels": ["Person"], "name": "Ann, \"the\" owner"},
    {"id": "b", "labels": ["Company"], "name": "B\tCo\nLtd"},
    {"id": "c", "labels": ["Company"], "name": "=SUM(A1)"}
  ], "relations": [
    {"from": "a", "type": "OWNS", "to": "b", "props": {"share": 51}, "since": "2019"},
    {"from": "b", "type": "OWNS", "to": "c", "props": {"share": 100}, "until": "2020-06"}
  ]}"#;

#[test]
fn query_table_output_names_columns_as_written() {
    let r = run(&["query", "MATCH (p:Person)-[r:CONTROLS]->(c) RETURN p.name, type(r), c.name AS controlled ORDER BY p.name"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "| p.name              | type(r)  | controlled  |\n\
         |---------------------|----------|-------------|\n\
         | Alexander Nesis     | CONTROLS | EAST Group  |\n\
         | EAST Group managers | CONTROLS | Tomtorskoye |\n\
         | Mikhail Prokhorov   | CONTROLS | Intergeo    |\n\
         (3 rows)\n"
    );
}

#[test]
fn query_json_has_node_relationship_and_path_shapes() {
    let r = run(&[
        "query",
        "--format",
        "json",
        "MATCH p = (a {id: 'first-mining-company'})-[r:PART_OF]->(b) RETURN a, r, p",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let row = &v[0];
    let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["a", "r", "p"], "columns in query order");
    assert_eq!(row["a"]["id"], "first-mining-company");
    assert_eq!(row["a"]["labels"], serde_json::json!(["Company"]));
    assert_eq!(row["a"]["name"], "First Mining Company");
    assert!(row["a"]["props"].is_object());
    assert_eq!(row["r"]["type"], "PART_OF");
    assert_eq!(row["r"]["from"], "first-mining-company");
    assert_eq!(row["r"]["to"], "rosatom-nedra");
    assert_eq!(row["r"]["since"], serde_json::Value::Null);
    assert_eq!(row["r"]["locator"], "para 11");
    assert_eq!(row["p"]["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(row["p"]["relationships"][0]["type"], "PART_OF");
}

#[test]
fn query_jsonl_csv_and_tsv_follow_their_formats() {
    let dir = tempfile::tempdir().unwrap();
    let g = write_temp(dir.path(), "g.json", OWNERS_GRAPH);
    let g = g.to_str().unwrap();
    let q = "MATCH (o)-[r:OWNS]->(x) RETURN o.name AS owner, r.share AS share, x.name AS owned, r.until AS until ORDER BY share";
    let r = run(&["-g", g, "--format", "jsonl", "query", q]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "{\"owner\":\"Ann, \\\"the\\\" owner\",\"share\":51,\"owned\":\"B\\tCo\\nLtd\",\"until\":null}\n\
         {\"owner\":\"B\\tCo\\nLtd\",\"share\":100,\"owned\":\"=SUM(A1)\",\"until\":\"2020-06\"}\n"
    );
    let r = run(&["-g", g, "--format", "csv", "query", q]);
    assert_eq!(
        r.stdout,
        "owner,share,owned,until\r\n\"Ann, \"\"the\"\" owner\",51,\"B\tCo\nLtd\",\r\n\"B\tCo\nLtd\",100,\"=SUM(A1)\",2020-06\r\n"
    );
    let r = run(&["-g", g, "--format", "tsv", "query", q]);
    assert_eq!(
        r.stdout,
        "owner\tshare\towned\tuntil\nAnn, \"the\" owner\t51\tB\\tCo\\nLtd\t\nB\\tCo\\nLtd\t100\t=SUM(A1)\t2020-06\n"
    );
}

#[test]
fn query_reads_a_file_or_stdin_and_runs_every_statement() {
    let dir = tempfile::tempdir().unwrap();
    let f = write_temp(
        dir.path(),
        "q.cypher",
        "// two statements\nMATCH (n:Deposit) RETURN count(*) AS deposits;\n/* and */ MATCH (n:Person) RETURN count(*) AS people;\n",
    );
    let r = run(&["query", "-f", f.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "{\"deposits\":3}\n{\"people\":5}\n");
    let r = run_stdin(&["query", "-", "--format", "csv"], "RETURN 1 + 1 AS two");
    assert_eq!(r.stdout, "two\r\n2\r\n");
    let r = run(&[
        "query",
        "MATCH (n:Deposit) RETURN count(*); RETURN 'x' AS y",
    ]);
    assert_eq!(
        r.stdout,
        "-- statement 1 (line 1) --\n| count(*) |\n|----------|\n| 3        |\n(1 row)\n\n-- statement 2 (line 1) --\n| y |\n|---|\n| x |\n(1 row)\n"
    );
}

#[test]
fn query_parameters_are_json_when_they_parse_and_strings_otherwise() {
    let r = run(&[
        "query",
        "--format",
        "jsonl",
        "RETURN $name AS name, $n + 1 AS next, $list[1] AS second, $flag AS flag, $text AS text",
        "-p",
        "name=Rosatom Nedra",
        "-p",
        "n=41",
        "-p",
        "list=[1,2,3]",
        "-p",
        "flag=true",
        "-p",
        "text=\"quoted\"",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "{\"name\":\"Rosatom Nedra\",\"next\":42,\"second\":2,\"flag\":true,\"text\":\"quoted\"}\n"
    );
    let r = run(&[
        "query",
        "MATCH (n {name: $who}) RETURN n.id",
        "-p",
        "who=Rostec",
        "--format",
        "csv",
    ]);
    assert_eq!(r.stdout, "n.id\r\nrostec\r\n");
}

#[test]
fn query_syntax_errors_show_the_line_and_a_caret() {
    let r = run(&["query", "MATCH (n:Person {name: 'Путин'})\nRETURN n.name,"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    insta::assert_snapshot!("query_syntax_error", r.stderr);
    let r = run(&["query", "MATCH (n:Person {name: 'Путин'}) RETURN m"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error at line 1, column 41: variable `m` is not defined\n  MATCH (n:Person {name: 'Путин'}) RETURN m\n                                          ^\n"
    );
}

#[test]
fn query_errors_in_a_file_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = write_temp(dir.path(), "bad.cypher", "MATCH (n)\nRETURN n.name +\n");
    let r = run(&["query", "-f", f.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with(&format!(
            "{}: syntax error at line 3, column 1",
            f.display()
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn query_refuses_to_change_the_graph() {
    let r = run(&[
        "query",
        "MATCH (n) RETURN count(n); MATCH (n {id: 'rostec'}) SET n.name = 'X'",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "the statement at line 1, column 28 changes the graph: --write saves changes to a graph file, and the built-in graph is not one: give the file with -g FILE --write (or --dry-run to see what would change)\n"
    );
}

#[test]
fn query_usage_errors_exit_with_2() {
    let r = run(&["query"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("kg query needs a query"), "{}", r.stderr);
    let r = run(&["query", "RETURN 1", "-p", "novalue"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`novalue` is not NAME=VALUE"),
        "{}",
        r.stderr
    );
    let r = run(&["--as-of", "2024-13", "query", "RETURN 1"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("there is no month 13"), "{}", r.stderr);
    let r = run(&["query", "-f", "no/such.cypher"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.starts_with("no/such.cypher: "), "{}", r.stderr);
}

#[test]
fn query_as_of_keeps_only_relations_valid_then() {
    let q = "MATCH (h)-[:CONTROLS]->(:Deposit {name: 'Ak-Sugsky'}) RETURN h.name ORDER BY h.name";
    let r = run(&["--as-of", "2023", "--format", "csv", "query", q]);
    assert_eq!(r.stdout, "h.name\r\nIntergeo\r\n");
    let r = run(&["--as-of", "2025-01-01", "--format", "csv", "query", q]);
    assert_eq!(r.stdout, "h.name\r\nPROMISING MINING PROJECTS JSC\r\n");
    let r = run(&["--format", "csv", "query", q]);
    assert_eq!(
        r.stdout,
        "h.name\r\nIntergeo\r\nPROMISING MINING PROJECTS JSC\r\n"
    );
}

#[test]
fn query_max_hops_bounds_unbounded_patterns() {
    let q = "MATCH (p {id: 'mikhail-prokhorov'})-[*]->(x) RETURN count(DISTINCT x) AS n";
    let r = run(&["--format", "csv", "query", q, "--max-hops", "1"]);
    assert_eq!(r.stdout, "n\r\n1\r\n");
    // Intergeo, Ak-Sugsky, Tuva, Molybdenum, Rhenium.
    let r = run(&["--format", "csv", "query", q]);
    assert_eq!(r.stdout, "n\r\n5\r\n");
}

#[test]
fn profile_shows_rows_and_time_per_clause() {
    let q = "PROFILE MATCH (o)-[:CONTROLS]->(x) RETURN o.name AS owner, count(*) AS n ORDER BY n DESC LIMIT 2";
    let r = run(&["--format", "csv", "query", q]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"plan,rows,ms"));
    // The MATCH passes on one row per CONTROLS relation (6 in the seed
    // graph); the RETURN passes on the 2 rows of its LIMIT.
    let clause = |prefix: &str| {
        let line = lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in {}", r.stdout));
        let cells: Vec<&str> = line.split(',').collect();
        let ms: f64 = cells[2].parse().unwrap();
        assert!(ms >= 0.0, "{line}");
        cells[1].to_string()
    };
    assert_eq!(clause("1. Match"), "6");
    assert_eq!(clause("2. Return"), "2");
    // The matches are counted per owner, not made into rows.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("   Count per anchor node") && l.ends_with(",,")),
        "{}",
        r.stdout
    );
    // Plan detail lines carry no figures.
    assert!(
        lines
            .iter()
            .any(|l| l.contains("relationship type index") && l.ends_with(",,")),
        "{}",
        r.stdout
    );
    // A bad query under PROFILE is the same error as without.
    let r = run(&["query", "PROFILE MATCH (o) RETURN x"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("`x` is not defined"), "{}", r.stderr);
}

#[test]
fn profile_of_a_mutating_query_against_a_file_is_refused_like_the_query() {
    let dir = tempfile::tempdir().unwrap();
    let g = write_temp(
        dir.path(),
        "g.json",
        r#"{"kg": 1, "entities": [{"id": "a", "labels": ["Person"], "name": "A"}], "relations": []}"#,
    );
    let g = g.to_str().unwrap();
    let r = run(&[
        "-g",
        g,
        "--format",
        "csv",
        "query",
        "PROFILE MATCH (n) SET n.x = 1 RETURN count(*) AS c",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("changes the graph: add --write"),
        "{}",
        r.stderr
    );
    let after = std::fs::read_to_string(g).unwrap();
    assert!(!after.contains("\"x\""), "PROFILE must not write: {after}");
    // With --write it runs, profiles and saves.
    let r = run(&[
        "-g",
        g,
        "--format",
        "csv",
        "query",
        "--write",
        "PROFILE MATCH (n) SET n.x = 1 RETURN count(*) AS c",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("plan,rows,ms"), "{}", r.stdout);
    let after = std::fs::read_to_string(g).unwrap();
    assert!(after.contains("\"x\": 1"), "{after}");
}
