//! A section left empty (`grafana:` holding only a comment) is null in YAML.
//! In a child profile that replaces the inherited section and silently drops
//! the component, so an empty section is an error: say `enabled: false` to
//! drop a component, or remove the key to keep it.

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};

/// Top-level sections that are mappings, in profile order.
const SECTIONS: &[&str] = &[
    "loki",
    "tempo",
    "prometheus",
    "grafana",
    "alloy",
    "alerts",
    "dashboards",
    "vcluster",
];

/// Sections with an `enabled` switch.
const SWITCHABLE: &[&str] = &["loki", "tempo", "prometheus", "grafana", "alloy"];

pub fn check(root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    for key in SECTIONS {
        let Some(entry) = root.entry(key) else {
            continue;
        };
        if entry.value.value != Node::Null {
            continue;
        }
        let help = if SWITCHABLE.contains(key) {
            format!(
                "write `{key}: {{ enabled: false }}` to leave it out (also when a base profile has it), or remove the key"
            )
        } else {
            format!("give its settings, or remove the `{key}` key")
        };
        out.push(
            error_at(root, &[Step::Key(key)], format!("`{key}` is empty"))
                .expected("a mapping of settings")
                .help(help),
        );
    }
}
