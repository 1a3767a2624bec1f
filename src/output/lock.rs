//! One writer per output directory at a time.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::OutputError;

/// An exclusive advisory lock (`flock`) on the output directory itself, held
/// until dropped. Locking the directory rather than a file in it leaves nothing
/// behind to commit or ignore.
#[derive(Debug)]
pub struct OutLock {
    _file: File,
}

impl OutLock {
    /// Creates `out` if needed and locks it. When another process holds the lock,
    /// calls `on_wait` once, then retries until `timeout` has passed.
    pub fn acquire(
        out: &Path,
        timeout: Duration,
        on_wait: impl FnOnce(),
    ) -> Result<OutLock, OutputError> {
        let io = |e| OutputError::Io(out.to_owned(), e);
        std::fs::create_dir_all(out).map_err(io)?;
        let file = File::open(out).map_err(io)?;
        let start = Instant::now();
        let mut on_wait = Some(on_wait);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(OutLock { _file: file }),
                Err(TryLockError::Error(e)) => return Err(io(e)),
                Err(TryLockError::WouldBlock) => {
                    if let Some(f) = on_wait.take() {
                        f();
                    }
                    if start.elapsed() >= timeout {
                        return Err(OutputError::Locked(PathBuf::from(out), timeout));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_then_times_out_and_succeeds_after_release() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutLock::acquire(dir.path(), Duration::ZERO, || panic!("free")).unwrap();
        let mut waited = false;
        let err =
            OutLock::acquire(dir.path(), Duration::from_millis(120), || waited = true).unwrap_err();
        assert!(waited);
        assert!(matches!(err, OutputError::Locked(..)), "{err}");
        drop(first);
        OutLock::acquire(dir.path(), Duration::ZERO, || panic!("released")).unwrap();
    }
}
