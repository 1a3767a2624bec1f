//! Metrics sources: kubelet and cAdvisor through the API server, pods found by
//! label (kube-state-metrics, Kueue, KubeRay, Ray, GPU exporters, your
//! operators), and ServiceMonitor/PodMonitor discovery.

use std::collections::BTreeMap;

use o11yc_alloy::{Block, Expr};

use super::relabel::{copy, keep, set};
use super::{Context, meta_label};
use crate::model::{Scheme, ScrapeTarget};

const SERVICE_ACCOUNT_TOKEN: &str = "/var/run/secrets/kubernetes.io/serviceaccount/token";
const SERVICE_ACCOUNT_CA: &str = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

/// Adds every enabled metrics source (`Metrics::any_enabled` says whether there is one).
pub(super) fn add(cx: &mut Context) {
    let metrics = &cx.alloy.metrics;
    if metrics.kubelet || metrics.cadvisor {
        node_discovery(cx);
    }
    if metrics.kubelet {
        node_scrape(cx, "kubelet", "/metrics");
    }
    if metrics.cadvisor {
        node_scrape(cx, "cadvisor", "/metrics/cadvisor");
    }
    for target in presets(cx).iter().chain(&metrics.targets) {
        pod_scrape(cx, target);
    }
    if metrics.service_monitors {
        operator_discovery(cx, "servicemonitors");
    }
    if metrics.pod_monitors {
        operator_discovery(cx, "podmonitors");
    }
}

fn target(
    name: &str,
    namespace: Option<&str>,
    selector: &[(&str, &str)],
    port: &str,
    scheme: Scheme,
) -> ScrapeTarget {
    let https = scheme == Scheme::Https;
    ScrapeTarget {
        name: name.to_owned(),
        namespace: namespace.map(str::to_owned),
        selector: selector
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
        port: port.to_owned(),
        path: "/metrics".to_owned(),
        scheme,
        bearer_token: https,
        insecure_skip_verify: https,
        interval: None,
    }
}

/// The built-in targets the profile switched on, in a fixed order.
fn presets(cx: &Context) -> Vec<ScrapeTarget> {
    let m = &cx.alloy.metrics;
    let mut out = Vec::new();
    if m.kube_state_metrics {
        out.push(target(
            "kube-state-metrics",
            None,
            &[("app.kubernetes.io/name", "kube-state-metrics")],
            "http",
            Scheme::Http,
        ));
    }
    if m.kueue {
        out.push(target(
            "kueue",
            None,
            &[
                ("control-plane", "controller-manager"),
                ("app.kubernetes.io/name", "kueue"),
            ],
            "8443",
            Scheme::Https,
        ));
    }
    if m.kuberay {
        out.push(target(
            "kuberay",
            None,
            &[("app.kubernetes.io/name", "kuberay-operator")],
            "8080",
            Scheme::Http,
        ));
    }
    if m.ray_clusters {
        out.push(target(
            "ray",
            None,
            &[("ray.io/is-ray-node", "yes")],
            "metrics",
            Scheme::Http,
        ));
    }
    if m.gpu.nvidia {
        out.push(target(
            "nvidia-dcgm-exporter",
            None,
            &[("app", "nvidia-dcgm-exporter")],
            "9400",
            Scheme::Http,
        ));
    }
    if m.gpu.amd {
        out.push(target(
            "amd-device-metrics-exporter",
            None,
            &[("app.kubernetes.io/name", "device-metrics-exporter")],
            "5000",
            Scheme::Http,
        ));
    }
    out
}

fn node_discovery(cx: &mut Context) {
    let block = cx
        .discovery("nodes", "node", "metadata.name")
        .comment("Nodes, scraped through the API server proxy (kubelet and cAdvisor).");
    cx.blocks.push(block);
}

fn node_scrape(cx: &mut Context, job: &str, path: &str) {
    cx.host.node_proxy = true;
    let label = job;
    cx.blocks.push(
        Block::labeled("discovery.relabel", label)
            .attr(
                "targets",
                Expr::reference("discovery.kubernetes.nodes.targets"),
            )
            .block(set("__address__", "kubernetes.default.svc:443"))
            .block(
                copy(&["__meta_kubernetes_node_name"], "__metrics_path__")
                    .attr("replacement", format!("/api/v1/nodes/$1/proxy{path}")),
            )
            .block(copy(&["__meta_kubernetes_node_name"], "node")),
    );
    cx.blocks.push(
        Block::labeled("prometheus.scrape", label)
            .attr(
                "targets",
                Expr::reference(&format!("discovery.relabel.{label}.output")),
            )
            .attr("job_name", job)
            .attr("scheme", "https")
            .attr("bearer_token_file", SERVICE_ACCOUNT_TOKEN)
            .block(Block::new("tls_config", None).attr("ca_file", SERVICE_ACCOUNT_CA))
            .attr("forward_to", Expr::array([cx.metrics_sink.clone()])),
    );
}

/// A component label from a job name (`kube-state-metrics` → `kube_state_metrics`).
fn component_label(name: &str) -> String {
    let mut label: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if label.starts_with(|c: char| c.is_ascii_digit()) {
        label.insert(0, '_');
    }
    label
}

fn pod_scrape(cx: &mut Context, target: &ScrapeTarget) {
    let pods = cx.pod_discovery();
    let label = component_label(&target.name);
    let mut rules = Vec::new();
    if let Some(ns) = &target.namespace {
        rules.push(keep("__meta_kubernetes_namespace", ns));
    }
    for (key, value) in &target.selector {
        rules.push(keep(
            &format!("__meta_kubernetes_pod_label_{}", meta_label(key)),
            value,
        ));
    }
    let port_label = if target.port.chars().all(|c| c.is_ascii_digit()) {
        "__meta_kubernetes_pod_container_port_number"
    } else {
        "__meta_kubernetes_pod_container_port_name"
    };
    rules.push(keep(port_label, &target.port));
    for (from, to) in [
        ("__meta_kubernetes_namespace", "namespace"),
        ("__meta_kubernetes_pod_name", "pod"),
        ("__meta_kubernetes_pod_container_name", "container"),
    ] {
        rules.push(copy(&[from], to));
    }
    cx.blocks.push(
        Block::labeled("discovery.relabel", &label)
            .comment(format!("Metrics of {}.", target.name))
            .attr("targets", pods)
            .blocks(rules),
    );
    let mut scrape = Block::labeled("prometheus.scrape", &label)
        .attr(
            "targets",
            Expr::reference(&format!("discovery.relabel.{label}.output")),
        )
        .attr("job_name", target.name.as_str())
        .attr("metrics_path", target.path.as_str());
    // kube-state-metrics reports other objects' namespace and pod labels.
    if target.name == "kube-state-metrics" {
        scrape = scrape.attr("honor_labels", true);
    }
    if target.scheme == Scheme::Https {
        scrape = scrape.attr("scheme", "https");
    }
    if let Some(interval) = &target.interval {
        scrape = scrape.attr("scrape_interval", interval.go());
    }
    if target.bearer_token {
        scrape = scrape.attr("bearer_token_file", SERVICE_ACCOUNT_TOKEN);
    }
    if target.insecure_skip_verify {
        scrape = scrape.block(Block::new("tls_config", None).attr("insecure_skip_verify", true));
    }
    cx.blocks
        .push(scrape.attr("forward_to", Expr::array([cx.metrics_sink.clone()])));
}

fn operator_discovery(cx: &mut Context, kind: &str) {
    let mut block = Block::labeled(&format!("prometheus.operator.{kind}"), "default").comment(
        format!("Targets described by {kind} (monitoring.coreos.com/v1)."),
    );
    // DaemonSet pods share the targets through clustering instead of each scraping all.
    if cx.node_local {
        cx.host.clustering = true;
        block = block.block(Block::new("clustering", None).attr("enabled", true));
    }
    cx.blocks
        .push(block.attr("forward_to", Expr::array([cx.metrics_sink.clone()])));
}

#[cfg(test)]
mod tests {
    use super::component_label;

    #[test]
    fn component_labels_are_identifiers() {
        assert_eq!(component_label("kube-state-metrics"), "kube_state_metrics");
        assert_eq!(component_label("9-lives"), "_9_lives");
        assert_eq!(component_label("KAIWO.operator"), "kaiwo_operator");
    }
}
