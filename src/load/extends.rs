//! Reading profile files and resolving `extends` chains with a deep merge.

// Errors are returned as `Diagnostic` by value (cold path); see `yaml.rs`.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

#[cfg(test)]
use super::files::Disk;
use super::files::ProfileFiles;
use super::input::{repo_root, utf8_error_offset};
use super::node::{Located, Node};
use super::yaml::parse_yaml;
use crate::diag::{Diagnostic, SourceMap, Span, suggest};

/// The top-level key naming a base profile.
const EXTENDS: &str = "extends";
/// Longest `extends` chain accepted (profile plus bases); loading recurses
/// once per base, so a chain of thousands would overflow the stack.
pub const MAX_EXTENDS_DEPTH: usize = 32;

/// Reads the profile at `path`, resolves its `extends` chain and returns the merged tree.
///
/// `extends: NAME` names a base profile `<same dir>/NAME.yaml`; a value ending in `.yaml` / `.yml`
/// is a path relative to the extending file. Bases are loaded recursively; mappings merge key by
/// key (the extending profile wins), everything else is replaced wholesale. Every node keeps the
/// span of the file it came from. The `extends` key is removed from the result. (For tests;
/// the driver reads through [`load_profile_from`].)
#[cfg(test)]
pub fn load_profile(
    path: &Path,
    sources: &mut SourceMap,
) -> Result<Located<Node>, Vec<Diagnostic>> {
    load_profile_from(path, sources, &Disk)
}

/// [`load_profile`], reading the profile and its bases from `files` instead of the
/// working tree (the git index for `o11yc check --staged`).
pub fn load_profile_from(
    path: &Path,
    sources: &mut SourceMap,
    files: &dyn ProfileFiles,
) -> Result<Located<Node>, Vec<Diagnostic>> {
    let mut chain = Vec::new();
    let repo = repo_root(path);
    load(path, &repo, None, sources, files, &mut chain).map_err(|d| vec![d])
}

/// Loads one file, which must lie inside the profiles' repository `repo`; `origin` is the span of the `extends` value that referenced it.
fn load(
    path: &Path,
    repo: &Path,
    origin: Option<Span>,
    sources: &mut SourceMap,
    files: &dyn ProfileFiles,
    chain: &mut Vec<PathBuf>,
) -> Result<Located<Node>, Diagnostic> {
    let bytes = files.read_bytes(path, repo).map_err(|e| {
        Diagnostic::error(format!("cannot read profile `{}`: {e}", path.display())).at_opt(origin)
    })?;
    let file = match String::from_utf8(bytes) {
        Ok(text) => sources.add(path.to_path_buf(), text),
        Err(e) => return Err(invalid_utf8(path, e.into_bytes(), sources)),
    };
    let mut root = parse_yaml(file, sources.text(file))?;

    let Node::Map(map) = &mut root.value else {
        return Ok(root);
    };
    let Some(entry) = map.shift_remove(EXTENDS) else {
        return Ok(root);
    };
    let value_span = entry.value.span;
    let Node::Str(name) = &entry.value.value else {
        return Err(Diagnostic::error(format!(
            "`extends` must be a profile name or a relative path, found {}",
            entry.value.value.describe()
        ))
        .at(value_span)
        .key_path(EXTENDS)
        .expected("a profile name such as `base`, or a path such as `../common.yaml`"));
    };

    let dir = path.parent().unwrap_or(Path::new(""));
    let base_path = resolve(dir, name);
    let me = files.canonical(path);
    chain.push(me);
    let key = files.canonical(&base_path);
    if let Some(pos) = chain.iter().position(|p| *p == key) {
        let names: Vec<String> = chain[pos..]
            .iter()
            .chain(std::iter::once(&key))
            .map(|p| display_name(p))
            .collect();
        return Err(
            Diagnostic::error(format!("`extends` cycle: {}", names.join(" → ")))
                .at(value_span)
                .label("extends an already-extending profile")
                .key_path(EXTENDS)
                .help("remove `extends` from one of these profiles"),
        );
    }
    if chain.len() >= MAX_EXTENDS_DEPTH {
        return Err(Diagnostic::error(format!(
            "`extends` chain is longer than {MAX_EXTENDS_DEPTH} profiles"
        ))
        .at(value_span)
        .label("one base too many")
        .key_path(EXTENDS)
        .help("flatten the chain: let several profiles extend one shared base"));
    }
    if !files.is_file(&base_path) {
        return Err(missing_base(name, &base_path, dir, path, value_span, files));
    }
    let base = load(&base_path, repo, Some(value_span), sources, files, chain)?;
    chain.pop();
    Ok(merge(base, root))
}

/// A located error for a file that is not UTF-8: the file is registered with
/// its invalid bytes replaced, so the diagnostic can show the line.
fn invalid_utf8(path: &Path, bytes: Vec<u8>, sources: &mut SourceMap) -> Diagnostic {
    let offset = utf8_error_offset(&bytes).unwrap_or(0);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let file = sources.add(path.to_path_buf(), text);
    let span = sources.span(file, offset, offset + 1);
    Diagnostic::error("a profile must be UTF-8 text")
        .at(span)
        .label("invalid UTF-8 here")
        .help("save the file as UTF-8")
}

fn resolve(dir: &Path, name: &str) -> PathBuf {
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        dir.join(name)
    } else {
        dir.join(format!("{name}.yaml"))
    }
}

fn display_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn missing_base(
    name: &str,
    base: &Path,
    dir: &Path,
    current: &Path,
    at: Span,
    files: &dyn ProfileFiles,
) -> Diagnostic {
    let current_name = current
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let mut profiles: Vec<String> = files
        .files_in(dir)
        .into_iter()
        .filter_map(|p| {
            let ext = p.extension()?.to_str()?;
            if ext == "yaml" || ext == "yml" {
                p.file_stem().map(|s| s.to_string_lossy().into_owned())
            } else {
                None
            }
        })
        .filter(|s| Some(s) != current_name.as_ref())
        .collect();
    profiles.sort();
    profiles.dedup();
    let mut d = Diagnostic::error(format!("base profile `{name}` not found"))
        .at(at)
        .label("no such profile")
        .key_path(EXTENDS)
        .note(format!("looked for `{}`", base.display()));
    let wanted = Path::new(name)
        .file_stem()
        .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned());
    let mut help = match suggest::did_you_mean(&wanted, &profiles) {
        Some(s) => format!("did you mean `{s}`? "),
        None => String::new(),
    };
    if profiles.is_empty() {
        help.push_str(&format!("no other profiles exist in `{}`", dir.display()));
    } else {
        help.push_str(&format!(
            "available profiles: {}",
            suggest::one_of(&profiles)
        ));
    }
    d = d.help(help);
    d
}

/// Deep-merges `child` over `base`: mappings merge key by key, anything else is replaced.
pub(crate) fn merge(base: Located<Node>, child: Located<Node>) -> Located<Node> {
    match (base.value, child.value) {
        (Node::Map(mut b), Node::Map(c)) => {
            for (k, entry) in c {
                match b.get_mut(&k) {
                    Some(slot) => {
                        let placeholder = Located {
                            value: Node::Null,
                            span: entry.key_span,
                        };
                        let old = std::mem::replace(&mut slot.value, placeholder);
                        slot.value = merge(old, entry.value);
                        slot.key_span = entry.key_span;
                    }
                    None => {
                        b.insert(k, entry);
                    }
                }
            }
            Located {
                value: Node::Map(b),
                span: child.span,
            }
        }
        (_, value) => Located {
            value,
            span: child.span,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&p, text).unwrap();
        p
    }

    fn src(sources: &SourceMap, span: Span) -> (&Path, &str) {
        (
            sources.path(span.file),
            &sources.text(span.file)[span.range()],
        )
    }

    #[test]
    fn deep_merge_maps_lists_and_scalars() {
        let dir = tempfile::tempdir().unwrap();
        let base = write(
            dir.path(),
            "base.yaml",
            "name: base\nloki:\n  enabled: true\n  storage:\n    size: 10Gi\n    class: slow\nlabels: [a, b]\nkeep: 1\n",
        );
        let dev = write(
            dir.path(),
            "dev.yaml",
            "extends: base\nname: dev\nloki:\n  storage:\n    size: 50Gi\nlabels: [c]\nkeep: null\nnew: x\n",
        );
        let mut sources = SourceMap::new();
        let root = load_profile(&dev, &mut sources).unwrap();
        let v = |p: &[&str]| root.get_path(p).unwrap().value.clone();
        assert_eq!(v(&["name"]), Node::Str("dev".into()));
        assert_eq!(v(&["loki", "enabled"]), Node::Bool(true));
        assert_eq!(v(&["loki", "storage", "size"]), Node::Str("50Gi".into()));
        assert_eq!(v(&["loki", "storage", "class"]), Node::Str("slow".into()));
        let Node::Seq(labels) = v(&["labels"]) else {
            panic!()
        };
        assert_eq!(labels.len(), 1);
        assert_eq!(v(&["keep"]), Node::Null);
        assert_eq!(v(&["new"]), Node::Str("x".into()));
        assert!(root.get("extends").is_none());
        // Base-only nodes point into the base file, overridden ones into the child.
        let class = root.get_path(&["loki", "storage", "class"]).unwrap();
        assert_eq!(src(&sources, class.span), (base.as_path(), "slow"));
        assert_eq!(sources.line_col(class.span).0, 6);
        let enabled_key = root.key_span(&["loki", "enabled"]).unwrap();
        assert_eq!(src(&sources, enabled_key), (base.as_path(), "enabled"));
        let size = root.get_path(&["loki", "storage", "size"]).unwrap();
        assert_eq!(src(&sources, size.span), (dev.as_path(), "50Gi"));
        // Key order: base keys first, then new child keys.
        let keys: Vec<&String> = root.value.as_map().unwrap().keys().collect();
        assert_eq!(keys, ["name", "loki", "labels", "keep", "new"]);
    }

    #[test]
    fn chains_and_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        let common = write(dir.path(), "shared/common.yml", "a: 1\nb: 1\nc: 1\n");
        write(
            dir.path(),
            "base.yaml",
            "extends: shared/common.yml\nb: 2\nc: 2\n",
        );
        let top = write(dir.path(), "top.yaml", "extends: base\nc: 3\n");
        let mut sources = SourceMap::new();
        let root = load_profile(&top, &mut sources).unwrap();
        assert_eq!(root.get("a").unwrap().value, Node::Int(1));
        assert_eq!(root.get("b").unwrap().value, Node::Int(2));
        assert_eq!(root.get("c").unwrap().value, Node::Int(3));
        assert_eq!(
            sources.path(root.get("a").unwrap().span.file),
            common.as_path()
        );
        assert_eq!(sources.len(), 3);
    }

    #[test]
    fn cycles_are_reported_at_the_extends_value() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a.yaml", "extends: b\nx: 1\n");
        let b = write(dir.path(), "b.yaml", "x: 2\nextends: a.yaml\n");
        let mut sources = SourceMap::new();
        let d = load_profile(&a, &mut sources).unwrap_err().remove(0);
        assert_eq!(d.message, "`extends` cycle: a.yaml → b.yaml → a.yaml");
        let s = d.span.unwrap();
        assert_eq!(src(&sources, s), (b.as_path(), "a.yaml"));
        assert_eq!(sources.line_col(s), (2, 10));
        let own = write(dir.path(), "self.yaml", "extends: self\n");
        let d = load_profile(&own, &mut SourceMap::new())
            .unwrap_err()
            .remove(0);
        assert_eq!(d.message, "`extends` cycle: self.yaml → self.yaml");
    }

    #[test]
    fn long_extends_chains_are_a_located_error_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        // p0 extends p1 extends ... p5999: once overflowed the stack.
        for i in 0..6000 {
            write(
                dir.path(),
                &format!("p{i}.yaml"),
                &format!("extends: p{}\n", i + 1),
            );
        }
        write(dir.path(), "p6000.yaml", "x: 1\n");
        let mut sources = SourceMap::new();
        let d = load_profile(&dir.path().join("p0.yaml"), &mut sources)
            .unwrap_err()
            .remove(0);
        assert_eq!(d.message, "`extends` chain is longer than 32 profiles");
        let s = d.span.unwrap();
        assert_eq!(
            src(&sources, s),
            (dir.path().join("p31.yaml").as_path(), "p32")
        );
        assert_eq!(sources.line_col(s), (1, 10));
        // The longest allowed chain loads.
        let ok = load_profile(&dir.path().join("p5969.yaml"), &mut SourceMap::new()).unwrap();
        assert_eq!(ok.get("x").unwrap().value, Node::Int(1));
    }

    #[test]
    fn missing_base_suggests_nearest_profile() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "base.yaml", "a: 1\n");
        write(dir.path(), "prod.yaml", "a: 1\n");
        write(dir.path(), "notes.txt", "x");
        let dev = write(dir.path(), "dev.yaml", "name: dev\nextends: bsae\n");
        let mut sources = SourceMap::new();
        let d = load_profile(&dev, &mut sources).unwrap_err().remove(0);
        assert_eq!(d.message, "base profile `bsae` not found");
        let s = d.span.unwrap();
        assert_eq!(src(&sources, s), (dev.as_path(), "bsae"));
        assert_eq!(sources.line_col(s), (2, 10));
        assert_eq!(
            d.help.as_deref(),
            Some("did you mean `base`? available profiles: one of `base`, `prod`")
        );
        assert!(d.notes[0].contains("bsae.yaml"));
    }

    #[test]
    fn bad_extends_and_base_errors() {
        let dir = tempfile::tempdir().unwrap();
        let dev = write(dir.path(), "dev.yaml", "extends: [a]\n");
        let d = load_profile(&dev, &mut SourceMap::new())
            .unwrap_err()
            .remove(0);
        assert!(
            d.message.starts_with("`extends` must be a profile name"),
            "{}",
            d.message
        );
        // A syntax error in the base is reported in the base file.
        let base = write(dir.path(), "broken.yaml", "a: [1\n");
        let dev = write(dir.path(), "dev2.yaml", "extends: broken\n");
        let mut sources = SourceMap::new();
        let d = load_profile(&dev, &mut sources).unwrap_err().remove(0);
        assert_eq!(sources.path(d.span.unwrap().file), base.as_path());
        // The root file itself missing: no span, clear message.
        let d = load_profile(&dir.path().join("nope.yaml"), &mut SourceMap::new())
            .unwrap_err()
            .remove(0);
        assert!(
            d.message.starts_with("cannot read profile"),
            "{}",
            d.message
        );
        assert!(d.span.is_none());
    }
}
