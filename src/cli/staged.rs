//! `o11yc check --staged`: compile the profiles as staged in the git index and compare
//! the result with the staged generated tree, so a pre-commit hook checks what will be
//! committed rather than the working tree.

use std::path::{Path, PathBuf};

use super::commands::{compile_selected, report_freshness};
use super::{EXIT_ERROR, Selection, report};
use crate::driver::{Compiled, ProfileRef, display_path, is_partial};
use crate::git_index::GitIndex;
use crate::output::{Change, MANIFEST, compare_with};

/// `o11yc check --staged`.
pub fn check(sel: &Selection) -> i32 {
    let index = match GitIndex::open() {
        Ok(index) => index,
        Err(message) => {
            report::error(&message);
            return EXIT_ERROR;
        }
    };
    if index.repo_path(&sel.out).is_none() {
        report::error(&format!(
            "--staged compares the generated files in the git index, but {} is outside the repository",
            sel.out.display()
        ));
        return EXIT_ERROR;
    }
    let Some(profiles) = selected(sel, &index) else {
        return EXIT_ERROR;
    };
    let Some(compiled) = compile_selected(&profiles, &index, true) else {
        return EXIT_ERROR;
    };
    let changes = |dir: &Path, c: &Compiled| staged_changes(&index, dir, c);
    let code = report_freshness(&compiled, &sel.out, &changes);
    if code != super::EXIT_OK {
        eprintln!(
            "note: compared the git index (what `git commit` records); unstaged changes are ignored"
        );
    }
    code
}

/// The profiles `sel` names, as staged.
fn selected(sel: &Selection, index: &GitIndex) -> Option<Vec<ProfileRef>> {
    if sel.profile.is_empty() {
        let mut profiles: Vec<ProfileRef> = index
            .files_in(&sel.profiles)
            .into_iter()
            .filter_map(|path| {
                let ext = path.extension()?.to_str()?;
                let name = path.file_stem()?.to_str()?.to_owned();
                (matches!(ext, "yaml" | "yml") && !is_partial(&name))
                    .then_some(ProfileRef { name, path })
            })
            .collect();
        profiles.sort_by(|a, b| a.name.cmp(&b.name));
        if profiles.is_empty() {
            report::error(&format!(
                "no profiles (*.yaml) staged in {}",
                sel.profiles.display()
            ));
            return None;
        }
        return Some(profiles);
    }
    let mut out: Vec<ProfileRef> = Vec::new();
    for arg in &sel.profile {
        let is_file_arg = arg.ends_with(".yaml") || arg.ends_with(".yml") || arg.contains('/');
        let path = if is_file_arg {
            PathBuf::from(arg)
        } else {
            sel.profiles.join(format!("{arg}.yaml"))
        };
        if !index.has_file(&path) {
            report::error(&format!(
                "no profile `{arg}` in the git index: {} is not staged\nhelp: `git add {}`",
                path.display(),
                path.display()
            ));
            return None;
        }
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(arg)
            .to_owned();
        if out.iter().any(|o| o.name == name) {
            report::error(&format!("profile `{name}` selected twice"));
            return None;
        }
        out.push(ProfileRef { name, path });
    }
    Some(out)
}

/// How the staged files under `dir` differ from the compiled tree.
fn staged_changes(index: &GitIndex, dir: &Path, c: &Compiled) -> Result<Vec<Change>, i32> {
    let fail = |e: std::io::Error| {
        report::error(&format!(
            "cannot read {} from the git index: {e}",
            display_path(dir)
        ));
        EXIT_ERROR
    };
    // One `git cat-file --batch` for every file the comparison will look at.
    let wanted: Vec<PathBuf> = c
        .tree
        .keys()
        .map(|p| dir.join(p))
        .chain(std::iter::once(dir.join(MANIFEST)))
        .collect();
    index.read_many(&wanted).map_err(fail)?;
    compare_with(&c.tree, &|path| {
        let path = dir.join(path);
        if !index.has_file(&path) {
            return Ok(None);
        }
        index.read(&path).map(Some)
    })
    .map_err(fail)
}
