//! Query text -> AST -> plan -> evaluation -> rows.

pub mod ast;
pub mod error;
pub mod parser;
pub mod print;
pub mod value;

pub use error::SyntaxError;
pub use parser::{parse_script, parse_statement};
pub use value::{Path, Value};

/// The rows a statement produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryResult {
    /// Column names, as openCypher names them (the alias, else the
    /// expression's text as written).
    pub columns: Vec<String>,
    /// The rows; each has one value per column.
    pub rows: Vec<Vec<Value>>,
}
