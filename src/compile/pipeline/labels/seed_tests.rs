//! Each reference deployment in `../shared/seeds/` against the shipped profile that
//! reproduces it: every example query of the seed's README must be answerable by
//! that profile's Alloy pipelines, i.e. some path of the generated pipeline produces
//! every label the query's selector matches on (label-set analysis in
//! `crate::compile::pipeline::labels`).
//!
//! The queries are copied from the seeds (not read from them at run time, so the
//! test does not depend on `../shared`); where a query is deliberately not followed,
//! the README's "Differences from the reference deployments" says why.

use std::path::Path;

use crate::compile::pipeline::labels::{Stream, promql_selectors, streams};
use crate::diag::SourceMap;
use crate::driver::{compile_profile, discover};
use o11yc_alloy::streams::{Signal, answerable, parse_stream_selector};

/// Both pipelines (stack and vCluster side) of a shipped profile.
fn pipeline_streams(profile: &str) -> Vec<Stream> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let profiles = discover(&root.join("profiles")).unwrap();
    let profile = profiles
        .iter()
        .find(|p| p.name == profile)
        .unwrap_or_else(|| panic!("no shipped profile {profile}"));
    let mut sources = SourceMap::new();
    let compiled = compile_profile(profile, &mut sources)
        .unwrap_or_else(|d| panic!("{} is invalid: {d:?}", profile.name));
    let mut out = Vec::new();
    for (path, bytes) in &compiled.tree {
        if path.ends_with(".alloy") {
            let text = String::from_utf8(bytes.clone()).unwrap();
            let file = o11yc_alloy::parse(&text).unwrap_or_else(|e| panic!("{path}: {e:?}"));
            out.extend(streams(&file));
        }
    }
    out
}

fn assert_logql(streams: &[Stream], queries: &[&str]) {
    for query in queries {
        let matchers = parse_stream_selector(query).unwrap();
        answerable(streams, Signal::Logs, &matchers, &[])
            .unwrap_or_else(|e| panic!("`{query}` is not answerable: {e}"));
    }
}

/// `(query, labels the exporter itself puts on the metric)`.
fn assert_promql(streams: &[Stream], queries: &[(&str, &[&str])]) {
    for (query, exported) in queries {
        for (_, matchers) in promql_selectors(query).unwrap() {
            answerable(streams, Signal::Metrics, &matchers, exported)
                .unwrap_or_else(|e| panic!("`{query}` is not answerable: {e}"));
        }
    }
}

#[test]
fn seed_000_test_environments_queries_are_answerable_by_vcluster() {
    let streams = pipeline_streams("vcluster");
    assert_logql(
        &streams,
        &[
            r#"{installer="ci", run_id="550e8400-e29b-41d4-a89f-446657440000"}"#,
            r#"{source="k8s_audit_log", installer="ci"} | json"#,
            r#"{level="error"}"#,
            r#"{source="k8s_event"} | json | object_name="my-pod""#,
            r#"{source="k8s_audit_log"} | json | object_kind="configmaps""#,
            r#"{source="pod_log"} | json | object_namespace="default""#,
        ],
    );
}

#[test]
fn seed_001_kaiwo_queries_are_answerable_by_kaiwo() {
    let streams = pipeline_streams("kaiwo");
    assert_logql(
        &streams,
        &[
            r#"{namespace="chainsaw-test-123", vcluster_namespace="kaiwo-test-456-1-helm", log_type="pod_log"} |~ "(?i)error|exception|fatal""#,
            r#"{vcluster_namespace="kaiwo-test-456-1-helm", log_type="k8s_audit_log", resource=~"aims|rayservices|appwrappers"}"#,
            r#"{vcluster_namespace="kaiwo-test-456-1-helm", log_type="k8s_event"} |~ "(?i)failed|error|crash|oom""#,
            r#"{github_run_id="12345", github_run_attempt="1", log_type="pod_log"}"#,
            r#"{vcluster_namespace=~".*"}"#,
        ],
    );
    assert_promql(
        &streams,
        &[
            (
                r#"sum(kube_pod_container_status_restarts_total{vcluster_namespace="kaiwo-test-456-1-helm"}) by (namespace, pod)"#,
                // kube-state-metrics' own labels (honor_labels keeps them).
                &["namespace", "pod", "container"],
            ),
            (
                r#"rate(controller_runtime_reconcile_total{vcluster_namespace="kaiwo-test-456-1-helm", controller="aim"}[5m])"#,
                &["controller"],
            ),
            (
                r#"sum(rate(controller_runtime_reconcile_errors_total{vcluster_namespace="kaiwo-test-456-1-helm"}[5m])) by (controller)"#,
                &["controller"],
            ),
            (
                r#"histogram_quantile(0.95, rate(kueue_admission_attempt_duration_seconds_bucket{vcluster_namespace="kaiwo-test-456-1-helm"}[5m]))"#,
                &[],
            ),
            (
                r#"up{job="kube-state-metrics", vcluster_namespace="kaiwo-test-456-1-helm"}"#,
                &[],
            ),
        ],
    );
}

#[test]
fn seed_002_homelab_queries_are_answerable_by_homelab_nvme() {
    let streams = pipeline_streams("homelab-nvme");
    assert_logql(
        &streams,
        &[
            r#"{namespace="logging"}"#,
            r#"{namespace="log-analyzer"} | json | trace_id != """#,
        ],
    );
}

// Seed 003 (Flux, kube-prometheus-stack, Loki with Promtail) gives no example
// LogQL or PromQL selectors; its PodMonitor/ServiceMonitor examples are checked
// by the monitors tests.

#[test]
fn seed_004_alloy_log_sources_queries_are_answerable_by_dev_and_prod() {
    for profile in ["dev", "prod"] {
        let streams = pipeline_streams(profile);
        assert_logql(
            &streams,
            &[
                r#"{namespace="emojivoto", container="web"}"#,
                r#"{source="kubernetes-events"}"#,
                r#"{source="kubernetes-events"} |= "error""#,
                r#"{source="kubernetes-events"} | json | type="Warning""#,
                r#"{source="journal", unit="kubelet.service"}"#,
                // The seed's `level="err"`: o11yc normalises journal priorities
                // to the levels pod logs use (README, Differences).
                r#"{source="journal", level="error"}"#,
                r#"{source="journal"} |= "error""#,
                r#"{source="rke2"}"#,
                r#"{source="rke2", type="kubelet"}"#,
                r#"{source="rke2", type="containerd"}"#,
                r#"{source="rke2"} |= "error""#,
            ],
        );
    }
}

/// The check bites: selectors on labels or values the pipelines never produce fail.
#[test]
fn unanswerable_seed_style_queries_are_rejected() {
    let kaiwo = pipeline_streams("kaiwo");
    for query in [
        // o11yc's default label name; KAIWO's profile renames it.
        r#"{source="pod_log", vcluster_namespace="x"}"#,
        // The pod name is kept in the line, not as a label.
        r#"{log_type="pod_log", pod="p"}"#,
        // `resource` is a label of audit events only.
        r#"{log_type="k8s_event", resource="pods"}"#,
        // Not a source value.
        r#"{log_type="kubernetes-events"}"#,
    ] {
        let matchers = parse_stream_selector(query).unwrap();
        assert!(
            answerable(&kaiwo, Signal::Logs, &matchers, &[]).is_err(),
            "`{query}` should not be answerable"
        );
    }
    let dev = pipeline_streams("dev");
    for query in [
        r#"{source="journal", level="err"}"#,
        r#"{source="k8s_event"}"#,
        r#"{source="rke2", type="kubelet.log"}"#,
    ] {
        let matchers = parse_stream_selector(query).unwrap();
        assert!(
            answerable(&dev, Signal::Logs, &matchers, &[]).is_err(),
            "`{query}` should not be answerable"
        );
    }
    let vcluster = pipeline_streams("vcluster");
    for query in [
        r#"{vcluster_namespace="test-ci-1-1"}"#,
        r#"{source="k8s_audit_log", resource="pods"}"#,
    ] {
        let matchers = parse_stream_selector(query).unwrap();
        assert!(
            answerable(&vcluster, Signal::Logs, &matchers, &[]).is_err(),
            "`{query}` should not be answerable"
        );
    }
    let (_, matchers) = promql_selectors(r#"up{github_run_id="1", job="kueue"}"#)
        .unwrap()
        .remove(0);
    answerable(&kaiwo, Signal::Metrics, &matchers, &[]).unwrap();
    let (_, matchers) = promql_selectors(r#"up{job="event-exporter"}"#)
        .unwrap()
        .remove(0);
    assert!(answerable(&kaiwo, Signal::Metrics, &matchers, &[]).is_err());
}

/// Seed 000's README port-forwards `svc/grafana 3000:3000`, a port the Service does
/// not have. The generated README names the chart's Service port (`service.port` in
/// the pinned grafana chart's defaults; kube-prometheus-stack does not override it).
#[test]
fn the_readme_port_forward_names_the_grafana_service_port() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let defaults = root.join("../shared/conformance/chart-values/grafana-12.11.1.values.yaml");
    let port = if defaults.is_file() {
        let values: serde_json::Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&defaults).unwrap()).unwrap();
        values["service"]["port"].as_u64().unwrap()
    } else {
        eprintln!("skip chart defaults: ../shared/conformance is not present");
        80
    };
    assert_eq!(u64::from(crate::resolve::stack::GRAFANA_SERVICE_PORT), port);
    let profiles = discover(&root.join("profiles")).unwrap();
    for profile in &profiles {
        let mut sources = SourceMap::new();
        let compiled = compile_profile(profile, &mut sources).unwrap();
        let readme = String::from_utf8(compiled.tree["README.md"].clone()).unwrap();
        let line = readme
            .lines()
            .find(|l| l.contains("kubectl port-forward"))
            .unwrap_or_else(|| panic!("{}: no port-forward in the README", profile.name));
        assert!(
            line.ends_with(&format!(" 3000:{port}")),
            "{}: {line}",
            profile.name
        );
    }
}
