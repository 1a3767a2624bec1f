//! What users see from `o11yc alloy check` and `o11yc alloy fmt --check`: every fixture in
//! `tests/fixtures/alloy/` is checked by the binary and its exit code and full stderr (the
//! same rustc-style diagnostics as profile errors, with codes) are snapshotted.

mod common;

use common::run;

fn o11yc() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("o11yc").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// The fixture's path relative to the repository, so snapshots do not depend on the checkout.
fn relative(path: &std::path::Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn alloy_check_renders_every_diagnostic_of_each_fixture() {
    insta::glob!("fixtures/alloy/*.alloy", |path| {
        let (code, out, err) = run(o11yc().args(["alloy", "check"]).arg(relative(path)));
        assert_eq!(out, "");
        insta::assert_snapshot!(format!("exit code {code}\n{err}"));
    });
}

/// A file too long for `u32` offsets is refused before it is read (exit 2, a clean message),
/// by both `check` and `fmt`.
#[test]
fn alloy_files_over_the_offset_limit_are_a_clean_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.alloy");
    let f = std::fs::File::create(&path).unwrap();
    // Sparse: no disk space is used.
    f.set_len(o11yc_alloy::diag::MAX_SOURCE_BYTES + 1).unwrap();
    for cmd in ["check", "fmt"] {
        let (code, out, err) = run(o11yc().args(["alloy", cmd]).arg(&path));
        assert_eq!((code, out.as_str()), (2, ""), "{cmd}: {err}");
        assert!(
            err.contains("larger than 4294967295 bytes, the most o11yc can locate errors in"),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn alloy_fmt_check_points_at_the_first_changed_line() {
    let (code, _, err) = run(o11yc().args([
        "alloy",
        "fmt",
        "--check",
        "tests/fixtures/alloy/unformatted.alloy",
    ]));
    insta::assert_snapshot!(format!("exit code {code}\n{err}"));
}

/// All errors of a file in one run, each with the code of its kind, in source order.
#[test]
fn alloy_check_reports_all_errors_of_a_file_with_codes() {
    let (code, out, _) = run(o11yc().args([
        "--message-format",
        "json",
        "alloy",
        "check",
        "tests/fixtures/alloy/many_errors.alloy",
        "tests/fixtures/alloy/stability.alloy",
    ]));
    assert_eq!(code, 2);
    let objects: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let summary: Vec<(&str, u64, u64, &str)> = objects
        .iter()
        .map(|o| {
            (
                o["file"].as_str().unwrap(),
                o["line"].as_u64().unwrap(),
                o["column"].as_u64().unwrap(),
                o["code"].as_str().unwrap(),
            )
        })
        .collect();
    let many = "tests/fixtures/alloy/many_errors.alloy";
    assert_eq!(
        summary,
        [
            (many, 4, 2, "O11Y0302"),
            (many, 9, 16, "O11Y0306"),
            (many, 12, 1, "O11Y0302"),
            (many, 19, 16, "O11Y0306"),
            ("tests/fixtures/alloy/stability.alloy", 1, 1, "O11Y0309"),
        ]
    );
    assert_eq!(
        objects[2],
        serde_json::json!({
            "file": many, "line": 12, "column": 1, "end_line": 12, "end_column": 11,
            "code": "O11Y0302", "severity": "error",
            "message": "unknown component \"loki.wirte\": Alloy v1.18.1 has no such component or block",
            "help": "did you mean \"loki.write\"?", "key": null, "expected": null, "notes": [],
        })
    );
}

/// Columns count characters: `é` before the error is one column, not two bytes.
#[test]
fn alloy_columns_are_characters() {
    let (_, out, _) = run(o11yc().args([
        "--message-format",
        "json",
        "alloy",
        "check",
        "tests/fixtures/alloy/syntax_errors.alloy",
    ]));
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(2), Some(55))
    );
}

/// Every code an Alloy diagnostic can carry has an `o11yc explain` text.
#[test]
fn every_alloy_code_is_explained() {
    for code in [
        "O11Y0301", "O11Y0302", "O11Y0303", "O11Y0304", "O11Y0305", "O11Y0306", "O11Y0307",
        "O11Y0308", "O11Y0309", "O11Y0310", "O11Y0311",
    ] {
        let (status, out, err) = run(o11yc().args(["explain", code]));
        assert_eq!(status, 0, "{code}: {err}");
        assert!(out.starts_with(&format!("{code}: ")), "{out}");
    }
}
