//! Loki: the log store.

pub mod dashboards;
pub mod rules;
pub mod values;

use super::{Built, Deployable};
use crate::compile::dashboards::Entry;
use crate::compile::datasources::{self, Datasource, Links};
use crate::compile::emit::monitors::ChartService;
use crate::compile::emit::storage::LocalVolume;
use crate::compile::release::{Release, Role};
use crate::compile::rules::builtin::Group;
use crate::model::{Component as Section, Profile};
use crate::model::{LokiMode, Storage};
use crate::resolve::Stack;
use crate::resolve::stack::LOKI_RELEASE;

/// The `loki` component.
pub struct Loki;

impl Deployable for Loki {
    fn key(&self) -> &'static str {
        "loki"
    }

    fn section<'p>(&self, profile: &'p Profile) -> Option<&'p dyn Section> {
        profile.loki.as_ref().map(|c| c as &dyn Section)
    }

    fn namespace<'p>(&self, stack: &Stack<'p>) -> Option<&'p str> {
        stack.loki().map(|loki| stack.namespace_of(loki))
    }

    fn release<'p>(&self, stack: &Stack<'p>, _built: &Built) -> Option<Release<'p>> {
        let loki = stack.loki()?;
        Some(Release {
            name: LOKI_RELEASE.to_owned(),
            chart: "loki",
            source: &stack.profile.delivery.charts.loki,
            namespace: stack.namespace_of(loki),
            values: values::values(loki, &stack.profile.cluster.nodes),
            role: Role::Store,
        })
    }

    fn local_volume<'p>(&self, stack: &Stack<'p>) -> Option<LocalVolume<'p>> {
        let loki = stack.loki()?;
        let Storage::HostPath(volume) = &loki.storage else {
            return None;
        };
        Some(LocalVolume {
            component: "loki",
            namespace: stack.namespace_of(loki),
            claim: format!("storage-{LOKI_RELEASE}-0"),
            volume,
        })
    }

    fn chart_service(&self, stack: &Stack) -> Option<ChartService> {
        let loki = stack.loki()?;
        Some(ChartService {
            release: LOKI_RELEASE,
            namespace: stack.namespace_of(loki).to_owned(),
            port: "http-metrics",
            exclude_marked: true,
            job_from_release: loki.mode == LokiMode::Distributed,
        })
    }

    fn datasource(&self, stack: &Stack, links: &Links) -> Option<Datasource> {
        datasources::loki(stack, links)
    }

    fn alert_groups(&self) -> &'static [Group] {
        &rules::GROUPS
    }

    fn dashboards(&self) -> &'static [Entry] {
        &dashboards::DASHBOARDS
    }
}
