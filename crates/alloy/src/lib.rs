//! The Grafana Alloy configuration language: syntax tree with a builder API,
//! a parser, a printer that matches `alloy fmt`, and a static checker for the
//! components o11yc emits.
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

/// Statically checks a file: references, duplicates, cycles, arguments and
/// signal types. See [`check`](mod@check) for details.
pub fn check(file: &File) -> Vec<Diagnostic> {
    check::check_file(file)
}
