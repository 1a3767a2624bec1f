//! Grafana dashboards: typed JSON, shipped as ConfigMaps for Grafana's
//! dashboard sidecar (`dashboards/<uid>.yaml`) and as plain JSON
//! (`dashboards/<uid>.json`) for importing by hand.

pub mod catalog;
pub mod model;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;

use crate::compile::datasources;
use crate::compile::document::{Bundle, Content, Document, Role, to_value};
use crate::compile::meta::{object_meta, with_labels};
use crate::compile::stack::Stack;
use crate::query::{check_logql, check_promql, expand_grafana_variables};

use model::{Dashboard, Source};

/// A dashboard o11yc can ship and what it needs.
pub struct Entry {
    /// Its uid.
    pub uid: &'static str,
    /// The datasources its panels query.
    pub sources: &'static [Source],
    /// Whether it needs Alloy.
    pub needs_alloy: bool,
}

/// Every shipped dashboard.
pub const CATALOG: [Entry; 4] = [
    Entry {
        uid: "kaiwo-namespace-debug",
        sources: &[Source::Prometheus, Source::Loki],
        needs_alloy: false,
    },
    Entry {
        uid: "kaiwo-cluster-health",
        sources: &[Source::Prometheus],
        needs_alloy: false,
    },
    Entry {
        uid: "alloy-health",
        sources: &[Source::Prometheus],
        needs_alloy: true,
    },
    Entry {
        uid: "logs-explorer",
        sources: &[Source::Loki],
        needs_alloy: false,
    },
];

/// The datasource kinds Grafana gets provisioned with for this stack.
pub fn provisioned(stack: &Stack) -> Vec<&'static str> {
    datasources::datasources(stack)
        .iter()
        .map(|d| d.kind())
        .collect()
}

/// Why `entry` cannot be shipped by this stack, if it cannot.
pub fn missing(stack: &Stack, entry: &Entry) -> Option<String> {
    let have = provisioned(stack);
    if let Some(source) = entry.sources.iter().find(|s| !have.contains(&s.kind())) {
        return Some(format!(
            "it queries {}, which the profile does not deploy",
            source.kind()
        ));
    }
    if entry.needs_alloy && stack.alloy().is_none() {
        return Some("it shows Alloy, which the profile does not deploy".to_owned());
    }
    None
}

/// The dashboard with `uid`, built for the stack.
pub fn build(stack: &Stack, uid: &str) -> Option<Dashboard> {
    Some(match uid {
        "kaiwo-namespace-debug" => catalog::namespace_debug(),
        "kaiwo-cluster-health" => catalog::cluster_health(),
        "alloy-health" => {
            catalog::alloy_health(stack.alloy().map_or("", |a| stack.namespace_of(a)))
        }
        "logs-explorer" => catalog::logs_explorer(),
        _ => return None,
    })
}

/// The dashboards the profile ships: `dashboards.include`, or every one whose
/// datasources exist. Nothing without Grafana.
pub fn selected(stack: &Stack) -> Vec<Dashboard> {
    if stack.grafana().is_none() {
        return Vec::new();
    }
    let uids: Vec<&str> = match &stack.profile.dashboards.include {
        Some(include) => include.iter().map(String::as_str).collect(),
        None => CATALOG
            .iter()
            .filter(|e| missing(stack, e).is_none())
            .map(|e| e.uid)
            .collect(),
    };
    uids.into_iter()
        .filter_map(|uid| build(stack, uid))
        .collect()
}

/// Problems of a dashboard: duplicate panel ids, datasources the stack does
/// not provision, queries that do not parse (each naming the panel).
pub fn problems(dashboard: &Dashboard, provisioned: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    let variables: Vec<(&str, &str)> = dashboard
        .templating
        .list
        .iter()
        .filter(|v| v.kind == "datasource")
        .map(|v| (v.name, v.query.as_str()))
        .collect();
    for panel in &dashboard.panels {
        if !ids.insert(panel.id) {
            out.push(format!("panel id {} is used twice", panel.id));
        }
        for target in &panel.targets {
            let variable = target
                .datasource
                .uid
                .trim_start_matches("${")
                .trim_end_matches('}');
            match variables.iter().find(|(name, _)| *name == variable) {
                Some((_, kind)) if *kind == target.datasource.kind && provisioned.contains(kind) => {}
                _ => out.push(format!(
                    "panel `{}` queries datasource `{}` ({}), which is not a provisioned datasource variable",
                    panel.title, target.datasource.uid, target.datasource.kind
                )),
            }
            let expanded = expand_grafana_variables(&target.expr);
            let parsed = match target.datasource.kind {
                "loki" => check_logql(&expanded),
                _ => check_promql(&expanded),
            };
            if let Err(e) = parsed {
                out.push(format!("panel `{}`: {e}\n  {}", panel.title, target.expr));
            }
        }
    }
    out
}

/// Emits `dashboards/<uid>.yaml` (a ConfigMap in Grafana's namespace with the
/// profile's dashboard label) and `dashboards/<uid>.json` per selected dashboard.
pub fn emit(stack: &Stack, bundle: &mut Bundle) {
    let Some(grafana) = stack.grafana() else {
        return;
    };
    let namespace = stack.grafana_namespace(grafana);
    let have = provisioned(stack);
    for dashboard in selected(stack) {
        let problems = problems(&dashboard, &have);
        debug_assert!(problems.is_empty(), "{}: {problems:#?}", dashboard.uid);
        let json = to_value(&dashboard);
        let text = serde_json::to_string_pretty(&json).expect("JSON values always serialize");
        let config_map = ConfigMap {
            metadata: with_labels(
                object_meta(&format!("dashboard-{}", dashboard.uid), Some(namespace)),
                &grafana.dashboard_label,
            ),
            data: Some(BTreeMap::from([(format!("{}.json", dashboard.uid), text)])),
            ..ConfigMap::default()
        };
        bundle.resource(
            format!("dashboards/{}.yaml", dashboard.uid),
            vec![to_value(&config_map)],
        );
        bundle.add(Document {
            path: format!("dashboards/{}.json", dashboard.uid),
            content: Content::Json(json),
            role: Role::Support,
        });
    }
}

#[cfg(test)]
mod tests;
