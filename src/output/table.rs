//! Aligned tables for people, fitted to the terminal when there is one.

use comfy_table::{presets, ContentArrangement, Table};

/// Renders a table with a header row. Cells are shown as given, with
/// terminal control characters made visible so that data cannot send
/// escape sequences to the terminal.
pub fn render(headers: &[&str], rows: &[Vec<String>]) -> String {
    let huge = |c: &str| c.len() > HUGE_CELL;
    if headers.iter().any(|h| huge(h)) || rows.iter().flatten().any(|c| huge(c)) {
        return render_plain(headers, rows);
    }
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

/// Cells longer than this many bytes are laid out by [`render_plain`]:
/// the table crate's time grows with the square of a cell's length.
const HUGE_CELL: usize = 16 * 1024;

/// The same layout as [`render`] without fitting to the terminal, in time
/// linear in the cells' length (widths are counted in characters).
fn render_plain(headers: &[&str], rows: &[Vec<String>]) -> String {
    let header: Vec<String> = headers.iter().map(|h| visible(h)).collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| visible(c)).collect())
        .collect();
    let mut widths: Vec<usize> = vec![0; header.len()];
    for row in std::iter::once(&header).chain(&body) {
        for (w, cell) in widths.iter_mut().zip(row) {
            let longest = cell.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            *w = (*w).max(longest);
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, row: &[String]| {
        let parts: Vec<Vec<&str>> = row.iter().map(|c| c.lines().collect()).collect();
        let height = parts.iter().map(Vec::len).max().unwrap_or(0).max(1);
        for i in 0..height {
            out.push('|');
            for (w, cell) in widths.iter().zip(&parts) {
                let text = cell.get(i).copied().unwrap_or("");
                out.push(' ');
                out.push_str(text);
                out.extend(std::iter::repeat_n(' ', w - text.chars().count() + 1));
                out.push('|');
            }
            out.push('\n');
        }
    };
    line(&mut out, &header);
    out.push('|');
    for w in &widths {
        out.extend(std::iter::repeat_n('-', w + 2));
        out.push('|');
    }
    out.push('\n');
    for row in &body {
        line(&mut out, row);
    }
    out
}

/// Whether a character must not reach a terminal as it is: control
/// characters (C0 other than newline and tab, DEL, C1 such as U+009B,
/// the one-character CSI) and the bidirectional formatting characters
/// that reorder how a line reads (U+202A-U+202E, U+2066-U+2069, U+200E,
/// U+200F, U+061C).
pub fn unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// Replaces the characters of [`unsafe_for_terminal`] with their
/// `\u{..}` escapes.
pub fn visible(s: &str) -> String {
    if !s.chars().any(unsafe_for_terminal) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if unsafe_for_terminal(c) {
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

    #[test]
    fn huge_cells_have_the_same_layout() {
        let rows = vec![
            vec!["a".to_string(), "two\nlines".to_string()],
            vec!["\u{1b}[2J".to_string(), "x".to_string()],
        ];
        assert_eq!(
            render_plain(&["h", "second"], &rows),
            render(&["h", "second"], &rows)
        );
    }
}
