//! Settings that are valid on their own but not together and belong to no one
//! component (each component's own are in `src/components/<name>/validate.rs`).

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::{DeliveryMode, Profile};

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    if profile.delivery.mode == DeliveryMode::Flux && profile.delivery.flux.is_none() {
        out.push(
            error_at(root, &[Step::Key("delivery"), Step::Key("mode")], "`mode: flux` needs `delivery.flux`")
                .help("add `flux: { path: ./generated/<profile> }` under `delivery`: the path Flux reads this directory from"),
        );
    }
    if let Some(vcluster) = &profile.vcluster {
        check_namespace_format(
            &vcluster.namespace_format,
            vcluster.namespace_label.as_deref(),
            root,
            out,
        );
    }
}

/// Labels o11yc itself puts on collected telemetry (or that Loki and
/// Prometheus give a meaning): a placeholder with one of these names would
/// overwrite it.
pub const RESERVED_LABELS: &[&str] = &[
    "app",
    "app_name",
    "cluster",
    "container",
    "instance",
    "job",
    "le",
    "level",
    "namespace",
    "node",
    "pod",
    "quantile",
    "service_name",
    "source",
    "type",
    "unit",
];

/// A namespace format must be a DNS label with `{label_name}` placeholders that
/// can be told apart: two placeholders need a literal between them, and none
/// may take the name of a label o11yc sets itself.
fn check_namespace_format(
    format: &str,
    namespace_label: Option<&str>,
    root: &Located<Node>,
    out: &mut Vec<Diagnostic>,
) {
    let path = [Step::Key("vcluster"), Step::Key("namespaceFormat")];
    let mut placeholders = Vec::new();
    let mut literal_since_last = true;
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        let literal = &rest[..open];
        if !literal.is_empty() {
            literal_since_last = true;
        }
        if literal
            .chars()
            .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        {
            out.push(
                error_at(
                    root,
                    &path,
                    format!("`{literal}` in `{format}` cannot appear in a namespace name"),
                )
                .expected("lower-case letters, digits and `-` between placeholders"),
            );
            return;
        }
        let Some(close) = rest[open..].find('}') else {
            out.push(
                error_at(root, &path, format!("unclosed `{{` in `{format}`"))
                    .help("close the placeholder with `}`"),
            );
            return;
        };
        let name = &rest[open + 1..open + close];
        let valid = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            out.push(
                error_at(
                    root,
                    &path,
                    format!("placeholder `{{{name}}}` is not a valid label name"),
                )
                .expected("lower-case letters, digits and `_`, e.g. `{run_id}`"),
            );
            return;
        }
        if name.starts_with("__")
            || RESERVED_LABELS.contains(&name)
            || namespace_label == Some(name)
        {
            let why = if name.starts_with("__") {
                "labels starting with `__` are internal to Prometheus and Alloy and are dropped or overwritten"
                    .to_string()
            } else if namespace_label == Some(name) {
                "`vcluster.namespaceLabel` already names the label holding the whole namespace"
                    .to_string()
            } else {
                format!("o11yc sets `{name}` on collected telemetry itself")
            };
            out.push(
                error_at(
                    root,
                    &path,
                    format!(
                        "placeholder `{{{name}}}` in `{format}` would overwrite a reserved label"
                    ),
                )
                .note(why)
                .help(format!(
                    "rename it, e.g. `{{{}_name}}`",
                    name.trim_start_matches('_')
                )),
            );
            return;
        }
        if !literal_since_last {
            out.push(error_at(root, &path, format!("placeholders before `{{{name}}}` in `{format}` touch, so their values cannot be told apart"))
                .help("put a separator such as `-` between them"));
            return;
        }
        if placeholders.contains(&name) {
            out.push(error_at(
                root,
                &path,
                format!("placeholder `{{{name}}}` appears twice in `{format}`"),
            ));
            return;
        }
        placeholders.push(name);
        literal_since_last = false;
        rest = &rest[open + close + 1..];
    }
    if placeholders.is_empty() {
        out.push(error_at(root, &path, format!("`{format}` has no `{{placeholder}}`"))
            .help("name the parts to extract as labels, e.g. `test-{installer}-{run_id}-{run_attempt}`"));
    }
}
