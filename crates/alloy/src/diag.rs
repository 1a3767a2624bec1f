//! Located diagnostics shared by the parser and the checker, and the one line index of the
//! workspace.
//!
//! A [`Diagnostic`] holds a [`Span`] of byte offsets; its line and column are computed on
//! demand from a [`LineIndex`] (columns in characters), so the tree and the diagnostics stay
//! compact. o11yc renders these diagnostics with its rustc-style renderer and a stable code
//! per [`Kind`].

use std::fmt;

use crate::syntax::ast::{Pos, Span};

/// Byte offsets of line starts, mapping offsets to 1-based lines and character columns: the
/// one line index of the workspace (o11yc builds its spans on it too).
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

/// `usize` to `u32`, saturating (sources are limited far below 4 GiB).
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl LineIndex {
    /// Index the line starts of `src`.
    pub fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| to_u32(i + 1)),
        );
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`, and the byte offset where that line starts.
    pub fn line_of(&self, offset: usize) -> (usize, usize) {
        let offset = to_u32(offset);
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        (
            line,
            self.starts.get(line - 1).copied().unwrap_or(0) as usize,
        )
    }

    /// The tree position of byte `offset`.
    pub fn pos(&self, offset: usize) -> Pos {
        let (line, _) = self.line_of(offset);
        Pos {
            offset: to_u32(offset),
            line: to_u32(line),
        }
    }

    /// The 1-based line and column of byte `offset` of `src` (the text this index was built
    /// from), the column counted in characters. Offsets past the end or inside a character
    /// are clamped, so this never panics.
    pub fn line_col(&self, src: &str, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        let (line, start) = self.line_of(offset);
        let start = start.min(offset);
        let col = src[start..offset].chars().count() + 1;
        (to_u32(line), to_u32(col))
    }
}

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The file is invalid (parse error) or would be rejected by Alloy.
    Error,
    /// Suspicious but accepted (for example a label with unbounded values).
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// The kind of problem, stable across rewordings of the message: o11yc gives each kind its
/// own diagnostic code (`o11yc explain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The text does not lex or parse.
    Syntax,
    /// An unknown component, block, attribute, argument or function.
    Unknown,
    /// A required attribute, block or argument is missing.
    Missing,
    /// A label where none is allowed, or none where one is needed.
    Label,
    /// Something given twice: a component, a block, an attribute.
    Duplicate,
    /// A reference to an undeclared component or a missing export.
    Reference,
    /// Components that reference each other in a cycle.
    Cycle,
    /// A value of the wrong kind or a receiver of the wrong signal.
    Type,
    /// Below the stability level, or a community component without the flag.
    Stability,
    /// `fmt` cannot format the file without moving a comment.
    Format,
    /// More Loki labels than the limit allows.
    LabelBudget,
    /// A Loki label with unbounded values.
    UnboundedLabel,
}

/// A message tied to a span of a source file (byte offsets; a span with an unknown start
/// has no place, e.g. for nodes built in Rust code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The kind of problem.
    pub kind: Kind,
    /// Where: from the first to the last character.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// Optional hint, such as the nearest valid name.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error of `kind` at `pos`.
    pub fn error(kind: Kind, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            kind,
            span: Span::new(pos, pos),
            message: message.into(),
            help: None,
        }
    }

    /// A warning of `kind` at `pos`.
    pub fn warning(kind: Kind, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(kind, pos, message)
        }
    }

    /// Sets the span (from its first to its last character).
    #[must_use]
    pub fn with_span(mut self, span: Span) -> Self {
        self.span = span;
        self
    }

    /// Adds a `help:` hint.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line of the start (0 when unknown).
    pub fn line(&self) -> u32 {
        self.span.start.line
    }

    /// Byte offset of the start (for sorting and slicing).
    pub fn offset(&self) -> usize {
        self.span.start.index()
    }

    /// 1-based line and character column of the start in `src` (`(0, 0)` when unknown).
    pub fn line_col(&self, lines: &LineIndex, src: &str) -> (u32, u32) {
        if self.span.start.is_known() {
            lines.line_col(src, self.offset())
        } else {
            (0, 0)
        }
    }

    /// Renders as `file:line:col: error: message` (character column) with an indented
    /// `help: ...` line when a hint is present: the short form for tests and logs (o11yc
    /// prints the rustc-style form).
    pub fn render(&self, file_name: &str, src: &str) -> String {
        let (line, col) = self.line_col(&LineIndex::new(src), src);
        let mut out = format!(
            "{file_name}:{line}:{col}: {}: {}",
            self.severity, self.message
        );
        if let Some(help) = &self.help {
            out.push_str("\n  help: ");
            out.push_str(help);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_clamps() {
        let src = "a\nxé = 1\n";
        let lines = LineIndex::new(src);
        // `=` is byte 6 (é is two bytes) but character column 4.
        assert_eq!(lines.line_col(src, 6), (2, 4));
        assert_eq!(lines.line_col(src, 0), (1, 1));
        // Inside é: clamped to its start.
        assert_eq!(lines.line_col(src, 4), (2, 2));
        assert_eq!(lines.line_col(src, 999), (3, 1));
        assert_eq!(lines.pos(6).line, 2);
    }
}
