//! The `prometheus` component.

pub mod values;
