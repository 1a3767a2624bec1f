//! `loki.process` stages: JSON level and message, trace ids, audit fields and
//! the unified log schema.
//!
//! Stage templates are Go templates evaluated by Alloy. They use only Go's own
//! template functions (`printf`, `or`, `eq`) and the ones Alloy documents for
//! `stage.template` (`ToLower`, `regexReplaceAll`); string values are quoted with
//! `printf "%q"`, which is JSON for the printable text logs hold.

use o11yc_alloy::{Block, Expr};

fn stage(name: &str) -> Block {
    Block::new(&format!("stage.{name}"), None)
}

fn values<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Expr {
    Expr::object(pairs)
}

/// `stage.static_labels` setting the source label (`name`, `source` by default).
pub fn source_label(name: &str, value: &str) -> Block {
    stage("static_labels").attr("values", values([(name, value)]))
}

/// `stage.json` extracting `(name, JMESPath)` pairs.
pub fn json(expressions: &[(&str, &str)]) -> Block {
    stage("json").attr("expressions", values(expressions.iter().copied()))
}

/// `stage.labels` promoting extracted values to labels.
pub fn labels(names: &[&str]) -> Block {
    stage("labels").attr("values", values(names.iter().map(|n| (*n, ""))))
}

/// `stage.template` setting `source` from a Go template.
pub fn template(source: &str, template: &str) -> Block {
    stage("template")
        .attr("source", source)
        .attr("template", template)
}

/// Normalises the extracted `level` to `debug`, `info`, `warning` or `error`
/// (other values pass through lower-cased).
pub fn normalise_level() -> Block {
    template(
        "level",
        concat!(
            r#"{{ regexReplaceAll "^(warn|warning)$" "#,
            r#"(regexReplaceAll "^(err|error|fatal|panic|crit|critical|alert|emerg)$" "#,
            r#"(regexReplaceAll "^(dbg|debug|trace)$" (ToLower (or .level "")) "debug") "error") "warning" }}"#
        ),
    )
}

/// Stages that take `level` and `msg` from JSON lines and make `level` a label.
pub fn json_level_and_message() -> Vec<Block> {
    vec![
        json(&[
            ("level", "level || lvl || severity"),
            ("msg", "msg || message"),
        ]),
        normalise_level(),
        labels(&["level"]),
    ]
}

/// Stages that find a trace id (JSON `trace_id`/`traceId`, W3C `traceparent`,
/// B3 `X-B3-Traceid`, as Istio access logs print them) and attach it as
/// `trace_id` structured metadata, where Grafana's logs→traces link reads it.
pub fn trace_id() -> Vec<Block> {
    vec![
        json(&[("trace_id", "trace_id || traceId || traceID")]),
        stage("regex").attr(
            "expression",
            r#"(?i)traceparent"?[:=\[\s"]+00-(?P<trace_id>[0-9a-f]{32})-"#,
        ),
        stage("regex").attr(
            "expression",
            r#"(?i)x-b3-traceid"?[:=\[\s"]+(?P<trace_id>[0-9a-f]{16,32})"#,
        ),
        stage("structured_metadata").attr("values", values([("trace_id", "")])),
    ]
}

/// A value in a unified-schema line.
pub enum Field {
    /// A fixed string.
    Text(&'static str),
    /// A fixed string from the profile (the source value).
    Owned(String),
    /// An extracted value, quoted; empty when missing.
    Extracted(&'static str),
    /// A Go template expression producing a string, quoted.
    Expression(&'static str),
    /// An extracted value that already holds JSON (an object), inserted as is.
    RawJson(&'static str),
    /// A nested object.
    Object(Vec<(&'static str, Field)>),
}

impl Field {
    fn render(&self, out: &mut String) {
        match self {
            Field::Text(t) => {
                out.push_str(&serde_json::to_string(t).expect("strings serialize"));
            }
            Field::Owned(t) => {
                out.push_str(&serde_json::to_string(t).expect("strings serialize"));
            }
            Field::Extracted(name) => {
                out.push_str(&format!(r#"{{{{ printf "%q" (or .{name} "") }}}}"#));
            }
            Field::Expression(e) => out.push_str(&format!(r#"{{{{ printf "%q" ({e}) }}}}"#)),
            Field::RawJson(name) => out.push_str(&format!(
                r#"{{{{ if .{name} }}}}{{{{ .{name} }}}}{{{{ else }}}}{{{{ printf "%q" .Entry }}}}{{{{ end }}}}"#
            )),
            Field::Object(fields) => render_object(fields, out),
        }
    }
}

fn render_object(fields: &[(&str, Field)], out: &mut String) {
    out.push('{');
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(key).expect("strings serialize"));
        out.push(':');
        value.render(out);
    }
    out.push('}');
}

/// The Go template writing one unified-schema line.
pub fn unified_template(fields: &[(&'static str, Field)]) -> String {
    let mut out = String::new();
    render_object(fields, &mut out);
    out
}

/// Stages that replace the line with its unified-schema form.
pub fn unified_line(fields: &[(&'static str, Field)]) -> Vec<Block> {
    vec![
        template("unified", &unified_template(fields)),
        stage("output").attr("source", "unified"),
    ]
}

/// Extracts the whole line when it is a JSON object, so the unified schema can
/// keep it as an object under `details`.
pub fn capture_json_line() -> Block {
    stage("regex").attr("expression", r#"^\s*(?P<json_line>\{.*\})\s*$"#)
}

/// Go template expression: the current time in RFC 3339 (UTC), for lines that
/// carry no time of their own. `now` and `dateInZone` are sprig functions, which
/// Alloy's `stage.template` provides.
pub const COLLECTION_TIME: &str = r#"dateInZone "2006-01-02T15:04:05.999999999Z07:00" now "UTC""#;

/// Extracts a container log line's own time into `log_time`: a JSON line's
/// `time`, `ts`, `timestamp` or `@timestamp` field.
pub fn pod_log_time() -> Block {
    json(&[("log_time", r#"time || ts || timestamp || "@timestamp""#)])
}

/// The unified schema of a container log line, labelled `source`. Its `timestamp`
/// is the line's own time (JSON field, else the CRI time of a log file line),
/// else the time Alloy read it.
pub fn unified_pod_log(source: &str) -> Vec<(&'static str, Field)> {
    vec![
        ("source", Field::Owned(source.to_owned())),
        ("level", Field::Expression(r#"or .level "info""#)),
        ("action", Field::Text("log")),
        ("message", Field::Expression("or .msg .Entry")),
        (
            "object",
            Field::Object(vec![
                ("name", Field::Extracted("pod")),
                ("namespace", Field::Extracted("namespace")),
                ("kind", Field::Text("Pod")),
                ("apiVersion", Field::Text("v1")),
                ("apiGroup", Field::Text("")),
            ]),
        ),
        ("pod", Field::Extracted("pod")),
        ("container", Field::Extracted("container")),
        (
            "timestamp",
            Field::Expression(
                r#"or .log_time .time (dateInZone "2006-01-02T15:04:05.999999999Z07:00" now "UTC")"#,
            ),
        ),
        ("details", Field::RawJson("json_line")),
    ]
}

/// Stages for Kubernetes events written by `loki.source.kubernetes_events` as JSON.
pub fn event_fields() -> Vec<Block> {
    vec![
        json(&[
            ("type", "type"),
            ("reason", "reason"),
            ("msg", "msg"),
            ("object_name", "name"),
            ("object_kind", "kind"),
            ("object_api_version", "objectAPIversion"),
        ]),
        template(
            "level",
            r#"{{ if eq (or .type "") "Warning" }}warning{{ else }}info{{ end }}"#,
        ),
        labels(&["level"]),
    ]
}

/// The unified schema of an event, labelled `source`. `loki.source.kubernetes_events`
/// puts the event's time (`lastTimestamp`, else `eventTime`) on the entry, not in the
/// line, and templates cannot read the entry's time: `timestamp` is when Alloy
/// received the event from its watch.
pub fn unified_event(source: &str) -> Vec<(&'static str, Field)> {
    vec![
        ("source", Field::Owned(source.to_owned())),
        ("level", Field::Extracted("level")),
        ("action", Field::Extracted("reason")),
        ("message", Field::Extracted("msg")),
        (
            "object",
            Field::Object(vec![
                ("name", Field::Extracted("object_name")),
                ("namespace", Field::Extracted("namespace")),
                ("kind", Field::Extracted("object_kind")),
                ("apiVersion", Field::Extracted("object_api_version")),
                ("apiGroup", Field::Text("")),
            ]),
        ),
        ("pod", Field::Text("")),
        ("container", Field::Text("")),
        ("timestamp", Field::Expression(COLLECTION_TIME)),
        ("details", Field::RawJson("json_line")),
    ]
}

/// Stages extracting the fields of an audit event and promoting `level` and the
/// `extra_labels` (`verb`, `resource`) to labels. `prefix` is the JMESPath of
/// the event in the line: empty for one event per line (syncer stdout),
/// `items[0].` for a webhook `EventList`, which holds one event because the
/// generated API server flags set `--audit-webhook-batch-max-size=1`.
pub fn audit_fields(prefix: &str, extra_labels: &[&str]) -> Vec<Block> {
    let path = |p: &str| format!("{prefix}{p}");
    let expressions: Vec<(&str, String)> = vec![
        ("verb", path("verb")),
        ("user", path("user.username")),
        ("resource", path("objectRef.resource")),
        ("object_name", path("objectRef.name")),
        ("object_namespace", path("objectRef.namespace")),
        ("object_api_group", path("objectRef.apiGroup")),
        ("object_api_version", path("objectRef.apiVersion")),
        ("code", path("responseStatus.code")),
        ("timestamp", path("requestReceivedTimestamp")),
        (
            "audit_event",
            if prefix.is_empty() {
                "@".to_owned()
            } else {
                prefix.trim_end_matches('.').to_owned()
            },
        ),
    ];
    vec![
        stage("json").attr(
            "expressions",
            Expr::object(expressions.iter().map(|(k, v)| (*k, v.as_str()))),
        ),
        // 5xx → error, 4xx → warning, everything else → info.
        template(
            "level",
            concat!(
                r#"{{ regexReplaceAll "^5[0-9][0-9]$" "#,
                r#"(regexReplaceAll "^4[0-9][0-9]$" "#,
                r#"(regexReplaceAll "^[123][0-9][0-9]$|^$" (or .code "") "info") "warning") "error" }}"#
            ),
        ),
        labels(&[&["level"], extra_labels].concat()),
    ]
}

/// The unified schema of an audit event, labelled `source`.
pub fn unified_audit(source: &str) -> Vec<(&'static str, Field)> {
    vec![
        ("source", Field::Owned(source.to_owned())),
        ("level", Field::Extracted("level")),
        ("action", Field::Extracted("verb")),
        (
            "message",
            Field::Expression(
                r#"printf "%s %s %s/%s by %s" (or .verb "") (or .resource "") (or .object_namespace "") (or .object_name "") (or .user "")"#,
            ),
        ),
        (
            "object",
            Field::Object(vec![
                ("name", Field::Extracted("object_name")),
                ("namespace", Field::Extracted("object_namespace")),
                ("kind", Field::Extracted("resource")),
                ("apiVersion", Field::Extracted("object_api_version")),
                ("apiGroup", Field::Extracted("object_api_group")),
            ]),
        ),
        ("pod", Field::Text("")),
        ("container", Field::Text("")),
        ("timestamp", Field::Extracted("timestamp")),
        ("details", Field::RawJson("audit_event")),
    ]
}

/// `stage.match` running `stages` on lines selected by a LogQL `selector`.
pub fn matching(selector: &str, stages: Vec<Block>) -> Block {
    stage("match").attr("selector", selector).blocks(stages)
}

/// `stage.label_drop` removing labels used only while processing.
pub fn label_drop(names: &[&str]) -> Block {
    stage("label_drop").attr("values", Expr::array(names.iter().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders a template the way Go's text/template would for the simple
    /// actions used here, with every value present, to prove the output is JSON.
    fn fill(template: &str, value: &str) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").unwrap() + start;
            let action = rest[start + 2..end].trim();
            rest = &rest[end + 2..];
            if action.starts_with("printf \"%q\"") {
                out.push_str(&serde_json::to_string(value).unwrap());
            } else if action.starts_with("if ") {
                // Take the `if` branch: the raw JSON value.
                let end_at = rest.find("{{ end }}").unwrap();
                out.push_str(r#"{"raw":true}"#);
                rest = &rest[end_at + "{{ end }}".len()..];
            }
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn unified_templates_produce_json_with_the_schema_keys() {
        for fields in [unified_pod_log("p"), unified_event("e"), unified_audit("a")] {
            let line = fill(&unified_template(&fields), "x \"quoted\"");
            let value: serde_json::Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON: {e}\n{line}"));
            let keys: Vec<&str> = value
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                keys,
                [
                    "source",
                    "level",
                    "action",
                    "message",
                    "object",
                    "pod",
                    "container",
                    "timestamp",
                    "details"
                ]
            );
            let object = value["object"].as_object().unwrap();
            assert_eq!(
                object.keys().map(String::as_str).collect::<Vec<_>>(),
                ["name", "namespace", "kind", "apiVersion", "apiGroup"]
            );
            assert_eq!(value["details"], serde_json::json!({"raw": true}));
        }
    }

    #[test]
    fn unified_timestamps_come_from_the_line_else_the_collection_time() {
        let pod = unified_template(&unified_pod_log("pod_log"));
        assert!(
            pod.contains(r#""timestamp":{{ printf "%q" (or .log_time .time (dateInZone"#),
            "{pod}"
        );
        let event = unified_template(&unified_event("k8s_event"));
        assert!(
            event.contains(&format!(
                r#""timestamp":{{{{ printf "%q" ({COLLECTION_TIME}) }}}}"#
            )),
            "{event}"
        );
        // Nothing reads a field the event line does not have.
        let fields = o11yc_alloy::print(
            &o11yc_alloy::File::new().block(
                Block::labeled("loki.process", "x")
                    .attr("forward_to", Expr::array(Vec::<Expr>::new()))
                    .blocks(event_fields()),
            ),
        );
        assert!(!fields.contains("timestamp"), "{fields}");
        let time = o11yc_alloy::print(
            &o11yc_alloy::File::new().block(
                Block::labeled("loki.process", "x")
                    .attr("forward_to", Expr::array(Vec::<Expr>::new()))
                    .block(pod_log_time()),
            ),
        );
        assert!(
            time.contains(r#"log_time = "time || ts || timestamp || \"@timestamp\"""#),
            "{time}"
        );
    }

    #[test]
    fn webhook_audit_fields_read_the_first_item_of_the_event_list() {
        let blocks = audit_fields("items[0].", &[]);
        let text = o11yc_alloy::print(
            &o11yc_alloy::File::new().block(
                Block::labeled("loki.process", "x")
                    .attr("forward_to", Expr::array(Vec::<Expr>::new()))
                    .blocks(blocks),
            ),
        );
        assert!(
            text.contains(r#"verb               = "items[0].verb""#),
            "{text}"
        );
        assert!(
            text.contains(r#"audit_event        = "items[0]""#),
            "{text}"
        );
    }
}
