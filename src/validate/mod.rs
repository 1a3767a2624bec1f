//! Semantic validation: checks that the schema cannot express, each reported at
//! the profile key that has to change.

mod capacity;
mod delivery;
mod host_paths;
mod locate;
mod monitors;
mod names;
mod namespaces;
mod placement;
mod production;
mod retention;
mod sections;
mod settings;
mod sizing;
mod spread;
mod templates;

pub use locate::{Step, byte_line_col, custom_error, dotted, error_at, snippet_error, value_span};
pub use names::is_dns_label;

/// A check of one component's settings that the schema cannot express, run by
/// [`validate`] for every component in the list
/// ([`Deployable::checks`](crate::components::Deployable::checks)).
pub struct Check {
    /// The stable code its diagnostics get unless they set a finer one.
    pub code: &'static str,
    /// Reports what is wrong with the resolved stack, read from `root`.
    pub run: fn(&Stack, &Located<Node>, &mut Vec<Diagnostic>),
}

use crate::components::{COMPONENTS, Deployable};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::resolve::Stack;

/// Runs every semantic check on the resolved `stack`, whose profile was read from
/// `root`; an empty result means the profile can be compiled.
pub fn validate(stack: &Stack, root: &Located<Node>) -> Vec<Diagnostic> {
    validate_with(stack, root, &COMPONENTS)
}

/// [`validate`] with the checks of `components` only.
pub fn validate_with(
    stack: &Stack,
    root: &Located<Node>,
    components: &[&'static dyn Deployable],
) -> Vec<Diagnostic> {
    let profile = stack.profile;
    use crate::diag::codes;
    let mut out = Vec::new();
    // Each check's diagnostics get its stable code unless they set a finer one.
    let mut run = |code: &'static str, check: &dyn Fn(&mut Vec<Diagnostic>)| {
        let first = out.len();
        check(&mut out);
        for d in &mut out[first..] {
            d.default_code(code);
        }
    };
    run(codes::EMPTY_SECTION, &|o| sections::check(root, o));
    run(codes::NAME, &|o| names::check(profile, root, o));
    run(codes::NAMESPACE, &|o| namespaces::check(profile, root, o));
    run(codes::SETTINGS, &|o| settings::check(profile, root, o));
    run(codes::DELIVERY, &|o| delivery::check(profile, root, o));
    run(codes::HOST_PATH, &|o| host_paths::check(profile, root, o));
    run(codes::RETENTION, &|o| retention::check(profile, root, o));
    run(codes::PRODUCTION, &|o| production::check(profile, root, o));
    run(codes::PLACEMENT, &|o| placement::check(profile, root, o));
    run(codes::PLACEMENT, &|o| spread::check(profile, root, o));
    run(codes::CAPACITY, &|o| capacity::check(profile, root, o));
    run(codes::SIZING, &|o| sizing::check(profile, root, o));
    run(codes::MONITORS, &|o| monitors::check(profile, root, o));
    for component in components {
        for check in component.checks() {
            run(check.code, &|o| (check.run)(stack, root, o));
        }
    }
    run(codes::TEMPLATE, &|o| templates::check(root, o));
    out
}
