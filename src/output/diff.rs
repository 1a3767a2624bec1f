//! Unified diffs between the output directory and what would be generated,
//! and reading the files o11yc wrote there for the semantic diff.

use std::path::Path;

use similar::{ChangeTag, TextDiff};

use super::scan::{join, read_regular, scan};
use super::{Manifest, OutputError};
use crate::render::RenderedTree;

/// The files o11yc wrote to `dir` (those in its manifest), read without
/// following links or special files. Empty when `dir` does not exist.
pub fn read_tree(dir: &Path) -> Result<RenderedTree, OutputError> {
    let Some(found) = scan(dir)? else {
        return Ok(RenderedTree::new());
    };
    let manifest = Manifest::read_scanned(dir, &found)?;
    let mut tree = RenderedTree::new();
    for path in manifest.paths() {
        if found.files.contains(path) {
            tree.insert(path.clone(), read_regular(&join(dir, path))?);
        }
    }
    Ok(tree)
}

/// Whether to colour a diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffStyle {
    /// Plain text.
    Plain,
    /// ANSI colours (for terminals).
    Color,
}

/// A unified diff of `old` → `new` with `git`-style headers (`a/...`, `b/...`).
/// `None` stands for a file that does not exist on that side.
pub fn unified_diff(path: &str, old: Option<&str>, new: Option<&str>, style: DiffStyle) -> String {
    let (a, b) = (
        old.map_or("/dev/null".to_owned(), |_| format!("a/{path}")),
        new.map_or("/dev/null".to_owned(), |_| format!("b/{path}")),
    );
    let (old, new) = (old.unwrap_or(""), new.unwrap_or(""));
    let diff = TextDiff::from_lines(old, new);
    let mut out = String::new();
    let paint = |text: &str, tag: Option<ChangeTag>| -> String {
        let color = match (style, tag) {
            (DiffStyle::Plain, _) | (_, Some(ChangeTag::Equal)) => None,
            (_, Some(ChangeTag::Delete)) => Some(anstyle::AnsiColor::Red),
            (_, Some(ChangeTag::Insert)) => Some(anstyle::AnsiColor::Green),
            (_, None) => Some(anstyle::AnsiColor::Cyan),
        };
        match color {
            Some(c) => {
                let s = anstyle::Style::new().fg_color(Some(c.into()));
                format!("{s}{text}{s:#}")
            }
            None => text.to_owned(),
        }
    };
    out.push_str(&paint(
        &format!("--- {a}\n+++ {b}\n"),
        Some(ChangeTag::Equal),
    ));
    for group in diff.grouped_ops(3) {
        let first = &group[0];
        let last = &group[group.len() - 1];
        let (old_start, old_end) = (first.old_range().start, last.old_range().end);
        let (new_start, new_end) = (first.new_range().start, last.new_range().end);
        out.push_str(&paint(
            &format!(
                "@@ -{} +{} @@\n",
                hunk_range(old_start, old_end - old_start),
                hunk_range(new_start, new_end - new_start)
            ),
            None,
        ));
        for op in &group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                let mut line = format!("{sign}{}", change.value());
                if !line.ends_with('\n') {
                    line.push_str("\n\\ No newline at end of file\n");
                }
                out.push_str(&paint(&line, Some(change.tag())));
            }
        }
    }
    out
}

fn hunk_range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_file_diff() {
        let d = unified_diff(
            "x.yaml",
            Some("a: 1\nb: 2\n"),
            Some("a: 1\nb: 3\n"),
            DiffStyle::Plain,
        );
        assert_eq!(
            d,
            "--- a/x.yaml\n+++ b/x.yaml\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n"
        );
    }

    #[test]
    fn added_and_removed_files_use_dev_null() {
        let added = unified_diff("n.yaml", None, Some("x\n"), DiffStyle::Plain);
        assert_eq!(added, "--- /dev/null\n+++ b/n.yaml\n@@ -0,0 +1 @@\n+x\n");
        let removed = unified_diff("o.yaml", Some("x\n"), None, DiffStyle::Plain);
        assert_eq!(removed, "--- a/o.yaml\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n");
    }

    #[test]
    fn colour_wraps_changed_lines_in_ansi_codes() {
        let d = unified_diff("x", Some("a\n"), Some("b\n"), DiffStyle::Color);
        assert!(d.contains("\u{1b}[31m-a\n"), "{d:?}");
        assert!(d.contains("\u{1b}[32m+b\n"), "{d:?}");
    }
}
