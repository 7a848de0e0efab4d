//! How each label looks in diagrams: one shape and colour per label of the
//! core vocabulary, and one for every other label.

use crate::graph::{Entity, Graph};

/// The look of one kind of node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// The name shown in the legend.
    pub name: &'static str,
    /// The Graphviz shape.
    pub shape: &'static str,
    /// Extra Graphviz style words besides `filled`.
    pub extra: &'static str,
    /// The fill colour.
    pub fill: &'static str,
    /// The border colour.
    pub stroke: &'static str,
    /// Mermaid's opening and closing brackets for the shape.
    pub mermaid: (&'static str, &'static str),
}

/// The core labels in priority order: an entity with several labels looks
/// like the first of these it has.
pub const STYLES: [Style; 8] = [
    Style {
        name: "Person",
        shape: "ellipse",
        extra: "",
        fill: "#ffe0b2",
        stroke: "#e65100",
        mermaid: ("([", "])"),
    },
    Style {
        name: "Company",
        shape: "box",
        extra: "rounded",
        fill: "#bbdefb",
        stroke: "#0d47a1",
        mermaid: ("(", ")"),
    },
    Style {
        name: "Agency",
        shape: "house",
        extra: "",
        fill: "#d1c4e9",
        stroke: "#4527a0",
        mermaid: ("[[", "]]"),
    },
    Style {
        name: "Country",
        shape: "hexagon",
        extra: "",
        fill: "#c8e6c9",
        stroke: "#1b5e20",
        mermaid: ("{{", "}}"),
    },
    Style {
        name: "Region",
        shape: "octagon",
        extra: "",
        fill: "#dcedc8",
        stroke: "#33691e",
        mermaid: ("[/", "/]"),
    },
    Style {
        name: "Deposit",
        shape: "cylinder",
        extra: "",
        fill: "#d7ccc8",
        stroke: "#3e2723",
        mermaid: ("[(", ")]"),
    },
    Style {
        name: "Commodity",
        shape: "note",
        extra: "",
        fill: "#fff9c4",
        stroke: "#f57f17",
        mermaid: (">", "]"),
    },
    Style {
        name: "Event",
        shape: "cds",
        extra: "",
        fill: "#f8bbd0",
        stroke: "#880e4f",
        mermaid: ("[\\", "\\]"),
    },
];

/// The look of labels outside the core vocabulary (and of entities
/// without a label).
pub const OTHER: Style = Style {
    name: "other",
    shape: "box",
    extra: "",
    fill: "#eeeeee",
    stroke: "#424242",
    mermaid: ("[", "]"),
};

/// The look of an entity: that of its first core label, else [`OTHER`].
pub fn style_of(graph: &Graph, e: &Entity) -> Style {
    STYLES
        .iter()
        .find(|s| e.labels.iter().any(|l| graph.resolve(*l) == s.name))
        .copied()
        .unwrap_or(OTHER)
}

/// The label that decides an entity's cluster under `--cluster-by label`:
/// the core label it looks like, else its first label, else `(no label)`.
pub fn main_label(graph: &Graph, e: &Entity) -> String {
    let s = style_of(graph, e);
    if s != OTHER {
        return s.name.to_string();
    }
    e.labels.first().map_or_else(
        || "(no label)".to_string(),
        |l| graph.resolve(*l).to_string(),
    )
}

/// The cluster of each entity under `--cluster-by`: its main label, or its
/// value of a property. A property that no entity has is an error listing
/// the properties they do have, so that a typo does not silently give a
/// diagram without boxes.
pub fn clusters(
    graph: &Graph,
    cluster_by: &Option<super::ClusterBy>,
) -> Result<std::collections::HashMap<crate::graph::NodeIndex, String>, super::ExportError> {
    let mut out = std::collections::HashMap::new();
    let Some(by) = cluster_by else { return Ok(out) };
    let mut known: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for n in graph.entity_indices() {
        let Some(e) = graph.entity(n) else { continue };
        match by {
            super::ClusterBy::Label => {
                out.insert(n, main_label(graph, e));
            }
            super::ClusterBy::Property(key) => {
                for (k, _) in graph.entity_properties(n) {
                    known.insert(k.to_string());
                }
                if let Some(p) = graph.entity_property(n, key) {
                    out.insert(n, super::text::prop_text(p));
                }
            }
        }
    }
    if let super::ClusterBy::Property(key) = by {
        if out.is_empty() && graph.entity_count() > 0 {
            return Err(super::ExportError::NoSuchClusterProperty {
                key: key.clone(),
                known: known.into_iter().collect(),
            });
        }
    }
    Ok(out)
}
