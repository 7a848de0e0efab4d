//! A graph answered in place from a compiled snapshot.
//!
//! Rebuilding a million entities and three million relations as petgraph
//! records and hash indexes takes about a second; a script that asks one
//! question of a large graph needs a few of them. So a snapshot also
//! stores, after its records, the indexes as columns of fixed-size
//! values, and a frozen graph reads them where they lie in the mapped
//! file: the typed adjacency lists, the ends of each relation, a hash
//! table of ids and one of folded names, the entities of each label and
//! the relations of each type. An entity or relation record is decoded the
//! first time it is read, and kept.
//!
//! A frozen graph is never changed: the first change turns it into an
//! ordinary petgraph graph ([`Graph`](super::Graph) does that), decoding
//! the whole snapshot as [`snapshot::decode_body`](super::snapshot::decode_body) does.
//!
//! ```text
//! columns       each: u64 byte length, the values, zeros up to a multiple
//!               of 8 (values start 8-aligned, so they are read in place)
//!   entity_at     u64 x (n + 1)   where each entity record starts; the last
//!                                 is where the relation count is
//!   relation_at   u64 x (m + 1)   where each relation record starts
//!   ends          u32 x 2m        each relation's from and to
//!   label_bits    u64 x n         see Graph::has_labels
//!   out_offsets   u32 x (n + 1)   outgoing typed lists (adjacency.rs)
//!   out_entries   Adjacent x m
//!   out_order     u32 x m         positions in out_entries, each entity's
//!                                 newest relation first (petgraph's order)
//!   in_offsets, in_entries, in_order   the same for incoming relations
//!   id_slots      u32 x 2^k       open addressing on XXH3-64 of the id:
//!                                 entity + 1, 0 for an empty slot
//!   names_at      u64 x (N + 1)   folded names (model::fold_name) in
//!   name_text     u8              name_text, in order of first use
//!   name_slots    u32 x 2^k       name number + 1, by XXH3-64 of the name
//!   name_nodes_at u32 x (N + 1)   each name's entities, in index order,
//!   name_nodes    u32             in name_nodes
//!   label_at      u32 x (S + 1)   each symbol's entities (as a label)
//!   label_nodes   u32
//!   type_at       u32 x (S + 1)   each symbol's relations (as a type)
//!   type_edges    u32 x m
//!   counts        u64 x 1         entities with an id
//! ```

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::Direction;
use xxhash_rust::xxh3::xxh3_64;
use zerocopy::{Immutable, IntoBytes};

use super::adjacency::{Adjacency, Csr, EdgeEnds};
use super::column::Column;
use super::intern::Sym;
use super::mapped::FileBytes;
use super::model::{fold_name, label_bits_of, Entity, Relation};
use super::snapshot::{
    read_entity, read_preamble, read_relation, Preamble, Reader, Sink, SnapshotError,
};
use super::FastMap;

fn corrupt(what: &str) -> SnapshotError {
    SnapshotError::Corrupt(what.to_string())
}

fn too_large<T>(_: T) -> SnapshotError {
    SnapshotError::TooLarge
}

// ----- writing ---------------------------------------------------------------

/// The columns of a snapshot, gathered while its records are written.
#[derive(Default)]
pub(super) struct Columns {
    /// Where each entity record starts, then where the relation count is.
    pub(super) entity_at: Vec<u64>,
    /// Where each relation record starts, then where the records end.
    pub(super) relation_at: Vec<u64>,
    ends: Vec<u32>,
    types: Vec<Sym>,
    label_bits: Vec<u64>,
    ids: Vec<(u64, u32)>,
    name_number: FastMap<Box<str>, u32>,
    names_at: Vec<u64>,
    name_text: Vec<u8>,
    /// (name number, entity), in entity order.
    name_pairs: Vec<(u32, u32)>,
    labels: Vec<(u32, u32)>,
}

impl Columns {
    /// Notes the next entity, whose record starts at `at`.
    pub(super) fn add_entity(&mut self, at: usize, e: &Entity) {
        let i = self.label_bits.len() as u32;
        self.entity_at.push(at as u64);
        self.label_bits.push(label_bits_of(&e.labels));
        if let Some(id) = &e.id {
            self.ids.push((xxh3_64(id.as_bytes()), i));
        }
        let first = self.name_pairs.len();
        for name in e.name.iter().chain(&e.aliases) {
            let folded = fold_name(name);
            let k = match self.name_number.get(&folded) {
                Some(&k) => k,
                None => {
                    let k = self.name_number.len() as u32;
                    if self.names_at.is_empty() {
                        self.names_at.push(0);
                    }
                    self.name_text.extend_from_slice(folded.as_bytes());
                    self.names_at.push(self.name_text.len() as u64);
                    self.name_number.insert(folded, k);
                    k
                }
            };
            // An entity is listed once under a name it has twice.
            let own = self.name_pairs.get(first..).unwrap_or_default();
            if !own.iter().any(|&(j, _)| j == k) {
                self.name_pairs.push((k, i));
            }
        }
        for l in &e.labels {
            self.labels.push((l.index() as u32, i));
        }
    }

    /// Notes the next relation, whose record starts at `at`.
    pub(super) fn add_relation(&mut self, at: usize, from: u32, to: u32, ty: Sym) {
        self.relation_at.push(at as u64);
        self.ends.extend([from, to]);
        self.types.push(ty);
    }

    /// Appends the columns to `out` (a body whose records are written),
    /// for a graph of `symbols` symbols.
    pub(super) fn write(self, out: &mut Sink, symbols: usize) -> Result<(), SnapshotError> {
        let n = self.label_bits.len();
        column(out, &self.entity_at)?;
        column(out, &self.relation_at)?;
        column(out, &self.ends)?;
        column(out, &self.label_bits)?;

        let edges = self
            .ends
            .chunks_exact(2)
            .zip(&self.types)
            .enumerate()
            .map(|(e, (ends, &ty))| {
                Ok(EdgeEnds {
                    edge: u32::try_from(e).map_err(too_large)?,
                    from: ends[0],
                    to: ends[1],
                    ty,
                })
            })
            .collect::<Result<Vec<_>, SnapshotError>>()?;
        let bits = &self.label_bits;
        let adjacency =
            Adjacency::from_edges(n, &edges, |k| bits.get(k as usize).map_or(0, |b| *b as u32))
                .ok_or(SnapshotError::TooLarge)?;
        for dir in [Direction::Outgoing, Direction::Incoming] {
            let csr = adjacency.csr(dir);
            column(out, csr.offsets())?;
            column(out, csr.entries())?;
            column(out, &newest_first(csr))?;
        }

        let id_slots = slots(self.ids.iter().copied());
        column(out, &id_slots)?;

        let names_at = if self.names_at.is_empty() {
            vec![0]
        } else {
            self.names_at
        };
        let name_slots = slots(names_at.windows(2).enumerate().map(|(k, w)| {
            let text = self.name_text.get(w[0] as usize..w[1] as usize);
            (xxh3_64(text.unwrap_or_default()), k as u32)
        }));
        column(out, &names_at)?;
        column(out, &self.name_text)?;
        column(out, &name_slots)?;
        let (name_nodes_at, name_nodes) =
            postings(self.name_number.len(), self.name_pairs.iter().copied())?;
        column(out, &name_nodes_at)?;
        column(out, &name_nodes)?;

        let (label_at, label_nodes) = postings(symbols, self.labels.into_iter())?;
        column(out, &label_at)?;
        column(out, &label_nodes)?;
        let typed = self
            .types
            .iter()
            .enumerate()
            .map(|(e, t)| (t.index() as u32, e as u32));
        let (type_at, type_edges) = postings(symbols, typed)?;
        column(out, &type_at)?;
        column(out, &type_edges)?;
        column(out, &[self.ids.len() as u64])?;
        Ok(())
    }
}

/// Writes one column: padding, its length, its values' bytes.
fn column<T: IntoBytes + Immutable>(out: &mut Sink, values: &[T]) -> Result<(), SnapshotError> {
    let bytes = values.as_bytes();
    out.pad()?;
    out.put(&(bytes.len() as u64).to_le_bytes())?;
    out.put(bytes)
}

/// For each entity's run of `csr`, the positions of its entries, newest
/// relation first.
fn newest_first(csr: &Csr) -> Vec<u32> {
    let entries = csr.entries();
    let mut order: Vec<u32> = (0..entries.len() as u32).collect();
    for w in csr.offsets().windows(2) {
        if let Some(run) = order.get_mut(w[0] as usize..w[1] as usize) {
            run.sort_by_key(|&p| {
                std::cmp::Reverse(entries.get(p as usize).map(|a| a.edge().index()))
            });
        }
    }
    order
}

/// An open-addressing table of `(hash, value)`: a power of two of slots,
/// at least twice as many as values, each `value + 1` or 0.
fn slots(items: impl ExactSizeIterator<Item = (u64, u32)>) -> Vec<u32> {
    let cap = (items.len() * 2).max(8).next_power_of_two();
    let mask = cap - 1;
    let mut table = vec![0u32; cap];
    for (hash, value) in items {
        let mut at = hash as usize & mask;
        while table.get(at).is_some_and(|&s| s != 0) {
            at = (at + 1) & mask;
        }
        if let Some(s) = table.get_mut(at) {
            *s = value.saturating_add(1);
        }
    }
    table
}

/// Groups `(key, value)` pairs by key (below `keys`), keeping the order
/// of values within a key: the offsets (`keys + 1`) and the values.
fn postings(
    keys: usize,
    pairs: impl Iterator<Item = (u32, u32)> + Clone,
) -> Result<(Vec<u32>, Vec<u32>), SnapshotError> {
    let mut at = vec![0u32; keys + 1];
    for (k, _) in pairs.clone() {
        let slot = at
            .get_mut(k as usize + 1)
            .ok_or_else(|| corrupt("a symbol is not in the table"))?;
        *slot += 1;
    }
    for i in 1..at.len() {
        at[i] = at[i]
            .checked_add(at[i - 1])
            .ok_or(SnapshotError::TooLarge)?;
    }
    let mut cursor = at.clone();
    let mut values = vec![0u32; at.last().copied().unwrap_or(0) as usize];
    for (k, v) in pairs {
        if let Some(c) = cursor.get_mut(k as usize) {
            if let Some(slot) = values.get_mut(*c as usize) {
                *slot = v;
            }
            *c += 1;
        }
    }
    Ok((at, values))
}

// ----- reading ---------------------------------------------------------------

/// Where a body's columns begin (the end of its relation records), as its
/// last 8 bytes say.
pub(super) fn columns_at(body: &[u8]) -> Option<usize> {
    let trailer = body.len().checked_sub(8)?;
    let at = Reader::at(body, trailer).u64().ok()?;
    usize::try_from(at).ok()
}

/// Values decoded on first use and kept, in chunks allocated on first
/// use: opening a graph of millions costs nothing until it is read.
struct Lazy<T> {
    chunks: Box<[OnceLock<Chunk<T>>]>,
}

/// [`CHUNK`] values of a [`Lazy`], each set once.
type Chunk<T> = Box<[OnceLock<T>]>;

/// How many values a chunk of [`Lazy`] holds.
const CHUNK: usize = 1024;

impl<T> Lazy<T> {
    fn new(len: usize) -> Lazy<T> {
        Lazy {
            chunks: (0..len.div_ceil(CHUNK)).map(|_| OnceLock::new()).collect(),
        }
    }

    fn get_or_init(&self, i: usize, init: impl FnOnce() -> T) -> Option<&T> {
        let chunk = self
            .chunks
            .get(i / CHUNK)?
            .get_or_init(|| (0..CHUNK).map(|_| OnceLock::new()).collect());
        Some(chunk.get(i % CHUNK)?.get_or_init(init))
    }
}

/// A graph read in place from a snapshot's body; see the module
/// documentation.
pub(crate) struct Frozen {
    bytes: Arc<FileBytes>,
    body: Range<usize>,
    syms: Vec<Sym>,
    n: usize,
    m: usize,
    entity_at: Column<u64>,
    relation_at: Column<u64>,
    ends: Column<u32>,
    label_bits: Column<u64>,
    adjacency: Adjacency,
    out_order: Column<u32>,
    in_order: Column<u32>,
    id_slots: Column<u32>,
    names_at: Column<u64>,
    name_text: Column<u8>,
    name_slots: Column<u32>,
    name_nodes_at: Column<u32>,
    name_nodes: Column<u32>,
    label_at: Column<u32>,
    label_nodes: Column<u32>,
    type_at: Column<u32>,
    type_edges: Column<u32>,
    with_id: u64,
    entities: Lazy<Option<Entity>>,
    relations: Lazy<Option<Relation>>,
    by_label: OnceLock<FastMap<Sym, Vec<NodeIndex>>>,
    by_type: OnceLock<FastMap<Sym, Vec<EdgeIndex>>>,
    damage: OnceLock<String>,
}

/// Reads the columns one after another.
struct Cursor<'a> {
    bytes: &'a Arc<FileBytes>,
    body: &'a Range<usize>,
    pos: usize,
}

impl Cursor<'_> {
    /// The next column, of `len` values when given.
    fn next<T>(&mut self, len: Option<usize>) -> Result<Column<T>, SnapshotError>
    where
        T: zerocopy::FromBytes + zerocopy::Immutable + zerocopy::KnownLayout,
    {
        let body = self.bytes.get(self.body.clone()).unwrap_or_default();
        let mut r = Reader::at(body, self.pos);
        let bytes = usize::try_from(r.u64()?).map_err(|_| SnapshotError::Truncated)?;
        let start = self.pos + 8;
        let end = start.checked_add(bytes).ok_or(SnapshotError::Truncated)?;
        if end > body.len() {
            return Err(SnapshotError::Truncated);
        }
        let range = self.body.start + start..self.body.start + end;
        let column = Column::<T>::mapped(Arc::clone(self.bytes), range)
            .ok_or_else(|| corrupt("a column cannot be read in place"))?;
        if len.is_some_and(|l| l != column.len()) {
            return Err(corrupt("a column has the wrong length"));
        }
        self.pos = end.next_multiple_of(8);
        Ok(column)
    }
}

impl Frozen {
    /// Opens the body `bytes[body]` of a snapshot: reads what comes before
    /// the entities and finds the columns, and nothing more. The body's
    /// checksum is not checked here.
    pub(super) fn open(
        bytes: Arc<FileBytes>,
        body: Range<usize>,
    ) -> Result<(Preamble, Frozen), SnapshotError> {
        let b = bytes.get(body.clone()).ok_or(SnapshotError::Truncated)?;
        let mut r = Reader::at(b, 0);
        let preamble = read_preamble(&mut r)?;
        if preamble
            .syms
            .iter()
            .enumerate()
            .any(|(i, s)| s.index() != i)
        {
            return Err(corrupt("a symbol is stored twice"));
        }
        let n = r.u32()? as usize;
        let trailer = b.len().checked_sub(8).ok_or(SnapshotError::Truncated)?;
        let columns_at = columns_at(b)
            .and_then(|at| at.checked_next_multiple_of(8))
            .filter(|&at| at <= trailer)
            .ok_or(SnapshotError::Truncated)?;
        let mut c = Cursor {
            bytes: &bytes,
            body: &body,
            pos: columns_at,
        };
        let entity_at: Column<u64> = c.next(Some(n + 1))?;
        let relations = entity_at
            .get(n)
            .and_then(|&at| usize::try_from(at).ok())
            .ok_or(SnapshotError::Truncated)?;
        let m = Reader::at(b, relations).u32()? as usize;
        let relation_at = c.next(Some(m + 1))?;
        let ends = c.next(Some(2 * m))?;
        let label_bits = c.next(Some(n))?;
        let mut csr = || -> Result<(Csr, Column<u32>), SnapshotError> {
            let offsets = c.next(Some(n + 1))?;
            let entries = c.next(Some(m))?;
            let order = c.next(Some(m))?;
            Ok((Csr::from_columns(offsets, entries), order))
        };
        let (outgoing, out_order) = csr()?;
        let (incoming, in_order) = csr()?;
        let id_slots: Column<u32> = c.next(None)?;
        let names_at: Column<u64> = c.next(None)?;
        let names = names_at
            .len()
            .checked_sub(1)
            .ok_or(SnapshotError::Truncated)?;
        let name_text = c.next(None)?;
        let name_slots: Column<u32> = c.next(None)?;
        let name_nodes_at = c.next(Some(names + 1))?;
        let name_nodes = c.next(None)?;
        let symbols = preamble.syms.len();
        let label_at = c.next(Some(symbols + 1))?;
        let label_nodes = c.next(None)?;
        let type_at = c.next(Some(symbols + 1))?;
        let type_edges = c.next(Some(m))?;
        let counts: Column<u64> = c.next(Some(1))?;
        if c.pos != trailer {
            return Err(corrupt("the columns do not end where the body does"));
        }
        if !id_slots.len().is_power_of_two() || !name_slots.len().is_power_of_two() {
            return Err(corrupt("a hash table's size is not a power of two"));
        }
        let frozen = Frozen {
            syms: preamble.syms.clone(),
            n,
            m,
            entity_at,
            relation_at,
            ends,
            label_bits,
            adjacency: Adjacency::from_csrs(outgoing, incoming),
            out_order,
            in_order,
            id_slots,
            names_at,
            name_text,
            name_slots,
            name_nodes_at,
            name_nodes,
            label_at,
            label_nodes,
            type_at,
            type_edges,
            with_id: counts.get(0).copied().unwrap_or(0),
            entities: Lazy::new(n),
            relations: Lazy::new(m),
            by_label: OnceLock::new(),
            by_type: OnceLock::new(),
            damage: OnceLock::new(),
            bytes,
            body,
        };
        Ok((preamble, frozen))
    }

    /// The snapshot's body.
    pub(crate) fn body(&self) -> &[u8] {
        self.bytes.get(self.body.clone()).unwrap_or_default()
    }

    /// What was found wrong while reading records, if anything: a body
    /// that passed its checksum but does not decode.
    pub(crate) fn damage(&self) -> Option<&str> {
        self.damage.get().map(|s| s.as_str())
    }

    fn damaged(&self, e: SnapshotError) {
        let _ = self.damage.set(e.to_string());
    }

    /// How many entities there are.
    pub(crate) fn entity_count(&self) -> usize {
        self.n
    }

    /// How many relations there are.
    pub(crate) fn relation_count(&self) -> usize {
        self.m
    }

    /// The record bytes from `at[i]` to `at[i + 1]`.
    fn record(&self, at: &Column<u64>, i: usize) -> Option<Reader<'_>> {
        let start = usize::try_from(*at.get(i)?).ok()?;
        let end = usize::try_from(*at.get(i + 1)?).ok()?;
        Some(Reader::at(self.body().get(..end)?, start))
    }

    /// The entity at `i`, decoded on first use.
    pub(crate) fn entity(&self, i: usize) -> Option<&Entity> {
        if i >= self.n {
            return None;
        }
        self.entities
            .get_or_init(i, || {
                let mut r = self.record(&self.entity_at, i)?;
                read_entity(&mut r, &self.syms)
                    .map_err(|e| self.damaged(e))
                    .ok()
            })?
            .as_ref()
    }

    /// The relation at `j`, decoded on first use.
    pub(crate) fn relation(&self, j: usize) -> Option<&Relation> {
        if j >= self.m {
            return None;
        }
        self.relations
            .get_or_init(j, || {
                let mut r = self.record(&self.relation_at, j)?;
                read_relation(&mut r, &self.syms)
                    .map(|(_, _, rel)| rel)
                    .map_err(|e| self.damaged(e))
                    .ok()
            })?
            .as_ref()
    }

    /// The relation's (from, to) entities.
    pub(crate) fn endpoints(&self, j: usize) -> Option<(NodeIndex, NodeIndex)> {
        let ends = self.ends.as_slice();
        let (from, to) = (*ends.get(2 * j)? as usize, *ends.get(2 * j + 1)? as usize);
        (from < self.n && to < self.n).then(|| (NodeIndex::new(from), NodeIndex::new(to)))
    }

    /// The typed adjacency lists.
    pub(crate) fn adjacency(&self) -> &Adjacency {
        &self.adjacency
    }

    /// The relations leaving or entering `n`, newest first, with the
    /// entity at the other end.
    pub(crate) fn relations_of(
        &self,
        n: NodeIndex,
        dir: Direction,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex, &Relation)> + '_ {
        let csr = self.adjacency.csr(dir);
        let order = match dir {
            Direction::Outgoing => &self.out_order,
            Direction::Incoming => &self.in_order,
        };
        let positions = order.as_slice().get(csr.range_of(n)).unwrap_or(&[]);
        positions.iter().filter_map(move |&p| {
            let a = csr.entries().get(p as usize)?;
            let r = self.relation(a.edge().index())?;
            Some((a.edge(), a.other(), r))
        })
    }

    /// How many relations leave or enter `n`.
    pub(crate) fn degree(&self, n: NodeIndex, dir: Direction) -> usize {
        self.adjacency.csr(dir).range_of(n).len()
    }

    /// The label bits of entity `i`.
    pub(crate) fn label_bits(&self, i: usize) -> Option<u64> {
        self.label_bits.get(i).copied()
    }

    /// The id of entity `i`, read from its record without decoding it.
    pub(crate) fn id_of(&self, i: usize) -> Option<&str> {
        let mut r = self.record(&self.entity_at, i)?;
        if r.u8().ok()? & 1 == 0 {
            return None;
        }
        r.str().ok()
    }

    /// The slots of an open-addressing table that `hash` may be in, in
    /// probing order, up to the first empty one.
    fn probe<'a>(table: &'a Column<u32>, hash: u64) -> impl Iterator<Item = u32> + 'a {
        let slots = table.as_slice();
        let mask = slots.len().wrapping_sub(1);
        (0..slots.len())
            .map(move |k| slots.get((hash as usize).wrapping_add(k) & mask).copied())
            .map_while(|s| s.filter(|&s| s != 0))
            .map(|s| s - 1)
    }

    /// The entity with this id.
    pub(crate) fn by_id(&self, id: &str) -> Option<NodeIndex> {
        Self::probe(&self.id_slots, xxh3_64(id.as_bytes()))
            .find(|&i| self.id_of(i as usize) == Some(id))
            .map(|i| NodeIndex::new(i as usize))
    }

    /// Whether every entity has an id.
    pub(crate) fn every_entity_has_id(&self) -> bool {
        self.with_id == self.n as u64
    }

    /// The text of folded name `k`.
    fn name_text(&self, k: usize) -> Option<&str> {
        let at = self.names_at.as_slice();
        let (start, end) = (*at.get(k)? as usize, *at.get(k + 1)? as usize);
        std::str::from_utf8(self.name_text.as_slice().get(start..end)?).ok()
    }

    /// The entities of folded name `k`.
    fn name_nodes(&self, k: usize) -> Vec<NodeIndex> {
        postings_of(&self.name_nodes_at, &self.name_nodes, k)
            .iter()
            .map(|&i| NodeIndex::new(i as usize))
            .collect()
    }

    /// Entities whose folded name or alias is `folded`.
    pub(crate) fn by_name(&self, folded: &str) -> Vec<NodeIndex> {
        Self::probe(&self.name_slots, xxh3_64(folded.as_bytes()))
            .find(|&k| self.name_text(k as usize) == Some(folded))
            .map_or_else(Vec::new, |k| self.name_nodes(k as usize))
    }

    /// Every folded name with its entities.
    pub(crate) fn names(&self) -> impl Iterator<Item = (&str, Vec<NodeIndex>)> + '_ {
        let names = self.names_at.len().saturating_sub(1);
        (0..names).filter_map(|k| Some((self.name_text(k)?, self.name_nodes(k))))
    }

    /// Every id with its entity.
    pub(crate) fn ids(&self) -> impl Iterator<Item = (&str, NodeIndex)> + '_ {
        (0..self.n).filter_map(|i| Some((self.id_of(i)?, NodeIndex::new(i))))
    }

    /// Entities with this label, in index order.
    pub(crate) fn with_label(&self, label: Sym) -> &[NodeIndex] {
        let map = self.by_label.get_or_init(|| {
            self.grouped(&self.label_at, &self.label_nodes, |i| {
                (i < self.n).then(|| NodeIndex::new(i))
            })
        });
        map.get(&label).map_or(&[], |v| v)
    }

    /// Relations of this type, in index order.
    pub(crate) fn of_type(&self, ty: Sym) -> &[EdgeIndex] {
        let map = self.by_type.get_or_init(|| {
            self.grouped(&self.type_at, &self.type_edges, |i| {
                (i < self.m).then(|| EdgeIndex::new(i))
            })
        });
        map.get(&ty).map_or(&[], |v| v)
    }

    /// Each symbol's postings, as a map.
    fn grouped<T>(
        &self,
        at: &Column<u32>,
        values: &Column<u32>,
        make: impl Fn(usize) -> Option<T>,
    ) -> FastMap<Sym, Vec<T>> {
        self.syms
            .iter()
            .enumerate()
            .filter_map(|(k, &sym)| {
                let list = postings_of(at, values, k);
                (!list.is_empty())
                    .then(|| (sym, list.iter().filter_map(|&i| make(i as usize)).collect()))
            })
            .collect()
    }

    /// How many entities have each label (`labels`) or relations each
    /// type: the symbols with a non-empty list.
    pub(crate) fn counts(&self, labels: bool) -> Vec<(Sym, usize)> {
        let at = if labels {
            &self.label_at
        } else {
            &self.type_at
        };
        let at = at.as_slice();
        self.syms
            .iter()
            .zip(at.windows(2))
            .filter(|(_, w)| w[1] > w[0])
            .map(|(&s, w)| (s, (w[1] - w[0]) as usize))
            .collect()
    }
}

/// `values[at[k]..at[k + 1]]`, or nothing.
fn postings_of<'a>(at: &Column<u32>, values: &'a Column<u32>, k: usize) -> &'a [u32] {
    let at = at.as_slice();
    match (at.get(k), at.get(k + 1)) {
        (Some(&a), Some(&b)) => values.as_slice().get(a as usize..b as usize).unwrap_or(&[]),
        _ => &[],
    }
}

impl Clone for Frozen {
    /// A copy that shares the mapped file; records are decoded again.
    fn clone(&self) -> Self {
        Frozen {
            bytes: Arc::clone(&self.bytes),
            body: self.body.clone(),
            syms: self.syms.clone(),
            n: self.n,
            m: self.m,
            entity_at: self.entity_at.clone(),
            relation_at: self.relation_at.clone(),
            ends: self.ends.clone(),
            label_bits: self.label_bits.clone(),
            adjacency: self.adjacency.clone(),
            out_order: self.out_order.clone(),
            in_order: self.in_order.clone(),
            id_slots: self.id_slots.clone(),
            names_at: self.names_at.clone(),
            name_text: self.name_text.clone(),
            name_slots: self.name_slots.clone(),
            name_nodes_at: self.name_nodes_at.clone(),
            name_nodes: self.name_nodes.clone(),
            label_at: self.label_at.clone(),
            label_nodes: self.label_nodes.clone(),
            type_at: self.type_at.clone(),
            type_edges: self.type_edges.clone(),
            with_id: self.with_id,
            entities: Lazy::new(self.n),
            relations: Lazy::new(self.m),
            by_label: OnceLock::new(),
            by_type: OnceLock::new(),
            damage: self.damage.clone(),
        }
    }
}

impl std::fmt::Debug for Frozen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frozen")
            .field("bytes", &self.bytes)
            .field("entities", &self.n)
            .field("relations", &self.m)
            .finish_non_exhaustive()
    }
}
