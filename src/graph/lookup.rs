//! Finding an entity by what a person types: its id, name or an alias,
//! ignoring case.

use super::model::{fold_name, Graph};
use super::NodeIndex;

/// Why a name did not lead to exactly one entity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// Nothing has that id, name or alias.
    #[error("no entity is called {name:?}{}", suggest(.suggestions))]
    Unknown {
        /// What was asked for.
        name: String,
        /// Close names that do exist, best first.
        suggestions: Vec<String>,
    },
    /// Several entities have that name or alias.
    #[error("{name:?} is ambiguous: it could be {}; use the id instead", candidates.join(", or "))]
    Ambiguous {
        /// What was asked for.
        name: String,
        /// Each candidate as `id (Name, Label)`.
        candidates: Vec<String>,
    },
}

fn suggest(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean {}?",
            s.iter()
                .map(|x| format!("{x:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// Finds the one entity `name` refers to: an exact id first, else every
/// entity whose id, name or alias equals `name` ignoring case.
pub fn resolve(graph: &Graph, name: &str) -> Result<NodeIndex, LookupError> {
    if let Some(n) = graph.by_id(name) {
        return Ok(n);
    }
    let folded = fold_name(name);
    let mut found: Vec<NodeIndex> = graph.by_name(name).to_vec();
    if let Some(n) = graph.by_id(&folded) {
        if !found.contains(&n) {
            found.push(n);
        }
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(LookupError::Unknown {
            name: name.to_string(),
            suggestions: suggestions(graph, &folded),
        }),
        many => {
            let mut candidates: Vec<String> = many.iter().map(|&n| describe(graph, n)).collect();
            candidates.sort();
            Err(LookupError::Ambiguous {
                name: name.to_string(),
                candidates,
            })
        }
    }
}

/// `id (Name, Label)` for messages.
pub fn describe(graph: &Graph, n: NodeIndex) -> String {
    let Some(e) = graph.entity(n) else {
        return format!("#{}", n.index());
    };
    let labels: Vec<&str> = e.labels.iter().map(|l| graph.resolve(*l)).collect();
    let id = e.id.as_deref().unwrap_or("(no id)");
    match &e.name {
        Some(name) => format!("{id} ({name}, {})", labels.join(":")),
        None => format!("{id} ({})", labels.join(":")),
    }
}

/// Up to three existing names close to `folded`: names that contain it or
/// that it contains, then the nearest by edit distance.
fn suggestions(graph: &Graph, folded: &str) -> Vec<String> {
    if folded.is_empty() {
        return Vec::new();
    }
    // (score, entity, text shown); one suggestion per entity.
    let mut scored: Vec<(usize, NodeIndex, String)> = Vec::new();
    let mut consider = |candidate: &str, n: NodeIndex, shown: String| {
        let score =
            if candidate.contains(folded) || (folded.len() >= 4 && folded.contains(candidate)) {
                0
            } else {
                let d = strsim::damerau_levenshtein(folded, candidate);
                if d > 2.max(folded.chars().count() / 3) {
                    return;
                }
                d
            };
        scored.push((score, n, shown));
    };
    for (name, nodes) in graph.names() {
        for &n in nodes.iter() {
            let shown = graph
                .entity(n)
                .and_then(|e| {
                    e.name
                        .iter()
                        .chain(&e.aliases)
                        .find(|x| fold_name(x).as_ref() == name)
                        .map(|x| x.to_string())
                })
                .unwrap_or_else(|| name.to_string());
            consider(name, n, shown);
        }
    }
    for (id, n) in graph.ids() {
        consider(&id.to_lowercase(), n, id.to_string());
    }
    scored.sort();
    let mut seen: Vec<NodeIndex> = Vec::new();
    let mut out = Vec::new();
    for (_, n, shown) in scored {
        if seen.contains(&n) {
            continue;
        }
        seen.push(n);
        if !out.contains(&shown) {
            out.push(shown);
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::load_str;

    fn graph() -> Graph {
        let text = r#"{"kg": 1, "entities": [
            {"id": "rosatom-nedra", "labels": ["Company"], "name": "Rosatom Nedra", "aliases": ["Atomredmedzoloto", "ARMZ"]},
            {"id": "rosatom", "labels": ["Company"], "name": "Rosatom"},
            {"id": "nfc-china", "labels": ["Company"], "name": "NFC"},
            {"id": "nfc-bank", "labels": ["Company"], "name": "NFC"}
        ], "relations": []}"#;
        load_str("t.json", text).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn finds_by_id_name_and_alias_ignoring_case() {
        let g = graph();
        let armz = g.by_id("rosatom-nedra");
        assert_eq!(resolve(&g, "rosatom-nedra").ok(), armz);
        assert_eq!(resolve(&g, "ROSATOM-NEDRA").ok(), armz);
        assert_eq!(resolve(&g, "rosatom nedra").ok(), armz);
        assert_eq!(resolve(&g, "atomredmedzoloto").ok(), armz);
        assert_eq!(resolve(&g, "  Armz ").ok(), armz);
    }

    #[test]
    fn an_ambiguous_name_lists_the_candidates() {
        let g = graph();
        let err = resolve(&g, "nfc").err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("\"nfc\" is ambiguous: it could be nfc-bank (NFC, Company), or nfc-china (NFC, Company); use the id instead")
        );
        assert_eq!(resolve(&g, "nfc-bank").ok(), g.by_id("nfc-bank"));
    }

    #[test]
    fn an_unknown_name_suggests_close_ones() {
        let g = graph();
        match resolve(&g, "Rosatm") {
            Err(LookupError::Unknown { suggestions, .. }) => assert_eq!(suggestions[0], "Rosatom"),
            other => unreachable!("{other:?}"),
        }
        match resolve(&g, "Atomredmed") {
            Err(LookupError::Unknown { suggestions, .. }) => {
                assert_eq!(suggestions, ["Atomredmedzoloto"])
            }
            other => unreachable!("{other:?}"),
        }
        match resolve(&g, "zzzzzzzz") {
            Err(e @ LookupError::Unknown { .. }) => {
                assert_eq!(e.to_string(), "no entity is called \"zzzzzzzz\"")
            }
            other => unreachable!("{other:?}"),
        }
    }
}
