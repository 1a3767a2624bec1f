//! Runs the pipeline for a selection of profiles: load → resolve → validate → compile →
//! verify → render.

use std::path::{Path, PathBuf};

use crate::compile::pipeline::{CompiledPipeline, Pipelines};
use crate::compile::{Provenance, compile_with};
use crate::diag::{Diagnostic, SourceMap, Span, codes};
use crate::load::{
    Disk, Located, Node, ProfileFiles, from_node_in, load_profile_from, repo_relative, repo_root,
};
use crate::model::Profile;
use crate::render::{RenderedTree, render_bundle};
use crate::resolve::Stack;
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
    /// The typed profile (for tests that rebuild its stack).
    #[cfg(test)]
    pub(crate) model: Profile,
    /// The rendered files.
    pub tree: RenderedTree,
    /// Warnings about the profile (sorted by location); the build still succeeds.
    pub warnings: Vec<Diagnostic>,
    /// The Alloy pipelines compile built (the ones written, checked and drawn).
    pub(crate) pipelines: Vec<CompiledPipeline>,
}

/// Loads, validates, compiles, verifies and renders one profile. Diagnostics refer to `sources`.
///
/// On failure every diagnostic of the run is returned (errors and warnings, sorted by
/// location, at most [`MAX_DIAGNOSTICS`] plus one summary); on success the warnings are in
/// [`Compiled::warnings`].
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
    let root = load_profile_from(&profile.path, sources, files).map_err(|mut diags| {
        for d in &mut diags {
            d.default_code(codes::FILE);
        }
        finish(diags, sources)
    })?;
    let model: Profile = deserialize_all(&root, sources).map_err(|d| finish(d, sources))?;
    // Resolve once: the stack, its Alloy pipelines (built once: the stream table reads
    // them, compilation consumes them) and what it collects; later stages read these.
    let bare = Stack::new(&model, &profile.name);
    let pipelines = Pipelines::build(bare);
    let collected = crate::verify::Collected::from_pipelines(&bare, &pipelines);
    let stack = bare.with_collected(&collected);
    let mut problems = validate(&stack, &root);
    problems.extend(crate::verify::requests(&stack, &root));
    if problems.iter().any(Diagnostic::is_error) {
        return Err(finish(problems, sources));
    }
    let repo = repo_root(&profile.path);
    let files: Vec<String> = (first_file..sources.len())
        .map(|i| repo_relative(&repo, sources.path(crate::diag::FileId(i as u32))))
        .collect();
    let provenance = Provenance {
        name: profile.name.clone(),
        sources: files,
    };
    let bundle = compile_with(&stack, &provenance, pipelines);
    problems.extend(crate::verify::pipelines::check(&stack, &bundle, &root));
    let problems = finish(problems, sources);
    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }
    let warnings = problems;
    let unlinked = crate::verify::verify(&stack, &bundle);
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
    let pipelines = bundle.into_pipelines();
    Ok(Compiled {
        profile: profile.clone(),
        #[cfg(test)]
        model,
        tree,
        warnings,
        pipelines,
    })
}

/// Deserializes the profile, reporting every independent type error rather than the first.
///
/// Serde stops at the first error, so after each one the offending entry is repaired in a
/// copy of the tree (removed, or replaced by a placeholder of another type) and
/// deserialization runs again. A repair is kept only when the next error is elsewhere: an
/// error at the repaired key or one of its ancestors is a consequence, not a new mistake.
/// A `missing key` error ends the search (there is nothing to repair at its location).
fn deserialize_all(root: &Located<Node>, sources: &SourceMap) -> Result<Profile, Vec<Diagnostic>> {
    let mut errors = match from_node_in::<Profile>(root, sources) {
        Ok(model) => return Ok(model),
        Err(errors) => errors,
    };
    let mut tree = root.clone();
    'next: while errors.len() <= MAX_DIAGNOSTICS {
        let Some(last) = errors.last() else { break };
        let (Some(span), Some(path)) = (last.span, last.key_path.clone()) else {
            break;
        };
        if last.message.starts_with("missing key") {
            break;
        }
        for fix in repairs(last) {
            let mut candidate = tree.clone();
            if !repair(&mut candidate, span, &fix) {
                continue;
            }
            match from_node_in::<Profile>(&candidate, sources) {
                Ok(_) => break 'next,
                Err(more) if !more.iter().any(|d| consequence(d, &path)) => {
                    tree = candidate;
                    errors.extend(more);
                    continue 'next;
                }
                Err(_) => {}
            }
        }
        break;
    }
    if errors.len() > MAX_DIAGNOSTICS {
        errors.truncate(MAX_DIAGNOSTICS);
        errors.push(
            Diagnostic::error(format!(
                "more problems not shown (the search stopped after {MAX_DIAGNOSTICS})"
            ))
            .code(codes::TOO_MANY)
            .help("fix the problems above and run again to see the rest"),
        );
    }
    Err(errors)
}

/// Whether `d` is at `path` or one of its ancestors.
fn consequence(d: &Diagnostic, path: &str) -> bool {
    d.key_path.as_ref().is_none_or(|k| {
        path == k
            || path
                .strip_prefix(k.as_str())
                .is_some_and(|rest| rest.starts_with(['.', '[']))
    })
}

/// The repairs tried for an error, in order: drop the entry, then a valid-looking value.
fn repairs(d: &Diagnostic) -> Vec<Option<Node>> {
    let mut out = vec![None];
    if let Some(first) = d
        .expected
        .as_deref()
        .and_then(|e| e.split('`').nth(1))
        .filter(|s| !s.is_empty())
    {
        out.push(Some(Node::Str(first.to_string())));
    }
    out.extend([
        Some(Node::Str("o11yc".to_string())),
        Some(Node::Int(1)),
        Some(Node::Bool(false)),
        Some(Node::Map(Default::default())),
        Some(Node::Seq(Vec::new())),
    ]);
    out
}

/// Removes (`fix` is `None`) or replaces the value of the mapping entry or list item located
/// at `span` in `node`; whether one was found.
fn repair(node: &mut Located<Node>, span: Span, fix: &Option<Node>) -> bool {
    match &mut node.value {
        Node::Map(map) => {
            if let Some(i) = map
                .values()
                .position(|e| e.key_span == span || e.value.span == span)
            {
                match fix {
                    None => {
                        map.shift_remove_index(i);
                    }
                    Some(value) => {
                        if let Some((_, e)) = map.get_index_mut(i) {
                            e.value.value = value.clone();
                        }
                    }
                }
                return true;
            }
            map.values_mut().any(|e| repair(&mut e.value, span, fix))
        }
        Node::Seq(items) => {
            if let Some(i) = items.iter().position(|item| item.span == span) {
                match fix {
                    None => {
                        items.remove(i);
                    }
                    Some(value) => items[i].value = value.clone(),
                }
                return true;
            }
            items.iter_mut().any(|item| repair(item, span, fix))
        }
        _ => false,
    }
}

/// The most diagnostics reported for one profile; the rest are counted in a final note.
pub const MAX_DIAGNOSTICS: usize = 50;

/// Locates embedded-text positions in their YAML file, sorts by location (unlocated
/// last, otherwise in the order found) and caps the list.
fn finish(mut diags: Vec<Diagnostic>, sources: &SourceMap) -> Vec<Diagnostic> {
    for d in &mut diags {
        crate::diag::locate_embedded(d, sources);
        if d.code == Some(codes::YAML_SYNTAX)
            && d.key_path.is_none()
            && let Some(span) = d.span
        {
            let keys = crate::diag::enclosing_keys(sources.text(span.file), span.start as usize);
            d.key_path = Some(keys.unwrap_or_else(|| "(top level)".to_string()));
            if d.help.is_none() {
                d.help = Some(
                    "check the indentation: keys of one mapping must line up with each other, \
                     deeper than the key that holds them"
                        .to_string(),
                );
            }
        }
    }
    // Offset order within a file is line-and-column order.
    diags.sort_by_key(|d| d.span.map_or((u32::MAX, u32::MAX), |s| (s.file.0, s.start)));
    let already_capped = diags.iter().any(|d| d.code == Some(codes::TOO_MANY));
    if diags.len() > MAX_DIAGNOSTICS && !already_capped {
        let hidden = diags.len() - MAX_DIAGNOSTICS;
        diags.truncate(MAX_DIAGNOSTICS);
        let severity = if diags.iter().any(Diagnostic::is_error) {
            crate::diag::Severity::Error
        } else {
            crate::diag::Severity::Warning
        };
        diags.push(
            Diagnostic::new(severity, format!("{hidden} more problems not shown"))
                .code(codes::TOO_MANY)
                .help("fix the problems above and run again to see the rest"),
        );
    }
    diags
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
