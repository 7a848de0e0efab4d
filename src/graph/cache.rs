//! Where compiled snapshots live, and loading graph files through them.
//!
//! The cache folder is `$KG_CACHE_DIR`, else `$XDG_CACHE_HOME/kg`, else
//! `~/.cache/kg`. A set of graph files loaded together has one snapshot,
//! `kg-<hash of their canonical paths>.snap`. [`load`] uses it when every
//! file is still the one it was built from; otherwise it loads the files
//! and writes a new snapshot atomically. Failing to write one (a
//! read-only disk) costs nothing but the next load's time.
//!
//! # When a snapshot is used
//!
//! As git trusts its index, a snapshot is trusted without reading the
//! graph files when each file has the size, modification and
//! status-change times (to the nanosecond), inode and device the snapshot
//! recorded, and neither time is within [`RACY_NS`] of the moment kg
//! read it. A file written that close to its reading is *racily clean*:
//! a second change within the same tick of the file system's clock would
//! leave its times as they were, so such a file is hashed at every load
//! and compared with the checksum recorded. A file whose size is the same but whose
//! times, inode or device differ (`touch`, a copy put in its place) is
//! hashed too, and the snapshot used if the bytes are the same. A file
//! of another size is stale at once.
//!
//! The status-change time (ctime) moves with every write and every
//! change of the times, and no program can set it back, so a file
//! rewritten in place with its modification time set back is hashed.
//! What this misses is a change that keeps all five, which takes a file
//! system without status-change times or with coarse ones, or a clock
//! that disagrees with kg's: a network file system whose server clock is
//! more than [`RACY_NS`] behind this machine's can give a file written
//! just before kg read it a time that does not look recent, and a second
//! write within the same tick then keeps every field. `kg cache verify`
//! (every file hashed, the snapshot's own checksum checked) and
//! `--no-cache` see through it.
//!
//! The snapshot's own body is checked against its checksum by `kg cache
//! verify`, not at every load: a snapshot is written whole, synced to
//! disk, then renamed into place, so a crash leaves the old one or the
//! new one; its header and every record are still checked as they are
//! read.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::load::{load_paths_with, load_texts_with, text_of, LoadError, Progress};
use super::mapped::FileBytes;
use super::model::Graph;
use super::save::temp_path;
use super::snapshot::{self, checksum, now_ns, Header, SnapshotError, SourceStamp};

/// A graph file modified this close (in nanoseconds) before kg read it is
/// hashed at every load (see the module documentation): two seconds, the
/// coarsest clock of the file systems in use (FAT's).
pub const RACY_NS: i128 = 2_000_000_000;

/// The environment variable that names the cache folder.
pub const CACHE_DIR_ENV: &str = "KG_CACHE_DIR";

/// The cache folder: `$KG_CACHE_DIR`, else `$XDG_CACHE_HOME/kg` (when
/// absolute), else `$HOME/.cache/kg`; `None` when none of them is set.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var(CACHE_DIR_ENV) {
        return Some(PathBuf::from(dir));
    }
    if let Some(xdg) = var("XDG_CACHE_HOME").map(PathBuf::from) {
        if xdg.is_absolute() {
            return Some(xdg.join("kg"));
        }
    }
    var("HOME").map(|home| PathBuf::from(home).join(".cache").join("kg"))
}

/// The snapshot file for a set of graph files (canonical paths, in load
/// order) in the cache folder `dir`.
pub fn snapshot_path(dir: &Path, canonical: &[PathBuf]) -> PathBuf {
    let mut key = Vec::new();
    for p in canonical {
        key.extend_from_slice(p.to_string_lossy().as_bytes());
        key.push(0);
    }
    dir.join(format!("kg-{:016x}.snap", checksum(&key)))
}

/// Whether a file name is one kg gives snapshots (`kg-<16 hex>.snap`).
pub fn is_snapshot_name(name: &str) -> bool {
    name.strip_prefix("kg-")
        .and_then(|s| s.strip_suffix(".snap"))
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// What happened to the snapshot during a load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The graph came from a valid snapshot; `hashed` graph files were
    /// hashed to be sure of it (the others were trusted by their size,
    /// time, inode and device).
    Used {
        /// How many graph files were hashed.
        hashed: usize,
    },
    /// The graph was loaded from its files and a snapshot written.
    Written,
    /// The graph was loaded from its files; no snapshot could be written
    /// (the reason says why).
    NotWritten(String),
}

/// Whether a snapshot can be used for the files it is meant for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// There is none.
    Missing,
    /// It matches the files and passes its checks.
    Valid,
    /// The files changed since it was written (the reason names the file
    /// and what differs).
    Stale(String),
    /// It is truncated, damaged or of another format version.
    Damaged(String),
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            State::Missing => f.write_str("missing"),
            State::Valid => f.write_str("valid"),
            State::Stale(why) => write!(f, "stale: {why}"),
            State::Damaged(why) => write!(f, "damaged: {why}"),
        }
    }
}

/// Why a snapshot was not used.
enum Refusal {
    Stale(String),
    Damaged(SnapshotError),
}

/// How much of the graph files a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Files whose identity is unchanged and that are not racily clean
    /// are trusted without reading them.
    Stats,
    /// Every file is hashed.
    Content,
}

/// Compares the recorded files with the files on disk by their identity
/// (size, times, inode, device), without reading them, and gives those
/// whose checksum must be compared: the ones [`needs_hash`] names, or
/// every one when `check` asks for the content.
fn files_to_hash<'h>(
    header: &'h Header,
    canonical: &[PathBuf],
    check: Check,
) -> Result<Vec<&'h SourceStamp>, Refusal> {
    if header.sources.len() != canonical.len()
        || header
            .sources
            .iter()
            .zip(canonical)
            .any(|(s, p)| &s.path != p)
    {
        return Err(Refusal::Stale("it was built from other files".into()));
    }
    let mut to_hash = Vec::new();
    for s in &header.sources {
        let meta = fs::metadata(&s.path)
            .map_err(|e| Refusal::Stale(format!("{}: {e}", s.path.display())))?;
        if meta.len() != s.size {
            return Err(Refusal::Stale(format!("{} changed size", s.path.display())));
        }
        let now = SourceStamp::of(s.path.clone(), &meta, s.read_ns);
        if check == Check::Content || needs_hash(s, &now) {
            to_hash.push(s);
        }
    }
    Ok(to_hash)
}

/// Whether a graph file whose snapshot recorded `recorded`, and which now
/// has the identity `now` (same size), must be hashed: its modification
/// or status-change time, inode or device differ, or it is racily clean
/// (written or its times changed within [`RACY_NS`] of being read: the
/// later of its two times counts, so that a copy that kept an old
/// modification time is racy too).
fn needs_hash(recorded: &SourceStamp, now: &SourceStamp) -> bool {
    now.mtime_ns != recorded.mtime_ns
        || now.ctime_ns != recorded.ctime_ns
        || now.inode != recorded.inode
        || now.device != recorded.device
        || recorded.mtime_ns.max(recorded.ctime_ns) >= recorded.read_ns - RACY_NS
}

/// Compares the recorded checksums with the files' bytes.
fn compare_checksums(sources: &[&SourceStamp]) -> Result<(), Refusal> {
    for s in sources {
        // Read in blocks rather than mapped: a mapping would count the
        // whole file in the process's memory for the time it is hashed.
        let sum = snapshot::checksum_file(&s.path)
            .map_err(|e| Refusal::Stale(format!("{}: {e}", s.path.display())))?;
        if sum != s.checksum {
            return Err(Refusal::Stale(format!(
                "{} has other content",
                s.path.display()
            )));
        }
    }
    Ok(())
}

/// How a snapshot's graph is read once its checks pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// In place, each record decoded when it is first read
    /// ([`snapshot::open`]); the files checked by the rule of the module
    /// documentation, the body not hashed.
    InPlace,
    /// Every file and the body hashed, and every record decoded now
    /// ([`snapshot::decode_body_with`]), which also checks that each is
    /// whole, after checking that the columns can be read in place.
    Whole,
}

/// The graph in `bytes` if they are a valid snapshot of the files
/// `canonical`. Files to hash are hashed on a second thread while this
/// one opens the snapshot (and hashes and decodes its body, when reading
/// it whole); the graph is used only when every check passes.
fn try_snapshot(
    bytes: Arc<FileBytes>,
    canonical: &[PathBuf],
    reading: Reading,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Graph, usize), Refusal> {
    let header = snapshot::read_header(&bytes).map_err(Refusal::Damaged)?;
    let body = snapshot::body_unchecked(&bytes, &header).map_err(Refusal::Damaged)?;
    let check = match reading {
        Reading::InPlace => Check::Stats,
        Reading::Whole => Check::Content,
    };
    let to_hash = files_to_hash(&header, canonical, check)?;
    let (sums, graph) = std::thread::scope(|scope| {
        let sums = (!to_hash.is_empty()).then(|| scope.spawn(|| compare_checksums(&to_hash)));
        let graph = match reading {
            Reading::InPlace => snapshot::open(Arc::clone(&bytes), &header),
            Reading::Whole => snapshot::check_body(body, &header)
                .and_then(|()| snapshot::open(Arc::clone(&bytes), &header))
                .and_then(|_| snapshot::decode_body_with(body, &mut *progress)),
        };
        let sums = sums.map_or(Ok(()), |h| {
            h.join()
                .unwrap_or_else(|_| Err(Refusal::Stale("the files could not be checked".into())))
        });
        (sums, graph)
    });
    sums?;
    Ok((graph.map_err(Refusal::Damaged)?, to_hash.len()))
}

/// The canonical paths of graph files.
pub fn canonical_paths<P: AsRef<Path>>(paths: &[P]) -> io::Result<Vec<PathBuf>> {
    paths.iter().map(|p| fs::canonicalize(p.as_ref())).collect()
}

/// Loads graph files as [`load_paths`](crate::graph::load_paths) does, through a snapshot in the
/// cache folder `dir`: a valid snapshot is used; otherwise the files are
/// loaded and a new snapshot written for the next time.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let file = dir.path().join("g.json");
/// std::fs::write(&file, r#"{"kg": 1, "entities": [{"id": "x", "labels": ["Company"]}], "relations": []}"#)?;
/// let cache = dir.path().join("cache");
/// use kg::graph::cache::{load, Outcome};
/// let (g, outcome) = load(&[&file], &cache)?;
/// assert_eq!((g.entity_count(), outcome), (1, Outcome::Written));
/// let (g, outcome) = load(&[&file], &cache)?;
/// // Written a moment ago, the file is hashed (see "When a snapshot is used").
/// assert_eq!((g.entity_count(), outcome), (1, Outcome::Used { hashed: 1 }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load<P: AsRef<Path>>(paths: &[P], dir: &Path) -> Result<(Graph, Outcome), LoadError> {
    load_with(paths, dir, &mut |_| {})
}

/// [`load`], reporting how far parsing and building have come to
/// `progress` when the files are parsed (see [`Progress`]).
pub fn load_with<P: AsRef<Path>>(
    paths: &[P],
    dir: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Graph, Outcome), LoadError> {
    let Ok(canonical) = canonical_paths(paths) else {
        // A file that cannot be found: the plain load says so properly.
        let graph = load_paths_with(paths, progress)?;
        return Ok((
            graph,
            Outcome::NotWritten("a file has no canonical path".into()),
        ));
    };
    let snap = snapshot_path(dir, &canonical);
    if let Ok(bytes) = FileBytes::open_lazily(&snap) {
        if let Ok((graph, hashed)) =
            try_snapshot(Arc::new(bytes), &canonical, Reading::InPlace, progress)
        {
            return Ok((graph, Outcome::Used { hashed }));
        }
    }

    // Load the files, stamping the very bytes that are parsed.
    let mut stamps = Vec::with_capacity(paths.len());
    let mut contents = Vec::with_capacity(paths.len());
    for (p, c) in paths.iter().zip(&canonical) {
        let name = p.as_ref().display().to_string();
        let io_error = |error| LoadError::Io {
            file: name.clone(),
            error,
        };
        let mut file = File::open(p.as_ref()).map_err(io_error)?;
        let read_ns = now_ns();
        let meta = file.metadata().map_err(io_error)?;
        let bytes = FileBytes::of(&mut file, meta.len()).map_err(io_error)?;
        let mut stamp = SourceStamp::of(c.clone(), &meta, read_ns);
        // What was read is what the snapshot holds.
        stamp.size = bytes.len() as u64;
        stamps.push(stamp);
        contents.push((name, bytes));
    }
    let texts = contents
        .iter()
        .map(|(name, b)| text_of(name, b).map(|t| (name.clone(), t)))
        .collect::<Result<Vec<_>, _>>()?;
    // The checksums on a second thread, while the files load.
    let (sums, graph) = std::thread::scope(|s| {
        let sums = s.spawn(|| {
            contents
                .iter()
                .map(|(_, b)| checksum(b))
                .collect::<Vec<_>>()
        });
        let graph = load_texts_with(&texts, progress);
        (sums.join(), graph)
    });
    let graph = graph?;
    let Ok(sums) = sums else {
        return Ok((
            graph,
            Outcome::NotWritten("the files could not be checked".into()),
        ));
    };
    for (stamp, sum) in stamps.iter_mut().zip(sums) {
        stamp.checksum = sum;
    }
    let outcome = match write_snapshot(&graph, &stamps, &snap) {
        Ok(()) => Outcome::Written,
        Err(why) => Outcome::NotWritten(why),
    };
    Ok((graph, outcome))
}

fn write_snapshot(graph: &Graph, stamps: &[SourceStamp], snap: &Path) -> Result<(), String> {
    if let Some(dir) = snap.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    // Written beside it, synced, and renamed over it, so that a reader
    // sees the old snapshot or the new one, whole, even after a crash
    // (loads do not hash the body; see the module documentation).
    // Named after the process and the time, and created new: two writers
    // of one snapshot (two machines sharing the cache folder, two
    // containers whose kg has the same process id) never share a file.
    let tmp = temp_path(snap, format_args!("{}-{}", std::process::id(), now_ns()));
    let written = File::options()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| e.to_string())
        .and_then(|f| {
            let mut out = io::BufWriter::with_capacity(1 << 20, f);
            snapshot::write(graph, stamps, &mut out).map_err(|e| e.to_string())?;
            let file = out.into_inner().map_err(|e| e.error().to_string())?;
            file.sync_all().map_err(|e| e.to_string())
        })
        .and_then(|()| fs::rename(&tmp, snap).map_err(|e| e.to_string()));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written.map_err(|e| format!("{}: {e}", snap.display()))
}

/// What `kg cache info` shows about the snapshot of a set of files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The snapshot's path.
    pub path: PathBuf,
    /// Its size in bytes, if it exists.
    pub size: Option<u64>,
    /// Whether it would be used.
    pub state: State,
}

/// Checks, without loading the files, whether the snapshot of `paths` in
/// `dir` would be used by [`load`] (the same checks).
pub fn status<P: AsRef<Path>>(paths: &[P], dir: &Path) -> io::Result<Status> {
    check_status(paths, dir, Reading::InPlace)
}

/// Checks the snapshot of `paths` in `dir` in full: every graph file
/// hashed and compared with its recorded checksum, the snapshot's body
/// hashed, and every record decoded.
pub fn verify<P: AsRef<Path>>(paths: &[P], dir: &Path) -> io::Result<Status> {
    check_status(paths, dir, Reading::Whole)
}

fn check_status<P: AsRef<Path>>(paths: &[P], dir: &Path, reading: Reading) -> io::Result<Status> {
    let canonical = canonical_paths(paths)?;
    let path = snapshot_path(dir, &canonical);
    let bytes = match FileBytes::open_lazily(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Status {
                path,
                size: None,
                state: State::Missing,
            })
        }
        Err(e) => return Err(e),
    };
    let size = bytes.len() as u64;
    let state = match try_snapshot(Arc::new(bytes), &canonical, reading, &mut |_| {}) {
        Ok(_) => State::Valid,
        Err(Refusal::Stale(why)) => State::Stale(why),
        Err(Refusal::Damaged(e)) => State::Damaged(e.to_string()),
    };
    Ok(Status {
        path,
        size: Some(size),
        state,
    })
}

/// Removes the snapshots kg wrote in `dir` (files named `kg-<hex>.snap`
/// that start with the snapshot magic) and temporary files of
/// interrupted writes; returns how many files and bytes were removed.
pub fn clear(dir: &Path) -> io::Result<(usize, u64)> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((0, 0)),
        Err(e) => return Err(e),
    };
    let (mut files, mut bytes) = (0, 0);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = if is_snapshot_name(&name) {
            let mut magic = [0u8; 8];
            File::open(entry.path())
                .and_then(|mut f| f.read_exact(&mut magic))
                .is_ok()
                && magic == snapshot::MAGIC
        } else {
            // `.kg-<hex>.snap.kg-save.<pid>.tmp`, left by a killed writer.
            name.strip_prefix('.')
                .and_then(|n| n.split_once(".kg-save."))
                .is_some_and(|(snap, rest)| is_snapshot_name(snap) && rest.ends_with(".tmp"))
        };
        if ours {
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            fs::remove_file(entry.path())?;
            files += 1;
            bytes += size;
        }
    }
    Ok((files, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_names_are_recognised() {
        let p = snapshot_path(Path::new("/c"), &[PathBuf::from("/a.json")]);
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        assert!(name.as_deref().is_some_and(is_snapshot_name));
        assert!(!is_snapshot_name("kg-xyz.snap"));
        assert!(!is_snapshot_name("graph.json"));
        // The set, in order, decides the name.
        let ab = snapshot_path(Path::new("/c"), &[PathBuf::from("/a"), PathBuf::from("/b")]);
        let ba = snapshot_path(Path::new("/c"), &[PathBuf::from("/b"), PathBuf::from("/a")]);
        assert_ne!(ab, ba);
    }
}
