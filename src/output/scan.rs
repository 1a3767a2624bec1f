//! Looking at a profile's output directory without following anything o11yc
//! does not own.
//!
//! The directory is walked with `lstat` semantics: a symlink, FIFO, socket or
//! device anywhere below `OUT/<profile>/` (or the directory itself being one)
//! is a foreign entry, and every command refuses to work on the profile. Files
//! are opened with `O_NOFOLLOW | O_NONBLOCK` and checked on the open handle, so
//! nothing is read through a link and a FIFO never blocks.

use std::collections::BTreeSet;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::OutputError;
use crate::load::kind_of;

/// The largest file o11yc reads from an output directory (64 MiB).
pub const MAX_OUTPUT_FILE: u64 = 64 * 1024 * 1024;

/// What is in a profile's output directory: regular files and directories,
/// as `/`-separated paths relative to it.
#[derive(Debug, Default)]
pub struct Scan {
    /// Regular files.
    pub files: BTreeSet<String>,
    /// Directories (not the root itself).
    pub dirs: BTreeSet<String>,
}

impl Scan {
    /// The first proper ancestor of `path` that is a regular file.
    pub fn file_ancestor<'p>(&self, path: &'p str) -> Option<&'p str> {
        path.match_indices('/')
            .map(|(i, _)| &path[..i])
            .find(|prefix| self.files.contains(*prefix))
    }
}

/// Walks `dir`. `None` when it does not exist; an error at the first entry that
/// is neither a regular file nor a directory.
pub fn scan(dir: &Path) -> Result<Option<Scan>, OutputError> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(OutputError::Io(dir.to_owned(), e)),
        Ok(meta) if !meta.is_dir() => {
            return Err(OutputError::Foreign(
                dir.to_owned(),
                kind_of(&meta.file_type()),
            ));
        }
        Ok(_) => {}
    }
    let mut out = Scan::default();
    let mut stack = vec![(dir.to_owned(), String::new())];
    while let Some((path, rel)) = stack.pop() {
        let entries = std::fs::read_dir(&path).map_err(|e| OutputError::Io(path.clone(), e))?;
        for entry in entries {
            let entry = entry.map_err(|e| OutputError::Io(path.clone(), e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let child_rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let child = entry.path();
            let kind = entry
                .file_type()
                .map_err(|e| OutputError::Io(child.clone(), e))?;
            if kind.is_dir() {
                out.dirs.insert(child_rel.clone());
                stack.push((child, child_rel));
            } else if kind.is_file() {
                out.files.insert(child_rel);
            } else {
                return Err(OutputError::Foreign(child, kind_of(&kind)));
            }
        }
    }
    Ok(Some(out))
}

/// Opens `path` for reading only if it is a regular file, not through a symlink.
fn open_regular(path: &Path) -> Result<(std::fs::File, u64), OutputError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return OutputError::Foreign(path.to_owned(), "symlink");
        }
        OutputError::Io(path.to_owned(), e)
    })?;
    let meta = file
        .metadata()
        .map_err(|e| OutputError::Io(path.to_owned(), e))?;
    if !meta.is_file() {
        return Err(OutputError::Foreign(
            path.to_owned(),
            kind_of(&meta.file_type()),
        ));
    }
    Ok((file, meta.len()))
}

/// Reads a regular file of at most [`MAX_OUTPUT_FILE`] bytes.
pub fn read_regular(path: &Path) -> Result<Vec<u8>, OutputError> {
    let (file, _) = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_OUTPUT_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| OutputError::Io(path.to_owned(), e))?;
    if bytes.len() as u64 > MAX_OUTPUT_FILE {
        return Err(OutputError::Io(
            path.to_owned(),
            io::Error::other(format!(
                "larger than {} MiB; o11yc never wrote it",
                MAX_OUTPUT_FILE >> 20
            )),
        ));
    }
    Ok(bytes)
}

/// Whether the regular file at `path` holds exactly `expected` (a file of
/// another size is not read).
pub fn same_content(path: &Path, expected: &[u8]) -> Result<bool, OutputError> {
    let (file, len) = open_regular(path)?;
    if len != expected.len() as u64 {
        return Ok(false);
    }
    let mut bytes = Vec::with_capacity(expected.len());
    file.take(len + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| OutputError::Io(path.to_owned(), e))?;
    Ok(bytes == expected)
}

/// `dir/rel` for a `/`-separated relative path.
pub fn join(dir: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(dir.to_owned(), |p, part| p.join(part))
}
