//! Ultimate owners and holdings: the entities at the ends of every
//! ownership chain, with effective shares.
//!
//! # The ends of the chains
//!
//! Follow ownership from the entity asked about (the *target*) up to its
//! owners, their owners and so on (down to holdings for
//! [`Direction::Down`]). Chains never pass through the target itself. An
//! entity is an *ultimate owner* when it has no owner of its own among the
//! valid ownership edges, or when all its owners lead back into a cycle of
//! cross-holdings it is part of: formally, the members of every strongly
//! connected group of the followed edges that no edge leaves. An owner owned
//! only by the target (a cross-holding) is such an end too.
//!
//! # Effective shares
//!
//! The effective share of an ultimate owner `o` in the target `t` is the
//! sum, over all chains from `o` to `t`, of the product of the shares along
//! the chain. A chain may go round a cycle of cross-holdings any number of
//! times (the geometric series converges while the cycle's shares are below
//! 100%), but it visits neither `o` nor `t` in between, so the figure is the
//! same whether it is asked as "owners of `t`" or "holdings of `o`". It is
//! computed by solving `x = G x + d` (x: each entity's share in the target;
//! G: the stated shares between entities; d: the stated shares in the
//! target), one strongly connected group at a time in order, iterating
//! inside a cycle until no value moves by more than [`TOLERANCE`] or
//! [`MAX_ITERATIONS`] rounds have passed (then the share is unknown and the
//! answer says it did not converge).
//!
//! A share that is not stated counts as 0 in the sum, so an answer with a
//! chain through an unstated share has a *lower bound* (`exact` false);
//! when no chain has every share stated, the effective share is unknown.

use std::collections::HashMap;

use super::{overfull, Direction, Overfull, OwnershipEdge, Vocabulary};
use crate::graph::{Date, Graph, NodeIndex};

/// How many chains are listed per answer at most.
pub const MAX_CHAINS: usize = 20;
/// How many steps the search for an answer's chains may take before it
/// stops listing (chains in dense graphs are exponentially many).
pub const MAX_CHAIN_STEPS: usize = 100_000;
/// How many steps the chain listings of all answers of one question may
/// take together: a question with thousands of ultimate owners lists the
/// chains of the first ones and marks the rest as capped.
pub const MAX_CHAIN_STEPS_TOTAL: usize = 1_000_000;
/// Iteration stops when no effective share moves by more than this.
pub const TOLERANCE: f64 = 1e-12;
/// Iteration inside one cycle stops after this many rounds.
pub const MAX_ITERATIONS: usize = 100_000;

/// One chain of ownership, owner first: `edges[0].owner` is the top,
/// each edge's `owned` is the next edge's `owner`.
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    /// The edges in order from the owning end to the owned end.
    pub edges: Vec<OwnershipEdge>,
}

impl Chain {
    /// The product of the chain's shares, when every one is stated.
    pub fn share(&self) -> Option<f64> {
        self.edges.iter().map(|e| e.share).product()
    }
}

/// One ultimate owner (or holding).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The owner (going up) or the holding (going down).
    pub entity: NodeIndex,
    /// The effective share as a fraction (exact, or the lower bound over
    /// the chains with stated shares); `None` when no chain has every share
    /// stated or the computation did not converge.
    pub share: Option<f64>,
    /// Whether every chain has every share stated (the share is exact).
    pub exact: bool,
    /// Whether some chain passes through a cycle of cross-holdings.
    pub cycle: bool,
    /// Whether the computation converged (false for cycles of 100%).
    pub converged: bool,
    /// The chains behind the answer, shortest first, at most
    /// [`MAX_CHAINS`] of them.
    pub chains: Vec<Chain>,
    /// Whether there are more chains than listed.
    pub chains_capped: bool,
}

/// The ultimate owners or holdings of one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Ultimate {
    /// Largest effective share first, unknown last, then by name.
    pub answers: Vec<Answer>,
    /// Entities on the chains whose owners' stated shares add up to more
    /// than 100%.
    pub problems: Vec<Overfull>,
}

/// The followed part of the graph: local node 0 is the target.
struct Sub {
    nodes: Vec<NodeIndex>,
    /// (near, far, edge): `far` is one step further from the target.
    edges: Vec<(usize, usize, OwnershipEdge)>,
    /// Edges from a node back to the target (`far` is the target).
    back: Vec<usize>,
    /// Per node, the edges (indexes into `edges`) arriving at it.
    incoming: Vec<Vec<usize>>,
    /// Per node, the nodes one step further.
    further: Vec<Vec<usize>>,
}

fn explore(
    graph: &Graph,
    vocab: &Vocabulary,
    n: NodeIndex,
    dir: Direction,
    as_of: Option<Date>,
) -> Sub {
    let mut local: HashMap<NodeIndex, usize> = HashMap::new();
    local.insert(n, 0);
    let mut sub = Sub {
        nodes: vec![n],
        edges: Vec::new(),
        back: Vec::new(),
        incoming: vec![Vec::new()],
        further: vec![Vec::new()],
    };
    let mut next = 0;
    while let Some(&x) = sub.nodes.get(next) {
        for e in vocab.edges(graph, x, dir, as_of) {
            let y = e.far(dir);
            if y == n {
                sub.back.push(next);
                continue;
            }
            let j = *local.entry(y).or_insert_with(|| {
                sub.nodes.push(y);
                sub.incoming.push(Vec::new());
                sub.further.push(Vec::new());
                sub.nodes.len() - 1
            });
            sub.incoming[j].push(sub.edges.len());
            sub.further[next].push(j);
            sub.edges.push((next, j, e));
        }
        next += 1;
    }
    sub
}

/// Strongly connected components (Tarjan, iterative): each node's
/// component, and the components in reverse topological order (a
/// component comes before every component that reaches it).
fn components(succ: &[Vec<usize>]) -> (Vec<usize>, Vec<Vec<usize>>) {
    const NONE: usize = usize::MAX;
    let n = succ.len();
    let mut index = vec![NONE; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut comp_of = vec![NONE; n];
    let mut comps: Vec<Vec<usize>> = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(v, k)) = call.last() {
            if let Some(&w) = succ[v].get(k) {
                if let Some(top) = call.last_mut() {
                    top.1 += 1;
                }
                if index[w] == NONE {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(p, _)) = call.last() {
                    low[p] = low[p].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp_of[w] = comps.len();
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    comps.push(comp);
                }
            }
        }
    }
    (comp_of, comps)
}

/// Nodes reachable from `start` by steps in `succ`.
fn reach(succ: &[Vec<usize>], start: impl IntoIterator<Item = usize>) -> Vec<bool> {
    let mut seen = vec![false; succ.len()];
    let mut todo: Vec<usize> = Vec::new();
    for s in start {
        if !seen[s] {
            seen[s] = true;
            todo.push(s);
        }
    }
    while let Some(v) = todo.pop() {
        for &w in &succ[v] {
            if !seen[w] {
                seen[w] = true;
                todo.push(w);
            }
        }
    }
    seen
}

/// Solves one component's values given the values before it; `skip`
/// ignores the edges that leave that node (so that walks do not come back
/// to it). Returns whether it converged.
fn solve_component(
    sub: &Sub,
    members: &[usize],
    cyclic: bool,
    skip: Option<usize>,
    x: &mut [f64],
) -> bool {
    let value = |i: usize, x: &[f64]| -> f64 {
        sub.incoming[i]
            .iter()
            .filter_map(|&k| sub.edges.get(k))
            .filter(|(near, _, _)| Some(*near) != skip)
            .map(|(near, _, e)| e.share.unwrap_or(0.0) * x[*near])
            .sum()
    };
    if !cyclic {
        for &i in members {
            if i != 0 {
                x[i] = value(i, x);
            }
        }
        return true;
    }
    for &i in members {
        x[i] = 0.0;
    }
    for _ in 0..MAX_ITERATIONS {
        let mut moved: f64 = 0.0;
        for &i in members {
            let v = value(i, x);
            moved = moved.max((v - x[i]).abs());
            x[i] = v;
        }
        if moved <= TOLERANCE {
            return true;
        }
        if !moved.is_finite() {
            break;
        }
    }
    false
}

/// Up to [`MAX_CHAINS`] simple chains from local node `from` back to the
/// target, shortest first, and whether the listing stopped early.
///
/// `budget` is what is left of [`MAX_CHAIN_STEPS_TOTAL`]; `on_path` is
/// scratch space of one flag per local node, all false on entry and on
/// return.
fn chains(
    sub: &Sub,
    from: usize,
    dir: Direction,
    budget: &mut usize,
    on_path: &mut [bool],
) -> (Vec<Chain>, bool) {
    let mut out: Vec<Chain> = Vec::new();
    let mut capped = false;
    let mut steps = 0usize;
    let mut path: Vec<usize> = Vec::new();
    // (node, position in its incoming list)
    let mut call: Vec<(usize, usize)> = vec![(from, 0)];
    if let Some(f) = on_path.get_mut(from) {
        *f = true;
    }
    while let Some(&(v, k)) = call.last() {
        steps += 1;
        if steps > MAX_CHAIN_STEPS || *budget == 0 {
            capped = true;
            break;
        }
        *budget -= 1;
        if v == 0 {
            let mut edges: Vec<OwnershipEdge> = path
                .iter()
                .filter_map(|&k| sub.edges.get(k))
                .map(|(_, _, e)| *e)
                .collect();
            if dir == Direction::Down {
                edges.reverse();
            }
            if out.len() == MAX_CHAINS {
                capped = true;
                break;
            }
            out.push(Chain { edges });
            call.pop();
            path.pop();
            on_path[v] = false;
            continue;
        }
        match sub.incoming[v].get(k) {
            Some(&edge) => {
                if let Some(top) = call.last_mut() {
                    top.1 += 1;
                }
                let near = sub.edges.get(edge).map_or(0, |(near, _, _)| *near);
                if !on_path[near] {
                    on_path[near] = true;
                    path.push(edge);
                    call.push((near, 0));
                }
            }
            None => {
                call.pop();
                on_path[v] = false;
                if !call.is_empty() {
                    path.pop();
                }
            }
        }
    }
    // Leave the scratch flags as they were found.
    for (v, _) in call {
        if let Some(f) = on_path.get_mut(v) {
            *f = false;
        }
    }
    out.sort_by_key(|c| c.edges.len());
    (out, capped)
}

/// The ultimate owners (`Up`) or holdings (`Down`) of `n`, over the
/// relations valid during `as_of` when given.
pub fn ultimate(graph: &Graph, n: NodeIndex, dir: Direction, as_of: Option<Date>) -> Ultimate {
    ultimate_within(graph, n, dir, as_of, MAX_CHAIN_STEPS_TOTAL)
}

/// [`ultimate`] with `budget` steps for listing the chains of all answers.
fn ultimate_within(
    graph: &Graph,
    n: NodeIndex,
    dir: Direction,
    as_of: Option<Date>,
    budget: usize,
) -> Ultimate {
    let vocab = Vocabulary::of(graph);
    let sub = explore(graph, &vocab, n, dir, as_of);
    let count = sub.nodes.len();

    // Groups of the followed edges; the ends are groups no edge leaves.
    let (comp_of, comps) = components(&sub.further);
    let self_loop = |i: usize| sub.further[i].contains(&i);
    let cyclic_comp: Vec<bool> = comps
        .iter()
        .map(|c| c.len() > 1 || c.iter().any(|&i| self_loop(i)))
        .collect();
    let is_end: Vec<bool> = comps
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            c.iter()
                .all(|&i| sub.further[i].iter().all(|&j| comp_of[j] == ci))
        })
        .collect();

    // Shares, group by group from the target outwards.
    let mut x = vec![0.0; count];
    x[0] = 1.0;
    let mut converged = vec![true; count];
    for (ci, c) in comps.iter().enumerate().rev() {
        let ok = solve_component(&sub, c, cyclic_comp[ci], None, &mut x);
        let inputs_ok = c.iter().all(|&i| {
            sub.incoming[i]
                .iter()
                .filter_map(|&k| sub.edges.get(k))
                .all(|(near, _, _)| comp_of[*near] == ci || converged[*near])
        });
        for &i in c {
            converged[i] = ok && inputs_ok;
        }
    }

    // Cycles, including those through the target (edges back to it).
    let mut with_back = sub.further.clone();
    for &i in &sub.back {
        with_back[i].push(0);
    }
    let (full_comp_of, full_comps) = components(&with_back);
    let in_cycle = (0..count).filter(|&i| {
        full_comps.get(full_comp_of[i]).is_some_and(|c| c.len() > 1) || with_back[i].contains(&i)
    });
    let cycle = reach(&sub.further, in_cycle);

    // Unstated shares: everything beyond one is a lower bound.
    let unknown_start = sub
        .edges
        .iter()
        .filter(|(_, _, e)| e.share.is_none())
        .map(|(_, far, _)| *far);
    let inexact = reach(&sub.further, unknown_start);
    let mut known_succ: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (near, far, e) in &sub.edges {
        if e.share.is_some() {
            known_succ[*near].push(*far);
        }
    }
    let known = reach(&known_succ, [0]);

    let mut answers: Vec<Answer> = Vec::new();
    let mut budget = budget;
    let mut on_path = vec![false; count];
    for (ci, c) in comps.iter().enumerate() {
        if !is_end[ci] {
            continue;
        }
        for &o in c {
            if o == 0 {
                continue;
            }
            let (share, ok) = if cyclic_comp[ci] {
                // Walks that do not come back to `o`.
                let mut y = x.clone();
                let ok = solve_component(&sub, c, true, Some(o), &mut y);
                (y[o], ok && converged[o])
            } else {
                (x[o], converged[o])
            };
            let (list, capped) = chains(&sub, o, dir, &mut budget, &mut on_path);
            answers.push(Answer {
                entity: sub.nodes[o],
                share: (known[o] && ok).then_some(share),
                exact: !inexact[o] && ok,
                cycle: cycle[o],
                converged: ok,
                chains: list,
                chains_capped: capped,
            });
        }
    }
    answers.sort_by(|a, b| {
        let s = |a: &Answer| a.share.unwrap_or(f64::NEG_INFINITY);
        s(b).total_cmp(&s(a))
            .then_with(|| {
                graph
                    .display_name(a.entity)
                    .cmp(&graph.display_name(b.entity))
            })
            .then_with(|| a.entity.cmp(&b.entity))
    });

    let checked = sub
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| dir == Direction::Up || *i != 0)
        .map(|(_, &m)| m);
    let problems = checked
        .filter_map(|m| overfull(graph, &vocab, m, as_of))
        .collect();
    Ultimate { answers, problems }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{graph, node};
    use super::*;

    fn shares(g: &Graph, u: &Ultimate) -> Vec<(String, Option<f64>, bool, bool)> {
        u.answers
            .iter()
            .map(|a| {
                (
                    g.display_name(a.entity),
                    a.share.map(|s| (s * 1e12).round() / 1e12),
                    a.exact,
                    a.cycle,
                )
            })
            .collect()
    }

    #[test]
    fn two_chains_are_summed() {
        let g = graph(
            &["t", "m", "p"],
            &[
                ("m", "OWNS", "t", Some(76.5), None, None),
                ("p", "OWNS", "m", Some(100.0), None, None),
                ("p", "OWNS", "t", Some(23.5), None, None),
            ],
        );
        let u = ultimate(&g, node(&g, "t"), Direction::Up, None);
        assert_eq!(shares(&g, &u), [("P".to_string(), Some(1.0), true, false)]);
        assert_eq!(u.answers[0].chains.len(), 2);
        assert_eq!(u.answers[0].chains[0].edges.len(), 1);
        let d = ultimate(&g, node(&g, "p"), Direction::Down, None);
        assert_eq!(shares(&g, &d), [("T".to_string(), Some(1.0), true, false)]);
        let first = &d.answers[0].chains[1];
        assert_eq!(first.edges[0].owner, node(&g, "p"));
        assert_eq!(first.edges[1].owned, node(&g, "t"));
    }

    #[test]
    fn a_cross_holding_cycle_is_solved() {
        // P owns 50% of A; A owns 50% of B; B owns 20% of A; B owns 60% of C.
        let g = graph(
            &["p", "a", "b", "c"],
            &[
                ("p", "OWNS", "a", Some(50.0), None, None),
                ("a", "OWNS", "b", Some(50.0), None, None),
                ("b", "OWNS", "a", Some(20.0), None, None),
                ("b", "OWNS", "c", Some(60.0), None, None),
            ],
        );
        let u = ultimate(&g, node(&g, "c"), Direction::Up, None);
        // x_B = 0.6 + 0.2 x_A, x_A = 0.5 x_B: x_B = 0.6 / 0.9, x_P = 0.5 x_A.
        let x_p = 0.5 * 0.5 * 0.6 / 0.9;
        assert_eq!(u.answers.len(), 1);
        assert!((u.answers[0].share.unwrap_or(0.0) - x_p).abs() < 1e-12);
        assert!(u.answers[0].cycle && u.answers[0].exact);
        // The same figure asked the other way round.
        let d = ultimate(&g, node(&g, "p"), Direction::Down, None);
        assert_eq!(d.answers.len(), 1);
        assert!((d.answers[0].share.unwrap_or(0.0) - x_p).abs() < 1e-12);

        // Owners of A: P, and B, owned only by A itself.
        let a = ultimate(&g, node(&g, "a"), Direction::Up, None);
        assert_eq!(
            shares(&g, &a),
            [
                ("P".to_string(), Some(0.5), true, true),
                ("B".to_string(), Some(0.2), true, true)
            ]
        );
    }

    #[test]
    fn a_closed_cycle_gives_every_member_and_walks_do_not_return() {
        let g = graph(
            &["a", "b", "c"],
            &[
                ("a", "OWNS", "c", Some(100.0), None, None),
                ("a", "OWNS", "b", Some(50.0), None, None),
                ("b", "OWNS", "a", Some(50.0), None, None),
            ],
        );
        let u = ultimate(&g, node(&g, "c"), Direction::Up, None);
        assert_eq!(
            shares(&g, &u),
            [
                ("A".to_string(), Some(1.0), true, true),
                ("B".to_string(), Some(0.5), true, true)
            ]
        );
    }

    #[test]
    fn a_cycle_of_full_holdings_does_not_converge() {
        let g = graph(
            &["a", "b", "c"],
            &[
                ("a", "OWNS", "c", Some(100.0), None, None),
                ("a", "OWNS", "b", Some(100.0), None, None),
                ("b", "OWNS", "a", Some(100.0), None, None),
            ],
        );
        let u = ultimate(&g, node(&g, "c"), Direction::Up, None);
        let b = u.answers.iter().find(|a| a.entity == node(&g, "b"));
        assert!(b.is_some_and(|b| !b.converged && b.share.is_none() && !b.exact));
    }

    #[test]
    fn unstated_shares_give_lower_bounds_or_unknown() {
        let g = graph(
            &["t", "m", "p", "q"],
            &[
                ("m", "OWNS", "t", Some(60.0), None, None),
                ("p", "OWNS", "m", Some(50.0), None, None),
                ("p", "CONTROLS", "t", None, None, None),
                ("q", "CONTROLS", "m", None, None, None),
            ],
        );
        let u = ultimate(&g, node(&g, "t"), Direction::Up, None);
        assert_eq!(
            shares(&g, &u),
            [
                ("P".to_string(), Some(0.3), false, false),
                ("Q".to_string(), None, false, false)
            ]
        );
    }

    #[test]
    fn chain_listing_is_capped() {
        // A ladder: 2^12 chains from the top to the bottom.
        let mut ids: Vec<String> = vec!["top".into()];
        let mut rels: Vec<(String, String, f64)> = Vec::new();
        let mut prev = "top".to_string();
        for i in 0..12 {
            let (l, r, j) = (format!("l{i}"), format!("r{i}"), format!("j{i}"));
            rels.push((prev.clone(), l.clone(), 100.0));
            rels.push((prev.clone(), r.clone(), 100.0));
            rels.push((l.clone(), j.clone(), 50.0));
            rels.push((r.clone(), j.clone(), 50.0));
            ids.extend([l, r, j.clone()]);
            prev = j;
        }
        let id_refs: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
        let rel_refs: Vec<_> = rels
            .iter()
            .map(|(f, t, s)| (f.as_str(), "OWNS", t.as_str(), Some(*s), None, None))
            .collect();
        let g = graph(&id_refs, &rel_refs);
        let u = ultimate(&g, node(&g, &prev), Direction::Up, None);
        assert_eq!(u.answers.len(), 1);
        assert_eq!(u.answers[0].chains.len(), MAX_CHAINS);
        assert!(u.answers[0].chains_capped);
        assert!((u.answers[0].share.unwrap_or(0.0) - 1.0).abs() < 1e-12);
        assert!(u.problems.is_empty());
    }

    #[test]
    fn many_answers_share_one_listing_budget() {
        // Forty owners of the target, each through its own company.
        let mut ids: Vec<String> = vec!["target".into()];
        let mut rels: Vec<(String, String, f64)> = Vec::new();
        for i in 0..40 {
            let (o, c) = (format!("o{i}"), format!("c{i}"));
            rels.push((o.clone(), c.clone(), 100.0));
            rels.push((c.clone(), "target".into(), 2.5));
            ids.extend([o, c]);
        }
        let id_refs: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
        let rel_refs: Vec<_> = rels
            .iter()
            .map(|(f, t, s)| (f.as_str(), "OWNS", t.as_str(), Some(*s), None, None))
            .collect();
        let g = graph(&id_refs, &rel_refs);
        let all = ultimate(&g, node(&g, "target"), Direction::Up, None);
        assert_eq!(all.answers.len(), 40);
        assert!(all
            .answers
            .iter()
            .all(|a| a.chains.len() == 1 && !a.chains_capped));
        // With room for a few listings only, the rest are marked capped,
        // and every share is still computed.
        let few = ultimate_within(&g, node(&g, "target"), Direction::Up, None, 30);
        assert_eq!(few.answers.len(), 40);
        assert!(few.answers.iter().any(|a| a.chains.len() == 1));
        assert!(few
            .answers
            .iter()
            .any(|a| a.chains.is_empty() && a.chains_capped));
        assert!(few
            .answers
            .iter()
            .all(|a| (a.share.unwrap_or(0.0) - 0.025).abs() < 1e-12));
    }
}
