//! The floor of loading a graph file: serde_json parsing the same file
//! into plain structs that mirror it, nothing else, against kg's own load
//! (`kg::graph::load_paths`: parse, check, build the graph and its
//! indexes), in one process. Prints one JSON object: the medians of
//! `RUNS` runs (default 3) and the ratio kg / floor.
//!
//! ```sh
//! cargo run --release --example load_floor -- /tmp/bench/100k/graph.json [RUNS]
//! ```
//!
//! Both sides read the file from disk in each run (the page cache makes
//! that a copy); `read_s` is that copy alone.

use std::path::PathBuf;
use std::time::Instant;

use serde::Deserialize;
use serde_json::{json, Map, Value};

// The same allocator as the `kg` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A graph file, format version 1, as plain data.
#[allow(dead_code)] // Read only by the parser: the point is to build them.
#[derive(Deserialize)]
struct File {
    kg: u32,
    name: Option<String>,
    #[serde(default)]
    sources: Vec<Map<String, Value>>,
    entities: Vec<Entity>,
    relations: Vec<Relation>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Entity {
    id: String,
    labels: Vec<String>,
    name: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    props: Map<String, Value>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Relation {
    from: String,
    #[serde(rename = "type")]
    ty: String,
    to: String,
    #[serde(default)]
    props: Map<String, Value>,
    since: Option<String>,
    until: Option<String>,
    source: Option<String>,
    locator: Option<String>,
    note: Option<String>,
    quote: Option<String>,
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() {
    kg::alloc::keep_freed_pages();
    if let Err(e) = run() {
        eprintln!("load_floor: {e}");
        std::process::exit(1);
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    match xs.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().ok_or("usage: load_floor GRAPH.json [RUNS]")?);
    let runs: usize = match args.next() {
        Some(r) => r
            .parse()
            .map_err(|_| format!("RUNS: `{r}` is not a number"))?,
        None => 3,
    };
    let runs = runs.max(1);
    let (mut read, mut floor, mut kg_load) = (Vec::new(), Vec::new(), Vec::new());
    let (mut entities, mut relations) = (0, 0);
    for _ in 0..runs {
        let t = Instant::now();
        drop(std::fs::read_to_string(&path)?);
        read.push(t.elapsed().as_secs_f64());

        let t = Instant::now();
        let text = std::fs::read_to_string(&path)?;
        let file: File = serde_json::from_str(&text)?;
        floor.push(t.elapsed().as_secs_f64());
        (entities, relations) = (file.entities.len(), file.relations.len());
        drop(file);
        drop(text);

        let t = Instant::now();
        let graph = kg::graph::load_paths(&[&path])?;
        kg_load.push(t.elapsed().as_secs_f64());
        if (graph.entity_count(), graph.relation_count()) != (entities, relations) {
            return Err("kg and the floor read different numbers of records".into());
        }
        drop(graph);
    }
    let (read, floor, kg_load) = (median(read), median(floor), median(kg_load));
    let out = json!({
        "file": path.display().to_string(),
        "bytes": std::fs::metadata(&path)?.len(),
        "entities": entities,
        "relations": relations,
        "runs": runs,
        "read_s": read,
        "floor_s": floor,
        "kg_load_s": kg_load,
        "ratio_kg_to_floor": kg_load / floor,
    });
    println!("{out}");
    Ok(())
}
