//! Run labels: the placeholders of `vcluster.namespaceFormat` (`installer`,
//! `run_id`, `run_attempt`, ...) extracted from a namespace name by relabel rules.

use o11yc_alloy::{Block, Expr};

use super::relabel;

use crate::model::VCluster;
pub use crate::resolve::namespace_format::{Piece, default_pattern, pieces, placeholders};

/// A namespace format compiled to an anchored RE2 expression with one group per label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunLabels {
    /// The expression, e.g. `^test-([^-]+)-(.+)-([0-9]+)$`.
    pub regex: String,
    /// Label names in group order.
    pub labels: Vec<String>,
    /// Label for the whole namespace, when the profile asks for one.
    pub namespace_label: Option<String>,
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl RunLabels {
    /// Compiles the profile's format. Validation has checked its syntax; a
    /// malformed format yields no labels.
    pub fn new(vcluster: &VCluster) -> RunLabels {
        let mut regex = String::from("^");
        let mut labels = Vec::new();
        for piece in pieces(&vcluster.namespace_format).unwrap_or_default() {
            match piece {
                Piece::Text(t) => regex.push_str(&escape(t)),
                Piece::Placeholder(name) => {
                    let pattern = vcluster
                        .label_patterns
                        .get(name)
                        .map(String::as_str)
                        .unwrap_or_else(|| default_pattern(name));
                    regex.push('(');
                    regex.push_str(pattern);
                    regex.push(')');
                    labels.push(name.to_owned());
                }
            }
        }
        regex.push('$');
        RunLabels {
            regex,
            labels,
            namespace_label: vcluster.namespace_label.clone(),
        }
    }

    /// Relabel rules that copy each placeholder of `source_label` (a label holding
    /// the namespace name) into its own label. Rules are the same for discovery,
    /// log and metric relabelling.
    pub fn rules(&self, source_label: &str) -> Vec<Block> {
        let mut rules = Vec::new();
        if let Some(name) = &self.namespace_label {
            rules.push(relabel::copy(&[source_label], name));
        }
        for (i, label) in self.labels.iter().enumerate() {
            rules.push(
                Block::new("rule", None)
                    .attr("source_labels", Expr::array([source_label]))
                    .attr("regex", self.regex.as_str())
                    .attr("target_label", label.as_str())
                    .attr("replacement", format!("${}", i + 1)),
            );
        }
        rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn vcluster(format: &str) -> VCluster {
        VCluster {
            namespace_format: format.to_owned(),
            label_patterns: BTreeMap::new(),
            namespace_label: None,
            audit_policy: Default::default(),
            alloy: None,
        }
    }

    /// Matches with the `regex` crate, whose syntax is RE2's, as Alloy's is.
    fn captures(labels: &RunLabels, name: &str) -> Option<Vec<String>> {
        let re = regex::Regex::new(&labels.regex).unwrap();
        re.captures(name).map(|c| {
            c.iter()
                .skip(1)
                .map(|m| m.unwrap().as_str().to_owned())
                .collect()
        })
    }

    #[test]
    fn the_test_format_splits_a_uuid_run_id_correctly() {
        let labels = RunLabels::new(&vcluster("test-{installer}-{run_id}-{run_attempt}"));
        assert_eq!(labels.regex, "^test-([^-]+)-(.+)-([0-9]+)$");
        assert_eq!(labels.labels, ["installer", "run_id", "run_attempt"]);
        assert_eq!(
            captures(&labels, "test-ci-550e8400-e29b-41d4-a89f-446657440000-1").unwrap(),
            ["ci", "550e8400-e29b-41d4-a89f-446657440000", "1"]
        );
        assert_eq!(captures(&labels, "monitoring"), None);
    }

    #[test]
    fn the_kaiwo_format_extracts_its_github_labels() {
        let labels = RunLabels::new(&vcluster(
            "kaiwo-test-{github_run_id}-{github_run_attempt}-{installer}",
        ));
        assert_eq!(labels.regex, "^kaiwo-test-(.+)-([0-9]+)-([^-]+)$");
        assert_eq!(
            captures(&labels, "kaiwo-test-123-1-helm").unwrap(),
            ["123", "1", "helm"]
        );
    }

    #[test]
    fn literal_text_is_escaped_and_patterns_can_be_overridden() {
        let mut v = vcluster("ci.{team}-{run}");
        v.label_patterns.insert("run".into(), "[a-z0-9-]+".into());
        let labels = RunLabels::new(&v);
        assert_eq!(labels.regex, "^ci\\.([^-]+)-([a-z0-9-]+)$");
    }

    #[test]
    fn malformed_formats_are_detected() {
        assert!(pieces("test-{run").is_none());
        assert!(pieces("test-}run{").is_none());
        assert_eq!(
            pieces("a{b}c").unwrap(),
            [Piece::Text("a"), Piece::Placeholder("b"), Piece::Text("c")]
        );
    }
}
