//! `o11yc alloy fmt` and `o11yc alloy check`: the Alloy language tools for
//! hand-written configuration files.

use std::path::{Path, PathBuf};

use super::report;
use super::{EXIT_DIFFERS, EXIT_ERROR, EXIT_OK};
use crate::diag::{Diagnostic, SourceMap, codes};

/// Reads a regular file (a FIFO or device would hang or never end; a
/// symlink would be replaced by the formatted copy) of at most
/// [`MAX_SOURCE_BYTES`](o11yc_alloy::diag::MAX_SOURCE_BYTES): spans are `u32` offsets.
fn read(path: &Path) -> Result<String, i32> {
    use std::io::Read;
    const MAX: u64 = o11yc_alloy::diag::MAX_SOURCE_BYTES;
    let fail = |why: String| {
        report::error(&format!("cannot read {}: {why}", path.display()));
        EXIT_ERROR
    };
    let meta = std::fs::symlink_metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    let too_large = || {
        fail(format!(
            "larger than {MAX} bytes, the most o11yc can locate errors in"
        ))
    };
    if meta.len() > MAX {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    // Read one byte past the limit: a file that grew after the size check is refused too.
    let mut text = String::new();
    file.take(MAX + 1)
        .read_to_string(&mut text)
        .map_err(|e| fail(e.to_string()))?;
    if text.len() as u64 > MAX {
        return Err(too_large());
    }
    Ok(text)
}

/// Replaces `path` with `text` atomically: the text goes to a new file in the
/// same directory (same permissions), which is synced and renamed over
/// `path`. On any failure (a full disk, say) the original is untouched and
/// the temporary file removed.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let permissions = std::fs::metadata(path)?.permissions();
    // A fixed name: a second `fmt` of the same file at the same time fails
    // on `create_new` instead of both writing one temporary file.
    let tmp = dir.join(format!(".{name}.o11yc-fmt.tmp"));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)?;
    let result = (|| {
        f.write_all(text.as_bytes())?;
        f.set_permissions(permissions)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Reports the Alloy diagnostics of `file` like profile errors (rustc-style, or JSON with
/// `--message-format json`); returns whether one is an error.
fn report(
    sources: &SourceMap,
    file: crate::diag::FileId,
    diags: &[o11yc_alloy::Diagnostic],
) -> bool {
    let diags: Vec<Diagnostic> = diags
        .iter()
        .map(|d| crate::diag::alloy::from_alloy(d, file, sources))
        .collect();
    report::diagnostics(&diags, sources);
    diags.iter().any(Diagnostic::is_error)
}

/// The diagnostic of `fmt --check` for a file that is not formatted: at the start of the
/// first line that formatting changes.
fn not_formatted(sources: &SourceMap, file: crate::diag::FileId, formatted: &str) -> Diagnostic {
    let text = sources.text(file);
    let mut offset = 0;
    for (a, b) in text
        .split_inclusive('\n')
        .zip(formatted.split_inclusive('\n'))
    {
        if a != b {
            break;
        }
        offset += a.len();
    }
    Diagnostic::error(format!("{} is not formatted", sources.path(file).display()))
        .code(codes::ALLOY_UNFORMATTED)
        .at(sources.span(file, offset, offset))
        .label("first line that `alloy fmt` changes")
        .help(format!(
            "run `o11yc alloy fmt {}`",
            sources.path(file).display()
        ))
}

/// Formats files in place (each replaced atomically), or with `check` only
/// reports those not formatted (exit 1).
pub fn fmt(files: &[PathBuf], check: bool) -> i32 {
    let mut code = EXIT_OK;
    for path in files {
        let text = match read(path) {
            Ok(t) => t,
            Err(c) => return c,
        };
        // One map per file: nothing of a file is kept once it is reported.
        let mut sources = SourceMap::new();
        let result = o11yc_alloy::format(&text);
        let file = sources.add(path.clone(), text);
        match result {
            Err(diags) => {
                report(&sources, file, &diags);
                code = EXIT_ERROR;
            }
            Ok(formatted) if formatted == sources.text(file) => {}
            Ok(formatted) if check => {
                report::diagnostics(&[not_formatted(&sources, file, &formatted)], &sources);
                code = code.max(EXIT_DIFFERS);
            }
            Ok(formatted) => {
                if let Err(e) = write_atomically(path, &formatted) {
                    report::error(&format!("cannot write {}: {e}", path.display()));
                    return EXIT_ERROR;
                }
                eprintln!("formatted {}", path.display());
            }
        }
    }
    code
}

/// Parses and statically checks files with `options`, reporting every error and warning of
/// each file; exit 2 when any has an error.
pub fn check(files: &[PathBuf], options: o11yc_alloy::check::Options) -> i32 {
    let mut code = EXIT_OK;
    for path in files {
        let text = match read(path) {
            Ok(t) => t,
            Err(c) => return c,
        };
        // One map per file: nothing of a file is kept once it is reported.
        let mut sources = SourceMap::new();
        let file = sources.add(path.clone(), text);
        let diags = match o11yc_alloy::parse(sources.text(file)) {
            Ok(tree) => o11yc_alloy::check_with(&tree, options),
            Err(diags) => diags,
        };
        if report(&sources, file, &diags) {
            code = EXIT_ERROR;
        }
    }
    code
}
