//! Built-in functions: scalar functions evaluated per row, and the
//! aggregates `count collect sum avg min max` with their accumulators.

use std::collections::HashSet;

use super::ast::Expr;
use super::expr::{Env, Evaluator};
use super::query_error::QueryError;
use super::value::{GroupKey, Path, Value};
use crate::graph::Date;

/// The aggregate functions (lower case).
pub const AGGREGATES: [&str; 6] = ["count", "collect", "sum", "avg", "min", "max"];

/// The scalar functions (lower case) with their (min, max) argument counts.
pub const SCALARS: [(&str, usize, usize); 42] = [
    ("labels", 1, 1),
    ("type", 1, 1),
    ("keys", 1, 1),
    ("properties", 1, 1),
    ("id", 1, 1),
    ("length", 1, 1),
    ("nodes", 1, 1),
    ("relationships", 1, 1),
    ("size", 1, 1),
    ("head", 1, 1),
    ("last", 1, 1),
    ("tail", 1, 1),
    ("range", 2, 3),
    ("reverse", 1, 1),
    ("tolower", 1, 1),
    ("toupper", 1, 1),
    ("trim", 1, 1),
    ("ltrim", 1, 1),
    ("rtrim", 1, 1),
    ("replace", 3, 3),
    ("substring", 2, 3),
    ("split", 2, 2),
    ("left", 2, 2),
    ("right", 2, 2),
    ("tostring", 1, 1),
    ("tointeger", 1, 1),
    ("tofloat", 1, 1),
    ("toboolean", 1, 1),
    ("coalesce", 1, usize::MAX),
    ("startnode", 1, 1),
    ("endnode", 1, 1),
    ("exists", 1, 1),
    ("abs", 1, 1),
    ("ceil", 1, 1),
    ("floor", 1, 1),
    ("round", 1, 1),
    ("sign", 1, 1),
    ("sqrt", 1, 1),
    ("valid_at", 2, 2),
    ("rand", 0, 0),
    ("timestamp", 0, 0),
    ("elementid", 1, 1),
];

/// Whether `name` (any case) is an aggregate function.
pub fn is_aggregate(name: &str) -> bool {
    AGGREGATES.iter().any(|a| a.eq_ignore_ascii_case(name))
}

/// The (min, max) argument counts of a scalar function, if it exists.
pub fn arity(name: &str) -> Option<(usize, usize)> {
    let lower = name.to_ascii_lowercase();
    if AGGREGATES.contains(&lower.as_str()) {
        return Some((1, 1));
    }
    SCALARS
        .iter()
        .find(|(n, _, _)| *n == lower)
        .map(|(_, a, b)| (*a, *b))
}

/// Calls the scalar function `name` on `args`.
pub(crate) fn call(
    ev: &Evaluator<'_>,
    name: &str,
    args: &[Expr],
    env: &Env<'_>,
    e: &Expr,
) -> Result<Value, QueryError> {
    let lower = name.to_ascii_lowercase();
    if lower == "coalesce" {
        for a in args {
            let v = ev.eval(a, env)?;
            if !v.is_null() {
                return Ok(v);
            }
        }
        return Ok(Value::Null);
    }
    let mut vals = Vec::with_capacity(args.len());
    for a in args {
        vals.push(ev.eval(a, env)?);
    }
    let arg = |i: usize| vals.get(i).cloned().unwrap_or(Value::Null);
    let bad = |v: &Value| {
        QueryError::type_error(
            "InvalidArgumentValue",
            format!("`{}`: {name}() does not take {}", ev.text(e), v.type_name()),
            e.span,
        )
    };
    let x = arg(0);
    let g = ev.graph;
    Ok(match lower.as_str() {
        "exists" => Value::Bool(!x.is_null()),
        _ if x.is_null() && lower != "range" => Value::Null,
        "labels" => match x {
            Value::Node(n) => Value::List(
                g.entity(n)
                    .map(|ent| {
                        ent.labels
                            .iter()
                            .map(|l| Value::Str(g.resolve(*l).to_string()))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            v => return Err(bad(&v)),
        },
        "type" => match x {
            Value::Rel(r) => g
                .relation(r)
                .map_or(Value::Null, |rel| Value::Str(g.resolve(rel.ty).to_string())),
            v => return Err(bad(&v)),
        },
        "keys" => match ev.properties(&x, e)? {
            Value::Map(m) => Value::List(m.into_keys().map(Value::Str).collect()),
            v => return Err(bad(&v)),
        },
        "properties" => match x {
            Value::Node(_) | Value::Rel(_) | Value::Map(_) => ev.properties(&x, e)?,
            v => return Err(bad(&v)),
        },
        "id" | "elementid" => match x {
            Value::Node(n) => Value::Int(n.index() as i64),
            Value::Rel(r) => Value::Int(r.index() as i64),
            v => return Err(bad(&v)),
        },
        "length" => match x {
            Value::Path(p) => Value::Int(p.rels.len() as i64),
            Value::Str(s) => Value::Int(s.chars().count() as i64),
            Value::List(l) => Value::Int(l.len() as i64),
            v => return Err(bad(&v)),
        },
        "nodes" => match x {
            Value::Path(p) => Value::List(p.nodes.iter().map(|n| Value::Node(*n)).collect()),
            v => return Err(bad(&v)),
        },
        "relationships" => match x {
            Value::Path(p) => Value::List(p.rels.iter().map(|r| Value::Rel(*r)).collect()),
            v => return Err(bad(&v)),
        },
        "size" => match x {
            Value::Str(s) => Value::Int(s.chars().count() as i64),
            Value::List(l) => Value::Int(l.len() as i64),
            v => return Err(bad(&v)),
        },
        "head" => match x {
            Value::List(l) => l.into_iter().next().unwrap_or(Value::Null),
            v => return Err(bad(&v)),
        },
        "last" => match x {
            Value::List(l) => l.into_iter().last().unwrap_or(Value::Null),
            v => return Err(bad(&v)),
        },
        "tail" => match x {
            Value::List(l) => Value::List(l.into_iter().skip(1).collect()),
            v => return Err(bad(&v)),
        },
        "reverse" => match x {
            Value::List(mut l) => {
                l.reverse();
                Value::List(l)
            }
            Value::Str(s) => Value::Str(s.chars().rev().collect()),
            v => return Err(bad(&v)),
        },
        "range" => {
            let int = |v: Value| match v {
                Value::Int(i) => Ok(i),
                v => Err(QueryError::argument(
                    "InvalidArgumentType",
                    format!(
                        "`{}`: range() takes integers, not {}",
                        ev.text(e),
                        v.type_name()
                    ),
                    e.span,
                )),
            };
            let (from, to) = (int(arg(0))?, int(arg(1))?);
            let step = if vals.len() > 2 { int(arg(2))? } else { 1 };
            if step == 0 {
                return Err(QueryError::argument(
                    "NumberOutOfRange",
                    format!("`{}`: the step of range() must not be 0", ev.text(e)),
                    e.span,
                ));
            }
            let mut out = Vec::new();
            let mut i = from;
            while (step > 0 && i <= to) || (step < 0 && i >= to) {
                ev.ctx
                    .check_rows(out.len() + 1, || format!("`{}`", ev.text(e)), Some(e.span))?;
                out.push(Value::Int(i));
                match i.checked_add(step) {
                    Some(n) => i = n,
                    None => break,
                }
            }
            Value::List(out)
        }
        "tolower" | "toupper" | "trim" | "ltrim" | "rtrim" => match x {
            Value::Str(s) => Value::Str(match lower.as_str() {
                "tolower" => s.to_lowercase(),
                "toupper" => s.to_uppercase(),
                "trim" => s.trim().to_string(),
                "ltrim" => s.trim_start().to_string(),
                _ => s.trim_end().to_string(),
            }),
            v => return Err(bad(&v)),
        },
        "replace" => match (x, arg(1), arg(2)) {
            (Value::Str(s), Value::Str(a), Value::Str(b)) => Value::Str(s.replace(&a, &b)),
            (_, Value::Null, _) | (_, _, Value::Null) => Value::Null,
            (v, _, _) => return Err(bad(&v)),
        },
        "split" => match (x, arg(1)) {
            (Value::Str(s), Value::Str(d)) => Value::List(
                s.split(d.as_str())
                    .map(|p| Value::Str(p.to_string()))
                    .collect(),
            ),
            (_, Value::Null) => Value::Null,
            (v, _) => return Err(bad(&v)),
        },
        "substring" | "left" | "right" => {
            let Value::Str(s) = x else {
                return Err(bad(&x));
            };
            let int = |v: Value| match v {
                Value::Int(i) if i >= 0 => Ok(i as usize),
                Value::Int(_) => Err(QueryError::argument(
                    "NegativeIntegerArgument",
                    format!("`{}`: a negative length or start", ev.text(e)),
                    e.span,
                )),
                v => Err(ev.type_err(
                    e,
                    &format!("{name}() takes an integer, not {}", v.type_name()),
                )),
            };
            let chars: Vec<char> = s.chars().collect();
            let n = chars.len();
            let (start, len) = match lower.as_str() {
                "substring" => {
                    let st = int(arg(1))?;
                    let len = if vals.len() > 2 {
                        int(arg(2))?
                    } else {
                        usize::MAX
                    };
                    (st, len)
                }
                "left" => {
                    if arg(1).is_null() {
                        return Ok(Value::Null);
                    }
                    (0, int(arg(1))?)
                }
                _ => {
                    if arg(1).is_null() {
                        return Ok(Value::Null);
                    }
                    let len = int(arg(1))?;
                    (n.saturating_sub(len), len)
                }
            };
            let start = start.min(n);
            let end = start.saturating_add(len).min(n);
            Value::Str(
                chars
                    .get(start..end)
                    .map_or(String::new(), |c| c.iter().collect()),
            )
        }
        "tostring" => match x {
            Value::Str(s) => Value::Str(s),
            v @ (Value::Int(_) | Value::Float(_) | Value::Bool(_)) => Value::Str(v.to_string()),
            v => return Err(bad(&v)),
        },
        "tointeger" => match x {
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => {
                if f.is_finite() && f.abs() < 9.2e18 {
                    Value::Int(f.trunc() as i64)
                } else {
                    Value::Null
                }
            }
            Value::Str(s) => {
                let t = s.trim();
                match t.parse::<i64>() {
                    Ok(i) => Value::Int(i),
                    Err(_) => match t.parse::<f64>() {
                        Ok(f) if f.is_finite() && f.abs() < 9.2e18 => Value::Int(f.trunc() as i64),
                        _ => Value::Null,
                    },
                }
            }
            Value::Bool(b) => Value::Int(i64::from(b)),
            v => return Err(bad(&v)),
        },
        "tofloat" => match x {
            Value::Int(i) => Value::Float(i as f64),
            Value::Float(f) => Value::Float(f),
            Value::Str(s) => s.trim().parse::<f64>().map_or(Value::Null, Value::Float),
            v => return Err(bad(&v)),
        },
        "toboolean" => match x {
            Value::Bool(b) => Value::Bool(b),
            Value::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::Null,
            },
            Value::Int(i) => Value::Bool(i != 0),
            v => return Err(bad(&v)),
        },
        "startnode" | "endnode" => match x {
            Value::Rel(r) => match g.endpoints(r) {
                Some((a, b)) => Value::Node(if lower == "startnode" { a } else { b }),
                None => Value::Null,
            },
            v => return Err(bad(&v)),
        },
        "abs" => match x {
            Value::Int(i) => Value::Int(i.checked_abs().ok_or_else(|| {
                QueryError::argument(
                    "NumberOutOfRange",
                    format!("`{}`: integer overflow", ev.text(e)),
                    e.span,
                )
            })?),
            Value::Float(f) => Value::Float(f.abs()),
            v => return Err(bad(&v)),
        },
        "ceil" | "floor" | "round" | "sqrt" => match x.as_f64() {
            Some(f) => Value::Float(match lower.as_str() {
                "ceil" => f.ceil(),
                "floor" => f.floor(),
                "round" => f.round(),
                _ => f.sqrt(),
            }),
            None => return Err(bad(&x)),
        },
        "sign" => match x {
            Value::Int(i) => Value::Int(i.signum()),
            Value::Float(f) => Value::Int(if f > 0.0 {
                1
            } else if f < 0.0 {
                -1
            } else {
                0
            }),
            v => return Err(bad(&v)),
        },
        "valid_at" => {
            let Value::Rel(r) = x else {
                return Err(bad(&x));
            };
            let d = match arg(1) {
                Value::Null => return Ok(Value::Null),
                Value::Str(s) => Date::parse(&s).map_err(|err| {
                    QueryError::argument(
                        "InvalidArgumentValue",
                        format!("`{}`: {err}", ev.text(e)),
                        e.span,
                    )
                })?,
                v => return Err(bad(&v)),
            };
            g.relation(r)
                .map_or(Value::Null, |rel| Value::Bool(rel.valid_during(d)))
        }
        _ => {
            return Err(QueryError::semantic(
                "UnknownFunction",
                format!("unknown function `{name}`"),
                e.span,
            ))
        }
    })
}

/// The running state of one aggregate over one group. Kept small: a
/// grouping query holds one per group and aggregate.
#[derive(Debug)]
pub(crate) struct Accumulator {
    kind: AggKind,
    /// Values seen, for `DISTINCT`. Boxed: one pointer instead of a whole
    /// empty set in every accumulator of a query without `DISTINCT`.
    #[allow(clippy::box_collection)]
    distinct: Option<Box<HashSet<GroupKey>>>,
    state: AccState,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum AggKind {
    CountStar,
    Count,
    Collect,
    Sum,
    Avg,
    Min,
    Max,
}

/// What an aggregate has gathered so far.
#[derive(Debug)]
enum AccState {
    /// `count`: values counted.
    Count(i64),
    /// `collect`: the values in order.
    Items(Vec<Value>),
    /// `sum` and `avg`: the integer sum while it fits and no float was
    /// seen, the float sum, whether a float was seen, and values counted.
    Sum(Option<i64>, f64, bool, i64),
    /// `min` and `max`: the best value so far.
    Best(Option<Value>),
}

impl Accumulator {
    /// A fresh accumulator for `name` (`None` for `count(*)`).
    pub fn new(name: Option<&str>, distinct: bool) -> Accumulator {
        let kind = match name {
            None => AggKind::CountStar,
            Some(n) if n.eq_ignore_ascii_case("count") => AggKind::Count,
            Some(n) if n.eq_ignore_ascii_case("collect") => AggKind::Collect,
            Some(n) if n.eq_ignore_ascii_case("sum") => AggKind::Sum,
            Some(n) if n.eq_ignore_ascii_case("avg") => AggKind::Avg,
            Some(n) if n.eq_ignore_ascii_case("min") => AggKind::Min,
            Some(_) => AggKind::Max,
        };
        let state = match kind {
            AggKind::CountStar | AggKind::Count => AccState::Count(0),
            AggKind::Collect => AccState::Items(Vec::new()),
            AggKind::Sum | AggKind::Avg => AccState::Sum(Some(0), 0.0, false, 0),
            AggKind::Min | AggKind::Max => AccState::Best(None),
        };
        Accumulator {
            kind,
            distinct: distinct.then(Box::default),
            state,
        }
    }

    /// Adds one row's value (`Value::Null` for `count(*)`).
    pub fn add(&mut self, v: Value, ev: &Evaluator<'_>, e: &Expr) -> Result<(), QueryError> {
        if self.kind == AggKind::CountStar {
            if let AccState::Count(c) = &mut self.state {
                *c += 1;
            }
            return Ok(());
        }
        if v.is_null() {
            return Ok(());
        }
        if let Some(seen) = &mut self.distinct {
            if !seen.insert(v.group_key()) {
                return Ok(());
            }
        }
        match &mut self.state {
            AccState::Count(c) => *c += 1,
            AccState::Items(items) => {
                ev.ctx.check_rows(
                    items.len() + 1,
                    || format!("`{}`", ev.text(e)),
                    Some(e.span),
                )?;
                items.push(v)
            }
            AccState::Sum(int_sum, float_sum, any_float, count) => {
                *count += 1;
                match v {
                    Value::Int(i) => {
                        *int_sum = int_sum.and_then(|s| s.checked_add(i));
                        if int_sum.is_none() && !*any_float && self.kind == AggKind::Sum {
                            return Err(QueryError::argument(
                                "NumberOutOfRange",
                                format!("`{}`: integer overflow", ev.text(e)),
                                e.span,
                            ));
                        }
                        *float_sum += i as f64;
                    }
                    Value::Float(f) => {
                        *any_float = true;
                        *float_sum += f;
                    }
                    v => {
                        return Err(ev.type_err(e, &format!("cannot sum {}", v.type_name())));
                    }
                }
            }
            AccState::Best(best) => {
                let replace = match best {
                    None => true,
                    Some(b) => {
                        let o = v.order_cmp(b);
                        if self.kind == AggKind::Min {
                            o == std::cmp::Ordering::Less
                        } else {
                            o == std::cmp::Ordering::Greater
                        }
                    }
                };
                if replace {
                    *best = Some(v);
                }
            }
        }
        Ok(())
    }

    /// Adds `n` values counted elsewhere to a count.
    pub fn add_count(&mut self, n: i64) {
        if let AccState::Count(c) = &mut self.state {
            *c += n;
        }
    }

    /// The aggregate's value for the group.
    pub fn finish(self) -> Value {
        match (self.kind, self.state) {
            (_, AccState::Count(c)) => Value::Int(c),
            (_, AccState::Items(items)) => Value::List(items),
            (AggKind::Sum, AccState::Sum(int_sum, float_sum, any_float, _)) => {
                match (any_float, int_sum) {
                    (false, Some(i)) => Value::Int(i),
                    _ => Value::Float(float_sum),
                }
            }
            (_, AccState::Sum(_, float_sum, _, count)) => {
                if count == 0 {
                    Value::Null
                } else {
                    Value::Float(float_sum / count as f64)
                }
            }
            (_, AccState::Best(best)) => best.unwrap_or(Value::Null),
        }
    }
}

/// A path value from nodes and relationships.
pub(crate) fn path(
    nodes: Vec<crate::graph::NodeIndex>,
    rels: Vec<crate::graph::EdgeIndex>,
) -> Value {
    Value::Path(Path { nodes, rels })
}
