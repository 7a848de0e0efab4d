//! Times ultimate-owner questions on a graph file, in one process after
//! loading it once: `cargo run --release --example ownership_timing --
//! GRAPH.json TARGET...` prints the load time and, per target, the median
//! of several runs.

use std::time::Instant;

use kg::graph::{load_paths, lookup::resolve};
use kg::ownership::{ultimate::ultimate, Direction};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: ownership_timing GRAPH.json TARGET...")?;
    let start = Instant::now();
    let graph = load_paths(&[std::path::PathBuf::from(&path)])?;
    println!(
        "loaded {} entities, {} relations in {:.2?}",
        graph.entity_count(),
        graph.relation_count(),
        start.elapsed()
    );
    let mut medians = Vec::new();
    for name in args {
        let n = resolve(&graph, &name)?;
        let mut times = Vec::new();
        let mut answers = 0;
        for _ in 0..7 {
            let t = Instant::now();
            let u = ultimate(&graph, n, Direction::Up, None);
            times.push(t.elapsed());
            answers = u.answers.len();
        }
        let first = times[0];
        times.sort();
        println!(
            "{name}: {answers} answers, first run {first:.2?}, median of 7 {:.2?}",
            times[3]
        );
        medians.push(times[3]);
    }
    medians.sort();
    if let Some(m) = medians.get(medians.len() / 2) {
        println!("median over targets: {m:.2?}");
    }
    Ok(())
}
