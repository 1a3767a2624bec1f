//! `kustomization.yaml`: lists every Kubernetes object file of the profile.

use serde::Serialize;

use crate::compile::document::{Bundle, Role, to_value};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    resources: Vec<String>,
}

/// Emits `kustomization.yaml` over the resources already in the bundle.
pub fn emit(bundle: &mut Bundle) {
    let resources = bundle
        .documents()
        .filter(|d| d.role == Role::Resource)
        .map(|d| d.path.clone())
        .collect();
    bundle.support_yaml(
        "kustomization.yaml",
        to_value(&Kustomization {
            api_version: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            resources,
        }),
    );
}
