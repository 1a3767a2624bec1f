//! o11yc compiles one typed observability profile into a directory of plain files
//! (Kubernetes manifests, Helm values, Flux objects, Alloy pipelines) for GitOps.
//!
//! The pipeline has one module per stage, each using only the stages before it:
//! [`load`] (YAML with spans, `extends`) → [`resolve`] (the [`resolve::Stack`], once)
//! → [`validate`] → [`compile`] (typed documents) → [`verify`] (the Alloy check of
//! the compiled pipelines, the query linker) → [`render`] (deterministic bytes)
//! → [`output`] (write / check / diff). [`components`] holds one module per deployable
//! component, registered in [`components::COMPONENTS`], which the stages iterate.

pub mod cli;
pub mod compile;
pub mod components;
pub mod diag;
pub mod driver;
pub mod git_index;
pub mod load;
pub mod model;
pub mod output;
pub mod query;
pub mod render;
pub mod resolve;
pub mod review;
pub mod schema;
pub mod validate;
pub mod verify;
