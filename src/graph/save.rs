//! Saving a changed graph back to its file, safely.
//!
//! - [`FileLock`] keeps two writers of the same file apart: a lock file
//!   `FILE.lock` created exclusively (`O_EXCL`) and holding the writer's
//!   process id. A second writer waits for it to go, up to a timeout. A
//!   lock whose process no longer runs (a writer that was killed) is taken
//!   over; a lock file that is not ours is never removed otherwise.
//! - [`prepare_for_save`] gives every entity created without an id one
//!   (kebab-case from its name, else from its first label and a counter)
//!   and refuses entities without labels.
//! - [`save_graph`] writes the canonical file text to a temporary file in
//!   the same folder, flushes it to disk, renames it over the file and
//!   flushes the folder: a crash at any moment leaves the old file or the
//!   new one, never a mix.
//!
//! Hold the lock from before loading the file until after saving it, so
//! that concurrent writers never lose each other's changes.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::load::load_str;
use super::model::Graph;
use super::value::PropValue;
use super::write::{to_file_text, WriteError};
use super::NodeIndex;

/// Why a graph could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Another writer holds the lock and did not release it in time.
    #[error("{path} is locked by another kg writer{holder}; waited {waited:.1} s (raise --lock-timeout to wait longer, or remove the lock file if no kg process is writing)", path = lock.display(), holder = match pid { Some(p) => format!(" (process {p})"), None => String::new() }, waited = waited.as_secs_f64())]
    Locked {
        /// The lock file.
        lock: PathBuf,
        /// The process id written in it, if readable.
        pid: Option<u32>,
        /// How long we waited.
        waited: Duration,
    },
    /// An entity has no label; a graph file needs at least one.
    #[error("cannot save: entity {0} has no label; give it one (CREATE (n:Company {{...}}) or SET n:Company) and run again")]
    NoLabel(String),
    /// An entity's `id` is not a text.
    #[error("cannot save: entity {name} has the id {value}, which is not a text; use SET n.id = '{suggested}'")]
    IdNotText {
        /// The entity's name.
        name: String,
        /// The id value as written.
        value: String,
        /// The same value as a text.
        suggested: String,
    },
    /// The graph cannot be written as a file.
    #[error("cannot save: {0}")]
    Write(#[from] WriteError),
    /// The file the changes would give does not pass the checks of
    /// loading (a relation's `source` that is not in `sources`, a share
    /// over 100): nothing is saved.
    #[error("cannot save: the changed graph would not load; nothing was saved:\n{0}")]
    Invalid(String),
    /// The file system refused.
    #[error("{path}: {message}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> SaveError {
    SaveError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The lock file of a graph file: `FILE.lock` beside it.
pub fn lock_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    file.with_file_name(name)
}

/// An exclusive lock on a graph file, released (its lock file removed)
/// when dropped.
#[derive(Debug)]
pub struct FileLock {
    path: PathBuf,
    pid: u32,
}

/// How often a waiting writer looks at the lock again.
const POLL: Duration = Duration::from_millis(25);
/// A lock file without a readable process id (its writer died between
/// creating it and writing the id) is taken over once it is this old.
const EMPTY_LOCK_AGE: Duration = Duration::from_secs(2);

impl FileLock {
    /// Takes the lock of `file`, waiting up to `timeout` while another
    /// live process holds it.
    pub fn acquire(file: &Path, timeout: Duration) -> Result<FileLock, SaveError> {
        let path = lock_path(file);
        let pid = std::process::id();
        let start = Instant::now();
        loop {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let written = f
                        .write_all(format!("{pid}\n").as_bytes())
                        .and_then(|()| f.sync_all());
                    let lock = FileLock { path, pid };
                    written.map_err(|e| io_err(&lock.path, e))?;
                    return Ok(lock);
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io_err(&path, e)),
            }
            let holder = read_pid(&path);
            let stale = match holder {
                Some(p) => !process_alive(p),
                None => fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age >= EMPTY_LOCK_AGE),
            };
            if stale {
                take_over(&path, holder, pid);
                continue;
            }
            let waited = start.elapsed();
            if waited >= timeout {
                return Err(SaveError::Locked {
                    lock: path,
                    pid: holder,
                    waited,
                });
            }
            std::thread::sleep(
                POLL.min(timeout.saturating_sub(waited))
                    .max(Duration::from_millis(1)),
            );
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Remove the lock file only while it is still ours.
        if read_pid(&self.path) == Some(self.pid) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn read_pid(path: &Path) -> Option<u32> {
    let mut text = String::new();
    File::open(path).ok()?.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Removes a stale lock file. It is first renamed to a name of our own, so
/// that of two processes taking over the same stale lock only one removes
/// it; if what we renamed turns out to be a fresh lock of a live process,
/// it is put back.
fn take_over(path: &Path, holder: Option<u32>, pid: u32) {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".stale.{pid}"));
    let aside = path.with_file_name(name);
    if fs::rename(path, &aside).is_err() {
        return;
    }
    if read_pid(&aside) == holder {
        let _ = fs::remove_file(&aside);
    } else {
        let _ = fs::hard_link(&aside, path);
        let _ = fs::remove_file(&aside);
    }
}

/// Whether a process with this id runs (or cannot be told apart from one
/// that does).
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 only checks whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Without a way to ask, every holder counts as alive.
#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// A kebab-case id from a name: lower case, runs of anything but letters
/// and digits become one `-`. Empty when the name has no letters or
/// digits.
pub fn kebab_id(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn text_of(v: &PropValue) -> String {
    match v {
        PropValue::Str(s) => s.to_string(),
        other => other.to_json().to_string(),
    }
}

/// Makes a changed graph fit to be written: every entity needs a label,
/// and one without a text id gets one, derived from its name in
/// kebab-case (made unique with `-2`, `-3`, ...), else from its first
/// label and a counter (`company-1`). Returns the entities that got an
/// id, with the id.
pub fn prepare_for_save(graph: &mut Graph) -> Result<Vec<(NodeIndex, String)>, SaveError> {
    let mut missing = Vec::new();
    for n in graph.entity_indices() {
        let Some(e) = graph.entity(n) else { continue };
        if e.labels.is_empty() {
            let name = match (&e.name, &e.id) {
                (Some(name), _) => format!("{name:?}"),
                (None, Some(id)) => format!("{id:?}"),
                (None, None) => format!(
                    "#{} {}",
                    n.index(),
                    describe_props(graph, n).unwrap_or_default()
                ),
            };
            return Err(SaveError::NoLabel(name.trim_end().to_string()));
        }
        if e.id.is_none() {
            if let Some(crate::graph::PropRef::Value(v)) = graph.entity_property(n, "id") {
                return Err(SaveError::IdNotText {
                    name: graph.display_name(n),
                    value: v.to_json().to_string(),
                    suggested: text_of(v),
                });
            }
            missing.push(n);
        }
    }
    let mut assigned = Vec::with_capacity(missing.len());
    // The next counter to try for each base, so that many new entities of
    // one label cost one look-up each.
    let mut next: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    for n in missing {
        let Some(e) = graph.entity(n) else { continue };
        let from_name = e.name.as_deref().map(kebab_id).unwrap_or_default();
        // Names: `acme`, then `acme-2`, `acme-3`; labels: `company-1`, ...
        let (base, first) = if from_name.is_empty() {
            let label = e
                .labels
                .first()
                .map(|l| kebab_id(graph.resolve(*l)))
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| "entity".to_string());
            (label, 1u64)
        } else {
            (from_name, 0)
        };
        let mut k = next.get(&base).copied().unwrap_or(first);
        let id = loop {
            let candidate = if k == 0 {
                base.clone()
            } else {
                format!("{base}-{k}")
            };
            k = if k == 0 { 2 } else { k + 1 };
            if graph.by_id(&candidate).is_none() {
                break candidate;
            }
        };
        next.insert(base, k);
        // The id is free, so this cannot fail.
        if graph
            .set_entity_property(n, "id", Some(PropValue::Str(id.as_str().into())))
            .is_ok()
        {
            assigned.push((n, id));
        }
    }
    Ok(assigned)
}

fn describe_props(graph: &Graph, n: NodeIndex) -> Option<String> {
    let props = graph.entity_properties(n);
    if props.is_empty() {
        return Some("(no properties)".into());
    }
    let keys: Vec<&str> = props.iter().map(|(k, _)| *k).collect();
    Some(format!("(with {})", keys.join(", ")))
}

/// The temporary file a save writes first: hidden, beside the target, and
/// named after the writer (`tag`: its process id, and for snapshots the
/// time too; a killed writer's leftover is removed by the next save of
/// the same file, under the lock).
pub(crate) fn temp_path(file: &Path, tag: impl std::fmt::Display) -> PathBuf {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    file.with_file_name(format!(".{name}.kg-save.{tag}.tmp"))
}

/// Removes temporary files that killed writers of `file` left behind.
fn remove_leftovers(file: &Path) {
    let Some(dir) = folder_of(file) else { return };
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!(".{name}.kg-save.");
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let n = entry.file_name();
        let n = n.to_string_lossy();
        if n.starts_with(&prefix) && n.ends_with(".tmp") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn folder_of(file: &Path) -> Option<PathBuf> {
    match file.parent() {
        Some(p) if p.as_os_str().is_empty() => Some(PathBuf::from(".")),
        Some(p) => Some(p.to_path_buf()),
        None => None,
    }
}

/// Writes `text` over `file` atomically: a temporary file in the same
/// folder, flushed to disk, renamed over `file`, then the folder flushed.
/// Call it while holding the file's [`FileLock`].
pub fn save_text(file: &Path, text: &str) -> Result<(), SaveError> {
    remove_leftovers(file);
    write_atomically(file, text.as_bytes())
}

/// Writes `bytes` over `file` atomically: a temporary file in the same
/// folder (named after the process), flushed to disk, renamed over `file`,
/// then the folder flushed. A crash leaves the old file or the new one.
/// Unlike [`save_text`] it leaves other processes' temporary files alone,
/// so it suits files several processes may write at once without a lock
/// (compiled snapshots in the cache folder).
pub fn write_atomically(file: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let tmp = temp_path(file, std::process::id());
    let result = (|| -> std::io::Result<()> {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        // Keep the permissions of the file it replaces.
        if let Ok(meta) = fs::metadata(file) {
            let _ = fs::set_permissions(&tmp, meta.permissions());
        }
        fs::rename(&tmp, file)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io_err(file, e));
    }
    #[cfg(unix)]
    if let Some(dir) = folder_of(file) {
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_err(&dir, e))?;
    }
    Ok(())
}

/// The file text of `graph`, checked as loading checks it, so that a save
/// never writes a file that does not load. Call [`prepare_for_save`]
/// first. `file` names the file in problems.
pub fn checked_text(file: &Path, graph: &Graph) -> Result<String, SaveError> {
    if let Some(why) = graph.damage() {
        return Err(SaveError::Invalid(format!(
            "the compiled snapshot the graph was read from is damaged ({why}); run `kg cache clear` and try again"
        )));
    }
    let text = to_file_text(graph)?;
    load_str(&file.display().to_string(), &text).map_err(|e| SaveError::Invalid(e.to_string()))?;
    Ok(text)
}

/// Writes `graph` over `file` atomically in the canonical layout, after
/// checking it ([`checked_text`]); see [`save_text`]. Call
/// [`prepare_for_save`] first.
pub fn save_graph(file: &Path, graph: &Graph) -> Result<(), SaveError> {
    let text = checked_text(file, graph)?;
    save_text(file, &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Entity, Props};

    #[test]
    fn kebab_ids() {
        assert_eq!(kebab_id("EAST Group"), "east-group");
        assert_eq!(kebab_id("  Rosatom  Nedra! "), "rosatom-nedra");
        assert_eq!(kebab_id("Росатом"), "росатом");
        assert_eq!(kebab_id("!!"), "");
    }

    fn add(g: &mut Graph, id: Option<&str>, label: Option<&str>, name: Option<&str>) -> NodeIndex {
        let labels = label.map(|l| vec![g.intern(l)]).unwrap_or_default();
        g.add_entity(Entity {
            id: id.map(Into::into),
            labels,
            name: name.map(Into::into),
            aliases: vec![],
            props: Props::new(),
        })
        .unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn ids_are_derived_and_unique() {
        let mut g = Graph::new();
        add(&mut g, Some("acme"), Some("Company"), Some("Acme"));
        let a = add(&mut g, None, Some("Company"), Some("Acme"));
        let b = add(&mut g, None, Some("Company"), Some("Acme"));
        let c = add(&mut g, None, Some("Company"), None);
        let d = add(&mut g, None, Some("Company"), Some("?"));
        let got = prepare_for_save(&mut g).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            got,
            vec![
                (a, "acme-2".to_string()),
                (b, "acme-3".to_string()),
                (c, "company-1".to_string()),
                (d, "company-2".to_string()),
            ]
        );
    }

    #[test]
    fn entities_without_labels_are_refused() {
        let mut g = Graph::new();
        add(&mut g, None, None, Some("Nobody"));
        let e = prepare_for_save(&mut g).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("cannot save: entity \"Nobody\" has no label; give it one (CREATE (n:Company {...}) or SET n:Company) and run again")
        );
    }
}
