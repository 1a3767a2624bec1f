//! File-system safety of the `o11yc` binary: nothing outside OUT is touched,
//! links and special files are refused, names are safe, builds are atomic and
//! locked, a closed stdout ends quietly, output does not depend on the cwd.

mod common;

use common::run;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use assert_cmd::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_o11yc"))
}

fn o11yc(cwd: &Path) -> Command {
    let mut cmd = Command::new(bin());
    cmd.current_dir(cwd)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60));
    cmd
}

const PROFILE: &str = "homelab-nvme";

/// A repository in a temp dir: `profiles/` with one shipped profile (as
/// `name.yaml`) and an `out/` for the output.
fn workspace(name: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir(&profiles).unwrap();
    std::fs::copy(
        repo().join(format!("profiles/{PROFILE}.yaml")),
        profiles.join(format!("{name}.yaml")),
    )
    .unwrap();
    let out = dir.path().join("out");
    (dir, profiles, out)
}

fn cmd(dir: &Path, verb: &str) -> Command {
    let mut c = o11yc(dir);
    c.args([verb, "--profiles", "profiles", "--out", "out"]);
    c
}

/// Every regular file below `dir` (not following links) with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn profile_names_that_are_not_one_safe_path_component_are_refused() {
    for bad in ["...yaml", "..yaml", ".hidden.yaml"] {
        let (dir, profiles, _) = workspace("ok");
        std::fs::rename(profiles.join("ok.yaml"), profiles.join(bad)).unwrap();
        let before = names_in(dir.path());
        let (code, _, err) = run(&mut cmd(dir.path(), "build"));
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains(bad) && err.contains("[A-Za-z0-9]"), "{err}");
        assert_eq!(names_in(dir.path()), before, "{bad}: nothing written");
        assert!(!dir.path().join("out").exists());
        // Named explicitly as a file, too.
        let (code, _, err) = run(cmd(dir.path(), "build")
            .arg("--profile")
            .arg(format!("profiles/{bad}")));
        assert_eq!(code, 2, "{bad}: {err}");
        assert_eq!(names_in(dir.path()), before);
    }
    let (dir, _, _) = workspace("ok");
    let (code, _, err) = run(cmd(dir.path(), "build").args(["--profile", ".."]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a profile name"), "{err}");
}

#[test]
fn two_files_with_one_profile_name_are_an_error_naming_both() {
    let (dir, profiles, _) = workspace("dev");
    std::fs::copy(profiles.join("dev.yaml"), profiles.join("dev.yml")).unwrap();
    for args in [&[][..], &["--profile", "dev"][..]] {
        let (code, _, err) = run(cmd(dir.path(), "build").args(args));
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("dev.yaml") && err.contains("dev.yml") && err.contains("same directory"),
            "{err}"
        );
        assert!(!dir.path().join("out").exists());
    }
}

#[test]
fn a_symlinked_directory_inside_out_is_never_written_or_pruned_through() {
    let (dir, _, out) = workspace("p");
    let victim = tempfile::tempdir().unwrap();
    std::fs::write(victim.path().join("config.alloy"), "victim").unwrap();
    let (code, _, err) = run(&mut cmd(dir.path(), "build"));
    assert_eq!(code, 0, "{err}");
    std::fs::remove_dir_all(out.join("p/alloy")).unwrap();
    std::os::unix::fs::symlink(victim.path(), out.join("p/alloy")).unwrap();
    for verb in ["build", "check", "diff"] {
        let (code, stdout, err) = run(&mut cmd(dir.path(), verb));
        assert_eq!(code, 2, "{verb}: {err}");
        assert!(err.contains("p/alloy is a symlink"), "{verb}: {err}");
        assert!(!stdout.contains("victim"));
    }
    assert_eq!(names_in(victim.path()), ["config.alloy"]);
    assert_eq!(
        std::fs::read_to_string(victim.path().join("config.alloy")).unwrap(),
        "victim"
    );
}

#[test]
fn proc_self_environ_as_a_base_or_a_generated_file_is_never_shown() {
    let (dir, profiles, out) = workspace("p");
    let (code, _, err) = run(&mut cmd(dir.path(), "build"));
    assert_eq!(code, 0, "{err}");
    // As a generated path: check and diff refuse it.
    std::fs::remove_file(out.join("p/values/loki.yaml")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", out.join("p/values/loki.yaml")).unwrap();
    for verb in ["check", "diff", "build"] {
        let (code, stdout, err) = run(cmd(dir.path(), verb).env("O11YC_SECRET", "hunter2"));
        assert_eq!(code, 2, "{verb}: {err}");
        assert!(
            !stdout.contains("hunter2") && !err.contains("hunter2"),
            "{verb}"
        );
        assert!(err.contains("is a symlink"), "{verb}: {err}");
    }
    // As an `extends` base.
    std::os::unix::fs::symlink("/proc/self/environ", profiles.join("base.yaml")).unwrap();
    std::fs::write(profiles.join("child.yaml"), "extends: base\n").unwrap();
    let (code, stdout, err) = run(cmd(dir.path(), "check")
        .args(["--profile", "child"])
        .env("O11YC_SECRET", "hunter2"));
    assert_eq!(code, 2, "{err}");
    assert!(
        !stdout.contains("hunter2") && !err.contains("hunter2"),
        "{err}"
    );
    assert!(err.contains("outside the profiles' repository"), "{err}");
    assert!(err.contains("child.yaml:1:10"), "{err}");
}

#[test]
fn a_fifo_at_a_generated_path_is_refused_without_hanging() {
    let (dir, _, out) = workspace("p");
    let (code, _, err) = run(&mut cmd(dir.path(), "build"));
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(out.join("p/README.md")).unwrap();
    mkfifo(&out.join("p/README.md"));
    for verb in ["check", "diff", "build"] {
        // `o11yc` has 60 s (see `o11yc()`); a blocking open would hit it.
        let (code, _, err) = run(&mut cmd(dir.path(), verb));
        assert_eq!(code, 2, "{verb}: {err}");
        assert!(err.contains("README.md is a FIFO"), "{verb}: {err}");
    }
}

#[test]
fn a_fifo_as_a_base_profile_is_refused_without_hanging() {
    let (dir, profiles, _) = workspace("p");
    mkfifo(&profiles.join("base.yaml"));
    std::fs::write(profiles.join("child.yaml"), "extends: base\n").unwrap();
    let (code, _, err) = run(cmd(dir.path(), "check").args(["--profile", "child"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("FIFO, not a regular file"), "{err}");
}

#[test]
fn a_directory_where_a_file_goes_fails_before_anything_changes() {
    let (dir, profiles, out) = workspace("p");
    let (code, _, err) = run(&mut cmd(dir.path(), "build"));
    assert_eq!(code, 0, "{err}");
    let before = tree(&out);
    std::fs::remove_file(out.join("p/README.md")).unwrap();
    std::fs::create_dir_all(out.join("p/README.md/x")).unwrap();
    let edited = std::fs::read_to_string(profiles.join("p.yaml"))
        .unwrap()
        .replace("retention: 7d", "retention: 6d");
    std::fs::write(profiles.join("p.yaml"), edited).unwrap();
    let (code, _, err) = run(&mut cmd(dir.path(), "build"));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("is a directory holding files o11yc did not write"),
        "{err}"
    );
    let mut after = tree(&out);
    assert!(after.remove("p/README.md").is_none());
    let mut expected = before;
    expected.remove("p/README.md");
    assert_eq!(after, expected, "no file changed");
    assert_eq!(names_in(&out), ["p"], "no staging left behind");
}

#[test]
fn check_passes_from_another_working_directory() {
    let elsewhere = tempfile::tempdir().unwrap();
    let (code, _, err) = run(o11yc(elsewhere.path())
        .args(["check", "--all", "--profiles"])
        .arg(repo().join("profiles"))
        .arg("--out")
        .arg(repo().join("generated")));
    assert_eq!(code, 0, "{err}");
    // And from a subdirectory, with relative paths.
    let (code, _, err) = run(o11yc(&repo().join("src")).args([
        "check",
        "--profiles",
        "../profiles",
        "--out",
        "../generated",
    ]));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_closed_stdout_ends_diff_quietly_with_exit_141() {
    let out = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(bin())
        .current_dir(repo())
        // The unified diff of every file: far more than a pipe buffer holds.
        .args(["diff", "--format", "patch", "--all", "--out"])
        .arg(out.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 64];
    stdout.read_exact(&mut head).unwrap();
    drop(stdout); // like `head` exiting
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(141), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.is_empty(), "ends quietly: {err}");
}

#[test]
fn a_held_lock_makes_build_wait_with_a_message_then_time_out() {
    let (dir, _, out) = workspace("p");
    std::fs::create_dir(&out).unwrap();
    let lock = std::fs::File::open(&out).unwrap();
    lock.lock().unwrap();
    let (code, _, err) = run(cmd(dir.path(), "build").args(["--lock-timeout", "1"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("waiting for another o11yc"), "{err}");
    assert!(err.contains("still writing"), "{err}");
    assert_eq!(names_in(&out), Vec::<String>::new());
    drop(lock);
    let (code, _, err) = run(cmd(dir.path(), "build").args(["--lock-timeout", "1"]));
    assert_eq!(code, 0, "{err}");
}

/// Two trees of profile `p`: from the shipped profile, and with changed retention.
fn variants() -> (tempfile::TempDir, [BTreeMap<String, Vec<u8>>; 2]) {
    let (dir, profiles, _) = workspace("p");
    let b = dir.path().join("b/profiles");
    std::fs::create_dir_all(&b).unwrap();
    let edited = std::fs::read_to_string(profiles.join("p.yaml"))
        .unwrap()
        .replace("retention: 7d", "retention: 6d");
    std::fs::write(b.join("p.yaml"), edited).unwrap();
    let mut trees = Vec::new();
    for base in [dir.path().to_owned(), dir.path().join("b")] {
        let (code, _, err) = run(&mut cmd(&base, "build"));
        assert_eq!(code, 0, "{err}");
        trees.push(tree(&base.join("out/p")));
    }
    assert_ne!(trees[0], trees[1]);
    (dir, [trees[0].clone(), trees[1].clone()])
}

fn spawn_build(profiles: &Path, out: &Path) -> std::process::Child {
    std::process::Command::new(bin())
        .args(["build", "--profiles"])
        .arg(profiles)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn concurrent_builds_of_one_out_are_serialised() {
    let (dir, trees) = variants();
    let sources = [dir.path().join("profiles"), dir.path().join("b/profiles")];
    for round in 0..6 {
        let out = dir.path().join(format!("shared-{round}"));
        let mut a = spawn_build(&sources[round % 2], &out);
        let mut b = spawn_build(&sources[1 - round % 2], &out);
        assert!(a.wait().unwrap().success());
        assert!(b.wait().unwrap().success());
        let got = tree(&out.join("p"));
        assert!(
            got == trees[0] || got == trees[1],
            "round {round}: mixed tree"
        );
        assert_eq!(names_in(&out), ["p"], "round {round}: leftovers");
    }
}

#[test]
fn kill_9_at_any_moment_leaves_the_old_or_the_new_tree() {
    let (dir, trees) = variants();
    let sources = [dir.path().join("profiles"), dir.path().join("b/profiles")];
    let out = dir.path().join("killed");
    let (code, _, err) =
        run(o11yc(dir.path()).args(["build", "--profiles", "profiles", "--out", "killed"]));
    assert_eq!(code, 0, "{err}");
    // How long a whole build takes here, to spread the kills over all of it
    // (startup, compile, staging, swap, removal of the old tree).
    let start = std::time::Instant::now();
    assert!(spawn_build(&sources[1], &out).wait().unwrap().success());
    assert!(spawn_build(&sources[0], &out).wait().unwrap().success());
    let run_us = (start.elapsed().as_micros() / 2) as u64;
    let (mut current, mut killed, mut swapped) = (0, 0, 0);
    for round in 0..40u64 {
        let target = 1 - current;
        let mut child = spawn_build(&sources[target], &out);
        std::thread::sleep(Duration::from_micros(round * run_us * 6 / 5 / 40));
        let _ = child.kill(); // SIGKILL
        if !child.wait().unwrap().success() {
            killed += 1;
        }
        let got = tree(&out.join("p"));
        if got == trees[target] {
            current = target;
            swapped += 1;
        } else {
            assert!(
                got == trees[current],
                "round {round}: mixed tree after kill -9"
            );
        }
    }
    assert!(
        killed > 0 && swapped > 0,
        "killed {killed}, swapped {swapped}"
    );
    eprintln!("kill -9: {killed} of 40 runs killed, {swapped} swapped in");
    // The next run cleans every leftover.
    let (code, _, err) =
        run(o11yc(dir.path()).args(["build", "--profiles", "profiles", "--out", "killed"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(tree(&out.join("p")), trees[0]);
    assert_eq!(names_in(&out), ["p"]);
}

#[test]
fn a_closed_stderr_does_not_crash_check() {
    let out = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(bin())
        .current_dir(repo())
        .args(["check", "--all", "--out"])
        .arg(out.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take()); // closed before o11yc has compiled anything
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(1),
        "stale output, reported by the exit code alone"
    );
}

#[test]
fn a_profile_symlinked_out_of_the_repository_is_not_read() {
    let (dir, profiles, _) = workspace("p");
    std::os::unix::fs::symlink("/proc/self/environ", profiles.join("leak.yaml")).unwrap();
    let (code, stdout, err) = run(cmd(dir.path(), "check").env("O11YC_SECRET", "hunter2"));
    assert_eq!(code, 2, "{err}");
    assert!(
        !stdout.contains("hunter2") && !err.contains("hunter2"),
        "{err}"
    );
    assert!(
        err.contains("leak.yaml") && err.contains("outside the profiles' repository"),
        "{err}"
    );
}
