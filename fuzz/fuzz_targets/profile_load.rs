//! The whole profile pipeline (load, validate, compile, render) on arbitrary
//! text: no panic, no stack overflow, every diagnostic renders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use o11yc::{ProfileRef, SourceMap, compile_profile, render};

fuzz_target!(|text: &str| {
    let dir = std::env::temp_dir().join(format!("o11yc-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("p.yaml");
    if std::fs::write(&path, text).is_err() {
        return;
    }
    let profile = ProfileRef { name: "p".into(), path };
    let mut sources = SourceMap::new();
    if let Err(diags) = compile_profile(&profile, &mut sources) {
        for d in &diags {
            let _ = render(d, &sources, false);
        }
    }
});
