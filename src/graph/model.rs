//! The graph: entities and relations in a petgraph multigraph, with the
//! indexes that answer look-ups without scanning.

use std::borrow::Cow;

use super::FastMap;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::date::{Date, DayNumber};
use super::frozen::Frozen;
use super::id_key::IdKey;
use super::intern::{Interner, Sym};
use super::value::{PropValue, Props};
use either::Either;

/// The label of a node that a Cypher script creates to declare a source:
/// `CREATE (:Source {id: 'kommersant-7534002', url: '...'})` adds an entry
/// to the graph's sources, not an entity (see [`Graph::declare_source`]).
pub const SOURCE_LABEL: &str = "Source";

/// A document that facts are taken from.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Unique id, referred to by relations' `source`.
    pub id: String,
    /// Where it can be read.
    pub url: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// When it was published.
    pub published: Option<Date>,
}

/// A person, company, agency, place or thing.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// The entity's id; `None` for an entity created by a query without one.
    pub id: Option<Box<str>>,
    /// Labels (Cypher labels), in the order given.
    pub labels: Vec<Sym>,
    /// What people call it.
    pub name: Option<Box<str>>,
    /// Other names it is known by.
    pub aliases: Vec<Box<str>>,
    /// Other properties.
    pub props: Props,
}

/// Where a fact comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The id of an entry in the graph's sources.
    pub source: Option<Box<str>>,
    /// Where in the source the fact stands (`para 9`, `p. 12`).
    pub locator: Option<Box<str>>,
    /// The fact in the graph author's words.
    pub note: Option<Box<str>>,
    /// The source's own words.
    pub quote: Option<Box<str>>,
}

impl Provenance {
    /// The fields that are set, by name, in file order: `source`,
    /// `locator`, `note`, `quote`.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("source", &self.source),
            ("locator", &self.locator),
            ("note", &self.note),
            ("quote", &self.quote),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    }

    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self.source.is_none()
            && self.locator.is_none()
            && self.note.is_none()
            && self.quote.is_none()
    }
}

/// A typed, directed relation between two entities.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// The relation type (Cypher relationship type).
    pub ty: Sym,
    /// Properties.
    pub props: Props,
    /// The first period in which the relation holds.
    pub since: Option<Date>,
    /// The last period in which the relation holds.
    pub until: Option<Date>,
    /// Where the fact comes from; boxed because most relations of a large
    /// generated graph have none.
    pub provenance: Option<Box<Provenance>>,
}

impl Relation {
    /// A relation of type `ty` with nothing else set.
    pub fn new(ty: Sym) -> Relation {
        Relation {
            ty,
            props: Props::new(),
            since: None,
            until: None,
            provenance: None,
        }
    }

    /// Whether the relation holds on `day`: undated bounds are open.
    pub fn valid_on(&self, day: DayNumber) -> bool {
        self.since.is_none_or(|s| s.first_day() <= day)
            && self.until.is_none_or(|u| day <= u.last_day())
    }

    /// Whether the relation held on at least one day of the period `date`
    /// (a year, month or day): `AS OF 2024` keeps relations that held at
    /// some time in 2024.
    pub fn valid_during(&self, date: Date) -> bool {
        self.since.is_none_or(|s| s.first_day() <= date.last_day())
            && self.until.is_none_or(|u| date.first_day() <= u.last_day())
    }

    /// Whether neither `since` nor `until` is given.
    pub fn is_undated(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }

    /// The provenance, or an empty one.
    pub fn provenance(&self) -> &Provenance {
        static EMPTY: Provenance = Provenance {
            source: None,
            locator: None,
            note: None,
            quote: None,
        };
        self.provenance.as_deref().unwrap_or(&EMPTY)
    }
}

/// A property as seen from a query: the entity and relation fields that
/// have a name (`id`, `name`, `aliases`, `since`, ...) and the stored props.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PropRef<'a> {
    /// A stored value.
    Value(&'a PropValue),
    /// A text field.
    Str(&'a str),
    /// A list of text (aliases).
    StrList(&'a [Box<str>]),
    /// A date field, shown as its text.
    Date(Date),
}

/// Entity fields that read as properties in queries.
pub const ENTITY_FIELDS: [&str; 3] = ["id", "name", "aliases"];
/// Relation fields that read as properties in queries.
pub const RELATION_FIELDS: [&str; 6] = ["since", "until", "source", "locator", "note", "quote"];

/// Why a change to the graph was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// Two entities would have the same id.
    #[error("an entity with id `{0}` already exists")]
    DuplicateId(String),
    /// A node or relationship index that is not (or no longer) in the graph.
    #[error("the entity or relation no longer exists")]
    Missing,
    /// A source declared again with other fields than the graph has for
    /// its id.
    #[error("source {id:?} is already declared as {existing}, not as {given}; one id names one source: declare it with the same fields, or give the new one another id")]
    SourceConflict {
        /// The source's id.
        id: String,
        /// The source the graph has, as a graph file writes it.
        existing: String,
        /// The source declared, as a graph file would write it.
        given: String,
    },
}

/// Counts of the changes made to a graph, for summaries such as
/// `+2 entities, +1 relation, 3 properties set`. The counters only grow;
/// take the difference of two readings with [`Changes::since`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// Entities added.
    pub entities_created: u64,
    /// Entities removed.
    pub entities_deleted: u64,
    /// Relations added.
    pub relations_created: u64,
    /// Relations removed.
    pub relations_deleted: u64,
    /// Properties set or removed.
    pub properties_set: u64,
    /// Labels given.
    pub labels_added: u64,
    /// Labels taken away.
    pub labels_removed: u64,
    /// Sources declared by queries ([`Graph::declare_source`]; the sources
    /// of loaded files are not counted).
    pub sources_added: u64,
}

impl Changes {
    /// The changes made after `before` was read.
    pub fn since(&self, before: &Changes) -> Changes {
        Changes {
            entities_created: self
                .entities_created
                .saturating_sub(before.entities_created),
            entities_deleted: self
                .entities_deleted
                .saturating_sub(before.entities_deleted),
            relations_created: self
                .relations_created
                .saturating_sub(before.relations_created),
            relations_deleted: self
                .relations_deleted
                .saturating_sub(before.relations_deleted),
            properties_set: self.properties_set.saturating_sub(before.properties_set),
            labels_added: self.labels_added.saturating_sub(before.labels_added),
            labels_removed: self.labels_removed.saturating_sub(before.labels_removed),
            sources_added: self.sources_added.saturating_sub(before.sources_added),
        }
    }

    /// The sum of two sets of changes.
    pub fn plus(&self, other: &Changes) -> Changes {
        Changes {
            entities_created: self.entities_created + other.entities_created,
            entities_deleted: self.entities_deleted + other.entities_deleted,
            relations_created: self.relations_created + other.relations_created,
            relations_deleted: self.relations_deleted + other.relations_deleted,
            properties_set: self.properties_set + other.properties_set,
            labels_added: self.labels_added + other.labels_added,
            labels_removed: self.labels_removed + other.labels_removed,
            sources_added: self.sources_added + other.sources_added,
        }
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

impl std::fmt::Display for Changes {
    /// `+1 source, +2 entities, -1 relation, 3 properties set, 1 label
    /// added`, or `no changes`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: u64, one: &str, many: &str| {
            if n == 1 {
                one.to_string()
            } else {
                many.to_string()
            }
        };
        let mut parts = Vec::new();
        for (n, sign, one, many) in [
            (self.sources_added, "+", "source", "sources"),
            (self.entities_created, "+", "entity", "entities"),
            (self.entities_deleted, "-", "entity", "entities"),
            (self.relations_created, "+", "relation", "relations"),
            (self.relations_deleted, "-", "relation", "relations"),
        ] {
            if n > 0 {
                parts.push(format!("{sign}{n} {}", plural(n, one, many)));
            }
        }
        for (n, one, many) in [
            (self.properties_set, "property set", "properties set"),
            (self.labels_added, "label added", "labels added"),
            (self.labels_removed, "label removed", "labels removed"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {}", plural(n, one, many)));
            }
        }
        if parts.is_empty() {
            f.write_str("no changes")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// The graph with its indexes.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// The graph's name, from the file.
    pub name: Option<String>,
    sources: Vec<Source>,
    inner: StableDiGraph<Entity, Relation>,
    interner: Interner,
    by_id: FastMap<IdKey, NodeIndex>,
    by_name: FastMap<Box<str>, Vec<NodeIndex>>,
    by_label: FastMap<Sym, Vec<NodeIndex>>,
    by_type: FastMap<Sym, Vec<EdgeIndex>>,
    /// Per node index, a bit for each of the first 64 labels an entity
    /// has (label symbol `i` is bit `i`): a label test without reading
    /// the entity.
    label_bits: Vec<u64>,
    /// Typed adjacency lists, built when queries walk enough relations.
    adjacency: super::adjacency::AdjacencyCache,
    changes: Changes,
    /// The graph read in place from a snapshot, until its first change;
    /// while it is set, `inner` and the indexes above are empty.
    frozen: Option<Box<Frozen>>,
    /// Why a snapshot could not be decoded when the graph was changed.
    damage: Option<String>,
}

/// The bits of [`Graph::has_labels`] for `labels`; `None` when one of
/// them has no bit (a symbol from 64 on).
pub(crate) fn label_mask(labels: &[Sym]) -> Option<u64> {
    labels.iter().try_fold(0u64, |m, l| {
        u32::try_from(l.index())
            .ok()
            .and_then(|i| 1u64.checked_shl(i))
            .map(|b| m | b)
    })
}

/// The bits an entity with `labels` has in [`Graph::has_labels`]: one for
/// each of its labels whose symbol is below 64 (a label from 64 on has
/// none, and a test for it reads the entity).
pub(crate) fn label_bits_of(labels: &[Sym]) -> u64 {
    labels
        .iter()
        .filter_map(|l| u32::try_from(l.index()).ok())
        .filter_map(|i| 1u64.checked_shl(i))
        .fold(0, |m, b| m | b)
}

/// The indexes of a graph's entities (id, name, label, label bits),
/// built for entities given in index order.
#[derive(Debug, Default)]
pub(crate) struct EntityIndex {
    by_id: FastMap<IdKey, NodeIndex>,
    by_name: FastMap<Box<str>, Vec<NodeIndex>>,
    by_label: FastMap<Sym, Vec<NodeIndex>>,
    label_bits: Vec<u64>,
}

impl EntityIndex {
    /// Indexes with room for `n` entities.
    pub(crate) fn with_capacity(n: usize) -> EntityIndex {
        EntityIndex {
            by_id: FastMap::with_capacity_and_hasher(n, Default::default()),
            by_name: FastMap::with_capacity_and_hasher(n, Default::default()),
            by_label: FastMap::default(),
            label_bits: Vec::with_capacity(n),
        }
    }

    /// Indexes the entity `n`, which must be the next index (0, 1, 2, ...):
    /// its id, labels, and name and aliases (`names`). Refuses an id
    /// indexed before.
    pub(crate) fn add<'a>(
        &mut self,
        n: NodeIndex,
        id: Option<&str>,
        labels: &[Sym],
        names: impl Iterator<Item = &'a str>,
    ) -> Result<(), GraphError> {
        self.label_bits.push(label_bits_of(labels));
        if let Some(id) = id {
            if self.by_id.insert(IdKey::new(id), n).is_some() {
                return Err(GraphError::DuplicateId(id.to_string()));
            }
        }
        for &l in labels {
            self.by_label.entry(l).or_default().push(n);
        }
        for name in names {
            // Most names belong to one entity: room for one.
            let v = self
                .by_name
                .entry(fold_name(name))
                .or_insert_with(|| Vec::with_capacity(1));
            // Entities come in index order: a repeat can only be the last.
            if v.last() != Some(&n) {
                v.push(n);
            }
        }
        Ok(())
    }
}

/// The index of relations by type, built for relations in index order.
#[derive(Debug, Default)]
pub(crate) struct TypeIndex(FastMap<Sym, Vec<EdgeIndex>>);

impl TypeIndex {
    /// Indexes the relation `e` of type `ty`.
    pub(crate) fn add(&mut self, ty: Sym, e: EdgeIndex) {
        self.0.entry(ty).or_default().push(e);
    }
}

/// Asks the processor to fetch the memory of petgraph's nodes ahead of
/// use. Only a hint: where a node lies is worked out from the first two
/// nodes (petgraph keeps them in one array), and a wrong address costs
/// nothing, as a prefetch never faults.
pub(crate) struct NodePrefetch {
    base: usize,
    stride: usize,
}

impl NodePrefetch {
    pub(crate) fn new(inner: &StableDiGraph<Entity, Relation>) -> NodePrefetch {
        let at = |i: usize| {
            inner
                .node_weight(NodeIndex::new(i))
                .map_or(0, |w| w as *const Entity as usize)
        };
        let (base, second) = (at(0), at(1));
        NodePrefetch {
            base,
            stride: if base != 0 && second > base {
                second - base
            } else {
                0
            },
        }
    }

    /// Starts fetching node `i` (every cache line of it).
    #[inline]
    pub(crate) fn fetch(&self, i: usize) {
        if self.stride == 0 {
            return;
        }
        let start = self.base.wrapping_add(i.wrapping_mul(self.stride));
        for offset in [0, self.stride / 2, self.stride - 1] {
            prefetch(start.wrapping_add(offset));
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn prefetch(address: usize) {
    use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
    // SAFETY: a prefetch is a hint that never faults and reads nothing
    // the program sees, whatever the address.
    unsafe { _mm_prefetch::<_MM_HINT_T0>(address as *const i8) }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn prefetch(_address: usize) {}

/// The key of a name or alias in the name index: its look-up key
/// ([`super::fold::name_key`]: case, diacritics and Cyrillic or Latin
/// spelling folded).
pub fn fold_name(name: &str) -> Box<str> {
    super::fold::name_key(name).into()
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// An empty graph with room for `entities` and `relations`.
    pub fn with_capacity(entities: usize, relations: usize) -> Graph {
        Graph {
            inner: StableDiGraph::with_capacity(entities, relations),
            by_id: FastMap::with_capacity_and_hasher(entities, Default::default()),
            by_name: FastMap::with_capacity_and_hasher(entities, Default::default()),
            ..Graph::default()
        }
    }

    /// An empty graph with room in petgraph's lists for `entities` and
    /// `relations`, the indexes left to grow. For a guess that may be too
    /// high: list room never filled is only address space, while hash
    /// tables are filled all over and so take all the memory they reserve.
    pub(crate) fn with_list_room(entities: usize, relations: usize) -> Graph {
        Graph {
            inner: StableDiGraph::with_capacity(entities, relations),
            ..Graph::default()
        }
    }

    /// A graph from its parts, with every index built in one pass: the
    /// entities get the node indices 0, 1, 2, ... in the order given, and
    /// each relation `(from, to, relation)` names its ends by those
    /// positions. Relations are added in the order given, so adjacency
    /// lists come out as they were when the parts were taken.
    ///
    /// Used by compiled snapshots; refuses what [`Graph::add_entity`] and
    /// [`Graph::add_relation`] would refuse (a repeated id, an end that is
    /// not an entity).
    pub fn from_parts(
        name: Option<String>,
        sources: Vec<Source>,
        interner: Interner,
        entities: Vec<Entity>,
        relations: Vec<(u32, u32, Relation)>,
        changes: Changes,
    ) -> Result<Graph, GraphError> {
        let mut inner = StableDiGraph::with_capacity(entities.len(), relations.len());
        let mut index = EntityIndex::with_capacity(entities.len());
        for entity in entities {
            let n = NodeIndex::new(inner.node_count());
            index.add(
                n,
                entity.id.as_deref(),
                &entity.labels,
                entity.name.iter().chain(&entity.aliases).map(|s| &**s),
            )?;
            inner.add_node(entity);
        }
        let mut by_type = TypeIndex::default();
        let count = inner.node_count();
        for (from, to, relation) in relations {
            if from as usize >= count || to as usize >= count {
                return Err(GraphError::Missing);
            }
            let ty = relation.ty;
            let e = inner.add_edge(
                NodeIndex::new(from as usize),
                NodeIndex::new(to as usize),
                relation,
            );
            by_type.add(ty, e);
        }
        Ok(Graph::assemble(
            name, sources, interner, inner, index, by_type, changes,
        ))
    }

    /// A graph from a petgraph graph and the indexes of its entities and
    /// relations, built beside it (compiled snapshots build them on two
    /// threads).
    pub(crate) fn assemble(
        name: Option<String>,
        sources: Vec<Source>,
        interner: Interner,
        inner: StableDiGraph<Entity, Relation>,
        index: EntityIndex,
        by_type: TypeIndex,
        changes: Changes,
    ) -> Graph {
        Graph {
            name,
            sources,
            inner,
            interner,
            by_id: index.by_id,
            by_name: index.by_name,
            by_label: index.by_label,
            by_type: by_type.0,
            label_bits: index.label_bits,
            adjacency: Default::default(),
            changes,
            frozen: None,
            damage: None,
        }
    }

    /// The part of this graph made of the entities `entities` and the
    /// relations `relations` (both in index order; a relation whose ends
    /// are not both kept is left out), built in one pass over them: the
    /// sources, name and the counts of changes stay. Entities and
    /// relations keep their order, and so do each entity's lists of
    /// relations.
    pub fn subgraph(
        &self,
        entities: impl IntoIterator<Item = NodeIndex>,
        relations: impl IntoIterator<Item = EdgeIndex>,
    ) -> Graph {
        let mut position = vec![u32::MAX; self.node_bound()];
        let mut kept = Vec::new();
        for n in entities {
            if let (Some(e), Some(slot)) = (self.entity(n), position.get_mut(n.index())) {
                if *slot == u32::MAX {
                    *slot = kept.len() as u32;
                    kept.push(e.clone());
                }
            }
        }
        let at = |n: NodeIndex| position.get(n.index()).copied().filter(|&p| p != u32::MAX);
        // A relation named twice is kept once, as an entity is.
        let mut taken = fixedbitset::FixedBitSet::with_capacity(self.relation_bound());
        let rels: Vec<(u32, u32, Relation)> = relations
            .into_iter()
            .filter(|e| e.index() < taken.len() && !taken.put(e.index()))
            .filter_map(|e| {
                let (a, b) = self.endpoints(e)?;
                Some((at(a)?, at(b)?, self.relation(e)?.clone()))
            })
            .collect();
        let mut g = Graph::from_parts(
            self.name.clone(),
            self.sources.clone(),
            self.interner.clone(),
            kept,
            rels,
            self.changes,
        )
        // The parts come from one graph: their ids are distinct and their
        // ends are kept entities.
        .unwrap_or_else(|_| Graph::new());
        g.damage = self.damage().map(String::from);
        g
    }

    /// A graph answered in place from a snapshot (see [`super::frozen`]).
    pub(crate) fn frozen(
        name: Option<String>,
        sources: Vec<Source>,
        interner: Interner,
        frozen: Frozen,
        changes: Changes,
    ) -> Graph {
        Graph {
            name,
            sources,
            interner,
            changes,
            frozen: Some(Box::new(frozen)),
            ..Graph::default()
        }
    }

    /// Whether the graph is read in place from a snapshot (it has not been
    /// changed since it was loaded from one).
    pub fn is_frozen(&self) -> bool {
        self.frozen.is_some()
    }

    /// What was found wrong in the snapshot the graph was loaded from: a
    /// body that passed its checksums but does not decode, which only a
    /// forged file can have. Answers and changes made since are then not
    /// to be trusted.
    pub fn damage(&self) -> Option<&str> {
        self.damage
            .as_deref()
            .or_else(|| self.frozen.as_ref().and_then(|f| f.damage()))
    }

    /// Turns a graph read in place into an ordinary one, before a change:
    /// the whole snapshot is decoded.
    fn thaw(&mut self) {
        let Some(frozen) = self.frozen.take() else {
            return;
        };
        match super::snapshot::decode_body(frozen.body()) {
            Ok(g) => {
                self.inner = g.inner;
                self.by_id = g.by_id;
                self.by_name = g.by_name;
                self.by_label = g.by_label;
                self.by_type = g.by_type;
                self.label_bits = g.label_bits;
                self.adjacency = Default::default();
                self.damage = frozen.damage().map(String::from);
            }
            Err(e) => self.damage = Some(e.to_string()),
        }
    }

    // ----- strings -------------------------------------------------------

    /// The interner of labels, types and property keys.
    pub fn interner(&self) -> &Interner {
        &self.interner
    }

    /// Interns a label, type or key.
    pub fn intern(&mut self, s: &str) -> Sym {
        self.interner.intern(s)
    }

    /// The handle of a label, type or key, if the graph has seen it.
    pub fn sym(&self, s: &str) -> Option<Sym> {
        self.interner.get(s)
    }

    /// The text of a handle.
    pub fn resolve(&self, sym: Sym) -> &str {
        self.interner.resolve(sym)
    }

    // ----- sources -------------------------------------------------------

    /// The sources, in the order given.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// Adds a source (or replaces the one with the same id).
    pub fn add_source(&mut self, source: Source) {
        match self.sources.iter_mut().find(|s| s.id == source.id) {
            Some(s) => *s = source,
            None => self.sources.push(source),
        }
    }

    /// Declares a source, as a query does: a new id is added (and counted
    /// in [`Changes::sources_added`]), the same source again changes
    /// nothing, and other fields for an id the graph has are refused.
    /// Returns whether the source was new.
    pub fn declare_source(&mut self, source: Source) -> Result<bool, GraphError> {
        match self.source(&source.id) {
            Some(s) if *s == source => Ok(false),
            Some(s) => Err(GraphError::SourceConflict {
                id: source.id.clone(),
                existing: super::write::source_text(s),
                given: super::write::source_text(&source),
            }),
            None => {
                self.sources.push(source);
                self.changes.sources_added += 1;
                Ok(true)
            }
        }
    }

    // ----- counts and iteration -----------------------------------------

    /// How many entities there are.
    pub fn entity_count(&self) -> usize {
        match &self.frozen {
            Some(f) => f.entity_count(),
            None => self.inner.node_count(),
        }
    }

    /// How many relations there are.
    pub fn relation_count(&self) -> usize {
        match &self.frozen {
            Some(f) => f.relation_count(),
            None => self.inner.edge_count(),
        }
    }

    /// One more than the largest entity index in use (indices of removed
    /// entities stay unused): the length of an array indexed by entity.
    pub fn node_bound(&self) -> usize {
        match &self.frozen {
            Some(f) => f.entity_count(),
            None => petgraph::visit::NodeIndexable::node_bound(&self.inner),
        }
    }

    /// One more than the largest relation index in use: the length of an
    /// array indexed by relation.
    pub fn relation_bound(&self) -> usize {
        match &self.frozen {
            Some(f) => f.relation_count(),
            None => petgraph::visit::EdgeIndexable::edge_bound(&self.inner),
        }
    }

    /// Every entity, in index order.
    pub fn entity_indices(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        match &self.frozen {
            Some(f) => Either::Left((0..f.entity_count()).map(NodeIndex::new)),
            None => Either::Right(self.inner.node_indices()),
        }
    }

    /// Every relation, in index order.
    pub fn relation_indices(&self) -> impl Iterator<Item = EdgeIndex> + '_ {
        match &self.frozen {
            Some(f) => Either::Left((0..f.relation_count()).map(EdgeIndex::new)),
            None => Either::Right(self.inner.edge_indices()),
        }
    }

    /// The entity at `n`.
    pub fn entity(&self, n: NodeIndex) -> Option<&Entity> {
        match &self.frozen {
            Some(f) => f.entity(n.index()),
            None => self.inner.node_weight(n),
        }
    }

    /// The relation at `e`.
    pub fn relation(&self, e: EdgeIndex) -> Option<&Relation> {
        match &self.frozen {
            Some(f) => f.relation(e.index()),
            None => self.inner.edge_weight(e),
        }
    }

    /// The relation's (from, to) entities.
    pub fn endpoints(&self, e: EdgeIndex) -> Option<(NodeIndex, NodeIndex)> {
        match &self.frozen {
            Some(f) => f.endpoints(e.index()),
            None => self.inner.edge_endpoints(e),
        }
    }

    /// The relations leaving (`Outgoing`) or entering (`Incoming`) `n`:
    /// (relation, entity at the other end).
    pub fn relations_of(
        &self,
        n: NodeIndex,
        dir: Direction,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex, &Relation)> + '_ {
        if let Some(f) = &self.frozen {
            return Either::Left(f.relations_of(n, dir));
        }
        Either::Right(self.inner.edges_directed(n, dir).map(move |e| {
            let other = if dir == Direction::Outgoing {
                e.target()
            } else {
                e.source()
            };
            (e.id(), other, e.weight())
        }))
    }

    /// The typed adjacency index, when it is built or now worth building
    /// (each call without it counts one walk of a relation list; see
    /// [`super::adjacency::AdjacencyCache`]).
    pub fn adjacency(&self) -> Option<&super::adjacency::Adjacency> {
        if let Some(f) = &self.frozen {
            return Some(f.adjacency());
        }
        let bits = |n: NodeIndex| {
            // The low 32 bits: labels with symbols below 32.
            self.label_bits.get(n.index()).map_or(0, |b| *b as u32)
        };
        self.adjacency
            .get_or_count(&self.inner, |r: &Relation| r.ty, bits)
    }

    /// How many relations leave or enter `n`.
    pub fn degree(&self, n: NodeIndex, dir: Direction) -> usize {
        match &self.frozen {
            Some(f) => f.degree(n, dir),
            None => self.inner.edges_directed(n, dir).count(),
        }
    }

    /// The petgraph graph underneath, for algorithms. A graph read in
    /// place from a snapshot has none until it is changed (see
    /// [`Graph::is_frozen`]); [`Graph::petgraph_mut`] makes it.
    pub fn petgraph(&self) -> Option<&StableDiGraph<Entity, Relation>> {
        self.frozen.is_none().then_some(&self.inner)
    }

    /// The petgraph graph underneath, made first if the graph is read in
    /// place from a snapshot. Changing entities or relations through it
    /// bypasses the indexes: use it to read, or rebuild the graph after.
    pub fn petgraph_mut(&mut self) -> &StableDiGraph<Entity, Relation> {
        self.thaw();
        &self.inner
    }

    // ----- indexes -------------------------------------------------------

    /// The entity with this id (exact).
    pub fn by_id(&self, id: &str) -> Option<NodeIndex> {
        match &self.frozen {
            Some(f) => f.by_id(id),
            None => self.by_id.get(id).copied(),
        }
    }

    /// Whether every entity has an id (ids are unique, so then they tell
    /// all entities apart).
    pub fn every_entity_has_id(&self) -> bool {
        match &self.frozen {
            Some(f) => f.every_entity_has_id(),
            None => self.by_id.len() == self.entity_count(),
        }
    }

    /// Entities whose name or an alias has the look-up key of `name`
    /// ([`super::fold::name_key`]: the same name in any case, with or
    /// without diacritics, in Cyrillic or Latin letters).
    pub fn by_name(&self, name: &str) -> Cow<'_, [NodeIndex]> {
        self.by_name_key(&fold_name(name))
    }

    /// Entities whose name or an alias has the look-up key `key`.
    pub fn by_name_key(&self, key: &str) -> Cow<'_, [NodeIndex]> {
        match &self.frozen {
            Some(f) => Cow::Owned(f.by_name(key)),
            None => Cow::Borrowed(self.by_name.get(key).map_or(&[], |v| v)),
        }
    }

    /// Every look-up key of a name or alias with its entities, for
    /// partial matches and suggestions.
    pub fn names(&self) -> impl Iterator<Item = (&str, Cow<'_, [NodeIndex]>)> + '_ {
        match &self.frozen {
            Some(f) => Either::Left(f.names().map(|(k, v)| (k, Cow::Owned(v)))),
            None => Either::Right(
                self.by_name
                    .iter()
                    .map(|(k, v)| (&**k, Cow::Borrowed(v.as_slice()))),
            ),
        }
    }

    /// Every id, for suggestions.
    pub fn ids(&self) -> impl Iterator<Item = (&str, NodeIndex)> + '_ {
        match &self.frozen {
            Some(f) => Either::Left(f.ids()),
            None => Either::Right(self.by_id.iter().map(|(k, v)| (k.as_str(), *v))),
        }
    }

    /// Entities with this label, in the order they got it.
    pub fn with_label(&self, label: Sym) -> &[NodeIndex] {
        match &self.frozen {
            Some(f) => f.with_label(label),
            None => self.by_label.get(&label).map_or(&[], |v| v),
        }
    }

    /// Labels in use with their entity counts.
    pub fn label_counts(&self) -> Vec<(&str, usize)> {
        self.counts(&self.by_label, true)
    }

    /// The non-empty entries of an index (labels or types), by name, with
    /// their sizes.
    fn counts<T>(&self, index: &FastMap<Sym, Vec<T>>, labels: bool) -> Vec<(&str, usize)> {
        let mut v: Vec<(&str, usize)> = match &self.frozen {
            Some(f) => f
                .counts(labels)
                .into_iter()
                .map(|(k, n)| (self.resolve(k), n))
                .collect(),
            None => index
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (self.resolve(*k), v.len()))
                .collect(),
        };
        v.sort();
        v
    }

    /// Relations of this type.
    pub fn of_type(&self, ty: Sym) -> &[EdgeIndex] {
        match &self.frozen {
            Some(f) => f.of_type(ty),
            None => self.by_type.get(&ty).map_or(&[], |v| v),
        }
    }

    /// Relation types in use with their counts.
    pub fn type_counts(&self) -> Vec<(&str, usize)> {
        self.counts(&self.by_type, false)
    }

    // ----- changes -------------------------------------------------------

    /// The changes made so far (loading counts too): compare two readings
    /// with [`Changes::since`].
    pub fn changes(&self) -> Changes {
        self.changes
    }

    /// Adds an entity; its id, if any, must be new.
    pub fn add_entity(&mut self, entity: Entity) -> Result<NodeIndex, GraphError> {
        self.thaw();
        if let Some(id) = &entity.id {
            if self.by_id.contains_key(&**id) {
                return Err(GraphError::DuplicateId(id.to_string()));
            }
        }
        let id = entity.id.clone();
        let labels = entity.labels.clone();
        let names: Vec<Box<str>> = entity
            .name
            .iter()
            .chain(&entity.aliases)
            .map(|s| fold_name(s))
            .collect();
        let n = self.inner.add_node(entity);
        self.update_label_bits(n);
        self.changes.entities_created += 1;
        if let Some(id) = id {
            self.by_id.insert(IdKey::new(&id), n);
        }
        for l in labels {
            self.by_label.entry(l).or_default().push(n);
        }
        for name in names {
            self.index_name(name, n);
        }
        Ok(n)
    }

    fn index_name(&mut self, name: Box<str>, n: NodeIndex) {
        let v = self
            .by_name
            .entry(name)
            .or_insert_with(|| Vec::with_capacity(1));
        if !v.contains(&n) {
            v.push(n);
        }
    }

    fn unindex_names(&mut self, n: NodeIndex) {
        let Some(e) = self.inner.node_weight(n) else {
            return;
        };
        let names: Vec<Box<str>> = e
            .name
            .iter()
            .chain(&e.aliases)
            .map(|s| fold_name(s))
            .collect();
        for name in names {
            if let Some(v) = self.by_name.get_mut(&name) {
                v.retain(|&m| m != n);
                if v.is_empty() {
                    self.by_name.remove(&name);
                }
            }
        }
    }

    fn reindex_names(&mut self, n: NodeIndex) {
        let Some(e) = self.inner.node_weight(n) else {
            return;
        };
        let names: Vec<Box<str>> = e
            .name
            .iter()
            .chain(&e.aliases)
            .map(|s| fold_name(s))
            .collect();
        for name in names {
            self.index_name(name, n);
        }
    }

    /// A prefetcher of this graph's nodes, valid until nodes are added or
    /// removed.
    pub(crate) fn node_prefetch(&self) -> NodePrefetch {
        NodePrefetch::new(&self.inner)
    }

    /// Adds a relation from `from` to `to`.
    pub fn add_relation(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        relation: Relation,
    ) -> Result<EdgeIndex, GraphError> {
        self.thaw();
        if !self.inner.contains_node(from) || !self.inner.contains_node(to) {
            return Err(GraphError::Missing);
        }
        let ty = relation.ty;
        let e = self.inner.add_edge(from, to, relation);
        self.adjacency.clear();
        self.changes.relations_created += 1;
        self.by_type.entry(ty).or_default().push(e);
        Ok(e)
    }

    /// Removes a relation.
    pub fn remove_relation(&mut self, e: EdgeIndex) -> Option<Relation> {
        self.thaw();
        let r = self.inner.remove_edge(e)?;
        self.adjacency.clear();
        self.changes.relations_deleted += 1;
        if let Some(v) = self.by_type.get_mut(&r.ty) {
            if let Some(at) = v.iter().position(|&x| x == e) {
                v.swap_remove(at);
            }
        }
        Some(r)
    }

    /// Removes an entity and every relation it takes part in.
    pub fn remove_entity(&mut self, n: NodeIndex) -> Option<Entity> {
        self.thaw();
        let edges: Vec<EdgeIndex> = self
            .inner
            .edges_directed(n, Direction::Outgoing)
            .chain(self.inner.edges_directed(n, Direction::Incoming))
            .map(|e| e.id())
            .collect();
        for e in edges {
            self.remove_relation(e);
        }
        self.unindex_names(n);
        let entity = self.inner.remove_node(n)?;
        if let Some(b) = self.label_bits.get_mut(n.index()) {
            *b = 0;
        }
        self.changes.entities_deleted += 1;
        if let Some(id) = &entity.id {
            self.by_id.remove(&**id);
        }
        for l in &entity.labels {
            if let Some(v) = self.by_label.get_mut(l) {
                v.retain(|&m| m != n);
            }
        }
        Some(entity)
    }

    /// Recomputes the label bits of `n` from its labels.
    fn update_label_bits(&mut self, n: NodeIndex) {
        let bits = self
            .inner
            .node_weight(n)
            .map_or(0, |e| label_bits_of(&e.labels));
        if self.label_bits.len() <= n.index() {
            self.label_bits.resize(n.index() + 1, 0);
        }
        if let Some(b) = self.label_bits.get_mut(n.index()) {
            *b = bits;
        }
    }

    /// Whether entity `n` has every label of `labels`; `false` when there
    /// is no entity `n`.
    pub fn has_labels(&self, n: NodeIndex, labels: &[Sym]) -> bool {
        // A label the entity has always has its bit set when it has one,
        // so the bits decide whenever every wanted label has a bit.
        // (A removed node's bits are 0, so asking for any label fails.)
        let have = match &self.frozen {
            Some(f) => f.label_bits(n.index()),
            None => self.label_bits.get(n.index()).copied(),
        };
        if let (Some(want), Some(have)) = (label_mask(labels), have) {
            if want != 0 {
                return have & want == want;
            }
        }
        self.entity(n)
            .is_some_and(|e| labels.iter().all(|l| e.labels.contains(l)))
    }

    /// Gives `n` a label; returns whether it was new.
    pub fn add_label(&mut self, n: NodeIndex, label: Sym) -> bool {
        self.thaw();
        let Some(e) = self.inner.node_weight_mut(n) else {
            return false;
        };
        if e.labels.contains(&label) {
            return false;
        }
        e.labels.push(label);
        self.update_label_bits(n);
        // The typed lists carry each entity's label bits.
        self.adjacency.clear();
        self.changes.labels_added += 1;
        self.by_label.entry(label).or_default().push(n);
        true
    }

    /// Takes a label from `n`; returns whether it had it.
    pub fn remove_label(&mut self, n: NodeIndex, label: Sym) -> bool {
        self.thaw();
        let Some(e) = self.inner.node_weight_mut(n) else {
            return false;
        };
        let Some(at) = e.labels.iter().position(|&l| l == label) else {
            return false;
        };
        e.labels.remove(at);
        self.update_label_bits(n);
        self.adjacency.clear();
        self.changes.labels_removed += 1;
        if let Some(v) = self.by_label.get_mut(&label) {
            v.retain(|&m| m != n);
        }
        true
    }

    /// The property `key` of an entity as a query sees it: `id`, `name`
    /// and `aliases` come from the entity's fields when set, anything else
    /// from its props.
    pub fn entity_property(&self, n: NodeIndex, key: &str) -> Option<PropRef<'_>> {
        let e = self.entity(n)?;
        let field = match key {
            "id" => e.id.as_deref().map(PropRef::Str),
            "name" => e.name.as_deref().map(PropRef::Str),
            "aliases" if !e.aliases.is_empty() => Some(PropRef::StrList(&e.aliases)),
            _ => None,
        };
        field.or_else(|| e.props.get(self.interner.get(key)?).map(PropRef::Value))
    }

    /// Every property of an entity as a query sees it, fields first, then
    /// props sorted by key.
    pub fn entity_properties(&self, n: NodeIndex) -> Vec<(&str, PropRef<'_>)> {
        let Some(e) = self.entity(n) else {
            return Vec::new();
        };
        let mut v = Vec::with_capacity(e.props.len() + 3);
        if let Some(id) = &e.id {
            v.push(("id", PropRef::Str(id)));
        }
        if let Some(name) = &e.name {
            v.push(("name", PropRef::Str(name)));
        }
        if !e.aliases.is_empty() {
            v.push(("aliases", PropRef::StrList(&e.aliases)));
        }
        self.push_props(&mut v, &e.props);
        v
    }

    /// Appends `props`, sorted by key, leaving out keys a field already
    /// gave.
    fn push_props<'a>(&'a self, v: &mut Vec<(&'a str, PropRef<'a>)>, props: &'a Props) {
        for (k, val) in props.sorted(&self.interner) {
            if !v.iter().any(|(f, _)| *f == k) {
                v.push((k, PropRef::Value(val)));
            }
        }
    }

    /// Sets (or with `None` removes) the property `key` of an entity.
    ///
    /// A string `id` renames the entity (the new id must be free); a string
    /// `name` or a list of strings `aliases` goes to those fields and the
    /// name index; any other value is kept in the props.
    pub fn set_entity_property(
        &mut self,
        n: NodeIndex,
        key: &str,
        value: Option<PropValue>,
    ) -> Result<(), GraphError> {
        self.thaw();
        if !self.inner.contains_node(n) {
            return Err(GraphError::Missing);
        }
        self.changes.properties_set += 1;
        let sym = self.interner.intern(key);
        match (key, value) {
            ("id", Some(PropValue::Str(s))) => {
                let current = self.inner.node_weight(n).and_then(|e| e.id.clone());
                if current.as_deref() == Some(&*s) {
                    return Ok(());
                }
                if self.by_id.contains_key(&*s) {
                    return Err(GraphError::DuplicateId(s.to_string()));
                }
                if let Some(old) = current {
                    self.by_id.remove(&*old);
                }
                self.by_id.insert(IdKey::new(&s), n);
                if let Some(e) = self.inner.node_weight_mut(n) {
                    e.id = Some(s);
                    e.props.remove(sym);
                }
            }
            ("id", other) => {
                if let Some(e) = self.inner.node_weight_mut(n) {
                    if let Some(old) = e.id.take() {
                        self.by_id.remove(&*old);
                    }
                    set_prop(&mut e.props, sym, other);
                }
            }
            ("name", value) => {
                self.unindex_names(n);
                if let Some(e) = self.inner.node_weight_mut(n) {
                    match value {
                        Some(PropValue::Str(s)) => {
                            e.name = Some(s);
                            e.props.remove(sym);
                        }
                        other => {
                            e.name = None;
                            set_prop(&mut e.props, sym, other);
                        }
                    }
                }
                self.reindex_names(n);
            }
            ("aliases", value) => {
                self.unindex_names(n);
                if let Some(e) = self.inner.node_weight_mut(n) {
                    let strings: Option<Vec<Box<str>>> = match &value {
                        Some(PropValue::List(l)) => {
                            l.iter().map(|v| v.as_str().map(Box::from)).collect()
                        }
                        _ => None,
                    };
                    match strings {
                        Some(list) if !list.is_empty() => {
                            e.aliases = list;
                            e.props.remove(sym);
                        }
                        _ => {
                            e.aliases.clear();
                            set_prop(&mut e.props, sym, value);
                        }
                    }
                }
                self.reindex_names(n);
            }
            (_, value) => {
                if let Some(e) = self.inner.node_weight_mut(n) {
                    set_prop(&mut e.props, sym, value);
                }
            }
        }
        Ok(())
    }

    /// Removes every property of an entity, its id, name and aliases
    /// included.
    pub fn clear_entity_properties(&mut self, n: NodeIndex) {
        self.thaw();
        self.unindex_names(n);
        if let Some(e) = self.inner.node_weight_mut(n) {
            if let Some(old) = e.id.take() {
                self.by_id.remove(&*old);
            }
            e.name = None;
            e.aliases.clear();
            e.props.clear();
        }
    }

    /// The property `key` of a relation as a query sees it: `since`,
    /// `until`, `source`, `locator`, `note` and `quote` come from the
    /// relation's fields when set, anything else from its props.
    pub fn relation_property(&self, e: EdgeIndex, key: &str) -> Option<PropRef<'_>> {
        let r = self.relation(e)?;
        let p = r.provenance();
        let field = match key {
            "since" => r.since.map(PropRef::Date),
            "until" => r.until.map(PropRef::Date),
            "source" => p.source.as_deref().map(PropRef::Str),
            "locator" => p.locator.as_deref().map(PropRef::Str),
            "note" => p.note.as_deref().map(PropRef::Str),
            "quote" => p.quote.as_deref().map(PropRef::Str),
            _ => None,
        };
        field.or_else(|| r.props.get(self.interner.get(key)?).map(PropRef::Value))
    }

    /// Every property of a relation as a query sees it: props sorted by
    /// key, then the dated and provenance fields that are set.
    pub fn relation_properties(&self, e: EdgeIndex) -> Vec<(&str, PropRef<'_>)> {
        let Some(r) = self.relation(e) else {
            return Vec::new();
        };
        let mut v: Vec<(&str, PropRef<'_>)> = Vec::new();
        for key in RELATION_FIELDS {
            if let Some(p) = self.relation_property(e, key) {
                if !matches!(p, PropRef::Value(_)) {
                    v.push((key, p));
                }
            }
        }
        self.push_props(&mut v, &r.props);
        v
    }

    /// Sets (or with `None` removes) the property `key` of a relation.
    ///
    /// A valid date text for `since` or `until`, and a string for `source`,
    /// `locator`, `note` or `quote`, go to those fields; anything else is
    /// kept in the props.
    pub fn set_relation_property(
        &mut self,
        e: EdgeIndex,
        key: &str,
        value: Option<PropValue>,
    ) -> Result<(), GraphError> {
        self.thaw();
        let sym = self.interner.intern(key);
        let r = self.inner.edge_weight_mut(e).ok_or(GraphError::Missing)?;
        self.changes.properties_set += 1;
        let date = value
            .as_ref()
            .and_then(|v| v.as_str())
            .and_then(|s| Date::parse(s).ok());
        match key {
            "since" | "until" => {
                let slot = if key == "since" {
                    &mut r.since
                } else {
                    &mut r.until
                };
                *slot = date;
                if date.is_some() {
                    r.props.remove(sym);
                } else {
                    set_prop(&mut r.props, sym, value);
                }
            }
            "source" | "locator" | "note" | "quote" => {
                let prov = r.provenance.get_or_insert_with(Default::default);
                let slot = match key {
                    "source" => &mut prov.source,
                    "locator" => &mut prov.locator,
                    "note" => &mut prov.note,
                    _ => &mut prov.quote,
                };
                match value {
                    Some(PropValue::Str(s)) => {
                        *slot = Some(s);
                        r.props.remove(sym);
                    }
                    other => {
                        *slot = None;
                        set_prop(&mut r.props, sym, other);
                    }
                }
                if prov.is_empty() {
                    r.provenance = None;
                }
            }
            _ => set_prop(&mut r.props, sym, value),
        }
        Ok(())
    }

    /// Removes every property of a relation, dates and provenance included.
    pub fn clear_relation_properties(&mut self, e: EdgeIndex) {
        self.thaw();
        if let Some(r) = self.inner.edge_weight_mut(e) {
            r.props.clear();
            r.since = None;
            r.until = None;
            r.provenance = None;
        }
    }

    /// A short human name for an entity: its name, else its id, else its
    /// index.
    pub fn display_name(&self, n: NodeIndex) -> String {
        match self.entity(n) {
            Some(e) => match (&e.name, &e.id) {
                (Some(name), _) => name.to_string(),
                (None, Some(id)) => id.to_string(),
                (None, None) => format!("#{}", n.index()),
            },
            None => format!("#{}", n.index()),
        }
    }
}

fn set_prop(props: &mut Props, key: Sym, value: Option<PropValue>) {
    match value {
        Some(v) => {
            props.insert(key, v);
        }
        None => {
            props.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(g: &mut Graph, id: &str, label: &str, name: &str, aliases: &[&str]) -> NodeIndex {
        let label = g.intern(label);
        let e = Entity {
            id: Some(id.into()),
            labels: vec![label],
            name: Some(name.into()),
            aliases: aliases.iter().map(|&a| a.into()).collect(),
            props: Props::new(),
        };
        g.add_entity(e).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn indexes_follow_changes() {
        let mut g = Graph::new();
        let a = entity(
            &mut g,
            "rosatom-nedra",
            "Company",
            "Rosatom Nedra",
            &["Atomredmedzoloto"],
        );
        let b = entity(&mut g, "rosatom", "Company", "Rosatom", &[]);
        let owns = g.intern("PART_OF");
        let e = g
            .add_relation(a, b, Relation::new(owns))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(g.by_id("rosatom"), Some(b));
        assert_eq!(&*g.by_name("ATOMREDMEDZOLOTO"), &[a]);
        assert_eq!(g.of_type(owns), &[e]);
        let company = g.intern("Company");
        assert_eq!(g.with_label(company).len(), 2);

        g.set_entity_property(a, "name", Some(PropValue::Str("ARMZ".into())))
            .ok();
        assert!(g.by_name("rosatom nedra").is_empty());
        assert_eq!(&*g.by_name("armz"), &[a]);
        assert_eq!(
            g.add_entity(Entity {
                id: Some("rosatom".into()),
                labels: vec![],
                name: None,
                aliases: vec![],
                props: Props::new()
            }),
            Err(GraphError::DuplicateId("rosatom".into()))
        );

        g.remove_entity(b);
        assert_eq!(g.by_id("rosatom"), None);
        assert!(g.of_type(owns).is_empty());
        assert_eq!(g.with_label(company), &[a]);
        assert_eq!(g.relation_count(), 0);
    }

    #[test]
    fn fields_read_as_properties() {
        let mut g = Graph::new();
        let a = entity(&mut g, "a", "Person", "A", &[]);
        let t = g.intern("OWNS");
        let mut r = Relation::new(t);
        r.since = Date::parse("2019").ok();
        let e = g
            .add_relation(a, a, r)
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(g.entity_property(a, "id"), Some(PropRef::Str("a")));
        assert_eq!(
            g.relation_property(e, "since"),
            Date::parse("2019").ok().map(PropRef::Date)
        );
        let rel = g.relation(e).cloned().unwrap_or_else(|| unreachable!());
        assert!(rel.valid_during(Date::parse("2019-01").unwrap_or_else(|e| unreachable!("{e}"))));
        assert!(!rel.valid_during(Date::parse("2018").unwrap_or_else(|e| unreachable!("{e}"))));
        g.set_relation_property(e, "note", Some(PropValue::Str("n".into())))
            .ok();
        assert_eq!(g.relation_property(e, "note"), Some(PropRef::Str("n")));
        g.set_relation_property(e, "since", Some(PropValue::Int(5)))
            .ok();
        assert_eq!(
            g.relation_property(e, "since"),
            Some(PropRef::Value(&PropValue::Int(5)))
        );
        g.set_entity_property(a, "id", Some(PropValue::Int(1))).ok();
        assert_eq!(g.by_id("a"), None);
        assert_eq!(
            g.entity_property(a, "id"),
            Some(PropRef::Value(&PropValue::Int(1)))
        );
    }
}
