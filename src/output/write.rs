//! Writing a rendered tree so that `OUT/<profile>` is always either the complete
//! old tree or the complete new one.
//!
//! The new tree is built beside the old one, in `OUT/.o11yc-<profile>.new`
//! (same file system): every generated file, the manifest, and a hard link (or
//! copy) of each file o11yc did not write, so those are kept. Then the two
//! directories are exchanged in one `renameat2(RENAME_EXCHANGE)` and the old
//! tree, now in the staging path, is deleted. Where exchange is unsupported,
//! the old tree is first renamed to `OUT/.o11yc-<profile>.old`; a run that finds
//! `OUT/<profile>` missing and `.old` present puts it back. Leftovers of an
//! interrupted run are removed before anything else. Callers hold [`OutLock`](super::OutLock).

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::manifest::{MANIFEST, Manifest};
use super::scan::{Scan, join, same_content, scan};
use super::swap::exchange;
use super::{Kept, OutputError, kept};
use crate::render::RenderedTree;

/// Where [`write_tree`] reports progress to tests (failure and crash injection).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// A generated file was written into the staging directory.
    Staged,
    /// Fallback only: the old tree was renamed to `.old`, the new one not yet in place.
    Retired,
    /// The new tree is in place; the old one is about to be deleted.
    Swapped,
}

/// Test hooks: called at each [`Step`]; an error at `Staged` is handled as a
/// failed write. `no_exchange` forces the two-rename fallback.
pub(super) struct Hooks<'a> {
    pub step: &'a mut dyn FnMut(Step) -> io::Result<()>,
    pub no_exchange: bool,
}

/// What a build changes in one output directory.
struct Plan {
    /// Generated files created or replaced, plus owned files pruned.
    changed: usize,
    /// Whether the manifest on disk is already the new one.
    manifest_current: bool,
    /// Files o11yc did not write, kept in the new tree.
    carried: Vec<String>,
    /// Empty directories o11yc did not create, kept in the new tree.
    empty_dirs: Vec<String>,
    /// Generated files already on disk with the new content: staged as hard links
    /// to the old files, so an unchanged file costs no data written or freed.
    unchanged: HashSet<String>,
}

/// Writes `tree` into `dir` (`OUT/<profile>`) as described in the module docs.
/// Returns the number of files created, replaced or pruned; 0 means `dir` was
/// already up to date and nothing was written.
pub fn write_tree(dir: &Path, tree: &RenderedTree) -> Result<usize, OutputError> {
    write_tree_with(
        dir,
        tree,
        Hooks {
            step: &mut |_| Ok(()),
            no_exchange: false,
        },
    )
}

pub(super) fn write_tree_with(
    dir: &Path,
    tree: &RenderedTree,
    hooks: Hooks<'_>,
) -> Result<usize, OutputError> {
    let (out, name) = split(dir)?;
    if std::fs::symlink_metadata(&out).is_err() {
        std::fs::create_dir_all(&out).map_err(io_at(&out))?;
    }
    let staging = out.join(format!(".o11yc-{name}.new"));
    let retired = out.join(format!(".o11yc-{name}.old"));
    recover(dir, &staging, &retired)?;

    let found = scan(dir)?;
    let plan = plan(dir, tree, found.as_ref())?;
    if found.is_some() && plan.changed == 0 && plan.manifest_current {
        return Ok(0);
    }
    if let Err(e) = stage(dir, &staging, tree, &plan, hooks.step) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if found.is_none() {
        std::fs::rename(&staging, dir).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staging);
            OutputError::Io(dir.to_owned(), e)
        })?;
        (hooks.step)(Step::Swapped).ok();
        return Ok(plan.changed);
    }
    let exchanged = if hooks.no_exchange {
        Err(io::Error::from(io::ErrorKind::Unsupported))
    } else {
        exchange(&staging, dir)
    };
    match exchanged {
        Ok(()) => {
            (hooks.step)(Step::Swapped).ok();
            // `staging` now holds the old tree; a leftover is removed by the next run.
            let _ = std::fs::remove_dir_all(&staging);
        }
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {
            std::fs::rename(dir, &retired).map_err(|e| {
                let _ = std::fs::remove_dir_all(&staging);
                OutputError::Io(dir.to_owned(), e)
            })?;
            (hooks.step)(Step::Retired).ok();
            if let Err(e) = std::fs::rename(&staging, dir) {
                let _ = std::fs::rename(&retired, dir);
                let _ = std::fs::remove_dir_all(&staging);
                return Err(OutputError::Io(dir.to_owned(), e));
            }
            (hooks.step)(Step::Swapped).ok();
            let _ = std::fs::remove_dir_all(&retired);
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(OutputError::Io(dir.to_owned(), e));
        }
    }
    Ok(plan.changed)
}

fn io_at(path: &Path) -> impl Fn(io::Error) -> OutputError + '_ {
    move |e| OutputError::Io(path.to_owned(), e)
}

/// `OUT` and the profile's name from `OUT/<profile>`.
fn split(dir: &Path) -> Result<(PathBuf, String), OutputError> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            OutputError::Io(
                dir.to_owned(),
                io::Error::other("not a profile output directory"),
            )
        })?;
    let out = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    Ok((out, name))
}

/// Removes what an interrupted run left: puts a retired old tree back when the
/// profile directory is missing, then deletes staging and retired trees.
fn recover(dir: &Path, staging: &Path, retired: &Path) -> Result<(), OutputError> {
    let exists = |p: &Path| std::fs::symlink_metadata(p).ok();
    if exists(dir).is_none() && exists(retired).is_some_and(|m| m.is_dir()) {
        std::fs::rename(retired, dir).map_err(io_at(dir))?;
    }
    for leftover in [staging, retired] {
        match exists(leftover) {
            // `remove_dir_all` never follows symlinks inside the tree.
            Some(m) if m.is_dir() => std::fs::remove_dir_all(leftover),
            Some(_) => std::fs::remove_file(leftover),
            None => Ok(()),
        }
        .map_err(io_at(leftover))?;
    }
    Ok(())
}

/// Decides what the new tree holds and refuses, before anything is written,
/// when it would overwrite or displace a file o11yc did not write.
fn plan(dir: &Path, tree: &RenderedTree, found: Option<&Scan>) -> Result<Plan, OutputError> {
    let Some(found) = found else {
        return Ok(Plan {
            changed: tree.len(),
            manifest_current: false,
            carried: Vec::new(),
            empty_dirs: Vec::new(),
            unchanged: HashSet::new(),
        });
    };
    let old = Manifest::read_scanned(dir, found)?;
    let Kept {
        carried,
        empty_dirs,
    } = kept(dir, tree, found, &old)?;
    let mut changed = 0;
    let mut unchanged = HashSet::new();
    for (path, bytes) in tree {
        if found.files.contains(path) {
            if same_content(&join(dir, path), bytes)? {
                unchanged.insert(path.clone());
                continue;
            }
            if !old.contains(path) {
                return Err(OutputError::NotOwned(join(dir, path)));
            }
        }
        changed += 1;
    }
    changed += old
        .paths()
        .filter(|p| !tree.contains_key(*p) && found.files.contains(*p))
        .count();
    let manifest_current = found.files.contains(MANIFEST)
        && same_content(&dir.join(MANIFEST), Manifest::of(tree).render().as_bytes())?;
    Ok(Plan {
        changed,
        manifest_current,
        carried,
        empty_dirs,
        unchanged,
    })
}

/// Builds the complete new tree in `staging`.
fn stage(
    dir: &Path,
    staging: &Path,
    tree: &RenderedTree,
    plan: &Plan,
    step: &mut dyn FnMut(Step) -> io::Result<()>,
) -> Result<(), OutputError> {
    std::fs::create_dir(staging).map_err(io_at(staging))?;
    let mut dirs = Dirs::default();
    for (path, bytes) in tree {
        let target = join(staging, path);
        dirs.create_parent(&target)?;
        // An unchanged file is linked; should linking fail, it is written like the others.
        let linked =
            plan.unchanged.contains(path) && std::fs::hard_link(join(dir, path), &target).is_ok();
        if !linked {
            write_new(&target, bytes).map_err(io_at(&target))?;
        }
        step(Step::Staged).map_err(io_at(&target))?;
    }
    for path in &plan.carried {
        let (from, to) = (join(dir, path), join(staging, path));
        dirs.create_parent(&to)?;
        if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to).map_err(io_at(&to))?;
        }
    }
    for path in &plan.empty_dirs {
        let target = join(staging, path);
        std::fs::create_dir_all(&target).map_err(io_at(&target))?;
    }
    let manifest = staging.join(MANIFEST);
    write_new(&manifest, Manifest::of(tree).render().as_bytes()).map_err(io_at(&manifest))?;
    Ok(())
}

/// The directories created in the staging tree so far, so each is created once
/// rather than asked for again for every file in it.
#[derive(Default)]
struct Dirs(HashSet<PathBuf>);

impl Dirs {
    fn create_parent(&mut self, path: &Path) -> Result<(), OutputError> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        if !self.0.contains(parent) {
            std::fs::create_dir_all(parent).map_err(io_at(parent))?;
            self.0.insert(parent.to_owned());
        }
        Ok(())
    }
}

/// Writes a new file (never an existing one) and flushes it to the kernel.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
