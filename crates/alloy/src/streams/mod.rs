//! Which labels the streams of an Alloy pipeline carry, read from its syntax
//! tree: the one label analysis behind the Loki label budget
//! ([`check::labels`](crate::check::labels)), the answerability of queries and
//! the semantic diff, and the query linker.
//!
//! For every path from a source (`loki.source.*`, `prometheus.scrape`) along
//! `forward_to` through `loki.process`, `loki.relabel`, `prometheus.relabel`,
//! `loki.enrich`, `prometheus.enrich` and other forwarding components to a
//! writer (`loki.write`, `prometheus.remote_write`), [`streams`] gives the label names the stream
//! carries at the writer, the values each can take (fixed strings, or any
//! value from the data), where each label was added, and the structured
//! metadata keys lines carry:
//!
//! - the labels of the source's targets: `discovery.relabel` rules, static
//!   target lists, `local.file_match` (which keeps its targets' labels); other
//!   discovery components yield only `__meta_*` labels;
//! - what the source adds: its `relabel_rules`, its `labels` attribute,
//!   `filename` for `loki.source.file`, `job`, `instance` and `namespace` for
//!   `loki.source.kubernetes_events`, `job` and `instance` for a scrape;
//! - `loki.process` stages: `stage.labels`, `stage.static_labels`,
//!   `stage.structured_metadata`, `stage.label_drop`, `stage.label_keep`,
//!   `stage.pack`; a `stage.match` whose selector the labels may satisfy forks
//!   the path (lines it matches run its stages, the others do not), and one
//!   it certainly matches (every matcher an equality with the one value the
//!   label has) does not keep the unmatched path;
//! - relabel rules and the `labels_to_copy` of `loki.enrich` and `prometheus.enrich`;
//! - the writer's `external_labels`, for labels the stream does not already
//!   carry (Alloy merges them under the entry's own labels).
//!
//! Labels starting with `__` are removed from targets at the source and at the
//! writer (`loki.write` skips them when it sends a stream).
//!
//! The result over-approximates each path: a relabel rule is assumed to fire,
//! a `source_labels` rule with a fixed replacement may also leave the value
//! the label had. Label values known to be unbounded (pod names and UIDs,
//! container ids, trace ids, file paths; see Loki's label best practices) are
//! marked on the [`Origin`] of the label. The walk stops at cycles, at a depth
//! of 64 components and after visiting 200,000 components in one file (a
//! lattice of fan-outs has exponentially many paths); a `loki.process` that
//! forks more than 64 paths has them merged into one (the union of their
//! labels).

mod selector;

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

pub use selector::{MatchOp, Matcher, answerable, parse_stream_selector};

use crate::syntax::ast::{Block, Expr, ExprKind, File, Pos, Stmt};
use selector::anchored;

/// The values a label can have on a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Values {
    /// Set from data (a discovered target, an extracted field): any value.
    Any,
    /// One of these fixed strings.
    Fixed(BTreeSet<String>),
}

impl Values {
    /// The one value `value`.
    pub fn fixed(value: &str) -> Values {
        Values::Fixed(BTreeSet::from([value.to_owned()]))
    }

    /// Whether some value the label can take satisfies `pred`.
    pub fn admits(&self, pred: impl Fn(&str) -> bool) -> bool {
        match self {
            Values::Any => true,
            Values::Fixed(values) => values.iter().any(|v| pred(v)),
        }
    }

    /// The label's value when it has exactly one.
    pub fn single(&self) -> Option<&str> {
        match self {
            Values::Fixed(values) if values.len() == 1 => values.first().map(String::as_str),
            _ => None,
        }
    }

    fn union(self, other: Values) -> Values {
        match (self, other) {
            (Values::Fixed(mut a), Values::Fixed(b)) => {
                a.extend(b);
                Values::Fixed(a)
            }
            _ => Values::Any,
        }
    }
}

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

/// A label on a stream: its values and where it was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The values it can take.
    pub values: Values,
    /// Where it was (last) set.
    pub origin: Origin,
}

/// Label name → label.
pub type LabelSet = BTreeMap<String, Label>;

/// Logs or metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// Log entries, written by `loki.write`.
    Logs,
    /// Samples, written by `prometheus.remote_write`.
    Metrics,
}

/// One path from a source to a writer and the labels streams on it carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stream {
    /// Logs or metrics.
    pub signal: Signal,
    /// The source component (`loki.source.kubernetes.pod_logs`).
    pub source: String,
    /// Where the source is declared.
    pub source_pos: Pos,
    /// The writer (`loki.write.default`).
    pub writer: String,
    /// The labels at the writer (external labels included, `__` labels removed).
    pub labels: LabelSet,
    /// Structured metadata keys lines may carry (`trace_id`).
    pub metadata: BTreeSet<String>,
}

/// Every path from a source to a writer in `file`, sorted by source and
/// writer; identical paths once.
pub fn streams(file: &File) -> Vec<Stream> {
    streams_of(file, None)
}

/// [`streams`] of one signal only (`None`: both). Leaving out the other signal's
/// sources skips their walks: a pipeline with thousands of scrape targets has
/// thousands of metric paths and a handful of log ones.
pub fn streams_of(file: &File, only: Option<Signal>) -> Vec<Stream> {
    let graph = Graph::new(file);
    let mut out: BTreeMap<(String, String), Vec<Stream>> = BTreeMap::new();
    let wanted = |signal| only.is_none_or(|o| o == signal);
    for (id, block) in &graph.order {
        let name = block.full_name();
        let (signal, labels) = if name.starts_with("loki.source.") && wanted(Signal::Logs) {
            (Signal::Logs, graph.log_source_labels(id, block))
        } else if name == "prometheus.scrape" && wanted(Signal::Metrics) {
            (Signal::Metrics, graph.scrape_labels(id, block))
        } else {
            continue;
        };
        let start = Path {
            labels,
            metadata: BTreeSet::new(),
        };
        let mut visiting = HashSet::new();
        graph.walk(block, vec![start], &mut visiting, &mut |writer, path| {
            let stream = Stream {
                signal,
                source: id.clone(),
                source_pos: block.span.start,
                writer: writer.to_owned(),
                labels: path.labels,
                metadata: path.metadata,
            };
            let same = out.entry((id.clone(), writer.to_owned())).or_default();
            if !same.contains(&stream) {
                same.push(stream);
            }
        });
    }
    out.into_values().flatten().collect()
}

/// The labels and metadata keys of one path.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Path {
    labels: LabelSet,
    metadata: BTreeSet<String>,
}

impl Path {
    /// Adds `other`'s labels and metadata keys (values united).
    fn absorb(&mut self, other: Path) {
        merge_all(&mut self.labels, other.labels);
        self.metadata.extend(other.metadata);
    }
}

/// Adds every label of `from` to `labels`, uniting values.
fn merge_all(labels: &mut LabelSet, from: impl IntoIterator<Item = (String, Label)>) {
    for (name, label) in from {
        merge(labels, name, label);
    }
}

/// Adds `label` to `labels`, uniting its values with those it had.
fn merge(labels: &mut LabelSet, name: String, label: Label) {
    match labels.get_mut(&name) {
        Some(have) => {
            let values = std::mem::replace(&mut have.values, Values::Any);
            have.values = values.union(label.values);
        }
        None => {
            labels.insert(name, label);
        }
    }
}

fn strip_internal(labels: &mut LabelSet) {
    labels.retain(|name, _| !name.starts_with("__"));
}

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

/// Paths one `loki.process` may fork into before they are merged.
const MAX_PATHS: usize = 64;

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

    /// Labels a log source puts on its streams before any `forward_to`.
    fn log_source_labels(&self, id: &str, block: &Block) -> LabelSet {
        let mut labels = self.source_targets(block);
        if let Some(rules) = block.get("relabel_rules")
            && let Some((rid, rblock)) = self.target(rules)
        {
            apply_rules(rid, rblock, &mut labels, true);
        }
        let at_block = |values, unbounded| Label {
            values,
            origin: origin(id, block.span.start, unbounded),
        };
        match block.full_name().as_str() {
            "loki.source.file" => {
                labels.insert("filename".into(), at_block(Values::Any, Some("file paths")));
            }
            "loki.source.kubernetes_events" => {
                // Alloy's default `job_name`.
                let job = attr_string(block, "job_name").unwrap_or("loki.source.kubernetes_events");
                labels.insert("job".into(), at_block(Values::fixed(job), None));
                for name in ["instance", "namespace"] {
                    labels.insert(name.into(), at_block(Values::Any, None));
                }
            }
            _ => {}
        }
        labels.extend(object_labels(id, block.get("labels"), |_| None));
        labels
    }

    /// Labels a scrape puts on its samples before any `forward_to`.
    fn scrape_labels(&self, id: &str, block: &Block) -> LabelSet {
        let mut labels = self.source_targets(block);
        let job = attr_string(block, "job_name").unwrap_or(id);
        let at_block = |values| Label {
            values,
            origin: origin(id, block.span.start, None),
        };
        labels
            .entry("job".into())
            .or_insert_with(|| at_block(Values::fixed(job)));
        labels
            .entry("instance".into())
            .or_insert_with(|| at_block(Values::Any));
        labels
    }

    /// The labels of a source's `targets`, without `__` labels.
    fn source_targets(&self, block: &Block) -> LabelSet {
        let mut labels = block
            .get("targets")
            .map(|t| self.target_labels(t, 0))
            .unwrap_or_default();
        strip_internal(&mut labels);
        labels
    }

    /// Labels of the targets `e` evaluates to (`__` labels included).
    fn target_labels(&self, e: &Expr, depth: usize) -> LabelSet {
        let mut labels = LabelSet::new();
        if depth > MAX_DEPTH {
            return labels;
        }
        let mut unite = |from: LabelSet| merge_all(&mut labels, from);
        match &e.kind {
            ExprKind::Array(items) => {
                for item in items {
                    unite(self.target_labels(item, depth + 1));
                }
            }
            ExprKind::Object(_) => unite(object_labels("a static target", Some(e), |_| None)),
            ExprKind::Call { args, .. } => {
                for a in args {
                    unite(self.target_labels(a, depth + 1));
                }
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                unite(self.target_labels(lhs, depth + 1));
                unite(self.target_labels(rhs, depth + 1));
            }
            ExprKind::Paren(inner) => unite(self.target_labels(inner, depth + 1)),
            _ => {
                let Some((id, block)) = self.target(e) else {
                    return labels;
                };
                match block.full_name().as_str() {
                    "discovery.relabel" => {
                        let mut relabelled = block
                            .get("targets")
                            .map(|t| self.target_labels(t, depth + 1))
                            .unwrap_or_default();
                        apply_rules(id, block, &mut relabelled, true);
                        unite(relabelled);
                    }
                    // Expands `__path__` globs; keeps the other labels.
                    "local.file_match" => {
                        if let Some(inner) = block.get("path_targets") {
                            unite(self.target_labels(inner, depth + 1));
                        }
                    }
                    // Other discovery components give `__meta_*` labels only.
                    _ => {}
                }
            }
        }
        labels
    }

    /// Follows `forward_to` from `block`, calling `at_writer` at each writer
    /// with every path that reaches it.
    fn walk(
        &self,
        block: &Block,
        paths: Vec<Path>,
        visiting: &mut HashSet<*const Block>,
        at_writer: &mut dyn FnMut(&str, Path),
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
            let mut paths = paths.clone();
            match target.full_name().as_str() {
                "loki.write" | "prometheus.remote_write" => {
                    let external = object_labels(id, target.get("external_labels"), unbounded_name);
                    for mut path in paths {
                        for (name, label) in &external {
                            path.labels
                                .entry(name.clone())
                                .or_insert_with(|| label.clone());
                        }
                        strip_internal(&mut path.labels);
                        at_writer(id, path);
                    }
                }
                "loki.process" => {
                    let forks = paths
                        .into_iter()
                        .flat_map(|p| process(id, &target.body, p))
                        .collect();
                    self.walk(target, distinct(forks), visiting, at_writer);
                }
                "loki.relabel" | "prometheus.relabel" => {
                    for path in &mut paths {
                        apply_rules(id, target, &mut path.labels, false);
                    }
                    self.walk(target, paths, visiting, at_writer);
                }
                "loki.enrich" | "prometheus.enrich" => {
                    let copied = strings_at(target.get("labels_to_copy"));
                    for path in &mut paths {
                        for (name, pos) in &copied {
                            let label = Label {
                                values: Values::Any,
                                origin: origin(id, *pos, unbounded_name(name)),
                            };
                            path.labels.insert((*name).to_owned(), label);
                        }
                    }
                    self.walk(target, paths, visiting, at_writer);
                }
                _ => self.walk(target, paths, visiting, at_writer),
            }
            visiting.remove(&(target as *const Block));
        }
    }
}

fn origin(component: &str, pos: Pos, unbounded: Option<&'static str>) -> Origin {
    Origin {
        component: component.to_owned(),
        pos,
        unbounded,
    }
}

/// `paths` without repeats; more than [`MAX_PATHS`] are merged into one.
fn distinct(paths: Vec<Path>) -> Vec<Path> {
    let mut out: Vec<Path> = Vec::new();
    for path in paths {
        if !out.contains(&path) {
            out.push(path);
        }
    }
    if out.len() > MAX_PATHS {
        let mut rest = out.into_iter();
        let mut one = rest.next().expect("more than MAX_PATHS paths");
        for path in rest {
            one.absorb(path);
        }
        out = vec![one];
    }
    out
}

/// Runs `loki.process` stages over one path; a `stage.match` forks it.
fn process(id: &str, body: &[Stmt], path: Path) -> Vec<Path> {
    let mut paths = vec![path];
    for s in body {
        let Stmt::Block(stage) = s else { continue };
        if stage.full_name() == "stage.match" {
            let forks = paths.into_iter().flat_map(|p| fork(id, stage, p)).collect();
            paths = distinct(forks);
        } else {
            for path in &mut paths {
                apply_stage(id, stage, path);
            }
        }
    }
    paths
}

/// A `stage.match` on one path: the lines it matches (its stages applied, or
/// none when it drops them) and, unless it certainly matches, those it does not.
fn fork(id: &str, stage: &Block, path: Path) -> Vec<Path> {
    let selector = attr_string(stage, "selector").unwrap_or("{}");
    let matchers = parse_stream_selector(selector).ok();
    let applies = matchers
        .as_ref()
        .is_none_or(|m| m.iter().all(|m| m.satisfiable(&path.labels, &[])));
    // A line filter after the selector may not match.
    let certain = selector.trim_end().ends_with('}')
        && matchers
            .as_ref()
            .is_some_and(|m| m.iter().all(|m| m.certain(&path.labels)));
    let drops = attr_string(stage, "action") == Some("drop");
    let mut out = Vec::new();
    if applies && !drops {
        out.extend(process(id, &stage.body, path.clone()));
    }
    if !certain {
        out.push(path);
    }
    out
}

/// Applies one `loki.process` stage other than `stage.match`.
fn apply_stage(id: &str, stage: &Block, path: &mut Path) {
    let labels = &mut path.labels;
    match stage.full_name().as_str() {
        "stage.labels" => {
            if let Some(ExprKind::Object(fields)) = stage.get("values").map(|e| &e.kind) {
                for f in fields {
                    let source = string(&f.value).filter(|v| !v.is_empty()).unwrap_or(&f.key);
                    let unbounded = unbounded_name(source).or_else(|| unbounded_name(&f.key));
                    let label = Label {
                        values: Values::Any,
                        origin: origin(id, f.key_pos, unbounded),
                    };
                    labels.insert(f.key.clone(), label);
                }
            }
        }
        "stage.static_labels" => labels.extend(object_labels(id, stage.get("values"), |_| None)),
        "stage.structured_metadata" => path
            .metadata
            .extend(object_labels(id, stage.get("values"), |_| None).into_keys()),
        "stage.label_drop" => {
            let names = strings(stage.get("values"));
            labels.retain(|k, _| !names.contains(&k.as_str()));
        }
        "stage.label_keep" => {
            let names = strings(stage.get("values"));
            labels.retain(|k, _| names.contains(&k.as_str()));
        }
        "stage.pack" => {
            let names = strings(stage.get("labels"));
            labels.retain(|k, _| !names.contains(&k.as_str()));
        }
        _ => {}
    }
}

/// Applies a relabel component's `rule` blocks to `labels`. `discovery`:
/// the rules relabel targets, whose own label names say nothing of their values.
fn apply_rules(id: &str, block: &Block, labels: &mut LabelSet, discovery: bool) {
    for rule in block.children("rule") {
        let action = attr_string(rule, "action").unwrap_or("replace");
        let regex = attr_string(rule, "regex").unwrap_or("(.*)");
        match action {
            "labeldrop" | "labelkeep" => {
                if let Some(re) = anchored(regex) {
                    let keep = action == "labelkeep";
                    labels.retain(|name, _| re.is_match(name) == keep);
                }
            }
            // `labelmap` adds labels no static analysis can name.
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
                let fixed = attr_string(rule, "replacement")
                    .filter(|r| action == "replace" && !r.contains('$'));
                let mut values = fixed.map_or(Values::Any, Values::fixed);
                // A fixed value set only when the regex matches: the label may
                // also keep what it had.
                if fixed.is_some()
                    && rule.get("source_labels").is_some()
                    && let Some(before) = labels.remove(target)
                {
                    values = values.union(before.values);
                }
                let label = Label {
                    values,
                    origin: origin(id, rule.span.start, unbounded),
                };
                labels.insert(target.to_owned(), label);
            }
        }
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

/// The fields of an object literal (`{ a = "x" }`) as labels added by
/// `component` at their keys: string values are fixed, others any.
fn object_labels(
    component: &str,
    e: Option<&Expr>,
    unbounded: fn(&str) -> Option<&'static str>,
) -> LabelSet {
    let Some(ExprKind::Object(fields)) = e.map(|e| &e.kind) else {
        return LabelSet::new();
    };
    fields
        .iter()
        .map(|f| {
            let label = Label {
                values: string(&f.value).map_or(Values::Any, Values::fixed),
                origin: origin(component, f.key_pos, unbounded(&f.key)),
            };
            (f.key.clone(), label)
        })
        .collect()
}

/// Strings of a list literal, with their positions.
fn strings_at(e: Option<&Expr>) -> Vec<(&str, Pos)> {
    match e.map(|e| &e.kind) {
        Some(ExprKind::Array(items)) => items
            .iter()
            .filter_map(|i| Some((string(i)?, i.span.start)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Strings of a list literal.
fn strings(e: Option<&Expr>) -> Vec<&str> {
    strings_at(e).into_iter().map(|(s, _)| s).collect()
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
    fn unbounded_names() {
        assert_eq!(unbounded_name("traceID"), Some("trace ids"));
        assert_eq!(unbounded_name("namespace"), None);
        assert_eq!(
            unbounded_meta("__meta_kubernetes_pod_name"),
            Some("pod names")
        );
    }
}
