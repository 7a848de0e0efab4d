//! kg as a library: with the default features off, none of the command
//! line's crates is built (CI also builds the library that way:
//! `cargo check --lib --no-default-features`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

/// The crates a build of kg with `features` depends on (normal
/// dependencies, any depth), as `cargo tree` lists them.
fn dependencies(features: &[&str]) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
            "kg",
        ])
        .args(features)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(String::from)
        .collect()
}

const COMMAND_LINE_CRATES: [&str; 5] = [
    "clap",
    "rustyline",
    "signal-hook",
    "mimalloc",
    "libmimalloc-sys",
];

#[test]
fn the_library_builds_without_the_command_line_crates() {
    let library = dependencies(&["--no-default-features"]);
    assert!(library.iter().any(|c| c == "petgraph"), "{library:?}");
    for name in COMMAND_LINE_CRATES {
        assert!(!library.iter().any(|c| c == name), "{name} in {library:?}");
    }
    // The binary's build has them all.
    let binary = dependencies(&[]);
    for name in COMMAND_LINE_CRATES {
        assert!(binary.iter().any(|c| c == name), "{name} not in {binary:?}");
    }
}
