//! `kg export`: golden files for every format on a graph of hostile names
//! and on the seed graph, Graphviz and XML validity, round trips, the
//! LadybugDB interop check, and bad inputs.
//!
//! `KG_BLESS=1 cargo test --test export` rewrites the golden files in
//! `tests/golden/export/` from the current output.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{root, test_cache_dir};

use std::collections::{BTreeMap, BTreeSet, HashMap};
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

fn seed_text() -> &'static str {
    kg::cli::BUILTIN_GRAPH
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
        let mut files: Vec<String> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(
            files,
            [
                "load-ladybug.cypher",
                "nodes.csv",
                "relationships.csv",
                "sources.csv"
            ],
            "{name}: no temporary file may be left behind"
        );
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

/// Runs a Cypher export into an empty graph and compares the graph files.
/// A script carries no graph name and no sources (they are comments), so
/// those are copied over before comparing.
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
    for s in original.sources() {
        g.add_source(s.clone());
    }
    assert_eq!(
        to_file_text(&g).unwrap(),
        to_file_text(original).unwrap(),
        "{name}"
    );
}

#[test]
fn cypher_export_runs_into_an_empty_graph_and_gives_the_same_graph() {
    cypher_round_trip("hostile", &load(HOSTILE));
    cypher_round_trip("seed", &load_str("seed", seed_text()).unwrap());
}

#[test]
fn a_query_export_draws_what_the_query_returns_and_nothing_else() {
    let dot = ok(&[
        "export",
        "--to",
        "dot",
        "--query",
        "MATCH p = (o)-[:OWNS|CONTROLS*1..5]->(d {id: 'tomtorskoye'}) RETURN p",
    ]);
    for id in ["\"alexander-nesis\"", "\"east-group\"", "\"tomtorskoye\""] {
        assert!(dot.contains(&format!("  {id} [")), "{id} missing:\n{dot}");
    }
    assert_eq!(dot.matches(" -> ").count(), 2, "{dot}");
    assert!(!dot.contains("\"yakutia\""));
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
        .replace("&#45;", "-");
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

fn json_of(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Int(i) => (*i as f64).into(),
        Value::Float(f) => (*f).into(),
        Value::Str(s) => s.clone().into(),
        other => panic!("unexpected {other:?}"),
    }
}

fn normalise(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Number(n) => n.as_f64().unwrap().into(),
        serde_json::Value::Array(a) => a.iter().map(normalise).collect(),
        other => other.clone(),
    }
}

/// (name, kg query, LadybugDB query): the same question in each schema.
const INTEROP: &[(&str, &str, &str)] = &[
    (
        "entities by label",
        "MATCH (e) UNWIND labels(e) AS l RETURN l, count(*) AS n ORDER BY l",
        "MATCH (e:Entity) RETURN e.labels, count(*) ORDER BY e.labels",
    ),
    (
        "relations by type",
        "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n ORDER BY t",
        "MATCH ()-[r:Relation]->() RETURN r.type AS t, count(*) ORDER BY t",
    ),
    (
        "owners of Tomtorskoye",
        "MATCH (o)-[:OWNS|CONTROLS*1..5]->(d {id: 'tomtorskoye'}) RETURN DISTINCT o.name ORDER BY o.name",
        "MATCH (o:Entity)-[r:Relation*1..5 (e, n | WHERE e.type IN ['OWNS', 'CONTROLS'])]->(d:Entity {id: 'tomtorskoye'}) RETURN DISTINCT o.name ORDER BY o.name",
    ),
    (
        "memoranda",
        "MATCH (a)-[r:SIGNED_MEMORANDUM]->(b) RETURN a.name, b.name, r.since, r.project, r.locator ORDER BY b.name",
        "MATCH (a:Entity)-[r:Relation]->(b:Entity) WHERE r.type = 'SIGNED_MEMORANDUM' RETURN a.name, b.name, r.since, r.project, r.locator ORDER BY b.name",
    ),
    (
        "reserves in tonnes",
        "MATCH (a)-[r:HAS_RESERVES]->(b) WHERE r.tonnes IS NOT NULL RETURN a.name, b.name, r.tonnes ORDER BY a.name, b.name",
        "MATCH (a:Entity)-[r:Relation]->(b:Entity) WHERE r.type = 'HAS_RESERVES' AND r.tonnes IS NOT NULL RETURN a.name, b.name, r.tonnes ORDER BY a.name, b.name",
    ),
    (
        "deposits and where they lie",
        "MATCH (d:Deposit)-[:LOCATED_IN]->(r) RETURN d.name, r.name, d.ore_tonnes ORDER BY d.name",
        "MATCH (d:Entity)-[l:Relation]->(r:Entity) WHERE d.labels = 'Deposit' AND l.type = 'LOCATED_IN' RETURN d.name, r.name, d.ore_tonnes ORDER BY d.name",
    ),
];

#[test]
fn the_csv_export_of_the_seed_graph_loads_into_ladybugdb_with_the_same_answers() {
    let Some(python) = std::env::var_os("KG_LADYBUG_PYTHON") else {
        eprintln!("skipped: set KG_LADYBUG_PYTHON to a python with the `ladybug` package (.ci/run does) to check the CSV export against LadybugDB");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export");
    ok(&["export", "--to", "csv", "-o", export.to_str().unwrap()]);
    let queries: BTreeMap<&str, &str> = INTEROP.iter().map(|(n, _, l)| (*n, *l)).collect();
    let mut child = Command::new(&python)
        .arg(root().join("tests/interop/ladybug_check.py"))
        .arg(&export)
        .arg(dir.path().join("db"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(serde_json::to_string(&queries).unwrap().as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "ladybug_check.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ladybug: BTreeMap<String, serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();

    let mut g = load_str("seed", seed_text()).unwrap();
    let mut compared = BTreeSet::new();
    for (name, kg_query, _) in INTEROP {
        let results = run_script(&mut g, kg_query, &Params::new(), &Options::default()).unwrap();
        let kg_rows: serde_json::Value = results[0]
            .rows
            .iter()
            .map(|row| row.iter().map(json_of).collect::<serde_json::Value>())
            .collect();
        let lb_rows = normalise(&ladybug[*name]);
        assert!(
            !kg_rows.as_array().unwrap().is_empty(),
            "{name}: kg found nothing"
        );
        assert_eq!(kg_rows, lb_rows, "{name}: kg and LadybugDB disagree");
        compared.insert(*name);
        eprintln!(
            "LadybugDB agrees with kg on {name}: {} rows",
            lb_rows.as_array().unwrap().len()
        );
    }
    assert_eq!(compared.len(), INTEROP.len());
}
