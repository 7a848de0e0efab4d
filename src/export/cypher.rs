//! A Cypher script that rebuilds the graph: one `CREATE (:Source {...})`
//! per source, one `CREATE` per entity, then one `MATCH ... CREATE` per
//! relation, each statement ending in `;` on a line of its own.
//!
//! It runs in Neo4j (cypher-shell), Memgraph (mgconsole) and kg. Sources,
//! entities and relations keep the graph's order, so a graph that went
//! through a script comes back in the same order. Each entity's id, name
//! and aliases are properties (`id`, `name`, `aliases`); a relation's
//! dates and provenance are properties too (`since: '2019'`, `source:
//! '...'`). A source is a node labelled `Source` with its `id`, `url`,
//! `title` and `published`: in Neo4j and Memgraph it stays such a node,
//! which `r.source` names by its `id`; in kg a node whose only label is
//! `Source` declares one of the graph's sources instead of an entity, so
//! the script loaded into an empty graph file gives back the same file.
//! An entity whose only label is `Source` is therefore written without a
//! label and given it afterwards (`CREATE (n {...}) SET n:Source`). The
//! graph's name is a comment at the top: a script adds to the graph file
//! it runs on, which keeps its own name.

use std::fmt::Write as _;

use crate::graph::value::format_float;
use crate::graph::{Graph, PropValue, Source, Sym, WriteError, SOURCE_LABEL};

/// A Cypher string literal in single quotes. Backslashes, quotes and
/// control characters are escaped (`\n`, `\t`, `\u0001`).
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A name (property key, label, type) as Cypher writes it: bare when it
/// is an identifier, else in backticks.
pub fn name(s: &str) -> String {
    let mut chars = s.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        s.to_string()
    } else {
        format!("`{}`", s.replace('`', "``"))
    }
}

/// A stored value as a Cypher literal.
pub fn literal(v: &PropValue) -> String {
    match v {
        PropValue::Str(s) => string(s),
        PropValue::Int(i) => i.to_string(),
        PropValue::Float(f) => format_float(*f),
        PropValue::Bool(b) => b.to_string(),
        PropValue::List(items) => {
            let parts: Vec<String> = items.iter().map(literal).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

fn map(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}: {v}", name(k)))
        .collect();
    format!(" {{{}}}", parts.join(", "))
}

/// A source as the node that declares it:
/// `CREATE (:Source {id: '...', url: '...', title: '...', published: '2025-02'});`.
fn source_statement(s: &Source) -> String {
    let mut pairs = vec![("id".to_string(), string(&s.id))];
    if let Some(u) = &s.url {
        pairs.push(("url".into(), string(u)));
    }
    if let Some(t) = &s.title {
        pairs.push(("title".into(), string(t)));
    }
    if let Some(p) = s.published {
        pairs.push(("published".into(), string(&p.to_string())));
    }
    format!("CREATE (:{}{});", name(SOURCE_LABEL), map(&pairs))
}

/// Whether a statement that creates a node with these labels would
/// declare a source rather than an entity.
fn only_source_label(graph: &Graph, labels: &[Sym]) -> bool {
    matches!(labels, [l] if graph.resolve(*l) == SOURCE_LABEL)
}

/// The graph as a Cypher script. Every entity needs an id (relations find
/// their ends by it).
pub fn to_cypher(graph: &Graph) -> Result<String, WriteError> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// kg export: sources {}, entities {}, relations {}.",
        graph.sources().len(),
        graph.entity_count(),
        graph.relation_count()
    );
    if let Some(n) = &graph.name {
        let _ = writeln!(out, "// graph: {}", n.replace(['\n', '\r'], " "));
    }
    for s in graph.sources() {
        let _ = writeln!(out, "{}", source_statement(s));
    }
    let interner = graph.interner();
    for n in graph.entity_indices() {
        let Some(e) = graph.entity(n) else { continue };
        let Some(id) = &e.id else {
            return Err(WriteError::MissingId(graph.display_name(n)));
        };
        let mut pairs = vec![("id".to_string(), string(id))];
        if let Some(nm) = &e.name {
            pairs.push(("name".into(), string(nm)));
        }
        if !e.aliases.is_empty() {
            let items: Vec<String> = e.aliases.iter().map(|a| string(a)).collect();
            pairs.push(("aliases".into(), format!("[{}]", items.join(", "))));
        }
        for (k, v) in e.props.sorted(interner) {
            pairs.push((k.to_string(), literal(v)));
        }
        if only_source_label(graph, &e.labels) {
            let _ = writeln!(
                out,
                "CREATE (n{}) SET n:{};",
                map(&pairs),
                name(SOURCE_LABEL)
            );
            continue;
        }
        let labels: String = e
            .labels
            .iter()
            .map(|l| format!(":{}", name(graph.resolve(*l))))
            .collect();
        let _ = writeln!(out, "CREATE ({labels}{});", map(&pairs));
    }
    for ix in graph.relation_indices() {
        let (Some(r), Some((a, b))) = (graph.relation(ix), graph.endpoints(ix)) else {
            continue;
        };
        let end = |n| -> Result<String, WriteError> {
            let e = graph
                .entity(n)
                .ok_or_else(|| WriteError::MissingId(graph.display_name(n)))?;
            let id =
                e.id.as_deref()
                    .ok_or_else(|| WriteError::MissingId(graph.display_name(n)))?;
            // A label other than Source where there is one, so that the
            // end cannot be taken for a source's node in Neo4j.
            let label = e
                .labels
                .iter()
                .find(|l| graph.resolve(**l) != SOURCE_LABEL)
                .or(e.labels.first())
                .map(|l| format!(":{}", name(graph.resolve(*l))))
                .unwrap_or_default();
            Ok(format!("{label} {{id: {}}}", string(id)))
        };
        let mut pairs: Vec<(String, String)> = r
            .props
            .sorted(interner)
            .into_iter()
            .map(|(k, v)| (k.to_string(), literal(v)))
            .collect();
        if let Some(d) = r.since {
            pairs.push(("since".into(), string(&d.to_string())));
        }
        if let Some(d) = r.until {
            pairs.push(("until".into(), string(&d.to_string())));
        }
        let p = r.provenance();
        for (key, v) in p.fields() {
            pairs.push((key.to_string(), string(v)));
        }
        let _ = writeln!(
            out,
            "MATCH (a{}), (b{}) CREATE (a)-[:{}{}]->(b);",
            end(a)?,
            end(b)?,
            name(graph.resolve(r.ty)),
            map(&pairs)
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_names_are_escaped() {
        assert_eq!(
            string("it's a \\ \"x\"\n\u{1}"),
            "'it\\'s a \\\\ \"x\"\\n\\u0001'"
        );
        assert_eq!(name("share"), "share");
        assert_eq!(name("two words"), "`two words`");
        assert_eq!(name("a`b"), "`a``b`");
    }
}
