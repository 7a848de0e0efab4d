//! A compact, typed adjacency index: for each entity, the relations that
//! leave it and those that enter it, in two flat arrays grouped by
//! relation type.
//!
//! petgraph keeps each entity's relations as a linked list through the
//! relation array, so walking them reads one scattered relation after
//! another, of every type. Expanding `(c)<-[:OWNS]-(p)` over many entities
//! is then bound by memory latency. Here the relations of one entity and
//! one type are side by side, and a typed expansion reads only those.
//!
//! The index is built on demand by [`AdjacencyCache`], only once queries
//! have walked enough relations the slow way to pay for it, and it is
//! dropped whenever the graph changes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};
use petgraph::Direction;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

use super::column::Column;
use super::intern::Sym;

/// One relation as seen from one of its ends. Four little-endian `u32`s,
/// so that a snapshot stores the lists as they are in memory.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout)]
pub struct Adjacent {
    ty: u32,
    other: u32,
    labels: u32,
    edge: u32,
}

impl Adjacent {
    /// The relation's type.
    pub fn ty(&self) -> Sym {
        Sym::from_index(self.ty as usize)
    }

    /// The entity at the other end.
    pub fn other(&self) -> NodeIndex {
        NodeIndex::new(self.other as usize)
    }

    /// The other end's labels whose symbols are below 32, as bits (bit
    /// `i`: the label with symbol `i`), so that a label test on the other
    /// end needs no read of it. The index is dropped when labels change.
    pub fn labels(&self) -> u32 {
        self.labels
    }

    /// The relation.
    pub fn edge(&self) -> EdgeIndex {
        EdgeIndex::new(self.edge as usize)
    }
}

/// A relation for building the lists: its index, ends and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeEnds {
    /// The relation's index.
    pub edge: u32,
    /// The entity it leaves.
    pub from: u32,
    /// The entity it enters.
    pub to: u32,
    /// Its type.
    pub ty: Sym,
}

/// The relations of every entity in one direction, grouped by entity and,
/// within an entity, by type.
#[derive(Debug, Default, Clone)]
pub struct Csr {
    /// `entries[offsets[n]..offsets[n + 1]]` are the relations of entity `n`.
    offsets: Column<u32>,
    entries: Column<Adjacent>,
}

impl Csr {
    /// The lists of `dir` for `bound` entities (node indices below it)
    /// and `edges`, given in increasing relation index; `labels` gives an
    /// entity's label bits. Within an entity and type the newest relation
    /// comes first, as petgraph lists them.
    pub fn build(
        bound: usize,
        edges: &[EdgeEnds],
        dir: Direction,
        labels: impl Fn(u32) -> u32,
    ) -> Option<Csr> {
        let mut offsets = vec![0u32; bound + 1];
        let end = |e: &EdgeEnds| match dir {
            Direction::Outgoing => (e.from, e.to),
            Direction::Incoming => (e.to, e.from),
        };
        for e in edges {
            let (here, _) = end(e);
            *offsets.get_mut(here as usize + 1)? += 1;
        }
        for i in 1..offsets.len() {
            offsets[i] = offsets[i].checked_add(offsets[i - 1])?;
        }
        let total = usize::try_from(*offsets.last()?).ok()?;
        let mut cursor: Vec<u32> = offsets.clone();
        let blank = Adjacent {
            ty: 0,
            other: 0,
            edge: 0,
            labels: 0,
        };
        let mut entries = vec![blank; total];
        for e in edges.iter().rev() {
            let (here, other) = end(e);
            let at = cursor.get_mut(here as usize)?;
            *entries.get_mut(*at as usize)? = Adjacent {
                ty: e.ty.index() as u32,
                other,
                edge: e.edge,
                labels: labels(other),
            };
            *at += 1;
        }
        // Group by type, keeping that order within a type.
        for w in offsets.windows(2) {
            if let Some(run) = entries.get_mut(w[0] as usize..w[1] as usize) {
                if run.len() > 1 {
                    run.sort_by_key(|a| a.ty);
                }
            }
        }
        Some(Csr {
            offsets: Column::Owned(offsets),
            entries: Column::Owned(entries),
        })
    }

    /// Lists read in place (from a snapshot).
    pub fn from_columns(offsets: Column<u32>, entries: Column<Adjacent>) -> Csr {
        Csr { offsets, entries }
    }

    /// The offsets: entity `n`'s relations are `entries()[offsets()[n]..offsets()[n + 1]]`.
    pub fn offsets(&self) -> &[u32] {
        self.offsets.as_slice()
    }

    /// Every entity's relations, one after another.
    pub fn entries(&self) -> &[Adjacent] {
        self.entries.as_slice()
    }

    /// Where entity `n`'s relations are in [`Csr::entries`].
    pub fn range_of(&self, n: NodeIndex) -> std::ops::Range<usize> {
        let offsets = self.offsets.as_slice();
        let i = n.index();
        match (offsets.get(i), offsets.get(i + 1)) {
            (Some(&a), Some(&b)) if a <= b => a as usize..b as usize,
            _ => 0..0,
        }
    }

    /// Entity `n`'s relations.
    pub fn of(&self, n: NodeIndex) -> &[Adjacent] {
        self.entries.as_slice().get(self.range_of(n)).unwrap_or(&[])
    }
}

/// The typed adjacency lists of a graph: for each entity, its outgoing and
/// its incoming relations, grouped by type.
#[derive(Debug, Default, Clone)]
pub struct Adjacency {
    outgoing: Csr,
    incoming: Csr,
}

impl Adjacency {
    /// Builds the lists of `g`; `ty` gives a relation's type and `labels`
    /// an entity's label bits. `None` when the graph is too large for
    /// 32-bit offsets.
    pub fn build<N, E>(
        g: &StableDiGraph<N, E>,
        ty: impl Fn(&E) -> Sym + Copy,
        labels: impl Fn(NodeIndex) -> u32 + Copy,
    ) -> Option<Self> {
        let edges = g
            .edge_references()
            .map(|e| {
                Some(EdgeEnds {
                    edge: u32::try_from(e.id().index()).ok()?,
                    from: u32::try_from(e.source().index()).ok()?,
                    to: u32::try_from(e.target().index()).ok()?,
                    ty: ty(e.weight()),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let labels = |n: u32| labels(NodeIndex::new(n as usize));
        Adjacency::from_edges(g.node_bound(), &edges, labels)
    }

    /// Builds the lists of `bound` entities and `edges` (in increasing
    /// relation index).
    pub fn from_edges(
        bound: usize,
        edges: &[EdgeEnds],
        labels: impl Fn(u32) -> u32 + Copy,
    ) -> Option<Self> {
        Some(Adjacency {
            outgoing: Csr::build(bound, edges, Direction::Outgoing, labels)?,
            incoming: Csr::build(bound, edges, Direction::Incoming, labels)?,
        })
    }

    /// The lists of both directions.
    pub fn from_csrs(outgoing: Csr, incoming: Csr) -> Adjacency {
        Adjacency { outgoing, incoming }
    }

    /// The lists of one direction.
    pub fn csr(&self, dir: Direction) -> &Csr {
        match dir {
            Direction::Outgoing => &self.outgoing,
            Direction::Incoming => &self.incoming,
        }
    }

    /// The relations of type `ty` leaving (`Outgoing`) or entering
    /// (`Incoming`) `n`, newest first.
    pub fn typed(&self, n: NodeIndex, dir: Direction, ty: Sym) -> &[Adjacent] {
        let all = self.csr(dir).of(n);
        let ty = ty.index() as u32;
        let start = all.partition_point(|a| a.ty < ty);
        let len = all
            .get(start..)
            .map_or(0, |r| r.partition_point(|a| a.ty == ty));
        all.get(start..start + len).unwrap_or(&[])
    }
}

/// Walks the slow way before the index is built: this many relation
/// lists, or one per eight relations of the graph if that is more.
const WALKS_BEFORE_BUILDING: u64 = 20_000;

/// The adjacency index of a graph, built when queries have walked enough
/// relation lists to pay for it. Cloning a graph does not clone it, and
/// any change to the graph drops it.
#[derive(Debug, Default)]
pub struct AdjacencyCache {
    index: OnceLock<Option<Adjacency>>,
    walks: AtomicU64,
}

impl Clone for AdjacencyCache {
    fn clone(&self) -> Self {
        AdjacencyCache::default()
    }
}

impl AdjacencyCache {
    /// The index, if it is built or now worth building; otherwise counts
    /// one more walk of a relation list.
    pub fn get_or_count<N, E>(
        &self,
        g: &StableDiGraph<N, E>,
        ty: impl Fn(&E) -> Sym + Copy,
        labels: impl Fn(NodeIndex) -> u32 + Copy,
    ) -> Option<&Adjacency> {
        if let Some(built) = self.index.get() {
            return built.as_ref();
        }
        let walks = self.walks.fetch_add(1, Ordering::Relaxed);
        let worth = WALKS_BEFORE_BUILDING.max(g.edge_count() as u64 / 8);
        if walks < worth {
            return None;
        }
        self.index
            .get_or_init(|| Adjacency::build(g, ty, labels))
            .as_ref()
    }

    /// Drops the index after a change to the graph.
    pub fn clear(&mut self) {
        *self = AdjacencyCache::default();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn typed_lists_match_petgraph_order_within_a_type() {
        let mut g: StableDiGraph<(), u32> = StableDiGraph::new();
        let a = g.add_node(());
        let b = g.add_node(());
        let c = g.add_node(());
        let e1 = g.add_edge(a, b, 2);
        let e2 = g.add_edge(a, c, 1);
        let e3 = g.add_edge(a, c, 2);
        let _e4 = g.add_edge(c, a, 2);
        let adj =
            Adjacency::build(&g, |t| Sym::from_index(*t as usize), |n| n.index() as u32).unwrap();
        let out2: Vec<_> = adj
            .typed(a, Direction::Outgoing, Sym::from_index(2))
            .iter()
            .map(|x| (x.edge(), x.other()))
            .collect();
        let petgraph_order: Vec<_> = g
            .edges_directed(a, Direction::Outgoing)
            .filter(|e| *e.weight() == 2)
            .map(|e| (e.id(), e.target()))
            .collect();
        assert_eq!(out2, petgraph_order);
        assert_eq!(out2, vec![(e3, c), (e1, b)]);
        let out1 = adj.typed(a, Direction::Outgoing, Sym::from_index(1));
        assert_eq!(out1.len(), 1);
        assert_eq!(out1[0].edge(), e2);
        let into_a = adj.typed(a, Direction::Incoming, Sym::from_index(2));
        assert_eq!(into_a.len(), 1);
        assert_eq!(into_a[0].other(), c);
        assert_eq!(into_a[0].labels(), 2, "c's label bits, as given");
        assert!(adj
            .typed(b, Direction::Outgoing, Sym::from_index(2))
            .is_empty());
        assert!(adj
            .typed(a, Direction::Outgoing, Sym::from_index(7))
            .is_empty());
        // A node index past the graph has no relations.
        assert!(adj
            .typed(NodeIndex::new(99), Direction::Outgoing, Sym::from_index(2))
            .is_empty());
    }

    #[test]
    fn the_cache_builds_only_after_enough_walks() {
        let mut g: StableDiGraph<(), u32> = StableDiGraph::new();
        let a = g.add_node(());
        g.add_edge(a, a, 0);
        let cache = AdjacencyCache::default();
        for _ in 0..WALKS_BEFORE_BUILDING {
            assert!(cache
                .get_or_count(&g, |t| Sym::from_index(*t as usize), |_| 0)
                .is_none());
        }
        assert!(cache
            .get_or_count(&g, |t| Sym::from_index(*t as usize), |_| 0)
            .is_some());
        let mut copy = cache.clone();
        assert!(copy.index.get().is_none());
        copy.clear();
    }
}
