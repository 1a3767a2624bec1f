//! Alloy pipelines: `alloy/config.alloy` for the stack's Alloy (its text is also
//! the chart's ConfigMap content) and, for vCluster profiles, `vcluster/alloy/`
//! with the configuration and chart values of the Alloy installed in each vCluster.

use serde_json::Value;

use crate::compile::document::{Bundle, Content, Document, Role};
use crate::compile::pipeline::{self, Side, graph};
use crate::compile::stack::Stack;
use crate::compile::values;

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
}

/// Emits the Alloy configuration files; returns the stack Alloy's chart values.
pub fn emit(stack: &Stack, bundle: &mut Bundle) -> AlloyOutput {
    let mut out = AlloyOutput::default();
    if let Some(alloy) = stack.alloy() {
        let pipeline = pipeline::build(*stack, alloy, Side::Stack);
        let text = pipeline.text(alloy.custom.as_deref());
        out.pipelines.push(summary(
            "alloy/config.alloy",
            "the stack's Alloy",
            &text,
            stack.namespace_of(alloy),
        ));
        add_config(bundle, "alloy/config.alloy", &text);
        out.values = Some(values::alloy::values(alloy, text, &pipeline.host));
    }
    let in_vcluster = stack
        .profile
        .vcluster
        .as_ref()
        .and_then(|v| v.alloy.as_ref());
    if let Some(alloy) = in_vcluster.filter(|a| a.enabled) {
        let pipeline = pipeline::build(*stack, alloy, Side::VCluster);
        let text = pipeline.text(alloy.custom.as_deref());
        out.pipelines.push(summary(
            "vcluster/alloy/config.alloy",
            "the Alloy inside each vCluster",
            &text,
            stack.namespace_of(alloy),
        ));
        add_config(bundle, "vcluster/alloy/config.alloy", &text);
        bundle.support_yaml(
            "vcluster/alloy/values.yaml",
            values::alloy::values(alloy, text, &pipeline.host),
        );
    }
    out
}

fn add_config(bundle: &mut Bundle, path: &str, text: &str) {
    bundle.add(Document {
        path: path.to_owned(),
        content: Content::Alloy(text.to_owned()),
        role: Role::Support,
    });
}

fn summary(path: &str, title: &'static str, text: &str, namespace: &str) -> PipelineSummary {
    let mermaid = o11yc_alloy::parse(text)
        .map(|file| graph::mermaid(&file))
        .unwrap_or_default();
    PipelineSummary {
        path: path.to_owned(),
        title,
        mermaid,
        namespace: namespace.to_owned(),
    }
}
