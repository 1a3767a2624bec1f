//! Values for the `alloy` chart.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMapKeySelector, EnvVar, EnvVarSource, HostPathVolumeSource, PodSecurityContext,
    Toleration, Volume, VolumeMount,
};
use k8s_openapi::api::rbac::v1::PolicyRule;
use serde::Serialize;
use serde_json::Value;

use crate::compile::document::to_value;
use crate::compile::pipeline::HostAccess;
use crate::model::{Alloy, AlloyController, Resources, StabilityLevel};
use crate::resolve::placement::PodPlacement;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AlloyValues {
    #[serde(skip_serializing_if = "Option::is_none")]
    global: Option<Global>,
    alloy: AlloySettings,
    controller: Controller,
    #[serde(skip_serializing_if = "Option::is_none")]
    rbac: Option<Rbac>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Global {
    pod_security_context: PodSecurityContext,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AlloySettings {
    config_map: ConfigMap,
    #[serde(skip_serializing_if = "Option::is_none")]
    clustering: Option<Clustering>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extra_env: Vec<EnvVar>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extra_ports: Vec<ExtraPort>,
    mounts: Mounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<Resources>,
    /// Alloy's `--stability.level`; written only when raised above the default.
    #[serde(skip_serializing_if = "Option::is_none")]
    stability_level: Option<&'static str>,
}

/// The chart reads the pipeline from a ConfigMap o11yc writes itself: the chart
/// would pass `content` through Helm's `tpl`, which evaluates (and chokes on)
/// the Go-template text of `stage.template` and any `{{ }}` in profile values.
#[derive(Serialize)]
struct ConfigMap {
    create: bool,
    name: String,
    key: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rbac {
    cluster_rules: Vec<PolicyRule>,
}

#[derive(Serialize)]
struct Clustering {
    enabled: bool,
}

/// An entry of the chart's `alloy.extraPorts`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtraPort {
    name: String,
    port: u16,
    target_port: u16,
    protocol: &'static str,
}

#[derive(Serialize)]
struct Mounts {
    varlog: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extra: Vec<VolumeMount>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Controller {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    node_selector: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tolerations: Vec<Toleration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    volumes: Option<Volumes>,
}

#[derive(Serialize)]
struct Volumes {
    extra: Vec<Volume>,
}

/// The groups that may read the journal: `systemd-journal` (999) and `adm` (4).
const JOURNAL_GROUPS: [i64; 2] = [999, 4];

fn env(name: &str, source: EnvVarSource) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value_from: Some(source),
        ..Default::default()
    }
}

/// The key of the pipeline in its ConfigMap.
pub const CONFIG_KEY: &str = "config.alloy";

fn rule(resources: &[&str]) -> PolicyRule {
    PolicyRule {
        api_groups: Some(vec![String::new()]),
        resources: Some(resources.iter().map(|r| (*r).to_owned()).collect()),
        verbs: ["get", "list", "watch"].map(str::to_owned).to_vec(),
        ..Default::default()
    }
}

/// The chart's default cluster rules (`rbac.clusterRules` in its values.yaml),
/// plus `nodes/proxy` for kubelet and cAdvisor scraped through the API server.
/// Setting the key replaces the chart's list, so the defaults are repeated.
fn cluster_rules() -> Vec<PolicyRule> {
    vec![
        rule(&["nodes"]),
        rule(&["nodes/pods"]),
        rule(&["nodes/metrics"]),
        rule(&["nodes/proxy"]),
        PolicyRule {
            non_resource_urls: Some(vec!["/metrics".to_owned()]),
            verbs: vec!["get".to_owned()],
            ..Default::default()
        },
    ]
}

fn environment(host: &HostAccess) -> Vec<EnvVar> {
    let mut out = Vec::new();
    if let Some((config_map, key)) = &host.vcluster_namespace_env {
        out.push(env(
            "VCLUSTER_NAMESPACE",
            EnvVarSource {
                config_map_key_ref: Some(ConfigMapKeySelector {
                    name: config_map.clone(),
                    key: key.clone(),
                    optional: None,
                }),
                ..Default::default()
            },
        ));
    }
    out
}

/// Helm values for Alloy running the pipeline in the ConfigMap `config_map`
/// (key [`CONFIG_KEY`]) with what its pipeline needs from the node (`host`).
pub fn values(alloy: &Alloy, config_map: &str, host: &HostAccess) -> Value {
    let placement = PodPlacement::from(&alloy.placement);
    let mounts: Vec<VolumeMount> = host
        .host_paths
        .iter()
        .map(|(name, path)| VolumeMount {
            name: name.clone(),
            mount_path: path.clone(),
            read_only: Some(true),
            ..Default::default()
        })
        .collect();
    let volumes: Vec<Volume> = host
        .host_paths
        .iter()
        .map(|(name, path)| Volume {
            name: name.clone(),
            host_path: Some(HostPathVolumeSource {
                path: path.clone(),
                type_: Some("DirectoryOrCreate".to_owned()),
            }),
            ..Default::default()
        })
        .collect();
    to_value(&AlloyValues {
        global: host.journal_groups.then(|| Global {
            pod_security_context: PodSecurityContext {
                fs_group: Some(JOURNAL_GROUPS[0]),
                supplemental_groups: Some(JOURNAL_GROUPS.to_vec()),
                ..Default::default()
            },
        }),
        alloy: AlloySettings {
            config_map: ConfigMap {
                create: false,
                name: config_map.to_owned(),
                key: CONFIG_KEY,
            },
            clustering: host.clustering.then_some(Clustering { enabled: true }),
            extra_env: environment(host),
            extra_ports: host
                .ports
                .iter()
                .map(|(name, port)| ExtraPort {
                    name: name.clone(),
                    port: *port,
                    target_port: *port,
                    protocol: "TCP",
                })
                .collect(),
            mounts: Mounts {
                varlog: host.varlog,
                extra: mounts,
            },
            resources: placement.resources,
            stability_level: (alloy.stability_level != StabilityLevel::GenerallyAvailable)
                .then(|| alloy.stability_level.to_alloy().as_str()),
        },
        controller: Controller {
            kind: match alloy.controller {
                AlloyController::Daemonset => "daemonset",
                AlloyController::Deployment => "deployment",
                AlloyController::Statefulset => "statefulset",
            },
            node_selector: placement.node_selector,
            tolerations: placement.tolerations,
            volumes: (!volumes.is_empty()).then_some(Volumes { extra: volumes }),
        },
        rbac: host.node_proxy.then(|| Rbac {
            cluster_rules: cluster_rules(),
        }),
    })
}
