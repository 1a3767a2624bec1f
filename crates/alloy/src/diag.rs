//! Located diagnostics shared by the parser and the checker.

use std::fmt;

use crate::syntax::ast::Pos;

/// Byte offsets of line starts, mapping offsets to 1-based lines: the one line index of the
/// workspace (o11yc builds its character-column spans on it).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Index the line starts of `src`.
    pub fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`, and the byte offset where that line starts.
    pub fn line_of(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        (line, self.starts[line - 1])
    }

    /// Position of byte `offset` (column in bytes).
    pub fn pos(&self, offset: usize) -> Pos {
        let (line, start) = self.line_of(offset);
        Pos {
            offset,
            line,
            col: offset - start + 1,
        }
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

/// A message tied to a `line:col` position in a source file (1-based; a line
/// of 0 means the position is unknown, e.g. for nodes built in Rust code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in bytes.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// Optional hint, such as the nearest valid name.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `line:col`.
    pub fn error(line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            line,
            col,
            message: message.into(),
            help: None,
        }
    }

    /// A warning at `line:col`.
    pub fn warning(line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(line, col, message)
        }
    }

    /// Adds a `help:` hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders as `file:line:col: error: message`, followed by an indented
    /// `help: ...` line when a hint is present.
    pub fn render(&self, file_name: &str) -> String {
        let mut out = format!(
            "{file_name}:{}:{}: {}: {}",
            self.line, self.col, self.severity, self.message
        );
        if let Some(help) = &self.help {
            out.push_str("\n  help: ");
            out.push_str(help);
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.col, self.severity, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}
