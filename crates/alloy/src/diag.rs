//! Located diagnostics shared by the parser and the checker, and the one line index of the
//! workspace.
//!
//! A [`Diagnostic`] holds a [`Span`] of byte offsets; its line and column are computed on
//! demand from a [`LineIndex`] (columns in characters), so the tree and the diagnostics stay
//! compact. [`Span`] is the one span type of the workspace: o11yc's profile diagnostics use
//! it too. o11yc renders these diagnostics with its rustc-style renderer and a stable code
//! per [`Kind`].

use std::fmt;
use std::ops::Range;

use crate::syntax::ast::Pos;

/// The largest source the workspace reads: offsets are `u32`, so a longer text could not be
/// located without wrapping. Readers refuse larger files before parsing them.
pub const MAX_SOURCE_BYTES: u64 = u32::MAX as u64;

/// Identifies one source file: an index into o11yc's source map (a lone Alloy file checked
/// on its own is `FileId(0)`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A region of a source file: the one span type of the workspace (12 bytes).
///
/// `start` / `end` are byte offsets (end exclusive). Line and column are not stored: they are
/// computed on demand from the file's [`LineIndex`] ([`LineIndex::line_col`], columns in
/// characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// File the span points into.
    pub file: FileId,
    /// Start byte offset (inclusive).
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
}

impl Span {
    /// A span from `usize` byte offsets (`end` raised to `start` if below it). Offsets beyond
    /// `u32` saturate; readers refuse sources over [`MAX_SOURCE_BYTES`], so none occur.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: to_u32(start),
            end: to_u32(end.max(start)),
        }
    }

    /// `start..end` of `src` (the text of `file`) clamped to the text and to character
    /// boundaries. Never panics.
    pub fn clamped(file: FileId, src: &str, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(src, start);
        let end = floor_char_boundary(src, end.max(start));
        Span::new(file, start, end)
    }

    /// A zero-length span at the very beginning of `file` (line 1, column 1).
    pub fn file_start(file: FileId) -> Span {
        Span {
            file,
            start: 0,
            end: 0,
        }
    }

    /// 1-based line and column (in characters) of the start in `src`, the text of its file.
    /// Builds a line index each call: for a one-off lookup (o11yc's source map keeps one
    /// index per file).
    pub fn line_col_in(&self, src: &str) -> (u32, u32) {
        LineIndex::new(src).line_col(src, self.start as usize)
    }

    /// The byte range, for slicing the source.
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

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
        let offset = floor_char_boundary(src, offset);
        let (line, start) = self.line_of(offset);
        let start = start.min(offset);
        let col = src[start..offset].chars().count() + 1;
        (to_u32(line), to_u32(col))
    }
}

/// The largest character boundary of `text` at or before byte `i` (`text.len()` when past it).
pub fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
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

/// A message tied to a place in the checked source (`None` for nodes built in Rust code,
/// which have no place).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The kind of problem.
    pub kind: Kind,
    /// Where the problem starts, a zero-length span in `FileId(0)` (the checked source).
    pub span: Option<Span>,
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
            span: pos
                .is_known()
                .then(|| Span::new(FileId(0), pos.index(), pos.index())),
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

    /// Byte offset of the start (0 when unknown; for sorting and slicing).
    pub fn offset(&self) -> usize {
        self.span.map_or(0, |s| s.start as usize)
    }

    /// 1-based line and character column of the start in `src` (`(0, 0)` when unknown).
    pub fn line_col(&self, lines: &LineIndex, src: &str) -> (u32, u32) {
        match self.span {
            Some(s) => lines.line_col(src, s.start as usize),
            None => (0, 0),
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
