//! The Grafana Alloy configuration language: syntax tree with a builder API,
//! a parser, a printer that matches `alloy fmt`, and a static checker that
//! knows every component, block, attribute and function of Alloy v1.18.1
//! (its registry is generated from Alloy's own schema; see
//! [`check::registry`] for how to move to a new Alloy version).
//!
//! ```
//! let file = o11yc_alloy::parse("loki.write \"default\" {\n  endpoint { url = \"http://loki\" }\n}\n").unwrap();
//! assert!(o11yc_alloy::check(&file).iter().all(|d| !d.is_error()));
//! assert_eq!(
//!     o11yc_alloy::print(&file),
//!     "loki.write \"default\" {\n\tendpoint {\n\t\turl = \"http://loki\"\n\t}\n}\n"
//! );
//! ```

pub mod check;
pub mod diag;
pub mod syntax;

pub use diag::{Diagnostic, Severity};
pub use syntax::ast::{
    Attribute, BinaryOp, Block, Comment, Expr, ExprKind, File, ObjectField, Pos, Span, Stmt,
    UnaryOp,
};

/// Parses Alloy source text. Returns every syntax error on failure.
pub fn parse(src: &str) -> Result<File, Vec<Diagnostic>> {
    syntax::parser::parse_file(src)
}

/// Formats Alloy source text the way `alloy fmt` does.
pub fn format(src: &str) -> Result<String, Vec<Diagnostic>> {
    parse(src).map(|f| print(&f))
}

/// Prints a file (parsed or built in code) in `alloy fmt` form.
pub fn print(file: &File) -> String {
    syntax::printer::print_file(file)
}

/// Statically checks a file at Alloy's default stability level
/// (generally-available): components, blocks, attributes, labels, references,
/// duplicates, cycles, signal types and functions, against the registry of
/// Alloy v1.18.1. See [`check`](mod@check) for details.
pub fn check(file: &File) -> Vec<Diagnostic> {
    check::check_file(file)
}

/// [`check()`] with explicit options (Alloy's `--stability.level` and
/// `--feature.community-components.enabled`).
pub fn check_with(file: &File, options: check::Options) -> Vec<Diagnostic> {
    check::check_file_with(file, options)
}
