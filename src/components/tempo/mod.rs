//! The `tempo` component.

pub mod values;
