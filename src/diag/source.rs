//! Source files and byte/line/column spans into them.

use std::path::{Path, PathBuf};

/// Identifies one file registered in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A region of a source file.
///
/// `start` / `end` are byte offsets (end exclusive); `line` and `col` describe `start`
/// (both 1-based, `col` counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// File the span points into.
    pub file: FileId,
    /// Start byte offset (inclusive).
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column of `start`, in characters.
    pub col: u32,
}

impl Span {
    /// Builds a span from byte offsets into `text`, computing line and column of `start`.
    ///
    /// Offsets are clamped to the text and to character boundaries, so this never panics.
    /// For many spans into one text, build a [`LineIndex`] once instead.
    pub fn from_offsets(file: FileId, text: &str, start: usize, end: usize) -> Span {
        LineIndex::new(text).span(file, text, start, end)
    }

    /// A zero-length span at the very beginning of `file` (line 1, column 1).
    pub fn file_start(file: FileId) -> Span {
        Span {
            file,
            start: 0,
            end: 0,
            line: 1,
            col: 1,
        }
    }
}

pub use o11yc_alloy::LineIndex;

/// Character-column [`Span`]s from the workspace's [`LineIndex`] (shared with the Alloy crate).
pub trait LineIndexExt {
    /// A span from byte offsets into `text` (the text this index was built from).
    /// Offsets are clamped to the text and to character boundaries, so this never panics.
    fn span(&self, file: FileId, text: &str, start: usize, end: usize) -> Span;
}

impl LineIndexExt for LineIndex {
    fn span(&self, file: FileId, text: &str, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(text, start.min(text.len()));
        let end = floor_char_boundary(text, end.clamp(start, text.len()));
        let (line, line_start) = self.line_of(start);
        let line_start = line_start.min(start);
        let col = text[line_start..start].chars().count() + 1;
        Span {
            file,
            start,
            end,
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: u32::try_from(col).unwrap_or(u32::MAX),
        }
    }
}

/// The largest character boundary of `text` at or before byte `i`.
pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

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

    /// Builds a [`Span`] from byte offsets into a registered file (through the file's line
    /// index, built once when it was added).
    pub fn span(&self, file: FileId, start: usize, end: usize) -> Span {
        match self.files.get(file.0 as usize) {
            Some((_, text, lines)) => lines.span(file, text, start, end),
            None => Span::from_offsets(file, "", start, end),
        }
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
    fn span_from_offsets_counts_lines_and_chars() {
        let text = "a: 1\nbé: x\n";
        let s = Span::from_offsets(FileId(0), text, 9, 10);
        assert_eq!((s.line, s.col), (2, 4));
        // Offset inside a multi-byte char and past the end are clamped.
        let s = Span::from_offsets(FileId(0), text, 7, 100);
        assert_eq!((s.start, s.end, s.line, s.col), (6, text.len(), 2, 2));
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
