//! Label-set analysis of a profile's Alloy pipelines: which labels (and, where
//! they are fixed, which values) the entries or samples carry when they reach
//! a writer. The analysis itself is [`o11yc_alloy::streams`], shared with the
//! Loki label budget and the query linker; this module applies it to the
//! pipelines a profile builds and reads PromQL selectors for it.
//!
//! It answers "can this query's selector match anything this pipeline
//! sends?": a query whose every matcher is satisfiable by one path is
//! answerable. Matchers that need a label no path produces are not.

pub use o11yc_alloy::streams::{
    Label, LabelSet, MatchOp, Matcher, Signal, Stream, Values, answerable, parse_stream_selector,
    streams,
};

use super::Side;
use crate::compile::stack::Stack;

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
    use std::collections::BTreeSet;

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
            streams[0].labels["level"].values,
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
}
