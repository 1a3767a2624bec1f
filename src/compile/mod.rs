//! Compilation: a validated profile becomes a [`Bundle`] of typed documents.
//!
//! Nothing here touches the file system or formats text; see `render` and `output`.

pub mod crd;
pub mod dashboards;
pub mod datasources;
pub mod document;
pub mod emit;
pub mod meta;
pub mod monitoring_crd;
pub mod pipeline;
pub mod release;
pub mod rules;
#[cfg(test)]
pub mod testing;
pub mod values;

pub use crate::resolve::Stack;
pub use document::{Bundle, Content, Document};

use crate::model::DeliveryMode;

/// What the generated files say about where they came from.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// The profile's name (`dev`), which names the output directory.
    pub name: String,
    /// The profile file and the files it extends, as shown to users (`profiles/dev.yaml`).
    pub sources: Vec<String>,
}

/// Compiles a validated profile, resolved as `stack` (the driver builds the
/// pipelines first and calls [`compile_with`]).
#[cfg(test)]
pub fn compile(stack: &Stack, provenance: &Provenance) -> Bundle {
    compile_with(stack, provenance, pipeline::Pipelines::build(*stack))
}

/// [`compile`] with the profile's Alloy pipelines already built (by the driver, which
/// also read its stream table from them): they are consumed here, not rebuilt.
pub fn compile_with(
    stack: &Stack,
    provenance: &Provenance,
    pipelines: pipeline::Pipelines,
) -> Bundle {
    let profile = stack.profile;
    let mut bundle = Bundle::default();
    emit::namespaces::emit(stack, &mut bundle);
    emit::storage::emit(stack, &mut bundle);
    emit::access::emit(stack, &mut bundle);
    let mut left_out = rules::emit(stack, &mut bundle);
    emit::monitors::emit(stack, &mut bundle);
    left_out.extend(dashboards::emit(stack, &mut bundle));
    let alloy = emit::alloy::emit(stack, pipelines, &mut bundle);
    emit::vcluster::emit(stack, alloy.vcluster.as_ref(), &mut bundle);
    let built = crate::components::Built {
        alloy_values: alloy.values,
    };
    let releases = release::releases(stack, &built);
    match (profile.delivery.mode, &profile.delivery.flux) {
        (DeliveryMode::Flux, Some(flux)) => emit::flux::emit(stack, flux, &releases, &mut bundle),
        // Validation requires `delivery.flux` with `mode: flux`.
        (DeliveryMode::Flux, None) => {}
        (DeliveryMode::Helmfile, _) => emit::helmfile::emit(&releases, &mut bundle),
    }
    emit::kustomization::emit(&mut bundle);
    emit::readme::emit(
        stack,
        provenance,
        &releases,
        &alloy.pipelines,
        &left_out,
        &mut bundle,
    );
    bundle
}
