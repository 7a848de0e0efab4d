//! Errors of running a statement: syntax (from the parser), semantic
//! (found before evaluation) and runtime (found while evaluating).

use super::ast::Span;
use super::error::{line_col, SyntaxError};

/// The class of a runtime error, named as the openCypher TCK names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeKind {
    /// A value of the wrong type: `RETURN 'a' * 2`.
    TypeError,
    /// A value of the right type that is not allowed: `range(1, 2, 0)`.
    ArgumentError,
    /// An entity that was deleted: `MATCH (n) DELETE n RETURN n.name`.
    EntityNotFound,
    /// A change that breaks a rule of the graph: deleting a node that still
    /// has relationships.
    ConstraintVerificationFailed,
    /// A statement kg cannot run here: `OWNERS OF 'x'` in this build.
    SemanticError,
    /// Malformed input found only at run time.
    SyntaxError,
    /// A limit on what one statement may hold was reached: more rows or
    /// list elements than `--max-rows` allows.
    ResourceLimit,
}

impl RuntimeKind {
    /// The TCK's name of the class.
    pub fn name(self) -> &'static str {
        match self {
            RuntimeKind::TypeError => "TypeError",
            RuntimeKind::ArgumentError => "ArgumentError",
            RuntimeKind::EntityNotFound => "EntityNotFound",
            RuntimeKind::ConstraintVerificationFailed => "ConstraintVerificationFailed",
            RuntimeKind::SemanticError => "SemanticError",
            RuntimeKind::SyntaxError => "SyntaxError",
            RuntimeKind::ResourceLimit => "ResourceLimit",
        }
    }
}

/// Why a statement could not be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    /// The text does not parse: `RETURN )`.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// The statement parses but means nothing: `RETURN x` with no `x`
    /// (code `UndefinedVariable`).
    #[error("{message}")]
    Semantic {
        /// The TCK's code, e.g. `UndefinedVariable`.
        code: &'static str,
        /// What is wrong.
        message: String,
        /// Where.
        span: Span,
    },
    /// Evaluation failed: `RETURN 1 / 0` (code `DivisionByZero`).
    #[error("{message}")]
    Runtime {
        /// The class of error.
        kind: RuntimeKind,
        /// The TCK's code, or kg's own, e.g. `InvalidArgumentType`.
        code: &'static str,
        /// What is wrong, naming the expression.
        message: String,
        /// The expression that failed, if known.
        span: Option<Span>,
    },
    /// Evaluation was stopped from outside (Ctrl-C in `kg shell`, through
    /// [`crate::query::Options::cancel`]).
    #[error("the query was cancelled")]
    Cancelled,
    /// Evaluation ran past its deadline (`--timeout`, through
    /// [`crate::query::Options::deadline`]) and was stopped.
    #[error("the query ran past --timeout {}s and was stopped", .0.as_secs_f64())]
    TimedOut(std::time::Duration),
}

impl QueryError {
    /// A semantic (compile time) error.
    pub fn semantic(code: &'static str, message: impl Into<String>, span: Span) -> QueryError {
        QueryError::Semantic {
            code,
            message: message.into(),
            span,
        }
    }

    /// A runtime error.
    pub fn runtime(
        kind: RuntimeKind,
        code: &'static str,
        message: impl Into<String>,
        span: Option<Span>,
    ) -> QueryError {
        QueryError::Runtime {
            kind,
            code,
            message: message.into(),
            span,
        }
    }

    /// A runtime type error at `span`.
    pub fn type_error(code: &'static str, message: impl Into<String>, span: Span) -> QueryError {
        QueryError::runtime(RuntimeKind::TypeError, code, message, Some(span))
    }

    /// More than `max` rows (or list elements) would be held: `what`
    /// says what grew, `span` where.
    pub fn too_many_rows(
        max: usize,
        what: impl std::fmt::Display,
        span: Option<Span>,
    ) -> QueryError {
        QueryError::runtime(
            RuntimeKind::ResourceLimit,
            "RowLimitExceeded",
            format!("{what} would hold more than {max} rows, the limit of --max-rows (raise it, or narrow the query)"),
            span,
        )
    }

    /// A runtime argument error at `span`.
    pub fn argument(code: &'static str, message: impl Into<String>, span: Span) -> QueryError {
        QueryError::runtime(RuntimeKind::ArgumentError, code, message, Some(span))
    }

    /// The TCK's error type: `SyntaxError` for syntax and semantic errors,
    /// else the runtime class.
    pub fn tck_type(&self) -> &'static str {
        match self {
            QueryError::Syntax(_) | QueryError::Semantic { .. } => "SyntaxError",
            QueryError::Runtime { kind, .. } => kind.name(),
            QueryError::Cancelled => "Cancelled",
            QueryError::TimedOut(_) => "TimedOut",
        }
    }

    /// `compile time` or `runtime`.
    pub fn phase(&self) -> &'static str {
        match self {
            QueryError::Syntax(_) | QueryError::Semantic { .. } => "compile time",
            QueryError::Runtime { .. } | QueryError::Cancelled | QueryError::TimedOut(_) => {
                "runtime"
            }
        }
    }

    /// The TCK code, when there is one.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            QueryError::Syntax(e) => e.code,
            QueryError::Cancelled | QueryError::TimedOut(_) => None,
            QueryError::Semantic { code, .. } | QueryError::Runtime { code, .. } => Some(code),
        }
    }

    /// Where the error is, if known.
    pub fn span(&self) -> Option<Span> {
        match self {
            QueryError::Syntax(e) => Some(Span::new(e.offset, e.offset)),
            QueryError::Semantic { span, .. } => Some(*span),
            QueryError::Runtime { span, .. } => *span,
            QueryError::Cancelled | QueryError::TimedOut(_) => None,
        }
    }

    /// The error as people read it: message, line and column, the query
    /// line and a caret under the place.
    ///
    /// ```text
    /// error at line 1, column 8: variable `x` is not defined
    ///   RETURN x
    ///          ^
    /// ```
    pub fn render(&self, text: &str) -> String {
        match self {
            QueryError::Syntax(e) => e.render(text),
            QueryError::Semantic { message, span, .. } => caret(text, message, *span),
            QueryError::Runtime {
                message,
                span: Some(span),
                ..
            } => caret(text, message, *span),
            QueryError::Runtime { message, .. } => format!("error: {message}"),
            QueryError::Cancelled => "cancelled".to_string(),
            QueryError::TimedOut(_) => format!("error: {self}"),
        }
    }
}

/// `error at line L, column C: message` with the line and a caret (or a
/// run of carets as wide as the span, within the line).
fn caret(text: &str, message: &str, span: Span) -> String {
    let (line, column) = line_col(text, span.start);
    let content = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let pad: String = content
        .chars()
        .take(column.saturating_sub(1))
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let width = text
        .get(span.start..span.end.max(span.start))
        .map_or(1, |s| s.lines().next().unwrap_or("").chars().count())
        .max(1);
    format!(
        "error at line {line}, column {column}: {message}\n  {content}\n  {pad}{}",
        "^".repeat(width)
    )
}

/// The source text of `span`, for messages and column names.
pub fn snippet(text: &str, span: Span) -> &str {
    text.get(span.start..span.end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_counts_columns_in_characters() {
        let text = "RETURN 'ёж' + x";
        let start = text.find('x').unwrap_or(0);
        let e = QueryError::semantic(
            "UndefinedVariable",
            "variable `x` is not defined",
            Span::new(start, start + 1),
        );
        assert_eq!(
            e.render(text),
            "error at line 1, column 15: variable `x` is not defined\n  RETURN 'ёж' + x\n                ^"
        );
        assert_eq!(e.tck_type(), "SyntaxError");
        assert_eq!(e.phase(), "compile time");
        assert_eq!(e.code(), Some("UndefinedVariable"));
    }
}
