//! Kubernetes names must be DNS labels.

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::Profile;

/// Whether `name` is an RFC 1123 label (namespaces, release names).
pub fn is_dns_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn label_error(root: &Located<Node>, path: &[Step], what: &str, name: &str) -> Diagnostic {
    let fixed: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    error_at(root, path, format!("`{name}` is not a valid {what} name"))
        .expected("lower-case letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters")
        .help(format!("use `{}`", fixed.trim_matches('-')))
}

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    if profile.cluster.name.trim().is_empty() {
        out.push(
            error_at(
                root,
                &[Step::Key("cluster"), Step::Key("name")],
                "`cluster.name` is empty",
            )
            .expected(
                "a short name such as `homelab`: it becomes the `cluster` label of all telemetry",
            )
            .help("give the cluster a name"),
        );
    }
    let mut namespaces: Vec<(Vec<Step>, &str)> =
        vec![(vec![Step::Key("namespace")], &profile.namespace)];
    for component in profile.components() {
        if let Some(ns) = component.namespace_override() {
            namespaces.push((vec![Step::Key(component.key()), Step::Key("namespace")], ns));
        }
    }
    for (path, name) in namespaces {
        if !is_dns_label(name) {
            out.push(label_error(root, &path, "namespace", name));
        }
    }
    for name in profile.namespaces.keys() {
        if !is_dns_label(name) {
            out.push(label_error(
                root,
                &[Step::Key("namespaces"), Step::Key(name)],
                "namespace",
                name,
            ));
        }
    }
    if let Some(kps) = &profile.prometheus
        && !is_dns_label(&kps.release_name)
    {
        out.push(label_error(
            root,
            &[Step::Key("prometheus"), Step::Key("releaseName")],
            "release",
            &kps.release_name,
        ));
    }
    let mut seen = std::collections::BTreeMap::new();
    for (i, node) in profile.cluster.nodes.iter().enumerate() {
        if let Some(first) = seen.insert(node.name.as_str(), i) {
            out.push(
                error_at(
                    root,
                    &[Step::Key("cluster"), Step::Key("nodes"), Step::Index(i)],
                    format!("node `{}` is listed twice", node.name),
                )
                .note(format!("first listed as cluster.nodes[{first}]"))
                .help("merge the two entries"),
            );
        }
    }
}
