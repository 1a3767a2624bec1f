//! The README's annotated profile is the shipped `profiles/homelab-nvme.yaml`: an
//! example that no longer matches what the code does is a bug. Both are compiled and
//! their generated trees compared (header lines name the source file, so they are
//! left out of the comparison).

use std::path::Path;

use o11yc::SourceMap;
use o11yc::{ProfileRef, compile_profile};

const INTRO: &str = "`profiles/homelab-nvme.yaml`, a two-node K3s homelab, annotated:";

/// The first YAML block after `INTRO` in README.md.
fn readme_example() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let after = &readme[readme
        .find(INTRO)
        .expect("the README introduces its example")..];
    let start = after.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let end = after[start..].find("\n```").expect("the block ends") + start;
    after[start..=end].to_owned()
}

/// Compiles the profile at `path` as `homelab-nvme`: generated files by path, without
/// the lines that name the profile's file.
fn compile(path: &Path) -> Vec<(String, String)> {
    let profile = ProfileRef {
        name: "homelab-nvme".into(),
        path: path.to_owned(),
    };
    let compiled = compile_profile(&profile, &mut SourceMap::new())
        .unwrap_or_else(|e| panic!("{} does not compile: {e:?}", path.display()));
    compiled
        .tree
        .into_iter()
        .map(|(file, bytes)| {
            let text = String::from_utf8(bytes).unwrap();
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| !l.contains("homelab-nvme.yaml"))
                .collect();
            (file, kept.join("\n"))
        })
        .collect()
}

#[test]
fn the_readme_example_builds_exactly_the_shipped_homelab_profile() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("homelab-nvme.yaml");
    std::fs::write(&copy, readme_example()).unwrap();
    let example = compile(&copy);
    let shipped =
        compile(&Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/homelab-nvme.yaml"));
    let paths = |t: &[(String, String)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&example), paths(&shipped));
    for ((path, a), (_, b)) in example.iter().zip(&shipped) {
        assert!(
            a == b,
            "{path} differs between the README example and the shipped profile"
        );
    }
}
