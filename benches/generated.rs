//! Criterion benchmarks on a graph made by the generator of `kg gen`, in
//! process: the six benchmark queries Q1-Q6 (README, "Benchmarks") and the ownership
//! statements (`OWNERS OF $id ULTIMATE`, `HOLDINGS OF $id ULTIMATE`),
//! cycling over the generated targets. `KG_BENCH_ENTITIES` sets the size
//! (default 100,000; 1,000,000 for the figures of the performance issue),
//! `KG_BENCH_SEED` the seed (default 42).
//!
//! ```sh
//! cargo bench --bench generated
//! KG_BENCH_ENTITIES=1000000 cargo bench --bench generated -- --quick
//! ```

use std::cell::Cell;

use criterion::{criterion_group, criterion_main, Criterion};
use kg::generate::{generate, Spec};
use kg::query::{execute, parse_statement, Options, Params, Value};

/// Name, the targets it cycles over, and the statement.
const STATEMENTS: [(&str, &str, &str); 8] = [
    ("Q1", "owned", "MATCH (o)-[:OWNS]->(t {id: $id}) RETURN o.id"),
    ("Q2", "owned", "MATCH (o)-[:OWNS*1..10]->(t {id: $id}) RETURN DISTINCT o.id"),
    ("Q3", "persons", "MATCH (p {id: $id})-[:OWNS*1..10]->(x) RETURN DISTINCT x.id"),
    ("Q4", "pairs", "MATCH p = shortestPath((a {id: $a})-[*..20]-(b {id: $b})) RETURN length(p)"),
    ("Q5", "", "MATCH (o)-[:OWNS]->() RETURN o.id, count(*) AS c ORDER BY c DESC, o.id LIMIT 10"),
    ("Q6", "", "MATCH (p:Person)-[:OWNS]->(c:Company)-[:OWNS]->(d:Deposit) WHERE d.country = 'RU' RETURN p.id, d.id"),
    ("owners ultimate", "owned", "OWNERS OF $id ULTIMATE"),
    ("holdings ultimate", "persons", "HOLDINGS OF $id ULTIMATE"),
];

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn generated(c: &mut Criterion) {
    let entities = env_number("KG_BENCH_ENTITIES", 100_000) as usize;
    let seed = env_number("KG_BENCH_SEED", 42);
    let synthetic = match generate(&Spec { entities, seed }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("skipping the generated-graph benchmarks: {e}");
            return;
        }
    };
    let mut text = Vec::new();
    let loaded = synthetic
        .write_graph(&mut text)
        .map_err(|e| e.to_string())
        .and_then(|()| String::from_utf8(text).map_err(|e| e.to_string()))
        .and_then(|t| kg::graph::load_str("generated", &t).map_err(|e| e.to_string()));
    let mut graph = match loaded {
        Ok(g) => g,
        Err(e) => {
            eprintln!("skipping the generated-graph benchmarks: {e}");
            return;
        }
    };
    let targets = synthetic.targets();
    drop(synthetic);

    let mut group = c.benchmark_group(format!("generated {entities}"));
    group.sample_size(20);
    for (name, key, text) in STATEMENTS {
        let Ok(statement) = parse_statement(text) else {
            eprintln!("{name}: does not parse");
            continue;
        };
        let str_param = |k: &str, v: &serde_json::Value| {
            Some((k.to_string(), Value::Str(v.as_str()?.to_string())))
        };
        let sets: Vec<Params> = match key {
            "" => vec![Params::new()],
            "pairs" => targets[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| {
                    Some(Params::from([
                        str_param("a", &p[0])?,
                        str_param("b", &p[1])?,
                    ]))
                })
                .collect(),
            _ => targets[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|id| Some(Params::from([str_param("id", id)?])))
                .collect(),
        };
        if sets.is_empty() {
            continue;
        }
        let options = Options::default();
        // A statement that fails is reported, not timed.
        if let Err(e) = execute(&mut graph, text, &statement, &sets[0], &options) {
            eprintln!("{name}: {e}");
            continue;
        }
        let next = Cell::new(0usize);
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

criterion_group!(benches, generated);
criterion_main!(benches);
