//! What the walks from each followed entity to the target carry, slice
//! by slice of time: whether they reach it, whether a share on them is
//! not stated, the sum of the products of the stated shares (an entry of
//! `(I - G)^-1`), and which entities stand at the top.
//!
//! The followed part of the graph ([`Sub`]) falls into strongly connected
//! components (petgraph's [`kosaraju_scc`]), taken from the target
//! outwards. Reach, unstated shares and tops are carried over all
//! ownership edges as sets of slices, round each component until they
//! settle; the figures are carried over the edges with stated shares,
//! whose components are small, a cycle solved by Gaussian elimination
//! (by iteration above [`DENSE_LIMIT`] members) in each stretch of time in
//! which its inputs stay the same.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex as LocalIndex};

use super::window::{Steps, Window};
use super::{Direction, OwnershipEdge, Vocabulary};
use crate::graph::{Graph, NodeIndex};

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

/// The followed part of the graph: local node 0 is the target.
pub(super) struct Sub {
    pub(super) nodes: Vec<NodeIndex>,
    /// (near, far, edge): `far` is one step further from the target.
    pub(super) edges: Vec<(usize, usize, OwnershipEdge)>,
    /// When each edge held.
    pub(super) windows: Vec<Window>,
    /// Per node, the edges (indexes into `edges`) arriving at it.
    pub(super) incoming: Vec<Vec<usize>>,
    /// Per node, the edges leaving it (one step further).
    pub(super) outgoing: Vec<Vec<usize>>,
}

pub(super) fn explore(graph: &Graph, vocab: &Vocabulary, n: NodeIndex, dir: Direction) -> Sub {
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
/// iteration from `start` (the figures of a neighbouring stretch of time,
/// when known, else zero); `terms[i]` lists `(j, a[i][j])`. `None` when
/// it does not settle.
fn solve_iterative(
    terms: &[Vec<(usize, f64)>],
    b: &[f64],
    start: Option<&[f64]>,
) -> Option<Vec<f64>> {
    let mut x = match start {
        Some(s) if s.len() == b.len() => s.to_vec(),
        _ => vec![0.0; b.len()],
    };
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

/// What the walks from one entity to the target carry in one slice of
/// time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Flow {
    /// Some walk of relations that hold reaches the target.
    pub(super) reach: bool,
    /// Some such walk has every share stated.
    pub(super) known: bool,
    /// Some such walk has a share that is not stated.
    pub(super) unknown: bool,
    /// Some walk with stated shares passes a cycle of 100%: the figure
    /// is undefined.
    pub(super) full: bool,
    /// The sum over the walks with stated shares of their products.
    pub(super) x: f64,
}

/// Whether walks of relations that hold reach the target, and whether
/// some such walk has a share that is not stated.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Link {
    reach: bool,
    unknown: bool,
}

const NO_LINK: Link = Link {
    reach: false,
    unknown: false,
};

impl Link {
    fn or(self, o: Link) -> Link {
        Link {
            reach: self.reach || o.reach,
            unknown: self.unknown || o.unknown,
        }
    }

    /// The walks one edge further, over an edge whose share is stated
    /// (`known`) or not.
    fn through(self, known: bool) -> Link {
        Link {
            reach: self.reach,
            unknown: self.unknown || (self.reach && !known),
        }
    }
}

/// The walks of `OWNS` edges with stated shares: whether one reaches the
/// target, the sum of their products, and whether a cycle of 100% on them
/// leaves the sum undefined.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sum {
    known: bool,
    x: f64,
    full: bool,
}

const NO_SUM: Sum = Sum {
    known: false,
    x: 0.0,
    full: false,
};

impl Sum {
    fn add(self, o: Sum) -> Sum {
        Sum {
            known: self.known || o.known,
            x: self.x + o.x,
            full: self.full || o.full,
        }
    }

    fn times(self, share: f64) -> Sum {
        Sum {
            x: self.x * share,
            ..self
        }
    }
}

/// The cycles of cross-holdings seen in one component of the followed
/// part of the graph, over time.
#[derive(Default)]
pub(super) struct CycleSeen {
    /// The members of the component (local indexes, sorted).
    pub(super) members: Vec<usize>,
    /// The slices in which a relation inside it held between two
    /// entities that reached the target.
    pub(super) slices: Vec<std::ops::Range<usize>>,
}

/// A cycle of stated shares of 100%: its members (local indexes, sorted)
/// and the slices in which it left the figures undefined.
pub(super) struct FullSeen {
    pub(super) members: Vec<usize>,
    pub(super) slices: Vec<std::ops::Range<usize>>,
}

/// Everything answered about the followed part of the graph, slice by
/// slice.
pub(super) struct Flows {
    /// Per local node: what its walks to the target carry.
    pub(super) flow: Vec<Steps<Flow>>,
    /// Per local node: whether it is at the top (in a component of the
    /// relations that hold then that no owner outside it holds).
    pub(super) top: Vec<Steps<bool>>,
    /// Per component of the whole followed part (all times): the cycles
    /// seen in it.
    pub(super) cycles: Vec<CycleSeen>,
    /// The cycles of 100%.
    pub(super) full: Vec<FullSeen>,
    /// Per local node: its component.
    pub(super) comp_of: Vec<usize>,
    /// Per component: the components with a cycle on the walks from it
    /// to the target (itself included).
    pub(super) cycles_below: Vec<Vec<usize>>,
}

/// The strongly connected components (petgraph's [`kosaraju_scc`]) of
/// the followed part over the edges `keep` allows, the farthest from the
/// target first; each component's members sorted.
fn components(sub: &Sub, keep: impl Fn(usize) -> bool) -> Vec<Vec<usize>> {
    let count = sub.nodes.len();
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(count, sub.edges.len());
    for _ in 0..count {
        g.add_node(());
    }
    for (k, &(near, far, _)) in sub.edges.iter().enumerate() {
        if keep(k) {
            g.add_edge(LocalIndex::new(near), LocalIndex::new(far), ());
        }
    }
    kosaraju_scc(&g)
        .into_iter()
        .map(|c| {
            let mut c: Vec<usize> = c.into_iter().map(|d| d.index()).collect();
            c.sort_unstable();
            c
        })
        .collect()
}

/// The flows of every followed entity over the relations that hold in
/// each slice (`active` per edge): which walks reach the target and the
/// tops over all ownership edges, the figures over the edges with stated
/// shares.
pub(super) fn flows(sub: &Sub, active: &[Steps<bool>]) -> Flows {
    let count = sub.nodes.len();
    let comps = components(sub, |_| true);
    let mut comp_of = vec![0; count];
    for (ci, c) in comps.iter().enumerate() {
        for &i in c {
            comp_of[i] = ci;
        }
    }
    let mut link: Vec<Steps<Link>> = vec![Steps::constant(NO_LINK); count];
    let mut top: Vec<Steps<bool>> = vec![Steps::constant(false); count];
    let mut cycles: Vec<CycleSeen> = (0..comps.len()).map(|_| CycleSeen::default()).collect();
    let mut cycles_below: Vec<Vec<usize>> = vec![Vec::new(); comps.len()];
    for (ci, c) in comps.iter().enumerate().rev() {
        let mut below: Vec<usize> = Vec::new();
        for &i in c {
            let mut l = Steps::constant(Link {
                reach: i == 0,
                unknown: false,
            });
            for &k in &sub.incoming[i] {
                let (near, _, e) = sub.edges[k];
                if comp_of[near] == ci {
                    continue;
                }
                below.extend(cycles_below[comp_of[near]].iter().copied());
                let arriving = link[near].zip(&active[k], |f, on| {
                    if on {
                        f.through(e.share.is_some())
                    } else {
                        NO_LINK
                    }
                });
                l = l.zip(&arriving, Link::or);
            }
            link[i] = l;
        }
        let internal: Vec<usize> = c
            .iter()
            .flat_map(|&i| sub.outgoing[i].iter().copied())
            .filter(|&k| comp_of[sub.edges[k].1] == ci)
            .collect();
        if internal.is_empty() {
            // One entity on no cycle: at the top while it reaches the
            // target and nobody holds it.
            let i = c[0];
            let mut owned = Steps::constant(false);
            for &k in &sub.outgoing[i] {
                owned = owned.zip(&active[k], |a, b| a || b);
            }
            top[i] = link[i].zip(&owned, |l, o| l.reach && !o);
        } else {
            links_round_cycle(sub, &internal, active, &mut link);
            tops_of_cycle(sub, c, ci, &comp_of, &internal, active, &link, &mut top);
            let mut seen = Steps::constant(false);
            for &k in &internal {
                let (near, far, _) = sub.edges[k];
                let both = link[near].zip(&link[far], |a, b| a.reach && b.reach);
                let held = both.zip(&active[k], |a, b| a && b);
                seen = seen.zip(&held, |a, b| a || b);
            }
            cycles[ci].members = c.clone();
            cycles[ci].slices = seen.true_ranges(usize::MAX);
            if !cycles[ci].slices.is_empty() {
                below.push(ci);
            }
        }
        below.sort_unstable();
        below.dedup();
        cycles_below[ci] = below;
    }
    let (sums, full) = sums(sub, active);
    let flow = link
        .iter()
        .zip(&sums)
        .map(|(l, s)| {
            l.zip(s, |l, s| Flow {
                reach: l.reach,
                known: s.known,
                unknown: l.unknown,
                full: s.full,
                x: s.x,
            })
        })
        .collect();
    Flows {
        flow,
        top,
        cycles,
        full,
        comp_of,
        cycles_below,
    }
}

/// Carries reach and unknown shares round the internal edges of a
/// component until nothing changes: each entity's slices only grow.
fn links_round_cycle(
    sub: &Sub,
    internal: &[usize],
    active: &[Steps<bool>],
    link: &mut [Steps<Link>],
) {
    let mut from: HashMap<usize, Vec<usize>> = HashMap::new();
    for &k in internal {
        from.entry(sub.edges[k].0).or_default().push(k);
    }
    // First in, first out, each entity queued once at a time.
    let mut todo: VecDeque<usize> = from.keys().copied().collect();
    let mut queued: HashSet<usize> = todo.iter().copied().collect();
    while let Some(p) = todo.pop_front() {
        queued.remove(&p);
        for &k in from.get(&p).map_or(&[][..], Vec::as_slice) {
            let (_, q, e) = sub.edges[k];
            let arriving = link[p].zip(&active[k], |f, on| {
                if on {
                    f.through(e.share.is_some())
                } else {
                    NO_LINK
                }
            });
            let next = link[q].zip(&arriving, Link::or);
            if next != link[q] {
                link[q] = next;
                if queued.insert(q) {
                    todo.push_back(q);
                }
            }
        }
    }
}

/// The tops among the members `c` of component `ci`, a component with a
/// cycle: in each slice, the members of the components of the relations
/// that hold then that no owner outside holds.
///
/// A member that can reach an owner outside `c` over the relations that
/// hold cannot be at the top, so only the others (the candidates, usually
/// few) are looked at, slice by slice, where they or their relations
/// change.
#[allow(clippy::too_many_arguments)]
fn tops_of_cycle(
    sub: &Sub,
    c: &[usize],
    ci: usize,
    comp_of: &[usize],
    internal: &[usize],
    active: &[Steps<bool>],
    link: &[Steps<Link>],
    top: &mut [Steps<bool>],
) {
    // Escape: an owner outside the component holds the member, or one of
    // the members it is held by, and so on.
    let mut escape: HashMap<usize, Steps<bool>> = HashMap::new();
    for &i in c {
        let mut e = Steps::constant(false);
        for &k in &sub.outgoing[i] {
            if comp_of[sub.edges[k].1] != ci {
                e = e.zip(&active[k], |a, b| a || b);
            }
        }
        escape.insert(i, e);
    }
    let mut into: HashMap<usize, Vec<usize>> = HashMap::new();
    for &k in internal {
        into.entry(sub.edges[k].1).or_default().push(k);
    }
    let mut todo: VecDeque<usize> = c.iter().copied().collect();
    let mut queued: HashSet<usize> = c.iter().copied().collect();
    while let Some(q) = todo.pop_front() {
        queued.remove(&q);
        for &k in into.get(&q).map_or(&[][..], Vec::as_slice) {
            let p = sub.edges[k].0;
            let via = escape[&q].zip(&active[k], |a, b| a && b);
            let next = escape[&p].zip(&via, |a, b| a || b);
            if next != escape[&p] {
                escape.insert(p, next);
                if queued.insert(p) {
                    todo.push_back(p);
                }
            }
        }
    }
    let candidate: HashMap<usize, Steps<bool>> = c
        .iter()
        .map(|&i| (i, link[i].zip(&escape[&i], |l, e| l.reach && !e)))
        .filter(|(_, s)| s.runs().iter().any(|(_, v)| *v))
        .collect();
    if candidate.is_empty() {
        return;
    }
    // The slices where a candidate or a relation between candidates
    // changes.
    let mut starts: Vec<usize> = candidate.values().flat_map(Steps::starts).collect();
    for &k in internal {
        let (near, far, _) = sub.edges[k];
        if candidate.contains_key(&near) && candidate.contains_key(&far) {
            starts.extend(active[k].starts());
        }
    }
    starts.sort_unstable();
    starts.dedup();
    let mut out: HashMap<usize, Vec<(usize, bool)>> = HashMap::new();
    for at in starts {
        let now: Vec<usize> = candidate
            .iter()
            .filter(|(_, s)| s.at(at))
            .map(|(&i, _)| i)
            .collect();
        let pos: HashMap<usize, usize> = now.iter().enumerate().map(|(p, &i)| (i, p)).collect();
        let mut g: DiGraph<(), ()> = DiGraph::with_capacity(now.len(), now.len());
        for _ in &now {
            g.add_node(());
        }
        for &i in &now {
            for &k in &sub.outgoing[i] {
                // Every owner of a candidate that holds now is a candidate.
                if let (true, Some(&q)) = (active[k].at(at), pos.get(&sub.edges[k].1)) {
                    g.add_edge(LocalIndex::new(pos[&i]), LocalIndex::new(q), ());
                }
            }
        }
        let parts = kosaraju_scc(&g);
        let mut part = vec![0; now.len()];
        for (pi, members) in parts.iter().enumerate() {
            for m in members {
                part[m.index()] = pi;
            }
        }
        let mut left = vec![false; parts.len()];
        for e in g.raw_edges() {
            if part[e.source().index()] != part[e.target().index()] {
                left[part[e.source().index()]] = true;
            }
        }
        for &i in candidate.keys() {
            let at_top = pos.get(&i).is_some_and(|&p| !left[part[p]]);
            out.entry(i).or_default().push((at, at_top));
        }
    }
    for (i, list) in out {
        let mut values = vec![(0, false)];
        values.extend(list);
        top[i] = Steps::from_starts(values);
    }
}

/// The figures: the sums over the walks of `OWNS` edges with stated
/// shares, component by component of those edges (petgraph's
/// [`kosaraju_scc`]) from the target outwards, and the cycles of 100%.
fn sums(sub: &Sub, active: &[Steps<bool>]) -> (Vec<Steps<Sum>>, Vec<FullSeen>) {
    let count = sub.nodes.len();
    let stated = |k: usize| sub.edges[k].2.share.is_some();
    let comps = components(sub, stated);
    let mut comp_of = vec![0; count];
    for (ci, c) in comps.iter().enumerate() {
        for &i in c {
            comp_of[i] = ci;
        }
    }
    let mut sum: Vec<Steps<Sum>> = vec![Steps::constant(NO_SUM); count];
    let mut full: Vec<FullSeen> = Vec::new();
    for (ci, c) in comps.iter().enumerate().rev() {
        let inputs: Vec<Steps<Sum>> = c
            .iter()
            .map(|&i| {
                let mut b = Steps::constant(if i == 0 {
                    Sum {
                        known: true,
                        x: 1.0,
                        full: false,
                    }
                } else {
                    NO_SUM
                });
                for &k in &sub.incoming[i] {
                    let (near, _, e) = sub.edges[k];
                    let Some(share) = e.share else { continue };
                    if comp_of[near] == ci {
                        continue;
                    }
                    let arriving =
                        sum[near].zip(&active[k], |s, on| if on { s.times(share) } else { NO_SUM });
                    b = b.zip(&arriving, Sum::add);
                }
                b
            })
            .collect();
        let internal: Vec<usize> = c
            .iter()
            .flat_map(|&i| sub.outgoing[i].iter().copied())
            .filter(|&k| stated(k) && comp_of[sub.edges[k].1] == ci)
            .collect();
        if internal.is_empty() {
            sum[c[0]] = inputs.into_iter().next().unwrap_or(Steps::constant(NO_SUM));
        } else {
            solve_cycle(sub, c, &internal, &inputs, active, &mut sum, &mut full);
        }
    }
    (sum, full)
}

/// The sums of the members `c` of one cycle of stated shares, in each
/// stretch of time in which its inputs and relations stay the same: by
/// Gaussian elimination (iteration above [`DENSE_LIMIT`] members) over the
/// members with a walk to the target then.
fn solve_cycle(
    sub: &Sub,
    c: &[usize],
    internal: &[usize],
    inputs: &[Steps<Sum>],
    active: &[Steps<bool>],
    sum: &mut [Steps<Sum>],
    full: &mut Vec<FullSeen>,
) {
    let pos: HashMap<usize, usize> = c.iter().enumerate().map(|(p, &i)| (i, p)).collect();
    let mut starts: Vec<usize> = inputs.iter().flat_map(Steps::starts).collect();
    starts.extend(internal.iter().flat_map(|&k| active[k].starts()));
    starts.sort_unstable();
    starts.dedup();
    let mut out: Vec<Vec<(usize, Sum)>> = vec![Vec::new(); c.len()];
    let mut warm: Option<Vec<f64>> = None;
    for (n, &at) in starts.iter().enumerate() {
        let until = starts.get(n + 1).copied().unwrap_or(usize::MAX);
        let b: Vec<Sum> = inputs.iter().map(|s| s.at(at)).collect();
        let on: Vec<(usize, usize, f64)> = internal
            .iter()
            .filter(|&&k| active[k].at(at))
            .filter_map(|&k| {
                let (near, far, e) = sub.edges[k];
                Some((pos[&near], pos[&far], e.share?))
            })
            .collect();
        // Which members have a walk to the target, and which pass a
        // cycle of 100% below: carried round until nothing changes.
        let mut s = b.clone();
        let mut todo: Vec<usize> = (0..c.len()).collect();
        while let Some(p) = todo.pop() {
            for &(from, to, _) in on.iter().filter(|e| e.0 == p) {
                let next = Sum {
                    known: s[to].known || s[from].known,
                    full: s[to].full || s[from].full,
                    x: s[to].x,
                };
                if next != s[to] {
                    s[to] = next;
                    todo.push(to);
                }
            }
        }
        let x = figures(&b, &s, &on, warm.as_deref());
        match &x {
            Some(x) => {
                warm = Some(x.clone());
                for (p, v) in s.iter_mut().enumerate() {
                    v.x = x[p];
                }
            }
            None => {
                let mut members: Vec<usize> = c
                    .iter()
                    .zip(&s)
                    .filter(|(_, v)| v.known)
                    .map(|(&i, _)| i)
                    .collect();
                members.sort_unstable();
                let seen = match full.iter().position(|f| f.members == members) {
                    Some(i) => i,
                    None => {
                        full.push(FullSeen {
                            members,
                            slices: Vec::new(),
                        });
                        full.len() - 1
                    }
                };
                push_range(&mut full[seen].slices, at..until);
                for v in s.iter_mut() {
                    v.x = 0.0;
                    v.full |= v.known;
                }
            }
        }
        for (p, v) in s.into_iter().enumerate() {
            if out[p].last().is_none_or(|(_, last)| *last != v) {
                out[p].push((at, v));
            }
        }
    }
    for (p, &i) in c.iter().enumerate() {
        sum[i] = Steps::from_starts(out[p].drain(..));
    }
}

/// The figures of the members of a cycle that have a walk to the target
/// (per `s`): `x = a x + b` over the relations `on` (`(from, to,
/// share)`), by Gaussian elimination (by iteration above [`DENSE_LIMIT`]
/// members); `None` when the walks do not add up (a cycle of 100%: no
/// inverse, or a negative solution, which with at most 100% stated into
/// each member means the same).
fn figures(
    b: &[Sum],
    s: &[Sum],
    on: &[(usize, usize, f64)],
    start: Option<&[f64]>,
) -> Option<Vec<f64>> {
    // Only the members with a walk to the target now take part: a cycle
    // of 100% that does not reach it leaves the figures defined.
    let keep: Vec<usize> = (0..b.len()).filter(|&i| s[i].known).collect();
    let mut at = vec![usize::MAX; b.len()];
    for (k, &i) in keep.iter().enumerate() {
        at[i] = k;
    }
    let n = keep.len();
    let on: Vec<(usize, usize, f64)> = on
        .iter()
        .filter(|(p, q, _)| at[*p] != usize::MAX && at[*q] != usize::MAX)
        .map(|&(p, q, share)| (at[p], at[q], share))
        .collect();
    let bx: Vec<f64> = keep.iter().map(|&i| b[i].x).collect();
    let x = if n <= DENSE_LIMIT {
        let mut a = vec![vec![0.0; n]; n];
        for &(p, q, share) in &on {
            a[q][p] += share;
        }
        solve_dense(a, bx)
    } else {
        let mut terms: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for &(p, q, share) in &on {
            terms[q].push((p, share));
        }
        let start: Option<Vec<f64>> = start.map(|s| keep.iter().map(|&i| s[i]).collect());
        solve_iterative(&terms, &bx, start.as_deref())
    };
    let x = x.filter(|v| v.iter().all(|&s| s >= -1e-12))?;
    let mut out = vec![0.0; b.len()];
    for (k, &i) in keep.iter().enumerate() {
        out[i] = x[k].max(0.0);
    }
    Some(out)
}

/// Adds `r` to a list of ranges in order, joining it to the last when
/// they meet.
fn push_range(list: &mut Vec<std::ops::Range<usize>>, r: std::ops::Range<usize>) {
    match list.last_mut() {
        Some(last) if last.end == r.start => last.end = r.end,
        _ => list.push(r),
    }
}
