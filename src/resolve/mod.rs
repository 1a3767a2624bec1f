//! Stage 2, **resolve**: what every later stage needs to know about a loaded profile,
//! computed once: which components are on, their names, namespaces and addresses
//! ([`Stack`]), their placement and their sizing.

pub mod placement;
pub mod sizing;
pub mod stack;

pub use stack::Stack;
