//! The words diagrams show: node captions, edge captions, wrapping.

use crate::graph::value::format_float;
use crate::graph::{Date, Graph, NodeIndex, PropRef, PropValue, Relation};

/// Where captions wrap, in characters.
pub const WRAP_AT: usize = 30;
/// At most this many lines of a caption are shown; the last one ends
/// with `…` when text was cut.
pub const MAX_LINES: usize = 6;

/// What a node shows: its name, else its id, else its index.
pub fn node_caption(graph: &Graph, n: NodeIndex) -> String {
    match graph.entity(n) {
        Some(e) => match (e.name.as_deref(), e.id.as_deref()) {
            (Some(name), _) if !name.trim().is_empty() => name.to_string(),
            (_, Some(id)) => id.to_string(),
            _ => format!("#{}", n.index()),
        },
        None => format!("#{}", n.index()),
    }
}

/// A number the way captions show it: `51`, `50.5`.
fn number(v: &PropValue) -> Option<String> {
    match v {
        PropValue::Int(i) => Some(i.to_string()),
        PropValue::Float(f) if f.is_finite() => {
            let s = format_float(*f);
            Some(s.strip_suffix(".0").map_or(s.clone(), str::to_string))
        }
        _ => None,
    }
}

/// What an edge shows: its type, its share when it has a numeric `share`
/// prop, and its dates: `OWNS 51% since 2019 until 2024`.
pub fn edge_caption(graph: &Graph, r: &Relation) -> String {
    let mut s = graph.resolve(r.ty).to_string();
    if let Some(share) = graph
        .sym("share")
        .and_then(|k| r.props.get(k))
        .and_then(number)
    {
        s.push(' ');
        s.push_str(&share);
        s.push('%');
    }
    if let Some(d) = r.since {
        s.push_str(&format!(" since {d}"));
    }
    if let Some(d) = r.until {
        s.push_str(&format!(" until {d}"));
    }
    s
}

/// Whether the relation ended before `before`: its `until` period is over
/// by the first day of `before`.
pub fn ended(r: &Relation, before: Option<Date>) -> bool {
    match (r.until, before) {
        (Some(u), Some(b)) => u.last_day() < b.first_day(),
        _ => false,
    }
}

/// A property as plain text: strings as they are, numbers as written,
/// lists in brackets.
pub fn prop_text(p: PropRef<'_>) -> String {
    match p {
        PropRef::Value(v) => v.to_string(),
        PropRef::Str(s) => s.to_string(),
        PropRef::StrList(l) => {
            let items: Vec<&str> = l.iter().map(|s| &**s).collect();
            items.join(", ")
        }
        PropRef::Date(d) => d.to_string(),
    }
}

/// Plain text for a diagram: tabs become spaces, other control characters
/// (newlines aside) become U+FFFD, which every renderer can show.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' => '\n',
            '\t' | '\r' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Breaks text into lines of at most `width` characters: at spaces where
/// it can, inside words longer than a line where it must, and at every
/// newline of the text. At most `max_lines` lines; cut text ends in `…`.
pub fn wrap(s: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    for para in clean(s).split('\n') {
        let mut line = String::new();
        let mut len = 0;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let wlen = word.chars().count();
            if len > 0 && len + 1 + wlen <= width {
                line.push(' ');
                line.push_str(word);
                len += 1 + wlen;
                continue;
            }
            if len > 0 {
                lines.push(std::mem::take(&mut line));
                len = 0;
            }
            let chars: Vec<char> = word.chars().collect();
            let mut chunks = chars.chunks(width).peekable();
            while let Some(chunk) = chunks.next() {
                let piece: String = chunk.iter().collect();
                if chunks.peek().is_some() {
                    lines.push(piece);
                } else {
                    len = piece.chars().count();
                    line = piece;
                }
            }
        }
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            if last.chars().count() >= width {
                let keep: String = last.chars().take(width.saturating_sub(1)).collect();
                *last = keep;
            }
            last.push('…');
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_inside_long_words() {
        assert_eq!(wrap("EAST Group", 30, 6), vec!["EAST Group"]);
        assert_eq!(
            wrap("Rare-earth industry meeting of 24 February 2025", 30, 6),
            vec!["Rare-earth industry meeting of", "24 February 2025"]
        );
        assert_eq!(wrap("abcdefgh", 3, 6), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("a\nb", 30, 6), vec!["a", "b"]);
        assert_eq!(wrap("", 30, 6), vec![""]);
        assert_eq!(
            wrap(&"x".repeat(300), 30, 2),
            vec!["x".repeat(30), format!("{}…", "x".repeat(29))]
        );
        assert_eq!(wrap("tab\there", 30, 6), vec!["tab here"]);
    }
}
