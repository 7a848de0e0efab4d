//! Syntax errors of query text, and how they are shown to people.

/// Query text that does not follow the grammar.
///
/// `offset` is a byte offset into the text; [`SyntaxError::render`] turns it
/// into a line and column (in characters) and shows the line with a caret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("syntax error at byte {offset}: {message}")]
pub struct SyntaxError {
    /// Byte offset into the text where the error was found.
    pub offset: usize,
    /// What is wrong, e.g. `expected ')' or ','`.
    pub message: String,
    /// What would have been accepted at `offset` (may be empty when the
    /// message says something else, such as an integer that is too large).
    pub expected: Vec<String>,
    /// The openCypher error code (`NoSingleRelationshipType`, ...) when
    /// the grammar rule that failed stands for one.
    pub code: Option<&'static str>,
}

impl SyntaxError {
    /// An error at `offset` listing what was expected there.
    pub fn expected(offset: usize, mut expected: Vec<String>) -> Self {
        expected.sort();
        expected.dedup();
        let message = match expected.as_slice() {
            [] => "unexpected input".to_string(),
            [one] => format!("expected {one}"),
            [a, b] => format!("expected {a} or {b}"),
            many => format!("expected one of: {}", many.join(", ")),
        };
        SyntaxError {
            offset,
            message,
            expected,
            code: None,
        }
    }

    /// An error at `offset` with its own message.
    pub fn message(offset: usize, message: impl Into<String>) -> Self {
        SyntaxError {
            offset,
            message: message.into(),
            expected: Vec::new(),
            code: None,
        }
    }

    /// The error as people read it: position, message, the line of `source`
    /// it is on and a caret under the place.
    ///
    /// ```text
    /// syntax error at line 1, column 8: expected an expression
    ///   RETURN )
    ///          ^
    /// ```
    pub fn render(&self, source: &str) -> String {
        let (line, column) = line_col(source, self.offset);
        let text = source.lines().nth(line - 1).unwrap_or("");
        let pad: String = text
            .chars()
            .take(column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!(
            "syntax error at line {line}, column {column}: {}\n  {text}\n  {pad}^",
            self.message
        )
    }
}

/// The 1-based line and column of byte `offset` in `source`; the column
/// counts characters, not bytes. An offset inside a character or past the
/// end is clamped to the character boundary before it.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = source.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (line, column)
}
