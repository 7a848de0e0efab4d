//! The example queries in `queries/`: each `NAME.cypher` runs through
//! `kg query -f` on the built-in graph and must print exactly `NAME.out`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::test_cache_dir;

use std::process::Command;

use assert_cmd::prelude::*;

#[test]
fn every_example_query_prints_its_expected_output() {
    let root = common::root();
    let files = common::example_queries();
    let mut failures = Vec::new();
    for file in &files {
        let expected = std::fs::read_to_string(file.with_extension("out"))
            .unwrap_or_else(|_| panic!("{} has no .out file", file.display()));
        let out = Command::cargo_bin("kg")
            .unwrap()
            .current_dir(&root)
            .env_remove("KG_GRAPH")
            .env("KG_CACHE_DIR", test_cache_dir())
            .args(["query", "-f"])
            .arg(file)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || stdout != expected {
            failures.push(format!(
                "{}: exit {:?}\n--- expected\n{expected}--- got\n{stdout}{}",
                file.display(),
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
