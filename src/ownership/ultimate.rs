//! Ultimate owners and holdings: the entities at the ends of every
//! ownership chain, with effective shares and the windows of time in which
//! they held.
//!
//! # The ends of the chains
//!
//! Follow ownership from the entity asked about (the *target*) up to its
//! owners, their owners and so on (down to holdings for
//! [`Direction::Down`]). The entities reached, the target among them when a
//! cycle leads back to it, fall into strongly connected components
//! (petgraph's [`kosaraju_scc`]). The *ultimate owners* are the members of
//! every component that no ownership edge enters from outside it (a top
//! component): an entity with no owner is such a component on its own, and
//! the members of a cycle of cross-holdings that nobody outside the cycle
//! owns are ultimate owners together. A member of a cycle that is owned
//! from outside the cycle is not an ultimate owner. The target itself is
//! never listed. Holdings are the same rules with the edges reversed.
//!
//! # Effective shares
//!
//! The effective share of an ultimate owner `o` in the target `t` is the
//! sum, over every walk of `OWNS` edges with stated shares from `o` to `t`,
//! of the product of the shares along the walk. Walks that go round a cycle
//! count as often as they go round it, including walks that pass through
//! `t` or `o` again: with `G` the matrix of stated shares it is the entry
//! `(I - G)^-1[o, t]`. It is computed by solving `x = G x + e_t` one
//! component at a time, from the target outwards: a component without a
//! cycle by substitution, a cycle by Gaussian elimination (by iteration
//! above [`DENSE_LIMIT`] members). When the shares around a cycle keep
//! every member wholly inside it, `I - G` has no inverse: the figures
//! through it are undefined, and the answer says so as a data problem
//! ([`FullCycle`]) instead of giving a number.
//!
//! A share that is not stated counts as 0 in the sum, so an answer with a
//! walk through an unstated share has a *lower bound* (`exact` false);
//! when no walk has every share stated, the effective share is unknown.
//!
//! # Time
//!
//! A chain holds only while all its relations hold at once. Time is cut
//! into [`Slices`] at every date where a relation on the followed chains
//! starts or ends; each slice is answered on the relations that hold
//! throughout it, and an answer's [`Held`] windows are the slices in which
//! it was an ultimate owner, joined where its figure stayed the same.

use std::collections::HashMap;

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex as LocalIndex};

use super::window::{join, Slices, Window};
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
/// Cycles of at most this many members are solved by Gaussian
/// elimination; larger ones by iteration.
pub const DENSE_LIMIT: usize = 400;
/// Iteration on a large cycle stops when no value moves by more than
/// this.
pub const TOLERANCE: f64 = 1e-15;
/// Iteration on a large cycle stops after this many rounds.
pub const MAX_ITERATIONS: usize = 100_000;
/// A pivot smaller than this means that `I - G` has no inverse.
const SINGULAR: f64 = 1e-12;

/// One chain of ownership, owner first: `edges[0].owner` is the top,
/// each edge's `owned` is the next edge's `owner`.
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    /// The edges in order from the owning end to the owned end.
    pub edges: Vec<OwnershipEdge>,
    /// When every relation of the chain held at once; never empty.
    pub window: Window,
}

impl Chain {
    /// The product of the chain's shares, when every one is stated.
    pub fn share(&self) -> Option<f64> {
        self.edges.iter().map(|e| e.share).product()
    }
}

/// A window in which an answer was an ultimate owner (or holding), with
/// its figure there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Held {
    /// When.
    pub window: Window,
    /// The effective share as a fraction, as in [`Answer::share`].
    pub share: Option<f64>,
    /// Whether every walk had every share stated.
    pub exact: bool,
}

/// One ultimate owner (or holding).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The owner (going up) or the holding (going down).
    pub entity: NodeIndex,
    /// The effective share as a fraction in the latest of its windows
    /// (exact, or the lower bound over the walks with stated shares);
    /// `None` when no walk has every share stated or a cycle on the walks
    /// keeps all of its members (see [`FullCycle`]).
    pub share: Option<f64>,
    /// Whether every walk has every share stated (the share is exact).
    pub exact: bool,
    /// The cycles of cross-holdings that walks from the owner to the
    /// target pass through, each as its members; empty when there are
    /// none.
    pub cycles: Vec<Vec<NodeIndex>>,
    /// Whether the figure is defined (false behind a [`FullCycle`]).
    pub converged: bool,
    /// The windows in which it was an ultimate owner, in order, each with
    /// its figure.
    pub windows: Vec<Held>,
    /// The chains behind the answer, shortest first, at most
    /// [`MAX_CHAINS`] of them; each held at some time.
    pub chains: Vec<Chain>,
    /// Whether there are more chains than listed.
    pub chains_capped: bool,
}

impl Answer {
    /// Whether some walk passes through a cycle of cross-holdings.
    pub fn cycle(&self) -> bool {
        !self.cycles.is_empty()
    }
}

/// A data problem: a cycle whose stated shares keep every member wholly
/// inside it, so that `I - G` has no inverse.
#[derive(Debug, Clone, PartialEq)]
pub struct FullCycle {
    /// The members of the cycle.
    pub members: Vec<NodeIndex>,
    /// When the relations that close it held together.
    pub window: Window,
}

impl FullCycle {
    /// The problem as a sentence.
    pub fn message(&self, graph: &Graph) -> String {
        let names: Vec<String> = self
            .members
            .iter()
            .map(|&m| graph.display_name(m))
            .collect();
        let when = if self.window.is_always() {
            String::new()
        } else {
            format!(" in {}", self.window)
        };
        format!(
            "data problem: the stated shares around the cycle of {}{when} keep every member wholly inside the cycle (100% around it), so the effective shares through it are undefined; check the facts",
            names.join(", ")
        )
    }
}

/// One period of the history of ultimate ownership: who stood at the top,
/// with which effective shares.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// When.
    pub window: Window,
    /// The ultimate owners (or holdings) of the period with their
    /// effective share and whether it is exact, largest share first.
    pub answers: Vec<(NodeIndex, Option<f64>, bool)>,
}

/// The ultimate owners or holdings of one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Ultimate {
    /// Largest effective share first, unknown last, then by name.
    pub answers: Vec<Answer>,
    /// Entities on the chains whose owners' stated shares add up to more
    /// than 100% at some time.
    pub problems: Vec<Overfull>,
    /// Cycles whose shares add up to 100% around them.
    pub full_cycles: Vec<FullCycle>,
    /// The history: one period per stretch of time in which the answers
    /// and their figures stayed the same, in order.
    pub history: Vec<Period>,
}

/// The followed part of the graph: local node 0 is the target.
struct Sub {
    nodes: Vec<NodeIndex>,
    /// (near, far, edge): `far` is one step further from the target.
    edges: Vec<(usize, usize, OwnershipEdge)>,
    /// When each edge held.
    windows: Vec<Window>,
    /// Per node, the edges (indexes into `edges`) arriving at it.
    incoming: Vec<Vec<usize>>,
    /// Per node, the edges leaving it (one step further).
    outgoing: Vec<Vec<usize>>,
}

fn explore(graph: &Graph, vocab: &Vocabulary, n: NodeIndex, dir: Direction) -> Sub {
    let mut local: HashMap<NodeIndex, usize> = HashMap::new();
    local.insert(n, 0);
    let mut sub = Sub {
        nodes: vec![n],
        edges: Vec::new(),
        windows: Vec::new(),
        incoming: vec![Vec::new()],
        outgoing: vec![Vec::new()],
    };
    let mut next = 0;
    while let Some(&x) = sub.nodes.get(next) {
        for e in vocab.edges(graph, x, dir, None) {
            let y = e.far(dir);
            let j = *local.entry(y).or_insert_with(|| {
                sub.nodes.push(y);
                sub.incoming.push(Vec::new());
                sub.outgoing.push(Vec::new());
                sub.nodes.len() - 1
            });
            let k = sub.edges.len();
            sub.incoming[j].push(k);
            sub.outgoing[next].push(k);
            sub.edges.push((next, j, e));
            sub.windows.push(
                graph
                    .relation(e.relation)
                    .map_or(Window::ALWAYS, Window::of),
            );
        }
        next += 1;
    }
    sub
}

/// What one slice of time answers: the top entities (local indexes) with
/// their figures, and the cycles that have no inverse.
struct SliceAnswer {
    found: Vec<Found>,
    full_cycles: Vec<Vec<usize>>,
}

struct Found {
    node: usize,
    share: Option<f64>,
    exact: bool,
    converged: bool,
    cycles: Vec<Vec<usize>>,
}

/// Solves `(I - a) x = b` by Gaussian elimination with partial pivoting;
/// `None` when `I - a` has no inverse.
fn solve_dense(a: Vec<Vec<f64>>, b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    let mut m: Vec<Vec<f64>> = a
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            row.into_iter()
                .enumerate()
                .map(|(j, v)| if i == j { 1.0 - v } else { -v })
                .collect()
        })
        .collect();
    let mut b = b;
    for col in 0..n {
        let pivot = (col..n).max_by(|&p, &q| m[p][col].abs().total_cmp(&m[q][col].abs()))?;
        if m[pivot][col].abs() < SINGULAR || !m[pivot][col].is_finite() {
            return None;
        }
        m.swap(col, pivot);
        b.swap(col, pivot);
        let (done, rest) = m.split_at_mut(col + 1);
        let pivot_row = &done[col];
        for (r, row) in rest.iter_mut().enumerate() {
            let f = row[col] / pivot_row[col];
            if f == 0.0 {
                continue;
            }
            for (v, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *v -= f * p;
            }
            b[col + 1 + r] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| m[i][k] * x[k]).sum();
        x[i] = (b[i] - s) / m[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Solves `x = a x + b` for a large sparse cycle by Gauss-Seidel
/// iteration; `terms[i]` lists `(j, a[i][j])`. `None` when it does not
/// settle.
fn solve_iterative(terms: &[Vec<(usize, f64)>], b: &[f64]) -> Option<Vec<f64>> {
    let mut x = vec![0.0; b.len()];
    for _ in 0..MAX_ITERATIONS {
        let mut moved: f64 = 0.0;
        for i in 0..b.len() {
            let v = b[i] + terms[i].iter().map(|&(j, s)| s * x[j]).sum::<f64>();
            moved = moved.max((v - x[i]).abs());
            x[i] = v;
        }
        if !moved.is_finite() {
            return None;
        }
        if moved <= TOLERANCE * x.iter().fold(1.0f64, |m, v| m.max(v.abs())) {
            return Some(x);
        }
    }
    None
}

/// Nodes reachable from `start` over the edges `step` allows, following
/// `outgoing`.
fn reach(
    sub: &Sub,
    start: impl IntoIterator<Item = usize>,
    step: impl Fn(usize) -> bool,
) -> Vec<bool> {
    let mut seen = vec![false; sub.nodes.len()];
    let mut todo: Vec<usize> = Vec::new();
    for s in start {
        if !seen[s] {
            seen[s] = true;
            todo.push(s);
        }
    }
    while let Some(v) = todo.pop() {
        for &k in &sub.outgoing[v] {
            let far = sub.edges[k].1;
            if step(k) && !seen[far] {
                seen[far] = true;
                todo.push(far);
            }
        }
    }
    seen
}

/// The top entities and their figures over the edges that are `active`.
fn answer_slice(sub: &Sub, active: &[bool]) -> SliceAnswer {
    let count = sub.nodes.len();
    // The entities that reach the target over active edges, as nodes of a
    // petgraph graph (index `dense[i]`), edges pointing away from the
    // target.
    let reached = reach(sub, [0], |k| active[k]);
    let mut dense = vec![usize::MAX; count];
    let mut order: Vec<usize> = Vec::new();
    for (i, _) in reached.iter().enumerate().filter(|(_, r)| **r) {
        dense[i] = order.len();
        order.push(i);
    }
    let live = |k: usize| active[k] && reached[sub.edges[k].0];
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(order.len(), sub.edges.len());
    for _ in &order {
        g.add_node(());
    }
    for (k, &(near, far, _)) in sub.edges.iter().enumerate() {
        if live(k) {
            g.add_edge(
                LocalIndex::new(dense[near]),
                LocalIndex::new(dense[far]),
                (),
            );
        }
    }
    // Components, the farthest first; solved from the target outwards.
    let comps: Vec<Vec<usize>> = kosaraju_scc(&g)
        .into_iter()
        .map(|c| c.into_iter().map(|d| order[d.index()]).collect())
        .collect();
    let mut comp_of = vec![usize::MAX; count];
    for (ci, c) in comps.iter().enumerate() {
        for &i in c {
            comp_of[i] = ci;
        }
    }
    let inside = |k: usize, ci: usize| {
        let (near, far, _) = sub.edges[k];
        comp_of[near] == ci && comp_of[far] == ci
    };
    let cyclic: Vec<bool> = comps
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            c.len() > 1
                || c.iter()
                    .any(|&i| sub.outgoing[i].iter().any(|&k| live(k) && inside(k, ci)))
        })
        .collect();

    let mut x = vec![0.0; count];
    let mut ok = vec![true; count];
    let mut full_cycles: Vec<Vec<usize>> = Vec::new();
    // Cycles on the walks from each component to the target.
    let mut cycles_of: Vec<Vec<usize>> = vec![Vec::new(); comps.len()];
    for (ci, c) in comps.iter().enumerate().rev() {
        let pos: HashMap<usize, usize> = c.iter().enumerate().map(|(p, &i)| (i, p)).collect();
        let mut b = vec![0.0; c.len()];
        let mut terms: Vec<Vec<(usize, f64)>> = vec![Vec::new(); c.len()];
        let mut inputs_ok = true;
        let mut cycles: Vec<usize> = if cyclic[ci] { vec![ci] } else { Vec::new() };
        for (p, &i) in c.iter().enumerate() {
            if i == 0 {
                b[p] = 1.0;
            }
            for &k in &sub.incoming[i] {
                if !live(k) {
                    continue;
                }
                let near = sub.edges[k].0;
                let share = sub.edges[k].2.share;
                if let Some(&q) = pos.get(&near) {
                    if let Some(s) = share {
                        terms[p].push((q, s));
                    }
                } else {
                    cycles.extend(cycles_of[comp_of[near]].iter().copied());
                    if let Some(s) = share {
                        b[p] += s * x[near];
                        inputs_ok &= ok[near];
                    }
                }
            }
        }
        cycles.sort_unstable();
        cycles.dedup();
        cycles_of[ci] = cycles;
        let solved = if !cyclic[ci] {
            Some(b)
        } else if c.len() <= DENSE_LIMIT {
            let mut a = vec![vec![0.0; c.len()]; c.len()];
            for (p, t) in terms.iter().enumerate() {
                for &(q, s) in t {
                    a[p][q] += s;
                }
            }
            solve_dense(a, b)
        } else {
            solve_iterative(&terms, &b)
        };
        // With stated shares of at most 100% into each member, a solution
        // that is negative anywhere means the walks do not add up.
        let solved = solved.filter(|v| v.iter().all(|&s| s >= -1e-12));
        match solved {
            Some(v) => {
                for (p, &i) in c.iter().enumerate() {
                    x[i] = v[p].max(0.0);
                    ok[i] = inputs_ok;
                }
            }
            None => {
                let mut members = c.clone();
                members.sort_unstable();
                full_cycles.push(members);
                for &i in c {
                    ok[i] = false;
                }
            }
        }
    }

    // Unstated shares: everything beyond one is a lower bound.
    let unknown_far = (0..sub.edges.len())
        .filter(|&k| live(k) && sub.edges[k].2.share.is_none())
        .map(|k| sub.edges[k].1);
    let inexact = reach(sub, unknown_far, live);
    let known = reach(sub, [0], |k| live(k) && sub.edges[k].2.share.is_some());

    let mut found = Vec::new();
    for (ci, c) in comps.iter().enumerate() {
        let top = c.iter().all(|&i| {
            sub.outgoing[i]
                .iter()
                .all(|&k| !live(k) || comp_of[sub.edges[k].1] == ci)
        });
        if !top {
            continue;
        }
        for &o in c {
            if o == 0 {
                continue;
            }
            found.push(Found {
                node: o,
                share: (known[o] && ok[o]).then_some(x[o]),
                exact: !inexact[o] && ok[o],
                converged: ok[o],
                cycles: cycles_of[ci]
                    .iter()
                    .map(|&cc| {
                        let mut m = comps[cc].clone();
                        m.sort_unstable();
                        m
                    })
                    .collect(),
            });
        }
    }
    SliceAnswer { found, full_cycles }
}

/// Up to [`MAX_CHAINS`] simple chains from local node `from` to the
/// target that held at some time (during `within`), shortest first, and
/// whether the listing stopped early.
///
/// `budget` is what is left of [`MAX_CHAIN_STEPS_TOTAL`]; `on_path` is
/// scratch space of one flag per local node, all false on entry and on
/// return.
fn chains(
    sub: &Sub,
    from: usize,
    dir: Direction,
    within: Window,
    budget: &mut usize,
    on_path: &mut [bool],
) -> (Vec<Chain>, bool) {
    let mut out: Vec<Chain> = Vec::new();
    let mut capped = false;
    let mut steps = 0usize;
    let mut path: Vec<usize> = Vec::new();
    // The window of the chain so far, one entry per step taken.
    let mut held: Vec<Window> = vec![Window::ALWAYS];
    // (node, position in its incoming list)
    let mut call: Vec<(usize, usize)> = vec![(from, 0)];
    on_path[from] = true;
    while let Some(&(v, k)) = call.last() {
        steps += 1;
        if steps > MAX_CHAIN_STEPS || *budget == 0 {
            capped = true;
            break;
        }
        *budget -= 1;
        if v == 0 {
            let mut edges: Vec<OwnershipEdge> = path.iter().map(|&k| sub.edges[k].2).collect();
            if dir == Direction::Down {
                edges.reverse();
            }
            if out.len() == MAX_CHAINS {
                capped = true;
                break;
            }
            let window = held.last().copied().unwrap_or(Window::ALWAYS);
            out.push(Chain { edges, window });
            call.pop();
            path.pop();
            held.pop();
            on_path[v] = false;
            continue;
        }
        match sub.incoming[v].get(k) {
            Some(&edge) => {
                if let Some(top) = call.last_mut() {
                    top.1 += 1;
                }
                let near = sub.edges[edge].0;
                let now = held.last().copied().unwrap_or(Window::ALWAYS);
                let w = now
                    .intersect(&sub.windows[edge])
                    .filter(|w| w.overlaps(&within));
                if let (false, Some(w)) = (on_path[near], w) {
                    on_path[near] = true;
                    path.push(edge);
                    held.push(w);
                    call.push((near, 0));
                }
            }
            None => {
                call.pop();
                on_path[v] = false;
                if !call.is_empty() {
                    path.pop();
                    held.pop();
                }
            }
        }
    }
    // Leave the scratch flags as they were found.
    for (v, _) in call {
        on_path[v] = false;
    }
    out.sort_by_key(|c| c.edges.len());
    (out, capped)
}

/// The ultimate owners (`Up`) or holdings (`Down`) of `n`. With `as_of`,
/// only answers that held at some time during that period are given, with
/// their figure in the latest part of it.
pub fn ultimate(graph: &Graph, n: NodeIndex, dir: Direction, as_of: Option<Date>) -> Ultimate {
    ultimate_within(graph, n, dir, as_of, MAX_CHAIN_STEPS_TOTAL)
}

fn same_figure(a: &Option<f64>, b: &Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-12,
        (None, None) => true,
        _ => false,
    }
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
    let sub = explore(graph, &vocab, n, dir);
    let count = sub.nodes.len();
    let within = as_of.map_or(Window::ALWAYS, Window::during);
    let slices = Slices::cut(sub.windows.iter().copied().filter(|w| !w.is_always())).windows;

    // Each slice answered on the relations that hold throughout it.
    struct Span {
        window: Window,
        share: Option<f64>,
        exact: bool,
        converged: bool,
        cycles: Vec<Vec<usize>>,
    }
    let mut spans: Vec<Vec<Span>> = (0..count).map(|_| Vec::new()).collect();
    // Per slice: (local index, share, exact) of each answer.
    type Answers = Vec<(usize, Option<f64>, bool)>;
    let mut periods: Vec<(Window, Answers)> = Vec::new();
    let mut full: Vec<(Window, Vec<usize>)> = Vec::new();
    let mut active = vec![false; sub.edges.len()];
    for slice in &slices {
        for (k, w) in sub.windows.iter().enumerate() {
            active[k] = w.overlaps(slice);
        }
        let answer = answer_slice(&sub, &active);
        let mut here: Vec<(usize, Option<f64>, bool)> = Vec::new();
        for f in answer.found {
            here.push((f.node, f.share, f.exact));
            spans[f.node].push(Span {
                window: *slice,
                share: f.share,
                exact: f.exact,
                converged: f.converged,
                cycles: f.cycles,
            });
        }
        here.sort_by(|a, b| {
            let s = |x: &(usize, Option<f64>, bool)| x.1.unwrap_or(f64::NEG_INFINITY);
            s(b).total_cmp(&s(a)).then(a.0.cmp(&b.0))
        });
        periods.push((*slice, here));
        full.extend(answer.full_cycles.into_iter().map(|c| (*slice, c)));
    }

    let mut answers: Vec<Answer> = Vec::new();
    let mut budget = budget;
    let mut on_path = vec![false; count];
    for (o, list) in spans.into_iter().enumerate() {
        let list: Vec<Span> = list
            .into_iter()
            .filter(|s| s.window.overlaps(&within))
            .collect();
        let Some(last) = list.last() else {
            continue;
        };
        let (share, exact, converged) = (last.share, last.exact, last.converged);
        let mut cycles: Vec<Vec<NodeIndex>> = Vec::new();
        for s in &list {
            for c in &s.cycles {
                let mut members: Vec<NodeIndex> = c.iter().map(|&i| sub.nodes[i]).collect();
                members.sort();
                if !cycles.contains(&members) {
                    cycles.push(members);
                }
            }
        }
        let windows: Vec<Held> = join(
            list.into_iter()
                .map(|s| (s.window, (s.share, s.exact)))
                .collect(),
            |a, b| same_figure(&a.0, &b.0) && a.1 == b.1,
        )
        .into_iter()
        .map(|(window, (share, exact))| Held {
            window,
            share,
            exact,
        })
        .collect();
        let (list, capped) = chains(&sub, o, dir, within, &mut budget, &mut on_path);
        answers.push(Answer {
            entity: sub.nodes[o],
            share,
            exact,
            cycles,
            converged,
            windows,
            chains: list,
            chains_capped: capped,
        });
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

    let history = join(periods, |a, b| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.0 == y.0 && x.2 == y.2 && same_figure(&x.1, &y.1))
    })
    .into_iter()
    .filter(|(w, _)| w.overlaps(&within))
    .map(|(window, list)| Period {
        window,
        answers: list
            .into_iter()
            .map(|(i, s, e)| (sub.nodes[i], s, e))
            .collect(),
    })
    .collect();

    // Full cycles, each with the windows in which it was closed.
    let mut full: Vec<(Window, Vec<NodeIndex>)> = full
        .into_iter()
        .map(|(w, c)| {
            let mut members: Vec<NodeIndex> = c.iter().map(|&i| sub.nodes[i]).collect();
            members.sort();
            (w, members)
        })
        .collect();
    full.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.first_day().cmp(&b.0.first_day())));
    let mut full_cycles: Vec<FullCycle> = Vec::new();
    for (w, members) in full {
        if !w.overlaps(&within) {
            continue;
        }
        match full_cycles.last_mut() {
            Some(last) if last.members == members && last.window.meets(&w) => last.window.to = w.to,
            _ => full_cycles.push(FullCycle { members, window: w }),
        }
    }

    let checked = sub
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| dir == Direction::Up || *i != 0)
        .map(|(_, &m)| m);
    let problems = checked
        .filter_map(|m| overfull(graph, &vocab, m, as_of))
        .collect();
    Ultimate {
        answers,
        problems,
        full_cycles,
        history,
    }
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
                    a.cycle(),
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
        assert!(u.answers[0].cycle() && u.answers[0].exact);
        // The same figure asked the other way round.
        let d = ultimate(&g, node(&g, "p"), Direction::Down, None);
        assert_eq!(d.answers.len(), 1);
        assert!((d.answers[0].share.unwrap_or(0.0) - x_p).abs() < 1e-12);

        // Owners of A: only P. B is owned from inside the cycle, and the
        // cycle from outside it; walks through A again count:
        // 0.5 / (1 - 0.5 * 0.2).
        let a = ultimate(&g, node(&g, "a"), Direction::Up, None);
        assert_eq!(
            shares(&g, &a),
            [("P".to_string(), Some(round12(0.5 / 0.9)), true, true)]
        );
        assert_eq!(a.answers[0].cycles, [vec![node(&g, "a"), node(&g, "b")]]);
    }

    fn round12(x: f64) -> f64 {
        (x * 1e12).round() / 1e12
    }

    #[test]
    fn a_cycle_nobody_outside_owns_gives_every_member_with_every_walk() {
        let g = graph(
            &["a", "b", "c"],
            &[
                ("a", "OWNS", "c", Some(100.0), None, None),
                ("a", "OWNS", "b", Some(50.0), None, None),
                ("b", "OWNS", "a", Some(50.0), None, None),
            ],
        );
        let u = ultimate(&g, node(&g, "c"), Direction::Up, None);
        // A -> C, A -> B -> A -> C, ...: 1 / (1 - 0.25); B: half of that.
        assert_eq!(
            shares(&g, &u),
            [
                ("A".to_string(), Some(round12(1.0 / 0.75)), true, true),
                ("B".to_string(), Some(round12(0.5 / 0.75)), true, true)
            ]
        );
        // Asked about a member, the other members are the answers.
        let a = ultimate(&g, node(&g, "a"), Direction::Up, None);
        assert_eq!(a.answers.len(), 1);
        assert_eq!(a.answers[0].entity, node(&g, "b"));
    }

    #[test]
    fn a_cycle_of_full_holdings_has_no_figure_and_is_a_problem() {
        let g = graph(
            &["a", "b", "c"],
            &[
                ("a", "OWNS", "c", Some(100.0), None, None),
                ("a", "OWNS", "b", Some(100.0), None, None),
                ("b", "OWNS", "a", Some(100.0), None, None),
            ],
        );
        let u = ultimate(&g, node(&g, "c"), Direction::Up, None);
        assert_eq!(u.answers.len(), 2);
        assert!(u
            .answers
            .iter()
            .all(|a| !a.converged && a.share.is_none() && !a.exact));
        assert_eq!(u.full_cycles.len(), 1);
        assert_eq!(u.full_cycles[0].members, [node(&g, "a"), node(&g, "b")]);
    }

    #[test]
    fn chains_that_never_held_at_once_are_no_chains() {
        // P held A until 2024; A holds T since 2025: never at once. Q holds
        // A from 2024-06, overlapping.
        let g = graph(
            &["t", "a", "p", "q"],
            &[
                ("a", "OWNS", "t", Some(100.0), Some("2025"), None),
                ("p", "OWNS", "a", Some(100.0), None, Some("2024")),
                ("q", "OWNS", "a", Some(100.0), Some("2024-06"), None),
            ],
        );
        let u = ultimate(&g, node(&g, "t"), Direction::Up, None);
        let names: Vec<String> = u.answers.iter().map(|a| g.display_name(a.entity)).collect();
        assert_eq!(names, ["Q"]);
        assert_eq!(u.answers[0].windows.len(), 1);
        assert_eq!(u.answers[0].windows[0].window.to_string(), "2025 ->");
        assert_eq!(u.answers[0].chains[0].window.to_string(), "2025 ->");
    }

    #[test]
    fn a_history_has_one_period_per_change() {
        // X holds 30% of T until 2023-05, then 45%; Y enters with 20% in 2024.
        let g = graph(
            &["t", "x", "y"],
            &[
                ("x", "OWNS", "t", Some(30.0), Some("2020"), Some("2023-05")),
                ("x", "OWNS", "t", Some(45.0), Some("2023-06"), None),
                ("y", "OWNS", "t", Some(20.0), Some("2024"), None),
            ],
        );
        let u = ultimate(&g, node(&g, "t"), Direction::Up, None);
        type Row = (String, Vec<(String, Option<f64>)>);
        let periods: Vec<Row> = u
            .history
            .iter()
            .map(|p| {
                let list = p
                    .answers
                    .iter()
                    .map(|(n, s, _)| (g.display_name(*n), s.map(round12)))
                    .collect();
                (p.window.to_string(), list)
            })
            .collect();
        let x = |s: f64| ("X".to_string(), Some(s));
        assert_eq!(
            periods,
            [
                ("-> 2019".to_string(), vec![]),
                ("2020 -> 2023-05".to_string(), vec![x(0.3)]),
                ("2023-06 -> 2023".to_string(), vec![x(0.45)]),
                (
                    "2024 ->".to_string(),
                    vec![x(0.45), ("Y".to_string(), Some(0.2))]
                ),
            ]
        );
        // One row for X, with both figures; its share is the latest.
        let x = u.answers.iter().find(|a| a.entity == node(&g, "x"));
        let x = x.map(|a| (a.share, a.windows.len()));
        assert_eq!(x, Some((Some(0.45), 2)));
        assert!(u.problems.is_empty(), "the two stakes never held together");
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
