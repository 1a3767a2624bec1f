//! The report: text for terminals, Markdown for a pull-request comment, JSON for tools.

use std::fmt::Write;

use similar::{ChangeTag, TextDiff};

use super::compare::{ItemChange, PathChange, PipelineChange, ProfileDiff, Status};
use super::model::Section;

/// The largest Markdown report (GitHub comments hold 65,536 characters).
pub const MARKDOWN_CAP: usize = 60_000;

fn section_name(s: Section) -> &'static str {
    match s {
        Section::Release => "Helm release",
        Section::Object => "object",
        Section::Dashboard => "dashboard",
        Section::Rule => "rule",
        Section::File => "file",
    }
}

fn sign(s: Status) -> char {
    match s {
        Status::Added => '+',
        Status::Removed => '-',
        Status::Changed => '~',
    }
}

/// Whether a path holds a query (PromQL or LogQL), shown as a query.
fn is_query(path: &str) -> bool {
    path.ends_with("expr") || path.ends_with(".query")
}

/// One changed path as lines, each prefixed with `indent`.
fn path_lines(c: &PathChange, indent: &str) -> String {
    let mut out = String::new();
    let label = if is_query(&c.path) { "query " } else { "" };
    match (&c.old, &c.new) {
        (None, None) => {}
        (Some(o), Some(n)) if o.contains('\n') || n.contains('\n') => {
            let _ = writeln!(out, "{indent}~ {label}{}:", c.path);
            let diff = TextDiff::from_lines(o.as_str(), n.as_str());
            for op in diff.grouped_ops(1) {
                for op in op {
                    for ch in diff.iter_changes(&op) {
                        let s = match ch.tag() {
                            ChangeTag::Delete => '-',
                            ChangeTag::Insert => '+',
                            ChangeTag::Equal => ' ',
                        };
                        let _ = writeln!(
                            out,
                            "{indent}    {s} {}",
                            ch.value().trim_end_matches('\n').replace('\t', "  ")
                        );
                    }
                }
            }
        }
        (Some(o), Some(n)) if is_query(&c.path) => {
            let _ = writeln!(out, "{indent}~ query {}:", c.path);
            let _ = writeln!(out, "{indent}    - {o}");
            let _ = writeln!(out, "{indent}    + {n}");
        }
        (Some(o), Some(n)) => {
            let _ = writeln!(out, "{indent}~ {}: {o} → {n}", c.path);
        }
        (Some(o), None) => {
            let _ = writeln!(out, "{indent}- {label}{}: {}", c.path, one_line(o));
        }
        (None, Some(n)) => {
            let _ = writeln!(out, "{indent}+ {label}{}: {}", c.path, one_line(n));
        }
    }
    out
}

fn one_line(s: &str) -> String {
    match s.lines().count() {
        0 | 1 => s.to_owned(),
        n => format!("({n} lines)"),
    }
}

fn item_text(i: &ItemChange, indent: &str) -> String {
    let mut out = format!(
        "{indent}{} {} {}\n",
        sign(i.status),
        section_name(i.section),
        i.id
    );
    let inner = format!("{indent}    ");
    for c in &i.changes {
        out.push_str(&path_lines(c, &inner));
    }
    out
}

fn pipeline_text(p: &PipelineChange, indent: &str) -> String {
    let mut out = format!("{indent}~ pipeline {}\n", p.at);
    let list = |out: &mut String, s: char, what: &str, v: &[String]| {
        for x in v {
            let _ = writeln!(out, "{indent}    {s} {what} {x}");
        }
    };
    list(&mut out, '-', "component", &p.components_removed);
    list(&mut out, '+', "component", &p.components_added);
    for c in &p.components_changed {
        out.push_str(&path_lines(c, &format!("{indent}    ")).replacen("~ ", "~ component ", 1));
    }
    list(&mut out, '-', "connection", &p.connections_removed);
    list(&mut out, '+', "connection", &p.connections_added);
    // Sources whose labels changed the same way are listed together.
    let mut same: Vec<(Vec<String>, Vec<String>, Vec<&str>)> = Vec::new();
    for s in &p.labels {
        let lost: Vec<String> = s
            .before
            .iter()
            .filter(|l| !s.after.contains(l))
            .cloned()
            .collect();
        let new: Vec<String> = s
            .after
            .iter()
            .filter(|l| !s.before.contains(l))
            .cloned()
            .collect();
        match same.iter_mut().find(|(l, n, _)| *l == lost && *n == new) {
            Some((_, _, sources)) => sources.push(&s.source),
            None => same.push((lost, new, vec![&s.source])),
        }
    }
    for (lost, new, sources) in same {
        let _ = writeln!(
            out,
            "{indent}    ~ stream labels of {}:",
            sources.join(", ")
        );
        for l in lost {
            let _ = writeln!(out, "{indent}        - {l}");
        }
        for l in new {
            let _ = writeln!(out, "{indent}        + {l}");
        }
    }
    out
}

fn body_text(d: &ProfileDiff, indent: &str) -> String {
    let mut out = String::new();
    for i in &d.items {
        out.push_str(&item_text(i, indent));
    }
    for p in &d.pipelines {
        out.push_str(&pipeline_text(p, indent));
    }
    for r in &d.rendered {
        let _ = writeln!(out, "{indent}~ {} rendered:", r.release);
        if r.items.is_empty() {
            let _ = writeln!(out, "{indent}    (no object changes)");
        }
        for i in &r.items {
            out.push_str(&item_text(i, &format!("{indent}    ")));
        }
    }
    for doc in &d.docs {
        let _ = writeln!(out, "{indent}~ documentation {doc} (not deployed)");
    }
    out
}

/// The text report: one block per profile that differs.
pub fn text(diffs: &[ProfileDiff]) -> String {
    let mut out = String::new();
    for d in diffs.iter().filter(|d| !d.is_empty()) {
        let _ = writeln!(out, "{}:", d.profile);
        out.push_str(&body_text(d, "  "));
    }
    out
}

fn counts(d: &ProfileDiff) -> (usize, usize, usize) {
    let n = |s: Status| d.items.iter().filter(|i| i.status == s).count();
    let c = n(Status::Changed) + d.pipelines.len() + d.docs.len();
    (n(Status::Added), n(Status::Removed), c)
}

/// The Markdown report for a pull-request comment: a summary table and one
/// collapsible section per profile, cut at [`MARKDOWN_CAP`] characters.
pub fn markdown(diffs: &[ProfileDiff], cap: usize) -> String {
    let mut out = String::from("### o11yc diff\n\n");
    let changed: Vec<&ProfileDiff> = diffs.iter().filter(|d| !d.is_empty()).collect();
    if changed.is_empty() {
        out.push_str("No changes to the generated output.\n");
        return out;
    }
    out.push_str("| Profile | Added | Removed | Changed | Pipeline |\n|---|---:|---:|---:|---|\n");
    for d in &changed {
        let (a, r, c) = counts(d);
        let p = if d.pipelines.is_empty() {
            ""
        } else {
            "changed"
        };
        let _ = writeln!(out, "| `{}` | {a} | {r} | {c} | {p} |", d.profile);
    }
    out.push('\n');
    let mut cut = Vec::new();
    for d in &changed {
        let section = format!(
            "<details><summary><code>{}</code></summary>\n\n```diff\n{}```\n\n</details>\n\n",
            d.profile,
            body_text(d, "").replace("```", "`\u{200b}``")
        );
        if out.len() + section.len() + 200 > cap {
            cut.push(d.profile.as_str());
        } else {
            out.push_str(&section);
        }
    }
    if !cut.is_empty() {
        let _ = writeln!(
            out,
            "> Cut to stay under {cap} characters: the details of {}. Run `o11yc diff` locally to see them.",
            cut.iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}

/// The JSON report.
pub fn json(diffs: &[ProfileDiff]) -> String {
    let changed: Vec<&ProfileDiff> = diffs.iter().filter(|d| !d.is_empty()).collect();
    let mut s = serde_json::to_string_pretty(&changed).expect("a diff always serializes");
    s.push('\n');
    s
}
