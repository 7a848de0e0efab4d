//! Query text -> AST -> plan -> evaluation -> rows.
//!
//! [`parse_script`] turns text into statements; [`execute`] checks a
//! statement ([`semantic`]), plans its patterns ([`plan`]) and evaluates
//! its clauses ([`eval`], [`expr`], [`functions`], [`mutate`]).

pub mod ast;
pub mod error;
mod eval;
mod expr;
pub mod functions;
mod mutate;
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
pub use parser::{parse_script, parse_statement};
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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_hops: DEFAULT_MAX_HOPS,
            as_of: None,
            cancel: None,
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
pub fn execute(
    graph: &mut Graph,
    text: &str,
    statement: &Statement,
    params: &Params,
    options: &Options,
) -> Result<QueryResult, QueryError> {
    let unsupported = |what: &str| {
        Err(QueryError::runtime(
            RuntimeKind::SemanticError,
            "Unsupported",
            format!("{what} is not available in this build"),
            Some(statement.span),
        ))
    };
    let query = match &statement.body {
        StatementBody::Query(q) => q,
        StatementBody::Owners(_) => return unsupported("OWNERS OF"),
        StatementBody::Holdings(_) => return unsupported("HOLDINGS OF"),
        StatementBody::Path(_) => return unsupported("PATH FROM"),
    };
    semantic::check(query, text)?;
    let as_of = match &statement.as_of {
        Some(e) => Some(as_of_date(e, params, text)?),
        None => options.as_of,
    };
    let ctx = eval::Ctx {
        text,
        params,
        as_of,
        max_hops: options.max_hops,
        cancel: options.cancel.as_deref(),
    };
    if statement.mode == Some(ExplainMode::Explain) {
        return Ok(explain(graph, query));
    }
    if is_mutating(statement) {
        let saved = graph.clone();
        let r = eval::run_query(graph, query, &ctx);
        if r.is_err() {
            *graph = saved;
        }
        r
    } else {
        eval::run_query(graph, query, &ctx)
    }
}

fn as_of_date(e: &ast::Expr, params: &Params, text: &str) -> Result<Date, QueryError> {
    let s = match &e.kind {
        ExprKind::Literal(Literal::Str(s)) => s.clone(),
        ExprKind::Param(p) => match params.get(p) {
            Some(Value::Str(s)) => s.clone(),
            Some(v) => {
                return Err(QueryError::type_error(
                    "InvalidArgumentType",
                    format!("AS OF needs a date text, but `${p}` is {}", v.type_name()),
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
    };
    Date::parse(&s)
        .map_err(|err| QueryError::argument("InvalidArgumentValue", err.to_string(), e.span))
}

/// The plan of each MATCH and MERGE, one text line per row.
fn explain(graph: &Graph, query: &ast::Query) -> QueryResult {
    let mut scope: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for (i, c) in query.clauses.iter().enumerate() {
        let (title, plan) = match c {
            Clause::Match(m) => (
                if m.optional { "OptionalMatch" } else { "Match" },
                Some(plan::plan_pattern(graph, &m.pattern, &mut scope)),
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
        }
    }
    QueryResult {
        columns: vec!["plan".to_string()],
        rows,
    }
}

/// Parses `text` and runs each statement in order; stops at the first
/// error.
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
