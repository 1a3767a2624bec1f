//! The generated directory's `README.md`: how to apply it and what is in it.
//! Prose is text, so it comes from a minijinja template over typed data.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use crate::compile::Provenance;
use crate::compile::document::{Bundle, Content, Document, Role};
use crate::compile::emit::alloy::PipelineSummary;
use crate::compile::emit::storage::local_volumes;
use crate::compile::release::Release;
use crate::compile::rules::Dropped;
use crate::compile::stack::Stack;
use crate::model::DeliveryMode;

const TEMPLATE: &str = include_str!("readme.md.j2");

#[derive(Serialize)]
struct VolumeRow {
    component: &'static str,
    node: String,
    path: String,
    size: String,
    owner: Option<u32>,
}

#[derive(Serialize)]
struct PipelineRow<'a> {
    path: &'a str,
    title: &'a str,
    mermaid: &'a str,
}

#[derive(Serialize)]
struct ReleaseRow {
    name: String,
    chart: String,
    version: String,
    namespace: String,
}

/// Emits `README.md`; call it last so it can list every other file.
pub fn emit(
    stack: &Stack,
    provenance: &Provenance,
    releases: &[Release],
    pipelines: &[PipelineSummary],
    left_out: &[Dropped],
    bundle: &mut Bundle,
) {
    let profile = stack.profile;
    let volumes: Vec<VolumeRow> = local_volumes(stack)
        .into_iter()
        .map(|v| VolumeRow {
            component: v.component,
            node: v.volume.node.clone(),
            path: v.volume.path.clone(),
            size: v.volume.size.to_string(),
            owner: v.volume.owner_uid,
        })
        .collect();
    let release_rows: Vec<ReleaseRow> = releases
        .iter()
        .map(|r| ReleaseRow {
            name: r.name.clone(),
            chart: r.chart.to_owned(),
            version: r.source.version.clone(),
            namespace: r.namespace.to_owned(),
        })
        .collect();
    let pipeline_rows: Vec<PipelineRow> = pipelines
        .iter()
        .map(|p| PipelineRow {
            path: &p.path,
            title: p.title,
            mermaid: &p.mermaid,
        })
        .collect();
    let vcluster_alloy = pipelines
        .iter()
        .find(|p| p.path.starts_with("vcluster/"))
        .map(|p| p.namespace.as_str());
    // Built-in alerts and panels the query linker left out, for the reader.
    let left_out: Vec<Dropped> = left_out
        .iter()
        .map(|d| Dropped {
            why: d.why.replace('|', "\\|"),
            ..d.clone()
        })
        .collect();
    let mut files: Vec<String> = bundle.documents().map(|d| d.path.clone()).collect();
    files.push("README.md".to_owned());
    files.sort();
    let mut env = Environment::new();
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env.add_template("readme", TEMPLATE)
        .expect("the README template is valid");
    let text = env
        .get_template("readme")
        .and_then(|t| {
            t.render(context! {
                name => &provenance.name,
                description => &profile.description,
                sources => &provenance.sources,
                mode => match profile.delivery.mode {
                    DeliveryMode::Flux => "flux",
                    DeliveryMode::Helmfile => "helmfile",
                },
                flux_path => profile.delivery.flux.as_ref().map(|f| f.path.clone()),
                volumes => Value::from(Serde(&volumes)),
                releases => Value::from(Serde(&release_rows)),
                pipelines => Value::from(Serde(&pipeline_rows)),
                vcluster_alloy => vcluster_alloy,
                left_out => Value::from(Serde(&left_out)),
                identity_configmap => crate::compile::pipeline::VCLUSTER_IDENTITY_CONFIGMAP,
                files => files,
            })
        })
        .expect("the README template renders typed data");
    bundle.add(Document {
        path: "README.md".to_owned(),
        content: Content::Markdown(text),
        role: Role::Support,
    });
}
