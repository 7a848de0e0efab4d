//! petgraph's graph traits on [`Graph`], so that petgraph's algorithms
//! run on the graph as it is stored, read in place from a snapshot or
//! not, with no copy: `kosaraju_scc(&graph)`, `Bfs::new(&graph, n)`,
//! `has_path_connecting`, and the same on filtered views such as
//! `EdgeFiltered::from_fn(&graph, |r| r.weight().ty == owns)`.
//!
//! Nodes are entities ([`NodeIndex`]) and edges relations
//! ([`EdgeIndex`]); an edge's weight is its [`Relation`]. The neighbours of
//! an entity are listed in the order of its relations (the order rows
//! come in without `ORDER BY`), once for each relation.
//!
//! ```
//! use kg::graph::{load_str, BUILTIN_GRAPH, BUILTIN_NAME};
//! use petgraph::algo::has_path_connecting;
//! use petgraph::visit::EdgeFiltered;
//!
//! let graph = load_str(BUILTIN_NAME, BUILTIN_GRAPH)?;
//! let rostec = graph.by_id("rostec").ok_or("no Rostec")?;
//! let sugsky = graph.by_id("ak-sugsky").ok_or("no AK Sugsky")?;
//! let tomtor = graph.by_id("tomtorskoye").ok_or("no Tomtor")?;
//! // Rostec controls Promising Mining Projects, which controls AK Sugsky.
//! let controls = graph.sym("CONTROLS");
//! let control = EdgeFiltered::from_fn(&graph, |r: kg::graph::visit::RelationRef| {
//!     Some(r.relation().ty) == controls
//! });
//! assert!(has_path_connecting(&control, rostec, sugsky, None));
//! assert!(!has_path_connecting(&control, rostec, tomtor, None));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use fixedbitset::FixedBitSet;
use petgraph::visit::{
    Data, EdgeCount, EdgeRef, GraphBase, GraphProp, IntoEdgeReferences, IntoEdges,
    IntoEdgesDirected, IntoNeighbors, IntoNeighborsDirected, IntoNodeIdentifiers, NodeCount,
    NodeIndexable, Visitable,
};
use petgraph::{Directed, Direction};

use super::model::{Entity, Graph, Relation};
use super::{EdgeIndex, NodeIndex};

/// A relation as petgraph's algorithms see an edge: its index, its ends
/// and its weight.
#[derive(Debug, Clone, Copy)]
pub struct RelationRef<'a> {
    id: EdgeIndex,
    from: NodeIndex,
    to: NodeIndex,
    relation: &'a Relation,
}

impl<'a> RelationRef<'a> {
    /// The relation.
    pub fn relation(&self) -> &'a Relation {
        self.relation
    }
}

impl<'a> EdgeRef for RelationRef<'a> {
    type NodeId = NodeIndex;
    type EdgeId = EdgeIndex;
    type Weight = Relation;

    fn source(&self) -> NodeIndex {
        self.from
    }
    fn target(&self) -> NodeIndex {
        self.to
    }
    fn weight(&self) -> &Relation {
        self.relation
    }
    fn id(&self) -> EdgeIndex {
        self.id
    }
}

impl GraphBase for Graph {
    type NodeId = NodeIndex;
    type EdgeId = EdgeIndex;
}

impl Data for Graph {
    type NodeWeight = Entity;
    type EdgeWeight = Relation;
}

impl GraphProp for Graph {
    type EdgeType = Directed;
}

impl NodeCount for Graph {
    fn node_count(&self) -> usize {
        self.entity_count()
    }
}

impl EdgeCount for Graph {
    fn edge_count(&self) -> usize {
        self.relation_count()
    }
}

impl NodeIndexable for Graph {
    fn node_bound(&self) -> usize {
        Graph::node_bound(self)
    }
    fn to_index(&self, n: NodeIndex) -> usize {
        n.index()
    }
    fn from_index(&self, i: usize) -> NodeIndex {
        NodeIndex::new(i)
    }
}

impl Visitable for Graph {
    type Map = FixedBitSet;
    fn visit_map(&self) -> FixedBitSet {
        FixedBitSet::with_capacity(Graph::node_bound(self))
    }
    fn reset_map(&self, map: &mut FixedBitSet) {
        map.clear();
        map.grow(Graph::node_bound(self));
    }
}

/// The relations of an entity in one direction, as edges.
pub type Relations<'a> = Box<dyn Iterator<Item = RelationRef<'a>> + 'a>;
/// The entities at the other end of an entity's relations.
pub type Neighbours<'a> = Box<dyn Iterator<Item = NodeIndex> + 'a>;

/// The relations of `n` in direction `dir` as edges (each with its true
/// source and target).
fn relation_refs(graph: &Graph, n: NodeIndex, dir: Direction) -> Relations<'_> {
    Box::new(
        graph
            .relations_of(n, dir)
            .map(move |(id, other, relation)| {
                let (from, to) = match dir {
                    Direction::Outgoing => (n, other),
                    Direction::Incoming => (other, n),
                };
                RelationRef {
                    id,
                    from,
                    to,
                    relation,
                }
            }),
    )
}

impl<'a> IntoNeighbors for &'a Graph {
    type Neighbors = Neighbours<'a>;
    fn neighbors(self, n: NodeIndex) -> Neighbours<'a> {
        self.neighbors_directed(n, Direction::Outgoing)
    }
}

impl<'a> IntoNeighborsDirected for &'a Graph {
    type NeighborsDirected = Neighbours<'a>;
    fn neighbors_directed(self, n: NodeIndex, dir: Direction) -> Neighbours<'a> {
        Box::new(self.relations_of(n, dir).map(|(_, other, _)| other))
    }
}

impl<'a> IntoEdges for &'a Graph {
    type Edges = Relations<'a>;
    fn edges(self, n: NodeIndex) -> Relations<'a> {
        relation_refs(self, n, Direction::Outgoing)
    }
}

impl<'a> IntoEdgesDirected for &'a Graph {
    type EdgesDirected = Relations<'a>;
    fn edges_directed(self, n: NodeIndex, dir: Direction) -> Relations<'a> {
        relation_refs(self, n, dir)
    }
}

impl<'a> IntoEdgeReferences for &'a Graph {
    type EdgeRef = RelationRef<'a>;
    type EdgeReferences = Relations<'a>;
    fn edge_references(self) -> Relations<'a> {
        Box::new(self.relation_indices().filter_map(move |id| {
            let (from, to) = self.endpoints(id)?;
            Some(RelationRef {
                id,
                from,
                to,
                relation: self.relation(id)?,
            })
        }))
    }
}

impl<'a> IntoNodeIdentifiers for &'a Graph {
    type NodeIdentifiers = Neighbours<'a>;
    fn node_identifiers(self) -> Neighbours<'a> {
        Box::new(self.entity_indices())
    }
}
