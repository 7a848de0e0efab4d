//! Loading graph files of thousands of records through the binary: a good
//! file loads the same whatever its key order, with or without the
//! snapshot; problems far into a file are reported with their places.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use common::{kg_in, Run};

/// `n` entities and `n` relations (more than one batch of the loader),
/// with the top-level keys in the order `keys` names them.
fn graph(n: usize, keys: &[&str]) -> String {
    let mut entities = Vec::new();
    for i in 0..n {
        let label = ["Company", "Person"][i % 2];
        entities.push(format!(
            r#"{{"id": "e{i}", "labels": ["{label}"], "name": "Entity {}", "aliases": ["E{i}"], "props": {{"rank": {i}, "tag": "t{}"}}}}"#,
            i / 2,
            i % 5
        ));
    }
    let mut relations = Vec::new();
    for i in 0..n {
        let ty = ["OWNS", "PART_OF", "SIGNED"][i % 3];
        let dates = if i % 4 == 0 {
            r#", "since": "2019-03", "until": null"#
        } else {
            ""
        };
        let source = if i % 7 == 0 {
            r#", "source": "s1""#
        } else {
            ""
        };
        relations.push(format!(
            r#"{{"from": "e{i}", "type": "{ty}", "to": "e{}", "props": {{"share": {}}}{dates}{source}}}"#,
            (i * 13 + 7) % n,
            i % 100
        ));
    }
    let part = |key: &str| match key {
        "kg" => r#""kg": 1"#.to_string(),
        "name" => r#""name": "large""#.to_string(),
        "sources" => r#""sources": [{"id": "s1", "title": "Register"}]"#.to_string(),
        "entities" => format!("\"entities\": [\n{}\n]", entities.join(",\n")),
        _ => format!("\"relations\": [\n{}\n]", relations.join(",\n")),
    };
    let parts: Vec<String> = keys.iter().map(|k| part(k)).collect();
    format!("{{{}}}\n", parts.join(",\n"))
}

const ORDER: [&str; 5] = ["kg", "name", "sources", "entities", "relations"];

const QUERY: &str = "MATCH (a)-[r]->(b) RETURN a.id, a.name, labels(a), a.aliases, a.rank, a.tag, type(r), r.share, r.since, r.source, b.id ORDER BY a.rank, b.id";

fn run(dir: &Path, cache: &Path, args: &[&str]) -> Run {
    kg_in(dir)
        .env("KG_CACHE_DIR", cache)
        .args(args)
        .output()
        .unwrap()
        .into()
}

#[test]
fn a_large_file_loads_the_same_in_any_key_order_and_through_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    std::fs::write(dir.path().join("a.json"), graph(10_000, &ORDER)).unwrap();
    // Relations before entities, sources last: the thorough way.
    let other = ["relations", "kg", "entities", "name", "sources"];
    std::fs::write(dir.path().join("b.json"), graph(10_000, &other)).unwrap();

    let mut outputs = Vec::new();
    for file in ["a.json", "b.json"] {
        for args in [
            vec!["--no-cache", "-g", file, "query", QUERY],
            vec!["--no-cache", "-g", file, "stats", "--format", "json"],
        ] {
            let r = run(dir.path(), &cache, &args);
            assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
            outputs.push(r.stdout);
        }
        // Written, then read back from the snapshot.
        for _ in 0..2 {
            let r = run(dir.path(), &cache, &["-v", "-g", file, "query", QUERY]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            outputs.push(r.stdout);
        }
    }
    let [query_a, stats_a, written_a, used_a, query_b, stats_b, written_b, used_b] =
        <[String; 8]>::try_from(outputs).unwrap();
    assert!(query_a.contains("(10000 rows)"), "{query_a}");
    assert!(stats_a.contains("\"entities\": 10000"), "{stats_a}");
    for other in [&written_a, &used_a, &query_b, &written_b, &used_b] {
        assert_eq!(other, &query_a);
    }
    assert_eq!(stats_b, stats_a);
}

#[test]
fn problems_past_thousands_of_good_records_are_all_reported() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let text = graph(10_000, &ORDER)
        .replacen(
            r#"{"from": "e9000", "type": "OWNS", "to": "e7007""#,
            r#"{"from": "e9000", "type": "OWNS", "to": "nobody""#,
            1,
        )
        .replacen(
            r#""id": "e9500", "labels": ["Company"]"#,
            r#""id": "e9500", "labels": ["Company", "2nd"]"#,
            1,
        );
    std::fs::write(dir.path().join("big.json"), text).unwrap();
    for args in [
        vec!["--no-cache", "-g", "big.json", "stats"],
        vec!["-g", "big.json", "stats"],
        vec!["check", "big.json"],
    ] {
        let r = run(dir.path(), &cache, &args);
        assert_eq!(r.code, 1, "{args:?}");
        assert_eq!(r.stdout, "");
        assert_eq!(
            r.stderr,
            "big.json: entities[9500] (id \"e9500\"): label \"2nd\" is not an identifier: use letters, digits and _, not starting with a digit (e.g. \"Company\")\n\
             big.json: relations[9000] (e9000 -OWNS-> nobody): `to` \"nobody\" is not the id of any entity\n\
             2 problems\n",
            "{args:?}"
        );
    }
    // Nothing was cached from the broken file.
    assert!(!cache.exists() || std::fs::read_dir(&cache).unwrap().next().is_none());
}

/// A graph file that another program cuts short while kg loads it gives
/// an answer (the whole file was read first) or an error, never a crash
/// by signal (a mapped file that shrinks raises `SIGBUS`).
#[test]
fn a_file_cut_short_while_loading_gives_an_error_not_a_signal() {
    use std::os::unix::process::ExitStatusExt;
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let text = graph(40_000, &ORDER);
    let path = dir.path().join("g.json");
    let cut = || {
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.set_len(text.len() as u64 / 10).unwrap();
    };
    // Cut before kg starts: the parse error names the file.
    std::fs::write(&path, &text).unwrap();
    cut();
    let r: Run = kg_in(dir.path())
        .args(["--no-cache", "-g", "g.json", "stats"])
        .output()
        .unwrap()
        .into();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("g.json"), "{}", r.stderr);
    for round in 0..12u64 {
        std::fs::write(&path, &text).unwrap();
        let child = kg_in(dir.path())
            .args(["--no-cache", "-g", "g.json", "stats"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Cut the file to a tenth at a different moment of the load
        // each round.
        std::thread::sleep(Duration::from_millis(round * 15));
        cut();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.signal(),
            None,
            "killed by a signal in round {round}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Cut before kg read it: an error that names the file; after:
        // the answer of the whole file.
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            assert!(String::from_utf8_lossy(&out.stdout).contains("40000 entities"));
        } else {
            assert!(stderr.contains("g.json"), "{stderr}");
        }
    }
}
