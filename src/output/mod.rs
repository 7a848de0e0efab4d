//! Rows and graph elements rendered for people (tables) and for programs
//! (JSON).

pub mod json;
pub mod table;
