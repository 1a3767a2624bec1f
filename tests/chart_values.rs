//! Every key o11yc sets in a chart's values must exist in that chart's default
//! `values.yaml` (the pinned versions in `../shared/conformance/chart-values`).
//! A misspelt key is silently ignored by Helm, so this is the only place it shows.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn chart_values_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/chart-values");
    dir.is_dir().then_some(dir)
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

fn chart_defaults(dir: &Path, chart: &str) -> Value {
    let file = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(&format!("{chart}-"))
                && name.ends_with(".values.yaml")
                && name[chart.len() + 1..].starts_with(|c: char| c.is_ascii_digit())
        })
        .unwrap_or_else(|| panic!("no default values for {chart}"));
    let mut defaults = load_yaml(&file);
    if chart == "kube-prometheus-stack" {
        // Grafana is a sub-chart: its defaults sit under `grafana:`, overlaid by the stack's.
        let grafana = chart_defaults(dir, "grafana");
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

/// The values files and HelmRelease values of every generated profile, with their chart.
fn generated_values() -> Vec<(String, String, Value)> {
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
                out.push((
                    values_file.display().to_string(),
                    chart,
                    load_yaml(&values_file),
                ));
            }
        }
        let flux = profile.join("flux");
        // HelmReleases are in `flux/<release>/helmrelease.yaml`, one directory per release.
        let mut files = Vec::new();
        let mut dirs = vec![flux];
        while let Some(dir) = dirs.pop() {
            if !dir.is_dir() {
                continue;
            }
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let docs: Vec<Value> = serde_saphyr::from_str_multiple(&text).unwrap();
            for doc in docs.into_iter().filter(|d| d["kind"] == "HelmRelease") {
                let chart = doc["spec"]["chart"]["spec"]["chart"]
                    .as_str()
                    .or_else(|| doc["spec"]["chartRef"]["name"].as_str())
                    .unwrap()
                    .to_owned();
                out.push((
                    file.display().to_string(),
                    chart,
                    doc["spec"]["values"].clone(),
                ));
            }
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
    let mut problems = Vec::new();
    for (file, chart, ours) in values {
        let defaults = chart_defaults(&dir, &chart);
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
