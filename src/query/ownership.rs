//! The ownership statements (`OWNERS OF`, `HOLDINGS OF`, `PATH FROM`) as
//! rows: one function per statement, used both by the query language and
//! by the `kg owners`, `kg holdings` and `kg path` commands.
//!
//! Columns:
//!
//! - direct (`OWNERS OF x`): `owner` (or `holding`), `id`, `type`, `share`
//!   (percent, null when not stated), `since`, `until`, `undated`,
//!   `problems`;
//! - `ULTIMATE`: `owner` (or `holding`), `id`, `effective_share` (percent,
//!   in the latest window; a lower bound when `exact` is false; null when
//!   unknown), `exact`, `cycle`, `cycles` (the members' ids of each cycle
//!   the walks pass through, at most [`MAX_CYCLE_MEMBERS`] a cycle, then
//!   `and N more`), `valid_from` and `valid_to` (the first and
//!   last day it stood at the top, as written; null when open), `window`
//!   (the windows as text: `2024-12 ->`, `-> 2024`, `always`), `windows`
//!   (each window with its `from`, `to`, `effective_share` and `exact`), `chains` (how many
//!   chains are behind it, at most
//!   [`MAX_CHAINS`](crate::ownership::ultimate::MAX_CHAINS)), `undated`
//!   (the undated relations on those chains), `problems`;
//! - `ULTIMATE HISTORY`: one row per period in which the ultimate owners
//!   and their figures stayed the same: `valid_from`, `valid_to`, `period`,
//!   `owners` (or `holdings`: each with `name`, `id`, `effective_share`
//!   and `exact`);
//! - `PATH FROM a TO b`: `chain` (the chain as text, each relation with its
//!   type and dates), `length`, `valid_from`, `valid_to`, `held` (when
//!   every relation of the chain held at once), `undated`, `path` (a path
//!   value);
//! - with `explain`, a last column `explanation`: `{"chains": [{"text",
//!   "share", "held", "relations": [...]}], "capped"}`, and for answers
//!   whose walks go round cycles `"cycles": [{"members", "names",
//!   "relations"}]`, each relation with its
//!   dates and provenance (`source`, `source_title`, `source_url`,
//!   `locator`, `note`, `quote`).
//!
//! `problems` lists data problems (stated shares above 100% in total into
//! one entity at one time, cycles of 100%); the same sentences are returned beside the result so that
//! the command line can warn on stderr.

use std::collections::BTreeMap;

use super::{Path, QueryResult, Value};
use crate::graph::{Date, EdgeIndex, Graph, NodeIndex};
use crate::ownership::direct::direct;
use crate::ownership::path::{shortest, PathOptions};
use crate::ownership::ultimate::{ultimate, ultimate_history, Chain, Held, Ultimate};
use crate::ownership::window::Window;
use crate::ownership::{round_percent, Direction, Overfull};

/// An `OWNERS OF` or `HOLDINGS OF` question.
#[derive(Debug, Clone)]
pub struct OwnershipRequest {
    /// The entity asked about.
    pub entity: NodeIndex,
    /// `Up` for owners, `Down` for holdings.
    pub direction: Direction,
    /// Follow chains to their ends.
    pub ultimate: bool,
    /// With `ultimate`: one row per period in which the answers stayed
    /// the same.
    pub history: bool,
    /// Keep only answers whose (effective) share is at least this many
    /// percent; answers with an unknown share are dropped.
    pub min_share: Option<f64>,
    /// Add the `explanation` column.
    pub explain: bool,
    /// Only relations valid during this period take part.
    pub as_of: Option<Date>,
}

/// A `PATH FROM` question.
#[derive(Debug, Clone)]
pub struct PathRequest {
    /// Where the chains start.
    pub from: NodeIndex,
    /// Where they end.
    pub to: NodeIndex,
    /// Types, hops and date.
    pub options: PathOptions,
}

/// Rows and the data problems found on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answered {
    /// The rows.
    pub result: QueryResult,
    /// Data problems and notes for stderr, one sentence each.
    pub warnings: Vec<String>,
}

fn str_or_null<T: ToString>(v: Option<T>) -> Value {
    v.map_or(Value::Null, |x| Value::Str(x.to_string()))
}

fn percent(fraction: Option<f64>) -> Value {
    fraction.map_or(Value::Null, |f| Value::Float(round_percent(f * 100.0)))
}

/// `-[TYPE since 2024-12]->` or `<-[PART_OF]-` as seen walking from `at`.
fn hop_text(graph: &Graph, e: EdgeIndex, at: NodeIndex) -> String {
    let Some(r) = graph.relation(e) else {
        return "-[?]-".into();
    };
    let mut label = graph.resolve(r.ty).to_string();
    match (r.since, r.until) {
        (Some(s), Some(u)) => label.push_str(&format!(" {s} to {u}")),
        (Some(s), None) => label.push_str(&format!(" since {s}")),
        (None, Some(u)) => label.push_str(&format!(" until {u}")),
        (None, None) => {}
    }
    let forward = graph.endpoints(e).is_some_and(|(from, _)| from == at);
    if forward {
        format!("-[{label}]->")
    } else {
        format!("<-[{label}]-")
    }
}

/// `A -[T]-> B <-[U]- C` for a walk through `nodes` over `rels`.
fn walk_text(graph: &Graph, nodes: &[NodeIndex], rels: &[EdgeIndex]) -> String {
    let mut s = String::new();
    for (i, n) in nodes.iter().enumerate() {
        s.push_str(&graph.display_name(*n));
        if let Some(&e) = rels.get(i) {
            s.push(' ');
            s.push_str(&hop_text(graph, e, *n));
            s.push(' ');
        }
    }
    s
}

fn id_of(graph: &Graph, n: NodeIndex) -> Value {
    str_or_null(graph.entity(n).and_then(|e| e.id.as_deref()))
}

/// `from-id -TYPE-> to-id`, naming an undated relation.
fn relation_name(graph: &Graph, e: EdgeIndex) -> String {
    let (Some(r), Some((from, to))) = (graph.relation(e), graph.endpoints(e)) else {
        return String::new();
    };
    let name = |n: NodeIndex| {
        graph
            .entity(n)
            .and_then(|x| x.id.as_deref().map(str::to_string))
            .unwrap_or_else(|| graph.display_name(n))
    };
    format!("{} -{}-> {}", name(from), graph.resolve(r.ty), name(to))
}

fn undated(graph: &Graph, rels: impl IntoIterator<Item = EdgeIndex>) -> Value {
    let mut names: Vec<String> = Vec::new();
    for e in rels {
        if graph.relation(e).is_some_and(|r| r.is_undated()) {
            let n = relation_name(graph, e);
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    Value::List(names.into_iter().map(Value::Str).collect())
}

/// One relation with its dates and provenance, for explanations.
fn relation_map(graph: &Graph, e: EdgeIndex, share: Option<f64>) -> Value {
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    let (Some(r), Some((from, to))) = (graph.relation(e), graph.endpoints(e)) else {
        return Value::Null;
    };
    let p = r.provenance();
    let source = p.source.as_deref().and_then(|s| graph.source(s));
    m.insert("type".into(), Value::Str(graph.resolve(r.ty).to_string()));
    m.insert("from".into(), id_of(graph, from));
    m.insert("from_name".into(), Value::Str(graph.display_name(from)));
    m.insert("to".into(), id_of(graph, to));
    m.insert("to_name".into(), Value::Str(graph.display_name(to)));
    m.insert("share".into(), percent(share));
    m.insert("since".into(), str_or_null(r.since));
    m.insert("until".into(), str_or_null(r.until));
    m.insert("source".into(), str_or_null(p.source.as_deref()));
    m.insert(
        "source_title".into(),
        str_or_null(source.and_then(|s| s.title.as_deref())),
    );
    m.insert(
        "source_url".into(),
        str_or_null(source.and_then(|s| s.url.as_deref())),
    );
    m.insert("locator".into(), str_or_null(p.locator.as_deref()));
    m.insert("note".into(), str_or_null(p.note.as_deref()));
    m.insert("quote".into(), str_or_null(p.quote.as_deref()));
    Value::Map(m)
}

fn chain_map(graph: &Graph, chain: &Chain) -> Value {
    let mut nodes: Vec<NodeIndex> = chain.edges.iter().map(|e| e.owner).collect();
    if let Some(last) = chain.edges.last() {
        nodes.push(last.owned);
    }
    let rels: Vec<EdgeIndex> = chain.edges.iter().map(|e| e.relation).collect();
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    m.insert("text".into(), Value::Str(walk_text(graph, &nodes, &rels)));
    m.insert("share".into(), percent(chain.share()));
    m.insert("held".into(), Value::Str(chain.window.to_string()));
    m.insert(
        "relations".into(),
        Value::List(
            chain
                .edges
                .iter()
                .map(|e| relation_map(graph, e.relation, e.share))
                .collect(),
        ),
    );
    Value::Map(m)
}

fn explanation(graph: &Graph, chains: &[Chain], capped: bool, cycles: &[&[NodeIndex]]) -> Value {
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    m.insert(
        "chains".into(),
        Value::List(chains.iter().map(|c| chain_map(graph, c)).collect()),
    );
    m.insert("capped".into(), Value::Bool(capped));
    if !cycles.is_empty() {
        m.insert(
            "cycles".into(),
            Value::List(cycles.iter().map(|c| cycle_map(graph, c)).collect()),
        );
    }
    Value::Map(m)
}

/// How many relations inside one cycle an explanation cites.
const MAX_CYCLE_RELATIONS: usize = 20;

/// A cycle that walks go round: its members and the ownership relations
/// among them (at most [`MAX_CYCLE_RELATIONS`]), each with its provenance.
fn cycle_map(graph: &Graph, members: &[NodeIndex]) -> Value {
    let vocab = crate::ownership::Vocabulary::of(graph);
    let mut rels: Vec<Value> = Vec::new();
    'members: for &m in members {
        for e in vocab.edges(graph, m, Direction::Up, None) {
            if members.contains(&e.owner) {
                if rels.len() == MAX_CYCLE_RELATIONS {
                    break 'members;
                }
                rels.push(relation_map(graph, e.relation, e.share));
            }
        }
    }
    let names: Vec<String> = members
        .iter()
        .take(MAX_CYCLE_MEMBERS)
        .map(|&n| graph.display_name(n))
        .collect();
    let mut names = names.join(", ");
    if members.len() > MAX_CYCLE_MEMBERS {
        names.push_str(&format!(" and {} more", members.len() - MAX_CYCLE_MEMBERS));
    }
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    m.insert("members".into(), cycle_members(graph, members));
    m.insert("names".into(), Value::Str(names));
    m.insert("relations".into(), Value::List(rels));
    Value::Map(m)
}

fn problem_list(graph: &Graph, problems: &[&Overfull]) -> Value {
    Value::List(
        problems
            .iter()
            .map(|p| Value::Str(p.message(graph)))
            .collect(),
    )
}

fn keep(share: Option<f64>, min_share: Option<f64>) -> bool {
    match min_share {
        None => true,
        Some(min) => share.is_some_and(|s| round_percent(s * 100.0) >= min - 1e-9),
    }
}

/// The note that `--min-share` left out answers whose share is unknown,
/// so that an empty answer is not read as "nobody holds that much".
fn unknown_left_out(
    req: &OwnershipRequest,
    shares: impl Iterator<Item = Option<f64>>,
) -> Option<String> {
    let min = req.min_share?;
    let n = shares.filter(Option::is_none).count();
    let who = match (req.direction, n) {
        (Direction::Up, 1) => "owner",
        (Direction::Up, _) => "owners",
        (Direction::Down, 1) => "holding",
        (Direction::Down, _) => "holdings",
    };
    (n > 0).then(|| {
        format!(
            "{n} {who} whose share is unknown left out by --min-share {}",
            crate::ownership::percent_text(min)
        )
    })
}

/// Answers `OWNERS OF` / `HOLDINGS OF`, direct or ultimate.
pub fn ownership_rows(graph: &Graph, req: &OwnershipRequest) -> Answered {
    let who = match req.direction {
        Direction::Up => "owner",
        Direction::Down => "holding",
    };
    if req.ultimate {
        return ultimate_rows(graph, req, who);
    }
    let d = direct(graph, req.entity, req.direction, req.as_of);
    let mut columns: Vec<String> = [
        who, "id", "type", "share", "since", "until", "undated", "problems",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if req.explain {
        columns.push("explanation".into());
    }
    let mut rows = Vec::new();
    for e in &d.edges {
        if !keep(e.share, req.min_share) {
            continue;
        }
        let other = e.far(req.direction);
        let Some(r) = graph.relation(e.relation) else {
            continue;
        };
        let share = e.share.map_or(Value::Null, |_| {
            match graph.relation_property(e.relation, "share") {
                Some(p) => Value::from_prop(p),
                None => Value::Null,
            }
        });
        let problems: Vec<&Overfull> = d.problems.iter().filter(|p| p.entity == e.owned).collect();
        let mut row = vec![
            Value::Str(graph.display_name(other)),
            id_of(graph, other),
            Value::Str(graph.resolve(r.ty).to_string()),
            share,
            str_or_null(r.since),
            str_or_null(r.until),
            Value::Bool(r.is_undated()),
            problem_list(graph, &problems),
        ];
        if req.explain {
            let chain = Chain {
                edges: vec![*e],
                window: Window::of(r),
            };
            row.push(explanation(graph, &[chain], false, &[]));
        }
        rows.push(row);
    }
    let mut warnings: Vec<String> = d.problems.iter().map(|p| p.message(graph)).collect();
    warnings.extend(unknown_left_out(req, d.edges.iter().map(|e| e.share)));
    Answered {
        result: QueryResult { columns, rows },
        warnings,
    }
}

/// The `valid_from`, `valid_to` and text values of a list of windows.
fn window_values(windows: &[Window]) -> [Value; 3] {
    let from = windows.first().and_then(|w| w.from);
    let to = windows.last().and_then(|w| w.to);
    let held: Vec<String> = windows.iter().map(|w| w.to_string()).collect();
    [
        str_or_null(from),
        str_or_null(to),
        Value::Str(held.join("; ")),
    ]
}

/// The `window` text of an answer: its windows, each with its figure when the
/// figure changed between them.
fn held_text(windows: &[Held]) -> String {
    let same = windows
        .windows(2)
        .all(|p| p[0].share == p[1].share && p[0].exact == p[1].exact);
    let parts: Vec<String> = windows
        .iter()
        .map(|h| {
            if same {
                h.window.to_string()
            } else {
                format!("{} ({})", h.window, share_text(h.share, h.exact))
            }
        })
        .collect();
    parts.join("; ")
}

/// `45%`, `at least 30%` or `share unknown`.
fn share_text(share: Option<f64>, exact: bool) -> String {
    match share {
        Some(s) if exact => format!("{}%", crate::ownership::percent_text(s * 100.0)),
        Some(s) => format!("at least {}%", crate::ownership::percent_text(s * 100.0)),
        None => "share unknown".into(),
    }
}

fn held_map(h: &Held) -> Value {
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    m.insert("from".into(), str_or_null(h.window.from));
    m.insert("to".into(), str_or_null(h.window.to));
    m.insert("effective_share".into(), percent(h.share));
    m.insert("exact".into(), Value::Bool(h.exact));
    Value::Map(m)
}

fn ultimate_rows(graph: &Graph, req: &OwnershipRequest, who: &str) -> Answered {
    let u = if req.history {
        ultimate_history(graph, req.entity, req.direction, req.as_of)
    } else {
        ultimate(graph, req.entity, req.direction, req.as_of)
    };
    let mut problems: Vec<String> = u.problems.iter().map(|p| p.message(graph)).collect();
    problems.extend(u.full_cycles.iter().map(|c| c.message(graph)));
    if req.history {
        return Answered {
            result: history_rows(graph, &u, req.direction),
            warnings: problems,
        };
    }
    let mut columns: Vec<String> = [
        who,
        "id",
        "effective_share",
        "exact",
        "cycle",
        "cycles",
        "valid_from",
        "valid_to",
        "window",
        "windows",
        "chains",
        "undated",
        "problems",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if req.explain {
        columns.push("explanation".into());
    }
    let mut rows = Vec::new();
    for a in &u.answers {
        if !keep(a.share, req.min_share) {
            continue;
        }
        let mut on_chains: Vec<String> = u
            .problems
            .iter()
            .filter(|p| {
                a.chains
                    .iter()
                    .any(|c| c.edges.iter().any(|e| e.owned == p.entity))
            })
            .map(|p| p.message(graph))
            .collect();
        on_chains.extend(
            u.full_cycles
                .iter()
                .filter(|c| {
                    !a.converged
                        && a.cycles
                            .iter()
                            .any(|&i| c.members.iter().any(|m| u.cycles[i].contains(m)))
                })
                .map(|c| c.message(graph)),
        );
        let rels = a
            .chains
            .iter()
            .flat_map(|c| c.edges.iter().map(|e| e.relation));
        let windows: Vec<Window> = a.windows.iter().map(|h| h.window).collect();
        let [from, to, _] = window_values(&windows);
        let cycles = a
            .cycles
            .iter()
            .map(|&i| cycle_members(graph, &u.cycles[i]))
            .collect();
        let mut row = vec![
            Value::Str(graph.display_name(a.entity)),
            id_of(graph, a.entity),
            percent(a.share),
            Value::Bool(a.exact),
            Value::Bool(a.cycle()),
            Value::List(cycles),
            from,
            to,
            Value::Str(held_text(&a.windows)),
            Value::List(a.windows.iter().map(held_map).collect()),
            Value::Int(a.chains.len() as i64),
            undated(graph, rels),
            Value::List(on_chains.into_iter().map(Value::Str).collect()),
        ];
        if req.explain {
            let cycles: Vec<&[NodeIndex]> =
                a.cycles.iter().map(|&i| u.cycles[i].as_slice()).collect();
            row.push(explanation(graph, &a.chains, a.chains_capped, &cycles));
        }
        rows.push(row);
    }
    problems.extend(unknown_left_out(req, u.answers.iter().map(|a| a.share)));
    Answered {
        result: QueryResult { columns, rows },
        warnings: problems,
    }
}

/// How many members of one cycle are named in the `cycles` column.
pub const MAX_CYCLE_MEMBERS: usize = 20;

/// The ids of a cycle's members, at most [`MAX_CYCLE_MEMBERS`] of them
/// followed by `and N more`.
fn cycle_members(graph: &Graph, members: &[NodeIndex]) -> Value {
    let mut list: Vec<Value> = members
        .iter()
        .take(MAX_CYCLE_MEMBERS)
        .map(|&m| id_of(graph, m))
        .collect();
    if members.len() > MAX_CYCLE_MEMBERS {
        list.push(Value::Str(format!(
            "and {} more",
            members.len() - MAX_CYCLE_MEMBERS
        )));
    }
    Value::List(list)
}

/// `ULTIMATE HISTORY`: one row per period.
fn history_rows(graph: &Graph, u: &Ultimate, dir: Direction) -> QueryResult {
    let (list, who) = match dir {
        Direction::Up => ("owners", "owner"),
        Direction::Down => ("holdings", "holding"),
    };
    let columns = ["valid_from", "valid_to", "period", list]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let rows = u
        .history
        .iter()
        .map(|p| {
            let [from, to, held] = window_values(&[p.window]);
            let answers = p
                .answers
                .iter()
                .map(|&(n, share, exact)| {
                    let mut m: BTreeMap<String, Value> = BTreeMap::new();
                    m.insert(who.into(), Value::Str(graph.display_name(n)));
                    m.insert("id".into(), id_of(graph, n));
                    m.insert("effective_share".into(), percent(share));
                    m.insert("exact".into(), Value::Bool(exact));
                    Value::Map(m)
                })
                .collect();
            vec![from, to, held, Value::List(answers)]
        })
        .collect();
    QueryResult { columns, rows }
}

/// One entry of a `HISTORY` row as text: `Rostec (rostec) 45%`.
pub fn history_entry_text(entry: &Value) -> String {
    let Value::Map(m) = entry else {
        return entry.to_string();
    };
    let text = |k: &str| match m.get(k) {
        Some(Value::Str(s)) => s.clone(),
        _ => String::new(),
    };
    let name = m
        .get("owner")
        .or_else(|| m.get("holding"))
        .map(|v| match v {
            Value::Str(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default();
    let share = match m.get("effective_share") {
        Some(Value::Float(f)) => Some(*f / 100.0),
        Some(Value::Int(i)) => Some(*i as f64 / 100.0),
        _ => None,
    };
    let exact = matches!(m.get("exact"), Some(Value::Bool(true)));
    format!("{name} ({}) {}", text("id"), share_text(share, exact))
}

/// Answers `PATH FROM a TO b`.
pub fn path_rows(graph: &Graph, req: &PathRequest) -> Answered {
    let found = shortest(graph, req.from, req.to, &req.options);
    let columns = [
        "chain",
        "length",
        "valid_from",
        "valid_to",
        "held",
        "undated",
        "path",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows = found
        .paths
        .iter()
        .map(|p| {
            let [from, to, held] = window_values(&[p.window]);
            vec![
                Value::Str(walk_text(graph, &p.nodes, &p.relations)),
                Value::Int(p.relations.len() as i64),
                from,
                to,
                held,
                undated(graph, p.relations.iter().copied()),
                Value::Path(Path {
                    nodes: p.nodes.clone(),
                    rels: p.relations.clone(),
                }),
            ]
        })
        .collect();
    let mut problems = Vec::new();
    if found.capped {
        problems.push(format!(
            "only the first {} shortest chains are listed",
            crate::ownership::path::MAX_PATHS
        ));
    }
    Answered {
        result: QueryResult { columns, rows },
        warnings: problems,
    }
}
