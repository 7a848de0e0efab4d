//! The JSON shapes of graph elements (SPEC section 5): a node is
//! `{"id", "labels", "name", "aliases", "props"}`; a relationship
//! `{"type", "from", "to", "props", "since", "until"}`; a path
//! `{"nodes": [...], "relationships": [...]}`.

use serde_json::{json, Map, Value as Json};

use crate::graph::{EdgeIndex, Graph, NodeIndex, PropRef};

/// A property as JSON.
pub fn prop_json(p: PropRef<'_>) -> Json {
    match p {
        PropRef::Value(v) => v.to_json(),
        PropRef::Str(s) => Json::from(s),
        PropRef::StrList(l) => Json::Array(l.iter().map(|s| Json::from(&**s)).collect()),
        PropRef::Date(d) => Json::from(d.to_string()),
    }
}

/// A node: `{"id", "labels", "name", "aliases", "props"}`.
pub fn node_json(graph: &Graph, n: NodeIndex) -> Json {
    let Some(e) = graph.entity(n) else {
        return Json::Null;
    };
    let mut props = Map::new();
    for (k, v) in e.props.sorted(graph.interner()) {
        props.insert(k.to_string(), v.to_json());
    }
    json!({
        "id": e.id.as_deref(),
        "labels": e.labels.iter().map(|l| graph.resolve(*l)).collect::<Vec<_>>(),
        "name": e.name.as_deref(),
        "aliases": e.aliases.iter().map(|a| &**a).collect::<Vec<_>>(),
        "props": props,
    })
}

/// A relationship: `{"type", "from", "to", "props", "since", "until"}`
/// plus its provenance fields when set.
pub fn relationship_json(graph: &Graph, e: EdgeIndex) -> Json {
    let (Some(r), Some((from, to))) = (graph.relation(e), graph.endpoints(e)) else {
        return Json::Null;
    };
    let id_of = |n| graph.entity(n).and_then(|x| x.id.as_deref());
    let mut props = Map::new();
    for (k, v) in r.props.sorted(graph.interner()) {
        props.insert(k.to_string(), v.to_json());
    }
    let mut out = json!({
        "type": graph.resolve(r.ty),
        "from": id_of(from),
        "to": id_of(to),
        "props": props,
        "since": r.since.map(|d| d.to_string()),
        "until": r.until.map(|d| d.to_string()),
    });
    let p = r.provenance();
    if let Json::Object(map) = &mut out {
        for (k, v) in p.fields() {
            map.insert(k.into(), Json::from(v));
        }
    }
    out
}
