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
    #[cfg(unix)]
    Mapped(Mapping),
}

impl FileBytes {
    /// The bytes of the open file `file`, whose metadata says it is `len`
    /// bytes long.
    pub fn of(file: &mut File, len: u64) -> io::Result<FileBytes> {
        #[cfg(unix)]
        if let Some(m) = Mapping::new(file, len) {
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
}

impl Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.inner {
            Inner::Read(v) => v,
            #[cfg(unix)]
            Inner::Mapped(m) => m.bytes(),
        }
    }
}

/// A read-only, private mapping of a whole regular file.
#[cfg(unix)]
struct Mapping {
    ptr: *mut libc::c_void,
    len: usize,
}

// SAFETY: the mapping is read-only and owned by this value alone; sharing
// `&[u8]` views of it between threads is as safe as sharing any slice.
#[cfg(unix)]
unsafe impl Send for Mapping {}
#[cfg(unix)]
unsafe impl Sync for Mapping {}

#[cfg(unix)]
impl Mapping {
    /// Maps `file` (`len` bytes), or `None` when it is not a non-empty
    /// regular file or the system refuses.
    fn new(file: &File, len: u64) -> Option<Mapping> {
        use std::os::unix::io::AsRawFd;
        let meta = file.metadata().ok()?;
        if !meta.is_file() || len == 0 || meta.len() != len {
            return None;
        }
        let len = usize::try_from(len).ok()?;
        #[cfg(target_os = "linux")]
        let flags = libc::MAP_PRIVATE | libc::MAP_POPULATE;
        #[cfg(not(target_os = "linux"))]
        let flags = libc::MAP_PRIVATE;
        // SAFETY: a fresh read-only mapping of an open file descriptor; the
        // kernel chooses the address. The result is checked below.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                flags,
                file.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED || ptr.is_null() {
            return None;
        }
        Some(Mapping { ptr, len })
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr` is a live mapping of `len` readable bytes until
        // `drop`, and nothing writes to it (it is private and read-only).
        unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>(), self.len) }
    }
}

#[cfg(unix)]
impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `new`, once.
        unsafe {
            libc::munmap(self.ptr, self.len);
        }
    }
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
        #[cfg(unix)]
        assert!(matches!(bytes.inner, Inner::Mapped(_)));
        assert_eq!(&*bytes, text.as_bytes());
        // An empty file is read, not mapped.
        std::fs::write(&path, "").unwrap_or_else(|e| unreachable!("{e}"));
        let bytes = FileBytes::open(&path).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(matches!(bytes.inner, Inner::Read(_)));
        assert!(bytes.is_empty());
    }
}
