//! Alloy pipelines: `alloy/config.alloy` for the stack's Alloy and, for vCluster
//! profiles, `vcluster/alloy/` with the configuration, chart values and a
//! kustomization for the Alloy installed in each vCluster. Each pipeline reaches
//! the cluster as a ConfigMap that kustomize generates from the `.alloy` file
//! (the chart is pointed at it), so the text is shipped once and never passes
//! through Helm's template engine.

use serde_json::Value;

use crate::compile::document::{Bundle, Content, Document, GeneratedConfigMap, Role};
use crate::compile::emit::kustomization;
use crate::compile::pipeline::{CompiledPipeline, Pipeline, Pipelines, Side, graph};
use crate::components::alloy::values as alloy_values;
use crate::model::Alloy;
use crate::resolve::stack::Stack;

/// One generated pipeline, for the README.
pub struct PipelineSummary {
    /// Where the configuration file is, relative to the profile's output.
    pub path: String,
    /// Which Alloy runs it.
    pub title: &'static str,
    /// The pipeline as a Mermaid flowchart.
    pub mermaid: String,
    /// The namespace Alloy runs in (inside the vCluster for the vCluster side).
    pub namespace: String,
}

/// What the Alloy emitter hands to the release and README emitters.
#[derive(Default)]
pub struct AlloyOutput {
    /// Values of the stack's Alloy release, when Alloy is enabled.
    pub values: Option<Value>,
    /// Every pipeline generated.
    pub pipelines: Vec<PipelineSummary>,
    /// Values and configuration text of the Alloy inside each vCluster, when the
    /// profile has one.
    pub vcluster: Option<(Value, String)>,
}

/// Emits the Alloy configuration files of the built `pipelines`; returns the stack
/// Alloy's chart values.
pub fn emit(stack: &Stack, pipelines: Pipelines, bundle: &mut Bundle) -> AlloyOutput {
    let mut out = AlloyOutput::default();
    let alloys = stack.alloys();
    for (side, pipeline) in pipelines.0 {
        let Some(&(alloy, _)) = alloys.iter().find(|(_, s)| *s == side) else {
            continue;
        };
        let (values, config) = emit_one(stack, alloy, side, pipeline, bundle, &mut out);
        match side {
            Side::Stack => out.values = Some(values),
            Side::VCluster => {
                bundle.support_yaml("vcluster/alloy/values.yaml", values.clone());
                let config_map = config_map(stack, alloy, "config.alloy");
                bundle.support_yaml(
                    "vcluster/alloy/kustomization.yaml",
                    kustomization::with_config_maps(Vec::new(), &[config_map]),
                );
                out.vcluster = Some((values, config));
            }
        }
    }
    out
}

/// Writes one pipeline's configuration file, records its summary and returns
/// the chart values that run it and (for the vCluster side) the configuration text.
fn emit_one(
    stack: &Stack,
    alloy: &Alloy,
    side: Side,
    pipeline: Pipeline,
    bundle: &mut Bundle,
    out: &mut AlloyOutput,
) -> (Value, String) {
    let (path, title) = match side {
        Side::Stack => ("alloy/config.alloy", side.title()),
        Side::VCluster => ("vcluster/alloy/config.alloy", side.title()),
    };
    let (compiled, host) = pipeline.join(side, path, alloy.custom.as_deref());
    let text = compiled.text();
    out.pipelines
        .push(summary(&compiled, title, stack.namespace_of(alloy)));
    bundle.add_pipeline(compiled);
    if side == Side::Stack {
        bundle.generate_config_map(config_map(stack, alloy, path));
    }
    let config = match side {
        // Only the vCluster's text is needed again (its ConfigMap is written here).
        Side::VCluster => text.clone(),
        Side::Stack => String::new(),
    };
    add_config(bundle, path, text);
    (alloy_values::values(alloy, CONFIG_MAP, &host), config)
}

/// The ConfigMap holding a pipeline; the Alloy chart reads it instead of its own.
pub const CONFIG_MAP: &str = "alloy-config";

fn config_map(stack: &Stack, alloy: &Alloy, file: &str) -> GeneratedConfigMap {
    GeneratedConfigMap {
        name: CONFIG_MAP.to_owned(),
        namespace: stack.namespace_of(alloy).to_owned(),
        key: alloy_values::CONFIG_KEY.to_owned(),
        file: file.to_owned(),
    }
}

fn add_config(bundle: &mut Bundle, path: &str, text: String) {
    bundle.add(Document {
        path: path.to_owned(),
        content: Content::Alloy(text),
        role: Role::Support,
    });
}

/// The README's summary of a pipeline, its graph drawn from the tree compile built.
fn summary(pipeline: &CompiledPipeline, title: &'static str, namespace: &str) -> PipelineSummary {
    let mermaid = pipeline
        .tree
        .as_ref()
        .map(graph::mermaid)
        .unwrap_or_default();
    PipelineSummary {
        path: pipeline.path.to_owned(),
        title,
        mermaid,
        namespace: namespace.to_owned(),
    }
}
