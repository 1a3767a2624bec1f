//! The `alloy` component.

pub mod values;
