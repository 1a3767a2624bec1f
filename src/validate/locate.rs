//! Finding the source location of a profile key for semantic diagnostics.

use crate::diag::{Diagnostic, Span};
use crate::load::{Located, Node};

/// One step of a key path: a mapping key or a list index.
#[derive(Clone, Copy, Debug)]
pub enum Step<'a> {
    /// A mapping key.
    Key(&'a str),
    /// A list index.
    Index(usize),
}

/// Dotted form of a key path: `loki.placement.tolerations[0].key`.
pub fn dotted(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The span of the key (or list item) at `path`, or of the deepest ancestor present.
pub fn span_of(root: &Located<Node>, path: &[Step]) -> Option<Span> {
    let mut node = root;
    let mut span = None;
    for step in path {
        match (step, &node.value) {
            (Step::Key(k), Node::Map(map)) => match map.get(*k) {
                Some(entry) => {
                    span = Some(entry.key_span);
                    node = &entry.value;
                }
                None => break,
            },
            (Step::Index(i), Node::Seq(items)) => match items.get(*i) {
                Some(item) => {
                    span = Some(item.span);
                    node = item;
                }
                None => break,
            },
            _ => break,
        }
    }
    span.or(Some(root.span))
}

/// The span of the value at `path`, when the whole path is present.
pub fn value_span(root: &Located<Node>, path: &[Step]) -> Option<Span> {
    let mut node = root;
    for step in path {
        node = match (step, &node.value) {
            (Step::Key(k), Node::Map(map)) => &map.get(*k)?.value,
            (Step::Index(i), Node::Seq(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(node.span)
}

/// An error located at the key at `path`.
pub fn error_at(root: &Located<Node>, path: &[Step], message: impl Into<String>) -> Diagnostic {
    let mut d = Diagnostic::error(message).key_path(dotted(path));
    if let Some(span) = span_of(root, path) {
        d = d.at(span);
    }
    d
}

/// An Alloy diagnostic at `line:col` (byte column) of the `custom` snippet, located at
/// that position in the profile when the snippet is a literal block scalar.
pub fn custom_error(
    root: &Located<Node>,
    path: &[Step],
    d: &o11yc_alloy::Diagnostic,
    line: usize,
    col: usize,
) -> Diagnostic {
    let mut out = error_at(root, path, format!("Alloy: {}", d.message))
        .code(crate::diag::codes::ALLOY_CUSTOM);
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(*k),
            Step::Index(_) => None,
        })
        .collect();
    if keys.len() == path.len()
        && let Some(value) = root.get_path(&keys)
    {
        out.span = Some(value.span);
        out = out.embedded(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        );
    }
    if let Some(help) = &d.help {
        out = out.help(help.clone());
    }
    out
}

/// The 1-based line and byte column of where `d` starts ([`Embedded`](crate::diag::Embedded)
/// positions count bytes).
pub fn byte_line_col(
    lines: &o11yc_alloy::LineIndex,
    d: &o11yc_alloy::Diagnostic,
) -> (usize, usize) {
    let (line, start) = lines.line_of(d.offset());
    (line, d.offset().saturating_sub(start) + 1)
}

/// An Alloy diagnostic about the pipeline a custom snippet joins, located at the
/// `custom` key, with its line and column in `source` (the text it was found in).
pub fn snippet_error(
    root: &Located<Node>,
    path: &[Step],
    d: &o11yc_alloy::Diagnostic,
    source: &str,
    text: &str,
) -> Diagnostic {
    let (line, col) = d.line_col(&o11yc_alloy::LineIndex::new(source), source);
    let mut out = error_at(
        root,
        path,
        format!("Alloy: {} (line {line}, column {col} {text})", d.message),
    );
    if let Some(help) = &d.help {
        out = out.help(help.clone());
    }
    out
}
