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
