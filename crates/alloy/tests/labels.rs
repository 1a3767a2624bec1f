//! The Loki label budget: which label names a stream can carry, streams over
//! `max_label_names_per_series`, and labels with unbounded values.

use o11yc_alloy::check::labels::{LabelFinding, budget, streams};
use o11yc_alloy::parse;

/// A pod-log pipeline whose streams carry `namespace`, `container`, `pod`
/// (dropped again), `source`, `level`, `team` and `cluster`, plus whatever
/// `extra` stages add.
fn pipeline(extra_stages: &str) -> String {
    format!(
        r#"discovery.kubernetes "pods" {{
  role = "pod"
}}

discovery.relabel "pods" {{
  targets = discovery.kubernetes.pods.targets
  rule {{
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_uid"]
    target_label  = "__tmp_uid"
  }}
}}

loki.source.kubernetes "pods" {{
  targets    = discovery.relabel.pods.output
  forward_to = [loki.process.pods.receiver]
}}

loki.process "pods" {{
  stage.static_labels {{
    values = {{ source = "pod_log" }}
  }}
  stage.labels {{
    values = {{ level = "" }}
  }}
{extra_stages}
  stage.label_drop {{
    values = ["pod"]
  }}
  forward_to = [loki.relabel.team.receiver]
}}

loki.relabel "team" {{
  rule {{
    target_label = "team"
    replacement  = "platform"
  }}
  forward_to = [loki.write.default.receiver]
}}

loki.write "default" {{
  endpoint {{
    url = "http://loki/loki/api/v1/push"
  }}
  external_labels = {{ cluster = "c" }}
}}
"#
    )
}

fn names(src: &str) -> Vec<String> {
    let file = parse(src).unwrap();
    let s = streams(&file);
    assert_eq!(s.len(), 1, "{s:#?}");
    assert_eq!(s[0].source, "loki.source.kubernetes.pods");
    assert_eq!(s[0].writer, "loki.write.default");
    s[0].labels.keys().cloned().collect()
}

#[test]
fn labels_come_from_relabels_stages_relabel_and_writer() {
    assert_eq!(
        names(&pipeline("")),
        [
            "cluster",
            "container",
            "level",
            "namespace",
            "source",
            "team"
        ]
    );
}

#[test]
fn label_drop_pack_and_labeldrop_remove_labels_but_not_inside_match() {
    let src = pipeline("").replace(
        "stage.label_drop {\n    values = [\"pod\"]\n  }",
        "stage.match {\n    selector = \"{container=\\\"syncer\\\"}\"\n    stage.label_drop {\n      values = [\"pod\"]\n    }\n    stage.static_labels {\n      values = { matched = \"yes\" }\n    }\n  }\n  stage.pack {\n    labels = [\"level\"]\n  }",
    );
    // `pod` survives (the drop is conditional), `matched` may be added,
    // `level` is packed into the line.
    assert_eq!(
        names(&src),
        [
            "cluster",
            "container",
            "matched",
            "namespace",
            "pod",
            "source",
            "team"
        ]
    );
    let src = pipeline("").replace(
        "    target_label = \"team\"\n    replacement  = \"platform\"",
        "    regex  = \"namespace|container\"\n    action = \"labeldrop\"",
    );
    assert_eq!(names(&src), ["cluster", "level", "source"]);
}

/// A `stage.match` whose selector no stream can satisfy (no stream has the
/// label `a`) adds nothing.
#[test]
fn a_match_no_stream_satisfies_adds_no_labels() {
    let src = pipeline(
        "  stage.match {\n    selector = \"{a=\\\"b\\\"}\"\n    stage.static_labels {\n      values = { matched = \"yes\" }\n    }\n  }\n",
    );
    assert!(!names(&src).contains(&"matched".to_string()));
}

/// `loki.write` does not send labels starting with `__`: a temporary label
/// set by `loki.relabel` does not count against the budget (it did before
/// the analyses were merged).
#[test]
fn internal_labels_set_by_a_relabel_do_not_count() {
    let src = pipeline("").replace(
        "    target_label = \"team\"\n    replacement  = \"platform\"",
        "    target_label = \"__tmp\"\n    replacement  = \"x\"",
    );
    assert_eq!(
        names(&src),
        ["cluster", "container", "level", "namespace", "source"]
    );
}

#[test]
fn more_labels_than_the_limit_is_an_error_at_the_source() {
    let ten: String = (0..10).map(|i| format!("    l{i} = \"v\",\n")).collect();
    let src = pipeline(&format!(
        "  stage.static_labels {{\n    values = {{\n{ten}    }}\n  }}\n"
    ));
    let file = parse(&src).unwrap();
    // 6 + 10 = 16 labels.
    let over: Vec<_> = budget(&file, 15)
        .into_iter()
        .filter(|f| matches!(f, LabelFinding::OverBudget { .. }))
        .collect();
    assert_eq!(over.len(), 1, "{over:#?}");
    let d = over[0].to_diagnostic();
    assert!(d.is_error());
    assert_eq!(
        d.line_col(&o11yc_alloy::LineIndex::new(&src), &src),
        (25, 1)
    );
    assert!(
        d.message.starts_with(
            "log streams from loki.source.kubernetes.pods to loki.write.default can carry 16 labels, \
             more than Loki's max_label_names_per_series (15) accepts: cluster, container, l0,"
        ),
        "{d:?}"
    );
    // At the limit: no error.
    assert!(
        budget(&file, 16)
            .iter()
            .all(|f| !matches!(f, LabelFinding::OverBudget { .. }))
    );
}

fn unbounded(src: &str) -> Vec<(String, &'static str, u32)> {
    budget(&parse(src).unwrap(), 15)
        .into_iter()
        .filter_map(|f| match f {
            LabelFinding::Unbounded {
                label,
                reason,
                origin,
            } => Some((label, reason, origin.pos.line)),
            LabelFinding::OverBudget { .. } => None,
        })
        .collect()
}

#[test]
fn unbounded_values_are_warnings_where_they_are_added() {
    // The pod label is dropped: nothing to warn about.
    assert_eq!(unbounded(&pipeline("")), []);
    let kept = pipeline("").replace("values = [\"pod\"]", "values = []");
    assert_eq!(unbounded(&kept), [("pod".to_string(), "pod names", 15)]);
    let trace = pipeline("  stage.labels {\n    values = { trace = \"traceID\" }\n  }\n");
    assert_eq!(unbounded(&trace), [("trace".to_string(), "trace ids", 38)]);
    let d = budget(&parse(&trace).unwrap(), 15)[0].to_diagnostic();
    assert!(!d.is_error());
    assert!(
        d.message.contains(
            "label \"trace\" added by loki.process.pods takes unbounded values (trace ids)"
        )
    );
}

#[test]
fn file_sources_add_filename_and_labelmap_is_unbounded() {
    let src = r#"discovery.relabel "files" {
  targets = [{ __path__ = "/var/log/*.log", job = "files" }]
  rule {
    regex  = "__meta_kubernetes_pod_label_(.+)"
    action = "labelmap"
  }
}
local.file_match "files" {
  path_targets = discovery.relabel.files.output
}
loki.source.file "files" {
  targets    = local.file_match.files.targets
  forward_to = [loki.write.w.receiver]
}
loki.write "w" {
  endpoint { url = "http://loki" }
}
"#;
    assert_eq!(names_of(src), ["filename", "job"]);
    assert_eq!(
        unbounded(src),
        [
            (
                "$1".to_string(),
                "a `labelmap` rule adds one label per matching source label",
                3
            ),
            ("filename".to_string(), "file paths", 11),
        ]
    );
}

fn names_of(src: &str) -> Vec<String> {
    streams(&parse(src).unwrap())[0]
        .labels
        .keys()
        .cloned()
        .collect()
}

#[test]
fn kubernetes_events_and_journal_labels() {
    let src = r#"loki.source.kubernetes_events "events" {
  forward_to = [loki.write.w.receiver]
}
loki.relabel "journal" {
  rule {
    source_labels = ["__journal__systemd_unit"]
    target_label  = "unit"
  }
  forward_to = []
}
loki.source.journal "journal" {
  relabel_rules = loki.relabel.journal.rules
  labels        = { source = "journal" }
  forward_to    = [loki.write.w.receiver]
}
loki.write "w" {
  endpoint { url = "http://loki" }
}
"#;
    let file = parse(src).unwrap();
    let s = streams(&file);
    let by_source: Vec<(String, Vec<String>)> = s
        .iter()
        .map(|s| (s.source.clone(), s.labels.keys().cloned().collect()))
        .collect();
    assert_eq!(
        by_source,
        [
            (
                "loki.source.journal.journal".to_string(),
                vec!["source".to_string(), "unit".to_string()]
            ),
            (
                "loki.source.kubernetes_events.events".to_string(),
                vec![
                    "instance".to_string(),
                    "job".to_string(),
                    "namespace".to_string()
                ]
            ),
        ]
    );
}

/// Bad input never panics: every truncation of a pipeline that still parses,
/// and a forwarding cycle, are analysed without panicking.
#[test]
fn truncated_and_cyclic_pipelines_do_not_panic() {
    let src = pipeline("");
    for end in (0..src.len()).filter(|&i| src.is_char_boundary(i)) {
        if let Ok(file) = parse(&src[..end]) {
            let _ = budget(&file, 15);
        }
    }
    let cyclic = "loki.source.api \"a\" {\n  http { listen_port = 1 }\n  forward_to = [loki.process.p.receiver]\n}\nloki.process \"p\" {\n  forward_to = [loki.relabel.r.receiver, loki.write.w.receiver]\n}\nloki.relabel \"r\" {\n  forward_to = [loki.process.p.receiver]\n}\nloki.write \"w\" {\n  endpoint { url = \"http://l\" }\n}\n";
    let s = streams(&parse(cyclic).unwrap());
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].writer, "loki.write.w");
}

/// A lattice of fan-outs has exponentially many paths; the walk is capped.
#[test]
fn a_lattice_of_fan_outs_finishes() {
    let layers = 40;
    let mut src = String::from(
        "loki.source.api \"a\" {\n  http { listen_port = 1 }\n  forward_to = [loki.relabel.l0a.receiver, loki.relabel.l0b.receiver]\n}\n",
    );
    for i in 0..layers {
        let next = if i + 1 == layers {
            "loki.write.w.receiver".to_string()
        } else {
            format!(
                "loki.relabel.l{}a.receiver, loki.relabel.l{}b.receiver",
                i + 1,
                i + 1
            )
        };
        for side in ["a", "b"] {
            src.push_str(&format!(
                "loki.relabel \"l{i}{side}\" {{\n  forward_to = [{next}]\n}}\n"
            ));
        }
    }
    src.push_str("loki.write \"w\" {\n  endpoint { url = \"http://l\" }\n}\n");
    let started = std::time::Instant::now();
    let s = streams(&parse(&src).unwrap());
    assert_eq!(s.len(), 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
