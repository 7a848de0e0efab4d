//! Q1-Q6 of ../shared/bench/README.md against a generated graph, as one
//! JSON object on stdout: load time, warm medians, and the answers (for
//! the peers script to compare).
//!
//! ```sh
//! cargo run --release --example bench_queries -- /tmp/bench/100k [RUNS]
//! cargo run --release --example bench_queries -- /tmp/bench/100k --cold
//! ```
//!
//! `KG_BENCH_ONLY=Q4,Q5` runs only those queries, `KG_BENCH_QUERY=TEXT`
//! only that query (for profiling).
//! `DIR` holds `graph.json` and `targets.json` (gen.py's output). Warm
//! times are medians over `RUNS` (default 20, at least 20 per targeted
//! query) timed runs after one warm-up pass, cycling over the seeded
//! targets. `--cold` loads the graph, answers Q1 once for the first target
//! and prints the load and query times (the caller times the process).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kg::graph::Graph;
use kg::query::{execute, parse_statement, Options, Params, QueryResult, Value};
use serde_json::json;

/// The six queries, as in the bench README.
const QUERIES: [(&str, &str); 6] = [
    ("Q1", "MATCH (o)-[:OWNS]->(t {id: $id}) RETURN o.id"),
    (
        "Q2",
        "MATCH (o)-[:OWNS*1..10]->(t {id: $id}) RETURN DISTINCT o.id",
    ),
    (
        "Q3",
        "MATCH (p {id: $id})-[:OWNS*1..10]->(x) RETURN DISTINCT x.id",
    ),
    (
        "Q4",
        "MATCH p = shortestPath((a {id: $a})-[*..20]-(b {id: $b})) RETURN length(p)",
    ),
    (
        "Q5",
        "MATCH (o)-[:OWNS]->() RETURN o.id, count(*) AS c ORDER BY c DESC, o.id LIMIT 10",
    ),
    (
        "Q6",
        "MATCH (p:Person)-[:OWNS]->(c:Company)-[:OWNS]->(d:Deposit) WHERE d.country = 'RU' RETURN p.id, d.id",
    ),
];

// The same allocator as the `kg` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() {
    kg::alloc::keep_freed_pages();
    if let Err(e) = run() {
        eprintln!("bench_queries: {e}");
        std::process::exit(1);
    }
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/bench/100k".to_string()));
    let rest: Vec<String> = args.collect();
    let cold = rest.iter().any(|a| a == "--cold");
    let runs: usize = rest
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(20)
        .max(1);
    let targets = read_targets(&dir)?;

    let t0 = Instant::now();
    let mut graph = kg::graph::load_paths(&[dir.join("graph.json")])?;
    let load = t0.elapsed().as_secs_f64();

    if cold {
        let first = targets.owned.first().ok_or("no targets")?;
        let t1 = Instant::now();
        let r = run_one(&mut graph, QUERIES[0].1, &[("id", first)])?;
        let q1 = t1.elapsed().as_secs_f64();
        let out = json!({"load_s": load, "q1_s": q1, "rows": r.rows.len()});
        println!("{out}");
        return Ok(());
    }

    if let Ok(text) = std::env::var("KG_BENCH_QUERY") {
        // One ad-hoc query without parameters, for profiling.
        let statement = parse_statement(&text)?;
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let r = execute(
                &mut graph,
                &text,
                &statement,
                &Params::new(),
                &Options::default(),
            )?;
            times.push(t.elapsed().as_secs_f64());
            std::hint::black_box(r);
        }
        println!("{}", json!({"query": text, "median_s": median(&mut times)}));
        return Ok(());
    }
    let mut medians = serde_json::Map::new();
    let mut answers = serde_json::Map::new();
    let only = std::env::var("KG_BENCH_ONLY").unwrap_or_default();
    for (name, text) in QUERIES {
        if !only.is_empty() && !only.split(',').any(|q| q == name) {
            continue;
        }
        let statement = parse_statement(text)?;
        let args = args_of(name, &targets);
        let options = Options::default();
        // One warm-up pass over the targets, which also records the answers.
        let mut per_target = Vec::new();
        for a in &args {
            let params = params_of(a);
            let r = execute(&mut graph, text, &statement, &params, &options)?;
            per_target.push(answer(name, &r));
        }
        let n = runs.max(args.len());
        let mut times = Vec::with_capacity(n);
        for i in 0..n {
            let params = params_of(&args[i % args.len()]);
            let t = Instant::now();
            let r = execute(&mut graph, text, &statement, &params, &options)?;
            times.push(t.elapsed().as_secs_f64());
            std::hint::black_box(r);
        }
        medians.insert(name.to_string(), json!(median(&mut times)));
        answers.insert(name.to_string(), json!(per_target));
    }
    let out = json!({
        "load_s": load,
        "entities": graph.entity_count(),
        "relations": graph.relation_count(),
        "medians_s": medians,
        "answers": answers,
    });
    println!("{out}");
    Ok(())
}

struct Targets {
    owned: Vec<String>,
    persons: Vec<String>,
    pairs: Vec<(String, String)>,
}

fn read_targets(dir: &Path) -> Res<Targets> {
    let text = std::fs::read_to_string(dir.join("targets.json"))?;
    let v: serde_json::Value = serde_json::from_str(&text)?;
    let strs = |k: &str| -> Vec<String> {
        v[k].as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let pairs = v["pairs"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| Some((p[0].as_str()?.to_string(), p[1].as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Ok(Targets {
        owned: strs("owned"),
        persons: strs("persons"),
        pairs,
    })
}

/// The parameter sets a query cycles over.
fn args_of(name: &str, t: &Targets) -> Vec<Vec<(&'static str, String)>> {
    match name {
        "Q1" | "Q2" => t.owned.iter().map(|id| vec![("id", id.clone())]).collect(),
        "Q3" => t
            .persons
            .iter()
            .map(|id| vec![("id", id.clone())])
            .collect(),
        "Q4" => t
            .pairs
            .iter()
            .map(|(a, b)| vec![("a", a.clone()), ("b", b.clone())])
            .collect(),
        _ => vec![Vec::new()],
    }
}

fn params_of(args: &[(&'static str, String)]) -> Params {
    args.iter()
        .map(|(k, v)| (k.to_string(), Value::Str(v.clone())))
        .collect()
}

fn run_one(graph: &mut Graph, text: &str, args: &[(&str, &String)]) -> Res<QueryResult> {
    let statement = parse_statement(text)?;
    let params: Params = args
        .iter()
        .map(|(k, v)| (k.to_string(), Value::Str((*v).clone())))
        .collect();
    Ok(execute(
        graph,
        text,
        &statement,
        &params,
        &Options::default(),
    )?)
}

/// The part of an answer the peers are compared on: Q1-Q3 the sorted id
/// set, Q4 the path length, Q5 the top-10 (id, count) rows, Q6 the row
/// count.
fn answer(name: &str, r: &QueryResult) -> serde_json::Value {
    let text = |v: &Value| match v {
        Value::Str(s) => s.clone(),
        other => format!("{other:?}"),
    };
    match name {
        "Q1" | "Q2" | "Q3" => {
            let set: BTreeSet<String> = r
                .rows
                .iter()
                .filter_map(|row| row.first().map(text))
                .collect();
            json!(set)
        }
        "Q4" => match r.rows.first().and_then(|row| row.first()) {
            Some(Value::Int(n)) => json!(n),
            _ => serde_json::Value::Null,
        },
        "Q5" => json!(r
            .rows
            .iter()
            .map(|row| {
                let id = row.first().map(text).unwrap_or_default();
                let c = match row.get(1) {
                    Some(Value::Int(c)) => *c,
                    _ => -1,
                };
                json!([id, c])
            })
            .collect::<Vec<_>>()),
        _ => json!(r.rows.len()),
    }
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}
