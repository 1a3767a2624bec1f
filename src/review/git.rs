//! A generated tree at a git revision, read with git plumbing.

use std::path::Path;
use std::process::Command;

use crate::render::RenderedTree;

fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

/// The regular files under `dir` (relative to the working directory) at
/// revision `rev`, keyed by their path inside `dir`. Links and submodules are
/// skipped, never followed. An empty tree when `dir` is not in `rev`.
pub fn tree_at(rev: &str, dir: &Path) -> Result<RenderedTree, String> {
    git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ])
    .map_err(|_| {
        format!("{rev} is not a git revision here; pass a branch, tag or commit to --base")
    })?;
    // git prints paths relative to the working directory: name `dir` the same way.
    let cwd = std::env::current_dir().map_err(|e| format!("no working directory: {e}"))?;
    let dir = match dir.strip_prefix(&cwd) {
        Ok(rel) => rel,
        Err(_) if dir.is_absolute() => {
            return Err(format!(
                "--base reads {} from git relative to the working directory; run o11yc from a \
                 directory containing it or pass a relative --out",
                dir.display()
            ));
        }
        Err(_) => dir,
    };
    let dir = dir.to_string_lossy();
    let dir = dir.trim_end_matches('/');
    let listing = git(&["ls-tree", "-r", "-z", rev, "--", &format!("{dir}/")])?;
    let mut tree = RenderedTree::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (mode, kind, hash) = (meta.next(), meta.next(), meta.next());
        if kind != Some("blob") || !matches!(mode, Some("100644" | "100755")) {
            continue;
        }
        let Some(rel) = path.strip_prefix(&format!("{dir}/")) else {
            continue;
        };
        let bytes = git(&["cat-file", "blob", hash.unwrap_or_default()])?;
        tree.insert(rel.to_owned(), bytes);
    }
    Ok(tree)
}
