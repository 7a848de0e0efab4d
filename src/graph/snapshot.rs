//! Compiled snapshots: a loaded [`Graph`] in a binary form that reads back
//! far faster than its JSON parses, with the identity of the files it was
//! built from so that it is used only while they are unchanged.
//!
//! A snapshot is a header and a body, little-endian throughout. Every read
//! is bounds-checked: a truncated, damaged or foreign file is an
//! [`SnapshotError`], never a panic, and callers rebuild from the sources.
//!
//! ```text
//! header
//!   magic         8 bytes  "KGSNAP\r\n"
//!   version       u32      SNAPSHOT_VERSION
//!   sources       u32      how many graph files, then for each, in load order:
//!     path        str      its canonical path
//!     size        u64      its length in bytes
//!     mtime       i128     its modification time, ns since the Unix epoch
//!     ctime       i128     its status-change time, ns since the Unix epoch
//!     inode       u64      its inode number
//!     device      u64      the device that holds it
//!     read at     i128     when kg read it, ns since the Unix epoch
//!     checksum    u64      XXH3-64 of its bytes
//!   body length   u64
//!   body checksum u64      XXH3-64 of the body
//!   header sum    u64      XXH3-64 of every header byte before it
//!   padding       zeros up to a multiple of 8, so the body starts aligned
//! body
//!   name          opt str
//!   changes       7 x u64  the graph's change counters after loading
//!   interner      u32 n, n x str            labels, types and keys; a
//!                                           symbol is a position here
//!   sources       u32 n, n x (str id, opt str url, opt str title, date)
//!   entities      u32 n, n x (u8 flags: 1 id, 2 name; [str id]; [str name];
//!                 u32 k, k x u32 label; u32 k, k x str alias; props)
//!   relations     u32 n, n x (u32 from, u32 to, u32 type, props, date since,
//!                 date until, u8 flags: 1 source, 2 locator, 4 note, 8 quote;
//!                 the strs flagged)
//!   columns       the indexes, read in place: see super::frozen
//!   columns at    u64      where the columns begin (the end of the
//!                          relations; they start at the next multiple of 8)
//! str             u32 length, UTF-8 bytes; opt str: length u32::MAX for none
//! props           u32 n, n x (u32 key, value)
//! value           u8 tag: 0 str, 1 i64, 2 f64 bits, 3 false, 4 true,
//!                 5 list (u32 n, n x value)
//! date            u8 0 none, else 1; i32 year, u8 month (0 = none), u8 day
//! ```
//!
//! Entities are stored in index order and relations in index order, so
//! decoding rebuilds the same node and edge indices, the same adjacency
//! order and the same indexes, as [`Graph::from_parts`] would from the
//! decoded records. [`decode_body`] builds the petgraph graph on the
//! calling thread while a second thread reads the entities again for the
//! id, name and label indexes; the file's checksums can be checked
//! meanwhile ([`body_unchecked`], [`check_body`]). [`open`] instead reads
//! the graph in place ([`super::frozen`]). Snapshots are written as a
//! stream ([`write()`]), the body hashed on its way out.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use std::sync::Arc;

use super::date::Date;
use super::frozen::Frozen;
use super::intern::{Interner, Sym};
use super::mapped::FileBytes;
use super::model::{
    Changes, Entity, EntityIndex, Graph, GraphError, Provenance, Relation, Source, TypeIndex,
};
use super::value::{PropValue, Props};
use petgraph::stable_graph::{NodeIndex, StableDiGraph};

/// The first bytes of every snapshot.
pub const MAGIC: [u8; 8] = *b"KGSNAP\r\n";
/// The version of the snapshot layout this build reads and writes; a
/// snapshot of another version is rebuilt. Version 4: the name table
/// holds look-up keys (`fold::name_key`), not names in lower case.
/// Version 5: each source's status-change time, inode, device and the
/// time it was read.
pub const SNAPSHOT_VERSION: u32 = 5;

/// How deep lists may nest inside a property value.
const MAX_DEPTH: usize = 16;
/// `opt str` length that means "none".
const NONE: u32 = u32::MAX;

/// Why a snapshot cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The file does not start with [`MAGIC`].
    #[error("not a kg snapshot")]
    NotSnapshot,
    /// The snapshot was written by a build with another layout.
    #[error("snapshot format version {0}, this kg reads version {SNAPSHOT_VERSION}")]
    Version(u32),
    /// The file ends before its content does.
    #[error("the snapshot is truncated")]
    Truncated,
    /// The header or body checksum does not match.
    #[error("the snapshot's {0} checksum does not match: it is damaged")]
    Checksum(&'static str),
    /// The content is not a valid graph.
    #[error("the snapshot is damaged: {0}")]
    Corrupt(String),
    /// The graph is too large for the layout (more than 2^32 - 2 items).
    #[error("the graph is too large for a snapshot")]
    TooLarge,
    /// The snapshot could not be written.
    #[error("{0}")]
    Io(String),
}

fn corrupt(what: impl Into<String>) -> SnapshotError {
    SnapshotError::Corrupt(what.into())
}

// ----- the identity of the source files -------------------------------------

/// What a snapshot records of one graph file, to tell whether the file is
/// still the one it was built from (see [`super::cache`] for the rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceStamp {
    /// The file's canonical path.
    pub path: PathBuf,
    /// Its length in bytes.
    pub size: u64,
    /// Its modification time, in nanoseconds since the Unix epoch.
    pub mtime_ns: i128,
    /// Its status-change time (ctime), in nanoseconds since the Unix
    /// epoch: any write or change of times moves it, and no program can
    /// set it back (0 where the platform does not tell).
    pub ctime_ns: i128,
    /// Its inode number (0 where the platform has none).
    pub inode: u64,
    /// The device that holds it (0 where the platform does not tell).
    pub device: u64,
    /// When kg read it, in nanoseconds since the Unix epoch: a file
    /// modified shortly before it was read may change again within the
    /// same tick of the file system's clock without its modification
    /// time changing.
    pub read_ns: i128,
    /// XXH3-64 of its bytes.
    pub checksum: u64,
}

impl SourceStamp {
    /// The stamp of a file whose metadata is `meta`, read at `read_ns`,
    /// without its checksum (0 until it is set).
    pub fn of(path: PathBuf, meta: &std::fs::Metadata, read_ns: i128) -> SourceStamp {
        let (inode, device) = file_identity(meta);
        SourceStamp {
            path,
            size: meta.len(),
            mtime_ns: mtime_ns(meta),
            ctime_ns: ctime_ns(meta),
            inode,
            device,
            read_ns,
            checksum: 0,
        }
    }
}

/// A file's status-change time, in nanoseconds since the Unix epoch.
#[cfg(unix)]
pub fn ctime_ns(meta: &std::fs::Metadata) -> i128 {
    use std::os::unix::fs::MetadataExt;
    i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec())
}

/// A file's status-change time: not told on this platform.
#[cfg(not(unix))]
pub fn ctime_ns(_meta: &std::fs::Metadata) -> i128 {
    0
}

/// A file's inode number and device.
#[cfg(unix)]
pub fn file_identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.ino(), meta.dev())
}

/// A file's inode number and device: not told on this platform.
#[cfg(not(unix))]
pub fn file_identity(_meta: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// The time now, in nanoseconds since the Unix epoch.
pub fn now_ns() -> i128 {
    ns_since_epoch(std::time::SystemTime::now())
}

/// A time in nanoseconds since the Unix epoch (negative before it).
fn ns_since_epoch(t: std::time::SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// The modification time of a file, in nanoseconds since the Unix epoch
/// (0 where the platform does not tell).
pub fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    meta.modified().map_or(0, ns_since_epoch)
}

/// The checksum of bytes as snapshots record it (XXH3-64).
pub fn checksum(bytes: &[u8]) -> u64 {
    xxh3_64(bytes)
}

/// The checksum of a file's bytes, read in blocks of 128 KiB: small
/// enough to stay in the processor's cache between the copy and the
/// hashing (1 MiB blocks made hashing a 370 MB file three times slower).
pub fn checksum_file(path: &Path) -> io::Result<u64> {
    let mut file = File::open(path)?;
    let mut hasher = Xxh3::new();
    let mut buf = vec![0u8; 128 << 10];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    Ok(hasher.digest())
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().as_bytes().to_vec()
}

#[cfg(unix)]
fn path_from(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

// ----- writing ---------------------------------------------------------------

/// Zero bytes up to a multiple of 8, so that the columns that follow can
/// be read in place.
pub(super) fn pad(out: &mut Vec<u8>) {
    out.resize(out.len().next_multiple_of(8), 0);
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i128(&mut self, v: i128) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn count(&mut self, n: usize) -> Result<(), SnapshotError> {
        let n = u32::try_from(n).map_err(|_| SnapshotError::TooLarge)?;
        if n == NONE {
            return Err(SnapshotError::TooLarge);
        }
        self.u32(n);
        Ok(())
    }
    fn bytes(&mut self, b: &[u8]) -> Result<(), SnapshotError> {
        self.count(b.len())?;
        self.0.extend_from_slice(b);
        Ok(())
    }
    fn str(&mut self, s: &str) -> Result<(), SnapshotError> {
        self.bytes(s.as_bytes())
    }
    fn opt_str(&mut self, s: Option<&str>) -> Result<(), SnapshotError> {
        match s {
            Some(s) => self.str(s),
            None => {
                self.u32(NONE);
                Ok(())
            }
        }
    }
    fn sym(&mut self, s: Sym) -> Result<(), SnapshotError> {
        self.count(s.index())
    }
    fn date(&mut self, d: Option<Date>) {
        match d {
            None => self.u8(0),
            Some(d) => {
                let (y, m, day) = d.parts();
                self.u8(1);
                self.0.extend_from_slice(&y.to_le_bytes());
                self.u8(m);
                self.u8(day);
            }
        }
    }
    fn value(&mut self, v: &PropValue) -> Result<(), SnapshotError> {
        match v {
            PropValue::Str(s) => {
                self.u8(0);
                self.str(s)
            }
            PropValue::Int(i) => {
                self.u8(1);
                self.0.extend_from_slice(&i.to_le_bytes());
                Ok(())
            }
            PropValue::Float(f) => {
                self.u8(2);
                self.u64(f.to_bits());
                Ok(())
            }
            PropValue::Bool(b) => {
                self.u8(if *b { 4 } else { 3 });
                Ok(())
            }
            PropValue::List(l) => {
                self.u8(5);
                self.count(l.len())?;
                l.iter().try_for_each(|v| self.value(v))
            }
        }
    }
    fn props(&mut self, p: &Props) -> Result<(), SnapshotError> {
        self.count(p.len())?;
        for (k, v) in p.iter() {
            self.sym(k)?;
            self.value(v)?;
        }
        Ok(())
    }
}

/// Writes the body of `graph`'s snapshot to `sink`.
fn write_body(graph: &Graph, sink: &mut Sink) -> Result<(), SnapshotError> {
    let mut w = Writer(Vec::with_capacity(2 * FLUSH_AT));
    w.opt_str(graph.name.as_deref())?;
    let c = graph.changes();
    for v in [
        c.entities_created,
        c.entities_deleted,
        c.relations_created,
        c.relations_deleted,
        c.properties_set,
        c.labels_added,
        c.labels_removed,
    ] {
        w.u64(v);
    }
    let interner = graph.interner();
    w.count(interner.len())?;
    for s in interner.iter() {
        w.str(s)?;
    }
    w.count(graph.sources().len())?;
    for s in graph.sources() {
        w.str(&s.id)?;
        w.opt_str(s.url.as_deref())?;
        w.opt_str(s.title.as_deref())?;
        w.date(s.published);
    }

    // Positions of the entities, which are the node indices on reading.
    let mut position: Vec<u32> = Vec::new();
    let mut cols = super::frozen::Columns::default();
    w.count(graph.entity_count())?;
    for (i, n) in graph.entity_indices().enumerate() {
        let Some(e) = graph.entity(n) else { continue };
        sink.take(&mut w)?;
        cols.add_entity(sink.at(&w), e);
        if position.len() <= n.index() {
            position.resize(n.index() + 1, NONE);
        }
        if let Some(p) = position.get_mut(n.index()) {
            *p = u32::try_from(i).map_err(|_| SnapshotError::TooLarge)?;
        }
        w.u8(u8::from(e.id.is_some()) | (u8::from(e.name.is_some()) << 1));
        if let Some(id) = &e.id {
            w.str(id)?;
        }
        if let Some(name) = &e.name {
            w.str(name)?;
        }
        w.count(e.labels.len())?;
        for &l in &e.labels {
            w.sym(l)?;
        }
        w.count(e.aliases.len())?;
        for a in &e.aliases {
            w.str(a)?;
        }
        w.props(&e.props)?;
    }
    cols.entity_at.push(sink.at(&w) as u64);
    let at = |n: petgraph::stable_graph::NodeIndex| -> Result<u32, SnapshotError> {
        position
            .get(n.index())
            .copied()
            .filter(|&p| p != NONE)
            .ok_or_else(|| corrupt("a relation ends at no entity"))
    };
    w.count(graph.relation_count())?;
    for e in graph.relation_indices() {
        let (Some(r), Some((from, to))) = (graph.relation(e), graph.endpoints(e)) else {
            continue;
        };
        let (from, to) = (at(from)?, at(to)?);
        sink.take(&mut w)?;
        cols.add_relation(sink.at(&w), from, to, r.ty);
        w.u32(from);
        w.u32(to);
        w.sym(r.ty)?;
        w.props(&r.props)?;
        w.date(r.since);
        w.date(r.until);
        let p = r.provenance();
        let fields = [&p.source, &p.locator, &p.note, &p.quote];
        let mut flags = 0u8;
        for (bit, f) in fields.iter().enumerate() {
            if f.is_some() {
                flags |= 1 << bit;
            }
        }
        w.u8(flags);
        for s in fields.into_iter().flatten() {
            w.str(s)?;
        }
    }
    cols.relation_at.push(sink.at(&w) as u64);
    let columns_at = sink.at(&w) as u64;
    sink.put(&w.0)?;
    cols.write(sink, graph.interner().len())?;
    sink.pad()?;
    sink.put(&columns_at.to_le_bytes())
}

/// The body of `graph`'s snapshot.
#[cfg(test)]
fn encode_body(graph: &Graph) -> Result<Vec<u8>, SnapshotError> {
    let mut out = Vec::new();
    let mut sink = Sink::new(&mut out);
    write_body(graph, &mut sink)?;
    sink.finish()?;
    Ok(out)
}

/// How many bytes of records are gathered before they are written.
const FLUSH_AT: usize = 1 << 20;

/// Where a body is written: bytes go out in blocks, hashed on the way,
/// so that a large graph's body is never held in memory whole.
pub(super) struct Sink<'a> {
    out: &'a mut dyn Write,
    hasher: Xxh3,
    written: usize,
}

impl<'a> Sink<'a> {
    fn new(out: &'a mut dyn Write) -> Sink<'a> {
        Sink {
            out,
            hasher: Xxh3::new(),
            written: 0,
        }
    }

    /// The body position of the next byte, with `w`'s bytes not yet put.
    fn at(&self, w: &Writer) -> usize {
        self.written + w.0.len()
    }

    /// Puts `w`'s bytes once there are enough of them.
    fn take(&mut self, w: &mut Writer) -> Result<(), SnapshotError> {
        if w.0.len() >= FLUSH_AT {
            self.put(&w.0)?;
            w.0.clear();
        }
        Ok(())
    }

    /// Writes `bytes`.
    pub(super) fn put(&mut self, bytes: &[u8]) -> Result<(), SnapshotError> {
        self.hasher.update(bytes);
        self.out.write_all(bytes).map_err(io_failed)?;
        self.written += bytes.len();
        Ok(())
    }

    /// Zero bytes up to a multiple of 8.
    pub(super) fn pad(&mut self) -> Result<(), SnapshotError> {
        let zeros = [0u8; 8];
        let n = self.written.next_multiple_of(8) - self.written;
        self.put(zeros.get(..n).unwrap_or_default())
    }

    /// The body's length and checksum.
    fn finish(self) -> Result<(u64, u64), SnapshotError> {
        self.out.flush().map_err(io_failed)?;
        Ok((self.written as u64, self.hasher.digest()))
    }
}

fn io_failed(e: io::Error) -> SnapshotError {
    SnapshotError::Io(e.to_string())
}

/// Writes the snapshot of `graph`, loaded from the files `sources`
/// describes (in load order), to `out`: the header with room for the
/// body's length and checksum, the body, then the header again with them.
pub fn write<W: Write + Seek>(
    graph: &Graph,
    sources: &[SourceStamp],
    out: &mut W,
) -> Result<(), SnapshotError> {
    let start = out.stream_position().map_err(io_failed)?;
    out.write_all(&header(sources, 0, 0)?).map_err(io_failed)?;
    let mut sink = Sink::new(out);
    write_body(graph, &mut sink)?;
    let (len, sum) = sink.finish()?;
    out.seek(SeekFrom::Start(start)).map_err(io_failed)?;
    out.write_all(&header(sources, len, sum)?)
        .map_err(io_failed)?;
    out.seek(SeekFrom::End(0)).map_err(io_failed)?;
    out.flush().map_err(io_failed)
}

/// The snapshot of `graph`, loaded from the files `sources` describes (in
/// load order).
pub fn encode(graph: &Graph, sources: &[SourceStamp]) -> Result<Vec<u8>, SnapshotError> {
    let mut out = io::Cursor::new(Vec::new());
    write(graph, sources, &mut out)?;
    Ok(out.into_inner())
}

/// A snapshot's header for a body of `len` bytes with checksum `sum`,
/// padded so that the body starts 8-aligned (and so its columns).
fn header(sources: &[SourceStamp], len: u64, sum: u64) -> Result<Vec<u8>, SnapshotError> {
    let mut w = Writer(Vec::with_capacity(256));
    w.0.extend_from_slice(&MAGIC);
    w.u32(SNAPSHOT_VERSION);
    w.count(sources.len())?;
    for s in sources {
        w.bytes(&path_bytes(&s.path))?;
        w.u64(s.size);
        w.i128(s.mtime_ns);
        w.i128(s.ctime_ns);
        w.u64(s.inode);
        w.u64(s.device);
        w.i128(s.read_ns);
        w.u64(s.checksum);
    }
    w.u64(len);
    w.u64(sum);
    let header_sum = checksum(&w.0);
    w.u64(header_sum);
    pad(&mut w.0);
    Ok(w.0)
}

/// A snapshot of `body`: the header, then the body.
#[cfg(test)]
fn frame(body: &[u8], sources: &[SourceStamp]) -> Result<Vec<u8>, SnapshotError> {
    let mut out = header(sources, body.len() as u64, checksum(body))?;
    out.extend_from_slice(body);
    Ok(out)
}

// ----- reading ---------------------------------------------------------------

/// Reads a snapshot's fields, every read bounds-checked.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader of `bytes` from `pos`.
    pub(super) fn at(bytes: &'a [u8], pos: usize) -> Reader<'a> {
        Reader { bytes, pos }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        let end = self.pos.checked_add(n).ok_or(SnapshotError::Truncated)?;
        let s = self
            .bytes
            .get(self.pos..end)
            .ok_or(SnapshotError::Truncated)?;
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], SnapshotError> {
        self.take(N)?
            .try_into()
            .map_err(|_| SnapshotError::Truncated)
    }
    pub(super) fn u8(&mut self) -> Result<u8, SnapshotError> {
        Ok(u8::from_le_bytes(self.array()?))
    }
    pub(super) fn u32(&mut self) -> Result<u32, SnapshotError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub(super) fn u64(&mut self) -> Result<u64, SnapshotError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn i128(&mut self) -> Result<i128, SnapshotError> {
        Ok(i128::from_le_bytes(self.array()?))
    }
    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }
    /// A count of items each at least `min_size` bytes long: one the rest
    /// of the input cannot hold is refused before anything is allocated.
    fn count(&mut self, min_size: usize) -> Result<usize, SnapshotError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size) > self.remaining() {
            return Err(SnapshotError::Truncated);
        }
        Ok(n)
    }
    fn raw(&mut self) -> Result<&'a [u8], SnapshotError> {
        let n = self.count(1)?;
        self.take(n)
    }
    pub(super) fn str(&mut self) -> Result<&'a str, SnapshotError> {
        std::str::from_utf8(self.raw()?).map_err(|_| corrupt("a text is not UTF-8"))
    }
    fn opt_str(&mut self) -> Result<Option<&'a str>, SnapshotError> {
        let n = self.u32()?;
        if n == NONE {
            return Ok(None);
        }
        let b = self.take(n as usize)?;
        std::str::from_utf8(b)
            .map(Some)
            .map_err(|_| corrupt("a text is not UTF-8"))
    }
    fn boxed(&mut self) -> Result<Box<str>, SnapshotError> {
        self.str().map(Box::from)
    }
    fn sym(&mut self, syms: &[Sym]) -> Result<Sym, SnapshotError> {
        let i = self.u32()? as usize;
        syms.get(i)
            .copied()
            .ok_or_else(|| corrupt(format!("symbol {i} is not in the table")))
    }
    fn date(&mut self) -> Result<Option<Date>, SnapshotError> {
        if self.u8()? == 0 {
            return Ok(None);
        }
        let year = i32::from_le_bytes(self.array()?);
        let (month, day) = (self.u8()?, self.u8()?);
        let date = match (month, day) {
            (0, 0) => Some(Date::year(year)),
            (m, 0) => Date::month(year, m),
            (m, d) => Date::day(year, m, d),
        };
        date.map(Some)
            .ok_or_else(|| corrupt(format!("{year}-{month}-{day} is not a date")))
    }
    fn value(&mut self, depth: usize) -> Result<PropValue, SnapshotError> {
        Ok(match self.u8()? {
            0 => PropValue::Str(self.boxed()?),
            1 => PropValue::Int(i64::from_le_bytes(self.array()?)),
            2 => PropValue::Float(f64::from_bits(self.u64()?)),
            3 => PropValue::Bool(false),
            4 => PropValue::Bool(true),
            5 if depth < MAX_DEPTH => {
                let n = self.count(1)?;
                let mut list = Vec::with_capacity(n);
                for _ in 0..n {
                    list.push(self.value(depth + 1)?);
                }
                PropValue::List(list.into())
            }
            5 => return Err(corrupt("lists nest too deep")),
            t => return Err(corrupt(format!("unknown value tag {t}"))),
        })
    }
    /// Reads past a value, checking only that it is whole.
    fn skip_value(&mut self, depth: usize) -> Result<(), SnapshotError> {
        match self.u8()? {
            0 => self.raw().map(drop),
            1 | 2 => self.take(8).map(drop),
            3 | 4 => Ok(()),
            5 if depth < MAX_DEPTH => {
                for _ in 0..self.count(1)? {
                    self.skip_value(depth + 1)?;
                }
                Ok(())
            }
            5 => Err(corrupt("lists nest too deep")),
            t => Err(corrupt(format!("unknown value tag {t}"))),
        }
    }
    /// Reads past properties, checking only that they are whole.
    fn skip_props(&mut self) -> Result<(), SnapshotError> {
        for _ in 0..self.count(5)? {
            self.take(4)?;
            self.skip_value(0)?;
        }
        Ok(())
    }
    fn props(&mut self, syms: &[Sym]) -> Result<Props, SnapshotError> {
        let n = self.count(5)?;
        let mut props = Props::with_capacity(n);
        for _ in 0..n {
            let k = self.sym(syms)?;
            let v = self.value(0)?;
            if props.insert(k, v).is_some() {
                return Err(corrupt("a property key is repeated"));
            }
        }
        Ok(props)
    }
}

/// A snapshot's header: what it was built from, and where its body is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The graph files, in load order.
    pub sources: Vec<SourceStamp>,
    /// The body's length in bytes.
    pub body_len: u64,
    /// XXH3-64 of the body.
    pub body_checksum: u64,
    /// Where the body starts in the file.
    pub body_start: usize,
}

/// Reads and checks a snapshot's header (magic, version, header checksum),
/// leaving the body unread.
pub fn read_header(bytes: &[u8]) -> Result<Header, SnapshotError> {
    let mut r = Reader { bytes, pos: 0 };
    let magic: [u8; 8] = r.array().map_err(|_| SnapshotError::NotSnapshot)?;
    if magic != MAGIC {
        return Err(SnapshotError::NotSnapshot);
    }
    let version = r.u32()?;
    if version != SNAPSHOT_VERSION {
        return Err(SnapshotError::Version(version));
    }
    // A path's length, size, mtime, ctime, inode, device, read time,
    // checksum.
    let n = r.count(4 + 8 + 16 + 16 + 8 + 8 + 16 + 8)?;
    let mut sources = Vec::with_capacity(n);
    for _ in 0..n {
        let path = path_from(r.raw()?);
        sources.push(SourceStamp {
            path,
            size: r.u64()?,
            mtime_ns: r.i128()?,
            ctime_ns: r.i128()?,
            inode: r.u64()?,
            device: r.u64()?,
            read_ns: r.i128()?,
            checksum: r.u64()?,
        });
    }
    let body_len = r.u64()?;
    let body_checksum = r.u64()?;
    let summed = bytes.get(..r.pos).ok_or(SnapshotError::Truncated)?;
    let expected = checksum(summed);
    if r.u64()? != expected {
        return Err(SnapshotError::Checksum("header"));
    }
    let padding = r.take(r.pos.next_multiple_of(8) - r.pos)?;
    if padding.iter().any(|&b| b != 0) {
        return Err(corrupt("the header's padding is not zero"));
    }
    Ok(Header {
        sources,
        body_len,
        body_checksum,
        body_start: r.pos,
    })
}

/// The body of a snapshot whose header is `header`, after checking its
/// length and checksum.
pub fn body<'a>(bytes: &'a [u8], header: &Header) -> Result<&'a [u8], SnapshotError> {
    let body = body_unchecked(bytes, header)?;
    check_body(body, header)?;
    Ok(body)
}

/// The body of a snapshot whose header is `header`, after checking its
/// length only; check it with [`check_body`] before trusting what it
/// decodes to (decoding a damaged body is safe, but its graph is wrong).
pub fn body_unchecked<'a>(bytes: &'a [u8], header: &Header) -> Result<&'a [u8], SnapshotError> {
    let len = usize::try_from(header.body_len).map_err(|_| SnapshotError::Truncated)?;
    let end = header
        .body_start
        .checked_add(len)
        .ok_or(SnapshotError::Truncated)?;
    let body = bytes
        .get(header.body_start..end)
        .ok_or(SnapshotError::Truncated)?;
    if end != bytes.len() {
        return Err(corrupt("bytes after the end of the body"));
    }
    Ok(body)
}

/// Checks a body against the checksum its header records.
pub fn check_body(body: &[u8], header: &Header) -> Result<(), SnapshotError> {
    if checksum(body) == header.body_checksum {
        Ok(())
    } else {
        Err(SnapshotError::Checksum("body"))
    }
}

/// The graph of a snapshot, read in place (see [`super::frozen`]): only
/// what precedes the entities is decoded now, and the body's length is
/// checked but not its checksum ([`check_body`] does that; loads leave it
/// to `kg cache verify`, see [`super::cache`]).
pub fn open(bytes: Arc<FileBytes>, header: &Header) -> Result<Graph, SnapshotError> {
    let len = body_unchecked(&bytes, header)?.len();
    let body = header.body_start..header.body_start + len;
    let (p, frozen) = Frozen::open(bytes, body)?;
    Ok(Graph::frozen(
        p.name, p.sources, p.interner, frozen, p.changes,
    ))
}

/// Builds the graph from a snapshot body (see [`body`]).
pub fn decode_body(body: &[u8]) -> Result<Graph, SnapshotError> {
    decode_body_with(body, &mut |_| {})
}

/// How many records pass between two progress reports.
const PROGRESS_EVERY: usize = 4096;

/// [`decode_body`], reporting the bytes of `body` read so far to
/// `progress` every few thousand records (see
/// [`Progress::Snapshot`](super::load::Progress::Snapshot)).
pub fn decode_body_with(
    body: &[u8],
    progress: &mut dyn FnMut(super::load::Progress),
) -> Result<Graph, SnapshotError> {
    let total = body.len() as u64;
    let mut report = |pos: usize| {
        progress(super::load::Progress::Snapshot {
            done: pos as u64,
            total,
        })
    };
    let mut r = Reader {
        bytes: body,
        pos: 0,
    };
    let Preamble {
        name,
        changes,
        interner,
        syms,
        sources,
    } = read_preamble(&mut r)?;

    // The entities' indexes are built on a second thread from the same
    // bytes, while this one builds the petgraph graph.
    let n = r.count(1 + 4 + 4 + 4)?;
    let entities_at = r.pos;
    let (index, built) = std::thread::scope(|s| {
        let syms = &syms;
        let index = s.spawn(move || index_entities(body, entities_at, n, syms));
        let built = decode_graph(&mut r, n, syms, &mut report);
        (index.join(), built)
    });
    let (inner, by_type) = built?;
    let index = index.map_err(|_| corrupt("the entities could not be indexed"))??;
    Ok(Graph::assemble(
        name, sources, interner, inner, index, by_type, changes,
    ))
}

/// What a body holds before its entities.
pub(super) struct Preamble {
    /// The graph's name.
    pub name: Option<String>,
    /// Its change counters after loading.
    pub changes: Changes,
    /// Labels, types and keys.
    pub interner: Interner,
    /// The symbol of each stored symbol number.
    pub syms: Vec<Sym>,
    /// The sources.
    pub sources: Vec<Source>,
}

/// Reads a body's name, change counters, symbols and sources, leaving `r`
/// at the entity count.
pub(super) fn read_preamble(r: &mut Reader) -> Result<Preamble, SnapshotError> {
    let name = r.opt_str()?.map(String::from);
    let mut c = [0u64; 7];
    for v in &mut c {
        *v = r.u64()?;
    }
    let [entities_created, entities_deleted, relations_created, relations_deleted, properties_set, labels_added, labels_removed] =
        c;
    let changes = Changes {
        entities_created,
        entities_deleted,
        relations_created,
        relations_deleted,
        properties_set,
        labels_added,
        labels_removed,
        // Only queries declare sources; a snapshot holds a graph as its
        // files load, where that count is always 0.
        sources_added: 0,
    };
    let mut interner = Interner::default();
    let n = r.count(4)?;
    let mut syms = Vec::with_capacity(n);
    for _ in 0..n {
        let s = r.str()?;
        syms.push(interner.intern(s));
    }
    let n = r.count(4 + 4 + 4 + 1)?;
    let mut sources = Vec::with_capacity(n);
    for _ in 0..n {
        sources.push(Source {
            id: r.str()?.to_string(),
            url: r.opt_str()?.map(String::from),
            title: r.opt_str()?.map(String::from),
            published: r.date()?,
        });
    }
    Ok(Preamble {
        name,
        changes,
        interner,
        syms,
        sources,
    })
}

/// Reads one entity record.
pub(super) fn read_entity(r: &mut Reader, syms: &[Sym]) -> Result<Entity, SnapshotError> {
    let flags = r.u8()?;
    if flags > 3 {
        return Err(corrupt(format!("unknown entity flags {flags}")));
    }
    let id = if flags & 1 != 0 {
        Some(r.boxed()?)
    } else {
        None
    };
    let name = if flags & 2 != 0 {
        Some(r.boxed()?)
    } else {
        None
    };
    let k = r.count(4)?;
    let mut labels = Vec::with_capacity(k);
    for _ in 0..k {
        labels.push(r.sym(syms)?);
    }
    let k = r.count(4)?;
    let mut aliases = Vec::with_capacity(k);
    for _ in 0..k {
        aliases.push(r.boxed()?);
    }
    let props = r.props(syms)?;
    Ok(Entity {
        id,
        labels,
        name,
        aliases,
        props,
    })
}

/// Reads one relation record: its ends (entity positions, not checked
/// here) and the relation.
pub(super) fn read_relation(
    r: &mut Reader,
    syms: &[Sym],
) -> Result<(usize, usize, Relation), SnapshotError> {
    let from = r.u32()? as usize;
    let to = r.u32()? as usize;
    let ty = r.sym(syms)?;
    let props = r.props(syms)?;
    let since = r.date()?;
    let until = r.date()?;
    let flags = r.u8()?;
    if flags > 15 {
        return Err(corrupt(format!("unknown provenance flags {flags}")));
    }
    let mut field = |bit: u8| -> Result<Option<Box<str>>, SnapshotError> {
        if flags & (1 << bit) != 0 {
            r.boxed().map(Some)
        } else {
            Ok(None)
        }
    };
    let provenance = (flags != 0)
        .then(|| -> Result<Box<Provenance>, SnapshotError> {
            Ok(Box::new(Provenance {
                source: field(0)?,
                locator: field(1)?,
                note: field(2)?,
                quote: field(3)?,
            }))
        })
        .transpose()?;
    Ok((
        from,
        to,
        Relation {
            ty,
            props,
            since,
            until,
            provenance,
        },
    ))
}

/// Decodes `n` entities from `r`, then the relations, into a petgraph
/// graph, with the index of relations by type.
fn decode_graph(
    r: &mut Reader,
    n: usize,
    syms: &[Sym],
    report: &mut dyn FnMut(usize),
) -> Result<(StableDiGraph<Entity, Relation>, TypeIndex), SnapshotError> {
    let mut inner = StableDiGraph::with_capacity(n, 0);
    for i in 0..n {
        if i % PROGRESS_EVERY == 0 {
            report(r.pos);
        }
        inner.add_node(read_entity(r, syms)?);
    }

    let m = r.count(4 + 4 + 4 + 4 + 1 + 1 + 1)?;
    inner.reserve_exact_edges(m);
    let mut by_type = TypeIndex::default();
    // Adding a relation reads and writes both its ends' nodes, far apart
    // in memory: the nodes of the next relations are fetched while the
    // earlier ones are added.
    let nodes = super::model::NodePrefetch::new(&inner);
    let mut pending: VecDeque<(usize, usize, Relation)> = VecDeque::with_capacity(AHEAD + 1);
    let mut add = |inner: &mut StableDiGraph<Entity, Relation>,
                   (from, to, relation): (usize, usize, Relation)| {
        let ty = relation.ty;
        let e = inner.add_edge(NodeIndex::new(from), NodeIndex::new(to), relation);
        by_type.add(ty, e);
    };
    for i in 0..m {
        if i % PROGRESS_EVERY == 0 {
            report(r.pos);
        }
        let (from, to, relation) = read_relation(r, syms)?;
        if from >= n || to >= n {
            return Err(corrupt(GraphError::Missing.to_string()));
        }
        nodes.fetch(from);
        nodes.fetch(to);
        pending.push_back((from, to, relation));
        if pending.len() > AHEAD {
            if let Some(next) = pending.pop_front() {
                add(&mut inner, next);
            }
        }
    }
    for next in pending {
        add(&mut inner, next);
    }
    // The columns follow the records; the body's last field says where.
    let columns_at = super::frozen::columns_at(r.bytes);
    if columns_at != Some(r.pos) {
        return Err(corrupt("the columns do not follow the last relation"));
    }
    report(r.bytes.len());
    Ok((inner, by_type))
}

/// How many relations ahead of the one being added their nodes are
/// fetched.
const AHEAD: usize = 16;

/// Builds the indexes of the `n` entities stored from byte `at` of `body`
/// (ids, names and aliases, labels), reading past everything else.
fn index_entities(
    body: &[u8],
    at: usize,
    n: usize,
    syms: &[Sym],
) -> Result<EntityIndex, SnapshotError> {
    let mut r = Reader {
        bytes: body,
        pos: at,
    };
    let mut index = EntityIndex::with_capacity(n);
    let mut labels = Vec::new();
    let mut names = Vec::new();
    for i in 0..n {
        let flags = r.u8()?;
        if flags > 3 {
            return Err(corrupt(format!("unknown entity flags {flags}")));
        }
        let id = if flags & 1 != 0 { Some(r.str()?) } else { None };
        names.clear();
        if flags & 2 != 0 {
            names.push(r.str()?);
        }
        labels.clear();
        for _ in 0..r.count(4)? {
            labels.push(r.sym(syms)?);
        }
        for _ in 0..r.count(4)? {
            names.push(r.str()?);
        }
        r.skip_props()?;
        index
            .add(NodeIndex::new(i), id, &labels, names.iter().copied())
            .map_err(|e| corrupt(e.to_string()))?;
    }
    Ok(index)
}

/// Reads a whole snapshot: header, body checks, graph. It does not look at
/// the source files; compare [`Header::sources`] with them first.
pub fn decode(bytes: &[u8]) -> Result<(Header, Graph), SnapshotError> {
    let header = read_header(bytes)?;
    let graph = decode_body(body(bytes, &header)?)?;
    Ok((header, graph))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::load_str;
    use crate::graph::write::to_file_text;

    fn stamp() -> SourceStamp {
        SourceStamp {
            path: PathBuf::from("/data/graph.json"),
            size: 1234,
            mtime_ns: 1_700_000_000_123_456_789,
            ctime_ns: 1_700_000_000_223_456_789,
            inode: 4321,
            device: 2049,
            read_ns: 1_700_000_100_000_000_000,
            checksum: 0xfeed_beef,
        }
    }

    fn every_kind() -> Graph {
        let text = r#"{
          "kg": 1,
          "name": "every kind",
          "sources": [
            {"id": "s1", "url": "https://example.org/a?b=\"c\"", "title": "T\u00e9st", "published": "2024-03-15"},
            {"id": "s2", "published": "2024-03"},
            {"id": "s3", "published": "2024"},
            {"id": "s4"}
          ],
          "entities": [
            {"id": "a", "labels": ["Person", "Sanctioned"], "name": "Ann \u0000 \"quoted\" \\ back",
             "aliases": ["Анна", "🦀 crab", ""],
             "props": {"s": "text", "i": -9223372036854775808, "f": 1.5e300, "neg0": -0.0,
                       "t": true, "n": false, "l": [1, "two", 3.5, true], "empty": [], "big": 9223372036854775807}},
            {"id": "b", "labels": ["Company"]},
            {"id": "c", "labels": ["Company"], "name": "ANN \u0000 \"QUOTED\" \\ BACK"}
          ],
          "relations": [
            {"from": "a", "type": "OWNS", "to": "b", "props": {"share": 50.5}, "since": "2019", "until": "2024-02-29",
             "source": "s1", "locator": "p. 3", "note": "n", "quote": "q"},
            {"from": "a", "type": "OWNS", "to": "b", "since": "2020-01", "source": "s2"},
            {"from": "b", "type": "PART_OF", "to": "b", "note": "self"},
            {"from": "c", "type": "SIGNED", "to": "a", "props": {"date": "2021-05-05"}}
          ]
        }"#;
        load_str("every.json", text).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn same(a: &Graph, b: &Graph) {
        assert_eq!(
            to_file_text(a).unwrap_or_else(|e| unreachable!("{e}")),
            to_file_text(b).unwrap_or_else(|e| unreachable!("{e}"))
        );
        assert_eq!(a.name, b.name);
        assert_eq!(a.changes(), b.changes());
        assert_eq!(a.sources(), b.sources());
        assert_eq!(
            a.interner().iter().collect::<Vec<_>>(),
            b.interner().iter().collect::<Vec<_>>()
        );
        let ents = |g: &Graph| {
            g.entity_indices()
                .filter_map(|n| g.entity(n).cloned())
                .collect::<Vec<_>>()
        };
        assert_eq!(ents(a), ents(b));
        let rels = |g: &Graph| {
            g.relation_indices()
                .filter_map(|e| Some((g.endpoints(e)?, g.relation(e)?.clone())))
                .collect::<Vec<_>>()
        };
        assert_eq!(rels(a), rels(b));
        // Adjacency order and indexes.
        for n in a.entity_indices() {
            for dir in [petgraph::Direction::Outgoing, petgraph::Direction::Incoming] {
                let ea: Vec<_> = a.relations_of(n, dir).map(|(e, m, _)| (e, m)).collect();
                let eb: Vec<_> = b.relations_of(n, dir).map(|(e, m, _)| (e, m)).collect();
                assert_eq!(ea, eb);
            }
        }
        let mut names_a: Vec<_> = a
            .names()
            .map(|(k, v)| (k.to_string(), v.to_vec()))
            .collect();
        let mut names_b: Vec<_> = b
            .names()
            .map(|(k, v)| (k.to_string(), v.to_vec()))
            .collect();
        names_a.sort();
        names_b.sort();
        assert_eq!(names_a, names_b);
        assert_eq!(a.label_counts(), b.label_counts());
        assert_eq!(a.type_counts(), b.type_counts());
        for (id, n) in a.ids() {
            assert_eq!(b.by_id(id), Some(n));
        }
        let mut ids_a: Vec<_> = a.ids().collect();
        let mut ids_b: Vec<_> = b.ids().collect();
        ids_a.sort();
        ids_b.sort();
        assert_eq!(ids_a, ids_b);
        assert_eq!(a.by_id("no such id"), None);
        assert_eq!(b.by_id("no such id"), None);
        assert_eq!(a.every_entity_has_id(), b.every_entity_has_id());
        for (name, nodes) in a.names() {
            assert_eq!(*b.by_name(name), *nodes, "{name}");
        }
        assert!(b.by_name("no such name").is_empty());
        let syms: Vec<_> = a.interner().iter().filter_map(|s| a.sym(s)).collect();
        for &sym in &syms {
            assert_eq!(a.with_label(sym), b.with_label(sym));
            assert_eq!(a.of_type(sym), b.of_type(sym));
        }
        for n in a.entity_indices() {
            for dir in [petgraph::Direction::Outgoing, petgraph::Direction::Incoming] {
                assert_eq!(a.degree(n, dir), b.degree(n, dir));
            }
            for &sym in &syms {
                assert_eq!(a.has_labels(n, &[sym]), b.has_labels(n, &[sym]));
            }
        }
        // The typed lists, where one of the graphs has them read in place.
        let lists = |g: &Graph| -> Option<Vec<_>> {
            let own;
            let adj = match g.petgraph() {
                None => g.adjacency()?,
                Some(inner) => {
                    own = crate::graph::adjacency::Adjacency::build(
                        inner,
                        |r: &Relation| r.ty,
                        |n| {
                            g.entity(n)
                                .map_or(0, |e| super::super::model::label_bits_of(&e.labels))
                                as u32
                        },
                    )?;
                    &own
                }
            };
            let mut out = Vec::new();
            for n in g.entity_indices() {
                for dir in [petgraph::Direction::Outgoing, petgraph::Direction::Incoming] {
                    for &ty in &syms {
                        out.push(adj.typed(n, dir, ty).to_vec());
                    }
                }
            }
            Some(out)
        };
        assert_eq!(lists(a), lists(b));
    }

    /// Reads every part of a graph, then changes it.
    fn read_everything(mut g: Graph) {
        let syms: Vec<_> = g.interner().iter().filter_map(|s| g.sym(s)).collect();
        for n in g.entity_indices().collect::<Vec<_>>() {
            let _ = (g.entity(n), g.entity_properties(n), g.display_name(n));
            for dir in [petgraph::Direction::Outgoing, petgraph::Direction::Incoming] {
                let _ = g.relations_of(n, dir).count() + g.degree(n, dir);
                if let Some(adj) = g.adjacency() {
                    for &ty in &syms {
                        let _ = adj.typed(n, dir, ty).len();
                    }
                }
            }
            for &sym in &syms {
                let _ = g.has_labels(n, &[sym]);
            }
        }
        for e in g.relation_indices() {
            let _ = (g.relation(e), g.endpoints(e), g.relation_properties(e));
        }
        for &sym in &syms {
            let _ = (g.with_label(sym).len(), g.of_type(sym).len());
        }
        let ids: Vec<String> = g.ids().map(|(id, _)| id.to_string()).collect();
        for id in &ids {
            let _ = g.by_id(id);
        }
        let names: Vec<String> = g.names().map(|(k, _)| k.to_string()).collect();
        for name in &names {
            let _ = g.by_name(name);
        }
        let _ = (g.label_counts(), g.type_counts(), g.every_entity_has_id());
        let _ = to_file_text(&g);
        let first = g.entity_indices().next();
        if let Some(n) = first {
            let label = g.intern("Changed");
            g.add_label(n, label);
        }
        let _ = g.damage();
    }

    /// The graph of a snapshot read in place, after its checks.
    fn in_place(bytes: &[u8]) -> Graph {
        let header = read_header(bytes).unwrap_or_else(|e| unreachable!("{e}"));
        body(bytes, &header).unwrap_or_else(|e| unreachable!("{e}"));
        let g = open(Arc::new(FileBytes::from_vec(bytes.to_vec())), &header)
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert!(g.is_frozen());
        g
    }

    #[test]
    fn round_trip_keeps_everything() {
        let g = every_kind();
        let bytes = encode(&g, &[stamp()]).unwrap_or_else(|e| unreachable!("{e}"));
        let (header, back) = decode(&bytes).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(header.sources, vec![stamp()]);
        same(&g, &back);
        same(&g, &in_place(&bytes));
        // A graph read in place has no petgraph graph until asked for one.
        let mut frozen = in_place(&bytes);
        assert!(frozen.petgraph().is_none());
        assert_eq!(frozen.petgraph_mut().node_count(), g.entity_count());
        assert!(!frozen.is_frozen() && frozen.petgraph().is_some());
        same(&g, &frozen);
        // Dates of every precision survive as themselves.
        let dates: Vec<String> = back
            .sources()
            .iter()
            .filter_map(|s| s.published.map(|d| d.to_string()))
            .collect();
        assert_eq!(dates, ["2024-03-15", "2024-03", "2024"]);
        // A float's bits survive, negative zero included.
        let a = back.by_id("a").unwrap_or_else(|| unreachable!());
        let neg0 = back.sym("neg0").unwrap_or_else(|| unreachable!());
        let v = back.entity(a).and_then(|e| e.props.get(neg0)).cloned();
        assert!(matches!(v, Some(PropValue::Float(f)) if f == 0.0 && f.is_sign_negative()));
    }

    #[test]
    fn empty_graph_round_trips() {
        let g = Graph::new();
        let bytes = encode(&g, &[]).unwrap_or_else(|e| unreachable!("{e}"));
        let (header, back) = decode(&bytes).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(header.sources.is_empty());
        same(&g, &back);
        same(&g, &in_place(&bytes));
    }

    #[test]
    fn a_graph_with_removed_entities_is_stored_densely() {
        let mut g = every_kind();
        let b = g.by_id("b").unwrap_or_else(|| unreachable!());
        g.remove_entity(b);
        let bytes = encode(&g, &[]).unwrap_or_else(|e| unreachable!("{e}"));
        let (_, back) = decode(&bytes).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(back.entity_count(), 2);
        assert_eq!(back.relation_count(), 1);
        same(&back, &in_place(&bytes));
        assert_eq!(
            to_file_text(&g).unwrap_or_else(|e| unreachable!("{e}")),
            to_file_text(&back).unwrap_or_else(|e| unreachable!("{e}"))
        );
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = encode(&every_kind(), &[stamp()]).unwrap_or_else(|e| unreachable!("{e}"));
        for len in 0..bytes.len() {
            let cut = bytes.get(..len).unwrap_or_default();
            assert!(
                decode(cut).is_err(),
                "a snapshot cut at {len} bytes was accepted"
            );
        }
    }

    #[test]
    fn every_flipped_byte_is_an_error() {
        let bytes = encode(&every_kind(), &[stamp()]).unwrap_or_else(|e| unreachable!("{e}"));
        for at in 0..bytes.len() {
            let mut bad = bytes.clone();
            if let Some(b) = bad.get_mut(at) {
                *b ^= 0x20;
            }
            assert!(
                decode(&bad).is_err(),
                "a snapshot with byte {at} flipped was accepted"
            );
        }
    }

    #[test]
    fn hostile_bodies_are_errors_not_panics() {
        // Bodies that pass the checksum (it is recomputed) but lie.
        let good = encode_body(&every_kind()).unwrap_or_else(|e| unreachable!("{e}"));
        for at in 0..good.len() {
            for x in [0xff, 0x01, 0x80] {
                let mut bad = good.clone();
                if let Some(b) = bad.get_mut(at) {
                    *b ^= x;
                }
                let _ = decode_body(&bad);
                let bytes = frame(&bad, &[]).unwrap_or_else(|e| unreachable!("{e}"));
                let Ok(header) = read_header(&bytes) else {
                    continue;
                };
                if let Ok(g) = open(Arc::new(FileBytes::from_vec(bytes)), &header) {
                    read_everything(g);
                }
            }
        }
        // A place of the columns past every end.
        for at in [u64::MAX, u64::MAX - 7, good.len() as u64] {
            let mut bad = good.clone();
            let end = bad.len() - 8;
            if let Some(trailer) = bad.get_mut(end..) {
                trailer.copy_from_slice(&at.to_le_bytes());
            }
            let bytes = frame(&bad, &[]).unwrap_or_else(|e| unreachable!("{e}"));
            let header = read_header(&bytes).unwrap_or_else(|e| unreachable!("{e}"));
            assert!(open(Arc::new(FileBytes::from_vec(bytes)), &header).is_err());
        }
        // A count that claims more than the input holds.
        let mut huge = Vec::new();
        huge.extend_from_slice(&NONE.to_le_bytes());
        huge.extend_from_slice(&[0u8; 56]);
        huge.extend_from_slice(&(u32::MAX - 1).to_le_bytes());
        assert!(matches!(decode_body(&huge), Err(SnapshotError::Truncated)));
        // Lists nested past the limit.
        let mut w = Writer(Vec::new());
        let mut v = PropValue::Int(1);
        for _ in 0..MAX_DEPTH + 2 {
            v = PropValue::List(vec![v].into());
        }
        w.value(&v).unwrap_or_else(|e| unreachable!("{e}"));
        let mut r = Reader {
            bytes: &w.0,
            pos: 0,
        };
        assert!(r.value(0).is_err());
    }

    #[test]
    fn a_record_that_does_not_decode_is_reported_and_never_saved() {
        // A body whose checksum is right but whose first entity's flags
        // are not: only a forged file can be like this.
        let mut body = encode_body(&every_kind()).unwrap_or_else(|e| unreachable!("{e}"));
        let record = [3u8, 1, 0, 0, 0, b'a'];
        let at = body
            .windows(record.len())
            .position(|w| w == record)
            .unwrap_or_else(|| unreachable!());
        if let Some(flags) = body.get_mut(at) {
            *flags = 0x7f;
        }
        let bytes = frame(&body, &[]).unwrap_or_else(|e| unreachable!("{e}"));
        let g = in_place(&bytes);
        assert_eq!(g.damage(), None, "nothing is decoded on opening");
        let a = g.by_id("a").unwrap_or_else(|| unreachable!());
        assert!(g.entity(a).is_none());
        assert!(g
            .damage()
            .is_some_and(|d| d.contains("unknown entity flags 127")));
        let saved = crate::graph::save::checked_text(Path::new("g.json"), &g);
        assert!(saved.is_err_and(|e| e.to_string().contains("kg cache clear")));
        // Changing it decodes the whole snapshot, which fails the same way.
        let mut g = in_place(&bytes);
        let label = g.intern("X");
        g.add_label(a, label);
        assert!(g.damage().is_some());
    }

    #[test]
    fn another_version_or_no_magic_is_refused() {
        let mut bytes = encode(&every_kind(), &[]).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(matches!(
            decode(b"{\"kg\": 1}"),
            Err(SnapshotError::NotSnapshot)
        ));
        if let Some(v) = bytes.get_mut(8) {
            *v = 99;
        }
        assert!(matches!(decode(&bytes), Err(SnapshotError::Version(99))));
    }

    #[test]
    fn decoding_reports_growing_positions_up_to_the_body_length() {
        // 10,000 entities and relations: reports every 4096 of each, then
        // the end.
        let mut text = String::from("{\"kg\": 1, \"entities\": [");
        for i in 0..10_000 {
            text.push_str(&format!(
                "{}{{\"id\": \"e{i}\", \"labels\": [\"Company\"]}}",
                if i > 0 { ", " } else { "" }
            ));
        }
        text.push_str("], \"relations\": [");
        for i in 0..10_000 {
            text.push_str(&format!(
                "{}{{\"from\": \"e{i}\", \"type\": \"OWNS\", \"to\": \"e0\"}}",
                if i > 0 { ", " } else { "" }
            ));
        }
        text.push_str("]}");
        let g = load_str("g.json", &text).unwrap_or_else(|e| unreachable!("{e}"));
        let bytes = encode(&g, &[stamp()]).unwrap_or_else(|e| unreachable!("{e}"));
        let header = read_header(&bytes).unwrap_or_else(|e| unreachable!("{e}"));
        let b = body(&bytes, &header).unwrap_or_else(|e| unreachable!("{e}"));
        let mut seen = Vec::new();
        let decoded = decode_body_with(b, &mut |p| seen.push(p));
        assert_eq!(decoded.map(|g| g.relation_count()).ok(), Some(10_000));
        let done: Vec<u64> = seen
            .iter()
            .map(|p| match p {
                crate::graph::Progress::Snapshot { done, total } => {
                    assert_eq!(*total, b.len() as u64);
                    *done
                }
                other => unreachable!("{other:?}"),
            })
            .collect();
        assert_eq!(done.len(), 3 + 3 + 1, "{done:?}");
        assert!(done.windows(2).all(|w| w[0] < w[1]), "{done:?}");
        assert_eq!(done.last(), Some(&(b.len() as u64)));
    }
}
