//! The k8s-monitoring corpus (267 real Alloy files written by Grafana):
//! every file parses, printing is idempotent, parse → print → parse gives the
//! same tree, and the checker agrees with Alloy v1.18.1 on every file: no
//! finding at `--stability-level experimental`, and at the default level
//! exactly the files using lower-stability components are refused.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use o11yc_alloy::check::Options;
use o11yc_alloy::check::registry::{Stability, lookup};
use o11yc_alloy::{Block, Diagnostic, File, Stmt};

/// The corpus; the test fails (it is not skipped) when `../shared` is absent.
fn corpus() -> Vec<(String, File)> {
    let dir = common::conformance_dir("alloy-corpus")
        .expect("the Alloy corpus (../shared/conformance/alloy-corpus) is required");
    let files: Vec<PathBuf> = common::files_with_ext(&dir, ".alloy");
    assert_eq!(files.len(), 267, "corpus looks incomplete");
    files
        .iter()
        .map(|f| {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            let src = fs::read_to_string(f).unwrap();
            let file = o11yc_alloy::parse(&src)
                .unwrap_or_else(|e| panic!("{name}: parse: {}", show(&name, &e[0])));
            (name, file)
        })
        .collect()
}

#[test]
fn corpus_parses_and_round_trips() {
    let mut failures = Vec::new();
    for (name, file) in corpus() {
        let printed = o11yc_alloy::print(&file);
        let reparsed = match o11yc_alloy::parse(&printed) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: reparse: {}", show(&name, &e[0])));
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
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn check_at(file: &File, stability: Stability) -> Vec<Diagnostic> {
    o11yc_alloy::check_with(
        file,
        Options {
            stability,
            community_components: false,
        },
    )
}

#[test]
fn corpus_has_no_finding_at_the_experimental_level() {
    let mut findings = Vec::new();
    for (name, file) in corpus() {
        for d in check_at(&file, Stability::Experimental) {
            findings.push(show(&name, &d));
        }
    }
    assert!(
        findings.is_empty(),
        "{} findings:\n{}",
        findings.len(),
        findings.join("\n")
    );
}

/// Components below generally-available used anywhere in `body` (declare
/// bodies included), found by walking the tree rather than by the checker.
fn sub_ga_components(body: &[Stmt], out: &mut BTreeSet<String>) {
    for s in body {
        if let Stmt::Block(b) = s {
            let b: &Block = b;
            let name = b.full_name();
            if lookup(&name)
                .and_then(|c| c.stability)
                .is_some_and(|s| s < Stability::GenerallyAvailable)
            {
                out.insert(name);
            }
            sub_ga_components(&b.body, out);
        }
    }
}

#[test]
fn at_the_default_level_exactly_the_sub_ga_files_are_refused() {
    let mut refused = 0;
    for (name, file) in corpus() {
        let mut expected = BTreeSet::new();
        sub_ga_components(&file.body, &mut expected);
        let errors: Vec<Diagnostic> = check_at(&file, Stability::GenerallyAvailable)
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
        for e in &errors {
            assert!(
                e.message.contains("--stability.level=")
                    && expected.iter().any(|c| e.message.starts_with(c.as_str())),
                "{name}: unexpected error {}",
                show(&name, e)
            );
        }
        let named: BTreeSet<&str> = errors
            .iter()
            .filter_map(|e| expected.iter().find(|c| e.message.starts_with(c.as_str())))
            .map(String::as_str)
            .collect();
        let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
        assert_eq!(named, expected, "{name}: each sub-GA component is named");
        if !errors.is_empty() {
            refused += 1;
        }
    }
    // SOURCES.txt of the schema: 15 of the 267 files need --stability.level.
    assert_eq!(refused, 15);
}

/// `name@offset: error: message` (the corpus helper keeps trees, not texts, so the byte
/// offset: lines are computed from the text).
fn show(name: &str, d: &Diagnostic) -> String {
    format!("{name}@{}: {}: {}", d.offset(), d.severity, d.message)
}
