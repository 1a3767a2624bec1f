//! A stable-Rust fuzz harness for the whole profile pipeline (load →
//! validate → compile → render), run by `cargo test` with a fixed seed and
//! budget. Inputs are the shipped profiles mutated with YAML and o11yc
//! tokens known to have broken things (aliases, tabs, `0s`, `//`, reserved
//! placeholders, deep nesting, Alloy chains in `custom`). For every input:
//! no panic or stack overflow, every diagnostic renders, and a profile that
//! compiles compiles to the same bytes twice.
//!
//! `O11YC_FUZZ_ITERATIONS=100000 cargo test --release --test fuzz_profiles`
//! runs a longer session (`O11YC_FUZZ_SECONDS=600` runs for ten minutes);
//! `O11YC_FUZZ_SEED` picks another sequence.

use std::path::Path;

use o11yc::{ProfileRef, compile_profile};
use o11yc::{SourceMap, render};

#[path = "../crates/alloy/tests/common/fuzz.rs"]
mod fuzz;

use fuzz::Rng;

const TOKENS: &[&str] = &[
    "\t",
    " ",
    "  ",
    "\n",
    ":",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    ",",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "? ",
    "---\n",
    "|\n",
    ">-\n",
    "~",
    "null",
    "true",
    "0",
    "0s",
    "0755",
    "6.10",
    "1e3",
    "-1",
    "99999999999999999999",
    "/",
    "//",
    "/../",
    "..",
    "{cluster}",
    "{__address__}",
    "{run_id}",
    "é",
    "\u{FEFF}",
    "\0",
    "\r\n",
    "enabled: false",
    "insecure: true",
    "extends: dev\n",
    "extends: p\n",
    "retention: 0s\n",
    "  custom: |\n    x = 1+1+1+1\n",
    "namespaces: { x: {} }\n",
    "cluster: { name: \"\" }\n",
    "acknowledge: [insecureSkipVerify]\n",
    "grafana:\n",
    "loki: &l\n",
    "tempo: *l\n",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut s = text.to_string();
    for _ in 0..1 + rng.below(4) {
        let mut at = rng.below(s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(5) {
            0 | 1 => s.insert_str(at, TOKENS[rng.below(TOKENS.len())]),
            2 => {
                let mut end = (at + 1 + rng.below(16)).min(s.len());
                while !s.is_char_boundary(end) {
                    end += 1;
                }
                s.replace_range(at..end, "");
            }
            3 => {
                // Duplicate a line somewhere else.
                let lines: Vec<&str> = s.lines().collect();
                if !lines.is_empty() {
                    let line = lines[rng.below(lines.len())].to_string();
                    let start = s[..at].rfind('\n').map_or(0, |i| i + 1);
                    s.insert_str(start, &format!("{line}\n"));
                }
            }
            _ => {
                // Swap a value for a token at the end of a line.
                let end = s[at..].find('\n').map_or(s.len(), |i| at + i);
                let token = TOKENS[rng.below(TOKENS.len())];
                s.replace_range(at..end, token.trim_end_matches('\n'));
            }
        }
    }
    s
}

fn compile(dir: &Path, text: &str) {
    let path = dir.join("p.yaml");
    std::fs::write(&path, text).unwrap();
    let profile = ProfileRef {
        name: "p".into(),
        path,
    };
    let mut sources = SourceMap::new();
    match compile_profile(&profile, &mut sources) {
        Err(diags) => {
            assert!(
                !diags.is_empty(),
                "an error without a diagnostic for {text:?}"
            );
            for d in &diags {
                let _ = render(d, &sources, false);
                let _ = d.one_line(&sources);
            }
        }
        Ok(first) => {
            let again = compile_profile(&profile, &mut SourceMap::new())
                .unwrap_or_else(|e| panic!("second compile failed: {e:?} for {text:?}"));
            assert!(first.tree == again.tree, "not deterministic for {text:?}");
        }
    }
}

#[test]
fn mutated_profiles_never_crash() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let mut seeds = Vec::new();
    for name in ["dev", "prod", "homelab-nvme", "vcluster"] {
        let text = std::fs::read_to_string(repo.join(format!("profiles/{name}.yaml"))).unwrap();
        // Bases for `extends` in the mutated inputs.
        std::fs::write(dir.path().join(format!("{name}.yaml")), &text).unwrap();
        seeds.push(text);
    }
    let done = fuzz::run(400, 0x5eed_0011_c0de_0001, |rng| {
        let seed = &seeds[rng.below(seeds.len())];
        let text = mutate(rng, seed);
        compile(dir.path(), &text);
    });
    eprintln!("fuzz: {done} inputs, none crashed");
}
