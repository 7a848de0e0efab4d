//! Aligned tables for people, fitted to the terminal when there is one.

use comfy_table::{presets, ContentArrangement, Table};

/// Renders a table with a header row. Cells are shown as given, with
/// terminal control characters made visible so that data cannot send
/// escape sequences to the terminal.
pub fn render(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut t = Table::new();
    t.load_preset(presets::ASCII_MARKDOWN)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(headers.iter().map(|h| visible(h)));
    // A terminal that reports no width (some pseudo-terminals say 0)
    // would squash every column to one character.
    if t.width().is_some_and(|w| w < 20) {
        t.set_content_arrangement(ContentArrangement::Disabled);
    }
    for row in rows {
        t.add_row(row.iter().map(|c| visible(c)));
    }
    let mut s = t.to_string();
    s.push('\n');
    s
}

/// Replaces control characters (other than newline and tab) with their
/// `\u{..}` escapes.
pub fn visible(s: &str) -> String {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_made_visible() {
        assert_eq!(visible("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(visible("plain"), "plain");
        let t = render(&["name"], &[vec!["\u{7}bell".into()]]);
        assert!(t.contains("\\u{7}bell"), "{t}");
        assert!(!t.contains('\u{7}'));
    }
}
