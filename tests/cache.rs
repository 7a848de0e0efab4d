//! Compiled snapshots through the binary: whatever happens to the graph
//! files or to the snapshot, the answer is the files' and a snapshot that
//! does not match is rebuilt. Every test has its own cache folder
//! (`KG_CACHE_DIR` in a temporary folder).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use assert_cmd::prelude::*;

const GRAPH: &str = r#"{"kg": 1, "name": "cache test",
  "entities": [
    {"id": "alpha", "labels": ["Company"], "name": "Alpha", "props": {"country": "FI"}},
    {"id": "beta", "labels": ["Person"], "name": "Beta", "aliases": ["B."]}
  ],
  "relations": [
    {"from": "beta", "type": "OWNS", "to": "alpha", "props": {"share": 60}, "since": "2019-03"}
  ]}
"#;

const OTHER: &str = r#"{"kg": 1,
  "entities": [{"id": "gamma", "labels": ["Company"], "name": "Gamma"}],
  "relations": []}
"#;

const QUERY: &str = "MATCH (n) OPTIONAL MATCH (n)-[r]->(m) RETURN n.id, n.name, type(r), r.share, m.id ORDER BY n.id";

struct Env {
    dir: tempfile::TempDir,
}

struct Run {
    stdout: String,
    stderr: String,
    ok: bool,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("g.json"), GRAPH).unwrap();
        fs::write(dir.path().join("other.json"), OTHER).unwrap();
        Env { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn cache(&self) -> PathBuf {
        self.path("cache")
    }

    fn run(&self, args: &[&str]) -> Run {
        let out = Command::cargo_bin("kg")
            .unwrap()
            .current_dir(self.dir.path())
            .env_remove("KG_GRAPH")
            .env("KG_CACHE_DIR", self.cache())
            .args(args)
            .output()
            .unwrap();
        Run {
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
            ok: out.status.success(),
        }
    }

    /// The answer to QUERY on `files`, through the cache, and how the
    /// graph was loaded ("snapshot" or "files").
    fn answer(&self, files: &[&str]) -> (String, &'static str) {
        let mut args = vec!["-v"];
        for f in files {
            args.extend(["-g", f]);
        }
        args.extend(["query", "--format", "json", QUERY]);
        let r = self.run(&args);
        assert!(r.ok, "{}", r.stderr);
        let how = if r.stderr.contains("from the compiled snapshot") {
            "snapshot"
        } else if r.stderr.contains("wrote their snapshot") {
            "files"
        } else {
            panic!("unexpected: {}", r.stderr)
        };
        (r.stdout, how)
    }

    /// The answer from the JSON, bypassing the cache.
    fn truth(&self, files: &[&str]) -> String {
        let mut args = vec!["--no-cache"];
        for f in files {
            args.extend(["-g", f]);
        }
        args.extend(["query", "--format", "json", QUERY]);
        let r = self.run(&args);
        assert!(r.ok, "{}", r.stderr);
        r.stdout
    }

    /// The snapshot files in the cache folder.
    fn snapshots(&self) -> Vec<PathBuf> {
        common::snapshots_in(&self.cache())
    }

    fn the_snapshot(&self) -> PathBuf {
        common::the_snapshot_in(&self.cache())
    }

    /// Loads `files` twice: the first load writes the snapshot, the
    /// second uses it; both answer as the JSON does.
    fn warm(&self, files: &[&str]) -> String {
        let truth = self.truth(files);
        assert_eq!(self.answer(files), (truth.clone(), "files"));
        assert_eq!(self.answer(files), (truth.clone(), "snapshot"));
        truth
    }

    /// After a change to the files or to the snapshot: the answer is the
    /// files', read from them, and the next load uses the new snapshot.
    fn rebuilt(&self, files: &[&str]) {
        let truth = self.truth(files);
        assert_eq!(self.answer(files), (truth.clone(), "files"));
        assert_eq!(self.answer(files), (truth, "snapshot"));
    }
}

fn mtime(p: &Path) -> SystemTime {
    fs::metadata(p).unwrap().modified().unwrap()
}

fn set_mtime(p: &Path, t: SystemTime) {
    fs::File::options()
        .write(true)
        .open(p)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

#[test]
fn a_snapshot_is_written_then_used() {
    let env = Env::new();
    env.warm(&["g.json"]);
    let stats = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(["-g", "g.json", "stats", "--format", "json"]);
        let r = env.run(&args);
        assert!(r.ok, "{}", r.stderr);
        r.stdout
    };
    assert_eq!(stats(&[]), stats(&["--no-cache"]));
    let name = env
        .the_snapshot()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("kg-") && name.ends_with(".snap"), "{name}");
}

#[test]
fn an_edit_of_the_same_size_and_time_is_seen_by_its_checksum() {
    let env = Env::new();
    let before = env.warm(&["g.json"]);
    let file = env.path("g.json");
    let t = mtime(&file);
    fs::write(&file, GRAPH.replace("\"Alpha\"", "\"Alphb\"")).unwrap();
    set_mtime(&file, t);
    assert_eq!(mtime(&file), t);
    env.rebuilt(&["g.json"]);
    let after = env.truth(&["g.json"]);
    assert_ne!(before, after);
    assert!(after.contains("Alphb"));
}

#[test]
fn an_edit_that_changes_the_size_rebuilds() {
    let env = Env::new();
    env.warm(&["g.json"]);
    fs::write(
        env.path("g.json"),
        GRAPH.replace("\"Alpha\"", "\"Alpha Oy\""),
    )
    .unwrap();
    env.rebuilt(&["g.json"]);
    assert!(env.truth(&["g.json"]).contains("Alpha Oy"));
}

/// The -v line of a load through the snapshot.
fn how_checked(env: &Env) -> String {
    let r = env.run(&["-v", "-g", "g.json", "stats"]);
    assert!(r.ok, "{}", r.stderr);
    r.stderr
        .lines()
        .find(|l| l.contains("from the compiled snapshot") || l.contains("wrote their snapshot"))
        .unwrap_or_else(|| panic!("{}", r.stderr))
        .to_string()
}

/// Sets the graph file's modification time an hour back and waits until
/// its status-change time (which that moves to now) is more than 2 s
/// old, so that neither is close to the moment a load reads it.
fn settle(env: &Env) -> SystemTime {
    let file = env.path("g.json");
    let t = SystemTime::now() - Duration::from_secs(3600);
    set_mtime(&file, t);
    std::thread::sleep(Duration::from_millis(2100));
    t
}

#[test]
fn touching_the_file_keeps_the_snapshot_after_hashing_it() {
    let env = Env::new();
    let truth = env.warm(&["g.json"]);
    let file = env.path("g.json");
    set_mtime(&file, mtime(&file) + Duration::from_secs(5));
    assert_eq!(env.answer(&["g.json"]), (truth, "snapshot"));
    assert!(how_checked(&env).contains("1 graph file hashed"));
}

#[test]
fn a_settled_file_is_trusted_by_its_identity_and_a_fresh_one_is_hashed() {
    let env = Env::new();
    settle(&env);
    env.warm(&["g.json"]);
    assert!(
        how_checked(&env).contains("unchanged in size, times, inode and device"),
        "{}",
        how_checked(&env)
    );
    // Written again with the same bytes a moment ago: racily clean.
    fs::write(env.path("g.json"), GRAPH).unwrap();
    assert!(how_checked(&env).contains("1 graph file hashed"));
}

#[test]
fn an_edit_that_keeps_the_size_rebuilds() {
    let env = Env::new();
    settle(&env);
    env.warm(&["g.json"]);
    fs::write(env.path("g.json"), GRAPH.replace("\"Alpha\"", "\"Alphb\"")).unwrap();
    env.rebuilt(&["g.json"]);
    assert!(env.truth(&["g.json"]).contains("Alphb"));
}

#[test]
fn a_replaced_file_is_hashed_kept_when_the_same_and_rebuilt_when_not() {
    let env = Env::new();
    let t = settle(&env);
    let truth = env.warm(&["g.json"]);
    // The same bytes and time in a new file renamed into place: another
    // inode.
    let copy = env.path("copy.json");
    fs::write(&copy, GRAPH).unwrap();
    set_mtime(&copy, t);
    fs::rename(&copy, env.path("g.json")).unwrap();
    assert_eq!(env.answer(&["g.json"]), (truth, "snapshot"));
    assert!(how_checked(&env).contains("1 graph file hashed"));
    // Other bytes of the same size, renamed into place. (Given the
    // recorded time too, the new file could also get the recorded inode
    // back, which file systems reuse: the residual risk of
    // `an_edit_that_sets_the_time_back_is_found_by_cache_verify`.)
    fs::write(&copy, GRAPH.replace("\"Alpha\"", "\"Alphc\"")).unwrap();
    fs::rename(&copy, env.path("g.json")).unwrap();
    env.rebuilt(&["g.json"]);
    assert!(env.truth(&["g.json"]).contains("Alphc"));
}

/// An edit in place whose modification time is set back keeps the size,
/// the time, the inode and the device; its status-change time moves, so
/// the load hashes the file and rebuilds.
#[test]
fn an_edit_that_sets_the_time_back_is_seen_by_its_status_change_time() {
    let env = Env::new();
    let t = settle(&env);
    env.warm(&["g.json"]);
    let file = env.path("g.json");
    fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .and_then(|mut f| {
            use std::io::Write;
            f.write_all(GRAPH.replace("\"Alpha\"", "\"Alphd\"").as_bytes())
        })
        .unwrap();
    set_mtime(&file, t);
    assert_eq!(mtime(&file), t);
    env.rebuilt(&["g.json"]);
    assert!(env.truth(&["g.json"]).contains("Alphd"));
}

/// `kg cache verify` checks in full: a valid snapshot passes (exit 0); a
/// stale one is reported, removed (exit 1) and rebuilt by the next load;
/// with none there is nothing to check (exit 1).
#[test]
fn cache_verify_passes_a_valid_snapshot_and_removes_a_stale_one() {
    let env = Env::new();
    env.warm(&["g.json"]);
    let verify = env.run(&["-g", "g.json", "cache", "verify", "--format", "json"]);
    assert!(verify.ok, "{}", verify.stderr);
    assert!(verify.stdout.contains("\"valid\""), "{}", verify.stdout);
    assert!(verify.stdout.contains("\"content\""), "{}", verify.stdout);
    fs::write(
        env.path("g.json"),
        GRAPH.replace("\"Alpha\"", "\"Alpha Oy\""),
    )
    .unwrap();
    let verify = env.run(&["-g", "g.json", "cache", "verify"]);
    assert!(!verify.ok);
    assert!(verify.stdout.contains("stale: "), "{}", verify.stdout);
    assert!(verify.stderr.contains("changed size"), "{}", verify.stderr);
    assert!(verify.stderr.contains("removed it"), "{}", verify.stderr);
    assert!(env.snapshots().is_empty());
    let verify = env.run(&["-g", "g.json", "cache", "verify"]);
    assert!(!verify.ok);
    assert!(
        verify.stdout.contains("state:        missing"),
        "{}",
        verify.stdout
    );
    assert!(!verify.stdout.contains("checked:"), "{}", verify.stdout);
    env.rebuilt(&["g.json"]);
}

#[test]
fn cache_verify_needs_graph_files() {
    let env = Env::new();
    let r = env.run(&["cache", "verify"]);
    assert!(!r.ok);
    assert!(r.stderr.contains("-g FILE"), "{}", r.stderr);
}

#[test]
fn a_truncated_snapshot_is_rebuilt() {
    let env = Env::new();
    env.warm(&["g.json"]);
    let snap = env.the_snapshot();
    let full = fs::read(&snap).unwrap();
    for len in [0, 7, 12, 40, full.len() / 2, full.len() - 1] {
        fs::write(&snap, &full[..len]).unwrap();
        env.rebuilt(&["g.json"]);
        assert_eq!(fs::read(&snap).unwrap().len(), full.len());
    }
}

/// A flipped byte in the header fails its checksum at the next load; one
/// in the body is found by `kg cache verify` (loads do not hash the
/// body), which removes the snapshot.
#[test]
fn a_flipped_byte_in_the_header_is_rebuilt_and_one_in_the_body_found_by_verify() {
    let env = Env::new();
    env.warm(&["g.json"]);
    let snap = env.the_snapshot();
    let full = fs::read(&snap).unwrap();
    // 13 is in the header's source count, 30 in the first source's path.
    for at in [13, 30] {
        let mut bad = full.clone();
        bad[at] ^= 0x01;
        fs::write(&snap, &bad).unwrap();
        env.rebuilt(&["g.json"]);
        assert_eq!(fs::read(&snap).unwrap().len(), full.len(), "byte {at}");
    }
    // The last byte is in the body.
    let full = fs::read(&snap).unwrap();
    let mut bad = full.clone();
    let last = bad.len() - 20;
    bad[last] ^= 0x01;
    fs::write(&snap, &bad).unwrap();
    let verify = env.run(&["-g", "g.json", "cache", "verify"]);
    assert!(!verify.ok);
    assert!(verify.stdout.contains("damaged"), "{}", verify.stdout);
    assert!(verify.stderr.contains("checksum"), "{}", verify.stderr);
    assert!(env.snapshots().is_empty());
    env.rebuilt(&["g.json"]);
}

#[test]
fn a_snapshot_of_another_format_version_is_rebuilt() {
    let env = Env::new();
    env.warm(&["g.json"]);
    let snap = env.the_snapshot();
    let mut bytes = fs::read(&snap).unwrap();
    bytes[8..12].copy_from_slice(&999u32.to_le_bytes());
    fs::write(&snap, &bytes).unwrap();
    let info = env.run(&["-g", "g.json", "cache"]);
    assert!(info.stdout.contains("damaged"), "{}", info.stdout);
    assert!(info.stdout.contains("version 999"), "{}", info.stdout);
    env.rebuilt(&["g.json"]);
}

#[test]
fn a_snapshot_of_another_file_set_is_not_used() {
    let env = Env::new();
    env.warm(&["other.json"]);
    let other_snap = env.the_snapshot();
    env.warm(&["g.json"]);
    let g_snap = env
        .snapshots()
        .into_iter()
        .find(|p| *p != other_snap)
        .unwrap();
    fs::copy(&other_snap, &g_snap).unwrap();
    let info = env.run(&["-g", "g.json", "cache"]);
    assert!(info.stdout.contains("stale"), "{}", info.stdout);
    env.rebuilt(&["g.json"]);
    assert!(env.truth(&["g.json"]).contains("Alpha"));
}

#[test]
fn no_cache_neither_reads_nor_writes() {
    let env = Env::new();
    let r = env.run(&["--no-cache", "-g", "g.json", "stats"]);
    assert!(r.ok, "{}", r.stderr);
    assert!(env.snapshots().is_empty());
    // With a snapshot present, --no-cache does not read it: a damaged one
    // stays as it is.
    env.warm(&["g.json"]);
    let snap = env.the_snapshot();
    fs::write(&snap, b"KGSNAP\r\n damaged").unwrap();
    let r = env.run(&["--no-cache", "-v", "-g", "g.json", "stats"]);
    assert!(r.ok && r.stderr.is_empty(), "{}", r.stderr);
    assert_eq!(fs::read(&snap).unwrap(), b"KGSNAP\r\n damaged");
}

#[test]
fn files_loaded_together_share_one_snapshot_that_either_invalidates() {
    let env = Env::new();
    let both = ["g.json", "other.json"];
    env.warm(&both);
    env.the_snapshot();
    fs::write(env.path("other.json"), OTHER.replace("Gamma", "Gamma Ltd")).unwrap();
    env.rebuilt(&both);
    assert!(env.truth(&both).contains("Gamma Ltd"));
    fs::write(env.path("g.json"), GRAPH.replace("\"Beta\"", "\"Betb\"")).unwrap();
    env.rebuilt(&both);
    assert_eq!(env.snapshots().len(), 1);
    // The other order is another set.
    env.warm(&["other.json", "g.json"]);
    assert_eq!(env.snapshots().len(), 2);
}

#[test]
fn a_write_to_the_file_is_seen_by_the_next_load() {
    let env = Env::new();
    env.warm(&["g.json"]);
    let r = env.run(&[
        "-g",
        "g.json",
        "query",
        "--write",
        "MATCH (n {id: 'alpha'}) SET n.name = 'Alpha Renamed'",
    ]);
    assert!(r.ok, "{}", r.stderr);
    env.rebuilt(&["g.json"]);
    assert!(env.truth(&["g.json"]).contains("Alpha Renamed"));
}

#[test]
fn an_unwritable_cache_folder_costs_nothing_but_time() {
    let env = Env::new();
    fs::write(env.path("cache"), "a file, not a folder").unwrap();
    let truth = env.truth(&["g.json"]);
    let r = env.run(&["-g", "g.json", "query", "--format", "json", QUERY]);
    assert!(r.ok && r.stderr.is_empty(), "{}", r.stderr);
    assert_eq!(r.stdout, truth);
    let r = env.run(&["-v", "-g", "g.json", "stats"]);
    assert!(r.stderr.contains("no snapshot written"), "{}", r.stderr);
}

#[test]
fn cache_info_path_and_clear() {
    let env = Env::new();
    let r = env.run(&["cache", "path"]);
    assert_eq!(r.stdout.trim(), env.cache().display().to_string());
    let r = env.run(&["cache"]);
    assert!(r.stdout.contains("built-in graph"), "{}", r.stdout);
    let r = env.run(&["-g", "g.json", "cache", "info"]);
    assert!(r.stdout.contains("state:        missing"), "{}", r.stdout);

    env.warm(&["g.json"]);
    env.warm(&["other.json"]);
    let r = env.run(&["-g", "g.json", "cache", "--format", "json"]);
    let info: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(info["snapshot"]["state"], "valid");
    assert!(info["snapshot"]["size"].as_u64().unwrap() > 100);
    let snap = PathBuf::from(info["snapshot"]["path"].as_str().unwrap());
    assert!(env.snapshots().contains(&snap));

    // Files that are not kg's stay.
    fs::write(env.cache().join("notes.txt"), "mine").unwrap();
    fs::write(
        env.cache().join("kg-0123456789abcdef.snap"),
        "not a snapshot",
    )
    .unwrap();
    let r = env.run(&["cache", "clear"]);
    assert!(r.ok, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("removed 2 snapshot files"),
        "{}",
        r.stdout
    );
    let left: Vec<String> = env
        .snapshots()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["kg-0123456789abcdef.snap", "notes.txt"]);
    let r = env.run(&["-g", "g.json", "cache"]);
    assert!(r.stdout.contains("missing"), "{}", r.stdout);
}
