//! The log streams an Alloy pipeline writes and their label sets, read from the
//! pipeline's syntax tree: from each `loki.source.*` along `forward_to` through
//! `loki.process` and `loki.relabel` to `loki.write`.
//!
//! [`StreamLabels`] is the interface the linker uses, so a richer label-set
//! analysis of the pipeline can replace [`FromAst`] without touching the linker.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use o11yc_alloy::{Block, Expr, ExprKind, File, Stmt};

/// A label's value on a stream.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    /// The same on every line (`source = "pod_log"`).
    Static(String),
    /// Taken from the data (a Kubernetes label, a parsed field).
    Dynamic,
}

/// One kind of stream a pipeline writes: its label names and known values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stream {
    /// The component that reads it (`loki.source.kubernetes.pod_logs`).
    pub origin: String,
    /// Label name → value.
    pub labels: BTreeMap<String, Value>,
    /// Structured metadata keys lines may carry (`trace_id`).
    pub metadata: BTreeSet<String>,
}

impl Stream {
    /// The static value of `label`, when it has one.
    pub fn value(&self, label: &str) -> Option<&str> {
        match self.labels.get(label) {
            Some(Value::Static(v)) => Some(v),
            _ => None,
        }
    }
}

/// Something that knows the streams of a pipeline.
pub trait StreamLabels {
    /// The streams `file` writes to Loki.
    fn streams(&self, file: &File) -> Vec<Stream>;
}

/// The minimal analysis of the syntax tree described in the module docs.
pub struct FromAst;

impl StreamLabels for FromAst {
    fn streams(&self, file: &File) -> Vec<Stream> {
        let blocks: HashMap<String, &Block> = file
            .body
            .iter()
            .filter_map(|s| match s {
                Stmt::Block(b) => Some((b.id(), b)),
                Stmt::Attribute(_) => None,
            })
            .collect();
        let mut out = Vec::new();
        for block in blocks.values() {
            if !block.full_name().starts_with("loki.source.") {
                continue;
            }
            let mut labels = BTreeMap::new();
            source_labels(block, &blocks, &mut labels);
            let stream = Stream {
                origin: block.id(),
                labels,
                metadata: BTreeSet::new(),
            };
            follow(block, stream, &blocks, &mut out, 0);
        }
        out.sort_by(|a, b| {
            (&a.origin, &a.labels, &a.metadata).cmp(&(&b.origin, &b.labels, &b.metadata))
        });
        out.dedup();
        out
    }
}

fn attr<'a>(block: &'a Block, name: &str) -> Option<&'a Expr> {
    block.body.iter().find_map(|s| match s {
        Stmt::Attribute(a) if a.name == name => Some(&a.value),
        _ => None,
    })
}

fn children<'a>(block: &'a Block, name: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
    block.body.iter().filter_map(move |s| match s {
        Stmt::Block(b) if b.full_name() == name => Some(b),
        _ => None,
    })
}

fn string(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::String(s) | ExprKind::RawString(s) => Some(s),
        _ => None,
    }
}

fn value_of(expr: &Expr) -> Value {
    string(expr).map_or(Value::Dynamic, |s| Value::Static(s.to_owned()))
}

/// The component a reference such as `discovery.relabel.pods.output` points at.
fn referenced<'a>(expr: &Expr, blocks: &HashMap<String, &'a Block>) -> Option<&'a Block> {
    let parts = expr.as_reference()?;
    (2..parts.len())
        .rev()
        .find_map(|n| blocks.get(&parts[..n].join(".")).copied())
}

/// Labels a source gets before any processing: from its targets, its `labels`
/// attribute, its `relabel_rules` and what the component itself adds.
fn source_labels(
    block: &Block,
    blocks: &HashMap<String, &Block>,
    labels: &mut BTreeMap<String, Value>,
) {
    if let Some(targets) = attr(block, "targets") {
        target_labels(targets, blocks, labels, 0);
    }
    if block.full_name() == "loki.source.kubernetes_events" {
        // Alloy sets these on every event (event_controller.go).
        let job = attr(block, "job_name").map_or(Value::Dynamic, value_of);
        labels.insert("job".to_owned(), job);
        labels.insert("namespace".to_owned(), Value::Dynamic);
        labels.insert("instance".to_owned(), Value::Dynamic);
    }
    if let Some(ExprKind::Object(fields)) = attr(block, "labels").map(|e| &e.kind) {
        for f in fields {
            labels.insert(f.key.clone(), value_of(&f.value));
        }
    }
    if let Some(rules) = attr(block, "relabel_rules").and_then(|r| referenced(r, blocks)) {
        apply_rules(rules, labels);
    }
}

fn target_labels(
    targets: &Expr,
    blocks: &HashMap<String, &Block>,
    labels: &mut BTreeMap<String, Value>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    let Some(block) = referenced(targets, blocks) else {
        return;
    };
    match block.full_name().as_str() {
        "discovery.relabel" => {
            if let Some(inner) = attr(block, "targets") {
                target_labels(inner, blocks, labels, depth + 1);
            }
            apply_rules(block, labels);
        }
        "local.file_match" => {
            let Some(path_targets) = attr(block, "path_targets") else {
                return;
            };
            let ExprKind::Array(items) = &path_targets.kind else {
                // Targets of a discovery component.
                target_labels(path_targets, blocks, labels, depth + 1);
                return;
            };
            for item in items {
                let ExprKind::Object(fields) = &item.kind else {
                    continue;
                };
                for f in fields.iter().filter(|f| !f.key.starts_with("__")) {
                    let value = value_of(&f.value);
                    let merged = match labels.get(&f.key) {
                        Some(old) if *old != value => Value::Dynamic,
                        _ => value,
                    };
                    labels.insert(f.key.clone(), merged);
                }
            }
        }
        _ => {}
    }
}

/// Applies the `rule` blocks of a relabel component to a label set.
fn apply_rules(block: &Block, labels: &mut BTreeMap<String, Value>) {
    for rule in children(block, "rule") {
        let action = attr(rule, "action").and_then(string).unwrap_or("replace");
        let regex = attr(rule, "regex").and_then(string).unwrap_or("(.*)");
        match action {
            "replace" => {
                let Some(target) = attr(rule, "target_label").and_then(string) else {
                    continue;
                };
                let value = match (attr(rule, "source_labels"), attr(rule, "replacement")) {
                    (None, Some(r)) => match string(r) {
                        Some(s) if !s.contains('$') => Value::Static(s.to_owned()),
                        _ => Value::Dynamic,
                    },
                    _ => Value::Dynamic,
                };
                labels.insert(target.to_owned(), value);
            }
            "labeldrop" | "labelkeep" => {
                let Ok(re) = regex::Regex::new(&format!("^(?:{regex})$")) else {
                    continue;
                };
                let keep = action == "labelkeep";
                labels.retain(|name, _| re.is_match(name) == keep);
            }
            _ => {}
        }
    }
    labels.retain(|name, _| !name.starts_with("__"));
}

/// Applies a `loki.process` block's stages that change labels. A `stage.match`
/// applies to some lines only, so it forks the label set: lines it matches
/// (its own stages applied, or none when it drops them) and lines it does not.
fn apply_stages(block: &Block, stream: Stream) -> Vec<Stream> {
    let mut sets = vec![stream];
    for stmt in &block.body {
        let Stmt::Block(stage) = stmt else { continue };
        let object = |name: &str| -> Vec<(String, Value)> {
            match attr(stage, name).map(|e| &e.kind) {
                Some(ExprKind::Object(fields)) => fields
                    .iter()
                    .map(|f| (f.key.clone(), value_of(&f.value)))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let names = |name: &str| -> Vec<String> {
            match attr(stage, name).map(|e| &e.kind) {
                Some(ExprKind::Array(items)) => {
                    items.iter().filter_map(string).map(str::to_owned).collect()
                }
                _ => Vec::new(),
            }
        };
        match stage.full_name().as_str() {
            "stage.static_labels" => {
                for set in &mut sets {
                    set.labels.extend(object("values"));
                }
            }
            "stage.labels" => {
                for set in &mut sets {
                    for (k, _) in object("values") {
                        set.labels.insert(k, Value::Dynamic);
                    }
                }
            }
            "stage.structured_metadata" => {
                for set in &mut sets {
                    set.metadata
                        .extend(object("values").into_iter().map(|(k, _)| k));
                }
            }
            "stage.label_drop" => {
                for set in &mut sets {
                    for name in names("values") {
                        set.labels.remove(&name);
                    }
                }
            }
            "stage.label_keep" => {
                let keep = names("values");
                for set in &mut sets {
                    set.labels.retain(|k, _| keep.contains(k));
                }
            }
            "stage.match" => {
                let drops = attr(stage, "action").and_then(string) == Some("drop");
                sets = sets
                    .into_iter()
                    .flat_map(|set| {
                        let matched = if drops {
                            Vec::new()
                        } else {
                            apply_stages(stage, set.clone())
                        };
                        std::iter::once(set).chain(matched)
                    })
                    .collect();
            }
            _ => {}
        }
    }
    sets
}

/// Follows `forward_to` from `block`, recording a stream at every writer.
fn follow(
    block: &Block,
    mut stream: Stream,
    blocks: &HashMap<String, &Block>,
    out: &mut Vec<Stream>,
    depth: usize,
) {
    match block.full_name().as_str() {
        "loki.process" => {
            for fork in apply_stages(block, stream) {
                forward(block, fork, blocks, out, depth);
            }
            return;
        }
        "loki.relabel" => apply_rules(block, &mut stream.labels),
        "loki.write" => {
            if let Some(ExprKind::Object(fields)) = attr(block, "external_labels").map(|e| &e.kind)
            {
                for f in fields {
                    stream.labels.insert(f.key.clone(), value_of(&f.value));
                }
            }
            out.push(stream);
            return;
        }
        _ => {}
    }
    forward(block, stream, blocks, out, depth);
}

/// Sends `stream` on to every receiver in `block`'s `forward_to`.
fn forward(
    block: &Block,
    stream: Stream,
    blocks: &HashMap<String, &Block>,
    out: &mut Vec<Stream>,
    depth: usize,
) {
    let Some(ExprKind::Array(next)) = attr(block, "forward_to").map(|e| &e.kind) else {
        return;
    };
    if depth > 32 {
        return;
    }
    for receiver in next {
        if let Some(target) = referenced(receiver, blocks) {
            follow(target, stream.clone(), blocks, out, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streams(text: &str) -> Vec<Stream> {
        FromAst.streams(&o11yc_alloy::parse(text).expect("test pipelines parse"))
    }

    #[test]
    fn labels_follow_the_pipeline_to_the_writer() {
        let found = streams(
            r#"
discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
}
loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.process.pods.receiver]
}
loki.process "pods" {
  stage.static_labels {
    values = { source = "pod_log" }
  }
  stage.labels {
    values = { level = "" }
  }
  stage.label_drop {
    values = ["pod"]
  }
  stage.structured_metadata {
    values = { trace_id = "" }
  }
  forward_to = [loki.write.default.receiver]
}
loki.source.journal "journal" {
  labels     = { source = "journal", node = sys.env("HOSTNAME") }
  forward_to = [loki.write.default.receiver]
}
loki.write "default" {
  endpoint { url = "http://loki/loki/api/v1/push" }
  external_labels = { cluster = "c" }
}
"#,
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        let journal = &found[0];
        assert_eq!(journal.value("source"), Some("journal"));
        assert_eq!(journal.labels.get("node"), Some(&Value::Dynamic));
        let pods = &found[1];
        assert_eq!(pods.value("source"), Some("pod_log"));
        assert_eq!(pods.value("cluster"), Some("c"));
        let names: Vec<&str> = pods.labels.keys().map(String::as_str).collect();
        assert_eq!(names, ["cluster", "level", "namespace", "source"]);
        assert_eq!(pods.metadata, BTreeSet::from(["trace_id".to_owned()]));
        assert!(journal.metadata.is_empty());
    }

    #[test]
    fn a_match_stage_forks_the_stream() {
        let found = streams(
            r#"
loki.source.api "apps" {
  http { listen_port = 3500 }
  forward_to = [loki.process.apps.receiver]
}
loki.process "apps" {
  stage.static_labels {
    values = { source = "pod_log" }
  }
  stage.match {
    selector = "{container=\"syncer\"}"
    stage.static_labels {
      values = { source = "k8s_audit_log" }
    }
  }
  stage.match {
    selector = "{container=\"noise\"}"
    action   = "drop"
  }
  forward_to = [loki.write.default.receiver]
}
loki.write "default" {
  endpoint { url = "http://loki/loki/api/v1/push" }
}
"#,
        );
        let sources: Vec<_> = found.iter().map(|s| s.value("source")).collect();
        assert_eq!(sources, [Some("k8s_audit_log"), Some("pod_log")]);
    }

    #[test]
    fn a_source_that_reaches_no_writer_writes_no_stream() {
        let found = streams(
            r#"
loki.source.journal "journal" {
  labels     = { source = "journal" }
  forward_to = []
}
"#,
        );
        assert!(found.is_empty());
    }
}
