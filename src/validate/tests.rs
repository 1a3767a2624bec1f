//! Tests are added below.
