//! Values for the `alloy` chart.

use k8s_openapi::api::core::v1::{Toleration, VolumeMount};
use serde::Serialize;
use serde_json::Value;

use crate::compile::document::to_value;
use crate::compile::placement::PodPlacement;
use crate::model::{Alloy, AlloyController, Resources};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AlloyValues {
    alloy: AlloySettings,
    controller: Controller,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AlloySettings {
    config_map: ConfigMap,
    mounts: Mounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<Resources>,
}

#[derive(Serialize)]
struct ConfigMap {
    create: bool,
    content: String,
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
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    node_selector: std::collections::BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tolerations: Vec<Toleration>,
}

/// What the collection pipeline needs from the Alloy pods.
#[derive(Clone, Debug, Default)]
pub struct HostAccess {
    /// Mount the node's `/var/log` (pod log files, journald under `/var/log/journal`).
    pub varlog: bool,
}

/// Helm values for Alloy running `config` (Alloy configuration text).
pub fn values(alloy: &Alloy, config: String, host: &HostAccess) -> Value {
    let placement = PodPlacement::from(&alloy.placement);
    to_value(&AlloyValues {
        alloy: AlloySettings {
            config_map: ConfigMap {
                create: true,
                content: config,
            },
            mounts: Mounts {
                varlog: host.varlog,
                extra: Vec::new(),
            },
            resources: placement.resources,
        },
        controller: Controller {
            kind: match alloy.controller {
                AlloyController::Daemonset => "daemonset",
                AlloyController::Deployment => "deployment",
                AlloyController::Statefulset => "statefulset",
            },
            node_selector: placement.node_selector,
            tolerations: placement.tolerations,
        },
    })
}
