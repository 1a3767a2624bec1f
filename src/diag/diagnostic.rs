//! The [`Diagnostic`] data type and its builder methods.

use super::{SourceMap, Span};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The input is invalid; compilation cannot proceed.
    Error,
    /// Suspicious input that is still accepted.
    Warning,
}

impl Severity {
    /// Lower-case name used in rendered output (`error`, `warning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One message about the input, optionally located in a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code of the kind of problem (`o11yc explain CODE` explains it), e.g. `O11Y0010`.
    pub code: Option<&'static str>,
    /// One-line summary, e.g. ``unknown key `storge` in `loki` ``.
    pub message: String,
    /// Where the problem is.
    pub span: Option<Span>,
    /// Short text printed next to the carets (e.g. `unknown key`).
    pub label: Option<String>,
    /// Dotted path of the offending key, e.g. `loki.storage.size` or `alloy.sources[2].name`.
    pub key_path: Option<String>,
    /// What would have been valid here.
    pub expected: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// Additional context lines.
    pub notes: Vec<String>,
    /// A position inside the string value at `span` (embedded text such as `alloy.custom`),
    /// resolved to a real location in the YAML file by [`locate_embedded`](super::locate_embedded).
    pub(crate) embedded: Option<Embedded>,
}

/// A 1-based line and column (in bytes) inside a string value of the profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Embedded {
    /// 1-based line inside the string.
    pub line: u32,
    /// 1-based byte column inside that line.
    pub col: u32,
}

impl Diagnostic {
    /// A new error with the given message and nothing else.
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    /// A new warning with the given message and nothing else.
    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    /// A new diagnostic of the given severity.
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code: None,
            message: message.into(),
            span: None,
            label: None,
            key_path: None,
            expected: None,
            help: None,
            notes: Vec::new(),
            embedded: None,
        }
    }

    /// Sets the location.
    #[must_use]
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Sets the location if `span` is `Some`.
    #[must_use]
    pub fn at_opt(mut self, span: Option<Span>) -> Self {
        if span.is_some() {
            self.span = span;
        }
        self
    }

    /// Marks the diagnostic as being about `line:col` (byte column) inside the string value
    /// at its span; see [`Embedded`].
    #[must_use]
    pub(crate) fn embedded(mut self, line: u32, col: u32) -> Self {
        self.embedded = Some(Embedded { line, col });
        self
    }

    /// [`embedded`](Self::embedded) at byte `offset` of `text` (the string value at its span).
    #[must_use]
    pub(crate) fn embedded_at(self, text: &str, offset: usize) -> Self {
        let before = text.get(..offset).unwrap_or(text);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + 1;
        let col = before.len() - line_start + 1;
        self.embedded(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
    }

    /// Sets the stable code.
    #[must_use]
    pub fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// Sets the stable code unless one is already set.
    pub fn default_code(&mut self, code: &'static str) {
        self.code.get_or_insert(code);
    }

    /// `error` or `error[O11Y0010]`.
    pub fn heading(&self) -> String {
        match self.code {
            Some(code) => format!("{}[{code}]", self.severity.as_str()),
            None => self.severity.as_str().to_string(),
        }
    }

    /// Sets the caret label.
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the dotted key path.
    #[must_use]
    pub fn key_path(mut self, path: impl Into<String>) -> Self {
        self.key_path = Some(path.into());
        self
    }

    /// Sets what was expected.
    #[must_use]
    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// Sets the fix suggestion.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Appends a note.
    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Whether this is an error (as opposed to a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Compact single-line form: `profiles/dev.yaml:12:5: error: unknown key ...`.
    pub fn one_line(&self, sources: &SourceMap) -> String {
        let sev = self.severity.as_str();
        match self.span {
            Some(s) => {
                let (line, col) = sources.line_col(s);
                format!(
                    "{}:{line}:{col}: {sev}: {}",
                    sources.path(s.file).display(),
                    self.message
                )
            }
            None => format!("{sev}: {}", self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn one_line_with_and_without_span() {
        let mut map = SourceMap::new();
        let f = map.add(PathBuf::from("profiles/dev.yaml"), "a\n".repeat(20));
        let d = Diagnostic::error("unknown key `storge` in `loki`").at(map.span(f, 24, 30));
        assert_eq!(
            d.one_line(&map),
            "profiles/dev.yaml:13:1: error: unknown key `storge` in `loki`"
        );
        assert_eq!(Diagnostic::warning("w").one_line(&map), "warning: w");
    }
}
