//! Clause evaluation: rows are `Vec<Value>`, one value per slot; slot names
//! are fixed per clause, so variables are resolved once per clause.
//!
//! Each clause turns the table of rows it receives into the next one:
//! MATCH expands rows by the matches of its pattern (relationship
//! uniqueness within the clause, trail semantics for variable length),
//! WITH and RETURN project, group, sort and page, UNWIND multiplies.

use std::borrow::Cow;
use std::collections::VecDeque;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::sync::atomic::{AtomicBool, Ordering};

use super::ast::{
    Clause, Direction, Expr, ExprKind, Match, PathKind, Projection, Query, SortItem, Unwind,
};
use super::expr::{truthy, Env, Evaluator};
use super::functions::{self, Accumulator};
use super::mutate;
use super::plan::{
    counts_per_anchor, distinct_rows_after, plan_match, plan_pattern, Anchor, Hints, MatchPlan,
    PartPlan, Step, VarUse,
};
use super::query_error::{snippet, QueryError, RuntimeKind};
use super::value::Value;
use super::{Params, QueryResult};
use crate::graph::adjacency::Adjacent;
use crate::graph::{Date, EdgeIndex, Graph, NodeIndex, Relation, Sym};

/// Statement-wide settings.
pub(crate) struct Ctx<'a> {
    /// The script text spans point into.
    pub text: &'a str,
    /// Parameter values.
    pub params: &'a Params,
    /// Only relations valid during this period are traversed.
    pub as_of: Option<Date>,
    /// Upper bound for unbounded variable-length patterns.
    pub max_hops: u32,
    /// Set from outside to stop the evaluation.
    pub cancel: Option<&'a AtomicBool>,
    /// The most rows a clause's table (or a list, or the groups of an
    /// aggregation) may hold.
    pub max_rows: usize,
    /// How deep expressions may nest while being evaluated.
    pub max_depth: u32,
    /// Past it, evaluation stops.
    pub deadline: Option<super::Deadline>,
    /// Calls of [`Ctx::check_cancel`] since the clock was last read.
    pub polls: std::cell::Cell<u32>,
}

impl Ctx<'_> {
    /// Fails with [`QueryError::Cancelled`] once the cancel flag is set,
    /// and with [`QueryError::TimedOut`] past the deadline (the clock is
    /// read every 256 calls).
    #[inline]
    pub fn check_cancel(&self) -> Result<(), QueryError> {
        if let Some(flag) = self.cancel {
            if flag.load(Ordering::Relaxed) {
                return Err(QueryError::Cancelled);
            }
        }
        if let Some(deadline) = &self.deadline {
            let n = self.polls.get().wrapping_add(1);
            self.polls.set(n);
            if n % 256 == 1 && std::time::Instant::now() >= deadline.at {
                return Err(QueryError::TimedOut(deadline.limit));
            }
        }
        Ok(())
    }

    /// Fails when a table (or list) about to hold `len` rows is over the
    /// row limit; `what` names it in the message.
    #[inline]
    pub fn check_rows(
        &self,
        len: usize,
        what: impl FnOnce() -> String,
        span: Option<super::ast::Span>,
    ) -> Result<(), QueryError> {
        if len > self.max_rows {
            return Err(QueryError::too_many_rows(self.max_rows, what(), span));
        }
        Ok(())
    }
}

/// Rows with named slots.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    /// Slot names.
    pub names: Vec<String>,
    /// Rows, one value per slot.
    pub rows: Vec<Vec<Value>>,
}

/// What one clause did under `PROFILE`: the rows it passed on and the
/// time it took.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ClauseProfile {
    /// Rows out of the clause (for a MATCH that feeds an aggregation
    /// directly: the rows fed to it).
    pub rows: usize,
    /// Wall-clock time spent in the clause.
    pub time: std::time::Duration,
}

/// The graph a query runs on: read only, or open to its changes.
pub(crate) enum Access<'g> {
    /// A query with no updating clause.
    Read(&'g Graph),
    /// A query that may change the graph.
    Write(&'g mut Graph),
}

impl Access<'_> {
    pub(crate) fn read(&self) -> &Graph {
        match self {
            Access::Read(g) => g,
            Access::Write(g) => g,
        }
    }

    /// The graph to change; an internal error on a read-only run (which
    /// its callers give only queries without updating clauses).
    fn write(&mut self, span: crate::query::ast::Span) -> Result<&mut Graph, QueryError> {
        match self {
            Access::Write(g) => Ok(g),
            Access::Read(_) => Err(QueryError::argument(
                "InvalidArgumentValue",
                "an updating clause in a read-only query",
                span,
            )),
        }
    }
}

/// Runs a query's clauses in order; with `profile`, records each clause's
/// rows and time (one entry per clause).
pub(crate) fn run_query_profiled(
    mut graph: Access<'_>,
    q: &Query,
    ctx: &Ctx<'_>,
    mut profile: Option<&mut Vec<ClauseProfile>>,
) -> Result<QueryResult, QueryError> {
    if let Some(p) = profile.as_deref_mut() {
        p.clear();
        p.resize(q.clauses.len(), ClauseProfile::default());
    }
    let mut table = Table {
        names: Vec::new(),
        rows: vec![Vec::new()],
    };
    let mut result = QueryResult::default();
    let mut fused_next = false;
    for (i, clause) in q.clauses.iter().enumerate() {
        ctx.check_cancel()?;
        if std::mem::take(&mut fused_next) {
            continue;
        }
        let started = std::time::Instant::now();
        let mut fed = None;
        match clause {
            Clause::Match(m) if aggregation_after(&q.clauses, i).is_some() => {
                // MATCH straight into an aggregating WITH or RETURN: rows
                // go to their groups as they are found, none are kept.
                let Some((proj, where_, is_return)) = aggregation_after(&q.clauses, i) else {
                    continue;
                };
                let ev = Evaluator::new(graph.read(), ctx);
                let before = table.names.len();
                let (names, plan) = plan_match_clause(&ev, m, &table.names, false);
                let cols = items(ctx.text, proj, &names);
                let mut grouper = Grouper::new(&ev, &cols, &names);
                if let Some(first) = first_rows_by_column(&ev, proj, &cols, where_) {
                    grouper.keep_first(first);
                }
                let mut rows = 0;
                if counted_per_node(&ev, &q.clauses, i, &plan, &names) {
                    // Each anchor node's matches are counted, not made.
                    let matcher = Matcher::new(&ev, &plan, &names);
                    for mut row in table.rows {
                        row.resize(names.len(), Value::Null);
                        matcher.count_per_anchor(&mut row, &mut |n, c| {
                            rows += usize::try_from(c).unwrap_or(usize::MAX);
                            grouper.add_node_count(n, c);
                        })?;
                    }
                } else {
                    run_match_clause(&ev, m, &plan, &names, before, table.rows, &mut |r| {
                        rows += 1;
                        grouper.add(r)
                    })?;
                }
                fed = Some((rows, started.elapsed()));
                let out = grouper.finish(proj.distinct)?;
                table = finish_projection(&ev, proj, &cols, &names, out, where_)?;
                if is_return {
                    result = QueryResult {
                        columns: table.names.clone(),
                        rows: std::mem::take(&mut table.rows),
                    };
                }
                fused_next = true;
            }
            Clause::Match(m) => {
                let ev = Evaluator::new(graph.read(), ctx);
                let distinct_rows = distinct_rows_after(&q.clauses, i);
                table = match_clause(&ev, m, table, distinct_rows)?;
            }
            Clause::Unwind(u) => {
                let ev = Evaluator::new(graph.read(), ctx);
                table = unwind(&ev, u, table)?;
            }
            Clause::With(w) => {
                let ev = Evaluator::new(graph.read(), ctx);
                table = project(&ev, &w.projection, table, w.where_.as_ref())?;
            }
            Clause::Return(r) => {
                let ev = Evaluator::new(graph.read(), ctx);
                let mut t = project(&ev, &r.projection, table, None)?;
                result = QueryResult {
                    columns: t.names.clone(),
                    rows: std::mem::take(&mut t.rows),
                };
                table = t;
            }
            Clause::Create(c) => mutate::create(graph.write(c.span)?, ctx, c, &mut table)?,
            Clause::Merge(m) => mutate::merge(graph.write(m.span)?, ctx, m, &mut table)?,
            Clause::Set(s) => mutate::set(graph.write(s.span)?, ctx, &s.items, &mut table)?,
            Clause::Remove(r) => mutate::remove(graph.write(r.span)?, ctx, r, &mut table)?,
            Clause::Delete(d) => mutate::delete(graph.write(d.span)?, ctx, d, &mut table)?,
        }
        if let Some(p) = profile.as_deref_mut() {
            let elapsed = started.elapsed();
            // RETURN hands its rows to the result (it is the last clause).
            let mut out = ClauseProfile {
                rows: table.rows.len().max(result.rows.len()),
                time: elapsed,
            };
            if let Some((rows, time)) = fed {
                // The MATCH's own share, then the aggregation after it.
                if let Some(m) = p.get_mut(i) {
                    *m = ClauseProfile { rows, time };
                }
                out.time = elapsed.saturating_sub(time);
                if let Some(next) = p.get_mut(i + 1) {
                    *next = out;
                }
            } else if let Some(here) = p.get_mut(i) {
                *here = out;
            }
        }
    }
    Ok(result)
}

/// Whether MATCH clause `i`, planned as `plan` with `names` in scope
/// after it, has its matches counted per anchor node instead of made into
/// rows (see [`counts_per_anchor`]): the aggregation after it keys on that
/// node and only counts.
pub(crate) fn counted_per_node(
    ev: &Evaluator<'_>,
    clauses: &[Clause],
    i: usize,
    plan: &MatchPlan<'_>,
    names: &[String],
) -> bool {
    let (Some(Clause::Match(m)), Some((proj, _, _))) =
        (clauses.get(i), aggregation_after(clauses, i))
    else {
        return false;
    };
    let cols = items(ev.ctx.text, proj, names);
    let grouper = Grouper::new(ev, &cols, names);
    grouper
        .counts_per_node()
        .is_some_and(|(slot, counted)| counts_per_anchor(m, plan, slot, &counted, names))
}

/// The aggregating WITH or RETURN right after clause `i`, if there is one
/// whose projection aggregates: (projection, WITH's WHERE, is RETURN).
fn aggregation_after(clauses: &[Clause], i: usize) -> Option<(&Projection, Option<&Expr>, bool)> {
    let (proj, where_, is_return) = match clauses.get(i + 1)? {
        Clause::With(w) => (&w.projection, w.where_.as_ref(), false),
        Clause::Return(r) => (&r.projection, None, true),
        _ => return None,
    };
    let aggregates = !proj.star && proj.items.iter().any(|it| contains_aggregate(&it.expr));
    aggregates.then_some((proj, where_, is_return))
}

// ----- UNWIND ------------------------------------------------------------

fn unwind(ev: &Evaluator<'_>, u: &Unwind, table: Table) -> Result<Table, QueryError> {
    let mut names = table.names.clone();
    names.push(u.var.name.clone());
    let mut rows = Vec::new();
    let what = || format!("UNWIND {}", snippet(ev.ctx.text, u.expr.span));
    for row in table.rows {
        ev.ctx.check_cancel()?;
        let v = ev.eval(&u.expr, &Env::new(&table.names, &row))?;
        match v {
            Value::Null => {}
            Value::List(items) => {
                ev.ctx
                    .check_rows(rows.len() + items.len(), what, Some(u.expr.span))?;
                for item in items {
                    let mut r = row.clone();
                    r.push(item);
                    rows.push(r);
                }
            }
            other => {
                ev.ctx.check_rows(rows.len() + 1, what, Some(u.expr.span))?;
                let mut r = row;
                r.push(other);
                rows.push(r);
            }
        }
    }
    Ok(Table { names, rows })
}

// ----- MATCH -------------------------------------------------------------

fn match_clause(
    ev: &Evaluator<'_>,
    m: &Match,
    table: Table,
    distinct_rows: bool,
) -> Result<Table, QueryError> {
    let before = table.names.len();
    let (names, plan) = plan_match_clause(ev, m, &table.names, distinct_rows);
    let mut rows = Vec::new();
    run_match_clause(ev, m, &plan, &names, before, table.rows, &mut |r| {
        ev.ctx.check_rows(
            rows.len() + 1,
            || format!("{}MATCH", if m.optional { "OPTIONAL " } else { "" }),
            Some(m.span),
        )?;
        if rows.len() % 4096 == 4095 {
            ev.ctx.check_cancel()?;
        }
        rows.push(r.to_vec());
        Ok(())
    })?;
    Ok(Table { names, rows })
}

/// The variables in scope after a MATCH clause, and its plan.
fn plan_match_clause<'q>(
    ev: &Evaluator<'q>,
    m: &'q Match,
    names: &[String],
    distinct_rows: bool,
) -> (Vec<String>, MatchPlan<'q>) {
    let mut names = names.to_vec();
    let hints = Hints {
        where_: m.where_.as_ref(),
        distinct_rows,
        params: Some(ev.ctx.params),
    };
    let plan = plan_match(ev.graph, &m.pattern, &mut names, &hints);
    (names, plan)
}

/// Runs a MATCH clause over the input rows, handing each output row to
/// `sink` (`before` is the number of variables in scope before it).
fn run_match_clause(
    ev: &Evaluator<'_>,
    m: &Match,
    plan: &MatchPlan<'_>,
    names: &[String],
    before: usize,
    input: Vec<Vec<Value>>,
    sink: &mut dyn FnMut(&[Value]) -> Result<(), QueryError>,
) -> Result<(), QueryError> {
    let added = names.len() - before;
    let matcher = Matcher::new(ev, plan, names);
    for mut row in input {
        row.resize(names.len(), Value::Null);
        let mut found = false;
        {
            let mut emit = |r: &[Value], _: &[PartState]| -> Result<(), QueryError> {
                if let Some(w) = &m.where_ {
                    if !truthy(&ev.eval(w, &Env::new(names, r))?) {
                        return Ok(());
                    }
                }
                found = true;
                sink(r)
            };
            matcher.run(&mut row, &mut emit)?;
        }
        if !found && m.optional {
            for v in row.iter_mut().skip(before).take(added) {
                *v = Value::Null;
            }
            sink(&row)?;
        }
    }
    Ok(())
}

/// Matches a pattern used as an expression against the current row and
/// returns one path value per match.
pub(crate) fn match_pattern_expr(
    ev: &Evaluator<'_>,
    part: &super::ast::PatternPart,
    env: &Env<'_>,
) -> Result<Vec<Value>, QueryError> {
    // Flatten the environment (comprehension variables included).
    let mut names: Vec<String> = env.names.to_vec();
    let mut row: Vec<Value> = env.row.to_vec();
    let mut at = Some(env);
    while let Some(e) = at {
        if let Some((n, v)) = e.local {
            names.push(n.to_string());
            row.push(v.clone());
        }
        at = e.parent;
    }
    let parts = std::slice::from_ref(part);
    let plan = plan_pattern(ev.graph, parts, &mut names);
    row.resize(names.len(), Value::Null);
    let mut out = Vec::new();
    let mut emit = |_: &[Value], states: &[PartState]| -> Result<(), QueryError> {
        if let Some(s) = states.first() {
            out.push(s.path_value(ev.graph));
        }
        Ok(())
    };
    Matcher::new(ev, &plan, &names).run(&mut row, &mut emit)?;
    Ok(out)
}

/// What a part has matched so far: a node per position, the edges of each
/// relationship position (one, or a variable-length list in chain order).
#[derive(Debug, Clone, Default)]
pub(crate) struct PartState {
    nodes: Vec<Option<NodeIndex>>,
    rels: Vec<Vec<EdgeIndex>>,
}

impl PartState {
    /// The matched path, left to right.
    pub fn path_value(&self, graph: &Graph) -> Value {
        let Some(Some(first)) = self.nodes.first() else {
            return Value::Null;
        };
        let mut nodes = vec![*first];
        let mut rels = Vec::new();
        let mut cur = *first;
        for edges in &self.rels {
            for &e in edges {
                let next = match graph.endpoints(e) {
                    Some((a, b)) => {
                        if a == cur {
                            b
                        } else {
                            a
                        }
                    }
                    None => cur,
                };
                rels.push(e);
                nodes.push(next);
                cur = next;
            }
        }
        functions::path(nodes, rels)
    }
}

type Emit<'a> = dyn FnMut(&[Value], &[PartState]) -> Result<(), QueryError> + 'a;

/// Matches a planned pattern against one row at a time.
pub(crate) struct Matcher<'e, 'q> {
    ev: &'e Evaluator<'e>,
    plan: &'e MatchPlan<'q>,
    names: &'e [String],
    /// Each part's node labels by position, resolved once; `None` when a
    /// label is unknown to the graph (nothing matches there).
    labels: Vec<Vec<Option<Vec<Sym>>>>,
    /// The same labels as bits, where every one has a symbol below 32 and
    /// there is at least one (to test against known label bits).
    label_masks: Vec<Vec<Option<u32>>>,
}

/// One relation as `Matcher::edges` yields it: the relation, the entity at
/// the other end, the relation when it was read, and the other end's label
/// bits when the typed lists carry them.
type Edge<'e> = (EdgeIndex, NodeIndex, Option<&'e Relation>, Option<u32>);

/// The relations `Matcher::edges` yields.
type EdgeIter<'e> = Box<dyn Iterator<Item = Edge<'e>> + 'e>;

/// Typed adjacency lists of one entity and direction, each newest
/// relation first, read as one list newest first: the order in which
/// petgraph lists the entity's relations of those types.
struct NewestFirst<'e>(Vec<&'e [Adjacent]>);

impl<'e> Iterator for NewestFirst<'e> {
    type Item = &'e Adjacent;

    fn next(&mut self) -> Option<Self::Item> {
        let list = match self.0.as_mut_slice() {
            [one] => one,
            lists => lists
                .iter_mut()
                .filter(|l| !l.is_empty())
                .max_by_key(|l| l.first().map(|a| a.edge()))?,
        };
        let (first, rest) = list.split_first()?;
        *list = rest;
        Some(first)
    }
}

/// An entity's outgoing relations, then its incoming ones but those
/// `seen_going_out` picks: with both directions walked, a relation from
/// the entity to itself is in both lists and is taken once, going out.
/// petgraph lists them in this order, and the typed lists are read in it.
fn out_then_in<'e, T, O, I>(
    outgoing: Option<O>,
    incoming: Option<I>,
    seen_going_out: impl Fn(&T) -> bool + 'e,
) -> impl Iterator<Item = T> + 'e
where
    O: Iterator<Item = T> + 'e,
    I: Iterator<Item = T> + 'e,
{
    outgoing.into_iter().flatten().chain(
        incoming
            .into_iter()
            .flatten()
            .filter(move |x| !seen_going_out(x)),
    )
}

/// The relationship filters of one chain position, resolved once.
struct RelFilter {
    types: Option<Vec<crate::graph::Sym>>,
}

impl<'e, 'q> Matcher<'e, 'q> {
    /// A matcher for `plan`, whose slots are named by `names`.
    pub fn new(ev: &'e Evaluator<'e>, plan: &'e MatchPlan<'q>, names: &'e [String]) -> Self {
        let g = ev.graph;
        let labels: Vec<Vec<Option<Vec<Sym>>>> = plan
            .parts
            .iter()
            .map(|p| {
                (0..p.nodes.len())
                    .map(|at| {
                        p.node(at).map_or(Some(Vec::new()), |np| {
                            np.labels.iter().map(|l| g.sym(&l.name)).collect()
                        })
                    })
                    .collect()
            })
            .collect();
        let label_masks = labels
            .iter()
            .map(|part| {
                part.iter()
                    .map(|want| {
                        let want = want.as_ref().filter(|w| !w.is_empty())?;
                        want.iter().try_fold(0u32, |m, l| {
                            let bit = 1u32.checked_shl(u32::try_from(l.index()).ok()?)?;
                            Some(m | bit)
                        })
                    })
                    .collect()
            })
            .collect();
        Matcher {
            ev,
            plan,
            names,
            labels,
            label_masks,
        }
    }

    /// Whether the node bound at position `at` passes the conditions of
    /// `WHERE` moved there.
    fn filters_ok(&self, p: &PartPlan<'q>, at: usize, row: &[Value]) -> Result<bool, QueryError> {
        let Some(fs) = p.filters.get(at) else {
            return Ok(true);
        };
        for f in fs {
            if !truthy(&self.ev.eval(f, &Env::new(self.names, row))?) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Calls `emit` with each complete match of the pattern extending `row`.
    pub fn run(&self, row: &mut Vec<Value>, emit: &mut Emit<'_>) -> Result<(), QueryError> {
        let mut states: Vec<PartState> = self
            .plan
            .parts
            .iter()
            .map(|p| PartState {
                nodes: vec![None; p.nodes.len()],
                rels: vec![Vec::new(); p.rels.len()],
            })
            .collect();
        let mut used = Vec::new();
        self.part(0, row, &mut states, &mut used, emit)
    }

    fn part(
        &self,
        pi: usize,
        row: &mut Vec<Value>,
        states: &mut Vec<PartState>,
        used: &mut Vec<EdgeIndex>,
        emit: &mut Emit<'_>,
    ) -> Result<(), QueryError> {
        let Some(p) = self.plan.parts.get(pi) else {
            return emit(row, states);
        };
        if let Anchor::Edges(types) = &p.anchor {
            return self.part_by_edges(pi, types, row, states, used, emit);
        }
        let candidates = self.candidates(p, row)?;
        for &n in candidates.iter() {
            self.ev.ctx.check_cancel()?;
            if !self.node_ok(p, pi, p.anchor_at, n, row)? {
                continue;
            }
            self.bind_node(p, pi, p.anchor_at, n, row, states);
            if !self.filters_ok(p, p.anchor_at, row)? {
                continue;
            }
            self.step(pi, 0, row, states, used, emit)?;
        }
        Ok(())
    }

    fn candidates(
        &self,
        p: &PartPlan<'q>,
        row: &[Value],
    ) -> Result<Cow<'e, [NodeIndex]>, QueryError> {
        let g = self.ev.graph;
        let env = Env::new(self.names, row);
        Ok(match &p.anchor {
            Anchor::Bound(s) => match row.get(*s) {
                Some(Value::Node(n)) => Cow::Owned(vec![*n]),
                _ => Cow::Owned(Vec::new()),
            },
            Anchor::Id(e) => match self.ev.eval(e, &env)? {
                Value::Str(s) => Cow::Owned(g.by_id(&s).into_iter().collect()),
                Value::Null => Cow::Owned(Vec::new()),
                _ => Cow::Owned(g.entity_indices().collect()),
            },
            Anchor::Name(e) => match self.ev.eval(e, &env)? {
                Value::Str(s) => g.by_name(&s),
                Value::Null => Cow::Owned(Vec::new()),
                _ => Cow::Owned(g.entity_indices().collect()),
            },
            Anchor::Label(l) => match g.sym(l) {
                Some(s) => Cow::Borrowed(g.with_label(s)),
                None => Cow::Owned(Vec::new()),
            },
            Anchor::All | Anchor::Edges(_) => Cow::Owned(g.entity_indices().collect()),
        })
    }

    /// Whether node `n` fits the node pattern at position `at`.
    fn node_ok(
        &self,
        p: &PartPlan<'q>,
        pi: usize,
        at: usize,
        n: NodeIndex,
        row: &[Value],
    ) -> Result<bool, QueryError> {
        self.node_ok_known(p, pi, at, n, row, None)
    }

    /// [`Matcher::node_ok`], with `n`'s label bits when they are known
    /// (see [`crate::graph::adjacency::Adjacent::labels`]).
    fn node_ok_known(
        &self,
        p: &PartPlan<'q>,
        pi: usize,
        at: usize,
        n: NodeIndex,
        row: &[Value],
        known: Option<u32>,
    ) -> Result<bool, QueryError> {
        let g = self.ev.graph;
        let Some(np) = p.node(at) else {
            return Ok(false);
        };
        if let Some(VarUse::Bound(s)) = p.nodes.get(at) {
            match row.get(*s) {
                Some(Value::Node(m)) if *m == n => {}
                _ => return Ok(false),
            }
        }
        if np.labels.is_empty() && np.props.is_none() {
            // Any node fits; `n` came from the graph.
            return Ok(true);
        }
        match self.labels.get(pi).and_then(|ls| ls.get(at)) {
            Some(Some(want)) => {
                let mask = self
                    .label_masks
                    .get(pi)
                    .and_then(|m| m.get(at))
                    .copied()
                    .flatten();
                let has = match (known, mask) {
                    (Some(bits), Some(mask)) => bits & mask == mask,
                    _ => g.has_labels(n, want),
                };
                if !has {
                    return Ok(false);
                }
            }
            _ => return Ok(false),
        }
        if let Some(props) = &np.props {
            let want = self.ev.eval(props, &Env::new(self.names, row))?;
            if !self.props_match(&want, props, |k| g.entity_property(n, k))? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn props_match<'g>(
        &self,
        want: &Value,
        e: &Expr,
        get: impl Fn(&str) -> Option<crate::graph::PropRef<'g>>,
    ) -> Result<bool, QueryError> {
        match want {
            Value::Map(m) => {
                for (k, v) in m {
                    let have = get(k).map_or(Value::Null, Value::from_prop);
                    if have.cypher_eq(v) != Some(true) {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Value::Null => Ok(true),
            v => Err(self.ev.type_err(
                e,
                &format!("properties must be a map, not {}", v.type_name()),
            )),
        }
    }

    fn bind_node(
        &self,
        p: &PartPlan<'q>,
        pi: usize,
        at: usize,
        n: NodeIndex,
        row: &mut [Value],
        states: &mut [PartState],
    ) {
        if let Some(VarUse::New(s)) = p.nodes.get(at) {
            if let Some(v) = row.get_mut(*s) {
                *v = Value::Node(n);
            }
        }
        if let Some(slot) = states.get_mut(pi).and_then(|st| st.nodes.get_mut(at)) {
            *slot = Some(n);
        }
    }

    fn rel_filter(&self, p: &PartPlan<'q>, at: usize) -> RelFilter {
        let g = self.ev.graph;
        let types = p.rel(at).and_then(|r| {
            if r.types.is_empty() {
                None
            } else {
                let mut types: Vec<_> = r.types.iter().filter_map(|t| g.sym(&t.name)).collect();
                types.sort_unstable();
                types.dedup();
                Some(types)
            }
        });
        RelFilter { types }
    }

    /// Whether edge `e` fits relationship position `at` (types, props,
    /// AS OF).
    fn rel_ok(
        &self,
        p: &PartPlan<'q>,
        at: usize,
        f: &RelFilter,
        e: EdgeIndex,
        r: Option<&Relation>,
        row: &[Value],
    ) -> Result<bool, QueryError> {
        // Without the relation at hand, the type index already chose it
        // by type.
        if let (Some(types), Some(r)) = (&f.types, r) {
            if !types.contains(&r.ty) {
                return Ok(false);
            }
        }
        if let Some(d) = self.ev.ctx.as_of {
            let r = r.or_else(|| self.ev.graph.relation(e));
            if !r.is_some_and(|r| r.valid_during(d)) {
                return Ok(false);
            }
        }
        if let Some(props) = p.rel(at).and_then(|r| r.props.as_ref()) {
            let want = self.ev.eval(props, &Env::new(self.names, row))?;
            let g = self.ev.graph;
            if !self.props_match(&want, props, |k| g.relation_property(e, k))? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The edges leaving `n` in the walking direction of `dir`, with the
    /// node at the other end. With types to keep and the typed adjacency
    /// index built, only relations of those types are read, and the
    /// relation itself is not (`None`).
    fn edges(
        &self,
        n: NodeIndex,
        dir: Direction,
        rightward: bool,
        filter: &RelFilter,
    ) -> EdgeIter<'e> {
        use crate::graph::Direction as D;
        let g: &'e Graph = self.ev.graph;
        let (out, inc) = match (dir, rightward) {
            (Direction::Both, _) => (true, true),
            (Direction::Right, true) | (Direction::Left, false) => (true, false),
            _ => (false, true),
        };
        let both = out && inc;
        if let (Some(types), Some(adj)) = (&filter.types, g.adjacency()) {
            // The lists of several types are merged, newest relation
            // first, so that rows come in the order of the walk below
            // (petgraph's), whether or not the index is there.
            let typed = |d: D| NewestFirst(types.iter().map(|&t| adj.typed(n, d, t)).collect());
            let outgoing = out.then(|| typed(D::Outgoing));
            let incoming = inc.then(|| typed(D::Incoming));
            let fast = out_then_in(outgoing, incoming, move |a: &&Adjacent| {
                both && a.other() == n
            })
            .map(|a| (a.edge(), a.other(), None, Some(a.labels())));
            return Box::new(fast);
        }
        let outgoing = out.then(|| g.relations_of(n, D::Outgoing));
        let incoming = inc.then(|| g.relations_of(n, D::Incoming));
        let slow = out_then_in(outgoing, incoming, move |(_, other, _)| both && *other == n)
            .map(|(e, o, r)| (e, o, Some(r), None));
        Box::new(slow)
    }

    /// Takes one relationship `e` (to `other`) as step `si` of part `pi`,
    /// when it fits, and goes on to the next step.
    #[allow(clippy::too_many_arguments)]
    fn hop(
        &self,
        pi: usize,
        si: usize,
        st: Step,
        filter: &RelFilter,
        (e, other, r, labels): Edge<'_>,
        row: &mut Vec<Value>,
        states: &mut Vec<PartState>,
        used: &mut Vec<EdgeIndex>,
        emit: &mut Emit<'_>,
    ) -> Result<(), QueryError> {
        let Some(p) = self.plan.parts.get(pi) else {
            return Ok(());
        };
        if used.contains(&e) || !self.rel_ok(p, st.rel, filter, e, r, row)? {
            return Ok(());
        }
        match p.rels.get(st.rel) {
            Some(VarUse::Bound(s)) => match row.get(*s) {
                Some(Value::Rel(x)) if *x == e => {}
                _ => return Ok(()),
            },
            Some(VarUse::New(s)) => {
                if let Some(v) = row.get_mut(*s) {
                    *v = Value::Rel(e);
                }
            }
            _ => {}
        }
        if !self.node_ok_known(p, pi, st.to, other, row, labels)? {
            return Ok(());
        }
        self.bind_node(p, pi, st.to, other, row, states);
        if !self.filters_ok(p, st.to, row)? {
            return Ok(());
        }
        if let Some(x) = states.get_mut(pi).and_then(|x| x.rels.get_mut(st.rel)) {
            x.clear();
            x.push(e);
        }
        used.push(e);
        let r = self.step(pi, si + 1, row, states, used, emit);
        used.pop();
        r
    }

    /// Matches part `pi` from the relationship-type index: every
    /// relationship of the first step's types, with the anchor bound to
    /// the end it leaves from, instead of every node's relationships.
    fn part_by_edges(
        &self,
        pi: usize,
        types: &[&str],
        row: &mut Vec<Value>,
        states: &mut Vec<PartState>,
        used: &mut Vec<EdgeIndex>,
        emit: &mut Emit<'_>,
    ) -> Result<(), QueryError> {
        let g = self.ev.graph;
        let Some(p) = self.plan.parts.get(pi) else {
            return Ok(());
        };
        let (Some(st), Some(rp)) = (
            p.steps.first().copied(),
            p.steps.first().and_then(|st| p.rel(st.rel)),
        ) else {
            return Ok(());
        };
        let filter = self.rel_filter(p, st.rel);
        for sym in types.iter().filter_map(|t| g.sym(t)) {
            for (i, &e) in g.of_type(sym).iter().enumerate() {
                if i % 4096 == 0 {
                    self.ev.ctx.check_cancel()?;
                }
                let (Some(r), Some((from, to))) = (g.relation(e), g.endpoints(e)) else {
                    continue;
                };
                // Which end the step leaves from: the arrow's tail when the
                // step walks along the arrow.
                let along = matches!(
                    (rp.direction, st.rightward()),
                    (Direction::Right, true) | (Direction::Left, false)
                );
                let ends: &[(NodeIndex, NodeIndex)] = match rp.direction {
                    Direction::Both if from != to => &[(from, to), (to, from)],
                    Direction::Both => &[(from, to)],
                    _ if along => &[(from, to)],
                    _ => &[(to, from)],
                };
                for &(cur, other) in ends {
                    if !self.node_ok(p, pi, p.anchor_at, cur, row)? {
                        continue;
                    }
                    self.bind_node(p, pi, p.anchor_at, cur, row, states);
                    if !self.filters_ok(p, p.anchor_at, row)? {
                        continue;
                    }
                    self.hop(
                        pi,
                        0,
                        st,
                        &filter,
                        (e, other, Some(r), None),
                        row,
                        states,
                        used,
                        emit,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Counts the matches of a one-relationship part (see
    /// [`super::plan::counts_per_anchor`]) per anchor node, without making
    /// rows: calls `add` with each anchor node that has matches and their
    /// number.
    pub fn count_per_anchor(
        &self,
        row: &mut [Value],
        add: &mut dyn FnMut(NodeIndex, i64),
    ) -> Result<(), QueryError> {
        use crate::graph::Direction as D;
        let g = self.ev.graph;
        let Some(p) = self.plan.parts.first() else {
            return Ok(());
        };
        let (Some(st), Some(rp)) = (p.steps.first().copied(), p.rel(0)) else {
            return Ok(());
        };
        let filter = self.rel_filter(p, st.rel);
        let along = match (rp.direction, st.rightward()) {
            (Direction::Right, true) | (Direction::Left, false) => Some(D::Outgoing),
            (Direction::Right, false) | (Direction::Left, true) => Some(D::Incoming),
            (Direction::Both, _) => None,
        };
        // Nothing to check but the type: a node's count is the length of
        // its typed lists.
        let plain = rp.props.is_none()
            && self.ev.ctx.as_of.is_none()
            && p.node(st.to)
                .is_some_and(|n| n.labels.is_empty() && n.props.is_none());
        let anchor_slot = p.nodes.get(p.anchor_at).and_then(|u| u.slot());
        let rel_slot = p.rels.first().and_then(|u| u.slot());
        let by_lists = |n: NodeIndex| -> Option<usize> {
            let (dir, types) = (along?, filter.types.as_ref()?);
            let adj = g.adjacency().filter(|_| plain)?;
            Some(types.iter().map(|t| adj.typed(n, dir, *t).len()).sum())
        };
        if let Some(adj) = g
            .adjacency()
            .filter(|_| matches!(p.anchor, Anchor::Edges(_)))
        {
            if let (true, Some(dir), Some(types)) = (plain, along, filter.types.as_ref()) {
                // Straight from the typed lists, node by node; a node is
                // read only when it has some.
                let bound = g.node_bound();
                for i in 0..bound {
                    let n = NodeIndex::new(i);
                    let count: usize = types.iter().map(|t| adj.typed(n, dir, *t).len()).sum();
                    if count == 0 {
                        continue;
                    }
                    if i % 4096 == 0 {
                        self.ev.ctx.check_cancel()?;
                    }
                    if let Some(v) = anchor_slot.and_then(|s| row.get_mut(s)) {
                        *v = Value::Node(n);
                    }
                    if self.node_ok(p, 0, p.anchor_at, n, row)? {
                        add(n, i64::try_from(count).unwrap_or(i64::MAX));
                    }
                }
                return Ok(());
            }
        }
        let candidates = match &p.anchor {
            Anchor::Edges(types) if g.adjacency().is_none() => {
                // Only the nodes at the anchor's end of those relationships.
                let mut at_end = vec![false; g.node_bound()];
                for sym in types.iter().filter_map(|t| g.sym(t)) {
                    for &e in g.of_type(sym) {
                        let Some((from, to)) = g.endpoints(e) else {
                            continue;
                        };
                        let ends = match along {
                            Some(D::Outgoing) => [Some(from), None],
                            Some(D::Incoming) => [Some(to), None],
                            None => [Some(from), Some(to)],
                        };
                        for n in ends.into_iter().flatten() {
                            if let Some(mark) = at_end.get_mut(n.index()) {
                                *mark = true;
                            }
                        }
                    }
                }
                let marked = at_end.iter().enumerate().filter(|(_, m)| **m);
                Cow::Owned(marked.map(|(i, _)| NodeIndex::new(i)).collect())
            }
            Anchor::Edges(_) => Cow::Owned(g.entity_indices().collect()),
            _ => self.candidates(p, row)?,
        };
        for (i, &n) in candidates.iter().enumerate() {
            if i % 4096 == 0 {
                self.ev.ctx.check_cancel()?;
            }
            if let Some(v) = anchor_slot.and_then(|s| row.get_mut(s)) {
                *v = Value::Node(n);
            }
            if !self.node_ok(p, 0, p.anchor_at, n, row)? {
                continue;
            }
            let count = match by_lists(n) {
                Some(c) => c,
                None => {
                    let mut c = 0;
                    for (e, other, r, _) in self.edges(n, rp.direction, st.rightward(), &filter) {
                        if !self.rel_ok(p, st.rel, &filter, e, r, row)? {
                            continue;
                        }
                        if let Some(v) = rel_slot.and_then(|s| row.get_mut(s)) {
                            *v = Value::Rel(e);
                        }
                        if self.node_ok(p, 0, st.to, other, row)? {
                            c += 1;
                        }
                    }
                    c
                }
            };
            if count > 0 {
                add(n, i64::try_from(count).unwrap_or(i64::MAX));
            }
        }
        Ok(())
    }

    fn step(
        &self,
        pi: usize,
        si: usize,
        row: &mut Vec<Value>,
        states: &mut Vec<PartState>,
        used: &mut Vec<EdgeIndex>,
        emit: &mut Emit<'_>,
    ) -> Result<(), QueryError> {
        let Some(p) = self.plan.parts.get(pi) else {
            return Ok(());
        };
        let Some(st) = p.steps.get(si).copied() else {
            // The part is complete: bind its path.
            if let VarUse::New(s) = p.path {
                let v = states
                    .get(pi)
                    .map_or(Value::Null, |x| x.path_value(self.ev.graph));
                if let Some(slot) = row.get_mut(s) {
                    *slot = v;
                }
            }
            return self.part(pi + 1, row, states, used, emit);
        };
        let Some(rp) = p.rel(st.rel) else {
            return Ok(());
        };
        let Some(cur) = states
            .get(pi)
            .and_then(|x| x.nodes.get(st.from).copied().flatten())
        else {
            return Ok(());
        };
        let filter = self.rel_filter(p, st.rel);
        if p.part.kind != PathKind::Plain {
            return self.shortest(pi, si, st, cur, &filter, row, states, used, emit);
        }
        match rp.length {
            None => {
                for edge in self.edges(cur, rp.direction, st.rightward(), &filter) {
                    self.hop(pi, si, st, &filter, edge, row, states, used, emit)?;
                }
                Ok(())
            }
            Some(len) => {
                let min = len.min.unwrap_or(1);
                let max = len.max.unwrap_or(u64::from(self.ev.ctx.max_hops));
                if p.reach {
                    return self.reach(pi, si, st, cur, min, max, &filter, row, states, used, emit);
                }
                let mut walk = Vec::new();
                self.var_walk(
                    pi, si, st, cur, min, max, &filter, &mut walk, row, states, used, emit,
                )
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn var_walk(
        &self,
        pi: usize,
        si: usize,
        st: Step,
        cur: NodeIndex,
        min: u64,
        max: u64,
        filter: &RelFilter,
        walk: &mut Vec<EdgeIndex>,
        row: &mut Vec<Value>,
        states: &mut Vec<PartState>,
        used: &mut Vec<EdgeIndex>,
        emit: &mut Emit<'_>,
    ) -> Result<(), QueryError> {
        let Some(p) = self.plan.parts.get(pi) else {
            return Ok(());
        };
        let Some(rp) = p.rel(st.rel) else {
            return Ok(());
        };
        self.ev.ctx.check_cancel()?;
        let depth = walk.len() as u64;
        if depth >= min && self.node_ok(p, pi, st.to, cur, row)? {
            let mut in_order = walk.clone();
            if !st.rightward() {
                in_order.reverse();
            }
            let list = Value::List(in_order.iter().map(|e| Value::Rel(*e)).collect());
            let ok = match p.rels.get(st.rel) {
                Some(VarUse::Bound(s)) => row
                    .get(*s)
                    .is_some_and(|v| v.cypher_eq(&list) == Some(true)),
                Some(VarUse::New(s)) => {
                    if let Some(v) = row.get_mut(*s) {
                        *v = list;
                    }
                    true
                }
                _ => true,
            };
            if ok {
                self.bind_node(p, pi, st.to, cur, row, states);
                if self.filters_ok(p, st.to, row)? {
                    if let Some(x) = states.get_mut(pi).and_then(|x| x.rels.get_mut(st.rel)) {
                        *x = in_order;
                    }
                    self.step(pi, si + 1, row, states, used, emit)?;
                }
            }
        }
        if depth >= max {
            return Ok(());
        }
        for (e, other, r, _) in self.edges(cur, rp.direction, st.rightward(), filter) {
            if used.contains(&e) || !self.rel_ok(p, st.rel, filter, e, r, row)? {
                continue;
            }
            used.push(e);
            walk.push(e);
            let res = self.var_walk(
                pi, si, st, other, min, max, filter, walk, row, states, used, emit,
            );
            walk.pop();
            used.pop();
            res?;
        }
        Ok(())
    }

    /// A variable-length relationship planned as reachability: every node
    /// reachable from `start` by a trail of `min..=max` relationships
    /// (`min` is 0 or 1), each once, breadth-first. A shortest walk to a
    /// node is a trail; `start` itself is reached again (min 1) when a
    /// relationship from a node within `max - 1` steps leads back to it,
    /// which closes a trail since the walk is directed.
    #[allow(clippy::too_many_arguments)]
    fn reach(
        &self,
        pi: usize,
        si: usize,
        st: Step,
        start: NodeIndex,
        min: u64,
        max: u64,
        filter: &RelFilter,
        row: &mut Vec<Value>,
        states: &mut Vec<PartState>,
        used: &mut Vec<EdgeIndex>,
        emit: &mut Emit<'_>,
    ) -> Result<(), QueryError> {
        let Some(p) = self.plan.parts.get(pi) else {
            return Ok(());
        };
        let Some(rp) = p.rel(st.rel) else {
            return Ok(());
        };
        let mut seen: HashSet<NodeIndex> = {
            let mut s = HashSet::new();
            s.insert(start);
            s
        };
        let mut frontier = vec![start];
        let mut next = Vec::new();
        let mut back_to_start = false;
        let mut depth = 0;
        let mut ends: Vec<NodeIndex> = Vec::new();
        if min == 0 {
            ends.push(start);
        }
        while depth < max && !frontier.is_empty() {
            for &n in &frontier {
                for (e, other, r, _) in self.edges(n, rp.direction, st.rightward(), filter) {
                    if !self.rel_ok(p, st.rel, filter, e, r, row)? {
                        continue;
                    }
                    if other == start {
                        back_to_start = true;
                    }
                    if seen.insert(other) {
                        next.push(other);
                    }
                }
            }
            ends.extend_from_slice(&next);
            std::mem::swap(&mut frontier, &mut next);
            next.clear();
            depth += 1;
        }
        if min >= 1 && back_to_start {
            ends.push(start);
        }
        for t in ends {
            if !self.node_ok(p, pi, st.to, t, row)? {
                continue;
            }
            self.bind_node(p, pi, st.to, t, row, states);
            if !self.filters_ok(p, st.to, row)? {
                continue;
            }
            self.step(pi, si + 1, row, states, used, emit)?;
        }
        Ok(())
    }

    /// The one node a position can match, when the pattern pins it down
    /// before matching (a bound variable, or `{id: ...}`): `Some(None)`
    /// when that node does not exist, `None` when the position is not
    /// pinned.
    fn pinned(
        &self,
        p: &PartPlan<'q>,
        at: usize,
        row: &[Value],
    ) -> Result<Option<Option<NodeIndex>>, QueryError> {
        if let Some(VarUse::Bound(s)) = p.nodes.get(at) {
            return Ok(Some(match row.get(*s) {
                Some(Value::Node(n)) => Some(*n),
                _ => None,
            }));
        }
        let Some(e) = p.node(at).and_then(|n| super::plan::id_expr(n)) else {
            return Ok(None);
        };
        Ok(match self.ev.eval(e, &Env::new(self.names, row))? {
            Value::Str(s) => Some(self.ev.graph.by_id(&s)),
            Value::Null => Some(None),
            _ => None,
        })
    }

    /// `shortestPath` between two known nodes: breadth-first from both
    /// ends, a whole level of the smaller frontier at a time, until they
    /// meet. The first level where they meet gives a shortest path.
    /// `None` when the search gave up (more than `max` steps).
    #[allow(clippy::too_many_arguments)]
    fn shortest_between(
        &self,
        pi: usize,
        st: Step,
        start: NodeIndex,
        target: NodeIndex,
        max: u64,
        filter: &RelFilter,
        row: &[Value],
    ) -> Result<Option<Vec<EdgeIndex>>, QueryError> {
        let Some(p) = self.plan.parts.get(pi) else {
            return Ok(None);
        };
        let Some(rp) = p.rel(st.rel) else {
            return Ok(None);
        };
        // Each side: node -> (the node it was reached from, by which edge).
        let mut fwd: HashMap<NodeIndex, Option<(NodeIndex, EdgeIndex)>> = HashMap::new();
        fwd.insert(start, None);
        let mut bwd: HashMap<NodeIndex, Option<(NodeIndex, EdgeIndex)>> = HashMap::new();
        bwd.insert(target, None);
        let mut ff = vec![start];
        let mut bf = vec![target];
        let mut steps = 0;
        let mut meet = None;
        while steps < max && meet.is_none() && !ff.is_empty() && !bf.is_empty() {
            let forward = ff.len() <= bf.len();
            let (frontier, seen, other) = if forward {
                (&mut ff, &mut fwd, &bwd)
            } else {
                (&mut bf, &mut bwd, &fwd)
            };
            let mut next = Vec::new();
            'level: for &n in frontier.iter() {
                for (e, o, r, _) in self.edges(n, rp.direction, st.rightward() == forward, filter) {
                    if seen.contains_key(&o) || !self.rel_ok(p, st.rel, filter, e, r, row)? {
                        continue;
                    }
                    seen.insert(o, Some((n, e)));
                    if other.contains_key(&o) {
                        meet = Some(o);
                        break 'level;
                    }
                    next.push(o);
                }
            }
            *frontier = next;
            steps += 1;
        }
        let Some(m) = meet else { return Ok(None) };
        let mut edges = Vec::new();
        let mut at = m;
        while let Some(Some((prev, e))) = fwd.get(&at) {
            edges.push(*e);
            at = *prev;
        }
        edges.reverse();
        let mut at = m;
        while let Some(Some((next, e))) = bwd.get(&at) {
            edges.push(*e);
            at = *next;
        }
        Ok(Some(edges))
    }

    /// `shortestPath` / `allShortestPaths`: breadth-first from the start
    /// node; every reached node that fits the end pattern gives its
    /// shortest path (or all of them).
    #[allow(clippy::too_many_arguments)]
    fn shortest(
        &self,
        pi: usize,
        si: usize,
        st: Step,
        start: NodeIndex,
        filter: &RelFilter,
        row: &mut Vec<Value>,
        states: &mut Vec<PartState>,
        used: &mut Vec<EdgeIndex>,
        emit: &mut Emit<'_>,
    ) -> Result<(), QueryError> {
        let Some(p) = self.plan.parts.get(pi) else {
            return Ok(());
        };
        let Some(rp) = p.rel(st.rel) else {
            return Ok(());
        };
        let all = p.part.kind == PathKind::AllShortest;
        let (min, max) = match rp.length {
            Some(l) => (
                l.min.unwrap_or(1),
                l.max.unwrap_or(u64::from(self.ev.ctx.max_hops)),
            ),
            None => (1, 1),
        };
        if !all && min <= 1 {
            if let Some(target) = self.pinned(p, st.to, row)? {
                let Some(t) = target else { return Ok(()) };
                if !self.node_ok(p, pi, st.to, t, row)? {
                    return Ok(());
                }
                let edges = if t == start {
                    (min == 0).then(Vec::new)
                } else {
                    self.shortest_between(pi, st, start, t, max, filter, row)?
                };
                if let Some(edges) = edges {
                    self.emit_path(pi, si, st, t, edges, row, states, used, emit)?;
                }
                return Ok(());
            }
        }
        let mut dist: HashMap<NodeIndex, u64> = HashMap::new();
        let mut preds: HashMap<NodeIndex, Vec<(NodeIndex, EdgeIndex)>> = HashMap::new();
        let mut order = vec![start];
        dist.insert(start, 0);
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            self.ev.ctx.check_cancel()?;
            let d = dist.get(&n).copied().unwrap_or(0);
            if d >= max {
                continue;
            }
            for (e, other, r, _) in self.edges(n, rp.direction, st.rightward(), filter) {
                if !self.rel_ok(p, st.rel, filter, e, r, row)? {
                    continue;
                }
                match dist.get(&other) {
                    None => {
                        dist.insert(other, d + 1);
                        preds.insert(other, vec![(n, e)]);
                        order.push(other);
                        queue.push_back(other);
                    }
                    Some(&od) if od == d + 1 && all => {
                        preds.entry(other).or_default().push((n, e));
                    }
                    _ => {}
                }
            }
        }
        for t in order {
            let d = dist.get(&t).copied().unwrap_or(0);
            if d < min || !self.node_ok(p, pi, st.to, t, row)? {
                continue;
            }
            let mut paths: Vec<Vec<EdgeIndex>> = Vec::new();
            collect_paths(t, start, &preds, &mut Vec::new(), &mut paths, all);
            for mut edges in paths {
                edges.reverse();
                self.emit_path(pi, si, st, t, edges, row, states, used, emit)?;
            }
        }
        Ok(())
    }

    /// Binds a shortest path's relationships (`edges`, in walking order)
    /// and end node `t`, then goes on with the next step.
    #[allow(clippy::too_many_arguments)]
    fn emit_path(
        &self,
        pi: usize,
        si: usize,
        st: Step,
        t: NodeIndex,
        edges: Vec<EdgeIndex>,
        row: &mut Vec<Value>,
        states: &mut Vec<PartState>,
        used: &mut Vec<EdgeIndex>,
        emit: &mut Emit<'_>,
    ) -> Result<(), QueryError> {
        let Some(p) = self.plan.parts.get(pi) else {
            return Ok(());
        };
        let Some(rp) = p.rel(st.rel) else {
            return Ok(());
        };
        if let Some(VarUse::New(s)) = p.rels.get(st.rel) {
            if let Some(v) = row.get_mut(*s) {
                *v = if rp.length.is_some() {
                    Value::List(edges.iter().map(|e| Value::Rel(*e)).collect())
                } else {
                    edges.first().map_or(Value::Null, |e| Value::Rel(*e))
                };
            }
        }
        self.bind_node(p, pi, st.to, t, row, states);
        if !self.filters_ok(p, st.to, row)? {
            return Ok(());
        }
        if let Some(x) = states.get_mut(pi).and_then(|x| x.rels.get_mut(st.rel)) {
            *x = edges;
        }
        self.step(pi, si + 1, row, states, used, emit)
    }
}

/// The edge lists from `start` to `n` along `preds` (in reverse order);
/// only the first when `all` is false.
fn collect_paths(
    n: NodeIndex,
    start: NodeIndex,
    preds: &HashMap<NodeIndex, Vec<(NodeIndex, EdgeIndex)>>,
    acc: &mut Vec<EdgeIndex>,
    out: &mut Vec<Vec<EdgeIndex>>,
    all: bool,
) {
    if n == start {
        out.push(acc.clone());
        return;
    }
    if let Some(ps) = preds.get(&n) {
        for &(m, e) in ps {
            if !all && !out.is_empty() {
                return;
            }
            acc.push(e);
            collect_paths(m, start, preds, acc, out, all);
            acc.pop();
        }
    }
}

// ----- WITH / RETURN -----------------------------------------------------

/// Whether an expression contains an aggregate call (outside nested
/// patterns).
pub(crate) fn contains_aggregate(e: &Expr) -> bool {
    let mut found = false;
    visit_aggregates(e, &mut |_| found = true);
    found
}

/// Calls `f` on every outermost aggregate call in `e`.
pub(crate) fn visit_aggregates<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    use super::ast::ExprKind as K;
    match &e.kind {
        K::CountStar => f(e),
        K::Call { name, args, .. } => {
            if functions::is_aggregate(&name.name) {
                f(e)
            } else {
                args.iter().for_each(|a| visit_aggregates(a, f))
            }
        }
        K::List(xs) => xs.iter().for_each(|a| visit_aggregates(a, f)),
        K::Map(xs) => xs.iter().for_each(|(_, a)| visit_aggregates(a, f)),
        K::Property(b, _) | K::Unary(_, b) | K::IsNull(b, _) | K::HasLabels(b, _) => {
            visit_aggregates(b, f)
        }
        K::Index(a, b) | K::Binary(_, a, b) => {
            visit_aggregates(a, f);
            visit_aggregates(b, f);
        }
        K::Slice(a, b, c) => {
            visit_aggregates(a, f);
            if let Some(b) = b {
                visit_aggregates(b, f);
            }
            if let Some(c) = c {
                visit_aggregates(c, f);
            }
        }
        K::Case {
            operand,
            whens,
            else_,
        } => {
            if let Some(o) = operand {
                visit_aggregates(o, f);
            }
            for (w, t) in whens {
                visit_aggregates(w, f);
                visit_aggregates(t, f);
            }
            if let Some(x) = else_ {
                visit_aggregates(x, f);
            }
        }
        K::ListComprehension {
            list, filter, map, ..
        } => {
            visit_aggregates(list, f);
            if let Some(x) = filter {
                visit_aggregates(x, f);
            }
            if let Some(x) = map {
                visit_aggregates(x, f);
            }
        }
        K::MapProjection { items, .. } => {
            for it in items {
                if let super::ast::MapProjectionItem::Literal(_, x) = it {
                    visit_aggregates(x, f);
                }
            }
        }
        K::Literal(_) | K::Param(_) | K::Var(_) | K::Pattern(_) => {}
    }
}

/// The items of a projection with their column names; `*` expands to the
/// variables in scope (sorted by name) before the listed items.
fn items<'p>(
    text: &str,
    proj: &'p Projection,
    names: &[String],
) -> Vec<(String, Option<&'p Expr>, Option<usize>)> {
    let mut out = Vec::new();
    if proj.star {
        let mut vars: Vec<(&String, usize)> = names
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.is_empty())
            .map(|(i, n)| (n, i))
            .collect();
        vars.sort();
        vars.dedup_by(|a, b| a.0 == b.0);
        for (n, i) in vars {
            // The last slot of that name is the visible one.
            let at = names.iter().rposition(|x| x == n).unwrap_or(i);
            out.push((n.clone(), None, Some(at)));
        }
    }
    for it in &proj.items {
        let name = match &it.alias {
            Some(a) => a.name.clone(),
            None => snippet(text, it.span).to_string(),
        };
        out.push((name, Some(&it.expr), None));
    }
    out
}

/// A projected row: its values, the input row it came from (kept when
/// the projection neither groups nor removes duplicates) and the
/// aggregate values of its group.
type Projected = (Vec<Value>, Option<Vec<Value>>, Vec<(usize, Value)>);

fn project(
    ev: &Evaluator<'_>,
    proj: &Projection,
    table: Table,
    where_: Option<&Expr>,
) -> Result<Table, QueryError> {
    let cols = items(ev.ctx.text, proj, &table.names);
    if cols.iter().any(|c| c.1.is_some_and(contains_aggregate)) {
        let mut grouper = Grouper::new(ev, &cols, &table.names);
        if let Some(first) = first_rows_by_column(ev, proj, &cols, where_) {
            grouper.keep_first(first);
        }
        for row in &table.rows {
            grouper.add(row)?;
        }
        let out = grouper.finish(proj.distinct)?;
        return finish_projection(ev, proj, &cols, &table.names, out, where_);
    }
    // Each output row with the input row it came from (for ORDER BY).
    let mut out: Vec<Projected> = Vec::with_capacity(table.rows.len());
    {
        let mut seen = HashSet::new();
        for row in table.rows {
            let env = Env::new(&table.names, &row);
            let mut vals = Vec::with_capacity(cols.len());
            for (_, e, slot) in &cols {
                vals.push(match (e, slot) {
                    (Some(e), _) => ev.eval(e, &env)?,
                    (None, Some(s)) => row.get(*s).cloned().unwrap_or(Value::Null),
                    _ => Value::Null,
                });
            }
            if proj.distinct && !seen.insert(vals.iter().map(Value::group_key).collect::<Vec<_>>())
            {
                continue;
            }
            out.push((vals, Some(row), Vec::new()));
        }
    }
    finish_projection(ev, proj, &cols, &table.names, out, where_)
}

/// ORDER BY, SKIP, LIMIT and WITH's WHERE over projected rows.
fn finish_projection(
    ev: &Evaluator<'_>,
    proj: &Projection,
    cols: &[(String, Option<&Expr>, Option<usize>)],
    old_names: &[String],
    mut out: Vec<Projected>,
    where_: Option<&Expr>,
) -> Result<Table, QueryError> {
    let new_names: Vec<String> = cols.iter().map(|c| c.0.clone()).collect();
    let empty = Env::new(&[], &[]);
    let skip = match &proj.skip {
        Some(e) => count_arg(ev, e, &empty)?,
        None => 0,
    };
    let limit = match &proj.limit {
        Some(e) => Some(count_arg(ev, e, &empty)?),
        None => None,
    };
    // ORDER BY: sees the new columns, and the old variables when the
    // projection neither aggregates nor removes duplicates.
    if !proj.order_by.is_empty() {
        let subst_exprs: Vec<(&Expr, usize)> = cols
            .iter()
            .enumerate()
            .filter_map(|(i, (_, e, _))| e.map(|e| (e, i)))
            .collect();
        let both_names: Vec<String> = old_names.iter().chain(&new_names).cloned().collect();
        let columns = sort_columns(proj, cols);
        let k = limit.map(|l| l.saturating_add(skip));
        let directions: Vec<bool> = proj.order_by.iter().map(|i| i.descending).collect();
        out = match columns {
            // Compare the columns in place: no key is built or copied.
            Some(columns) => {
                let mut rows: Vec<(usize, Projected)> = out.into_iter().enumerate().collect();
                top_sorted(&mut rows, k, |(i, a), (j, b)| {
                    let keys = columns.iter().map(|c| (a.0.get(*c), b.0.get(*c)));
                    compare_keys(keys, &directions).then(i.cmp(j))
                });
                rows.into_iter().map(|(_, r)| r).collect()
            }
            None => {
                let mut keyed = Vec::with_capacity(out.len());
                for (i, (vals, old, aggs)) in out.into_iter().enumerate() {
                    let keys = sort_keys(
                        ev,
                        &proj.order_by,
                        (&new_names, &both_names),
                        &vals,
                        old.as_deref(),
                        &subst_exprs,
                        &aggs,
                    )?;
                    keyed.push((keys, i, (vals, old, aggs)));
                }
                top_sorted(&mut keyed, k, |(a, i, _), (b, j, _)| {
                    compare_keys(
                        a.iter().zip(b).map(|(x, y)| (Some(x), Some(y))),
                        &directions,
                    )
                    .then(i.cmp(j))
                });
                keyed.into_iter().map(|(_, _, r)| r).collect()
            }
        };
    }
    let rows = out.into_iter().skip(skip).take(limit.unwrap_or(usize::MAX));
    let mut result = Table {
        names: new_names,
        rows: Vec::new(),
    };
    match where_ {
        Some(w) => {
            // WHERE after WITH sees the new columns, and the old variables
            // when the projection kept them apart row by row.
            let both: Vec<String> = old_names.iter().chain(&result.names).cloned().collect();
            for (r, old, _) in rows {
                let keep = match &old {
                    Some(old) => {
                        let row: Vec<Value> = old.iter().chain(&r).cloned().collect();
                        truthy(&ev.eval(w, &Env::new(&both, &row))?)
                    }
                    None => {
                        let subst: Vec<(&Expr, Value)> = cols
                            .iter()
                            .zip(&r)
                            .filter_map(|((_, e, _), v)| e.map(|e| (e, v.clone())))
                            .collect();
                        let env = Env {
                            subst: &subst,
                            ..Env::new(&result.names, &r)
                        };
                        truthy(&ev.eval(w, &env)?)
                    }
                };
                if keep {
                    result.rows.push(r);
                }
            }
        }
        None => result.rows = rows.map(|(v, _, _)| v).collect(),
    }
    Ok(result)
}

/// The column each ORDER BY item reads, when every item names a column or
/// repeats its expression: those sort on the column's value without
/// evaluating anything.
fn sort_columns(
    proj: &Projection,
    cols: &[(String, Option<&Expr>, Option<usize>)],
) -> Option<Vec<usize>> {
    proj.order_by
        .iter()
        .map(|item| match &item.expr.kind {
            ExprKind::Var(v) => cols.iter().rposition(|c| &c.0 == v),
            _ => cols.iter().position(|c| c.1 == Some(&item.expr)),
        })
        .collect()
}

/// When an aggregating projection keeps only its first `k` rows
/// (`ORDER BY c ... LIMIT k`, with `SKIP` counted in) and sorts first on
/// column `c`: `(c, descending, k)`. Groups that cannot be among the
/// first `k` by that column alone need not be made.
fn first_rows_by_column(
    ev: &Evaluator<'_>,
    proj: &Projection,
    cols: &[(String, Option<&Expr>, Option<usize>)],
    where_: Option<&Expr>,
) -> Option<(usize, bool, usize)> {
    if where_.is_some() || proj.distinct {
        return None;
    }
    let empty = Env::new(&[], &[]);
    let limit = count_arg(ev, proj.limit.as_ref()?, &empty).ok()?;
    let skip = match &proj.skip {
        Some(e) => count_arg(ev, e, &empty).ok()?,
        None => 0,
    };
    let first = *sort_columns(proj, cols)?.first()?;
    let descending = proj.order_by.first()?.descending;
    Some((first, descending, limit.saturating_add(skip)))
}

/// Sorts `rows` by `cmp`, keeping only the first `k` when given. `cmp`
/// must break ties by input position: picking the first `k` rows before
/// sorting them then gives the rows a full stable sort would.
fn top_sorted<T>(
    rows: &mut Vec<T>,
    k: Option<usize>,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Copy,
) {
    if let Some(k) = k {
        if k == 0 {
            rows.clear();
        } else if k < rows.len() {
            rows.select_nth_unstable_by(k - 1, cmp);
            rows.truncate(k);
        }
    }
    rows.sort_unstable_by(cmp);
}

/// Compares sort keys pairwise in openCypher order, each reversed when
/// its item is `DESC`; a missing value sorts as null.
fn compare_keys<'v>(
    keys: impl Iterator<Item = (Option<&'v Value>, Option<&'v Value>)>,
    descending: &[bool],
) -> std::cmp::Ordering {
    for ((x, y), desc) in keys.zip(descending) {
        let (x, y) = (x.unwrap_or(&Value::Null), y.unwrap_or(&Value::Null));
        let o = x.order_cmp(y);
        let o = if *desc { o.reverse() } else { o };
        if o != std::cmp::Ordering::Equal {
            return o;
        }
    }
    std::cmp::Ordering::Equal
}

fn new_acc(a: &Expr) -> Accumulator {
    match &a.kind {
        super::ast::ExprKind::Call { name, distinct, .. } => {
            Accumulator::new(Some(&name.name), *distinct)
        }
        _ => Accumulator::new(None, false),
    }
}

/// The ORDER BY keys of one projected row. `names` are the new column
/// names and the old variables followed by them; the old row `old` is
/// seen when the projection kept rows apart.
fn sort_keys(
    ev: &Evaluator<'_>,
    order: &[SortItem],
    names: (&[String], &[String]),
    vals: &[Value],
    old: Option<&[Value]>,
    subst_exprs: &[(&Expr, usize)],
    aggs: &[(usize, Value)],
) -> Result<Vec<Value>, QueryError> {
    let joined: Vec<Value>;
    let (names, row): (&[String], &[Value]) = match old {
        Some(old) => {
            joined = old.iter().chain(vals).cloned().collect();
            (names.1, &joined)
        }
        None => (names.0, vals),
    };
    let subst: Vec<(&Expr, Value)> = subst_exprs
        .iter()
        .filter(|(e, _)| !matches!(e.kind, super::ast::ExprKind::Var(_)) || old.is_none())
        .map(|(e, i)| (*e, vals.get(*i).cloned().unwrap_or(Value::Null)))
        .collect();
    let env = Env {
        subst: &subst,
        aggs,
        ..Env::new(names, row)
    };
    let mut keys = Vec::with_capacity(order.len());
    for item in order {
        keys.push(ev.eval(&item.expr, &env)?);
    }
    Ok(keys)
}

/// The value of `SKIP` or `LIMIT`: a non-negative integer.
fn count_arg(ev: &Evaluator<'_>, e: &Expr, env: &Env<'_>) -> Result<usize, QueryError> {
    match ev.eval(e, env)? {
        Value::Int(i) if i >= 0 => Ok(usize::try_from(i).unwrap_or(usize::MAX)),
        Value::Int(_) => Err(QueryError::runtime(
            RuntimeKind::SyntaxError,
            "NegativeIntegerArgument",
            format!("`{}` must not be negative", ev.text(e)),
            Some(e.span),
        )),
        v => Err(QueryError::runtime(
            RuntimeKind::SyntaxError,
            "InvalidArgumentType",
            format!("`{}` must be an integer, not {}", ev.text(e), v.type_name()),
            Some(e.span),
        )),
    }
}

/// The slot of the one variable that all grouping keys read, when each
/// key is that variable or a property of it (so that rows with the same
/// node or relationship there fall into the same group).
fn element_key_slot(
    cols: &[(String, Option<&Expr>, Option<usize>)],
    is_agg: &[bool],
    names: &[String],
) -> Option<usize> {
    use super::ast::ExprKind as K;
    let mut var: Option<&str> = None;
    for ((_, e, _), agg) in cols.iter().zip(is_agg) {
        if *agg {
            continue;
        }
        let v = match e.map(|e| &e.kind) {
            Some(K::Var(v)) => v,
            Some(K::Property(b, _)) => match &b.kind {
                K::Var(v) => v,
                _ => return None,
            },
            _ => return None,
        };
        if var.is_some_and(|w| w != v) {
            return None;
        }
        var = Some(v);
    }
    names.iter().rposition(|n| Some(n.as_str()) == var)
}

/// Groups rows by the non-aggregate items of a projection and feeds each
/// group's aggregates, one row at a time, so that rows can be streamed in
/// without being kept.
struct Grouper<'e, 'p> {
    ev: &'e Evaluator<'e>,
    cols: &'p [(String, Option<&'p Expr>, Option<usize>)],
    names: &'p [String],
    is_agg: Vec<bool>,
    agg_exprs: Vec<&'p Expr>,
    /// The first group of each key hash; `same_hash[g]` is the next
    /// group after `g` with the same hash (`usize::MAX`: none). Keys are
    /// compared in place, never copied into the table.
    groups: HashMap<u64, usize>,
    same_hash: Vec<usize>,
    hasher: foldhash::fast::RandomState,
    /// Whether a column computes something from an aggregate and the
    /// group's variables (`count(*) + n.x`), so that the group's first row
    /// is kept; bare aggregates need no row.
    keep_rows: bool,
    /// Per group: its key values and its first input row.
    states: Vec<(Vec<Value>, Vec<Value>)>,
    /// The accumulators of group `g` are `accs[g * agg_exprs.len()..]`.
    accs: Vec<Accumulator>,
    /// When every grouping key reads one and the same variable: rows with
    /// the same node or relationship there fall into the same group, so
    /// the keys are computed once per element.
    by_element: Option<ElementGroups>,
    /// Only the first `k` groups by aggregate `a` are wanted (see
    /// [`Grouper::keep_first`]): `(a, descending, k)`.
    first: Option<(usize, bool, usize)>,
}

/// The group of each node or relationship seen in one slot.
struct ElementGroups {
    slot: usize,
    /// Group number + 1 per node index (0: not seen yet).
    nodes: Vec<u32>,
    rels: HashMap<usize, usize>,
    /// When every aggregate is a count: the counts of each node, kept
    /// apart until the end, when the nodes' keys are computed once and
    /// nodes with equal keys add up (counts add, so this is exact).
    counts: Option<NodeCounts>,
}

/// Counts per node: `cells[n * stride]` is 1 once node `n` was seen and
/// `cells[n * stride + 1 + a]` the count of aggregate `a`; `seen` lists
/// the nodes in the order they first came.
struct NodeCounts {
    stride: usize,
    cells: Vec<i64>,
    seen: Vec<NodeIndex>,
}

impl NodeCounts {
    /// The counts of node `n`, one per aggregate; the node is marked seen.
    fn cells_of(&mut self, n: NodeIndex, graph: &Graph) -> Option<&mut [i64]> {
        if self.cells.is_empty() {
            let bound = graph.node_bound();
            self.cells = vec![0; bound * self.stride];
        }
        let at = n.index() * self.stride;
        let cells = self.cells.get_mut(at..at + self.stride)?;
        if cells[0] == 0 {
            cells[0] = 1;
            self.seen.push(n);
        }
        cells.get_mut(1..)
    }
}

impl<'e, 'p> Grouper<'e, 'p> {
    fn new(
        ev: &'e Evaluator<'e>,
        cols: &'p [(String, Option<&'p Expr>, Option<usize>)],
        names: &'p [String],
    ) -> Self {
        let is_agg: Vec<bool> = cols
            .iter()
            .map(|c| c.1.is_some_and(contains_aggregate))
            .collect();
        let mut agg_exprs: Vec<&Expr> = Vec::new();
        for (_, e, _) in cols {
            if let Some(e) = e {
                visit_aggregates(e, &mut |a| agg_exprs.push(a));
            }
        }
        let keep_rows = cols.iter().zip(&is_agg).any(|((_, e, _), agg)| {
            *agg && e.is_some_and(|e| {
                let mut bare = false;
                visit_aggregates(e, &mut |a| bare = std::ptr::eq(a, e));
                !bare
            })
        });
        let only_counts = !keep_rows
            && agg_exprs.iter().all(|a| match &a.kind {
                ExprKind::CountStar => true,
                ExprKind::Call {
                    name,
                    distinct,
                    args,
                } => !distinct && args.len() == 1 && name.name.eq_ignore_ascii_case("count"),
                _ => false,
            });
        let by_element = element_key_slot(cols, &is_agg, names).map(|slot| ElementGroups {
            slot,
            nodes: Vec::new(),
            rels: HashMap::new(),
            counts: only_counts.then(|| NodeCounts {
                stride: agg_exprs.len() + 1,
                cells: Vec::new(),
                seen: Vec::new(),
            }),
        });
        Grouper {
            ev,
            cols,
            names,
            is_agg,
            agg_exprs,
            groups: HashMap::new(),
            same_hash: Vec::new(),
            hasher: foldhash::fast::RandomState::default(),
            keep_rows,
            states: Vec::new(),
            accs: Vec::new(),
            by_element,
            first: None,
        }
    }

    /// Tells the grouper that only the first `k` rows by column `col` (and
    /// then other columns) are wanted. When the column is a bare count and
    /// rows are counted per node with a key that tells the nodes apart,
    /// nodes whose count alone puts them after the first `k` make no group.
    fn keep_first(&mut self, (col, descending, k): (usize, bool, usize)) {
        let Some(e) = self.cols.get(col).and_then(|c| c.1) else {
            return;
        };
        let agg = self.agg_exprs.iter().position(|a| std::ptr::eq(*a, e));
        if let Some(a) = agg.filter(|_| self.is_agg.get(col) == Some(&true)) {
            self.first = Some((a, descending, k));
        }
    }

    /// Whether node `n`'s key values differ from every other node's: the
    /// keys include the node itself, or its id and `n` has one.
    fn key_tells_apart(&self, n: NodeIndex) -> bool {
        use super::ast::ExprKind as K;
        self.cols
            .iter()
            .zip(&self.is_agg)
            .any(|((_, e, slot), agg)| match e.map(|e| &e.kind) {
                _ if *agg => false,
                None => slot.is_some(),
                Some(K::Var(_)) => true,
                Some(K::Property(_, key)) if key.name == "id" => {
                    let g = self.ev.graph;
                    g.every_entity_has_id() || g.entity(n).is_some_and(|e| e.id.is_some())
                }
                _ => false,
            })
    }

    /// Adds one input row to its group.
    fn add(&mut self, row: &[Value]) -> Result<(), QueryError> {
        if self.count_by_node(row)? {
            return Ok(());
        }
        let at = match self.element_group(row) {
            Some(at) => at,
            None => {
                let at = self.group_of(row)?;
                self.remember_element(row, at);
                at
            }
        };
        self.feed(at, row)
    }

    /// Counts the row under its node when counting by node; false when the
    /// row is not counted that way.
    fn count_by_node(&mut self, row: &[Value]) -> Result<bool, QueryError> {
        let ev = self.ev;
        let Some(by) = self.by_element.as_mut() else {
            return Ok(false);
        };
        let (Some(counts), Some(Value::Node(n))) = (by.counts.as_mut(), row.get(by.slot)) else {
            return Ok(false);
        };
        let Some(cells) = counts.cells_of(*n, ev.graph) else {
            return Ok(false);
        };
        let env = Env::new(self.names, row);
        for (a, cell) in self.agg_exprs.iter().zip(cells) {
            let counted = match &a.kind {
                ExprKind::Call { args, .. } => match args.first() {
                    Some(x) => !ev.eval(x, &env)?.is_null(),
                    None => true,
                },
                _ => true,
            };
            *cell += i64::from(counted);
        }
        Ok(true)
    }

    /// When rows are counted per node: the slot of the node variable the
    /// keys read, and the variables the aggregates count (`count(v)`;
    /// `count(*)` adds none). `None` when an aggregate counts anything
    /// else, which needs the rows.
    fn counts_per_node(&self) -> Option<(usize, Vec<&'p str>)> {
        let by = self.by_element.as_ref()?;
        by.counts.as_ref()?;
        let mut vars = Vec::new();
        for a in &self.agg_exprs {
            match &a.kind {
                ExprKind::CountStar => {}
                ExprKind::Call { args, .. } => match args.first().map(|x| &x.kind) {
                    Some(ExprKind::Var(v)) => vars.push(v.as_str()),
                    _ => return None,
                },
                _ => return None,
            }
        }
        Some((by.slot, vars))
    }

    /// Adds `count` rows of node `n`, none of them null in a counted
    /// variable (see [`Grouper::counts_per_node`]).
    fn add_node_count(&mut self, n: NodeIndex, count: i64) {
        let graph = self.ev.graph;
        let Some(counts) = self.by_element.as_mut().and_then(|by| by.counts.as_mut()) else {
            return;
        };
        if let Some(cells) = counts.cells_of(n, graph) {
            cells.iter_mut().for_each(|c| *c += count);
        }
    }

    /// Turns the counts kept per node into groups.
    fn merge_node_counts(&mut self) -> Result<(), QueryError> {
        let Some(by) = self.by_element.as_mut() else {
            return Ok(());
        };
        let (slot, Some(mut counts)) = (by.slot, by.counts.take()) else {
            return Ok(());
        };
        let k = self.agg_exprs.len();
        let mut seen = std::mem::take(&mut counts.seen);
        let count = |n: NodeIndex, a: usize| {
            counts
                .cells
                .get(n.index() * counts.stride + 1 + a)
                .copied()
                .unwrap_or(0)
        };
        // Nodes told apart by their keys are groups by themselves when no
        // group exists yet (rows without a node there made none).
        let fresh = self.states.is_empty();
        if let Some((a, descending, first)) = self.first.filter(|f| fresh && f.2 > 0) {
            // Of the nodes that are groups by themselves, those whose count
            // is worse than the `first`-th best cannot be among the first.
            let mut alone: Vec<i64> = seen
                .iter()
                .filter(|n| self.key_tells_apart(**n))
                .map(|n| count(*n, a))
                .collect();
            if alone.len() > first {
                let (_, t, _) = if descending {
                    alone.select_nth_unstable_by(first - 1, |x, y| y.cmp(x))
                } else {
                    alone.select_nth_unstable(first - 1)
                };
                let t = *t;
                seen.retain(|n| {
                    let c = count(*n, a);
                    (if descending { c >= t } else { c <= t }) || !self.key_tells_apart(*n)
                });
            }
        }
        let mut row = vec![Value::Null; self.names.len()];
        for n in seen {
            if let Some(v) = row.get_mut(slot) {
                *v = Value::Node(n);
            }
            let g = if fresh && self.key_tells_apart(n) {
                let keys = self.key_values(&row)?;
                self.push_group(keys, &row, None)?
            } else {
                self.group_of(&row)?
            };
            let at = n.index() * counts.stride + 1;
            let cells = counts.cells.get(at..at + k).unwrap_or(&[]);
            let accs = self.accs.iter_mut().skip(g * k).take(k);
            for (acc, c) in accs.zip(cells) {
                acc.add_count(*c);
            }
        }
        Ok(())
    }

    /// The group already found for the row's element, if any.
    fn element_group(&self, row: &[Value]) -> Option<usize> {
        let by = self.by_element.as_ref()?;
        match row.get(by.slot)? {
            Value::Node(n) => match by.nodes.get(n.index()) {
                Some(&g) if g > 0 => Some(g as usize - 1),
                _ => None,
            },
            Value::Rel(r) => by.rels.get(&r.index()).copied(),
            _ => None,
        }
    }

    fn remember_element(&mut self, row: &[Value], at: usize) {
        let Some(by) = self.by_element.as_mut() else {
            return;
        };
        match row.get(by.slot) {
            Some(Value::Node(n)) => {
                let Ok(g) = u32::try_from(at + 1) else {
                    return;
                };
                if by.nodes.is_empty() {
                    by.nodes = vec![0; self.ev.graph.node_bound()];
                }
                if let Some(slot) = by.nodes.get_mut(n.index()) {
                    *slot = g;
                }
            }
            Some(Value::Rel(r)) => {
                by.rels.insert(r.index(), at);
            }
            _ => {}
        }
    }

    /// The group of a row, by its key values (created when new).
    fn group_of(&mut self, row: &[Value]) -> Result<usize, QueryError> {
        let keys = self.key_values(row)?;
        let hash = {
            let mut h = std::hash::BuildHasher::build_hasher(&self.hasher);
            keys.iter().for_each(|k| k.group_hash(&mut h));
            std::hash::Hasher::finish(&h)
        };
        let first = self.groups.get(&hash).copied();
        let mut at = first.unwrap_or(usize::MAX);
        while let Some((group_keys, _)) = self.states.get(at) {
            if group_keys.iter().zip(&keys).all(|(a, b)| a.group_eq(b)) {
                return Ok(at);
            }
            at = self.same_hash.get(at).copied().unwrap_or(usize::MAX);
        }
        self.push_group(keys, row, Some((hash, first)))
    }

    /// The grouping key values of a row (null in aggregate columns).
    fn key_values(&self, row: &[Value]) -> Result<Vec<Value>, QueryError> {
        let env = Env::new(self.names, row);
        let mut keys = Vec::with_capacity(self.cols.len());
        for ((_, e, slot), agg) in self.cols.iter().zip(&self.is_agg) {
            match (e, slot) {
                (Some(_), _) if *agg => keys.push(Value::Null),
                (Some(e), _) => keys.push(self.ev.eval(e, &env)?),
                (None, Some(s)) => keys.push(row.get(*s).cloned().unwrap_or(Value::Null)),
                _ => keys.push(Value::Null),
            }
        }
        Ok(keys)
    }

    /// Makes a new group with these keys, findable by `hash` when given
    /// (`(hash, the first group with that hash)`).
    fn push_group(
        &mut self,
        keys: Vec<Value>,
        row: &[Value],
        hash: Option<(u64, Option<usize>)>,
    ) -> Result<usize, QueryError> {
        self.ev.ctx.check_rows(
            self.states.len() + 1,
            || "the groups of an aggregation".to_string(),
            None,
        )?;
        let row = if self.keep_rows {
            row.to_vec()
        } else {
            Vec::new()
        };
        self.states.push((keys, row));
        let at = self.states.len() - 1;
        self.same_hash
            .push(hash.and_then(|(_, first)| first).unwrap_or(usize::MAX));
        self.accs.extend(self.agg_exprs.iter().map(|a| new_acc(a)));
        if let Some((hash, _)) = hash {
            self.groups.insert(hash, at);
        }
        Ok(at)
    }

    /// Feeds a row to the aggregates of group `at`.
    fn feed(&mut self, at: usize, row: &[Value]) -> Result<(), QueryError> {
        let ev = self.ev;
        let env = Env::new(self.names, row);
        let n = self.agg_exprs.len();
        let accs = self.accs.iter_mut().skip(at * n).take(n);
        for (a, acc) in self.agg_exprs.iter().zip(accs) {
            let v = match &a.kind {
                super::ast::ExprKind::Call { args, .. } => match args.first() {
                    Some(x) => ev.eval(x, &env)?,
                    None => Value::Null,
                },
                _ => Value::Null,
            };
            acc.add(v, ev, a)?;
        }
        Ok(())
    }

    /// The projected rows, one per group (one row of aggregates over
    /// nothing when there were no rows and no grouping keys).
    fn finish(mut self, distinct: bool) -> Result<Vec<Projected>, QueryError> {
        self.merge_node_counts()?;
        let ev = self.ev;
        let has_keys = self.is_agg.contains(&false);
        if self.states.is_empty() && !has_keys {
            self.states
                .push((vec![Value::Null; self.cols.len()], Vec::new()));
            self.accs.extend(self.agg_exprs.iter().map(|a| new_acc(a)));
        }
        let n = self.agg_exprs.len();
        let mut accs = self.accs.into_iter();
        let mut out = Vec::with_capacity(self.states.len());
        for (keys, first_row) in self.states {
            let aggs: Vec<(usize, Value)> = self
                .agg_exprs
                .iter()
                .zip(accs.by_ref().take(n))
                .map(|(a, acc)| (*a as *const Expr as usize, acc.finish()))
                .collect();
            // The key values are in place; aggregate columns take their
            // value, computed from the group's first row when needed.
            let mut vals = keys;
            for (((_, e, _), val), agg) in self.cols.iter().zip(&mut vals).zip(&self.is_agg) {
                let Some(e) = e.filter(|_| *agg) else {
                    continue;
                };
                let address = e as *const Expr as usize;
                *val = match aggs.iter().find(|(a, _)| *a == address) {
                    Some((_, v)) => v.clone(),
                    None => {
                        let env = Env {
                            aggs: &aggs,
                            ..Env::new(self.names, &first_row)
                        };
                        ev.eval(e, &env)?
                    }
                };
            }
            out.push((vals, None, aggs));
        }
        if distinct {
            let mut seen = HashSet::new();
            out.retain(|(vals, _, _)| {
                seen.insert(vals.iter().map(Value::group_key).collect::<Vec<_>>())
            });
        }
        Ok(out)
    }
}
