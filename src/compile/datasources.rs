//! Grafana datasources for the stack's stores, with trace ↔ log correlation.
//!
//! Datasource UIDs are fixed (`prometheus`, `loki`, `tempo`) so dashboards and
//! correlations can refer to them without looking anything up.

use serde::Serialize;

use crate::compile::dashboards::log_names::LogNames;
use crate::resolve::stack::Stack;

/// UID of the Prometheus datasource.
pub const PROMETHEUS_UID: &str = "prometheus";
/// UID of the Loki datasource.
pub const LOKI_UID: &str = "loki";
/// UID of the Tempo datasource.
pub const TEMPO_UID: &str = "tempo";

/// The log field (structured metadata) that carries a trace id.
pub const TRACE_ID_FIELD: &str = "trace_id";

/// The Loki query Tempo's "logs for this span" link runs: the pod logs of the
/// cluster (the streams `trace_id` is extracted from), then the trace id in
/// structured metadata. Not `{${__tags}}`: spans carry no attribute that maps
/// to a stream label unless something adds it (no `k8sattributes` processor
/// runs), and an empty `{}` is rejected by Loki. The span's time window (±5m)
/// and the trace id keep the query narrow.
/// `$$` escapes `$` from the environment-variable expansion Grafana applies to
/// provisioning files.
pub fn trace_to_logs_query(cluster: &str, names: &LogNames) -> String {
    format!(
        "{{cluster=\"{cluster}\", {}}} | trace_id=\"$${{__trace.traceId}}\"",
        names.is(&names.pod_log)
    )
}

/// One provisioned datasource.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Datasource {
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    uid: &'static str,
    access: &'static str,
    url: String,
    is_default: bool,
    editable: bool,
    json_data: JsonData,
}

impl Datasource {
    /// The plugin id (`prometheus`, `loki`, `tempo`).
    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

/// Per-type settings, only the ones o11yc sets.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonData {
    #[serde(skip_serializing_if = "Option::is_none")]
    http_method: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    exemplar_trace_id_destinations: Vec<ExemplarDestination>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    derived_fields: Vec<DerivedField>,
    #[serde(rename = "tracesToLogsV2", skip_serializing_if = "Option::is_none")]
    traces_to_logs_v2: Option<TracesToLogs>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_map: Option<UidRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    loki_search: Option<UidRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    node_graph: Option<Enabled>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExemplarDestination {
    name: &'static str,
    datasource_uid: &'static str,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DerivedField {
    name: &'static str,
    matcher_type: &'static str,
    matcher_regex: &'static str,
    datasource_uid: &'static str,
    url: &'static str,
    url_display_label: &'static str,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TracesToLogs {
    datasource_uid: &'static str,
    span_start_time_shift: &'static str,
    span_end_time_shift: &'static str,
    #[serde(rename = "filterByTraceID")]
    filter_by_trace_id: bool,
    #[serde(rename = "filterBySpanID")]
    filter_by_span_id: bool,
    custom_query: bool,
    query: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UidRef {
    datasource_uid: &'static str,
}

#[derive(Clone, Debug, Serialize)]
struct Enabled {
    enabled: bool,
}

/// What one store's datasource links to: the other stores, and whether log lines
/// carry trace ids.
pub struct Links {
    prometheus: bool,
    loki: bool,
    tempo: bool,
    /// Trace ids in log lines: the pipelines extract them (or o11yc cannot tell).
    trace_ids: bool,
}

impl Links {
    /// The links the resolved stack allows.
    pub fn of(stack: &Stack) -> Self {
        let collected = crate::verify::Collected::of(stack);
        Links {
            prometheus: stack.prometheus().is_some(),
            loki: stack.loki().is_some(),
            tempo: stack.tempo().is_some(),
            trace_ids: collected.open_streams
                || collected
                    .streams
                    .iter()
                    .any(|s| s.metadata.contains(TRACE_ID_FIELD)),
        }
    }
}

/// The datasources of the registered components, in registry order; the first
/// (Prometheus when deployed) is Grafana's default.
pub fn datasources(stack: &Stack) -> Vec<Datasource> {
    let links = Links::of(stack);
    let mut out: Vec<Datasource> = crate::components::COMPONENTS
        .iter()
        .filter_map(|c| c.datasource(stack, &links))
        .collect();
    if let Some(first) = out.first_mut() {
        first.is_default = true;
    }
    out
}

/// The Prometheus datasource, with exemplars linked to Tempo.
pub fn prometheus(stack: &Stack, links: &Links) -> Option<Datasource> {
    Some(Datasource {
        name: "Prometheus",
        kind: "prometheus",
        uid: PROMETHEUS_UID,
        access: "proxy",
        url: stack.prometheus_query_url()?,
        is_default: false,
        editable: false,
        json_data: JsonData {
            http_method: Some("POST"),
            exemplar_trace_id_destinations: if links.tempo {
                vec![ExemplarDestination {
                    name: TRACE_ID_FIELD,
                    datasource_uid: TEMPO_UID,
                }]
            } else {
                Vec::new()
            },
            ..JsonData::default()
        },
    })
}

/// The Loki datasource, with trace ids in log lines linked to Tempo.
pub fn loki(stack: &Stack, links: &Links) -> Option<Datasource> {
    Some(Datasource {
        name: "Loki",
        kind: "loki",
        uid: LOKI_UID,
        access: "proxy",
        url: stack.loki_query_url()?,
        is_default: false,
        editable: false,
        json_data: JsonData {
            derived_fields: if links.tempo && links.trace_ids {
                vec![DerivedField {
                    name: "TraceID",
                    matcher_type: "label",
                    matcher_regex: TRACE_ID_FIELD,
                    datasource_uid: TEMPO_UID,
                    // `$$`: provisioning files expand `${...}` from the environment.
                    url: "$${__value.raw}",
                    url_display_label: "View trace",
                }]
            } else {
                Vec::new()
            },
            ..JsonData::default()
        },
    })
}

/// The Tempo datasource, with spans linked to their logs, the service map and search.
pub fn tempo(stack: &Stack, links: &Links) -> Option<Datasource> {
    Some(Datasource {
        name: "Tempo",
        kind: "tempo",
        uid: TEMPO_UID,
        access: "proxy",
        url: stack.tempo_query_url()?,
        is_default: false,
        editable: false,
        json_data: JsonData {
            traces_to_logs_v2: (links.loki && links.trace_ids).then(|| TracesToLogs {
                datasource_uid: LOKI_UID,
                span_start_time_shift: "-5m",
                span_end_time_shift: "5m",
                // `trace_id` is structured metadata, not text of the line:
                // a line filter on the trace id (`filterByTraceID`) would find nothing.
                filter_by_trace_id: false,
                filter_by_span_id: false,
                custom_query: true,
                query: trace_to_logs_query(&stack.profile.cluster.name, &LogNames::of(stack)),
            }),
            service_map: links.prometheus.then_some(UidRef {
                datasource_uid: PROMETHEUS_UID,
            }),
            loki_search: links.loki.then_some(UidRef {
                datasource_uid: LOKI_UID,
            }),
            node_graph: Some(Enabled { enabled: true }),
            ..JsonData::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::document::to_value;
    use crate::compile::testing::profile;
    use crate::query::{check_logql, expand_grafana_variables};

    #[test]
    fn no_trace_links_when_no_pipeline_extracts_trace_ids() {
        let p = profile(
            "
cluster: { name: c }
namespace: obs
delivery: { mode: helmfile }
loki: { retention: 7d, storage: { claim: { size: 10Gi } } }
tempo: { retention: 7d, storage: { claim: { size: 10Gi } } }
alloy: { logs: { pods: { traceIds: false } } }
",
        );
        let sources = to_value(&datasources(&Stack::new(&p, "p")));
        assert!(sources[0]["jsonData"].get("derivedFields").is_none());
        assert!(sources[1]["jsonData"].get("tracesToLogsV2").is_none());
    }

    #[test]
    fn traces_and_logs_link_through_the_trace_id_metadata() {
        let p = profile(
            "
cluster: { name: c }
namespace: obs
delivery: { mode: helmfile }
loki: { retention: 7d, storage: { claim: { size: 10Gi } } }
tempo: { retention: 7d, storage: { claim: { size: 10Gi } } }
",
        );
        let sources = to_value(&datasources(&Stack::new(&p, "p")));
        let loki = &sources[0]["jsonData"]["derivedFields"][0];
        assert_eq!(loki["matcherType"], "label");
        assert_eq!(loki["matcherRegex"], TRACE_ID_FIELD);
        assert_eq!(loki["datasourceUid"], TEMPO_UID);
        assert_eq!(loki["url"], "$${__value.raw}");
        let tempo = &sources[1]["jsonData"]["tracesToLogsV2"];
        assert_eq!(tempo["datasourceUid"], LOKI_UID);
        assert_eq!(tempo["customQuery"], true);
        assert_eq!(tempo["filterByTraceID"], false);
        assert!(tempo.get("tags").is_none());
        let query = tempo["query"].as_str().unwrap().replace("$$", "$");
        assert_eq!(
            query,
            r#"{cluster="c", source="pod_log"} | trace_id="${__trace.traceId}""#
        );
        assert_eq!(check_logql(&expand_grafana_variables(&query)), Ok(()));
    }
}
