//! The alerting rules o11yc ships, with their default thresholds, durations and
//! severities. Expressions are built for one stack (namespaces, job names) by
//! [`Builtin::expr`]; a unit test parses every one of them.

use crate::model::{AlloyController, ResourceName};
use crate::resolve::stack::{ALLOY_RELEASE, LOKI_RELEASE, Stack, TEMPO_RELEASE};

/// A built-in group: the alerts about one part of the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// The Alloy collector (the seven alerts of the reference deployment).
    Alloy,
    /// Loki's read and write paths.
    Loki,
    /// Prometheus itself: scrapes and rule evaluation.
    Prometheus,
    /// PersistentVolumes of the stack.
    Storage,
    /// Tempo's ingestion.
    Tempo,
    /// Operators in vCluster test environments (controller-runtime).
    Operators,
}

impl Group {
    /// Every group, in output order.
    pub const ALL: [Group; 6] = [
        Group::Alloy,
        Group::Loki,
        Group::Prometheus,
        Group::Storage,
        Group::Tempo,
        Group::Operators,
    ];

    /// The group's name in profiles and file names.
    pub fn name(self) -> &'static str {
        match self {
            Group::Alloy => "alloy",
            Group::Loki => "loki",
            Group::Prometheus => "prometheus",
            Group::Storage => "storage",
            Group::Tempo => "tempo",
            Group::Operators => "operators",
        }
    }

    /// Whether the stack runs what the group watches (Prometheus itself is assumed).
    pub fn applies(self, stack: &Stack) -> bool {
        match self {
            Group::Alloy => stack.alloy().is_some(),
            Group::Loki => stack.loki().is_some(),
            Group::Prometheus | Group::Storage => true,
            Group::Tempo => stack.tempo().is_some(),
            Group::Operators => stack.profile.vcluster.is_some(),
        }
    }
}

/// What an expression is built for.
pub struct Context {
    /// Namespace of the component the group watches (`""` when it is off).
    pub namespace: String,
    /// Regex alternation of every namespace of the stack.
    pub stack_namespaces: String,
}

impl Context {
    /// The context of `group` in `stack`.
    pub fn new(stack: &Stack, group: Group) -> Self {
        let namespace = match group {
            Group::Alloy => stack.alloy().map(|c| stack.namespace_of(c)),
            Group::Loki => stack.loki().map(|c| stack.namespace_of(c)),
            Group::Tempo => stack.tempo().map(|c| stack.namespace_of(c)),
            _ => None,
        };
        Context {
            namespace: namespace.unwrap_or_default().to_owned(),
            stack_namespaces: stack.namespaces().into_iter().collect::<Vec<_>>().join("|"),
        }
    }
}

/// One built-in alert.
pub struct Builtin {
    /// Its group.
    pub group: Group,
    /// Alert name.
    pub alert: &'static str,
    /// Default `severity` label.
    pub severity: &'static str,
    /// Default `for`.
    pub for_: &'static str,
    /// Default threshold, for alerts that compare against one.
    pub threshold: Option<f64>,
    /// Needs kube-state-metrics.
    pub needs_kube_state_metrics: bool,
    /// Only for a DaemonSet Alloy.
    pub daemonset_only: bool,
    /// Compares against this resource limit of the Alloy container, so it is
    /// only shipped when `alloy.placement.resources.limits` sets it.
    pub needs_alloy_limit: Option<ResourceName>,
    /// Builds the expression from the context and the threshold.
    pub expr: fn(&Context, f64) -> String,
    /// `summary` annotation.
    pub summary: &'static str,
    /// `description` annotation (a Prometheus template).
    pub description: &'static str,
}

const fn alert(
    group: Group,
    alert: &'static str,
    severity: &'static str,
    for_: &'static str,
) -> Builtin {
    Builtin {
        group,
        alert,
        severity,
        for_,
        threshold: None,
        needs_kube_state_metrics: false,
        daemonset_only: false,
        needs_alloy_limit: None,
        expr: |_, _| String::new(),
        summary: "",
        description: "",
    }
}

/// Every built-in alert, grouped, in output order.
pub fn all() -> Vec<Builtin> {
    use Group::*;
    vec![
        Builtin {
            needs_kube_state_metrics: true,
            daemonset_only: true,
            expr: |c, _| {
                format!(
                    "kube_daemonset_status_number_ready{{namespace=\"{ns}\", daemonset=\"{ALLOY_RELEASE}\"}} < kube_daemonset_status_desired_number_scheduled{{namespace=\"{ns}\", daemonset=\"{ALLOY_RELEASE}\"}}",
                    ns = c.namespace
                )
            },
            summary: "Alloy is not running on every node",
            description: "Only {{ $value }} Alloy pods of DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} are ready; logs of the other nodes are not collected.",
            ..alert(Alloy, "AlloyDaemonSetNotRunning", "critical", "5m")
        },
        Builtin {
            needs_kube_state_metrics: true,
            expr: |c, _| {
                format!(
                    "sum by (namespace, pod) (kube_pod_status_ready{{namespace=\"{}\", pod=~\"{ALLOY_RELEASE}-.+\", condition=\"false\"}}) > 0",
                    c.namespace
                )
            },
            summary: "An Alloy pod is not ready",
            description: "Alloy pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for 5 minutes.",
            ..alert(Alloy, "AlloyPodNotReady", "critical", "5m")
        },
        Builtin {
            threshold: Some(0.0),
            expr: |c, t| {
                format!(
                    "sum by (namespace, pod) (rate(loki_write_dropped_bytes_total{{job=\"{ALLOY_RELEASE}\", namespace=\"{}\"}}[5m])) > {t}",
                    c.namespace
                )
            },
            summary: "Alloy drops logs it cannot deliver to Loki",
            description: "Alloy pod {{ $labels.namespace }}/{{ $labels.pod }} drops {{ printf \"%.0f\" $value }} bytes/s of logs it fails to send to Loki.",
            ..alert(Alloy, "AlloyLogDeliveryFailures", "high", "10m")
        },
        Builtin {
            threshold: Some(2.0),
            needs_kube_state_metrics: true,
            expr: |c, t| {
                format!(
                    "increase(kube_pod_container_status_restarts_total{{namespace=\"{}\", container=\"{ALLOY_RELEASE}\"}}[15m]) > {t}",
                    c.namespace
                )
            },
            summary: "An Alloy pod is restarting repeatedly",
            description: "Alloy pod {{ $labels.namespace }}/{{ $labels.pod }} restarted {{ printf \"%.0f\" $value }} times in 15 minutes.",
            ..alert(Alloy, "AlloyPodCrashLooping", "high", "10m")
        },
        Builtin {
            threshold: Some(85.0),
            needs_kube_state_metrics: true,
            expr: |c, t| {
                format!(
                    "100 * max by (namespace, pod) (container_memory_working_set_bytes{{namespace=\"{ns}\", container=\"{ALLOY_RELEASE}\"}}) / max by (namespace, pod) (kube_pod_container_resource_limits{{namespace=\"{ns}\", container=\"{ALLOY_RELEASE}\", resource=\"memory\"}}) > {t}",
                    ns = c.namespace
                )
            },
            needs_alloy_limit: Some(ResourceName::Memory),
            summary: "Alloy is close to its memory limit",
            description: "Alloy pod {{ $labels.namespace }}/{{ $labels.pod }} uses {{ printf \"%.0f\" $value }}% of its memory limit.",
            ..alert(Alloy, "AlloyHighMemoryUsage", "warning", "10m")
        },
        Builtin {
            threshold: Some(85.0),
            needs_kube_state_metrics: true,
            expr: |c, t| {
                format!(
                    "100 * sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{{namespace=\"{ns}\", container=\"{ALLOY_RELEASE}\"}}[5m])) / max by (namespace, pod) (kube_pod_container_resource_limits{{namespace=\"{ns}\", container=\"{ALLOY_RELEASE}\", resource=\"cpu\"}}) > {t}",
                    ns = c.namespace
                )
            },
            needs_alloy_limit: Some(ResourceName::Cpu),
            summary: "Alloy is close to its CPU limit",
            description: "Alloy pod {{ $labels.namespace }}/{{ $labels.pod }} uses {{ printf \"%.0f\" $value }}% of its CPU limit.",
            ..alert(Alloy, "AlloyHighCPUUsage", "warning", "10m")
        },
        Builtin {
            // Alloy exports no processing-time histogram for `loki.process`; the
            // entry propagation latency (line timestamp to successful send) is
            // what a slow pipeline or a slow Loki shows up in.
            threshold: Some(10.0),
            expr: |c, t| {
                format!(
                    "histogram_quantile(0.99, sum by (namespace, le) (rate(loki_write_entry_propagation_latency_seconds_bucket{{job=\"{ALLOY_RELEASE}\", namespace=\"{}\"}}[5m]))) > {t}",
                    c.namespace
                )
            },
            summary: "Alloy delivers log lines to Loki slowly",
            description: "The 99th percentile of the time from a log line's timestamp to its delivery to Loki by Alloy in {{ $labels.namespace }} is {{ printf \"%.2f\" $value }}s.",
            ..alert(Alloy, "AlloySlowLogProcessing", "medium", "15m")
        },
        Builtin {
            threshold: Some(5.0),
            expr: |c, t| {
                format!(
                    "100 * sum by (namespace, route) (rate(loki_request_duration_seconds_count{{job=\"{LOKI_RELEASE}\", namespace=\"{ns}\", status_code=~\"5..\"}}[5m])) / sum by (namespace, route) (rate(loki_request_duration_seconds_count{{job=\"{LOKI_RELEASE}\", namespace=\"{ns}\"}}[5m])) > {t}",
                    ns = c.namespace
                )
            },
            summary: "Loki answers requests with errors",
            description: "{{ printf \"%.1f\" $value }}% of Loki requests to {{ $labels.route }} in {{ $labels.namespace }} fail with a 5xx status.",
            ..alert(Loki, "LokiRequestErrors", "warning", "15m")
        },
        Builtin {
            threshold: Some(0.0),
            expr: |c, t| {
                format!(
                    "sum by (namespace, reason) (rate(loki_discarded_samples_total{{job=\"{LOKI_RELEASE}\", namespace=\"{}\"}}[5m])) > {t}",
                    c.namespace
                )
            },
            summary: "Loki discards log lines at ingestion",
            description: "Loki in {{ $labels.namespace }} discards {{ printf \"%.2f\" $value }} lines/s (reason: {{ $labels.reason }}).",
            ..alert(Loki, "LokiDiscardedSamples", "warning", "15m")
        },
        Builtin {
            expr: |_, _| "up == 0".to_owned(),
            summary: "A scrape target is down",
            description: "Prometheus cannot scrape {{ $labels.instance }} (job {{ $labels.job }}, namespace {{ $labels.namespace }}).",
            ..alert(Prometheus, "ScrapeTargetDown", "warning", "10m")
        },
        Builtin {
            threshold: Some(0.0),
            expr: |_, t| format!("increase(prometheus_rule_evaluation_failures_total[5m]) > {t}"),
            summary: "Prometheus fails to evaluate rules",
            description: "Prometheus {{ $labels.namespace }}/{{ $labels.pod }} failed to evaluate rules of {{ $labels.rule_group }}.",
            ..alert(
                Prometheus,
                "PrometheusRuleEvaluationFailures",
                "critical",
                "15m",
            )
        },
        Builtin {
            threshold: Some(85.0),
            expr: |c, t| volume_used(c, t),
            summary: "A PersistentVolume of the stack is filling up",
            description: "Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ printf \"%.0f\" $value }}% full.",
            ..alert(Storage, "PersistentVolumeFillingUp", "warning", "10m")
        },
        Builtin {
            threshold: Some(95.0),
            expr: |c, t| volume_used(c, t),
            summary: "A PersistentVolume of the stack is almost full",
            description: "Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ printf \"%.0f\" $value }}% full.",
            ..alert(Storage, "PersistentVolumeAlmostFull", "critical", "5m")
        },
        Builtin {
            threshold: Some(0.0),
            expr: |c, t| {
                format!(
                    "sum by (namespace, reason) (rate(tempo_discarded_spans_total{{job=\"{TEMPO_RELEASE}\", namespace=\"{}\"}}[5m])) > {t}",
                    c.namespace
                )
            },
            summary: "Tempo discards spans",
            description: "Tempo in {{ $labels.namespace }} discards {{ printf \"%.2f\" $value }} spans/s (reason: {{ $labels.reason }}).",
            ..alert(Tempo, "TempoDiscardedSpans", "warning", "15m")
        },
        Builtin {
            threshold: Some(0.0),
            expr: |c, t| {
                format!(
                    "sum by (namespace, receiver) (rate(tempo_receiver_refused_spans{{job=\"{TEMPO_RELEASE}\", namespace=\"{}\"}}[5m])) > {t}",
                    c.namespace
                )
            },
            summary: "Tempo refuses incoming spans",
            description: "Tempo's {{ $labels.receiver }} receiver in {{ $labels.namespace }} refuses {{ printf \"%.2f\" $value }} spans/s.",
            ..alert(Tempo, "TempoIngestionFailures", "warning", "15m")
        },
        Builtin {
            threshold: Some(0.0),
            expr: |_, t| {
                format!(
                    "sum without (instance, pod) (rate(controller_runtime_reconcile_errors_total[5m])) > {t}"
                )
            },
            summary: "An operator fails to reconcile",
            description: "Controller {{ $labels.controller }} ({{ $labels.job }}, namespace {{ $labels.namespace }}) reports {{ printf \"%.2f\" $value }} reconcile errors/s.",
            ..alert(Operators, "OperatorReconcileErrors", "warning", "15m")
        },
    ]
}

fn volume_used(c: &Context, t: f64) -> String {
    format!(
        "100 * (1 - kubelet_volume_stats_available_bytes{{namespace=~\"{ns}\"}} / kubelet_volume_stats_capacity_bytes{{namespace=~\"{ns}\"}}) > {t}",
        ns = c.stack_namespaces
    )
}

/// Whether `builtin` applies to Alloy run by `controller`.
pub fn fits_controller(builtin: &Builtin, controller: AlloyController) -> bool {
    !builtin.daemonset_only || controller == AlloyController::Daemonset
}
