//! `kg check FILE...`: validate graph files together.

use std::io::Write;
use std::path::PathBuf;

use super::{load_files, load_graph, Args, CliError, BUILTIN_NAME};

pub fn run(args: &Args, files: &[PathBuf], out: &mut dyn Write) -> Result<(), CliError> {
    let (graph, what) = if files.is_empty() {
        let names: Vec<String> = args
            .graphs
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let what = if names.is_empty() {
            std::env::var("KG_GRAPH")
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| BUILTIN_NAME.to_string())
        } else {
            names.join(", ")
        };
        (load_graph(args)?, what)
    } else {
        let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        super::check_json_nesting(args, files)?;
        (load_files(files)?, names.join(", "))
    };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "ok: {what}: {}, {}, {}",
        plural(graph.entity_count(), "entity").replace("entitys", "entities"),
        plural(graph.relation_count(), "relation"),
        plural(graph.sources().len(), "source")
    )?;
    Ok(())
}
