//! One module per deployable component, and [`COMPONENTS`], the one list of them.
//!
//! Each module holds what o11yc knows about one component: its chart values
//! (`values.rs`) and its [`Deployable`] implementation, which the stages ask for the
//! component's profile section, namespace, Helm release, local volume, scraped Service
//! and Grafana datasource. The stages iterate [`COMPONENTS`] rather than naming components, so a
//! component added to the list gets every artifact it declares, and one left out of the
//! list fails `tests::every_profile_section_is_registered`.
//! `docs/adding-a-component.md` walks through adding one.

pub mod alloy;
pub mod grafana;
pub mod loki;
pub mod prometheus;
pub mod tempo;
pub mod vcluster;

use serde_json::Value;

use crate::compile::dashboards::Entry;
use crate::compile::datasources::{Datasource, Links};
use crate::compile::emit::monitors::ChartService;
use crate::compile::emit::storage::LocalVolume;
use crate::compile::release::Release;
use crate::compile::rules::builtin::Group;
use crate::model::{Component as Section, Profile};
use crate::resolve::Stack;
use crate::validate::Check;

/// What the stages ask of a deployable component. Every method answers for the
/// resolved `stack`: `None` when the component is off or has no such artifact.
pub trait Deployable: Sync {
    /// The profile key of the component's section (`loki`, `prometheus`, ...).
    // Only the registration tests ask for it today; it names the component for the
    // per-component stages being moved onto this trait, and removing it would touch
    // every component module.
    #[cfg_attr(not(test), allow(dead_code))]
    fn key(&self) -> &'static str;

    /// The component's section of `profile`, enabled or not, for the checks and
    /// emitters that walk every section (placement, storage, retention, secrets).
    fn section<'p>(&self, _profile: &'p Profile) -> Option<&'p dyn Section> {
        None
    }

    /// The namespace the component's objects live in, when the stack deploys it.
    fn namespace<'p>(&self, stack: &Stack<'p>) -> Option<&'p str>;

    /// The component's Helm release, when the stack installs one.
    fn release<'p>(&self, _stack: &Stack<'p>, _built: &Built) -> Option<Release<'p>> {
        None
    }

    /// The node-local volume the component's data lives on (`storage.hostPath`).
    fn local_volume<'p>(&self, _stack: &Stack<'p>) -> Option<LocalVolume<'p>> {
        None
    }

    /// The chart's metrics Service, which a ServiceMonitor makes Prometheus scrape.
    fn chart_service(&self, _stack: &Stack) -> Option<ChartService> {
        None
    }

    /// The Grafana datasource that queries the component.
    fn datasource(&self, _stack: &Stack, _links: &Links) -> Option<Datasource> {
        None
    }

    /// Whether the stack deploys the component: its alert groups apply only then.
    fn deployed(&self, stack: &Stack) -> bool {
        self.namespace(stack).is_some()
    }

    /// The built-in alert groups the component ships (`rules.rs` in its module), each
    /// one `monitoring/rules/<name>.yaml` when the component is [`deployed`](Self::deployed).
    fn alert_groups(&self) -> &'static [Group] {
        &[]
    }

    /// The Grafana dashboards the component ships (`dashboards.rs` in its module),
    /// each when Grafana and the datasources it queries are deployed.
    fn dashboards(&self) -> &'static [Entry] {
        &[]
    }

    /// The validation of the component's own settings (`validate.rs` in its module),
    /// run by the validate stage after the generic checks of every section.
    fn checks(&self) -> &'static [Check] {
        &[]
    }
}

/// What compilation built before the releases are assembled.
#[derive(Default)]
pub struct Built {
    /// The stack Alloy's chart values, which depend on the pipeline compile built.
    pub alloy_values: Option<Value>,
}

/// Every component o11yc deploys, in install order: the Prometheus stack first (it
/// brings the monitoring CRDs the others may use), then the stores, Grafana, the
/// collector and the vCluster side. Datasources follow the same order (the first is
/// Grafana's default).
pub static COMPONENTS: [&dyn Deployable; 6] = [
    &prometheus::Prometheus,
    &loki::Loki,
    &tempo::Tempo,
    &grafana::Grafana,
    &alloy::Alloy,
    &vcluster::VCluster,
];

#[cfg(test)]
mod tests;
