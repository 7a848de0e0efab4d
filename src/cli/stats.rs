//! `kg stats`: what the graph holds.

use std::io::Write;

use serde_json::json;

use super::{table_or_json, write_json, CliError, Format};
use crate::graph::{Date, Graph};
use crate::output::table;

/// How many members of the largest ownership cycle `kg stats` names.
const CYCLE_MEMBERS_SHOWN: usize = 20;

pub fn run(graph: &Graph, format: Format, out: &mut dyn Write) -> Result<(), CliError> {
    let as_json = table_or_json(format, "stats")?;
    let labels = graph.label_counts();
    let types = graph.type_counts();
    let mut earliest: Option<Date> = None;
    let mut latest: Option<Date> = None;
    let mut undated = 0usize;
    let mut by_source: Vec<usize> = vec![0; graph.sources().len()];
    let mut unsourced = 0usize;
    for e in graph.relation_indices() {
        let Some(r) = graph.relation(e) else { continue };
        if r.is_undated() {
            undated += 1;
        }
        for d in r.since.iter().chain(r.until.iter()) {
            earliest = Some(earliest.map_or(*d, |x| x.min(*d)));
            latest = Some(latest.map_or(*d, |x| x.max(*d)));
        }
        match r.provenance().source.as_deref() {
            Some(s) => {
                if let Some(i) = graph.sources().iter().position(|x| x.id == s) {
                    if let Some(c) = by_source.get_mut(i) {
                        *c += 1;
                    }
                }
            }
            None => unsourced += 1,
        }
    }
    let dated = graph.relation_count() - undated;
    let cycles = crate::ownership::view::cycles(graph, None);
    // The members of the largest cycle, by id (at most 20 of them).
    let largest: Vec<String> = cycles
        .first()
        .map(|c| {
            c.iter()
                .take(CYCLE_MEMBERS_SHOWN)
                .map(|&n| crate::export::entity_key(graph, n))
                .collect()
        })
        .unwrap_or_default();

    if as_json {
        let sources: Vec<serde_json::Value> = graph
            .sources()
            .iter()
            .zip(&by_source)
            .map(|(s, n)| {
                json!({"id": s.id, "url": s.url, "title": s.title,
                       "published": s.published.map(|d| d.to_string()), "relations": n})
            })
            .collect();
        let value = json!({
            "name": graph.name,
            "entities": graph.entity_count(),
            "relations": graph.relation_count(),
            "labels": labels.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "types": types.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "dates": {"earliest": earliest.map(|d| d.to_string()), "latest": latest.map(|d| d.to_string()),
                      "dated_relations": dated, "undated_relations": undated},
            "sources": sources,
            "relations_without_source": unsourced,
            "ownership_cycles": {
                "count": cycles.len(),
                "largest_size": cycles.first().map_or(0, Vec::len),
                "largest": largest,
            },
        });
        return write_json(out, &value);
    }

    writeln!(
        out,
        "{}: {} entities, {} relations, {} source{}",
        graph.name.as_deref().unwrap_or("graph"),
        graph.entity_count(),
        graph.relation_count(),
        graph.sources().len(),
        if graph.sources().len() == 1 { "" } else { "s" }
    )?;
    match (earliest, latest) {
        (Some(a), Some(b)) => writeln!(
            out,
            "dates: {a} to {b} ({dated} relations dated, {undated} undated)"
        )?,
        _ => writeln!(out, "dates: none ({undated} relations undated)")?,
    }
    match cycles.first() {
        None => writeln!(out, "ownership cycles: none")?,
        Some(first) => {
            let more = first.len().saturating_sub(CYCLE_MEMBERS_SHOWN);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            writeln!(
                out,
                "ownership cycles: {} (the largest has {} {}: {}{more}; kg owners NAME --ultimate --explain shows one)",
                cycles.len(),
                first.len(),
                if first.len() == 1 { "entity" } else { "entities" },
                largest.join(", ")
            )?
        }
    }
    writeln!(out)?;
    let rows: Vec<Vec<String>> = labels
        .iter()
        .map(|(k, v)| vec![k.to_string(), v.to_string()])
        .collect();
    out.write_all(table::render(&["label", "entities"], &rows).as_bytes())?;
    writeln!(out)?;
    let rows: Vec<Vec<String>> = types
        .iter()
        .map(|(k, v)| vec![k.to_string(), v.to_string()])
        .collect();
    out.write_all(table::render(&["type", "relations"], &rows).as_bytes())?;
    if !graph.sources().is_empty() || unsourced > 0 {
        writeln!(out)?;
        let mut rows: Vec<Vec<String>> = graph
            .sources()
            .iter()
            .zip(&by_source)
            .map(|(s, n)| {
                vec![
                    s.id.clone(),
                    n.to_string(),
                    s.published.map(|d| d.to_string()).unwrap_or_default(),
                    s.title
                        .clone()
                        .or_else(|| s.url.clone())
                        .unwrap_or_default(),
                ]
            })
            .collect();
        if unsourced > 0 {
            rows.push(vec![
                "(no source)".into(),
                unsourced.to_string(),
                String::new(),
                String::new(),
            ]);
        }
        out.write_all(
            table::render(&["source", "relations", "published", "title or url"], &rows).as_bytes(),
        )?;
    }
    Ok(())
}
