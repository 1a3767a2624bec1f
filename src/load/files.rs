//! Where profile files are read from: the working tree, or another snapshot of it
//! (the git index for `o11yc check --staged`).

use std::io;
use std::path::{Path, PathBuf};

use super::input::read_profile_bytes;

/// Read access to profile files. Paths are the ones the user gave (relative to the
/// working directory or absolute), so diagnostics and generated headers name the same
/// files whichever snapshot they were read from.
pub trait ProfileFiles {
    /// The file's bytes; `NotFound` when the snapshot has no such file. `repo` is the
    /// profiles' repository: the working tree reads only regular files inside it
    /// (never through a link out of it, never a FIFO or device), up to a size limit.
    fn read_bytes(&self, path: &Path, repo: &Path) -> io::Result<Vec<u8>>;
    /// Whether the snapshot has a regular file at `path`.
    fn is_file(&self, path: &Path) -> bool;
    /// A stable identity for `path`, used to detect `extends` cycles.
    fn canonical(&self, path: &Path) -> PathBuf;
    /// The files directly inside `dir` (for "did you mean" suggestions).
    fn files_in(&self, dir: &Path) -> Vec<PathBuf>;
}

/// The working tree, through `std::fs`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Disk;

impl ProfileFiles for Disk {
    fn read_bytes(&self, path: &Path, repo: &Path) -> io::Result<Vec<u8>> {
        read_profile_bytes(path, repo).map_err(|e| match e {
            super::input::InputError::Io(e) => e,
            other => io::Error::other(other.to_string()),
        })
    }

    fn is_file(&self, path: &Path) -> bool {
        // Anything there counts: reading it then says why it is refused (a FIFO,
        // a link out of the repository) instead of "not found".
        std::fs::metadata(path).is_ok()
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    }

    fn files_in(&self, dir: &Path) -> Vec<PathBuf> {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect()
    }
}
