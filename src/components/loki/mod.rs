//! The `loki` component.

pub mod values;
