use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::*;
use crate::output::compare;

fn tree(files: &[(&str, &str)]) -> RenderedTree {
    files
        .iter()
        .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
        .collect()
}

/// Every regular file below `dir` (symlinks are not followed) with its text.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let found = scan(dir).unwrap().unwrap();
    for f in found.files {
        out.insert(f.clone(), std::fs::read_to_string(join(dir, &f)).unwrap());
    }
    out
}

fn leftovers(out: &Path) -> Vec<String> {
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".o11yc-"))
        .collect()
}

/// `OUT` with `OUT/p` built from `old`, plus a user file `notes.txt`.
fn built(old: &RenderedTree) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("p");
    write_tree(&dir, old).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    (out, dir)
}

fn old_tree() -> RenderedTree {
    tree(&[
        ("a.yaml", "a1\n"),
        ("sub/b.yaml", "b1\n"),
        ("gone/c.yaml", "c\n"),
    ])
}

fn new_tree() -> RenderedTree {
    tree(&[
        ("a.yaml", "a2\n"),
        ("sub/b.yaml", "b1\n"),
        ("x/d.yaml", "d\n"),
    ])
}

fn expected(t: &RenderedTree) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = t
        .iter()
        .map(|(k, v)| (k.clone(), String::from_utf8(v.clone()).unwrap()))
        .collect();
    m.insert(MANIFEST.to_owned(), Manifest::of(t).render());
    m.insert("notes.txt".to_owned(), "mine".to_owned());
    m
}

#[test]
fn writes_files_and_a_manifest_and_an_up_to_date_build_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("p");
    let t = tree(&[("a.yaml", "a\n"), ("sub/b.yaml", "b\n")]);
    assert_eq!(write_tree(&dir, &t).unwrap(), 2);
    assert_eq!(
        std::fs::read_to_string(dir.join("sub/b.yaml")).unwrap(),
        "b\n"
    );
    assert!(leftovers(out.path()).is_empty());
    let before = std::fs::metadata(dir.join("a.yaml")).unwrap();
    let dir_before = std::fs::metadata(&dir).unwrap();
    assert_eq!(write_tree(&dir, &t).unwrap(), 0);
    let after = std::fs::metadata(dir.join("a.yaml")).unwrap();
    let dir_after = std::fs::metadata(&dir).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!(dir_before.ino(), dir_after.ino(), "no swap when up to date");
    assert_eq!(before.ino(), after.ino());
    assert_eq!(before.modified().unwrap(), after.modified().unwrap());
    assert!(compare(&dir, &t).unwrap().is_empty());
}

#[test]
fn a_changed_build_links_unchanged_files_and_writes_only_changed_ones() {
    use std::os::unix::fs::MetadataExt;
    let (_out, dir) = built(&old_tree());
    let ino = |p: &str| std::fs::metadata(dir.join(p)).unwrap().ino();
    let (a, b) = (ino("a.yaml"), ino("sub/b.yaml"));
    assert_eq!(write_tree(&dir, &new_tree()).unwrap(), 3);
    assert_eq!(files(&dir), expected(&new_tree()));
    assert_eq!(ino("sub/b.yaml"), b, "unchanged: the same file, linked");
    assert_ne!(ino("a.yaml"), a, "changed: a new file");
    // The old tree (and its link) is gone, so the file is not shared with anything.
    assert_eq!(
        std::fs::metadata(dir.join("sub/b.yaml")).unwrap().nlink(),
        1
    );
}

#[test]
fn prunes_only_its_files_and_keeps_the_users_files_and_empty_dirs() {
    let (out, dir) = built(&old_tree());
    std::fs::create_dir_all(dir.join("keep/empty")).unwrap();
    std::fs::write(dir.join("sub/user.txt"), "u").unwrap();
    assert_eq!(write_tree(&dir, &new_tree()).unwrap(), 3);
    let mut want = expected(&new_tree());
    want.insert("sub/user.txt".into(), "u".into());
    assert_eq!(files(&dir), want);
    assert!(!dir.join("gone").exists(), "emptied directory is removed");
    assert!(dir.join("keep/empty").is_dir());
    assert!(leftovers(out.path()).is_empty());
}

#[test]
fn refuses_to_overwrite_a_file_it_did_not_write() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("p");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.yaml"), "hand written").unwrap();
    let err = write_tree(&dir, &tree(&[("a.yaml", "a\n"), ("b.yaml", "b\n")])).unwrap_err();
    assert!(matches!(err, OutputError::NotOwned(_)), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("a.yaml")).unwrap(),
        "hand written"
    );
    assert!(!dir.join("b.yaml").exists(), "nothing written on refusal");
    assert!(leftovers(out.path()).is_empty());
}

#[test]
fn a_symlinked_directory_inside_the_profile_is_never_written_or_pruned_through() {
    let victim = tempfile::tempdir().unwrap();
    std::fs::write(victim.path().join("b.yaml"), "victim").unwrap();
    std::fs::write(victim.path().join("c.yaml"), "victim").unwrap();
    let (_out, dir) = built(&old_tree());
    std::fs::remove_dir_all(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink(victim.path(), dir.join("sub")).unwrap();
    // Generated path through the link (write) and a pruned one (gone/ → link).
    let err = write_tree(&dir, &new_tree()).unwrap_err();
    assert!(matches!(err, OutputError::Foreign(_, "symlink")), "{err}");
    assert!(err.to_string().contains("never reads, writes or deletes"));
    let err = compare(&dir, &new_tree()).unwrap_err();
    assert!(matches!(err, OutputError::Foreign(_, "symlink")), "{err}");
    std::fs::remove_dir_all(dir.join("gone")).unwrap();
    std::os::unix::fs::symlink(victim.path(), dir.join("gone")).unwrap();
    assert!(write_tree(&dir, &tree(&[("a.yaml", "a1\n")])).is_err());
    assert_eq!(
        std::fs::read_to_string(victim.path().join("b.yaml")).unwrap(),
        "victim"
    );
    assert!(
        victim.path().join("c.yaml").exists(),
        "never pruned through a link"
    );
}

#[test]
fn a_generated_path_linked_to_proc_environ_is_refused_by_write_and_compare() {
    let (_out, dir) = built(&old_tree());
    std::fs::remove_file(dir.join("a.yaml")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", dir.join("a.yaml")).unwrap();
    let err = compare(&dir, &old_tree()).unwrap_err();
    assert!(matches!(err, OutputError::Foreign(_, "symlink")), "{err}");
    assert!(!err.to_string().contains("PATH="));
    let err = write_tree(&dir, &old_tree()).unwrap_err();
    assert!(matches!(err, OutputError::Foreign(_, "symlink")), "{err}");
    assert!(crate::output::read_regular(&dir.join("a.yaml")).is_err());
}

#[test]
fn a_fifo_at_a_generated_path_is_refused_without_hanging() {
    let (_out, dir) = built(&old_tree());
    std::fs::remove_file(dir.join("a.yaml")).unwrap();
    let c = std::ffi::CString::new(dir.join("a.yaml").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let err = compare(&dir, &old_tree()).unwrap_err();
    assert!(matches!(err, OutputError::Foreign(_, "FIFO")), "{err}");
    let err = write_tree(&dir, &new_tree()).unwrap_err();
    assert!(matches!(err, OutputError::Foreign(_, "FIFO")), "{err}");
    let err = crate::output::read_regular(&dir.join("a.yaml")).unwrap_err();
    assert!(matches!(err, OutputError::Foreign(_, "FIFO")), "{err}");
}

#[test]
fn the_profile_directory_itself_as_a_symlink_is_refused() {
    let victim = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("p");
    std::os::unix::fs::symlink(victim.path(), &dir).unwrap();
    let err = write_tree(&dir, &old_tree()).unwrap_err();
    assert!(matches!(err, OutputError::Foreign(_, "symlink")), "{err}");
    assert!(compare(&dir, &old_tree()).is_err());
    assert_eq!(std::fs::read_dir(victim.path()).unwrap().count(), 0);
}

#[test]
fn a_directory_where_a_file_goes_is_refused_before_anything_changes() {
    let (out, dir) = built(&old_tree());
    std::fs::create_dir_all(dir.join("x/d.yaml/inner")).unwrap();
    let before = files(&dir);
    let err = write_tree(&dir, &new_tree()).unwrap_err();
    assert!(matches!(err, OutputError::Conflict(..)), "{err}");
    assert!(compare(&dir, &new_tree()).is_err());
    assert_eq!(files(&dir), before);
    assert!(leftovers(out.path()).is_empty());
    // And a file o11yc did not write where it needs a directory.
    std::fs::remove_dir_all(dir.join("x")).unwrap();
    std::fs::write(dir.join("x"), "user").unwrap();
    let err = write_tree(&dir, &new_tree()).unwrap_err();
    assert!(matches!(err, OutputError::Conflict(..)), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("x")).unwrap(), "user");
}

#[test]
fn a_full_disk_while_staging_leaves_the_old_tree_and_no_staging() {
    for fail_at in 0..new_tree().len() {
        let (out, dir) = built(&old_tree());
        let mut n = 0;
        let mut step = |s: Step| {
            if s == Step::Staged {
                n += 1;
                if n > fail_at {
                    return Err(io::Error::from_raw_os_error(libc::ENOSPC));
                }
            }
            Ok(())
        };
        let hooks = Hooks {
            step: &mut step,
            no_exchange: false,
        };
        let err = write_tree_with(&dir, &new_tree(), hooks).unwrap_err();
        assert!(
            matches!(&err, OutputError::Io(_, e) if e.raw_os_error() == Some(libc::ENOSPC)),
            "{err}"
        );
        assert_eq!(files(&dir), expected(&old_tree()), "failure at {fail_at}");
        assert!(leftovers(out.path()).is_empty(), "failure at {fail_at}");
    }
}

/// Simulates kill -9 at `at` (the hook panics, so no cleanup code runs), then
/// checks OUT/p is the complete old or new tree and the next run recovers.
fn crash_at(at: Step, nth: usize, no_exchange: bool) {
    let (out, dir) = built(&old_tree());
    let mut n = 0;
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut step = |s: Step| {
            if s == at {
                n += 1;
                if n == nth {
                    panic!("killed");
                }
            }
            Ok(())
        };
        let hooks = Hooks {
            step: &mut step,
            no_exchange,
        };
        write_tree_with(&dir, &new_tree(), hooks)
    }));
    assert!(result.is_err(), "the crash point {at:?} #{nth} was reached");
    let now = if dir.exists() {
        files(&dir)
    } else {
        BTreeMap::new()
    };
    let (old, new) = (expected(&old_tree()), expected(&new_tree()));
    match at {
        Step::Staged => assert_eq!(now, old),
        Step::Swapped => assert_eq!(now, new),
        // Fallback between its two renames: the profile directory is briefly absent.
        Step::Retired => assert!(now.is_empty()),
    }
    assert!(!leftovers(out.path()).is_empty(), "the crash left staging");
    // The next run cleans up and converges on the new tree.
    write_tree(&dir, &new_tree()).unwrap();
    assert_eq!(files(&dir), new);
    assert!(leftovers(out.path()).is_empty());
    assert!(compare(&dir, &new_tree()).unwrap().is_empty());
}

#[test]
fn a_crash_at_any_step_leaves_the_old_or_the_new_tree_and_is_recovered() {
    for nth in 1..=new_tree().len() {
        crash_at(Step::Staged, nth, false);
    }
    crash_at(Step::Swapped, 1, false);
    crash_at(Step::Swapped, 1, true);
}

#[test]
fn the_fallback_recovers_a_retired_tree_after_a_crash_between_renames() {
    // The user's notes.txt exists only in the retired tree at the crash, so
    // finding it afterwards proves the old tree was put back, not rebuilt.
    crash_at(Step::Retired, 1, true);
}

#[test]
fn the_fallback_without_exchange_writes_the_new_tree() {
    let (out, dir) = built(&old_tree());
    let hooks = Hooks {
        step: &mut |_| Ok(()),
        no_exchange: true,
    };
    write_tree_with(&dir, &new_tree(), hooks).unwrap();
    assert_eq!(files(&dir), expected(&new_tree()));
    assert!(leftovers(out.path()).is_empty());
}

#[test]
fn an_owned_file_may_become_a_directory_and_back() {
    let (out, dir) = built(&tree(&[("x", "file\n")]));
    let nested = tree(&[("x/d.yaml", "d\n")]);
    assert!(!compare(&dir, &nested).unwrap().is_empty());
    write_tree(&dir, &nested).unwrap();
    assert_eq!(files(&dir), expected(&nested));
    let flat = tree(&[("x", "file\n")]);
    assert!(!compare(&dir, &flat).unwrap().is_empty());
    write_tree(&dir, &flat).unwrap();
    assert_eq!(files(&dir), expected(&flat));
    assert!(leftovers(out.path()).is_empty());
}
