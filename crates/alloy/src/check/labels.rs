//! The Loki label budget, computed statically on the Alloy syntax tree.
//!
//! Loki refuses a stream with more label names than its
//! `max_label_names_per_series` limit (15 by default), and only at ingestion:
//! the Alloy configuration loads and the logs are dropped. For every log
//! pipeline (a `loki.source.*` component, through `loki.process` /
//! `loki.relabel` / other `forward_to` components, to a `loki.write`), this
//! module computes the label names a stream can carry:
//!
//! - the labels of the source's targets: `discovery.relabel` rules
//!   (`target_label`, `labeldrop`, `labelkeep`), static target lists; labels
//!   starting with `__` are dropped before sending, `local.file_match` keeps
//!   its targets' labels, and other discovery components yield only
//!   `__meta_*` labels;
//! - what the source adds itself: its `labels` attribute, its
//!   `relabel_rules`, `filename` for `loki.source.file`, `job`, `instance`
//!   and `namespace` for `loki.source.kubernetes_events`;
//! - `stage.labels` and `stage.static_labels` (also inside `stage.match`),
//!   less `stage.label_drop`, `stage.label_keep` and `stage.pack` (outside
//!   `stage.match`, whose stages run only for matching lines);
//! - `loki.relabel` rules and `loki.enrich`'s `labels_to_copy`;
//! - the writer's `external_labels`.
//!
//! The result is an upper bound: a rule is assumed to fire, and `labeldrop` /
//! `labelkeep` remove only labels their regex names literally (`a|b|c`).
//! `labelmap` rules add a number of labels no static analysis can bound;
//! they are reported as [`LabelFinding::Unbounded`] with that reason. The
//! walk follows every path and stops after visiting 200,000 components in one
//! file (a lattice of fan-outs has exponentially many paths); past that, streams
//! may be missed.
//!
//! Label *values* known to be unbounded (pod names and UIDs, container ids,
//! trace ids, file paths; see Loki's label best practices) are reported as
//! [`LabelFinding::Unbounded`] at the rule or stage that adds them.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diag::{Diagnostic, Kind};
use crate::syntax::ast::{Block, Expr, ExprKind, File, Pos, Stmt};

/// Where a label enters a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The component that adds it (`discovery.relabel.pod_logs`).
    pub component: String,
    /// The rule, stage or attribute that adds it.
    pub pos: Pos,
    /// Why its values are unbounded, when they are known to be.
    pub unbounded: Option<&'static str>,
}

/// The label names streams from one source can carry at one writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stream {
    /// The source component (`loki.source.kubernetes.pod_logs`).
    pub source: String,
    /// Where the source is declared.
    pub source_pos: Pos,
    /// The writer (`loki.write.default`).
    pub writer: String,
    /// Label name → where it is added, sorted by name.
    pub labels: BTreeMap<String, Origin>,
}

/// A finding of the label analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelFinding {
    /// A stream can carry more label names than the limit.
    OverBudget {
        /// The stream.
        stream: Stream,
        /// The limit (`max_label_names_per_series`).
        limit: usize,
    },
    /// A label whose values (or, for `labelmap`, whose names) are unbounded.
    Unbounded {
        /// The label name (for `labelmap`, the rule's replacement).
        label: String,
        /// Where it is added.
        origin: Origin,
        /// What makes it unbounded (`pod names`).
        reason: &'static str,
    },
}

impl LabelFinding {
    /// The finding as a located diagnostic: an error over the budget, a
    /// warning for an unbounded label.
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            LabelFinding::OverBudget { stream, limit } => {
                let names: Vec<&str> = stream.labels.keys().map(String::as_str).collect();
                Diagnostic::error(
                    Kind::LabelBudget,
                    stream.source_pos,
                    format!(
                        "log streams from {} to {} can carry {} labels, more than Loki's \
                         max_label_names_per_series ({limit}) accepts: {}",
                        stream.source,
                        stream.writer,
                        names.len(),
                        names.join(", ")
                    ),
                )
                .with_help(
                    "drop labels (`stage.label_drop`), or keep the values as structured metadata \
                     (`stage.structured_metadata`) or in the line; Loki rejects such streams at ingestion",
                )
            }
            LabelFinding::Unbounded {
                label,
                origin,
                reason,
            } => Diagnostic::warning(
                Kind::UnboundedLabel,
                origin.pos,
                format!(
                    "label \"{label}\" added by {} takes unbounded values ({reason}): \
                     every new value starts new streams",
                    origin.component
                ),
            )
            .with_help(
                "keep such values in the log line or as structured metadata \
                 (`stage.structured_metadata`), not as labels",
            ),
        }
    }
}

/// Every log stream (source → writer) of `file` with the label names it can carry.
pub fn streams(file: &File) -> Vec<Stream> {
    let graph = Graph::new(file);
    let mut out: BTreeMap<(String, String), Stream> = BTreeMap::new();
    for (id, block) in &graph.order {
        if !block.full_name().starts_with("loki.source.") {
            continue;
        }
        let mut labels = BTreeMap::new();
        graph.source_labels(id, block, &mut labels);
        let mut visiting = HashSet::new();
        graph.walk(block, labels, &mut visiting, &mut |writer, labels| {
            let key = (id.clone(), writer.to_string());
            let stream = out.entry(key).or_insert_with(|| Stream {
                source: id.clone(),
                source_pos: block.span.start,
                writer: writer.to_string(),
                labels: BTreeMap::new(),
            });
            for (name, origin) in labels {
                stream.labels.entry(name.clone()).or_insert(origin.clone());
            }
        });
    }
    out.into_values().collect()
}

/// The label budget of `file` against `limit`: streams over the limit, and
/// labels with unbounded values (each once, in source order).
pub fn budget(file: &File, limit: usize) -> Vec<LabelFinding> {
    let streams = streams(file);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for stream in &streams {
        for (name, origin) in &stream.labels {
            if let Some(reason) = origin.unbounded
                && seen.insert((name.clone(), origin.pos.offset))
            {
                out.push(LabelFinding::Unbounded {
                    label: name.clone(),
                    origin: origin.clone(),
                    reason,
                });
            }
        }
    }
    for (label, origin) in Graph::new(file).labelmaps() {
        out.push(LabelFinding::Unbounded {
            label,
            reason: "a `labelmap` rule adds one label per matching source label",
            origin,
        });
    }
    out.sort_by_key(|f| match f {
        LabelFinding::Unbounded { origin, .. } => origin.pos.offset,
        LabelFinding::OverBudget { .. } => 0,
    });
    for stream in streams {
        if stream.labels.len() > limit {
            out.push(LabelFinding::OverBudget { stream, limit });
        }
    }
    out
}

type Labels = BTreeMap<String, Origin>;

/// The top-level components of a file, by id.
struct Graph<'a> {
    order: Vec<(String, &'a Block)>,
    by_id: HashMap<String, &'a Block>,
    /// Components left to visit: the walk follows every path, which a
    /// lattice of fan-outs makes exponential.
    steps: Cell<usize>,
}

/// Limits the walk on malformed (cyclic or very deep) pipelines.
const MAX_DEPTH: usize = 64;

/// Limits the number of components visited in all walks of one file.
const MAX_STEPS: usize = 200_000;

impl<'a> Graph<'a> {
    fn new(file: &'a File) -> Self {
        let order: Vec<(String, &Block)> = file
            .body
            .iter()
            .filter_map(|s| match s {
                Stmt::Block(b) if b.label.is_some() => Some((b.id(), b)),
                _ => None,
            })
            .collect();
        let by_id = order.iter().map(|(id, b)| (id.clone(), *b)).collect();
        Graph {
            order,
            by_id,
            steps: Cell::new(MAX_STEPS),
        }
    }

    /// The component a reference to one of its exports names.
    fn target(&self, e: &Expr) -> Option<(&str, &'a Block)> {
        let parts = e.as_reference()?;
        let id = parts.get(..parts.len().checked_sub(1)?)?.join(".");
        self.by_id.get_key_value(&id).map(|(k, b)| (k.as_str(), *b))
    }

    /// Labels a source puts on its streams before any `forward_to`.
    fn source_labels(&self, id: &str, block: &Block, labels: &mut Labels) {
        if let Some(targets) = block.get("targets") {
            let mut target = Labels::new();
            self.target_labels(targets, &mut target, 0);
            labels.extend(target.into_iter().filter(|(k, _)| !k.starts_with("__")));
        }
        if let Some(rules) = block.get("relabel_rules")
            && let Some((rid, rblock)) = self.target(rules)
        {
            apply_rules(rid, rblock, labels, true);
        }
        let origin = |pos: Pos, unbounded| Origin {
            component: id.to_string(),
            pos,
            unbounded,
        };
        for (name, pos) in object_keys(block.get("labels")) {
            labels.insert(name, origin(pos, None));
        }
        match block.full_name().as_str() {
            "loki.source.file" => {
                labels.insert(
                    "filename".into(),
                    origin(block.span.start, Some("file paths")),
                );
            }
            "loki.source.kubernetes_events" => {
                for name in ["job", "instance", "namespace"] {
                    labels.insert(name.into(), origin(block.span.start, None));
                }
            }
            _ => {}
        }
    }

    /// Labels of the targets `e` evaluates to (dunder labels included).
    fn target_labels(&self, e: &Expr, labels: &mut Labels, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match &e.kind {
            ExprKind::Array(items) => {
                for item in items {
                    if let ExprKind::Object(_) = &item.kind {
                        for (name, pos) in object_keys(Some(item)) {
                            labels.insert(
                                name,
                                Origin {
                                    component: "a static target".into(),
                                    pos,
                                    unbounded: None,
                                },
                            );
                        }
                    } else {
                        self.target_labels(item, labels, depth + 1);
                    }
                }
            }
            ExprKind::Call { args, .. } => {
                for a in args {
                    self.target_labels(a, labels, depth + 1);
                }
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                self.target_labels(lhs, labels, depth + 1);
                self.target_labels(rhs, labels, depth + 1);
            }
            ExprKind::Paren(inner) => self.target_labels(inner, labels, depth + 1),
            _ => {
                let Some((id, block)) = self.target(e) else {
                    return;
                };
                match block.full_name().as_str() {
                    "discovery.relabel" => {
                        if let Some(inner) = block.get("targets") {
                            self.target_labels(inner, labels, depth + 1);
                        }
                        apply_rules(id, block, labels, true);
                    }
                    // Expands `__path__` globs; keeps the other labels.
                    "local.file_match" => {
                        if let Some(inner) = block.get("path_targets") {
                            self.target_labels(inner, labels, depth + 1);
                        }
                    }
                    // Other discovery components give `__meta_*` labels only.
                    _ => {}
                }
            }
        }
    }

    /// Follows `forward_to` from `block`, calling `at_writer` at each
    /// `loki.write` with the labels streams carry there.
    fn walk(
        &self,
        block: &Block,
        labels: Labels,
        visiting: &mut HashSet<*const Block>,
        at_writer: &mut dyn FnMut(&str, &Labels),
    ) {
        if visiting.len() > MAX_DEPTH {
            return;
        }
        let Some(ExprKind::Array(next)) = block.get("forward_to").map(|e| &e.kind) else {
            return;
        };
        for e in next {
            let Some((id, target)) = self.target(e) else {
                continue;
            };
            let left = self.steps.get();
            if left == 0 {
                return;
            }
            self.steps.set(left - 1);
            if !visiting.insert(target as *const Block) {
                continue;
            }
            let mut labels = labels.clone();
            match target.full_name().as_str() {
                "loki.write" => {
                    for (name, pos) in object_keys(target.get("external_labels")) {
                        let unbounded = unbounded_name(&name);
                        labels.insert(
                            name,
                            Origin {
                                component: id.to_string(),
                                pos,
                                unbounded,
                            },
                        );
                    }
                    at_writer(id, &labels);
                }
                "loki.process" => {
                    apply_stages(id, &target.body, &mut labels, true);
                    self.walk(target, labels, visiting, at_writer);
                }
                "loki.relabel" => {
                    apply_rules(id, target, &mut labels, false);
                    self.walk(target, labels, visiting, at_writer);
                }
                "loki.enrich" => {
                    if let Some(ExprKind::Array(names)) =
                        target.get("labels_to_copy").map(|e| &e.kind)
                    {
                        for n in names {
                            if let Some(name) = string(n) {
                                labels.insert(
                                    name.to_string(),
                                    Origin {
                                        component: id.to_string(),
                                        pos: n.span.start,
                                        unbounded: unbounded_name(name),
                                    },
                                );
                            }
                        }
                    }
                    self.walk(target, labels, visiting, at_writer);
                }
                _ => self.walk(target, labels, visiting, at_writer),
            }
            visiting.remove(&(target as *const Block));
        }
    }

    /// `labelmap` rules of relabel components, with their replacement.
    fn labelmaps(&self) -> Vec<(String, Origin)> {
        let mut out = Vec::new();
        for (id, block) in &self.order {
            for rule in rules(block) {
                if attr_string(rule, "action") == Some("labelmap") {
                    out.push((
                        attr_string(rule, "replacement").unwrap_or("$1").to_string(),
                        Origin {
                            component: id.clone(),
                            pos: rule.span.start,
                            unbounded: None,
                        },
                    ));
                }
            }
        }
        out
    }
}

fn string(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::String(s) | ExprKind::RawString(s) => Some(s),
        _ => None,
    }
}

fn attr_string<'b>(block: &'b Block, name: &str) -> Option<&'b str> {
    block.get(name).and_then(string)
}

/// Keys of an object literal (`{ a = "x" }`), with their positions.
fn object_keys(e: Option<&Expr>) -> Vec<(String, Pos)> {
    match e.map(|e| &e.kind) {
        Some(ExprKind::Object(fields)) => {
            fields.iter().map(|f| (f.key.clone(), f.key_pos)).collect()
        }
        _ => Vec::new(),
    }
}

/// Strings of a list literal.
fn strings(e: Option<&Expr>) -> Vec<&str> {
    match e.map(|e| &e.kind) {
        Some(ExprKind::Array(items)) => items.iter().filter_map(string).collect(),
        _ => Vec::new(),
    }
}

fn rules(block: &Block) -> impl Iterator<Item = &Block> {
    block.body.iter().filter_map(|s| match s {
        Stmt::Block(r) if r.full_name() == "rule" => Some(r),
        _ => None,
    })
}

/// The label names a regex matches when it is a plain alternation of names
/// (`a|b|c`); `None` when it is a real pattern.
fn literal_names(regex: &str) -> Option<Vec<&str>> {
    let names: Vec<&str> = regex.split('|').collect();
    names
        .iter()
        .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(names)
}

/// Applies a relabel component's `rule` blocks to `labels`.
fn apply_rules(id: &str, block: &Block, labels: &mut Labels, discovery: bool) {
    for rule in rules(block) {
        let action = attr_string(rule, "action").unwrap_or("replace");
        let regex = attr_string(rule, "regex").unwrap_or("(.*)");
        match action {
            "labeldrop" => {
                if let Some(names) = literal_names(regex) {
                    labels.retain(|k, _| !names.contains(&k.as_str()));
                }
            }
            "labelkeep" => {
                if let Some(names) = literal_names(regex) {
                    labels.retain(|k, _| names.contains(&k.as_str()));
                }
            }
            // Counted by `labelmaps`; they cannot be bounded.
            "labelmap" | "keep" | "drop" | "keepequal" | "dropequal" => {}
            _ => {
                let Some(target) = attr_string(rule, "target_label") else {
                    continue;
                };
                let sources = strings(rule.get("source_labels"));
                let unbounded = sources
                    .iter()
                    .find_map(|s| unbounded_meta(s))
                    .or_else(|| (!discovery).then(|| unbounded_name(target)).flatten());
                labels.insert(
                    target.to_string(),
                    Origin {
                        component: id.to_string(),
                        pos: rule.span.start,
                        unbounded,
                    },
                );
            }
        }
    }
}

/// Applies `loki.process` stages to `labels`; `certain` is false inside
/// `stage.match`, where removals may not happen.
fn apply_stages(id: &str, body: &[Stmt], labels: &mut Labels, certain: bool) {
    for s in body {
        let Stmt::Block(stage) = s else { continue };
        match stage.full_name().as_str() {
            "stage.labels" => {
                if let Some(ExprKind::Object(fields)) = stage.get("values").map(|e| &e.kind) {
                    for f in fields {
                        let source = string(&f.value).filter(|v| !v.is_empty()).unwrap_or(&f.key);
                        labels.insert(
                            f.key.clone(),
                            Origin {
                                component: id.to_string(),
                                pos: f.key_pos,
                                unbounded: unbounded_name(source)
                                    .or_else(|| unbounded_name(&f.key)),
                            },
                        );
                    }
                }
            }
            "stage.static_labels" => {
                for (name, pos) in object_keys(stage.get("values")) {
                    labels.insert(
                        name,
                        Origin {
                            component: id.to_string(),
                            pos,
                            unbounded: None,
                        },
                    );
                }
            }
            "stage.label_drop" if certain => {
                let names = strings(stage.get("values"));
                labels.retain(|k, _| !names.contains(&k.as_str()));
            }
            "stage.label_keep" if certain => {
                let names = strings(stage.get("values"));
                labels.retain(|k, _| names.contains(&k.as_str()));
            }
            "stage.pack" if certain => {
                let names = strings(stage.get("labels"));
                labels.retain(|k, _| !names.contains(&k.as_str()));
            }
            "stage.match" => apply_stages(id, &stage.body, labels, false),
            _ => {}
        }
    }
}

/// Discovery labels whose values are unbounded.
fn unbounded_meta(label: &str) -> Option<&'static str> {
    Some(match label {
        "__meta_kubernetes_pod_name" => "pod names",
        "__meta_kubernetes_pod_uid" => "pod UIDs",
        "__meta_kubernetes_pod_container_id" | "__meta_docker_container_id" => "container ids",
        "__meta_kubernetes_pod_ip" => "pod IPs",
        "__path__" | "__meta_kubernetes_pod_container_log_path" => "file paths",
        _ => return None,
    })
}

/// Label (or extracted field) names whose values are unbounded by nature.
fn unbounded_name(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "pod" | "pod_name" | "podname" => "pod names",
        "pod_uid" | "poduid" | "uid" => "pod UIDs",
        "container_id" | "containerid" => "container ids",
        "trace_id" | "traceid" | "span_id" | "spanid" => "trace ids",
        "request_id" | "requestid" => "request ids",
        "filename" | "file" | "path" | "filepath" => "file paths",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_alternations_only() {
        assert_eq!(literal_names("pod|uid"), Some(vec!["pod", "uid"]));
        assert_eq!(literal_names("pod_.*"), None);
        assert_eq!(literal_names(""), None);
    }

    #[test]
    fn unbounded_names() {
        assert_eq!(unbounded_name("traceID"), Some("trace ids"));
        assert_eq!(unbounded_name("namespace"), None);
        assert_eq!(
            unbounded_meta("__meta_kubernetes_pod_name"),
            Some("pod names")
        );
    }
}
