//! Writing a rendered tree: everything is staged first, then moved into place,
//! so a failure part-way never leaves a half-written profile behind.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::manifest::{MANIFEST, Manifest};
use crate::render::RenderedTree;

const STAGING: &str = ".o11yc-staging";

/// Why a tree could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// A file o11yc would write exists but was not written by o11yc.
    NotOwned(PathBuf),
    /// The file system refused.
    Io(PathBuf, io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::NotOwned(path) => write!(
                f,
                "{} exists and was not written by o11yc; move it away or delete it, then build again",
                path.display()
            ),
            WriteError::Io(path, e) => write!(f, "cannot write {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for WriteError {}

fn io_at(path: &Path) -> impl Fn(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(path.to_owned(), e)
}

/// The paths whose content on disk differs from `tree`, reading each file once.
/// Refuses (before anything is written) when a differing file is not o11yc's.
fn outdated<'t>(
    dir: &Path,
    tree: &'t RenderedTree,
    manifest: &Manifest,
) -> Result<Vec<&'t String>, WriteError> {
    let mut out = Vec::new();
    for (path, bytes) in tree {
        let target = dir.join(path);
        match std::fs::read(&target) {
            Ok(existing) if existing == *bytes => continue,
            Ok(_) if !manifest.contains(path) => return Err(WriteError::NotOwned(target)),
            _ => out.push(path),
        }
    }
    Ok(out)
}

/// Writes `tree` into `dir`: stages every file, moves each into place, prunes
/// files o11yc wrote before that are no longer generated, and updates the manifest.
/// Returns the number of files whose content changed.
pub fn write_tree(dir: &Path, tree: &RenderedTree) -> Result<usize, WriteError> {
    std::fs::create_dir_all(dir).map_err(io_at(dir))?;
    let old = Manifest::read(dir).map_err(io_at(dir))?;
    let outdated = outdated(dir, tree, &old)?;

    let staging = dir.join(STAGING);
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io_at(&staging))?;
    }
    let new = Manifest::of(tree);
    let mut staged = Vec::new();
    for path in outdated {
        let target = dir.join(path);
        let temp = staging.join(path);
        if let Some(parent) = temp.parent() {
            std::fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        std::fs::write(&temp, &tree[path]).map_err(io_at(&temp))?;
        staged.push((temp, target));
    }
    let manifest_temp = staging.join(MANIFEST);
    std::fs::create_dir_all(&staging).map_err(io_at(&staging))?;
    std::fs::write(&manifest_temp, new.render()).map_err(io_at(&manifest_temp))?;

    let changed = staged.len();
    for (temp, target) in staged {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        std::fs::rename(&temp, &target).map_err(io_at(&target))?;
    }
    let mut pruned = 0;
    for path in old.paths().filter(|p| !new.contains(p)) {
        let target = dir.join(path);
        match std::fs::remove_file(&target) {
            Ok(()) => {
                pruned += 1;
                remove_empty_parents(dir, &target);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(WriteError::Io(target, e)),
        }
    }
    let manifest = dir.join(MANIFEST);
    std::fs::rename(&manifest_temp, &manifest).map_err(io_at(&manifest))?;
    std::fs::remove_dir_all(&staging).map_err(io_at(&staging))?;
    Ok(changed + pruned)
}

/// Removes directories left empty by pruning, up to (not including) `root`.
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut current = file.parent();
    while let Some(dir) = current {
        if dir == root || std::fs::remove_dir(dir).is_err() {
            break;
        }
        current = dir.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> RenderedTree {
        files
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn writes_files_and_a_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let n = write_tree(
            dir.path(),
            &tree(&[("a.yaml", "a\n"), ("sub/b.yaml", "b\n")]),
        )
        .unwrap();
        assert_eq!(n, 2);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("sub/b.yaml")).unwrap(),
            "b\n"
        );
        let manifest = Manifest::read(dir.path()).unwrap();
        assert!(manifest.contains("a.yaml") && manifest.contains("sub/b.yaml"));
        assert!(!dir.path().join(STAGING).exists());
        // Writing the same tree again changes nothing.
        assert_eq!(
            write_tree(
                dir.path(),
                &tree(&[("a.yaml", "a\n"), ("sub/b.yaml", "b\n")])
            )
            .unwrap(),
            0
        );
    }

    #[test]
    fn prunes_only_files_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        write_tree(
            dir.path(),
            &tree(&[("a.yaml", "a\n"), ("old/b.yaml", "b\n")]),
        )
        .unwrap();
        std::fs::write(dir.path().join("mine.txt"), "user file").unwrap();
        write_tree(dir.path(), &tree(&[("a.yaml", "a2\n")])).unwrap();
        assert!(!dir.path().join("old/b.yaml").exists());
        assert!(
            !dir.path().join("old").exists(),
            "emptied directory is removed"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("mine.txt")).unwrap(),
            "user file"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.yaml")).unwrap(),
            "a2\n"
        );
    }

    #[test]
    fn refuses_to_overwrite_a_file_it_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), "hand written").unwrap();
        let err =
            write_tree(dir.path(), &tree(&[("a.yaml", "a\n"), ("b.yaml", "b\n")])).unwrap_err();
        assert!(matches!(err, WriteError::NotOwned(_)), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.yaml")).unwrap(),
            "hand written"
        );
        assert!(
            !dir.path().join("b.yaml").exists(),
            "nothing written on refusal"
        );
    }
}
