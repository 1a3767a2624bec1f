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
///
/// The result is verified before it is returned: it parses to the same tree
/// with the same comments, and formatting it again changes nothing. Input
/// whose comments sit where the `alloy fmt` layout cannot keep them (for
/// example a block comment between an object key and its `=`) is refused
/// with an error instead of being rewritten into something else.
pub fn format(src: &str) -> Result<String, Vec<Diagnostic>> {
    let tree = parse(src)?;
    let once = print(&tree);
    let faithful = parse(&once).is_ok_and(|again| same_meaning(&tree, &again));
    if faithful && parse(&once).is_ok_and(|again| print(&again) == once) {
        return Ok(once);
    }
    Err(vec![
        Diagnostic::error(
            1,
            1,
            "cannot format this file safely: a comment inside an expression would move",
        )
        .with_help(
            "put comments on their own line or at the end of a line; the file was left unchanged",
        ),
    ])
}

/// Same statements and the same comment texts (positions ignored; trailing
/// blanks of a comment are not kept by the printer).
fn same_meaning(a: &File, b: &File) -> bool {
    a.body == b.body
        && a.comments.len() == b.comments.len()
        && a.comments
            .iter()
            .zip(&b.comments)
            .all(|(x, y)| x.text.trim_end() == y.text.trim_end())
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
