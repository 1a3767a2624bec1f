//! Placement settings in the shapes Kubernetes and the charts expect.

use std::collections::BTreeMap;

use crate::model::{Placement, Resources, TaintEffect, Toleration};
use k8s_openapi::api::core::v1::Toleration as KubeToleration;

/// The Kubernetes spelling of a taint effect.
pub fn effect_name(effect: TaintEffect) -> &'static str {
    match effect {
        TaintEffect::NoSchedule => "NoSchedule",
        TaintEffect::PreferNoSchedule => "PreferNoSchedule",
        TaintEffect::NoExecute => "NoExecute",
    }
}

/// A profile toleration as a Kubernetes toleration.
pub fn kube_toleration(t: &Toleration) -> KubeToleration {
    KubeToleration {
        key: Some(t.key.clone()),
        operator: Some(if t.value.is_some() { "Equal" } else { "Exists" }.to_owned()),
        value: t.value.clone(),
        effect: t.effect.map(|e| effect_name(e).to_owned()),
        toleration_seconds: None,
    }
}

/// The scheduling fields every chart takes: `nodeSelector`, `tolerations`, `resources`.
#[derive(Clone, Debug, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodPlacement {
    /// Node labels the pods must match.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    /// Tolerated taints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<KubeToleration>,
    /// Requests and limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
}

impl From<&Placement> for PodPlacement {
    fn from(p: &Placement) -> Self {
        PodPlacement {
            node_selector: p.node_selector.clone(),
            tolerations: p.tolerations.iter().map(kube_toleration).collect(),
            resources: p.resources.clone(),
        }
    }
}
