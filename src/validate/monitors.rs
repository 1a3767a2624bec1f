//! Monitors of your own: Prometheus must select them. A monitor whose labels
//! contradict Prometheus' selector would be silently ignored in the cluster.

use std::collections::BTreeSet;

use super::locate::{Step, error_at};
use super::names::is_dns_label;
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::Profile;

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    if profile.monitors.is_empty() {
        return;
    }
    let Some(kps) = profile.prometheus.as_ref().filter(|p| p.enabled) else {
        out.push(
            error_at(root, &[Step::Key("monitors")],
                "monitors need the `prometheus` component (it brings the ServiceMonitor and PodMonitor CRDs)")
                .help("add a `prometheus` section, or remove `monitors`"),
        );
        return;
    };
    let selector = kps.selector_labels();
    let mut seen = BTreeSet::new();
    for (i, monitor) in profile.monitors.iter().enumerate() {
        let at = |key: &'static str| [Step::Key("monitors"), Step::Index(i), Step::Key(key)];
        for (what, key, value) in [
            ("monitor", "name", &monitor.name),
            ("namespace", "namespace", &monitor.namespace),
        ] {
            if !is_dns_label(value) {
                out.push(
                    error_at(
                        root,
                        &at(key),
                        format!("`{value}` is not a valid {what} name"),
                    )
                    .expected("lower-case letters, digits and `-`, at most 63 characters"),
                );
            }
        }
        if !seen.insert((monitor.namespace.as_str(), monitor.name.as_str())) {
            out.push(error_at(
                root,
                &at("name"),
                format!(
                    "monitor `{}/{}` is declared twice",
                    monitor.namespace, monitor.name
                ),
            ));
        }
        if monitor.selector.is_empty() {
            out.push(
                error_at(
                    root,
                    &at("selector"),
                    "an empty selector would scrape every Service or Pod of the namespace",
                )
                .help(
                    "give the labels of the workload, e.g. `app.kubernetes.io/name: my-operator`",
                ),
            );
        }
        if !monitor.path.starts_with('/') {
            out.push(
                error_at(
                    root,
                    &at("path"),
                    format!("path `{}` must start with `/`", monitor.path),
                )
                .help(format!("write `/{}`", monitor.path)),
            );
        }
        for (key, wanted) in &selector {
            let Some(given) = monitor.labels.get(key) else {
                continue;
            };
            if given != wanted {
                let path = [
                    Step::Key("monitors"),
                    Step::Index(i),
                    Step::Key("labels"),
                    Step::Key(key),
                ];
                out.push(
                    error_at(root, &path, format!(
                        "Prometheus would ignore monitor `{}`: it selects monitors labelled `{key}: {wanted}`, this one says `{key}: {given}`",
                        monitor.name
                    ))
                    .expected(format!("`{key}: {wanted}` (from `prometheus.monitorSelector` / `prometheus.releaseName`)"))
                    .help(format!("remove `{key}` from `labels`: o11yc adds the labels Prometheus selects")),
                );
            }
        }
    }
}
