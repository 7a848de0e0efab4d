//! `kg gen`: a synthetic ownership graph for benchmarks.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use super::CliError;
use crate::generate::{generate, GenError, Spec};

/// Runs `kg gen`: generates the graph and writes its files into `dir`,
/// then says what was written.
pub fn run(
    entities: usize,
    seed: u64,
    dir: &Path,
    csv: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let started = Instant::now();
    let graph = generate(&Spec { entities, seed }).map_err(|e| match e {
        GenError::Entities(_) => CliError::Usage(e.to_string()),
        other => CliError::Failed(other.to_string()),
    })?;
    let written = graph
        .write_dir(dir, csv)
        .map_err(|e| CliError::Failed(e.to_string()))?;
    writeln!(
        out,
        "wrote {} entities and {} relations (seed {seed}) to {} in {:.1} s: {}",
        graph.entity_count(),
        graph.relation_count(),
        dir.display(),
        started.elapsed().as_secs_f64(),
        written.join(", ")
    )?;
    Ok(())
}
