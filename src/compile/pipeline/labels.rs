//! Label-set analysis of a profile's Alloy pipelines: which labels (and, where
//! they are fixed, which values) the entries or samples carry when they reach
//! a writer. The analysis itself is [`o11yc_alloy::streams`], shared with the
//! Loki label budget and the query linker; this module re-exports it for the
//! pipeline code and, in tests, reads PromQL selectors for it.
//!
//! It answers "can this query's selector match anything this pipeline
//! sends?": a query whose every matcher is satisfiable by one path is
//! answerable. Matchers that need a label no path produces are not.

#[cfg(test)]
pub use o11yc_alloy::streams::{MatchOp, Matcher, Stream};
pub use o11yc_alloy::streams::{Values, streams};

/// A PromQL vector selector: its metric name and its matchers other than `__name__`.
#[cfg(test)]
pub type Selector = (Option<String>, Vec<Matcher>);

/// Every vector selector of a PromQL query, read by [`crate::query::promql_selectors`].
/// Only the seed and label tests ask (the linker reads the query's own selectors).
#[cfg(test)]
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
mod seed_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use o11yc_alloy::streams::{Signal, answerable};

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
}
