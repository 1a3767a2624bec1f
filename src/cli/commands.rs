//! The commands.

use std::path::Path;
use std::time::Duration;

use super::report;
use super::{BuildArgs, DiffArgs, DiffFormat, EXIT_DIFFERS, EXIT_ERROR, EXIT_OK, Selection};
use crate::diag::SourceMap;
use crate::driver::{Compiled, ProfileRef, compile_profile_from, discover, display_path, resolve};
use crate::load::{Disk, ProfileFiles};
use crate::output::{
    Change, DiffStyle, OutLock, compare, read_regular, read_tree, unified_diff, write_tree,
};

/// Resolves the selection; prints the problem and returns `None` on failure.
fn selected(sel: &Selection) -> Option<Vec<ProfileRef>> {
    if sel.profile.is_empty() {
        return match discover(&sel.profiles) {
            Ok(list) if list.is_empty() => {
                report::error(&format!(
                    "no profiles (*.yaml) in {}",
                    sel.profiles.display()
                ));
                None
            }
            Ok(list) => Some(list),
            Err(message) => {
                report::error(&message);
                None
            }
        };
    }
    let mut out: Vec<ProfileRef> = Vec::new();
    for arg in &sel.profile {
        match resolve(&sel.profiles, arg) {
            Ok(p) if out.iter().any(|o| o.name == p.name) => {
                report::error(&format!("profile `{}` selected twice", p.name));
                return None;
            }
            Ok(p) => out.push(p),
            Err(message) => {
                report::error(&message);
                return None;
            }
        }
    }
    Some(out)
}

/// Compiles every selected profile in memory; on any error prints every diagnostic
/// and returns `None`, so nothing is written for invalid input. Warnings of valid
/// profiles are printed when `warnings` is set (`build` and `check`; `diff` and
/// `graph` keep stderr for their own purpose).
fn compile_all(sel: &Selection, warnings: bool) -> Option<Vec<Compiled>> {
    compile_selected(&selected(sel)?, &Disk, warnings)
}

/// Compiles `profiles`, reading them (and their bases) from `files`; prints every
/// diagnostic (and the warnings of valid profiles when `warnings` is set) and
/// returns `None` when any profile is invalid.
pub(super) fn compile_selected(
    profiles: &[ProfileRef],
    files: &dyn ProfileFiles,
    warnings: bool,
) -> Option<Vec<Compiled>> {
    let mut sources = SourceMap::new();
    let mut compiled = Vec::new();
    let mut failed = 0;
    for profile in profiles {
        match compile_profile_from(profile, &mut sources, files) {
            Ok(c) => {
                if warnings {
                    report::diagnostics(&c.warnings, &sources);
                }
                compiled.push(c);
            }
            Err(diags) => {
                report::diagnostics(&diags, &sources);
                failed += 1;
            }
        }
    }
    if failed > 0 {
        report::error(&format!(
            "{failed} of {} profile{} invalid; nothing was written",
            profiles.len(),
            if profiles.len() == 1 { " is" } else { "s are" }
        ));
        return None;
    }
    Some(compiled)
}

/// `o11yc build`: holds the lock on OUT while writing every profile.
pub fn build(args: &BuildArgs) -> i32 {
    let sel = &args.selection;
    let Some(compiled) = compile_all(sel, true) else {
        return EXIT_ERROR;
    };
    let timeout = Duration::from_secs(args.lock_timeout);
    let _lock = match OutLock::acquire(&sel.out, timeout, || {
        say!(
            "waiting for another o11yc to finish writing {} (up to {}s)...",
            display_path(&sel.out),
            timeout.as_secs()
        );
    }) {
        Ok(lock) => lock,
        Err(e) => {
            report::error(&e.to_string());
            return EXIT_ERROR;
        }
    };
    for c in &compiled {
        let dir = sel.out.join(&c.profile.name);
        match write_tree(&dir, &c.tree) {
            Ok(0) => say!(
                "{}: up to date ({} files)",
                display_path(&dir),
                c.tree.len()
            ),
            Ok(n) => say!(
                "{}: wrote {n} of {} files",
                display_path(&dir),
                c.tree.len()
            ),
            Err(e) => {
                report::error(&format!(
                    "{e}\nnothing was changed in {}",
                    display_path(&dir)
                ));
                return EXIT_ERROR;
            }
        }
    }
    EXIT_OK
}

fn changes_of(dir: &Path, c: &Compiled) -> Result<Vec<Change>, i32> {
    compare(dir, &c.tree).map_err(|e| {
        report::error(&e.to_string());
        EXIT_ERROR
    })
}

/// `o11yc graph`: each Alloy pipeline as a Mermaid flowchart, preceded by a
/// Mermaid comment naming the profile and file.
pub fn graph(sel: &Selection) -> i32 {
    let Some(compiled) = compile_all(sel, false) else {
        return EXIT_ERROR;
    };
    let mut first = true;
    for c in &compiled {
        if c.pipelines.is_empty() {
            say!("{}: no Alloy pipeline (alloy is off)", c.profile.name);
        }
        for p in &c.pipelines {
            let mermaid = p
                .tree
                .as_ref()
                .map(crate::compile::pipeline::graph::mermaid)
                .unwrap_or_default();
            let text = format!(
                "{}%% {}: {} ({})\n{}",
                if first { "" } else { "\n" },
                c.profile.name,
                p.path,
                p.side.title(),
                mermaid
            );
            first = false;
            if let Err(code) = report::stdout(&text) {
                return code;
            }
        }
    }
    EXIT_OK
}

/// `o11yc check`.
pub fn check(sel: &Selection) -> i32 {
    let Some(compiled) = compile_all(sel, true) else {
        return EXIT_ERROR;
    };
    report_freshness(&compiled, &sel.out, &changes_of)
}

/// Finds the changes in one generated directory; `Err` is an exit code, already reported.
pub(super) type ChangesIn<'a> = dyn Fn(&Path, &Compiled) -> Result<Vec<Change>, i32> + 'a;

/// Prints which generated directories are out of date (as `changes` finds them) and
/// returns `check`'s exit code.
pub(super) fn report_freshness(compiled: &[Compiled], out: &Path, changes: &ChangesIn<'_>) -> i32 {
    let mut stale = 0;
    for c in compiled {
        let dir = out.join(&c.profile.name);
        let changes = match changes(&dir, c) {
            Ok(changes) => changes,
            Err(code) => return code,
        };
        if changes.is_empty() {
            continue;
        }
        stale += 1;
        say!("{} is out of date:", display_path(&dir));
        for change in &changes {
            let (what, path) = match change {
                Change::Added(p) => ("missing", p),
                Change::Modified(p) => ("differs", p),
                Change::Removed(p) => ("stale  ", p),
            };
            say!("  {what} {}", display_path(&dir.join(path)));
        }
    }
    if stale > 0 {
        report::error(&format!(
            "{stale} generated director{} out of date; run `o11yc build` and commit the result",
            if stale == 1 { "y is" } else { "ies are" }
        ));
        return EXIT_DIFFERS;
    }
    say!(
        "{} profile{} valid and up to date",
        compiled.len(),
        if compiled.len() == 1 { "" } else { "s" }
    );
    EXIT_OK
}

/// `o11yc diff`: the semantic report, or with `--format patch` a unified diff.
pub fn diff(args: &DiffArgs) -> i32 {
    if args.format == DiffFormat::Patch && args.base.is_none() {
        return patch(&args.selection);
    }
    let sel = &args.selection;
    let Some(compiled) = compile_all(sel, false) else {
        return EXIT_ERROR;
    };
    let mut diffs = Vec::new();
    let mut patches = String::new();
    for c in &compiled {
        let dir = sel.out.join(&c.profile.name);
        let old = match &args.base {
            Some(rev) => crate::review::tree_at(rev, &dir),
            None => {
                // The same refusals as `check` and `build` (a kept file where o11yc writes one).
                if let Err(code) = changes_of(&dir, c) {
                    return code;
                }
                read_tree(&dir).map_err(|e| e.to_string())
            }
        };
        let old = match old {
            Ok(old) => old,
            Err(message) => {
                report::error(&message);
                return EXIT_ERROR;
            }
        };
        if args.format == DiffFormat::Patch {
            patches.push_str(&tree_patch(&dir, &old, &c.tree));
            continue;
        }
        let (a, b) = (
            crate::review::Model::of(&old),
            crate::review::Model::of(&c.tree),
        );
        let mut d = crate::review::compare(&c.profile.name, &a, &b);
        if let Some(charts) = args.charts.as_ref().filter(|_| args.rendered) {
            let helm = args.helm.clone().unwrap_or_else(|| {
                let local = Path::new("target/conformance/helm/helm");
                if local.is_file() {
                    local.to_owned()
                } else {
                    "helm".into()
                }
            });
            let renderer = crate::review::Renderer {
                helm,
                charts: charts.clone(),
            };
            match renderer.releases(&a, &b) {
                Ok(r) => d.rendered = r,
                Err(message) => {
                    report::error(&message);
                    return EXIT_ERROR;
                }
            }
        }
        diffs.push(d);
    }
    let differs = !patches.is_empty() || diffs.iter().any(|d| !d.is_empty());
    let text = match args.format {
        DiffFormat::Patch => patches,
        DiffFormat::Text => crate::review::text(&diffs),
        DiffFormat::Markdown => crate::review::markdown(&diffs, crate::review::MARKDOWN_CAP),
        DiffFormat::Json => crate::review::json(&diffs),
    };
    if let Err(code) = report::stdout(&text) {
        return code;
    }
    if differs { EXIT_DIFFERS } else { EXIT_OK }
}

/// A unified diff of two trees (files only in the manifest-listed old tree or the new one).
fn tree_patch(
    dir: &Path,
    old: &crate::render::RenderedTree,
    new: &crate::render::RenderedTree,
) -> String {
    let mut out = String::new();
    let paths: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for path in paths {
        let (a, b) = (old.get(path), new.get(path));
        if a == b {
            continue;
        }
        let text = |v: Option<&Vec<u8>>| v.map(|b| String::from_utf8_lossy(b).into_owned());
        out.push_str(&unified_diff(
            &display_path(&dir.join(path)),
            text(a).as_deref(),
            text(b).as_deref(),
            DiffStyle::Plain,
        ));
    }
    out
}

/// `o11yc diff --format patch`: a unified diff of OUT against what `build` would write.
fn patch(sel: &Selection) -> i32 {
    let Some(compiled) = compile_all(sel, false) else {
        return EXIT_ERROR;
    };
    let style = if report::stdout_color() {
        DiffStyle::Color
    } else {
        DiffStyle::Plain
    };
    let mut any = false;
    for c in &compiled {
        let dir = sel.out.join(&c.profile.name);
        let changes = match changes_of(&dir, c) {
            Ok(changes) => changes,
            Err(code) => return code,
        };
        for change in changes {
            any = true;
            let shown = display_path(&dir.join(change.path()));
            let on_disk = match change {
                Change::Added(_) => None,
                _ => match read_regular(&dir.join(change.path())) {
                    Ok(b) => Some(String::from_utf8_lossy(&b).into_owned()),
                    Err(e) => {
                        report::error(&e.to_string());
                        return EXIT_ERROR;
                    }
                },
            };
            let generated = c
                .tree
                .get(change.path())
                .map(|b| String::from_utf8_lossy(b).into_owned());
            let (old, new) = match &change {
                Change::Added(_) => (None, generated.or_else(|| Some(String::new()))),
                Change::Modified(_) => (on_disk, generated.or_else(|| Some(String::new()))),
                Change::Removed(_) => (on_disk, None),
            };
            if let Err(code) =
                report::stdout(&unified_diff(&shown, old.as_deref(), new.as_deref(), style))
            {
                return code;
            }
        }
    }
    if any { EXIT_DIFFERS } else { EXIT_OK }
}

/// `o11yc schema`.
pub fn schema(out: Option<&Path>) -> i32 {
    let text = crate::schema::schema_json();
    match out {
        None => match report::stdout(&text) {
            Ok(()) => EXIT_OK,
            Err(code) => code,
        },
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                report::error(&format!("cannot write {}: {e}", path.display()));
                EXIT_ERROR
            }
        },
    }
}

/// `o11yc explain [CODE]`.
pub fn explain(code: Option<&str>) -> i32 {
    use crate::diag::codes;
    let text = match code {
        None => codes::ALL
            .iter()
            .map(|c| format!("{}  {}\n", c.code, c.title))
            .collect::<String>(),
        Some(code) => match codes::lookup(code) {
            Some(c) => format!("{}: {}\n\n{}\n", c.code, c.title, c.explanation),
            None => {
                report::error(&format!(
                    "no diagnostic code `{code}`\nhelp: `o11yc explain` lists every code"
                ));
                return EXIT_ERROR;
            }
        },
    };
    match report::stdout(&text) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}
