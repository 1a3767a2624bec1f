//! Placement against the declared nodes: selectors, tolerations, local volumes.
//! These checks run only when `cluster.nodes` is given.

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::diag::suggest::did_you_mean;
use crate::load::{Located, Node as YamlNode};
use crate::model::{AlloyController, Node, Placement, Profile, Storage, TaintEffect, Toleration};
use crate::resolve::placement::effect_name;

fn tolerates(tolerations: &[Toleration], taint: &crate::model::Taint) -> bool {
    tolerations.iter().any(|t| {
        t.key == taint.key
            && t.value
                .as_ref()
                .is_none_or(|v| Some(v) == taint.value.as_ref())
            && t.effect.is_none_or(|e| e == taint.effect)
    })
}

fn selects(placement: &Placement, node: &Node) -> bool {
    placement.node_selector.iter().all(|(k, v)| {
        node.labels.get(k) == Some(v) || (k == "kubernetes.io/hostname" && *v == node.name)
    })
}

fn schedulable(placement: &Placement, node: &Node) -> bool {
    selects(placement, node)
        && node
            .taints
            .iter()
            .filter(|t| t.effect != TaintEffect::PreferNoSchedule)
            .all(|t| tolerates(&placement.tolerations, t))
}

/// An Alloy DaemonSet without a node selector is meant to run on every node (a
/// node without it sends no logs): it must tolerate every taint that keeps pods off.
fn check_every_node_daemonset(
    profile: &Profile,
    root: &Located<YamlNode>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(alloy) = profile.alloy.as_ref().filter(|a| a.enabled) else {
        return;
    };
    if alloy.controller != AlloyController::Daemonset || !alloy.placement.node_selector.is_empty() {
        return;
    }
    for node in &profile.cluster.nodes {
        let untolerated: Vec<String> = node
            .taints
            .iter()
            .filter(|t| {
                t.effect != TaintEffect::PreferNoSchedule
                    && !tolerates(&alloy.placement.tolerations, t)
            })
            .map(|t| {
                format!(
                    "{}={}:{}",
                    t.key,
                    t.value.clone().unwrap_or_default(),
                    effect_name(t.effect)
                )
            })
            .collect();
        if untolerated.is_empty() {
            continue;
        }
        let path = if alloy.placement.tolerations.is_empty() {
            vec![Step::Key("alloy"), Step::Key("controller")]
        } else {
            vec![
                Step::Key("alloy"),
                Step::Key("placement"),
                Step::Key("tolerations"),
            ]
        };
        out.push(
            error_at(
                root,
                &path,
                format!(
                    "the Alloy DaemonSet would not run on node `{}`, so that node's logs and metrics would be lost",
                    node.name
                ),
            )
            .note(format!("taints not tolerated: {}", untolerated.join(", ")))
            .help("add the taints to `alloy.placement.tolerations`, or give Alloy a `nodeSelector` if it is not meant for every node"),
        );
    }
}

pub fn check(profile: &Profile, root: &Located<YamlNode>, out: &mut Vec<Diagnostic>) {
    let nodes = &profile.cluster.nodes;
    if nodes.is_empty() {
        return;
    }
    check_every_node_daemonset(profile, root, out);
    for c in profile.enabled_components() {
        let (component, placement, storage) = (c.key(), c.placement(), c.storage());
        let base = [Step::Key(component), Step::Key("placement")];
        for (i, toleration) in placement.tolerations.iter().enumerate() {
            let declared = nodes
                .iter()
                .flat_map(|n| &n.taints)
                .any(|t| t.key == toleration.key);
            if !declared {
                let keys: Vec<&str> = nodes
                    .iter()
                    .flat_map(|n| &n.taints)
                    .map(|t| t.key.as_str())
                    .collect();
                let mut d = error_at(
                    root,
                    &[
                        base[0],
                        base[1],
                        Step::Key("tolerations"),
                        Step::Index(i),
                        Step::Key("key"),
                    ],
                    format!(
                        "toleration for taint `{}`, which no node in `cluster.nodes` has",
                        toleration.key
                    ),
                )
                .note(format!(
                    "declared taint keys: {}",
                    if keys.is_empty() {
                        "none".to_owned()
                    } else {
                        keys.join(", ")
                    }
                ));
                if let Some(s) = did_you_mean(&toleration.key, keys.iter().copied()) {
                    d = d.help(format!("did you mean `{s}`?"));
                } else {
                    d = d.help("fix the key, or add the taint to the node in `cluster.nodes`");
                }
                out.push(d);
            }
        }
        if !placement.node_selector.is_empty() && !nodes.iter().any(|n| selects(placement, n)) {
            let wanted: Vec<String> = placement
                .node_selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            out.push(
                error_at(
                    root,
                    &[base[0], base[1], Step::Key("nodeSelector")],
                    format!(
                        "no node in `cluster.nodes` has the labels {}",
                        wanted.join(", ")
                    ),
                )
                .help("fix the selector, or add the labels to the node in `cluster.nodes`"),
            );
        }
        let Some(Storage::HostPath(volume)) = storage else {
            continue;
        };
        let node_path = [
            Step::Key(component),
            Step::Key("storage"),
            Step::Key("hostPath"),
            Step::Key("node"),
        ];
        let Some(node) = nodes.iter().find(|n| n.name == volume.node) else {
            let mut d = error_at(
                root,
                &node_path,
                format!("node `{}` is not in `cluster.nodes`", volume.node),
            );
            if let Some(s) = did_you_mean(&volume.node, nodes.iter().map(|n| n.name.as_str())) {
                d = d.help(format!("did you mean `{s}`?"));
            } else {
                d = d.help("add the node to `cluster.nodes`");
            }
            out.push(d);
            continue;
        };
        if !schedulable(placement, node) {
            let untolerated: Vec<String> = node
                .taints
                .iter()
                .filter(|t| {
                    t.effect != TaintEffect::PreferNoSchedule
                        && !tolerates(&placement.tolerations, t)
                })
                .map(|t| {
                    format!(
                        "{}={}:{}",
                        t.key,
                        t.value.clone().unwrap_or_default(),
                        effect_name(t.effect)
                    )
                })
                .collect();
            let mut d = error_at(
                root,
                &node_path,
                format!(
                    "{component}'s volume is on `{}`, but its pods cannot be scheduled there",
                    node.name
                ),
            );
            if !selects(placement, node) {
                d = d.note("the node does not match `placement.nodeSelector`");
            }
            if !untolerated.is_empty() {
                d = d.note(format!("taints not tolerated: {}", untolerated.join(", ")));
            }
            out.push(d.help(
                "align `placement` with the node, or move the volume to a node the pods can run on",
            ));
        }
    }
}
