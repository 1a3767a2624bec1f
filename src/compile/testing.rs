//! Helpers for emitter unit tests.

use crate::diag::FileId;
use crate::load::{from_node, parse_yaml};
use crate::model::Profile;

/// A profile from YAML text (not validated). Panics on invalid input.
pub fn profile(yaml: &str) -> Profile {
    let root = parse_yaml(FileId(0), yaml).expect("valid YAML");
    from_node(&root).unwrap_or_else(|d| panic!("invalid profile: {d:?}"))
}
