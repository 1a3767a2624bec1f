//! Values for `kube-prometheus-stack`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::compile::document::to_value;
use crate::compile::values::Disabled;
use crate::components::grafana::values as grafana;
use crate::model::{LongTermStorage, PrometheusStack, Quantity, Storage};
use crate::resolve::placement::PodPlacement;
use crate::resolve::stack::Stack;
use k8s_openapi::api::core::v1::SecretKeySelector;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StackValues {
    prometheus: Prometheus,
    alertmanager: Alertmanager,
    kube_state_metrics: Toggle,
    node_exporter: Toggle,
    kubelet: Kubelet,
    grafana: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kubelet {
    service_monitor: KubeletMonitor,
}

/// Which endpoints the chart's kubelet ServiceMonitor scrapes. Each node source
/// has one owner: the stack's Alloy when the profile has it scrape the source,
/// this ServiceMonitor otherwise (two owners would double every series).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KubeletMonitor {
    kubelet: bool,
    #[serde(rename = "cAdvisor")]
    cadvisor: bool,
}

#[derive(Serialize)]
struct Toggle {
    enabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Alertmanager {
    enabled: bool,
    alertmanager_spec: AlertmanagerSpec,
}

#[derive(Serialize)]
struct AlertmanagerSpec {
    replicas: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Prometheus {
    prometheus_spec: PrometheusSpec,
}

/// The Prometheus CRD's `thanos` section: the sidecar and where it uploads.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Thanos {
    object_storage_config: ObjectStorageConfig,
}

/// The chart turns `existingSecret` into the CRD's `objectStorageConfig`
/// Secret reference (it ignores a bare `name`/`key`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectStorageConfig {
    existing_secret: SecretKeySelector,
}

#[derive(Serialize)]
struct RemoteWrite {
    url: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PrometheusSpec {
    replicas: u32,
    /// The external label that tells the replicas of an HA pair apart (the
    /// operator's default, written out so queries and dedup can rely on it).
    replica_external_label_name: &'static str,
    retention: String,
    scrape_interval: String,
    external_labels: BTreeMap<&'static str, String>,
    enable_remote_write_receiver: bool,
    service_monitor_selector: Selector,
    pod_monitor_selector: Selector,
    rule_selector: Selector,
    #[serde(skip_serializing_if = "Option::is_none")]
    storage_spec: Option<StorageSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thanos: Option<Thanos>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    remote_write: Vec<RemoteWrite>,
    #[serde(flatten)]
    placement: PodPlacement,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Selector {
    match_labels: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StorageSpec {
    volume_claim_template: ClaimTemplate,
}

#[derive(Serialize)]
struct ClaimTemplate {
    spec: ClaimSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClaimSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    storage_class_name: Option<String>,
    access_modes: Vec<&'static str>,
    resources: ClaimResources,
}

#[derive(Serialize)]
struct ClaimResources {
    requests: BTreeMap<&'static str, String>,
}

fn storage_spec(size: &Quantity, storage_class: Option<&str>) -> StorageSpec {
    StorageSpec {
        volume_claim_template: ClaimTemplate {
            spec: ClaimSpec {
                storage_class_name: storage_class.map(str::to_owned),
                access_modes: vec!["ReadWriteOnce"],
                resources: ClaimResources {
                    requests: BTreeMap::from([("storage", size.to_string())]),
                },
            },
        },
    }
}

/// Helm values for kube-prometheus-stack, including its Grafana section.
pub fn values(stack: &Stack, kps: &PrometheusStack) -> Value {
    let selector = || Selector {
        match_labels: kps.selector_labels(),
    };
    let storage = match &kps.storage {
        Some(Storage::HostPath(volume)) => {
            Some(storage_spec(&volume.size, Some(&volume.storage_class)))
        }
        Some(Storage::Claim(claim)) => {
            Some(storage_spec(&claim.size, claim.storage_class.as_deref()))
        }
        // Rejected by validation: Prometheus keeps its TSDB on a volume.
        Some(Storage::ObjectStore(_)) | None => None,
    };
    let alloy_metrics = stack.alloy().map(|a| &a.metrics);
    let grafana = match stack.grafana() {
        Some(g) if stack.standalone_grafana().is_none() => grafana::values(stack, g),
        _ => to_value(&Disabled::new()),
    };
    to_value(&StackValues {
        prometheus: Prometheus {
            prometheus_spec: PrometheusSpec {
                replicas: kps.replicas,
                replica_external_label_name: "prometheus_replica",
                retention: kps.retention.prometheus(),
                scrape_interval: kps.scrape_interval.prometheus(),
                external_labels: BTreeMap::from([("cluster", stack.profile.cluster.name.clone())]),
                enable_remote_write_receiver: kps.remote_write_receiver,
                service_monitor_selector: selector(),
                pod_monitor_selector: selector(),
                rule_selector: selector(),
                storage_spec: storage,
                thanos: match &kps.long_term_storage {
                    Some(LongTermStorage::Thanos(t)) => Some(Thanos {
                        object_storage_config: ObjectStorageConfig {
                            existing_secret: SecretKeySelector {
                                name: t.object_store_secret.name.clone(),
                                key: t.object_store_secret.key.clone(),
                                optional: None,
                            },
                        },
                    }),
                    _ => None,
                },
                remote_write: match &kps.long_term_storage {
                    Some(LongTermStorage::RemoteWrite(w)) => {
                        vec![RemoteWrite { url: w.url.clone() }]
                    }
                    _ => Vec::new(),
                },
                placement: PodPlacement::from(&kps.placement),
            },
        },
        alertmanager: Alertmanager {
            enabled: kps.alertmanager.enabled,
            alertmanager_spec: AlertmanagerSpec {
                replicas: kps.alertmanager.replicas,
            },
        },
        kube_state_metrics: Toggle {
            enabled: kps.kube_state_metrics.enabled,
        },
        node_exporter: Toggle {
            enabled: kps.node_exporter.enabled,
        },
        kubelet: Kubelet {
            service_monitor: KubeletMonitor {
                kubelet: !alloy_metrics.is_some_and(|m| m.kubelet),
                cadvisor: !alloy_metrics.is_some_and(|m| m.cadvisor),
            },
        },
        grafana,
    })
}
