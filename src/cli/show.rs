//! `kg show NAME`: an entity card.

use std::io::Write;

use serde_json::json;

use super::{table_or_json, write_json, CliError, Format};
use crate::graph::lookup::resolve;
use crate::graph::{Direction, EdgeIndex, Graph, NodeIndex, Relation};
use crate::output::json::{node_json, relationship_json};
use crate::output::table::visible;

/// `since 2019`, `until 2024`, `2019 to 2024` or `undated`.
pub fn dates_text(r: &Relation) -> String {
    match (r.since, r.until) {
        (Some(s), Some(u)) => format!("{s} to {u}"),
        (Some(s), None) => format!("since {s}"),
        (None, Some(u)) => format!("until {u}"),
        (None, None) => "undated".into(),
    }
}

fn sorted_relations(graph: &Graph, n: NodeIndex, dir: Direction) -> Vec<(EdgeIndex, NodeIndex)> {
    let mut v: Vec<(String, String, EdgeIndex, NodeIndex)> = graph
        .relations_of(n, dir)
        .map(|(e, other, r)| {
            (
                graph.resolve(r.ty).to_string(),
                graph.display_name(other),
                e,
                other,
            )
        })
        .collect();
    v.sort_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
    v.into_iter().map(|(_, _, e, o)| (e, o)).collect()
}

pub fn run(graph: &Graph, name: &str, format: Format, out: &mut dyn Write) -> Result<(), CliError> {
    let as_json = table_or_json(format, "show")?;
    let n = resolve(graph, name)?;
    let outgoing = sorted_relations(graph, n, Direction::Outgoing);
    let incoming = sorted_relations(graph, n, Direction::Incoming);

    if as_json {
        let side = |list: &[(EdgeIndex, NodeIndex)]| -> Vec<serde_json::Value> {
            list.iter()
                .map(|&(e, other)| json!({"relationship": relationship_json(graph, e), "other": node_json(graph, other)}))
                .collect()
        };
        let value = json!({
            "entity": node_json(graph, n),
            "outgoing": side(&outgoing),
            "incoming": side(&incoming),
        });
        return write_json(out, &value);
    }

    let Some(e) = graph.entity(n) else {
        return Ok(());
    };
    let labels: Vec<&str> = e.labels.iter().map(|l| graph.resolve(*l)).collect();
    writeln!(
        out,
        "{}  [{}]  id: {}",
        visible(&graph.display_name(n)),
        labels.join(", "),
        visible(e.id.as_deref().unwrap_or("(none)"))
    )?;
    if !e.aliases.is_empty() {
        let aliases: Vec<String> = e.aliases.iter().map(|a| visible(a)).collect();
        writeln!(out, "  aliases: {}", aliases.join(", "))?;
    }
    for (k, v) in e.props.sorted(graph.interner()) {
        writeln!(out, "  {}: {}", visible(k), visible(&v.to_string()))?;
    }
    for (title, list, dir) in [
        ("Out", &outgoing, Direction::Outgoing),
        ("In", &incoming, Direction::Incoming),
    ] {
        writeln!(out)?;
        writeln!(out, "{title} ({})", list.len())?;
        for &(edge, other) in list.iter() {
            let Some(r) = graph.relation(edge) else {
                continue;
            };
            let ty = graph.resolve(r.ty);
            let other_text = match graph.entity(other).and_then(|x| x.id.as_deref()) {
                Some(id) => format!("{} ({id})", graph.display_name(other)),
                None => graph.display_name(other),
            };
            let arrow = if dir == Direction::Outgoing {
                format!("-[{ty}]-> {other_text}")
            } else {
                format!("<-[{ty}]- {other_text}")
            };
            writeln!(out, "  {}  {}", visible(&arrow), dates_text(r))?;
            let props: Vec<String> = r
                .props
                .sorted(graph.interner())
                .into_iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            if !props.is_empty() {
                writeln!(out, "      {}", visible(&props.join("; ")))?;
            }
            let p = r.provenance();
            let mut cite = Vec::new();
            if let Some(s) = p.source.as_deref() {
                match graph.source(s).and_then(|x| x.url.as_deref()) {
                    Some(url) => cite.push(format!("{s} <{url}>")),
                    None => cite.push(s.to_string()),
                }
            }
            if let Some(l) = p.locator.as_deref() {
                cite.push(l.to_string());
            }
            if !cite.is_empty() {
                writeln!(out, "      source: {}", visible(&cite.join(", ")))?;
            }
            if let Some(note) = p.note.as_deref() {
                writeln!(out, "      note: {}", visible(note))?;
            }
            if let Some(q) = p.quote.as_deref() {
                writeln!(out, "      quote: \"{}\"", visible(q))?;
            }
        }
    }
    Ok(())
}
