//! A graph loaded from its compiled snapshot is read in place ("frozen")
//! until its first change. Through the binary, every answer from a frozen
//! graph must be the answer from the JSON (`--no-cache`), byte for byte
//! and in the same order: example queries, the benchmark queries on a
//! generated graph, ownership, cards, exports, lookups by name, changes
//! saved with `--write`, and damaged snapshots, which are not trusted.
//! Every test has its own cache folder (`KG_CACHE_DIR` in a temporary
//! folder).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{root, Run};

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use assert_cmd::prelude::*;

/// The first line `-v` prints when the graph came from its snapshot.
const FROZEN: &str = "kg: loaded from the compiled snapshot in ";
/// The first line `-v` prints when the files were parsed and a snapshot
/// written.
const WRITTEN: &str = "kg: loaded the graph files and wrote their snapshot in ";

/// How a cached run loaded its graph, by what `-v` said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    Snapshot,
    Files,
}

/// A temporary folder with a cache folder in it.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn cache(&self) -> PathBuf {
        self.path("cache")
    }

    /// `kg args` in the folder, with its cache folder.
    fn kg(&self, args: &[&str]) -> Run {
        Run::from(
            Command::cargo_bin("kg")
                .unwrap()
                .current_dir(self.dir.path())
                .env_remove("KG_GRAPH")
                .env("KG_CACHE_DIR", self.cache())
                .env("KG_HISTORY", self.path("history"))
                .args(args)
                .output()
                .unwrap(),
        )
    }

    /// `kg --no-cache -g graph args`: the answer from the JSON.
    fn plain(&self, graph: &str, args: &[&str]) -> Run {
        let mut all = vec!["--no-cache", "-g", graph];
        all.extend_from_slice(args);
        self.kg(&all)
    }

    /// `kg -v -g graph args` through the cache: the run with the line `-v`
    /// adds taken off stderr, and how the graph was loaded.
    fn cached(&self, graph: &str, args: &[&str]) -> (Run, Load) {
        let mut all = vec!["-v", "-g", graph];
        all.extend_from_slice(args);
        let mut r = self.kg(&all);
        let (first, rest) = r.stderr.split_once('\n').unwrap_or((&r.stderr, ""));
        let how = if first.starts_with(FROZEN) {
            Load::Snapshot
        } else if first.starts_with(WRITTEN) {
            Load::Files
        } else {
            panic!("kg {all:?}: -v said {:?}", r.stderr)
        };
        r.stderr = rest.to_string();
        (r, how)
    }

    fn the_snapshot(&self) -> PathBuf {
        common::the_snapshot_in(&self.cache())
    }

    /// Loads `graph` through the cache once, so that the next load is
    /// from its snapshot.
    fn warm(&self, graph: &str) {
        let (r, how) = self.cached(graph, &["stats"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(how, Load::Files, "the cache was not empty");
        let (_, how) = self.cached(graph, &["stats"]);
        assert_eq!(how, Load::Snapshot);
    }

    /// `args` on `graph` from its snapshot (which must be there) and from
    /// the JSON: the same exit code, stdout and stderr. Returns the run.
    fn same_frozen(&self, graph: &str, args: &[&str]) -> Run {
        let truth = self.plain(graph, args);
        let (frozen, how) = self.cached(graph, args);
        assert_eq!(how, Load::Snapshot, "kg {args:?} did not use the snapshot");
        same(args, &frozen, &truth);
        truth
    }

    /// Generates a graph of `n` entities into `name/`.
    fn gen(&self, name: &str, n: usize) -> Generated {
        let n = n.to_string();
        let r = self.kg(&["gen", "--entities", &n, "--out", name]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let targets: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(self.path(name).join("targets.json")).unwrap(),
        )
        .unwrap();
        let ids = |key: &str| -> Vec<String> {
            targets[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        let pairs = targets["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p[0].as_str().unwrap().to_string(),
                    p[1].as_str().unwrap().to_string(),
                )
            })
            .collect();
        Generated {
            graph: format!("{name}/graph.json"),
            owned: ids("owned"),
            persons: ids("persons"),
            pairs,
        }
    }
}

/// A graph from `kg gen` and its targets.json.
struct Generated {
    /// The graph file, relative to the folder.
    graph: String,
    owned: Vec<String>,
    persons: Vec<String>,
    pairs: Vec<(String, String)>,
}

/// Asserts that two runs of `args` agree exactly.
fn same(args: &[&str], got: &Run, want: &Run) {
    assert_eq!(
        got.stdout, want.stdout,
        "kg {args:?}: stdout from the snapshot (left) and from the JSON (right)"
    );
    assert_eq!(
        got.stderr, want.stderr,
        "kg {args:?}: stderr from the snapshot (left) and from the JSON (right)"
    );
    assert_eq!(got.code, want.code, "kg {args:?}: exit code");
}

/// A `-p NAME=VALUE` argument whose value is the JSON string `value`.
fn param(name: &str, value: &str) -> String {
    format!("{name}={}", serde_json::Value::from(value))
}

/// The benchmark queries of benches/peers.py.
const Q1: &str = "MATCH (o)-[:OWNS]->(t {id: $id}) RETURN o.id";
const Q2: &str = "MATCH (o)-[:OWNS*1..10]->(t {id: $id}) RETURN DISTINCT o.id";
const Q3: &str = "MATCH (p {id: $id})-[:OWNS*1..10]->(x) RETURN DISTINCT x.id";
const Q4: &str = "MATCH p = shortestPath((a {id: $a})-[*..20]-(b {id: $b})) RETURN length(p)";
const Q5: &str = "MATCH (o)-[:OWNS]->() RETURN o.id, count(*) AS c ORDER BY c DESC, o.id LIMIT 10";
const Q6: &str = "MATCH (p:Person)-[:OWNS]->(c:Company)-[:OWNS]->(d:Deposit) \
                  WHERE d.country = 'RU' RETURN p.id, d.id";

/// The built-in graph's file, copied into the folder as `name`.
fn rare_earths(env: &Env, name: &str) -> String {
    fs::copy(root().join("graphs/rare-earths-2025.json"), env.path(name)).unwrap();
    name.to_string()
}

// ----- 1. the example queries ------------------------------------------------

#[test]
fn every_example_query_answers_the_same_from_the_json_the_first_load_and_the_snapshot() {
    let env = Env::new();
    let graph = rare_earths(&env, "rare-earths-2025.json");
    let files = common::example_queries();
    for file in &files {
        let name = file.display().to_string();
        let args = ["query", "-f", name.as_str()];
        // (a) from the JSON: what the example says.
        let truth = env.plain(&graph, &args);
        assert_eq!(truth.code, 0, "{name}: {}", truth.stderr);
        let expected = fs::read_to_string(file.with_extension("out")).unwrap();
        assert_eq!(truth.stdout, expected, "{name} from the JSON");
        // (b) the first load through the cache parses the files and
        // writes the snapshot.
        fs::remove_dir_all(env.cache()).ok();
        let (first, how) = env.cached(&graph, &args);
        assert_eq!(how, Load::Files, "{name}: the first load");
        same(&args, &first, &truth);
        env.the_snapshot();
        // (c) the second reads the snapshot in place.
        let (second, how) = env.cached(&graph, &args);
        assert_eq!(how, Load::Snapshot, "{name}: the second load");
        same(&args, &second, &truth);
    }
}

#[test]
fn the_example_queries_in_other_formats_answer_the_same_from_the_snapshot() {
    let env = Env::new();
    let graph = rare_earths(&env, "g.json");
    env.warm(&graph);
    let mut files: Vec<PathBuf> = fs::read_dir(root().join("queries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "cypher"))
        .collect();
    files.sort();
    for file in &files {
        let name = file.display().to_string();
        for format in ["json", "csv"] {
            let r = env.same_frozen(&graph, &["query", "--format", format, "-f", &name]);
            assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        }
    }
}

// ----- 2. a generated graph ----------------------------------------------------

#[test]
fn the_benchmark_queries_answer_the_same_in_the_same_order_from_the_snapshot() {
    let env = Env::new();
    let g = env.gen("bench", 2000);
    env.warm(&g.graph);
    let mut runs: Vec<(&str, Vec<String>)> = Vec::new();
    for id in &g.owned {
        runs.push((Q1, vec![param("id", id)]));
        runs.push((Q2, vec![param("id", id)]));
    }
    for id in &g.persons {
        runs.push((Q3, vec![param("id", id)]));
    }
    for (a, b) in &g.pairs {
        runs.push((Q4, vec![param("a", a), param("b", b)]));
    }
    runs.push((Q5, Vec::new()));
    runs.push((Q6, Vec::new()));
    assert_eq!(runs.len(), 20 * 4 + 2, "targets.json has changed shape");
    let mut rows = 0;
    for (q, params) in &runs {
        let mut args = vec!["query", "--format", "json"];
        for p in params {
            args.extend(["-p", p.as_str()]);
        }
        args.push(q);
        let r = env.same_frozen(&g.graph, &args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        rows += v.as_array().map_or(0, |a| a.len());
    }
    // The queries found something to compare.
    assert!(rows > 500, "only {rows} rows in all");
}

#[test]
fn ownership_cards_stats_and_paths_of_a_generated_graph_are_the_same_from_the_snapshot() {
    let env = Env::new();
    let g = env.gen("bench", 2000);
    env.warm(&g.graph);
    for id in g.owned.iter().step_by(5) {
        for format in ["table", "json"] {
            env.same_frozen(&g.graph, &["owners", "--format", format, id]);
            let r = env.same_frozen(&g.graph, &["owners", "--ultimate", "--format", format, id]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            assert!(r.stdout.lines().count() > 3, "{}", r.stdout);
        }
        env.same_frozen(&g.graph, &["owners", "--ultimate", "--explain", id]);
        env.same_frozen(&g.graph, &["holdings", "--ultimate", id]);
        let r = env.same_frozen(&g.graph, &["show", id]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        env.same_frozen(&g.graph, &["show", "--format", "json", id]);
    }
    for id in g.persons.iter().take(3) {
        env.same_frozen(&g.graph, &["holdings", "--ultimate", id]);
        env.same_frozen(&g.graph, &["show", id]);
    }
    for (a, b) in g.pairs.iter().take(4) {
        env.same_frozen(&g.graph, &["path", a, b]);
    }
    for format in ["table", "json"] {
        let r = env.same_frozen(&g.graph, &["stats", "--format", format]);
        assert!(r.stdout.contains("2000"), "{}", r.stdout);
    }
}

#[test]
fn every_export_of_a_generated_graph_is_the_same_from_the_snapshot() {
    let env = Env::new();
    let g = env.gen("bench", 2000);
    env.warm(&g.graph);
    for to in ["dot", "mermaid", "graphml", "cypher", "json"] {
        let r = env.same_frozen(&g.graph, &["export", "--to", to]);
        assert_eq!(r.code, 0, "{to}: {}", r.stderr);
        assert!(r.stdout.len() > 100_000, "{to}: {} bytes", r.stdout.len());
    }
    env.same_frozen(
        &g.graph,
        &["export", "--to", "dot", "--cluster-by", "country"],
    );
    env.same_frozen(
        &g.graph,
        &[
            "export",
            "--to",
            "mermaid",
            "--query",
            "MATCH p = (a:Person)-[:OWNS*1..3]->(d:Deposit) RETURN p LIMIT 50",
        ],
    );
    // The JSON export is the file itself, in the canonical layout.
    let json = env.plain(&g.graph, &["export", "--to", "json"]);
    assert_eq!(json.stdout, fs::read_to_string(env.path(&g.graph)).unwrap());

    // CSV files into a folder: the same files, byte for byte.
    let r = env.plain(&g.graph, &["export", "--to", "csv", "-o", "csv-json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (r, how) = env.cached(&g.graph, &["export", "--to", "csv", "-o", "csv-snap"]);
    assert_eq!((r.code, how), (0, Load::Snapshot), "{}", r.stderr);
    let listing = |dir: &str| files_under(&env.path(dir));
    let (from_json, from_snap) = (listing("csv-json"), listing("csv-snap"));
    assert!(from_json.len() >= 3, "{} CSV files", from_json.len());
    assert_eq!(
        from_json.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        from_snap.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in from_json.iter().zip(&from_snap) {
        assert!(a == b, "{name} differs");
    }
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files_under(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((name, fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

// ----- relationship patterns of several types --------------------------------

/// Relations of two types at one entity, added in an order that
/// interleaves the types, and a self-loop.
const MIXED: &str = r#"{"kg": 1, "entities": [
  {"id": "a", "labels": ["Company"], "name": "A"},
  {"id": "x", "labels": ["Company"], "name": "X"},
  {"id": "y", "labels": ["Company"], "name": "Y"},
  {"id": "z", "labels": ["Person"], "name": "Z"}
], "relations": [
  {"from": "a", "type": "OWNS", "to": "x"},
  {"from": "a", "type": "CONTROLS", "to": "y"},
  {"from": "z", "type": "OWNS", "to": "a"},
  {"from": "a", "type": "OWNS", "to": "z"},
  {"from": "y", "type": "CONTROLS", "to": "a"},
  {"from": "a", "type": "CONTROLS", "to": "a"},
  {"from": "x", "type": "PART_OF", "to": "a"}
]}"#;

#[test]
fn patterns_of_several_relation_types_give_rows_in_the_same_order_from_the_snapshot() {
    let env = Env::new();
    fs::write(env.path("mixed.json"), MIXED).unwrap();
    env.warm("mixed.json");
    let queries = [
        "MATCH ({id: 'a'})-[:OWNS|CONTROLS]->(b) RETURN b.id",
        "MATCH ({id: 'a'})-[:CONTROLS|OWNS]->(b) RETURN b.id",
        "MATCH ({id: 'a'})<-[:OWNS|CONTROLS|PART_OF]-(b) RETURN b.id",
        "MATCH ({id: 'a'})-[r:OWNS|CONTROLS]-(b) RETURN type(r), b.id",
        "MATCH ({id: 'a'})-[r:CONTROLS|PART_OF|OWNS]-(b) RETURN type(r), b.id",
        "MATCH ({id: 'a'})-[r]-(b) RETURN type(r), b.id",
        "MATCH (a)-[r:OWNS|CONTROLS]->(b) RETURN a.id, type(r), b.id",
        "MATCH ({id: 'a'})-[:OWNS|CONTROLS*1..2]->(b) RETURN b.id",
        "MATCH ({id: 'a'})-[:OWNS|CONTROLS|PART_OF*1..3]-(b) RETURN b.id",
        "MATCH ({id: 'a'})-[:OWNS|CONTROLS]->(b) RETURN collect(b.id) AS ids",
    ];
    for q in queries {
        let r = env.same_frozen("mixed.json", &["query", "--format", "csv", q]);
        assert_eq!(r.code, 0, "{q}: {}", r.stderr);
    }
    // The order is petgraph's: a's newest relation first, whatever the
    // order of the types in the pattern.
    let r = env.plain(
        "mixed.json",
        &[
            "query",
            "--format",
            "csv",
            "MATCH ({id: 'a'})-[:OWNS|CONTROLS]->(b) RETURN b.id",
        ],
    );
    assert_eq!(r.stdout, "b.id\r\na\r\nz\r\ny\r\nx\r\n");

    // The same on a generated graph, whose companies have relations of
    // three types.
    let g = env.gen("bench", 2000);
    env.warm(&g.graph);
    for id in g.owned.iter().take(5) {
        for q in [
            "MATCH ({id: $id})-[r:OWNS|PART_OF|SIGNED_MEMORANDUM]-(b) RETURN type(r), b.id",
            "MATCH ({id: $id})<-[:OWNS|PART_OF*1..3]-(b) RETURN b.id",
            "MATCH ({id: $id})-[r]-(b) RETURN type(r), b.id",
            "MATCH ({id: $id})<-[r]-(b)-[s]->(c) RETURN type(r), b.id, type(s), c.id",
        ] {
            let p = param("id", id);
            env.same_frozen(&g.graph, &["query", "--format", "csv", "-p", &p, q]);
        }
    }
    env.same_frozen(
        &g.graph,
        &[
            "query",
            "--format",
            "csv",
            "MATCH (a:Company)-[:PART_OF|OWNS]->(b) RETURN a.id, b.id LIMIT 300",
        ],
    );
}

// ----- 3. changing a frozen graph ---------------------------------------------

/// Runs `args` (which change the graph) on a copy of `source` loaded from
/// its snapshot and on another loaded from the JSON: the same output and
/// the same file written. Then the changed copy's next load parses the
/// changed file and writes a new snapshot, and the load after reads it;
/// both answer `reads` as the JSON does. Returns the written file.
fn change_both_ways(source: &str, args: &[&str], reads: &[&[&str]]) -> String {
    let env = Env::new();
    fs::write(env.path("frozen.json"), source).unwrap();
    fs::write(env.path("plain.json"), source).unwrap();
    env.warm("frozen.json");
    let (frozen, how) = env.cached("frozen.json", args);
    assert_eq!(how, Load::Snapshot, "kg {args:?} did not use the snapshot");
    let plain = env.plain("plain.json", args);
    // The two copies' names are the only difference allowed (the change
    // summary names the file).
    let fix = |s: &str| {
        s.replace("frozen.json", "FILE")
            .replace("plain.json", "FILE")
    };
    assert_eq!(
        fix(&frozen.stdout),
        fix(&plain.stdout),
        "kg {args:?}: stdout"
    );
    assert_eq!(
        fix(&frozen.stderr),
        fix(&plain.stderr),
        "kg {args:?}: stderr"
    );
    assert_eq!(frozen.code, plain.code, "kg {args:?}: exit code");
    let written = fs::read_to_string(env.path("frozen.json")).unwrap();
    assert!(
        written == fs::read_to_string(env.path("plain.json")).unwrap(),
        "kg {args:?}: the file written from the snapshot differs from the one written from the JSON"
    );
    for (i, read) in reads.iter().enumerate() {
        let truth = env.plain("plain.json", read);
        // Only the first load after a change parses the file.
        let changed = written != source && i == 0;
        let (first, how) = env.cached("frozen.json", read);
        let expected = if changed { Load::Files } else { Load::Snapshot };
        assert_eq!(how, expected, "kg {read:?} after kg {args:?}");
        same(read, &first, &truth);
        let (second, how) = env.cached("frozen.json", read);
        assert_eq!(how, Load::Snapshot, "kg {read:?}, the second time");
        same(read, &second, &truth);
    }
    written
}

fn rare_earths_text() -> String {
    fs::read_to_string(root().join("graphs/rare-earths-2025.json")).unwrap()
}

const EVERYONE: &str = "MATCH (n) OPTIONAL MATCH (n)-[r]->(m) \
                        RETURN n.id, n.name, labels(n), properties(n), type(r), properties(r), m.id \
                        ORDER BY n.id, type(r), m.id";

/// Statements that read through the id, name, label and type indexes,
/// run after a change in the same process (on the graph the change
/// thawed).
const INDEXES: &str = "MATCH (n {name: 'Rosatom'}) RETURN n.id; \
                       MATCH (n {name: 'ROSATOM SC'}) RETURN n.id; \
                       MATCH (n {name: 'New Holding'}) RETURN n.id; \
                       MATCH (n {name: 'nh'}) RETURN n.id; \
                       MATCH (n {name: 'Anon Two'}) RETURN n.id; \
                       MATCH (n {name: 'China Nonferrous'}) RETURN n.id; \
                       MATCH (n {name: 'NFC'}) RETURN n.id; \
                       MATCH (n {name: 'Intergeo Renamed'}) RETURN n.id; \
                       MATCH (n {id: 'rosatom'}) RETURN n.name; \
                       MATCH (n {id: 'nfc-china'}) RETURN n.name; \
                       MATCH (n {id: 'new-holding'}) RETURN n.name; \
                       MATCH (n {id: 'rosatom-nedra'}) RETURN n.name; \
                       MATCH (n:Person) RETURN n.id; \
                       MATCH (n:Human) RETURN n.id; \
                       MATCH (n:StateCorp) RETURN n.id; \
                       MATCH (n:Commodity) RETURN count(n); \
                       MATCH (a)-[r:SIGNED_MEMORANDUM]->(b) RETURN a.id, b.id; \
                       MATCH (a)-[r:OWNS|PART_OF|MET]->(b) RETURN a.id, type(r), b.id";

/// `q`, then [`INDEXES`].
fn then_indexes(q: &str) -> String {
    format!("{q}; {INDEXES}")
}

#[test]
fn create_on_a_frozen_graph_saves_what_the_json_would() {
    let text = rare_earths_text();
    let written = change_both_ways(
        &text,
        &[
            "query",
            "--write",
            &then_indexes(
                "MATCH (r {id: 'rosatom'}) \
                 CREATE (n:Company {id: 'new-holding', name: 'New Holding', aliases: ['NH'], country: 'RU'})-[:OWNS {share: 51, since: '2025-03'}]->(r) \
                 RETURN n.id, r.name",
            ),
        ],
        &[
            &["query", "--format", "json", EVERYONE],
            &["show", "nh"],
            &["owners", "--ultimate", "Rosatom"],
            &["stats"],
        ],
    );
    assert!(written.contains("new-holding"));
    // Entities made without an id get one; two in a statement, and a
    // relation between existing entities.
    change_both_ways(
        &text,
        &[
            "query",
            "--write",
            &then_indexes(
                "CREATE (:Person {name: 'Anon One'}), (:Person {name: 'Anon Two'}); \
                 MATCH (a {id: 'vladimir-putin'}), (b {id: 'nfc'}) CREATE (a)-[:MET {on: '2025'}]->(b)",
            ),
        ],
        &[
            &["query", "--format", "json", EVERYONE],
            &["show", "anon two"],
            &["path", "Putin", "NFC"],
        ],
    );
}

#[test]
fn set_and_remove_on_a_frozen_graph_save_what_the_json_would() {
    let text = rare_earths_text();
    for q in [
        // A property, a label, and the name index.
        "MATCH (n {id: 'rosatom'}) SET n.note = 'changed', n:StateCorp, n.name = 'Rosatom SC' \
         WITH n MATCH (m) WHERE m.name STARTS WITH 'Rosatom' RETURN m.id, m.name, labels(m) ORDER BY m.id",
        // Aliases and an id.
        "MATCH (n {id: 'nfc'}) SET n.aliases = ['China Nonferrous'], n.id = 'nfc-china' RETURN n",
        // A relation's dates and props.
        "MATCH (a)-[r:CONTROLS]->(d {id: 'ak-sugsky'}) SET r.until = '2025-12', r.share = 75 RETURN a.id, r",
        // Labels taken and properties removed.
        "MATCH (n:Person) REMOVE n:Person, n.country SET n:Human RETURN n.id ORDER BY n.id",
        // Every property replaced.
        "MATCH (n {id: 'intergeo'}) SET n = {name: 'Intergeo Renamed', founded: 2008} RETURN n",
    ] {
        let written = change_both_ways(
            &text,
            &["query", "--write", &then_indexes(q)],
            &[
                &["query", "--format", "json", EVERYONE],
                &["show", "Rosatom SC"],
                &["show", "China Nonferrous"],
                &["owners", "--ultimate", "Ak-Sugsky"],
            ],
        );
        assert_ne!(written, text, "{q}: nothing saved");
    }
}

#[test]
fn delete_on_a_frozen_graph_saves_what_the_json_would() {
    let text = rare_earths_text();
    for q in [
        "MATCH (n {id: 'rosatom-nedra'}) DETACH DELETE n",
        "MATCH ()-[r:SIGNED_MEMORANDUM]->() DELETE r RETURN count(*)",
        "MATCH (n:Commodity) DETACH DELETE n; \
         MATCH (n) WHERE NOT (n)--() RETURN n.id ORDER BY n.id",
    ] {
        let written = change_both_ways(
            &text,
            &["query", "--write", &then_indexes(q)],
            &[
                &["query", "--format", "json", EVERYONE],
                &["show", "ARMZ"],
                &["owners", "--ultimate", "First Mining Company"],
                &["stats", "--format", "json"],
            ],
        );
        assert_ne!(written, text, "{q}: nothing saved");
    }
}

#[test]
fn a_generated_graph_changed_from_its_snapshot_saves_what_the_json_would() {
    let env = Env::new();
    let g = env.gen("bench", 2000);
    let text = fs::read_to_string(env.path(&g.graph)).unwrap();
    let owned = &g.owned[0];
    let person = &g.persons[0];
    let q = format!(
        "MATCH (t {{id: '{owned}'}}) SET t.flagged = true \
         CREATE (n:Company {{id: 'zz-new', name: 'ZZ New', country: 'RU'}})-[:OWNS {{share: 10}}]->(t); \
         MATCH (p {{id: '{person}'}})-[r:OWNS]->() DELETE r; \
         MATCH (c {{id: 'c1'}}) DETACH DELETE c; \
         MATCH (n {{name: 'ZZ New'}}) RETURN n.id; \
         MATCH (n {{name: 'company 2'}}) RETURN n.id; \
         MATCH (n {{id: 'c2'}}) RETURN n.name; \
         MATCH (n {{id: 'c1'}}) RETURN n.name; \
         MATCH (o)-[:OWNS]->(t {{id: '{owned}'}}) RETURN o.id; \
         MATCH (p {{id: '{person}'}})-[r]-(x) RETURN type(r), x.id"
    );
    let q1 = format!("MATCH (o)-[:OWNS]->(t {{id: '{owned}'}}) RETURN o.id");
    let q3 = format!("MATCH (p {{id: '{person}'}})-[:OWNS*1..10]->(x) RETURN DISTINCT x.id");
    let written = change_both_ways(
        &text,
        &["query", "--write", &q],
        &[
            &["query", "--format", "json", &q1],
            &["query", "--format", "json", &q3],
            &["query", "--format", "json", Q5],
            &["query", "--format", "json", Q6],
            &["owners", "--ultimate", owned],
            &["show", "zz new"],
            &["stats"],
        ],
    );
    assert!(written.contains("zz-new") && written.contains("\"flagged\": true"));
    assert!(!written.contains("\"id\": \"c1\""));
}

#[test]
fn changes_that_fail_or_are_not_saved_on_a_frozen_graph_leave_the_file() {
    let text = rare_earths_text();
    // A dry run reports the change and saves nothing.
    let written = change_both_ways(
        &text,
        &[
            "query",
            "--dry-run",
            "MATCH (n {id: 'rosatom'}) SET n.x = 1 CREATE (:Company {id: 'dry'}) RETURN n.name",
        ],
        &[
            &["query", "--format", "json", EVERYONE],
            &["show", "rosatom"],
        ],
    );
    assert_eq!(written, text);
    // A failing statement: all or nothing.
    let written = change_both_ways(
        &text,
        &[
            "query",
            "--write",
            "MATCH (n {id: 'rosatom'}) SET n.x = 1; CREATE (:Company {id: 'rosatom'})",
        ],
        &[&["show", "rosatom"]],
    );
    assert_eq!(written, text);
    // --continue reports the failure and saves nothing either.
    let written = change_both_ways(
        &text,
        &[
            "query",
            "--write",
            "--continue",
            "MATCH (n {id: 'nfc'}) DETACH DELETE n; MATCH (n) RETURN count(n); CREATE (:X {id: 'rosatom'})",
        ],
        &[&["show", "nfc"]],
    );
    assert_eq!(written, text);
}

// ----- 4. lookups by name ------------------------------------------------------

/// Names that only the indexes tell apart: two entities of one name, an
/// entity whose name is another's alias, one without an id, names with
/// spaces and capitals.
const NAMES: &str = r#"{"kg": 1, "entities": [
  {"id": "nfc-china", "labels": ["Company"], "name": "NFC", "aliases": ["China Nonferrous Metal"]},
  {"id": "nfc-bank", "labels": ["Company"], "name": "NFC"},
  {"id": "rosatom", "labels": ["Company"], "name": "Rosatom", "aliases": ["State Atomic Energy Corporation"]},
  {"id": "rosatom-nedra", "labels": ["Company"], "name": "Rosatom Nedra", "aliases": ["ARMZ", "Atomredmedzoloto"]},
  {"id": "armz-2", "labels": ["Company"], "name": "Armz Holding", "aliases": ["Atomredmedzoloto Old"]},
  {"id": "Mixed-Case-ID", "labels": ["Person"], "name": "Ivan Petrov", "aliases": ["I. Petrov"]}
], "relations": [
  {"from": "rosatom", "type": "OWNS", "to": "rosatom-nedra", "props": {"share": 100}},
  {"from": "rosatom-nedra", "type": "OWNS", "to": "armz-2", "props": {"share": 60}},
  {"from": "Mixed-Case-ID", "type": "OWNS", "to": "armz-2", "props": {"share": 40}},
  {"from": "Mixed-Case-ID", "type": "CONTROLS", "to": "nfc-bank"}
]}"#;

#[test]
fn names_aliases_ids_in_any_case_and_unknown_names_resolve_the_same_from_the_snapshot() {
    let env = Env::new();
    fs::write(env.path("names.json"), NAMES).unwrap();
    let r = env.plain("names.json", &["check", "names.json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    env.warm("names.json");
    let found = [
        "rosatom",
        "ROSATOM",
        "  rosatom  ",
        "state atomic energy CORPORATION",
        "armz",
        "ARMZ",
        "atomredmedzoloto",
        "Atomredmedzoloto old",
        "armz-2",
        "ARMZ-2",
        "armz holding",
        "Mixed-Case-ID",
        "mixed-case-id",
        "i. petrov",
        "china nonferrous metal",
        "nfc-bank",
    ];
    for name in found {
        for cmd in [
            &["show", name][..],
            &["owners", name],
            &["owners", "--ultimate", name],
            &["holdings", "--ultimate", name],
        ] {
            let r = env.same_frozen("names.json", cmd);
            assert_eq!(r.code, 0, "kg {cmd:?}: {}", r.stderr);
        }
    }
    // Unknown and ambiguous names: the same message and exit code.
    let refused = [
        ("Rosatm", "did you mean \"Rosatom\" (rosatom)"),
        (
            "atomredmedzolot",
            "is ambiguous: it is part of the names of rosatom-nedra (Rosatom Nedra, Company), or armz-2",
        ),
        ("Ivan Petrow", "did you mean \"Ivan Petrov\" (Mixed-Case-ID)"),
        ("mixed-case-di", "did you mean \"Ivan Petrov\" (Mixed-Case-ID)"),
        ("zzzzzzzz", "no entity is called \"zzzzzzzz\""),
        ("nfc", "is ambiguous"),
        (
            "NFC",
            "nfc-bank (NFC, Company), or nfc-china (NFC, Company)",
        ),
    ];
    for (name, says) in refused {
        for cmd in [&["show", name][..], &["owners", "--ultimate", name]] {
            let r = env.same_frozen("names.json", cmd);
            assert_eq!(r.code, 1, "kg {cmd:?}: {}", r.stdout);
            assert!(r.stderr.contains(says), "kg {cmd:?}: {}", r.stderr);
        }
    }
    // The same through a query's OWNERS OF and a path between names.
    env.same_frozen("names.json", &["path", "i. petrov", "ROSATOM"]);
    env.same_frozen("names.json", &["path", "Rosatm", "armz"]);
    // Queries on the name and id indexes.
    for q in [
        "MATCH (n {name: 'NFC'}) RETURN n.id ORDER BY n.id",
        "MATCH (n {id: 'Mixed-Case-ID'}) RETURN n.name",
        "MATCH (n {id: 'mixed-case-id'}) RETURN n.name",
        "MATCH (n:Person) RETURN n.id, n.name",
    ] {
        env.same_frozen("names.json", &["query", "--format", "csv", q]);
    }
}

#[test]
fn the_example_graph_and_a_generated_one_resolve_names_the_same_from_the_snapshot() {
    let env = Env::new();
    let graph = rare_earths(&env, "g.json");
    env.warm(&graph);
    for name in [
        "ROSATOM",
        "rosatom state corporation",
        "Putin",
        "putin",
        "VLADIMIR PUTIN",
        "prc",
        "the united states",
        "Tomtor",
        "ak-sug",
        "ROSNEDRA",
    ] {
        let r = env.same_frozen(&graph, &["show", name]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        env.same_frozen(&graph, &["owners", "--ultimate", name]);
    }
    let r = env.same_frozen(&graph, &["show", "Rosnedar"]);
    assert_eq!(
        r.stderr,
        "kg: no entity is called \"Rosnedar\"; did you mean \"Rosnedra\" (rosnedra)?\n"
    );
    let r = env.same_frozen(&graph, &["owners", "Tomtorskoe"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = env.same_frozen(&graph, &["show", "Krasnoyarsk"]);
    assert!(
        r.stdout.starts_with("Krasnoyarsk Territory  [Region]"),
        "{}",
        r.stdout
    );
    let r = env.same_frozen(&graph, &["show", "Ros"]);
    assert!(r.stderr.contains("is ambiguous"), "{}", r.stderr);
    let r = env.same_frozen(&graph, &["query", "OWNERS OF 'Rosatm'"]);
    assert!(
        r.stderr.contains("did you mean \"Rosatom\""),
        "{}",
        r.stderr
    );
    env.same_frozen(&graph, &["path", "Putin", "Rostek"]);

    let g = env.gen("bench", 2000);
    env.warm(&g.graph);
    for name in ["person 47", "COMPANY 815", "Deposit 14", "P47", "C815"] {
        let r = env.same_frozen(&g.graph, &["show", name]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        env.same_frozen(&g.graph, &["owners", name]);
    }
    for name in ["Compny 815", "persn 47", "c8155", "q9"] {
        let r = env.same_frozen(&g.graph, &["show", name]);
        assert_eq!(r.code, 1, "{name}: {}", r.stdout);
    }
}

// ----- 5. damaged snapshots ----------------------------------------------------

/// What a damaged snapshot must not change: the answers to these.
fn checks(g: &Generated) -> Vec<Vec<String>> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        s(&["query", "--format", "json", Q5]),
        s(&["query", "--format", "json", Q6]),
        vec![
            "query".into(),
            "--format".into(),
            "json".into(),
            "-p".into(),
            param("id", &g.owned[0]),
            Q2.into(),
        ],
        s(&["owners", "--ultimate", &g.owned[1]]),
        s(&["show", &g.persons[0]]),
        s(&["stats"]),
        s(&["export", "--to", "cypher"]),
    ]
}

/// The body of a snapshot: what a rewrite must give again (the header
/// records when the graph files were read).
fn body(snapshot: &[u8]) -> &[u8] {
    let header = kg::graph::snapshot::read_header(snapshot).unwrap();
    &snapshot[header.body_start..]
}

/// Damages the warmed snapshot with `damage`, then: `kg cache verify`
/// says it is damaged and removes it (`kg cache info` only looks), the
/// next load parses the files (and answers as they do), and the snapshot
/// it writes is valid and used after.
fn damaged_is_not_trusted(damage: impl Fn(&[u8]) -> Vec<u8>, what: &str) {
    let env = Env::new();
    let g = env.gen("bench", 2000);
    env.warm(&g.graph);
    let snap = env.the_snapshot();
    let good = fs::read(&snap).unwrap();
    let bad = damage(&good);
    assert_ne!(bad, good);
    fs::write(&snap, &bad).unwrap();

    let info = env.kg(&["-g", &g.graph, "cache", "info"]);
    assert_eq!(info.code, 0, "{}", info.stderr);
    // Looking does not repair it.
    assert_eq!(fs::read(&snap).unwrap(), bad);
    let verify = env.kg(&["-g", &g.graph, "cache", "verify", "--format", "json"]);
    assert_eq!(verify.code, 1, "{what}: {}", verify.stderr);
    let v: serde_json::Value = serde_json::from_str(&verify.stdout).unwrap();
    assert_eq!(
        v["snapshot"]["state"], "damaged",
        "{what}: {}",
        verify.stdout
    );
    assert!(
        verify.stderr.contains("removed it"),
        "{what}: {}",
        verify.stderr
    );
    assert!(
        !snap.exists(),
        "{what}: kg cache verify left the damaged snapshot"
    );

    for (i, args) in checks(&g).iter().enumerate() {
        let args: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        let truth = env.plain(&g.graph, &args);
        assert_eq!(truth.code, 0, "{args:?}: {}", truth.stderr);
        let (r, how) = env.cached(&g.graph, &args);
        // Only the first load after the damage parses the files.
        let expected = if i == 0 { Load::Files } else { Load::Snapshot };
        assert_eq!(how, expected, "{what}: kg {args:?}");
        same(&args, &r, &truth);
    }
    assert!(
        body(&fs::read(&snap).unwrap()) == body(&good),
        "{what}: the rewritten snapshot"
    );
    let verify = env.kg(&["-g", &g.graph, "cache", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    assert!(
        verify.stdout.contains("state:        valid"),
        "{}",
        verify.stdout
    );
}

#[test]
fn a_snapshot_with_a_flipped_byte_in_the_middle_is_not_trusted() {
    damaged_is_not_trusted(
        |good| {
            let mut bad = good.to_vec();
            bad[good.len() / 2] ^= 0x01;
            bad
        },
        "a flipped byte",
    );
}

#[test]
fn a_snapshot_truncated_to_half_is_not_trusted() {
    damaged_is_not_trusted(|good| good[..good.len() / 2].to_vec(), "half of it");
}

#[test]
fn a_snapshot_with_flipped_bytes_in_its_columns_is_not_trusted() {
    // Bytes in the index columns at the end of the body (the id and name
    // tables, the postings), which a frozen graph reads in place.
    let env = Env::new();
    let g = env.gen("bench", 2000);
    env.warm(&g.graph);
    let snap = env.the_snapshot();
    let good = fs::read(&snap).unwrap();
    let args = [
        "query",
        "--format",
        "json",
        "MATCH (n {id: 'c815'})<-[:OWNS]-(o) RETURN n.name, o.id",
    ];
    let truth = env.plain(&g.graph, &args);
    for back in [9, 100, 1000, 10_000, good.len() / 4] {
        let mut bad = good.clone();
        let at = good.len() - back;
        bad[at] ^= 0x40;
        fs::write(&snap, &bad).unwrap();
        let info = env.kg(&["-g", &g.graph, "cache", "verify"]);
        assert!(
            info.stdout.contains("damaged") && info.code == 1,
            "byte {at}: {}",
            info.stdout
        );
        let (r, how) = env.cached(&g.graph, &args);
        assert_eq!(how, Load::Files, "byte {at}");
        same(&args, &r, &truth);
        assert!(body(&fs::read(&snap).unwrap()) == body(&good), "byte {at}");
    }
}

// ----- 7. a forged snapshot ---------------------------------------------------

/// Makes the snapshot of `graph` (in `env`'s cache) say what no kg writes:
/// its first entity's record gets unknown flags, and both checksums are
/// recomputed, so that only decoding the record finds it.
fn forge(env: &Env, graph: &str) {
    use kg::graph::snapshot::{checksum, read_header};
    let first_id = {
        let text = fs::read_to_string(env.path(graph)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        json["entities"][0]["id"].as_str().unwrap().to_string()
    };
    let snap = env.the_snapshot();
    let mut bytes = fs::read(&snap).unwrap();
    let header = read_header(&bytes).unwrap();
    let mut record = (first_id.len() as u32).to_le_bytes().to_vec();
    record.extend_from_slice(first_id.as_bytes());
    let at = header.body_start
        + bytes[header.body_start..]
            .windows(record.len() + 1)
            .position(|w| matches!(w[0], 1 | 3) && w[1..] == record[..])
            .unwrap();
    bytes[at] = 0x7f;
    // magic, version, the count of sources, each source, then body length,
    // body checksum and the header's own sum.
    let path_len = header.sources[0].path.as_os_str().len();
    // A source: its path, size, mtime, ctime, inode, device, read time,
    // checksum.
    let end = 8 + 4 + 4 + (4 + path_len + 8 + 16 + 16 + 8 + 8 + 16 + 8) + 8 + 8 + 8;
    let body_sum = checksum(&bytes[header.body_start..]);
    bytes[end - 16..end - 8].copy_from_slice(&body_sum.to_le_bytes());
    let header_sum = checksum(&bytes[..end - 8]);
    bytes[end - 8..end].copy_from_slice(&header_sum.to_le_bytes());
    fs::write(&snap, &bytes).unwrap();
    assert!(read_header(&bytes).is_ok(), "the forged header must pass");
}

#[test]
fn a_forged_snapshot_that_does_not_decode_is_refused_and_never_saved() {
    let env = Env::new();
    let graph = rare_earths(&env, "g.json");
    env.warm(&graph);
    forge(&env, &graph);

    let before = fs::read(env.path(&graph)).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&before).unwrap();
    let first = json["entities"][0]["id"].as_str().unwrap().to_string();
    let neighbour = json["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["from"] == first.as_str())
        .map(|r| r["to"].as_str().unwrap().to_string())
        .unwrap();
    for args in [
        &["query", "MATCH (n) RETURN n.id"][..],
        &["export", "--to", "dot"],
        &["show", &first],
        // The chain names the first entity: its record is read.
        &["path", &first, &neighbour],
        &["query", "--write", "CREATE (:Company {id: 'new'})"],
    ] {
        let (r, how) = env.cached(&graph, args);
        assert_eq!(how, Load::Snapshot, "{args:?}");
        assert_ne!(r.code, 0, "kg {args:?} trusted a forged snapshot");
        assert!(
            r.stderr.contains("is damaged") && r.stderr.contains("kg cache clear"),
            "kg {args:?}: {}",
            r.stderr
        );
    }
    assert_eq!(
        fs::read(env.path(&graph)).unwrap(),
        before,
        "a forged snapshot was saved from"
    );

    // `kg cache verify` decodes every record: it finds the forgery and
    // removes the snapshot; the answers are the JSON's again.
    let verify = env.kg(&["-g", &graph, "cache", "verify"]);
    assert_eq!(verify.code, 1);
    assert!(verify.stdout.contains("damaged"), "{}", verify.stdout);
    let truth = env.plain(&graph, &["query", "MATCH (n) RETURN n.id"]);
    let (again, how) = env.cached(&graph, &["query", "MATCH (n) RETURN n.id"]);
    assert_eq!(how, Load::Files);
    assert_eq!(again.stdout, truth.stdout);
}
