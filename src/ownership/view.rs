//! The graph's ownership as a directed graph of its own for petgraph's
//! algorithms, read from the graph as it is stored (no copy): an edge
//! from each owner to what it owns, by `OWNS` and `CONTROLS`, and by
//! `PART_OF` turned round (the whole owns its part), valid during a date
//! when one is given.

use petgraph::algo::kosaraju_scc;
use petgraph::visit::{
    GraphBase, GraphRef, IntoNeighbors, IntoNeighborsDirected, IntoNodeIdentifiers, NodeIndexable,
    Visitable,
};

use super::{Direction, Vocabulary};
use crate::graph::{Date, Graph, NodeIndex};

/// Ownership as a directed graph over the entities of a graph: a
/// neighbour going out is something the entity owns, one coming in an
/// owner (once per relation).
#[derive(Debug, Clone, Copy)]
pub struct OwnershipView<'a> {
    graph: &'a Graph,
    vocab: Vocabulary,
    as_of: Option<Date>,
}

impl<'a> OwnershipView<'a> {
    /// The ownership of `graph`, of the relations valid during `as_of`
    /// when it is given.
    pub fn new(graph: &'a Graph, as_of: Option<Date>) -> OwnershipView<'a> {
        OwnershipView {
            graph,
            vocab: Vocabulary::of(graph),
            as_of,
        }
    }

    /// The entities one ownership relation away from `n` in `dir`. With
    /// no date the typed lists of the three types answer alone (no
    /// relation is read); with one, each relation's dates are read.
    fn next(&self, n: NodeIndex, dir: Direction) -> Next {
        if let (None, Some(adj)) = (self.as_of, self.graph.adjacency()) {
            let mut out = Vec::new();
            for (ty, side) in self.vocab.typed_lists(dir) {
                out.extend(adj.typed(n, side, ty).iter().map(|a| a.other()));
            }
            return out.into_iter();
        }
        self.vocab
            .edges(self.graph, n, dir, self.as_of)
            .into_iter()
            .map(|e| e.far(dir))
            .collect::<Vec<_>>()
            .into_iter()
    }
}

/// The entities one ownership relation away from an entity.
pub type Next = std::vec::IntoIter<NodeIndex>;

impl GraphBase for OwnershipView<'_> {
    type NodeId = NodeIndex;
    type EdgeId = crate::graph::EdgeIndex;
}

impl GraphRef for OwnershipView<'_> {}

impl NodeIndexable for OwnershipView<'_> {
    fn node_bound(&self) -> usize {
        self.graph.node_bound()
    }
    fn to_index(&self, n: NodeIndex) -> usize {
        n.index()
    }
    fn from_index(&self, i: usize) -> NodeIndex {
        NodeIndex::new(i)
    }
}

impl Visitable for OwnershipView<'_> {
    type Map = <Graph as Visitable>::Map;
    fn visit_map(&self) -> Self::Map {
        self.graph.visit_map()
    }
    fn reset_map(&self, map: &mut Self::Map) {
        self.graph.reset_map(map)
    }
}

impl<'a> IntoNodeIdentifiers for OwnershipView<'a> {
    type NodeIdentifiers = <&'a Graph as IntoNodeIdentifiers>::NodeIdentifiers;
    fn node_identifiers(self) -> Self::NodeIdentifiers {
        self.graph.node_identifiers()
    }
}

impl IntoNeighbors for OwnershipView<'_> {
    type Neighbors = Next;
    fn neighbors(self, n: NodeIndex) -> Self::Neighbors {
        self.next(n, Direction::Down)
    }
}

impl IntoNeighborsDirected for OwnershipView<'_> {
    type NeighborsDirected = Next;
    fn neighbors_directed(self, n: NodeIndex, dir: petgraph::Direction) -> Self::Neighbors {
        match dir {
            petgraph::Direction::Outgoing => self.next(n, Direction::Down),
            petgraph::Direction::Incoming => self.next(n, Direction::Up),
        }
    }
}

/// The ownership cycles of the whole graph: the strongly connected
/// components of [`OwnershipView`] (petgraph's `kosaraju_scc` on the graph
/// as stored) with more than one member, or one that owns itself. Each
/// cycle's members are sorted by index; the cycles come largest first,
/// then by their first member.
pub fn cycles(graph: &Graph, as_of: Option<Date>) -> Vec<Vec<NodeIndex>> {
    let view = OwnershipView::new(graph, as_of);
    let mut cycles: Vec<Vec<NodeIndex>> = kosaraju_scc(view)
        .into_iter()
        .filter(|c| match c.as_slice() {
            [n] => view.next(*n, Direction::Down).any(|m| m == *n),
            _ => true,
        })
        .map(|mut c| {
            c.sort_unstable();
            c
        })
        .collect();
    cycles.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then_with(|| a.first().cmp(&b.first()))
    });
    cycles
}
