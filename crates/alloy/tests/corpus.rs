//! The k8s-monitoring corpus (267 real Alloy files written by Grafana):
//! every file parses, printing is idempotent, and parse → print → parse
//! gives the same tree.

mod common;

use std::fs;

#[test]
fn corpus_parses_and_round_trips() {
    let Some(dir) = common::conformance_dir("alloy-corpus") else {
        return;
    };
    let files = common::files_with_ext(&dir, ".alloy");
    assert!(
        files.len() >= 200,
        "corpus looks incomplete: {}",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let src = fs::read_to_string(f).unwrap();
        let file = match o11yc_alloy::parse(&src) {
            Ok(file) => file,
            Err(e) => {
                failures.push(format!("{name}: parse: {}", e[0].render(&name)));
                continue;
            }
        };
        let printed = o11yc_alloy::print(&file);
        let reparsed = match o11yc_alloy::parse(&printed) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: reparse: {}", e[0].render(&name)));
                continue;
            }
        };
        if reparsed != file {
            failures.push(format!("{name}: round trip changed the tree"));
            continue;
        }
        let again = o11yc_alloy::print(&reparsed);
        if again != printed {
            failures.push(format!("{name}: printing is not idempotent"));
        }
    }
    println!("corpus: {} files, {} failures", files.len(), failures.len());
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
