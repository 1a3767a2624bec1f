//! `o11yc alloy fmt` / `alloy check` and `alloy.custom` on hostile input:
//! no stack overflow, no destroyed file, no hang.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assert_cmd::Command;

mod common;

use common::run;

fn o11yc(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("o11yc").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

#[test]
fn fmt_replaces_the_file_atomically_and_keeps_its_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.alloy");
    std::fs::write(&f, "a   =  1 // x\x0cy\nb = \"p\x01q\"\n").unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (code, _, err) = run(o11yc(dir.path()).args(["alloy", "fmt", "a.alloy"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        "a = 1 // x\x0cy\nb = \"p\\x01q\"\n"
    );
    let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["a.alloy"], "no temporary file is left behind");
}

#[test]
fn fmt_leaves_the_file_alone_when_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.alloy");
    let original = "a   =  1\n";
    std::fs::write(&f, original).unwrap();
    // The temporary file cannot be created (as on a full disk or a
    // concurrent run): the original stays, and so does the foreign file.
    let tmp = dir.path().join(".a.alloy.o11yc-fmt.tmp");
    std::fs::write(&tmp, "someone else's").unwrap();
    let (code, _, err) = run(o11yc(dir.path()).args(["alloy", "fmt", "a.alloy"]));
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err,
        "error: cannot write a.alloy: File exists (os error 17)\n"
    );
    assert_eq!(std::fs::read_to_string(&f).unwrap(), original);
    assert_eq!(std::fs::read_to_string(&tmp).unwrap(), "someone else's");
}

#[test]
fn fmt_and_check_refuse_what_is_not_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.alloy");
    let ok = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !ok.is_ok_and(|s| s.success()) {
        return;
    }
    for cmd in ["fmt", "check"] {
        let (code, _, err) = run(o11yc(dir.path()).args(["alloy", cmd, "fifo.alloy"]));
        assert_eq!(code, 2, "{err}");
        assert_eq!(err, "error: cannot read fifo.alloy: not a regular file\n");
    }
}

#[test]
fn deep_expressions_are_located_errors_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    for (name, src) in [
        ("sum.alloy", format!("x = 1{}\n", "+1".repeat(65_536))),
        ("arrays.alloy", format!("x = {}\n", "[".repeat(65_536))),
        ("access.alloy", format!("x = a{}\n", ".b".repeat(65_536))),
    ] {
        std::fs::write(dir.path().join(name), &src).unwrap();
        for cmd in ["fmt", "check"] {
            let (code, _, err) = run(o11yc(dir.path()).args(["alloy", cmd, name]));
            assert_eq!(code, 2, "{name} {cmd}: {err}");
            assert!(
                err.contains(&format!("--> {name}:1:"))
                    && err.contains("more than 200 levels deep"),
                "{name} {cmd}: {err}"
            );
        }
    }
}

#[test]
fn a_deep_custom_snippet_is_a_located_profile_error() {
    let snippet = format!("x = 1{}", "+1".repeat(65_536));
    let profile = format!(
        "cluster: {{name: c}}\nnamespace: o\ndelivery: {{mode: helmfile}}\nalloy:\n  custom: |\n    {snippet}\n"
    );
    let errs = common::compile_text(&profile).unwrap_err();
    assert!(
        errs.iter()
            .any(|e| e.starts_with("p.yaml:") && e.contains("more than 200 levels deep")),
        "{errs:?}"
    );
}

#[test]
fn build_check_diff_and_graph_survive_a_deep_custom_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir(&profiles).unwrap();
    let snippet = format!("x = a{}", ".b".repeat(65_536));
    std::fs::write(
        profiles.join("deep.yaml"),
        format!(
            "environment: development\ncluster: {{name: c}}\nnamespace: o\ndelivery: {{mode: helmfile}}\nloki: {{retention: 7d, storage: {{claim: {{size: 1Gi}}}}}}\nalloy:\n  custom: |\n    {snippet}\n"
        ),
    )
    .unwrap();
    for cmd in ["build", "check", "diff", "graph"] {
        let (code, _, err) = run(o11yc(dir.path()).args([cmd, "--out", "out"]));
        assert_eq!(code, 2, "{cmd}: {err}");
        assert!(
            err.starts_with("error[O11Y0201]: Alloy: expression nested more than 200 levels deep")
                && err.contains("profiles/deep.yaml:8:408"),
            "{cmd}: {err}"
        );
    }
    assert!(!dir.path().join("out").exists());
}
