//! The Helm releases a profile installs, independent of how they are delivered.

use serde_json::Value;

use crate::compile::stack::{ALLOY_RELEASE, GRAFANA_RELEASE, LOKI_RELEASE, Stack, TEMPO_RELEASE};
use crate::compile::values;
use crate::model::Chart;

/// One Helm release.
pub struct Release<'p> {
    /// Release name.
    pub name: String,
    /// Chart name inside its repository.
    pub chart: &'static str,
    /// The pinned chart.
    pub source: &'p Chart,
    /// Namespace the release installs into.
    pub namespace: &'p str,
    /// Chart values.
    pub values: Value,
}

/// The releases in install order: the Prometheus stack first (it brings the
/// monitoring CRDs the others may use), then the stores, Grafana and the collector.
pub fn releases<'p>(stack: &Stack<'p>, alloy_values: Option<Value>) -> Vec<Release<'p>> {
    let charts = &stack.profile.delivery.charts;
    let mut out = Vec::new();
    if let Some(kps) = stack.prometheus() {
        out.push(Release {
            name: kps.release_name.clone(),
            chart: "kube-prometheus-stack",
            source: &charts.kube_prometheus_stack,
            namespace: stack.namespace_of(kps),
            values: values::kube_prometheus_stack::values(stack, kps),
        });
    }
    if let Some(loki) = stack.loki() {
        out.push(Release {
            name: LOKI_RELEASE.to_owned(),
            chart: "loki",
            source: &charts.loki,
            namespace: stack.namespace_of(loki),
            values: values::loki::values(loki),
        });
    }
    if let Some(tempo) = stack.tempo() {
        out.push(Release {
            name: TEMPO_RELEASE.to_owned(),
            chart: "tempo",
            source: &charts.tempo,
            namespace: stack.namespace_of(tempo),
            values: values::tempo::values(tempo),
        });
    }
    if let Some(grafana) = stack.standalone_grafana() {
        out.push(Release {
            name: GRAFANA_RELEASE.to_owned(),
            chart: "grafana",
            source: &charts.grafana,
            namespace: stack.namespace_of(grafana),
            values: values::grafana::values(stack, grafana),
        });
    }
    if let (Some(alloy), Some(values)) = (stack.alloy(), alloy_values) {
        out.push(Release {
            name: ALLOY_RELEASE.to_owned(),
            chart: "alloy",
            source: &charts.alloy,
            namespace: stack.namespace_of(alloy),
            values,
        });
    }
    out
}

/// A short, stable name for a chart repository URL (`grafana`, `prometheus-community`).
pub fn repository_name(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let host = rest.split('/').next().unwrap_or(rest);
    let name = match host {
        "grafana.github.io" => "grafana".to_owned(),
        "prometheus-community.github.io" => "prometheus-community".to_owned(),
        "ghcr.io" => rest.split('/').nth(1).unwrap_or("ghcr").to_owned(),
        _ => host.split('.').next().unwrap_or(host).to_owned(),
    };
    name.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::repository_name;

    #[test]
    fn repository_names_are_short_and_stable() {
        assert_eq!(
            repository_name("https://grafana.github.io/helm-charts"),
            "grafana"
        );
        assert_eq!(
            repository_name("oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack"),
            "prometheus-community"
        );
        assert_eq!(repository_name("https://charts.example.com/x"), "charts");
    }
}
