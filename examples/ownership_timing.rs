//! Times ultimate-owner questions on a graph file, in one process after
//! loading it once: `cargo run --release --example ownership_timing --
//! [--runs N] GRAPH.json TARGET...` prints the load time and, per target,
//! the first run and the median of N runs (default 7).

use std::time::Instant;

use kg::graph::{load_paths, lookup::resolve};
use kg::ownership::{ultimate::ultimate, Direction};

// The same allocator as the `kg` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    kg::alloc::keep_freed_pages();
    let usage = "usage: ownership_timing [--runs N] GRAPH.json TARGET...";
    let mut args = std::env::args().skip(1).peekable();
    let mut runs = 7;
    if args.peek().map(String::as_str) == Some("--runs") {
        args.next();
        runs = args
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n > 0)
            .ok_or("--runs needs a whole number of runs above 0")?;
    }
    let path = args.next().ok_or(usage)?;
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
        for _ in 0..runs {
            let t = Instant::now();
            let u = ultimate(&graph, n, Direction::Up, None);
            times.push(t.elapsed());
            answers = u.answers.len();
        }
        let first = times[0];
        times.sort();
        let median = times[times.len() / 2];
        println!("{name}: {answers} answers, first run {first:.2?}, median of {runs} {median:.2?}");
        medians.push(median);
    }
    medians.sort();
    if let Some(m) = medians.get(medians.len() / 2) {
        println!("median over targets: {m:.2?}");
    }
    Ok(())
}
