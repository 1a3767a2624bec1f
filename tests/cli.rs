//! The `o11yc` binary end to end: exit codes, messages and files.

mod common;

use common::run;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn o11yc() -> Command {
    let mut cmd = Command::cargo_bin("o11yc").unwrap();
    cmd.current_dir(repo()).env("NO_COLOR", "1");
    cmd
}

/// Every file below `dir` with its bytes, sorted.
fn snapshot_dir(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_owned(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn build_into(out: &Path) {
    let (code, _, err) = run(o11yc().args(["build", "--all", "--out"]).arg(out));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn committed_generated_tree_is_fresh() {
    let (code, _, err) = run(o11yc().args(["check", "--all"]));
    assert_eq!(
        code, 0,
        "generated/ is stale, run `cargo run -- build --all`:\n{err}"
    );
    assert!(err.contains("6 profiles valid and up to date"), "{err}");
}

#[test]
fn committed_schema_is_fresh() {
    let (code, out, _) = run(o11yc().arg("schema"));
    assert_eq!(code, 0);
    let committed = std::fs::read_to_string(repo().join("schema/o11yc.schema.json")).unwrap();
    assert_eq!(
        out, committed,
        "schema/ is stale: run `cargo run -- schema --out schema/o11yc.schema.json`"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    build_into(a.path());
    build_into(b.path());
    let (sa, sb) = (snapshot_dir(a.path()), snapshot_dir(b.path()));
    assert!(
        sa.len() > 20,
        "expected the shipped profiles' files, got {}",
        sa.len()
    );
    assert_eq!(sa, sb);
}

#[test]
fn check_and_diff_report_a_modified_file_with_exit_1() {
    let out = tempfile::tempdir().unwrap();
    build_into(out.path());
    let (code, _, err) = run(o11yc().args(["check", "--out"]).arg(out.path()));
    assert_eq!(code, 0, "{err}");
    let (code, stdout, _) = run(o11yc().args(["diff", "--out"]).arg(out.path()));
    assert_eq!((code, stdout.as_str()), (0, ""));

    let file = out.path().join("homelab-nvme/values/loki.yaml");
    let edited = std::fs::read_to_string(&file)
        .unwrap()
        .replace("retention_period: 7d", "retention_period: 9d");
    std::fs::write(&file, edited).unwrap();
    std::fs::remove_file(out.path().join("dev/namespaces.yaml")).unwrap();

    let (code, _, err) = run(o11yc().args(["check", "--out"]).arg(out.path()));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("differs") && err.contains("homelab-nvme/values/loki.yaml"),
        "{err}"
    );
    assert!(
        err.contains("missing") && err.contains("dev/namespaces.yaml"),
        "{err}"
    );

    let (code, stdout, _) = run(o11yc()
        .args([
            "diff",
            "--format",
            "patch",
            "--profile",
            "homelab-nvme",
            "--out",
        ])
        .arg(out.path()));
    assert_eq!(code, 1);
    assert!(
        stdout.contains("-    retention_period: 9d\n+    retention_period: 7d\n"),
        "{stdout}"
    );
    let (code, stdout, _) = run(o11yc()
        .args(["diff", "--profile", "homelab-nvme", "--out"])
        .arg(out.path()));
    assert_eq!(code, 1);
    assert!(
        stdout.contains("~ Helm release logging/loki\n")
            && stdout.contains(".retention_period: 9d → 7d\n"),
        "{stdout}"
    );
    assert!(
        !stdout.contains('\u{1b}'),
        "no colour when NO_COLOR is set / not a terminal"
    );
}

#[test]
fn build_prunes_its_own_stale_files_but_never_a_users_file() {
    let out = tempfile::tempdir().unwrap();
    build_into(out.path());
    let own_stale = out.path().join("dev/old-file.yaml");
    std::fs::write(&own_stale, "x").unwrap();
    let manifest = out.path().join("dev/.o11yc-manifest");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("old-file.yaml\n");
    std::fs::write(&manifest, text).unwrap();
    let users = out.path().join("dev/notes.md");
    std::fs::write(&users, "mine").unwrap();

    let (code, _, err) = run(o11yc()
        .args(["check", "--profile", "dev", "--out"])
        .arg(out.path()));
    assert_eq!(code, 1);
    assert!(
        err.contains("stale") && err.contains("old-file.yaml"),
        "{err}"
    );
    build_into(out.path());
    assert!(!own_stale.exists());
    assert_eq!(std::fs::read_to_string(&users).unwrap(), "mine");
}

#[test]
fn build_refuses_to_overwrite_a_file_it_did_not_write() {
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(out.path().join("dev")).unwrap();
    std::fs::write(out.path().join("dev/namespaces.yaml"), "hand-made").unwrap();
    let (code, _, err) = run(o11yc()
        .args(["build", "--profile", "dev", "--out"])
        .arg(out.path()));
    assert_eq!(code, 2);
    assert!(err.contains("was not written by o11yc"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.path().join("dev/namespaces.yaml")).unwrap(),
        "hand-made"
    );
}

/// Writes a profile into a fresh directory; returns (dir, path).
fn bad_profile(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// Runs `build` on an invalid profile next to a good one; checks exit 2 and that nothing was written.
fn rejected(text: &str) -> String {
    let (dir, path) = bad_profile(text);
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("broken")).unwrap();
    std::fs::write(out.join("broken/keep.txt"), "untouched").unwrap();
    let before = snapshot_dir(&out);
    let (code, _, err) = run(o11yc()
        .args(["build", "--profile", "homelab-nvme", "--profile"])
        .arg(&path)
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        snapshot_dir(&out),
        before,
        "output changed although a profile is invalid"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err.replace(&path.display().to_string(), "broken.yaml")
}

const MINIMAL: &str = "cluster:\n  name: c\nnamespace: logging\ndelivery:\n  mode: helmfile\n";

#[test]
fn a_typo_gets_a_located_message_with_a_suggestion() {
    let err = rejected(&format!(
        "{MINIMAL}loki:\n  retension: 7d\n  storage:\n    claim:\n      size: 1Gi\n"
    ));
    assert!(err.contains("broken.yaml:7:3"), "{err}");
    assert!(err.contains("unknown key `retension`"), "{err}");
    assert!(err.contains("did you mean `retention`?"), "{err}");
}

#[test]
fn a_syntax_error_is_located() {
    let err = rejected("cluster:\n  name: [unclosed\nnamespace: x\n");
    assert!(err.contains("broken.yaml:"), "{err}");
}

#[test]
fn an_empty_file_is_rejected() {
    let err = rejected("");
    assert!(err.contains("profile is empty"), "{err}");
}

#[test]
fn a_non_mapping_root_is_rejected() {
    let err = rejected("- a\n- b\n");
    assert!(err.contains("expected a mapping at the top level"), "{err}");
    assert!(err.contains("broken.yaml:1:1"), "{err}");
}

#[test]
fn a_wrong_type_is_located() {
    let err = rejected(&format!(
        "{MINIMAL}loki:\n  retention: 7d\n  gateway: maybe\n  storage:\n    claim:\n      size: 1Gi\n"
    ));
    assert!(err.contains("broken.yaml:8:12"), "{err}");
    assert!(err.contains("expected a boolean"), "{err}");
}

/// Issue 10: a chart repository that reads the local file system exits 2, writes nothing.
#[test]
fn a_file_chart_repository_exits_2_with_the_fix() {
    let err = rejected(&format!(
        "{MINIMAL}  charts:\n    loki:\n      version: 7.3.0\n      repository: file:///etc\n"
    ));
    assert!(err.contains("broken.yaml:9:7"), "{err}");
    assert!(
        err.contains("key: delivery.charts.loki.repository"),
        "{err}"
    );
    assert!(err.contains("publish the chart"), "{err}");
}

#[test]
fn an_unknown_profile_name_is_a_usage_error_with_a_suggestion() {
    let (code, _, err) = run(o11yc().args(["check", "--profile", "homelab"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("no profile `homelab`") && err.contains("did you mean `homelab-nvme`?"),
        "{err}"
    );
}

#[test]
fn bad_flags_exit_2() {
    let (code, _, err) = run(o11yc().args(["build", "--frobnicate"]));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(o11yc().args(["build", "--all", "--profile", "dev"]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn alloy_check_accepts_a_pipeline_and_locates_a_dangling_reference() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.alloy");
    std::fs::write(
        &good,
        "loki.write \"default\" {\n\tendpoint {\n\t\turl = \"http://loki:3100/loki/api/v1/push\"\n\t}\n}\n\nloki.source.kubernetes_events \"events\" {\n\tforward_to = [loki.write.default.receiver]\n}\n",
    )
    .unwrap();
    let (code, _, err) = run(o11yc().args(["alloy", "check"]).arg(&good));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(o11yc().args(["alloy", "fmt", "--check"]).arg(&good));
    assert_eq!(code, 0, "{err}");

    let bad = dir.path().join("bad.alloy");
    std::fs::write(&bad, "loki.source.kubernetes_events \"events\" {\n\tforward_to = [loki.write.missing.receiver]\n}\n").unwrap();
    let (code, _, err) = run(o11yc().args(["alloy", "check"]).arg(&bad));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bad.alloy:2:"), "{err}");

    let messy = dir.path().join("messy.alloy");
    std::fs::write(
        &messy,
        "loki.write \"default\" {\nendpoint {\nurl = \"x\"\n}\n}\n",
    )
    .unwrap();
    let (code, _, _) = run(o11yc().args(["alloy", "fmt", "--check"]).arg(&messy));
    assert_eq!(code, 1);
    let (code, _, _) = run(o11yc().args(["alloy", "fmt"]).arg(&messy));
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap(),
        "loki.write \"default\" {\n\tendpoint {\n\t\turl = \"x\"\n\t}\n}\n"
    );
}

#[test]
fn graph_prints_each_pipeline_as_a_mermaid_flowchart() {
    let (code, out, _) = run(o11yc().args(["graph", "--profile", "vcluster"]));
    assert_eq!(code, 0);
    let charts: Vec<&str> = out.split("\n\n").collect();
    assert_eq!(charts.len(), 2, "{out}");
    assert!(
        charts[0]
            .starts_with("%% vcluster: alloy/config.alloy (the stack's Alloy)\nflowchart LR\n")
    );
    assert!(charts[1].starts_with("%% vcluster: vcluster/alloy/config.alloy"));
    // Data flows from discovery to the source to the writer.
    assert!(out.contains("discovery_kubernetes_pods --> discovery_relabel_pod_logs"));
    assert!(out.contains("loki_process_pod_logs --> loki_write_default"));
    assert!(out.contains("loki_relabel_run_labels --> loki_write_default"));
}

#[test]
fn graph_of_an_unknown_profile_exits_2_and_prints_no_chart() {
    let (code, out, err) = run(o11yc().args(["graph", "--profile", "nope"]));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
}

#[test]
fn every_generated_alloy_file_passes_alloy_check_and_fmt() {
    let mut files = Vec::new();
    for profile in [
        "dev",
        "homelab-nvme",
        "kaiwo",
        "prod",
        "prod-kafka",
        "vcluster",
    ] {
        files.push(repo().join(format!("generated/{profile}/alloy/config.alloy")));
    }
    files.push(repo().join("generated/kaiwo/vcluster/alloy/config.alloy"));
    files.push(repo().join("generated/vcluster/vcluster/alloy/config.alloy"));
    let (code, _, err) = run(o11yc().args(["alloy", "check"]).args(&files));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(o11yc().args(["alloy", "fmt", "--check"]).args(&files));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn alloy_check_stability_level_and_community_flags() {
    let dir = tempfile::tempdir().unwrap();
    let enrich = dir.path().join("enrich.alloy");
    std::fs::write(
        &enrich,
        "prometheus.enrich \"e\" {\n  targets            = []\n  target_match_label = \"instance\"\n  forward_to         = []\n}\n",
    )
    .unwrap();
    let (code, _, err) = run(o11yc().args(["alloy", "check"]).arg(&enrich));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error[O11Y0309]: prometheus.enrich is experimental")
            && err.contains("enrich.alloy:1:1\n")
            && err.contains("--stability.level=experimental"),
        "{err}"
    );
    let (code, _, err) = run(o11yc()
        .args(["alloy", "check", "--stability-level", "public-preview"])
        .arg(&enrich));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(o11yc()
        .args(["alloy", "check", "--stability-level", "experimental"])
        .arg(&enrich));
    assert_eq!((code, err.as_str()), (0, ""));

    let community = dir.path().join("community.alloy");
    std::fs::write(&community, "otelcol.exporter.googlecloud \"g\" {}\n").unwrap();
    let (code, _, err) = run(o11yc().args(["alloy", "check"]).arg(&community));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--feature.community-components.enabled"),
        "{err}"
    );
    let (code, _, err) = run(o11yc()
        .args(["alloy", "check", "--community-components"])
        .arg(&community));
    assert_eq!((code, err.as_str()), (0, ""));

    let (code, _, err) = run(o11yc()
        .args(["alloy", "check", "--stability-level", "beta"])
        .arg(&enrich));
    assert_eq!(code, 2, "{err}");
}
