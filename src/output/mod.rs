//! Rows and graph elements rendered for people (tables) and for programs
//! (JSON, JSON lines, CSV, TSV).

pub mod json;
pub mod rows;
pub mod table;
