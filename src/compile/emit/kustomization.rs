//! `kustomization.yaml`: lists every Kubernetes object file of the profile.

use serde::Serialize;
use serde_json::Value;

use crate::compile::document::{Bundle, Role, to_value};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    resources: Vec<String>,
}

/// A kustomization listing `resources` (paths relative to it).
pub fn kustomization(resources: Vec<String>) -> Value {
    to_value(&Kustomization {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources,
    })
}

/// Emits `kustomization.yaml` over the resources already in the bundle.
pub fn emit(bundle: &mut Bundle) {
    let resources = bundle
        .documents()
        .filter(|d| d.role == Role::Resource)
        .map(|d| d.path.clone())
        .collect();
    bundle.support_yaml("kustomization.yaml", kustomization(resources));
}
