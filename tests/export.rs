//! `kg export`: golden files for every format on a graph of hostile names
//! and on the seed graph, Graphviz and XML validity, round trips, the
//! LadybugDB interop check, and bad inputs.
//!
//! `KG_BLESS=1 cargo test --test export` rewrites the golden files in
//! `tests/golden/export/` from the current output.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{root, test_cache_dir};

use std::collections::{BTreeMap, HashMap};
use std::process::{Command, Stdio};

use assert_cmd::prelude::*;
use kg::graph::{load_str, to_file_text, Graph};
use kg::query::{run_script, Options, Params, Value};

/// The day the golden files were made with: relations that ended before
/// it are drawn dashed.
const TODAY: &str = "2025-06-01";

fn kg() -> Command {
    let mut c = Command::cargo_bin("kg").unwrap();
    c.current_dir(root())
        .env_remove("KG_GRAPH")
        .env("KG_CACHE_DIR", test_cache_dir())
        .env("KG_TODAY", TODAY);
    c
}

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn text(&self) -> String {
        String::from_utf8(self.stdout.clone()).unwrap()
    }
}

fn run(args: &[&str]) -> Run {
    let out = kg().args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(args: &[&str]) -> String {
    let r = run(args);
    assert_eq!(r.code, 0, "kg {args:?} failed: {}", r.stderr);
    r.text()
}

const HOSTILE: &str = "tests/data/hostile.json";
/// Sources with hostile text in every field, at every date precision, one
/// cited by no relation, one with an entity's id; entities labelled Source.
const SOURCES: &str = "tests/data/sources.json";

fn seed_text() -> &'static str {
    kg::graph::BUILTIN_GRAPH
}

fn load(path: &str) -> Graph {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    load_str(path, &text).unwrap()
}

fn blessing() -> bool {
    std::env::var_os("KG_BLESS").is_some_and(|v| v == "1")
}

/// Compares `actual` with the golden file, or rewrites it under KG_BLESS=1.
fn golden(rel: &str, actual: &str) {
    let path = root().join("tests/golden/export").join(rel);
    if blessing() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run KG_BLESS=1 cargo test --test export",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{rel} differs from the golden file; if the change is intended, run KG_BLESS=1 cargo test --test export\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

fn dot_installed() -> bool {
    Command::new("dot")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `dot -Tsvg` on the text and demands silence on stderr.
fn check_with_graphviz(name: &str, text: &str) {
    if !dot_installed() {
        eprintln!("skipped: Graphviz `dot` is not installed, {name} not laid out");
        return;
    }
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "dot -Tsvg on {name}: {stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
}

/// The cases of the golden files: (golden name, graph file or None for the
/// seed graph, arguments after `kg`).
const CASES: &[(&str, Option<&str>, &[&str])] = &[
    ("hostile.dot", Some(HOSTILE), &["export", "--to", "dot"]),
    ("hostile.mmd", Some(HOSTILE), &["export", "--to", "mermaid"]),
    (
        "hostile.graphml",
        Some(HOSTILE),
        &["export", "--to", "graphml"],
    ),
    (
        "hostile.cypher",
        Some(HOSTILE),
        &["export", "--to", "cypher"],
    ),
    ("hostile.json", Some(HOSTILE), &["export", "--to", "json"]),
    (
        "hostile-cluster-country.dot",
        Some(HOSTILE),
        &["export", "--to", "dot", "--cluster-by", "country"],
    ),
    (
        "hostile-cluster-label.mmd",
        Some(HOSTILE),
        &["export", "--to", "mermaid", "--cluster-by", "label"],
    ),
    ("seed.dot", None, &["export", "--to", "dot"]),
    ("seed.mmd", None, &["export", "--to", "mermaid"]),
    ("seed.graphml", None, &["export", "--to", "graphml"]),
    ("seed.cypher", None, &["export", "--to", "cypher"]),
    ("seed.json", None, &["export", "--to", "json"]),
    (
        "seed-tomtorskoye.dot",
        None,
        &[
            "export",
            "--to",
            "dot",
            "--query",
            "MATCH p = (o)-[:OWNS|CONTROLS*1..5]->(d {id: 'tomtorskoye'}) RETURN p",
        ],
    ),
    (
        "seed-ak-sugsky-as-of-2023.dot",
        None,
        &[
            "--as-of",
            "2023",
            "export",
            "--to",
            "dot",
            "--query",
            "MATCH (d {id: 'ak-sugsky'})-[r]-(x) RETURN d, collect(r) AS rels",
        ],
    ),
    (
        "seed-as-of-2023.dot",
        None,
        &[
            "--as-of",
            "2023",
            "export",
            "--to",
            "dot",
            "--rankdir",
            "TB",
        ],
    ),
    (
        "seed-cluster-label.dot",
        None,
        &["export", "--to", "dot", "--cluster-by", "label"],
    ),
    (
        "seed-cluster-country.mmd",
        None,
        &[
            "export",
            "--to",
            "mermaid",
            "--cluster-by",
            "country",
            "--rankdir",
            "TB",
        ],
    ),
    (
        "seed-memoranda.mmd",
        None,
        &[
            "export",
            "--to",
            "mermaid",
            "--query",
            "MATCH (a)-[r:SIGNED_MEMORANDUM]->(b) RETURN a, r, b",
        ],
    ),
];

fn case_args<'a>(graph: Option<&'a str>, args: &[&'a str]) -> Vec<&'a str> {
    let mut v = Vec::new();
    if let Some(g) = graph {
        v.extend(["-g", g]);
    }
    v.extend_from_slice(args);
    v
}

#[test]
fn every_format_matches_its_golden_file_and_dot_lays_out_cleanly() {
    for (name, graph, args) in CASES {
        let out = ok(&case_args(*graph, args));
        golden(name, &out);
        if name.ends_with(".dot") {
            check_with_graphviz(name, &out);
        }
    }
}

/// The files under `dir`, relative to it, sorted, with `/` between
/// folders.
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn csv_directories_match_their_golden_files() {
    for (name, graph) in [("hostile-csv", Some(HOSTILE)), ("seed-csv", None)] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let target_s = target.to_string_lossy().into_owned();
        ok(&case_args(
            graph,
            &["export", "--to", "csv", "-o", &target_s],
        ));
        let files = files_under(&target);
        for f in [
            "load-ladybug.cypher",
            "nodes.csv",
            "relationships.csv",
            "sources.csv",
        ] {
            assert!(files.iter().any(|x| x == f), "{name}: {f} missing");
        }
        assert!(
            files
                .iter()
                .all(|f| !f.starts_with('.') && !f.contains("/.") && !f.ends_with(".tmp")),
            "{name}: no temporary file may be left behind: {files:?}"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "{name}: nothing beside the folder"
        );
        if blessing() {
            let _ = std::fs::remove_dir_all(root().join("tests/golden/export").join(name));
        } else {
            let golden_dir = root().join("tests/golden/export").join(name);
            assert_eq!(files, files_under(&golden_dir), "{name}: the file set");
        }
        for f in files {
            let text = std::fs::read_to_string(target.join(&f)).unwrap();
            golden(&format!("{name}/{f}"), &text);
        }
    }
}

#[test]
fn dot_output_is_the_same_whatever_the_order_of_the_file() {
    // The same graph with entities and relations in reverse order.
    let g = load(HOSTILE);
    let text = to_file_text(&g).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    for key in ["entities", "relations"] {
        json[key].as_array_mut().unwrap().reverse();
    }
    let dir = tempfile::tempdir().unwrap();
    let reversed = dir.path().join("reversed.json");
    std::fs::write(&reversed, serde_json::to_string(&json).unwrap()).unwrap();
    let a = ok(&["-g", HOSTILE, "export", "--to", "dot"]);
    let b = ok(&["-g", reversed.to_str().unwrap(), "export", "--to", "dot"]);
    assert_eq!(a, b);
    let a = ok(&["-g", HOSTILE, "export", "--to", "graphml"]);
    let b = ok(&[
        "-g",
        reversed.to_str().unwrap(),
        "export",
        "--to",
        "graphml",
    ]);
    assert_eq!(a, b);
}

/// Parses GraphML with quick-xml: well-formed, every `<data key>`
/// declared by a `<key>` for its domain, and every value readable as its
/// declared type. Returns (node count, edge count).
fn check_graphml(name: &str, text: &str) -> (usize, usize) {
    use quick_xml::events::Event;
    use quick_xml::Reader;
    let mut reader = Reader::from_str(text);
    let mut keys: HashMap<String, (String, String)> = HashMap::new();
    let mut stack: Vec<String> = Vec::new();
    let mut current_key: Option<String> = None;
    let mut value = String::new();
    let (mut nodes, mut edges) = (0, 0);
    let attr = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> Option<String> {
        e.attributes().map(|a| a.unwrap()).find_map(|a| {
            (a.key.as_ref() == name).then(|| {
                a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                    .unwrap()
                    .into_owned()
            })
        })
    };
    loop {
        match reader.read_event() {
            Err(e) => panic!(
                "{name}: not well-formed XML at {}: {e}",
                reader.buffer_position()
            ),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.name().as_ref() == "key" => {
                let id = attr(&e, "id").unwrap();
                let domain = attr(&e, "for").unwrap();
                let ty = attr(&e, "attr.type").unwrap();
                assert!(["string", "long", "double", "boolean"].contains(&ty.as_str()));
                assert!(attr(&e, "attr.name").is_some());
                assert!(
                    keys.insert(id.clone(), (domain, ty)).is_none(),
                    "{name}: key {id} twice"
                );
            }
            Ok(Event::Start(e)) => {
                let tag = e.name().as_ref().to_string();
                match tag.as_str() {
                    "node" => nodes += 1,
                    "edge" => edges += 1,
                    "data" => {
                        let key = attr(&e, "key").unwrap();
                        let (domain, _) = keys
                            .get(&key)
                            .unwrap_or_else(|| panic!("{name}: data key {key} is not declared"));
                        assert_eq!(
                            Some(domain),
                            stack.last(),
                            "{name}: key {key} used outside its domain"
                        );
                        current_key = Some(key);
                        value.clear();
                    }
                    _ => {}
                }
                stack.push(tag);
            }
            Ok(Event::Text(t)) => {
                if current_key.is_some() {
                    value.push_str(&t.xml_content(quick_xml::XmlVersion::Explicit1_0));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if current_key.is_some() {
                    let name = r.into_inner().into_owned();
                    let c = match name.as_str() {
                        "amp" => "&".to_string(),
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "quot" => "\"".to_string(),
                        "apos" => "'".to_string(),
                        n if n.starts_with('#') => {
                            char::from_u32(n[1..].parse().unwrap()).unwrap().to_string()
                        }
                        n => panic!("{name}: unknown entity {n}"),
                    };
                    value.push_str(&c);
                }
            }
            Ok(Event::End(e)) => {
                if e.name().as_ref() == "data" {
                    let key = current_key.take().unwrap();
                    let ty = &keys[&key].1;
                    match ty.as_str() {
                        "long" => {
                            assert!(value.parse::<i64>().is_ok(), "{name}: {value:?} is no long")
                        }
                        "double" => assert!(
                            value.parse::<f64>().is_ok(),
                            "{name}: {value:?} is no double"
                        ),
                        "boolean" => assert!(value == "true" || value == "false"),
                        _ => {}
                    }
                }
                stack.pop();
            }
            Ok(_) => {}
        }
    }
    assert!(stack.is_empty(), "{name}: unclosed elements {stack:?}");
    (nodes, edges)
}

#[test]
fn graphml_is_well_formed_with_every_key_declared() {
    let hostile = ok(&["-g", HOSTILE, "export", "--to", "graphml"]);
    assert_eq!(check_graphml("hostile", &hostile), (10, 7));
    let seed = ok(&["export", "--to", "graphml"]);
    let g = load_str("seed", seed_text()).unwrap();
    assert_eq!(
        check_graphml("seed", &seed),
        (g.entity_count(), g.relation_count())
    );
}

#[test]
fn json_export_loads_back_and_exports_the_same_bytes() {
    for (name, graph) in [("hostile", Some(HOSTILE)), ("seed", None)] {
        let once = ok(&case_args(graph, &["export", "--to", "json"]));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("once.json");
        std::fs::write(&path, &once).unwrap();
        let twice = ok(&["-g", path.to_str().unwrap(), "export", "--to", "json"]);
        assert_eq!(once, twice, "{name}");
    }
    assert_eq!(ok(&["export", "--to", "json"]), seed_text());
}

/// Runs a Cypher export into an empty graph with the library and compares
/// the graph files. A script carries no graph name (it is a comment), so
/// that is copied over before comparing; the sources come from the script.
fn cypher_round_trip(name: &str, original: &Graph) {
    let script = kg::export::cypher::to_cypher(original).unwrap();
    let mut g = Graph::new();
    run_script(&mut g, &script, &Params::new(), &Options::default()).unwrap_or_else(|e| {
        panic!(
            "{name}: the script does not run in kg: {}",
            e.render(&script)
        )
    });
    g.name = original.name.clone();
    assert_eq!(
        to_file_text(&g).unwrap(),
        to_file_text(original).unwrap(),
        "{name}"
    );
}

#[test]
fn cypher_export_runs_into_an_empty_graph_and_gives_the_same_graph() {
    cypher_round_trip("hostile", &load(HOSTILE));
    cypher_round_trip("sources", &load(SOURCES));
    cypher_round_trip("seed", &load_str("seed", seed_text()).unwrap());
}

/// An empty graph file, as a user starts one.
const EMPTY: &str = r#"{"kg": 1, "entities": [], "relations": []}"#;

#[test]
fn the_cypher_export_loads_into_an_empty_graph_file_with_kg_query_and_gives_back_the_graph() {
    for graph in [None, Some(HOSTILE), Some(SOURCES)] {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("export.cypher");
        let empty = dir.path().join("empty.json");
        std::fs::write(&empty, EMPTY).unwrap();
        let (script, empty) = (script.to_str().unwrap(), empty.to_str().unwrap());
        ok(&case_args(
            graph,
            &["export", "--to", "cypher", "-o", script],
        ));
        let r = run(&["-g", empty, "query", "--write", "-q", "-f", script]);
        assert_eq!(r.code, 0, "{graph:?}: {}", r.stderr);
        assert_eq!(r.stderr, "", "{graph:?}");

        let original_text = ok(&case_args(graph, &["export", "--to", "json"]));
        let mut original: serde_json::Value = serde_json::from_str(&original_text).unwrap();
        let loaded: serde_json::Value =
            serde_json::from_str(&ok(&["-g", empty, "export", "--to", "json"])).unwrap();
        // The graph's name is a comment in the script: the file the script
        // runs on keeps its own name (none here). Everything else comes
        // back: sources with their fields, entities, relations with their
        // dates and provenance, in the same order.
        assert!(original.as_object_mut().unwrap().remove("name").is_some());
        assert_eq!(loaded, original, "{graph:?}");
        let without_name: String = original_text
            .lines()
            .filter(|l| !l.starts_with("  \"name\": "))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(std::fs::read_to_string(empty).unwrap(), without_name);

        let sources = original["sources"].as_array().unwrap();
        let relations = original["relations"].as_array().unwrap();
        assert!(!sources.is_empty(), "{graph:?}");
        assert!(
            relations.iter().any(|r| r.get("source").is_some()),
            "{graph:?}"
        );
    }
}

#[test]
fn the_sources_graph_has_what_its_round_trip_is_meant_to_carry() {
    let g = load(SOURCES);
    let fields =
        |s: &kg::graph::Source| (s.url.is_some(), s.title.is_some(), s.published.is_some());
    let kinds: Vec<_> = g.sources().iter().map(fields).collect();
    assert!(
        kinds.contains(&(false, false, false)),
        "a source with only an id"
    );
    assert!(
        kinds.contains(&(true, true, true)),
        "a source with every field"
    );
    let published: Vec<String> = g
        .sources()
        .iter()
        .filter_map(|s| s.published.map(|p| p.to_string()))
        .collect();
    assert_eq!(published, ["2024", "2023-11", "2025-02-26"]);
    let script = kg::export::cypher::to_cypher(&g).unwrap();
    // The entity whose only label is Source is created as an entity.
    assert!(
        script.contains("CREATE (n {id: 'archive', name: 'An entity whose only label is Source', kind: 'archive'}) SET n:Source;"),
        "{script}"
    );
    assert!(script.contains("CREATE (:Source:Agency {id: 'registry', name: 'Registry'});"));
}

#[test]
fn a_query_export_draws_what_the_query_returns_and_nothing_else() {
    let dot = ok(&[
        "export",
        "--to",
        "dot",
        "--query",
        "MATCH p = (o)-[:OWNS|CONTROLS*1..5]->(d {id: 'ak-sugsky'}) RETURN p",
    ]);
    for id in [
        "\"mikhail-prokhorov\"",
        "\"intergeo\"",
        "\"rostec\"",
        "\"promising-mining-projects\"",
        "\"ak-sugsky\"",
    ] {
        assert!(dot.contains(&format!("  {id} [")), "{id} missing:\n{dot}");
    }
    assert_eq!(dot.matches(" -> ").count(), 4, "{dot}");
    assert!(!dot.contains("\"tuva\""));
    assert!(!dot.contains("\"rosnedra\""));
    // Nodes in lists and maps count; the ends of a relationship are drawn.
    let json = ok(&[
        "export",
        "--to",
        "json",
        "--query",
        "MATCH (a)-[r:SIGNED_MEMORANDUM]->(b) RETURN {deal: r, names: [a.name]} AS m",
    ]);
    let g = load_str("q", &json).unwrap();
    assert_eq!((g.entity_count(), g.relation_count()), (3, 2));
    // A query with no rows draws an empty graph.
    let empty = ok(&[
        "export",
        "--to",
        "json",
        "--query",
        "MATCH (n:Nothing) RETURN n",
    ]);
    let g = load_str("q", &empty).unwrap();
    assert_eq!((g.entity_count(), g.relation_count()), (0, 0));
}

#[test]
fn as_of_leaves_out_relations_not_valid_then_and_dashes_ended_ones() {
    let all = ok(&["export", "--to", "dot"]);
    assert!(all
        .contains("\"intergeo\" -> \"ak-sugsky\" [label=<CONTROLS until 2024>, style=\"dashed\""));
    let in_2023 = ok(&["--as-of", "2023", "export", "--to", "dot"]);
    assert!(in_2023.contains("\"intergeo\" -> \"ak-sugsky\" [label=<CONTROLS until 2024>];"));
    assert!(!in_2023.contains("\"promising-mining-projects\" -> \"ak-sugsky\""));
    assert!(all.contains("\"promising-mining-projects\" -> \"ak-sugsky\""));
}

#[test]
fn render_writes_an_svg_atomically() {
    if !dot_installed() {
        eprintln!("skipped: Graphviz `dot` is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.svg");
    ok(&[
        "export",
        "--to",
        "dot",
        "--render",
        "svg",
        "-o",
        path.to_str().unwrap(),
    ]);
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("<svg") && svg.contains("Tomtorskoye"));
    let png = run(&["-g", HOSTILE, "export", "--to", "dot", "--render", "png"]);
    assert_eq!(png.code, 0, "{}", png.stderr);
    assert!(png.stdout.starts_with(b"\x89PNG"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn the_committed_diagram_is_what_the_readme_command_makes() {
    // README: kg export --to dot --render svg -o docs/rare-earths-2025.svg
    // Not compared byte for byte: Graphviz versions lay out differently.
    let committed = std::fs::read_to_string(root().join("docs/rare-earths-2025.svg"))
        .unwrap()
        .replace("&#45;", "-")
        .replace("&#39;", "'");
    let g = load_str("seed", seed_text()).unwrap();
    for n in g.entity_indices() {
        let name = g.entity(n).unwrap().name.clone().unwrap();
        let first_word = name.split(' ').next().unwrap();
        assert!(
            committed.contains(first_word),
            "{name} is not in the diagram"
        );
    }
}

// ----- bad inputs ---------------------------------------------------------

fn fails(args: &[&str], code: i32, needle: &str) -> Run {
    let r = run(args);
    assert_eq!(r.code, code, "kg {args:?}: {}", r.stderr);
    assert!(
        r.stderr.contains(needle),
        "kg {args:?}: expected {needle:?} in:\n{}",
        r.stderr
    );
    r
}

#[test]
fn an_unknown_format_is_a_usage_error_listing_the_formats() {
    fails(
        &["export", "--to", "pdf"],
        2,
        "dot, mermaid, graphml, cypher, csv, json",
    );
}

#[test]
fn clustering_by_a_property_nobody_has_is_an_error_naming_the_ones_they_have() {
    let r = fails(
        &["export", "--to", "dot", "--cluster-by", "colour"],
        1,
        "no exported entity has the property `colour`",
    );
    assert!(r.stderr.contains("country"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    fails(
        &["export", "--to", "json", "--cluster-by", "country"],
        2,
        "--cluster-by groups the nodes of a diagram",
    );
}

#[test]
fn writing_into_a_missing_directory_fails_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing/seed.dot");
    fails(
        &["export", "--to", "dot", "-o", path.to_str().unwrap()],
        1,
        "does not exist",
    );
    assert!(!dir.path().join("missing").exists());
    let csv = dir.path().join("missing/deeper");
    fails(
        &["export", "--to", "csv", "-o", csv.to_str().unwrap()],
        1,
        "does not exist",
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_failed_export_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.dot");
    std::fs::write(&path, "old").unwrap();
    fails(
        &[
            "export",
            "--to",
            "dot",
            "--query",
            "MATCH (n) RETURN n.nope +",
            "-o",
            path.to_str().unwrap(),
        ],
        1,
        "",
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    ok(&["export", "--to", "dot", "-o", path.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .starts_with("digraph"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn render_without_graphviz_names_the_package() {
    let empty = tempfile::tempdir().unwrap();
    let out = kg()
        .env("PATH", empty.path())
        .args(["export", "--to", "dot", "--render", "svg"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("graphviz") && stderr.contains("apt-get install graphviz"),
        "{stderr}"
    );
    fails(
        &["export", "--to", "mermaid", "--render", "svg"],
        2,
        "use it with --to dot",
    );
}

#[test]
fn a_query_with_a_syntax_error_points_at_it() {
    let r = fails(
        &["export", "--to", "dot", "--query", "MATCH (n RETURN n"],
        1,
        "^",
    );
    assert!(r.stdout.is_empty());
    fails(
        &[
            "export",
            "--to",
            "dot",
            "--query",
            "MATCH (n) RETURN n.name",
        ],
        1,
        "no nodes, relationships or paths",
    );
    fails(
        &[
            "export",
            "--to",
            "dot",
            "--query",
            "CREATE (n:X {id: 'x'}) RETURN n",
        ],
        1,
        "changes the graph",
    );
}

#[test]
fn csv_needs_a_directory() {
    fails(&["export", "--to", "csv"], 2, "-o DIR");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file.csv");
    std::fs::write(&file, "x").unwrap();
    fails(
        &["export", "--to", "csv", "-o", file.to_str().unwrap()],
        1,
        "not a directory",
    );
}

// ----- LadybugDB ------------------------------------------------------------

/// Numbers compared as doubles: kg keeps `60` an integer in a column where
/// LadybugDB reads `60.0`.
fn normalise(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Number(n) => n.as_f64().unwrap().into(),
        serde_json::Value::Array(a) => a.iter().map(normalise).collect(),
        other => other.clone(),
    }
}

/// The python with the `ladybug` package (`KG_LADYBUG_PYTHON`, which
/// .ci/run sets), or `None` with the reason printed.
fn ladybug_python() -> Option<std::ffi::OsString> {
    let python = std::env::var_os("KG_LADYBUG_PYTHON");
    if python.is_none() {
        eprintln!("skipped: set KG_LADYBUG_PYTHON to a python with the `ladybug` package (.ci/run does) to check the CSV export against LadybugDB");
    }
    python
}

/// Loads the export in `export` into a new LadybugDB database with its
/// load-ladybug.cypher and runs `queries` there: name -> rows.
fn ladybug_answers(
    python: &std::ffi::OsStr,
    export: &std::path::Path,
    queries: &BTreeMap<&str, &str>,
) -> BTreeMap<String, serde_json::Value> {
    let db = tempfile::tempdir().unwrap();
    let mut child = Command::new(python)
        .arg(root().join("tests/interop/ladybug_check.py"))
        .arg(export)
        .arg(db.path().join("db"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(serde_json::to_string(queries).unwrap().as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "ladybug_check.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// kg's rows for `query` from the `kg` command (`--format json`), with
/// `graph` as the graph file (`None`: the built-in one).
fn kg_rows(graph: Option<&str>, query: &str) -> serde_json::Value {
    let mut args = vec!["--format", "json"];
    if let Some(g) = graph {
        args.extend(["-g", g]);
    }
    args.extend(["query", query]);
    let rows: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(&ok(&args)).unwrap();
    rows.into_iter()
        .map(|r| r.into_iter().map(|(_, v)| v).collect::<serde_json::Value>())
        .collect()
}

/// Runs each query with the same text in kg and in LadybugDB (loaded from
/// `kg export --to csv`) and asserts the same rows.
fn same_answers(graph: Option<&str>, queries: &[(&str, &str)]) {
    let Some(python) = ladybug_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export");
    let mut args = Vec::new();
    if let Some(g) = graph {
        args.extend(["-g", g]);
    }
    args.extend(["export", "--to", "csv", "-o", export.to_str().unwrap()]);
    ok(&args);
    let map: BTreeMap<&str, &str> = queries.iter().copied().collect();
    let ladybug = ladybug_answers(&python, &export, &map);
    for (name, query) in queries {
        let kg_rows = normalise(&kg_rows(graph, query));
        let lb_rows = normalise(&ladybug[*name]);
        assert!(
            !kg_rows.as_array().unwrap().is_empty(),
            "{name}: kg found nothing"
        );
        assert_eq!(
            kg_rows, lb_rows,
            "{name}: kg and LadybugDB disagree on\n{query}"
        );
        eprintln!(
            "LadybugDB agrees with kg on {name}: {} rows",
            lb_rows.as_array().unwrap().len()
        );
    }
}

/// (name, query): the same text runs in kg and in LadybugDB.
const SEED_QUERIES: &[(&str, &str)] = &[
    (
        "controllers of deposits (README)",
        "MATCH (owner)-[r:CONTROLS]->(d:Deposit) RETURN owner.name, d.name AS deposit, r.since, r.until ORDER BY deposit, owner.name",
    ),
    (
        "controllers of Tomtorskoye",
        "MATCH (o)-[:CONTROLS*1..5]->(d {id: 'tomtorskoye'}) RETURN DISTINCT o.name ORDER BY o.name",
    ),
    (
        "memoranda",
        "MATCH (a)-[r:SIGNED_MEMORANDUM]->(b) RETURN a.name, b.name, r.since, r.project, r.locator ORDER BY b.name",
    ),
    (
        "reserves in tonnes",
        "MATCH (a)-[r:HAS_RESERVES]->(b) WHERE r.tonnes IS NOT NULL RETURN a.name, b.name, r.tonnes ORDER BY a.name, b.name",
    ),
    (
        "deposits and where they lie",
        "MATCH (d:Deposit)-[:LOCATED_IN]->(r) RETURN d.name, r.name, d.ore_tonnes ORDER BY d.name",
    ),
    (
        "companies by country",
        "MATCH (c:Company) WHERE c.country IS NOT NULL RETURN c.country, count(*) AS n ORDER BY c.country",
    ),
    (
        "top controllers",
        "MATCH (o)-[:CONTROLS]->() RETURN o.id, count(*) AS c ORDER BY c DESC, o.id LIMIT 3",
    ),
];

#[test]
fn the_csv_export_of_the_seed_graph_loads_into_ladybugdb_with_the_same_answers() {
    same_answers(None, SEED_QUERIES);
}

/// Runs `statements` in a new LadybugDB database, then `queries`: name ->
/// rows.
fn ladybug_run(
    python: &std::ffi::OsStr,
    statements: &[String],
    queries: &BTreeMap<&str, &str>,
) -> BTreeMap<String, serde_json::Value> {
    let db = tempfile::tempdir().unwrap();
    let mut child = Command::new(python)
        .arg(root().join("tests/interop/ladybug_run.py"))
        .arg(db.path().join("db"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let job = serde_json::json!({"statements": statements, "queries": queries});
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(job.to_string().as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "ladybug_run.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_source_nodes_of_the_cypher_export_run_in_ladybugdb() {
    let Some(python) = ladybug_python() else {
        return;
    };
    for graph in [None, Some(HOSTILE), Some(SOURCES)] {
        let g = match graph {
            Some(path) => load(path),
            None => load_str("seed", seed_text()).unwrap(),
        };
        let script = ok(&case_args(graph, &["export", "--to", "cypher"]));
        // LadybugDB needs the table first; the statements are the
        // script's own lines.
        let mut statements = vec![
            "CREATE NODE TABLE Source(id STRING PRIMARY KEY, url STRING, title STRING, published STRING)"
                .to_string(),
        ];
        statements.extend(
            script
                .lines()
                .filter(|l| l.starts_with("CREATE (:Source {"))
                .map(|l| l.trim_end_matches(';').to_string()),
        );
        assert_eq!(statements.len(), g.sources().len() + 1, "{graph:?}");
        let queries = BTreeMap::from([(
            "sources",
            "MATCH (s:Source) RETURN s.id, s.url, s.title, s.published",
        )]);
        let mut rows: Vec<serde_json::Value> = ladybug_run(&python, &statements, &queries)
            ["sources"]
            .as_array()
            .unwrap()
            .clone();
        let mut expected: Vec<serde_json::Value> = g
            .sources()
            .iter()
            .map(|s| serde_json::json!([s.id, s.url, s.title, s.published.map(|p| p.to_string())]))
            .collect();
        let by_id = |v: &serde_json::Value| v[0].as_str().unwrap().to_string();
        rows.sort_by_key(by_id);
        expected.sort_by_key(by_id);
        assert_eq!(rows, expected, "{graph:?}");
        eprintln!(
            "LadybugDB holds the {} source(s) of the {graph:?} export as written",
            rows.len()
        );
    }
}

// ----- the LadybugDB files of the CSV export ----------------------------------

/// A small ownership graph: a person with two labels, an entity whose only
/// label is that second one, a note with a line break.
const OWNERS: &str = r#"{"kg": 1,
  "sources": [{"id": "s", "url": "https://example.org/s"}],
  "entities": [
    {"id": "p1", "labels": ["Person", "Owner"], "name": "Pat", "aliases": ["P", "Patty"]},
    {"id": "p2", "labels": ["Person"], "name": "Quinn"},
    {"id": "c1", "labels": ["Company"], "name": "Acme", "props": {"country": "RU"}},
    {"id": "c2", "labels": ["Company"], "name": "Beta, Inc.", "props": {"country": "KZ"}},
    {"id": "d1", "labels": ["Deposit"], "name": "Deep", "props": {"country": "RU"}},
    {"id": "d2", "labels": ["Deposit"], "name": "Far", "props": {"country": "KZ"}},
    {"id": "x1", "labels": ["Owner"], "name": "Only an owner"}
  ],
  "relations": [
    {"from": "p1", "type": "OWNS", "to": "c1", "props": {"share": 60}},
    {"from": "p2", "type": "OWNS", "to": "c1", "props": {"share": 40}},
    {"from": "c1", "type": "OWNS", "to": "c2", "props": {"share": 51.5}},
    {"from": "c2", "type": "OWNS", "to": "d1", "props": {"share": 100}},
    {"from": "c1", "type": "OWNS", "to": "d2", "props": {"share": 20}},
    {"from": "c1", "type": "OWNS", "to": "d1", "props": {"share": 10}},
    {"from": "p1", "type": "OWNS", "to": "d1"},
    {"from": "x1", "type": "CONTROLS", "to": "c2", "source": "s", "note": "line one\nline two"},
    {"from": "c2", "type": "PART_OF", "to": "c1", "since": "2020-01-01"}
  ]
}
"#;

fn owners_file(dir: &std::path::Path) -> String {
    let path = dir.join("owners.json");
    std::fs::write(&path, OWNERS).unwrap();
    path.to_string_lossy().into_owned()
}

fn first_line(path: &std::path::Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn the_csv_export_writes_one_ladybug_file_per_label_and_per_type_and_table_pair() {
    let dir = tempfile::tempdir().unwrap();
    let graph = owners_file(dir.path());
    let out = dir.path().join("out");
    ok(&[
        "-g",
        &graph,
        "export",
        "--to",
        "csv",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        files_under(&out),
        [
            "ladybug/nodes_Company.csv",
            "ladybug/nodes_Deposit.csv",
            "ladybug/nodes_Owner.csv",
            "ladybug/nodes_Person.csv",
            "ladybug/rels_CONTROLS_Owner_Company.csv",
            "ladybug/rels_OWNS_Company_Company.csv",
            "ladybug/rels_OWNS_Company_Deposit.csv",
            "ladybug/rels_OWNS_Person_Company.csv",
            "ladybug/rels_OWNS_Person_Deposit.csv",
            "ladybug/rels_PART_OF_Company_Company.csv",
            "load-ladybug.cypher",
            "nodes.csv",
            "relationships.csv",
            "sources.csv",
        ]
    );
    assert_eq!(
        first_line(&out.join("nodes.csv")),
        "id:ID,:LABEL,name,aliases:string[],country"
    );
    assert_eq!(
        first_line(&out.join("relationships.csv")),
        ":START_ID,:END_ID,:TYPE,since,until,source,locator,note,quote,share:double"
    );
    assert_eq!(
        first_line(&out.join("sources.csv")),
        "id,url,title,published"
    );
    // The entity with two labels is in the table of its first one, with
    // both labels kept; the table of the second holds only x1.
    assert_eq!(
        std::fs::read_to_string(out.join("ladybug/nodes_Person.csv")).unwrap(),
        "id,labels,name,aliases,country\np1,Person;Owner,Pat,P;Patty,\np2,Person,Quinn,,\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("ladybug/nodes_Owner.csv")).unwrap(),
        "id,labels,name,aliases,country\nx1,Owner,Only an owner,,\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("ladybug/rels_OWNS_Person_Company.csv")).unwrap(),
        "from,to,since,until,source,locator,note,quote,share\np1,c1,,,,,,,60\np2,c1,,,,,,,40\n"
    );
    let script = std::fs::read_to_string(out.join("load-ladybug.cypher")).unwrap();
    for line in [
        "CREATE NODE TABLE `Person`(id STRING PRIMARY KEY, labels STRING, name STRING, aliases STRING, `country` STRING);",
        "CREATE REL TABLE `OWNS`(FROM `Person` TO `Company`, FROM `Person` TO `Deposit`, FROM `Company` TO `Company`, FROM `Company` TO `Deposit`, since STRING, until STRING, source STRING, locator STRING, note STRING, quote STRING, `share` DOUBLE);",
        "COPY `Person` FROM 'ladybug/nodes_Person.csv' (HEADER=true);",
        "COPY `OWNS` FROM 'ladybug/rels_OWNS_Company_Deposit.csv' (HEADER=true, FROM='Company', TO='Deposit');",
        // A quoted line break needs LadybugDB's serial CSV reader.
        "COPY `CONTROLS` FROM 'ladybug/rels_CONTROLS_Owner_Company.csv' (HEADER=true, PARALLEL=false, FROM='Owner', TO='Company');",
    ] {
        assert!(script.lines().any(|l| l == line), "{line}\nnot in\n{script}");
    }
}

#[test]
fn the_csv_export_reads_back_with_import_and_a_second_export_replaces_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let graph = owners_file(dir.path());
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    // A first export of another graph leaves tables this one does not have.
    ok(&["export", "--to", "csv", "-o", out_s]);
    assert!(out.join("ladybug/nodes_Region.csv").exists());
    ok(&["-g", &graph, "export", "--to", "csv", "-o", out_s]);
    assert!(
        !out.join("ladybug/nodes_Region.csv").exists(),
        "the old ladybug/ folder is replaced as a whole"
    );
    assert!(out.join("ladybug/nodes_Owner.csv").exists());
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with('.')),
        "no staging folder left: {names:?}"
    );
    // `kg import --from csv` reads the top-level files and gives the graph
    // back.
    let imported = ok(&["import", "--from", "csv", out_s]);
    let back = dir.path().join("back.json");
    std::fs::write(&back, imported).unwrap();
    let q = "MATCH (p:Owner)-[r]->(x) RETURN p.id, labels(p), type(r), x.id, r.note ORDER BY p.id, x.id";
    assert_eq!(
        ok(&["--format", "json", "-g", &graph, "query", q]),
        ok(&["--format", "json", "-g", back.to_str().unwrap(), "query", q])
    );
}

#[test]
fn an_export_in_the_way_of_a_file_or_folder_fails_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    ok(&["export", "--to", "csv", "-o", out_s]);
    let before: Vec<(String, Vec<u8>)> = files_under(&out)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(out.join(&f)).unwrap();
            (f, bytes)
        })
        .collect();
    // A folder where the export writes nodes.csv.
    std::fs::remove_file(out.join("nodes.csv")).unwrap();
    std::fs::create_dir(out.join("nodes.csv")).unwrap();
    let graph = owners_file(dir.path());
    let r = run(&["-g", &graph, "export", "--to", "csv", "-o", out_s]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "{}: is in the way: the export writes a file here; move it away\n",
            out.join("nodes.csv").display()
        )
    );
    let after: Vec<(String, Vec<u8>)> = files_under(&out)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(out.join(&f)).unwrap();
            (f, bytes)
        })
        .collect();
    let expected: Vec<(String, Vec<u8>)> = before
        .into_iter()
        .filter(|(f, _)| f != "nodes.csv")
        .collect();
    assert_eq!(after, expected, "the old export stays as it was");
    assert!(out.join("nodes.csv").is_dir());
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");

    // A file where the export writes the ladybug/ folder.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("ladybug"), "mine").unwrap();
    let r = run(&["export", "--to", "csv", "-o", other.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "{}: is in the way: the export writes a folder here; move it away\n",
            other.join("ladybug").display()
        )
    );
    assert_eq!(files_under(&other), ["ladybug"]);
    assert_eq!(
        std::fs::read_to_string(other.join("ladybug")).unwrap(),
        "mine"
    );
}

#[test]
fn csv_into_a_file_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file.csv");
    std::fs::write(&file, "x").unwrap();
    let r = run(&["export", "--to", "csv", "-o", file.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!(
            "{}: exists and is not a directory: give a directory (it is created when missing)\n",
            file.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let r = run(&["export", "--to", "csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("nodes.csv, relationships.csv, sources.csv, ladybug/, load-ladybug.cypher"),
        "{}",
        r.stderr
    );
}

/// The benchmark's queries (with the targets written in) and a few more on
/// a graph with a two-label entity: the same text in kg and LadybugDB.
const OWNERS_QUERIES: &[(&str, &str)] = &[
    (
        "Q1",
        "MATCH (o)-[:OWNS]->(t {id: 'c1'}) RETURN o.id ORDER BY o.id",
    ),
    (
        "Q2",
        "MATCH (o)-[:OWNS*1..10]->(t {id: 'd1'}) RETURN DISTINCT o.id ORDER BY o.id",
    ),
    (
        "Q3",
        "MATCH (p {id: 'p2'})-[:OWNS*1..10]->(x) RETURN DISTINCT x.id ORDER BY x.id",
    ),
    (
        "Q5",
        "MATCH (o)-[:OWNS]->() RETURN o.id, count(*) AS c ORDER BY c DESC, o.id LIMIT 10",
    ),
    (
        "Q6",
        "MATCH (p:Person)-[:OWNS]->(c:Company)-[:OWNS]->(d:Deposit) WHERE d.country = 'RU' RETURN p.id, d.id ORDER BY p.id, d.id",
    ),
    (
        "majority stakes",
        "MATCH (a)-[r:OWNS]->(b) WHERE r.share > 50 RETURN a.name, b.name, r.share ORDER BY a.name, b.name",
    ),
    (
        "a note over two lines",
        "MATCH (x)-[r:CONTROLS]->(c:Company) RETURN x.name, r.note, r.source, c.name",
    ),
    (
        "groups",
        "MATCH (a:Company)-[r:PART_OF]->(b:Company) RETURN a.id, b.id, r.since",
    ),
];

#[test]
fn benchmark_queries_give_the_same_answers_in_ladybugdb_on_a_two_label_graph() {
    let dir = tempfile::tempdir().unwrap();
    let graph = owners_file(dir.path());
    same_answers(Some(&graph), OWNERS_QUERIES);
}

#[test]
fn a_second_label_is_a_column_in_ladybugdb_not_a_table() {
    // What the README says differs: LadybugDB holds p1 (Person, Owner) in
    // the Person table, so `(o:Owner)` finds only x1 there; the `labels`
    // column finds both.
    let Some(python) = ladybug_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let graph = owners_file(dir.path());
    let export = dir.path().join("export");
    ok(&[
        "-g",
        &graph,
        "export",
        "--to",
        "csv",
        "-o",
        export.to_str().unwrap(),
    ]);
    let owners = "MATCH (o:Owner) RETURN o.id ORDER BY o.id";
    let by_column = "MATCH (o) WHERE o.labels CONTAINS 'Owner' RETURN o.id, o.labels ORDER BY o.id";
    let unlabelled = "MATCH (o) WHERE o.id IN ['p1', 'x1'] RETURN o.id ORDER BY o.id";
    let queries: BTreeMap<&str, &str> = [
        ("owners", owners),
        ("by column", by_column),
        ("unlabelled", unlabelled),
    ]
    .into_iter()
    .collect();
    let lb = ladybug_answers(&python, &export, &queries);
    assert_eq!(
        kg_rows(Some(&graph), owners),
        serde_json::json!([["p1"], ["x1"]])
    );
    assert_eq!(lb["owners"], serde_json::json!([["x1"]]));
    assert_eq!(
        lb["by column"],
        serde_json::json!([["p1", "Person;Owner"], ["x1", "Owner"]])
    );
    assert_eq!(lb["unlabelled"], kg_rows(Some(&graph), unlabelled));
}

/// A graph that only the library can make (graph files need labels that
/// are identifiers): an entity without a label, labels with a space, a
/// dash, a quote and a backtick, labels that differ only in case, a type
/// with a space, and a type named like a label.
fn odd_graph() -> Graph {
    use kg::graph::{Entity, PropValue, Props, Relation};
    let mut g = Graph::new();
    let add = |g: &mut Graph, id: &str, labels: &[&str]| {
        let labels = labels.iter().map(|l| g.intern(l)).collect();
        let mut props = Props::new();
        let k = g.intern("rank");
        props.insert(k, PropValue::Int(id.len() as i64));
        g.add_entity(Entity {
            id: Some(id.into()),
            labels,
            name: Some(format!("name of {id}").into()),
            aliases: Vec::new(),
            props,
        })
        .unwrap()
    };
    let none = add(&mut g, "none", &[]);
    let agency = add(&mut g, "agency", &["State Agency"]);
    let dash = add(&mut g, "dash", &["my-label", "Extra"]);
    let upper = add(&mut g, "upper", &["Person"]);
    let lower = add(&mut g, "lower", &["person"]);
    let quote = add(&mut g, "quote", &["it's `odd`"]);
    let rel = |g: &mut Graph, a, b, ty: &str| {
        let t = g.intern(ty);
        g.add_relation(a, b, Relation::new(t)).unwrap();
    };
    rel(&mut g, agency, dash, "has part");
    rel(&mut g, none, agency, "has part");
    rel(&mut g, upper, lower, "KNOWS");
    rel(&mut g, lower, quote, "PERSON");
    rel(&mut g, quote, none, "knows");
    g
}

#[test]
fn odd_labels_and_unlabelled_entities_get_valid_tables_and_file_names() {
    let g = odd_graph();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let written = kg::export::csv::write_dir(&g, &out, false).unwrap();
    assert_eq!(written.node_tables, 5, "Person and person share a table");
    assert_eq!(written.rel_tables, 3, "KNOWS and knows share a table");
    assert_eq!(
        files_under(&out),
        [
            "ladybug/nodes_Entity.csv",
            "ladybug/nodes_Person.csv",
            "ladybug/nodes_State-Agency.csv",
            "ladybug/nodes_it-s--odd-.csv",
            "ladybug/nodes_my-label.csv",
            "ladybug/rels_KNOWS_Person_Person.csv",
            "ladybug/rels_KNOWS_it-s--odd-_Entity.csv",
            "ladybug/rels_PERSON_REL_Person_it-s--odd-.csv",
            "ladybug/rels_has-part_Entity_State-Agency.csv",
            "ladybug/rels_has-part_State-Agency_my-label.csv",
            "load-ladybug.cypher",
            "nodes.csv",
            "relationships.csv",
            "sources.csv",
        ]
    );
    assert_eq!(
        std::fs::read_to_string(out.join("ladybug/nodes_Person.csv")).unwrap(),
        "id,labels,name,aliases,rank\nupper,Person,name of upper,,5\nlower,person,name of lower,,5\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("ladybug/nodes_Entity.csv")).unwrap(),
        "id,labels,name,aliases,rank\nnone,,name of none,,4\n"
    );
    let script = std::fs::read_to_string(out.join("load-ladybug.cypher")).unwrap();
    for line in [
        "CREATE NODE TABLE `it's ``odd```(id STRING PRIMARY KEY, labels STRING, name STRING, aliases STRING, `rank` INT64);",
        "CREATE REL TABLE `has part`(FROM `Entity` TO `State Agency`, FROM `State Agency` TO `my-label`, since STRING, until STRING, source STRING, locator STRING, note STRING, quote STRING);",
        "COPY `PERSON_REL` FROM 'ladybug/rels_PERSON_REL_Person_it-s--odd-.csv' (HEADER=true, FROM='Person', TO='it\\'s `odd`');",
    ] {
        assert!(script.lines().any(|l| l == line), "{line}\nnot in\n{script}");
    }

    let Some(python) = ladybug_python() else {
        return;
    };
    let queries: &[(&str, &str)] = &[
        (
            "a label with a space and a type with a space",
            "MATCH (a:`State Agency`)-[:`has part`]->(b:`my-label`) RETURN a.id, b.id, b.labels",
        ),
        (
            "unlabelled entities",
            "MATCH (n:Entity) RETURN n.id, n.rank",
        ),
        (
            "quotes and backticks",
            "MATCH (n:`it's ``odd```)-[]->(m) RETURN n.id, m.id",
        ),
        (
            "a type named like a label",
            "MATCH (a)-[:PERSON_REL]->(b) RETURN a.id, b.id",
        ),
    ];
    let map: BTreeMap<&str, &str> = queries.iter().copied().collect();
    let lb = ladybug_answers(&python, &out, &map);
    let expect = |name: &str| &lb[name];
    assert_eq!(
        expect("a label with a space and a type with a space"),
        &serde_json::json!([["agency", "dash", "my-label;Extra"]])
    );
    assert_eq!(
        normalise(expect("unlabelled entities")),
        normalise(&serde_json::json!([["none", 4]]))
    );
    assert_eq!(
        expect("quotes and backticks"),
        &serde_json::json!([["quote", "none"]])
    );
    assert_eq!(
        expect("a type named like a label"),
        &serde_json::json!([["lower", "quote"]])
    );
    // kg gives the same answer to the first query, with the same text.
    let mut g = g;
    let kg = run_script(&mut g, queries[0].1, &Params::new(), &Options::default()).unwrap();
    assert_eq!(kg[0].rows.len(), 1);
    assert_eq!(kg[0].rows[0][0], Value::Str("agency".into()));
    assert_eq!(kg[0].rows[0][1], Value::Str("dash".into()));
}

#[test]
fn a_property_named_like_a_fixed_column_gets_its_own_column_in_ladybugdb() {
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("clash.json");
    std::fs::write(
        &graph,
        r#"{"kg": 1, "entities": [
  {"id": "a", "labels": ["Thing"], "name": "A", "props": {"labels": "mine", "Aliases": 3}},
  {"id": "b", "labels": ["Thing"], "name": "B"}],
 "relations": [{"from": "a", "type": "R", "to": "b", "note": "the field", "props": {"Note": "the property"}}]}
"#,
    )
    .unwrap();
    let graph = graph.to_str().unwrap();
    let out = dir.path().join("out");
    ok(&[
        "-g",
        graph,
        "export",
        "--to",
        "csv",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        first_line(&out.join("ladybug/nodes_Thing.csv")),
        "id,labels,name,aliases,Aliases_prop,labels_prop"
    );
    assert_eq!(
        first_line(&out.join("ladybug/rels_R_Thing_Thing.csv")),
        "from,to,since,until,source,locator,note,quote,Note_prop"
    );
    let script = std::fs::read_to_string(out.join("load-ladybug.cypher")).unwrap();
    assert!(
        script.contains("aliases STRING, `Aliases_prop` INT64, `labels_prop` STRING);"),
        "{script}"
    );
    let Some(python) = ladybug_python() else {
        return;
    };
    let q = "MATCH (a:Thing)-[r:R]->(b) RETURN a.labels, a.labels_prop, a.Aliases_prop, r.note, r.Note_prop";
    let lb = ladybug_answers(&python, &out, &[("q", q)].into_iter().collect());
    assert_eq!(
        normalise(&lb["q"]),
        normalise(&serde_json::json!([[
            "Thing",
            "mine",
            3,
            "the field",
            "the property"
        ]]))
    );
}

#[test]
fn the_hostile_graph_loads_into_ladybugdb_with_its_text_intact() {
    same_answers(
        Some(HOSTILE),
        &[
            (
                "entities",
                // An empty name is absent in CSV, so null in LadybugDB.
                "MATCH (n) WHERE n.id <> 'empty' RETURN n.id, n.name ORDER BY n.id",
            ),
            (
                "relations",
                "MATCH (a)-[r]->(b) RETURN a.id, b.id, r.note, r.quote, r.locator ORDER BY a.id, b.id, r.note",
            ),
        ],
    );
}
