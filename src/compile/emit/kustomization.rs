//! `kustomization.yaml`: lists every Kubernetes object file of the profile and
//! generates the ConfigMaps whose content is a generated file (the Alloy pipeline).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::compile::document::{Bundle, GeneratedConfigMap, Role, to_value};
use crate::compile::meta::MANAGED_BY;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    config_map_generator: Vec<ConfigMapGenerator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    generator_options: Option<GeneratorOptions>,
}

#[derive(Serialize)]
struct ConfigMapGenerator {
    name: String,
    namespace: String,
    files: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GeneratorOptions {
    /// The charts refer to the ConfigMap by its plain name.
    disable_name_suffix_hash: bool,
    labels: BTreeMap<String, String>,
}

/// A kustomization listing `resources` (paths relative to it).
pub fn kustomization(resources: Vec<String>) -> Value {
    with_config_maps(resources, &[])
}

/// A kustomization listing `resources` and generating `config_maps`.
pub fn with_config_maps(resources: Vec<String>, config_maps: &[GeneratedConfigMap]) -> Value {
    to_value(&Kustomization {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources,
        config_map_generator: config_maps
            .iter()
            .map(|c| ConfigMapGenerator {
                name: c.name.clone(),
                namespace: c.namespace.clone(),
                files: vec![format!("{}={}", c.key, c.file)],
            })
            .collect(),
        generator_options: (!config_maps.is_empty()).then(|| GeneratorOptions {
            disable_name_suffix_hash: true,
            labels: BTreeMap::from([(MANAGED_BY.0.to_owned(), MANAGED_BY.1.to_owned())]),
        }),
    })
}

/// Emits `kustomization.yaml` over the resources already in the bundle.
pub fn emit(bundle: &mut Bundle) {
    let resources = bundle
        .documents()
        .filter(|d| d.role == Role::Resource)
        .map(|d| d.path.clone())
        .collect();
    let value = with_config_maps(resources, bundle.config_maps());
    bundle.support_yaml("kustomization.yaml", value);
}
