//! The label analysis of a pipeline's streams (`o11yc_alloy::streams`): what
//! each component adds, and where the three analyses it replaced disagreed.

use o11yc_alloy::parse;
use o11yc_alloy::streams::{Signal, Stream, Values, streams};

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
