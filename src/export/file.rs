//! Writing export files so that a failure never leaves half a file: the
//! text goes to a temporary file in the same directory, is flushed to
//! disk, then renamed over the target.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::ExportError;

fn io_error(path: &Path, e: impl std::fmt::Display) -> ExportError {
    ExportError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// The directory a file goes into, which must exist.
fn parent_of(path: &Path) -> Result<PathBuf, ExportError> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(io_error(
            path,
            format!("the directory {} does not exist", parent.display()),
        ));
    }
    Ok(parent)
}

/// Writes `bytes` to `path` atomically: all of it or nothing.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Writes to `path` atomically what `fill` writes (buffered): all of it or
/// nothing. A failure of `fill` or of the disk leaves no temporary file
/// behind and `path` as it was.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), ExportError> {
    let parent = parent_of(path)?;
    if path.is_dir() {
        return Err(io_error(path, "is a directory; give a file name"));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let mut attempt = 0u32;
    let (tmp, file) = loop {
        let tmp = parent.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(io_error(path, e)),
        }
    };
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    let result = fill(&mut writer)
        .and_then(|()| writer.into_inner().map_err(|e| e.into_error()))
        .and_then(|file| file.sync_all())
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io_error(path, e));
    }
    // Make the rename itself durable where the platform allows it.
    if let Ok(dir) = File::open(&parent) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// A folder of files written so that a failure leaves nothing half
/// written: every file goes into a hidden staging folder first, and only
/// [`Staging::commit`] puts them in place. Dropping a `Staging` without
/// committing removes the staging folder and leaves `dir` as it was.
///
/// When `dir` does not exist yet the staging folder sits beside it and
/// becomes `dir` by one rename: all or nothing. When `dir` exists, the
/// staging folder is made inside it and commit renames each file (and
/// each subfolder, replacing an old one of the same name) over the old
/// one; every such rename is atomic, and before the first one commit
/// checks that none of them can fail for a file where a folder is needed
/// or the reverse.
pub struct Staging {
    dir: PathBuf,
    stage: PathBuf,
    /// Whether `dir` existed when staging began.
    existed: bool,
    /// The top-level names written, in order.
    names: Vec<String>,
    done: bool,
}

impl Staging {
    /// Starts writing into `dir`, creating it (not its parents) at commit
    /// when it is missing.
    pub fn begin(dir: &Path) -> Result<Staging, ExportError> {
        let existed = dir.exists();
        let parent = if existed {
            if !dir.is_dir() {
                return Err(io_error(
                    dir,
                    "exists and is not a directory: give a directory (it is created when missing)",
                ));
            }
            dir.to_path_buf()
        } else {
            parent_of(dir)?
        };
        let base = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "export".into());
        let mut attempt = 0u32;
        let stage = loop {
            let stage = parent.join(format!(".{base}.{}.{attempt}.tmp", std::process::id()));
            match fs::create_dir(&stage) {
                Ok(()) => break stage,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(io_error(dir, e)),
            }
        };
        Ok(Staging {
            dir: dir.to_path_buf(),
            stage,
            existed,
            names: Vec::new(),
            done: false,
        })
    }

    /// Writes the file `name` (a path relative to the folder: `a.csv` or
    /// `sub/a.csv`, whose folder is created) with what `fill` writes,
    /// buffered, and flushes it to disk.
    pub fn file(
        &mut self,
        name: &str,
        fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), ExportError> {
        let path = self.stage.join(name);
        let shown = self.dir.join(name);
        let mut parts = Path::new(name).components();
        let top = parts
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        if !self.names.contains(&top) {
            self.check_way(&top, parts.next().is_some())?;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(&shown, e))?;
        }
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| io_error(&shown, e))?;
        let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut writer)
            .and_then(|()| writer.into_inner().map_err(|e| e.into_error()))
            .and_then(|file| file.sync_all())
            .map_err(|e| io_error(&shown, e))?;
        if !self.names.contains(&top) {
            self.names.push(top);
        }
        Ok(())
    }

    /// Fails when the top-level entry `name` of an existing `dir` is a
    /// file where a folder is to go, or the reverse.
    fn check_way(&self, name: &str, new_is_dir: bool) -> Result<(), ExportError> {
        let target = self.dir.join(name);
        if self.existed && target.exists() && target.is_dir() != new_is_dir {
            let kind = if new_is_dir { "a folder" } else { "a file" };
            return Err(io_error(
                &target,
                format!("is in the way: the export writes {kind} here; move it away"),
            ));
        }
        Ok(())
    }

    /// Puts the written files in place.
    pub fn commit(mut self) -> Result<(), ExportError> {
        if !self.existed {
            fs::rename(&self.stage, &self.dir).map_err(|e| io_error(&self.dir, e))?;
            self.done = true;
            sync_dir(&self.dir);
            return Ok(());
        }
        // Check first, so that no rename below fails half-way for a
        // reason known in advance.
        for name in &self.names {
            self.check_way(name, self.stage.join(name).is_dir())?;
        }
        let old = self.stage.join(".old");
        for name in &self.names {
            let new = self.stage.join(name);
            let target = self.dir.join(name);
            if new.is_dir() && target.exists() {
                fs::create_dir_all(&old).map_err(|e| io_error(&target, e))?;
                fs::rename(&target, old.join(name)).map_err(|e| io_error(&target, e))?;
            }
            fs::rename(&new, &target).map_err(|e| io_error(&target, e))?;
        }
        sync_dir(&self.dir);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.stage);
        }
    }
}

/// Makes renames in `dir` durable where the platform allows it.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn fail_half_way(w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(b"half a row,")?;
        Err(std::io::Error::other("the disk is full"))
    }

    #[test]
    fn a_failure_leaves_no_new_folder_and_no_staging_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let mut stage = Staging::begin(&dir).unwrap();
        stage.file("a.csv", |w| w.write_all(b"a\n")).unwrap();
        stage.file("sub/b.csv", |w| w.write_all(b"b\n")).unwrap();
        let err = stage.file("c.csv", fail_half_way).unwrap_err();
        assert!(err.to_string().contains("the disk is full"), "{err}");
        drop(stage);
        assert_eq!(entries(tmp.path()), Vec::<String>::new());
    }

    #[test]
    fn a_failure_keeps_the_old_files_of_an_existing_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::write(dir.join("a.csv"), "old a").unwrap();
        fs::write(dir.join("sub/b.csv"), "old b").unwrap();
        let mut stage = Staging::begin(&dir).unwrap();
        stage.file("a.csv", |w| w.write_all(b"new a")).unwrap();
        stage.file("sub/c.csv", |w| w.write_all(b"new c")).unwrap();
        assert!(stage.file("d.csv", fail_half_way).is_err());
        drop(stage);
        assert_eq!(entries(&dir), ["a.csv", "sub"]);
        assert_eq!(entries(&dir.join("sub")), ["b.csv"]);
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old a");
    }

    #[test]
    fn commit_replaces_files_and_whole_subfolders() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::write(dir.join("a.csv"), "old a").unwrap();
        fs::write(dir.join("keep.txt"), "mine").unwrap();
        fs::write(dir.join("sub/stale.csv"), "stale").unwrap();
        let mut stage = Staging::begin(&dir).unwrap();
        stage.file("a.csv", |w| w.write_all(b"new a")).unwrap();
        stage.file("sub/c.csv", |w| w.write_all(b"new c")).unwrap();
        stage.commit().unwrap();
        assert_eq!(entries(&dir), ["a.csv", "keep.txt", "sub"]);
        assert_eq!(entries(&dir.join("sub")), ["c.csv"]);
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "new a");

        let fresh = tmp.path().join("fresh");
        let mut stage = Staging::begin(&fresh).unwrap();
        stage.file("x.csv", |w| w.write_all(b"x")).unwrap();
        stage.commit().unwrap();
        assert_eq!(entries(&fresh), ["x.csv"]);
        assert_eq!(entries(tmp.path()), ["fresh", "out"]);
    }
}
