//! Direct owners and holdings: the ownership edges at one entity.

use super::{overfull, Direction, Overfull, OwnershipEdge, Vocabulary};
use crate::graph::{Date, Graph, NodeIndex};

/// The direct owners (going up) or holdings (going down) of an entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Direct {
    /// One edge per relation: larger stated shares first, unknown shares
    /// last, then by the other side's name.
    pub edges: Vec<OwnershipEdge>,
    /// Entities involved whose stated owners' shares add up to more than
    /// 100%: the entity asked about (owners), or each holding (holdings).
    pub problems: Vec<Overfull>,
}

/// The direct owners or holdings of `n`, valid during `as_of` when given.
pub fn direct(graph: &Graph, n: NodeIndex, dir: Direction, as_of: Option<Date>) -> Direct {
    let vocab = Vocabulary::of(graph);
    let mut edges = vocab.edges(graph, n, dir, as_of);
    edges.sort_by(|a, b| {
        let share = |e: &OwnershipEdge| e.share.map_or(f64::NEG_INFINITY, |s| s);
        share(b)
            .total_cmp(&share(a))
            .then_with(|| {
                graph
                    .display_name(a.far(dir))
                    .cmp(&graph.display_name(b.far(dir)))
            })
            .then_with(|| a.relation.cmp(&b.relation))
    });
    let checked: Vec<NodeIndex> = match dir {
        Direction::Up => vec![n],
        Direction::Down => {
            let mut v: Vec<NodeIndex> = edges.iter().map(|e| e.owned).collect();
            v.sort();
            v.dedup();
            v
        }
    };
    let problems = checked
        .into_iter()
        .filter_map(|m| overfull(graph, &vocab, m, as_of))
        .collect();
    Direct { edges, problems }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{graph, node};
    use super::*;

    #[test]
    fn owners_come_largest_share_first_and_unknown_last() {
        let g = graph(
            &["t", "a", "b", "c", "p"],
            &[
                ("c", "CONTROLS", "t", None, None, None),
                ("a", "OWNS", "t", Some(30.0), None, None),
                ("b", "OWNS", "t", Some(70.0), None, None),
                ("t", "PART_OF", "p", None, None, None),
            ],
        );
        let d = direct(&g, node(&g, "t"), Direction::Up, None);
        let names: Vec<String> = d.edges.iter().map(|e| g.display_name(e.owner)).collect();
        assert_eq!(names, ["B", "A", "C", "P"]);
        assert!(d.problems.is_empty());
        let h = direct(&g, node(&g, "p"), Direction::Down, None);
        assert_eq!(h.edges.len(), 1);
        assert_eq!(h.edges[0].owned, node(&g, "t"));
    }

    #[test]
    fn holdings_report_each_overfull_holding() {
        let g = graph(
            &["x", "y", "z"],
            &[
                ("x", "OWNS", "z", Some(80.0), None, None),
                ("y", "OWNS", "z", Some(30.0), None, None),
            ],
        );
        let h = direct(&g, node(&g, "x"), Direction::Down, None);
        assert_eq!(h.problems.len(), 1);
        assert_eq!(h.problems[0].entity, node(&g, "z"));
    }
}
