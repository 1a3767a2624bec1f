//! Alloy pipelines from profiles: settings that cannot work are located errors,
//! `custom` snippets are parsed and checked with the generated pipeline, and
//! what is generated passes the Alloy checker.

mod common;

const BASE: &str = "\
cluster:
  name: c
namespace: logging
delivery: { mode: helmfile }
acknowledge: [missingResourceLimits]
loki:
  retention: 7d
  storage:
    claim: { size: 10Gi }
";

/// Compiles `BASE` + `extra`.
fn compile(extra: &str) -> Result<Vec<(String, String)>, Vec<String>> {
    common::compile_text(&format!("{BASE}{extra}"))
}

fn assert_one(extra: &str, needles: &[&str]) {
    let found = compile(extra).expect_err("the profile should be rejected");
    assert_eq!(found.len(), 1, "{found:#?}");
    for needle in needles {
        assert!(found[0].contains(needle), "`{needle}` not in {found:#?}");
    }
}

fn alloy_config(extra: &str) -> String {
    let files = compile(extra).unwrap_or_else(|e| panic!("{e:#?}"));
    files
        .into_iter()
        .find(|(p, _)| p == "alloy/config.alloy")
        .expect("alloy/config.alloy is generated")
        .1
}

#[test]
fn a_dangling_reference_in_custom_is_located_at_its_line_and_column_in_the_profile() {
    // Third line of the snippet: line 14 of the profile, column 21 (4 of indentation + 17).
    assert_one(
        "alloy:\n  custom: |\n    loki.source.api \"extra\" {\n      http { listen_port = 9999 }\n      forward_to = [loki.write.missing.receiver]\n    }\n",
        &["p.yaml:14:21", "loki.write.missing", "not declared"],
    );
}

#[test]
fn a_logs_receiver_in_a_metrics_input_is_rejected() {
    assert_one(
        "alloy:\n  custom: |\n    prometheus.scrape \"x\" {\n      targets = []\n      forward_to = [loki.write.default.receiver]\n    }\n",
        &[
            "p.yaml:14:21",
            "is a logs receiver",
            "expects a metrics receiver",
        ],
    );
}

#[test]
fn a_duplicate_label_with_the_generated_pipeline_is_rejected() {
    assert_one(
        "alloy:\n  custom: |\n    loki.write \"default\" {\n      endpoint { url = \"http://other\" }\n    }\n",
        &["p.yaml:12:5", "duplicate component loki.write \"default\""],
    );
}

#[test]
fn a_cycle_through_custom_components_is_rejected() {
    assert_one(
        "alloy:\n  custom: |\n    loki.process \"a\" {\n      forward_to = [loki.process.b.receiver]\n    }\n    loki.process \"b\" {\n      forward_to = [loki.process.a.receiver]\n    }\n",
        &["p.yaml:12:5", "reference cycle"],
    );
}

#[test]
fn a_custom_snippet_with_a_syntax_error_is_located() {
    assert_one(
        "alloy:\n  custom: |\n    loki.write \"x\" {\n",
        // The missing `}` is reported at the end of the snippet.
        &["p.yaml:12:21", "expected }, got EOF"],
    );
}

#[test]
fn a_valid_custom_snippet_joins_the_pipeline() {
    let config = alloy_config(
        "alloy:\n  custom: |\n    // Extra push endpoint for apps.\n    loki.source.api \"apps\" {\n      http { listen_port = 3500 }\n      forward_to = [loki.write.default.receiver]\n    }\n",
    );
    assert!(config.contains("// Custom configuration from the profile (alloy.custom)."));
    assert!(config.contains("// Extra push endpoint for apps."));
    assert!(config.contains("loki.source.api \"apps\" {"));
    let file = o11yc_alloy::parse(&config).unwrap();
    assert!(o11yc_alloy::check(&file).iter().all(|d| !d.is_error()));
}

#[test]
fn metrics_need_a_prometheus_that_accepts_remote_write() {
    assert_one(
        "prometheus:\n  retention: 1d\nalloy:\n  metrics:\n    kubelet: true\n",
        &["p.yaml:13:3", "remoteWriteReceiver: true"],
    );
    assert_one(
        "alloy:\n  metrics:\n    cadvisor: true\n",
        &["p.yaml:11:3", "no Prometheus"],
    );
}

#[test]
fn logs_need_loki() {
    assert!(compile("alloy: {}\n").is_ok(), "BASE has Loki");
    let without_loki = &BASE[..BASE.find("loki:").unwrap()];
    let found = common::compile_text(&format!("{without_loki}alloy: {{}}\n")).unwrap_err();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("p.yaml:6:1:") && found[0].contains("no Loki"),
        "{found:#?}"
    );
}

#[test]
fn node_files_need_a_daemonset() {
    assert_one(
        "alloy:\n  controller: deployment\n  logs:\n    journal: { enabled: true }\n",
        &["p.yaml:13:5", "controller: daemonset"],
    );
}

#[test]
fn vcluster_sources_need_the_vcluster_section() {
    assert_one(
        "alloy:\n  logs:\n    audit: { syncer: true }\n",
        &["p.yaml:12:5", "namespaceFormat"],
    );
}

#[test]
fn label_patterns_must_name_placeholders_and_compile() {
    assert_one(
        "vcluster:\n  namespaceFormat: test-{installer}-{run_id}\n  labelPatterns:\n    run_idd: \"[a-z]+\"\n",
        &["p.yaml:13:5", "did you mean `run_id`"],
    );
    assert_one(
        "vcluster:\n  namespaceFormat: test-{installer}-{run_id}\n  labelPatterns:\n    run_id: \"([a-z]+\"\n",
        &["p.yaml:13:5", "not a valid regular expression"],
    );
}

#[test]
fn pod_logs_from_files_mount_var_log_and_use_cri() {
    let files = compile("alloy:\n  logs:\n    pods: { via: files }\n").unwrap();
    let config = &files
        .iter()
        .find(|(p, _)| p == "alloy/config.alloy")
        .unwrap()
        .1;
    assert!(config.contains("stage.cri { }"), "{config}");
    assert!(config.contains("\"/var/log/pods/*$1/*.log\""), "{config}");
    let values = &files
        .iter()
        .find(|(p, _)| p == "values/alloy.yaml")
        .unwrap()
        .1;
    assert!(values.contains("varlog: true"), "{values}");
}

#[test]
fn traces_go_from_otlp_to_tempo() {
    let config = alloy_config(
        "tempo:\n  retention: 1d\n  storage: { claim: { size: 1Gi } }\nalloy:\n  traces: { otlp: true }\n",
    );
    assert!(config.contains("otelcol.receiver.otlp \"default\""));
    assert!(config.contains("endpoint = \"tempo.logging.svc.cluster.local:4317\""));
}

#[test]
fn the_source_label_and_its_values_are_settings() {
    let config = alloy_config(
        "alloy:\n  logs:\n    sourceLabel: log_type\n    sourceValues:\n      k8sEvent: kubernetes-events\n",
    );
    assert!(config.contains("log_type = \"pod_log\""), "{config}");
    assert!(
        config.contains("log_type = \"kubernetes-events\""),
        "{config}"
    );
    assert!(!config.contains("source = "), "{config}");
}

#[test]
fn a_source_label_that_is_not_a_label_name_is_located() {
    assert_one(
        "alloy:\n  logs:\n    sourceLabel: log-type\n",
        &["p.yaml:12:5", "`log-type` is not a label name"],
    );
    assert_one(
        "alloy:\n  logs:\n    sourceLabel: __source\n",
        &["`__source` is not a label name"],
    );
}

#[test]
fn a_source_label_the_pipeline_already_sets_or_an_empty_value_is_located() {
    assert_one(
        "alloy:\n  logs:\n    sourceLabel: level\n",
        &[
            "p.yaml:12:5",
            "`level` is a label the pipeline already sets",
        ],
    );
    assert_one(
        "alloy:\n  logs:\n    sourceValues:\n      k8sEvent: \"\"\n",
        &["p.yaml:13:7", "the source value is empty"],
    );
    // Written into LogQL strings and Grafana variable lists.
    assert_one(
        "alloy:\n  logs:\n    sourceValues:\n      podLog: 'a\"b'\n",
        &["p.yaml:13:7", "the source value `a\"b` contains `\"`"],
    );
    assert_one(
        "alloy:\n  logs:\n    sourceValues:\n      journal: 'x,y'\n",
        &["p.yaml:13:7", "contains `,`"],
    );
}

#[test]
fn audit_labels_need_an_audit_source() {
    assert_one(
        "alloy:\n  logs:\n    audit:\n      labels: [resource]\n",
        &["p.yaml:13:7", "collects no audit events"],
    );
    let config = alloy_config(
        "alloy:\n  logs:\n    audit:\n      webhook: { port: 8080 }\n      labels: [resource, verb]\n",
    );
    assert!(
        config.contains("level    = \"\",\n\t\t\tresource = \"\",\n\t\t\tverb     = \"\","),
        "{config}"
    );
}

#[test]
fn audit_events_collected_twice_are_rejected() {
    assert_one(
        "alloy:\n  logs:\n    pods:\n      vclusterNamespacesOnly: true\n    audit:\n      syncer: true\n\
vcluster:\n  namespaceFormat: test-{run_id}\n  alloy:\n    logs:\n      audit:\n        webhook: { port: 8080 }\n",
        &["p.yaml:21:9", "collected twice"],
    );
}

#[test]
fn the_stack_alloy_leaves_synced_pods_to_the_vcluster_alloy() {
    let drop = "__meta_kubernetes_pod_label_vcluster_loft_sh_managed_by";
    // Every namespace on the host, and an Alloy inside each vCluster collecting pods.
    let config = alloy_config(
        "alloy:\n  logs:\n    events: { enabled: false }\n\
vcluster:\n  namespaceFormat: test-{run_id}\n  alloy:\n    logs:\n      events: { enabled: false }\n",
    );
    assert!(config.contains(drop), "{config}");
    // No pod logs inside the vCluster: the host keeps every pod.
    let config = alloy_config(
        "alloy:\n  logs:\n    events: { enabled: false }\n\
vcluster:\n  namespaceFormat: test-{run_id}\n  alloy:\n    logs:\n      pods: { enabled: false }\n      events: { enabled: false }\n",
    );
    assert!(!config.contains(drop), "{config}");
}

#[test]
fn an_audit_source_without_the_audit_policy_is_located() {
    assert_one(
        "vcluster:\n  namespaceFormat: test-{run_id}\n  auditPolicy:\n    enabled: false\n  alloy:\n    logs:\n      audit:\n        webhook: { port: 8080 }\n",
        &["p.yaml:13:5", "records none"],
    );
}

const ENRICH: &str = "    prometheus.enrich \"e\" {\n      targets = []\n      target_match_label = \"instance\"\n      forward_to = []\n    }\n";

#[test]
fn an_experimental_component_needs_the_stability_level_raised() {
    assert_one(
        &format!("alloy:\n  custom: |\n{ENRICH}"),
        &[
            "p.yaml:12:5",
            "prometheus.enrich is experimental",
            "--stability.level=experimental",
            "alloy.stabilityLevel: experimental",
        ],
    );
    // public-preview is not low enough either.
    assert_one(
        &format!("alloy:\n  stabilityLevel: public-preview\n  custom: |\n{ENRICH}"),
        &["prometheus.enrich is experimental"],
    );
}

#[test]
fn a_raised_stability_level_is_checked_and_deployed() {
    let files = compile(&format!(
        "alloy:\n  stabilityLevel: experimental\n  custom: |\n{ENRICH}"
    ))
    .unwrap_or_else(|e| panic!("{e:#?}"));
    let values = &files
        .iter()
        .find(|(p, _)| p == "values/alloy.yaml")
        .expect("values/alloy.yaml")
        .1;
    assert!(
        values.contains("\n  stabilityLevel: experimental\n"),
        "the chart must run Alloy with the level that was checked:\n{values}"
    );
    // At the default level the value is left to the chart's default.
    let default = compile("alloy: {}\n").unwrap();
    let values = &default
        .iter()
        .find(|(p, _)| p == "values/alloy.yaml")
        .unwrap()
        .1;
    assert!(!values.contains("stabilityLevel"), "{values}");
}

#[test]
fn an_unknown_stability_level_is_rejected() {
    let found = compile("alloy:\n  stabilityLevel: beta\n").expect_err("rejected");
    assert!(
        found[0].contains("p.yaml:11:19") && found[0].contains("generally-available"),
        "{found:#?}"
    );
}

/// A `custom` snippet whose streams carry `l0`..`l{n-1}` plus `cluster`.
fn many_labels(n: usize) -> String {
    let labels: String = (0..n)
        .map(|i| format!("          l{i} = \"v\",\n"))
        .collect();
    format!(
        "alloy:\n  custom: |\n    loki.source.api \"apps\" {{\n      http {{ listen_port = 3500 }}\n      forward_to = [loki.process.many.receiver]\n    }}\n    loki.process \"many\" {{\n      stage.static_labels {{\n        values = {{\n{labels}        }}\n      }}\n      forward_to = [loki.write.default.receiver]\n    }}\n"
    )
}

#[test]
fn a_stream_with_more_labels_than_loki_accepts_is_refused_at_the_custom_key() {
    // 15 labels with `cluster`: accepted.
    compile(&many_labels(14)).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_one(
        &many_labels(15),
        &[
            "p.yaml:11:3: error: Alloy: log streams from loki.source.api.apps to loki.write.default can carry 16 labels",
            "more than Loki's max_label_names_per_series (15) accepts",
            "Loki accepts at most 15 label names per stream",
        ],
    );
}

#[test]
fn loki_is_deployed_with_the_limit_the_pipelines_are_checked_against() {
    let files = compile("alloy: {}\n").unwrap();
    let values = &files
        .iter()
        .find(|(p, _)| p == "values/loki.yaml")
        .unwrap()
        .1;
    assert!(
        values.contains("    max_label_names_per_series: 15\n"),
        "{values}"
    );
}

#[test]
fn unbounded_label_values_are_warned_at_the_key_that_adds_them() {
    // A dangling reference makes the profile fail, so its warnings are returned too.
    // The generated file pipeline drops `filename` itself; a `custom` file source does not.
    let found = compile(
        "alloy:\n  logs:\n    pods:\n      via: files\n      podLabel: true\n  custom: |\n    local.file_match \"mine\" {\n      path_targets = [{\"__path__\" = \"/var/log/mine.log\"}]\n    }\n    loki.source.file \"mine\" {\n      targets    = local.file_match.mine.targets\n      forward_to = [loki.write.default.receiver]\n    }\n    loki.source.api \"x\" {\n      http { listen_port = 3500 }\n      forward_to = [loki.write.nope.receiver]\n    }\n",
    )
    .expect_err("rejected");
    // Sorted by location.
    let warnings: Vec<&String> = found.iter().filter(|d| d.contains(": warning: ")).collect();
    assert_eq!(warnings.len(), 2, "{found:#?}");
    assert!(
        warnings[0].starts_with("p.yaml:14:7: warning: Alloy: label \"pod\" added by discovery.relabel.pod_logs takes unbounded values (pod names)"),
        "{warnings:#?}"
    );
    assert!(
        warnings[1].contains("warning: Alloy: label \"filename\" added by loki.source.file.mine takes unbounded values (file paths)"),
        "{warnings:#?}"
    );
}

#[test]
fn too_many_run_labels_are_refused_at_the_namespace_format() {
    // 9 pod-log labels + 7 placeholders = 16.
    let found = compile(
        "alloy:\n  logs:\n    pods:\n      vclusterNamespacesOnly: true\n    events:\n      enabled: false\nvcluster:\n  namespaceFormat: t-{a}-{b}-{c}-{d}-{e}-{f}-{g}\n",
    )
    .expect_err("rejected");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("p.yaml:17:3: error: Alloy: log streams from loki.source.kubernetes.pod_logs to loki.write.default can carry 16 labels"),
        "{found:#?}"
    );
    compile(
        "alloy:\n  logs:\n    pods:\n      vclusterNamespacesOnly: true\n    events:\n      enabled: false\nvcluster:\n  namespaceFormat: t-{a}-{b}-{c}-{d}-{e}-{f}\n",
    )
    .unwrap_or_else(|e| panic!("{e:#?}"));
}

/// The chart value o11yc sets for `alloy.stabilityLevel` exists in the pinned chart.
#[test]
fn the_alloy_chart_has_a_stability_level_value() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/chart-values/alloy-1.11.1.values.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is required: {e}", path.display()));
    let values: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(
        values["alloy"]["stabilityLevel"],
        serde_json::json!("generally-available")
    );
}

/// The profile check uses the registry generated from Alloy's schema: an
/// attribute the old hand-written registry accepted is refused.
#[test]
fn custom_snippets_are_checked_against_alloys_schema() {
    assert_one(
        "alloy:\n  custom: |\n    loki.write \"extra\" {\n      endpoint {\n        url = \"http://other\"\n        basic_auth {\n          username_file = \"/u\"\n        }\n      }\n    }\n",
        &[
            "p.yaml:16:11",
            "unknown attribute \"username_file\" in basic_auth block of endpoint block of loki.write \"extra\"",
        ],
    );
    assert_one(
        "alloy:\n  custom: |\n    loki.process \"extra\" {\n      stage.jsonn { }\n      forward_to = [loki.write.default.receiver]\n    }\n",
        &[
            "unknown block \"stage.jsonn\"",
            "did you mean \"stage.json\"?",
        ],
    );
}

#[test]
fn the_vcluster_alloy_has_its_own_stability_level() {
    let vcluster = |level: &str| {
        format!(
            "vcluster:\n  namespaceFormat: test-{{run_id}}\n  alloy:\n{level}    logs:\n      events: {{ enabled: false }}\n    custom: |\n{}",
            ENRICH
                .replace("\n    ", "\n      ")
                .replacen("    ", "      ", 1)
        )
    };
    let found = compile(&vcluster("")).expect_err("rejected");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("p.yaml:16:7: error: Alloy: prometheus.enrich is experimental"),
        "{found:#?}"
    );
    let files = compile(&vcluster("    stabilityLevel: experimental\n"))
        .unwrap_or_else(|e| panic!("{e:#?}"));
    let values = &files
        .iter()
        .find(|(p, _)| p == "vcluster/alloy/values.yaml")
        .expect("vcluster/alloy/values.yaml")
        .1;
    assert!(
        values.contains("\n  stabilityLevel: experimental\n"),
        "{values}"
    );
}
