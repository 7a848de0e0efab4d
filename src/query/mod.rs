//! Query text -> AST -> plan -> evaluation.

pub mod ast;
