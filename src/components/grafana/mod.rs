//! Grafana: on its own chart, or inside kube-prometheus-stack (`grafana.host`).

pub mod validate;
pub mod values;

use super::{Built, Deployable};
use crate::compile::release::{Release, Role};
use crate::diag::codes;
use crate::model::{Component as Section, Profile};
use crate::resolve::Stack;
use crate::resolve::stack::GRAFANA_RELEASE;
use crate::validate::Check;

/// The `grafana` component.
pub struct Grafana;

impl Deployable for Grafana {
    fn key(&self) -> &'static str {
        "grafana"
    }

    fn section<'p>(&self, profile: &'p Profile) -> Option<&'p dyn Section> {
        profile.grafana.as_ref().map(|c| c as &dyn Section)
    }

    fn namespace<'p>(&self, stack: &Stack<'p>) -> Option<&'p str> {
        stack
            .grafana()
            .map(|grafana| stack.grafana_namespace(grafana))
    }

    /// Only standalone Grafana has a release; kube-prometheus-stack's values carry the other.
    fn release<'p>(&self, stack: &Stack<'p>, _built: &Built) -> Option<Release<'p>> {
        let grafana = stack.standalone_grafana()?;
        Some(Release {
            name: GRAFANA_RELEASE.to_owned(),
            chart: "grafana",
            source: &stack.profile.delivery.charts.grafana,
            namespace: stack.namespace_of(grafana),
            values: values::values(stack, grafana),
            role: Role::Independent,
        })
    }

    fn checks(&self) -> &'static [Check] {
        &[Check {
            code: codes::SETTINGS,
            run: validate::check,
        }]
    }
}
