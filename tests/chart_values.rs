//! Every key o11yc sets in a chart's values must exist in that chart's default
//! `values.yaml` (the pinned versions in `../shared/conformance/chart-values`).
//! A misspelt key is silently ignored by Helm, so this is the only place it shows.
//! Where the chart ships a `values.schema.json` (`../shared/conformance/charts`),
//! the values, merged over the chart's defaults as Helm merges them, must satisfy it.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn chart_values_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/chart-values");
    dir.is_dir().then_some(dir)
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(yaml_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn load_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Keys the charts document only in comments (so they are absent from the
/// defaults) but read in their templates.
const COMMENTED_KEYS: &[(&str, &str)] = &[
    ("loki", "loki.storage.bucketNames"),
    ("tempo", "persistence.storageClassName"),
    // The S3 settings are documented in a comment above `storage.trace`.
    ("tempo-distributed", "storage.trace.s3"),
    // Read by the backend-worker PodDisruptionBudget template (which fails on a
    // missing `podDisruptionBudget` once replicas exceed 1) but absent from the defaults.
    ("tempo-distributed", "backendWorker.maxUnavailable"),
    ("tempo-distributed", "backendWorker.podDisruptionBudget"),
    ("grafana", "persistence.storageClassName"),
    ("grafana", "service.nodePort"),
    (
        "kube-prometheus-stack",
        "grafana.persistence.storageClassName",
    ),
    ("kube-prometheus-stack", "grafana.service.nodePort"),
];

/// Sections the charts pass through verbatim into the application's own
/// configuration (Loki's config file, grafana.ini): their keys belong to the
/// application, not the chart.
const PASS_THROUGH: &[(&str, &str)] = &[
    ("loki", "loki.limits_config"),
    ("loki", "loki.ingester"),
    ("grafana", "grafana.ini"),
    ("kube-prometheus-stack", "grafana.grafana.ini"),
];

/// Walks `ours` against `defaults`. A key is fine when it exists in the defaults;
/// below a default that is empty (`{}`, `[]`, null) or a scalar, anything goes
/// (those are free-form maps, lists or values).
fn unknown_keys(chart: &str, ours: &Value, defaults: &Value, path: &str, out: &mut Vec<String>) {
    let (Value::Object(ours), Value::Object(defaults)) = (ours, defaults) else {
        return;
    };
    if defaults.is_empty() {
        return;
    }
    for (key, value) in ours {
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        if PASS_THROUGH.contains(&(chart, here.as_str())) {
            continue;
        }
        match defaults.get(key) {
            Some(default) => unknown_keys(chart, value, default, &here, out),
            None if COMMENTED_KEYS.contains(&(chart, here.as_str())) => {}
            None => out.push(here),
        }
    }
}

/// The version of the Grafana sub-chart of the pinned kube-prometheus-stack.
const KPS_GRAFANA_VERSION: &str = "12.11.1";

fn chart_defaults(dir: &Path, chart: &str, version: &str) -> Value {
    let file = dir.join(format!("{chart}-{version}.values.yaml"));
    assert!(
        file.exists(),
        "no default values for {chart} {version} in {}",
        dir.display()
    );
    let mut defaults = load_yaml(&file);
    if chart == "kube-prometheus-stack" {
        // Grafana is a sub-chart: its defaults sit under `grafana:`, overlaid by the stack's.
        let grafana = chart_defaults(dir, "grafana", KPS_GRAFANA_VERSION);
        let stack_section = defaults["grafana"].clone();
        let mut merged = grafana;
        merge(&mut merged, &stack_section);
        defaults["grafana"] = merged;
    }
    defaults
}

fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, o) => *b = o.clone(),
    }
}

/// One release's values in a generated profile.
struct Generated {
    file: String,
    chart: String,
    version: String,
    values: Value,
}

/// The values files and HelmRelease values of every generated profile (HelmReleases
/// found in any YAML file), with their chart and version.
fn generated_values() -> Vec<Generated> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    let mut out = Vec::new();
    for profile in std::fs::read_dir(&root).unwrap() {
        let profile = profile.unwrap().path();
        let helmfile = profile.join("helmfile.yaml");
        if helmfile.exists() {
            let hf = load_yaml(&helmfile);
            for release in hf["releases"].as_array().unwrap() {
                let chart = release["chart"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_owned();
                let values_file = profile.join(release["values"][0].as_str().unwrap());
                out.push(Generated {
                    file: values_file.display().to_string(),
                    chart,
                    version: release["version"].as_str().unwrap().to_owned(),
                    values: load_yaml(&values_file),
                });
            }
        }
        let docs: Vec<(PathBuf, Value)> = yaml_files(&profile)
            .into_iter()
            .flat_map(|file| {
                let text = std::fs::read_to_string(&file).unwrap();
                let docs: Vec<Value> = serde_saphyr::from_str_multiple(&text).unwrap_or_default();
                docs.into_iter().map(move |d| (file.clone(), d))
            })
            .collect();
        for (file, doc) in docs.iter().filter(|(_, d)| d["kind"] == "HelmRelease") {
            let spec = &doc["spec"];
            let (chart, version) = match spec["chart"]["spec"]["chart"].as_str() {
                Some(chart) => (
                    chart.to_owned(),
                    spec["chart"]["spec"]["version"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                ),
                None => {
                    // `chartRef` to an OCIRepository: the chart is the URL's last segment.
                    let name = spec["chartRef"]["name"].as_str().unwrap();
                    let repo = docs
                        .iter()
                        .map(|(_, d)| d)
                        .find(|d| d["kind"] == "OCIRepository" && d["metadata"]["name"] == name)
                        .unwrap_or_else(|| panic!("no OCIRepository {name}"));
                    let url = repo["spec"]["url"].as_str().unwrap();
                    (
                        url.rsplit('/').next().unwrap().to_owned(),
                        repo["spec"]["ref"]["tag"].as_str().unwrap().to_owned(),
                    )
                }
            };
            out.push(Generated {
                file: file.display().to_string(),
                chart,
                version,
                values: spec["values"].clone(),
            });
        }
        // The Alloy inside each vCluster is installed with the stack's Alloy chart.
        let vcluster_alloy = profile.join("vcluster/alloy/values.yaml");
        if vcluster_alloy.exists() {
            let version = out
                .iter()
                .find(|g| g.chart == "alloy" && g.file.starts_with(&*profile.to_string_lossy()))
                .map(|g| g.version.clone())
                .expect("a vCluster profile has a stack Alloy release");
            out.push(Generated {
                file: vcluster_alloy.display().to_string(),
                chart: "alloy".to_owned(),
                version,
                values: load_yaml(&vcluster_alloy),
            });
        }
    }
    out
}

#[test]
fn generated_values_only_use_keys_the_charts_define() {
    let Some(dir) = chart_values_dir() else {
        eprintln!("skipped: ../shared/conformance/chart-values is absent");
        return;
    };
    let values = generated_values();
    assert!(
        values.len() >= 10,
        "expected the shipped profiles' values, found {}",
        values.len()
    );
    // prod-kafka's distributed Tempo keeps the tempo-distributed chart's keys checked.
    assert!(
        values.iter().any(|g| g.chart == "tempo-distributed"),
        "no tempo-distributed release among the shipped profiles"
    );
    let mut problems = Vec::new();
    for Generated {
        file,
        chart,
        version,
        values: ours,
    } in values
    {
        let defaults = chart_defaults(&dir, &chart, &version);
        let mut unknown = Vec::new();
        unknown_keys(&chart, &ours, &defaults, "", &mut unknown);
        problems.extend(
            unknown
                .into_iter()
                .map(|k| format!("{file}: `{k}` is not a {chart} chart value")),
        );
    }
    assert!(
        problems.is_empty(),
        "unknown values keys:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_key_check_catches_a_misspelt_key() {
    let defaults =
        serde_json::json!({"loki": {"auth_enabled": true, "limits_config": {"x": 1}}, "free": {}});
    let ours = serde_json::json!({"loki": {"authEnabled": false, "limits_config": {"x": 2}}, "free": {"any": 1}});
    let mut unknown = Vec::new();
    unknown_keys("loki", &ours, &defaults, "", &mut unknown);
    assert_eq!(unknown, vec!["loki.authEnabled".to_owned()]);
}

fn charts_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/charts");
    dir.is_dir().then_some(dir)
}

/// The schema errors of `ours` merged over the chart defaults, as Helm validates them.
fn schema_errors(schema: &Value, defaults: &Value, ours: &Value) -> Vec<String> {
    let mut merged = defaults.clone();
    merge_helm(&mut merged, ours);
    let validator = jsonschema::validator_for(schema).expect("the chart's schema compiles");
    validator
        .iter_errors(&merged)
        .map(|e| format!("{} at `{}`", e, e.instance_path()))
        .collect()
}

/// Helm's merge of user values over chart defaults: maps merge, `null` deletes a key.
fn merge_helm(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                if v.is_null() {
                    b.remove(k);
                } else {
                    merge_helm(b.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

#[test]
fn generated_values_satisfy_the_charts_values_schemas() {
    let (Some(values_dir), Some(charts)) = (chart_values_dir(), charts_dir()) else {
        eprintln!("skipped: ../shared/conformance is absent");
        return;
    };
    let mut checked = 0;
    let mut problems = Vec::new();
    for g in generated_values() {
        let schema_file = charts
            .join(format!("{}-{}", g.chart, g.version))
            .join("values.schema.json");
        if !schema_file.exists() {
            continue;
        }
        let schema: Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_file).unwrap()).unwrap();
        let defaults =
            load_yaml(&values_dir.join(format!("{}-{}.values.yaml", g.chart, g.version)));
        checked += 1;
        problems.extend(
            schema_errors(&schema, &defaults, &g.values)
                .into_iter()
                .map(|e| format!("{}: {} {}: {e}", g.file, g.chart, g.version)),
        );
    }
    // Loki ships a schema, and every shipped profile deploys Loki.
    assert!(
        checked >= 4,
        "expected the Loki releases to be checked, checked {checked}"
    );
    assert!(
        problems.is_empty(),
        "values.schema.json violations:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_schema_check_catches_a_wrong_type() {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {"singleBinary": {"type": "object", "properties": {"replicas": {"type": "integer"}}}}
    });
    let defaults = serde_json::json!({"singleBinary": {"replicas": 0}});
    assert!(
        schema_errors(
            &schema,
            &defaults,
            &serde_json::json!({"singleBinary": {"replicas": 1}})
        )
        .is_empty()
    );
    let errors = schema_errors(
        &schema,
        &defaults,
        &serde_json::json!({"singleBinary": {"replicas": "one"}}),
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("/singleBinary/replicas"), "{errors:?}");
}
