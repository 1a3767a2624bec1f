//! One emitter per kind of artifact. Each adds typed documents to the bundle.

pub mod access;
pub mod alloy;
pub mod flux;
pub mod helmfile;
pub mod kustomization;
pub mod monitors;
pub mod namespaces;
pub mod readme;
pub mod storage;
pub mod vcluster;
