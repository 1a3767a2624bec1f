//! Checker: each check fails on bad input; a correct pipeline passes; the
//! Grafana corpus produces no errors.

mod common;

use o11yc_alloy::{Diagnostic, check, parse};

fn errors(src: &str) -> Vec<Diagnostic> {
    let file = parse(src).unwrap_or_else(|e| panic!("test input must parse: {e:?}"));
    check(&file).into_iter().filter(|d| d.is_error()).collect()
}

fn assert_one_error(src: &str, line: usize, needle: &str) -> Diagnostic {
    let errs = errors(src);
    assert_eq!(errs.len(), 1, "expected exactly one error, got {errs:#?}");
    let e = errs.into_iter().next().unwrap();
    assert_eq!(e.line, line, "wrong line for {e:?}");
    assert!(
        e.message.contains(needle),
        "message {:?} lacks {needle:?}",
        e.message
    );
    e
}

const GOOD: &str = r#"
discovery.kubernetes "pods" {
  role = "pod"
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
}

loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.process.pods.receiver]
}

loki.process "pods" {
  stage.cri { }
  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = sys.env("LOKI_URL")
  }
}

prometheus.scrape "pods" {
  targets    = discovery.kubernetes.pods.targets
  forward_to = [prometheus.remote_write.default.receiver]
}

prometheus.remote_write "default" {
  endpoint {
    url = "http://mimir/api/v1/push"
  }
}

otelcol.receiver.otlp "default" {
  grpc { }
  output {
    logs    = [otelcol.processor.batch.default.input]
    metrics = [otelcol.processor.batch.default.input]
    traces  = [otelcol.processor.batch.default.input]
  }
}

otelcol.processor.batch "default" {
  output {
    logs    = [otelcol.exporter.loki.default.input]
    metrics = [otelcol.exporter.prometheus.default.input]
    traces  = [otelcol.exporter.otlp.tempo.input]
  }
}

otelcol.exporter.loki "default" {
  forward_to = [loki.write.default.receiver]
}

otelcol.exporter.prometheus "default" {
  forward_to = [prometheus.remote_write.default.receiver]
}

otelcol.exporter.otlp "tempo" {
  client {
    endpoint = "tempo:4317"
  }
}
"#;

#[test]
fn correct_pipeline_passes() {
    let file = parse(GOOD).unwrap();
    let diags = check(&file);
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn graph_lists_edges() {
    let file = parse(GOOD).unwrap();
    let edges = o11yc_alloy::check::graph(&file);
    let has = |a: &str, b: &str| edges.contains(&(a.to_string(), b.to_string()));
    assert!(has("discovery.relabel.pods", "discovery.kubernetes.pods"));
    assert!(has("loki.source.kubernetes.pods", "loki.process.pods"));
    assert!(has(
        "otelcol.processor.batch.default",
        "otelcol.exporter.otlp.tempo"
    ));
    assert_eq!(edges.len(), 12, "{edges:#?}");
}

#[test]
fn dangling_reference() {
    let e = assert_one_error(
        r#"
loki.write "default" {
  endpoint { url = "http://loki" }
}
loki.source.api "api" {
  forward_to = [loki.write.defualt.receiver]
}
"#,
        6,
        "not declared",
    );
    assert!(e.help.unwrap().contains("default"));
}

#[test]
fn misspelled_component_name_in_reference() {
    let e = assert_one_error(
        r#"
loki.write "default" {
  endpoint { url = "http://loki" }
}
loki.source.api "api" {
  forward_to = [loki.wrte.default.receiver]
}
"#,
        6,
        "does not refer to a declared component",
    );
    assert!(e.help.unwrap().contains("loki.write.default"));
}

#[test]
fn wrong_export_name() {
    let e = assert_one_error(
        r#"
discovery.kubernetes "pods" {
  role = "pod"
}
prometheus.scrape "pods" {
  targets    = discovery.kubernetes.pods.output
  forward_to = []
}
"#,
        6,
        "has no export \"output\"",
    );
    assert!(e.help.unwrap().contains("targets"));
}

#[test]
fn cycle() {
    assert_one_error(
        r#"
loki.process "a" {
  forward_to = [loki.relabel.b.receiver]
}
loki.relabel "b" {
  forward_to = [loki.process.a.receiver]
}
"#,
        2,
        "reference cycle between components: loki.process.a -> loki.relabel.b -> loki.process.a",
    );
}

#[test]
fn duplicate_label() {
    let e = assert_one_error(
        r#"
loki.write "default" {
  endpoint { url = "http://a" }
}
loki.write "default" {
  endpoint { url = "http://b" }
}
"#,
        5,
        "duplicate component loki.write \"default\"",
    );
    assert!(e.help.unwrap().contains("2:1"));
}

#[test]
fn logs_receiver_into_metrics_forward_to() {
    let e = assert_one_error(
        r#"
loki.write "default" {
  endpoint { url = "http://loki" }
}
prometheus.exporter.unix "node" { }
prometheus.scrape "node" {
  targets    = prometheus.exporter.unix.node.targets
  forward_to = [loki.write.default.receiver]
}
"#,
        8,
        "is a logs receiver, but \"forward_to\" of prometheus.scrape \"node\" expects a metrics receiver",
    );
    assert!(e.help.is_some());
}

#[test]
fn metrics_receiver_into_logs_forward_to() {
    assert_one_error(
        r#"
prometheus.remote_write "default" {
  endpoint { url = "http://mimir" }
}
otelcol.exporter.loki "logs" {
  forward_to = [prometheus.remote_write.default.receiver]
}
"#,
        6,
        "is a metrics receiver",
    );
}

#[test]
fn otel_consumer_must_accept_output_signal() {
    assert_one_error(
        r#"
otelcol.receiver.otlp "default" {
  output {
    metrics = [otelcol.exporter.loki.default.input]
  }
}
otelcol.exporter.loki "default" {
  forward_to = []
}
"#,
        4,
        "accepts logs only",
    );
}

#[test]
fn missing_required_argument() {
    let e = assert_one_error(
        r#"
loki.source.kubernetes "pods" {
  targets = []
}
"#,
        2,
        "missing required argument \"forward_to\"",
    );
    assert!(e.help.unwrap().contains("list(LogsReceiver)"));
}

#[test]
fn missing_required_block() {
    assert_one_error(
        "otelcol.exporter.otlp \"x\" {\n}\n",
        1,
        "missing required block \"client\"",
    );
}

#[test]
fn unknown_argument_with_hint() {
    let e = assert_one_error(
        r#"
discovery.kubernetes "pods" {
  role  = "pod"
  rolee = "node"
}
"#,
        4,
        "unknown argument \"rolee\"",
    );
    assert_eq!(e.help.as_deref(), Some("did you mean \"role\"?"));
}

#[test]
fn unknown_nested_block() {
    assert_one_error(
        r#"
loki.write "default" {
  endpoint {
    url = "http://loki"
    basic_aut { username = "u" }
  }
}
"#,
        5,
        "unknown block \"basic_aut\" in endpoint block of loki.write \"default\"",
    );
}

#[test]
fn literal_type_mismatch() {
    assert_one_error(
        "discovery.kubernetes \"pods\" {\n  role = true\n}\n",
        2,
        "must be a string, got bool",
    );
}

#[test]
fn unknown_component_is_a_warning_and_its_references_resolve() {
    let src = r#"
remote.vault "creds" {
  path = "secret/x"
}
loki.write "default" {
  endpoint {
    url = remote.vault.creds.data.url
  }
}
"#;
    let diags = check(&parse(src).unwrap());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].severity, o11yc_alloy::Severity::Warning);
    assert!(
        diags[0]
            .message
            .contains("unknown component \"remote.vault\"")
    );
}

#[test]
fn render_has_location_and_help() {
    let errs = errors("discovery.kubernetes \"pods\" {\n  rolee = \"pod\"\n}\n");
    let text = errs
        .iter()
        .map(|e| e.render("pipeline.alloy"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("pipeline.alloy:2:3: error: unknown argument \"rolee\""),
        "{text}"
    );
    assert!(text.contains("\n  help: did you mean \"role\"?"), "{text}");
}

#[test]
fn corpus_has_no_check_errors() {
    let Some(dir) = common::conformance_dir("alloy-corpus") else {
        return;
    };
    let mut errors = Vec::new();
    let files = common::files_with_ext(&dir, ".alloy");
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let file = parse(&std::fs::read_to_string(f).unwrap()).unwrap();
        for d in check(&file).into_iter().filter(|d| d.is_error()) {
            errors.push(d.render(&name));
        }
    }
    println!("checked {} corpus files", files.len());
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
