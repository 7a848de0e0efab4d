//! The adapter between the harness and kg: running a query, and turning
//! kg's values and graph state into the harness's [`TValue`]s.

use std::collections::{BTreeMap, BTreeSet};

use kg::graph::{EdgeIndex, Graph, NodeIndex, PropRef, PropValue};
use kg::query::Value;

use super::values::{TNode, TPath, TRel, TValue};

/// Query parameters, by name.
pub type Params = std::collections::HashMap<String, Value>;

/// A query's result, converted.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<TValue>>,
}

/// A query's error, as the TCK classifies it.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineError {
    /// `SyntaxError`, `TypeError`, ...
    pub tck_type: String,
    /// `compile time` or `runtime`.
    pub phase: String,
    /// The detail code, e.g. `UndefinedVariable`; `None` for parser errors.
    pub code: Option<String>,
    /// The error's text.
    pub message: String,
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at {}: {} ({})",
            self.tck_type,
            self.phase,
            self.code.as_deref().unwrap_or("no code"),
            self.message.lines().next().unwrap_or("")
        )
    }
}

/// What running a query gave.
pub type Outcome = Result<Table, EngineError>;

/// Runs `query` (one statement, or a script of statements ending in `;`)
/// and returns the last statement's result.
pub fn run(graph: &mut Graph, query: &str, params: &Params) -> Outcome {
    let options = kg::query::Options::default();
    match kg::query::run_script(graph, query, params, &options) {
        Ok(results) => {
            let last = results.into_iter().last().unwrap_or_default();
            let mut rows = Vec::with_capacity(last.rows.len());
            for row in &last.rows {
                rows.push(row.iter().map(|v| to_tvalue(graph, v)).collect());
            }
            Ok(Table {
                columns: last.columns,
                rows,
            })
        }
        Err(e) => Err(EngineError {
            tck_type: e.tck_type().into(),
            phase: e.phase().into(),
            code: e.code().map(String::from),
            message: e.render(query),
        }),
    }
}

/// A parameter value: only plain values can be written in the notation
/// for parameters.
pub fn to_param(v: &TValue) -> Result<Value, String> {
    Ok(match v {
        TValue::Null => Value::Null,
        TValue::Bool(b) => Value::Bool(*b),
        TValue::Int(i) => Value::Int(*i),
        TValue::Float(x) => Value::Float(*x),
        TValue::Str(s) => Value::Str(s.clone()),
        TValue::List(l) => Value::List(l.iter().map(to_param).collect::<Result<_, _>>()?),
        TValue::Map(m) => Value::Map(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), to_param(v)?)))
                .collect::<Result<BTreeMap<_, _>, String>>()?,
        ),
        TValue::Node(_) | TValue::Rel(_) | TValue::Path(_) => {
            return Err(format!("a parameter cannot be a graph element: {v}"))
        }
    })
}

fn prop_value(p: &PropValue) -> TValue {
    match p {
        PropValue::Str(s) => TValue::Str(s.to_string()),
        PropValue::Int(i) => TValue::Int(*i),
        PropValue::Float(x) => TValue::Float(*x),
        PropValue::Bool(b) => TValue::Bool(*b),
        PropValue::List(l) => TValue::List(l.iter().map(prop_value).collect()),
    }
}

/// A property as a query sees it.
pub fn prop_ref(p: &PropRef<'_>) -> TValue {
    match p {
        PropRef::Value(v) => prop_value(v),
        PropRef::Str(s) => TValue::Str(s.to_string()),
        PropRef::StrList(l) => TValue::List(l.iter().map(|s| TValue::Str(s.to_string())).collect()),
        PropRef::Date(d) => TValue::Str(d.to_string()),
    }
}

/// A node's labels (sorted, distinct) and properties.
pub fn node(graph: &Graph, n: NodeIndex) -> TNode {
    let mut labels: Vec<String> = graph
        .entity(n)
        .map(|e| {
            e.labels
                .iter()
                .map(|l| graph.resolve(*l).to_string())
                .collect()
        })
        .unwrap_or_default();
    labels.sort();
    labels.dedup();
    let props = graph
        .entity_properties(n)
        .iter()
        .map(|(k, v)| (k.to_string(), prop_ref(v)))
        .collect();
    TNode { labels, props }
}

/// A relationship's type and properties.
pub fn rel(graph: &Graph, e: EdgeIndex) -> TRel {
    let ty = graph
        .relation(e)
        .map(|r| graph.resolve(r.ty).to_string())
        .unwrap_or_default();
    let props = graph
        .relation_properties(e)
        .iter()
        .map(|(k, v)| (k.to_string(), prop_ref(v)))
        .collect();
    TRel { ty, props }
}

/// A value from the engine, with nodes, relationships and paths read
/// from the graph. A hop of a path points forward when the relationship
/// starts at the node before it.
pub fn to_tvalue(graph: &Graph, v: &Value) -> TValue {
    match v {
        Value::Null => TValue::Null,
        Value::Bool(b) => TValue::Bool(*b),
        Value::Int(i) => TValue::Int(*i),
        Value::Float(x) => TValue::Float(*x),
        Value::Str(s) => TValue::Str(s.clone()),
        Value::List(l) => TValue::List(l.iter().map(|x| to_tvalue(graph, x)).collect()),
        Value::Map(m) => TValue::Map(
            m.iter()
                .map(|(k, x)| (k.clone(), to_tvalue(graph, x)))
                .collect(),
        ),
        Value::Node(n) => TValue::Node(node(graph, *n)),
        Value::Rel(e) => TValue::Rel(rel(graph, *e)),
        Value::Path(p) => {
            let start = p.nodes.first().map(|n| node(graph, *n)).unwrap_or_default();
            let hops = p
                .rels
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let prev = p.nodes.get(i).copied();
                    let forward = graph.endpoints(*e).map(|(from, _)| Some(from) == prev);
                    let next = p.nodes.get(i + 1).map(|n| node(graph, *n));
                    (
                        rel(graph, *e),
                        forward.unwrap_or(true),
                        next.unwrap_or_default(),
                    )
                })
                .collect();
            TValue::Path(TPath { start, hops })
        }
    }
}

/// The graph state that side effects are counted on.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub nodes: BTreeSet<usize>,
    pub rels: BTreeSet<usize>,
    pub labels: BTreeSet<String>,
    /// (entity, key, value) triples, rendered as text: `n3.key = value`.
    pub props: BTreeMap<String, usize>,
}

/// Records the graph's nodes, relationships, label names and properties.
///
/// Nodes and relationships are told apart by index, so a query that
/// deletes one and creates another that reuses its index is not seen.
pub fn snapshot(graph: &Graph) -> Snapshot {
    let mut s = Snapshot::default();
    for n in graph.entity_indices() {
        s.nodes.insert(n.index());
        if let Some(e) = graph.entity(n) {
            s.labels
                .extend(e.labels.iter().map(|l| graph.resolve(*l).to_string()));
        }
        for (k, v) in graph.entity_properties(n) {
            *s.props
                .entry(format!("n{}.{k} = {}", n.index(), prop_ref(&v)))
                .or_default() += 1;
        }
    }
    for e in graph.relation_indices() {
        s.rels.insert(e.index());
        for (k, v) in graph.relation_properties(e) {
            *s.props
                .entry(format!("r{}.{k} = {}", e.index(), prop_ref(&v)))
                .or_default() += 1;
        }
    }
    s
}

/// The side effects between two snapshots, keyed like the TCK's table.
pub fn side_effects(before: &Snapshot, after: &Snapshot) -> BTreeMap<&'static str, usize> {
    fn count_missing<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> usize {
        a.difference(b).count()
    }
    let props_missing = |a: &BTreeMap<String, usize>, b: &BTreeMap<String, usize>| {
        a.iter()
            .map(|(k, n)| n.saturating_sub(b.get(k).copied().unwrap_or(0)))
            .sum::<usize>()
    };
    let mut m = BTreeMap::new();
    m.insert("+nodes", count_missing(&after.nodes, &before.nodes));
    m.insert("-nodes", count_missing(&before.nodes, &after.nodes));
    m.insert("+relationships", count_missing(&after.rels, &before.rels));
    m.insert("-relationships", count_missing(&before.rels, &after.rels));
    m.insert("+labels", count_missing(&after.labels, &before.labels));
    m.insert("-labels", count_missing(&before.labels, &after.labels));
    m.insert("+properties", props_missing(&after.props, &before.props));
    m.insert("-properties", props_missing(&before.props, &after.props));
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use kg::graph::{Entity, Props, Relation};
    use kg::query::Path;

    fn add_node(g: &mut Graph, labels: &[&str], props: &[(&str, PropValue)]) -> NodeIndex {
        let labels = labels.iter().map(|l| g.intern(l)).collect();
        let n = g
            .add_entity(Entity {
                id: None,
                labels,
                name: None,
                aliases: vec![],
                props: Props::new(),
            })
            .unwrap();
        for (k, v) in props {
            g.set_entity_property(n, k, Some(v.clone())).unwrap();
        }
        n
    }

    fn add_rel(g: &mut Graph, a: NodeIndex, b: NodeIndex, ty: &str) -> EdgeIndex {
        let ty = g.intern(ty);
        g.add_relation(a, b, Relation::new(ty)).unwrap()
    }

    fn parse(s: &str) -> TValue {
        super::super::values::parse_value(s).unwrap()
    }

    fn same(a: &TValue, b: &str) -> bool {
        super::super::values::values_equal(a, &parse(b), false)
    }

    #[test]
    fn graph_values() {
        let mut g = Graph::new();
        let a = add_node(
            &mut g,
            &["B", "A"],
            &[
                ("name", PropValue::Str("a".into())),
                ("num", PropValue::Int(1)),
            ],
        );
        let b = add_node(&mut g, &[], &[]);
        let c = add_node(&mut g, &["C"], &[("f", PropValue::Float(0.5))]);
        let r = add_rel(&mut g, a, b, "T");
        g.set_relation_property(r, "k", Some(PropValue::Int(1)))
            .unwrap();
        let s = add_rel(&mut g, c, b, "S");

        assert!(same(
            &to_tvalue(&g, &Value::Node(a)),
            "(:A:B {name: 'a', num: 1})"
        ));
        assert!(same(&to_tvalue(&g, &Value::Node(b)), "()"));
        assert!(same(&to_tvalue(&g, &Value::Rel(r)), "[:T {k: 1}]"));
        assert!(!same(&to_tvalue(&g, &Value::Rel(r)), "[:T]"));
        let p = Value::Path(Path {
            nodes: vec![a, b, c],
            rels: vec![r, s],
        });
        assert!(same(
            &to_tvalue(&g, &p),
            "<(:A:B {name: 'a', num: 1})-[:T {k: 1}]->()<-[:S]-(:C {f: 0.5})>"
        ));
        let back = Value::Path(Path {
            nodes: vec![c, b, a],
            rels: vec![s, r],
        });
        assert!(same(
            &to_tvalue(&g, &back),
            "<(:C {f: 0.5})-[:S]->()<-[:T {k: 1}]-(:A:B {name: 'a', num: 1})>"
        ));
        let zero = Value::Path(Path {
            nodes: vec![b],
            rels: vec![],
        });
        assert!(same(&to_tvalue(&g, &zero), "<()>"));
        assert!(same(
            &to_tvalue(
                &g,
                &Value::List(vec![Value::Int(1), Value::Float(1.0), Value::Null])
            ),
            "[1, 1.0, null]"
        ));
    }

    #[test]
    fn params() {
        let v = to_param(&parse("{a: [1, 2.5, 'x', null, true]}")).unwrap();
        let Value::Map(m) = v else { panic!() };
        assert_eq!(
            m["a"],
            Value::List(vec![
                Value::Int(1),
                Value::Float(2.5),
                Value::Str("x".into()),
                Value::Null,
                Value::Bool(true)
            ])
        );
        assert!(to_param(&parse("(:A)")).is_err());
    }

    #[test]
    fn side_effect_counts() {
        let mut g = Graph::new();
        let a = add_node(&mut g, &["A"], &[("num", PropValue::Int(1))]);
        let b = add_node(&mut g, &["X"], &[]);
        add_rel(&mut g, a, b, "R");
        let before = snapshot(&g);
        assert!(side_effects(&before, &before).values().all(|&n| n == 0));

        // Change a value, add a label and a node, delete a node with its
        // relationship.
        g.set_entity_property(a, "num", Some(PropValue::Int(2)))
            .unwrap();
        g.set_entity_property(a, "new", Some(PropValue::Bool(true)))
            .unwrap();
        let l = g.intern("L");
        g.add_label(a, l);
        g.remove_entity(b);
        let after = snapshot(&g);
        let fx = side_effects(&before, &after);
        assert_eq!(fx["+nodes"], 0);
        assert_eq!(fx["-nodes"], 1);
        assert_eq!(fx["-relationships"], 1);
        assert_eq!(fx["+labels"], 1);
        assert_eq!(fx["-labels"], 1);
        assert_eq!(fx["+properties"], 2);
        assert_eq!(fx["-properties"], 1);

        let c = add_node(&mut g, &["A"], &[("k", PropValue::Str("v".into()))]);
        let fx = side_effects(&after, &snapshot(&g));
        assert_eq!(fx["+nodes"], 1, "{c:?}");
        assert_eq!(fx["+labels"], 0);
        assert_eq!(fx["+properties"], 1);
    }
}
