//! Checks made before evaluation: every variable is defined where it is
//! used, bound at most once with one kind, patterns to create are
//! creatable, aggregates stand where they may, projected columns are named
//! and distinct. Errors carry the span of what is wrong and the TCK's code.

use super::ast::{
    Clause, Direction, Expr, ExprKind, Literal, MapProjectionItem, NodePattern, PatternPart,
    Projection, Query, RemoveItem, SetItem, Span,
};
use super::eval::{contains_aggregate, visit_aggregates};
use super::functions;
use super::query_error::{snippet, QueryError};

/// What a variable holds, as far as can be told before running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Node,
    Rel,
    /// A variable-length relationship: a list of relationships.
    RelList,
    Path,
    /// A value that is certainly not a graph element, list or map (a
    /// scalar literal).
    Value,
    /// A list literal.
    List,
    /// A map literal.
    Map,
    /// Unknown.
    Any,
}

type Scope = Vec<(String, Kind)>;

fn err(code: &'static str, message: impl Into<String>, span: Span) -> QueryError {
    QueryError::semantic(code, message, span)
}

fn kind_of(scope: &Scope, name: &str) -> Option<Kind> {
    scope.iter().rev().find(|(n, _)| n == name).map(|(_, k)| *k)
}

/// The variable names a projection leaves in scope.
pub fn projected_names(p: &Projection, scope: &[String]) -> Vec<String> {
    let mut out: Vec<String> = if p.star { scope.to_vec() } else { Vec::new() };
    for it in &p.items {
        match (&it.alias, &it.expr.kind) {
            (Some(a), _) => out.push(a.name.clone()),
            (None, ExprKind::Var(v)) => out.push(v.clone()),
            _ => {}
        }
    }
    out
}

/// Adds the variables of a pattern part to `scope` (for plans).
pub fn pattern_vars(p: &PatternPart, scope: &mut Vec<String>) {
    let mut add = |v: Option<&super::ast::Ident>| {
        if let Some(v) = v {
            if !scope.contains(&v.name) {
                scope.push(v.name.clone());
            }
        }
    };
    add(p.element.start.var.as_ref());
    for (r, n) in &p.element.chain {
        add(r.var.as_ref());
        add(n.var.as_ref());
    }
    add(p.var.as_ref());
}

/// Checks a query; the first problem found is returned.
pub fn check(q: &Query, text: &str) -> Result<(), QueryError> {
    let mut scope: Scope = Vec::new();
    for clause in &q.clauses {
        match clause {
            Clause::Match(m) => {
                bind_pattern(&m.pattern, &mut scope, PatternUse::Match)?;
                if let Some(w) = &m.where_ {
                    no_aggregate(w, text)?;
                    expr(w, &scope, text)?;
                }
            }
            Clause::Unwind(u) => {
                expr(&u.expr, &scope, text)?;
                if kind_of(&scope, &u.var.name).is_some() {
                    return Err(err(
                        "VariableAlreadyBound",
                        format!("variable `{}` is already bound", u.var.name),
                        u.var.span,
                    ));
                }
                scope.push((u.var.name.clone(), Kind::Any));
            }
            Clause::With(w) => {
                let new = projection(&w.projection, &scope, text, true)?;
                if let Some(wh) = &w.where_ {
                    no_aggregate(wh, text)?;
                    // WHERE also sees the variables before WITH (after
                    // DISTINCT or grouping only inside expressions that
                    // were projected; that is checked when evaluating).
                    let mut both = new.clone();
                    both.splice(0..0, scope.iter().cloned());
                    expr(wh, &both, text)?;
                }
                scope = new;
            }
            Clause::Return(r) => {
                scope = projection(&r.projection, &scope, text, false)?;
            }
            Clause::Create(c) => {
                bind_pattern(&c.pattern, &mut scope, PatternUse::Create)?;
            }
            Clause::Merge(m) => {
                bind_pattern(std::slice::from_ref(&m.part), &mut scope, PatternUse::Merge)?;
                for a in &m.actions {
                    set_items(&a.items, &scope, text)?;
                }
            }
            Clause::Set(s) => set_items(&s.items, &scope, text)?,
            Clause::Remove(r) => {
                for it in &r.items {
                    match it {
                        RemoveItem::Property(e) => expr(e, &scope, text)?,
                        RemoveItem::Labels { var, .. } => defined(&var.name, var.span, &scope)?,
                    }
                }
            }
            Clause::Delete(d) => {
                for e in &d.exprs {
                    if matches!(e.kind, ExprKind::HasLabels(..)) {
                        return Err(err(
                            "InvalidDelete",
                            format!("`{}`: DELETE takes nodes, relationships or paths; use REMOVE for labels", snippet(text, e.span)),
                            e.span,
                        ));
                    }
                    expr(e, &scope, text)?;
                    if let ExprKind::Var(v) = &e.kind {
                        if matches!(kind_of(&scope, v), Some(Kind::Value | Kind::Map)) {
                            return Err(err(
                                "InvalidArgumentType",
                                format!("`{v}` is not a node, relationship or path"),
                                e.span,
                            ));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn defined(name: &str, span: Span, scope: &Scope) -> Result<(), QueryError> {
    if kind_of(scope, name).is_some() {
        Ok(())
    } else {
        Err(err(
            "UndefinedVariable",
            format!("variable `{name}` is not defined"),
            span,
        ))
    }
}

fn set_items(items: &[SetItem], scope: &Scope, text: &str) -> Result<(), QueryError> {
    for it in items {
        match it {
            SetItem::Property { target, value } => {
                expr(target, scope, text)?;
                expr(value, scope, text)?;
            }
            SetItem::Replace { var, value } | SetItem::Merge { var, value } => {
                defined(&var.name, var.span, scope)?;
                expr(value, scope, text)?;
            }
            SetItem::Labels { var, .. } => defined(&var.name, var.span, scope)?,
        }
    }
    Ok(())
}

fn no_aggregate(e: &Expr, text: &str) -> Result<(), QueryError> {
    let mut found = None;
    visit_aggregates(e, &mut |a| {
        found.get_or_insert(a.span);
    });
    match found {
        Some(span) => Err(err(
            "InvalidAggregation",
            format!(
                "`{}`: an aggregate is not allowed here",
                snippet(text, span)
            ),
            span,
        )),
        None => Ok(()),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum PatternUse {
    Match,
    Create,
    Merge,
}

fn bind_pattern(
    parts: &[PatternPart],
    scope: &mut Scope,
    how: PatternUse,
) -> Result<(), QueryError> {
    let before = scope.len();
    let mut rels_here: Vec<String> = Vec::new();
    for part in parts {
        if how != PatternUse::Match {
            source_declaration(part)?;
        }
        let nodes =
            std::iter::once(&part.element.start).chain(part.element.chain.iter().map(|(_, n)| n));
        let single = part.element.chain.is_empty();
        for n in nodes {
            props_check(n.props.as_ref(), scope, how)?;
            bind_node(n, scope, before, how, single)?;
        }
        for (r, _) in &part.element.chain {
            props_check(r.props.as_ref(), scope, how)?;
            if how != PatternUse::Match {
                if r.types.len() != 1 {
                    return Err(err(
                        "NoSingleRelationshipType",
                        "a relationship to create needs exactly one type, e.g. -[:KNOWS]->",
                        r.span,
                    ));
                }
                if r.length.is_some() {
                    return Err(err(
                        "CreatingVarLength",
                        "a variable-length relationship cannot be created",
                        r.span,
                    ));
                }
                if how == PatternUse::Create && r.direction == Direction::Both {
                    return Err(err(
                        "RequiresDirectedRelationship",
                        "a relationship to create needs a direction, e.g. -[:KNOWS]->",
                        r.span,
                    ));
                }
            }
            if let Some(v) = &r.var {
                let want = if r.length.is_some() {
                    Kind::RelList
                } else {
                    Kind::Rel
                };
                match kind_of(scope, &v.name) {
                    None => {
                        scope.push((v.name.clone(), want));
                        rels_here.push(v.name.clone());
                    }
                    Some(_) if rels_here.contains(&v.name) => {
                        return Err(err(
                            "RelationshipUniquenessViolation",
                            format!(
                                "relationship variable `{}` is used twice in one pattern",
                                v.name
                            ),
                            v.span,
                        ))
                    }
                    Some(k) if how != PatternUse::Match => {
                        let _ = k;
                        return Err(err(
                            "VariableAlreadyBound",
                            format!("variable `{}` is already bound", v.name),
                            v.span,
                        ));
                    }
                    Some(Kind::Rel | Kind::RelList | Kind::Any) => {}
                    Some(Kind::List) if r.length.is_some() => {}
                    Some(_) => {
                        return Err(err(
                            "VariableTypeConflict",
                            format!("variable `{}` is not a relationship", v.name),
                            v.span,
                        ))
                    }
                }
            }
        }
        if let Some(v) = &part.var {
            if kind_of(scope, &v.name).is_some() {
                return Err(err(
                    "VariableAlreadyBound",
                    format!("variable `{}` is already bound", v.name),
                    v.span,
                ));
            }
            scope.push((v.name.clone(), Kind::Path));
        }
    }
    Ok(())
}

/// A node that declares a source (`(:Source {id: ...})` in `CREATE` or
/// `MERGE`) stands alone: a source is not an entity, so it has no
/// variable, no path and no relationships.
fn source_declaration(part: &PatternPart) -> Result<(), QueryError> {
    let nodes =
        std::iter::once(&part.element.start).chain(part.element.chain.iter().map(|(_, n)| n));
    for n in nodes.filter(|n| n.declares_source()) {
        if !part.element.chain.is_empty() {
            return Err(err(
                "SourceInRelationship",
                "a node whose only label is Source declares one of the graph's sources, which cannot be the end of a relationship: cite a source with the relationship's `source` property, e.g. -[:OWNS {source: 'kommersant-7534002'}]->",
                n.span,
            ));
        }
        if let Some(v) = n.var.as_ref().or(part.var.as_ref()) {
            return Err(err(
                "SourceBoundToVariable",
                format!(
                    "a node whose only label is Source declares one of the graph's sources, which is not a node and cannot be bound to `{}`: write (:Source {{id: ..., url: ...}}) without a variable",
                    v.name
                ),
                v.span,
            ));
        }
    }
    Ok(())
}

fn props_check(props: Option<&Expr>, scope: &Scope, how: PatternUse) -> Result<(), QueryError> {
    let Some(p) = props else { return Ok(()) };
    if matches!(p.kind, ExprKind::Param(_)) && how != PatternUse::Create {
        return Err(err(
            "InvalidParameterUse",
            "a parameter cannot stand for the properties of a pattern to match; write {key: $param}",
            p.span,
        ));
    }
    expr(p, scope, "")
}

fn bind_node(
    n: &NodePattern,
    scope: &mut Scope,
    before: usize,
    how: PatternUse,
    single: bool,
) -> Result<(), QueryError> {
    let Some(v) = &n.var else { return Ok(()) };
    let conflict = |what: &str| {
        Err(err(
            "VariableTypeConflict",
            format!("variable `{}` is {what}, not a node", v.name),
            v.span,
        ))
    };
    match scope.iter().rposition(|(x, _)| *x == v.name) {
        None => {
            scope.push((v.name.clone(), Kind::Node));
            Ok(())
        }
        Some(at) => {
            let k = scope.get(at).map_or(Kind::Any, |(_, k)| *k);
            match k {
                Kind::Node | Kind::Any => {}
                Kind::Rel | Kind::RelList => return conflict("a relationship"),
                Kind::Path => return conflict("a path"),
                Kind::Value | Kind::Map => return conflict("a value"),
                Kind::List => return conflict("a list"),
            }
            let decorated = !n.labels.is_empty() || n.props.is_some();
            let earlier_clause = at < before;
            if how != PatternUse::Match && (decorated || (single && earlier_clause)) {
                return Err(err(
                    "VariableAlreadyBound",
                    format!("variable `{}` is already bound; it cannot be given labels or properties here", v.name),
                    v.span,
                ));
            }
            Ok(())
        }
    }
}

fn projection(
    p: &Projection,
    scope: &Scope,
    text: &str,
    is_with: bool,
) -> Result<Scope, QueryError> {
    let mut out: Scope = if p.star { scope.clone() } else { Vec::new() };
    if p.star && scope.is_empty() && p.items.is_empty() {
        return Err(err(
            "NoVariablesInScope",
            "`*` needs at least one variable in scope",
            Span::default(),
        ));
    }
    let keys: Vec<&Expr> = p
        .items
        .iter()
        .map(|i| &i.expr)
        .filter(|e| !contains_aggregate(e))
        .collect();
    let aggregating = p.items.iter().any(|i| contains_aggregate(&i.expr));
    for it in &p.items {
        expr(&it.expr, scope, text)?;
        aggregate_rules(&it.expr, text)?;
        if contains_aggregate(&it.expr) {
            ambiguous(&it.expr, &keys, text)?;
        }
        let name = match (&it.alias, &it.expr.kind) {
            (Some(a), _) => a.name.clone(),
            (None, ExprKind::Var(v)) => v.clone(),
            (None, _) => {
                if is_with {
                    return Err(err(
                        "NoExpressionAlias",
                        format!(
                            "`{}` needs a name in WITH: add `AS name`",
                            snippet(text, it.span)
                        ),
                        it.span,
                    ));
                }
                snippet(text, it.span).to_string()
            }
        };
        if out.iter().any(|(n, _)| *n == name) {
            return Err(err(
                "ColumnNameConflict",
                format!("column `{name}` is projected twice"),
                it.span,
            ));
        }
        let kind = match &it.expr.kind {
            ExprKind::Var(v) => kind_of(scope, v).unwrap_or(Kind::Any),
            ExprKind::Literal(Literal::Null) => Kind::Any,
            ExprKind::Literal(_) => Kind::Value,
            ExprKind::List(_) => Kind::List,
            ExprKind::Map(_) => Kind::Map,
            _ => Kind::Any,
        };
        out.push((name, kind));
    }
    // ORDER BY sees the projected names, and the old ones unless the
    // projection aggregates or removes duplicates.
    let mut order_scope = out.clone();
    if !aggregating && !p.distinct {
        order_scope.splice(0..0, scope.iter().cloned());
    }
    for s in &p.order_by {
        if !aggregating {
            no_aggregate(&s.expr, text)?;
        }
        // Expressions equal to a projected item are allowed as they are.
        if p.items.iter().any(|i| i.expr == s.expr) {
            continue;
        }
        expr(&s.expr, &order_scope, text)?;
    }
    for e in p.skip.iter().chain(&p.limit) {
        count_literal(e, text)?;
    }
    Ok(out)
}

/// Calls `f` on every node of `e` (not into nested patterns).
fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    match &e.kind {
        ExprKind::List(xs) => xs.iter().for_each(|x| walk(x, f)),
        ExprKind::Map(xs) => xs.iter().for_each(|(_, x)| walk(x, f)),
        ExprKind::Property(b, _)
        | ExprKind::Unary(_, b)
        | ExprKind::IsNull(b, _)
        | ExprKind::HasLabels(b, _) => walk(b, f),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            walk(a, f);
            walk(b, f);
        }
        ExprKind::Slice(a, b, c) => {
            walk(a, f);
            b.iter().chain(c).for_each(|x| walk(x, f));
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|x| walk(x, f)),
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            operand.iter().chain(else_).for_each(|x| walk(x, f));
            for (a, b) in whens {
                walk(a, f);
                walk(b, f);
            }
        }
        ExprKind::ListComprehension {
            list, filter, map, ..
        } => {
            walk(list, f);
            filter.iter().chain(map).for_each(|x| walk(x, f));
        }
        ExprKind::MapProjection { items, .. } => {
            for it in items {
                if let MapProjectionItem::Literal(_, x) = it {
                    walk(x, f);
                }
            }
        }
        ExprKind::Literal(_)
        | ExprKind::Param(_)
        | ExprKind::Var(_)
        | ExprKind::CountStar
        | ExprKind::Pattern(_) => {}
    }
}

/// `SKIP` and `LIMIT` take a constant: no variables; a literal must be a
/// non-negative integer.
fn count_literal(e: &Expr, text: &str) -> Result<(), QueryError> {
    let mut var = None;
    walk(e, &mut |x| {
        if matches!(x.kind, ExprKind::Var(_) | ExprKind::Pattern(_)) {
            var.get_or_insert(x.span);
        }
    });
    if var.is_some() || contains_aggregate(e) {
        return Err(err(
            "NonConstantExpression",
            format!(
                "`{}`: SKIP and LIMIT take a constant",
                snippet(text, e.span)
            ),
            e.span,
        ));
    }
    match &e.kind {
        ExprKind::Literal(Literal::Int(i)) if *i < 0 => Err(err(
            "NegativeIntegerArgument",
            format!("`{}` must not be negative", snippet(text, e.span)),
            e.span,
        )),
        ExprKind::Literal(Literal::Int(_)) | ExprKind::Param(_) => Ok(()),
        ExprKind::Literal(_) => Err(err(
            "InvalidArgumentType",
            format!("`{}` must be an integer", snippet(text, e.span)),
            e.span,
        )),
        _ => Ok(()),
    }
}

/// No aggregate inside an aggregate or a list comprehension.
fn aggregate_rules(e: &Expr, text: &str) -> Result<(), QueryError> {
    let mut problem: Option<(&'static str, Span)> = None;
    walk(e, &mut |x| match &x.kind {
        ExprKind::Call { name, args, .. }
            if functions::is_aggregate(&name.name) && args.iter().any(contains_aggregate) =>
        {
            problem.get_or_insert(("NestedAggregation", x.span));
        }
        ExprKind::ListComprehension { filter, map, .. }
            if filter.iter().chain(map).any(|y| contains_aggregate(y)) =>
        {
            problem.get_or_insert(("InvalidAggregation", x.span));
        }
        _ => {}
    });
    match problem {
        Some((code, span)) => Err(err(
            code,
            format!(
                "`{}`: aggregates cannot be nested here",
                snippet(text, span)
            ),
            span,
        )),
        None => Ok(()),
    }
}

/// In an item that aggregates, whatever is outside the aggregates must be
/// constant or a grouping key.
fn ambiguous(e: &Expr, keys: &[&Expr], text: &str) -> Result<(), QueryError> {
    if keys.contains(&e) {
        return Ok(());
    }
    match &e.kind {
        ExprKind::CountStar => Ok(()),
        ExprKind::Call { name, .. } if functions::is_aggregate(&name.name) => Ok(()),
        ExprKind::Var(_) => Err(err(
            "AmbiguousAggregationExpression",
            format!(
                "`{}` is neither aggregated nor a grouping key",
                snippet(text, e.span)
            ),
            e.span,
        )),
        ExprKind::Property(b, _)
        | ExprKind::Unary(_, b)
        | ExprKind::IsNull(b, _)
        | ExprKind::HasLabels(b, _) => ambiguous(b, keys, text),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            ambiguous(a, keys, text)?;
            ambiguous(b, keys, text)
        }
        ExprKind::List(xs) | ExprKind::Call { args: xs, .. } => {
            xs.iter().try_for_each(|x| ambiguous(x, keys, text))
        }
        ExprKind::Map(xs) => xs.iter().try_for_each(|(_, x)| ambiguous(x, keys, text)),
        _ => Ok(()),
    }
}

/// Variables are defined; functions exist; arguments of known kinds fit.
fn expr(e: &Expr, scope: &Scope, text: &str) -> Result<(), QueryError> {
    expr_in(e, scope, &mut Vec::new(), text)
}

fn expr_in(
    e: &Expr,
    scope: &Scope,
    locals: &mut Vec<String>,
    text: &str,
) -> Result<(), QueryError> {
    let rec = |x: &Expr, locals: &mut Vec<String>| expr_in(x, scope, locals, text);
    match &e.kind {
        ExprKind::Var(v) => {
            if !locals.contains(v) {
                defined(v, e.span, scope)?;
            }
        }
        ExprKind::ListComprehension {
            var,
            list,
            filter,
            map,
        } => {
            rec(list, locals)?;
            locals.push(var.name.clone());
            let r = filter.iter().chain(map).try_for_each(|x| rec(x, locals));
            locals.pop();
            r?;
        }
        ExprKind::MapProjection { var, items } => {
            if !locals.contains(&var.name) {
                defined(&var.name, var.span, scope)?;
            }
            for it in items {
                match it {
                    MapProjectionItem::Literal(_, x) => rec(x, locals)?,
                    MapProjectionItem::Variable(v) if !locals.contains(&v.name) => {
                        defined(&v.name, v.span, scope)?;
                    }
                    _ => {}
                }
            }
        }
        ExprKind::Call { name, args, .. } => {
            let Some((min, max)) = functions::arity(&name.name) else {
                return Err(err(
                    "UnknownFunction",
                    format!("unknown function `{}`", name.name),
                    name.span,
                ));
            };
            if args.len() < min || args.len() > max {
                return Err(err(
                    "InvalidNumberOfArguments",
                    format!("`{}`: wrong number of arguments", snippet(text, e.span)),
                    e.span,
                ));
            }
            for a in args {
                rec(a, locals)?;
            }
            if let Some(a) = args.first() {
                arg_kind(&name.name, a, scope, locals, text)?;
            }
        }
        ExprKind::Pattern(_) => {}
        ExprKind::Property(base, _) => {
            rec(base, locals)?;
            if let ExprKind::Var(v) = &base.kind {
                if !locals.contains(v)
                    && matches!(
                        kind_of(scope, v),
                        Some(Kind::Path | Kind::Value | Kind::List | Kind::RelList)
                    )
                {
                    return Err(err(
                        "InvalidArgumentType",
                        format!("`{}`: `{v}` has no properties", snippet(text, e.span)),
                        e.span,
                    ));
                }
            }
        }
        ExprKind::Binary(op, a, b) => {
            rec(a, locals)?;
            rec(b, locals)?;
            if matches!(
                op,
                super::ast::BinaryOp::And | super::ast::BinaryOp::Or | super::ast::BinaryOp::Xor
            ) {
                for x in [a, b] {
                    non_boolean_literal(x, text)?;
                }
            }
        }
        ExprKind::Unary(super::ast::UnaryOp::Not, a) => {
            rec(a, locals)?;
            non_boolean_literal(a, text)?;
        }
        _ => {
            let mut result = Ok(());
            each_child(e, &mut |x| {
                if result.is_ok() {
                    result = expr_in(x, scope, locals, text);
                }
            });
            result?;
        }
    }
    Ok(())
}

fn non_boolean_literal(e: &Expr, text: &str) -> Result<(), QueryError> {
    let bad = matches!(
        e.kind,
        ExprKind::Literal(Literal::Int(_) | Literal::Float(_) | Literal::Str(_))
            | ExprKind::List(_)
            | ExprKind::Map(_)
    );
    if bad {
        Err(err(
            "InvalidArgumentType",
            format!("`{}` is not a boolean", snippet(text, e.span)),
            e.span,
        ))
    } else {
        Ok(())
    }
}

/// The direct children of an expression.
fn each_child(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    match &e.kind {
        ExprKind::List(xs) => xs.iter().for_each(&mut *f),
        ExprKind::Map(xs) => xs.iter().for_each(|(_, x)| f(x)),
        ExprKind::Property(b, _)
        | ExprKind::Unary(_, b)
        | ExprKind::IsNull(b, _)
        | ExprKind::HasLabels(b, _) => f(b),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            f(a);
            f(b);
        }
        ExprKind::Slice(a, b, c) => {
            f(a);
            b.iter().chain(c).for_each(|x| f(x));
        }
        ExprKind::Call { args, .. } => args.iter().for_each(&mut *f),
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            operand.iter().chain(else_).for_each(|x| f(x));
            for (a, b) in whens {
                f(a);
                f(b);
            }
        }
        _ => {}
    }
}

/// Arguments whose kind is known before running must fit the function.
fn arg_kind(
    name: &str,
    a: &Expr,
    scope: &Scope,
    locals: &[String],
    text: &str,
) -> Result<(), QueryError> {
    let kind = match &a.kind {
        ExprKind::Var(v) if !locals.contains(v) => kind_of(scope, v).unwrap_or(Kind::Any),
        ExprKind::Literal(Literal::Null) => Kind::Any,
        ExprKind::Literal(_) => Kind::Value,
        ExprKind::List(_) => Kind::List,
        ExprKind::Map(_) => Kind::Map,
        _ => Kind::Any,
    };
    if kind == Kind::Any {
        return Ok(());
    }
    let lower = name.to_ascii_lowercase();
    let ok = match lower.as_str() {
        "labels" => kind == Kind::Node,
        "type" | "startnode" | "endnode" => kind == Kind::Rel,
        "nodes" | "relationships" => kind == Kind::Path,
        "length" => matches!(kind, Kind::Path | Kind::Value | Kind::List | Kind::RelList),
        "properties" | "keys" => matches!(kind, Kind::Node | Kind::Rel | Kind::Map),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(err(
            "InvalidArgumentType",
            format!("`{}` cannot be given to {name}()", snippet(text, a.span)),
            a.span,
        ))
    }
}
