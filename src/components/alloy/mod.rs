//! Alloy: the stack's collector. Its pipeline is built by `compile::pipeline`; the
//! Alloy inside each vCluster belongs to the [`vcluster`](super::vcluster) component.

pub mod dashboards;
pub mod rules;
pub mod validate;
pub mod values;

use super::{Built, Deployable};
use crate::compile::dashboards::Entry;
use crate::compile::emit::monitors::ChartService;
use crate::compile::release::{Release, Role};
use crate::compile::rules::builtin::Group;
use crate::diag::codes;
use crate::model::{Component as Section, Profile};
use crate::resolve::Stack;
use crate::resolve::stack::ALLOY_RELEASE;
use crate::validate::Check;

/// The `alloy` component.
pub struct Alloy;

impl Deployable for Alloy {
    fn key(&self) -> &'static str {
        "alloy"
    }

    fn section<'p>(&self, profile: &'p Profile) -> Option<&'p dyn Section> {
        profile.alloy.as_ref().map(|c| c as &dyn Section)
    }

    fn namespace<'p>(&self, stack: &Stack<'p>) -> Option<&'p str> {
        stack.alloy().map(|alloy| stack.namespace_of(alloy))
    }

    /// The chart values come from the pipeline compile built (its mounts and ports).
    fn release<'p>(&self, stack: &Stack<'p>, built: &Built) -> Option<Release<'p>> {
        let alloy = stack.alloy()?;
        Some(Release {
            name: ALLOY_RELEASE.to_owned(),
            chart: "alloy",
            source: &stack.profile.delivery.charts.alloy,
            namespace: stack.namespace_of(alloy),
            values: built.alloy_values.clone()?,
            role: Role::Collector,
        })
    }

    fn chart_service(&self, stack: &Stack) -> Option<ChartService> {
        let alloy = stack.alloy()?;
        Some(ChartService {
            release: ALLOY_RELEASE,
            namespace: stack.namespace_of(alloy).to_owned(),
            port: "http-metrics",
            exclude_marked: false,
            job_from_release: false,
        })
    }

    fn alert_groups(&self) -> &'static [Group] {
        &rules::GROUPS
    }

    fn dashboards(&self) -> &'static [Entry] {
        &dashboards::DASHBOARDS
    }

    fn checks(&self) -> &'static [Check] {
        &[Check {
            code: codes::PIPELINE,
            run: validate::check,
        }]
    }
}
