//! benches/peers.py: on a small graph in gen.py's layout, built so that
//! the hop bounds, cycles and ties matter, LadybugDB, DuckDB and networkx
//! give the `kg` command's answers to Q1-Q6 (`peers.py --check`), and kg's
//! answers are the ones worked out by hand. A folder that is not gen.py's
//! output gets a clear error.
//!
//! The agreement test needs a Python with `ladybug`, `duckdb` and
//! `networkx`: set `KG_BENCH_PYTHON` to it (`.ci/run` does). The
//! bad-input tests need only `python3`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::root;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

/// (from, type, to, props, since) of the test graph's relations.
type Rel = (String, &'static str, String, Value, Option<&'static str>);

/// Writes the test graph as gen.py would: graph.json, the CSV files,
/// targets.json and meta.json.
///
/// - an OWNS chain p1 -> c1 -> ... -> c12 -> d1 (d1's owners within 10
///   hops are c3..c12; p1's holdings within 10 hops are c1..c10);
/// - a cross-holding cycle c13 <-> c14, owned by p2; c13 also owns d2
///   (KZ); p3 owns c11 and c12 (so c12 -> d1, RU, gives one Q6 row);
/// - PART_OF c2 -> c13 and a SIGNED_MEMORANDUM c5 -> c14;
/// - a memorandum chain c20 -> c21 -> ... -> c45 (25 hops end to end),
///   for the shortest path's bound of 20.
fn write_graph(dir: &Path) {
    let mut entities = Vec::new();
    let mut nodes: Vec<(&str, Vec<(String, &str)>)> = vec![
        ("Person", Vec::new()),
        ("Company", Vec::new()),
        ("Deposit", Vec::new()),
    ];
    let mut add = |label: &str, id: String, country: &'static str| {
        entities.push(
            json!({"id": id, "labels": [label], "name": format!("{label} {id}"),
                             "aliases": [], "props": {"country": country}}),
        );
        let slot = nodes.iter_mut().find(|(l, _)| *l == label).unwrap();
        slot.1.push((id, country));
    };
    for i in 1..=3 {
        add("Person", format!("p{i}"), "RU");
    }
    for i in (1..=14).chain(20..=45) {
        add(
            "Company",
            format!("c{i}"),
            if i % 2 == 0 { "RU" } else { "US" },
        );
    }
    add("Deposit", "d1".into(), "RU");
    add("Deposit", "d2".into(), "KZ");

    let mut rels: Vec<Rel> = Vec::new();
    let owns = |from: &str, to: &str, share: f64| -> Rel {
        (
            from.into(),
            "OWNS",
            to.into(),
            json!({"share": share}),
            None,
        )
    };
    rels.push((
        "p1".into(),
        "OWNS",
        "c1".into(),
        json!({"share": 51}),
        Some("2004"),
    ));
    for i in 1..12 {
        rels.push(owns(&format!("c{i}"), &format!("c{}", i + 1), 60.0));
    }
    rels.push(owns("c12", "d1", 75.5));
    rels.push(owns("p2", "c13", 40.0));
    rels.push(owns("c13", "c14", 30.0));
    rels.push(owns("c14", "c13", 20.0));
    rels.push(owns("c13", "d2", 100.0));
    rels.push(owns("p3", "c11", 10.0));
    rels.push(owns("p3", "c12", 10.0));
    rels.push(("c2".into(), "PART_OF", "c13".into(), json!({}), None));
    rels.push((
        "c5".into(),
        "SIGNED_MEMORANDUM",
        "c14".into(),
        json!({"date": "2019-05-01"}),
        None,
    ));
    for i in 20..45 {
        rels.push((
            format!("c{i}"),
            "SIGNED_MEMORANDUM",
            format!("c{}", i + 1),
            json!({"date": "2020-01-01"}),
            None,
        ));
    }

    let relations: Vec<Value> = rels
        .iter()
        .map(|(f, t, to, props, since)| {
            let mut r = json!({"from": f, "type": t, "to": to, "props": props});
            if let Some(s) = since {
                r["since"] = json!(s);
                r["until"] = Value::Null;
            }
            r
        })
        .collect();
    let graph = json!({"kg": 1, "name": "peers-test", "sources": [],
                       "entities": entities, "relations": relations});
    std::fs::write(dir.join("graph.json"), graph.to_string()).unwrap();

    for (label, ids) in &nodes {
        let mut text = String::from("id,name,country\n");
        for (id, country) in ids {
            writeln!(text, "{id},{label} {id},{country}").unwrap();
        }
        std::fs::write(dir.join(format!("nodes_{label}.csv")), text).unwrap();
    }
    let label_of = |id: &str| match &id[..1] {
        "p" => "Person",
        "c" => "Company",
        _ => "Deposit",
    };
    let mut files: std::collections::BTreeMap<String, String> = Default::default();
    for (f, t, to, props, since) in &rels {
        let name = format!("rels_{t}_{}_{}.csv", label_of(f), label_of(to));
        let header = match *t {
            "OWNS" => "from_id,to_id,share,since,until\n",
            "PART_OF" => "from_id,to_id\n",
            _ => "from_id,to_id,date\n",
        };
        let text = files.entry(name).or_insert_with(|| header.to_string());
        match *t {
            "OWNS" => writeln!(text, "{f},{to},{},{},", props["share"], since.unwrap_or("")),
            "PART_OF" => writeln!(text, "{f},{to}"),
            _ => writeln!(text, "{f},{to},{}", props["date"].as_str().unwrap()),
        }
        .unwrap();
    }
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let targets = json!({"seed": 0, "owned": ["d1", "c13", "c1", "c14", "d2"],
                         "persons": ["p1", "p2", "p3"],
                         "pairs": [["p1", "d1"], ["c20", "c40"], ["c20", "c45"], ["c20", "p2"], ["d2", "c5"], ["c20", "c41"]]});
    std::fs::write(dir.join("targets.json"), targets.to_string()).unwrap();
    let meta = json!({"entities": entities_count(&nodes), "relations": rels.len(), "seed": 0});
    std::fs::write(dir.join("meta.json"), meta.to_string()).unwrap();
}

fn entities_count(nodes: &[(&str, Vec<(String, &str)>)]) -> usize {
    nodes.iter().map(|(_, ids)| ids.len()).sum()
}

fn ids(prefix: &str, range: std::ops::RangeInclusive<u32>) -> Vec<String> {
    let mut v: Vec<String> = range.map(|i| format!("{prefix}{i}")).collect();
    v.sort();
    v
}

fn peers(python: &str, dir: &Path, work: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(python)
        .arg(root().join("benches/peers.py"))
        .arg(dir)
        .args(["--kg-bin", env!("CARGO_BIN_EXE_kg")])
        .arg("--work")
        .arg(work)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn ladybugdb_duckdb_and_networkx_give_the_kg_command_s_answers() {
    let Ok(python) = std::env::var("KG_BENCH_PYTHON") else {
        eprintln!("skipped: set KG_BENCH_PYTHON to a python with ladybug, duckdb and networkx (.ci/run does) to check benches/peers.py's queries");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    write_graph(&data);
    let out = peers(&python, &data, &tmp.path().join("work"), &["--check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "peers.py --check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["problems"], json!([]));
    // Every peer answered every query (none hit DuckDB's time cap).
    for peer in ["LadybugDB", "DuckDB", "networkx"] {
        for q in ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"] {
            assert!(
                v["answered"][peer].as_array().unwrap().contains(&json!(q)),
                "{peer} did not answer {q}"
            );
        }
    }
    // kg's answers, worked out by hand; the peers agree with these.
    let kg = &v["kg"];
    // Q1, owned = d1, c13, c1, c14, d2.
    assert_eq!(
        kg["Q1"],
        json!([["c12"], ["c14", "p2"], ["p1"], ["c13"], ["c13"]])
    );
    // Q2: ten hops up from d1 reach c3..c12 (not c2, c1, p1; p3 at two).
    let mut d1_up = ids("c", 3..=12);
    d1_up.push("p3".into());
    d1_up.sort();
    assert_eq!(kg["Q2"][0], json!(d1_up));
    // c13 is in its own set: the cycle leads back to it.
    assert_eq!(kg["Q2"][1], json!(["c13", "c14", "p2"]));
    // Q3: ten hops down from p1 reach c1..c10; p2 reaches the cycle and d2.
    assert_eq!(kg["Q3"][0], json!(ids("c", 1..=10)));
    assert_eq!(kg["Q3"][1], json!(["c13", "c14", "d2"]));
    assert_eq!(kg["Q3"][2], json!(["c11", "c12", "d1"]));
    // Q4: 13 hops p1 .. d1; the memorandum chain: 20 hops (the bound)
    // found, 25 hops not; no path at all; d2 - c13 - c14 - c5 against
    // directions; 21 hops, one over the bound, not found.
    assert_eq!(kg["Q4"], json!([13, 20, null, null, 3, null]));
    // Q5: two stakes each for c13 and p3, ties by id, then the ones.
    let q5 = kg["Q5"][0].as_array().unwrap();
    assert_eq!(q5.len(), 10);
    assert_eq!(
        &q5[..3],
        &[json!(["c13", 2]), json!(["p3", 2]), json!(["c1", 1])]
    );
    // Q6: p3 -> c12 -> d1 (RU); p2 -> c13 -> d2 is KZ.
    assert_eq!(kg["Q6"], json!([1]));
}

/// A bad-input case: its name, how it spoils the folder, the expected
/// standard error.
type Spoil<'a> = (&'a str, &'a dyn Fn(&Path), String);

fn python3() -> Option<String> {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| "python3".to_string())
}

#[test]
fn a_folder_that_is_not_gen_py_output_is_refused_with_what_is_missing() {
    let Some(python) = python3() else {
        eprintln!("skipped: no python3");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    write_graph(&data);
    let work = tmp.path().join("work");
    let cases: [Spoil; 4] = [
        (
            "no targets.json",
            &|d| std::fs::remove_file(d.join("targets.json")).unwrap(),
            format!("peers.py: {} has no targets.json; give a folder written by `kg gen --csv` (graph.json, targets.json, meta.json, nodes_*.csv, rels_*.csv)\n", data.display()),
        ),
        (
            "targets.json not JSON",
            &|d| std::fs::write(d.join("targets.json"), "{\"owned\": [\n").unwrap(),
            format!("peers.py: {}/targets.json: not JSON (line 2, column 1: Expecting value)\n", data.display()),
        ),
        (
            "targets.json without pairs",
            &|d| std::fs::write(d.join("targets.json"), r#"{"owned": ["d1"], "persons": ["p1"]}"#).unwrap(),
            format!("peers.py: {}/targets.json: no pairs; kg gen writes an object with owned, persons, pairs\n", data.display()),
        ),
        (
            "no nodes_Deposit.csv",
            &|d| std::fs::remove_file(d.join("nodes_Deposit.csv")).unwrap(),
            format!("peers.py: {} has no nodes_Deposit.csv; give a folder written by `kg gen --csv` (graph.json, targets.json, meta.json, nodes_*.csv, rels_*.csv)\n", data.display()),
        ),
    ];
    for (name, spoil, want) in cases {
        write_graph(&data);
        spoil(&data);
        let out = peers(&python, &data, &work, &["--check"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), want, "{name}");
        assert!(out.stdout.is_empty(), "{name}");
    }
    let missing = tmp.path().join("nowhere");
    let out = peers(&python, &missing, &work, &["--check"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("peers.py: {} is not a folder; give a folder written by `kg gen --csv` (graph.json, targets.json, meta.json, nodes_*.csv, rels_*.csv)\n", missing.display())
    );
    assert!(!work.exists(), "nothing is written for a bad folder");
}
