//! The commit workflow end to end: `check --staged` against the git index, `init`,
//! `completions`. Each test works in its own temporary git repository.

mod common;

use common::run;

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

fn o11yc(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("o11yc").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn git(dir: &Path, args: &[&str]) {
    let out = Process::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A git repository holding `profiles/<name>.yaml` (from `o11yc init`), built but nothing staged.
fn repo_with_built_profile(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "."]);
    let (code, _, err) = run(o11yc(dir.path()).args(["init", "--name", name]));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(o11yc(dir.path()).arg("build"));
    assert_eq!(code, 0, "{err}");
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The case: after `build`, only profiles/ is staged. The working tree is fresh,
/// so plain `check` passes, but the commit would be stale: `check --staged` must fail.
#[test]
fn staged_check_fails_when_generated_is_not_staged() {
    let repo = repo_with_built_profile("demo");
    let dir = repo.path();
    git(dir, &["add", "profiles"]);

    let (code, _, err) = run(o11yc(dir).arg("check"));
    assert_eq!(code, 0, "the working tree is fresh: {err}");

    let (code, _, err) = run(o11yc(dir).args(["check", "--staged"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("generated/demo is out of date:"), "{err}");
    assert!(
        err.contains("  missing generated/demo/helmfile.yaml"),
        "{err}"
    );
    assert!(
        err.contains(
            "error: 1 generated directory is out of date; run `o11yc build` and commit the result"
        ),
        "{err}"
    );
    assert!(err.contains("unstaged changes are ignored"), "{err}");

    git(dir, &["add", "generated"]);
    let (code, _, err) = run(o11yc(dir).args(["check", "--staged"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "1 profile valid and up to date\n");
    git(dir, &["commit", "-q", "-m", "fresh"]);

    // A profile change built but only the profile staged: the staged values differ.
    edit(
        &dir.join("profiles/demo.yaml"),
        "retention: 7d",
        "retention: 5d",
    );
    let (code, _, err) = run(o11yc(dir).arg("build"));
    assert_eq!(code, 0, "{err}");
    git(dir, &["add", "profiles/demo.yaml"]);
    let (code, _, err) = run(o11yc(dir).args(["check", "--staged"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("  differs generated/demo/values/loki.yaml"),
        "{err}"
    );
    git(dir, &["add", "-A"]);
    let (code, _, err) = run(o11yc(dir).args(["check", "--staged", "--profile", "demo"]));
    assert_eq!(code, 0, "{err}");
}

/// Unstaged edits (to a profile, its `extends` base, or a generated file) and unstaged new
/// profiles are not what will be committed: `check --staged` ignores them.
#[test]
fn staged_check_ignores_the_working_tree() {
    let repo = repo_with_built_profile("demo");
    let dir = repo.path();
    // Move the cluster name into a partial base so `extends` is read from the index too.
    edit(
        &dir.join("profiles/demo.yaml"),
        "cluster:\n  name: demo",
        "extends: _base\ncluster:\n  name: demo",
    );
    // The namespace moves to the base too, so a staged change of the base changes the output.
    edit(
        &dir.join("profiles/demo.yaml"),
        "namespace: monitoring        # where components run unless they set their own\n",
        "",
    );
    std::fs::write(dir.join("profiles/_base.yaml"), "namespace: monitoring\n").unwrap();
    let (code, _, err) = run(o11yc(dir).arg("build"));
    assert_eq!(code, 0, "{err}");
    git(dir, &["add", "-A"]);

    edit(&dir.join("profiles/_base.yaml"), "monitoring", "elsewhere");
    std::fs::write(dir.join("generated/demo/helmfile.yaml"), "hand edit\n").unwrap();
    std::fs::copy(
        dir.join("profiles/demo.yaml"),
        dir.join("profiles/other.yaml"),
    )
    .unwrap();
    let (code, _, _) = run(o11yc(dir).arg("check"));
    assert_eq!(code, 1, "the working tree is stale");

    let (code, _, err) = run(o11yc(dir).args(["check", "--staged"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "1 profile valid and up to date\n");

    // Staging the base change makes the staged tree stale; run from a subdirectory.
    git(dir, &["add", "profiles/_base.yaml"]);
    let (code, _, err) = run(o11yc(&dir.join("profiles")).args([
        "check",
        "--staged",
        "--profiles",
        ".",
        "--out",
        "../generated",
        "--profile",
        "demo",
    ]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("  differs ../generated/demo/namespaces.yaml\n"),
        "{err}"
    );
}

#[test]
fn staged_check_reports_invalid_staged_profiles_and_errors() {
    let repo = repo_with_built_profile("demo");
    let dir = repo.path();
    edit(
        &dir.join("profiles/demo.yaml"),
        "retention: 7d",
        "retension: 7d",
    );
    git(dir, &["add", "-A"]);
    // The working tree copy is fixed but not staged: the staged one is invalid.
    edit(
        &dir.join("profiles/demo.yaml"),
        "retension: 7d",
        "retention: 7d",
    );
    let (code, _, err) = run(o11yc(dir).args(["check", "--staged"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown key `retension` in `loki`"), "{err}");
    assert!(err.contains("--> profiles/demo.yaml:"), "{err}");

    let (code, _, err) = run(o11yc(dir).args(["check", "--staged", "--profile", "nope"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("no profile `nope` in the git index: profiles/nope.yaml is not staged"),
        "{err}"
    );

    let outside = tempfile::tempdir().unwrap();
    let (code, _, err) = run(o11yc(dir)
        .args(["check", "--staged", "--out"])
        .arg(outside.path()));
    assert_eq!(code, 2);
    assert!(err.contains("is outside the repository"), "{err}");

    let empty = tempfile::tempdir().unwrap();
    git(empty.path(), &["init", "-q", "."]);
    let (code, _, err) = run(o11yc(empty.path()).args(["check", "--staged"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("no profiles (*.yaml) staged in profiles"),
        "{err}"
    );

    let not_git = tempfile::tempdir().unwrap();
    let (code, _, err) = run(o11yc(not_git.path())
        .env("GIT_CEILING_DIRECTORIES", not_git.path().parent().unwrap())
        .args(["check", "--staged"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--staged reads the git index, but this is not a git work tree"),
        "{err}"
    );
}

/// `init` writes a profile that builds and checks; it never overwrites one.
#[test]
fn init_writes_a_starter_profile_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(o11yc(dir.path()).arg("init"));
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("wrote profiles/main.yaml\n"), "{err}");
    let text = std::fs::read_to_string(dir.path().join("profiles/main.yaml")).unwrap();
    assert!(text.starts_with("# A starter o11yc profile"), "{text}");
    assert!(text.contains("  name: main "), "{text}");

    let (code, _, err) = run(o11yc(dir.path()).arg("build"));
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("generated/main/helmfile.yaml").is_file());
    let (code, _, err) = run(o11yc(dir.path()).arg("check"));
    assert_eq!(code, 0, "{err}");

    let (code, _, err) = run(o11yc(dir.path()).arg("init"));
    assert_eq!(code, 2);
    assert!(
        err.contains("profiles/main.yaml already exists; not overwriting it"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("profiles/main.yaml")).unwrap(),
        text
    );

    let (code, _, err) = run(o11yc(dir.path()).args(["init", "--name", "../evil"]));
    assert_eq!(code, 2);
    assert!(err.contains("invalid profile name `../evil`"), "{err}");
}

#[test]
fn completions_for_each_shell() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F _o11yc"),
        ("zsh", "#compdef o11yc"),
        ("fish", "complete -c o11yc"),
        ("elvish", "o11yc"),
        ("powershell", "o11yc"),
    ] {
        let (code, out, err) = run(o11yc(dir.path()).args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains(marker), "{shell}: {out}");
        for sub in ["build", "check", "staged", "init", "completions"] {
            assert!(out.contains(sub), "{shell} completion lacks {sub}");
        }
    }
    let (code, _, err) = run(o11yc(dir.path()).args(["completions", "tcsh"]));
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'tcsh'"), "{err}");
}
