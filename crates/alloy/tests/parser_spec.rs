//! Alloy's parser test data: `parser/valid/*` must parse; every other
//! `parser/*.alloy` marks expected errors with `/* ERROR "..." */` comments
//! and we must report errors on exactly those lines.

mod common;

use std::collections::BTreeSet;
use std::fs;

#[test]
fn valid_files_parse() {
    let Some(dir) = common::conformance_dir("alloy-syntax/parser/valid") else {
        return;
    };
    let files = common::files_with_ext(&dir, ".alloy");
    assert!(!files.is_empty());
    for f in files {
        let src = fs::read_to_string(&f).unwrap();
        let parsed = o11yc_alloy::parse(&src);
        assert!(parsed.is_ok(), "{}: {:?}", f.display(), parsed.err());
        let file = parsed.unwrap();
        let printed = o11yc_alloy::print(&file);
        let reparsed = o11yc_alloy::parse(&printed).expect("printed output parses");
        assert_eq!(
            reparsed,
            file,
            "{}: round trip changed the tree",
            f.display()
        );
    }
}

fn expected_error_lines(src: &str) -> BTreeSet<usize> {
    src.lines()
        .enumerate()
        .filter(|(_, l)| l.contains("/* ERROR"))
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn error_files_report_errors_on_marked_lines() {
    let Some(dir) = common::conformance_dir("alloy-syntax/parser") else {
        return;
    };
    let files = common::files_with_ext(&dir, ".alloy");
    assert!(files.len() >= 6, "expected the error test files");
    for f in files {
        let src = fs::read_to_string(&f).unwrap();
        let want = expected_error_lines(&src);
        assert!(!want.is_empty(), "{} has no ERROR markers", f.display());
        let errs = o11yc_alloy::parse(&src).expect_err("file with ERROR markers must fail");
        let lines = o11yc_alloy::LineIndex::new(&src);
        let got: BTreeSet<usize> = errs
            .iter()
            .map(|e| e.line_col(&lines, &src).0 as usize)
            .collect();
        assert_eq!(got, want, "{}: error lines differ: {errs:#?}", f.display());
    }
}
