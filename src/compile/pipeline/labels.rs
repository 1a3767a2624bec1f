//! Label-set analysis of an Alloy pipeline: which labels (and, where they are
//! fixed, which values) the entries or samples carry when they reach a writer,
//! for every path from a source through `loki.process`, `*.relabel` and the
//! writer's external labels.
//!
//! It works on any parsed Alloy file (generated or hand written), so it answers
//! "can this query's selector match anything this pipeline sends?": a query
//! whose every matcher is satisfiable by one path is answerable. Matchers that
//! need a label no path produces are not. The analysis is an over-approximation
//! per path (a rule that may set a label counts as setting it), never an
//! under-approximation of the label names.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use o11yc_alloy::{Block, Expr, ExprKind, File, Stmt};

use super::Side;
use crate::resolve::stack::Stack;

/// The values a label can have on a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Values {
    /// Set from data (a discovered target, an extracted field): any value.
    Any,
    /// One of these fixed strings.
    Fixed(BTreeSet<String>),
}

impl Values {
    fn fixed(value: &str) -> Values {
        Values::Fixed(BTreeSet::from([value.to_owned()]))
    }

    fn admits(&self, pred: impl Fn(&str) -> bool) -> bool {
        match self {
            Values::Any => true,
            Values::Fixed(values) => values.iter().any(|v| pred(v)),
        }
    }
}

/// Label name → values.
pub type LabelSet = BTreeMap<String, Values>;

/// Logs or metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// Log entries, written by `loki.write`.
    Logs,
    /// Samples, written by `prometheus.remote_write`.
    Metrics,
}

/// One path from a source component to a writer and the labels it produces.
#[derive(Clone, Debug)]
pub struct Stream {
    /// Logs or metrics.
    pub signal: Signal,
    /// The source component, e.g. `loki.source.kubernetes.pod_logs`.
    pub source: String,
    /// The labels at the writer (external labels included, `__` labels removed).
    pub labels: LabelSet,
}

/// How a matcher compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `=~`
    Re,
    /// `!~`
    NotRe,
}

/// One label matcher of a LogQL stream selector or PromQL vector selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matcher {
    /// Label name.
    pub name: String,
    /// Comparison.
    pub op: MatchOp,
    /// Value or regular expression.
    pub value: String,
}

fn anchored(re: &str) -> Option<regex::Regex> {
    regex::Regex::new(&format!("^(?:{re})$")).ok()
}

impl Matcher {
    /// Whether a series with `labels` (plus `extra`, labels the exporter itself
    /// puts on its samples) can satisfy this matcher.
    fn satisfiable(&self, labels: &LabelSet, extra: &[&str]) -> bool {
        let present = labels.get(&self.name);
        let exported = extra.contains(&self.name.as_str());
        match self.op {
            MatchOp::Ne | MatchOp::NotRe => true,
            MatchOp::Eq if self.value.is_empty() => true,
            MatchOp::Eq => exported || present.is_some_and(|v| v.admits(|x| x == self.value)),
            MatchOp::Re => {
                let Some(re) = anchored(&self.value) else {
                    return false;
                };
                re.is_match("") || exported || present.is_some_and(|v| v.admits(|x| re.is_match(x)))
            }
        }
    }
}

/// Whether some stream of `signal` satisfies every matcher. On failure, says which
/// matchers no stream satisfies together, and for the closest stream which fail.
pub fn answerable(
    streams: &[Stream],
    signal: Signal,
    matchers: &[Matcher],
    extra: &[&str],
) -> Result<(), String> {
    let mut best: Option<(usize, &Stream, Vec<&Matcher>)> = None;
    for stream in streams.iter().filter(|s| s.signal == signal) {
        let failing: Vec<&Matcher> = matchers
            .iter()
            .filter(|m| !m.satisfiable(&stream.labels, extra))
            .collect();
        if failing.is_empty() {
            return Ok(());
        }
        if best.as_ref().is_none_or(|(n, _, _)| failing.len() < *n) {
            best = Some((failing.len(), stream, failing));
        }
    }
    match best {
        None => Err(format!("the pipeline has no {signal:?} streams")),
        Some((_, stream, failing)) => Err(format!(
            "no stream satisfies every matcher; closest is {} with labels {:?}, which fails {:?}",
            stream.source,
            stream.labels.keys().collect::<Vec<_>>(),
            failing
                .iter()
                .map(|m| format!("{}{:?}{:?}", m.name, m.op, m.value))
                .collect::<Vec<_>>()
        )),
    }
}

/// Every stream of a profile's Alloy pipelines: the stack's and, with `vcluster.alloy`,
/// the one inside each vCluster, `custom` snippets included (for query checks that
/// run during compilation, without printing and parsing the files).
pub fn profile_streams(stack: Stack) -> Vec<Stream> {
    let inner = stack
        .profile
        .vcluster
        .as_ref()
        .and_then(|v| v.alloy.as_ref())
        .filter(|a| a.enabled);
    let sides = [(stack.alloy(), Side::Stack), (inner, Side::VCluster)];
    let mut out = Vec::new();
    for (alloy, side) in sides {
        let Some(alloy) = alloy else { continue };
        let text = super::build(stack, alloy, side).text(alloy.custom.as_deref());
        // Validation has parsed and checked the pipeline; an unparsable one has no streams.
        if let Ok(file) = o11yc_alloy::parse(&text) {
            out.extend(streams(&file));
        }
    }
    out
}

/// Every path from a source to a writer in `file`.
pub fn streams(file: &File) -> Vec<Stream> {
    let components: HashMap<String, &Block> = file
        .body
        .iter()
        .filter_map(|s| match s {
            Stmt::Block(b) => Some((b.id(), b)),
            Stmt::Attribute(_) => None,
        })
        .collect();
    let analysis = Analysis { components };
    let mut out = Vec::new();
    for block in analysis.components.values() {
        let name = block.full_name();
        let (signal, labels) = if name.starts_with("loki.source.") {
            (Signal::Logs, analysis.log_source_labels(block))
        } else if name == "prometheus.scrape" {
            (Signal::Metrics, analysis.scrape_labels(block))
        } else {
            continue;
        };
        for labels in analysis.forward(block, labels, 0) {
            out.push(Stream {
                signal,
                source: block.id(),
                labels,
            });
        }
    }
    out.sort_by(|a, b| a.source.cmp(&b.source));
    out
}

struct Analysis<'a> {
    components: HashMap<String, &'a Block>,
}

/// Guards against reference cycles (the checker rejects them; hand-written
/// files may not have been checked).
const MAX_DEPTH: usize = 32;

fn string(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::String(s) | ExprKind::RawString(s) => Some(s),
        _ => None,
    }
}

fn attr<'b>(block: &'b Block, name: &str) -> Option<&'b Expr> {
    block.get(name)
}

/// An object expression as labels: string values are fixed, others any.
fn object_labels(expr: &Expr) -> LabelSet {
    let mut labels = LabelSet::new();
    if let ExprKind::Object(fields) = &expr.kind {
        for field in fields {
            let values = string(&field.value).map_or(Values::Any, Values::fixed);
            labels.insert(field.key.clone(), values);
        }
    }
    labels
}

fn merge(into: &mut LabelSet, from: LabelSet) {
    for (name, values) in from {
        let merged = match (into.remove(&name), values) {
            (Some(Values::Fixed(mut a)), Values::Fixed(b)) => {
                a.extend(b);
                Values::Fixed(a)
            }
            (None, v) => v,
            _ => Values::Any,
        };
        into.insert(name, merged);
    }
}

fn strip_internal(labels: &mut LabelSet) {
    labels.retain(|name, _| !name.starts_with("__"));
}

/// Applies relabel `rule` blocks to a label set.
fn apply_rules<'r>(mut labels: LabelSet, rules: impl Iterator<Item = &'r Block>) -> LabelSet {
    for rule in rules {
        let action = attr(rule, "action").and_then(string).unwrap_or("replace");
        let regex = attr(rule, "regex").and_then(string).unwrap_or("(.*)");
        match action {
            "replace" => {
                let Some(target) = attr(rule, "target_label").and_then(string) else {
                    continue;
                };
                let fixed = attr(rule, "replacement")
                    .and_then(string)
                    .filter(|r| !r.contains('$'));
                let conditional = attr(rule, "source_labels").is_some();
                match fixed {
                    // A fixed value set only when the regex matches: the label may
                    // also keep what an earlier rule set.
                    Some(r) if conditional => {
                        let mut value = LabelSet::from([(target.to_owned(), Values::fixed(r))]);
                        if let Some(before) = labels.remove(target) {
                            merge(&mut value, LabelSet::from([(target.to_owned(), before)]));
                        }
                        labels.extend(value);
                    }
                    Some(r) => {
                        labels.insert(target.to_owned(), Values::fixed(r));
                    }
                    None => {
                        labels.insert(target.to_owned(), Values::Any);
                    }
                }
            }
            "labeldrop" => {
                if let Some(re) = anchored(regex) {
                    labels.retain(|name, _| !re.is_match(name));
                }
            }
            "labelkeep" => {
                if let Some(re) = anchored(regex) {
                    labels.retain(|name, _| re.is_match(name));
                }
            }
            _ => {}
        }
    }
    labels
}

impl<'a> Analysis<'a> {
    /// The component a reference like `a.b.label.export` points at.
    fn referenced(&self, expr: &Expr) -> Option<&'a Block> {
        let parts = expr.as_reference()?;
        let id = parts[..parts.len().checked_sub(1)?].join(".");
        self.components.get(&id).copied()
    }

    /// Labels of the targets `expr` evaluates to (without `__` labels).
    fn target_labels(&self, expr: &Expr, depth: usize) -> LabelSet {
        if depth > MAX_DEPTH {
            return LabelSet::new();
        }
        match &expr.kind {
            ExprKind::Array(items) => {
                let mut labels = LabelSet::new();
                for item in items {
                    merge(&mut labels, self.target_labels(item, depth + 1));
                }
                labels
            }
            ExprKind::Object(_) => {
                let mut labels = object_labels(expr);
                strip_internal(&mut labels);
                labels
            }
            _ => {
                let Some(block) = self.referenced(expr) else {
                    return LabelSet::new();
                };
                let mut labels = match block.full_name().as_str() {
                    "discovery.relabel" => {
                        let input = attr(block, "targets")
                            .map(|t| self.target_labels(t, depth + 1))
                            .unwrap_or_default();
                        apply_rules(input, block.children("rule"))
                    }
                    "local.file_match" => attr(block, "path_targets")
                        .map(|t| self.target_labels(t, depth + 1))
                        .unwrap_or_default(),
                    // discovery.kubernetes and others: only `__meta_*` labels.
                    _ => LabelSet::new(),
                };
                strip_internal(&mut labels);
                labels
            }
        }
    }

    fn log_source_labels(&self, block: &Block) -> LabelSet {
        let mut labels = attr(block, "targets")
            .map(|t| self.target_labels(t, 0))
            .unwrap_or_default();
        match block.full_name().as_str() {
            "loki.source.kubernetes_events" => {
                let job = attr(block, "job_name")
                    .and_then(string)
                    .unwrap_or("loki.source.kubernetes_events");
                labels.insert("job".into(), Values::fixed(job));
                labels.insert("namespace".into(), Values::Any);
                labels.insert("instance".into(), Values::Any);
            }
            "loki.source.journal" => {
                if let Some(rules) = attr(block, "relabel_rules").and_then(|r| self.referenced(r)) {
                    labels = apply_rules(labels, rules.children("rule"));
                }
            }
            _ => {}
        }
        if let Some(extra) = attr(block, "labels") {
            merge(&mut labels, object_labels(extra));
        }
        labels
    }

    fn scrape_labels(&self, block: &Block) -> LabelSet {
        let mut labels = attr(block, "targets")
            .map(|t| self.target_labels(t, 0))
            .unwrap_or_default();
        let job = attr(block, "job_name")
            .and_then(string)
            .map_or_else(|| block.id(), str::to_owned);
        labels.entry("job".into()).or_insert(Values::fixed(&job));
        labels.entry("instance".into()).or_insert(Values::Any);
        labels
    }

    /// Follows `forward_to` from `block`, returning the label set at each writer.
    fn forward(&self, block: &Block, labels: LabelSet, depth: usize) -> Vec<LabelSet> {
        let Some(ExprKind::Array(targets)) = attr(block, "forward_to").map(|e| &e.kind) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for target in targets {
            if let Some(next) = self.referenced(target) {
                out.extend(self.enter(next, labels.clone(), depth + 1));
            }
        }
        out
    }

    fn enter(&self, block: &Block, labels: LabelSet, depth: usize) -> Vec<LabelSet> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        match block.full_name().as_str() {
            "loki.process" => process(labels, &stages(block))
                .into_iter()
                .flat_map(|l| self.forward(block, l, depth))
                .collect(),
            "loki.relabel" | "prometheus.relabel" => {
                self.forward(block, apply_rules(labels, block.children("rule")), depth)
            }
            "loki.write" | "prometheus.remote_write" => {
                let mut labels = labels;
                if let Some(external) = attr(block, "external_labels") {
                    merge(&mut labels, object_labels(external));
                }
                strip_internal(&mut labels);
                vec![labels]
            }
            _ => Vec::new(),
        }
    }
}

/// The `stage.*` blocks of a block, in order.
fn stages(block: &Block) -> Vec<&Block> {
    block
        .body
        .iter()
        .filter_map(|s| match s {
            Stmt::Block(b) if b.name.first().is_some_and(|n| n == "stage") => Some(b),
            _ => None,
        })
        .collect()
}

/// Runs `loki.process` stages over one label set. A `stage.match` whose selector
/// the labels may satisfy forks the path: one copy runs its stages, one does not.
fn process(labels: LabelSet, stage_blocks: &[&Block]) -> Vec<LabelSet> {
    let mut paths = vec![labels];
    for stage in stage_blocks {
        let name = stage.name.get(1).map(String::as_str).unwrap_or_default();
        let mut next = Vec::new();
        for mut labels in paths {
            match name {
                "static_labels" => {
                    if let Some(values) = attr(stage, "values") {
                        merge_replace(&mut labels, object_labels(values));
                    }
                    next.push(labels);
                }
                "labels" => {
                    if let Some(ExprKind::Object(fields)) = attr(stage, "values").map(|e| &e.kind) {
                        for field in fields {
                            labels.insert(field.key.clone(), Values::Any);
                        }
                    }
                    next.push(labels);
                }
                "label_drop" | "label_keep" => {
                    let names: BTreeSet<&str> = match attr(stage, "values").map(|e| &e.kind) {
                        Some(ExprKind::Array(items)) => items.iter().filter_map(string).collect(),
                        _ => BTreeSet::new(),
                    };
                    let keep = name == "label_keep";
                    labels.retain(|n, _| names.contains(n.as_str()) == keep);
                    next.push(labels);
                }
                "match" => {
                    let selector = attr(stage, "selector").and_then(string).unwrap_or("{}");
                    let matchers = parse_stream_selector(selector).ok();
                    let applies = matchers
                        .as_ref()
                        .is_none_or(|m| m.iter().all(|m| m.satisfiable(&labels, &[])));
                    // Certain: no line filter, and every matcher an equality with
                    // the one value the label has on this path.
                    let certain = selector.trim_end().ends_with('}')
                        && matchers.as_ref().is_some_and(|m| {
                            m.iter().all(|m| {
                                m.op == MatchOp::Eq
                                    && labels.get(&m.name) == Some(&Values::fixed(&m.value))
                            })
                        });
                    let drops = attr(stage, "action").and_then(string) == Some("drop");
                    if applies && !drops {
                        next.extend(process(labels.clone(), &stages(stage)));
                    }
                    if !certain {
                        next.push(labels);
                    }
                }
                _ => next.push(labels),
            }
        }
        paths = next;
    }
    paths
}

/// Like [`merge`], but a static label replaces the value it had.
fn merge_replace(into: &mut LabelSet, from: LabelSet) {
    for (name, values) in from {
        into.insert(name, values);
    }
}

/// The matchers of the stream selector that starts a LogQL query
/// (`{a="x", b=~"y"} | json`); what follows the selector is ignored.
pub fn parse_stream_selector(query: &str) -> Result<Vec<Matcher>, String> {
    let mut rest = query.trim_start();
    rest = rest
        .strip_prefix('{')
        .ok_or_else(|| format!("`{query}` does not start with a stream selector"))?;
    let mut matchers = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix('}') {
            let _ = after;
            return Ok(matchers);
        }
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if name_len == 0 {
            return Err(format!("expected a label name in `{query}`"));
        }
        let name = rest[..name_len].to_owned();
        rest = rest[name_len..].trim_start();
        let (op, len) = if rest.starts_with("=~") {
            (MatchOp::Re, 2)
        } else if rest.starts_with("!~") {
            (MatchOp::NotRe, 2)
        } else if rest.starts_with("!=") {
            (MatchOp::Ne, 2)
        } else if rest.starts_with('=') {
            (MatchOp::Eq, 1)
        } else {
            return Err(format!(
                "expected a match operator after `{name}` in `{query}`"
            ));
        };
        rest = rest[len..].trim_start();
        let (value, after) = string_literal(rest)
            .ok_or_else(|| format!("expected a string after `{name}` in `{query}`"))?;
        matchers.push(Matcher { name, op, value });
        rest = after.trim_start();
        if let Some(after) = rest.strip_prefix(',') {
            rest = after;
        } else if !rest.starts_with('}') {
            return Err(format!("expected `,` or `}}` in `{query}`"));
        }
    }
}

/// A double-quoted (with escapes) or backtick string at the start of `text`.
fn string_literal(text: &str) -> Option<(String, &str)> {
    if let Some(raw) = text.strip_prefix('`') {
        let end = raw.find('`')?;
        return Some((raw[..end].to_owned(), &raw[end + 1..]));
    }
    let body = text.strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &body[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}

/// A PromQL vector selector: its metric name and its matchers other than `__name__`.
pub type Selector = (Option<String>, Vec<Matcher>);

/// Every vector selector of a PromQL query.
pub fn promql_selectors(query: &str) -> Result<Vec<Selector>, String> {
    use promql_parser::label::MatchOp as Op;
    use promql_parser::parser::{self, Expr as P};
    fn walk(expr: &P, out: &mut Vec<Selector>) {
        match expr {
            P::Aggregate(a) => {
                walk(&a.expr, out);
                if let Some(param) = &a.param {
                    walk(param, out);
                }
            }
            P::Unary(u) => walk(&u.expr, out),
            P::Binary(b) => {
                walk(&b.lhs, out);
                walk(&b.rhs, out);
            }
            P::Paren(p) => walk(&p.expr, out),
            P::Subquery(s) => walk(&s.expr, out),
            P::VectorSelector(vs) => out.push(selector(vs)),
            P::MatrixSelector(ms) => out.push(selector(&ms.vs)),
            P::Call(c) => c.args.args.iter().for_each(|a| walk(a, out)),
            _ => {}
        }
    }
    fn selector(vs: &promql_parser::parser::VectorSelector) -> Selector {
        let matchers = vs
            .matchers
            .matchers
            .iter()
            .filter(|m| m.name != "__name__")
            .map(|m| Matcher {
                name: m.name.clone(),
                op: match m.op {
                    Op::Equal => MatchOp::Eq,
                    Op::NotEqual => MatchOp::Ne,
                    Op::Re(_) => MatchOp::Re,
                    Op::NotRe(_) => MatchOp::NotRe,
                },
                value: m.value.clone(),
            })
            .collect();
        (vs.name.clone(), matchers)
    }
    let expr = parser::parse(query)?;
    let mut out = Vec::new();
    walk(&expr, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIPELINE: &str = r#"
discovery.kubernetes "pods" { role = "pod" }
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
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
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
  stage.match {
    selector = "{container=\"syncer\"}"
    stage.static_labels {
      values = { source = "k8s_audit_log" }
    }
  }
  stage.match {
    selector = "{source=\"pod_log\"}"
    stage.labels {
      values = { level = "" }
    }
  }
  stage.label_drop {
    values = ["pod"]
  }
  forward_to = [loki.relabel.run.receiver]
}
loki.relabel "run" {
  rule {
    target_label = "__ns"
    replacement  = sys.env("NS")
  }
  rule {
    source_labels = ["__ns"]
    target_label  = "run_id"
  }
  forward_to = [loki.write.default.receiver]
}
loki.write "default" {
  endpoint { url = "http://loki:3100/loki/api/v1/push" }
  external_labels = { cluster = "c" }
}
prometheus.scrape "ksm" {
  targets    = discovery.relabel.pods.output
  job_name   = "kube-state-metrics"
  forward_to = [prometheus.remote_write.default.receiver]
}
prometheus.remote_write "default" {
  endpoint { url = "http://prom/api/v1/write" }
}
"#;

    fn streams_of(text: &str) -> Vec<Stream> {
        streams(&o11yc_alloy::parse(text).unwrap())
    }

    fn logql(streams: &[Stream], query: &str) -> Result<(), String> {
        answerable(
            streams,
            Signal::Logs,
            &parse_stream_selector(query).unwrap(),
            &[],
        )
    }

    #[test]
    fn labels_follow_process_stages_relabels_and_external_labels() {
        let streams = streams_of(PIPELINE);
        let logs: Vec<_> = streams
            .iter()
            .filter(|s| s.signal == Signal::Logs)
            .collect();
        // The syncer match forks the pod path into a pod_log and an audit path.
        assert_eq!(logs.len(), 2, "{logs:?}");
        let names: Vec<Vec<&str>> = logs
            .iter()
            .map(|s| s.labels.keys().map(String::as_str).collect())
            .collect();
        assert!(names.contains(&vec![
            "cluster",
            "container",
            "level",
            "namespace",
            "run_id",
            "source"
        ]));
        assert!(names.contains(&vec![
            "cluster",
            "container",
            "namespace",
            "run_id",
            "source"
        ]));
        logql(&streams, r#"{source="pod_log", level="error", run_id="1"}"#).unwrap();
        logql(&streams, r#"{source="k8s_audit_log", cluster="c"}"#).unwrap();
        logql(&streams, r#"{source=~"pod_.*", namespace!="x"}"#).unwrap();
    }

    #[test]
    fn missing_labels_and_values_make_a_selector_unanswerable() {
        let streams = streams_of(PIPELINE);
        // Dropped by label_drop.
        assert!(logql(&streams, r#"{pod="p"}"#).is_err());
        // A source value no stage sets.
        assert!(logql(&streams, r#"{source="k8s_event"}"#).is_err());
        // level is only set on the pod_log path, not on the audit path.
        let err = logql(&streams, r#"{source="k8s_audit_log", level="info"}"#).unwrap_err();
        assert!(err.contains("level"), "{err}");
        // `__` labels never reach Loki.
        assert!(logql(&streams, r#"{__ns="x"}"#).is_err());
    }

    #[test]
    fn scrape_paths_carry_job_and_target_labels() {
        let streams = streams_of(PIPELINE);
        let (_, matchers) = promql_selectors(
            r#"sum(rate(kube_pod_container_status_restarts_total{job="kube-state-metrics", namespace="a"}[5m]))"#,
        )
        .unwrap()
        .remove(0);
        answerable(&streams, Signal::Metrics, &matchers, &[]).unwrap();
        let (_, matchers) = promql_selectors(r#"up{job="other"}"#).unwrap().remove(0);
        assert!(answerable(&streams, Signal::Metrics, &matchers, &[]).is_err());
        let (_, matchers) = promql_selectors(r#"x{controller="aim"}"#)
            .unwrap()
            .remove(0);
        assert!(answerable(&streams, Signal::Metrics, &matchers, &[]).is_err());
        answerable(&streams, Signal::Metrics, &matchers, &["controller"]).unwrap();
    }

    #[test]
    fn conditional_fixed_replacements_accumulate_values() {
        let streams = streams_of(
            r#"
loki.relabel "j" {
  rule {
    source_labels = ["__p"]
    regex         = "err|crit"
    target_label  = "level"
    replacement   = "error"
  }
  rule {
    source_labels = ["__p"]
    regex         = "info"
    target_label  = "level"
    replacement   = "info"
  }
  forward_to = []
}
loki.source.journal "j" {
  relabel_rules = loki.relabel.j.rules
  labels        = { source = "journal" }
  forward_to    = [loki.write.w.receiver]
}
loki.write "w" {
  endpoint { url = "http://loki" }
}
"#,
        );
        assert_eq!(
            streams[0].labels["level"],
            Values::Fixed(BTreeSet::from(["error".to_owned(), "info".to_owned()]))
        );
        logql(&streams, r#"{source="journal", level="error"}"#).unwrap();
        assert!(logql(&streams, r#"{source="journal", level="err"}"#).is_err());
    }

    #[test]
    fn profile_streams_cover_both_sides() {
        let profile = crate::compile::testing::profile(
            "cluster: { name: c }\nnamespace: m\ndelivery: { mode: helmfile }\n\
loki: { retention: 1d, storage: { claim: { size: 1Gi } } }\n\
alloy: { logs: { events: { enabled: false } } }\n\
vcluster:\n  namespaceFormat: t-{run_id}\n  alloy:\n    logs:\n      sourceLabel: kind\n      pods: { enabled: false }\n",
        );
        let streams = profile_streams(Stack::new(&profile, "p"));
        logql(&streams, r#"{source="pod_log", namespace="x"}"#).unwrap();
        logql(&streams, r#"{kind="k8s_event", run_id="1"}"#).unwrap();
        assert!(logql(&streams, r#"{kind="pod_log"}"#).is_err());
    }

    #[test]
    fn stream_selectors_parse() {
        assert_eq!(
            parse_stream_selector(r#"{a="x", b=~"y|z",c!~`w`} |= "e""#).unwrap(),
            [
                Matcher {
                    name: "a".into(),
                    op: MatchOp::Eq,
                    value: "x".into()
                },
                Matcher {
                    name: "b".into(),
                    op: MatchOp::Re,
                    value: "y|z".into()
                },
                Matcher {
                    name: "c".into(),
                    op: MatchOp::NotRe,
                    value: "w".into()
                },
            ]
        );
        assert!(parse_stream_selector("rate(x[5m])").is_err());
        assert!(parse_stream_selector(r#"{a="x""#).is_err());
    }
}
