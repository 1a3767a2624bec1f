//! Alloy pipelines from profiles: settings that cannot work are located errors,
//! `custom` snippets are parsed and checked with the generated pipeline, and
//! what is generated passes the Alloy checker.

mod common;

const BASE: &str = "\
cluster:
  name: c
namespace: logging
delivery:
  mode: helmfile
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
fn a_dangling_reference_in_custom_is_located_at_the_custom_key() {
    assert_one(
        "alloy:\n  custom: |\n    loki.source.api \"extra\" {\n      http { listen_port = 9999 }\n      forward_to = [loki.write.missing.receiver]\n    }\n",
        &["p.yaml:11:3", "loki.write.missing", "not declared"],
    );
}

#[test]
fn a_logs_receiver_in_a_metrics_input_is_rejected() {
    assert_one(
        "alloy:\n  custom: |\n    prometheus.scrape \"x\" {\n      targets = []\n      forward_to = [loki.write.default.receiver]\n    }\n",
        &[
            "p.yaml:11:3",
            "is a logs receiver",
            "expects a metrics receiver",
        ],
    );
}

#[test]
fn a_duplicate_label_with_the_generated_pipeline_is_rejected() {
    assert_one(
        "alloy:\n  custom: |\n    loki.write \"default\" {\n      endpoint { url = \"http://other\" }\n    }\n",
        &["p.yaml:11:3", "duplicate component loki.write \"default\""],
    );
}

#[test]
fn a_cycle_through_custom_components_is_rejected() {
    assert_one(
        "alloy:\n  custom: |\n    loki.process \"a\" {\n      forward_to = [loki.process.b.receiver]\n    }\n    loki.process \"b\" {\n      forward_to = [loki.process.a.receiver]\n    }\n",
        &["p.yaml:11:3", "reference cycle"],
    );
}

#[test]
fn a_custom_snippet_with_a_syntax_error_is_located() {
    assert_one(
        "alloy:\n  custom: |\n    loki.write \"x\" {\n",
        &["p.yaml:11:3", "of `custom`"],
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
