//! The vCluster side: the vCluster chart values, the audit policy and the Alloy
//! installed inside each vCluster. It runs in the vClusters CI creates, not in the
//! stack's namespaces, so it has no namespace or release of its own here; its files
//! come from `compile::emit::vcluster`.

pub mod rules;
pub mod validate;
pub mod values;

use super::Deployable;
use crate::compile::rules::builtin::Group;
use crate::diag::codes;
use crate::resolve::Stack;
use crate::validate::Check;

/// The `vcluster` component.
pub struct VCluster;

impl Deployable for VCluster {
    fn key(&self) -> &'static str {
        "vcluster"
    }

    fn namespace<'p>(&self, _stack: &Stack<'p>) -> Option<&'p str> {
        None
    }

    /// Its operators' alerts apply whenever the profile has a `vcluster` section.
    fn deployed(&self, stack: &Stack) -> bool {
        stack.profile.vcluster.is_some()
    }

    fn alert_groups(&self) -> &'static [Group] {
        &rules::GROUPS
    }

    fn checks(&self) -> &'static [Check] {
        &[
            Check {
                code: codes::SETTINGS,
                run: validate::check_namespace_format,
            },
            Check {
                code: codes::PIPELINE,
                run: validate::check,
            },
        ]
    }
}
