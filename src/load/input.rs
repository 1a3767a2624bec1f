//! Reading profile files safely: regular files only, a size limit, inside the
//! profiles' repository, UTF-8 errors located.
//!
//! Profiles come from pull requests, so a profile or an `extends` base may be a
//! symlink to `/proc/self/environ`, a FIFO or `/dev/zero`. None of these is read:
//! the file is opened without blocking, checked to be a regular file on the open
//! handle, read up to [`MAX_PROFILE_BYTES`], and refused when it resolves outside
//! the repository the profiles live in, so no diagnostic ever quotes such a file.

use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// The largest profile file o11yc reads (8 MiB; real profiles are a few KiB).
pub const MAX_PROFILE_BYTES: u64 = 8 * 1024 * 1024;

/// Why a profile file was not read. The message never contains the file's content.
#[derive(Debug)]
pub enum InputError {
    /// The file system refused (missing file, permissions).
    Io(io::Error),
    /// Not a regular file (a directory, FIFO, socket or device).
    NotRegular(&'static str),
    /// Larger than [`MAX_PROFILE_BYTES`].
    TooLarge,
    /// Resolves (through symlinks) to a file outside the repository root.
    OutsideRoot {
        /// Where the path really leads.
        target: PathBuf,
        /// The profiles' repository root.
        root: PathBuf,
    },
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Io(e) => write!(f, "{e}"),
            InputError::NotRegular(kind) => {
                write!(f, "it is a {kind}, not a regular file")
            }
            InputError::TooLarge => write!(
                f,
                "it is larger than {} MiB, the limit for a profile",
                MAX_PROFILE_BYTES / (1024 * 1024)
            ),
            InputError::OutsideRoot { target, root } => write!(
                f,
                "it resolves to {}, outside the profiles' repository {}",
                target.display(),
                root.display()
            ),
        }
    }
}

/// The repository a profile belongs to: the nearest ancestor of the profile's
/// directory holding `.git`, or else the parent of that directory (so
/// `profiles/dev.yaml` is named `profiles/dev.yaml` either way). Symlinks in the
/// directory's path are resolved; the result is absolute.
pub fn repo_root(profile: &Path) -> PathBuf {
    let dir = absolute_dir(profile);
    for ancestor in dir.ancestors() {
        if std::fs::symlink_metadata(ancestor.join(".git")).is_ok() {
            return ancestor.to_owned();
        }
    }
    dir.parent().map_or(dir.clone(), Path::to_owned)
}

/// `path` as an absolute path whose directory part has its symlinks resolved
/// (the file name is kept as written, so a symlinked profile keeps its name).
pub fn logical_path(path: &Path) -> PathBuf {
    match path.file_name() {
        Some(name) => absolute_dir(path).join(name),
        None => path.to_owned(),
    }
}

/// How a profile file is named in generated headers: relative to `root`, with
/// `/` separators; absolute when it lies outside `root`.
pub fn repo_relative(root: &Path, path: &Path) -> String {
    let logical = logical_path(path);
    let shown = logical.strip_prefix(root).unwrap_or(&logical);
    shown.to_string_lossy().replace('\\', "/")
}

fn absolute_dir(path: &Path) -> PathBuf {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::canonicalize(&parent).unwrap_or_else(|_| lexically_absolute(&parent))
}

fn lexically_absolute(path: &Path) -> PathBuf {
    let base = if path.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let mut out = base;
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Reads the profile file at `path`, which must resolve to a regular file of at
/// most [`MAX_PROFILE_BYTES`] inside `root`. Returns the raw bytes (UTF-8 is
/// checked by the caller, which can locate the error).
pub fn read_profile_bytes(path: &Path, root: &Path) -> Result<Vec<u8>, InputError> {
    let target = std::fs::canonicalize(path).map_err(InputError::Io)?;
    if !target.starts_with(root) {
        return Err(InputError::OutsideRoot {
            target,
            root: root.to_owned(),
        });
    }
    let file = open_nonblocking(&target).map_err(InputError::Io)?;
    let meta = file.metadata().map_err(InputError::Io)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular(kind_of(&meta.file_type())));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PROFILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(InputError::Io)?;
    if bytes.len() as u64 > MAX_PROFILE_BYTES {
        return Err(InputError::TooLarge);
    }
    Ok(bytes)
}

/// Opens for reading without blocking on a FIFO (regular files ignore the flag).
fn open_nonblocking(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// A human name for a non-regular file type.
pub fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "device";
        }
    }
    if t.is_symlink() {
        "symlink"
    } else if t.is_dir() {
        "directory"
    } else if t.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

/// Where in `bytes` the first invalid UTF-8 sequence starts, if any.
pub fn utf8_error_offset(bytes: &[u8]) -> Option<usize> {
    std::str::from_utf8(bytes).err().map(|e| e.valid_up_to())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_of(dir: &Path) -> PathBuf {
        std::fs::canonicalize(dir).unwrap()
    }

    #[test]
    fn reads_a_regular_file_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        std::fs::write(&p, "x: 1\n").unwrap();
        assert_eq!(
            read_profile_bytes(&p, &root_of(dir.path())).unwrap(),
            b"x: 1\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_leaving_the_root_is_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("base.yaml");
        std::os::unix::fs::symlink("/proc/self/environ", &p).unwrap();
        let err = read_profile_bytes(&p, &root_of(dir.path())).unwrap_err();
        assert!(matches!(err, InputError::OutsideRoot { .. }), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_inside_the_root_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("profiles")).unwrap();
        std::fs::write(dir.path().join("shared.yaml"), "x: 1\n").unwrap();
        let link = dir.path().join("profiles/base.yaml");
        std::os::unix::fs::symlink("../shared.yaml", &link).unwrap();
        assert_eq!(
            read_profile_bytes(&link, &repo_root(&link)).unwrap(),
            b"x: 1\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.yaml");
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = read_profile_bytes(&p, &root_of(dir.path())).unwrap_err();
        assert!(matches!(err, InputError::NotRegular("FIFO")), "{err}");
    }

    #[test]
    fn a_directory_and_an_oversized_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = root_of(dir.path());
        let d = dir.path().join("d.yaml");
        std::fs::create_dir(&d).unwrap();
        assert!(matches!(
            read_profile_bytes(&d, &root),
            Err(InputError::NotRegular("directory"))
        ));
        let big = dir.path().join("big.yaml");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_PROFILE_BYTES + 1).unwrap();
        assert!(matches!(
            read_profile_bytes(&big, &root),
            Err(InputError::TooLarge)
        ));
        f.set_len(MAX_PROFILE_BYTES).unwrap();
        assert!(read_profile_bytes(&big, &root).is_ok());
    }

    #[test]
    fn repo_root_is_the_git_ancestor_or_the_profiles_parent() {
        let dir = tempfile::tempdir().unwrap();
        let top = root_of(dir.path());
        std::fs::create_dir_all(dir.path().join("repo/deep/profiles")).unwrap();
        let p = dir.path().join("repo/deep/profiles/dev.yaml");
        assert_eq!(repo_root(&p), top.join("repo/deep"));
        std::fs::create_dir(dir.path().join("repo/.git")).unwrap();
        assert_eq!(repo_root(&p), top.join("repo"));
        assert_eq!(repo_relative(&repo_root(&p), &p), "deep/profiles/dev.yaml");
    }

    #[cfg(unix)]
    #[test]
    fn a_base_symlinked_to_proc_environ_is_refused_and_not_quoted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("profiles")).unwrap();
        let top = dir.path().join("profiles/dev.yaml");
        std::fs::write(&top, "extends: base\n").unwrap();
        std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("profiles/base.yaml"))
            .unwrap();
        let mut sources = crate::diag::SourceMap::new();
        let d = crate::load::load_profile(&top, &mut sources)
            .unwrap_err()
            .remove(0);
        let shown = crate::diag::render(&d, &sources, false);
        assert!(
            shown.contains("outside the profiles' repository"),
            "{shown}"
        );
        assert!(shown.contains("dev.yaml:1:"), "{shown}");
        assert!(!shown.contains("PATH="), "environment leaked: {shown}");
        assert_eq!(sources.len(), 1, "the base was never registered");
    }

    #[test]
    fn invalid_utf8_is_reported_with_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.yaml");
        std::fs::write(&p, b"cluster:\n  name: h\xffx\n").unwrap();
        let mut sources = crate::diag::SourceMap::new();
        let d = crate::load::load_profile(&p, &mut sources)
            .unwrap_err()
            .remove(0);
        let shown = crate::diag::render(&d, &sources, false);
        assert!(shown.contains("UTF-8"), "{shown}");
        assert!(shown.contains("bad.yaml:2:10"), "{shown}");
    }

    #[test]
    fn utf8_errors_are_located_by_offset() {
        assert_eq!(utf8_error_offset(b"ok"), None);
        assert_eq!(utf8_error_offset(b"a: \xff\n"), Some(3));
    }
}
