//! The README's Renovate regex manager finds every chart version pinned in the shipped
//! profiles (`delivery.charts.<chart>.version`), with a datasource that matches the
//! pinned repository.

use std::path::Path;

use crate::diag::SourceMap;
use crate::load::{Node, parse_yaml};
use regex::Regex;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `customManagers` entry of the README's `renovate.json` example.
fn readme_manager() -> serde_json::Value {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let block = readme
        .split("```json\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("\n```").map(|(b, _)| b))
        .find(|b| b.contains("customManagers"))
        .expect("README has a ```json block with customManagers");
    let config: serde_json::Value = serde_json::from_str(block).unwrap();
    config["customManagers"][0].clone()
}

/// Renovate writes regexes as `/.../`; the Rust `regex` crate accepts the same
/// `(?<name>...)` named groups.
fn js_regex(pattern: &str) -> Regex {
    let inner = pattern
        .strip_prefix('/')
        .and_then(|p| p.strip_suffix('/'))
        .unwrap_or(pattern);
    Regex::new(inner).unwrap()
}

/// Pinned chart versions in one profile file: (chart key, version, byte offset of the value).
fn pins(text: &str) -> Vec<(String, String, usize)> {
    let mut sources = SourceMap::new();
    let file = sources.add("p.yaml".into(), text.to_owned());
    let root = parse_yaml(file, sources.text(file)).unwrap();
    let charts = root
        .value
        .as_map()
        .and_then(|m| m.get("delivery"))
        .and_then(|d| d.value.value.as_map())
        .and_then(|d| d.get("charts"))
        .and_then(|c| c.value.value.as_map());
    let mut out = Vec::new();
    for (key, chart) in charts.into_iter().flatten() {
        let version = &chart.value.value.as_map().unwrap()["version"].value;
        let Node::Str(v) = &version.value else {
            panic!("{key}: version is not a string");
        };
        // A quoted scalar's span starts at the quote; Renovate's value starts after it.
        let start = version.span.start as usize;
        let quoted = matches!(text.as_bytes()[start], b'"' | b'\'');
        out.push((key.clone(), v.clone(), start + usize::from(quoted)));
    }
    out
}

/// Problems with the markers in one profile: pins the regex misses, matches that are
/// not pins, and datasources that disagree with the pinned repository.
fn problems(manager: &serde_json::Value, text: &str) -> Vec<String> {
    let pins = pins(text);
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for pattern in manager["matchStrings"].as_array().unwrap() {
        for caps in js_regex(pattern.as_str().unwrap()).captures_iter(text) {
            let value = caps.name("currentValue").unwrap();
            let Some((key, _, _)) = pins.iter().find(|(_, _, at)| *at == value.start()) else {
                problems.push(format!(
                    "`{}` matched but is not a chart pin",
                    value.as_str()
                ));
                continue;
            };
            found.push(value.start());
            let repository = text[value.end()..]
                .lines()
                .nth(1)
                .and_then(|l| l.trim().strip_prefix("repository: "))
                .unwrap_or_default();
            let dep = &caps["depName"];
            let registry = caps.name("registryUrl").map(|m| m.as_str());
            let consistent = match &caps["datasource"] {
                "helm" => registry == Some(repository),
                "docker" => registry.is_none() && repository == format!("oci://{dep}"),
                _ => false,
            };
            if !consistent {
                problems.push(format!(
                    "{key}: marker ({} {dep} {registry:?}) does not match repository {repository}",
                    &caps["datasource"]
                ));
            }
        }
    }
    for (key, version, at) in &pins {
        if !found.contains(at) {
            problems.push(format!(
                "{key} {version}: no `# renovate:` marker the regex finds"
            ));
        }
    }
    problems
}

#[test]
fn readme_regex_manager_finds_every_pinned_chart() {
    let manager = readme_manager();
    assert_eq!(manager["customType"], "regex");
    let files: Vec<Regex> = manager["managerFilePatterns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| js_regex(p.as_str().unwrap()))
        .collect();
    let mut total = 0;
    for entry in std::fs::read_dir(repo().join("profiles")).unwrap() {
        let path = entry.unwrap().path();
        let relative = format!("profiles/{}", path.file_name().unwrap().to_string_lossy());
        assert!(
            files.iter().any(|f| f.is_match(&relative)),
            "{relative} is not matched by managerFilePatterns"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let problems = problems(&manager, &text);
        assert!(problems.is_empty(), "{relative}: {problems:#?}");
        total += pins(&text).len();
    }
    // dev (3), homelab-nvme (4), vcluster (4), prod-kafka (1); prod inherits dev's.
    assert_eq!(total, 12);
}

/// The shipped profiles pin the default charts (the versions o11yc's Helm values are checked
/// against), so when a default moves this fails until the pins move with it, instead of a
/// stale pin silently overriding the new default.
#[test]
fn shipped_pins_are_the_default_charts() {
    let defaults = super::Charts::default();
    for entry in std::fs::read_dir(repo().join("profiles")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for (key, version, _) in pins(&text) {
            let default = match key.as_str() {
                "loki" => &defaults.loki,
                "tempo" => &defaults.tempo,
                "tempoDistributed" => &defaults.tempo_distributed,
                "alloy" => &defaults.alloy,
                "grafana" => &defaults.grafana,
                "kubePrometheusStack" => &defaults.kube_prometheus_stack,
                other => panic!("unknown chart key {other}"),
            };
            assert_eq!(version, default.version, "{}: {key}", path.display());
        }
    }
}

#[test]
fn the_check_bites() {
    let manager = readme_manager();
    let dev = std::fs::read_to_string(repo().join("profiles/dev.yaml")).unwrap();
    let marker = "      # renovate: datasource=helm depName=loki registryUrl=https://grafana-community.github.io/helm-charts\n";
    assert!(dev.contains(marker));

    let unmarked = dev.replacen(marker, "", 1);
    let p = problems(&manager, &unmarked);
    assert_eq!(
        p,
        vec!["loki 18.11.0: no `# renovate:` marker the regex finds".to_owned()]
    );

    let wrong_registry = dev.replacen(
        "registryUrl=https://grafana-community.github.io/helm-charts\n      version: 18.11.0",
        "registryUrl=https://example.com/charts\n      version: 18.11.0",
        1,
    );
    let p = problems(&manager, &wrong_registry);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("loki: marker"), "{p:?}");

    let quoted = dev.replacen("version: 18.11.0", "version: \"18.11.0\"", 1);
    assert!(problems(&manager, &quoted).is_empty());
}
