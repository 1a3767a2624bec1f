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
