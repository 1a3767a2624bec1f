//! Log sources: pods (API or files), events, journal, RKE2 files and the audit
//! webhook, each with its `loki.process` stages.

use o11yc_alloy::{Block, Expr};

use super::relabel::{copy, keep};
use super::stages;
use super::{Context, Side, meta_label, relabel};
use crate::model::PodLogSource;

/// The label vCluster puts on the host copies of the pods it syncs.
pub const SYNCED_POD_LABEL: &str = "vcluster.loft.sh/managed-by";

/// Where the audit event is in a webhook request: the first item of the
/// `EventList`. The API server's webhook batches hold one event each
/// (`--audit-webhook-batch-max-size=1` in the generated vCluster values).
pub const WEBHOOK_EVENT: &str = "items[0].";

/// Whether the Alloy inside each vCluster collects pod logs, so the host Alloy
/// must leave the synced workload pods to it.
fn vcluster_alloy_owns_pod_logs(cx: &Context) -> bool {
    cx.stack
        .profile
        .vcluster
        .as_ref()
        .and_then(|v| v.alloy.as_ref())
        .is_some_and(|a| a.enabled && a.logs.pods.enabled)
}

/// A LogQL string literal.
fn quoted(value: &str) -> String {
    serde_json::to_string(value).expect("strings serialize")
}

/// Adds every enabled log source (`Logs::any_enabled` says whether there is one).
pub(super) fn add(cx: &mut Context) {
    let logs = &cx.alloy.logs;
    if logs.pods.enabled {
        pods(cx);
    }
    if logs.events.enabled {
        events(cx);
    }
    if logs.journal.enabled {
        journal(cx);
    }
    if logs.rke2.enabled {
        rke2(cx);
    }
    if let Some(webhook) = &logs.audit.webhook {
        audit_webhook(cx, webhook.port);
    }
}

/// `stage.static_labels` with the profile's source label and value.
fn source_label(cx: &Context, value: &str) -> Block {
    stages::source_label(&cx.alloy.logs.source_label, value)
}

/// The audit fields the profile makes stream labels.
fn audit_labels(cx: &Context) -> Vec<&'static str> {
    let mut names: Vec<_> = cx
        .alloy
        .logs
        .audit
        .labels
        .iter()
        .map(|l| l.name())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn process(label: &str, forward_to: Expr, stages: Vec<Block>) -> Block {
    Block::labeled("loki.process", label)
        .blocks(stages)
        .attr("forward_to", Expr::array([forward_to]))
}

fn pods(cx: &mut Context) {
    let pods = &cx.alloy.logs.pods;
    let targets = cx.pod_discovery();
    let mut rules = vec![relabel::drop(
        "__meta_kubernetes_pod_phase",
        "Pending|Succeeded|Failed|Completed",
    )];
    if !pods.namespaces.is_empty() {
        rules.push(keep(
            "__meta_kubernetes_namespace",
            &pods.namespaces.join("|"),
        ));
    }
    if cx.side == Side::Stack && vcluster_alloy_owns_pod_logs(cx) {
        // One owner per pod: the Alloy inside each vCluster reads its workloads, so
        // the stack's Alloy skips their host copies (and keeps the vCluster's own
        // pods: control plane, syncer).
        rules.push(relabel::drop(
            &format!(
                "__meta_kubernetes_pod_label_{}",
                meta_label(SYNCED_POD_LABEL)
            ),
            ".+",
        ));
    }
    let in_vclusters = pods.vcluster_namespaces_only && cx.side == Side::Stack;
    if in_vclusters && let Some(labels) = &cx.run_labels {
        rules.push(keep("__meta_kubernetes_namespace", &labels.regex));
        rules.extend(labels.rules("__meta_kubernetes_namespace"));
    }
    rules.extend([
        copy(&["__meta_kubernetes_namespace"], "namespace"),
        copy(&["__meta_kubernetes_pod_name"], "pod"),
        copy(&["__meta_kubernetes_pod_container_name"], "container"),
        copy(&["__meta_kubernetes_pod_node_name"], "node"),
        copy(&["__meta_kubernetes_pod_label_app"], "app"),
        copy(
            &["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
            "app_name",
        ),
        copy(
            &[
                "__meta_kubernetes_namespace",
                "__meta_kubernetes_pod_container_name",
            ],
            "job",
        )
        .attr("separator", "/"),
    ]);
    if pods.via == PodLogSource::Files {
        cx.host.varlog = true;
        rules.push(
            copy(
                &[
                    "__meta_kubernetes_pod_uid",
                    "__meta_kubernetes_pod_container_name",
                ],
                "__path__",
            )
            .attr("separator", "/")
            .attr("replacement", "/var/log/pods/*$1/*.log"),
        );
    }
    cx.blocks.push(
        Block::labeled("discovery.relabel", "pod_logs")
            .comment("Pod logs: running containers, with their Kubernetes labels.")
            .attr("targets", targets)
            .blocks(rules),
    );
    let receiver = Expr::reference("loki.process.pod_logs.receiver");
    match pods.via {
        PodLogSource::Api => cx.blocks.push(
            Block::labeled("loki.source.kubernetes", "pod_logs")
                .attr(
                    "targets",
                    Expr::reference("discovery.relabel.pod_logs.output"),
                )
                .attr("forward_to", Expr::array([receiver])),
        ),
        PodLogSource::Files => {
            cx.blocks
                .push(Block::labeled("local.file_match", "pod_logs").attr(
                    "path_targets",
                    Expr::reference("discovery.relabel.pod_logs.output"),
                ));
            cx.blocks.push(
                Block::labeled("loki.source.file", "pod_logs")
                    .attr(
                        "targets",
                        Expr::reference("local.file_match.pod_logs.targets"),
                    )
                    .attr("forward_to", Expr::array([receiver])),
            );
        }
    }
    let mut stages = Vec::new();
    if pods.via == PodLogSource::Files {
        stages.push(Block::new("stage.cri", None));
    }
    let values = &cx.alloy.logs.source_values;
    let label = cx.alloy.logs.source_label.as_str();
    stages.push(source_label(cx, &values.pod_log));
    if pods.parse_json {
        stages.extend(stages::json_level_and_message());
    }
    if pods.trace_ids {
        stages.extend(stages::trace_id());
    }
    let unified = cx.alloy.logs.unified_schema;
    if cx.alloy.logs.audit.syncer {
        let mut audit = vec![source_label(cx, &values.k8s_audit_log)];
        audit.extend(stages::audit_fields("", &audit_labels(cx)));
        if unified {
            audit.extend(stages::unified_line(&stages::unified_audit(
                &values.k8s_audit_log,
            )));
        }
        stages.push(stages::matching(
            r#"{container="syncer"} |= "\"apiVersion\":\"audit.k8s.io/v1\"""#,
            audit,
        ));
    }
    if unified {
        let mut unify = vec![stages::capture_json_line(), stages::pod_log_time()];
        unify.extend(stages::unified_line(&stages::unified_pod_log(
            &values.pod_log,
        )));
        stages.push(stages::matching(
            &format!("{{{label}={}}}", quoted(&values.pod_log)),
            unify,
        ));
    }
    let mut dropped = Vec::new();
    if pods.via == PodLogSource::Files {
        // `loki.source.file` labels each line with its file path: unbounded (a new
        // stream per pod and rotation), and namespace/pod/container already say it.
        dropped.push("filename");
    }
    if !pods.pod_label {
        dropped.push("pod");
    }
    if !dropped.is_empty() {
        stages.push(stages::label_drop(&dropped));
    }
    cx.blocks
        .push(process("pod_logs", cx.logs_sink.clone(), stages));
}

fn events(cx: &mut Context) {
    let events = &cx.alloy.logs.events;
    let mut source_block = Block::labeled("loki.source.kubernetes_events", "events")
        .comment("Kubernetes events, as JSON lines.")
        .attr("job_name", "kubernetes-events")
        .attr("log_format", "json");
    if !events.namespaces.is_empty() {
        source_block = source_block.attr(
            "namespaces",
            Expr::array(events.namespaces.iter().map(String::as_str)),
        );
    }
    // Every DaemonSet pod would read the same events: cluster them so one does.
    if cx.node_local {
        cx.host.clustering = true;
        source_block = source_block.block(Block::new("clustering", None).attr("enabled", true));
    }
    cx.blocks.push(source_block.attr(
        "forward_to",
        Expr::array([Expr::reference("loki.process.events.receiver")]),
    ));
    let value = &cx.alloy.logs.source_values.k8s_event;
    let mut stages = vec![source_label(cx, value)];
    stages.extend(stages::event_fields());
    if cx.alloy.logs.unified_schema {
        stages.push(stages::capture_json_line());
        stages.extend(stages::unified_line(&stages::unified_event(value)));
    }
    cx.blocks
        .push(process("events", cx.logs_sink.clone(), stages));
}

fn journal(cx: &mut Context) {
    let journal = &cx.alloy.logs.journal;
    cx.host.varlog = true;
    cx.host.journal_groups = true;
    let mut rules = Vec::new();
    if !journal.units.is_empty() {
        rules.push(keep("__journal__systemd_unit", &journal.units.join("|")));
    }
    rules.push(copy(&["__journal__systemd_unit"], "unit"));
    // The journal's priority keywords, normalised to the levels pod logs use.
    for (keywords, level) in JOURNAL_LEVELS {
        rules.push(
            Block::new("rule", None)
                .attr("source_labels", Expr::array(["__journal_priority_keyword"]))
                .attr("regex", *keywords)
                .attr("target_label", "level")
                .attr("replacement", *level),
        );
    }
    cx.blocks.push(
        Block::labeled("loki.relabel", "journal")
            .comment("The node's systemd journal, with unit and priority labels.")
            .blocks(rules)
            .attr("forward_to", Expr::array(Vec::<Expr>::new())),
    );
    cx.blocks.push(
        Block::labeled("loki.source.journal", "journal")
            .attr("path", "/var/log/journal")
            .attr("max_age", journal.max_age.go())
            .attr(
                "relabel_rules",
                Expr::reference("loki.relabel.journal.rules"),
            )
            .attr(
                "labels",
                Expr::object([
                    (
                        cx.alloy.logs.source_label.as_str(),
                        Expr::string(&cx.alloy.logs.source_values.journal),
                    ),
                    ("job", Expr::string("journal")),
                    ("node", Expr::call("sys.env", [Expr::string("HOSTNAME")])),
                ]),
            )
            .attr("forward_to", Expr::array([cx.logs_sink.clone()])),
    );
}

/// systemd priority keywords → the normalised `level` of pod logs.
const JOURNAL_LEVELS: &[(&str, &str)] = &[
    ("emerg|alert|crit|err", "error"),
    ("warning", "warning"),
    ("notice|info", "info"),
    ("debug", "debug"),
];

const RKE2_LOGS: &str = "/var/lib/rancher/rke2/agent/logs";
const RKE2_CONTAINERD: &str = "/var/lib/rancher/rke2/agent/containerd";

fn rke2(cx: &mut Context) {
    let label = cx.alloy.logs.source_label.clone();
    let value = cx.alloy.logs.source_values.rke2.clone();
    cx.host
        .host_paths
        .push(("rke2-logs".to_owned(), RKE2_LOGS.to_owned()));
    cx.host
        .host_paths
        .push(("rke2-containerd".to_owned(), RKE2_CONTAINERD.to_owned()));
    let target = |path: String, kind: &str| {
        Expr::object([
            ("__path__", Expr::string(path)),
            (label.as_str(), Expr::string(&value)),
            ("type", Expr::string(kind)),
            ("job", Expr::string("rke2")),
            ("node", Expr::call("sys.env", [Expr::string("HOSTNAME")])),
        ])
    };
    cx.blocks.push(
        Block::labeled("local.file_match", "rke2")
            .comment("RKE2's kubelet and containerd log files on the node.")
            .attr(
                "path_targets",
                Expr::array([
                    target(format!("{RKE2_LOGS}/kubelet.log"), "kubelet"),
                    target(format!("{RKE2_CONTAINERD}/containerd.log"), "containerd"),
                ]),
            ),
    );
    cx.blocks.push(
        Block::labeled("loki.source.file", "rke2")
            .attr("targets", Expr::reference("local.file_match.rke2.targets"))
            .attr(
                "forward_to",
                Expr::array([Expr::reference("loki.process.rke2.receiver")]),
            ),
    );
    // The file path `loki.source.file` adds as `filename` is unbounded across
    // rotations; `type` (kubelet|containerd) already names the file.
    cx.blocks.push(process(
        "rke2",
        cx.logs_sink.clone(),
        vec![stages::label_drop(&["filename"])],
    ));
}

fn audit_webhook(cx: &mut Context, port: u16) {
    cx.host.ports.push(("audit-webhook".to_owned(), port));
    cx.blocks.push(
        Block::labeled("loki.source.api", "audit_webhook")
            .comment("API server audit webhook: one EventList per request on /loki/api/v1/raw.")
            .block(
                Block::new("http", None)
                    .attr("listen_address", "0.0.0.0")
                    .attr("listen_port", i64::from(port)),
            )
            .attr(
                "labels",
                Expr::object([
                    (
                        cx.alloy.logs.source_label.as_str(),
                        cx.alloy.logs.source_values.k8s_audit_log.as_str(),
                    ),
                    ("job", "audit-webhook"),
                ]),
            )
            .attr(
                "forward_to",
                Expr::array([Expr::reference("loki.process.audit_webhook.receiver")]),
            ),
    );
    let mut stages = stages::audit_fields(WEBHOOK_EVENT, &audit_labels(cx));
    if cx.alloy.logs.unified_schema {
        stages.extend(stages::unified_line(&stages::unified_audit(
            &cx.alloy.logs.source_values.k8s_audit_log,
        )));
    }
    cx.blocks
        .push(process("audit_webhook", cx.logs_sink.clone(), stages));
}
