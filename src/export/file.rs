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

/// Writes several files into the directory `dir`, creating the directory
/// (not its parents) when it is missing. Each file is written atomically.
pub fn write_dir(dir: &Path, files: &[(String, String)]) -> Result<(), ExportError> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(io_error(dir, "exists and is not a directory"));
        }
    } else {
        parent_of(dir)?;
        fs::create_dir(dir).map_err(|e| io_error(dir, e))?;
    }
    for (name, text) in files {
        write_atomic(&dir.join(name), text.as_bytes())?;
    }
    Ok(())
}
