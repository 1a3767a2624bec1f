//! Reading files from the git index (the staging area) through git plumbing, for
//! `o11yc check --staged`: what `git commit` would record, not the working tree.
//!
//! `git ls-files -s -z` lists the staged entries and `git cat-file --batch` reads their
//! blobs. Both run from the repository's top level and inherit the environment, so a
//! hook run by `git commit <paths>` (which sets `GIT_INDEX_FILE` to a temporary index)
//! sees exactly the tree being committed.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use crate::load::ProfileFiles;

/// Git's mode for a symbolic link; its blob is the link target, not file content.
const MODE_SYMLINK: &str = "120000";

/// One staged file.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    mode: String,
    oid: String,
}

/// A snapshot of the git index of the repository containing the working directory.
#[derive(Debug)]
pub struct GitIndex {
    /// The repository's top level (canonical).
    root: PathBuf,
    /// The working directory (canonical); relative paths are resolved against it.
    cwd: PathBuf,
    /// Staged files by repository-relative path (`/`-separated).
    entries: BTreeMap<String, Entry>,
    /// Blobs already read, by object id.
    blobs: RefCell<HashMap<String, Vec<u8>>>,
}

/// Runs `git` with `args` in `dir`; its stdout, or a message naming the command.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `git {}`: {e}", args.join(" ")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            stderr.trim()
        ));
    }
    Ok(out.stdout)
}

/// Parses `git ls-files -s -z` output: `<mode> <oid> <stage>\t<path>\0` per entry.
/// Paths with unmerged (conflicted) entries are returned in the second list.
fn parse_ls_files(out: &[u8]) -> Result<(BTreeMap<String, Entry>, Vec<String>), String> {
    let mut entries = BTreeMap::new();
    let mut conflicted = Vec::new();
    for record in out.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let record = std::str::from_utf8(record)
            .map_err(|_| "`git ls-files` listed a path that is not UTF-8".to_owned())?;
        let bad = || format!("unexpected `git ls-files -s` line: {record:?}");
        let (meta, path) = record.split_once('\t').ok_or_else(bad)?;
        let mut fields = meta.split(' ');
        let (Some(mode), Some(oid), Some(stage), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(bad());
        };
        if stage != "0" {
            if !conflicted.iter().any(|c| c == path) {
                conflicted.push(path.to_owned());
            }
            continue;
        }
        entries.insert(
            path.to_owned(),
            Entry {
                mode: mode.to_owned(),
                oid: oid.to_owned(),
            },
        );
    }
    Ok((entries, conflicted))
}

/// Parses `git cat-file --batch` output for the requested `oids`, in order:
/// `<oid> <type> <size>\n<content>\n` per object, or `<oid> missing\n`.
fn parse_batch(out: &[u8], oids: &[&str]) -> Result<Vec<Vec<u8>>, String> {
    let mut rest = out;
    let mut blobs = Vec::with_capacity(oids.len());
    for oid in oids {
        let newline = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or("`git cat-file --batch` output ended early")?;
        let header = String::from_utf8_lossy(&rest[..newline]).into_owned();
        rest = &rest[newline + 1..];
        let fields: Vec<&str> = header.split(' ').collect();
        let size: usize = match fields.as_slice() {
            [id, "blob", size] if id == oid => size
                .parse()
                .map_err(|_| format!("bad `git cat-file` header {header:?}"))?,
            _ => return Err(format!("cannot read staged object {oid}: {header}")),
        };
        if rest.len() < size + 1 {
            return Err("`git cat-file --batch` output ended early".to_owned());
        }
        blobs.push(rest[..size].to_vec());
        rest = &rest[size + 1..];
    }
    Ok(blobs)
}

/// Resolves `.` and `..` without touching the file system (the path may not exist on disk).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl GitIndex {
    /// Reads the index of the repository containing the working directory.
    ///
    /// Fails outside a git repository, in a bare one, or when the index has unresolved
    /// merge conflicts (there is no single staged version to check).
    pub fn open() -> Result<Self, String> {
        let cwd = std::env::current_dir()
            .and_then(std::fs::canonicalize)
            .map_err(|e| format!("cannot read the working directory: {e}"))?;
        let top = git(&cwd, &["rev-parse", "--show-toplevel"]).map_err(|e| {
            format!("--staged reads the git index, but this is not a git work tree: {e}")
        })?;
        let top = String::from_utf8_lossy(&top).trim().to_owned();
        let root = std::fs::canonicalize(&top)
            .map_err(|e| format!("cannot read the repository root {top}: {e}"))?;
        let listing = git(&root, &["ls-files", "--stage", "-z"])?;
        let (entries, conflicted) = parse_ls_files(&listing)?;
        if !conflicted.is_empty() {
            return Err(format!(
                "the git index has unresolved merge conflicts in {}; resolve and stage them first",
                conflicted.join(", ")
            ));
        }
        Ok(GitIndex {
            root,
            cwd,
            entries,
            blobs: RefCell::new(HashMap::new()),
        })
    }

    /// The repository-relative, `/`-separated path of `path` (relative to the working
    /// directory, or absolute); `None` when it lies outside the repository.
    pub fn repo_path(&self, path: &Path) -> Option<String> {
        let absolute = normalize(&self.cwd.join(path));
        let relative = absolute.strip_prefix(&self.root).ok()?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }

    fn entry(&self, path: &Path) -> Option<&Entry> {
        self.entries.get(&self.repo_path(path)?)
    }

    /// Whether a regular file is staged at `path`.
    pub fn has_file(&self, path: &Path) -> bool {
        self.entry(path).is_some_and(|e| e.mode != MODE_SYMLINK)
    }

    /// The staged files directly inside `dir`, as `dir.join(name)`.
    pub fn files_in(&self, dir: &Path) -> Vec<PathBuf> {
        let Some(prefix) = self.repo_path(dir) else {
            return Vec::new();
        };
        let prefix = if prefix.is_empty() {
            prefix
        } else {
            format!("{prefix}/")
        };
        self.entries
            .iter()
            .filter(|(_, e)| e.mode != MODE_SYMLINK)
            .filter_map(|(p, _)| p.strip_prefix(&prefix))
            .filter(|name| !name.contains('/'))
            .map(|name| dir.join(name))
            .collect()
    }

    /// Reads the staged contents of `paths` with one `git cat-file --batch`; `None` for a
    /// path with no staged regular file.
    pub fn read_many(&self, paths: &[PathBuf]) -> io::Result<Vec<Option<Vec<u8>>>> {
        let oids: Vec<Option<&str>> = paths
            .iter()
            .map(|p| {
                self.entry(p)
                    .filter(|e| e.mode != MODE_SYMLINK)
                    .map(|e| e.oid.as_str())
            })
            .collect();
        let mut wanted: Vec<&str> = {
            let cache = self.blobs.borrow();
            oids.iter()
                .flatten()
                .filter(|oid| !cache.contains_key(**oid))
                .copied()
                .collect()
        };
        wanted.sort_unstable();
        wanted.dedup();
        if !wanted.is_empty() {
            let blobs = self.cat_file(&wanted).map_err(io::Error::other)?;
            let mut cache = self.blobs.borrow_mut();
            for (oid, blob) in wanted.iter().zip(blobs) {
                cache.insert((*oid).to_owned(), blob);
            }
        }
        let cache = self.blobs.borrow();
        Ok(oids
            .iter()
            .map(|oid| oid.and_then(|o| cache.get(o).cloned()))
            .collect())
    }

    /// Reads the staged contents of one path; `NotFound` when nothing is staged there.
    pub fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.read_many(&[path.to_owned()])?
            .pop()
            .flatten()
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{} is not staged in the git index", path.display()),
                )
            })
    }

    fn cat_file(&self, oids: &[&str]) -> Result<Vec<Vec<u8>>, String> {
        let mut child = Command::new("git")
            .args(["cat-file", "--batch"])
            .current_dir(&self.root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run `git cat-file --batch`: {e}"))?;
        let mut input = String::new();
        for oid in oids {
            input.push_str(oid);
            input.push('\n');
        }
        // Writing from another thread: git's output could fill the pipe before it has read
        // every request.
        let mut stdin = child.stdin.take().ok_or("no stdin for `git cat-file`")?;
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let out = child
            .wait_with_output()
            .map_err(|e| format!("`git cat-file --batch` failed: {e}"))?;
        writer
            .join()
            .map_err(|_| "`git cat-file --batch`: writer thread panicked".to_owned())?
            .map_err(|e| format!("`git cat-file --batch` failed: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "`git cat-file --batch` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        parse_batch(&out.stdout, oids)
    }
}

impl ProfileFiles for GitIndex {
    fn read_bytes(&self, path: &Path, _repo: &Path) -> io::Result<Vec<u8>> {
        // The index holds blobs, never links out of the repository or special files.
        self.read(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.has_file(path)
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        normalize(&self.cwd.join(path))
    }

    fn files_in(&self, dir: &Path) -> Vec<PathBuf> {
        GitIndex::files_in(self, dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_files_entries_and_conflicts() {
        let out = concat!(
            "100644 aaaa 0\tprofiles/dev.yaml\0",
            "120000 bbbb 0\tlink\0",
            "100644 cccc 1\tx.yaml\0",
            "100644 dddd 2\tx.yaml\0",
            "100644 eeee 3\tx.yaml\0",
        )
        .as_bytes();
        let (entries, conflicted) = parse_ls_files(out).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries["profiles/dev.yaml"].oid, "aaaa");
        assert_eq!(entries["link"].mode, MODE_SYMLINK);
        assert_eq!(conflicted, vec!["x.yaml".to_owned()]);
        assert!(parse_ls_files(b"garbage\0").is_err());
        assert!(parse_ls_files(b"100644 aaaa\tp\0").is_err());
    }

    #[test]
    fn batch_output_is_split_by_size_including_newlines() {
        let out = b"aa blob 4\na\nb\n\nbb blob 0\n\n";
        let blobs = parse_batch(out, &["aa", "bb"]).unwrap();
        assert_eq!(blobs, vec![b"a\nb\n".to_vec(), Vec::new()]);
        assert!(parse_batch(b"aa missing\n", &["aa"]).is_err());
        assert!(parse_batch(b"aa blob 10\nshort\n", &["aa"]).is_err());
        assert!(parse_batch(b"zz blob 1\nx\n", &["aa"]).is_err());
    }

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(
            normalize(Path::new("/r/profiles/../base.yaml")),
            Path::new("/r/base.yaml")
        );
        assert_eq!(normalize(Path::new("/r/./a/b")), Path::new("/r/a/b"));
    }
}
