//! `kg gen` as a user runs it: the shape of the generated graph (through
//! `kg stats` and `kg check`), determinism, the peers' files, and bad
//! arguments.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{kg_in, Run};

use std::collections::HashMap;
use std::path::Path;

const N: usize = 4000;

fn kg(dir: &Path, args: &[&str]) -> Run {
    Run::from(kg_in(dir).args(args).output().unwrap())
}

/// Generates N entities with `seed` into `dir/name`; returns the folder.
fn gen(dir: &Path, name: &str, seed: &str, extra: &[&str]) -> std::path::PathBuf {
    let n = N.to_string();
    let mut args = vec!["gen", "--entities", &n, "--seed", seed, "--out", name];
    args.extend_from_slice(extra);
    let r = kg(dir, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert!(
        r.stdout.starts_with(&format!("wrote {N} entities and ")),
        "{}",
        r.stdout
    );
    dir.join(name)
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn in_range(what: &str, value: f64, lo: f64, hi: f64) {
    assert!(
        (lo..=hi).contains(&value),
        "{what} = {value}, not in {lo}..={hi}"
    );
}

#[test]
fn the_graph_has_the_benchmark_shape_and_passes_check() {
    let tmp = tempfile::tempdir().unwrap();
    let out = gen(tmp.path(), "g", "42", &[]);
    let file = out.join("graph.json");
    let file = file.to_str().unwrap();

    let r = kg(tmp.path(), &["check", file]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.starts_with("ok: "), "{}", r.stdout);

    // The canonical layout: written back byte for byte.
    let r = kg(tmp.path(), &["merge", file]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout == std::fs::read_to_string(file).unwrap(),
        "kg merge changes the generated file"
    );

    let r = kg(tmp.path(), &["-g", file, "stats", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stats: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let n = N as f64;
    let label = |l: &str| stats["labels"][l].as_f64().unwrap_or(0.0) / n;
    let ty = |t: &str| stats["types"][t].as_f64().unwrap_or(0.0) / n;
    in_range("Person share", label("Person"), 0.199, 0.201);
    in_range("Company share", label("Company"), 0.719, 0.721);
    in_range("Deposit share", label("Deposit"), 0.079, 0.081);
    in_range("OWNS per entity", ty("OWNS"), 1.45, 1.75);
    in_range("PART_OF per entity", ty("PART_OF"), 0.28, 0.38);
    in_range(
        "SIGNED_MEMORANDUM per entity",
        ty("SIGNED_MEMORANDUM"),
        0.9,
        1.2,
    );
    in_range(
        "relations per entity",
        stats["relations"].as_f64().unwrap() / n,
        2.99,
        3.01,
    );
    let owns = stats["types"]["OWNS"].as_f64().unwrap();
    in_range(
        "dated OWNS",
        stats["dates"]["dated_relations"].as_f64().unwrap() / owns,
        0.07,
        0.13,
    );

    // The file itself: shares into one target at most 100, countries
    // skewed towards RU, memoranda dated, chains down to deposits.
    let g = json(&out.join("graph.json"));
    let mut into: HashMap<&str, f64> = HashMap::new();
    for r in g["relations"].as_array().unwrap() {
        match r["type"].as_str().unwrap() {
            "OWNS" => {
                let share = r["props"]["share"].as_f64().unwrap();
                assert!(
                    share > 0.0 && (share * 10.0).fract() == 0.0,
                    "share {share}"
                );
                *into.entry(r["to"].as_str().unwrap()).or_default() += share;
            }
            "SIGNED_MEMORANDUM" => {
                assert_eq!(r["props"]["date"].as_str().unwrap().len(), 10)
            }
            _ => {}
        }
    }
    for (target, sum) in &into {
        assert!(*sum <= 100.0 + 1e-9, "shares into {target} sum to {sum}");
    }
    let ru = g["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["props"]["country"] == "RU")
        .count() as f64
        / n;
    in_range("RU share", ru, 0.30, 0.40);
    // Ownership chains run from persons through companies down to
    // deposits: some are 6 hops or longer.
    let r = kg(
        tmp.path(),
        &[
            "-g",
            file,
            "query",
            "MATCH (x:Person)-[:OWNS*6..11]->(d:Deposit) RETURN d.id LIMIT 1",
            "--format",
            "csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout.lines().count(),
        2,
        "no chain of 6 hops: {}",
        r.stdout
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let a = gen(tmp.path(), "a", "7", &[]);
    let b = gen(tmp.path(), "b", "7", &[]);
    let c = gen(tmp.path(), "c", "8", &[]);
    for f in ["graph.json", "targets.json", "meta.json"] {
        let bytes = |d: &Path| std::fs::read(d.join(f)).unwrap();
        assert_eq!(bytes(&a), bytes(&b), "{f}: same seed");
        assert_ne!(bytes(&a), bytes(&c), "{f}: other seed");
    }
    // Writing again over the same folder gives the same bytes too.
    let before = std::fs::read(a.join("graph.json")).unwrap();
    gen(tmp.path(), "a", "7", &[]);
    assert_eq!(std::fs::read(a.join("graph.json")).unwrap(), before);
}

#[test]
fn targets_name_entities_of_the_graph_and_the_csv_files_match_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = gen(tmp.path(), "g", "42", &["--csv"]);
    let g = json(&out.join("graph.json"));
    let ids: std::collections::HashSet<&str> = g["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    let t = json(&out.join("targets.json"));
    let owned = t["owned"].as_array().unwrap();
    assert_eq!(owned.len(), 20);
    assert!(owned[..10]
        .iter()
        .all(|x| x.as_str().unwrap().starts_with('c')));
    assert!(owned[10..]
        .iter()
        .all(|x| x.as_str().unwrap().starts_with('d')));
    let persons = t["persons"].as_array().unwrap();
    assert_eq!(persons.len(), 20);
    assert!(persons.iter().all(|x| x.as_str().unwrap().starts_with('p')));
    let pairs = t["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 20);
    for x in owned
        .iter()
        .chain(persons)
        .chain(pairs.iter().flat_map(|p| p.as_array().unwrap()))
    {
        assert!(ids.contains(x.as_str().unwrap()), "{x} is not in the graph");
    }
    // Q1 on the first owned target answers through the binary.
    let r = kg(
        tmp.path(),
        &[
            "-g",
            out.join("graph.json").to_str().unwrap(),
            "query",
            "MATCH (o)-[:OWNS]->(t {id: $id}) RETURN count(o) AS n",
            "-p",
            &format!("id={}", owned[0].as_str().unwrap()),
            "--format",
            "csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ne!(r.stdout.trim(), "n\n0");

    let meta = json(&out.join("meta.json"));
    assert_eq!(meta["entities"], N);
    assert_eq!(meta["seed"], 42);

    // The CSV files hold the same entities and relations as graph.json.
    let lines = |name: &str| -> Vec<String> {
        std::fs::read_to_string(out.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .lines()
            .map(String::from)
            .collect()
    };
    let mut nodes = 0;
    for l in ["Person", "Company", "Deposit"] {
        let rows = lines(&format!("nodes_{l}.csv"));
        assert_eq!(rows[0], "id,name,country");
        nodes += rows.len() - 1;
    }
    assert_eq!(nodes, N);
    let mut rels = 0;
    for entry in std::fs::read_dir(&out).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(rest) = name.strip_prefix("rels_") {
            let rows = lines(&name);
            let header = if rest.starts_with("OWNS_") {
                "from_id,to_id,share,since,until"
            } else if rest.starts_with("PART_OF_") {
                "from_id,to_id"
            } else {
                "from_id,to_id,date"
            };
            assert_eq!(rows[0], header, "{name}");
            rels += rows.len() - 1;
        }
    }
    assert_eq!(rels, g["relations"].as_array().unwrap().len());
    assert!(out.join("rels_OWNS_Person_Company.csv").exists());
    assert!(out.join("rels_OWNS_Company_Deposit.csv").exists());
}

#[test]
fn bad_arguments_get_clear_errors_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    for n in ["0", "49"] {
        let r = kg(tmp.path(), &["gen", "--entities", n, "--out", "x"]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert_eq!(
            r.stderr,
            format!("kg: --entities {n}: give a number of entities from 50 to 100000000 (for example --entities 100000)\n")
        );
        assert!(!tmp.path().join("x").exists());
    }
    let r = kg(tmp.path(), &["gen", "--entities", "ten", "--out", "x"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("invalid value 'ten' for '--entities <N>'"),
        "{}",
        r.stderr
    );
    let r = kg(tmp.path(), &["gen", "--entities", "100"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--out <DIR>"), "{}", r.stderr);

    // A file where the folder should be, or above it.
    std::fs::write(tmp.path().join("file"), "keep me").unwrap();
    let r = kg(tmp.path(), &["gen", "--entities", "100", "--out", "file"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert_eq!(
        r.stderr,
        "file: exists and is not a folder; give a folder for the generated files (it is created when missing)\n"
    );
    let r = kg(
        tmp.path(),
        &["gen", "--entities", "100", "--out", "file/sub"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("file/sub: cannot create the folder (")
            && r.stderr
                .ends_with("); give --out a folder that can be created and written\n"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("file")).unwrap(),
        "keep me"
    );

    // A folder that cannot be written: the old files stay whole and no
    // temporary file is left.
    let out = gen(tmp.path(), "ro", "1", &[]);
    let before = std::fs::read(out.join("graph.json")).unwrap();
    let graph_dir = out.join("graph.json.d");
    std::fs::create_dir(&graph_dir).unwrap();
    // `graph.json` replaced by a folder cannot be written over.
    std::fs::rename(out.join("graph.json"), tmp.path().join("saved.json")).unwrap();
    std::fs::rename(&graph_dir, out.join("graph.json")).unwrap();
    let r = kg(tmp.path(), &["gen", "--entities", "100", "--out", "ro"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("ro/graph.json: cannot write (")
            && r.stderr.contains("is a directory"),
        "{}",
        r.stderr
    );
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    assert_eq!(
        std::fs::read(tmp.path().join("saved.json")).unwrap(),
        before
    );
}
