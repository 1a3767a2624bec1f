//! Diagnostics: source spans, messages and their rendering.
//!
//! A [`Diagnostic`] is plain data: a message, an optional [`Span`] into a file held by a
//! [`SourceMap`], the dotted key path of the offending node and optional `expected` / `help` /
//! note lines. [`render`] turns it into rustc-style text.

pub mod alloy;
pub mod codes;
mod diagnostic;
mod embedded;
mod render;
mod source;
pub mod suggest;
mod yaml_context;

pub use diagnostic::{Diagnostic, Severity};
pub use embedded::locate_embedded;
pub use render::render;
pub use source::{FileId, LineIndex, SourceMap, Span, floor_char_boundary};
pub use yaml_context::enclosing_keys;
