//! Mermaid flowcharts, which GitHub renders in markdown (```` ```mermaid ````).
//!
//! Node ids are the entity ids cut down to `[A-Za-z0-9_]` behind an `n_`
//! prefix (so no id is a Mermaid keyword such as `end`), with `_2`, `_3`
//! ... when two ids cut down to the same text. Captions are always quoted;
//! `"` is written `#quot;`, and `#`, `<`, `>`, `&`, the backslash and the backtick as
//! numeric codes (`#35;`), so no name can end a label early, open markup
//! or turn into a markdown string.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use super::style::{clusters, style_of, OTHER, STYLES};
use super::text::{clean, edge_caption, ended, node_caption, wrap, MAX_LINES, WRAP_AT};
use super::{entity_key, DiagramOptions, ExportError, RankDir};
use crate::graph::{Graph, NodeIndex};

/// Escapes text for a quoted Mermaid label; newlines become `<br>`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean(s).chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            '&' => out.push_str("#38;"),
            '`' => out.push_str("#96;"),
            '\\' => out.push_str("#92;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

fn caption(s: &str) -> String {
    let lines = wrap(s, WRAP_AT, MAX_LINES);
    let escaped: Vec<String> = lines.iter().map(|l| escape(l)).collect();
    format!("\"{}\"", escaped.join("<br>"))
}

fn sanitize(id: &str) -> String {
    let mut s = String::from("n_");
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            s.push(c);
        } else {
            s.push('_');
        }
    }
    s
}

/// The Mermaid id of each entity, unique and stable: entities are taken
/// in the order of their ids.
fn ids(graph: &Graph) -> HashMap<NodeIndex, String> {
    let mut keyed: Vec<(String, NodeIndex)> = graph
        .entity_indices()
        .map(|n| (entity_key(graph, n), n))
        .collect();
    keyed.sort();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = HashMap::new();
    for (key, n) in keyed {
        let base = sanitize(&key);
        let mut id = base.clone();
        let mut i = 2;
        while taken.contains(&id) {
            id = format!("{base}_{i}");
            i += 1;
        }
        taken.insert(id.clone());
        out.insert(n, id);
    }
    out
}

/// The graph as a Mermaid flowchart.
pub fn to_mermaid(graph: &Graph, options: &DiagramOptions) -> Result<String, ExportError> {
    let ids = ids(graph);
    let mut nodes: Vec<(String, String, Option<String>, &'static str)> = Vec::new();
    let clusters = clusters(graph, &options.cluster_by)?;
    for n in graph.entity_indices() {
        let (Some(e), Some(id)) = (graph.entity(n), ids.get(&n)) else {
            continue;
        };
        let style = style_of(graph, e);
        let line = format!(
            "{id}{}{}{}",
            style.mermaid.0,
            caption(&node_caption(graph, n)),
            style.mermaid.1
        );
        let cluster = clusters.get(&n).cloned();
        nodes.push((id.clone(), line, cluster, style.name));
    }
    nodes.sort();

    let mut edges: Vec<(String, String, String, String)> = Vec::new();
    for e in graph.relation_indices() {
        let (Some(r), Some((a, b))) = (graph.relation(e), graph.endpoints(e)) else {
            continue;
        };
        let (Some(from), Some(to)) = (ids.get(&a), ids.get(&b)) else {
            continue;
        };
        let text = edge_caption(graph, r);
        let arrow = if ended(r, options.ended_before) {
            "-.->"
        } else {
            "-->"
        };
        let line = format!("{from} {arrow}|{}| {to}", caption(&text));
        edges.push((from.clone(), to.clone(), text, line));
    }
    edges.sort();

    let dir = match options.rankdir {
        RankDir::TB => "TB",
        RankDir::LR => "LR",
        RankDir::BT => "BT",
        RankDir::RL => "RL",
    };
    let mut out = format!("flowchart {dir}\n");
    let mut clusters: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (_, line, cluster, _) in &nodes {
        match cluster {
            Some(key) => clusters.entry(key.clone()).or_default().push(line),
            None => {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    for (i, (key, lines)) in clusters.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{}[{}]", i + 1, caption(key));
        for line in lines {
            let _ = writeln!(out, "    {line}");
        }
        out.push_str("  end\n");
    }
    for (_, _, _, line) in &edges {
        let _ = writeln!(out, "  {line}");
    }
    for style in STYLES.iter().chain(std::iter::once(&OTHER)) {
        let members: Vec<&str> = nodes
            .iter()
            .filter(|(_, _, _, s)| *s == style.name)
            .map(|(id, _, _, _)| id.as_str())
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  classDef l_{} fill:{},stroke:{},color:#212121",
            style.name, style.fill, style.stroke
        );
        let _ = writeln!(out, "  class {} l_{}", members.join(","), style.name);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        assert_eq!(
            escape("a \"b\" #1 <i> & `c`"),
            "a #quot;b#quot; #35;1 #60;i#62; #38; #96;c#96;"
        );
        assert_eq!(sanitize("end"), "n_end");
        assert_eq!(sanitize("a-b.c"), "n_a_b_c");
    }
}
