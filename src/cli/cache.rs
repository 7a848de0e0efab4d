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
        action @ (CacheAction::Info | CacheAction::Verify) => {
            let verify = action == CacheAction::Verify;
            let as_json = table_or_json(args.format, "cache")?;
            let paths = graph_paths(args);
            if verify && paths.is_empty() {
                return Err(CliError::Usage(
                    "kg cache verify checks the snapshot of graph files: give them with -g FILE (or $KG_GRAPH); the built-in graph has none".into(),
                ));
            }
            let status = if paths.is_empty() {
                None
            } else {
                let check = if verify { cache::verify } else { cache::status };
                Some(check(&paths, &dir).map_err(|e| CliError::Failed(format!("kg: {e}")))?)
            };
            // A snapshot that fails the full check is removed, so that
            // the next load rebuilds it: a load would not see what the
            // check saw.
            let result = match &status {
                Some(s) if verify && s.state != State::Valid => {
                    let removed = match (&s.state, std::fs::remove_file(&s.path)) {
                        (State::Missing, _) => String::new(),
                        (_, Ok(())) => "; removed it, the next load rebuilds it".into(),
                        (_, Err(e)) => format!("; it could not be removed: {e}"),
                    };
                    Err(CliError::Failed(format!(
                        "kg: the snapshot {} is {}{removed}",
                        s.path.display(),
                        s.state
                    )))
                }
                _ => Ok(()),
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
                write_json(
                    out,
                    &json!({
                        "folder": dir.display().to_string(),
                        "graph": paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                        "cache": !args.no_cache,
                        "checked": if verify { "content" } else { "as a load checks" },
                        "snapshot": snapshot,
                    }),
                )?;
                return result;
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
                    if verify && s.state != State::Missing {
                        writeln!(
                            out,
                            "checked:      every graph file and the snapshot hashed, every record decoded"
                        )?;
                    }
                    if args.no_cache {
                        writeln!(out, "(--no-cache: loads neither use nor write it)")?;
                    }
                }
            }
            result
        }
    }
}
