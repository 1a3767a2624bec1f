//! How the CLI talks to people: diagnostics and messages on stderr, colour only
//! on a terminal and never with NO_COLOR.

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

use super::Format;
use crate::diag::{Diagnostic, SourceMap, render};

/// Whether to colour output written to a stream.
pub fn use_color(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether stderr gets colour.
pub fn stderr_color() -> bool {
    use_color(std::io::stderr().is_terminal())
}

/// Whether stdout gets colour.
pub fn stdout_color() -> bool {
    use_color(std::io::stdout().is_terminal())
}

static FORMAT: OnceLock<Format> = OnceLock::new();

/// Chooses how [`diagnostics`] prints (once, from the command line).
pub fn set_format(format: Format) {
    let _ = FORMAT.set(format);
}

/// Prints diagnostics: rustc-style on stderr, or with `--format json` one JSON object
/// per line on stdout.
pub fn diagnostics(diags: &[Diagnostic], sources: &SourceMap) {
    if FORMAT.get() == Some(&Format::Json) {
        let mut out = std::io::stdout().lock();
        for d in diags {
            let _ = writeln!(out, "{}", json(d, sources));
        }
        let _ = out.flush();
        return;
    }
    let color = stderr_color();
    for d in diags {
        say!("{}", render(d, sources, color));
    }
}

/// One diagnostic as a single-line JSON object. `file`, `line`, `column` (1-based,
/// in characters), `code` and `help` are `null` when unknown.
pub fn json(d: &Diagnostic, sources: &SourceMap) -> String {
    let span = d.span;
    serde_json::json!({
        "file": span.map(|s| sources.path(s.file).to_string_lossy().replace('\\', "/")),
        "line": span.map(|s| sources.line_col(s).0),
        "column": span.map(|s| sources.line_col(s).1),
        "end_line": span.map(|s| sources.end_line_col(s).0),
        "end_column": span.map(|s| sources.end_line_col(s).1),
        "code": d.code,
        "severity": d.severity.as_str(),
        "message": d.message,
        "help": d.help,
        "key": d.key_path,
        "expected": d.expected,
        "notes": d.notes,
    })
    .to_string()
}

/// Prints `error: message` to stderr.
pub fn error(message: &str) {
    let style = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Red.into()));
    if stderr_color() {
        say!("{style}error{style:#}: {message}");
    } else {
        say!("error: {message}");
    }
}

/// Writes `text` to stdout. When the reader has gone away (a closed pipe) returns
/// [`EXIT_BROKEN_PIPE`](super::EXIT_BROKEN_PIPE) quietly; any other failure is
/// reported and returns [`EXIT_ERROR`](super::EXIT_ERROR).
pub fn stdout(text: &str) -> Result<(), i32> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(super::EXIT_BROKEN_PIPE),
        Err(e) => {
            error(&format!("cannot write to standard output: {e}"));
            Err(super::EXIT_ERROR)
        }
    }
}
