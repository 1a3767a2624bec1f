//! Semantic checks: each reports the profile key to change, located, with a fix.

mod common;

use o11yc::SourceMap;
use o11yc::{ProfileRef, compile_profile};

const BASE: &str = "\
cluster:
  name: c
  nodes:
    - name: node-1
    - name: node-2
      labels: { hardware: heavy }
      taints: [{ key: heavy, value: \"true\", effect: NoSchedule }]
acknowledge: [missingResourceLimits]
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
            // The `(` that is never closed, not the `expr` key.
            "p.yaml:19:20:",
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

/// Issue 10: chart versions with newlines ended up verbatim in helmfile and Flux objects.
#[test]
fn a_chart_version_with_a_newline_is_located() {
    assert_one(
        "  charts:\n    loki:\n      version: \"7.3.0\\nfoo: bar\"\n      repository: https://grafana.github.io/helm-charts\n",
        &[
            "p.yaml:14:7:",
            "line break",
            "write only the version, on one line: `7.3.0`",
        ],
    );
}

#[test]
fn a_chart_version_that_is_not_semver_gets_a_fix() {
    assert_one(
        "  charts:\n    alloy: { version: 1_11_1, repository: https://grafana.github.io/helm-charts }\n",
        &[
            "p.yaml:13:",
            "`1_11_1` is not a Helm chart version or version constraint",
            "write `1.11.1`",
            "a chart version such as `1.11.1`",
        ],
    );
    assert_one(
        "  charts:\n    alloy: { version: latest, repository: https://grafana.github.io/helm-charts }\n",
        &["Helm has no `latest` version"],
    );
}

#[test]
fn a_version_constraint_is_accepted() {
    assert_eq!(
        problems(
            "  charts:\n    alloy: { version: '>=1.11.0 <2.0.0', repository: https://grafana.github.io/helm-charts }\n"
        ),
        Vec::<String>::new()
    );
}

/// Issue 10: `file://` and `../` repositories were accepted.
#[test]
fn a_file_repository_is_refused() {
    assert_one(
        "  charts:\n    tempo: { version: 1.24.4, repository: 'file:///home/me/charts' }\n",
        &["p.yaml:13:31:", "`file://` repository", "publish the chart"],
    );
}

#[test]
fn a_repository_climbing_out_with_dot_dot_is_refused() {
    assert_one(
        "  charts:\n    tempo: { version: 1.24.4, repository: 'https://grafana.github.io/helm-charts/../../x' }\n",
        &["`..`", "`https://grafana.github.io/helm-charts/x`"],
    );
}

#[test]
fn a_repository_with_a_newline_is_refused() {
    assert_one(
        "  charts:\n    grafana: { version: 10.5.15, repository: \"https://grafana.github.io/helm-charts\\n  - x\" }\n",
        &[
            "line break",
            "on one line: `https://grafana.github.io/helm-charts`",
        ],
    );
}

#[test]
fn a_misspelt_repository_scheme_gets_a_suggestion() {
    assert_one(
        "  charts:\n    grafana: { version: 10.5.15, repository: 'htps://grafana.github.io/helm-charts' }\n",
        &[
            "unsupported scheme `htps://`",
            "did you mean `https://grafana.github.io/helm-charts`?",
            "`https://` Helm repository URL, or the `oci://` URL",
        ],
    );
    assert_one(
        "  charts:\n    grafana: { version: 10.5.15, repository: 'http://grafana.github.io/helm-charts' }\n",
        &[
            "without TLS",
            "write `https://grafana.github.io/helm-charts`",
        ],
    );
}

#[test]
fn an_oci_repository_must_name_the_chart() {
    assert_one(
        "  charts:\n    kubePrometheusStack:\n      version: 88.5.3\n      repository: oci://ghcr.io/prometheus-community/charts\n",
        &[
            "p.yaml:15:7:",
            "does not end in `/kube-prometheus-stack`",
            "write `oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack`",
        ],
    );
}

#[test]
fn a_zero_flux_interval_is_refused() {
    let found = problems("  flux: { path: ./x, releaseInterval: 0s }\n");
    assert!(
        found
            .iter()
            .any(|p| p.contains("p.yaml:12:22:") && p.contains("`releaseInterval: 0s`")),
        "{found:#?}"
    );
}

#[test]
fn an_alloy_daemonset_that_skips_a_tainted_node_is_located() {
    let extra = format!("{LOKI_ON_NODE_2}alloy:\n  controller: daemonset\n");
    assert_one(
        &extra,
        &[
            "p.yaml:21:3:",
            "would not run on node `node-2`",
            "taints not tolerated: heavy=true:NoSchedule",
            "alloy.placement.tolerations",
        ],
    );
    let tolerated = format!(
        "{extra}  placement:\n    tolerations:\n      - {{ key: heavy, value: \"true\", effect: NoSchedule }}\n"
    );
    assert_eq!(problems(&tolerated), Vec::<String>::new());
    let pinned =
        format!("{extra}  placement:\n    nodeSelector: {{ kubernetes.io/hostname: node-1 }}\n");
    assert_eq!(problems(&pinned), Vec::<String>::new());
}

#[test]
fn template_text_a_chart_would_evaluate_is_located() {
    let extra =
        LOKI_ON_NODE_2.replace("path: /mnt/loki", "path: \"/mnt/{{ .Release.Namespace }}\"");
    assert_one(
        &extra,
        &["p.yaml:15:", "Go template delimiters", "without `{{ }}`"],
    );
    // Rules are custom resources o11yc writes itself: `{{ $labels }}` is theirs.
    let rules = "\
prometheus:
  retention: 1d
alerts:
  custom:
    - name: mine
      rules:
        - alert: Up
          expr: up == 0
          annotations: { summary: \"{{ $labels.job }} is down\" }
";
    assert_eq!(problems(rules), Vec::<String>::new());
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
alloy:
  placement: { tolerations: [{ key: heavy, value: \"true\", effect: NoSchedule }] }
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

const LOKI_DISTRIBUTED: &str = "\
loki:
  retention: 7d
  mode: distributed
  storage:
    objectStore:
      kind: minio
      endpoint: minio.minio.svc.cluster.local:9000
      bucket: loki
      credentialsSecret: loki-minio
";

#[test]
fn distributed_loki_on_object_storage_passes() {
    assert_eq!(problems(LOKI_DISTRIBUTED), Vec::<String>::new());
}

#[test]
fn distributed_loki_without_object_storage_is_located() {
    let extra = LOKI_ON_NODE_2.replace(
        "  retention: 7d\n",
        "  retention: 7d\n  mode: distributed\n",
    );
    assert_one(
        &extra,
        &[
            "p.yaml:14:3:",
            "Distributed mode needs object storage",
            "give `loki.storage` an `objectStore`",
        ],
    );
}

#[test]
fn single_binary_beyond_20_gb_a_day_cites_the_sizing_rule() {
    let extra = LOKI_ON_NODE_2
        .replace(
            "  retention: 7d\n",
            "  retention: 7d\n  ingestPerDay: 30Gi\n",
        )
        .replace("size: 10Gi", "size: 300Gi");
    assert_one(
        &extra,
        &[
            "p.yaml:14:3:",
            "beyond what SingleBinary mode handles",
            "approximately 20GB per day",
            "set `mode: distributed`",
        ],
    );
    // The boundary: 18Gi (19.3 GB) still fits.
    let fits = extra.replace("ingestPerDay: 30Gi", "ingestPerDay: 18Gi");
    assert_eq!(problems(&fits), Vec::<String>::new());
}

#[test]
fn distributed_beyond_the_sizing_table_is_located() {
    let extra = LOKI_DISTRIBUTED.replace(
        "  mode: distributed\n",
        "  mode: distributed\n  ingestPerDay: 4Ti\n",
    );
    assert_one(
        &extra,
        &[
            "p.yaml:15:3:",
            "beyond the sizing table",
            "less than 3 TB/day",
        ],
    );
    let fits = extra.replace("4Ti", "2Ti");
    assert_eq!(problems(&fits), Vec::<String>::new());
}

#[test]
fn too_few_ingesters_for_the_replication_factor_are_located() {
    let extra = format!("{LOKI_DISTRIBUTED}  roles:\n    ingester: {{ replicas: 2 }}\n");
    assert_one(
        &extra,
        &[
            "p.yaml:22:17:",
            "2 ingesters cannot hold the 3 copies",
            "at least 3 ingesters",
        ],
    );
    let fits = extra.replace("replicas: 2", "replicas: 3");
    assert_eq!(problems(&fits), Vec::<String>::new());
}

#[test]
fn placement_resources_in_distributed_mode_are_refused() {
    let extra = format!(
        "{LOKI_DISTRIBUTED}  placement:\n    resources:\n      limits: {{ memory: 1Gi }}\n"
    );
    assert_one(
        &extra,
        &[
            "p.yaml:22:5:",
            "does not apply in Distributed mode",
            "roles",
        ],
    );
}

const PROMETHEUS_HA: &str = "\
prometheus:
  retention: 7d
  replicas: 2
  storage:
    claim: { size: 10Gi }
  longTermStorage:
    remoteWrite: { url: \"https://mimir.example.com/api/v1/push\" }
";

#[test]
fn a_prometheus_ha_pair_with_remote_write_passes() {
    assert_eq!(problems(PROMETHEUS_HA), Vec::<String>::new());
}

#[test]
fn prometheus_replicas_on_one_host_path_volume_are_located() {
    let extra = PROMETHEUS_HA.replace(
        "    claim: { size: 10Gi }\n",
        "    hostPath: { node: node-1, path: /mnt/prom, size: 10Gi }\n",
    );
    assert_one(
        &extra,
        &[
            "p.yaml:14:3:",
            "2 Prometheus replicas cannot share one hostPath volume",
            "claim",
        ],
    );
}

#[test]
fn zero_replicas_and_a_remote_write_url_without_scheme_are_located() {
    let extra = PROMETHEUS_HA
        .replace("replicas: 2", "replicas: 0")
        .replace("https://mimir", "mimir");
    let found = problems(&extra);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("p.yaml:14:3:") && found[0].contains("0 replicas"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("p.yaml:18:") && found[1].contains("is not an http(s) URL"),
        "{found:#?}"
    );
}

#[test]
fn a_zone_spread_of_loki_needs_three_declared_zones() {
    let extra = format!("{LOKI_DISTRIBUTED}  placement:\n    spread: zone\n");
    assert_one(
        &extra,
        &[
            "p.yaml:22:5:",
            "`spread: zone` cannot spread loki's 6 ingester pods over zones",
            "no node in `cluster.nodes` has the label `topology.kubernetes.io/zone`",
            "at least three values",
        ],
    );
    let two_zones = format!("{BASE}{extra}")
        .replace(
            "    - name: node-1\n",
            "    - name: node-1\n      labels: { topology.kubernetes.io/zone: a }\n",
        )
        .replace(
            "labels: { hardware: heavy }",
            "labels: { hardware: heavy, topology.kubernetes.io/zone: b }",
        );
    let found = common::compile_text(&two_zones).unwrap_err();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("`cluster.nodes` has only the zones `a` and `b`"),
        "{found:#?}"
    );
    let three_zones = two_zones.replace(
        "acknowledge:",
        "    - name: node-3\n      labels: { topology.kubernetes.io/zone: c }\nacknowledge:",
    );
    assert_eq!(common::compile_text(&three_zones).err(), None);
}

#[test]
fn a_zone_spread_of_prometheus_needs_two_zones_when_nodes_are_declared() {
    let extra = format!("{PROMETHEUS_HA}  placement:\n    spread: zone\n");
    assert_one(
        &extra,
        &[
            "`spread: zone` cannot spread prometheus's 2 Prometheus replicas over zones",
            "at least two values",
        ],
    );
    let two_zones = format!("{BASE}{extra}")
        .replace(
            "    - name: node-1\n",
            "    - name: node-1\n      labels: { topology.kubernetes.io/zone: a }\n",
        )
        .replace(
            "labels: { hardware: heavy }",
            "labels: { hardware: heavy, topology.kubernetes.io/zone: b }",
        );
    assert_eq!(common::compile_text(&two_zones).err(), None);
}

#[test]
fn an_object_store_smaller_than_retention_times_ingest_shows_the_arithmetic() {
    let extra = LOKI_DISTRIBUTED
        .replace(
            "  mode: distributed\n",
            "  mode: distributed\n  ingestPerDay: 100Gi\n",
        )
        .replace(
            "      credentialsSecret: loki-minio\n",
            "      credentialsSecret: loki-minio\n      capacity: 400Gi\n",
        );
    // 7 days × 100Gi = 700Gi raw; ÷ 1.5 = 466.7Gi.
    assert_one(
        &extra,
        &[
            "p.yaml:22:7:",
            "capacity (400Gi) is smaller than 7 days × 100Gi/day = 700.0Gi raw, ÷ 1.5 compression = 466.7Gi",
            "Snappy",
        ],
    );
    assert_eq!(
        problems(&extra.replace("capacity: 400Gi", "capacity: 467Gi")),
        Vec::<String>::new()
    );
}

#[test]
fn a_thanos_secret_reference_must_name_a_secret_key() {
    let extra = PROMETHEUS_HA.replace(
        "    remoteWrite: { url: \"https://mimir.example.com/api/v1/push\" }\n",
        "    thanos:\n      objectStoreSecret: { name: Thanos_Objstore, key: \"objstore/yml\" }\n",
    );
    let found = problems(&extra);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("p.yaml:19:28:")
            && found[0].contains("`Thanos_Objstore` cannot be the name"),
        "{found:#?}"
    );
    assert!(
        found[1].contains("`objstore/yml` cannot be the key"),
        "{found:#?}"
    );
    let fixed = extra
        .replace("Thanos_Objstore", "thanos-objstore")
        .replace("objstore/yml", "objstore.yml");
    assert_eq!(problems(&fixed), Vec::<String>::new());
}

#[test]
fn unspread_replicas_in_production_must_be_acknowledged() {
    let extra = format!(
        "environment: production\n{}  placement:\n    spread: none\n    resources: {{ limits: {{ memory: 1Gi }} }}\n",
        PROMETHEUS_HA
    );
    assert_one(
        &extra,
        &[
            "2 Prometheus replicas may all run on one node in production",
            "acknowledge: [unspreadReplicas]",
        ],
    );
    let acknowledged = format!("{BASE}{extra}").replace(
        "acknowledge: [missingResourceLimits]",
        "acknowledge: [missingResourceLimits, unspreadReplicas]",
    );
    assert_eq!(common::compile_text(&acknowledged).err(), None);
    // Outside production the same profile is accepted.
    assert_eq!(
        problems(&extra.replace("environment: production\n", "environment: development\n")),
        Vec::<String>::new()
    );
}

/// `LOKI_DISTRIBUTED` at 100Gi a day, plus distributed Tempo at 50Gi a day on
/// the same MinIO endpoint and bucket, with the given capacities.
fn loki_and_tempo_sharing(loki_capacity: &str, tempo_capacity: &str) -> String {
    let loki = LOKI_DISTRIBUTED
        .replace(
            "  mode: distributed\n",
            "  mode: distributed\n  ingestPerDay: 100Gi\n",
        )
        .replace(
            "      credentialsSecret: loki-minio\n",
            &format!("      credentialsSecret: loki-minio\n{loki_capacity}"),
        );
    format!(
        "{loki}tempo:
  retention: 7d
  mode: distributed
  ingestPerDay: 50Gi
  kafka: {{ address: kafka.kafka.svc.cluster.local:9092, topic: spans, partitions: 2 }}
  storage:
    objectStore:
      kind: minio
      endpoint: http://minio.minio.svc.cluster.local:9000/
      bucket: loki
      credentialsSecret: loki-minio
{tempo_capacity}"
    )
}

#[test]
fn tempo_object_store_capacity_gets_no_compression_credit() {
    // 7 days × 50Gi = 350Gi, nothing credited; a bucket of its own.
    let extra = loki_and_tempo_sharing("", "      capacity: 300Gi\n").replace(
        "      bucket: loki\n      credentialsSecret: loki-minio\n      capacity: 300Gi",
        "      bucket: tempo\n      credentialsSecret: loki-minio\n      capacity: 300Gi",
    );
    assert_one(
        &extra,
        &[
            "tempo's object store capacity (300Gi) is smaller than 7 days × 50Gi/day = 350.0Gi",
            "no compression is credited",
        ],
    );
    assert_eq!(
        problems(&extra.replace("capacity: 300Gi", "capacity: 350Gi")),
        Vec::<String>::new()
    );
}

#[test]
fn a_store_shared_by_loki_and_tempo_must_hold_both() {
    // Loki 466.7Gi (after compression) + Tempo 350Gi = 816.7Gi; each fits 500Gi alone.
    let extra = loki_and_tempo_sharing("      capacity: 500Gi\n", "");
    assert_one(
        &extra,
        &[
            "p.yaml:22:7:",
            "loki's object store capacity (500Gi) is smaller than what `loki` and `tempo` keep together in bucket `loki` at `minio.minio.svc.cluster.local:9000`",
            "loki 466.7Gi (7 days × 100Gi/day = 700.0Gi raw, ÷ 1.5 compression) + tempo 350.0Gi (7 days × 50Gi/day) = 816.7Gi",
        ],
    );
    assert_eq!(
        problems(&extra.replace("capacity: 500Gi", "capacity: 817Gi")),
        Vec::<String>::new()
    );
    // Separate buckets are separate stores: 500Gi holds Loki's share alone.
    let separate = extra.replace(
        "      bucket: loki\n      credentialsSecret: loki-minio\n",
        "      bucket: tempo\n      credentialsSecret: loki-minio\n",
    );
    // (Both stores matched; point Loki, the first, back at its bucket.)
    let separate = separate.replacen("bucket: tempo", "bucket: loki", 1);
    assert!(separate.contains("bucket: tempo"), "{separate}");
    assert_eq!(problems(&separate), Vec::<String>::new());
}

/// `PROMETHEUS_HA` with `auth` lines added under its remote write.
fn remote_write_with(auth: &str) -> String {
    PROMETHEUS_HA.replace(
        "    remoteWrite: { url: \"https://mimir.example.com/api/v1/push\" }\n",
        &format!("    remoteWrite:\n      url: \"https://mimir.example.com/api/v1/push\"\n{auth}"),
    )
}

fn compiled_file(extra: &str, name: &str) -> String {
    let files = common::compile_text(&format!("{BASE}{extra}")).unwrap();
    files.into_iter().find(|(p, _)| p == name).unwrap().1
}

#[test]
fn remote_write_credentials_are_secret_references_in_the_values_and_the_readme() {
    let basic = remote_write_with(
        "      basicAuth:\n        username: { name: mimir-auth, key: user }\n        password: { name: mimir-auth, key: pass }\n",
    );
    let values: serde_json::Value =
        serde_saphyr::from_str(&compiled_file(&basic, "values/kube-prometheus-stack.yaml"))
            .unwrap();
    let write = &values["prometheus"]["prometheusSpec"]["remoteWrite"][0];
    assert_eq!(
        write["basicAuth"],
        serde_json::json!({
            "username": { "name": "mimir-auth", "key": "user" },
            "password": { "name": "mimir-auth", "key": "pass" },
        })
    );
    assert!(write.get("authorization").is_none(), "{write}");
    let readme = compiled_file(&basic, "README.md");
    let row = readme
        .lines()
        .find(|l| l.contains("mimir-auth"))
        .unwrap_or_else(|| panic!("{readme}"));
    assert!(
        row.contains("`user` (the user name), `pass` (the password)"),
        "{row}"
    );
    assert!(row.contains("Prometheus remote write"), "{row}");

    let bearer = remote_write_with("      bearerToken: { name: mimir-token, key: token }\n");
    let values: serde_json::Value =
        serde_saphyr::from_str(&compiled_file(&bearer, "values/kube-prometheus-stack.yaml"))
            .unwrap();
    let write = &values["prometheus"]["prometheusSpec"]["remoteWrite"][0];
    assert_eq!(
        write["authorization"],
        serde_json::json!({ "type": "Bearer", "credentials": { "name": "mimir-token", "key": "token" } })
    );
    assert!(write.get("basicAuth").is_none(), "{write}");
    assert!(compiled_file(&bearer, "README.md").contains("mimir-token"));
}

#[test]
fn remote_write_credentials_cannot_be_inline_or_doubled() {
    // An inline password is not a Secret reference: the schema refuses it.
    let inline = remote_write_with(
        "      basicAuth:\n        username: { name: mimir-auth, key: user }\n        password: hunter2\n",
    );
    let found = problems(&inline);
    assert!(
        found
            .iter()
            .any(|l| l.contains("expected a mapping, found a string")),
        "{found:#?}"
    );
    assert_one(
        &remote_write_with("      bearerToken: { name: Mimir_Token, key: token }\n"),
        &["`Mimir_Token` cannot be the name of a remote-write credentials Secret"],
    );
    assert_one(
        &remote_write_with(
            "      basicAuth:\n        username: { name: a, key: u }\n        password: { name: a, key: p }\n      bearerToken: { name: t, key: token }\n",
        ),
        &["remote write has both `basicAuth` and `bearerToken`"],
    );
}

#[test]
fn production_refuses_plain_http_remote_write_unless_acknowledged() {
    let http = PROMETHEUS_HA.replace("https://mimir", "http://mimir");
    assert_one(
        &http,
        &[
            "Prometheus remote-writes to `http://mimir.example.com/api/v1/push` over plain HTTP in production",
            "acknowledge: [insecureRemoteWrite]",
        ],
    );
    let acknowledged = format!("{BASE}{http}").replace(
        "acknowledge: [missingResourceLimits]",
        "acknowledge: [missingResourceLimits, insecureRemoteWrite]",
    );
    assert_eq!(common::compile_text(&acknowledged).err(), None);
    let development = format!("{BASE}{http}").replace(
        "acknowledge: [missingResourceLimits]",
        "acknowledge: [missingResourceLimits]\nenvironment: development",
    );
    assert_eq!(common::compile_text(&development).err(), None);
}
