//! Who owns what: ownership edges, direct owners and holdings, ultimate
//! owners with effective shares, and the shortest chains between two
//! entities.
//!
//! This stage reads the [`graph`](crate::graph) model only; the query
//! language and the command line turn its answers into rows.
//!
//! Ownership runs along three relation types:
//!
//! - `OWNS` (owner -> owned), with `props.share` in percent when the
//!   source states it;
//! - `CONTROLS` (owner -> owned), control without a stated share;
//! - `PART_OF` (part -> parent), read backwards: the parent owns its part,
//!   share not stated.
//!
//! A share that is not stated is *unknown*, never zero. When a date is
//! given (`AS OF`), only relations that held at some time during that
//! period take part ([`Relation::valid_during`]).

pub mod direct;
mod flow;
pub mod path;
pub mod ultimate;
pub mod view;
pub mod window;

use crate::graph::{Date, EdgeIndex, Graph, NodeIndex, PropValue, Relation, Sym};
use window::{Slices, Window};

/// Which way to follow ownership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Towards owners: who owns this?
    Up,
    /// Towards holdings: what does this own?
    Down,
}

/// One relation seen as ownership: `owner` owns (a share of) `owned`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OwnershipEdge {
    /// The relation behind it.
    pub relation: EdgeIndex,
    /// Who owns.
    pub owner: NodeIndex,
    /// What is owned.
    pub owned: NodeIndex,
    /// The share as a fraction from 0 to 1, when stated.
    pub share: Option<f64>,
}

impl OwnershipEdge {
    /// The end reached by following the edge in `dir`: the owner going
    /// up, the owned going down.
    pub fn far(&self, dir: Direction) -> NodeIndex {
        match dir {
            Direction::Up => self.owner,
            Direction::Down => self.owned,
        }
    }

    /// The end the edge is followed from in `dir`.
    pub fn near(&self, dir: Direction) -> NodeIndex {
        match dir {
            Direction::Up => self.owned,
            Direction::Down => self.owner,
        }
    }
}

/// The relation types and property key that ownership reads, looked up
/// once per question.
#[derive(Debug, Clone, Copy)]
pub struct Vocabulary {
    owns: Option<Sym>,
    controls: Option<Sym>,
    part_of: Option<Sym>,
    share: Option<Sym>,
}

impl Vocabulary {
    /// The graph's handles for `OWNS`, `CONTROLS`, `PART_OF` and `share`.
    pub fn of(graph: &Graph) -> Vocabulary {
        Vocabulary {
            owns: graph.sym("OWNS"),
            controls: graph.sym("CONTROLS"),
            part_of: graph.sym("PART_OF"),
            share: graph.sym("share"),
        }
    }

    /// The relation `e` from `from` to `to` as ownership, if it is one.
    pub fn edge(
        &self,
        e: EdgeIndex,
        from: NodeIndex,
        to: NodeIndex,
        r: &Relation,
    ) -> Option<OwnershipEdge> {
        let ty = Some(r.ty);
        if ty == self.owns {
            let share = self
                .share
                .and_then(|k| r.props.get(k))
                .and_then(|v| match v {
                    PropValue::Int(i) => Some(*i as f64 / 100.0),
                    PropValue::Float(f) if f.is_finite() => Some(f / 100.0),
                    _ => None,
                })
                .filter(|s| (0.0..=1.0).contains(s));
            Some(OwnershipEdge {
                relation: e,
                owner: from,
                owned: to,
                share,
            })
        } else if ty == self.controls {
            Some(OwnershipEdge {
                relation: e,
                owner: from,
                owned: to,
                share: None,
            })
        } else if ty == self.part_of {
            Some(OwnershipEdge {
                relation: e,
                owner: to,
                owned: from,
                share: None,
            })
        } else {
            None
        }
    }

    /// The typed adjacency lists that hold ownership in `dir`, with the
    /// side of the entity they are read from: owners arrive by `OWNS` and
    /// `CONTROLS` and are reached by `PART_OF` (holdings the other way).
    /// Types the graph does not have are left out.
    pub(crate) fn typed_lists(
        &self,
        dir: Direction,
    ) -> impl Iterator<Item = (Sym, crate::graph::Direction)> {
        use crate::graph::Direction as G;
        let (arrive, leave) = match dir {
            Direction::Up => (G::Incoming, G::Outgoing),
            Direction::Down => (G::Outgoing, G::Incoming),
        };
        [
            (self.owns, arrive),
            (self.controls, arrive),
            (self.part_of, leave),
        ]
        .into_iter()
        .filter_map(|(ty, side)| Some((ty?, side)))
    }

    /// The ownership edges at `n` in `dir` (its owners going up, its
    /// holdings going down) that are valid during `as_of` when given.
    pub fn edges(
        &self,
        graph: &Graph,
        n: NodeIndex,
        dir: Direction,
        as_of: Option<Date>,
    ) -> Vec<OwnershipEdge> {
        use crate::graph::Direction as G;
        let mut out = Vec::new();
        let valid = |r: &Relation| as_of.is_none_or(|d| r.valid_during(d));
        if let Some(adj) = graph.adjacency() {
            for (ty, side) in self.typed_lists(dir) {
                for a in adj.typed(n, side, ty) {
                    let Some(r) = graph.relation(a.edge()).filter(|r| valid(r)) else {
                        continue;
                    };
                    let (from, to) = if side == G::Outgoing {
                        (n, a.other())
                    } else {
                        (a.other(), n)
                    };
                    out.extend(self.edge(a.edge(), from, to, r));
                }
            }
            out.sort_by_key(|e| e.relation);
            return out;
        }
        for side in [G::Incoming, G::Outgoing] {
            for (e, other, r) in graph.relations_of(n, side) {
                // A relation from `n` to itself is in both lists: it is
                // taken once, as it arrives.
                if !valid(r) || (side == G::Outgoing && other == n) {
                    continue;
                }
                let (from, to) = if side == G::Outgoing {
                    (n, other)
                } else {
                    (other, n)
                };
                if let Some(edge) = self.edge(e, from, to, r) {
                    if edge.near(dir) == n {
                        out.push(edge);
                    }
                }
            }
        }
        out.sort_by_key(|e| e.relation);
        out
    }
}

/// A data problem found while answering: the stated shares in one entity
/// add up to more than 100% at some time.
#[derive(Debug, Clone, PartialEq)]
pub struct Overfull {
    /// The entity whose owners' stated shares are too many.
    pub entity: NodeIndex,
    /// Their total, in percent.
    pub total_percent: f64,
    /// The relations with stated shares that hold together.
    pub relations: Vec<EdgeIndex>,
    /// When they hold together.
    pub window: Window,
}

impl Overfull {
    /// The problem as a sentence.
    pub fn message(&self, graph: &Graph) -> String {
        let id = graph
            .entity(self.entity)
            .and_then(|e| e.id.as_deref())
            .map(|id| format!(" ({id})"))
            .unwrap_or_default();
        let when = if self.window.is_always() {
            String::new()
        } else {
            format!(" in {}", self.window)
        };
        format!(
            "data problem: the stated shares in {}{id} add up to {}% (more than 100%){when} over {} relations; check the facts, or if they held at different times, give their dates",
            graph.display_name(self.entity),
            percent_text(self.total_percent),
            self.relations.len()
        )
    }
}

/// The largest sum of stated shares of `n`'s owners that hold at the same
/// time (during `as_of` when given), if it is above 100%.
pub fn overfull(
    graph: &Graph,
    vocab: &Vocabulary,
    n: NodeIndex,
    as_of: Option<Date>,
) -> Option<Overfull> {
    let edges = vocab.edges(graph, n, Direction::Up, as_of);
    let stakes = edges.into_iter().filter_map(|e| {
        let r = graph.relation(e.relation)?;
        Some((e, Window::of(r)))
    });
    overfull_of(n, stakes, as_of)
}

/// [`overfull`] of the entity `n` whose owners are `stakes` (each
/// ownership edge into `n` with the window in which it holds); those not
/// valid during `as_of` are left out here.
pub fn overfull_of(
    n: NodeIndex,
    stakes: impl Iterator<Item = (OwnershipEdge, Window)>,
    as_of: Option<Date>,
) -> Option<Overfull> {
    let within = as_of.map_or(Window::ALWAYS, Window::during);
    let known: Vec<(OwnershipEdge, Window, f64)> = stakes
        .filter(|(_, w)| w.overlaps(&within))
        .filter_map(|(e, w)| Some((e, w, e.share?)))
        .collect();
    if known.iter().map(|(_, _, s)| s).sum::<f64>() <= 1.0 + 1e-9 {
        return None;
    }
    let mut worst: Option<Overfull> = None;
    for slice in Slices::cut(known.iter().map(|(_, w, _)| *w)).windows {
        if !slice.overlaps(&within) {
            continue;
        }
        let holding: Vec<&(OwnershipEdge, Window, f64)> = known
            .iter()
            .filter(|(_, w, _)| w.overlaps(&slice))
            .collect();
        let total: f64 = holding.iter().map(|(_, _, s)| s).sum();
        if total > 1.0 + 1e-9
            && worst
                .as_ref()
                .is_none_or(|w| total * 100.0 > w.total_percent + 1e-9)
        {
            worst = Some(Overfull {
                entity: n,
                total_percent: round_percent(total * 100.0),
                relations: holding.iter().map(|(e, _, _)| e.relation).collect(),
                window: slice.even(),
            });
        }
    }
    worst
}

/// A percentage rounded to ten decimals, so that sums such as
/// 76.5 + 23.5 read 100 and not 100.00000000000001.
pub fn round_percent(p: f64) -> f64 {
    (p * 1e10).round() / 1e10
}

/// A percentage as text: `100`, `76.5`, `16.6666666667`.
pub fn percent_text(p: f64) -> String {
    let p = round_percent(p);
    if p == p.trunc() {
        format!("{p:.0}")
    } else {
        format!("{p}")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::graph::load_str;

    /// `(from, TYPE, to, share, since, until)`.
    pub(crate) type Rel<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Option<f64>,
        Option<&'a str>,
        Option<&'a str>,
    );

    /// A graph from entity ids and relations.
    pub(crate) fn graph(ids: &[&str], rels: &[Rel<'_>]) -> Graph {
        let entities: Vec<serde_json::Value> = ids
            .iter()
            .map(|id| serde_json::json!({"id": id, "labels": ["Company"], "name": id.to_uppercase()}))
            .collect();
        let relations: Vec<serde_json::Value> = rels
            .iter()
            .map(|(f, t, to, share, since, until)| {
                let mut r = serde_json::json!({"from": f, "type": t, "to": to});
                if let Some(s) = share {
                    r["props"] = serde_json::json!({"share": s});
                }
                if let Some(s) = since {
                    r["since"] = serde_json::json!(s);
                }
                if let Some(u) = until {
                    r["until"] = serde_json::json!(u);
                }
                r
            })
            .collect();
        let text = serde_json::json!({"kg": 1, "entities": entities, "relations": relations});
        load_str("t.json", &text.to_string()).unwrap_or_else(|e| unreachable!("{e}"))
    }

    pub(crate) fn node(g: &Graph, id: &str) -> NodeIndex {
        g.by_id(id).unwrap_or_else(|| unreachable!("{id}"))
    }

    #[test]
    fn part_of_is_read_backwards_and_shares_only_come_from_owns() {
        let g = graph(
            &["a", "b", "c", "d"],
            &[
                ("a", "OWNS", "b", Some(40.0), None, None),
                ("c", "CONTROLS", "b", None, None, None),
                ("b", "PART_OF", "d", None, None, None),
                ("a", "LEADS", "b", None, None, None),
            ],
        );
        let v = Vocabulary::of(&g);
        let up = v.edges(&g, node(&g, "b"), Direction::Up, None);
        let owners: Vec<(NodeIndex, Option<f64>)> = up.iter().map(|e| (e.owner, e.share)).collect();
        assert_eq!(
            owners,
            [
                (node(&g, "a"), Some(0.4)),
                (node(&g, "c"), None),
                (node(&g, "d"), None)
            ]
        );
        let down = v.edges(&g, node(&g, "d"), Direction::Down, None);
        assert_eq!(down.len(), 1);
        assert_eq!(down[0].owned, node(&g, "b"));
    }

    /// The edges of every entity both ways, as (relation, owner, owned,
    /// share).
    fn all_edges(g: &Graph, ids: &[&str]) -> Vec<(EdgeIndex, NodeIndex, NodeIndex, Option<f64>)> {
        let v = Vocabulary::of(g);
        let mut out = Vec::new();
        for id in ids {
            for dir in [Direction::Up, Direction::Down] {
                let edges = v.edges(g, node(g, id), dir, None);
                out.extend(
                    edges
                        .iter()
                        .map(|e| (e.relation, e.owner, e.owned, e.share)),
                );
            }
        }
        out
    }

    #[test]
    fn the_typed_lists_give_the_same_edges_and_a_self_loop_once() {
        let ids = ["a", "b", "c", "d"];
        let g = graph(
            &ids,
            &[
                ("a", "OWNS", "b", Some(95.0), None, None),
                ("b", "OWNS", "b", Some(10.0), None, None),
                ("c", "CONTROLS", "b", None, None, None),
                ("b", "PART_OF", "d", None, None, None),
                ("d", "PART_OF", "d", None, None, None),
                ("a", "LEADS", "b", None, None, None),
                ("b", "OWNS", "c", Some(5.0), None, None),
            ],
        );
        let slow = all_edges(&g, &ids);
        // Twelve edges seen from both ends, and the two loops once each way.
        assert_eq!(slow.len(), 12);
        let b = node(&g, "b");
        let p = overfull(&g, &Vocabulary::of(&g), b, None).map(|p| p.total_percent);
        assert_eq!(p, Some(105.0), "the 10% b holds in itself counts once");
        while g.adjacency().is_none() {}
        assert_eq!(all_edges(&g, &ids), slow);
        let p = overfull(&g, &Vocabulary::of(&g), b, None).map(|p| p.total_percent);
        assert_eq!(p, Some(105.0));
    }

    #[test]
    fn only_relations_valid_during_the_date_take_part() {
        let g = graph(
            &["a", "b", "c"],
            &[
                ("a", "OWNS", "c", None, Some("2024"), None),
                ("b", "OWNS", "c", None, None, Some("2024-03")),
            ],
        );
        let v = Vocabulary::of(&g);
        let c = node(&g, "c");
        let at = |d: &str| {
            let d = Date::parse(d).unwrap_or_else(|e| unreachable!("{e}"));
            v.edges(&g, c, Direction::Up, Some(d))
                .iter()
                .map(|e| g.display_name(e.owner))
                .collect::<Vec<_>>()
        };
        assert_eq!(at("2023-12-31"), ["B"]);
        assert_eq!(at("2024-01-01"), ["A", "B"]);
        assert_eq!(at("2024-03-31"), ["A", "B"]);
        assert_eq!(at("2024-04-01"), ["A"]);
        assert_eq!(at("2023"), ["B"]);
        assert_eq!(at("2024"), ["A", "B"]);
        assert_eq!(at("2024-04"), ["A"]);
    }

    #[test]
    fn stated_shares_above_100_percent_are_a_problem() {
        let g = graph(
            &["a", "b", "c"],
            &[
                ("a", "OWNS", "c", Some(60.0), None, None),
                ("b", "OWNS", "c", Some(50.5), None, None),
            ],
        );
        let v = Vocabulary::of(&g);
        let p = overfull(&g, &v, node(&g, "c"), None).map(|p| p.total_percent);
        assert_eq!(p, Some(110.5));
        assert_eq!(overfull(&g, &v, node(&g, "a"), None), None);
        assert_eq!(percent_text(76.5 + 23.5), "100");
        assert_eq!(percent_text(100.0 / 6.0), "16.6666666667");
    }
}
