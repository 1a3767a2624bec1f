//! vCluster settings: `namespaceFormat` is a namespace name with placeholders that
//! can be told apart, `labelPatterns` name its placeholders and are valid RE2 without
//! capturing groups, and an audit source has the audit policy.

use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::Profile;
use crate::resolve::{Stack, namespace_format};
use crate::validate::{Step, error_at};

/// Checks `vcluster.namespaceFormat` (and `namespaceLabel`), when the profile has a
/// `vcluster` section.
pub fn check_namespace_format(stack: &Stack, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    if let Some(vcluster) = &stack.profile.vcluster {
        check_format(
            &vcluster.namespace_format,
            vcluster.namespace_label.as_deref(),
            root,
            out,
        );
    }
}

/// Checks the `vcluster` section, when the profile has one.
pub fn check(stack: &Stack, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let profile = stack.profile;
    if let Some(vcluster) = &profile.vcluster {
        check_label_patterns(vcluster, root, out);
        check_audit_policy(profile, vcluster, root, out);
    }
}

/// An audit source needs the policy: without it the API server audits nothing.
fn check_audit_policy(
    profile: &Profile,
    vcluster: &crate::model::VCluster,
    root: &Located<Node>,
    out: &mut Vec<Diagnostic>,
) {
    if vcluster.audit_policy.enabled {
        return;
    }
    let syncer = profile
        .alloy
        .as_ref()
        .is_some_and(|a| a.enabled && a.logs.audit.syncer);
    let webhook = vcluster
        .alloy
        .as_ref()
        .is_some_and(|a| a.enabled && a.logs.audit.webhook.is_some());
    if syncer || webhook {
        out.push(
            error_at(
                root,
                &[Step::Key("vcluster"), Step::Key("auditPolicy"), Step::Key("enabled")],
                "Alloy collects audit events, but without the audit policy the vCluster's API server records none",
            )
            .help("set `enabled: true`, or remove the audit source (`audit.syncer`, `audit.webhook`)"),
        );
    }
}

fn check_label_patterns(
    vcluster: &crate::model::VCluster,
    root: &Located<Node>,
    out: &mut Vec<Diagnostic>,
) {
    let placeholders = namespace_format::placeholders(&vcluster.namespace_format);
    for (name, pattern) in &vcluster.label_patterns {
        let path = [
            Step::Key("vcluster"),
            Step::Key("labelPatterns"),
            Step::Key(name),
        ];
        if !placeholders.contains(&name.as_str()) {
            let mut d = error_at(
                root,
                &path,
                format!("`{name}` is not a placeholder of `namespaceFormat`"),
            )
            .expected(format!("one of {}", placeholders.join(", ")));
            if let Some(s) = crate::diag::suggest::did_you_mean(name, placeholders.iter().copied())
            {
                d = d.help(format!("did you mean `{s}`?"));
            }
            out.push(d);
        }
        match regex::Regex::new(pattern) {
            Err(e) => out.push(
                error_at(
                    root,
                    &path,
                    format!("`{pattern}` is not a valid regular expression"),
                )
                .note(e.to_string())
                .help("patterns use RE2 syntax, as Alloy's relabel rules do"),
            ),
            Ok(re) if re.captures_len() > 1 => out.push(
                error_at(root, &path, format!("`{pattern}` has a capturing group"))
                    .help("use a non-capturing group `(?:...)`: groups number the run labels"),
            ),
            Ok(_) => {}
        }
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
fn check_format(
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
