//! Helpers shared by the integration tests that run the `kg` binary.

// Each test binary uses the part of these it needs.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::prelude::*;

/// The crate's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The snapshot cache of the tests, so that they never touch the user's.
pub fn test_cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("kg-cache")
}

/// The example queries, `queries/*.cypher`, sorted; there are at least 10.
pub fn example_queries() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("queries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "cypher"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "only {} example queries", files.len());
    files
}

/// The snapshot files in the cache folder `cache`, sorted.
pub fn snapshots_in(cache: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(cache) {
        Ok(d) => d.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// The one snapshot in the cache folder `cache`.
pub fn the_snapshot_in(cache: &Path) -> PathBuf {
    let v = snapshots_in(cache);
    assert_eq!(v.len(), 1, "{v:?}");
    v.into_iter().next().unwrap()
}

/// `kg` run in `dir`, with no `$KG_GRAPH` and the tests' cache folder.
pub fn kg_in(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("kg").unwrap();
    c.current_dir(dir)
        .env_remove("KG_GRAPH")
        .env("KG_CACHE_DIR", test_cache_dir());
    c
}

/// What a run of `kg` gave.
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output as text.
    pub stdout: String,
    /// Standard error as text.
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}
