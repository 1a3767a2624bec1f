//! The registry is what the stages use: a component left out of [`COMPONENTS`] loses
//! its artifacts, and these tests say which.

use std::collections::BTreeSet;

use super::COMPONENTS;
use crate::compile::testing::profile;
use crate::compile::{Provenance, compile};
use crate::resolve::Stack;

/// Every component switched on, each in its own namespace, Loki and Tempo on local disks.
const EVERYTHING: &str = "
cluster: { name: c }
namespace: obs
delivery: { mode: helmfile }
prometheus: { retention: 10d, namespace: prom, remoteWriteReceiver: true }
loki: { retention: 7d, namespace: logs, storage: { hostPath: { node: n1, path: /data/loki, size: 10Gi, storageClass: local } } }
tempo: { retention: 7d, namespace: traces, storage: { hostPath: { node: n1, path: /data/tempo, size: 10Gi, storageClass: local } } }
grafana: { host: standalone, namespace: ui, admin: { existingSecret: { name: g } }, access: { portForward } }
alloy: { namespace: collect }
vcluster: { namespaceFormat: 'test-{installer}-{run_id}-{run_attempt}', alloy: { metrics: { kueue: true } } }
";

fn keys() -> Vec<&'static str> {
    COMPONENTS.iter().map(|c| c.key()).collect()
}

/// The sections of the profile format that deploy something, read from its JSON Schema:
/// the ones with `placement` (their pods are scheduled), and `vcluster`.
fn deployable_sections() -> BTreeSet<String> {
    let schema: serde_json::Value =
        serde_json::from_str(&crate::schema::schema_json()).expect("the schema is JSON");
    let defs = &schema["$defs"];
    let properties = schema["properties"].as_object().expect("top-level keys");
    properties
        .iter()
        .filter(|(key, value)| {
            let text = value.to_string();
            let placed = text.split("#/$defs/").skip(1).any(|rest| {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
                defs[name.as_str()]["properties"].get("placement").is_some()
            });
            placed || key.as_str() == "vcluster"
        })
        .map(|(key, _)| key.clone())
        .collect()
}

/// Every section of the profile format that deploys something has exactly one entry in
/// the list, and the entry reads that section.
#[test]
fn every_profile_section_is_registered() {
    let registered: BTreeSet<String> = keys().into_iter().map(str::to_owned).collect();
    assert_eq!(
        registered.len(),
        COMPONENTS.len(),
        "a component is listed twice"
    );
    assert_eq!(
        registered,
        deployable_sections(),
        "a profile section has no entry in COMPONENTS, or an entry no profile section"
    );
    let p = profile(EVERYTHING);
    for c in COMPONENTS {
        if let Some(section) = c.section(&p) {
            assert_eq!(section.key(), c.key());
        }
    }
    let sections: Vec<&str> = p.components().iter().map(|c| c.key()).collect();
    assert_eq!(
        sections,
        ["prometheus", "loki", "tempo", "grafana", "alloy"]
    );
}

/// Each registered component contributes its namespace, release, volume, ServiceMonitor,
/// alert groups, dashboards and datasource to the compiled output: this fails if a stage stops iterating the list.
#[test]
fn every_enabled_component_contributes_its_artifacts() {
    let p = profile(EVERYTHING);
    let stack = Stack::new(&p, "p");
    let bundle = compile(
        &stack,
        &Provenance {
            name: "p".to_owned(),
            sources: vec!["profiles/p.yaml".to_owned()],
        },
    );
    let paths: BTreeSet<&str> = bundle.documents().map(|d| d.path.as_str()).collect();
    let namespaces = stack.namespaces();
    for (key, namespace) in [
        ("prometheus", "prom"),
        ("loki", "logs"),
        ("tempo", "traces"),
        ("grafana", "ui"),
        ("alloy", "collect"),
    ] {
        assert!(
            namespaces.contains(namespace),
            "{key}: no namespace {namespace}"
        );
    }
    let built = super::Built {
        alloy_values: Some(serde_json::json!({})),
    };
    let charts: Vec<&str> = crate::compile::release::releases(&stack, &built)
        .iter()
        .map(|r| r.chart)
        .collect();
    assert_eq!(
        charts,
        ["kube-prometheus-stack", "loki", "tempo", "grafana", "alloy"]
    );
    for path in [
        "storage/loki.yaml",
        "storage/tempo.yaml",
        "monitoring/monitors/alloy.yaml",
        "monitoring/monitors/loki.yaml",
        "monitoring/monitors/tempo.yaml",
        "vcluster/values.yaml",
        "monitoring/rules/alloy.yaml",
        "monitoring/rules/loki.yaml",
        "monitoring/rules/prometheus.yaml",
        "monitoring/rules/storage.yaml",
        "monitoring/rules/tempo.yaml",
        "monitoring/rules/operators.yaml",
        "dashboards/kaiwo-namespace-debug.yaml",
        "dashboards/kaiwo-cluster-health.yaml",
        "dashboards/logs-explorer.yaml",
        "dashboards/alloy-health.yaml",
    ] {
        assert!(paths.contains(path), "no {path} in {paths:?}");
    }
    let kinds: Vec<&str> = crate::compile::datasources::datasources(&stack)
        .iter()
        .map(|d| d.kind())
        .collect();
    assert_eq!(kinds, ["prometheus", "loki", "tempo"]);
}

/// Leaving a component out of the list drops its artifacts: the list is what the
/// stages read (the mutation the registry guards against).
#[test]
fn a_component_missing_from_the_list_loses_its_artifacts() {
    let p = profile(EVERYTHING);
    let stack = Stack::new(&p, "p");
    let all: Vec<_> = COMPONENTS
        .iter()
        .filter_map(|c| c.namespace(&stack))
        .collect();
    let without_tempo: Vec<_> = COMPONENTS
        .iter()
        .filter(|c| c.key() != "tempo")
        .filter_map(|c| c.namespace(&stack))
        .collect();
    assert!(all.contains(&"traces") && !without_tempo.contains(&"traces"));
    let releases = crate::compile::release::releases(&stack, &super::Built::default());
    let names: Vec<&str> = releases.iter().map(|r| r.chart).collect();
    // Alloy's release needs the values of the pipeline compile built.
    assert_eq!(names, ["kube-prometheus-stack", "loki", "tempo", "grafana"]);
}

/// Leaving a component out of the list drops its built-in alert groups, and only
/// its own: the rules stage reads the groups from the list.
#[test]
fn a_component_missing_from_the_list_loses_its_alert_groups() {
    let p = profile(EVERYTHING);
    let stack = Stack::new(&p, "p");
    let names = |components: &[&'static dyn super::Deployable]| -> Vec<String> {
        crate::compile::rules::builtin_rules_of(&stack, components)
            .0
            .into_iter()
            .map(|g| g.name)
            .collect()
    };
    assert_eq!(
        names(&COMPONENTS),
        [
            "alloy",
            "loki",
            "operators",
            "prometheus",
            "storage",
            "tempo"
        ]
    );
    for (key, groups) in [
        ("alloy", &["alloy"][..]),
        ("loki", &["loki"]),
        ("prometheus", &["prometheus", "storage"]),
        ("tempo", &["tempo"]),
        ("vcluster", &["operators"]),
    ] {
        let without: Vec<&'static dyn super::Deployable> = COMPONENTS
            .iter()
            .copied()
            .filter(|c| c.key() != key)
            .collect();
        let left = names(&without);
        let mut expected = names(&COMPONENTS);
        expected.retain(|g| !groups.contains(&g.as_str()));
        assert_eq!(left, expected, "without {key}");
    }
}

/// The collector waits for the releases of the components that declare themselves
/// stores, read from their releases rather than from a list of chart names.
#[test]
fn the_collector_waits_for_the_stores_the_components_declare() {
    let p = profile(EVERYTHING);
    let stack = Stack::new(&p, "p");
    let built = super::Built {
        alloy_values: Some(serde_json::json!({})),
    };
    let releases = crate::compile::release::releases(&stack, &built);
    let needs = crate::compile::release::dependencies(&releases);
    let waits = |name: &str| -> Vec<&str> { needs[name].iter().map(|r| r.chart).collect() };
    let alloy = releases.iter().find(|r| r.chart == "alloy").expect("alloy");
    assert_eq!(
        waits(&alloy.name),
        ["kube-prometheus-stack", "loki", "tempo"]
    );
    for r in releases.iter().filter(|r| r.chart != "alloy") {
        assert!(waits(&r.name).is_empty(), "{} waits", r.chart);
    }
}

/// Leaving a component out of the list drops its dashboards, and only its own: the
/// dashboards stage reads the catalog from the list.
#[test]
fn a_component_missing_from_the_list_loses_its_dashboards() {
    use crate::compile::dashboards::{catalog_of, selection_of};
    let p = profile(EVERYTHING);
    let stack = Stack::new(&p, "p");
    let uids = |components: &[&'static dyn super::Deployable]| -> Vec<&'static str> {
        selection_of(&stack, &catalog_of(components))
            .0
            .iter()
            .map(|d| d.uid)
            .collect()
    };
    let all = uids(&COMPONENTS);
    assert_eq!(
        all,
        [
            "kaiwo-namespace-debug",
            "kaiwo-cluster-health",
            "logs-explorer",
            "alloy-health"
        ]
    );
    for (key, gone) in [
        (
            "prometheus",
            &["kaiwo-namespace-debug", "kaiwo-cluster-health"][..],
        ),
        ("loki", &["logs-explorer"]),
        ("alloy", &["alloy-health"]),
    ] {
        let without: Vec<&'static dyn super::Deployable> = COMPONENTS
            .iter()
            .copied()
            .filter(|c| c.key() != key)
            .collect();
        let mut expected = all.clone();
        expected.retain(|uid| !gone.contains(uid));
        assert_eq!(uids(&without), expected, "without {key}");
    }
}

/// Leaving a component out of the list drops its own validation, and only its own:
/// the validate stage runs the checks the listed components declare.
#[test]
fn a_component_missing_from_the_list_loses_its_validation() {
    let text = "
cluster: { name: c }
namespace: obs
delivery: { mode: helmfile }
prometheus: { retention: 10d, monitorSelector: {} }
alloy: { logs: { audit: { syncer: true } } }
grafana: { admin: { existingSecret: { name: g } }, dashboardLabel: {} }
vcluster: { namespaceFormat: 'test-{run_id}{run_attempt}', auditPolicy: { enabled: false } }
";
    let root = crate::load::parse_yaml(crate::diag::FileId(0), text).expect("YAML");
    let p = profile(text);
    let stack = Stack::new(&p, "p");
    let messages = |components: &[&'static dyn super::Deployable]| -> Vec<String> {
        crate::validate::validate_with(&stack, &root, components)
            .into_iter()
            .map(|d| d.message)
            .collect()
    };
    let all = messages(&COMPONENTS);
    for (key, own) in [
        (
            "alloy",
            &["Alloy collects logs but the profile has no Loki"][..],
        ),
        (
            "vcluster",
            &[
                "without the audit policy",
                "touch, so their values cannot be told apart",
            ],
        ),
        (
            "grafana",
            &["the dashboard sidecar watches exactly one label"],
        ),
        ("prometheus", &["an empty `monitorSelector`"]),
    ] {
        let mine = |m: &String| own.iter().any(|o| m.contains(o));
        for o in own {
            assert!(all.iter().any(|m| m.contains(o)), "{key}: {o}: {all:?}");
        }
        let without: Vec<&'static dyn super::Deployable> = COMPONENTS
            .iter()
            .copied()
            .filter(|c| c.key() != key)
            .collect();
        let mut expected = all.clone();
        expected.retain(|m| !mine(m));
        assert_eq!(messages(&without), expected, "without {key}");
    }
}
