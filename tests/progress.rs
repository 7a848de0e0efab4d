//! The progress line of long loads: never on a stderr that is not a
//! terminal, shown (and cleared) on a pseudo-terminal.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{kg_in, test_cache_dir, Run};

use std::path::PathBuf;
use std::process::Command;

/// A generated graph big enough that loading it takes over a second in a
/// test build; made once and kept between runs (the same bytes every
/// time).
fn big_graph() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("progress-graph");
    let file = dir.join("graph.json");
    if !dir.join("meta.json").exists() {
        let r = Run::from(
            kg_in(&std::env::temp_dir())
                .args(["gen", "--entities", "150000", "--seed", "5", "--out"])
                .arg(&dir)
                .output()
                .unwrap(),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    file
}

#[test]
fn no_progress_text_when_stderr_is_not_a_terminal() {
    let file = big_graph();
    let dir = file.parent().unwrap();
    // Through the snapshot cache (a fresh folder: the files are parsed),
    // with -v to see how long the load took.
    let cache = tempfile::tempdir().unwrap();
    let r = Run::from(
        kg_in(dir)
            .env("KG_CACHE_DIR", cache.path())
            .args(["-v", "-g", "graph.json", "stats", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ms: f64 = r
        .stderr
        .strip_prefix("kg: loaded the graph files and wrote their snapshot in ")
        .and_then(|s| s.strip_suffix(" ms\n"))
        .unwrap_or_else(|| panic!("{:?}", r.stderr))
        .parse()
        .unwrap();
    assert!(ms > 1000.0, "the load took {ms} ms: too short to test");
    assert!(r.stdout.starts_with("{\n  \"name\": \"synthetic-150000\""));

    // Without the cache, and `kg check`.
    for args in [
        &["--no-cache", "-g", "graph.json", "stats"][..],
        &["check", "graph.json"][..],
    ] {
        let r = Run::from(kg_in(dir).args(args).output().unwrap());
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{args:?}");
    }
}

#[test]
fn a_terminal_sees_the_progress_line_and_it_is_cleared() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    }
    let file = big_graph();
    let bin = assert_cmd::cargo::cargo_bin("kg");
    let screen = |graphs: &str| {
        let out = Command::new("script")
            .env("KG_CACHE_DIR", test_cache_dir())
            .env_remove("KG_GRAPH")
            .args([
                "-qec",
                &format!("{} --no-cache {graphs} stats", bin.display()),
                "/dev/null",
            ])
            .current_dir(file.parent().unwrap())
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // One good file is built as it is parsed: the line counts the bytes.
    let one = screen("-g graph.json");
    // Two files (the same one twice: identical records merge) are parsed,
    // then built.
    let two = screen("-g graph.json -g ./graph.json");
    for (screen, what) in [(&one, "graph.json"), (&two, "2 files")] {
        assert!(
            screen.contains(&format!("\rloading {what}: parsing ")) && screen.contains("% ("),
            "{screen:?}"
        );
        // Cleared: after the last progress line and before the results,
        // the line is overwritten with spaces and the cursor brought back.
        let results = screen
            .find("synthetic-150000: 150000 entities")
            .unwrap_or_else(|| panic!("{screen:?}"));
        let last = screen[..results].rfind(&format!("loading {what}")).unwrap();
        let tail = &screen[last..results];
        assert!(
            tail.split('\r')
                .any(|part| part.len() >= 40 && part.bytes().all(|b| b == b' ')),
            "{tail:?}"
        );
    }
    assert!(
        two.contains("loading 2 files: building the graph "),
        "{two:?}"
    );
}
