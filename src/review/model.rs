//! What a generated tree means to a reviewer: Kubernetes objects, Helm
//! releases, dashboards, alerting and recording rules and Alloy pipelines, each
//! once, keyed by identity rather than by file.

use std::collections::{BTreeMap, BTreeSet};

use o11yc_alloy::{File, Stmt};
use serde_json::Value;

use super::rendered::ReleaseSpec;
use crate::compile::pipeline::labels::{Values, streams};
use crate::render::RenderedTree;

/// Key path → scalar value (JSON text), ignoring key order and formatting.
pub type Flat = BTreeMap<String, String>;

/// What kind of thing an item is; the order is the order of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    /// A Helm release of a helmfile (chart, version and values).
    Release,
    /// A Kubernetes object (kind namespace/name).
    Object,
    /// A Grafana dashboard, by uid.
    Dashboard,
    /// A Prometheus alerting or recording rule, by name.
    Rule,
    /// A file o11yc does not look into.
    File,
}

/// One reviewable thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Its key paths and values.
    pub flat: Flat,
    /// A Secret: values are compared but never shown.
    pub secret: bool,
}

/// An Alloy pipeline as a graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pipeline {
    /// Component ids.
    pub components: BTreeSet<String>,
    /// `from -> to` references.
    pub edges: BTreeSet<String>,
    /// Component id → its block as `alloy fmt` prints it (comments left out).
    pub settings: BTreeMap<String, String>,
    /// Source component → every label (`name` or `name=value`) a stream from it carries.
    pub labels: BTreeMap<String, BTreeSet<String>>,
}

/// A generated tree as reviewable items.
#[derive(Debug, Default)]
pub struct Model {
    /// Items by section and identity.
    pub items: BTreeMap<(Section, String), Item>,
    /// Pipelines by where they are (`alloy/config.alloy`, `vcluster/values.yaml: a.b`).
    pub pipelines: BTreeMap<String, Pipeline>,
    /// Documentation files (not deployed), changed or not.
    pub docs: BTreeMap<String, Vec<u8>>,
    /// Helm releases (helmfile releases and Flux HelmReleases) as deployed, for `--rendered`.
    pub releases: BTreeMap<String, ReleaseSpec>,
    /// Pipeline text → where it was first seen, so a copy is shown once.
    seen: BTreeMap<String, String>,
}

/// Array elements that are objects with one of these fields are keyed by it,
/// so a reorder is not a change and a path names the element.
const ID_FIELDS: &[&str] = &["alert", "record", "name", "refId", "title", "uid"];

/// The placeholder for a value shown elsewhere in the report.
fn moved(to: &str) -> String {
    format!("(shown as {to})")
}

impl Model {
    /// Reads every file of a generated profile directory.
    pub fn of(tree: &RenderedTree) -> Model {
        let mut m = Model::default();
        let mut consumed = BTreeSet::new();
        if let Some(text) = text_of(tree, "helmfile.yaml") {
            m.helmfile(tree, text, &mut consumed);
        }
        // Pipeline files first: a copy of one embedded elsewhere then points at the file.
        let (alloy, rest): (Vec<_>, Vec<_>) = tree.iter().partition(|(p, _)| p.ends_with(".alloy"));
        for (path, bytes) in alloy.into_iter().chain(rest) {
            if consumed.contains(path) || path == crate::output::MANIFEST {
                continue;
            }
            if path.ends_with(".md") {
                m.docs.insert(path.clone(), bytes.clone());
                continue;
            }
            let text = String::from_utf8_lossy(bytes);
            let understood = if path.ends_with(".alloy") {
                m.pipeline(path.clone(), &text)
            } else if path.ends_with(".json") {
                serde_json::from_str::<Value>(&text)
                    .ok()
                    .is_some_and(|v| m.dashboard(v))
            } else if path.ends_with(".yaml") || path.ends_with(".yml") {
                m.yaml(path, &text)
            } else {
                false
            };
            if !understood {
                let mut flat = Flat::new();
                flat.insert(String::new(), text.into_owned());
                m.insert(Section::File, path.clone(), flat, false);
            }
        }
        m
    }

    fn insert(&mut self, section: Section, id: String, flat: Flat, secret: bool) {
        self.items.insert((section, id), Item { flat, secret });
    }

    /// Releases of a helmfile with their values files, which are then not shown again.
    fn helmfile(&mut self, tree: &RenderedTree, text: &str, consumed: &mut BTreeSet<String>) {
        let Ok(doc) = serde_saphyr::from_str::<Value>(text) else {
            return;
        };
        consumed.insert("helmfile.yaml".to_owned());
        let mut rest = doc.clone();
        if let Some(obj) = rest.as_object_mut() {
            obj.remove("releases");
        }
        let mut flat = Flat::new();
        flatten(&rest, String::new(), &mut flat);
        self.insert(Section::File, "helmfile.yaml".to_owned(), flat, false);
        for release in doc["releases"].as_array().into_iter().flatten() {
            let id = format!(
                "{}/{}",
                release["namespace"].as_str().unwrap_or(""),
                release["name"].as_str().unwrap_or("")
            );
            let mut own = release.clone();
            let mut values = serde_json::Map::new();
            if let Some(files) = own.as_object_mut().and_then(|o| o.remove("values")) {
                for file in files.as_array().into_iter().flatten() {
                    let Some(path) = file.as_str() else { continue };
                    let Some(v) =
                        text_of(tree, path).and_then(|t| serde_saphyr::from_str::<Value>(t).ok())
                    else {
                        continue;
                    };
                    consumed.insert(path.to_owned());
                    values.insert(path.to_owned(), v);
                }
            }
            self.releases.insert(
                format!("Helm release {id}"),
                ReleaseSpec {
                    name: release["name"].as_str().unwrap_or_default().to_owned(),
                    namespace: release["namespace"].as_str().unwrap_or_default().to_owned(),
                    chart: chart_name(release["chart"].as_str().unwrap_or_default()),
                    version: release["version"].as_str().unwrap_or_default().to_owned(),
                    values: values.values().cloned().collect(),
                },
            );
            let mut flat = Flat::new();
            flatten(&own, String::new(), &mut flat);
            for (file, v) in values {
                let v = self.extract(v, &format!("{file}: "));
                flatten(&v, "values".to_owned(), &mut flat);
            }
            self.insert(Section::Release, id, flat, false);
        }
    }

    /// Kubernetes manifests inside a string (a chart's `manifests` value): each
    /// object recorded on its own; `None` when the text is not all objects.
    fn embedded_objects(&mut self, text: &str, at: &str) -> Option<Vec<String>> {
        if !text.contains("kind:") {
            return None;
        }
        let docs = serde_saphyr::from_multiple::<Value>(text).ok()?;
        let docs: Vec<Value> = docs.into_iter().filter(|d| !d.is_null()).collect();
        if docs.is_empty() || !docs.iter().all(|d| d["kind"].is_string()) {
            return None;
        }
        Some(
            docs.into_iter()
                .enumerate()
                .map(|(i, doc)| self.object(doc, at, i))
                .collect(),
        )
    }

    /// A YAML file: each document an object (or, without `kind`, a values file).
    fn yaml(&mut self, path: &str, text: &str) -> bool {
        let Ok(docs) = serde_saphyr::from_multiple::<Value>(text) else {
            return false;
        };
        for (i, doc) in docs.into_iter().enumerate() {
            if doc.is_null() {
                continue;
            }
            if doc["kind"].is_string() {
                self.object(doc, path, i);
            } else {
                let doc = self.extract(doc, &format!("{path}: "));
                let mut flat = Flat::new();
                flatten(&doc, String::new(), &mut flat);
                self.insert(Section::File, path.to_owned(), flat, false);
            }
        }
        true
    }

    /// A Kubernetes object, document `i` of `path`; returns its identity.
    fn object(&mut self, doc: Value, path: &str, i: usize) -> String {
        let kind = doc["kind"].as_str().unwrap_or_default().to_owned();
        let meta = &doc["metadata"];
        let id = match (meta["namespace"].as_str(), meta["name"].as_str()) {
            (Some(ns), Some(name)) => format!("{kind} {ns}/{name}"),
            (None, Some(name)) => format!("{kind} {name}"),
            _ if i == 0 => format!("{kind} {path}"),
            _ => format!("{kind} {path}#{i}"),
        };
        if kind == "HelmRelease" {
            let spec = &doc["spec"];
            let chart = &spec["chart"]["spec"];
            let ns = spec["targetNamespace"]
                .as_str()
                .or(meta["namespace"].as_str());
            let name = spec["releaseName"].as_str().or(meta["name"].as_str());
            self.releases.insert(
                format!("object {id}"),
                ReleaseSpec {
                    name: name.unwrap_or_default().to_owned(),
                    namespace: ns.unwrap_or_default().to_owned(),
                    chart: chart_name(chart["chart"].as_str().unwrap_or_default()),
                    version: chart["version"].as_str().unwrap_or_default().to_owned(),
                    values: spec.get("values").cloned().into_iter().collect(),
                },
            );
        }
        let doc = self.extract(doc, &format!("{id}: "));
        let doc = if kind == "PrometheusRule" {
            self.rules(doc)
        } else {
            doc
        };
        let mut flat = Flat::new();
        flatten(&doc, String::new(), &mut flat);
        self.insert(Section::Object, id.clone(), flat, kind == "Secret");
        id
    }

    /// Takes each rule out of a PrometheusRule, leaving a pointer to it.
    fn rules(&mut self, mut doc: Value) -> Value {
        let Some(groups) = doc
            .pointer_mut("/spec/groups")
            .and_then(Value::as_array_mut)
        else {
            return doc;
        };
        for group in groups {
            let gname = group["name"].as_str().unwrap_or("").to_owned();
            let Some(rules) = group.get_mut("rules").and_then(Value::as_array_mut) else {
                continue;
            };
            for rule in rules {
                let name = rule["alert"]
                    .as_str()
                    .map(|a| format!("alert {a}"))
                    .or_else(|| rule["record"].as_str().map(|r| format!("record {r}")));
                let Some(name) = name else { continue };
                let id = format!("{gname}: {name}");
                let mut flat = Flat::new();
                flatten(rule, String::new(), &mut flat);
                self.insert(Section::Rule, id.clone(), flat, false);
                let key = if rule.get("alert").is_some() {
                    "alert"
                } else {
                    "record"
                };
                let keep = rule[key].clone();
                *rule = serde_json::json!({ key: keep, "rule": moved(&format!("rule {id}")) });
            }
        }
        doc
    }

    /// A dashboard (JSON with a `uid`), keyed by uid. False when it is not one.
    fn dashboard(&mut self, v: Value) -> bool {
        let Some(uid) = v["uid"].as_str().map(str::to_owned) else {
            return false;
        };
        let mut flat = Flat::new();
        flatten(&v, String::new(), &mut flat);
        self.insert(Section::Dashboard, uid, flat, false);
        true
    }

    /// A pipeline; false when the text is not Alloy.
    fn pipeline(&mut self, at: String, text: &str) -> bool {
        self.pipeline_once(at, text).is_some()
    }

    /// Records a pipeline unless the same text was seen already; returns where it is shown.
    fn pipeline_once(&mut self, at: String, text: &str) -> Option<String> {
        // Copies differ in their header comments ("Generated by ...").
        let key: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//") && !l.trim().is_empty())
            .map(|l| format!("{}\n", l.trim()))
            .collect();
        if let Some(first) = self.seen.get(&key) {
            return Some(first.clone());
        }
        let Ok(file) = o11yc_alloy::parse(text) else {
            return None;
        };
        self.seen.insert(key, at.clone());
        let mut p = Pipeline::default();
        for block in file.blocks_iter() {
            p.components.insert(block.id());
        }
        for stmt in &file.body {
            if let Stmt::Block(b) = stmt {
                let alone = File {
                    body: vec![stmt.clone()],
                    comments: Vec::new(),
                };
                p.settings.insert(b.id(), o11yc_alloy::print(&alone));
            }
        }
        for r in o11yc_alloy::check::references(&file) {
            p.edges.insert(format!("{} -> {}", r.from, r.to));
        }
        for s in streams(&file) {
            let set = p.labels.entry(s.source).or_default();
            for (name, label) in s.labels {
                match label.values {
                    Values::Any => set.insert(name),
                    Values::Fixed(vs) => set.insert(format!(
                        "{name}={}",
                        vs.into_iter().collect::<Vec<_>>().join("|")
                    )),
                };
            }
        }
        self.pipelines.insert(at.clone(), p);
        Some(at)
    }

    /// Replaces every embedded dashboard or Alloy pipeline in string values of
    /// `v` by a pointer, recording it once under its own identity.
    fn extract(&mut self, v: Value, at: &str) -> Value {
        self.extract_at(v, at, String::new())
    }

    fn extract_at(&mut self, v: Value, at: &str, path: String) -> Value {
        match v {
            Value::String(s) if s.contains('\n') => {
                let trimmed = s.trim_start();
                if trimmed.starts_with('{')
                    && let Ok(json) = serde_json::from_str::<Value>(&s)
                    && let Some(uid) = json["uid"].as_str().map(str::to_owned)
                    && self.dashboard(json)
                {
                    return Value::String(moved(&format!("dashboard {uid}")));
                }
                if looks_like_alloy(&s)
                    && let Some(shown) = self.pipeline_once(format!("{at}{path}"), &s)
                {
                    return Value::String(moved(&format!("pipeline {shown}")));
                }
                if let Some(ids) = self.embedded_objects(&s, &format!("{at}{path}")) {
                    return Value::String(moved(&ids.join(", ")));
                }
                Value::String(s)
            }
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let p = join(&path, &k);
                        (k, self.extract_at(v, at, p))
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| self.extract_at(v, at, format!("{path}[{i}]")))
                    .collect(),
            ),
            other => other,
        }
    }
}

/// Alloy text has at least one `name "label" {` block header.
fn looks_like_alloy(s: &str) -> bool {
    s.lines().any(|l| {
        let l = l.trim();
        l.ends_with('{') && l.contains(" \"") && l.split('.').count() >= 2
    })
}

/// `grafana/loki` → `loki`.
fn chart_name(chart: &str) -> String {
    chart.rsplit('/').next().unwrap_or(chart).to_owned()
}

fn text_of<'t>(tree: &'t RenderedTree, path: &str) -> Option<&'t str> {
    tree.get(path).and_then(|b| std::str::from_utf8(b).ok())
}

fn join(path: &str, key: &str) -> String {
    let simple = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (path.is_empty(), simple) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{key:?}]"),
    }
}

/// Flattens `v` into key paths. Arrays of objects with an identifying field
/// are keyed by it (`rules[alert=X]`), other arrays by index.
pub fn flatten(v: &Value, path: String, out: &mut Flat) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                flatten(v, join(&path, k), out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let ids: Option<Vec<String>> = ID_FIELDS.iter().find_map(|f| {
                let ids: Option<Vec<String>> = items
                    .iter()
                    .map(|i| {
                        i.get(*f)
                            .and_then(Value::as_str)
                            .map(|s| format!("{f}={s}"))
                    })
                    .collect();
                ids.filter(|ids| ids.iter().collect::<BTreeSet<_>>().len() == ids.len())
            });
            for (i, item) in items.iter().enumerate() {
                let seg = ids.as_ref().map_or(i.to_string(), |ids| ids[i].clone());
                flatten(item, format!("{path}[{seg}]"), out);
            }
        }
        Value::String(s) => {
            out.insert(path, s.clone());
        }
        other => {
            out.insert(path, other.to_string());
        }
    }
}
