//! kube-prometheus-stack: Prometheus, Alertmanager, the Prometheus Operator and its
//! CRDs, and (when `grafana.host` says so) Grafana.

pub mod dashboards;
pub mod rules;
pub mod validate;
pub mod values;

use super::{Built, Deployable};
use crate::compile::dashboards::Entry;
use crate::compile::datasources::{self, Datasource, Links};
use crate::compile::emit::storage::LocalVolume;
use crate::compile::release::{Release, Role};
use crate::compile::rules::builtin::Group;
use crate::diag::codes;
use crate::model::Storage;
use crate::model::{Component as Section, Profile};
use crate::resolve::Stack;
use crate::resolve::stack::kps_fullname;
use crate::validate::Check;

/// The `prometheus` component.
pub struct Prometheus;

impl Deployable for Prometheus {
    fn key(&self) -> &'static str {
        "prometheus"
    }

    fn section<'p>(&self, profile: &'p Profile) -> Option<&'p dyn Section> {
        profile.prometheus.as_ref().map(|c| c as &dyn Section)
    }

    fn namespace<'p>(&self, stack: &Stack<'p>) -> Option<&'p str> {
        stack.prometheus().map(|kps| stack.namespace_of(kps))
    }

    fn release<'p>(&self, stack: &Stack<'p>, _built: &Built) -> Option<Release<'p>> {
        let kps = stack.prometheus()?;
        Some(Release {
            name: kps.release_name.clone(),
            chart: "kube-prometheus-stack",
            source: &stack.profile.delivery.charts.kube_prometheus_stack,
            namespace: stack.namespace_of(kps),
            values: values::values(stack, kps),
            role: Role::Store,
        })
    }

    fn local_volume<'p>(&self, stack: &Stack<'p>) -> Option<LocalVolume<'p>> {
        let kps = stack.prometheus()?;
        let Some(Storage::HostPath(volume)) = &kps.storage else {
            return None;
        };
        let prometheus = format!("{}-prometheus", kps_fullname(&kps.release_name));
        Some(LocalVolume {
            component: "prometheus",
            namespace: stack.namespace_of(kps),
            claim: format!("prometheus-{prometheus}-db-prometheus-{prometheus}-0"),
            volume,
        })
    }

    fn datasource(&self, stack: &Stack, links: &Links) -> Option<Datasource> {
        datasources::prometheus(stack, links)
    }

    fn alert_groups(&self) -> &'static [Group] {
        &rules::GROUPS
    }

    fn dashboards(&self) -> &'static [Entry] {
        &dashboards::DASHBOARDS
    }

    fn checks(&self) -> &'static [Check] {
        &[Check {
            code: codes::SETTINGS,
            run: validate::check,
        }]
    }
}
