//! Writing a [`Graph`] as a file in format version 1.
//!
//! The layout is fixed so that files diff well in git: one source, entity
//! or relation a line, keys in a fixed order, props sorted by key, empty
//! and absent fields left out. Entities and relations keep the graph's
//! order. Loading a file written this way and writing it again gives the
//! same bytes.

use std::fmt::Write as _;

use serde_json::Value;

use super::load::FORMAT_VERSION;
use super::model::{Graph, Source};
use super::value::{PropValue, Props};

/// Why a graph could not be written as a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// A file needs an id for every entity.
    #[error("entity {0} has no id: give it one (SET n.id = '...') before saving")]
    MissingId(String),
    /// A file needs at least one label for every entity.
    #[error("entity {0:?} has no label: give it one (SET n:Label) before saving")]
    MissingLabel(String),
}

fn quote(s: &str) -> String {
    Value::from(s).to_string()
}

fn value(v: &PropValue) -> String {
    match v {
        PropValue::List(items) => list(items.iter().map(value)),
        scalar => scalar.to_json().to_string(),
    }
}

fn props(out: &mut String, graph: &Graph, props: &Props) {
    if props.is_empty() {
        return;
    }
    out.push_str(", \"props\": {");
    for (i, (k, v)) in props.sorted(graph.interner()).into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{}: {}", quote(k), value(v));
    }
    out.push('}');
}

fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    format!("[{}]", items.join(", "))
}

fn section(out: &mut String, key: &str, lines: Vec<String>, last: bool) {
    if lines.is_empty() {
        let _ = write!(out, "  {}: []", quote(key));
    } else {
        let _ = writeln!(out, "  {}: [", quote(key));
        out.push_str(&lines.join(",\n"));
        out.push_str("\n  ]");
    }
    out.push_str(if last { "\n" } else { ",\n" });
}

/// A source as a graph file writes it in `sources`:
/// `{"id": "s", "url": "https://example.org/s", "published": "2024-05"}`.
pub fn source_text(s: &Source) -> String {
    let mut line = format!("{{\"id\": {}", quote(&s.id));
    if let Some(url) = &s.url {
        let _ = write!(line, ", \"url\": {}", quote(url));
    }
    if let Some(title) = &s.title {
        let _ = write!(line, ", \"title\": {}", quote(title));
    }
    if let Some(p) = s.published {
        let _ = write!(line, ", \"published\": \"{p}\"");
    }
    line.push('}');
    line
}

/// The graph as file text in the canonical layout.
pub fn to_file_text(graph: &Graph) -> Result<String, WriteError> {
    let mut out = String::with_capacity(64 + 128 * (graph.entity_count() + graph.relation_count()));
    out.push_str("{\n");
    let _ = writeln!(out, "  \"kg\": {FORMAT_VERSION},");
    if let Some(name) = &graph.name {
        let _ = writeln!(out, "  \"name\": {},", quote(name));
    }

    let sources = graph
        .sources()
        .iter()
        .map(|s| format!("    {}", source_text(s)))
        .collect();
    section(&mut out, "sources", sources, false);

    let mut entities = Vec::with_capacity(graph.entity_count());
    for n in graph.entity_indices() {
        let Some(e) = graph.entity(n) else { continue };
        let Some(id) = &e.id else {
            return Err(WriteError::MissingId(graph.display_name(n)));
        };
        if e.labels.is_empty() {
            return Err(WriteError::MissingLabel(id.to_string()));
        }
        let mut line = format!(
            "    {{\"id\": {}, \"labels\": {}",
            quote(id),
            list(e.labels.iter().map(|l| quote(graph.resolve(*l))))
        );
        if let Some(name) = &e.name {
            let _ = write!(line, ", \"name\": {}", quote(name));
        }
        if !e.aliases.is_empty() {
            let _ = write!(
                line,
                ", \"aliases\": {}",
                list(e.aliases.iter().map(|a| quote(a)))
            );
        }
        props(&mut line, graph, &e.props);
        line.push('}');
        entities.push(line);
    }
    section(&mut out, "entities", entities, false);

    let mut relations = Vec::with_capacity(graph.relation_count());
    for r_ix in graph.relation_indices() {
        let (Some(r), Some((from, to))) = (graph.relation(r_ix), graph.endpoints(r_ix)) else {
            continue;
        };
        let id_of = |n| {
            graph
                .entity(n)
                .and_then(|e| e.id.as_deref())
                .map(quote)
                .ok_or_else(|| WriteError::MissingId(graph.display_name(n)))
        };
        let mut line = format!(
            "    {{\"from\": {}, \"type\": {}, \"to\": {}",
            id_of(from)?,
            quote(graph.resolve(r.ty)),
            id_of(to)?
        );
        props(&mut line, graph, &r.props);
        if let Some(s) = r.since {
            let _ = write!(line, ", \"since\": \"{s}\"");
        }
        if let Some(u) = r.until {
            let _ = write!(line, ", \"until\": \"{u}\"");
        }
        let p = r.provenance();
        for (key, v) in p.fields() {
            let _ = write!(line, ", \"{key}\": {}", quote(v));
        }
        line.push('}');
        relations.push(line);
    }
    section(&mut out, "relations", relations, true);
    out.push_str("}\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::load_str;

    fn round_trip(text: &str) -> String {
        let g = load_str("t.json", text).unwrap_or_else(|e| unreachable!("{e}"));
        to_file_text(&g).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn the_seed_graph_writes_back_to_the_same_bytes() {
        let text = include_str!("../../graphs/rare-earths-2025.json");
        assert_eq!(round_trip(text), text);
    }

    #[test]
    fn writing_is_canonical_and_stable() {
        let messy = r#"{"relations": [{"note": "n", "to": "b", "type": "OWNS", "from": "a",
              "props": {"z": 1, "a": [true, 2.5, "x"]}, "until": "2024-03", "since": "2019"}],
            "entities": [{"props": {"k": "\"quoted\" \\ back\nslash <tag> {}"}, "name": "Ä \u0001", "labels": ["Person"], "id": "a"},
                         {"id": "b", "labels": ["Company", "Agency"], "aliases": [], "props": {}}],
            "kg": 1}"#;
        let once = round_trip(messy);
        assert_eq!(
            once,
            concat!(
                "{\n  \"kg\": 1,\n  \"sources\": [],\n  \"entities\": [\n",
                "    {\"id\": \"a\", \"labels\": [\"Person\"], \"name\": \"Ä \\u0001\", \"props\": {\"k\": \"\\\"quoted\\\" \\\\ back\\nslash <tag> {}\"}},\n",
                "    {\"id\": \"b\", \"labels\": [\"Company\", \"Agency\"]}\n",
                "  ],\n  \"relations\": [\n",
                "    {\"from\": \"a\", \"type\": \"OWNS\", \"to\": \"b\", \"props\": {\"a\": [true, 2.5, \"x\"], \"z\": 1}, \"since\": \"2019\", \"until\": \"2024-03\", \"note\": \"n\"}\n",
                "  ]\n}\n"
            )
        );
        assert_eq!(round_trip(&once), once);
    }

    #[test]
    fn an_entity_without_id_cannot_be_written() {
        let mut g = crate::graph::Graph::new();
        let l = g.intern("Person");
        g.add_entity(crate::graph::Entity {
            id: None,
            labels: vec![l],
            name: Some("Anon".into()),
            aliases: vec![],
            props: Props::new(),
        })
        .ok();
        assert_eq!(to_file_text(&g), Err(WriteError::MissingId("Anon".into())));
    }
}
