//! Every committed dashboard (`generated/*/dashboards/*.json`) validates against
//! Grafana's JSON schemas in `../shared/conformance/grafana-jsonschema/`: the
//! dashboard, each panel's `options` and `fieldConfig.defaults.custom` by panel
//! type, and each query by its datasource's query model. `generated/` is kept
//! fresh by the conformance script's `fresh` check, so this covers what o11yc
//! writes.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

const SCHEMAS: &str = "../shared/conformance/grafana-jsonschema";

/// Grafana's current dashboard schemaVersion (Grafana 12).
const SCHEMA_VERSION: u64 = 42;

fn load(name: &str) -> Value {
    let path = Path::new(SCHEMAS).join(format!("{name}.jsonschema.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (is ../shared beside the repository?)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

/// The schema of `name` rooted at one of its definitions.
fn definition(name: &str, definition: &str) -> Option<Value> {
    if !Path::new(SCHEMAS)
        .join(format!("{name}.jsonschema.json"))
        .is_file()
    {
        return None;
    }
    let mut schema = load(name);
    schema["definitions"].get(definition)?;
    schema["$ref"] = json!(format!("#/definitions/{definition}"));
    Some(schema)
}

/// Problems of `instance` against `schema`, each with its JSON pointer.
fn errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::draft7::new(schema).expect("Grafana's schemas compile");
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The schema file of a panel type (`state-timeline` → `statetimeline`).
fn panel_schema(kind: &str) -> String {
    kind.replace('-', "")
}

/// Every schema problem of one dashboard.
fn dashboard_problems(dashboard: &Value) -> Vec<String> {
    let mut out = errors(&load("dashboard"), dashboard);
    if dashboard["schemaVersion"] != SCHEMA_VERSION {
        out.push(format!(
            "schemaVersion is {}, Grafana 12 writes {SCHEMA_VERSION}",
            dashboard["schemaVersion"]
        ));
    }
    for panel in dashboard["panels"].as_array().into_iter().flatten() {
        let title = panel["title"].as_str().unwrap_or("?");
        let kind = panel["type"].as_str().unwrap_or("");
        let schema = panel_schema(kind);
        match definition(&schema, "Options") {
            Some(options) => out.extend(
                errors(&options, panel.get("options").unwrap_or(&Value::Null))
                    .into_iter()
                    .map(|e| format!("panel `{title}` options{e}")),
            ),
            None => out.push(format!(
                "panel `{title}`: no schema for panel type `{kind}`"
            )),
        }
        if let (Some(custom), Some(field)) = (
            panel.pointer("/fieldConfig/defaults/custom"),
            definition(&schema, "FieldConfig"),
        ) {
            out.extend(
                errors(&field, custom)
                    .into_iter()
                    .map(|e| format!("panel `{title}` fieldConfig.defaults.custom{e}")),
            );
        }
        for target in panel["targets"].as_array().into_iter().flatten() {
            let source = target.pointer("/datasource/type").and_then(Value::as_str);
            // Each query model file is rooted at its query type.
            let known = source.filter(|s| {
                Path::new(SCHEMAS)
                    .join(format!("{s}.jsonschema.json"))
                    .is_file()
            });
            match known.map(load) {
                Some(query) => out.extend(
                    errors(&query, target)
                        .into_iter()
                        .map(|e| format!("panel `{title}` target{e}")),
                ),
                None => out.push(format!(
                    "panel `{title}`: no query model for datasource {source:?}"
                )),
            }
        }
    }
    out
}

fn committed_dashboards() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for profile in std::fs::read_dir("generated").unwrap() {
        let dir = profile.unwrap().path().join("dashboards");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_committed_dashboard_passes_grafanas_schemas() {
    let dashboards = committed_dashboards();
    assert!(dashboards.len() >= 4, "found {dashboards:?}");
    let mut failures = Vec::new();
    for path in &dashboards {
        let dashboard: Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for problem in dashboard_problems(&dashboard) {
            failures.push(format!("{}: {problem}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The check bites: each corruption of a valid dashboard is reported.
#[test]
fn schema_check_rejects_corrupted_dashboards() {
    let path = committed_dashboards()
        .into_iter()
        .find(|p| p.ends_with("dev/dashboards/alloy-health.json"))
        .expect("generated/dev ships alloy-health");
    let valid: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(dashboard_problems(&valid), Vec::<String>::new());
    type Corruption = (&'static str, fn(&mut Value));
    let corruptions: [Corruption; 6] = [
        ("no annotations", |d| {
            d.as_object_mut().unwrap().remove("annotations");
        }),
        ("fieldConfig without overrides", |d| {
            d["panels"][0]["fieldConfig"]
                .as_object_mut()
                .unwrap()
                .remove("overrides");
        }),
        ("old schemaVersion", |d| d["schemaVersion"] = json!(39)),
        ("unknown stat option", |d| {
            d["panels"][0]["options"]["colour"] = json!("red");
        }),
        ("query model: refId a number", |d| {
            d["panels"][0]["targets"][0]["refId"] = json!(1);
        }),
        ("unknown panel type", |d| {
            d["panels"][0]["type"] = json!("sparkles")
        }),
    ];
    for (what, corrupt) in corruptions {
        let mut dashboard = valid.clone();
        corrupt(&mut dashboard);
        assert!(
            !dashboard_problems(&dashboard).is_empty(),
            "not caught: {what}"
        );
    }
}
