//! Runs the pipeline for a selection of profiles: load → validate → compile → verify → render.

use std::path::{Path, PathBuf};

use crate::compile::{Provenance, compile};
use crate::diag::{Diagnostic, SourceMap};
use crate::load::{Disk, ProfileFiles, from_node_in, load_profile_from, repo_relative, repo_root};
use crate::model::Profile;
use crate::render::{RenderedTree, render_bundle};
use crate::validate::validate;

/// A profile chosen for a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileRef {
    /// The profile's name: its file name without `.yaml`. Names the output directory.
    pub name: String,
    /// The profile file.
    pub path: PathBuf,
}

/// Profiles named with a leading `_` are partials meant only for `extends`.
pub fn is_partial(name: &str) -> bool {
    name.starts_with('_')
}

/// Whether `name` is a safe profile name: a single path component matching
/// `[A-Za-z0-9][A-Za-z0-9._-]*` (so never `.`, `..` or hidden), because it names
/// the output directory `OUT/<name>`.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn invalid_name(path: &Path, name: &str) -> String {
    format!(
        "{} cannot be a profile: its name `{name}` names the output directory and must match \
         `[A-Za-z0-9][A-Za-z0-9._-]*`\nhelp: rename the file to start with a letter or digit \
         and use only letters, digits, `.`, `_` and `-`",
        path.display()
    )
}

/// The profile file `path` as a [`ProfileRef`], or why its name is unusable.
fn profile_ref(path: &Path) -> Result<ProfileRef, String> {
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if is_valid_name(&name) {
        Ok(ProfileRef {
            name,
            path: path.to_owned(),
        })
    } else {
        Err(invalid_name(path, &name))
    }
}

/// Every buildable profile (`*.yaml`, `*.yml`) in `dir`, sorted by name.
/// A file whose name is not a safe profile name, or two files with one name
/// (`dev.yaml` and `dev.yml`), is an error naming the files.
pub fn discover(dir: &Path) -> Result<Vec<ProfileRef>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read profiles directory {}: {e}", dir.display()))?;
    let mut out: Vec<ProfileRef> = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read profiles directory {}: {e}", dir.display()))?
            .path();
        let is_yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        if !is_yaml || !path.is_file() || stem.as_deref().is_some_and(is_partial) {
            continue;
        }
        out.push(profile_ref(&path)?);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.path.cmp(&b.path)));
    if let Some(pair) = out.windows(2).find(|w| w[0].name == w[1].name) {
        return Err(format!(
            "{} and {} are both profile `{}` and would write the same directory\n\
             help: remove or rename one of them",
            pair[0].path.display(),
            pair[1].path.display(),
            pair[0].name
        ));
    }
    Ok(out)
}

/// Resolves `--profile` arguments: a name in `dir`, or a path to a `.yaml` file.
pub fn resolve(dir: &Path, arg: &str) -> Result<ProfileRef, String> {
    let as_path = Path::new(arg);
    let is_file_arg = arg.ends_with(".yaml") || arg.ends_with(".yml") || arg.contains('/');
    let path = if is_file_arg {
        as_path.to_owned()
    } else {
        if !is_valid_name(arg) {
            return Err(format!(
                "`{arg}` is not a profile name: names match `[A-Za-z0-9][A-Za-z0-9._-]*`{}",
                if is_partial(arg) {
                    " (files starting with `_` are partials, only used through `extends`)"
                } else {
                    ""
                }
            ));
        }
        let yaml = dir.join(format!("{arg}.yaml"));
        let yml = dir.join(format!("{arg}.yml"));
        match (yaml.is_file(), yml.is_file()) {
            (true, true) => {
                return Err(format!(
                    "{} and {} are both profile `{arg}` and would write the same directory\n\
                     help: remove or rename one of them",
                    yaml.display(),
                    yml.display()
                ));
            }
            (false, true) => yml,
            _ => yaml,
        }
    };
    if path.is_file() {
        return profile_ref(&path);
    }
    let known: Vec<String> = discover(dir)
        .map(|v| v.into_iter().map(|p| p.name).collect())
        .unwrap_or_default();
    let mut message = format!("no profile `{arg}`: {} does not exist", path.display());
    let prefixed = known
        .iter()
        .find(|k| k.starts_with(arg))
        .map(String::as_str);
    let similar = crate::diag::suggest::did_you_mean(arg, known.iter().map(String::as_str));
    if let Some(s) = similar.or(prefixed) {
        message.push_str(&format!("\nhelp: did you mean `{s}`?"));
    } else if !known.is_empty() {
        message.push_str(&format!(
            "\nhelp: profiles in {}: {}",
            dir.display(),
            known.join(", ")
        ));
    }
    Err(message)
}

/// How a path is shown to users in messages: relative to the working
/// directory when possible. (Generated headers use [`repo_relative`] instead,
/// so output does not depend on the working directory.)
pub fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_owned))
        .unwrap_or_else(|| path.to_owned());
    let text = relative.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

/// A profile compiled and rendered in memory.
pub struct Compiled {
    /// Which profile.
    pub profile: ProfileRef,
    /// The typed profile.
    pub model: Profile,
    /// The rendered files.
    pub tree: RenderedTree,
}

/// Loads, validates, compiles, verifies and renders one profile. Diagnostics refer to `sources`.
pub fn compile_profile(
    profile: &ProfileRef,
    sources: &mut SourceMap,
) -> Result<Compiled, Vec<Diagnostic>> {
    compile_profile_from(profile, sources, &Disk)
}

/// [`compile_profile`], reading the profile and its `extends` bases from `files`.
pub fn compile_profile_from(
    profile: &ProfileRef,
    sources: &mut SourceMap,
    files: &dyn ProfileFiles,
) -> Result<Compiled, Vec<Diagnostic>> {
    let first_file = sources.len();
    let root = load_profile_from(&profile.path, sources, files)?;
    let model: Profile = from_node_in(&root, sources)?;
    let problems = validate(&model, &root);
    if problems
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error)
    {
        return Err(problems);
    }
    let repo = repo_root(&profile.path);
    let files: Vec<String> = (first_file..sources.len())
        .map(|i| repo_relative(&repo, sources.path(crate::diag::FileId(i as u32))))
        .collect();
    let provenance = Provenance {
        name: profile.name.clone(),
        sources: files,
    };
    let bundle = compile(&model, &provenance);
    let unlinked =
        crate::verify::verify(&crate::compile::Stack::new(&model, &profile.name), &bundle);
    if !unlinked.is_empty() {
        return Err(unlinked
            .into_iter()
            .map(|problem| {
                Diagnostic::error(format!(
                    "profile `{}`: generated query cannot show data: {problem}",
                    profile.name
                ))
                .note("o11yc should have left this query out; please report it")
            })
            .collect());
    }
    let tree = render_bundle(&bundle, &provenance.sources);
    Ok(Compiled {
        profile: profile.clone(),
        model,
        tree,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_are_single_safe_components() {
        for ok in ["dev", "prod-eu.1", "a_b", "9"] {
            assert!(is_valid_name(ok), "{ok}");
        }
        for bad in [
            "", ".", "..", ".hidden", "-x", "_partial", "a/b", "a b", "é",
        ] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }
}
