//! The shortest chains of relations between two entities, following
//! relations in either direction.
//!
//! A chain holds only while all its relations hold at once: its window is
//! the intersection of theirs, and a chain whose window is empty is no
//! chain. A breadth-first search from the start, layer by layer, keeps
//! every relation that reaches an entity at its distance in some window,
//! so that every shortest chain can be listed (at most [`MAX_PATHS`] of
//! them). A shortest chain never visits an entity twice.

use std::collections::HashMap;

use super::window::Window;
use crate::graph::{Date, EdgeIndex, Graph, NodeIndex, Sym};

/// How many shortest chains are listed at most.
pub const MAX_PATHS: usize = 100;

/// What a search may use.
#[derive(Debug, Clone, Default)]
pub struct PathOptions {
    /// Relation types the chain may use; empty means any.
    pub via: Vec<String>,
    /// The most relations in a chain.
    pub max: u32,
    /// Only relations valid during this period take part.
    pub as_of: Option<Date>,
}

/// One chain: `nodes.len() == relations.len() + 1`; `relations[i]` joins
/// `nodes[i]` and `nodes[i + 1]` in either direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPath {
    /// The entities from start to end.
    pub nodes: Vec<NodeIndex>,
    /// The relations between them.
    pub relations: Vec<EdgeIndex>,
    /// When all of them held at once; never empty.
    pub window: Window,
}

/// The shortest chains found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Every shortest chain (up to [`MAX_PATHS`]), in the order of their
    /// relations in the graph files; empty when the two are
    /// not connected within the limit.
    pub paths: Vec<FoundPath>,
    /// Whether there are more shortest chains than listed.
    pub capped: bool,
}

/// The shortest chains from `from` to `to` whose relations all held at
/// once (during `options.as_of` when given).
pub fn shortest(graph: &Graph, from: NodeIndex, to: NodeIndex, options: &PathOptions) -> Paths {
    let within = options.as_of.map_or(Window::ALWAYS, Window::during);
    if from == to {
        return Paths {
            paths: vec![FoundPath {
                nodes: vec![from],
                relations: Vec::new(),
                window: Window::ALWAYS,
            }],
            capped: false,
        };
    }
    let via: Vec<Sym> = options.via.iter().filter_map(|t| graph.sym(t)).collect();
    if !options.via.is_empty() && via.is_empty() {
        return Paths {
            paths: Vec::new(),
            capped: false,
        };
    }
    // A state is an entity reached with the window in which the chain to
    // it held. A state is left out when its entity was reached at a
    // smaller depth in a window that contains it: every chain through it
    // would have a shorter one.
    type State = (NodeIndex, Window);
    let mut seen: HashMap<NodeIndex, Vec<(u32, Window)>> = HashMap::new();
    let mut preds: HashMap<State, Vec<(State, EdgeIndex)>> = HashMap::new();
    seen.insert(from, vec![(0, Window::ALWAYS)]);
    let mut layer: Vec<State> = vec![(from, Window::ALWAYS)];
    let mut depth = 0;
    let mut ends: Vec<State> = Vec::new();
    while !layer.is_empty() && depth < options.max && ends.is_empty() {
        depth += 1;
        let mut next: Vec<State> = Vec::new();
        for &(x, held) in &layer {
            for side in [
                crate::graph::Direction::Outgoing,
                crate::graph::Direction::Incoming,
            ] {
                for (e, y, r) in graph.relations_of(x, side) {
                    if y == x || (!via.is_empty() && !via.contains(&r.ty)) {
                        continue;
                    }
                    let Some(w) = held
                        .intersect(&Window::of(r))
                        .filter(|w| w.overlaps(&within))
                    else {
                        continue;
                    };
                    let list = seen.entry(y).or_default();
                    if list.iter().any(|(d, s)| *d < depth && s.contains(&w)) {
                        continue;
                    }
                    if !list.iter().any(|(d, s)| *d == depth && *s == w) {
                        list.push((depth, w));
                        next.push((y, w));
                        if y == to {
                            ends.push((y, w));
                        }
                    }
                    preds.entry((y, w)).or_default().push(((x, held), e));
                }
            }
        }
        layer = next;
    }
    // Walk the predecessors back from each end.
    let mut paths: Vec<FoundPath> = Vec::new();
    let mut capped = false;
    let mut stack: Vec<(State, Vec<NodeIndex>, Vec<EdgeIndex>, Window)> = ends
        .iter()
        .rev()
        .map(|&(n, w)| ((n, w), vec![n], Vec::new(), w))
        .collect();
    while let Some(((n, w), nodes, rels, window)) = stack.pop() {
        if n == from && rels.len() as u32 == depth {
            if paths.len() == MAX_PATHS {
                capped = true;
                break;
            }
            let mut nodes = nodes;
            let mut rels = rels;
            nodes.reverse();
            rels.reverse();
            paths.push(FoundPath {
                nodes,
                relations: rels,
                window,
            });
            continue;
        }
        if let Some(list) = preds.get(&(n, w)) {
            for &(p, e) in list.iter().rev() {
                let mut nodes = nodes.clone();
                let mut rels = rels.clone();
                nodes.push(p.0);
                rels.push(e);
                stack.push((p, nodes, rels, window));
            }
        }
    }
    paths.sort_by(|a, b| a.relations.cmp(&b.relations));
    Paths { paths, capped }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{graph, node};
    use super::*;

    fn names(g: &Graph, p: &FoundPath) -> String {
        p.nodes
            .iter()
            .map(|n| g.display_name(*n))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn options(via: &[&str], max: u32) -> PathOptions {
        PathOptions {
            via: via.iter().map(|s| s.to_string()).collect(),
            max,
            as_of: None,
        }
    }

    #[test]
    fn every_shortest_chain_in_either_direction() {
        let g = graph(
            &["a", "b", "c", "d", "e"],
            &[
                ("a", "OWNS", "b", None, None, None),
                ("c", "LEADS", "b", None, None, None),
                ("a", "OWNS", "d", None, None, None),
                ("d", "OWNS", "c", None, None, None),
                ("c", "OWNS", "e", None, None, None),
            ],
        );
        let p = shortest(&g, node(&g, "a"), node(&g, "c"), &options(&[], 10));
        let found: Vec<String> = p.paths.iter().map(|x| names(&g, x)).collect();
        assert_eq!(found, ["A B C", "A D C"]);
        let p = shortest(&g, node(&g, "a"), node(&g, "c"), &options(&["OWNS"], 10));
        let found: Vec<String> = p.paths.iter().map(|x| names(&g, x)).collect();
        assert_eq!(found, ["A D C"]);
        let p = shortest(&g, node(&g, "a"), node(&g, "e"), &options(&[], 2));
        assert!(p.paths.is_empty());
        let p = shortest(&g, node(&g, "a"), node(&g, "e"), &options(&["NOPE"], 9));
        assert!(p.paths.is_empty());
    }

    #[test]
    fn relations_that_never_held_at_once_do_not_connect() {
        // a-b ended in 2024, b-c began in 2024-12 (overlap: December),
        // b-d began in 2025 (none), and a-e-d held throughout.
        let g = graph(
            &["a", "b", "c", "d", "e", "f"],
            &[
                ("a", "OWNS", "b", None, None, Some("2024")),
                ("b", "OWNS", "c", None, Some("2024-12"), None),
                ("b", "OWNS", "d", None, Some("2025"), None),
                ("a", "OWNS", "e", None, None, None),
                ("e", "OWNS", "f", None, None, None),
                ("f", "OWNS", "d", None, None, None),
            ],
        );
        let p = shortest(&g, node(&g, "a"), node(&g, "c"), &options(&[], 5));
        assert_eq!(p.paths.len(), 1);
        assert_eq!(p.paths[0].window.to_string(), "2024-12 -> 2024-12");
        let p = shortest(&g, node(&g, "a"), node(&g, "d"), &options(&[], 5));
        let found: Vec<String> = p.paths.iter().map(|x| names(&g, x)).collect();
        assert_eq!(found, ["A E F D"]);
        assert_eq!(p.paths[0].window.to_string(), "always");
    }

    #[test]
    fn relations_outside_the_date_do_not_connect() {
        let g = graph(&["a", "b"], &[("a", "OWNS", "b", None, None, Some("2024"))]);
        let mut o = options(&[], 5);
        o.as_of = Date::parse("2025").ok();
        assert!(shortest(&g, node(&g, "a"), node(&g, "b"), &o)
            .paths
            .is_empty());
        o.as_of = Date::parse("2024-12-31").ok();
        assert_eq!(
            shortest(&g, node(&g, "a"), node(&g, "b"), &o).paths.len(),
            1
        );
    }
}
