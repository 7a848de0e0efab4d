//! MATCH patterns -> plans: for each pattern part, where matching starts
//! (the anchor) and the order in which its relationships are expanded.
//!
//! The anchor is, in order of preference: a node bound by an earlier
//! clause or part, a node with `{id: ...}` (the id index), a node with
//! `{name: ...}` (the name index, then an exact check), the node with the
//! rarest label, else every node. From the anchor the chain is expanded to
//! the right end, then to the left end.
//!
//! What the rest of the query allows ([`Hints`]) changes two things: a
//! `WHERE` made only of conditions that cannot fail is split into its
//! conjuncts, and each conjunct on a single node variable is checked as
//! soon as that node is bound (the whole `WHERE` is still checked on each
//! match); and a lone variable-length relationship whose trails are not
//! seen (no relationship or path variable) and whose rows only reach a
//! `DISTINCT` projection is matched by breadth-first reachability, each
//! end node once, instead of by enumerating trails.

use std::fmt;

use super::ast::{
    BinaryOp, Clause, Direction, Expr, ExprKind, NodePattern, PathKind, PatternPart, RelPattern,
};
use super::Params;
use crate::graph::Graph;

/// What the planner may assume from outside the pattern.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'q> {
    /// The MATCH's `WHERE` condition.
    pub where_: Option<&'q Expr>,
    /// Only the distinct rows of this MATCH matter: how many times a row
    /// repeats is not seen by the rest of the query.
    pub distinct_rows: bool,
    /// The statement's parameters, when known (a condition with a missing
    /// parameter is not moved).
    pub params: Option<&'q Params>,
}

/// Whether the rows of the MATCH at `clauses[at]` reach a `DISTINCT`
/// projection without aggregates, through MATCH and UNWIND clauses only:
/// then how often a row repeats is never seen.
pub fn distinct_rows_after(clauses: &[Clause], at: usize) -> bool {
    for c in clauses.iter().skip(at + 1) {
        match c {
            Clause::Match(_) | Clause::Unwind(_) => {}
            Clause::With(w) => return projection_dedups(&w.projection),
            Clause::Return(r) => return projection_dedups(&r.projection),
            _ => return false,
        }
    }
    false
}

fn projection_dedups(p: &super::ast::Projection) -> bool {
    p.distinct
        && !p
            .items
            .iter()
            .any(|it| super::eval::contains_aggregate(&it.expr))
}

/// How a pattern position uses its variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarUse {
    /// No variable.
    Anon,
    /// A variable bound here for the first time, stored in this slot.
    New(usize),
    /// A variable bound before (earlier clause, part or position): the
    /// match must equal the value in this slot.
    Bound(usize),
}

impl VarUse {
    /// The slot, if there is a variable.
    pub fn slot(self) -> Option<usize> {
        match self {
            VarUse::Anon => None,
            VarUse::New(s) | VarUse::Bound(s) => Some(s),
        }
    }
}

/// Where a part's matching starts.
#[derive(Debug, Clone)]
pub enum Anchor<'q> {
    /// The node in this slot.
    Bound(usize),
    /// The entity whose id is the value of this expression.
    Id(&'q Expr),
    /// The entities whose name or alias is the value of this expression.
    Name(&'q Expr),
    /// The entities with this label.
    Label(&'q str),
    /// Every entity.
    All,
    /// The relationships of these types (the first step's), from the
    /// relationship-type index; the anchor is the end each leaves from.
    Edges(Vec<&'q str>),
}

/// One expansion: relationship `rel` from node position `from` to `to`
/// (`to` is `from + 1` going right, `from - 1` going left).
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// The relationship position in the chain.
    pub rel: usize,
    /// The node position expanded from.
    pub from: usize,
    /// The node position reached.
    pub to: usize,
}

impl Step {
    /// Whether the step walks the chain left to right.
    pub fn rightward(&self) -> bool {
        self.to > self.from
    }
}

/// The plan of one pattern part.
#[derive(Debug, Clone)]
pub struct PartPlan<'q> {
    /// The part.
    pub part: &'q PatternPart,
    /// The node position matching starts at.
    pub anchor_at: usize,
    /// How the anchor's candidates are found.
    pub anchor: Anchor<'q>,
    /// Each node position's variable use.
    pub nodes: Vec<VarUse>,
    /// Each relationship position's variable use.
    pub rels: Vec<VarUse>,
    /// The path variable's use.
    pub path: VarUse,
    /// The expansions in order.
    pub steps: Vec<Step>,
    /// Conditions checked as soon as the node at each position is bound.
    pub filters: Vec<Vec<&'q Expr>>,
    /// The part's one variable-length relationship is matched as
    /// reachability: each end node once, not each trail.
    pub reach: bool,
    /// Node patterns as text, for display.
    node_text: Vec<String>,
    /// Relationship patterns as text, for display.
    rel_text: Vec<String>,
}

impl<'q> PartPlan<'q> {
    /// The node pattern at a position.
    pub fn node(&self, at: usize) -> Option<&'q NodePattern> {
        if at == 0 {
            Some(&self.part.element.start)
        } else {
            self.part.element.chain.get(at - 1).map(|(_, n)| n)
        }
    }

    /// The relationship pattern at a position.
    pub fn rel(&self, at: usize) -> Option<&'q RelPattern> {
        self.part.element.chain.get(at).map(|(r, _)| r)
    }
}

/// The plan of a whole MATCH (or MERGE) pattern: its parts in order.
#[derive(Debug, Clone)]
pub struct MatchPlan<'q> {
    /// The parts, matched one after another.
    pub parts: Vec<PartPlan<'q>>,
}

/// Plans `parts`. `scope` holds the slot names bound before; new variables
/// are appended to it in the order they are first bound.
pub fn plan_pattern<'q>(
    graph: &Graph,
    parts: &'q [PatternPart],
    scope: &mut Vec<String>,
) -> MatchPlan<'q> {
    plan_match(graph, parts, scope, &Hints::default())
}

/// Plans `parts` using what `hints` says about the rest of the query.
pub fn plan_match<'q>(
    graph: &Graph,
    parts: &'q [PatternPart],
    scope: &mut Vec<String>,
    hints: &Hints<'q>,
) -> MatchPlan<'q> {
    let conjuncts = hints
        .where_
        .and_then(|w| safe_conjuncts(w, hints.params))
        .unwrap_or_default();
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        out.push(plan_part(graph, part, scope, &conjuncts));
    }
    // Push each single-variable condition to where its node is first bound.
    for (var, e) in conjuncts {
        let Some(slot) = scope.iter().rposition(|n| n == var) else {
            continue;
        };
        'parts: for p in &mut out {
            for (at, u) in p.nodes.iter().enumerate() {
                if *u == VarUse::New(slot) {
                    if let Some(f) = p.filters.get_mut(at) {
                        f.push(e);
                    }
                    break 'parts;
                }
            }
        }
    }
    let one_rel = parts.len() == 1 && parts.iter().all(|p| p.element.chain.len() == 1);
    if hints.distinct_rows && one_rel {
        for p in &mut out {
            p.reach = reachability_applies(p);
        }
    }
    MatchPlan { parts: out }
}

/// Whether a MATCH's matches can be counted per node instead of made
/// into rows, when the aggregation after it keys on the node in
/// `key_slot` and only counts rows or the variables in `counted`.
///
/// It can when the MATCH is one plain part of one fixed-length
/// relationship, anchored at the key node (bound here for the first
/// time), with no `WHERE` and no path variable, and every counted
/// variable is bound by this part (so never null). Each anchor node's
/// count is then its number of matching relationships: with the typed
/// adjacency index and nothing else to check, the length of its list.
pub fn counts_per_anchor(
    m: &super::ast::Match,
    plan: &MatchPlan<'_>,
    key_slot: usize,
    counted: &[&str],
    scope: &[String],
) -> bool {
    let [p] = plan.parts.as_slice() else {
        return false;
    };
    let (Some(rel), [step]) = (p.rel(0), p.steps.as_slice()) else {
        return false;
    };
    let other = p.nodes.get(step.to).copied();
    let fresh = |u: Option<VarUse>| matches!(u, Some(VarUse::Anon | VarUse::New(_)));
    let bound_here = [
        Some(key_slot),
        other.and_then(VarUse::slot),
        p.rels.first().and_then(|u| u.slot()),
    ];
    !m.optional
        && m.where_.is_none()
        && p.part.kind == PathKind::Plain
        && p.path == VarUse::Anon
        && rel.length.is_none()
        && p.filters.iter().all(Vec::is_empty)
        && step.from == p.anchor_at
        && p.nodes.get(p.anchor_at) == Some(&VarUse::New(key_slot))
        && fresh(other)
        && fresh(p.rels.first().copied())
        && counted.iter().all(|v| {
            let slot = scope.iter().rposition(|n| n == v);
            slot.is_some() && bound_here.contains(&slot)
        })
}

/// Whether a part's variable-length relationship can be matched as
/// reachability: plain pattern, lower bound 0 or 1, directed, and neither
/// the relationship list nor the path is named.
fn reachability_applies(p: &PartPlan<'_>) -> bool {
    let Some(r) = p.rel(0) else { return false };
    p.part.kind == PathKind::Plain
        && p.path == VarUse::Anon
        && p.rels.first() == Some(&VarUse::Anon)
        && r.direction != Direction::Both
        && r.length.is_some_and(|l| l.min.unwrap_or(1) <= 1)
}

/// The conjuncts of `w` with the one variable each reads, when every
/// conjunct is a condition that cannot fail (so that checking one early
/// can neither hide nor raise an error); `None` otherwise.
fn safe_conjuncts<'q>(w: &'q Expr, params: Option<&Params>) -> Option<Vec<(&'q str, &'q Expr)>> {
    let mut all = Vec::new();
    split_and(w, &mut all);
    let mut out = Vec::new();
    for c in all {
        let mut vars = Vec::new();
        if !safe_condition(c, params, &mut vars) {
            return None;
        }
        vars.sort_unstable();
        vars.dedup();
        if let [v] = vars.as_slice() {
            out.push((*v, c));
        }
    }
    Some(out)
}

fn split_and<'q>(e: &'q Expr, out: &mut Vec<&'q Expr>) {
    match &e.kind {
        ExprKind::Binary(BinaryOp::And, a, b) => {
            split_and(a, out);
            split_and(b, out);
        }
        _ => out.push(e),
    }
}

/// `a = b`, `a <> b`, `a IS [NOT] NULL`, `n:Label` over variables,
/// properties of variables, literals and given parameters.
fn safe_condition<'q>(e: &'q Expr, params: Option<&Params>, vars: &mut Vec<&'q str>) -> bool {
    match &e.kind {
        ExprKind::Binary(BinaryOp::Eq | BinaryOp::Ne, a, b) => {
            safe_operand(a, params, vars) && safe_operand(b, params, vars)
        }
        ExprKind::IsNull(a, _) => safe_operand(a, params, vars),
        ExprKind::HasLabels(a, _) => {
            matches!(&a.kind, ExprKind::Var(_)) && safe_operand(a, params, vars)
        }
        _ => false,
    }
}

fn safe_operand<'q>(e: &'q Expr, params: Option<&Params>, vars: &mut Vec<&'q str>) -> bool {
    match &e.kind {
        ExprKind::Literal(_) => true,
        ExprKind::Param(p) => params.is_some_and(|ps| ps.contains_key(p)),
        ExprKind::Var(v) => {
            vars.push(v);
            true
        }
        ExprKind::Property(b, _) => match &b.kind {
            ExprKind::Var(v) => {
                vars.push(v);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

fn node_at(part: &PatternPart, at: usize) -> Option<&NodePattern> {
    if at == 0 {
        Some(&part.element.start)
    } else {
        part.element.chain.get(at - 1).map(|(_, n)| n)
    }
}

/// A value expression that does not depend on the row: a literal or a
/// parameter.
fn constant(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Literal(_) | ExprKind::Param(_))
}

fn prop_expr<'q>(n: &'q NodePattern, key: &str) -> Option<&'q Expr> {
    match &n.props.as_ref()?.kind {
        ExprKind::Map(items) => items
            .iter()
            .find(|(k, v)| k.name == key && constant(v))
            .map(|(_, v)| v),
        _ => None,
    }
}

/// The constant `{id: ...}` of a node pattern.
pub fn id_expr(n: &NodePattern) -> Option<&Expr> {
    prop_expr(n, "id")
}

fn plan_part<'q>(
    graph: &Graph,
    part: &'q PatternPart,
    scope: &mut Vec<String>,
    conjuncts: &[(&'q str, &'q Expr)],
) -> PartPlan<'q> {
    let len = part.element.chain.len() + 1;
    let bound = |n: &NodePattern| n.var.as_ref().is_some_and(|v| scope.contains(&v.name));
    // Pick the anchor: the best kind of index, then the fewest entities
    // (a label's count, halved for each condition on that node).
    let mut best: ((u8, usize), usize, Anchor<'q>) = ((u8::MAX, usize::MAX), 0, Anchor::All);
    let positions: Vec<usize> = if part.kind == PathKind::Plain {
        (0..len).collect()
    } else {
        vec![0]
    };
    for &at in &positions {
        let Some(n) = node_at(part, at) else { continue };
        let (rank, anchor) = if bound(n) {
            ((0, 0), Anchor::Bound(0))
        } else if let Some(e) = prop_expr(n, "id") {
            ((1, 0), Anchor::Id(e))
        } else if let Some(e) = prop_expr(n, "name") {
            ((2, 0), Anchor::Name(e))
        } else if let Some(l) = n
            .labels
            .iter()
            .min_by_key(|l| graph.sym(&l.name).map_or(0, |s| graph.with_label(s).len()))
        {
            let count = graph.sym(&l.name).map_or(0, |s| graph.with_label(s).len());
            let conditions = n.var.as_ref().map_or(0, |v| {
                conjuncts.iter().filter(|(c, _)| *c == v.name).count()
            });
            // Rarer labels rank better; every label beats a full scan.
            (
                (3, count >> conditions.min(16)),
                Anchor::Label(l.name.as_str()),
            )
        } else {
            ((5, 0), Anchor::All)
        };
        if rank < best.0 {
            best = (rank, at, anchor);
        }
    }
    let (_, anchor_at, mut anchor) = best;
    let mut steps = Vec::with_capacity(len);
    for i in anchor_at..len - 1 {
        steps.push(Step {
            rel: i,
            from: i,
            to: i + 1,
        });
    }
    for i in (1..=anchor_at).rev() {
        steps.push(Step {
            rel: i - 1,
            from: i,
            to: i - 1,
        });
    }
    // With no better anchor, a typed first step is matched from the
    // relationship-type index: only those relationships, not every
    // node's relationships.
    if matches!(anchor, Anchor::All) && part.kind == PathKind::Plain {
        if let Some((r, _)) = steps.first().and_then(|st| part.element.chain.get(st.rel)) {
            let bound_rel = r.var.as_ref().is_some_and(|v| scope.contains(&v.name));
            if !r.types.is_empty() && r.length.is_none() && !bound_rel {
                let mut types: Vec<&'q str> = r.types.iter().map(|t| t.name.as_str()).collect();
                types.sort_unstable();
                types.dedup();
                anchor = Anchor::Edges(types);
            }
        }
    }
    // Assign slots in traversal order.
    let use_of = |var: Option<&str>, scope: &mut Vec<String>| -> VarUse {
        match var {
            None => VarUse::Anon,
            Some(v) => match scope.iter().rposition(|n| n == v) {
                Some(s) => VarUse::Bound(s),
                None => {
                    scope.push(v.to_string());
                    VarUse::New(scope.len() - 1)
                }
            },
        }
    };
    let mut nodes = vec![VarUse::Anon; len];
    let mut rels = vec![VarUse::Anon; len - 1];
    if let Some(slot) = nodes.get_mut(anchor_at) {
        *slot = use_of(var_name(node_at(part, anchor_at)), scope);
    }
    if let (Anchor::Bound(_), Some(s)) = (&anchor, nodes.get(anchor_at).and_then(|u| u.slot())) {
        anchor = Anchor::Bound(s);
    }
    for st in &steps {
        let rv = part
            .element
            .chain
            .get(st.rel)
            .and_then(|(r, _)| r.var.as_ref())
            .map(|v| v.name.as_str());
        if let Some(slot) = rels.get_mut(st.rel) {
            *slot = use_of(rv, scope);
        }
        let u = use_of(var_name(node_at(part, st.to)), scope);
        if let Some(slot) = nodes.get_mut(st.to) {
            *slot = u;
        }
    }
    let path = use_of(part.var.as_ref().map(|v| v.name.as_str()), scope);
    let node_text = (0..len)
        .map(|i| node_at(part, i).map_or(String::new(), describe_node))
        .collect();
    let rel_text = part
        .element
        .chain
        .iter()
        .map(|(r, _)| describe_rel(r))
        .collect();
    PartPlan {
        part,
        anchor_at,
        anchor,
        nodes,
        rels,
        path,
        steps,
        filters: vec![Vec::new(); len],
        reach: false,
        node_text,
        rel_text,
    }
}

fn describe_node(n: &NodePattern) -> String {
    let mut s = String::from("(");
    if let Some(v) = &n.var {
        s.push_str(&v.name);
    }
    for l in &n.labels {
        s.push(':');
        s.push_str(&l.name);
    }
    if n.props.is_some() {
        s.push_str(" {...}");
    }
    s.push(')');
    s
}

fn describe_rel(r: &RelPattern) -> String {
    let mut inner = String::new();
    if let Some(v) = &r.var {
        inner.push_str(&v.name);
    }
    for (i, t) in r.types.iter().enumerate() {
        inner.push(if i == 0 { ':' } else { '|' });
        inner.push_str(&t.name);
    }
    if let Some(len) = r.length {
        inner.push('*');
        if let Some(m) = len.min {
            inner.push_str(&m.to_string());
        }
        if len.min != len.max || len.min.is_none() {
            inner.push_str("..");
            if let Some(m) = len.max {
                inner.push_str(&m.to_string());
            }
        }
    }
    if r.props.is_some() {
        inner.push_str(" {...}");
    }
    match r.direction {
        Direction::Right => format!("-[{inner}]->"),
        Direction::Left => format!("<-[{inner}]-"),
        Direction::Both => format!("-[{inner}]-"),
    }
}

impl fmt::Display for MatchPlan<'_> {
    /// One line per operator, indented under its part.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.parts.iter().enumerate() {
            let kind = match p.part.kind {
                PathKind::Plain => "",
                PathKind::Shortest => " (shortest path, breadth-first)",
                PathKind::AllShortest => " (all shortest paths, breadth-first)",
            };
            writeln!(f, "Part {}{kind}", i + 1)?;
            let node = p.node_text.get(p.anchor_at).map_or("()", |s| s.as_str());
            let how = match &p.anchor {
                Anchor::Bound(_) => "bound variable".to_string(),
                Anchor::Id(_) => "id index".to_string(),
                Anchor::Name(_) => "name index".to_string(),
                Anchor::Label(l) => format!("label index :{l}"),
                Anchor::All => "scan all nodes".to_string(),
                Anchor::Edges(types) => format!("relationship type index :{}", types.join("|")),
            };
            writeln!(f, "  Anchor {node} by {how}")?;
            let filtered = |f: &mut fmt::Formatter<'_>, at: usize| -> fmt::Result {
                match p.filters.get(at).map_or(0, Vec::len) {
                    0 => Ok(()),
                    n => writeln!(
                        f,
                        "  Filter {} ({n} condition(s) of WHERE)",
                        p.node_text.get(at).map_or("()", |s| s.as_str())
                    ),
                }
            };
            filtered(f, p.anchor_at)?;
            for st in &p.steps {
                let from = p.node_text.get(st.from).map_or("()", |s| s.as_str());
                let to = p.node_text.get(st.to).map_or("()", |s| s.as_str());
                let rel = p.rel_text.get(st.rel).map_or("--", |s| s.as_str());
                let how = if p.reach {
                    " (reachability, breadth-first, each end node once)"
                } else if p.part.kind == PathKind::Shortest {
                    " (bidirectional when both ends are known)"
                } else {
                    ""
                };
                if st.rightward() {
                    writeln!(f, "  Expand {from}{rel}{to}{how}")?;
                } else {
                    writeln!(f, "  Expand {to}{rel}{from} (leftward){how}")?;
                }
                filtered(f, st.to)?;
            }
        }
        Ok(())
    }
}

fn var_name(n: Option<&NodePattern>) -> Option<&str> {
    n.and_then(|n| n.var.as_ref()).map(|v| v.name.as_str())
}
