//! Tempo: the trace store.

pub mod distributed;
pub mod rules;
pub mod values;

use super::{Built, Deployable};
use crate::compile::datasources::{self, Datasource, Links};
use crate::compile::emit::monitors::ChartService;
use crate::compile::emit::storage::LocalVolume;
use crate::compile::release::{Release, Role};
use crate::compile::rules::builtin::Group;
use crate::model::{Component as Section, Profile};
use crate::model::{Storage, TempoMode};
use crate::resolve::Stack;
use crate::resolve::stack::TEMPO_RELEASE;

/// The `tempo` component.
pub struct Tempo;

impl Deployable for Tempo {
    fn key(&self) -> &'static str {
        "tempo"
    }

    fn section<'p>(&self, profile: &'p Profile) -> Option<&'p dyn Section> {
        profile.tempo.as_ref().map(|c| c as &dyn Section)
    }

    fn namespace<'p>(&self, stack: &Stack<'p>) -> Option<&'p str> {
        stack.tempo().map(|tempo| stack.namespace_of(tempo))
    }

    fn release<'p>(&self, stack: &Stack<'p>, _built: &Built) -> Option<Release<'p>> {
        let tempo = stack.tempo()?;
        let charts = &stack.profile.delivery.charts;
        let (chart, source, values) = match (tempo.mode, &tempo.storage, &tempo.kafka) {
            (TempoMode::Distributed, Storage::ObjectStore(store), Some(kafka)) => (
                "tempo-distributed",
                &charts.tempo_distributed,
                distributed::values(tempo, store, kafka),
            ),
            _ => ("tempo", &charts.tempo, values::values(tempo)),
        };
        Some(Release {
            name: TEMPO_RELEASE.to_owned(),
            chart,
            source,
            namespace: stack.namespace_of(tempo),
            values,
            role: Role::Store,
        })
    }

    fn local_volume<'p>(&self, stack: &Stack<'p>) -> Option<LocalVolume<'p>> {
        let tempo = stack.tempo()?;
        let Storage::HostPath(volume) = &tempo.storage else {
            return None;
        };
        Some(LocalVolume {
            component: "tempo",
            namespace: stack.namespace_of(tempo),
            claim: format!("storage-{TEMPO_RELEASE}-0"),
            volume,
        })
    }

    fn chart_service(&self, stack: &Stack) -> Option<ChartService> {
        let tempo = stack.tempo()?;
        let distributed = tempo.mode == TempoMode::Distributed;
        Some(ChartService {
            release: TEMPO_RELEASE,
            namespace: stack.namespace_of(tempo).to_owned(),
            // tempo-distributed names every role's metrics port `http-metrics`
            // and marks its headless discovery Services like Loki's.
            port: if distributed {
                "http-metrics"
            } else {
                "tempo-prom-metrics"
            },
            exclude_marked: distributed,
            job_from_release: distributed,
        })
    }

    fn datasource(&self, stack: &Stack, links: &Links) -> Option<Datasource> {
        datasources::tempo(stack, links)
    }

    fn alert_groups(&self) -> &'static [Group] {
        &rules::GROUPS
    }
}
