//! Values of the vCluster chart (0.36.1): the virtual cluster each test run creates
//! with `vcluster create --values vcluster/values.yaml`.
//!
//! What they set, and why:
//! - the `k8s` distro, whose API server takes the audit flags;
//! - the audit policy (and the webhook kubeconfig) mounted from the ConfigMaps in
//!   `vcluster/`, applied to the host namespace before the vCluster starts;
//! - audit events to stdout when the stack's Alloy reads the syncer's output, or to
//!   the Alloy inside the vCluster through its webhook, in batches of one event
//!   (the pipeline reads `items[0]` of each `EventList`);
//! - DNS fallback to the host cluster, so the Alloy inside resolves the host's Loki
//!   and Prometheus Services;
//! - the Alloy inside the vCluster, its identity ConfigMap and kube-state-metrics,
//!   deployed into the virtual cluster when it starts.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, Namespace, Volume, VolumeMount,
};
use serde::Serialize;
use serde_json::Value;

use crate::compile::document::to_value;
use crate::compile::document::yaml_text as yaml;
use crate::compile::meta::object_meta;
use crate::compile::pipeline::VCLUSTER_IDENTITY_CONFIGMAP;
use crate::model::{Alloy, VCluster};

/// The chart version these values are written for.
pub const CHART_VERSION: &str = "0.36.1";
/// The kube-state-metrics chart deployed inside each vCluster (the version
/// kube-prometheus-stack 88.5.3 depends on).
pub const KUBE_STATE_METRICS_CHART_VERSION: &str = "8.4.0";
const PROMETHEUS_COMMUNITY: &str = "https://prometheus-community.github.io/helm-charts";
/// Release (and so Service) name of the Alloy inside each vCluster.
pub const ALLOY_RELEASE: &str = "alloy-vcluster";
/// ConfigMap (inside the vCluster) holding the configuration of its Alloy.
pub const ALLOY_CONFIG_MAP: &str = "alloy-vcluster-config";
/// Key of the configuration in that ConfigMap.
pub const ALLOY_CONFIG_KEY: &str = "config.alloy";
/// ConfigMap (in the host namespace) holding the audit webhook kubeconfig.
pub const WEBHOOK_CONFIGMAP: &str = "vcluster-audit-webhook";
/// Key of the kubeconfig in that ConfigMap.
pub const WEBHOOK_KEY: &str = "kubeconfig.yaml";
/// The path `loki.source.api` serves raw lines on.
pub const WEBHOOK_PATH: &str = "/loki/api/v1/raw";

const POLICY_DIR: &str = "/etc/kubernetes/audit/policy";
const WEBHOOK_DIR: &str = "/etc/kubernetes/audit/webhook";

/// Where the API server sends audit events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditSinks {
    /// To stdout (`--audit-log-path=-`), read from the syncer by the stack's Alloy.
    pub stdout: bool,
    /// To the webhook of the Alloy inside the vCluster: (host Service, port).
    pub webhook: Option<(String, u16)>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Values {
    control_plane: ControlPlane,
    networking: Networking,
    #[serde(skip_serializing_if = "Option::is_none")]
    experimental: Option<Experimental>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ControlPlane {
    distro: Distro,
    #[serde(skip_serializing_if = "Option::is_none")]
    stateful_set: Option<StatefulSet>,
}

#[derive(Serialize)]
struct Distro {
    k8s: K8sDistro,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct K8sDistro {
    enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_server: Option<ApiServer>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiServer {
    extra_args: Vec<String>,
}

#[derive(Serialize)]
struct StatefulSet {
    persistence: Persistence,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Persistence {
    add_volumes: Vec<Volume>,
    add_volume_mounts: Vec<VolumeMount>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Networking {
    advanced: NetworkingAdvanced,
    #[serde(skip_serializing_if = "Option::is_none")]
    replicate_services: Option<ReplicateServices>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NetworkingAdvanced {
    fallback_host_cluster: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReplicateServices {
    to_host: Vec<ServiceMapping>,
}

#[derive(Serialize)]
struct ServiceMapping {
    from: String,
    to: String,
}

#[derive(Serialize)]
struct Experimental {
    deploy: Deploy,
}

#[derive(Serialize)]
struct Deploy {
    vcluster: DeployVCluster,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeployVCluster {
    #[serde(skip_serializing_if = "Option::is_none")]
    manifests: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    manifests_template: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    helm: Vec<HelmRelease>,
}

#[derive(Serialize)]
struct HelmRelease {
    chart: HelmChart,
    release: ReleaseRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    values: Option<String>,
}

#[derive(Serialize)]
struct HelmChart {
    name: &'static str,
    repo: String,
    version: String,
}

#[derive(Serialize)]
struct ReleaseRef {
    name: &'static str,
    namespace: String,
}

fn config_map_volume(name: &str, config_map: &str) -> Volume {
    Volume {
        name: name.to_owned(),
        config_map: Some(ConfigMapVolumeSource {
            name: config_map.to_owned(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn mount(name: &str, path: &str) -> VolumeMount {
    VolumeMount {
        name: name.to_owned(),
        mount_path: path.to_owned(),
        read_only: Some(true),
        ..Default::default()
    }
}

/// The API server flags for the audit policy file `policy_key` and `sinks`.
pub fn audit_args(policy_key: &str, sinks: &AuditSinks) -> Vec<String> {
    let mut args = vec![format!("--audit-policy-file={POLICY_DIR}/{policy_key}")];
    if sinks.stdout {
        args.push("--audit-log-path=-".to_owned());
        args.push("--audit-log-format=json".to_owned());
    }
    if sinks.webhook.is_some() {
        args.extend([
            format!("--audit-webhook-config-file={WEBHOOK_DIR}/{WEBHOOK_KEY}"),
            "--audit-webhook-mode=batch".to_owned(),
            // One event per EventList: the pipeline reads `items[0]`.
            "--audit-webhook-batch-max-size=1".to_owned(),
        ]);
    }
    args
}

/// The Alloy release and its identity ConfigMap, deployed inside the vCluster.
pub struct InnerAlloy<'a> {
    /// The Alloy settings (namespace).
    pub alloy: &'a Alloy,
    /// Its namespace inside the vCluster.
    pub namespace: &'a str,
    /// Its chart values (with the configuration inline, as for a plain install).
    pub values: &'a Value,
    /// Its configuration text.
    pub config: &'a str,
    /// The Alloy chart (version, repository).
    pub chart: (&'a str, &'a str),
}

/// The vCluster chart values.
pub fn values(
    vcluster: &VCluster,
    policy_key: &str,
    sinks: &AuditSinks,
    inner: Option<InnerAlloy>,
) -> Value {
    let audit = vcluster.audit_policy.enabled && (sinks.stdout || sinks.webhook.is_some());
    let mut volumes = Vec::new();
    let mut mounts = Vec::new();
    if audit {
        volumes.push(config_map_volume(
            "audit-policy",
            &vcluster.audit_policy.config_map_name,
        ));
        mounts.push(mount("audit-policy", POLICY_DIR));
        if sinks.webhook.is_some() {
            volumes.push(config_map_volume("audit-webhook", WEBHOOK_CONFIGMAP));
            mounts.push(mount("audit-webhook", WEBHOOK_DIR));
        }
    }
    let mut helm = Vec::new();
    let mut manifests = None;
    let mut manifests_template = None;
    let mut to_host = Vec::new();
    if let Some(inner) = &inner {
        if inner.alloy.metrics.kube_state_metrics {
            helm.push(HelmRelease {
                chart: HelmChart {
                    name: "kube-state-metrics",
                    repo: PROMETHEUS_COMMUNITY.to_owned(),
                    version: KUBE_STATE_METRICS_CHART_VERSION.to_owned(),
                },
                release: ReleaseRef {
                    name: "kube-state-metrics",
                    namespace: "kube-system".to_owned(),
                },
                values: None,
            });
        }
        // `manifestsTemplate` is rendered with the vCluster's release, so the
        // identity ConfigMap learns the host namespace without a CI step.
        manifests_template = Some(documents(&[identity_config_map(inner.namespace)]));
        // The chart passes inline configuration through Helm's `tpl`, which would
        // evaluate the `{{ }}` of `stage.template`: the configuration goes in a
        // ConfigMap applied as is (`manifests` are not templated).
        manifests = Some(documents(&[
            to_value(&Namespace {
                metadata: object_meta(inner.namespace, None),
                ..Namespace::default()
            }),
            to_value(&ConfigMap {
                metadata: object_meta(ALLOY_CONFIG_MAP, Some(inner.namespace)),
                data: Some(BTreeMap::from([(
                    ALLOY_CONFIG_KEY.to_owned(),
                    inner.config.to_owned(),
                )])),
                ..ConfigMap::default()
            }),
        ]));
        let mut values = inner.values.clone();
        values["alloy"]["configMap"] = serde_json::json!({
            "create": false,
            "name": ALLOY_CONFIG_MAP,
            "key": ALLOY_CONFIG_KEY,
        });
        helm.push(HelmRelease {
            chart: HelmChart {
                name: "alloy",
                repo: inner.chart.1.to_owned(),
                version: inner.chart.0.to_owned(),
            },
            release: ReleaseRef {
                name: ALLOY_RELEASE,
                namespace: inner.namespace.to_owned(),
            },
            values: Some(yaml(&values)),
        });
        if let Some((service, _)) = &sinks.webhook {
            to_host.push(ServiceMapping {
                from: format!("{}/{ALLOY_RELEASE}", inner.namespace),
                to: service.clone(),
            });
        }
    }
    let values = Values {
        control_plane: ControlPlane {
            distro: Distro {
                k8s: K8sDistro {
                    enabled: true,
                    api_server: audit.then(|| ApiServer {
                        extra_args: audit_args(policy_key, sinks),
                    }),
                },
            },
            stateful_set: audit.then(|| StatefulSet {
                persistence: Persistence {
                    add_volumes: volumes,
                    add_volume_mounts: mounts,
                },
            }),
        },
        networking: Networking {
            advanced: NetworkingAdvanced {
                fallback_host_cluster: true,
            },
            replicate_services: (!to_host.is_empty()).then_some(ReplicateServices { to_host }),
        },
        experimental: (manifests.is_some() || !helm.is_empty()).then_some(Experimental {
            deploy: Deploy {
                vcluster: DeployVCluster {
                    manifests,
                    manifests_template,
                    helm,
                },
            },
        }),
    };
    serde_json::to_value(&values).expect("values serialize")
}

/// The identity ConfigMap of the Alloy inside the vCluster: `namespace` is the host
/// namespace, filled in by vCluster when it renders `manifestsTemplate`.
fn identity_config_map(namespace: &str) -> Value {
    to_value(&ConfigMap {
        metadata: object_meta(VCLUSTER_IDENTITY_CONFIGMAP, Some(namespace)),
        data: Some(BTreeMap::from([(
            "namespace".to_owned(),
            "{{ .Release.Namespace }}".to_owned(),
        )])),
        ..ConfigMap::default()
    })
}

/// Objects as one multi-document YAML string.
fn documents(objects: &[Value]) -> String {
    objects.iter().map(yaml).collect::<Vec<_>>().join("---\n")
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Kubeconfig {
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    kind: &'static str,
    clusters: Vec<Named<ClusterEntry>>,
    users: Vec<Named<UserEntry>>,
    contexts: Vec<Named<ContextEntry>>,
    current_context: &'static str,
}

#[derive(Serialize)]
struct Named<T> {
    name: &'static str,
    #[serde(flatten)]
    entry: T,
}

#[derive(Serialize)]
struct ClusterEntry {
    cluster: Server,
}

#[derive(Serialize)]
struct Server {
    server: String,
}

#[derive(Serialize)]
struct UserEntry {
    user: serde_json::Map<String, Value>,
}

#[derive(Serialize)]
struct ContextEntry {
    context: ContextRef,
}

#[derive(Serialize)]
struct ContextRef {
    cluster: &'static str,
    user: &'static str,
}

/// The webhook URL the API server posts to: the host Service the vCluster
/// replicates the Alloy Service to, in the vCluster's own host namespace.
pub fn webhook_url(service: &str, port: u16) -> String {
    format!("http://{service}:{port}{WEBHOOK_PATH}")
}

/// The audit webhook kubeconfig (`--audit-webhook-config-file`).
pub fn webhook_kubeconfig(service: &str, port: u16) -> Value {
    serde_json::to_value(Kubeconfig {
        api_version: "v1",
        kind: "Config",
        clusters: vec![Named {
            name: "alloy",
            entry: ClusterEntry {
                cluster: Server {
                    server: webhook_url(service, port),
                },
            },
        }],
        users: vec![Named {
            name: "kube-apiserver",
            entry: UserEntry {
                user: serde_json::Map::new(),
            },
        }],
        contexts: vec![Named {
            name: "alloy",
            entry: ContextEntry {
                context: ContextRef {
                    cluster: "alloy",
                    user: "kube-apiserver",
                },
            },
        }],
        current_context: "alloy",
    })
    .expect("kubeconfig serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_batches_hold_one_event_because_the_pipeline_reads_the_first() {
        let sinks = AuditSinks {
            stdout: false,
            webhook: Some(("alloy-vcluster".into(), 8080)),
        };
        let args = audit_args("audit-policy.yaml", &sinks);
        assert!(args.contains(&"--audit-webhook-batch-max-size=1".to_owned()));
        assert!(!args.iter().any(|a| a.starts_with("--audit-log-path")));
        assert_eq!(
            crate::compile::pipeline::WEBHOOK_EVENT,
            "items[0].",
            "a pipeline reading more than one item needs no batch limit"
        );
    }

    #[test]
    fn stdout_audit_has_no_webhook() {
        let sinks = AuditSinks {
            stdout: true,
            webhook: None,
        };
        let args = audit_args("audit-policy.yaml", &sinks);
        assert_eq!(
            args,
            [
                "--audit-policy-file=/etc/kubernetes/audit/policy/audit-policy.yaml",
                "--audit-log-path=-",
                "--audit-log-format=json"
            ]
        );
    }

    #[test]
    fn the_kubeconfig_points_at_the_path_loki_source_api_serves() {
        let config = webhook_kubeconfig("alloy-vcluster", 8080);
        assert_eq!(
            config["clusters"][0]["cluster"]["server"],
            "http://alloy-vcluster:8080/loki/api/v1/raw"
        );
        assert_eq!(config["current-context"], "alloy");
        assert_eq!(config["apiVersion"], "v1");
        assert_eq!(config["contexts"][0]["context"]["cluster"], "alloy");
    }
}
