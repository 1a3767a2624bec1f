//! The log streams an Alloy pipeline writes and their label sets, as the
//! query linker reads them: from the label analysis of the pipeline's syntax
//! tree ([`o11yc_alloy::streams`]), one stream per distinct label set.
//!
//! [`StreamLabels`] is the interface the linker uses, so another analysis of
//! the pipeline can replace [`FromAst`] without touching the linker.

use std::collections::{BTreeMap, BTreeSet};

use o11yc_alloy::File;
use o11yc_alloy::streams::{Signal, streams_of};

/// A label's value on a stream.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    /// The same on every line (`source = "pod_log"`).
    Static(String),
    /// Taken from the data (a Kubernetes label, a parsed field).
    Dynamic,
}

/// One kind of stream a pipeline writes: its label names and known values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stream {
    /// The component that reads it (`loki.source.kubernetes.pod_logs`).
    pub origin: String,
    /// Label name → value.
    pub labels: BTreeMap<String, Value>,
    /// Structured metadata keys lines may carry (`trace_id`).
    pub metadata: BTreeSet<String>,
}

impl Stream {
    /// The static value of `label`, when it has one.
    pub fn value(&self, label: &str) -> Option<&str> {
        match self.labels.get(label) {
            Some(Value::Static(v)) => Some(v),
            _ => None,
        }
    }
}

/// Something that knows the streams of a pipeline.
pub trait StreamLabels {
    /// The streams `file` writes to Loki.
    fn streams(&self, file: &File) -> Vec<Stream>;
}

/// The streams of [`o11yc_alloy::streams`]: a label with one fixed value is
/// static, any other dynamic.
pub struct FromAst;

impl StreamLabels for FromAst {
    fn streams(&self, file: &File) -> Vec<Stream> {
        // Log paths only: a pipeline's scrape targets (thousands) have no streams.
        let mut out: Vec<Stream> = streams_of(file, Some(Signal::Logs))
            .into_iter()
            .map(|s| Stream {
                origin: s.source,
                labels: s
                    .labels
                    .into_iter()
                    .map(|(name, label)| {
                        let value = label
                            .values
                            .single()
                            .map_or(Value::Dynamic, |v| Value::Static(v.to_owned()));
                        (name, value)
                    })
                    .collect(),
                metadata: s.metadata,
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.origin, &a.labels, &a.metadata).cmp(&(&b.origin, &b.labels, &b.metadata))
        });
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streams(text: &str) -> Vec<Stream> {
        FromAst.streams(&o11yc_alloy::parse(text).expect("test pipelines parse"))
    }

    /// A label with one fixed value is static, any other dynamic; structured
    /// metadata keys are kept.
    #[test]
    fn fixed_values_are_static_and_metadata_is_kept() {
        let found = streams(
            r#"
loki.source.journal "journal" {
  labels     = { source = "journal", node = sys.env("HOSTNAME") }
  forward_to = [loki.process.j.receiver]
}
loki.process "j" {
  stage.structured_metadata {
    values = { trace_id = "" }
  }
  forward_to = [loki.write.default.receiver]
}
loki.write "default" {
  endpoint { url = "http://loki/loki/api/v1/push" }
  external_labels = { cluster = "c" }
}
"#,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        let journal = &found[0];
        assert_eq!(journal.origin, "loki.source.journal.journal");
        assert_eq!(journal.value("source"), Some("journal"));
        assert_eq!(journal.value("cluster"), Some("c"));
        assert_eq!(journal.labels.get("node"), Some(&Value::Dynamic));
        assert_eq!(journal.metadata, BTreeSet::from(["trace_id".to_owned()]));
    }
}
