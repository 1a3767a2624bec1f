//! Tempo: the trace store.

pub mod values;

use super::{Built, Deployable};
use crate::compile::datasources::{self, Datasource, Links};
use crate::compile::emit::monitors::ChartService;
use crate::compile::emit::storage::LocalVolume;
use crate::compile::release::Release;
use crate::model::Storage;
use crate::model::{Component as Section, Profile};
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
        Some(Release {
            name: TEMPO_RELEASE.to_owned(),
            chart: "tempo",
            source: &stack.profile.delivery.charts.tempo,
            namespace: stack.namespace_of(tempo),
            values: values::values(tempo),
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
        Some(ChartService {
            release: TEMPO_RELEASE,
            namespace: stack.namespace_of(tempo).to_owned(),
            port: "tempo-prom-metrics",
            exclude_marked: false,
            job_from_release: false,
        })
    }

    fn datasource(&self, stack: &Stack, links: &Links) -> Option<Datasource> {
        datasources::tempo(stack, links)
    }
}
