//! `printer/X.in` formatted must equal `printer/X.expect` (Alloy's own
//! formatter test data), and `X.error` files must fail to parse.

mod common;

use std::fs;

fn run_case(name: &str) {
    let Some(dir) = common::conformance_dir("alloy-syntax/printer") else {
        return;
    };
    let input = fs::read_to_string(dir.join(format!("{name}.in"))).expect("input");
    let error_file = dir.join(format!("{name}.error"));
    if error_file.exists() {
        let want = fs::read_to_string(error_file).expect("error file");
        let errs = o11yc_alloy::parse(&input).expect_err("input must not parse");
        assert!(
            errs.iter().any(|e| e.message.contains(want.trim())),
            "{name}: expected error containing {want:?}, got {errs:?}"
        );
        return;
    }
    let expect = fs::read_to_string(dir.join(format!("{name}.expect"))).expect("expect");
    let got = o11yc_alloy::format(&input).unwrap_or_else(|e| panic!("{name}: parse failed: {e:?}"));
    assert_eq!(
        got.trim_end(),
        expect.trim_end(),
        "{name}: formatted output differs\n--- got ---\n{got}"
    );
    // Idempotence: formatting the expected output changes nothing.
    let again = o11yc_alloy::format(&got).expect("reparse formatted output");
    assert_eq!(again, got, "{name}: formatting is not idempotent");
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            run_case(stringify!($name));
        }
    )*};
}

cases!(
    array_comments,
    block_comments,
    example,
    func_call,
    mixed_list,
    mixed_object,
    object_align,
    oneline_block,
    raw_string,
    raw_string_label_error,
);

/// Guards against new pairs appearing in the data without a test above.
#[test]
fn every_printer_case_is_listed() {
    let Some(dir) = common::conformance_dir("alloy-syntax/printer") else {
        return;
    };
    let listed = [
        "array_comments",
        "block_comments",
        "example",
        "func_call",
        "mixed_list",
        "mixed_object",
        "object_align",
        "oneline_block",
        "raw_string",
        "raw_string_label_error",
    ];
    for p in common::files_with_ext(&dir, ".in") {
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        assert!(
            listed.contains(&stem.as_str()),
            "unlisted printer case {stem}"
        );
    }
}
