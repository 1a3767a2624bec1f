//! Loading profiles: YAML with located spans, `extends` merging, typed deserialization.
//!
//! Pipeline: [`parse_yaml`] turns text into a [`Located<Node>`] tree where every key and value
//! carries its exact [`Span`](crate::diag::Span); [`load_profile`] reads a file (regular files only, size-limited, inside the repository; see `input`), resolves its
//! `extends` chain and deep-merges the bases; [`from_node`] deserializes the tree into typed
//! model structs, reporting errors with file, line, column, key path and a suggested fix.

mod de;
mod derror;
mod extends;
mod files;
mod input;
mod node;
mod yaml;

#[cfg(test)]
pub use de::from_node;
pub use de::from_node_in;
#[cfg(test)]
pub use extends::load_profile;
pub use extends::load_profile_from;
pub use files::{Disk, ProfileFiles};
pub use input::{kind_of, repo_relative, repo_root};
pub use node::{Located, Node};
#[cfg(test)]
pub use yaml::parse_yaml;

#[cfg(test)]
mod de_tests;
#[cfg(test)]
mod robustness_tests;
