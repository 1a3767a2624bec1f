//! Runs the pipeline for a selection of profiles: load → validate → compile → render.

use std::path::{Path, PathBuf};

use crate::compile::{Provenance, compile};
use crate::diag::{Diagnostic, SourceMap};
use crate::load::{Disk, ProfileFiles, from_node, load_profile_from};
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

/// Every buildable profile (`*.yaml`, `*.yml`) in `dir`, sorted by name.
pub fn discover(dir: &Path) -> std::io::Result<Vec<ProfileRef>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let is_yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if is_yaml && path.is_file() && !is_partial(name) {
            out.push(ProfileRef {
                name: name.to_owned(),
                path: path.clone(),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Resolves `--profile` arguments: a name in `dir`, or a path to a `.yaml` file.
pub fn resolve(dir: &Path, arg: &str) -> Result<ProfileRef, String> {
    let as_path = Path::new(arg);
    let is_file_arg = arg.ends_with(".yaml") || arg.ends_with(".yml") || arg.contains('/');
    let path = if is_file_arg {
        as_path.to_owned()
    } else {
        dir.join(format!("{arg}.yaml"))
    };
    if path.is_file() {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(arg)
            .to_owned();
        return Ok(ProfileRef { name, path });
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

/// How a path is shown to users and in generated headers: relative to the
/// working directory when possible, so output does not depend on where the
/// repository is checked out.
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

/// Loads, validates, compiles and renders one profile. Diagnostics refer to `sources`.
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
    let model: Profile = from_node(&root)?;
    let problems = validate(&model, &root);
    if problems
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error)
    {
        return Err(problems);
    }
    let files: Vec<String> = (first_file..sources.len())
        .map(|i| display_path(sources.path(crate::diag::FileId(i as u32))))
        .collect();
    let provenance = Provenance {
        name: profile.name.clone(),
        sources: files,
    };
    let bundle = compile(&model, &provenance);
    let tree = render_bundle(&bundle, &provenance.sources);
    Ok(Compiled {
        profile: profile.clone(),
        model,
        tree,
    })
}
