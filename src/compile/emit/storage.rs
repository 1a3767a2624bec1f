//! Local PersistentVolumes (with node affinity) and their pre-bound claims.
//!
//! Loki, Tempo and Prometheus run as StatefulSets whose claims come from
//! `volumeClaimTemplates`. o11yc writes the claim the StatefulSet will look for
//! (`<template>-<statefulset>-0`) and a PersistentVolume bound to exactly that
//! claim, so the data lands on the chosen node's disk and nowhere else.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    LocalVolumeSource, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, ObjectReference,
    PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeSpec,
    VolumeNodeAffinity, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as KubeQuantity;

use crate::compile::document::{Bundle, to_value};
use crate::compile::meta::object_meta;
use crate::components::COMPONENTS;
use crate::model::HostPathVolume;
use crate::resolve::Stack;

/// The node label a local volume is pinned with.
pub const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";

/// A volume on a node's disk for one component.
pub struct LocalVolume<'p> {
    /// Component name (`loki`, `tempo`, `prometheus`).
    pub component: &'static str,
    /// Namespace of the claim.
    pub namespace: &'p str,
    /// Name of the claim the component's StatefulSet uses.
    pub claim: String,
    /// The volume settings from the profile.
    pub volume: &'p HostPathVolume,
}

impl LocalVolume<'_> {
    /// The PersistentVolume name: cluster-wide, so it carries the namespace.
    pub fn volume_name(&self) -> String {
        format!("{}-{}", self.component, self.namespace)
    }
}

/// Every hostPath volume the profile asks for, one per registered component that has one.
pub fn local_volumes<'p>(stack: &Stack<'p>) -> Vec<LocalVolume<'p>> {
    COMPONENTS
        .iter()
        .filter_map(|c| c.local_volume(stack))
        .collect()
}

/// Emits `storage/<component>.yaml` (a PersistentVolume and its claim) per hostPath volume.
pub fn emit(stack: &Stack, bundle: &mut Bundle) {
    for local in local_volumes(stack) {
        let size = KubeQuantity(local.volume.size.to_string());
        let pv = PersistentVolume {
            metadata: object_meta(&local.volume_name(), None),
            spec: Some(PersistentVolumeSpec {
                capacity: Some(BTreeMap::from([("storage".to_owned(), size.clone())])),
                access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
                persistent_volume_reclaim_policy: Some("Retain".to_owned()),
                storage_class_name: Some(local.volume.storage_class.clone()),
                volume_mode: Some("Filesystem".to_owned()),
                local: Some(LocalVolumeSource {
                    path: local.volume.path.clone(),
                    fs_type: None,
                }),
                node_affinity: Some(VolumeNodeAffinity {
                    required: Some(NodeSelector {
                        node_selector_terms: vec![NodeSelectorTerm {
                            match_expressions: Some(vec![NodeSelectorRequirement {
                                key: HOSTNAME_LABEL.to_owned(),
                                operator: "In".to_owned(),
                                values: Some(vec![local.volume.node.clone()]),
                            }]),
                            match_fields: None,
                        }],
                    }),
                }),
                claim_ref: Some(ObjectReference {
                    api_version: Some("v1".to_owned()),
                    kind: Some("PersistentVolumeClaim".to_owned()),
                    name: Some(local.claim.clone()),
                    namespace: Some(local.namespace.to_owned()),
                    ..ObjectReference::default()
                }),
                ..PersistentVolumeSpec::default()
            }),
            status: None,
        };
        let pvc = PersistentVolumeClaim {
            metadata: object_meta(&local.claim, Some(local.namespace)),
            spec: Some(PersistentVolumeClaimSpec {
                access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
                storage_class_name: Some(local.volume.storage_class.clone()),
                volume_name: Some(local.volume_name()),
                volume_mode: Some("Filesystem".to_owned()),
                resources: Some(VolumeResourceRequirements {
                    requests: Some(BTreeMap::from([("storage".to_owned(), size)])),
                    limits: None,
                }),
                ..PersistentVolumeClaimSpec::default()
            }),
            status: None,
        };
        bundle.resource(
            format!("storage/{}.yaml", local.component),
            vec![to_value(&pv), to_value(&pvc)],
        );
    }
}
