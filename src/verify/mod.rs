//! Stage 4, **verify**: checks of the compiled documents before they are rendered.
//!
//! The query linker ([`linker`]) runs here on what was actually compiled: every
//! alert and recording rule, every dashboard panel and query variable, and every
//! LogQL query a datasource link runs must name metrics, labels and streams the
//! profile collects ([`collected`]). Compilation already leaves out built-in
//! rules and panels whose data is not collected (and says so in the generated
//! README), and [`requests`] refuses the ones a profile asks for explicitly, so a
//! problem found here is a bug in o11yc; the build fails instead of shipping a
//! query that can never show data.

pub(crate) mod alerts;
pub mod collected;
pub(crate) mod dashboards;
pub(crate) mod label_budget;
pub mod linker;
pub mod metrics;
pub mod pipelines;
pub mod streams;

use std::collections::BTreeSet;

use serde_json::Value;

use crate::compile::document::{Bundle, Content};
use crate::diag::{Diagnostic, codes};
use crate::load::{Located, Node};
use crate::resolve::stack::Stack;

pub use collected::Collected;
use linker::{CustomValues, link_logql, link_metadata, link_promql};

/// Every query of `bundle` that does not link against what `stack` collects,
/// each naming its file and rule, panel or variable.
pub fn verify(stack: &Stack, bundle: &Bundle) -> Vec<String> {
    let collected = Collected::of(stack);
    let provisioned = crate::compile::dashboards::provisioned(stack);
    let mut out = Vec::new();
    for document in bundle.documents() {
        let path = &document.path;
        match &document.content {
            Content::Yaml(objects) if path.starts_with("monitoring/rules/") => {
                for object in objects {
                    rules(path, object, &collected, &mut out);
                }
            }
            Content::Json(dashboard) if path.starts_with("dashboards/") => {
                out.extend(
                    dashboard_problems(dashboard, &collected, &provisioned)
                        .into_iter()
                        .map(|p| format!("{path}: {p}")),
                );
            }
            _ => {}
        }
        if let Content::Yaml(objects) = &document.content {
            for object in objects {
                trace_links(path, object, &collected, &mut out);
            }
        }
    }
    out
}

fn rules(path: &str, object: &Value, collected: &Collected, out: &mut Vec<String>) {
    let groups = object.pointer("/spec/groups").and_then(Value::as_array);
    for rule in groups
        .into_iter()
        .flatten()
        .filter_map(|g| g["rules"].as_array())
        .flatten()
    {
        let name = rule["alert"].as_str().or(rule["record"].as_str());
        if let Some(expr) = rule["expr"].as_str()
            && let Err(e) = link_promql(expr, collected)
        {
            out.push(format!("{path}: rule `{}`: {e}", name.unwrap_or("?")));
        }
    }
}

/// Tempo's trace-to-logs query (`tracesToLogsV2.query`) wherever a values file
/// provisions it. `$$` is the escape of provisioning files.
fn trace_links(path: &str, value: &Value, collected: &Collected, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(query) = map.get("tracesToLogsV2").and_then(|t| t["query"].as_str()) {
                let query = query.replace("$$", "$");
                if query.contains("${__tags}") {
                    out.push(format!(
                        "{path}: trace-to-logs query `{query}` expands to `{{}}` when a span has none of the mapped tags"
                    ));
                } else if let Err(e) =
                    link_logql(&query, &CustomValues::new(), collected).and_then(|()| {
                        link_metadata(
                            &query,
                            crate::compile::datasources::TRACE_ID_FIELD,
                            collected,
                        )
                    })
                {
                    out.push(format!("{path}: trace-to-logs query `{query}`: {e}"));
                }
            }
            for v in map.values() {
                trace_links(path, v, collected, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                trace_links(path, v, collected, out);
            }
        }
        // Dashboards inside ConfigMaps are checked as their JSON twins.
        _ => {}
    }
}

/// The names of the Grafana variables a query uses (`$name`, `${name}`,
/// `${name:format}`), except Grafana's own (`$__...`).
pub fn used_variables(query: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = query;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        let name: String = match after.strip_prefix('{') {
            Some(braced) => braced
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect(),
            None => after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect(),
        };
        if !name.is_empty() && !name.starts_with("__") {
            out.insert(name);
        }
        rest = after;
    }
    out
}

/// `label_values(selector, label)` or `label_values(label)`: (selector, label).
fn label_values(query: &str) -> Option<(Option<&str>, &str)> {
    let inner = query
        .trim()
        .strip_prefix("label_values(")?
        .strip_suffix(')')?;
    match inner.rfind(',') {
        Some(i) => Some((Some(inner[..i].trim()), inner[i + 1..].trim())),
        None => Some((None, inner.trim())),
    }
}

/// Where a datasource reference (`{type, uid}`) points, if it resolves: a
/// datasource variable of the same plugin whose plugin Grafana is provisioned
/// with, or Grafana's own annotation source.
fn datasource_problem(
    reference: &Value,
    variables: &[Value],
    provisioned: &[&str],
) -> Option<String> {
    let kind = reference["type"].as_str().unwrap_or("");
    let uid = reference["uid"].as_str().unwrap_or("");
    if kind == "grafana" && uid == "-- Grafana --" {
        return None;
    }
    let name = uid.strip_prefix("${").and_then(|u| u.strip_suffix('}'));
    let variable = name.and_then(|n| {
        variables
            .iter()
            .find(|v| v["type"] == "datasource" && v["name"] == n)
    });
    match variable {
        Some(v) if v["query"] == kind && provisioned.contains(&kind) => None,
        Some(_) => Some(format!(
            "datasource `{uid}` ({kind}) is a variable of another plugin, or {kind} is not provisioned"
        )),
        None => Some(format!(
            "datasource `{uid}` ({kind}) is not a datasource variable of the dashboard"
        )),
    }
}

/// Problems of one dashboard: unlinked queries and variables, variables used
/// but not defined, datasource references that do not resolve.
pub fn dashboard_problems(
    dashboard: &Value,
    collected: &Collected,
    provisioned: &[&str],
) -> Vec<String> {
    let mut out = Vec::new();
    let variables = dashboard
        .pointer("/templating/list")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut references: Vec<(String, &Value)> = Vec::new();
    for v in variables.iter().filter(|v| v.get("datasource").is_some()) {
        references.push((format!("variable `{}`", v["name"]), &v["datasource"]));
    }
    for a in dashboard
        .pointer("/annotations/list")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        references.push((format!("annotation {}", a["name"]), &a["datasource"]));
    }
    for panel in dashboard["panels"].as_array().into_iter().flatten() {
        let title = panel["title"].as_str().unwrap_or("?");
        references.push((format!("panel `{title}`"), &panel["datasource"]));
        for target in panel["targets"].as_array().into_iter().flatten() {
            references.push((format!("panel `{title}` query"), &target["datasource"]));
        }
    }
    for (what, reference) in references {
        if let Some(problem) = datasource_problem(reference, variables, provisioned) {
            out.push(format!("{what}: {problem}"));
        }
    }
    let defined: BTreeSet<&str> = variables
        .iter()
        .filter_map(|v| v["name"].as_str())
        .collect();
    let custom: CustomValues = variables
        .iter()
        .filter(|v| v["type"] == "custom")
        .filter_map(|v| {
            let values = v["query"].as_str()?.split(',').map(str::to_owned).collect();
            Some((v["name"].as_str()?.to_owned(), values))
        })
        .collect();
    let undefined = |what: &str, query: &str, out: &mut Vec<String>| {
        for name in used_variables(query) {
            if !defined.contains(name.as_str()) {
                out.push(format!("{what} uses `${name}`, which is not a variable"));
            }
        }
    };
    for v in variables.iter().filter(|v| v["type"] == "query") {
        let name = v["name"].as_str().unwrap_or("?");
        let query = v["query"].as_str().unwrap_or("");
        let what = format!("variable `{name}`");
        undefined(&what, query, &mut out);
        let kind = v.pointer("/datasource/type").and_then(Value::as_str);
        let Some((selector, label)) = label_values(query) else {
            out.push(format!("{what}: `{query}` is not `label_values(...)`"));
            continue;
        };
        let result = match (kind, selector) {
            (Some("loki"), Some(selector)) => {
                let with_label = format!(
                    "{}, {label}=~\".+\"}}",
                    selector.trim_end().trim_end_matches('}')
                );
                link_logql(&with_label, &custom, collected)
            }
            (Some("loki"), None) => link_logql(&format!("{{{label}=~\".+\"}}"), &custom, collected),
            (_, Some(selector)) => {
                let with_label = if selector.contains('{') {
                    format!(
                        "{}, {label}=~\".+\"}}",
                        selector.trim_end().trim_end_matches('}')
                    )
                } else {
                    format!("{selector}{{{label}=~\".+\"}}")
                };
                link_promql(&with_label, collected)
            }
            (_, None) => Ok(()),
        };
        if let Err(e) = result {
            out.push(format!("{what}: {e}"));
        }
    }
    for panel in dashboard["panels"].as_array().into_iter().flatten() {
        let title = panel["title"].as_str().unwrap_or("?");
        for target in panel["targets"].as_array().into_iter().flatten() {
            let expr = target["expr"].as_str().unwrap_or("");
            let what = format!("panel `{title}`");
            undefined(&what, expr, &mut out);
            let result = match target.pointer("/datasource/type").and_then(Value::as_str) {
                Some("loki") => link_logql(expr, &custom, collected),
                _ => link_promql(expr, collected),
            };
            if let Err(e) = result {
                out.push(format!("{what}: {e}"));
            }
        }
    }
    out
}

/// The query-linker checks of what the profile asks for by name, located at its keys:
/// built-in alert overrides and custom rules (`alerts`), and `dashboards.include`. They
/// read the rule and dashboard selection, so they live here rather than in validate;
/// the driver runs them with validation, before compiling, so their errors come in the
/// same run as the other semantic errors.
pub fn requests(stack: &Stack, root: &Located<Node>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    alerts::check(stack, root, &mut out);
    for d in &mut out {
        d.default_code(codes::ALERTS);
    }
    let first = out.len();
    dashboards::check(stack, root, &mut out);
    for d in &mut out[first..] {
        d.default_code(codes::DASHBOARDS);
    }
    out
}

#[cfg(test)]
mod tests;
