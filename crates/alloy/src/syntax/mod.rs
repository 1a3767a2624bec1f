//! The Alloy configuration language: syntax tree, lexer, parser, printer.

pub mod ast;
pub mod build;
mod canonical;
pub mod lexer;
pub mod parser;
pub mod printer;
pub mod quote;
mod tabwriter;
