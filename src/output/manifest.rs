//! The list of files o11yc wrote into a profile's output directory.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use crate::render::RenderedTree;

/// File name of the manifest inside a profile's output directory.
pub const MANIFEST: &str = ".o11yc-manifest";

const HEADER: &str = "# Files written by o11yc; only these are pruned when no longer generated.\n";

/// The set of relative paths o11yc owns in one output directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    paths: BTreeSet<String>,
}

impl Manifest {
    /// The manifest of a rendered tree.
    pub fn of(tree: &RenderedTree) -> Self {
        Manifest {
            paths: tree.keys().cloned().collect(),
        }
    }

    /// Reads `dir/.o11yc-manifest`; empty when there is none.
    pub fn read(dir: &Path) -> io::Result<Self> {
        match std::fs::read_to_string(dir.join(MANIFEST)) {
            Ok(text) => Ok(Manifest::parse(&text)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(e) => Err(e),
        }
    }

    /// Parses a manifest's text (as read from another snapshot, such as the git index).
    pub fn parse(text: &str) -> Self {
        Manifest {
            paths: text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                // A manifest is ours, but never trust it to leave the directory.
                .filter(|l| is_safe_relative(l))
                .map(str::to_owned)
                .collect(),
        }
    }

    /// The manifest file's text.
    pub fn render(&self) -> String {
        let mut out = HEADER.to_owned();
        for path in &self.paths {
            out.push_str(path);
            out.push('\n');
        }
        out
    }

    /// Whether o11yc wrote `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    /// The owned paths.
    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.paths.iter()
    }

    /// Whether no path is owned.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

/// A relative path with no `..`, no root and no empty parts.
pub fn is_safe_relative(path: &str) -> bool {
    !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_manifest_entries_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(MANIFEST),
            "# c\na.yaml\n../escape\n/abs\nsub/b.yaml\nsub/../x\n",
        )
        .unwrap();
        let manifest = Manifest::read(dir.path()).unwrap();
        let paths: Vec<_> = manifest.paths().cloned().collect();
        assert_eq!(paths, vec!["a.yaml".to_owned(), "sub/b.yaml".to_owned()]);
    }
}
