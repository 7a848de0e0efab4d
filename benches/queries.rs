//! Criterion benchmarks: parse time of a long query, and the six
//! benchmark queries Q1-Q6 (README, "Benchmarks") on the graph in
//! `$KG_BENCH_GRAPH` (a folder with `graph.json` and `targets.json` as
//! `kg gen` writes them; default /tmp/bench/100k). The query benchmarks are skipped with a message when
//! the folder is missing.
//!
//! ```sh
//! kg gen --entities 100000 --out /tmp/bench/100k
//! cargo bench --bench queries
//! ```

use std::cell::Cell;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use kg::query::{execute, parse_statement, Options, Params, Value};

const QUERIES: [(&str, &str, &str); 6] = [
    ("Q1", "owned", "MATCH (o)-[:OWNS]->(t {id: $id}) RETURN o.id"),
    ("Q2", "owned", "MATCH (o)-[:OWNS*1..10]->(t {id: $id}) RETURN DISTINCT o.id"),
    ("Q3", "persons", "MATCH (p {id: $id})-[:OWNS*1..10]->(x) RETURN DISTINCT x.id"),
    ("Q4", "pairs", "MATCH p = shortestPath((a {id: $a})-[*..20]-(b {id: $b})) RETURN length(p)"),
    ("Q5", "", "MATCH (o)-[:OWNS]->() RETURN o.id, count(*) AS c ORDER BY c DESC, o.id LIMIT 10"),
    ("Q6", "", "MATCH (p:Person)-[:OWNS]->(c:Company)-[:OWNS]->(d:Deposit) WHERE d.country = 'RU' RETURN p.id, d.id"),
];

fn parse(c: &mut Criterion) {
    // 50 clauses, about 2.5 KB.
    let mut q = String::new();
    for i in 0..49 {
        q.push_str(&format!(
            "MATCH (a{i}:Company {{id: 'c{i}'}})-[r{i}:OWNS*1..3]->(b{i}) WHERE b{i}.country IN ['RU', 'US'] AND r{i} IS NOT NULL\n"
        ));
    }
    q.push_str("RETURN a0.name AS name, count(DISTINCT b0) AS n ORDER BY n DESC LIMIT 10");
    c.bench_function(&format!("parse {} clauses, {} bytes", 50, q.len()), |b| {
        b.iter(|| parse_statement(std::hint::black_box(&q)).map(|s| s.span))
    });
}

fn queries(c: &mut Criterion) {
    let dir = PathBuf::from(
        std::env::var("KG_BENCH_GRAPH").unwrap_or_else(|_| "/tmp/bench/100k".to_string()),
    );
    let (Ok(targets), true) = (
        std::fs::read_to_string(dir.join("targets.json")),
        dir.join("graph.json").exists(),
    ) else {
        eprintln!(
            "skipping the query benchmarks: no graph.json and targets.json in {} \
             (kg gen --entities 100000 --out {0})",
            dir.display()
        );
        return;
    };
    let Ok(targets) = serde_json::from_str::<serde_json::Value>(&targets) else {
        eprintln!("skipping the query benchmarks: targets.json is not JSON");
        return;
    };
    let mut graph = match kg::graph::load_paths(&[dir.join("graph.json")]) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("skipping the query benchmarks: {e}");
            return;
        }
    };
    let mut group = c.benchmark_group(format!("{} entities", graph.entity_count()));
    group.sample_size(20);
    for (name, key, text) in QUERIES {
        let Ok(statement) = parse_statement(text) else {
            continue;
        };
        // The parameter sets, cycled over like the peers do.
        let sets: Vec<Params> = match key {
            "" => vec![Params::new()],
            "pairs" => targets[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| {
                    Some(Params::from([
                        ("a".to_string(), Value::Str(p[0].as_str()?.to_string())),
                        ("b".to_string(), Value::Str(p[1].as_str()?.to_string())),
                    ]))
                })
                .collect(),
            _ => targets[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|id| {
                    Some(Params::from([(
                        "id".to_string(),
                        Value::Str(id.as_str()?.to_string()),
                    )]))
                })
                .collect(),
        };
        if sets.is_empty() {
            continue;
        }
        let next = Cell::new(0usize);
        let options = Options::default();
        group.bench_function(name, |b| {
            b.iter(|| {
                let i = next.get();
                next.set(i + 1);
                let params = &sets[i % sets.len()];
                execute(&mut graph, text, &statement, params, &options).map(|r| r.rows.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse, queries);
criterion_main!(benches);
