//! Query text -> AST -> plan -> evaluation -> rows.
//!
//! [`parse_script`] turns text into statements; [`execute`] checks a
//! statement ([`semantic`]), plans its patterns ([`plan`]) and evaluates
//! its clauses (`eval`, `expr`, [`functions`], `mutate`).

pub mod ast;
pub mod error;
mod eval;
mod expr;
pub mod functions;
mod mutate;
pub mod ownership;
pub mod parser;
pub mod plan;
pub mod print;
pub mod query_error;
pub mod semantic;
pub mod value;

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

pub use error::SyntaxError;
pub use parser::{parse_script, parse_script_limited, parse_statement, MAX_NESTING};
pub use query_error::{QueryError, RuntimeKind};
pub use value::{Path, Value};

use crate::graph::{Date, Graph};
use ast::{Clause, ExplainMode, ExprKind, Literal, Statement, StatementBody};

/// The rows a statement produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryResult {
    /// Column names, as openCypher names them (the alias, else the
    /// expression's text as written).
    pub columns: Vec<String>,
    /// The rows; each has one value per column.
    pub rows: Vec<Vec<Value>>,
}

/// Parameter values by name (without the `$`).
pub type Params = HashMap<String, Value>;

/// The upper bound for variable-length patterns written without one (`*`,
/// `*2..`), as in Kuzu.
pub const DEFAULT_MAX_HOPS: u32 = 30;

/// The most rows a statement may hold at once unless told otherwise: the
/// rows of any clause's table, the elements of a list that `range()` or
/// `collect()` builds, the groups of an aggregation.
pub const DEFAULT_MAX_ROWS: usize = 10_000_000;

/// When evaluation must stop, and the time limit it came from (for the
/// message).
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// The instant past which evaluation stops.
    pub at: std::time::Instant,
    /// The limit as the user gave it.
    pub limit: std::time::Duration,
}

impl Deadline {
    /// `limit` from now.
    pub fn after(limit: std::time::Duration) -> Deadline {
        let now = std::time::Instant::now();
        Deadline {
            at: now
                .checked_add(limit)
                .unwrap_or(now + std::time::Duration::from_secs(1 << 40)),
            limit,
        }
    }
}

/// Evaluation options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Upper bound for variable-length patterns written without one (`*`,
    /// `*2..`); default [`DEFAULT_MAX_HOPS`].
    pub max_hops: u32,
    /// Only relations valid during this period take part (a statement's own
    /// `AS OF` overrides it).
    pub as_of: Option<Date>,
    /// When set, evaluation checks this flag as it goes and stops with
    /// [`QueryError::Cancelled`] once it is true (Ctrl-C in `kg shell`).
    pub cancel: Option<Arc<AtomicBool>>,
    /// The most rows a statement may hold at once (see
    /// [`DEFAULT_MAX_ROWS`]); past it, [`RuntimeKind::ResourceLimit`].
    pub max_rows: usize,
    /// The nesting limit the statement was parsed with (see
    /// [`parse_script_limited`]); evaluation allows expressions twice as
    /// deep plus a margin, as chains of operators add to the brackets.
    pub max_nesting: usize,
    /// When set, evaluation stops with [`QueryError::TimedOut`] past it.
    pub deadline: Option<Deadline>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_hops: DEFAULT_MAX_HOPS,
            as_of: None,
            cancel: None,
            max_rows: DEFAULT_MAX_ROWS,
            max_nesting: MAX_NESTING,
            deadline: None,
        }
    }
}

/// Whether a statement changes the graph (CREATE, MERGE, SET, REMOVE,
/// DELETE anywhere in it).
pub fn is_mutating(statement: &Statement) -> bool {
    match &statement.body {
        StatementBody::Query(q) => q.clauses.iter().any(|c| {
            matches!(
                c,
                Clause::Create(_)
                    | Clause::Merge(_)
                    | Clause::Set(_)
                    | Clause::Remove(_)
                    | Clause::Delete(_)
            )
        }),
        _ => false,
    }
}

/// Runs one parsed statement. `text` is the script text the statement's
/// spans point into (for column names and error messages). A statement
/// that fails leaves the graph as it was.
///
/// Parse once with [`parse_script`], run each statement as often as
/// needed with different parameters:
///
/// ```
/// use kg::query::{execute, parse_script, Options, Params, Value};
///
/// let mut graph = kg::graph::load_str("g.json", r#"{"kg": 1,
///   "entities": [{"id": "a", "labels": ["Company"], "name": "A"},
///                {"id": "b", "labels": ["Company"], "name": "B"}],
///   "relations": [{"from": "a", "type": "OWNS", "to": "b", "props": {"share": 51}}]}"#)?;
/// let text = "MATCH (o)-[r:OWNS]->(c {name: $name}) RETURN o.name AS owner, r.share AS share";
/// let script = parse_script(text)?;
/// let statement = &script.statements[0];
/// let mut params = Params::new();
/// params.insert("name".into(), Value::Str("B".into()));
/// let result = execute(&mut graph, text, statement, &params, &Options::default())?;
/// assert_eq!(result.rows, vec![vec![Value::Str("A".into()), Value::Int(51)]]);
///
/// params.insert("name".into(), Value::Str("A".into()));
/// let result = execute(&mut graph, text, statement, &params, &Options::default())?;
/// assert!(result.rows.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn execute(
    graph: &mut Graph,
    text: &str,
    statement: &Statement,
    params: &Params,
    options: &Options,
) -> Result<QueryResult, QueryError> {
    execute_on(eval::Access::Write(graph), text, statement, params, options)
}

/// [`execute`] for a statement that does not change the graph, on a
/// graph that is only read: an updating statement (`CREATE`, `MERGE`,
/// `SET`, `REMOVE`, `DELETE`) is refused with an error at its first
/// updating clause.
pub fn execute_read(
    graph: &Graph,
    text: &str,
    statement: &Statement,
    params: &Params,
    options: &Options,
) -> Result<QueryResult, QueryError> {
    if is_mutating(statement) {
        return Err(QueryError::argument(
            "InvalidArgumentValue",
            "this statement changes the graph, which is only read here",
            statement.span,
        ));
    }
    execute_on(eval::Access::Read(graph), text, statement, params, options)
}

fn execute_on(
    graph: eval::Access<'_>,
    text: &str,
    statement: &Statement,
    params: &Params,
    options: &Options,
) -> Result<QueryResult, QueryError> {
    let query = match &statement.body {
        StatementBody::Query(q) => q,
        StatementBody::Owners(_) | StatementBody::Holdings(_) | StatementBody::Path(_) => {
            return Ok(
                run_ownership_statement(graph.read(), text, statement, params, options)?.result,
            )
        }
    };
    semantic::check(query, text)?;
    let as_of = statement_as_of(statement, params, text, options)?;
    let ctx = eval::Ctx {
        text,
        params,
        as_of,
        max_hops: options.max_hops,
        cancel: options.cancel.as_deref(),
        max_rows: options.max_rows,
        max_depth: u32::try_from(options.max_nesting.saturating_mul(2).saturating_add(150))
            .unwrap_or(u32::MAX),
        deadline: options.deadline,
        polls: std::cell::Cell::new(0),
    };
    if statement.mode == Some(ExplainMode::Explain) {
        return Ok(explain(graph.read(), query, &ctx));
    }
    let profile = statement.mode == Some(ExplainMode::Profile);
    // The plan is the one chosen before the query changes the graph.
    let plan = profile.then(|| explain(graph.read(), query, &ctx));
    let mut clauses = Vec::new();
    let clauses_out = profile.then_some(&mut clauses);
    let r = match graph {
        eval::Access::Write(graph) if is_mutating(statement) => {
            let saved = graph.clone();
            let r = eval::run_query_profiled(eval::Access::Write(graph), query, &ctx, clauses_out);
            if r.is_err() {
                *graph = saved;
            }
            r
        }
        graph => eval::run_query_profiled(graph, query, &ctx, clauses_out),
    };
    match plan {
        Some(plan) => r.map(|_| with_profile(plan, &clauses)),
        None => r,
    }
}

/// Runs an `OWNERS OF`, `HOLDINGS OF` or `PATH FROM` statement: names
/// are resolved as `kg show` resolves them (id, name or alias, ignoring
/// case); `EXPLAIN` before an ownership statement adds the `explanation`
/// column. The rows come with the data problems found on the way.
pub fn run_ownership_statement(
    graph: &Graph,
    text: &str,
    statement: &Statement,
    params: &Params,
    options: &Options,
) -> Result<ownership::Answered, QueryError> {
    use crate::ownership::Direction;
    let as_of = statement_as_of(statement, params, text, options)?;
    let explain = statement.mode == Some(ExplainMode::Explain);
    let request = |st: &ast::OwnershipStatement, direction| -> Result<_, QueryError> {
        if explain && st.history {
            return Err(QueryError::argument(
                "InvalidArgumentValue",
                "EXPLAIN cites the chains of answers; a HISTORY has periods, not chains: ask EXPLAIN OWNERS OF ... ULTIMATE, or the HISTORY alone",
                statement.span,
            ));
        }
        Ok(ownership::OwnershipRequest {
            entity: entity_named(graph, &st.name, params, text)?,
            direction,
            ultimate: st.ultimate,
            history: st.history,
            min_share: None,
            explain,
            as_of,
        })
    };
    match &statement.body {
        StatementBody::Owners(st) => Ok(ownership::ownership_rows(
            graph,
            &request(st, Direction::Up)?,
        )),
        StatementBody::Holdings(st) => Ok(ownership::ownership_rows(
            graph,
            &request(st, Direction::Down)?,
        )),
        StatementBody::Path(p) => {
            let from = entity_named(graph, &p.from, params, text)?;
            let to = entity_named(graph, &p.to, params, text)?;
            let max = match p.max {
                None => options.max_hops,
                Some(0) => {
                    return Err(QueryError::argument(
                        "InvalidArgumentValue",
                        "MAX must be at least 1",
                        statement.span,
                    ))
                }
                Some(m) => u32::try_from(m).unwrap_or(u32::MAX),
            };
            Ok(ownership::path_rows(
                graph,
                &ownership::PathRequest {
                    from,
                    to,
                    options: crate::ownership::path::PathOptions {
                        via: p.via.iter().map(|t| t.name.clone()).collect(),
                        max,
                        as_of,
                    },
                },
            ))
        }
        StatementBody::Query(_) => Err(QueryError::runtime(
            RuntimeKind::SemanticError,
            "NotAnOwnershipStatement",
            "not an OWNERS OF, HOLDINGS OF or PATH FROM statement",
            Some(statement.span),
        )),
    }
}

/// The entity a name expression (a string or a `$parameter` holding one)
/// refers to.
fn entity_named(
    graph: &Graph,
    e: &ast::Expr,
    params: &Params,
    text: &str,
) -> Result<crate::graph::NodeIndex, QueryError> {
    let name = text_argument(e, params, text, "a name must be a string")?;
    crate::graph::lookup::resolve(graph, &name).map_err(|err| {
        let code = match err {
            crate::graph::lookup::LookupError::Unknown { .. } => "UnknownEntity",
            crate::graph::lookup::LookupError::Ambiguous { .. } => "AmbiguousEntity",
        };
        QueryError::argument(code, err.to_string(), e.span)
    })
}

/// The text of a string literal, of a `$parameter` holding a string, or
/// (for a bare date such as `2024-03`) the expression as written;
/// `needs` starts the message when the parameter holds something else.
fn text_argument(
    e: &ast::Expr,
    params: &Params,
    text: &str,
    needs: &str,
) -> Result<String, QueryError> {
    Ok(match &e.kind {
        ExprKind::Literal(Literal::Str(s)) => s.clone(),
        ExprKind::Param(p) => match params.get(p) {
            Some(Value::Str(s)) => s.clone(),
            Some(v) => {
                return Err(QueryError::type_error(
                    "InvalidArgumentType",
                    format!("{needs}, but `${p}` is {}", v.type_name()),
                    e.span,
                ))
            }
            None => {
                return Err(QueryError::runtime(
                    RuntimeKind::SemanticError,
                    "ParameterMissing",
                    format!("parameter `${p}` is not given"),
                    Some(e.span),
                ))
            }
        },
        _ => query_error::snippet(text, e.span).to_string(),
    })
}

/// The statement's own `AS OF`, else the options' date.
fn statement_as_of(
    statement: &Statement,
    params: &Params,
    text: &str,
    options: &Options,
) -> Result<Option<Date>, QueryError> {
    match &statement.as_of {
        Some(e) => Ok(Some(as_of_date(e, params, text)?)),
        None => Ok(options.as_of),
    }
}

fn as_of_date(e: &ast::Expr, params: &Params, text: &str) -> Result<Date, QueryError> {
    let s = text_argument(e, params, text, "AS OF needs a date text")?;
    Date::parse(&s)
        .map_err(|err| QueryError::argument("InvalidArgumentValue", err.to_string(), e.span))
}

/// `PROFILE`'s answer: the plan of `EXPLAIN` with the rows each clause
/// passed on and the milliseconds it took, on the clause's line.
fn with_profile(plan: QueryResult, profile: &[eval::ClauseProfile]) -> QueryResult {
    let mut clause = 0;
    let rows = plan
        .rows
        .into_iter()
        .map(|mut row| {
            let is_clause = matches!(row.first(), Some(Value::Str(s)) if !s.starts_with(' '));
            match profile.get(clause).filter(|_| is_clause) {
                Some(p) => {
                    clause += 1;
                    let rows = i64::try_from(p.rows).unwrap_or(i64::MAX);
                    row.push(Value::Int(rows));
                    row.push(Value::Float((p.time.as_secs_f64() * 1e6).round() / 1e3));
                }
                None => row.extend([Value::Null, Value::Null]),
            }
            row
        })
        .collect();
    QueryResult {
        columns: vec!["plan".into(), "rows".into(), "ms".into()],
        rows,
    }
}

/// The plan of each MATCH and MERGE, one text line per row.
fn explain(graph: &Graph, query: &ast::Query, ctx: &eval::Ctx<'_>) -> QueryResult {
    let params = ctx.params;
    let ev = expr::Evaluator::new(graph, ctx);
    let mut scope: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for (i, c) in query.clauses.iter().enumerate() {
        let (title, plan) = match c {
            Clause::Match(m) => (
                if m.optional { "OptionalMatch" } else { "Match" },
                Some(plan::plan_match(
                    graph,
                    &m.pattern,
                    &mut scope,
                    &plan::Hints {
                        where_: m.where_.as_ref(),
                        distinct_rows: plan::distinct_rows_after(&query.clauses, i),
                        params: Some(params),
                    },
                )),
            ),
            Clause::Merge(m) => (
                "Merge",
                Some(plan::plan_pattern(
                    graph,
                    std::slice::from_ref(&m.part),
                    &mut scope,
                )),
            ),
            Clause::Unwind(u) => {
                scope.push(u.var.name.clone());
                ("Unwind", None)
            }
            Clause::With(w) => {
                scope = semantic::projected_names(&w.projection, &scope);
                ("With", None)
            }
            Clause::Return(_) => ("Return", None),
            Clause::Create(c) => {
                for p in &c.pattern {
                    semantic::pattern_vars(p, &mut scope);
                }
                ("Create", None)
            }
            Clause::Set(_) => ("Set", None),
            Clause::Remove(_) => ("Remove", None),
            Clause::Delete(_) => ("Delete", None),
        };
        rows.push(vec![Value::Str(format!("{}. {title}", i + 1))]);
        if let Some(p) = plan {
            for line in p.to_string().lines() {
                rows.push(vec![Value::Str(format!("   {line}"))]);
            }
            if eval::counted_per_node(&ev, &query.clauses, i, &p, &scope) {
                rows.push(vec![Value::Str(
                    "   Count per anchor node (no rows: each node's matches are counted)".into(),
                )]);
            }
        }
    }
    QueryResult {
        columns: vec!["plan".to_string()],
        rows,
    }
}

/// Parses `text` and runs each statement in order; stops at the first
/// error. One [`QueryResult`] per statement: column names and rows.
///
/// ```
/// use kg::query::{run_script, Options, Params, Value};
///
/// let mut graph = kg::graph::load_str(kg::graph::BUILTIN_NAME, kg::graph::BUILTIN_GRAPH)?;
/// let mut params = Params::new();
/// params.insert("type".into(), Value::Str("OWNS".into()));
/// let results = run_script(
///     &mut graph,
///     "MATCH (a)-[r]->(b) WHERE type(r) = $type RETURN a.name AS owner, b.name AS owned, r.share AS share ORDER BY owner, owned;
///      MATCH (n:Person) RETURN count(n) AS people",
///     &params,
///     &Options::default(),
/// )?;
/// assert_eq!(results.len(), 2);
/// assert_eq!(results[0].columns, ["owner", "owned", "share"]);
/// for row in &results[0].rows {
///     // Each row has one value per column; a missing share is null.
///     if let [Value::Str(owner), Value::Str(owned), share] = row.as_slice() {
///         println!("{owner} owns {owned} ({share:?})");
///     }
/// }
/// assert!(matches!(results[1].rows[0][0], Value::Int(n) if n > 0));
///
/// // Errors carry the position; render() draws the caret.
/// let text = "MATCH (n RETURN n";
/// let err = run_script(&mut graph, text, &Params::new(), &Options::default()).unwrap_err();
/// assert!(err.render(text).contains('^'));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_script(
    graph: &mut Graph,
    text: &str,
    params: &Params,
    options: &Options,
) -> Result<Vec<QueryResult>, QueryError> {
    let script = parse_script(text)?;
    let mut out = Vec::with_capacity(script.statements.len());
    for st in &script.statements {
        out.push(execute(graph, text, st, params, options)?);
    }
    Ok(out)
}
