//! Inputs that the fuzz targets (`fuzz/`, see README "Fuzzing") found to
//! break kg, kept so that they never break it again. Each folder under
//! `tests/fuzz/` is named after the target that found its inputs, and each
//! input is checked the way that target checks it: through the `kg`
//! binary as a user would give it and, where the target checks a property
//! of the library (print -> parse gives the same tree), through the
//! library too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{kg_in, root, Run};

use std::path::PathBuf;
use std::time::{Duration, Instant};

use kg::query::parse_script;

/// The inputs kept for `target`, sorted by name.
fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = root().join("tests/fuzz").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
}

fn kg(args: &[&str]) -> Run {
    Run::from(kg_in(&root()).args(args).output().unwrap())
}

/// A run that ended as kg ends on good or bad input: exit 0 or 1, never
/// a panic (exit 101) or a signal.
fn ended_cleanly(r: &Run, what: &str) {
    assert!(
        r.code == 0 || r.code == 1,
        "{what}: exit code {}\n{}",
        r.code,
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
}

#[test]
fn printed_queries_parse_back_to_the_same_tree() {
    for path in inputs("roundtrip_query") {
        let what = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let script = parse_script(&text).unwrap_or_else(|e| panic!("{what}: {}", e.render(&text)));
        let printed = script.to_string();
        let again = parse_script(&printed)
            .unwrap_or_else(|e| panic!("{what}: printed as\n{printed}\n{}", e.render(&printed)));
        assert_eq!(script, again, "{what}: printed as\n{printed}");
        assert_eq!(printed, again.to_string(), "{what}: printing is not stable");

        let file = path.to_str().unwrap();
        ended_cleanly(&kg(&["query", "-f", file]), &what);
        let printed_file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(printed_file.path(), &printed).unwrap();
        ended_cleanly(
            &kg(&["query", "-f", printed_file.path().to_str().unwrap()]),
            &format!("{what}, printed"),
        );
    }
}

/// The columns are still named by the text as written, and the printed
/// query keeps each name unique.
#[test]
fn columns_written_differently_keep_their_names() {
    let r = kg(&["query", "--format", "csv", "RETURN 0x1F, 31, 1+2, 1 + 2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().next(), Some("0x1F,31,1+2,1 + 2"));
    let text = "RETURN 0x1F, 31, 1+2, 1 + 2";
    assert_eq!(
        parse_script(text).unwrap().to_string(),
        "RETURN 0x1F, 31, 1+2, 1 + 2;\n"
    );
    // Without a repeat, expressions print in full form.
    assert_eq!(
        parse_script("RETURN 0x1F, 1+2").unwrap().to_string(),
        "RETURN 31, 1 + 2;\n"
    );
}

/// Text in parentheses that may be a pattern or an expression is read
/// once, however deeply it nests (each level used to double the time).
#[test]
fn nested_parentheses_parse_in_linear_time() {
    for path in inputs("parse_query") {
        let what = path.display().to_string();
        let started = Instant::now();
        let r = kg(&["query", "-f", path.to_str().unwrap()]);
        let took = started.elapsed();
        ended_cleanly(&r, &what);
        assert!(
            took < Duration::from_secs(20),
            "{what}: took {took:?} (before the fix: hours)"
        );
    }
    let deep =
        std::fs::read_to_string(root().join("tests/fuzz/parse_query/forty-maps-deep.cypher"))
            .unwrap();
    let script = parse_script(&deep).unwrap();
    assert_eq!(parse_script(&script.to_string()).unwrap(), script);
    let r = kg(&[
        "query",
        "--format",
        "csv",
        "-f",
        "tests/fuzz/parse_query/forty-maps-deep.cypher",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("m\r\n"), "{}", r.stdout);
    let r = kg(&[
        "query",
        "-f",
        "tests/fuzz/parse_query/forty-maps-deep-broken.cypher",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("line 1, column 211"), "{}", r.stderr);
}

/// What `kg import` writes, `kg merge` reads and writes unchanged: every
/// number read back is the number written (serde_json rounded numbers of
/// more than 19 digits, or with large exponents, to a neighbouring float).
#[test]
fn imported_graphs_read_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    for path in inputs("import_bods") {
        let what = path.display().to_string();
        let r = kg(&["import", "--from", "bods", path.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{what}: {}", r.stderr);
        let file = dir.path().join("imported.json");
        std::fs::write(&file, &r.stdout).unwrap();
        let again = kg(&["merge", file.to_str().unwrap()]);
        assert_eq!(again.code, 0, "{what}: {}", again.stderr);
        assert_eq!(again.stdout, r.stdout, "{what}: changed on reading back");
    }
}

/// Graph files: a float keeps its value through loading and saving.
#[test]
fn loaded_floats_keep_their_value() {
    for path in inputs("load_graph") {
        let what = path.display().to_string();
        let r = kg(&["merge", path.to_str().unwrap()]);
        ended_cleanly(&r, &what);
        if r.code == 0 {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("saved.json");
            std::fs::write(&file, &r.stdout).unwrap();
            let again = kg(&["merge", file.to_str().unwrap()]);
            assert_eq!(again.stdout, r.stdout, "{what}: changed on reading back");
        }
    }
    let r = kg(&["merge", "tests/fuzz/load_graph/floats-near-1e81.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(r#""x": 1.0000000000000001e+81, "y": 1e+81, "z": 1e+81"#),
        "{}",
        r.stdout
    );
}

/// Imported graphs are graph files kg loads: a property named like an
/// entity's own field (`id`, `name`, `aliases`), which a graph file
/// refuses, makes its row invalid instead of an unloadable file.
#[test]
fn imports_refuse_properties_named_like_entity_fields() {
    let r = kg(&[
        "import",
        "--from",
        "csv",
        "tests/fuzz/import_csv/plain-id-column.csv",
    ]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains("tests/fuzz/import_csv/plain-id-column.csv:2: id: `id` is a field of the node itself: give the id in the :ID column, or rename this column"),
        "{}",
        r.stderr
    );
    let ftm = "tests/fuzz/import_ftm/property-named-id.ftm.json";
    let r = kg(&["import", "--from", "ftm", ftm]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!("{ftm}:1: property \"id\" is a field of the entity itself in kg (id, aliases): FtM has no property of that name")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("{ftm}:2: property \"aliases\"")),
        "{}",
        r.stderr
    );
    let r = kg(&["import", "--from", "ftm", "--skip-invalid", ftm]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("imported.json");
    std::fs::write(&file, &r.stdout).unwrap();
    let again = kg(&["merge", file.to_str().unwrap()]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout, r.stdout);
    assert!(
        r.stdout.contains("per-3") && !r.stdout.contains("per-1"),
        "{}",
        r.stdout
    );
}

/// A blank id (spaces only) is no id: a graph file refuses it.
#[test]
fn csv_nodes_with_a_blank_id_are_invalid() {
    let csv = "tests/fuzz/import_csv/blank-id.csv";
    let r = kg(&["import", "--from", "csv", csv]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!(
            "{csv}:2: the node has no id (the :ID column is empty or blank)"
        )),
        "{}",
        r.stderr
    );
    let r = kg(&["import", "--from", "csv", "--skip-invalid", csv]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(r#""id": "b""#), "{}", r.stdout);
}

/// FtM: an entity whose id is blank is invalid, as a graph file has it.
#[test]
fn ftm_entities_with_a_blank_id_are_invalid() {
    let ftm = "tests/fuzz/import_ftm/blank-id.ftm.json";
    let r = kg(&["import", "--from", "ftm", ftm]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!(
            "{ftm}:1: the entity has no \"id\" (a string that is not blank)"
        )),
        "{}",
        r.stderr
    );
}
