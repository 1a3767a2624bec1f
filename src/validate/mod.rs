//! Semantic validation: checks that the schema cannot express, each reported at
//! the profile key that has to change.

mod alerts;
mod capacity;
mod dashboards;
mod label_budget;
mod locate;
mod monitors;
mod names;
mod pipelines;
mod placement;
mod settings;

pub use locate::{Step, dotted, error_at, span_of};

use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::Profile;

/// Runs every semantic check; an empty result means the profile can be compiled.
pub fn validate(profile: &Profile, root: &Located<Node>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    names::check(profile, root, &mut out);
    settings::check(profile, root, &mut out);
    placement::check(profile, root, &mut out);
    capacity::check(profile, root, &mut out);
    alerts::check(profile, root, &mut out);
    monitors::check(profile, root, &mut out);
    dashboards::check(profile, root, &mut out);
    pipelines::check(profile, root, &mut out);
    out
}
