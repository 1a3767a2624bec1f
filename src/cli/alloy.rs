//! `o11yc alloy fmt` and `o11yc alloy check`: the Alloy language tools for
//! hand-written configuration files.

use std::path::{Path, PathBuf};

use o11yc_alloy::{Diagnostic, Severity};

use super::report;
use super::{EXIT_DIFFERS, EXIT_ERROR, EXIT_OK};

fn read(path: &Path) -> Result<String, i32> {
    std::fs::read_to_string(path).map_err(|e| {
        report::error(&format!("cannot read {}: {e}", path.display()));
        EXIT_ERROR
    })
}

fn print_diagnostics(path: &Path, diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{}", d.render(&path.display().to_string()));
    }
}

/// Formats files in place, or with `check` only reports those not formatted (exit 1).
pub fn fmt(files: &[PathBuf], check: bool) -> i32 {
    let mut code = EXIT_OK;
    for path in files {
        let text = match read(path) {
            Ok(t) => t,
            Err(c) => return c,
        };
        match o11yc_alloy::format(&text) {
            Err(diags) => {
                print_diagnostics(path, &diags);
                code = EXIT_ERROR;
            }
            Ok(formatted) if formatted == text => {}
            Ok(_) if check => {
                eprintln!("{} is not formatted", path.display());
                code = code.max(EXIT_DIFFERS);
            }
            Ok(formatted) => {
                if let Err(e) = std::fs::write(path, formatted) {
                    report::error(&format!("cannot write {}: {e}", path.display()));
                    return EXIT_ERROR;
                }
                eprintln!("formatted {}", path.display());
            }
        }
    }
    code
}

/// Parses and statically checks files with `options`; exit 2 when any has an error.
pub fn check(files: &[PathBuf], options: o11yc_alloy::check::Options) -> i32 {
    let mut code = EXIT_OK;
    for path in files {
        let text = match read(path) {
            Ok(t) => t,
            Err(c) => return c,
        };
        let diags = match o11yc_alloy::parse(&text) {
            Ok(file) => o11yc_alloy::check_with(&file, options),
            Err(diags) => diags,
        };
        print_diagnostics(path, &diags);
        if diags.iter().any(|d| d.severity == Severity::Error) {
            code = EXIT_ERROR;
        }
    }
    code
}
