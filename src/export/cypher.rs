//! A Cypher script that rebuilds the graph: one `CREATE` per entity, then
//! one `MATCH ... CREATE` per relation, each statement ending in `;`.
//!
//! It runs in Neo4j (cypher-shell), Memgraph (mgconsole) and kg itself
//! (`kg::query::run_script` into an empty graph gives the same graph).
//! Entities and relations keep the graph's order, so a graph that went
//! through a script comes back in the same order. Each entity's id,
//! name and aliases are properties (`id`, `name`, `aliases`); a relation's
//! dates and provenance are properties too (`since: '2019'`,
//! `source: '...'`). The graph's name and its sources have no place in a
//! property graph: they are written as comments at the top.

use std::fmt::Write as _;

use crate::graph::value::format_float;
use crate::graph::{Graph, PropValue, WriteError};

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

/// The graph as a Cypher script. Every entity needs an id (relations find
/// their ends by it).
pub fn to_cypher(graph: &Graph) -> Result<String, WriteError> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// kg export: entities {}, relations {}.",
        graph.entity_count(),
        graph.relation_count()
    );
    if let Some(n) = &graph.name {
        let _ = writeln!(out, "// graph: {}", n.replace(['\n', '\r'], " "));
    }
    for s in graph.sources() {
        let mut line = format!("// source {}", s.id);
        if let Some(u) = &s.url {
            let _ = write!(line, " {u}");
        }
        if let Some(t) = &s.title {
            let _ = write!(line, " \"{t}\"");
        }
        if let Some(p) = s.published {
            let _ = write!(line, " published {p}");
        }
        let _ = writeln!(out, "{}", line.replace(['\n', '\r'], " "));
    }
    let interner = graph.interner();
    for n in graph.entity_indices() {
        let Some(e) = graph.entity(n) else { continue };
        let Some(id) = &e.id else {
            return Err(WriteError::MissingId(graph.display_name(n)));
        };
        let labels: String = e
            .labels
            .iter()
            .map(|l| format!(":{}", name(graph.resolve(*l))))
            .collect();
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
            let label = e
                .labels
                .first()
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
