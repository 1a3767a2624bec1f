//! Prometheus settings the schema cannot express: its TSDB lives on a volume, and its
//! monitor selector selects something.

use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::Storage;
use crate::resolve::Stack;
use crate::validate::{Step, error_at};

/// Checks the `prometheus` section, when Prometheus is enabled.
pub fn check(stack: &Stack, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let profile = stack.profile;
    if let Some(kps) = profile.prometheus.as_ref().filter(|p| p.enabled) {
        if let Some(Storage::ObjectStore(_)) = &kps.storage {
            out.push(
                error_at(
                    root,
                    &[
                        Step::Key("prometheus"),
                        Step::Key("storage"),
                        Step::Key("objectStore"),
                    ],
                    "Prometheus keeps its TSDB on a volume, not in an object store",
                )
                .expected("`hostPath` or `claim`")
                .help("use `claim: { size: 50Gi }`, or `hostPath` for a local disk"),
            );
        }
        if kps.selector_labels().is_empty() {
            out.push(
                error_at(root, &[Step::Key("prometheus"), Step::Key("monitorSelector")],
                    "an empty `monitorSelector` makes Prometheus select no monitors with this chart")
                    .help("remove the key to use `release: <releaseName>`, or give at least one label"),
            );
        }
    }
}
