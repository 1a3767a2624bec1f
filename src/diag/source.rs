//! Source files and byte/line/column spans into them.

use std::path::{Path, PathBuf};

pub use o11yc_alloy::diag::{FileId, LineIndex, Span, floor_char_boundary};

/// Owns the text of every loaded file, with its line index, so diagnostics can quote it.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<(PathBuf, String, LineIndex)>,
}

impl SourceMap {
    /// Creates an empty source map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a file and returns its id.
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        let lines = LineIndex::new(&text);
        self.files.push((path, text, lines));
        id
    }

    /// Path of a file as it was registered (`<unknown>` for an id not from this map).
    pub fn path(&self, file: FileId) -> &Path {
        self.files
            .get(file.0 as usize)
            .map_or(Path::new("<unknown>"), |(p, _, _)| p.as_path())
    }

    /// Text of a file (empty for an id not from this map).
    pub fn text(&self, file: FileId) -> &str {
        self.files
            .get(file.0 as usize)
            .map_or("", |(_, t, _)| t.as_str())
    }

    /// Builds a [`Span`] from byte offsets into a registered file, clamped to its text and
    /// to character boundaries (never panics).
    pub fn span(&self, file: FileId, start: usize, end: usize) -> Span {
        Span::clamped(file, self.text(file), start, end)
    }

    /// 1-based line and column (in characters) of byte `offset` of `file`, from the file's line
    /// index (built once when it was added).
    pub fn line_col_at(&self, file: FileId, offset: usize) -> (u32, u32) {
        match self.files.get(file.0 as usize) {
            Some((_, text, lines)) => lines.line_col(text, offset),
            None => (1, 1),
        }
    }

    /// 1-based line and column (in characters) where `span` starts.
    pub fn line_col(&self, span: Span) -> (u32, u32) {
        self.line_col_at(span.file, span.start as usize)
    }

    /// 1-based line and column (in characters) where `span` ends.
    pub fn end_line_col(&self, span: Span) -> (u32, u32) {
        self.line_col_at(span.file, span.end as usize)
    }

    /// Number of registered files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file has been registered.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_lines_and_chars_on_demand() {
        let text = "a: 1\nbé: x\n";
        let mut map = SourceMap::new();
        let f = map.add(PathBuf::from("a.yaml"), text.into());
        let s = map.span(f, 9, 10);
        assert_eq!(map.line_col(s), (2, 4));
        // Offset inside a multi-byte char and past the end are clamped.
        let s = map.span(f, 7, 100);
        assert_eq!((s.range(), map.line_col(s)), (6..text.len(), (2, 2)));
        assert_eq!(map.end_line_col(s), (3, 1));
        // A span of an unknown file never panics.
        assert_eq!(map.line_col(Span::new(FileId(7), 3, 4)), (1, 1));
    }

    #[test]
    fn source_map_roundtrip() {
        let mut map = SourceMap::new();
        let id = map.add(PathBuf::from("a.yaml"), "x: 1".into());
        assert_eq!(map.path(id), Path::new("a.yaml"));
        assert_eq!(map.text(id), "x: 1");
        assert_eq!(map.text(FileId(9)), "");
    }
}
