//! A file's bytes: graph files read into memory, snapshots mapped.
//!
//! A graph file is read, never mapped: another program may truncate or
//! rewrite it while kg reads it, and a mapped file that shrinks ends the
//! process with `SIGBUS`. Read bytes stay as they were read; a file cut
//! short while it is read gives a parse error.
//!
//! A snapshot is mapped ([`FileBytes::open_lazily`]): only kg writes
//! snapshots, always to a new file renamed over the old one, which leaves
//! a mapped snapshot whole; and a query that reads a few records of a
//! large snapshot reads only their pages.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Deref;

/// The bytes of a file: mapped, or read into memory.
pub struct FileBytes {
    inner: Inner,
}

enum Inner {
    Read(Vec<u8>),
    /// Read into memory of its own (an anonymous mapping, outside the
    /// allocator's heap), of which the first so many bytes were read.
    Anonymous(memmap2::Mmap, usize),
    Mapped(memmap2::Mmap),
}

impl FileBytes {
    /// The bytes of the open file `file`, whose metadata says it is `len`
    /// bytes long, read into memory (the file may be shorter or longer by
    /// the time it is read: what is read is what counts).
    pub fn of(file: &mut File, len: u64) -> io::Result<FileBytes> {
        if let Some(inner) = read_anonymous(file, len)? {
            return Ok(FileBytes { inner });
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

    /// The bytes of the snapshot at `path`, mapped without reading its
    /// pages in up front (a query may read only a part of it); read when
    /// the system does not map it. Only for files that kg alone writes,
    /// by renaming a new file over the old one (see the module
    /// documentation).
    pub fn open_lazily(path: &std::path::Path) -> io::Result<FileBytes> {
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        if let Some(m) = map(&file, len) {
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
            Inner::Read(_) | Inner::Anonymous(..) => "read",
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
            Inner::Anonymous(m, len) => m.get(..*len).unwrap_or_default(),
            Inner::Mapped(m) => m,
        }
    }
}

/// A large file read into an anonymous mapping of its length (`None`
/// for a small or empty file, or one that grew while it was read, which
/// the caller reads again into a vector). A file that shrinks while it is
/// read gives what was read.
///
/// The bytes of a large graph file live as long as the load: taken from
/// the allocator, they would sit among the graph's own allocations, and
/// the allocator would then take fresh pages (each zeroed by the kernel)
/// for what the load builds beside them, which costs more than the read.
fn read_anonymous(file: &mut File, len: u64) -> io::Result<Option<Inner>> {
    const LARGE: u64 = 1 << 20;
    if len < LARGE {
        return Ok(None);
    }
    let Ok(size) = usize::try_from(len) else {
        return Ok(None);
    };
    let mut room = memmap2::MmapMut::map_anon(size)?;
    let mut filled = 0;
    while let Some(rest) = room.get_mut(filled..).filter(|r| !r.is_empty()) {
        match file.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if filled == size {
        let mut more = [0u8; 1];
        if file.read(&mut more)? != 0 {
            use std::io::Seek;
            file.seek(io::SeekFrom::Start(0))?;
            return Ok(None);
        }
    }
    Ok(Some(Inner::Anonymous(room.make_read_only()?, filled)))
}

/// A read-only mapping of the whole of `file` (`len` bytes), its pages
/// read when first touched; `None` when it is not a non-empty regular
/// file of that length or the system refuses.
fn map(file: &File, len: u64) -> Option<memmap2::Mmap> {
    let meta = file.metadata().ok()?;
    if !meta.is_file() || len == 0 || meta.len() != len {
        return None;
    }
    let len = usize::try_from(len).ok()?;
    let mut options = memmap2::MmapOptions::new();
    options.len(len);
    // SAFETY: the mapping is read-only and only snapshots are mapped,
    // which kg replaces by rename and never truncates or rewrites in
    // place (see the module documentation).
    unsafe { options.map(file) }.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_files_are_read_and_snapshots_mapped() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let path = dir.path().join("g.json");
        let text = "{\"kg\": 1}\n".repeat(10_000);
        std::fs::write(&path, &text).unwrap_or_else(|e| unreachable!("{e}"));
        let bytes = FileBytes::open(&path).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(matches!(bytes.inner, Inner::Read(_)));
        assert_eq!(&*bytes, text.as_bytes());
        // A large file is read into memory of its own.
        let large = "{\"kg\": 1}\n".repeat(300_000);
        let big = dir.path().join("big.json");
        std::fs::write(&big, &large).unwrap_or_else(|e| unreachable!("{e}"));
        let bytes = FileBytes::open(&big).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(matches!(bytes.inner, Inner::Anonymous(..)));
        assert_eq!(&*bytes, large.as_bytes());
        // One that is longer than its metadata said is read whole.
        let mut file = File::open(&big).unwrap_or_else(|e| unreachable!("{e}"));
        let bytes = FileBytes::of(&mut file, large.len() as u64 - 5)
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(&*bytes, large.as_bytes());
        // One that is shorter gives what there is.
        let mut file = File::open(&big).unwrap_or_else(|e| unreachable!("{e}"));
        let bytes = FileBytes::of(&mut file, large.len() as u64 + 5)
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(&*bytes, large.as_bytes());
        let mapped = FileBytes::open_lazily(&path).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(matches!(mapped.inner, Inner::Mapped(_)));
        assert_eq!(&*mapped, text.as_bytes());
        // An empty file is read, not mapped.
        std::fs::write(&path, "").unwrap_or_else(|e| unreachable!("{e}"));
        let bytes = FileBytes::open_lazily(&path).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(matches!(bytes.inner, Inner::Read(_)));
        assert!(bytes.is_empty());
    }
}
