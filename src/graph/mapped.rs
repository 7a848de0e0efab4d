//! A graph file's bytes, mapped into memory where the system allows it.
//!
//! Reading a large file copies it from the page cache into fresh memory,
//! which the kernel must first zero: for a 370 MB file that is most of a
//! second. A read-only mapping shares the page cache's pages instead. Where
//! a file cannot be mapped (a pipe, an empty file, another platform) its
//! bytes are read as before.
//!
//! A mapped file that another program truncates while it is being read
//! ends the process with `SIGBUS`; kg's own writers never do that (they
//! write a new file and rename it over the old one, which leaves the mapped
//! file whole).

use std::fs::File;
use std::io::{self, Read};
use std::ops::Deref;

/// The bytes of a file: mapped, or read into memory.
pub struct FileBytes {
    inner: Inner,
}

enum Inner {
    Read(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl FileBytes {
    /// The bytes of the open file `file`, whose metadata says it is `len`
    /// bytes long.
    pub fn of(file: &mut File, len: u64) -> io::Result<FileBytes> {
        if let Some(m) = map(file, len) {
            return Ok(FileBytes {
                inner: Inner::Mapped(m),
            });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        file.read_to_end(&mut bytes)?;
        Ok(FileBytes {
            inner: Inner::Read(bytes),
        })
    }

    /// The bytes of the file at `path`.
    pub fn open(path: &std::path::Path) -> io::Result<FileBytes> {
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        FileBytes::of(&mut file, len)
    }

    /// The bytes of the file at `path`, mapped without reading its pages
    /// in up front: for a file of which only a part may be read (a
    /// snapshot answering one query), or whose reading is spread over
    /// threads.
    pub fn open_lazily(path: &std::path::Path) -> io::Result<FileBytes> {
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        if let Some(m) = map_with(&file, len, false) {
            return Ok(FileBytes {
                inner: Inner::Mapped(m),
            });
        }
        FileBytes::of(&mut file, len)
    }

    /// Bytes already in memory.
    pub fn from_vec(bytes: Vec<u8>) -> FileBytes {
        FileBytes {
            inner: Inner::Read(bytes),
        }
    }
}

impl std::fmt::Debug for FileBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = match self.inner {
            Inner::Read(_) => "read",
            Inner::Mapped(_) => "mapped",
        };
        write!(f, "FileBytes({how}, {} bytes)", self.len())
    }
}

impl Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.inner {
            Inner::Read(v) => v,
            Inner::Mapped(m) => m,
        }
    }
}

/// A read-only mapping of the whole of `file` (`len` bytes), its pages
/// read in up front; `None` when it is not a non-empty regular file of
/// that length or the system refuses.
fn map(file: &File, len: u64) -> Option<memmap2::Mmap> {
    map_with(file, len, true)
}

/// [`map`], reading the pages in up front only when `populate` is set.
fn map_with(file: &File, len: u64, populate: bool) -> Option<memmap2::Mmap> {
    let meta = file.metadata().ok()?;
    if !meta.is_file() || len == 0 || meta.len() != len {
        return None;
    }
    let len = usize::try_from(len).ok()?;
    let mut options = memmap2::MmapOptions::new();
    options.len(len);
    if populate {
        options.populate();
    }
    // SAFETY: the mapping is read-only. Its bytes change only if another
    // program writes to the file while kg reads it (kg's own writers write
    // a new file and rename it); a truncation then ends the process with
    // SIGBUS, as the module documentation says.
    unsafe { options.map(file) }.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_read_the_same_mapped_or_not() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let path = dir.path().join("g.json");
        let text = "{\"kg\": 1}\n".repeat(10_000);
        std::fs::write(&path, &text).unwrap_or_else(|e| unreachable!("{e}"));
        let bytes = FileBytes::open(&path).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(matches!(bytes.inner, Inner::Mapped(_)));
        assert_eq!(&*bytes, text.as_bytes());
        // An empty file is read, not mapped.
        std::fs::write(&path, "").unwrap_or_else(|e| unreachable!("{e}"));
        let bytes = FileBytes::open(&path).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(matches!(bytes.inner, Inner::Read(_)));
        assert!(bytes.is_empty());
    }
}
