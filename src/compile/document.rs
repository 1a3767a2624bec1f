//! The in-memory output of compilation: typed documents at relative paths.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::compile::pipeline::CompiledPipeline;

/// What a generated file holds. Structured content stays structured until rendering.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// One or more YAML documents (Kubernetes objects, Helm values, helmfile).
    Yaml(Vec<Value>),
    /// A JSON document (Grafana dashboards).
    Json(Value),
    /// Prose (the generated README), already rendered.
    Markdown(String),
    /// Alloy configuration, already printed by the Alloy printer.
    Alloy(String),
}

/// Whether a file is a Kubernetes object that `kustomization.yaml` must list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Kubernetes objects applied to the cluster (listed in `kustomization.yaml`).
    Resource,
    /// Files read by a tool (Helm values, helmfile, kustomization itself, docs).
    Support,
}

/// One generated file.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Path relative to the profile's output directory, with `/` separators.
    pub path: String,
    /// What the file holds.
    pub content: Content,
    /// How the file is consumed.
    pub role: Role,
}

/// A ConfigMap that kustomize builds from a generated file (`configMapGenerator`),
/// so the file's text is shipped once and reaches the cluster byte for byte.
#[derive(Clone, Debug, PartialEq)]
pub struct GeneratedConfigMap {
    /// ConfigMap name.
    pub name: String,
    /// ConfigMap namespace.
    pub namespace: String,
    /// The key the file's text is stored under.
    pub key: String,
    /// The file, relative to the kustomization that generates the ConfigMap.
    pub file: String,
}

/// Everything generated for one profile, keyed by relative path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bundle {
    documents: BTreeMap<String, Document>,
    config_maps: Vec<GeneratedConfigMap>,
    pipelines: Vec<CompiledPipeline>,
}

impl Bundle {
    /// Adds a document. Two emitters writing one path is a bug in o11yc, so it panics
    /// in debug builds and keeps the first document otherwise.
    pub fn add(&mut self, document: Document) {
        debug_assert!(
            !self.documents.contains_key(&document.path),
            "two documents at {}",
            document.path
        );
        self.documents
            .entry(document.path.clone())
            .or_insert(document);
    }

    /// Adds Kubernetes objects as one YAML file listed in `kustomization.yaml`.
    pub fn resource(&mut self, path: impl Into<String>, objects: Vec<Value>) {
        self.add(Document {
            path: path.into(),
            content: Content::Yaml(objects),
            role: Role::Resource,
        });
    }

    /// Adds a YAML file that is not a Kubernetes object (values, helmfile).
    pub fn support_yaml(&mut self, path: impl Into<String>, value: Value) {
        self.add(Document {
            path: path.into(),
            content: Content::Yaml(vec![value]),
            role: Role::Support,
        });
    }

    /// Has the profile's `kustomization.yaml` generate a ConfigMap from a file.
    pub fn generate_config_map(&mut self, config_map: GeneratedConfigMap) {
        self.config_maps.push(config_map);
    }

    /// Records an Alloy pipeline compile built, for the verify stage and the README.
    pub fn add_pipeline(&mut self, pipeline: CompiledPipeline) {
        self.pipelines.push(pipeline);
    }

    /// The Alloy pipelines compile built, in the order they were built.
    pub fn pipelines(&self) -> &[CompiledPipeline] {
        &self.pipelines
    }

    /// The Alloy pipelines compile built, once the documents are rendered.
    pub fn into_pipelines(self) -> Vec<CompiledPipeline> {
        self.pipelines
    }

    /// The ConfigMaps the profile's `kustomization.yaml` generates.
    pub fn config_maps(&self) -> &[GeneratedConfigMap] {
        &self.config_maps
    }

    /// The documents in path order.
    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.documents.values()
    }

    /// The document at `path`, if any.
    pub fn get(&self, path: &str) -> Option<&Document> {
        self.documents.get(path)
    }

    /// Number of documents. (For tests.)
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    /// Whether nothing was generated. (For tests.)
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }
}

/// Converts a typed object to its structured form, keeping field order.
///
/// Every type o11yc serializes is plain data (strings, numbers, maps with string
/// keys), for which serialization cannot fail.
pub fn to_value<T: Serialize>(object: &T) -> Value {
    serde_json::to_value(object).expect("generated objects are plain data")
}

/// A value as the text of one YAML document, ending in a newline: the content of a
/// file carried inside an object (a ConfigMap's data), and what the render stage
/// writes for each YAML document.
pub fn yaml_text(value: &Value) -> String {
    let mut text = serde_saphyr::to_string(value).expect("structured values always serialize");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
