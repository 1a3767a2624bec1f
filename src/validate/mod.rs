//! Semantic validation: checks that the schema cannot express, each reported at
//! the profile key that has to change.

mod alerts;
mod capacity;
mod dashboards;
mod delivery;
mod host_paths;
mod label_budget;
mod locate;
mod monitors;
mod names;
mod namespaces;
mod pipelines;
mod placement;
mod production;
mod retention;
mod sections;
mod settings;
mod sizing;
mod templates;

pub use locate::{Step, dotted, error_at, span_of};

use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::Profile;

/// Runs every semantic check; an empty result means the profile can be compiled.
pub fn validate(profile: &Profile, root: &Located<Node>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    sections::check(root, &mut out);
    names::check(profile, root, &mut out);
    namespaces::check(profile, root, &mut out);
    settings::check(profile, root, &mut out);
    delivery::check(profile, root, &mut out);
    host_paths::check(profile, root, &mut out);
    retention::check(profile, root, &mut out);
    production::check(profile, root, &mut out);
    placement::check(profile, root, &mut out);
    capacity::check(profile, root, &mut out);
    sizing::check(profile, root, &mut out);
    alerts::check(profile, root, &mut out);
    monitors::check(profile, root, &mut out);
    dashboards::check(profile, root, &mut out);
    pipelines::check(profile, root, &mut out);
    templates::check(root, &mut out);
    out
}
