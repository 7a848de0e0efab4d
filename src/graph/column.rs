//! Columns of fixed-size values: owned, or read in place from the bytes of
//! a mapped snapshot, so that a large index is usable the moment the file
//! is opened, without being copied or rebuilt.

use std::ops::Range;
use std::sync::Arc;

use zerocopy::{FromBytes, Immutable, KnownLayout};

use super::mapped::FileBytes;

/// A slice of `T`: a vector, or a range of a file's bytes.
pub enum Column<T> {
    /// Values built in memory.
    Owned(Vec<T>),
    /// Values stored little-endian in `bytes[range]`, whose start is
    /// aligned for `T` (checked by [`Column::mapped`]).
    Mapped {
        /// The file.
        bytes: Arc<FileBytes>,
        /// Where the values are.
        range: Range<usize>,
    },
}

impl<T: FromBytes + Immutable + KnownLayout> Column<T> {
    /// The values in `bytes[range]`; `None` unless the range is inside the
    /// file, a whole number of values long and aligned for `T` in memory,
    /// and the machine is little-endian (the order snapshots are written
    /// in).
    pub fn mapped(bytes: Arc<FileBytes>, range: Range<usize>) -> Option<Column<T>> {
        if cfg!(target_endian = "big") {
            return None;
        }
        <[T]>::ref_from_bytes(bytes.get(range.clone())?).ok()?;
        Some(Column::Mapped { bytes, range })
    }

    /// The values.
    pub fn as_slice(&self) -> &[T] {
        match self {
            Column::Owned(v) => v,
            // Checked when the column was made; the bytes do not change.
            Column::Mapped { bytes, range } => bytes
                .get(range.clone())
                .and_then(|b| <[T]>::ref_from_bytes(b).ok())
                .unwrap_or(&[]),
        }
    }

    /// How many values there are.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// The value at `i`.
    pub fn get(&self, i: usize) -> Option<&T> {
        self.as_slice().get(i)
    }
}

impl<T> Default for Column<T> {
    fn default() -> Self {
        Column::Owned(Vec::new())
    }
}

impl<T: Clone> Clone for Column<T> {
    fn clone(&self) -> Self {
        match self {
            Column::Owned(v) => Column::Owned(v.clone()),
            Column::Mapped { bytes, range } => Column::Mapped {
                bytes: Arc::clone(bytes),
                range: range.clone(),
            },
        }
    }
}

impl<T> std::fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Column::Owned(v) => write!(f, "Column::Owned({} values)", v.len()),
            Column::Mapped { range, .. } => write!(f, "Column::Mapped({range:?})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zerocopy::IntoBytes;

    #[test]
    fn mapped_columns_read_in_place_and_refuse_bad_ranges() {
        let values: Vec<u32> = vec![1, 2, 3, 4];
        let mut raw = vec![0u8; 4];
        raw.extend_from_slice(values.as_bytes());
        let bytes = Arc::new(FileBytes::from_vec(raw));
        let column = Column::<u32>::mapped(Arc::clone(&bytes), 4..20);
        // Where the vector's buffer is aligned for u32 (it nearly always
        // is), the column reads the values in place.
        if let Some(c) = column {
            assert_eq!(c.as_slice(), &[1, 2, 3, 4]);
            assert_eq!(c.clone().get(3), Some(&4));
        }
        assert!(Column::<u32>::mapped(Arc::clone(&bytes), 4..19).is_none());
        assert!(Column::<u32>::mapped(Arc::clone(&bytes), 4..24).is_none());
        assert!(Column::<u32>::mapped(bytes, 5..9).is_none());
        assert!(Column::<u32>::default().is_empty());
    }
}
