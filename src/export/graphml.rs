//! GraphML, for Gephi, yEd, NetworkX and Neo4j's APOC.
//!
//! Every data key is declared with a type: `string`, `long`, `double` or
//! `boolean`, from the values the key holds (integers and floats together
//! make `double`; anything else mixed, and every list, makes `string`, a
//! list written as JSON text). Nodes carry `label` (the caption, which
//! Gephi shows), `labels` (`:Company:Agency`, as Neo4j writes them),
//! `name`, `aliases` (JSON) and their props; edges carry `label` (the
//! caption), `type`, the dates, the provenance fields and their props.
//! Text is escaped for XML 1.0; control characters it cannot hold become
//! U+FFFD.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::entity_key;
use super::text::{edge_caption, node_caption};
use crate::graph::value::format_float;
use crate::graph::{Graph, PropValue};

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The GraphML type of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum KeyType {
    Boolean,
    Long,
    Double,
    Str,
}

impl KeyType {
    fn name(self) -> &'static str {
        match self {
            KeyType::Boolean => "boolean",
            KeyType::Long => "long",
            KeyType::Double => "double",
            KeyType::Str => "string",
        }
    }

    fn of(v: &PropValue) -> KeyType {
        match v {
            PropValue::Bool(_) => KeyType::Boolean,
            PropValue::Int(_) => KeyType::Long,
            PropValue::Float(_) => KeyType::Double,
            PropValue::Str(_) | PropValue::List(_) => KeyType::Str,
        }
    }

    fn join(self, other: KeyType) -> KeyType {
        match (self, other) {
            (a, b) if a == b => a,
            (KeyType::Long, KeyType::Double) | (KeyType::Double, KeyType::Long) => KeyType::Double,
            _ => KeyType::Str,
        }
    }
}

fn value_text(v: &PropValue, ty: KeyType) -> String {
    match (v, ty) {
        (PropValue::List(_), _) => v.to_json().to_string(),
        (PropValue::Int(i), KeyType::Double) => format_float(*i as f64),
        (PropValue::Float(f), _) => format_float(*f),
        _ => v.to_string(),
    }
}

/// Declared keys: (id, name) -> type, for one kind of element.
struct Keys {
    prefix: &'static str,
    fixed: &'static [&'static str],
    props: BTreeMap<String, KeyType>,
}

impl Keys {
    fn id_of_fixed(&self, name: &str) -> String {
        let at = self.fixed.iter().position(|f| *f == name).unwrap_or(0);
        format!("{}{at}", self.prefix)
    }

    fn id_of_prop(&self, name: &str) -> String {
        let at = self.props.keys().position(|k| k == name).unwrap_or(0);
        format!("{}{}", self.prefix, self.fixed.len() + at)
    }

    fn declare(&self, out: &mut String, domain: &str) {
        for (i, name) in self.fixed.iter().enumerate() {
            let _ = writeln!(
                out,
                "  <key id=\"{}{i}\" for=\"{domain}\" attr.name=\"{name}\" attr.type=\"string\"/>",
                self.prefix
            );
        }
        for (i, (name, ty)) in self.props.iter().enumerate() {
            let _ = writeln!(
                out,
                "  <key id=\"{}{}\" for=\"{domain}\" attr.name=\"{}\" attr.type=\"{}\"/>",
                self.prefix,
                self.fixed.len() + i,
                xml_escape(name),
                ty.name()
            );
        }
    }
}

const NODE_FIXED: &[&str] = &["label", "labels", "name", "aliases"];
const EDGE_FIXED: &[&str] = &[
    "label", "type", "since", "until", "source", "locator", "note", "quote",
];

fn data(out: &mut String, key: &str, text: &str) {
    let _ = writeln!(out, "      <data key=\"{key}\">{}</data>", xml_escape(text));
}

/// The graph as a GraphML document.
pub fn to_graphml(graph: &Graph) -> String {
    let mut node_keys = Keys {
        prefix: "n",
        fixed: NODE_FIXED,
        props: BTreeMap::new(),
    };
    let mut edge_keys = Keys {
        prefix: "e",
        fixed: EDGE_FIXED,
        props: BTreeMap::new(),
    };
    let interner = graph.interner();
    for n in graph.entity_indices() {
        let Some(e) = graph.entity(n) else { continue };
        for (k, v) in e.props.sorted(interner) {
            let t = KeyType::of(v);
            node_keys
                .props
                .entry(k.to_string())
                .and_modify(|old| *old = old.join(t))
                .or_insert(t);
        }
    }
    for r in graph.relation_indices().filter_map(|e| graph.relation(e)) {
        for (k, v) in r.props.sorted(interner) {
            let t = KeyType::of(v);
            edge_keys
                .props
                .entry(k.to_string())
                .and_modify(|old| *old = old.join(t))
                .or_insert(t);
        }
    }

    let mut nodes: Vec<(String, String)> = Vec::new();
    for n in graph.entity_indices() {
        let Some(e) = graph.entity(n) else { continue };
        let id = entity_key(graph, n);
        let mut s = format!("    <node id=\"{}\">\n", xml_escape(&id));
        data(
            &mut s,
            &node_keys.id_of_fixed("label"),
            &node_caption(graph, n),
        );
        let labels: String = e
            .labels
            .iter()
            .map(|l| format!(":{}", graph.resolve(*l)))
            .collect();
        data(&mut s, &node_keys.id_of_fixed("labels"), &labels);
        if let Some(name) = &e.name {
            data(&mut s, &node_keys.id_of_fixed("name"), name);
        }
        if !e.aliases.is_empty() {
            let json = serde_json::Value::from(
                e.aliases.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
            );
            data(&mut s, &node_keys.id_of_fixed("aliases"), &json.to_string());
        }
        for (k, v) in e.props.sorted(interner) {
            let ty = node_keys.props.get(k).copied().unwrap_or(KeyType::Str);
            data(&mut s, &node_keys.id_of_prop(k), &value_text(v, ty));
        }
        s.push_str("    </node>\n");
        nodes.push((id, s));
    }
    nodes.sort();

    let mut edges: Vec<(String, String, String, String)> = Vec::new();
    for ix in graph.relation_indices() {
        let (Some(r), Some((a, b))) = (graph.relation(ix), graph.endpoints(ix)) else {
            continue;
        };
        let (from, to) = (entity_key(graph, a), entity_key(graph, b));
        let mut body = String::new();
        data(
            &mut body,
            &edge_keys.id_of_fixed("label"),
            &edge_caption(graph, r),
        );
        data(
            &mut body,
            &edge_keys.id_of_fixed("type"),
            graph.resolve(r.ty),
        );
        if let Some(d) = r.since {
            data(&mut body, &edge_keys.id_of_fixed("since"), &d.to_string());
        }
        if let Some(d) = r.until {
            data(&mut body, &edge_keys.id_of_fixed("until"), &d.to_string());
        }
        let p = r.provenance();
        for (key, v) in p.fields() {
            data(&mut body, &edge_keys.id_of_fixed(key), v);
        }
        for (k, v) in r.props.sorted(interner) {
            let ty = edge_keys.props.get(k).copied().unwrap_or(KeyType::Str);
            data(&mut body, &edge_keys.id_of_prop(k), &value_text(v, ty));
        }
        edges.push((from, to, graph.resolve(r.ty).to_string(), body));
    }
    edges.sort();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    node_keys.declare(&mut out, "node");
    edge_keys.declare(&mut out, "edge");
    let name = graph.name.as_deref().unwrap_or("kg");
    let _ = writeln!(
        out,
        "  <graph id=\"{}\" edgedefault=\"directed\">",
        xml_escape(name)
    );
    for (_, s) in &nodes {
        out.push_str(s);
    }
    for (i, (from, to, _, body)) in edges.iter().enumerate() {
        let _ = writeln!(
            out,
            "    <edge id=\"r{}\" source=\"{}\" target=\"{}\">",
            i + 1,
            xml_escape(from),
            xml_escape(to)
        );
        out.push_str(body);
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}
