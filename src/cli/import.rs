//! `kg import` and `kg merge`: graph files built from other sources, and
//! several graph files combined into one.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::args::ImportFormat;
use super::CliError;
use crate::export::file::write_atomic;
use crate::graph::{load_paths, load_str, to_file_text, Graph};
use crate::import::{self, Format, Import};

fn format_of(f: ImportFormat) -> Format {
    match f {
        ImportFormat::Csv => Format::Csv,
        ImportFormat::Ftm => Format::Ftm,
        ImportFormat::Bods => Format::Bods,
    }
}

/// Writes the graph as a file: to `output` atomically, else to `out`.
fn write_graph(graph: &Graph, output: Option<&Path>, out: &mut dyn Write) -> Result<(), CliError> {
    let text = to_file_text(graph).map_err(|e| CliError::Failed(e.to_string()))?;
    match output {
        Some(path) => {
            write_atomic(path, text.as_bytes()).map_err(|e| CliError::Failed(e.to_string()))?
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(())
}

/// Runs `kg import`.
pub fn run_import(
    from: ImportFormat,
    files: &[PathBuf],
    output: Option<&Path>,
    skip_invalid: bool,
    name: Option<&str>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let inputs = import::read_inputs(files).map_err(|e| CliError::Failed(e.to_string()))?;
    let mut stderr = std::io::stderr();
    let terminal = stderr.is_terminal();
    let mut progress = |n: usize| {
        if terminal {
            let _ = write!(stderr, "\rkg import: {n} records read");
        }
    };
    let Import {
        mut graph,
        invalid,
        counts,
    } = import::import(format_of(from), &inputs, &mut progress);
    if terminal && counts.records >= import::PROGRESS_EVERY {
        eprintln!();
    }
    if !invalid.is_empty() {
        let lines: Vec<String> = invalid.iter().map(ToString::to_string).collect();
        if !skip_invalid {
            return Err(CliError::Failed(format!(
                "{}\nkg import: {} invalid {}; nothing written (--skip-invalid leaves them out and writes the rest)",
                lines.join("\n"),
                invalid.len(),
                if invalid.len() == 1 { "row" } else { "rows" }
            )));
        }
        for l in &lines {
            eprintln!("{}", crate::output::table::visible(l));
        }
        eprintln!(
            "kg import: skipped {} invalid {}",
            invalid.len(),
            if invalid.len() == 1 { "row" } else { "rows" }
        );
    }
    for (reason, n) in &counts.skipped {
        eprintln!("kg import: left out {n} {reason}");
    }
    if let Some(n) = name {
        graph.name = Some(n.to_string());
    }
    // The written file must load: a check against importer bugs.
    let text = to_file_text(&graph).map_err(|e| CliError::Failed(e.to_string()))?;
    load_str("the imported graph", &text)?;
    write_graph(&graph, output, out)
}

/// Runs `kg merge`.
pub fn run_merge(
    files: &[PathBuf],
    output: Option<&Path>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let graph = load_paths(files)?;
    write_graph(&graph, output, out)
}
