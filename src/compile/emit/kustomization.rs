//! `kustomization.yaml` files: the root one lists every Kubernetes object file that
//! can be applied before any chart is installed and generates the ConfigMaps whose
//! content is a generated file (the Alloy pipeline); `monitoring/kustomization.yaml`
//! lists the objects whose CRDs a chart installs, applied after the charts.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::compile::document::{Bundle, Content, GeneratedConfigMap, Role, to_value};
use crate::compile::meta::MANAGED_BY;

/// The directory of the objects that need a chart's CRDs (PrometheusRules,
/// ServiceMonitors, PodMonitors): applied on their own, after the charts.
pub const AFTER_CHARTS_DIR: &str = "monitoring";

/// API groups whose CRDs come from a chart o11yc installs (kube-prometheus-stack).
const CHART_CRD_GROUPS: [&str; 1] = ["monitoring.coreos.com/"];

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

/// Whether a document holds an object whose CRD a chart installs.
fn needs_chart_crds(content: &Content) -> bool {
    let Content::Yaml(objects) = content else {
        return false;
    };
    objects.iter().any(|o| {
        o["apiVersion"]
            .as_str()
            .is_some_and(|v| CHART_CRD_GROUPS.iter().any(|g| v.starts_with(g)))
    })
}

/// Emits `monitoring/kustomization.yaml` (when there are such objects) and the root
/// `kustomization.yaml` over every resource not in a directory with its own kustomization.
pub fn emit(bundle: &mut Bundle) {
    let prefix = format!("{AFTER_CHARTS_DIR}/");
    let after_charts: Vec<String> = bundle
        .documents()
        .filter(|d| d.role == Role::Resource && d.path.starts_with(&prefix))
        .map(|d| d.path[prefix.len()..].to_owned())
        .collect();
    debug_assert!(
        bundle
            .documents()
            .filter(|d| d.role == Role::Resource && needs_chart_crds(&d.content))
            .all(|d| d.path.starts_with(&prefix)),
        "an object needing a chart's CRDs outside {prefix}"
    );
    if !after_charts.is_empty() {
        bundle.support_yaml(
            format!("{prefix}kustomization.yaml"),
            kustomization(after_charts),
        );
    }
    let owned_dirs: Vec<String> = bundle
        .documents()
        .filter_map(|d| d.path.strip_suffix("kustomization.yaml"))
        .filter(|dir| !dir.is_empty())
        .map(str::to_owned)
        .collect();
    let resources = bundle
        .documents()
        .filter(|d| d.role == Role::Resource)
        .filter(|d| {
            !owned_dirs
                .iter()
                .any(|dir| d.path.starts_with(dir.as_str()))
        })
        .map(|d| d.path.clone())
        .collect();
    let value = with_config_maps(resources, bundle.config_maps());
    bundle.support_yaml("kustomization.yaml", value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(api_version: &str, kind: &str) -> Value {
        serde_json::json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}})
    }

    fn resources(bundle: &Bundle, path: &str) -> Vec<String> {
        match &bundle.get(path).expect(path).content {
            Content::Yaml(docs) => docs[0]["resources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    /// Issue 9: on an empty cluster, objects of CRDs a chart installs must not be
    /// applied with the objects that come before the chart.
    #[test]
    fn chart_crd_objects_get_their_own_kustomization() {
        let mut bundle = Bundle::default();
        bundle.resource("namespaces.yaml", vec![object("v1", "Namespace")]);
        bundle.resource(
            "monitoring/rules/loki.yaml",
            vec![object("monitoring.coreos.com/v1", "PrometheusRule")],
        );
        bundle.resource(
            "monitoring/monitors/loki.yaml",
            vec![object("monitoring.coreos.com/v1", "ServiceMonitor")],
        );
        bundle.resource(
            "flux/loki/helmrelease.yaml",
            vec![object("helm.toolkit.fluxcd.io/v2", "HelmRelease")],
        );
        bundle.support_yaml(
            "flux/loki/kustomization.yaml",
            kustomization(vec!["helmrelease.yaml".into()]),
        );
        emit(&mut bundle);
        assert_eq!(
            resources(&bundle, "kustomization.yaml"),
            ["namespaces.yaml"]
        );
        assert_eq!(
            resources(&bundle, "monitoring/kustomization.yaml"),
            ["monitors/loki.yaml", "rules/loki.yaml"]
        );
    }

    #[test]
    fn no_monitoring_kustomization_without_monitoring_objects() {
        let mut bundle = Bundle::default();
        bundle.resource("namespaces.yaml", vec![object("v1", "Namespace")]);
        emit(&mut bundle);
        assert!(bundle.get("monitoring/kustomization.yaml").is_none());
        assert_eq!(
            resources(&bundle, "kustomization.yaml"),
            ["namespaces.yaml"]
        );
    }
}
