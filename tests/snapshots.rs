//! Snapshot of every generated file of every shipped profile.
//!
//! A change to any emitter shows up here as a reviewed snapshot diff
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test` then `git diff`).

use std::path::Path;

use o11yc::SourceMap;
use o11yc::{compile_profile, discover};

#[test]
fn every_generated_file_of_every_shipped_profile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Headers name profiles relative to the working directory.
    std::env::set_current_dir(root).unwrap();
    let profiles = discover(&root.join("profiles")).unwrap();
    let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "dev",
            "homelab-nvme",
            "kaiwo",
            "prod",
            "prod-kafka",
            "vcluster"
        ]
    );
    for profile in &profiles {
        let mut sources = SourceMap::new();
        let compiled = compile_profile(&profile.clone(), &mut sources)
            .unwrap_or_else(|d| panic!("{} is invalid: {d:?}", profile.name));
        for (path, bytes) in &compiled.tree {
            let name = format!("{}__{}", profile.name, path.replace(['/', '.'], "_"));
            let text = String::from_utf8(bytes.clone()).expect("generated files are UTF-8");
            insta::assert_snapshot!(name, text);
        }
    }
}
