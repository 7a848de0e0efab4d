//! petgraph's algorithms on the graph as kg stores it (`kg::graph::visit`,
//! `kg::ownership::view`) give the answers of the same algorithms on a
//! plain petgraph copy, whether the graph was loaded from JSON or read in
//! place from its snapshot; ownership cycles agree with reachability
//! computed in the test; subgraphs built from kept ids equal the graph
//! with the rest deleted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// The reachability matrix is clearer indexed.
#![allow(clippy::needless_range_loop)]

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use kg::graph::{load_paths, load_str, Graph, NodeIndex, BUILTIN_GRAPH, BUILTIN_NAME};
use petgraph::algo::{has_path_connecting, kosaraju_scc};
use petgraph::graph::DiGraph;
use petgraph::visit::{Bfs, EdgeFiltered, EdgeRef, IntoEdgeReferences};

use common::{kg_in, root, Run};

/// A plain petgraph copy of `graph`: node `i` is entity `i`, and each
/// relation an edge with its type's name, in index order.
fn copy(graph: &Graph) -> DiGraph<(), String> {
    let mut g = DiGraph::new();
    for _ in 0..graph.node_bound() {
        g.add_node(());
    }
    for e in graph.relation_indices() {
        let (a, b) = graph.endpoints(e).unwrap();
        let ty = graph.resolve(graph.relation(e).unwrap().ty).to_string();
        g.add_edge(
            petgraph::graph::NodeIndex::new(a.index()),
            petgraph::graph::NodeIndex::new(b.index()),
            ty,
        );
    }
    g
}

/// Components as sets of indexes, order-free.
fn normal(components: Vec<Vec<usize>>) -> BTreeSet<BTreeSet<usize>> {
    components
        .into_iter()
        .map(|c| c.into_iter().collect())
        .collect()
}

/// The generated graph of 3,000 entities, and the same read in place from
/// its snapshot.
fn generated() -> (tempfile::TempDir, Graph, Graph) {
    let dir = tempfile::tempdir().unwrap();
    let r: Run = kg_in(dir.path())
        .args(["gen", "--entities", "3000", "--out", "g"])
        .output()
        .unwrap()
        .into();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let file = dir.path().join("g/graph.json");
    let plain = load_paths(&[&file]).unwrap();
    let cache = dir.path().join("cache");
    kg::graph::cache::load(&[&file], &cache).unwrap();
    let (frozen, outcome) = kg::graph::cache::load(&[&file], &cache).unwrap();
    assert!(matches!(outcome, kg::graph::cache::Outcome::Used { .. }));
    assert!(frozen.is_frozen());
    (dir, plain, frozen)
}

fn every_form() -> Vec<(&'static str, Graph)> {
    let (_dir, plain, frozen) = generated();
    vec![
        ("seed", load_str(BUILTIN_NAME, BUILTIN_GRAPH).unwrap()),
        ("generated", plain),
        ("generated, from its snapshot", frozen),
    ]
}

#[test]
fn strongly_connected_components_match_a_plain_copy() {
    for (what, graph) in every_form() {
        let reference = copy(&graph);
        let expected = normal(
            kosaraju_scc(&reference)
                .into_iter()
                .map(|c| c.into_iter().map(|n| n.index()).collect())
                .collect(),
        );
        let got = normal(
            kosaraju_scc(&graph)
                .into_iter()
                .map(|c| c.into_iter().map(|n| n.index()).collect())
                .collect(),
        );
        assert_eq!(got, expected, "{what}");
        if what != "seed" {
            assert!(got.iter().any(|c| c.len() > 1), "{what}: no cycle to test");
        }
    }
}

#[test]
fn breadth_first_search_and_reachability_match_a_plain_copy() {
    for (what, graph) in every_form() {
        let reference = copy(&graph);
        let starts: Vec<usize> = (0..graph.node_bound()).step_by(97).collect();
        for &s in &starts {
            let mut bfs = Bfs::new(&graph, NodeIndex::new(s));
            let mut got = BTreeSet::new();
            while let Some(n) = bfs.next(&graph) {
                got.insert(n.index());
            }
            let start = petgraph::graph::NodeIndex::new(s);
            let mut bfs = Bfs::new(&reference, start);
            let mut expected = BTreeSet::new();
            while let Some(n) = bfs.next(&reference) {
                expected.insert(n.index());
            }
            assert_eq!(got, expected, "{what}: from {s}");
            for &t in starts.iter().take(8) {
                assert_eq!(
                    has_path_connecting(&graph, NodeIndex::new(s), NodeIndex::new(t), None),
                    has_path_connecting(
                        &reference,
                        start,
                        petgraph::graph::NodeIndex::new(t),
                        None
                    ),
                    "{what}: {s} to {t}"
                );
            }
        }
    }
}

#[test]
fn filtered_views_and_edge_references_match_a_plain_copy() {
    for (what, graph) in every_form() {
        let reference = copy(&graph);
        assert_eq!(
            (&graph).edge_references().count(),
            graph.relation_count(),
            "{what}"
        );
        // The seed graph has CONTROLS, the generated one OWNS.
        let name = ["OWNS", "CONTROLS"]
            .into_iter()
            .find(|t| graph.sym(t).is_some())
            .unwrap();
        let ty = graph.sym(name).unwrap();
        let view = EdgeFiltered::from_fn(&graph, |r: kg::graph::visit::RelationRef| {
            r.relation().ty == ty
        });
        let reference_view = EdgeFiltered::from_fn(&reference, |e| e.weight() == name);
        let got = normal(
            kosaraju_scc(&view)
                .into_iter()
                .map(|c| c.into_iter().map(|n| n.index()).collect())
                .collect(),
        );
        let expected = normal(
            kosaraju_scc(&reference_view)
                .into_iter()
                .map(|c| c.into_iter().map(|n| n.index()).collect())
                .collect(),
        );
        assert_eq!(got, expected, "{what}");
        // Every edge's ends are the relation's.
        for r in (&graph).edge_references().take(500) {
            assert_eq!(graph.endpoints(r.id()), Some((r.source(), r.target())));
        }
    }
}

/// Which entities reach which along ownership (owner to owned: OWNS,
/// CONTROLS, and PART_OF turned round), by repeated squaring of the
/// adjacency matrix in the test; a cycle is a set of two or more
/// entities that reach each other, or one that reaches itself.
fn cycles_by_reachability(graph: &Graph) -> BTreeSet<BTreeSet<usize>> {
    let n = graph.node_bound();
    let mut reach = vec![vec![false; n]; n];
    for e in graph.relation_indices() {
        let (a, b) = graph.endpoints(e).unwrap();
        let (owner, owned) = match graph.resolve(graph.relation(e).unwrap().ty) {
            "OWNS" | "CONTROLS" => (a, b),
            "PART_OF" => (b, a),
            _ => continue,
        };
        reach[owner.index()][owned.index()] = true;
    }
    for k in 0..n {
        for i in 0..n {
            if reach[i][k] {
                for j in 0..n {
                    if reach[k][j] {
                        reach[i][j] = true;
                    }
                }
            }
        }
    }
    let mut seen: HashMap<usize, usize> = HashMap::new();
    let mut cycles: Vec<BTreeSet<usize>> = Vec::new();
    for i in 0..n {
        if !reach[i][i] || seen.contains_key(&i) {
            continue;
        }
        let members: BTreeSet<usize> = (0..n).filter(|&j| reach[i][j] && reach[j][i]).collect();
        for &m in &members {
            seen.insert(m, cycles.len());
        }
        cycles.push(members);
    }
    cycles.into_iter().collect()
}

#[test]
fn ownership_cycles_match_reachability_on_every_cycle_graph() {
    let dir = root().join("tests/data/ownership/cycles");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut graphs: Vec<(String, Graph)> = files
        .iter()
        .map(|p| (p.display().to_string(), load_paths(&[p]).unwrap()))
        .collect();
    graphs.push((
        "seed".into(),
        load_str(BUILTIN_NAME, BUILTIN_GRAPH).unwrap(),
    ));
    let mut with_cycles = 0;
    for (what, graph) in graphs {
        let got: BTreeSet<BTreeSet<usize>> = kg::ownership::view::cycles(&graph, None)
            .into_iter()
            .map(|c| c.into_iter().map(|n| n.index()).collect())
            .collect();
        let expected = cycles_by_reachability(&graph);
        assert_eq!(got, expected, "{what}");
        with_cycles += usize::from(!got.is_empty());
    }
    assert!(with_cycles >= 5, "only {with_cycles} graphs with cycles");
}

/// The graph with every entity and relation not kept deleted, the way
/// subgraphs were made before they were built from the kept ids.
fn by_deleting(
    graph: &Graph,
    nodes: &BTreeSet<NodeIndex>,
    rels: &BTreeSet<kg::graph::EdgeIndex>,
) -> Graph {
    let mut g = graph.clone();
    let drop: Vec<_> = g.relation_indices().filter(|e| !rels.contains(e)).collect();
    for e in drop {
        g.remove_relation(e);
    }
    let drop: Vec<_> = g.entity_indices().filter(|n| !nodes.contains(n)).collect();
    for n in drop {
        g.remove_entity(n);
    }
    g
}

#[test]
fn a_subgraph_built_from_kept_ids_is_the_graph_with_the_rest_deleted() {
    let (_dir, plain, frozen) = generated();
    for (what, graph) in [("plain", &plain), ("frozen", &frozen)] {
        let nodes: BTreeSet<NodeIndex> = graph
            .entity_indices()
            .filter(|n| n.index() % 3 != 0)
            .collect();
        let rels: BTreeSet<_> = graph
            .relation_indices()
            .filter(|e| {
                e.index() % 2 == 0
                    && graph
                        .endpoints(*e)
                        .is_some_and(|(a, b)| nodes.contains(&a) && nodes.contains(&b))
            })
            .collect();
        let built = graph.subgraph(nodes.iter().copied(), rels.iter().copied());
        // Named twice, each entity and relation is kept once.
        let twice = graph.subgraph(
            nodes.iter().chain(&nodes).copied(),
            rels.iter().chain(&rels).copied(),
        );
        assert_eq!(
            (twice.entity_count(), twice.relation_count()),
            (nodes.len(), rels.len()),
            "{what}"
        );
        let reference = by_deleting(&plain, &nodes, &rels);
        assert_eq!(built.entity_count(), nodes.len(), "{what}");
        assert_eq!(built.relation_count(), rels.len(), "{what}");
        assert_eq!(
            kg::graph::to_file_text(&built).unwrap(),
            kg::graph::to_file_text(&reference).unwrap(),
            "{what}"
        );
    }
}

/// `kg stats` names the ownership cycles: none in the seed graph, the
/// three members of the cycle in `three-cycle.json`.
#[test]
fn stats_name_the_ownership_cycles() {
    let run = |args: &[&str]| -> Run { kg_in(&root()).args(args).output().unwrap().into() };
    let seed = run(&["stats"]);
    assert!(
        seed.stdout.contains("ownership cycles: none"),
        "{}",
        seed.stdout
    );
    let file = "tests/data/ownership/cycles/three-cycle.json";
    let graph = load_paths(&[Path::new(file)]).unwrap();
    let cycle = &kg::ownership::view::cycles(&graph, None)[0];
    let ids: Vec<String> = cycle
        .iter()
        .map(|&n| graph.entity(n).unwrap().id.as_deref().unwrap().to_string())
        .collect();
    let r = run(&["-g", file, "stats"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = format!(
        "ownership cycles: 1 (the largest has 3 entities: {}",
        ids.join(", ")
    );
    assert!(r.stdout.contains(&line), "{}", r.stdout);
    let own = run(&[
        "-g",
        "tests/data/ownership/cycles/self-holding.json",
        "stats",
    ]);
    assert!(
        own.stdout
            .contains("ownership cycles: 1 (the largest has 1 entity: "),
        "{}",
        own.stdout
    );
    let r = run(&["-g", file, "stats", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["ownership_cycles"]["count"], 1);
    assert_eq!(v["ownership_cycles"]["largest_size"], 3);
    assert_eq!(v["ownership_cycles"]["largest"], serde_json::json!(ids));
}

/// A read-only run refuses an updating statement instead of changing the
/// graph it only reads.
#[test]
fn a_read_only_run_refuses_an_updating_statement() {
    let graph = load_str(BUILTIN_NAME, BUILTIN_GRAPH).unwrap();
    let text = "MATCH (n {id: 'rosnedra'}) SET n.checked = true";
    let script = kg::query::parse_script(text).unwrap();
    let err = kg::query::execute_read(
        &graph,
        text,
        &script.statements[0],
        &kg::query::Params::new(),
        &kg::query::Options::default(),
    )
    .unwrap_err();
    assert!(
        err.render(text).contains("only read"),
        "{}",
        err.render(text)
    );
    let text = "MATCH (n {id: 'rosnedra'}) RETURN n.name";
    let script = kg::query::parse_script(text).unwrap();
    let rows = kg::query::execute_read(
        &graph,
        text,
        &script.statements[0],
        &kg::query::Params::new(),
        &kg::query::Options::default(),
    )
    .unwrap()
    .rows;
    assert_eq!(rows.len(), 1);
}
