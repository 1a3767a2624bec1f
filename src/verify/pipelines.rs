//! The Alloy check of the pipelines compile built: each joined pipeline (the generated
//! part and the profile's `custom` snippet) is checked against Alloy's component
//! registry, and its streams against Loki's label budget. Problems are located in the
//! profile: inside the `custom` block scalar when they are in the snippet, at the
//! `custom` key (with the pipeline's line) otherwise.

use crate::compile::Bundle;
use crate::compile::pipeline::{CompiledPipeline, Side};
use crate::diag::{Diagnostic, codes};
use crate::load::{Located, Node};
use crate::model::Alloy;
use crate::resolve::Stack;
use crate::validate::{Step, byte_line_col, custom_error, snippet_error};

use super::label_budget;

/// Checks every pipeline of `bundle`, compiled from `stack` as read from `root`.
pub fn check(stack: &Stack, bundle: &Bundle, root: &Located<Node>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for pipeline in bundle.pipelines() {
        let inner = || {
            stack
                .profile
                .vcluster
                .as_ref()
                .and_then(|v| v.alloy.as_ref())
        };
        let (alloy, base): (Option<&Alloy>, &[Step]) = match pipeline.side {
            Side::Stack => (stack.alloy(), &[Step::Key("alloy")]),
            Side::VCluster => (inner(), &[Step::Key("vcluster"), Step::Key("alloy")]),
        };
        if let Some(alloy) = alloy {
            check_one(stack, alloy, base, pipeline, root, &mut out);
        }
    }
    for d in &mut out {
        d.default_code(codes::PIPELINE);
    }
    out
}

fn check_one(
    stack: &Stack,
    alloy: &Alloy,
    base: &[Step],
    pipeline: &CompiledPipeline,
    root: &Located<Node>,
    out: &mut Vec<Diagnostic>,
) {
    let custom_path: Vec<Step> = base.iter().copied().chain([Step::Key("custom")]).collect();
    let file = match &pipeline.tree {
        Ok(file) => file,
        Err(diags) => {
            for d in diags {
                out.push(snippet_error(
                    root,
                    &custom_path,
                    d,
                    &pipeline.source,
                    "of the pipeline",
                ));
            }
            return;
        }
    };
    let options = o11yc_alloy::check::Options {
        stability: alloy.stability_level.to_alloy(),
        community_components: false,
    };
    let lines = o11yc_alloy::LineIndex::new(&pipeline.source);
    for d in o11yc_alloy::check_with(file, options) {
        if !d.is_error() {
            continue;
        }
        let (line, col) = byte_line_col(&lines, &d);
        match pipeline.custom_after {
            Some(before) if line > before => {
                out.push(custom_error(root, &custom_path, &d, line - before, col));
            }
            _ => out.push(snippet_error(root, &custom_path, &d, &pipeline.source, "of the pipeline").note(
                "in the pipeline o11yc generates from this profile; `o11yc build` writes it for inspection",
            )),
        }
    }
    if let Some(loki) = stack.loki() {
        label_budget::check(stack.profile, loki, base, &pipeline.source, file, root, out);
    }
}
