//! The located YAML tree.

use indexmap::IndexMap;

use crate::diag::Span;

/// A value together with the span of source text it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

/// A YAML value (YAML 1.2 core schema typing for plain scalars).
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// A floating-point number (also integers too large for `i64`).
    Float(f64),
    /// A string (every quoted or block scalar, and plain scalars that are nothing else).
    Str(String),
    /// A sequence.
    Seq(Vec<Located<Node>>),
    /// A mapping with string keys, in source order.
    Map(IndexMap<String, Entry>),
}

/// A mapping entry: the span of its key and its located value.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Span of the key text.
    pub key_span: Span,
    /// The value.
    pub value: Located<Node>,
}

impl Node {
    /// Describes the kind of node with an article, for messages: `a mapping`, `an integer`, ...
    pub fn describe(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Int(_) => "an integer",
            Node::Float(_) => "a float",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a sequence",
            Node::Map(_) => "a mapping",
        }
    }

    /// The entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&IndexMap<String, Entry>> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Number of nodes in this tree (including itself).
    pub fn size(&self) -> usize {
        match self {
            Node::Seq(items) => 1 + items.iter().map(|i| i.value.size()).sum::<usize>(),
            Node::Map(m) => 1 + m.values().map(|e| e.value.value.size()).sum::<usize>(),
            _ => 1,
        }
    }
}

impl Node {
    /// Bytes of the keys and string scalars in this tree.
    pub fn text_bytes(&self) -> usize {
        match self {
            Node::Seq(items) => items.iter().map(|i| i.value.text_bytes()).sum(),
            Node::Map(m) => m
                .iter()
                .map(|(k, e)| k.len() + e.value.value.text_bytes())
                .sum(),
            Node::Str(s) => s.len(),
            _ => 0,
        }
    }
}

impl Located<Node> {
    /// The value of `key` if this node is a mapping containing it.
    pub fn get(&self, key: &str) -> Option<&Located<Node>> {
        self.entry(key).map(|e| &e.value)
    }

    /// The mapping entry for `key` (key span and value).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.value.as_map()?.get(key)
    }

    /// Follows a path of keys through nested mappings.
    pub fn get_path(&self, path: &[&str]) -> Option<&Located<Node>> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// Span of the last key of `path` (for pointing at keys rather than values). For tests.
    #[cfg(test)]
    pub fn key_span(&self, path: &[&str]) -> Option<Span> {
        let (last, parent) = path.split_last()?;
        self.get_path(parent)?.entry(last).map(|e| e.key_span)
    }
}
