//! o11yc compiles one typed observability profile into a directory of plain files
//! (Kubernetes manifests, Helm values, Flux objects, Alloy pipelines) for GitOps.
//!
//! The pipeline has one module per stage:
//! [`load`] (YAML with spans, `extends`) → [`validate`] → [`compile`] (typed documents)
//! → [`verify`] (the query linker) → [`render`] (deterministic bytes) → [`output`]
//! (write / check / diff).

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
