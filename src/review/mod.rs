//! The semantic diff for review (`o11yc diff`): a generated tree before and
//! after, as Kubernetes objects, Helm releases, dashboards, rules and Alloy
//! pipelines, each shown once, with changes as key paths.

mod compare;
mod git;
mod model;
mod render;
mod rendered;

pub use compare::compare;
pub use git::tree_at;
pub use model::Model;
pub use render::{MARKDOWN_CAP, json, markdown, text};
pub use rendered::Renderer;

#[cfg(test)]
mod tests;
