//! Alloy settings (the stack's and the vClusters'): sources need the stores they
//! write to and the node access they read from, and `custom` snippets must parse. The pipelines compile builds
//! are checked by the verify stage (`verify::pipelines`).

use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::{Alloy, AlloyController};
use crate::resolve::Side;
use crate::resolve::Stack;
use crate::validate::{Step, byte_line_col, custom_error, error_at};

/// Checks the Alloy settings of the stack and of the vClusters' Alloy.
pub fn check(stack: &Stack, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let profile = stack.profile;
    if let Some(alloy) = profile.alloy.as_ref().filter(|a| a.enabled) {
        check_alloy(stack, alloy, &[Step::Key("alloy")], Side::Stack, root, out);
    }
    let in_vcluster = profile.vcluster.as_ref().and_then(|v| v.alloy.as_ref());
    if let Some(alloy) = in_vcluster.filter(|a| a.enabled) {
        check_alloy(
            stack,
            alloy,
            &[Step::Key("vcluster"), Step::Key("alloy")],
            Side::VCluster,
            root,
            out,
        );
    }
}

fn at<'a>(base: &[Step<'a>], rest: &[Step<'a>]) -> Vec<Step<'a>> {
    base.iter().chain(rest).copied().collect()
}

fn check_alloy(
    stack: &Stack,
    alloy: &Alloy,
    base: &[Step],
    side: Side,
    root: &Located<Node>,
    out: &mut Vec<Diagnostic>,
) {
    let profile = stack.profile;
    let logs = &alloy.logs;
    if logs.any_enabled() && stack.loki().is_none() {
        out.push(
            error_at(root, &at(base, &[Step::Key("logs")]), "Alloy collects logs but the profile has no Loki to send them to")
                .help("add a `loki` section, or switch the log sources off (`pods: { enabled: false }`, `events: { enabled: false }`)"),
        );
    }
    if alloy.metrics.any_enabled() {
        match stack.prometheus() {
            None => out.push(
                error_at(
                    root,
                    &at(base, &[Step::Key("metrics")]),
                    "Alloy scrapes metrics but the profile has no Prometheus to write them to",
                )
                .help("add a `prometheus` section with `remoteWriteReceiver: true`"),
            ),
            Some(kps) if !kps.remote_write_receiver => out.push(
                error_at(
                    root,
                    &at(base, &[Step::Key("metrics")]),
                    "Alloy writes metrics by remote write, which this Prometheus does not accept",
                )
                .help("set `prometheus.remoteWriteReceiver: true`"),
            ),
            Some(_) => {}
        }
    }
    if alloy.traces.otlp && stack.tempo_otlp_grpc_endpoint().is_none() {
        out.push(
            error_at(
                root,
                &at(base, &[Step::Key("traces"), Step::Key("otlp")]),
                "Alloy receives traces but the profile has no Tempo accepting OTLP gRPC",
            )
            .help("add a `tempo` section (with `otlp.grpc: true`), or set `otlp: false`"),
        );
    }
    if logs.needs_node_access() && alloy.controller != AlloyController::Daemonset {
        let source = if logs.journal.enabled {
            "journal"
        } else if logs.rke2.enabled {
            "rke2"
        } else {
            "pods"
        };
        out.push(
            error_at(
                root,
                &at(base, &[Step::Key("logs"), Step::Key(source)]),
                format!("`logs.{source}` reads files on the node, so Alloy must run on every node"),
            )
            .help("set `controller: daemonset`, or read pod logs with `via: api`"),
        );
    }
    let needs_vcluster = logs.audit.syncer || logs.pods.vcluster_namespaces_only;
    if needs_vcluster && profile.vcluster.is_none() {
        let key = if logs.audit.syncer { "audit" } else { "pods" };
        out.push(
            error_at(
                root,
                &at(base, &[Step::Key("logs"), Step::Key(key)]),
                "this source reads vCluster namespaces, but the profile has no `vcluster` section",
            )
            .help("add `vcluster: { namespaceFormat: test-{installer}-{run_id}-{run_attempt} }`"),
        );
    }
    if logs.audit.syncer && !logs.pods.enabled {
        out.push(
            error_at(
                root,
                &at(
                    base,
                    &[Step::Key("logs"), Step::Key("audit"), Step::Key("syncer")],
                ),
                "audit events from the syncer are read with the pod logs, which are off",
            )
            .help("enable `logs.pods`"),
        );
    }
    check_log_labels(alloy, base, root, out);
    if side == Side::VCluster
        && logs.audit.webhook.is_some()
        && profile
            .alloy
            .as_ref()
            .is_some_and(|a| a.enabled && a.logs.audit.syncer)
    {
        out.push(
            error_at(
                root,
                &at(base, &[Step::Key("logs"), Step::Key("audit"), Step::Key("webhook")]),
                "audit events would be collected twice: by this webhook and by the stack's Alloy from the syncer's stdout (`alloy.logs.audit.syncer`)",
            )
            .help("keep one: remove `webhook` here, or set `alloy.logs.audit.syncer: false`"),
        );
    }
    let custom_path = at(base, &[Step::Key("custom")]);
    if let Some(custom) = &alloy.custom
        && let Err(diags) = o11yc_alloy::parse(custom)
    {
        let lines = o11yc_alloy::LineIndex::new(custom);
        for d in diags {
            let (line, col) = byte_line_col(&lines, &d);
            out.push(custom_error(root, &custom_path, &d, line, col));
        }
    }
}

/// Whether `name` is a valid Loki/Prometheus label name that is not reserved (`__`).
fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with("__")
}

/// The source label's name and the audit labels.
fn check_log_labels(alloy: &Alloy, base: &[Step], root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let logs = &alloy.logs;
    if !is_label_name(&logs.source_label) {
        out.push(
            error_at(
                root,
                &at(base, &[Step::Key("logs"), Step::Key("sourceLabel")]),
                format!("`{}` is not a label name", logs.source_label),
            )
            .expected("letters, digits and `_`, not starting with a digit or `__`")
            .help("e.g. `source` or `log_type`"),
        );
    }
    // Labels the pipeline sets itself: a source label of the same name would be
    // overwritten by them, or overwrite them.
    const TAKEN: &[&str] = &[
        "cluster",
        "namespace",
        "pod",
        "container",
        "node",
        "app",
        "app_name",
        "job",
        "instance",
        "level",
        "unit",
        "type",
        "verb",
        "resource",
    ];
    if TAKEN.contains(&logs.source_label.as_str()) {
        out.push(
            error_at(
                root,
                &at(base, &[Step::Key("logs"), Step::Key("sourceLabel")]),
                format!(
                    "`{}` is a label the pipeline already sets",
                    logs.source_label
                ),
            )
            .help("choose another name, e.g. `source` or `log_type`"),
        );
    }
    let values = &logs.source_values;
    for (key, value) in [
        ("podLog", &values.pod_log),
        ("k8sEvent", &values.k8s_event),
        ("k8sAuditLog", &values.k8s_audit_log),
        ("journal", &values.journal),
        ("rke2", &values.rke2),
    ] {
        if value.trim().is_empty() {
            out.push(
                error_at(
                    root,
                    &at(
                        base,
                        &[Step::Key("logs"), Step::Key("sourceValues"), Step::Key(key)],
                    ),
                    "the source value is empty, and Loki drops empty labels",
                )
                .help("give it a value, or remove the key for the default"),
            );
        } else if let Some(bad) = value
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "_.:-".contains(*c)))
        {
            // The value is written into LogQL strings and Grafana's comma-separated
            // variable lists; these characters are safe in both.
            out.push(
                error_at(
                    root,
                    &at(
                        base,
                        &[Step::Key("logs"), Step::Key("sourceValues"), Step::Key(key)],
                    ),
                    format!("the source value `{value}` contains `{bad}`"),
                )
                .expected("letters, digits, `_`, `.`, `:` or `-`, e.g. `kubernetes-events`")
                .help("choose a value without quotes, backslashes, commas or spaces"),
            );
        }
    }
    let audited = logs.audit.syncer || logs.audit.webhook.is_some();
    if !logs.audit.labels.is_empty() && !audited {
        out.push(
            error_at(
                root,
                &at(
                    base,
                    &[Step::Key("logs"), Step::Key("audit"), Step::Key("labels")],
                ),
                "audit labels are set but this Alloy collects no audit events",
            )
            .help("add `syncer: true` or a `webhook`, or remove `labels`"),
        );
    }
    if let Some(webhook) = &logs.audit.webhook
        && !crate::validate::is_dns_label(&webhook.service)
    {
        out.push(
            error_at(
                root,
                &at(
                    base,
                    &[
                        Step::Key("logs"),
                        Step::Key("audit"),
                        Step::Key("webhook"),
                        Step::Key("service"),
                    ],
                ),
                format!("`{}` is not a valid Service name", webhook.service),
            )
            .expected("a DNS label: lower-case letters, digits and `-`, at most 63 characters"),
        );
    }
}
