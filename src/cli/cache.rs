//! `kg cache`: where compiled snapshots are, whether the current graph's
//! is valid, and clearing them.

use std::io::Write;

use serde_json::json;

use super::{graph_paths, table_or_json, write_json, Args, CliError};
use crate::cli::args::CacheAction;
use crate::graph::cache::{self, State};

fn no_dir() -> CliError {
    CliError::Failed(format!(
        "kg: there is no cache folder: set ${} (or $XDG_CACHE_HOME or $HOME)",
        cache::CACHE_DIR_ENV
    ))
}

/// Megabytes with one decimal, or bytes below 1 MB.
fn size_text(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{bytes} bytes")
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

pub fn run(args: &Args, action: Option<CacheAction>, out: &mut dyn Write) -> Result<(), CliError> {
    let dir = cache::cache_dir().ok_or_else(no_dir)?;
    match action.unwrap_or(CacheAction::Info) {
        CacheAction::Path => {
            writeln!(out, "{}", dir.display())?;
            Ok(())
        }
        CacheAction::Clear => {
            let (files, bytes) = cache::clear(&dir)
                .map_err(|e| CliError::Failed(format!("kg: {}: {e}", dir.display())))?;
            if table_or_json(args.format, "cache clear")? {
                write_json(
                    out,
                    &json!({"folder": dir.display().to_string(), "removed": files, "bytes": bytes}),
                )
            } else {
                let s = if files == 1 { "" } else { "s" };
                writeln!(
                    out,
                    "removed {files} snapshot file{s} ({}) from {}",
                    size_text(bytes),
                    dir.display()
                )?;
                Ok(())
            }
        }
        CacheAction::Info => {
            let as_json = table_or_json(args.format, "cache")?;
            let paths = graph_paths(args);
            let status = if paths.is_empty() {
                None
            } else {
                Some(
                    cache::status(&paths, &dir)
                        .map_err(|e| CliError::Failed(format!("kg: {e}")))?,
                )
            };
            if as_json {
                let snapshot = status.as_ref().map(|s| {
                    let (state, reason) = match &s.state {
                        State::Missing => ("missing", None),
                        State::Valid => ("valid", None),
                        State::Stale(why) => ("stale", Some(why.as_str())),
                        State::Damaged(why) => ("damaged", Some(why.as_str())),
                    };
                    json!({
                        "path": s.path.display().to_string(),
                        "size": s.size,
                        "state": state,
                        "reason": reason,
                    })
                });
                return write_json(
                    out,
                    &json!({
                        "folder": dir.display().to_string(),
                        "graph": paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                        "cache": !args.no_cache,
                        "snapshot": snapshot,
                    }),
                );
            }
            writeln!(out, "cache folder: {}", dir.display())?;
            match status {
                None => writeln!(
                    out,
                    "graph:        the built-in graph (it needs no snapshot)"
                )?,
                Some(s) => {
                    let files: Vec<String> =
                        paths.iter().map(|p| p.display().to_string()).collect();
                    writeln!(out, "graph files:  {}", files.join(", "))?;
                    writeln!(out, "snapshot:     {}", s.path.display())?;
                    if let Some(size) = s.size {
                        writeln!(out, "size:         {}", size_text(size))?;
                    }
                    writeln!(out, "state:        {}", s.state)?;
                    if args.no_cache {
                        writeln!(out, "(--no-cache: loads neither use nor write it)")?;
                    }
                }
            }
            Ok(())
        }
    }
}
