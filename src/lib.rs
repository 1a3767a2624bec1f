//! o11yc compiles one typed observability profile into a directory of plain files
//! (Kubernetes manifests, Helm values, Flux objects, Alloy pipelines) for GitOps.
//!
//! The pipeline has one module per stage, each using only the stages before it:
//! `load` (YAML with spans, `extends`) → `resolve` (the `Stack`, once) → `validate`
//! → `compile` (typed documents) → `verify` (the Alloy check of the compiled
//! pipelines, the query linker) → `render` (deterministic bytes) → `output` (write /
//! check / diff). `components` holds one module per deployable component, registered
//! in `components::COMPONENTS`, which the stages iterate. The modules are private to
//! the crate, so the compiler reports what nothing uses.
//!
//! # Public API
//!
//! The `o11yc` binary calls [`run`]; the integration tests, benches and examples use
//! the rest:
//!
//! - [`discover`] lists the profiles of a directory as [`ProfileRef`]s;
//! - [`compile_profile`] loads, validates, compiles, verifies and renders one of them
//!   into a [`Compiled`] (its files in [`Compiled::tree`], its warnings in
//!   [`Compiled::warnings`]), or returns every [`Diagnostic`] of the run (at most
//!   [`MAX_DIAGNOSTICS`] plus a summary);
//! - the diagnostics point into a [`SourceMap`] (as [`Span`]s) and [`render`] prints one
//!   the way `o11yc build` does;
//! - [`write_tree`] writes a compiled tree to a directory the way `o11yc build` does.
//!
//! ```no_run
//! let profiles = o11yc::discover(std::path::Path::new("profiles")).unwrap();
//! let mut sources = o11yc::SourceMap::new();
//! for profile in &profiles {
//!     match o11yc::compile_profile(profile, &mut sources) {
//!         Ok(compiled) => println!("{}: {} files", profile.name, compiled.tree.len()),
//!         Err(diags) => diags
//!             .iter()
//!             .for_each(|d| eprintln!("{}", o11yc::render(d, &sources, false))),
//!     }
//! }
//! ```

pub(crate) mod cli;
pub(crate) mod compile;
pub(crate) mod components;
pub(crate) mod diag;
pub(crate) mod driver;
pub(crate) mod git_index;
pub(crate) mod load;
pub(crate) mod model;
pub(crate) mod output;
pub(crate) mod query;
pub(crate) mod render;
pub(crate) mod resolve;
pub(crate) mod review;
pub(crate) mod schema;
pub(crate) mod validate;
pub(crate) mod verify;

pub use cli::run;
pub use diag::{Diagnostic, Severity, SourceMap, Span, render};
pub use driver::{Compiled, MAX_DIAGNOSTICS, ProfileRef, compile_profile, discover};
pub use output::write_tree;
