//! Changes to the graph: CREATE, MERGE (with ON CREATE / ON MATCH SET),
//! SET, REMOVE, DELETE and DETACH DELETE.
//!
//! A node whose only label is `Source` in a `CREATE` or `MERGE` declares
//! one of the graph's sources instead of creating an entity (see
//! [`declare_source`]).
//!
//! Each clause reads with an [`Evaluator`] over the graph as it stands,
//! then writes; rows are handled in order, so a later row sees what an
//! earlier one created.

use super::ast::{
    Create, Delete, Direction, Expr, ExprKind, Merge, NodePattern, PatternPart, Remove, RemoveItem,
    SetItem,
};
use super::eval::{Ctx, Matcher, PartState, Table};
use super::expr::{Env, Evaluator};
use super::plan::plan_pattern;
use super::query_error::{QueryError, RuntimeKind};
use super::value::Value;
use crate::graph::{
    Date, EdgeIndex, Entity, Graph, GraphError, NodeIndex, Props, Relation, Source,
};

fn graph_err(e: GraphError, span: crate::query::ast::Span) -> QueryError {
    match e {
        GraphError::DuplicateId(_) => QueryError::runtime(
            RuntimeKind::ConstraintVerificationFailed,
            "DuplicateId",
            e.to_string(),
            Some(span),
        ),
        GraphError::Missing => QueryError::runtime(
            RuntimeKind::EntityNotFound,
            "DeletedEntityAccess",
            e.to_string(),
            Some(span),
        ),
        GraphError::SourceConflict { .. } => QueryError::runtime(
            RuntimeKind::ConstraintVerificationFailed,
            "SourceConflict",
            e.to_string(),
            Some(span),
        ),
    }
}

/// Appends the new variables of `parts` to `names`, in order.
fn declare(parts: &[PatternPart], names: &mut Vec<String>) {
    let mut add = |v: Option<&crate::query::ast::Ident>| {
        if let Some(v) = v {
            if !names.contains(&v.name) {
                names.push(v.name.clone());
            }
        }
    };
    for p in parts {
        add(p.element.start.var.as_ref());
        for (r, n) in &p.element.chain {
            add(r.var.as_ref());
            add(n.var.as_ref());
        }
        add(p.var.as_ref());
    }
}

fn slot(names: &[String], name: &str) -> Option<usize> {
    names.iter().rposition(|n| n == name)
}

/// Evaluates a pattern's property map to (key, value) pairs, nulls left
/// out.
fn prop_pairs(
    ev: &Evaluator<'_>,
    props: Option<&Expr>,
    env: &Env<'_>,
) -> Result<Vec<(String, Value)>, QueryError> {
    let Some(e) = props else {
        return Ok(Vec::new());
    };
    match ev.eval(e, env)? {
        Value::Map(m) => Ok(m.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        Value::Null => Ok(Vec::new()),
        v => Err(ev.type_err(
            e,
            &format!("properties must be a map, not {}", v.type_name()),
        )),
    }
}

fn to_prop(
    v: &Value,
    span: crate::query::ast::Span,
    text: &str,
) -> Result<Option<crate::graph::PropValue>, QueryError> {
    v.to_prop().map_err(|what| {
        QueryError::type_error(
            "InvalidPropertyType",
            format!(
                "`{}`: {what} cannot be stored as a property",
                super::query_error::snippet(text, span)
            ),
            span,
        )
    })
}

/// The node of a pattern part that declares a source: a lone node whose
/// only label is `Source` (the semantic check has refused one with a
/// variable or in a relationship).
fn source_node(part: &PatternPart) -> Option<&NodePattern> {
    let np = &part.element.start;
    (part.element.chain.is_empty() && np.declares_source()).then_some(np)
}

/// Declares the source that `(:Source {id: ..., url: ..., title: ...,
/// published: ...})` describes, for one row: `id` is required, every
/// field is text, `published` a date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
/// The same source declared again changes nothing; other fields for a
/// declared id are refused. Returns whether the source was new.
fn declare_source(
    graph: &mut Graph,
    ctx: &Ctx<'_>,
    np: &NodePattern,
    names: &[String],
    row: &[Value],
) -> Result<bool, QueryError> {
    let pairs = {
        let ev = Evaluator::new(graph, ctx);
        prop_pairs(&ev, np.props.as_ref(), &Env::new(names, row))?
    };
    let span = np.span;
    let what = super::query_error::snippet(ctx.text, span);
    let mut source = Source {
        id: String::new(),
        url: None,
        title: None,
        published: None,
    };
    for (key, value) in pairs {
        if !crate::graph::load::SOURCE_KEYS.contains(&key.as_str()) {
            return Err(QueryError::argument(
                "InvalidSourceField",
                format!(
                    "`{what}`: `{key}` is not a field of a source, which has `id`, `url`, `title` and `published`; a node whose only label is Source declares one of the graph's sources (to create an entity labelled Source, add the label afterwards: CREATE (n {{...}}) SET n:Source)"
                ),
                span,
            ));
        }
        let Value::Str(text) = value else {
            return Err(QueryError::type_error(
                "InvalidSourceField",
                format!(
                    "`{what}`: a source's `{key}` must be text, not {}",
                    value.type_name()
                ),
                span,
            ));
        };
        match key.as_str() {
            "id" => source.id = text,
            "url" => source.url = Some(text),
            "title" => source.title = Some(text),
            _ => {
                let date = Date::parse(&text).map_err(|e| {
                    QueryError::argument(
                        "InvalidSourceField",
                        format!("`{what}`: `published`: {e}"),
                        span,
                    )
                })?;
                source.published = Some(date);
            }
        }
    }
    if source.id.is_empty() {
        return Err(QueryError::argument(
            "InvalidSourceField",
            format!(
                "`{what}`: a source needs a non-empty `id`, e.g. (:Source {{id: 'kommersant-7534002', url: 'https://www.kommersant.ru/doc/7534002'}})"
            ),
            span,
        ));
    }
    graph.declare_source(source).map_err(|e| graph_err(e, span))
}

/// Creates one pattern part for one row, binding its variables.
fn create_part(
    graph: &mut Graph,
    ctx: &Ctx<'_>,
    part: &PatternPart,
    names: &[String],
    row: &mut [Value],
) -> Result<(), QueryError> {
    if let Some(np) = source_node(part) {
        return declare_source(graph, ctx, np, names, row).map(|_| ());
    }
    let mut nodes: Vec<NodeIndex> = Vec::new();
    let node_pats =
        std::iter::once(&part.element.start).chain(part.element.chain.iter().map(|(_, n)| n));
    for np in node_pats {
        let bound = np
            .var
            .as_ref()
            .and_then(|v| slot(names, &v.name))
            .and_then(|s| row.get(s))
            .cloned();
        if let Some(Value::Node(n)) = bound {
            nodes.push(n);
            continue;
        }
        if let Some(v @ (Value::Rel(_) | Value::Path(_) | Value::Int(_) | Value::Str(_))) = &bound {
            return Err(QueryError::type_error(
                "VariableTypeConflict",
                format!(
                    "`{}` is {}, not a node",
                    np.var.as_ref().map_or("", |v| v.name.as_str()),
                    v.type_name()
                ),
                np.span,
            ));
        }
        let pairs = {
            let ev = Evaluator::new(graph, ctx);
            prop_pairs(&ev, np.props.as_ref(), &Env::new(names, row))?
        };
        let labels = np.labels.iter().map(|l| graph.intern(&l.name)).collect();
        let n = graph
            .add_entity(Entity {
                id: None,
                labels,
                name: None,
                aliases: Vec::new(),
                props: Props::new(),
            })
            .map_err(|e| graph_err(e, np.span))?;
        for (k, v) in pairs {
            let p = to_prop(&v, np.span, ctx.text)?;
            graph
                .set_entity_property(n, &k, p)
                .map_err(|e| graph_err(e, np.span))?;
        }
        if let Some(s) = np.var.as_ref().and_then(|v| slot(names, &v.name)) {
            if let Some(x) = row.get_mut(s) {
                *x = Value::Node(n);
            }
        }
        nodes.push(n);
    }
    let mut rels = Vec::new();
    for (i, (rp, _)) in part.element.chain.iter().enumerate() {
        let (Some(&a), Some(&b)) = (nodes.get(i), nodes.get(i + 1)) else {
            continue;
        };
        let (from, to) = if rp.direction == Direction::Left {
            (b, a)
        } else {
            (a, b)
        };
        let Some(ty) = rp.types.first() else {
            return Err(QueryError::semantic(
                "NoSingleRelationshipType",
                "a relationship to create needs exactly one type",
                rp.span,
            ));
        };
        let pairs = {
            let ev = Evaluator::new(graph, ctx);
            prop_pairs(&ev, rp.props.as_ref(), &Env::new(names, row))?
        };
        let sym = graph.intern(&ty.name);
        let e = graph
            .add_relation(from, to, Relation::new(sym))
            .map_err(|e| graph_err(e, rp.span))?;
        for (k, v) in pairs {
            let p = to_prop(&v, rp.span, ctx.text)?;
            graph
                .set_relation_property(e, &k, p)
                .map_err(|e| graph_err(e, rp.span))?;
        }
        if let Some(s) = rp.var.as_ref().and_then(|v| slot(names, &v.name)) {
            if let Some(x) = row.get_mut(s) {
                *x = Value::Rel(e);
            }
        }
        rels.push(e);
    }
    if let Some(s) = part.var.as_ref().and_then(|v| slot(names, &v.name)) {
        if let Some(x) = row.get_mut(s) {
            *x = super::functions::path(nodes, rels);
        }
    }
    Ok(())
}

/// `CREATE pattern`.
pub(crate) fn create(
    graph: &mut Graph,
    ctx: &Ctx<'_>,
    c: &Create,
    table: &mut Table,
) -> Result<(), QueryError> {
    let before = table.names.clone();
    declare(&c.pattern, &mut table.names);
    for row in &mut table.rows {
        row.resize(table.names.len(), Value::Null);
        for part in &c.pattern {
            // Variables bound by this clause are visible to later parts,
            // those of earlier clauses always.
            create_part(graph, ctx, part, &table.names, row)?;
        }
    }
    let _ = before;
    Ok(())
}

/// `MERGE part [ON CREATE SET ...] [ON MATCH SET ...]`.
pub(crate) fn merge(
    graph: &mut Graph,
    ctx: &Ctx<'_>,
    m: &Merge,
    table: &mut Table,
) -> Result<(), QueryError> {
    if let Some(np) = source_node(&m.part) {
        return merge_source(graph, ctx, m, np, table);
    }
    let mut names = table.names.clone();
    let parts = std::slice::from_ref(&m.part);
    let plan = plan_pattern(graph, parts, &mut names);
    let mut out_rows = Vec::new();
    for mut row in std::mem::take(&mut table.rows) {
        row.resize(names.len(), Value::Null);
        let mut matched: Vec<Vec<Value>> = Vec::new();
        {
            let ev = Evaluator::new(graph, ctx);
            let mut emit = |r: &[Value], _: &[PartState]| -> Result<(), QueryError> {
                matched.push(r.to_vec());
                Ok(())
            };
            Matcher::new(&ev, &plan, &names).run(&mut row, &mut emit)?;
        }
        if matched.is_empty() {
            // A null in the pattern's properties cannot be merged.
            check_merge_nulls(graph, ctx, &m.part, &names, &row)?;
            create_part(graph, ctx, &m.part, &names, &mut row)?;
            let mut t = Table {
                names: names.clone(),
                rows: vec![row],
            };
            for a in m.actions.iter().filter(|a| a.on_create) {
                set(graph, ctx, &a.items, &mut t)?;
            }
            out_rows.extend(t.rows);
        } else {
            let mut t = Table {
                names: names.clone(),
                rows: matched,
            };
            for a in m.actions.iter().filter(|a| !a.on_create) {
                set(graph, ctx, &a.items, &mut t)?;
            }
            out_rows.extend(t.rows);
        }
    }
    table.names = names;
    table.rows = out_rows;
    Ok(())
}

/// `MERGE (:Source {...})`: declares the source for each row, then runs
/// the `ON CREATE` actions where it was new and the `ON MATCH` ones where
/// the graph had it.
fn merge_source(
    graph: &mut Graph,
    ctx: &Ctx<'_>,
    m: &Merge,
    np: &NodePattern,
    table: &mut Table,
) -> Result<(), QueryError> {
    for row in std::mem::take(&mut table.rows) {
        let new = declare_source(graph, ctx, np, &table.names, &row)?;
        let mut t = Table {
            names: table.names.clone(),
            rows: vec![row],
        };
        for a in m.actions.iter().filter(|a| a.on_create == new) {
            set(graph, ctx, &a.items, &mut t)?;
        }
        table.rows.extend(t.rows);
    }
    Ok(())
}

fn check_merge_nulls(
    graph: &Graph,
    ctx: &Ctx<'_>,
    part: &PatternPart,
    names: &[String],
    row: &[Value],
) -> Result<(), QueryError> {
    let ev = Evaluator::new(graph, ctx);
    let env = Env::new(names, row);
    let props = std::iter::once(part.element.start.props.as_ref()).chain(
        part.element
            .chain
            .iter()
            .flat_map(|(r, n)| [r.props.as_ref(), n.props.as_ref()]),
    );
    for p in props.flatten() {
        if let Value::Map(m) = ev.eval(p, &env)? {
            if let Some((k, _)) = m.iter().find(|(_, v)| v.is_null()) {
                return Err(QueryError::runtime(
                    RuntimeKind::SemanticError,
                    "MergeReadOwnWrites",
                    format!("cannot merge with a null property `{k}`"),
                    Some(p.span),
                ));
            }
        }
    }
    Ok(())
}

/// `SET item, ...` for every row.
pub(crate) fn set(
    graph: &mut Graph,
    ctx: &Ctx<'_>,
    items: &[SetItem],
    table: &mut Table,
) -> Result<(), QueryError> {
    for row in &table.rows {
        for item in items {
            set_item(graph, ctx, item, &table.names, row)?;
        }
    }
    Ok(())
}

enum Target {
    Node(NodeIndex),
    Rel(EdgeIndex),
}

fn target(v: &Value, e: &Expr, ev: &Evaluator<'_>) -> Result<Option<Target>, QueryError> {
    match v {
        Value::Null => Ok(None),
        Value::Node(n) => Ok(Some(Target::Node(*n))),
        Value::Rel(r) => Ok(Some(Target::Rel(*r))),
        v => Err(ev.type_err(e, &format!("cannot set properties of {}", v.type_name()))),
    }
}

fn set_prop(
    graph: &mut Graph,
    t: &Target,
    key: &str,
    v: Option<crate::graph::PropValue>,
    span: crate::query::ast::Span,
) -> Result<(), QueryError> {
    match t {
        Target::Node(n) => graph.set_entity_property(*n, key, v),
        Target::Rel(r) => graph.set_relation_property(*r, key, v),
    }
    .map_err(|e| graph_err(e, span))
}

fn var_expr(var: &crate::query::ast::Ident) -> Expr {
    Expr {
        kind: ExprKind::Var(var.name.clone()),
        span: var.span,
    }
}

fn set_item(
    graph: &mut Graph,
    ctx: &Ctx<'_>,
    item: &SetItem,
    names: &[String],
    row: &[Value],
) -> Result<(), QueryError> {
    let env = Env::new(names, row);
    match item {
        SetItem::Property { target: te, value } => {
            let ExprKind::Property(base, key) = &te.kind else {
                return Err(QueryError::semantic(
                    "InvalidSetTarget",
                    "SET needs a property such as `n.key`",
                    te.span,
                ));
            };
            let (t, v) = {
                let ev = Evaluator::new(graph, ctx);
                let b = ev.eval(base, &env)?;
                (target(&b, base, &ev)?, ev.eval(value, &env)?)
            };
            if let Some(t) = t {
                let p = to_prop(&v, value.span, ctx.text)?;
                set_prop(graph, &t, &key.name, p, te.span)?;
            }
        }
        SetItem::Replace { var, value } | SetItem::Merge { var, value } => {
            let replace = matches!(item, SetItem::Replace { .. });
            let (t, pairs) = {
                let ev = Evaluator::new(graph, ctx);
                let ve = var_expr(var);
                let b = ev.eval(&ve, &env)?;
                let t = target(&b, &ve, &ev)?;
                let v = ev.eval(value, &env)?;
                let pairs = match v {
                    Value::Map(m) => m,
                    Value::Node(_) | Value::Rel(_) => match ev.properties(&v, value)? {
                        Value::Map(m) => m,
                        _ => Default::default(),
                    },
                    Value::Null => Default::default(),
                    v => {
                        return Err(
                            ev.type_err(value, &format!("expected a map, got {}", v.type_name()))
                        )
                    }
                };
                (t, pairs)
            };
            let Some(t) = t else { return Ok(()) };
            if replace {
                match &t {
                    Target::Node(n) => graph.clear_entity_properties(*n),
                    Target::Rel(r) => graph.clear_relation_properties(*r),
                }
            }
            for (k, v) in pairs {
                let p = to_prop(&v, value.span, ctx.text)?;
                set_prop(graph, &t, &k, p, value.span)?;
            }
        }
        SetItem::Labels { var, labels } => {
            let n = match env.lookup(&var.name) {
                Some(Value::Node(n)) => *n,
                Some(Value::Null) | None => return Ok(()),
                Some(v) => {
                    return Err(QueryError::type_error(
                        "InvalidArgumentType",
                        format!("`{}` is {}, not a node", var.name, v.type_name()),
                        var.span,
                    ))
                }
            };
            for l in labels {
                let s = graph.intern(&l.name);
                graph.add_label(n, s);
            }
        }
    }
    Ok(())
}

/// `REMOVE item, ...` for every row.
pub(crate) fn remove(
    graph: &mut Graph,
    ctx: &Ctx<'_>,
    r: &Remove,
    table: &mut Table,
) -> Result<(), QueryError> {
    for row in &table.rows {
        let env = Env::new(&table.names, row);
        for item in &r.items {
            match item {
                RemoveItem::Property(pe) => {
                    let ExprKind::Property(base, key) = &pe.kind else {
                        continue;
                    };
                    let t = {
                        let ev = Evaluator::new(graph, ctx);
                        let b = ev.eval(base, &env)?;
                        target(&b, base, &ev)?
                    };
                    if let Some(t) = t {
                        set_prop(graph, &t, &key.name, None, pe.span)?;
                    }
                }
                RemoveItem::Labels { var, labels } => {
                    if let Some(Value::Node(n)) = env.lookup(&var.name) {
                        for l in labels {
                            if let Some(s) = graph.sym(&l.name) {
                                graph.remove_label(*n, s);
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// `[DETACH] DELETE expr, ...`: relationships go first; a node that still
/// has relationships afterwards is an error unless `DETACH`.
pub(crate) fn delete(
    graph: &mut Graph,
    ctx: &Ctx<'_>,
    d: &Delete,
    table: &mut Table,
) -> Result<(), QueryError> {
    let mut nodes: Vec<(NodeIndex, crate::query::ast::Span)> = Vec::new();
    let mut rels: Vec<EdgeIndex> = Vec::new();
    {
        let ev = Evaluator::new(graph, ctx);
        for row in &table.rows {
            let env = Env::new(&table.names, row);
            for e in &d.exprs {
                collect_deletable(&ev, ev.eval(e, &env)?, e, &mut nodes, &mut rels)?;
            }
        }
    }
    for r in rels {
        graph.remove_relation(r);
    }
    for (n, span) in nodes {
        if graph.entity(n).is_none() {
            continue;
        }
        let degree = graph.degree(n, crate::graph::Direction::Outgoing)
            + graph.degree(n, crate::graph::Direction::Incoming);
        if degree > 0 && !d.detach {
            return Err(QueryError::runtime(
                RuntimeKind::ConstraintVerificationFailed,
                "DeleteConnectedNode",
                format!(
                    "`{}`: cannot delete a node that still has relationships; use DETACH DELETE",
                    super::query_error::snippet(ctx.text, span)
                ),
                Some(span),
            ));
        }
        graph.remove_entity(n);
    }
    Ok(())
}

fn collect_deletable(
    ev: &Evaluator<'_>,
    v: Value,
    e: &Expr,
    nodes: &mut Vec<(NodeIndex, crate::query::ast::Span)>,
    rels: &mut Vec<EdgeIndex>,
) -> Result<(), QueryError> {
    match v {
        Value::Null => {}
        Value::Node(n) => nodes.push((n, e.span)),
        Value::Rel(r) => rels.push(r),
        Value::Path(p) => {
            rels.extend(p.rels);
            nodes.extend(p.nodes.into_iter().map(|n| (n, e.span)));
        }
        Value::List(l) => {
            for x in l {
                collect_deletable(ev, x, e, nodes, rels)?;
            }
        }
        v => return Err(ev.type_err(e, &format!("cannot delete {}", v.type_name()))),
    }
    Ok(())
}
