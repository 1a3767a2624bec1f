//! Semantic checks: each reports the profile key to change, located, with a fix.

mod common;

use o11yc::diag::SourceMap;
use o11yc::driver::{ProfileRef, compile_profile};

const BASE: &str = "\
cluster:
  name: c
  nodes:
    - name: node-1
    - name: node-2
      labels: { hardware: heavy }
      taints:
        - { key: heavy, value: \"true\", effect: NoSchedule }
namespace: logging
delivery:
  mode: helmfile
";

/// Compiles `BASE` + `extra`; returns the one-line form of every diagnostic.
fn problems(extra: &str) -> Vec<String> {
    common::compile_text(&format!("{BASE}{extra}"))
        .err()
        .unwrap_or_default()
}

fn assert_one(extra: &str, needles: &[&str]) {
    let found = problems(extra);
    assert_eq!(found.len(), 1, "{found:#?}");
    for needle in needles {
        assert!(found[0].contains(needle), "`{needle}` not in {found:#?}");
    }
}

const LOKI_ON_NODE_2: &str = "\
loki:
  retention: 7d
  storage:
    hostPath: { node: node-2, path: /mnt/loki, size: 10Gi }
  placement:
    nodeSelector: { hardware: heavy }
    tolerations:
      - { key: heavy, value: \"true\", effect: NoSchedule }
";

#[test]
fn a_valid_placement_passes() {
    assert_eq!(problems(LOKI_ON_NODE_2), Vec::<String>::new());
}

#[test]
fn a_volume_smaller_than_retention_times_ingest_is_rejected() {
    let extra = LOKI_ON_NODE_2.replace(
        "  retention: 7d\n",
        "  retention: 7d\n  ingestPerDay: 2Gi\n",
    );
    assert_one(
        &extra,
        &[
            "p.yaml:16:",
            "smaller than 7 days × 2Gi/day = 14.0Gi",
            "raise `size` to at least 14.0Gi",
        ],
    );
}

#[test]
fn a_toleration_without_a_matching_taint_is_rejected() {
    let extra = LOKI_ON_NODE_2.replace("- { key: heavy,", "- { key: hevy,");
    let found = problems(&extra);
    assert!(
        found.iter().any(|p| p.contains("p.yaml:19:")
            && p.contains("taint `hevy`")
            && p.contains("did you mean `heavy`?")),
        "{found:#?}"
    );
}

#[test]
fn a_volume_on_a_node_the_pods_cannot_reach_is_rejected() {
    let extra = LOKI_ON_NODE_2.replace(
        "    tolerations:\n      - { key: heavy, value: \"true\", effect: NoSchedule }\n",
        "",
    );
    assert_one(
        &extra,
        &[
            "p.yaml:15:",
            "cannot be scheduled there",
            "taints not tolerated: heavy=true:NoSchedule",
        ],
    );
}

#[test]
fn an_unknown_volume_node_gets_a_suggestion() {
    let extra = LOKI_ON_NODE_2.replace("node: node-2", "node: node-3");
    assert_one(
        &extra,
        &["node `node-3` is not in `cluster.nodes`", "did you mean"],
    );
}

#[test]
fn an_httproute_without_a_gateway_is_rejected() {
    let extra = "grafana:\n  admin: { existingSecret: { name: g } }\n  access:\n    httpRoute:\n      path: /grafana\n";
    assert_one(
        extra,
        &[
            "p.yaml:15:5",
            "needs the Gateway it attaches to",
            "gateway: { name: eg",
        ],
    );
}

#[test]
fn default_grafana_credentials_outside_development_are_rejected() {
    assert_one(
        "grafana:\n  admin: insecureDefault\n",
        &["p.yaml:13:3", "admin/admin", "existingSecret"],
    );
    assert_eq!(
        problems("environment: development\ngrafana:\n  admin: insecureDefault\n"),
        Vec::<String>::new()
    );
}

#[test]
fn duplicate_node_names_are_rejected() {
    let found = problems("").len();
    assert_eq!(found, 0);
    let dup = BASE.replace("    - name: node-2\n", "    - name: node-1\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.yaml");
    std::fs::write(&path, dup).unwrap();
    let mut sources = SourceMap::new();
    let err = compile_profile(
        &ProfileRef {
            name: "d".into(),
            path,
        },
        &mut sources,
    )
    .err()
    .unwrap();
    assert!(
        err.iter()
            .any(|d| d.message.contains("node `node-1` is listed twice")),
        "{err:#?}"
    );
}

#[test]
fn two_components_sharing_a_directory_are_rejected() {
    let extra = format!(
        "{LOKI_ON_NODE_2}tempo:\n  retention: 7d\n  storage:\n    hostPath: {{ node: node-2, path: /mnt/loki, size: 10Gi }}\n  placement:\n    nodeSelector: {{ hardware: heavy }}\n    tolerations:\n      - {{ key: heavy, effect: NoSchedule }}\n"
    );
    assert_one(&extra, &["`tempo` and `loki` would share `/mnt/loki`"]);
}

#[test]
fn flux_mode_needs_flux_settings() {
    let text = BASE.replace("mode: helmfile", "mode: flux");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.yaml");
    std::fs::write(&path, text).unwrap();
    let mut sources = SourceMap::new();
    let err = compile_profile(
        &ProfileRef {
            name: "f".into(),
            path,
        },
        &mut sources,
    )
    .err()
    .unwrap();
    assert!(
        err[0]
            .message
            .contains("`mode: flux` needs `delivery.flux`"),
        "{err:#?}"
    );
}

#[test]
fn ambiguous_namespace_formats_are_rejected() {
    assert_one(
        "vcluster:\n  namespaceFormat: test-{installer}{run_id}\n",
        &["touch", "separator"],
    );
    assert_one(
        "vcluster:\n  namespaceFormat: test-fixed\n",
        &["no `{placeholder}`"],
    );
    assert_eq!(
        problems(
            "vcluster:\n  namespaceFormat: kaiwo-test-{github_run_id}-{github_run_attempt}-{installer}\n"
        ),
        Vec::<String>::new()
    );
}

const PROMETHEUS: &str = "\
prometheus:
  retention: 10d
";

#[test]
fn a_custom_rule_with_broken_promql_is_located_and_named() {
    let extra = format!(
        "{PROMETHEUS}alerts:
  custom:
    - name: apps
      rules:
        - alert: AppDown
          expr: sum(up{{job=\"app\"}} == 0
          for: 5m
"
    );
    assert_one(
        &extra,
        &[
            "p.yaml:19:11:",
            "the expression of rule `AppDown` is not valid PromQL",
        ],
    );
}

#[test]
fn an_unknown_builtin_alert_gets_a_suggestion() {
    let extra = format!(
        "{PROMETHEUS}alerts:
  groups:
    alloy:
      rules:
        AlloyHighMemoryUsge: {{ threshold: 90 }}
"
    );
    assert_one(
        &extra,
        &[
            "p.yaml:18:9:",
            "group `alloy` has no alert `AlloyHighMemoryUsge`",
            "did you mean `AlloyHighMemoryUsage`?",
        ],
    );
}

#[test]
fn a_monitor_prometheus_would_not_select_is_located() {
    let extra = format!(
        "{PROMETHEUS}monitors:
  - name: my-app
    namespace: apps
    selector: {{ app: my-app }}
    port: http-metrics
    labels:
      release: prometheus
"
    );
    assert_one(
        &extra,
        &[
            "p.yaml:20:7:",
            "Prometheus would ignore monitor `my-app`",
            "`release: kube-prometheus-stack`",
            "remove `release` from `labels`",
        ],
    );
}

#[test]
fn default_grafana_credentials_in_production_are_located() {
    let extra = "\
environment: production
grafana:
  admin: insecureDefault
";
    assert_one(
        extra,
        &[
            "p.yaml:14:3:",
            "the default Grafana credentials (admin/admin) are allowed only with `environment: development`",
            "existingSecret",
        ],
    );
}

#[test]
fn a_custom_rule_on_metrics_the_profile_does_not_collect_is_located() {
    let extra = format!(
        "{PROMETHEUS}alerts:
  custom:
    - name: gpus
      rules:
        - alert: GpuHot
          expr: DCGM_FI_DEV_GPU_TEMP > 90
"
    );
    assert_one(
        &extra,
        &[
            "p.yaml:19:11:",
            "rule `GpuHot` queries data the profile does not collect",
            "the DCGM exporter",
        ],
    );
    // A label its series never carry.
    let extra = format!(
        "{PROMETHEUS}alerts:
  custom:
    - name: pods
      rules:
        - alert: PodsFailed
          expr: sum(kube_pod_status_phase{{colour=\"red\"}}) > 0
"
    );
    assert_one(&extra, &["p.yaml:19:11:", "has no label `colour`"]);
}

#[test]
fn an_override_of_an_alert_whose_data_is_not_collected_is_located() {
    // Alloy without a memory limit: AlloyHighMemoryUsage is left out unless asked for.
    let alloy = "\
loki:
  retention: 7d
  storage: { claim: { size: 10Gi } }
alloy: {}
";
    assert_eq!(
        problems(&format!("{PROMETHEUS}{alloy}")),
        Vec::<String>::new()
    );
    let extra = format!(
        "{PROMETHEUS}{alloy}alerts:
  groups:
    alloy:
      rules:
        AlloyHighMemoryUsage: {{ threshold: 90 }}
"
    );
    assert_one(
        &extra,
        &[
            "AlloyHighMemoryUsage` queries data the profile does not collect",
            "alloy.placement.resources.limits.memory",
        ],
    );
}

#[test]
fn an_included_dashboard_with_a_panel_on_data_not_collected_is_located() {
    let extra = format!(
        "{PROMETHEUS}grafana:
  admin: {{ existingSecret: {{ name: g }} }}
dashboards:
  include: [kaiwo-cluster-health]
"
    );
    let found = problems(&extra);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].contains("p.yaml:17:13:"), "{found:#?}");
    assert!(
        found[0].contains(
            "panel \"GPU utilisation (NVIDIA)\" of dashboard `kaiwo-cluster-health` queries data the profile does not collect"
        ),
        "{found:#?}"
    );
    assert!(found[1].contains("GPU utilisation (AMD)"), "{found:#?}");
}
