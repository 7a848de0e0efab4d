//! Printing the AST back as query text.
