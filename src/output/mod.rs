//! The output directory: write atomically, check freshness, diff.
//!
//! o11yc records the files it wrote for a profile in `.o11yc-manifest` inside the
//! profile's output directory. Only files listed there are ever replaced or
//! pruned; a file that o11yc did not write is kept as it is, and a symlink,
//! FIFO or device anywhere in the directory is refused, never followed.

mod diff;
mod lock;
mod manifest;
mod scan;
mod swap;
mod write;

pub use diff::{DiffStyle, read_tree, unified_diff};
pub use lock::OutLock;
pub use manifest::{MANIFEST, Manifest};
pub use scan::read_regular;
pub use write::write_tree;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::RenderedTree;
use scan::{join, same_content, scan};

/// Why an output directory could not be read or written.
#[derive(Debug)]
pub enum OutputError {
    /// A file o11yc would write exists with other content but was not written by o11yc.
    NotOwned(PathBuf),
    /// A symlink, FIFO, socket or device o11yc will not follow or read.
    Foreign(PathBuf, &'static str),
    /// A directory where o11yc writes a file, or a file where it needs a directory.
    Conflict(PathBuf, &'static str),
    /// Another o11yc holds the output directory's lock.
    Locked(PathBuf, std::time::Duration),
    /// The file system refused.
    Io(PathBuf, io::Error),
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::NotOwned(path) => write!(
                f,
                "{} exists and was not written by o11yc; move it away or delete it, then build again",
                path.display()
            ),
            OutputError::Foreign(path, kind) => write!(
                f,
                "{} is a {kind}; o11yc never reads, writes or deletes through links or special files \
                 in its output; replace it with a regular file or directory, or remove it",
                path.display()
            ),
            OutputError::Conflict(path, what) => write!(
                f,
                "{} {what}; move it away, then build again",
                path.display()
            ),
            OutputError::Locked(path, waited) => write!(
                f,
                "another o11yc is still writing {} after {}s; try again when it has finished",
                path.display(),
                waited.as_secs()
            ),
            OutputError::Io(path, e) => write!(f, "{}: {e}", path.display()),
        }
    }
}

impl std::error::Error for OutputError {}

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

/// Compares a rendered tree with the directory `dir`, reading only regular
/// files and refusing symlinks and special files anywhere in it.
pub fn compare(dir: &Path, tree: &RenderedTree) -> Result<Vec<Change>, OutputError> {
    let Some(found) = scan(dir)? else {
        return Ok(tree.keys().map(|p| Change::Added(p.clone())).collect());
    };
    let manifest = Manifest::read_scanned(dir, &found)?;
    kept(dir, tree, &found, &manifest)?;
    let mut changes = Vec::new();
    for (path, bytes) in tree {
        if !found.files.contains(path) {
            changes.push(Change::Added(path.clone()));
        } else if !same_content(&join(dir, path), bytes)? {
            changes.push(Change::Modified(path.clone()));
        }
    }
    for path in manifest.paths() {
        if !tree.contains_key(path) && found.files.contains(path) {
            changes.push(Change::Removed(path.clone()));
        }
    }
    Ok(finish(changes, &manifest, tree))
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
    Ok(finish(changes, &manifest, tree))
}

/// The changes sorted by path, with the manifest itself when only it differs.
fn finish(mut changes: Vec<Change>, manifest: &Manifest, tree: &RenderedTree) -> Vec<Change> {
    if changes.is_empty() && manifest.render() != Manifest::of(tree).render() {
        changes.push(if manifest.is_empty() {
            Change::Added(MANIFEST.to_owned())
        } else {
            Change::Modified(MANIFEST.to_owned())
        });
    }
    changes.sort_by(|a, b| a.path().cmp(b.path()));
    changes
}

/// What a build keeps from the old tree: files o11yc did not write, and empty
/// directories (which o11yc never leaves behind).
struct Kept {
    carried: Vec<String>,
    empty_dirs: Vec<String>,
}

/// What a build of `tree` would keep from the tree `found` in `dir`, or why it
/// cannot: a kept file or directory is where a generated file goes, or a kept
/// file is where a generated file needs a directory. A file in the old
/// manifest `old` is not kept, so it never stands in the way.
fn kept(
    dir: &Path,
    tree: &RenderedTree,
    found: &scan::Scan,
    old: &Manifest,
) -> Result<Kept, OutputError> {
    let carried: Vec<String> = found
        .files
        .iter()
        .filter(|p| !tree.contains_key(*p) && !old.contains(p) && p.as_str() != MANIFEST)
        .cloned()
        .collect();
    let empty_dirs: Vec<String> = found
        .dirs
        .iter()
        .filter(|d| {
            let prefix = format!("{d}/");
            !found
                .files
                .iter()
                .chain(&found.dirs)
                .any(|p| p.starts_with(&prefix))
        })
        .cloned()
        .collect();
    for path in tree.keys() {
        let prefix = format!("{path}/");
        if let Some(k) = carried
            .iter()
            .chain(&empty_dirs)
            .find(|k| *k == path || k.starts_with(&prefix))
        {
            return Err(OutputError::Conflict(
                join(dir, path),
                if k == path {
                    "is an empty directory where o11yc writes a file"
                } else {
                    "is a directory holding files o11yc did not write, where o11yc writes a file"
                },
            ));
        }
        if let Some(file) = found.file_ancestor(path).filter(|f| !old.contains(f)) {
            return Err(OutputError::Conflict(
                join(dir, file),
                "is a file o11yc did not write, where o11yc needs a directory",
            ));
        }
    }
    Ok(Kept {
        carried,
        empty_dirs,
    })
}
