//! The `vcluster` component.

pub mod values;
