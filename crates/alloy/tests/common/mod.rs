//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

pub mod fuzz;

/// Path of a folder under `/work/shared/conformance`, or `None` (with a
/// printed message) when the test data is not available.
pub fn conformance_dir(sub: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: conformance data {} not found; test skipped",
            dir.display()
        );
        None
    }
}

/// Files in `dir` ending with `ext`, sorted.
pub fn files_with_ext(dir: &std::path::Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    v.sort();
    v
}
