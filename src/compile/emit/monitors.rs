//! ServiceMonitors and PodMonitors: the stack's own components (Alloy, Loki,
//! Tempo) and the profile's `monitors`, all labelled so Prometheus selects them.
//! Written only with the `prometheus` component, which brings the CRDs.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use serde_json::Value;

use crate::compile::crd::CustomResource;
use crate::compile::document::{Bundle, to_value};
use crate::compile::meta::{object_meta, with_labels};
use crate::compile::monitoring_crd::{Endpoint, MONITORING_V1, PodMonitorSpec, ServiceMonitorSpec};
use crate::components::COMPONENTS;
use crate::model::{Monitor, MonitorKind};
use crate::resolve::Stack;

/// A chart's metrics Service: release, port name, and whether the chart marks
/// Services that must not be scraped (Loki's headless ones) with
/// `prometheus.io/service-monitor: "false"`.
pub struct ChartService {
    /// The release, which the chart's `app.kubernetes.io/{instance,name}` labels carry.
    pub release: &'static str,
    /// The release's namespace.
    pub namespace: String,
    /// The name of the Service port that serves `/metrics`.
    pub port: &'static str,
    /// Skip the Services the chart marks `prometheus.io/service-monitor: "false"`.
    pub exclude_marked: bool,
    /// One job for all of the release's Services (Loki's roles in
    /// Distributed mode), so rules written for `job="<release>"` still match.
    pub job_from_release: bool,
}

fn chart_services(stack: &Stack) -> Vec<ChartService> {
    COMPONENTS
        .iter()
        .filter_map(|c| c.chart_service(stack))
        .collect()
}

fn chart_monitor(service: &ChartService, labels: &BTreeMap<String, String>) -> Value {
    let selector = LabelSelector {
        match_labels: Some(BTreeMap::from([
            (
                "app.kubernetes.io/instance".to_owned(),
                service.release.to_owned(),
            ),
            (
                "app.kubernetes.io/name".to_owned(),
                service.release.to_owned(),
            ),
        ])),
        match_expressions: service.exclude_marked.then(|| {
            vec![LabelSelectorRequirement {
                key: "prometheus.io/service-monitor".to_owned(),
                operator: "NotIn".to_owned(),
                values: Some(vec!["false".to_owned()]),
            }]
        }),
    };
    to_value(&CustomResource {
        api_version: MONITORING_V1,
        kind: "ServiceMonitor",
        metadata: with_labels(
            object_meta(service.release, Some(&service.namespace)),
            labels,
        ),
        spec: ServiceMonitorSpec {
            job_label: service
                .job_from_release
                .then(|| "app.kubernetes.io/instance".to_owned()),
            selector,
            endpoints: vec![Endpoint {
                port: service.port.to_owned(),
                path: "/metrics".to_owned(),
                interval: None,
            }],
        },
    })
}

/// The object for a monitor of the profile.
pub fn user_monitor(monitor: &Monitor, selector_labels: &BTreeMap<String, String>) -> Value {
    let meta = with_labels(
        with_labels(
            object_meta(&monitor.name, Some(&monitor.namespace)),
            &monitor.labels,
        ),
        selector_labels,
    );
    let selector = LabelSelector {
        match_labels: Some(monitor.selector.clone()),
        match_expressions: None,
    };
    let endpoints = vec![Endpoint {
        port: monitor.port.clone(),
        path: monitor.path.clone(),
        interval: monitor.interval.as_ref().map(|d| d.prometheus()),
    }];
    match monitor.kind {
        MonitorKind::Service => to_value(&CustomResource {
            api_version: MONITORING_V1,
            kind: "ServiceMonitor",
            metadata: meta,
            spec: ServiceMonitorSpec {
                job_label: None,
                selector,
                endpoints,
            },
        }),
        MonitorKind::Pod => to_value(&CustomResource {
            api_version: MONITORING_V1,
            kind: "PodMonitor",
            metadata: meta,
            spec: PodMonitorSpec {
                selector,
                pod_metrics_endpoints: endpoints,
            },
        }),
    }
}

/// Emits `monitoring/monitors/<release>.yaml` per chart and
/// `monitoring/monitors/custom-<namespace>-<name>.yaml` per profile monitor.
pub fn emit(stack: &Stack, bundle: &mut Bundle) {
    let Some(kps) = stack.prometheus() else {
        return;
    };
    let labels = kps.selector_labels();
    for service in chart_services(stack) {
        bundle.resource(
            format!("monitoring/monitors/{}.yaml", service.release),
            vec![chart_monitor(&service, &labels)],
        );
    }
    for monitor in &stack.profile.monitors {
        bundle.resource(
            format!(
                "monitoring/monitors/custom-{}-{}.yaml",
                monitor.namespace, monitor.name
            ),
            vec![user_monitor(monitor, &labels)],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::Content;
    use crate::compile::testing::profile;

    fn object(bundle: &Bundle, path: &str) -> Value {
        match &bundle
            .get(path)
            .unwrap_or_else(|| panic!("no {path}"))
            .content
        {
            Content::Yaml(objects) => objects[0].clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn chart_and_profile_monitors_carry_the_selector_labels() {
        let p = profile(
            "
cluster: { name: c }
namespace: obs
delivery: { mode: helmfile }
prometheus: { retention: 10d, monitorSelector: { team: obs } }
loki: { retention: 7d, storage: { claim: { size: 10Gi } } }
tempo: { retention: 7d, namespace: traces, storage: { claim: { size: 10Gi } } }
alloy: { namespace: alloy }
monitors:
  - { name: kaiwo, namespace: kaiwo-system, kind: pod, selector: { app: kaiwo }, port: metrics, interval: 15s, labels: { team: obs, tier: ops } }
",
        );
        let mut bundle = Bundle::default();
        emit(&Stack::new(&p, "p"), &mut bundle);
        let alloy = object(&bundle, "monitoring/monitors/alloy.yaml");
        assert_eq!(alloy["kind"], "ServiceMonitor");
        assert_eq!(alloy["metadata"]["namespace"], "alloy");
        assert_eq!(alloy["metadata"]["labels"]["team"], "obs");
        assert_eq!(alloy["spec"]["endpoints"][0]["port"], "http-metrics");
        let loki = object(&bundle, "monitoring/monitors/loki.yaml");
        assert_eq!(
            loki["spec"]["selector"]["matchExpressions"][0]["operator"],
            "NotIn"
        );
        let tempo = object(&bundle, "monitoring/monitors/tempo.yaml");
        assert_eq!(tempo["metadata"]["namespace"], "traces");
        assert_eq!(tempo["spec"]["endpoints"][0]["port"], "tempo-prom-metrics");
        let kaiwo = object(
            &bundle,
            "monitoring/monitors/custom-kaiwo-system-kaiwo.yaml",
        );
        assert_eq!(kaiwo["kind"], "PodMonitor");
        assert_eq!(kaiwo["metadata"]["labels"]["tier"], "ops");
        assert_eq!(kaiwo["metadata"]["labels"]["team"], "obs");
        assert_eq!(kaiwo["spec"]["podMetricsEndpoints"][0]["interval"], "15s");
        assert_eq!(kaiwo["spec"]["selector"]["matchLabels"]["app"], "kaiwo");
    }

    #[test]
    fn nothing_without_prometheus() {
        let p = profile(
            "cluster: { name: c }\nnamespace: obs\ndelivery: { mode: helmfile }\nalloy: {}\n",
        );
        let mut bundle = Bundle::default();
        emit(&Stack::new(&p, "p"), &mut bundle);
        assert!(bundle.is_empty());
    }
}
