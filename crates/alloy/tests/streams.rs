//! The label analysis of a pipeline's streams (`o11yc_alloy::streams`): what
//! each component adds, and where the three analyses it replaced disagreed.

use o11yc_alloy::parse;
use std::collections::BTreeSet;

use o11yc_alloy::streams::{
    Signal, Stream, Values, answerable, parse_stream_selector, streams, streams_of as only,
};

fn streams_of(src: &str) -> Vec<Stream> {
    streams(&parse(src).expect("test pipelines parse"))
}

fn names(stream: &Stream) -> Vec<&str> {
    stream.labels.keys().map(String::as_str).collect()
}

const WRITER: &str = "loki.write \"w\" {\n  endpoint { url = \"http://loki\" }\n  external_labels = { cluster = \"c\", source = \"ext\" }\n}\n";

/// `loki.source.file` adds `filename` (Alloy's file.go); the linker's and the
/// seeds' analyses left it out.
#[test]
fn file_sources_carry_filename() {
    let src = format!(
        "local.file_match \"f\" {{\n  path_targets = [{{ __path__ = \"/var/log/a.log\", job = \"a\" }}]\n}}\n\
         loki.source.file \"f\" {{\n  targets    = local.file_match.f.targets\n  forward_to = [loki.write.w.receiver]\n}}\n{WRITER}"
    );
    let found = streams_of(&src);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(names(&found[0]), ["cluster", "filename", "job", "source"]);
    assert_eq!(found[0].labels["filename"].values, Values::Any);
    assert_eq!(found[0].labels["job"].values, Values::fixed("a"));
}

/// Alloy merges a writer's external labels under the entry's own labels: a
/// label the stream carries keeps its value (the linker's analysis replaced it).
#[test]
fn external_labels_do_not_replace_the_streams_own() {
    let src = format!(
        "loki.source.journal \"j\" {{\n  labels     = {{ source = \"journal\" }}\n  forward_to = [loki.write.w.receiver]\n}}\n{WRITER}"
    );
    let found = streams_of(&src);
    assert_eq!(found[0].labels["source"].values, Values::fixed("journal"));
    assert_eq!(found[0].labels["cluster"].values, Values::fixed("c"));
    assert_eq!(found[0].writer, "loki.write.w");
    assert_eq!(found[0].signal, Signal::Logs);
}

/// `loki.source.kubernetes_events` without `job_name` uses Alloy's default.
#[test]
fn kubernetes_events_default_job() {
    let src = format!(
        "loki.source.kubernetes_events \"e\" {{\n  forward_to = [loki.write.w.receiver]\n}}\n{WRITER}"
    );
    let found = streams_of(&src);
    assert_eq!(
        found[0].labels["job"].values,
        Values::fixed("loki.source.kubernetes_events")
    );
    assert_eq!(found[0].labels["namespace"].values, Values::Any);
}

/// Forwarding components the analysis does not model pass streams on, and
/// `prometheus.enrich` adds its `labels_to_copy` (the seeds' analysis ended
/// every path at such a component).
#[test]
fn enrich_components_pass_streams_on_with_copied_labels() {
    let src = r#"prometheus.scrape "s" {
  targets    = [{ __address__ = "a:1" }]
  forward_to = [prometheus.enrich.e.receiver]
}
prometheus.enrich "e" {
  targets            = []
  target_match_label = "x"
  labels_to_copy     = ["team"]
  forward_to         = [prometheus.remote_write.r.receiver]
}
prometheus.remote_write "r" {
  endpoint { url = "http://prom" }
}
"#;
    let found = streams_of(src);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].signal, Signal::Metrics);
    assert_eq!(names(&found[0]), ["instance", "job", "team"]);
    assert_eq!(
        found[0].labels["job"].values,
        Values::fixed("prometheus.scrape.s")
    );
}

/// Each `stage.match` may fork every path; past 64 paths a `loki.process`
/// merges them into one that carries every label of any of them.
#[test]
fn forking_matches_stay_bounded() {
    let matches: String = (0..24)
        .map(|i| {
            format!(
                "  stage.match {{\n    selector = \"{{container=~\\\".+\\\"}}\"\n    stage.static_labels {{\n      values = {{ l{i} = \"v\" }}\n    }}\n  }}\n"
            )
        })
        .collect();
    let src = format!(
        "discovery.relabel \"p\" {{\n  targets = discovery.kubernetes.p.targets\n  rule {{\n    source_labels = [\"__meta_kubernetes_pod_container_name\"]\n    target_label  = \"container\"\n  }}\n}}\n\
         loki.source.kubernetes \"p\" {{\n  targets    = discovery.relabel.p.output\n  forward_to = [loki.process.p.receiver]\n}}\n\
         loki.process \"p\" {{\n{matches}  forward_to = [loki.write.w.receiver]\n}}\n{WRITER}"
    );
    let started = std::time::Instant::now();
    let found = streams_of(&src);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(!found.is_empty() && found.len() <= 64, "{}", found.len());
    let all: std::collections::BTreeSet<&str> = found.iter().flat_map(names).collect();
    assert!(all.contains("l0") && all.contains("l23"), "{all:?}");
}

/// Pod logs through a forking `loki.process`, a relabel and the writer, and a scrape.
const PIPELINE: &str = r#"
discovery.kubernetes "pods" { role = "pod" }
discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
}
loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.process.pods.receiver]
}
loki.process "pods" {
  stage.static_labels {
    values = { source = "pod_log" }
  }
  stage.match {
    selector = "{container=\"syncer\"}"
    stage.static_labels {
      values = { source = "k8s_audit_log" }
    }
  }
  stage.match {
    selector = "{source=\"pod_log\"}"
    stage.labels {
      values = { level = "" }
    }
  }
  stage.label_drop {
    values = ["pod"]
  }
  forward_to = [loki.relabel.run.receiver]
}
loki.relabel "run" {
  rule {
    target_label = "__ns"
    replacement  = sys.env("NS")
  }
  rule {
    source_labels = ["__ns"]
    target_label  = "run_id"
  }
  forward_to = [loki.write.default.receiver]
}
loki.write "default" {
  endpoint { url = "http://loki:3100/loki/api/v1/push" }
  external_labels = { cluster = "c" }
}
prometheus.scrape "ksm" {
  targets    = discovery.relabel.pods.output
  job_name   = "kube-state-metrics"
  forward_to = [prometheus.remote_write.default.receiver]
}
prometheus.remote_write "default" {
  endpoint { url = "http://prom/api/v1/write" }
}
"#;

fn logql(streams: &[Stream], query: &str) -> Result<(), String> {
    answerable(
        streams,
        Signal::Logs,
        &parse_stream_selector(query).unwrap(),
        &[],
    )
}

#[test]
fn labels_follow_process_stages_relabels_and_external_labels() {
    let streams = streams_of(PIPELINE);
    let logs: Vec<_> = streams
        .iter()
        .filter(|s| s.signal == Signal::Logs)
        .collect();
    // The syncer match forks the pod path into a pod_log and an audit path.
    assert_eq!(logs.len(), 2, "{logs:?}");
    let names: Vec<Vec<&str>> = logs
        .iter()
        .map(|s| s.labels.keys().map(String::as_str).collect())
        .collect();
    assert!(names.contains(&vec![
        "cluster",
        "container",
        "level",
        "namespace",
        "run_id",
        "source"
    ]));
    assert!(names.contains(&vec![
        "cluster",
        "container",
        "namespace",
        "run_id",
        "source"
    ]));
    logql(&streams, r#"{source="pod_log", level="error", run_id="1"}"#).unwrap();
    logql(&streams, r#"{source="k8s_audit_log", cluster="c"}"#).unwrap();
    logql(&streams, r#"{source=~"pod_.*", namespace!="x"}"#).unwrap();
}

#[test]
fn missing_labels_and_values_make_a_selector_unanswerable() {
    let streams = streams_of(PIPELINE);
    // Dropped by label_drop.
    assert!(logql(&streams, r#"{pod="p"}"#).is_err());
    // A source value no stage sets.
    assert!(logql(&streams, r#"{source="k8s_event"}"#).is_err());
    // level is only set on the pod_log path, not on the audit path.
    let err = logql(&streams, r#"{source="k8s_audit_log", level="info"}"#).unwrap_err();
    assert!(err.contains("level"), "{err}");
    // `__` labels never reach Loki.
    assert!(logql(&streams, r#"{__ns="x"}"#).is_err());
}

#[test]
fn conditional_fixed_replacements_accumulate_values() {
    let streams = streams_of(
        r#"
loki.relabel "j" {
  rule {
    source_labels = ["__p"]
    regex         = "err|crit"
    target_label  = "level"
    replacement   = "error"
  }
  rule {
    source_labels = ["__p"]
    regex         = "info"
    target_label  = "level"
    replacement   = "info"
  }
  forward_to = []
}
loki.source.journal "j" {
  relabel_rules = loki.relabel.j.rules
  labels        = { source = "journal" }
  forward_to    = [loki.write.w.receiver]
}
loki.write "w" {
  endpoint { url = "http://loki" }
}
"#,
    );
    assert_eq!(
        streams[0].labels["level"].values,
        Values::Fixed(BTreeSet::from(["error".to_owned(), "info".to_owned()]))
    );
    logql(&streams, r#"{source="journal", level="error"}"#).unwrap();
    assert!(logql(&streams, r#"{source="journal", level="err"}"#).is_err());
}

/// A `stage.match` that drops the lines it matches forks no path of its own:
/// its stages never reach a writer.
#[test]
fn a_dropping_match_adds_no_path() {
    let src = PIPELINE.replace(
        "  stage.label_drop {",
        "  stage.match {\n    selector = \"{container=\\\"noise\\\"}\"\n    action   = \"drop\"\n    stage.static_labels {\n      values = { noisy = \"yes\" }\n    }\n  }\n  stage.label_drop {",
    );
    assert!(src.contains("noisy"));
    let logs: Vec<Stream> = streams_of(&src)
        .into_iter()
        .filter(|s| s.signal == Signal::Logs)
        .collect();
    assert_eq!(logs.len(), 2, "{logs:#?}");
    assert!(logs.iter().all(|s| !s.labels.contains_key("noisy")));
}

#[test]
fn a_source_that_reaches_no_writer_writes_no_stream() {
    let found = streams_of(
        "loki.source.journal \"journal\" {\n  labels     = { source = \"journal\" }\n  forward_to = []\n}\n",
    );
    assert!(found.is_empty());
}

/// `streams_of` one signal is `streams` filtered to it: the walk of the other
/// signal's sources is skipped, not its paths changed.
#[test]
fn streams_of_one_signal_are_the_filtered_streams() {
    let src = format!(
        r#"prometheus.scrape "s" {{
  targets    = [{{ __address__ = "a:1" }}]
  forward_to = [prometheus.remote_write.r.receiver]
}}
prometheus.remote_write "r" {{
  endpoint {{
    url = "http://p"
  }}
}}
loki.source.kubernetes_events "e" {{
  forward_to = [loki.write.w.receiver]
}}
{WRITER}"#
    );
    let file = parse(&src).unwrap();
    let all = streams(&file);
    for signal in [Signal::Logs, Signal::Metrics] {
        let filtered: Vec<Stream> = all.iter().filter(|s| s.signal == signal).cloned().collect();
        assert_eq!(filtered.len(), 1, "{signal:?}");
        assert_eq!(only(&file, Some(signal)), filtered, "{signal:?}");
    }
    assert_eq!(only(&file, None), all);
}
