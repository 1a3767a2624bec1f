//! What a profile collects: the metric sources Prometheus gets series from and
//! the log streams Alloy writes to Loki.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use crate::compile::pipeline::run_labels::RunLabels;
use crate::compile::pipeline::{self, Pipelines, Side};
use crate::model::Alloy;
use crate::resolve::stack::Stack;

use super::metrics::{MetricSource, TARGET_LABELS};
use super::streams::{FromAst, Stream, StreamLabels};

/// The telemetry a profile collects.
#[derive(Clone, Debug, Default)]
pub struct Collected {
    /// Metric sources, each with the labels its series carry beyond the table's
    /// (the `cluster` and run labels Alloy adds when it delivers them).
    pub metrics: BTreeMap<MetricSource, BTreeSet<String>>,
    /// The profile scrapes targets whose metric names o11yc cannot know
    /// (`monitors`, `metrics.targets`, monitor discovery): unknown names pass.
    pub open_metrics: bool,
    /// Log streams written to Loki.
    pub streams: Vec<Stream>,
    /// A `custom` Alloy snippet may write streams o11yc does not see.
    pub open_streams: bool,
}

impl Collected {
    /// What `stack` collects, with the streams read by [`FromAst`]: the table the
    /// driver resolved once for the profile ([`Stack::with_collected`]), else computed
    /// now (which builds the profile's pipelines).
    pub fn of<'p>(stack: &Stack<'p>) -> Cow<'p, Collected> {
        match stack.collected() {
            Some(collected) => Cow::Borrowed(collected),
            None => Cow::Owned(Collected::with(stack, &FromAst)),
        }
    }

    /// What `stack` collects, with streams from `analysis` of pipelines built for it
    /// (only their log components: see [`pipeline::build_logs`]).
    pub fn with(stack: &Stack, analysis: &dyn StreamLabels) -> Collected {
        let logs: Vec<(Side, pipeline::Pipeline)> = stack
            .alloys()
            .into_iter()
            .map(|(alloy, side)| (side, pipeline::build_logs(*stack, alloy, side)))
            .collect();
        Collected::read(stack, &logs, analysis)
    }

    /// What `stack` collects, with the streams read (by [`FromAst`]) from the
    /// profile's `pipelines` as the driver built them, once, for compilation.
    pub fn from_pipelines(stack: &Stack, pipelines: &Pipelines) -> Collected {
        Collected::read(stack, &pipelines.0, &FromAst)
    }

    fn read(
        stack: &Stack,
        pipelines: &[(Side, pipeline::Pipeline)],
        analysis: &dyn StreamLabels,
    ) -> Collected {
        let mut out = Collected::default();
        let Some(kps) = stack.prometheus() else {
            out.add_logs(stack, pipelines, analysis);
            return out;
        };
        let scraped: BTreeSet<String> = BTreeSet::new();
        out.add(MetricSource::Prometheus, &scraped);
        // kube-prometheus-stack's default kubelet ServiceMonitor scrapes both.
        out.add(MetricSource::Kubelet, &scraped);
        out.add(MetricSource::Cadvisor, &scraped);
        if kps.kube_state_metrics.enabled {
            out.add(MetricSource::KubeStateMetrics, &scraped);
        }
        if kps.node_exporter.enabled {
            out.add(MetricSource::NodeExporter, &scraped);
        }
        // o11yc writes a ServiceMonitor for each of these (monitoring/monitors/).
        if stack.alloy().is_some() {
            out.add(MetricSource::Alloy, &scraped);
        }
        if stack.loki().is_some() {
            out.add(MetricSource::Loki, &scraped);
        }
        if stack.tempo().is_some() {
            out.add(MetricSource::Tempo, &scraped);
        }
        out.open_metrics |= !stack.profile.monitors.is_empty();
        let run = run_label_names(stack);
        for (alloy, side) in stack.alloys() {
            let mut extra = BTreeSet::from(["cluster".to_owned()]);
            if side == Side::VCluster {
                extra.extend(run.iter().cloned());
            }
            out.add_alloy_metrics(alloy, &extra);
        }
        out.add_logs(stack, pipelines, analysis);
        out
    }

    fn add(&mut self, source: MetricSource, extra: &BTreeSet<String>) {
        self.metrics
            .entry(source)
            .or_default()
            .extend(extra.iter().cloned());
    }

    fn add_alloy_metrics(&mut self, alloy: &Alloy, extra: &BTreeSet<String>) {
        let m = &alloy.metrics;
        let switches = [
            (m.kubelet, MetricSource::Kubelet),
            (m.cadvisor, MetricSource::Cadvisor),
            (m.kube_state_metrics, MetricSource::KubeStateMetrics),
            (m.gpu.nvidia, MetricSource::Dcgm),
            (m.gpu.amd, MetricSource::Amd),
            (
                m.kueue || m.kuberay || !m.targets.is_empty(),
                MetricSource::ControllerRuntime,
            ),
        ];
        for (on, source) in switches {
            if on {
                self.add(source, extra);
            }
        }
        self.open_metrics |= m.service_monitors
            || m.pod_monitors
            || m.ray_clusters
            || !m.targets.is_empty()
            || alloy.custom.is_some();
    }

    fn add_logs(
        &mut self,
        stack: &Stack,
        pipelines: &[(Side, pipeline::Pipeline)],
        analysis: &dyn StreamLabels,
    ) {
        if stack.loki().is_none() {
            return;
        }
        let alloys = stack.alloys();
        // Without an Alloy that collects logs, whatever pushes to Loki is not
        // o11yc's to know.
        self.open_streams |= !alloys.iter().any(|(a, _)| a.logs.any_enabled());
        for (alloy, side) in alloys {
            let built = pipelines.iter().find(|(s, _)| *s == side);
            if let Some((_, built)) = built {
                self.streams.extend(analysis.streams(&built.file));
            }
            self.open_streams |= alloy.custom.is_some();
        }
    }

    /// The label names series of `source` can carry.
    pub fn metric_labels(&self, source: MetricSource) -> BTreeSet<&str> {
        let mut out: BTreeSet<&str> = TARGET_LABELS.iter().copied().collect();
        out.extend(source.labels().iter().copied());
        if let Some(extra) = self.metrics.get(&source) {
            out.extend(extra.iter().map(String::as_str));
        }
        out
    }

    /// The static values of `label` across streams; `None` when some stream
    /// has it from the data (any value possible).
    pub fn label_values(&self, label: &str) -> Option<BTreeSet<&str>> {
        let mut out = BTreeSet::new();
        for stream in &self.streams {
            match stream.labels.get(label) {
                Some(super::streams::Value::Static(v)) => {
                    out.insert(v.as_str());
                }
                Some(super::streams::Value::Dynamic) => return None,
                None => {}
            }
        }
        Some(out)
    }
}

/// The run labels (and the whole-namespace label) of the profile's vCluster format.
pub fn run_label_names(stack: &Stack) -> Vec<String> {
    let Some(vcluster) = &stack.profile.vcluster else {
        return Vec::new();
    };
    let run = RunLabels::new(vcluster);
    let mut out = run.labels;
    out.extend(run.namespace_label);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceMap;
    use crate::driver::{compile_profile, discover};

    /// The log streams are read from a pipeline built without metrics and traces;
    /// for every shipped profile and side they must be those of the whole pipeline.
    #[test]
    fn the_logs_only_pipeline_has_the_streams_of_the_whole_one() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
        let mut compared = 0;
        for p in discover(&dir).unwrap() {
            let compiled = compile_profile(&p, &mut SourceMap::new())
                .unwrap_or_else(|d| panic!("{}: {d:?}", p.name));
            let stack = Stack::new(&compiled.model, &p.name);
            for (alloy, side) in stack.alloys() {
                let whole = FromAst.streams(&pipeline::build(stack, alloy, side).file);
                let logs = FromAst.streams(&pipeline::build_logs(stack, alloy, side).file);
                assert_eq!(logs, whole, "{} {side:?}", p.name);
                compared += usize::from(!whole.is_empty());
            }
        }
        assert!(compared >= 5, "only {compared} pipelines with streams");
    }

    /// The driver reads the stream table from the pipelines it built for compilation
    /// (built once); it must be the table of the logs-only pipelines.
    #[test]
    fn the_table_read_from_the_built_pipelines_is_the_logs_only_one() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
        let mut with_streams = 0;
        for p in discover(&dir).unwrap() {
            let compiled = compile_profile(&p, &mut SourceMap::new())
                .unwrap_or_else(|d| panic!("{}: {d:?}", p.name));
            let stack = Stack::new(&compiled.model, &p.name);
            let built = Collected::from_pipelines(&stack, &Pipelines::build(stack));
            let logs_only = Collected::with(&stack, &FromAst);
            assert_eq!(built.streams, logs_only.streams, "{}", p.name);
            assert_eq!(built.open_streams, logs_only.open_streams, "{}", p.name);
            assert_eq!(built.metrics, logs_only.metrics, "{}", p.name);
            with_streams += usize::from(!built.streams.is_empty());
        }
        assert!(
            with_streams >= 5,
            "only {with_streams} profiles with streams"
        );
    }
}
