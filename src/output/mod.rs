//! The output directory: write atomically, check freshness, diff.
//!
//! o11yc records the files it wrote for a profile in `.o11yc-manifest` inside the
//! profile's output directory. Only files listed there are ever pruned; a file
//! that o11yc did not write is never deleted or overwritten.

mod diff;
mod manifest;
mod write;

pub use diff::{DiffStyle, unified_diff};
pub use manifest::{MANIFEST, Manifest};
pub use write::{WriteError, write_tree};

use std::path::Path;

use crate::render::RenderedTree;

/// How a file on disk compares with what o11yc would generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Would be created.
    Added(String),
    /// Exists with other content.
    Modified(String),
    /// Written by o11yc before, no longer generated: would be removed.
    Removed(String),
}

impl Change {
    /// The relative path the change is about.
    pub fn path(&self) -> &str {
        match self {
            Change::Added(p) | Change::Modified(p) | Change::Removed(p) => p,
        }
    }
}

/// Compares a rendered tree with the directory `dir`.
pub fn compare(dir: &Path, tree: &RenderedTree) -> std::io::Result<Vec<Change>> {
    compare_with(tree, &|path| match std::fs::read(dir.join(path)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    })
}

/// [`compare`] against another snapshot of the output directory (such as the git index):
/// `read(relative path)` returns a file's bytes, `None` when the snapshot has no such file.
pub fn compare_with(
    tree: &RenderedTree,
    read: &dyn Fn(&str) -> std::io::Result<Option<Vec<u8>>>,
) -> std::io::Result<Vec<Change>> {
    let manifest = match read(MANIFEST)? {
        Some(bytes) => Manifest::parse(&String::from_utf8_lossy(&bytes)),
        None => Manifest::default(),
    };
    let mut changes = Vec::new();
    for (path, bytes) in tree {
        match read(path)? {
            Some(existing) if existing == *bytes => {}
            Some(_) => changes.push(Change::Modified(path.clone())),
            None => changes.push(Change::Added(path.clone())),
        }
    }
    for path in manifest.paths() {
        if !tree.contains_key(path) && read(path)?.is_some() {
            changes.push(Change::Removed(path.clone()));
        }
    }
    let expected_manifest = Manifest::of(tree).render();
    if changes.is_empty() && manifest.render() != expected_manifest {
        changes.push(if manifest.is_empty() {
            Change::Added(MANIFEST.to_owned())
        } else {
            Change::Modified(MANIFEST.to_owned())
        });
    }
    changes.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(changes)
}
