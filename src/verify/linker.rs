//! The query linker: every metric name and label matcher of a PromQL query, and
//! every stream selector of a LogQL query, must name something the profile
//! collects ([`Collected`]).
//!
//! PromQL: a metric must be listed by a collected source (or, when the profile
//! scrapes targets o11yc cannot know, by no source at all); each matcher's label
//! must be one its series carry, and each `by (...)` label one that some series
//! under the aggregation carries. LogQL: each selector must match some stream:
//! its literal values must be values the stream can have, and every label it
//! names must be on a stream matching the selector's static labels. Grafana
//! variables stand for any value, except `custom` variables, whose values are
//! each checked. Label filters after a parser (`| json | x = "y"`) filter fields
//! of the line, not stream labels, and are not linked.

use std::collections::BTreeMap;

use crate::query::logql::{self, Matcher};
use crate::query::{promql_groupings, promql_selectors};

use super::collected::Collected;
use super::metrics::MetricSource;
use super::streams::{Stream, Value};

/// Values of a dashboard's `custom` variables, by name.
pub type CustomValues = BTreeMap<String, Vec<String>>;

/// Why a PromQL query is not answerable, if it is not.
pub fn link_promql(query: &str, collected: &Collected) -> Result<(), String> {
    let expanded = crate::query::expand_grafana_variables(query);
    for selector in promql_selectors(&expanded)? {
        let Some(metric) = &selector.metric else {
            continue;
        };
        let known = MetricSource::of(metric);
        if known.is_empty() {
            if collected.open_metrics {
                continue;
            }
            return Err(format!("no source the profile collects exports `{metric}`"));
        }
        let sources: Vec<MetricSource> = known
            .iter()
            .copied()
            .filter(|s| collected.metrics.contains_key(s))
            .collect();
        if sources.is_empty() {
            let names: Vec<String> = known.iter().map(ToString::to_string).collect();
            return Err(format!(
                "`{metric}` comes from {}, which the profile does not collect",
                names.join(" or ")
            ));
        }
        for m in &selector.matchers {
            if !sources
                .iter()
                .any(|s| collected.metric_labels(*s).contains(m.name.as_str()))
            {
                return Err(format!(
                    "`{metric}` has no label `{}` (matcher `{}{}\"{}\"`)",
                    m.name, m.name, m.op, m.value
                ));
            }
        }
    }
    for grouping in promql_groupings(&expanded)? {
        let mut labels = std::collections::BTreeSet::new();
        let mut unknown = false;
        for metric in &grouping.metrics {
            let sources = metric.as_deref().map(MetricSource::of).unwrap_or_default();
            unknown |= sources.is_empty();
            for source in sources
                .into_iter()
                .filter(|s| collected.metrics.contains_key(s))
            {
                labels.extend(collected.metric_labels(source));
            }
        }
        if unknown {
            continue;
        }
        if let Some(missing) = grouping
            .labels
            .iter()
            .find(|l| !labels.contains(l.as_str()))
        {
            return Err(format!(
                "`by ({})`: none of the series it aggregates has the label `{missing}`",
                grouping.labels.join(", ")
            ));
        }
    }
    Ok(())
}

/// Why a LogQL query is not answerable, if it is not.
pub fn link_logql(query: &str, custom: &CustomValues, collected: &Collected) -> Result<(), String> {
    let mut text = query.to_owned();
    for interval in ["$__rate_interval", "$__interval", "$__range", "$__auto"] {
        text = text.replace(interval, "5m");
    }
    let selectors = logql::selectors(&text)?;
    for selector in selectors {
        link_selector(&selector, custom, collected)?;
    }
    Ok(())
}

/// A `custom` variable the value consists of (`$source`, `${source}`, `${source:regex}`).
fn variable(value: &str) -> Option<&str> {
    let name = value.strip_prefix('$')?;
    let name = name
        .strip_prefix('{')
        .and_then(|n| n.strip_suffix('}'))
        .map_or(name, |n| n.split(':').next().unwrap_or(n));
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then_some(name)
}

/// Whether `stream` can carry a line the matcher accepts, for one literal value.
fn value_fits(stream: &Stream, m: &Matcher, value: &str) -> bool {
    let have = match stream.labels.get(&m.name) {
        Some(Value::Static(have)) => have.as_str(),
        Some(Value::Dynamic) => return true,
        // A missing label is the empty value.
        None => "",
    };
    match m.op {
        "=" => have == value,
        "!=" => have != value,
        "=~" => regex_matches(value, have),
        _ => !regex_matches(value, have),
    }
}

/// Whether the anchored RE2 `pattern` matches `text`; an alternation of plain
/// words (the common case) is compared without compiling a regex.
fn regex_matches(pattern: &str, text: &str) -> bool {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '|';
    if pattern.chars().all(plain) {
        return pattern.split('|').any(|alt| alt == text);
    }
    REGEXES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= REGEXES_KEPT {
            cache.clear();
        }
        cache
            .entry(pattern.to_owned())
            .or_insert_with(|| regex::Regex::new(&format!("^(?:{pattern})$")).ok())
            .as_ref()
            .is_none_or(|re| re.is_match(text))
    })
}

/// How many compiled matcher patterns [`regex_matches`] keeps before it starts over.
const REGEXES_KEPT: usize = 1024;

thread_local! {
    /// Each distinct matcher pattern compiled once per thread (`None`: not a valid
    /// regex, which matches anything, as before).
    static REGEXES: std::cell::RefCell<std::collections::HashMap<String, Option<regex::Regex>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The values a matcher's value stands for: itself, each value of a `custom`
/// variable, or `None` for any other variable (any value).
fn literal_values(m: &Matcher, custom: &CustomValues) -> Option<Vec<String>> {
    if !m.value.contains('$') {
        return Some(vec![m.value.clone()]);
    }
    let name = variable(&m.value)?;
    custom.get(name).cloned()
}

fn link_selector(
    selector: &[Matcher],
    custom: &CustomValues,
    collected: &Collected,
) -> Result<(), String> {
    if collected.open_streams {
        return Ok(());
    }
    let text = format!(
        "{{{}}}",
        selector
            .iter()
            .map(|m| format!("{}{}\"{}\"", m.name, m.op, m.value))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // Each value of a custom variable must select some stream on its own.
    for m in selector {
        let (Some(values), Some(_)) = (literal_values(m, custom), variable(&m.value)) else {
            continue;
        };
        for value in values {
            let fits = |s: &&Stream| value_fits(s, m, &value);
            if !collected.streams.iter().any(|s| fits(&s)) {
                return Err(format!(
                    "`{}` offers `{value}` for label `{}`, but no stream the profile collects has it",
                    m.value, m.name
                ));
            }
        }
    }
    let candidates = candidates(selector, custom, collected);
    if candidates.is_empty() {
        return Err(format!(
            "`{text}` selects no stream the profile collects{}",
            describe(collected)
        ));
    }
    for m in selector {
        let needed = matches!(m.op, "=" | "=~") && !regex_matches(&m.value, "");
        if (needed || variable(&m.value).is_some())
            && !candidates.iter().any(|s| s.labels.contains_key(&m.name))
        {
            return Err(format!(
                "no stream the profile collects that `{text}` selects has the label `{}`{}",
                m.name,
                describe(collected)
            ));
        }
    }
    Ok(())
}

/// The streams the literal matchers of `selector` allow.
fn candidates<'c>(
    selector: &[Matcher],
    custom: &CustomValues,
    collected: &'c Collected,
) -> Vec<&'c Stream> {
    collected
        .streams
        .iter()
        .filter(|s| {
            selector.iter().all(|m| match literal_values(m, custom) {
                Some(values) if variable(&m.value).is_none() => {
                    values.iter().any(|v| value_fits(s, m, v))
                }
                _ => true,
            })
        })
        .collect()
}

/// Why the streams `query` selects cannot carry the structured metadata
/// `field` its filter reads (`| trace_id="..."`), if they cannot.
pub fn link_metadata(query: &str, field: &str, collected: &Collected) -> Result<(), String> {
    if collected.open_streams {
        return Ok(());
    }
    for selector in logql::selectors(query)? {
        let found = candidates(&selector, &CustomValues::new(), collected);
        if !found.iter().any(|s| s.metadata.contains(field)) {
            return Err(format!(
                "no stream it selects carries the structured metadata `{field}`"
            ));
        }
    }
    Ok(())
}

/// The streams, for error messages: `(source="pod_log": cluster, level, ...)`.
fn describe(collected: &Collected) -> String {
    if collected.streams.is_empty() {
        return " (it collects no logs)".to_owned();
    }
    let mut kinds: Vec<String> = collected
        .streams
        .iter()
        .map(|s| {
            let labels: Vec<&str> = s.labels.keys().map(String::as_str).collect();
            format!(
                "source={}: {}",
                s.value("source").unwrap_or("?"),
                labels.join(", ")
            )
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    format!(" (streams: {})", kinds.join("; "))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn stream(labels: &[(&str, Option<&str>)]) -> Stream {
        Stream {
            origin: "test".to_owned(),
            metadata: BTreeSet::from(["trace_id".to_owned()]),
            labels: labels
                .iter()
                .map(|(k, v)| {
                    let value = v.map_or(Value::Dynamic, |v| Value::Static(v.to_owned()));
                    ((*k).to_owned(), value)
                })
                .collect(),
        }
    }

    fn collected() -> Collected {
        Collected {
            metrics: BTreeMap::from([
                (MetricSource::KubeStateMetrics, BTreeSet::new()),
                (MetricSource::Alloy, BTreeSet::from(["cluster".to_owned()])),
            ]),
            open_metrics: false,
            streams: vec![
                stream(&[
                    ("cluster", Some("c")),
                    ("source", Some("pod_log")),
                    ("namespace", None),
                    ("level", None),
                ]),
                stream(&[
                    ("cluster", Some("c")),
                    ("source", Some("journal")),
                    ("unit", None),
                ]),
            ],
            open_streams: false,
        }
    }

    #[test]
    fn collected_metrics_and_labels_link() {
        let c = collected();
        assert_eq!(
            link_promql(
                r#"sum by (pod) (kube_pod_status_phase{namespace="$namespace", phase="Failed"})"#,
                &c
            ),
            Ok(())
        );
        assert_eq!(
            link_promql(r#"rate(loki_write_sent_bytes_total{cluster="x"}[5m])"#, &c),
            Ok(())
        );
    }

    #[test]
    fn metrics_of_sources_not_collected_are_refused() {
        let c = collected();
        let err = link_promql("avg(DCGM_FI_DEV_GPU_UTIL)", &c).unwrap_err();
        assert!(err.contains("the DCGM exporter"), "{err}");
        let err = link_promql("loki_process_duration_seconds_bucket", &c).unwrap_err();
        assert!(err.contains("no source"), "{err}");
        let err = link_promql(r#"kube_pod_info{colour="red"}"#, &c).unwrap_err();
        assert!(err.contains("no label `colour`"), "{err}");
        let err = link_promql("sum by (colour) (kube_pod_info)", &c).unwrap_err();
        assert!(err.contains("label `colour`"), "{err}");
        assert_eq!(
            link_promql("sum by (node, pod) (kube_pod_info)", &c),
            Ok(())
        );
        let open = Collected {
            open_metrics: true,
            ..collected()
        };
        assert_eq!(link_promql("my_app_requests_total", &open), Ok(()));
        assert!(link_promql("avg(DCGM_FI_DEV_GPU_UTIL)", &open).is_err());
    }

    #[test]
    fn log_selectors_must_select_a_collected_stream() {
        let c = collected();
        let none = CustomValues::new();
        for ok in [
            r#"{cluster="$cluster", source="pod_log", namespace="$namespace"}"#,
            r#"sum(count_over_time({source=~"pod_log|journal"} [5m]))"#,
            r#"{source="journal", unit="kubelet.service"}"#,
        ] {
            assert_eq!(link_logql(ok, &none, &c), Ok(()), "{ok}");
        }
        let err = link_logql(r#"{source="k8s_audit_log"}"#, &none, &c).unwrap_err();
        assert!(err.contains("selects no stream"), "{err}");
        let err = link_logql(r#"{source="journal", namespace="$ns"}"#, &none, &c).unwrap_err();
        assert!(err.contains("label `namespace`"), "{err}");
        let err = link_logql(r#"{source="pod_log", resource="pods"}"#, &none, &c).unwrap_err();
        assert!(err.contains("selects no stream"), "{err}");
        let err = link_logql(r#"{source="pod_log", resource=~"$r"}"#, &none, &c).unwrap_err();
        assert!(err.contains("label `resource`"), "{err}");
    }

    #[test]
    fn each_value_of_a_custom_variable_must_select_a_stream() {
        let c = collected();
        let query = r#"{cluster="$cluster", source=~"$source"}"#;
        let good = CustomValues::from([(
            "source".to_owned(),
            vec!["pod_log".to_owned(), "journal".to_owned()],
        )]);
        assert_eq!(link_logql(query, &good, &c), Ok(()));
        let bad = CustomValues::from([(
            "source".to_owned(),
            vec!["pod_log".to_owned(), "rke2".to_owned()],
        )]);
        let err = link_logql(query, &bad, &c).unwrap_err();
        assert!(err.contains("`rke2`"), "{err}");
    }

    #[test]
    fn metadata_filters_need_a_stream_that_carries_the_field() {
        let mut c = collected();
        let query = r#"{cluster="c", source="pod_log"} | trace_id="abc""#;
        assert_eq!(link_metadata(query, "trace_id", &c), Ok(()));
        c.streams[0].metadata.clear();
        let err = link_metadata(query, "trace_id", &c).unwrap_err();
        assert!(err.contains("`trace_id`"), "{err}");
    }

    #[test]
    fn custom_snippets_leave_streams_open() {
        let c = Collected {
            open_streams: true,
            ..collected()
        };
        assert_eq!(
            link_logql(r#"{source="apps"}"#, &CustomValues::new(), &c),
            Ok(())
        );
    }
}
