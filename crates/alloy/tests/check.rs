//! Checker: each check fails on bad input; a correct pipeline passes; every
//! place where o11yc's former hand-written registry disagreed with Alloy
//! v1.18.1 (issue 12) is a case here. The corpus is in `corpus.rs`.

mod common;

use o11yc_alloy::check::Options;
use o11yc_alloy::check::registry::Stability;
use o11yc_alloy::{Diagnostic, check, check_with, parse};

fn errors(src: &str) -> Vec<Diagnostic> {
    errors_with(src, Options::default())
}

fn errors_with(src: &str, options: Options) -> Vec<Diagnostic> {
    let file = parse(src).unwrap_or_else(|e| panic!("test input must parse: {e:?}"));
    check_with(&file, options)
        .into_iter()
        .filter(|d| d.is_error())
        .collect()
}

fn assert_clean(src: &str) {
    let file = parse(src).unwrap_or_else(|e| panic!("test input must parse: {e:?}"));
    let diags = check(&file);
    assert!(diags.is_empty(), "{diags:#?}");
}

fn assert_one_error(src: &str, line: usize, needle: &str) -> Diagnostic {
    let errs = errors(src);
    assert_eq!(errs.len(), 1, "expected exactly one error, got {errs:#?}");
    let e = errs.into_iter().next().unwrap();
    let at = e.line_col(&o11yc_alloy::LineIndex::new(src), src).0;
    assert_eq!(at as usize, line, "wrong line for {e:?}");
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
    assert!(e.help.unwrap().contains("first declared at line 2;"));
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
        "missing required attribute \"forward_to\"",
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
        "unknown attribute \"rolee\"",
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
fn unknown_component_is_an_error_with_a_suggestion() {
    let e = assert_one_error(
        r#"
remote.vaultt "creds" {
  path = "secret/x"
}
"#,
        2,
        "unknown component \"remote.vaultt\"",
    );
    assert_eq!(e.help.as_deref(), Some("did you mean \"remote.vault\"?"));
}

#[test]
fn render_has_location_and_help() {
    let src = "discovery.kubernetes \"pods\" {\n  role = \"pod\"\n  rolee = \"pod\"\n}\n";
    let errs = errors(src);
    let text = errs
        .iter()
        .map(|e| e.render("pipeline.alloy", src))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("pipeline.alloy:3:3: error: unknown attribute \"rolee\""),
        "{text}"
    );
    assert!(text.contains("\n  help: did you mean \"role\"?"), "{text}");
}

// ----- the registry agrees with Alloy v1.18.1 (issue 12) --------------------

/// `basic_auth` has no `username_file` anywhere o11yc's old registry put it.
#[test]
fn basic_auth_has_no_username_file() {
    let cases = [
        (
            "discovery.kubernetes",
            "role = \"pod\"\n  basic_auth {\n    username = \"u\"\n    username_file = \"/f\"\n  }",
        ),
        (
            "loki.source.kubernetes",
            "targets = []\n  forward_to = []\n  client {\n    basic_auth {\n      username_file = \"/f\"\n    }\n  }",
        ),
        (
            "loki.source.kubernetes_events",
            "forward_to = []\n  client {\n    basic_auth {\n      username_file = \"/f\"\n    }\n  }",
        ),
        (
            "loki.write",
            "endpoint {\n    url = \"http://loki\"\n    basic_auth {\n      username_file = \"/f\"\n    }\n  }",
        ),
        (
            "prometheus.scrape",
            "targets = []\n  forward_to = []\n  basic_auth {\n    username_file = \"/f\"\n  }",
        ),
        (
            "prometheus.remote_write",
            "endpoint {\n    url = \"http://mimir\"\n    basic_auth {\n      username_file = \"/f\"\n    }\n  }",
        ),
    ];
    for (component, body) in cases {
        let src = format!("{component} \"x\" {{\n  {body}\n}}\n");
        let errs = errors(&src);
        assert_eq!(errs.len(), 1, "{component}: {errs:#?}");
        assert!(
            errs[0]
                .message
                .starts_with("unknown attribute \"username_file\" in basic_auth block"),
            "{component}: {errs:#?}"
        );
    }
    // Only otelcol.auth.basic has it (in its client_auth block).
    assert_clean(
        "otelcol.auth.basic \"x\" {\n  client_auth {\n    username_file = \"/f\"\n  }\n}\n",
    );
}

#[test]
fn loki_source_kubernetes_has_no_preserve_discovered_labels_or_log_pipeline() {
    let errs = errors(
        r#"
loki.source.kubernetes "pods" {
  targets                    = []
  forward_to                 = []
  preserve_discovered_labels = true
  log_pipeline { }
}
"#,
    );
    let messages: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unknown attribute \"preserve_discovered_labels\" in loki.source.kubernetes \"pods\"",
            "unknown block \"log_pipeline\" in loki.source.kubernetes \"pods\"",
        ]
    );
}

#[test]
fn journal_has_a_legacy_position_block_not_a_legacy_position_file() {
    let e = assert_one_error(
        "loki.source.journal \"j\" {\n  forward_to = []\n  legacy_position_file = \"/p\"\n}\n",
        3,
        "unknown attribute \"legacy_position_file\" in loki.source.journal \"j\"",
    );
    assert_eq!(e.help.as_deref(), Some("did you mean \"legacy_position\"?"));
    assert_clean(
        "loki.source.journal \"j\" {\n  forward_to = []\n  legacy_position {\n    file = \"/p\"\n    name = \"j\"\n  }\n}\n",
    );
}

#[test]
fn clustering_enabled_is_required() {
    assert_one_error(
        "prometheus.scrape \"s\" {\n  targets = []\n  forward_to = []\n  clustering { }\n}\n",
        4,
        "missing required attribute \"enabled\" in clustering block of prometheus.scrape \"s\"",
    );
    assert_one_error(
        "loki.source.kubernetes \"k\" {\n  targets = []\n  forward_to = []\n  clustering { }\n}\n",
        4,
        "missing required attribute \"enabled\" in clustering block",
    );
}

/// Attributes and blocks Alloy has that the old registry rejected.
#[test]
fn attributes_the_old_registry_missed_are_accepted() {
    assert_clean(
        "loki.source.file \"f\" {\n  targets = []\n  forward_to = []\n  on_positions_file_error = \"reset\"\n}\n",
    );
    assert_clean(
        "prometheus.scrape \"s\" {\n  targets = []\n  forward_to = []\n  scrape_failure_log_file = \"/tmp/f\"\n}\n",
    );
    assert_clean("prometheus.relabel \"r\" {\n  forward_to = []\n  cache_ttl = \"1h\"\n}\n");
    assert_clean(
        "prometheus.remote_write \"w\" {\n  endpoint {\n    url = \"http://m\"\n    google_iam {\n      credentials_file = \"/c\"\n    }\n  }\n}\n",
    );
    assert_clean(
        "otelcol.exporter.prometheus \"p\" {\n  forward_to = []\n  convert_classic_histograms_to_nhcb = true\n}\n",
    );
}

#[test]
fn loki_process_knows_exactly_alloys_stages() {
    let e = assert_one_error(
        "loki.process \"p\" {\n  forward_to = []\n  stage.jsn { }\n}\n",
        3,
        "unknown block \"stage.jsn\" in loki.process \"p\"",
    );
    assert_eq!(e.help.as_deref(), Some("did you mean \"stage.json\"?"));
    // Stage contents are checked, nested stages too.
    assert_one_error(
        "loki.process \"p\" {\n  forward_to = []\n  stage.static_labels { }\n}\n",
        3,
        "missing required attribute \"values\" in stage.static_labels block",
    );
    assert_one_error(
        "loki.process \"p\" {\n  forward_to = []\n  stage.match {\n    selector = \"{a=\\\"b\\\"}\"\n    stage.labels {\n      values = { }\n      sourc = \"x\"\n    }\n  }\n}\n",
        7,
        "unknown attribute \"sourc\" in stage.labels block of stage.match block",
    );
    assert_clean(
        "loki.process \"p\" {\n  forward_to = []\n  stage.match {\n    selector = \"{a=\\\"b\\\"}\"\n    stage.static_labels {\n      values = { a = \"b\" }\n    }\n  }\n  stage.cri { }\n  stage.cri { }\n}\n",
    );
    let stages = o11yc_alloy::check::registry::lookup("loki.process")
        .unwrap()
        .args
        .block_names()
        .into_iter()
        .filter(|n| n.starts_with("stage."))
        .count();
    assert_eq!(stages, 30);
}

#[test]
fn otlp_exporter_clients_need_an_endpoint() {
    for exporter in ["otelcol.exporter.otlp", "otelcol.exporter.otlphttp"] {
        assert_one_error(
            &format!("{exporter} \"x\" {{\n  client {{ }}\n}}\n"),
            2,
            "missing required attribute \"endpoint\" in client block",
        );
    }
    assert_one_error(
        "otelcol.exporter.otlp \"x\" {\n  client {\n    endpoint = \"t:4317\"\n    endpointt = \"t\"\n  }\n}\n",
        4,
        "unknown attribute \"endpointt\" in client block of otelcol.exporter.otlp \"x\"",
    );
}

#[test]
fn file_decompression_needs_enabled_and_format() {
    let errs = errors(
        "loki.source.file \"f\" {\n  targets = []\n  forward_to = []\n  decompression { }\n}\n",
    );
    let messages: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "missing required attribute \"enabled\" in decompression block of loki.source.file \"f\"",
            "missing required attribute \"format\" in decompression block of loki.source.file \"f\"",
        ]
    );
}

/// Every component of Alloy is known: a custom snippet using one o11yc never
/// emits is checked like the rest, without a warning.
#[test]
fn any_alloy_component_is_checked() {
    assert_clean("prometheus.exporter.redis \"r\" {\n  redis_addr = \"redis:6379\"\n}\n");
    let e = assert_one_error(
        "prometheus.exporter.redis \"r\" {\n  redis_addr = \"redis:6379\"\n  redis_pasword = \"x\"\n}\n",
        3,
        "unknown attribute \"redis_pasword\" in prometheus.exporter.redis \"r\"",
    );
    assert_eq!(e.help.as_deref(), Some("did you mean \"redis_password\"?"));
    assert_eq!(
        o11yc_alloy::check::registry::registry().components.len(),
        184
    );
}

// ----- what Alloy's loader checks --------------------------------------------

#[test]
fn block_written_as_attribute_and_the_reverse() {
    let e = assert_one_error(
        "loki.write \"w\" {\n  endpoint = { url = \"http://loki\" }\n}\n",
        2,
        "unknown attribute \"endpoint\"",
    );
    assert!(e.help.unwrap().contains("is a block"));
    let errs = errors("discovery.kubernetes \"k\" {\n  role { }\n}\n");
    assert!(
        errs.iter().any(
            |e| e.message == "unknown block \"role\" in discovery.kubernetes \"k\""
                && e.help.as_deref() == Some("\"role\" is an attribute: write `role = ...`")
        ),
        "{errs:#?}"
    );
}

#[test]
fn label_rules() {
    assert_one_error(
        "loki.write {\n  endpoint { url = \"http://loki\" }\n}\n",
        1,
        "component \"loki.write\" needs a label",
    );
    assert_one_error(
        "loki.write \"w\" {\n  endpoint \"a\" { url = \"http://loki\" }\n}\n",
        2,
        "endpoint block of loki.write \"w\" does not take a label",
    );
    // prometheus.exporter.snmp `target` blocks are labelled.
    assert_one_error(
        "prometheus.exporter.snmp \"s\" {\n  target {\n    address = \"a\"\n  }\n}\n",
        2,
        "target block of prometheus.exporter.snmp \"s\" needs a label",
    );
    assert_one_error(
        "logging \"x\" {\n}\n",
        1,
        "block \"logging\" does not take a label",
    );
    assert_one_error("declare {\n}\n", 1, "block \"declare\" needs a label");
    assert_one_error(
        "declare \"c\" {\n  argument {\n  }\n}\n",
        2,
        "block \"argument\" needs a label",
    );
}

#[test]
fn non_repeatable_block_given_twice() {
    assert_one_error(
        "loki.source.file \"f\" {\n  targets = []\n  forward_to = []\n  file_watch { }\n  file_watch { }\n}\n",
        5,
        "block \"file_watch\" may appear only once",
    );
    assert_one_error(
        "logging { }\nlogging { }\n",
        2,
        "block \"logging\" is given twice",
    );
}

#[test]
fn unknown_stdlib_function() {
    let e = assert_one_error(
        "loki.write \"w\" {\n  endpoint { url = sys.envv(\"LOKI\") }\n}\n",
        2,
        "unknown function \"sys.envv\"",
    );
    assert_eq!(e.help.as_deref(), Some("did you mean \"sys.env\"?"));
    assert_clean(
        "loki.write \"w\" {\n  endpoint { url = coalesce(sys.env(\"LOKI\"), string.format(\"http://%s\", constants.hostname)) }\n}\n",
    );
}

#[test]
fn config_blocks_are_checked() {
    assert_clean("logging {\n  level = \"info\"\n}\nlivedebugging {\n  enabled = true\n}\n");
    assert_one_error(
        "logging {\n  levle = \"info\"\n}\n",
        2,
        "unknown attribute \"levle\" in logging",
    );
    assert_one_error(
        "import.file \"m\" {\n}\n",
        1,
        "missing required attribute \"filename\" in import.file \"m\"",
    );
}

#[test]
fn declare_import_argument_export() {
    assert_clean(
        r#"
import.file "mods" {
  filename = "/etc/alloy/mods"
}
mods.thing "a" {
  anything = 1
}
declare "pipeline" {
  argument "out" {
    optional = false
  }
  loki.relabel "r" {
    forward_to = argument.out.value
  }
  export "input" {
    value = loki.relabel.r.receiver
  }
}
pipeline "p" {
  out = [loki.write.w.receiver]
}
loki.source.api "api" {
  http { listen_port = 3500 }
  forward_to = [pipeline.p.input]
}
loki.write "w" {
  endpoint { url = "http://loki" }
}
"#,
    );
    assert_one_error(
        "declare \"c\" {\n  argument \"a\" {\n    optionall = true\n  }\n}\n",
        3,
        "unknown attribute \"optionall\" in argument \"a\"",
    );
    assert_one_error(
        "declare \"c\" {\n  export \"x\" {\n    value = loki.write.nope.receiver\n  }\n}\n",
        3,
        "refers to loki.write \"nope\", which is not declared",
    );
}

#[test]
fn foreach_is_experimental_and_its_template_is_in_scope() {
    let src = r#"
foreach "each" {
  collection = ["a", "b"]
  var        = "item"
  template {
    loki.source.api "api" {
      http { listen_port = 3500 }
      forward_to = [loki.write.w.receiver]
    }
  }
}
loki.write "w" {
  endpoint { url = "http://loki" }
}
"#;
    let at_ga = errors(src);
    assert_eq!(at_ga.len(), 1, "{at_ga:#?}");
    assert!(at_ga[0].message.starts_with(
        "block \"foreach\" is experimental: Alloy refuses it unless run with --stability.level=experimental"
    ));
    let experimental = Options {
        stability: Stability::Experimental,
        community_components: false,
    };
    assert!(errors_with(src, experimental).is_empty());
    let dangling = src.replace("loki.write.w.receiver", "loki.write.x.receiver");
    assert_eq!(errors_with(&dangling, experimental).len(), 1);
}

// ----- stability levels and community components ------------------------------

const EXPERIMENTAL: &str = "prometheus.enrich \"e\" {\n  targets = []\n  target_match_label = \"instance\"\n  forward_to = []\n}\n";
const PUBLIC_PREVIEW: &str = "otelcol.storage.file \"s\" {\n  directory = \"/var/lib/alloy\"\n}\n";

fn at(stability: Stability) -> Options {
    Options {
        stability,
        community_components: false,
    }
}

#[test]
fn components_below_the_level_are_errors_naming_component_level_and_flag() {
    let e = assert_one_error(EXPERIMENTAL, 1, "prometheus.enrich is experimental");
    assert!(
        e.message.contains("--stability.level=experimental"),
        "{e:?}"
    );
    assert!(e.help.unwrap().contains("--stability-level experimental"));
    assert_one_error(PUBLIC_PREVIEW, 1, "otelcol.storage.file is public-preview");
    // public-preview admits public-preview, not experimental.
    assert!(errors_with(PUBLIC_PREVIEW, at(Stability::PublicPreview)).is_empty());
    assert_eq!(
        errors_with(EXPERIMENTAL, at(Stability::PublicPreview)).len(),
        1
    );
    assert!(errors_with(EXPERIMENTAL, at(Stability::Experimental)).is_empty());
    // Experimental functions too.
    let f = "loki.write \"w\" {\n  endpoint { url = \"http://l\" }\n  external_labels = array.combine_maps([], [], [])[0]\n}\n";
    assert_one_error(f, 3, "function array.combine_maps is experimental");
    assert!(errors_with(f, at(Stability::Experimental)).is_empty());
}

#[test]
fn community_components_need_the_flag() {
    let src = "otelcol.exporter.googlecloud \"g\" { }\n";
    assert_one_error(
        src,
        1,
        "otelcol.exporter.googlecloud is a community component: Alloy refuses it unless run with --feature.community-components.enabled",
    );
    let allowed = Options {
        stability: Stability::GenerallyAvailable,
        community_components: true,
    };
    assert!(errors_with(src, allowed).is_empty());
}
