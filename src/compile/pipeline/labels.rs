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
use crate::resolve::stack::Stack;

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

/// Every vector selector of a PromQL query, read by [`crate::query::promql_selectors`].
pub fn promql_selectors(query: &str) -> Result<Vec<Selector>, String> {
    let selectors = crate::query::promql_selectors(query)?;
    let matcher = |m: crate::query::logql::Matcher| {
        let op = match m.op {
            "=" => MatchOp::Eq,
            "!=" => MatchOp::Ne,
            "=~" => MatchOp::Re,
            _ => MatchOp::NotRe,
        };
        (m.name != "__name__").then_some(Matcher {
            name: m.name,
            op,
            value: m.value,
        })
    };
    Ok(selectors
        .into_iter()
        .map(|s| {
            (
                s.metric,
                s.matchers.into_iter().filter_map(matcher).collect(),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRAPE: &str = r#"
prometheus.scrape "ksm" {
  targets    = [{ __address__ = "ksm:8080", namespace = sys.env("NS") }]
  job_name   = "kube-state-metrics"
  forward_to = [prometheus.remote_write.default.receiver]
}
prometheus.remote_write "default" {
  endpoint { url = "http://prom/api/v1/write" }
}
"#;

    #[test]
    fn scrape_paths_carry_job_and_target_labels() {
        let streams = streams(&o11yc_alloy::parse(SCRAPE).unwrap());
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
    fn profile_streams_cover_both_sides() {
        let profile = crate::compile::testing::profile(
            "cluster: { name: c }\nnamespace: m\ndelivery: { mode: helmfile }\n\
loki: { retention: 1d, storage: { claim: { size: 1Gi } } }\n\
alloy: { logs: { events: { enabled: false } } }\n\
vcluster:\n  namespaceFormat: t-{run_id}\n  alloy:\n    logs:\n      sourceLabel: kind\n      pods: { enabled: false }\n",
        );
        let streams = profile_streams(Stack::new(&profile, "p"));
        let logs = |query| parse_stream_selector(query).unwrap();
        answerable(
            &streams,
            Signal::Logs,
            &logs(r#"{source="pod_log", namespace="x"}"#),
            &[],
        )
        .unwrap();
        answerable(
            &streams,
            Signal::Logs,
            &logs(r#"{kind="k8s_event", run_id="1"}"#),
            &[],
        )
        .unwrap();
        assert!(answerable(&streams, Signal::Logs, &logs(r#"{kind="pod_log"}"#), &[]).is_err());
    }
}
