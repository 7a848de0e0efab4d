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
//! (petgraph's `kosaraju_scc`). The *ultimate owners* are the members of
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
//! above 400 members). When the shares around a cycle keep
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

use super::flow::{explore, flows, Flow, Sub};
use super::window::{Slices, Steps, Window};
use super::{overfull, overfull_of, Direction, Overfull, OwnershipEdge, Vocabulary};
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
    /// target pass through while it held, as indexes into
    /// [`Ultimate::cycles`]; empty when there are none.
    pub cycles: Vec<usize>,
    /// Whether the figure is defined throughout its windows (false when,
    /// at some time, a [`FullCycle`] on its walks left it undefined).
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
        let mut names: Vec<String> = self
            .members
            .iter()
            .take(10)
            .map(|&m| graph.display_name(m))
            .collect();
        if self.members.len() > 10 {
            names.push(format!("{} more", self.members.len() - 10));
        }
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
    /// The cycles of cross-holdings that answers name, each as its
    /// members (see [`Answer::cycles`]).
    pub cycles: Vec<Vec<NodeIndex>>,
    /// Cycles whose shares add up to 100% around them.
    pub full_cycles: Vec<FullCycle>,
    /// The history: one period per stretch of time in which the answers
    /// and their figures stayed the same, in order (empty unless asked
    /// for with [`ultimate_history`]).
    pub history: Vec<Period>,
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
/// their figure in the latest part of it. [`Ultimate::history`] is left
/// empty: see [`ultimate_history`].
pub fn ultimate(graph: &Graph, n: NodeIndex, dir: Direction, as_of: Option<Date>) -> Ultimate {
    ultimate_within(graph, n, dir, as_of, MAX_CHAIN_STEPS_TOTAL, false)
}

/// [`ultimate`] with its [`Ultimate::history`].
pub fn ultimate_history(
    graph: &Graph,
    n: NodeIndex,
    dir: Direction,
    as_of: Option<Date>,
) -> Ultimate {
    ultimate_within(graph, n, dir, as_of, MAX_CHAIN_STEPS_TOTAL, true)
}

fn same_figure(a: &Option<f64>, b: &Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-12 * a.abs().max(1.0),
        (None, None) => true,
        _ => false,
    }
}

/// An answer's figure in one slice: the effective share (when defined)
/// and whether it is exact.
type Figure = (Option<f64>, bool);

/// A run of slices in which an answer stood at the top with one figure.
type Span = (std::ops::Range<usize>, Figure);

fn figure_of(f: Flow) -> Figure {
    let share = (f.known && !f.full).then_some(f.x);
    (share, !f.unknown && !f.full)
}

/// [`ultimate`] with `budget` steps for listing the chains of all
/// answers, and the history when `with_history`.
fn ultimate_within(
    graph: &Graph,
    n: NodeIndex,
    dir: Direction,
    as_of: Option<Date>,
    budget: usize,
    with_history: bool,
) -> Ultimate {
    let vocab = Vocabulary::of(graph);
    let sub = explore(graph, &vocab, n, dir);
    let count = sub.nodes.len();
    let within = as_of.map_or(Window::ALWAYS, Window::during);
    let slices = Slices::cut(sub.windows.iter().copied().filter(|w| !w.is_always()));
    let asked = slices.range(&within);
    let active: Vec<Steps<bool>> = sub
        .windows
        .iter()
        .map(|w| Steps::on(slices.range(w), true, false))
        .collect();
    let flows = flows(&sub, &active);

    // Each answer: the runs of slices in which it stood at the top, with
    // its figure there.
    // The cycles named by the answers, each once: (component, members).
    let mut cycle_list: Vec<usize> = Vec::new();
    let cycle_index = |ci: usize, list: &mut Vec<usize>| match list.iter().position(|&c| c == ci) {
        Some(at) => at,
        None => {
            list.push(ci);
            list.len() - 1
        }
    };
    let mut answers: Vec<Answer> = Vec::new();
    let mut tops: Vec<(usize, Vec<Span>)> = Vec::new();
    let mut budget = budget;
    let mut on_path = vec![false; count];
    for o in 1..count {
        let at_top = flows.top[o].zip(&flows.flow[o], |t, f| t.then(|| figure_of(f)));
        let runs = at_top.runs();
        let mut spans: Vec<Span> = Vec::new();
        for (r, &(start, fig)) in runs.iter().enumerate() {
            let end = runs.get(r + 1).map_or(slices.windows.len(), |x| x.0);
            let Some(fig) = fig else { continue };
            match spans.last_mut() {
                Some((range, last))
                    if range.end == start && same_figure(&last.0, &fig.0) && last.1 == fig.1 =>
                {
                    range.end = end;
                }
                _ => spans.push((start..end, fig)),
            }
        }
        spans.retain(|(range, _)| range.start < asked.end && asked.start < range.end);
        let Some(&(_, (share, exact))) = spans.last() else {
            continue;
        };
        // Undefined at some time of its windows through a cycle of 100%.
        let behind_full = flows.top[o].zip(&flows.flow[o], |t, f| t && f.full);
        let converged = !behind_full
            .true_ranges(slices.windows.len())
            .iter()
            .any(|r| r.start < asked.end && asked.start < r.end);
        let windows: Vec<Held> = spans
            .iter()
            .map(|(range, (share, exact))| Held {
                window: slices.span(range.start, range.end - 1),
                share: *share,
                exact: *exact,
            })
            .collect();
        let cycles: Vec<usize> = flows.cycles_below[flows.comp_of[o]]
            .iter()
            .copied()
            .filter(|&ci| {
                flows.cycles[ci].slices.iter().any(|s| {
                    spans
                        .iter()
                        .any(|(r, _)| s.start < r.end && r.start < s.end)
                })
            })
            .map(|ci| cycle_index(ci, &mut cycle_list))
            .collect();
        let (list, capped) = chains(&sub, o, dir, within, &mut budget, &mut on_path);
        tops.push((o, spans));
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
    // Largest share first, then by name and index; each name is made
    // once, not at every comparison.
    let mut keyed: Vec<(String, Answer)> = answers
        .into_iter()
        .map(|a| (graph.display_name(a.entity), a))
        .collect();
    keyed.sort_by(|(an, a), (bn, b)| {
        let s = |a: &Answer| a.share.unwrap_or(f64::NEG_INFINITY);
        s(b).total_cmp(&s(a))
            .then_with(|| an.cmp(bn))
            .then_with(|| a.entity.cmp(&b.entity))
    });
    let answers: Vec<Answer> = keyed.into_iter().map(|(_, a)| a).collect();

    let history = if with_history {
        history(&sub, &slices, asked.clone(), &tops)
    } else {
        Vec::new()
    };

    let members = |ci: usize| -> Vec<NodeIndex> {
        let mut m: Vec<NodeIndex> = flows.cycles[ci]
            .members
            .iter()
            .map(|&i| sub.nodes[i])
            .collect();
        m.sort();
        m
    };
    let cycles: Vec<Vec<NodeIndex>> = cycle_list.iter().map(|&ci| members(ci)).collect();
    // Cycles of 100%, each with the windows in which it was closed.
    let mut full_cycles: Vec<FullCycle> = Vec::new();
    for seen in &flows.full {
        let mut members: Vec<NodeIndex> = seen.members.iter().map(|&i| sub.nodes[i]).collect();
        members.sort();
        for r in seen
            .slices
            .iter()
            .filter(|r| r.start < asked.end && asked.start < r.end)
        {
            let end = r.end.min(slices.windows.len());
            full_cycles.push(FullCycle {
                members: members.clone(),
                window: slices.span(r.start, end - 1),
            });
        }
    }

    // Stakes above 100% in the entities on the way. Going up, every
    // entity's owners are its explored edges; going down, the owners of a
    // holding are read from the graph.
    let problems = match dir {
        Direction::Up => (0..count)
            .filter_map(|i| {
                let stakes = sub.outgoing[i].iter().map(|&k| {
                    let edge = sub.edges[k].2;
                    (edge, sub.windows[k])
                });
                overfull_of(sub.nodes[i], stakes, as_of)
            })
            .collect(),
        Direction::Down => sub.nodes[1..]
            .iter()
            .filter_map(|&m| overfull(graph, &vocab, m, as_of))
            .collect(),
    };
    Ultimate {
        answers,
        problems,
        cycles,
        full_cycles,
        history,
    }
}

/// The periods in which the answers and their figures stayed the same,
/// within the slices `asked`.
fn history(
    sub: &Sub,
    slices: &Slices,
    asked: std::ops::Range<usize>,
    tops: &[(usize, Vec<Span>)],
) -> Vec<Period> {
    let mut cuts: Vec<usize> = vec![asked.start, asked.end];
    for (_, spans) in tops {
        for (r, _) in spans {
            cuts.push(r.start.clamp(asked.start, asked.end));
            cuts.push(r.end.clamp(asked.start, asked.end));
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut periods: Vec<Period> = Vec::new();
    for pair in cuts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let mut here: Vec<(NodeIndex, Option<f64>, bool)> = tops
            .iter()
            .filter_map(|(o, spans)| {
                spans
                    .iter()
                    .find(|(r, _)| r.start <= start && start < r.end)
                    .map(|(_, (s, e))| (sub.nodes[*o], *s, *e))
            })
            .collect();
        here.sort_by(|a, b| {
            let s = |x: &(NodeIndex, Option<f64>, bool)| x.1.unwrap_or(f64::NEG_INFINITY);
            s(b).total_cmp(&s(a)).then(a.0.cmp(&b.0))
        });
        let window = slices.span(start, end - 1);
        match periods.last_mut() {
            Some(last)
                if last.answers.len() == here.len()
                    && last
                        .answers
                        .iter()
                        .zip(&here)
                        .all(|(x, y)| x.0 == y.0 && x.2 == y.2 && same_figure(&x.1, &y.1)) =>
            {
                last.window.to = window.to;
            }
            _ => periods.push(Period {
                window,
                answers: here,
            }),
        }
    }
    periods
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
        assert_eq!(a.answers[0].cycles, [0]);
        assert_eq!(a.cycles, [vec![node(&g, "a"), node(&g, "b")]]);
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
    fn a_cycle_of_100_percent_that_no_longer_reaches_the_target_leaves_figures_defined() {
        // C and D hold each other wholly; D held 10% of A until 2010, and A
        // controls C: one component over all time, but after 2010 the
        // closed pair no longer reaches T.
        let g = graph(
            &["t", "a", "c", "d"],
            &[
                ("a", "OWNS", "t", Some(50.0), None, None),
                ("d", "OWNS", "a", Some(10.0), None, Some("2010")),
                ("a", "CONTROLS", "c", None, None, None),
                ("c", "OWNS", "d", Some(100.0), None, None),
                ("d", "OWNS", "c", Some(100.0), None, None),
            ],
        );
        let u = ultimate(&g, node(&g, "t"), Direction::Up, None);
        let a = u.answers.iter().find(|x| x.entity == node(&g, "a"));
        let a = a.map(|a| {
            a.windows
                .iter()
                .map(|h| (h.window.to_string(), h.share, h.exact))
                .collect::<Vec<_>>()
        });
        // A's own figure never passes the closed pair: until 2010 it is a
        // lower bound (a walk from A through its unstated control of C
        // comes back to A), then exact.
        assert_eq!(
            a,
            Some(vec![
                ("-> 2010".to_string(), Some(0.5), false),
                ("2011 ->".to_string(), Some(0.5), true)
            ])
        );
        assert_eq!(u.full_cycles.len(), 1);
        assert_eq!(u.full_cycles[0].members, [node(&g, "c"), node(&g, "d")]);
        assert_eq!(u.full_cycles[0].window.to_string(), "-> 2010");
        // C and D held A until 2010, through the closed pair: no figure.
        let c = u.answers.iter().find(|x| x.entity == node(&g, "c"));
        assert!(c.is_some_and(|c| c.share.is_none() && !c.converged));
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
        let u = ultimate_history(&g, node(&g, "t"), Direction::Up, None);
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
                ("2023-06 -> 2023-12".to_string(), vec![x(0.45)]),
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
        let few = ultimate_within(&g, node(&g, "target"), Direction::Up, None, 30, false);
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
