//! Expression evaluation: openCypher's null propagation, three-valued
//! logic, integer and float arithmetic (integer overflow is an error),
//! property access, lists, maps, `CASE` and comprehensions.

use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::ast::{BinaryOp, Expr, ExprKind, Literal, MapProjectionItem, PathKind, UnaryOp};
use super::eval::Ctx;
use super::functions;
use super::query_error::{snippet, QueryError, RuntimeKind};
use super::value::Value;
use crate::graph::{Graph, PropRef, PropValue};

/// From this depth on, evaluation continues on a new stack segment when
/// the thread's stack runs low (see `stacker`).
const GROW_FROM: u32 = 64;

/// The variables an expression sees: the row's slots, plus the element
/// variables of enclosing list comprehensions.
#[derive(Clone, Copy)]
pub(crate) struct Env<'a> {
    /// Slot names.
    pub names: &'a [String],
    /// Slot values, one per name.
    pub row: &'a [Value],
    /// A comprehension's element variable and its value.
    pub local: Option<(&'a str, &'a Value)>,
    /// The enclosing environment of a comprehension.
    pub parent: Option<&'a Env<'a>>,
    /// Aggregate results of the current group, keyed by the address of the
    /// aggregate's expression node.
    pub aggs: &'a [(usize, Value)],
    /// Expressions already computed by a projection (for `ORDER BY` after
    /// `DISTINCT` or aggregation): an equal expression takes that value.
    pub subst: &'a [(&'a Expr, Value)],
}

impl<'a> Env<'a> {
    /// The environment of one row.
    pub fn new(names: &'a [String], row: &'a [Value]) -> Env<'a> {
        Env {
            names,
            row,
            local: None,
            parent: None,
            aggs: &[],
            subst: &[],
        }
    }

    /// The value of a variable, if it is in scope.
    pub fn lookup(&self, name: &str) -> Option<&'a Value> {
        if let Some((n, v)) = self.local {
            if n == name {
                return Some(v);
            }
        }
        if let Some(p) = self.parent {
            return p.lookup(name);
        }
        let at = self.names.iter().rposition(|n| n == name)?;
        self.row.get(at)
    }
}

/// Evaluates expressions against a graph.
pub(crate) struct Evaluator<'g> {
    /// The graph read.
    pub graph: &'g Graph,
    /// Statement-wide settings.
    pub ctx: &'g Ctx<'g>,
    depth: Cell<u32>,
}

/// Whether an expression is true (null and false are not).
pub(crate) fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

impl<'g> Evaluator<'g> {
    /// An evaluator over `graph`.
    pub fn new(graph: &'g Graph, ctx: &'g Ctx<'g>) -> Evaluator<'g> {
        Evaluator {
            graph,
            ctx,
            depth: Cell::new(0),
        }
    }

    /// The source text of an expression.
    pub fn text(&self, e: &Expr) -> &str {
        snippet(self.ctx.text, e.span)
    }

    /// A type error naming the expression.
    pub fn type_err(&self, e: &Expr, what: &str) -> QueryError {
        QueryError::type_error(
            "InvalidArgumentType",
            format!("`{}`: {what}", self.text(e)),
            e.span,
        )
    }

    /// Evaluates `e`.
    pub fn eval(&self, e: &Expr, env: &Env<'_>) -> Result<Value, QueryError> {
        let d = self.depth.get();
        if d >= self.ctx.max_depth {
            return Err(QueryError::runtime(
                RuntimeKind::SemanticError,
                "NestingTooDeep",
                format!(
                    "`{}` nests too deeply to evaluate (more than {} levels; --max-nesting sets the limit)",
                    self.text(e),
                    self.ctx.max_depth
                ),
                Some(e.span),
            ));
        }
        self.depth.set(d + 1);
        let r = if d < GROW_FROM {
            self.eval_inner(e, env)
        } else {
            stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || self.eval_inner(e, env))
        };
        self.depth.set(d);
        r
    }

    fn eval_inner(&self, e: &Expr, env: &Env<'_>) -> Result<Value, QueryError> {
        if !env.subst.is_empty() {
            if let Some((_, v)) = env.subst.iter().find(|(x, _)| *x == e) {
                return Ok(v.clone());
            }
        }
        Ok(match &e.kind {
            ExprKind::Literal(l) => match l {
                Literal::Null => Value::Null,
                Literal::Bool(b) => Value::Bool(*b),
                Literal::Int(i) => Value::Int(*i),
                Literal::Float(f) => Value::Float(*f),
                Literal::Str(s) => Value::Str(s.clone()),
            },
            ExprKind::Param(name) => match self.ctx.params.get(name) {
                Some(v) => v.clone(),
                None => {
                    return Err(QueryError::runtime(
                        RuntimeKind::SemanticError,
                        "ParameterMissing",
                        format!("parameter `${name}` is not given"),
                        Some(e.span),
                    ))
                }
            },
            ExprKind::Var(name) => match env.lookup(name) {
                Some(v) => v.clone(),
                None => {
                    return Err(QueryError::semantic(
                        "UndefinedVariable",
                        format!("variable `{name}` is not defined"),
                        e.span,
                    ))
                }
            },
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for x in items {
                    out.push(self.eval(x, env)?);
                }
                Value::List(out)
            }
            ExprKind::Map(items) => {
                let mut out = BTreeMap::new();
                for (k, x) in items {
                    out.insert(k.name.clone(), self.eval(x, env)?);
                }
                Value::Map(out)
            }
            ExprKind::Property(base, key) => {
                let b = self.eval(base, env)?;
                self.property(&b, &key.name, e)?
            }
            ExprKind::Index(base, index) => {
                let b = self.eval(base, env)?;
                let i = self.eval(index, env)?;
                self.index(&b, &i, e)?
            }
            ExprKind::Slice(base, from, to) => {
                let b = self.eval(base, env)?;
                let f = match from {
                    Some(x) => Some(self.eval(x, env)?),
                    None => None,
                };
                let t = match to {
                    Some(x) => Some(self.eval(x, env)?),
                    None => None,
                };
                self.slice(&b, f, t, e)?
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, env, e)?,
            ExprKind::Unary(op, x) => {
                let v = self.eval(x, env)?;
                match (op, v) {
                    (_, Value::Null) => Value::Null,
                    (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
                    (UnaryOp::Neg, Value::Int(i)) => match i.checked_neg() {
                        Some(n) => Value::Int(n),
                        None => return Err(overflow(self, e)),
                    },
                    (UnaryOp::Neg, Value::Float(f)) => Value::Float(-f),
                    (UnaryOp::Plus, v @ (Value::Int(_) | Value::Float(_))) => v,
                    (_, v) => {
                        return Err(self.type_err(e, &format!("cannot apply to {}", v.type_name())))
                    }
                }
            }
            ExprKind::IsNull(x, not) => {
                let v = self.eval(x, env)?;
                Value::Bool(v.is_null() != *not)
            }
            ExprKind::HasLabels(x, labels) => match self.eval(x, env)? {
                Value::Null => Value::Null,
                Value::Node(n) => {
                    let Some(ent) = self.graph.entity(n) else {
                        return Err(deleted(self, e));
                    };
                    Value::Bool(labels.iter().all(|l| {
                        self.graph
                            .sym(&l.name)
                            .is_some_and(|s| ent.labels.contains(&s))
                    }))
                }
                v => return Err(self.type_err(e, &format!("{} has no labels", v.type_name()))),
            },
            ExprKind::Call {
                name,
                distinct: _,
                args,
            } => {
                if functions::is_aggregate(&name.name) {
                    return self.aggregate_value(e, env);
                }
                functions::call(self, &name.name, args, env, e)?
            }
            ExprKind::CountStar => return self.aggregate_value(e, env),
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => {
                let op = match operand {
                    Some(x) => Some(self.eval(x, env)?),
                    None => None,
                };
                for (w, t) in whens {
                    let wv = self.eval(w, env)?;
                    let hit = match &op {
                        Some(o) => o.cypher_eq(&wv) == Some(true),
                        None => truthy(&wv),
                    };
                    if hit {
                        return self.eval(t, env);
                    }
                }
                match else_ {
                    Some(x) => self.eval(x, env)?,
                    None => Value::Null,
                }
            }
            ExprKind::ListComprehension {
                var,
                list,
                filter,
                map,
            } => {
                let l = match self.eval(list, env)? {
                    Value::Null => return Ok(Value::Null),
                    Value::List(l) => l,
                    v => {
                        return Err(
                            self.type_err(list, &format!("expected a list, got {}", v.type_name()))
                        )
                    }
                };
                let mut out = Vec::with_capacity(l.len());
                for item in &l {
                    let inner = Env {
                        local: Some((var.name.as_str(), item)),
                        parent: Some(env),
                        ..*env
                    };
                    if let Some(f) = filter {
                        if !truthy(&self.eval(f, &inner)?) {
                            continue;
                        }
                    }
                    out.push(match map {
                        Some(m) => self.eval(m, &inner)?,
                        None => item.clone(),
                    });
                }
                Value::List(out)
            }
            ExprKind::MapProjection { var, items } => {
                let base = match env.lookup(&var.name) {
                    Some(v) => v.clone(),
                    None => {
                        return Err(QueryError::semantic(
                            "UndefinedVariable",
                            format!("variable `{}` is not defined", var.name),
                            var.span,
                        ))
                    }
                };
                if base.is_null() {
                    return Ok(Value::Null);
                }
                let mut out = BTreeMap::new();
                for item in items {
                    match item {
                        MapProjectionItem::Property(k) => {
                            out.insert(k.name.clone(), self.property(&base, &k.name, e)?);
                        }
                        MapProjectionItem::Literal(k, x) => {
                            out.insert(k.name.clone(), self.eval(x, env)?);
                        }
                        MapProjectionItem::Variable(v) => {
                            let val = env.lookup(&v.name).cloned().unwrap_or(Value::Null);
                            out.insert(v.name.clone(), val);
                        }
                        MapProjectionItem::AllProperties => {
                            if let Value::Map(m) = self.properties(&base, e)? {
                                out.extend(m);
                            }
                        }
                    }
                }
                Value::Map(out)
            }
            ExprKind::Pattern(part) => {
                let paths = super::eval::match_pattern_expr(self, part, env)?;
                match part.kind {
                    PathKind::Plain => Value::Bool(!paths.is_empty()),
                    PathKind::Shortest => paths.into_iter().next().unwrap_or(Value::Null),
                    PathKind::AllShortest => Value::List(paths),
                }
            }
        })
    }

    fn aggregate_value(&self, e: &Expr, env: &Env<'_>) -> Result<Value, QueryError> {
        let key = e as *const Expr as usize;
        let mut at: Option<&Env<'_>> = Some(env);
        while let Some(x) = at {
            if let Some((_, v)) = x.aggs.iter().find(|(k, _)| *k == key) {
                return Ok(v.clone());
            }
            at = x.parent;
        }
        Err(QueryError::semantic(
            "InvalidAggregation",
            format!("`{}`: an aggregate is not allowed here", self.text(e)),
            e.span,
        ))
    }

    /// `base.key` for a node, relationship or map; null for null.
    pub fn property(&self, base: &Value, key: &str, e: &Expr) -> Result<Value, QueryError> {
        Ok(match base {
            Value::Null => Value::Null,
            Value::Node(n) => {
                if self.graph.entity(*n).is_none() {
                    return Err(deleted(self, e));
                }
                self.graph
                    .entity_property(*n, key)
                    .map_or(Value::Null, Value::from_prop)
            }
            Value::Rel(r) => {
                if self.graph.relation(*r).is_none() {
                    return Err(deleted(self, e));
                }
                self.graph
                    .relation_property(*r, key)
                    .map_or(Value::Null, Value::from_prop)
            }
            Value::Map(m) => m.get(key).cloned().unwrap_or(Value::Null),
            v => {
                return Err(self.type_err(
                    e,
                    &format!("cannot read property `{key}` of {}", v.type_name()),
                ))
            }
        })
    }

    /// Every property of a node or relationship, or a map itself, as a map.
    pub fn properties(&self, base: &Value, e: &Expr) -> Result<Value, QueryError> {
        let props = match base {
            Value::Null => return Ok(Value::Null),
            Value::Map(m) => return Ok(Value::Map(m.clone())),
            Value::Node(n) => {
                if self.graph.entity(*n).is_none() {
                    return Err(deleted(self, e));
                }
                self.graph.entity_properties(*n)
            }
            Value::Rel(r) => {
                if self.graph.relation(*r).is_none() {
                    return Err(deleted(self, e));
                }
                self.graph.relation_properties(*r)
            }
            v => return Err(self.type_err(e, &format!("{} has no properties", v.type_name()))),
        };
        Ok(Value::Map(
            props
                .into_iter()
                .map(|(k, p)| (k.to_string(), Value::from_prop(p)))
                .collect(),
        ))
    }

    fn index(&self, base: &Value, index: &Value, e: &Expr) -> Result<Value, QueryError> {
        Ok(match (base, index) {
            (Value::Null, _) | (_, Value::Null) => Value::Null,
            (Value::List(l), Value::Int(i)) => {
                let n = l.len() as i64;
                let at = if *i < 0 { n + i } else { *i };
                if at < 0 || at >= n {
                    Value::Null
                } else {
                    l.get(at as usize).cloned().unwrap_or(Value::Null)
                }
            }
            (Value::Map(_) | Value::Node(_) | Value::Rel(_), Value::Str(k)) => {
                self.property(base, k, e)?
            }
            (Value::Map(_) | Value::Node(_) | Value::Rel(_), v) => {
                return Err(QueryError::type_error(
                    "MapElementAccessByNonString",
                    format!(
                        "`{}`: a map key must be a string, not {}",
                        self.text(e),
                        v.type_name()
                    ),
                    e.span,
                ))
            }
            (Value::List(_), v) => {
                return Err(self.type_err(
                    e,
                    &format!("a list index must be an integer, not {}", v.type_name()),
                ))
            }
            (v, _) => return Err(self.type_err(e, &format!("cannot index {}", v.type_name()))),
        })
    }

    fn slice(
        &self,
        base: &Value,
        from: Option<Value>,
        to: Option<Value>,
        e: &Expr,
    ) -> Result<Value, QueryError> {
        let l = match base {
            Value::Null => return Ok(Value::Null),
            Value::List(l) => l,
            v => return Err(self.type_err(e, &format!("cannot slice {}", v.type_name()))),
        };
        let n = l.len() as i64;
        let bound = |v: Option<Value>, default: i64| -> Result<Option<i64>, QueryError> {
            match v {
                None => Ok(Some(default)),
                Some(Value::Null) => Ok(None),
                Some(Value::Int(i)) => Ok(Some(if i < 0 { (n + i).max(0) } else { i.min(n) })),
                Some(v) => Err(self.type_err(
                    e,
                    &format!("a slice bound must be an integer, not {}", v.type_name()),
                )),
            }
        };
        let (Some(f), Some(t)) = (bound(from, 0)?, bound(to, n)?) else {
            return Ok(Value::Null);
        };
        if f >= t {
            return Ok(Value::List(Vec::new()));
        }
        Ok(Value::List(
            l.get(f as usize..t as usize)
                .map_or(Vec::new(), |s| s.to_vec()),
        ))
    }

    /// `n.key = 'text'` (either way round) for an entity or relation `n`
    /// whose property is text or missing, compared where it is stored
    /// rather than copied out: `Some(answer)` (`None` inside for null),
    /// or `None` when the general rule must decide.
    fn text_property_eq(&self, l: &Expr, r: &Expr, env: &Env<'_>) -> Option<Option<bool>> {
        let (prop, text) = match (&l.kind, &r.kind) {
            (ExprKind::Property(..), ExprKind::Literal(Literal::Str(t))) => (l, t),
            (ExprKind::Literal(Literal::Str(t)), ExprKind::Property(..)) => (r, t),
            _ => return None,
        };
        let ExprKind::Property(base, key) = &prop.kind else {
            return None;
        };
        let ExprKind::Var(var) = &base.kind else {
            return None;
        };
        let found = match env.lookup(var)? {
            Value::Node(n) => {
                self.graph.entity(*n)?;
                self.graph.entity_property(*n, &key.name)
            }
            Value::Rel(e) => {
                self.graph.relation(*e)?;
                self.graph.relation_property(*e, &key.name)
            }
            _ => return None,
        };
        match found {
            None => Some(None),
            Some(PropRef::Str(s)) => Some(Some(s == text.as_str())),
            Some(PropRef::Value(PropValue::Str(s))) => Some(Some(&**s == text.as_str())),
            Some(_) => None,
        }
    }

    fn binary(
        &self,
        op: BinaryOp,
        l: &Expr,
        r: &Expr,
        env: &Env<'_>,
        e: &Expr,
    ) -> Result<Value, QueryError> {
        if matches!(op, BinaryOp::Eq | BinaryOp::Ne) && env.subst.is_empty() {
            if let Some(eq) = self.text_property_eq(l, r, env) {
                return Ok(match eq {
                    Some(eq) => Value::Bool(eq == (op == BinaryOp::Eq)),
                    None => Value::Null,
                });
            }
        }
        match op {
            BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => {
                let a = self.eval(l, env)?;
                let a = self.as_bool(&a, l)?;
                // Short-circuit only when the answer is already known.
                match (op, a) {
                    (BinaryOp::And, Some(false)) => {
                        let b = self.eval(r, env)?;
                        self.as_bool(&b, r)?;
                        return Ok(Value::Bool(false));
                    }
                    (BinaryOp::Or, Some(true)) => {
                        let b = self.eval(r, env)?;
                        self.as_bool(&b, r)?;
                        return Ok(Value::Bool(true));
                    }
                    _ => {}
                }
                let b = self.eval(r, env)?;
                let b = self.as_bool(&b, r)?;
                let v = match op {
                    BinaryOp::And => match (a, b) {
                        (Some(false), _) | (_, Some(false)) => Some(false),
                        (Some(true), Some(true)) => Some(true),
                        _ => None,
                    },
                    BinaryOp::Or => match (a, b) {
                        (Some(true), _) | (_, Some(true)) => Some(true),
                        (Some(false), Some(false)) => Some(false),
                        _ => None,
                    },
                    _ => match (a, b) {
                        (Some(x), Some(y)) => Some(x != y),
                        _ => None,
                    },
                };
                return Ok(v.map_or(Value::Null, Value::Bool));
            }
            _ => {}
        }
        let a = self.eval(l, env)?;
        let b = self.eval(r, env)?;
        self.apply_binary(op, a, b, e)
    }

    fn as_bool(&self, v: &Value, e: &Expr) -> Result<Option<bool>, QueryError> {
        match v {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(*b)),
            v => Err(self.type_err(e, &format!("expected a boolean, got {}", v.type_name()))),
        }
    }

    /// Applies a non-logical binary operator to two values.
    pub fn apply_binary(
        &self,
        op: BinaryOp,
        a: Value,
        b: Value,
        e: &Expr,
    ) -> Result<Value, QueryError> {
        use Value::*;
        let bool_or_null = |o: Option<bool>| o.map_or(Null, Bool);
        Ok(match op {
            BinaryOp::Eq => bool_or_null(a.cypher_eq(&b)),
            BinaryOp::Ne => bool_or_null(a.cypher_eq(&b).map(|x| !x)),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                if a.is_null() || b.is_null() {
                    return Ok(Null);
                }
                match a.cypher_cmp(&b) {
                    None => Null,
                    Some(o) => Bool(match op {
                        BinaryOp::Lt => o == Ordering::Less,
                        BinaryOp::Le => o != Ordering::Greater,
                        BinaryOp::Gt => o == Ordering::Greater,
                        _ => o != Ordering::Less,
                    }),
                }
            }
            BinaryOp::In => match b {
                Null => Null,
                List(items) => {
                    let mut unknown = false;
                    for x in &items {
                        match a.cypher_eq(x) {
                            Some(true) => return Ok(Bool(true)),
                            None => unknown = true,
                            Some(false) => {}
                        }
                    }
                    if unknown {
                        Null
                    } else {
                        Bool(false)
                    }
                }
                v => {
                    return Err(
                        self.type_err(e, &format!("IN expects a list, got {}", v.type_name()))
                    )
                }
            },
            BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains => match (&a, &b) {
                (Str(x), Str(y)) => Bool(match op {
                    BinaryOp::StartsWith => x.starts_with(y.as_str()),
                    BinaryOp::EndsWith => x.ends_with(y.as_str()),
                    _ => x.contains(y.as_str()),
                }),
                _ => Null,
            },
            BinaryOp::Regex => match (&a, &b) {
                (Str(x), Str(y)) => {
                    let re = regex::Regex::new(&format!("^(?:{y})$")).map_err(|err| {
                        QueryError::argument(
                            "InvalidRegex",
                            format!("`{}`: invalid regular expression: {err}", self.text(e)),
                            e.span,
                        )
                    })?;
                    Bool(re.is_match(x))
                }
                _ => Null,
            },
            BinaryOp::Add => match (a, b) {
                (Null, _) | (_, Null) => Null,
                (Int(x), Int(y)) => Int(x.checked_add(y).ok_or_else(|| overflow(self, e))?),
                (Int(x), Float(y)) => Float(x as f64 + y),
                (Float(x), Int(y)) => Float(x + y as f64),
                (Float(x), Float(y)) => Float(x + y),
                (Str(x), Str(y)) => Str(x + &y),
                (Str(x), v @ (Int(_) | Float(_) | Bool(_))) => Str(x + &v.to_string()),
                (v @ (Int(_) | Float(_) | Bool(_)), Str(y)) => Str(v.to_string() + &y),
                (List(mut x), List(y)) => {
                    x.extend(y);
                    List(x)
                }
                (List(mut x), v) => {
                    x.push(v);
                    List(x)
                }
                (v, List(y)) => {
                    let mut out = Vec::with_capacity(y.len() + 1);
                    out.push(v);
                    out.extend(y);
                    List(out)
                }
                (x, y) => return Err(self.bad_operands(e, "+", &x, &y)),
            },
            BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Pow => {
                match (a, b) {
                    (Null, _) | (_, Null) => Null,
                    (Int(x), Int(y)) => match op {
                        BinaryOp::Sub => Int(x.checked_sub(y).ok_or_else(|| overflow(self, e))?),
                        BinaryOp::Mul => Int(x.checked_mul(y).ok_or_else(|| overflow(self, e))?),
                        BinaryOp::Div | BinaryOp::Mod => {
                            if y == 0 {
                                return Err(QueryError::argument(
                                    "DivisionByZero",
                                    format!("`{}`: division by zero", self.text(e)),
                                    e.span,
                                ));
                            }
                            let r = if op == BinaryOp::Div {
                                x.checked_div(y)
                            } else {
                                x.checked_rem(y)
                            };
                            Int(r.ok_or_else(|| overflow(self, e))?)
                        }
                        _ => Float((x as f64).powf(y as f64)),
                    },
                    (x @ (Int(_) | Float(_)), y @ (Int(_) | Float(_))) => {
                        let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                        Float(match op {
                            BinaryOp::Sub => x - y,
                            BinaryOp::Mul => x * y,
                            BinaryOp::Div => x / y,
                            BinaryOp::Mod => x % y,
                            _ => x.powf(y),
                        })
                    }
                    (x, y) => {
                        let sym = match op {
                            BinaryOp::Sub => "-",
                            BinaryOp::Mul => "*",
                            BinaryOp::Div => "/",
                            BinaryOp::Mod => "%",
                            _ => "^",
                        };
                        return Err(self.bad_operands(e, sym, &x, &y));
                    }
                }
            }
            BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => Null,
        })
    }

    fn bad_operands(&self, e: &Expr, op: &str, a: &Value, b: &Value) -> QueryError {
        self.type_err(
            e,
            &format!(
                "cannot apply `{op}` to {} and {}",
                a.type_name(),
                b.type_name()
            ),
        )
    }
}

fn overflow(ev: &Evaluator<'_>, e: &Expr) -> QueryError {
    QueryError::argument(
        "NumberOutOfRange",
        format!("`{}`: integer overflow", ev.text(e)),
        e.span,
    )
}

fn deleted(ev: &Evaluator<'_>, e: &Expr) -> QueryError {
    QueryError::runtime(
        RuntimeKind::EntityNotFound,
        "DeletedEntityAccess",
        format!("`{}`: the entity was deleted", ev.text(e)),
        Some(e.span),
    )
}
