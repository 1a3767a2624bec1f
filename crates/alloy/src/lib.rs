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
pub mod streams;
mod syntax;

pub use diag::{Diagnostic, FileId, Kind, LineIndex, Severity};
pub use syntax::ast::{
    Attribute, BinaryOp, Block, Comment, Expr, ExprKind, File, LeadingComments, ObjectField, Pos,
    Span, Stmt, UnaryOp,
};
pub use syntax::quote::quote;

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
    let again = parse(&once).ok();
    let twice = again.as_ref().map(print);
    let faithful = again.as_ref().is_some_and(|a| same_meaning(&tree, a));
    if faithful && twice.as_deref() == Some(once.as_str()) {
        return Ok(once);
    }
    // Point at the comment that moved (between the input and the output, or
    // between the output and its own formatting).
    let moved = moved_comment(src, &once)
        .or_else(|| twice.as_deref().and_then(|t| moved_comment(&once, t)));
    let pos = moved
        .and_then(|i| tree.comments.get(i))
        .map_or(Pos { offset: 0, line: 1 }, |c| c.pos);
    Err(vec![
        Diagnostic::error(
            Kind::Format,
            pos,
            "cannot format this file safely: this comment would move",
        )
        .with_help(
            "put comments on their own line or at the end of a line; the file was left unchanged",
        ),
    ])
}

/// Index of the first comment that has a different number of tokens before
/// it in `a` and in `b`.
fn moved_comment(a: &str, b: &str) -> Option<usize> {
    use syntax::lexer::{LineIndex, TokenKind, lex};
    let places = |src: &str| -> Vec<usize> {
        let lexed = lex(src, &LineIndex::new(src));
        let starts: Vec<u32> = lexed
            .tokens
            .iter()
            .filter(|t| !matches!(t.kind, TokenKind::Terminator | TokenKind::Eof))
            .map(|t| t.start)
            .collect();
        lexed
            .comments
            .iter()
            .map(|c| starts.partition_point(|&s| s < c.pos.offset))
            .collect()
    };
    let (pa, pb) = (places(a), places(b));
    pa.iter().zip(&pb).position(|(x, y)| x != y)
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

/// [`print`], consuming the file so that a tree built in code is freed while the
/// text is produced (a large pipeline then never has two trees alive at once).
pub fn print_owned(file: File) -> String {
    syntax::printer::print_file_owned(file)
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
