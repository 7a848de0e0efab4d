//! The shortest chains of relations between two entities, following
//! relations in either direction.
//!
//! A breadth-first search from the start, layer by layer, keeps every
//! relation that reaches an entity first at its distance, so that every
//! shortest chain can be listed (at most [`MAX_PATHS`] of them). A shortest
//! chain never visits an entity twice.

use std::collections::HashMap;

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

/// The shortest chains from `from` to `to`.
pub fn shortest(graph: &Graph, from: NodeIndex, to: NodeIndex, options: &PathOptions) -> Paths {
    if from == to {
        return Paths {
            paths: vec![FoundPath {
                nodes: vec![from],
                relations: Vec::new(),
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
    let mut dist: HashMap<NodeIndex, u32> = HashMap::new();
    let mut preds: HashMap<NodeIndex, Vec<(NodeIndex, EdgeIndex)>> = HashMap::new();
    dist.insert(from, 0);
    let mut layer = vec![from];
    let mut depth = 0;
    while !layer.is_empty() && depth < options.max && !dist.contains_key(&to) {
        depth += 1;
        let mut next: Vec<NodeIndex> = Vec::new();
        for &x in &layer {
            for side in [
                crate::graph::Direction::Outgoing,
                crate::graph::Direction::Incoming,
            ] {
                for (e, y, r) in graph.relations_of(x, side) {
                    if y == x
                        || (!via.is_empty() && !via.contains(&r.ty))
                        || !options.as_of.is_none_or(|d| r.valid_during(d))
                    {
                        continue;
                    }
                    match dist.get(&y) {
                        Some(&d) if d < depth => continue,
                        Some(_) => {}
                        None => {
                            dist.insert(y, depth);
                            next.push(y);
                        }
                    }
                    preds.entry(y).or_default().push((x, e));
                }
            }
        }
        layer = next;
    }
    if !dist.contains_key(&to) {
        return Paths {
            paths: Vec::new(),
            capped: false,
        };
    }
    // Walk the predecessors back from `to`.
    let mut paths: Vec<FoundPath> = Vec::new();
    let mut capped = false;
    let mut stack: Vec<(NodeIndex, Vec<NodeIndex>, Vec<EdgeIndex>)> =
        vec![(to, vec![to], Vec::new())];
    while let Some((n, nodes, rels)) = stack.pop() {
        if n == from {
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
            });
            continue;
        }
        if let Some(list) = preds.get(&n) {
            for &(p, e) in list.iter().rev() {
                let mut nodes = nodes.clone();
                let mut rels = rels.clone();
                nodes.push(p);
                rels.push(e);
                stack.push((p, nodes, rels));
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
