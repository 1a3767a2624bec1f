//! What users see for invalid profiles: every fixture in `tests/fixtures/invalid/` is
//! compiled and the full rendered diagnostics (as `o11yc build` prints them, without
//! colour) are snapshotted.

use std::path::Path;

use o11yc::{ProfileRef, compile_profile};
use o11yc::{SourceMap, render};

#[test]
fn invalid_fixtures_render_located_diagnostics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        // Relative paths keep the snapshots independent of the checkout location.
        let relative = path.strip_prefix(root).unwrap_or(path);
        let profile = ProfileRef {
            name: "fixture".into(),
            path: relative.to_owned(),
        };
        let mut sources = SourceMap::new();
        let Err(diags) = compile_profile(&profile, &mut sources) else {
            panic!("{} should be rejected", relative.display());
        };
        let rendered: String = diags
            .iter()
            .map(|d| render(d, &sources, false))
            .collect::<Vec<_>>()
            .join("\n");
        insta::assert_snapshot!(rendered);
    });
}

/// The fixture with three independent mistakes yields three located errors in one run.
#[test]
fn three_independent_mistakes_are_three_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let profile = ProfileRef {
        name: "three".into(),
        path: root.join("tests/fixtures/invalid/three_mistakes.yaml"),
    };
    let mut sources = SourceMap::new();
    let diags = compile_profile(&profile, &mut sources).err().unwrap();
    let lines: Vec<(u32, u32)> = diags
        .iter()
        .map(|d| sources.line_col(d.span.unwrap()))
        .collect();
    assert_eq!(lines, [(7, 9), (10, 3), (15, 13)], "{diags:#?}");
}

/// A dangling reference on the third line of an `alloy.custom` snippet is reported at that
/// line and column of the profile, underlining the reference.
#[test]
fn a_custom_snippet_error_points_into_the_block_scalar() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("tests/fixtures/invalid/custom_dangling_reference.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let profile = ProfileRef {
        name: "custom".into(),
        path,
    };
    let mut sources = SourceMap::new();
    let diags = compile_profile(&profile, &mut sources).err().unwrap();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let span = diags[0].span.unwrap();
    assert_eq!(sources.line_col(span), (22, 21));
    assert_eq!(
        &text[span.range()],
        "prometheus.remote_write.missing.receiver"
    );
}

/// Warnings of a valid profile are shown by `check` (and `build`), which still succeeds.
#[test]
fn warnings_are_shown_on_success() {
    let out = assert_cmd::Command::cargo_bin("o11yc")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--profile", "homelab-nvme"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "warning[O11Y0114]: Alloy: label \"pod\" added by discovery.relabel.pod_logs takes unbounded values"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("--> profiles/homelab-nvme.yaml:87:7"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("1 profile valid and up to date\n"),
        "{stderr}"
    );
}

/// `--format json`: one JSON object per diagnostic and line on stdout, with the location,
/// the stable code, the severity, the message and the help.
#[test]
fn json_format_prints_one_object_per_diagnostic() {
    let out = assert_cmd::Command::cargo_bin("o11yc")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "--message-format",
            "json",
            "--profile",
            "tests/fixtures/invalid/three_mistakes.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let objects: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let file = "tests/fixtures/invalid/three_mistakes.yaml";
    assert_eq!(
        objects[0],
        serde_json::json!({
            "file": file, "line": 7, "column": 9, "end_line": 7, "end_column": 16,
            "code": "O11Y0012", "severity": "error",
            "message": "unknown value `helmfle` for `delivery.mode`",
            "help": "did you mean `helmfile`?", "key": "delivery.mode",
            "expected": "one of `flux`, `helmfile`", "notes": [],
        })
    );
    let summary: Vec<(u64, u64, &str)> = objects
        .iter()
        .map(|o| {
            (
                o["line"].as_u64().unwrap(),
                o["column"].as_u64().unwrap(),
                o["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (7, 9, "O11Y0012"),
            (10, 3, "O11Y0010"),
            (15, 13, "O11Y0011")
        ]
    );
    // The human summary stays on stderr.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "error: 1 of 1 profile is invalid; nothing was written\n"
    );
}

/// `o11yc explain CODE` prints the text of a code; every code a fixture reports has one.
#[test]
fn explain_prints_the_text_of_a_code() {
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("o11yc")
            .unwrap()
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, stdout, _) = run(&["explain", "O11Y0201"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.starts_with("O11Y0201: error in `alloy.custom`\n\nThe Alloy snippet under `custom`"),
        "{stdout}"
    );
    assert_eq!(
        run(&["explain", "o11y10"]).1,
        run(&["explain", "O11Y0010"]).1
    );
    let (code, stdout, stderr) = run(&["explain", "O11Y9999"]);
    assert_eq!((code, stdout.as_str()), (Some(2), ""));
    assert!(
        stderr.starts_with("error: no diagnostic code `O11Y9999`"),
        "{stderr}"
    );
    let (_, list, _) = run(&["explain"]);
    // One line per code: `O11Ynnnn  title`, each code once.
    let codes: Vec<&str> = list
        .lines()
        .map(|l| l.split("  ").next().unwrap())
        .collect();
    assert!(
        codes.iter().all(|c| c.len() == 8 && c.starts_with("O11Y")),
        "{list}"
    );
    assert_eq!(
        codes.len(),
        codes
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
    assert!(list.contains("O11Y0010  unknown key\n"), "{list}");
}

/// More problems than the cap: the first 50 by location, then one line saying there are more.
#[test]
fn diagnostics_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.yaml");
    let mut text = String::from(
        "environment: development\ncluster:\n  name: c\nnamespace: o\ndelivery: {mode: helmfile}\nloki:\n  retention: 7d\n  storage: {claim: {size: 1Gi}}\n",
    );
    for i in 0..60 {
        text.push_str(&format!("  unknown{i}: 1\n"));
    }
    std::fs::write(&path, text).unwrap();
    let profile = ProfileRef {
        name: "many".into(),
        path,
    };
    let mut sources = SourceMap::new();
    let diags = compile_profile(&profile, &mut sources).err().unwrap();
    assert_eq!(diags.len(), o11yc::MAX_DIAGNOSTICS + 1);
    assert_eq!(diags[0].message, "unknown key `unknown0` in `loki`");
    assert_eq!(sources.line_col(diags[0].span.unwrap()).0, 9);
    let last = diags.last().unwrap();
    assert_eq!(
        last.message,
        "more problems not shown (the search stopped after 50)"
    );
    assert_eq!(last.code, Some("O11Y0900"));
}

/// PromQL errors point at the character the parser stopped at, inside the `expr` string:
/// a plain scalar, a quoted one and a literal block scalar; the parser's reason is the label.
#[test]
fn promql_errors_point_into_the_expression() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("tests/fixtures/invalid/promql_column.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let profile = ProfileRef {
        name: "promql".into(),
        path,
    };
    let mut sources = SourceMap::new();
    let diags = compile_profile(&profile, &mut sources).err().unwrap();
    let found: Vec<(u32, u32, &str, &str)> = diags
        .iter()
        .map(|d| {
            let s = d.span.unwrap();
            let (line, col) = sources.line_col(s);
            (line, col, &text[s.range()], d.label.as_deref().unwrap())
        })
        .collect();
    assert_eq!(
        found,
        [
            (16, 46, "&", "unexpected character: '&'"),
            (19, 87, ")", "unexpected character inside brackets: ')'"),
            (23, 15, "rte", "unknown function with name 'rte'"),
        ]
    );
}
