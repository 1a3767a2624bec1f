//! `o11yc diff`: the semantic review report on real profile changes, made in a
//! temporary copy of `profiles/` and `generated/`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the shipped profiles and their committed output.
fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["profiles", "generated"] {
        let status = Command::new("cp")
            .arg("-r")
            .arg(repo().join(sub))
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
    dir
}

fn edit(path: PathBuf, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = f(text.clone());
    assert_ne!(
        text,
        edited,
        "the edit of {} changed nothing",
        path.display()
    );
    std::fs::write(path, edited).unwrap();
}

/// Runs `o11yc` in `dir`: (exit code, stdout, stderr).
fn o11yc(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_o11yc"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn without_tempo(dir: &Path) {
    edit(dir.join("profiles/homelab-nvme.yaml"), |t| {
        let start = t.find("\ntempo:\n").unwrap() + 1;
        let end = start + t[start..].find("\ngrafana:\n").unwrap() + 1;
        let mut t = format!("{}{}", &t[..start], &t[end..]);
        t = t.replace("    otlp: true\n", "    otlp: false\n");
        t
    });
}

#[test]
fn nothing_changed_is_exit_0_in_every_format() {
    let dir = copy();
    for format in ["text", "markdown", "json", "patch"] {
        let (code, out, err) = o11yc(dir.path(), &["diff", "--format", format]);
        assert_eq!(code, 0, "{format}: {err}");
        match format {
            "text" | "patch" => assert_eq!(out, ""),
            "json" => assert_eq!(out, "[]\n"),
            _ => assert!(out.contains("No changes"), "{out}"),
        }
    }
}

#[test]
fn removing_tempo_shows_objects_releases_and_pipeline_components_once() {
    let dir = copy();
    without_tempo(dir.path());
    let (code, text, err) = o11yc(dir.path(), &["diff", "--profile", "homelab-nvme"]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("remove_tempo_text", text);
    // The pipeline once, as a graph: never its text, never per copy.
    assert_eq!(
        text.matches("pipeline alloy/config.alloy").count(),
        1,
        "{text}"
    );
    assert!(
        !text.contains("otelcol.receiver.otlp \"default\" {"),
        "{text}"
    );
    let (code, md, _) = o11yc(
        dir.path(),
        &["diff", "--profile", "homelab-nvme", "--format", "markdown"],
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("remove_tempo_markdown", md);
    let (code, json, _) = o11yc(
        dir.path(),
        &["diff", "--profile", "homelab-nvme", "--format", "json"],
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let removed: Vec<&str> = v[0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "removed")
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        removed,
        [
            "logging/tempo",
            "PersistentVolume tempo-logging",
            "PersistentVolumeClaim logging/storage-tempo-0"
        ]
    );
    assert_eq!(
        v[0]["pipelines"][0]["components_removed"],
        serde_json::json!([
            "otelcol.exporter.otlp.tempo",
            "otelcol.processor.batch.default",
            "otelcol.receiver.otlp.default"
        ])
    );
}

#[test]
fn renaming_a_run_label_shows_the_stream_labels_before_and_after_once() {
    let dir = copy();
    edit(dir.path().join("profiles/kaiwo.yaml"), |t| {
        t.replace(
            "namespaceLabel: vcluster_namespace",
            "namespaceLabel: vc_namespace",
        )
    });
    let (code, text, err) = o11yc(dir.path(), &["diff", "--profile", "kaiwo"]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("rename_label_text", text);
    // The inner pipeline is in vcluster/alloy/config.alloy and, in a ConfigMap,
    // inside vcluster/values.yaml: shown once.
    assert_eq!(text.matches("~ pipeline ").count(), 1, "{text}");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("~ stream labels of "))
        .expect("a label change");
    assert_eq!(
        lines[at + 1..at + 3],
        ["- vcluster_namespace", "+ vc_namespace"],
        "{text}"
    );
    let (code, json, _) = o11yc(
        dir.path(),
        &["diff", "--profile", "kaiwo", "--format", "json"],
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("rename_label_json", json);
    let (code, md, _) = o11yc(
        dir.path(),
        &["diff", "--profile", "kaiwo", "--format", "markdown"],
    );
    assert_eq!(code, 1);
    assert_eq!(md.matches("~ pipeline ").count(), 1, "{md}");
    // The pipeline, and cluster-health (a dashboard variable per run label).
    assert!(md.contains("| `kaiwo` | 0 | 0 | 2 | changed |"), "{md}");
}

#[test]
fn bumping_a_chart_version_shows_the_release_version() {
    let dir = copy();
    edit(dir.path().join("profiles/homelab-nvme.yaml"), |t| {
        // The shipped profile pins loki (with a Renovate marker): bump that pin.
        t.replacen("version: 18.11.0", "version: 18.12.0", 1)
    });
    let (code, text, err) = o11yc(dir.path(), &["diff", "--profile", "homelab-nvme"]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("chart_bump_text", text);
}

/// A dashboard query changed in o11yc (an emitter change, not a profile one):
/// OUT holds the old query in the JSON file and in the ConfigMap; the report
/// shows the dashboard once, by uid, with the query old → new.
#[test]
fn a_changed_dashboard_query_is_shown_once_as_a_query() {
    let dir = copy();
    let new = r#"sum by (namespace) (count_over_time({cluster=\"$cluster\", source=\"pod_log\", level=\"error\"} [$__auto]))"#;
    let old = r#"sum by (namespace) (count_over_time({cluster=\"$cluster\", source=\"pod_log\", level=~\"error|fatal\"} [$__auto]))"#;
    for file in ["logs-explorer.json", "logs-explorer.yaml"] {
        edit(
            dir.path().join("generated/prod/dashboards").join(file),
            |t| t.replace(new, old),
        );
    }
    let (code, text, err) = o11yc(dir.path(), &["diff", "--profile", "prod"]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("dashboard_query_text", text);
    assert_eq!(text.matches("dashboard logs-explorer").count(), 1, "{text}");
    assert!(text.contains("~ query "), "{text}");
}

#[test]
fn base_compares_with_the_generated_tree_at_a_git_revision() {
    let dir = copy();
    let git = |args: &[&str]| {
        let s = Command::new("git")
            .current_dir(dir.path())
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .status()
            .unwrap();
        assert!(s.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "base"]);
    without_tempo(dir.path());
    let (code, _, err) = o11yc(dir.path(), &["build", "--profile", "homelab-nvme"]);
    assert_eq!(code, 0, "{err}");
    // The working tree is now up to date; the committed one is not.
    let (code, out, _) = o11yc(dir.path(), &["diff", "--profile", "homelab-nvme"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, err) = o11yc(
        dir.path(),
        &["diff", "--profile", "homelab-nvme", "--base", "HEAD"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("- Helm release logging/tempo"), "{out}");
    // The same through an absolute --out inside the working directory.
    let abs = dir.path().join("generated");
    let (code, out, err) = o11yc(
        dir.path(),
        &[
            "diff",
            "--profile",
            "homelab-nvme",
            "--base",
            "HEAD",
            "--out",
            abs.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("- Helm release logging/tempo"), "{out}");
    assert!(
        !out.contains("+ Helm release logging/loki"),
        "the base tree was read: {out}"
    );
    let (code, _, err) = o11yc(dir.path(), &["diff", "--base", "no-such-rev"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-rev is not a git revision"), "{err}");
}

#[test]
fn an_invalid_profile_is_exit_2() {
    let dir = copy();
    edit(dir.path().join("profiles/dev.yaml"), |t| {
        t.replace("  mode: flux\n", "  mode: nonsense\n")
    });
    let (code, out, _) = o11yc(dir.path(), &["diff", "--format", "json"]);
    assert_eq!((code, out.as_str()), (2, ""));
}

/// A chart sources directory for `--rendered`: loki 18.11.0 from `../shared`
/// (linked, not copied into the repository) and a "18.12.0" made from it in a
/// temporary directory, shipping Loki 3.7.7.
fn charts_with_a_new_loki(dir: &Path) -> Option<PathBuf> {
    let shared = repo().join("../shared/conformance/charts/loki-18.11.0");
    if !shared.is_dir() {
        return None;
    }
    let charts = dir.join("charts");
    std::fs::create_dir(&charts).unwrap();
    std::os::unix::fs::symlink(&shared, charts.join("loki-18.11.0")).unwrap();
    let status = Command::new("cp")
        .arg("-r")
        .arg(&shared)
        .arg(charts.join("loki-18.12.0"))
        .status()
        .unwrap();
    assert!(status.success());
    edit(charts.join("loki-18.12.0/Chart.yaml"), |t| {
        t.replace("appVersion: 3.7.6", "appVersion: 3.7.7")
            .replace("version: 18.11.0", "version: 18.12.0")
    });
    Some(charts)
}

fn bump_loki(dir: &Path) {
    edit(dir.join("profiles/homelab-nvme.yaml"), |t| {
        // The shipped profile pins loki (with a Renovate marker): bump that pin.
        t.replacen("version: 18.11.0", "version: 18.12.0", 1)
    });
}

#[test]
fn rendered_shows_what_a_chart_version_bump_changes_in_the_cluster() {
    let helm = repo().join("target/conformance/helm/helm");
    let dir = copy();
    let Some(charts) = charts_with_a_new_loki(dir.path()) else {
        eprintln!("skipped: ../shared/conformance/charts is absent");
        return;
    };
    if !helm.is_file() {
        // scripts/test.sh installs helm before `cargo test`: in CI a missing helm is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "no helm at {} in CI (scripts/test.sh installs it)",
            helm.display()
        );
        eprintln!(
            "skipped: no helm at {} (scripts/render.sh installs it)",
            helm.display()
        );
        return;
    }
    bump_loki(dir.path());
    let args = [
        "diff",
        "--profile",
        "homelab-nvme",
        "--rendered",
        "--charts",
        charts.to_str().unwrap(),
        "--helm",
        helm.to_str().unwrap(),
    ];
    let (code, text, err) = o11yc(dir.path(), &args);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("chart_bump_rendered_text", text);
    assert!(
        text.contains(
            "spec.template.spec.containers[name=loki].image: docker.io/grafana/loki:3.7.6 → docker.io/grafana/loki:3.7.7"
        ),
        "{text}"
    );
}

#[test]
fn rendered_without_the_chart_sources_is_exit_2_naming_them() {
    let dir = copy();
    bump_loki(dir.path());
    std::fs::create_dir(dir.path().join("charts")).unwrap();
    let (code, out, err) = o11yc(
        dir.path(),
        &[
            "diff",
            "--profile",
            "homelab-nvme",
            "--rendered",
            "--charts",
            "charts",
        ],
    );
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(
        err.contains("no chart sources for loki 18.11.0 at charts/loki-18.11.0"),
        "{err}"
    );
    let (code, _, err) = o11yc(dir.path(), &["diff", "--rendered"]);
    assert_eq!(code, 2, "--rendered needs --charts: {err}");
}

/// A rule changed in o11yc: shown by group and alert name, the query old → new,
/// not as a change of its PrometheusRule object.
#[test]
fn a_changed_alert_is_shown_by_name_with_its_query() {
    let dir = copy();
    edit(
        dir.path().join("generated/prod/monitoring/rules/loki.yaml"),
        |t| {
            t.replacen(
                "namespace=\"monitoring\"}[5m])) > 5\n",
                "namespace=\"monitoring\"}[5m])) > 10\n",
                1,
            )
        },
    );
    let (code, text, err) = o11yc(dir.path(), &["diff", "--profile", "prod"]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("alert_query_text", text);
    assert!(
        text.contains("~ rule loki: alert LokiRequestErrors\n"),
        "{text}"
    );
    assert!(!text.contains("PrometheusRule"), "{text}");
}
