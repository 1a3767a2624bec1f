//! Shared by the integration tests that compile a profile written on the fly.

use o11yc::SourceMap;
use o11yc::{ProfileRef, compile_profile};

/// Compiles `text` as profile `p.yaml`. On success, the generated files (path,
/// text); on failure, each diagnostic on one line (`p.yaml:LINE:COL: ...`)
/// followed by ` | help`, ` | expected` and ` | note` parts.
#[allow(dead_code)] // each test binary uses part of this module
pub fn compile_text(text: &str) -> Result<Vec<(String, String)>, Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.yaml");
    std::fs::write(&path, text).unwrap();
    let mut sources = SourceMap::new();
    let profile = ProfileRef {
        name: "p".into(),
        path: path.clone(),
    };
    match compile_profile(&profile, &mut sources) {
        Ok(c) => Ok(c
            .tree
            .into_iter()
            .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
            .collect()),
        Err(diags) => Err(diags
            .iter()
            .map(|d| {
                let mut line = d
                    .one_line(&sources)
                    .replace(&path.display().to_string(), "p.yaml");
                for extra in [&d.help, &d.expected].into_iter().flatten() {
                    line.push_str(" | ");
                    line.push_str(extra);
                }
                for note in &d.notes {
                    line.push_str(" | ");
                    line.push_str(note);
                }
                line
            })
            .collect()),
    }
}

/// Runs an o11yc command: its exit code (-1 when killed by a signal), stdout and stderr.
#[allow(dead_code)] // each test binary uses part of this module
pub fn run(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
