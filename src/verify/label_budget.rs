//! The Loki label budget of a generated Alloy pipeline, located in the
//! profile: a stream with more label names than the profile's Loki accepts
//! (`max_label_names_per_series` in the generated Loki limits) is an error,
//! a label with unbounded values a warning, each at the profile key that
//! adds the labels.

use o11yc_alloy::check::labels::{LabelFinding, Origin, budget};

use crate::compile::pipeline::{CUSTOM_MARKER, run_labels};
use crate::components::loki::values::max_label_names_per_series;
use crate::diag::{Diagnostic, Severity};
use crate::load::{Located, Node};
use crate::model::{Loki, Profile};
use crate::validate::{Step, error_at};

/// Where a pipeline's parts come from in the profile.
struct Keys<'a> {
    base: &'a [Step<'a>],
    /// First line of the `custom` snippet in the pipeline text.
    custom_from: usize,
    /// Label names from `vcluster.namespaceFormat` placeholders.
    run_labels: Vec<&'a str>,
}

impl<'a> Keys<'a> {
    fn path(&self, rest: &[Step<'a>]) -> Vec<Step<'a>> {
        self.base.iter().chain(rest).copied().collect()
    }

    fn in_custom(&self, origin: &Origin) -> bool {
        origin.pos.line as usize >= self.custom_from
    }

    /// The key that adds an unbounded label.
    fn unbounded(&self, label: &str, origin: &Origin) -> Vec<Step<'a>> {
        if self.in_custom(origin) {
            return self.path(&[Step::Key("custom")]);
        }
        let from = |part: &str| origin.component.contains(part);
        match label {
            "pod" => self.path(&[Step::Key("logs"), Step::Key("pods"), Step::Key("podLabel")]),
            _ if from("pod_logs") => {
                self.path(&[Step::Key("logs"), Step::Key("pods"), Step::Key("via")])
            }
            _ if from("rke2") => self.path(&[Step::Key("logs"), Step::Key("rke2")]),
            _ => self.path(&[Step::Key("logs")]),
        }
    }

    /// The key to change for a stream over the budget.
    fn over_budget(&self, origins: &[&Origin], labels: &[&str]) -> Vec<Step<'a>> {
        if origins.iter().any(|o| self.in_custom(o)) {
            self.path(&[Step::Key("custom")])
        } else if labels.iter().any(|l| self.run_labels.contains(l)) {
            vec![Step::Key("vcluster"), Step::Key("namespaceFormat")]
        } else {
            self.path(&[Step::Key("logs")])
        }
    }
}

/// Checks the label budget of `file` (the pipeline text `text` parsed), built
/// for the Alloy at `base`.
pub(crate) fn check(
    profile: &Profile,
    loki: &Loki,
    base: &[Step],
    text: &str,
    file: &o11yc_alloy::File,
    root: &Located<Node>,
    out: &mut Vec<Diagnostic>,
) {
    let custom_from = text
        .lines()
        .position(|l| l == CUSTOM_MARKER)
        .map_or(usize::MAX, |i| i + 2);
    let run_labels = profile
        .vcluster
        .as_ref()
        .map(|v| run_labels::placeholders(&v.namespace_format))
        .unwrap_or_default();
    let keys = Keys {
        base,
        custom_from,
        run_labels,
    };
    let limit = max_label_names_per_series(loki);
    for finding in budget(file, limit) {
        let d = finding.to_diagnostic();
        let path = match &finding {
            LabelFinding::Unbounded { label, origin, .. } => keys.unbounded(label, origin),
            LabelFinding::OverBudget { stream, .. } => {
                let origins: Vec<&Origin> = stream.labels.values().collect();
                let labels: Vec<&str> = stream.labels.keys().map(String::as_str).collect();
                keys.over_budget(&origins, &labels)
            }
        };
        let mut located = error_at(root, &path, {
            let (line, col) = d.line_col(&o11yc_alloy::LineIndex::new(text), text);
            format!(
                "Alloy: {} (line {line}, column {col} of the pipeline)",
                d.message
            )
        });
        if !d.is_error() {
            located.severity = Severity::Warning;
        }
        if let Some(help) = d.help {
            located = located.help(help);
        }
        out.push(located.note(format!(
            "Loki accepts at most {limit} label names per stream (limits_config.max_label_names_per_series)"
        )));
    }
}
