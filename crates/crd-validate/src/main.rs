//! `crd-validate --crds DIR FILE...`: validates every custom resource in the
//! YAML streams FILE (`-` is stdin) against the CRDs in DIR, strictly (see the
//! library). Built-in kinds are counted and left to kubernetes-validate; a kind
//! that is neither built in nor served by a CRD in DIR is an error.
//!
//! Prints one line per problem, then a summary line. Exit code 0: all valid;
//! 1: some object is invalid or has no CRD; 2: usage, I/O or YAML error.
//! `crd-validate --crds DIR --list` prints the served `apiVersion kind` pairs.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use crd_validate::{Crds, Outcome, describe, parse_documents};

const USAGE: &str = "usage: crd-validate --crds DIR (--list | FILE...)";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("crd-validate: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<ExitCode, String> {
    let mut crds_dir = None;
    let mut list = false;
    let mut files = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--crds" => crds_dir = Some(PathBuf::from(args.next().ok_or(USAGE)?)),
            "--list" => list = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}\n{USAGE}")),
            _ => files.push(arg),
        }
    }
    let crds = Crds::load_dir(&crds_dir.ok_or(USAGE)?)?;
    if list {
        crds.kinds().for_each(|k| println!("{k}"));
        return Ok(ExitCode::SUCCESS);
    }
    if files.is_empty() {
        return Err(USAGE.to_owned());
    }
    let mut valid = BTreeMap::<String, usize>::new();
    let mut built_in = BTreeMap::<String, usize>::new();
    let mut failed = 0;
    for file in &files {
        let text = if file == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("stdin: {e}"))?;
            text
        } else {
            std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?
        };
        for object in parse_documents(&text).map_err(|e| format!("{file}: {e}"))? {
            let kind = object["kind"].as_str().unwrap_or("?").to_owned();
            match crds.check(&object) {
                Outcome::Valid => *valid.entry(kind).or_default() += 1,
                Outcome::BuiltIn => *built_in.entry(kind).or_default() += 1,
                Outcome::Invalid(errors) => {
                    failed += 1;
                    for e in errors {
                        println!("{file}: {}: {e}", describe(&object));
                    }
                }
                Outcome::NoCrd(message) => {
                    failed += 1;
                    println!("{file}: {}: {message}", describe(&object));
                }
            }
        }
    }
    let count = |m: &BTreeMap<String, usize>| {
        let total: usize = m.values().sum();
        if total == 0 {
            return "0".to_owned();
        }
        let kinds: Vec<String> = m.iter().map(|(k, n)| format!("{k}×{n}")).collect();
        format!("{total} ({})", kinds.join(", "))
    };
    println!(
        "{} custom resources valid, {failed} invalid; built-in objects left to kubernetes-validate: {}",
        count(&valid),
        count(&built_in)
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
