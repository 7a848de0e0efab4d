//! Graphviz DOT: a diagram that `dot` lays out the first time, whatever
//! the names hold.
//!
//! - Every id is quoted. Ids keep their text except `%`, `"`, `\` and
//!   control characters, which are written `%XX` (their UTF-8 bytes), so
//!   no backslash ever reaches Graphviz's lexer and distinct ids stay
//!   distinct.
//! - Every caption is an HTML-like label (`label=<...>`) with `&`, `<`,
//!   `>` and `"` escaped as entities: backslashes, braces and bars are
//!   plain text there. Newlines in the data break lines; long lines wrap
//!   at about 30 characters.
//! - Nodes are sorted by id, edges by their ends, then caption: the same
//!   graph gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::style::{clusters, style_of, Style, OTHER, STYLES};
use super::text::{edge_caption, ended, node_caption, wrap, MAX_LINES, WRAP_AT};
use super::{entity_key, DiagramOptions, ExportError};
use crate::graph::Graph;

/// A DOT id: quoted, with `%`, `"`, `\` and control characters written
/// as `%XX`.
pub fn quote_id(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '%' || c == '"' || c == '\\' || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// The id of a legend node: `"%legend NAME"`. A bare `%` never occurs in
/// an entity's id (it is written `%25`), so legend ids cannot collide.
fn legend_id(name: &str) -> String {
    format!("\"%legend {name}\"")
}

/// Escapes text for an HTML-like label.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A label attribute value for text: wrapped lines as an HTML-like label,
/// or `""` for empty text.
pub fn label(s: &str) -> String {
    let lines = wrap(s, WRAP_AT, MAX_LINES);
    if lines.iter().all(|l| l.is_empty()) {
        return "\"\"".to_string();
    }
    let body: Vec<String> = lines.iter().map(|l| html_escape(l)).collect();
    format!("<{}>", body.join("<BR/>"))
}

fn node_attrs(style: &Style) -> String {
    let styles = if style.extra.is_empty() {
        "filled".to_string()
    } else {
        format!("filled,{}", style.extra)
    };
    format!(
        "shape=\"{}\", style=\"{styles}\", fillcolor=\"{}\", color=\"{}\"",
        style.shape, style.fill, style.stroke
    )
}

/// The graph as a DOT digraph.
pub fn to_dot(graph: &Graph, options: &DiagramOptions) -> Result<String, ExportError> {
    // Nodes: (id, line, cluster key).
    let mut nodes: Vec<(String, String, Option<String>)> = Vec::new();
    let mut used: BTreeSet<&'static str> = BTreeSet::new();
    let clusters = clusters(graph, &options.cluster_by)?;
    for n in graph.entity_indices() {
        let Some(e) = graph.entity(n) else { continue };
        let style = style_of(graph, e);
        used.insert(style.name);
        let id = quote_id(&entity_key(graph, n));
        let line = format!(
            "{id} [label={}, {}];",
            label(&node_caption(graph, n)),
            node_attrs(&style)
        );
        let cluster = clusters.get(&n).cloned();
        nodes.push((id, line, cluster));
    }
    nodes.sort();

    let mut edges: Vec<(String, String, String, String)> = Vec::new();
    let mut any_ended = false;
    for e in graph.relation_indices() {
        let (Some(r), Some((a, b))) = (graph.relation(e), graph.endpoints(e)) else {
            continue;
        };
        let from = quote_id(&entity_key(graph, a));
        let to = quote_id(&entity_key(graph, b));
        let caption = edge_caption(graph, r);
        let mut attrs = format!("label={}", label(&caption));
        if ended(r, options.ended_before) {
            any_ended = true;
            attrs.push_str(", style=\"dashed\", color=\"#9e9e9e\"");
        }
        let line = format!("{from} -> {to} [{attrs}];");
        edges.push((from, to, caption, line));
    }
    edges.sort();

    let mut out = String::new();
    let name = graph.name.as_deref().unwrap_or("kg");
    let _ = writeln!(out, "digraph {} {{", quote_id(name));
    let _ = writeln!(
        out,
        "  graph [rankdir=\"{}\", fontname=\"Helvetica\", fontsize=\"11\", nodesep=\"0.3\", ranksep=\"0.5\"];",
        options.rankdir.as_str()
    );
    out.push_str("  node [fontname=\"Helvetica\", fontsize=\"11\", margin=\"0.12,0.06\"];\n");
    out.push_str(
        "  edge [fontname=\"Helvetica\", fontsize=\"9\", color=\"#546e7a\", fontcolor=\"#37474f\"];\n",
    );

    let mut clusters: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (_, line, cluster) in &nodes {
        match cluster {
            Some(key) => clusters.entry(key.clone()).or_default().push(line),
            None => {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    for (i, (key, lines)) in clusters.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph {} {{",
            quote_id(&format!("cluster_{}", i + 1))
        );
        let _ = writeln!(
            out,
            "    graph [label={}, style=\"rounded,dashed\", color=\"#90a4ae\", fontcolor=\"#37474f\"];",
            label(key)
        );
        for line in lines {
            let _ = writeln!(out, "    {line}");
        }
        out.push_str("  }\n");
    }
    for (_, _, _, line) in &edges {
        let _ = writeln!(out, "  {line}");
    }

    if !used.is_empty() || any_ended {
        out.push_str("  subgraph \"cluster_legend\" {\n");
        out.push_str(
            "    graph [label=\"Legend\", style=\"rounded\", color=\"#bdbdbd\", fontcolor=\"#616161\", fontsize=\"10\"];\n",
        );
        for style in STYLES.iter().chain(std::iter::once(&OTHER)) {
            if used.contains(style.name) {
                let _ = writeln!(
                    out,
                    "    {} [label={}, {}, fontsize=\"9\"];",
                    legend_id(style.name),
                    label(style.name),
                    node_attrs(style)
                );
            }
        }
        if let (true, Some(d)) = (any_ended, options.ended_before) {
            let _ = writeln!(
                out,
                "    {} [label={}, shape=\"plaintext\", fontsize=\"9\"];",
                legend_id("ended"),
                label(&format!("dashed: ended before {d}"))
            );
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_never_carry_a_backslash_or_a_bare_quote() {
        assert_eq!(quote_id("east-group"), "\"east-group\"");
        assert_eq!(quote_id("a\"b\\c%"), "\"a%22b%5Cc%25\"");
        assert_eq!(quote_id("x\ny"), "\"x%0Ay\"");
        assert_eq!(quote_id("Росатом"), "\"Росатом\"");
    }

    #[test]
    fn labels_escape_markup_and_keep_backslashes() {
        assert_eq!(
            label("a<b> & \"c\" \\ {d}|"),
            "<a&lt;b&gt; &amp; &quot;c&quot; \\ {d}|>"
        );
        assert_eq!(label(""), "\"\"");
        assert_eq!(label("one\ntwo"), "<one<BR/>two>");
    }
}
