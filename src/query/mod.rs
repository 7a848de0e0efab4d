//! Query text -> AST -> plan -> evaluation.

pub mod ast;
pub mod error;
pub mod parser;
pub mod print;

pub use error::SyntaxError;
pub use parser::{parse_script, parse_statement};
