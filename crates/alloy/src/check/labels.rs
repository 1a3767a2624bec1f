//! The Loki label budget, computed statically on the Alloy syntax tree.
//!
//! Loki refuses a stream with more label names than its
//! `max_label_names_per_series` limit (15 by default), and only at ingestion:
//! the Alloy configuration loads and the logs are dropped. For every log
//! source and writer, this module takes the label names a stream can carry
//! on any path between them, from the label analysis of [`crate::streams`]
//! (which says what each component adds and removes).
//!
//! The result is an upper bound: a rule is assumed to fire, and the paths a
//! `stage.match` forks are united. `labelmap` rules add a number of labels no
//! static analysis can bound; they are reported as [`LabelFinding::Unbounded`]
//! with that reason.
//!
//! Label *values* known to be unbounded (pod names and UIDs, container ids,
//! trace ids, file paths; see Loki's label best practices) are reported as
//! [`LabelFinding::Unbounded`] at the rule or stage that adds them.

use std::collections::{BTreeMap, HashSet};

use crate::diag::{Diagnostic, Kind};
pub use crate::streams::Origin;
use crate::streams::Signal;
use crate::syntax::ast::{Block, ExprKind, File, Pos, Stmt};

/// The label names streams from one source can carry at one writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stream {
    /// The source component (`loki.source.kubernetes.pod_logs`).
    pub source: String,
    /// Where the source is declared.
    pub source_pos: Pos,
    /// The writer (`loki.write.default`).
    pub writer: String,
    /// Label name → where it is added, sorted by name.
    pub labels: BTreeMap<String, Origin>,
}

/// A finding of the label analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelFinding {
    /// A stream can carry more label names than the limit.
    OverBudget {
        /// The stream.
        stream: Stream,
        /// The limit (`max_label_names_per_series`).
        limit: usize,
    },
    /// A label whose values (or, for `labelmap`, whose names) are unbounded.
    Unbounded {
        /// The label name (for `labelmap`, the rule's replacement).
        label: String,
        /// Where it is added.
        origin: Origin,
        /// What makes it unbounded (`pod names`).
        reason: &'static str,
    },
}

impl LabelFinding {
    /// The finding as a located diagnostic: an error over the budget, a
    /// warning for an unbounded label.
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            LabelFinding::OverBudget { stream, limit } => {
                let names: Vec<&str> = stream.labels.keys().map(String::as_str).collect();
                Diagnostic::error(
                    Kind::LabelBudget,
                    stream.source_pos,
                    format!(
                        "log streams from {} to {} can carry {} labels, more than Loki's \
                         max_label_names_per_series ({limit}) accepts: {}",
                        stream.source,
                        stream.writer,
                        names.len(),
                        names.join(", ")
                    ),
                )
                .with_help(
                    "drop labels (`stage.label_drop`), or keep the values as structured metadata \
                     (`stage.structured_metadata`) or in the line; Loki rejects such streams at ingestion",
                )
            }
            LabelFinding::Unbounded {
                label,
                origin,
                reason,
            } => Diagnostic::warning(
                Kind::UnboundedLabel,
                origin.pos,
                format!(
                    "label \"{label}\" added by {} takes unbounded values ({reason}): \
                     every new value starts new streams",
                    origin.component
                ),
            )
            .with_help(
                "keep such values in the log line or as structured metadata \
                 (`stage.structured_metadata`), not as labels",
            ),
        }
    }
}

/// Every log stream (source → writer) of `file` with the label names it can
/// carry on any path between them (where each is added on the first path).
pub fn streams(file: &File) -> Vec<Stream> {
    let mut out: BTreeMap<(String, String), Stream> = BTreeMap::new();
    for path in crate::streams::streams_of(file, Some(Signal::Logs)) {
        let stream = out
            .entry((path.source.clone(), path.writer.clone()))
            .or_insert_with(|| Stream {
                source: path.source,
                source_pos: path.source_pos,
                writer: path.writer,
                labels: BTreeMap::new(),
            });
        for (name, label) in path.labels {
            stream.labels.entry(name).or_insert(label.origin);
        }
    }
    out.into_values().collect()
}

/// The label budget of `file` against `limit`: streams over the limit, and
/// labels with unbounded values (each once, in source order).
pub fn budget(file: &File, limit: usize) -> Vec<LabelFinding> {
    let streams = streams(file);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for stream in &streams {
        for (name, origin) in &stream.labels {
            if let Some(reason) = origin.unbounded
                && seen.insert((name.clone(), origin.pos.offset))
            {
                out.push(LabelFinding::Unbounded {
                    label: name.clone(),
                    origin: origin.clone(),
                    reason,
                });
            }
        }
    }
    for (label, origin) in labelmaps(file) {
        out.push(LabelFinding::Unbounded {
            label,
            reason: "a `labelmap` rule adds one label per matching source label",
            origin,
        });
    }
    out.sort_by_key(|f| match f {
        LabelFinding::Unbounded { origin, .. } => origin.pos.offset,
        LabelFinding::OverBudget { .. } => 0,
    });
    for stream in streams {
        if stream.labels.len() > limit {
            out.push(LabelFinding::OverBudget { stream, limit });
        }
    }
    out
}

/// `labelmap` rules of the components of `file`, with their replacement.
fn labelmaps(file: &File) -> Vec<(String, Origin)> {
    let mut out = Vec::new();
    for stmt in &file.body {
        let Stmt::Block(block) = stmt else { continue };
        if block.label.is_none() {
            continue;
        }
        for rule in block.children("rule") {
            if attr_string(rule, "action") == Some("labelmap") {
                out.push((
                    attr_string(rule, "replacement").unwrap_or("$1").to_string(),
                    Origin {
                        component: block.id(),
                        pos: rule.span.start,
                        unbounded: None,
                    },
                ));
            }
        }
    }
    out
}

fn attr_string<'b>(block: &'b Block, name: &str) -> Option<&'b str> {
    match &block.get(name)?.kind {
        ExprKind::String(s) | ExprKind::RawString(s) => Some(s),
        _ => None,
    }
}
