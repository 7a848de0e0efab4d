//! The `kg` binary as a user runs it: check, stats, show, graph selection,
//! exit codes, and the corpus of bad graph files in `tests/bad/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use assert_cmd::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `kg` with the crate root as working directory and no `$KG_GRAPH`.
fn kg() -> Command {
    let mut c = Command::cargo_bin("kg").unwrap();
    c.current_dir(root()).env_remove("KG_GRAPH");
    c
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = kg().args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
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
    let r = run(&["show", "Rosnedr"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "kg: no entity is called \"Rosnedr\"; did you mean \"Rosnedra\"?\n"
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
