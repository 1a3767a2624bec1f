//! Grafana dashboards: typed JSON, shipped as ConfigMaps for Grafana's
//! dashboard sidecar (`dashboards/<uid>.yaml`) and as plain JSON
//! (`dashboards/<uid>.json`) for importing by hand.

pub mod catalog;
pub mod log_names;
pub mod model;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;

use crate::compile::datasources;
use crate::compile::document::{Bundle, Content, Document, Role, to_value};
use crate::compile::meta::{object_meta, with_labels};
use crate::compile::rules::Dropped;
use crate::components::{COMPONENTS, Deployable};
use crate::query::{check_logql, check_promql, expand_grafana_variables};
use crate::resolve::stack::Stack;
use crate::verify::Collected;
use crate::verify::linker::{CustomValues, link_logql, link_promql};

use catalog::LineFormat;
use log_names::LogNames;
use model::{Dashboard, Panel, Source};

/// A dashboard o11yc can ship and what it needs; components declare theirs
/// ([`Deployable::dashboards`](crate::components::Deployable::dashboards), in
/// `src/components/<name>/dashboards.rs`).
pub struct Entry {
    /// Its uid.
    pub uid: &'static str,
    /// The datasources its panels query.
    pub sources: &'static [Source],
    /// Whether it needs Alloy.
    pub needs_alloy: bool,
    /// Builds it for the stack, from what the stack collects.
    pub build: fn(&Stack, &Collected) -> Dashboard,
}

/// Every dashboard of every registered component, in list order.
pub fn catalog() -> Vec<&'static Entry> {
    catalog_of(&COMPONENTS)
}

/// The dashboards of `components`, in their order.
pub fn catalog_of(components: &[&'static dyn Deployable]) -> Vec<&'static Entry> {
    components.iter().flat_map(|c| c.dashboards()).collect()
}

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

/// How the stack's Alloy writes log lines: unified only when every Alloy that
/// collects logs rewrites them.
pub fn line_format(stack: &Stack) -> LineFormat {
    let in_vcluster = stack
        .profile
        .vcluster
        .as_ref()
        .and_then(|v| v.alloy.as_ref());
    let mut with_logs = stack
        .alloy()
        .into_iter()
        .chain(in_vcluster.filter(|a| a.enabled))
        .filter(|a| a.logs.any_enabled())
        .peekable();
    if with_logs.peek().is_some() && with_logs.all(|a| a.logs.unified_schema) {
        LineFormat::Unified
    } else {
        LineFormat::Native
    }
}

/// The source label's values the stack's streams have, in a fixed order.
pub fn log_sources(collected: &Collected, names: &LogNames) -> Vec<String> {
    let order: Vec<&str> = names.ordered().collect();
    let mut values: Vec<String> = collected
        .label_values(&names.label)
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect();
    values.sort_by_key(|v| {
        (
            order.iter().position(|o| o == v).unwrap_or(order.len()),
            v.clone(),
        )
    });
    values
}

/// The dashboard with `uid`, built for the stack.
pub fn build(stack: &Stack, uid: &str) -> Option<Dashboard> {
    build_with(stack, uid, &Collected::of(stack))
}

fn build_with(stack: &Stack, uid: &str, collected: &Collected) -> Option<Dashboard> {
    selected_catalog(stack, uid, &catalog(), collected)
}

fn selected_catalog(
    stack: &Stack,
    uid: &str,
    catalog: &[&Entry],
    collected: &Collected,
) -> Option<Dashboard> {
    let entry = catalog.iter().find(|e| e.uid == uid)?;
    Some((entry.build)(stack, collected))
}

/// The values of a dashboard's `custom` variables.
fn custom_values(dashboard: &Dashboard) -> CustomValues {
    dashboard
        .templating
        .list
        .iter()
        .filter(|v| v.kind == "custom")
        .map(|v| {
            (
                v.name.clone(),
                v.query.split(',').map(str::to_owned).collect(),
            )
        })
        .collect()
}

/// Why a panel cannot show data in this stack (the first query that does not
/// link), if it cannot.
pub fn unlinked(panel: &Panel, custom: &CustomValues, collected: &Collected) -> Option<String> {
    panel.targets.iter().find_map(|t| {
        match t.datasource.kind {
            "loki" => link_logql(&t.expr, custom, collected),
            _ => link_promql(&t.expr, collected),
        }
        .err()
    })
}

/// Every panel of `dashboard` that cannot show data: (title, why).
pub fn unlinked_panels(
    dashboard: &Dashboard,
    collected: &Collected,
) -> Vec<(&'static str, String)> {
    let custom = custom_values(dashboard);
    dashboard
        .panels
        .iter()
        .filter_map(|p| unlinked(p, &custom, collected).map(|why| (p.title, why)))
        .collect()
}

/// The dashboards the profile ships. Nothing without Grafana. (For tests.)
#[cfg(test)]
pub fn selected(stack: &Stack) -> Vec<Dashboard> {
    selection(stack).0
}

/// The dashboards the profile ships: `dashboards.include` (validation has
/// refused any with a panel whose data is not collected), or every one whose
/// datasources exist, without the panels whose data the profile does not
/// collect; and what was left out.
pub fn selection(stack: &Stack) -> (Vec<Dashboard>, Vec<Dropped>) {
    selection_of(stack, &catalog())
}

/// [`selection`] from the dashboards of `catalog` only.
pub fn selection_of(stack: &Stack, catalog: &[&Entry]) -> (Vec<Dashboard>, Vec<Dropped>) {
    let mut dropped = Vec::new();
    if stack.grafana().is_none() {
        return (Vec::new(), dropped);
    }
    let collected = Collected::of(stack);
    let explicit = stack.profile.dashboards.include.is_some();
    let uids: Vec<&str> = match &stack.profile.dashboards.include {
        Some(include) => include.iter().map(String::as_str).collect(),
        None => catalog
            .iter()
            .filter(|e| missing(stack, e).is_none())
            .map(|e| e.uid)
            .collect(),
    };
    let mut out = Vec::new();
    for uid in uids {
        let Some(mut dashboard) = selected_catalog(stack, uid, catalog, &collected) else {
            continue;
        };
        if !explicit {
            let gone = unlinked_panels(&dashboard, &collected);
            if gone.len() == dashboard.panels.len() {
                dropped.push(Dropped {
                    name: uid.to_owned(),
                    what: format!("dashboard `{uid}`"),
                    why: "none of its panels has data the profile collects".to_owned(),
                });
                continue;
            }
            for (title, why) in &gone {
                dropped.push(Dropped {
                    name: (*title).to_owned(),
                    what: format!("panel \"{title}\" of dashboard `{uid}`"),
                    why: why.clone(),
                });
            }
            dashboard.retain_panels(|p| !gone.iter().any(|(t, _)| *t == p.title));
        }
        out.push(dashboard);
    }
    (out, dropped)
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
        .map(|v| (v.name.as_str(), v.query.as_str()))
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
/// profile's dashboard label) and `dashboards/<uid>.json` per selected dashboard;
/// returns the panels and dashboards left out because their data is not collected.
pub fn emit(stack: &Stack, bundle: &mut Bundle) -> Vec<Dropped> {
    let Some(grafana) = stack.grafana() else {
        return Vec::new();
    };
    let namespace = stack.grafana_namespace(grafana);
    let have = provisioned(stack);
    let (dashboards, dropped) = selection(stack);
    for dashboard in dashboards {
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
    dropped
}

#[cfg(test)]
mod tests;
