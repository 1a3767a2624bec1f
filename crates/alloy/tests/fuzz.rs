//! A stable-Rust fuzz harness for the parser, printer and checker, run by
//! `cargo test` with a fixed seed and budget: corpus files mutated byte by
//! byte and by token, then parsed, checked and formatted. For every input:
//! no panic or stack overflow, and whenever `format` succeeds its output
//! parses to the same tree and formats to itself.
//!
//! `O11YC_FUZZ_ITERATIONS=200000 cargo test --release -p o11yc-alloy --test fuzz`
//! runs a longer session (`O11YC_FUZZ_SECONDS=600` runs for ten minutes);
//! `O11YC_FUZZ_SEED` picks another sequence.

mod common;

use common::fuzz::Rng;

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "`",
    "=",
    ".",
    ",",
    "!",
    "-",
    "+",
    "*",
    "/",
    "%",
    "^",
    "||",
    "&&",
    "==",
    "<",
    "\n",
    "\t",
    "\x0b",
    "\x0c",
    "\r",
    " ",
    "//",
    "/*",
    "*/",
    "#",
    "0",
    "1.5",
    "\\",
    "\\u00e9",
    "\x01",
    "\x7f",
    "é",
    "\u{2028}",
    "a",
    "null",
    "true",
    "block \"l\" {\n}\n",
    "x = 1\n",
    "// c\x0cd\n",
    "\"\x01\" ",
    "1+1+1+1+1",
    "[[[[",
    "a.b.b.b",
];

fn mutate(rng: &mut Rng, src: &str) -> String {
    let mut bytes = src.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(3) {
            0 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                bytes.splice(at..at, t.iter().copied());
            }
            1 => {
                let end = (at + 1 + rng.below(8)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            _ => {
                if at < bytes.len() {
                    bytes[at] = rng.next() as u8;
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn exercise(src: &str) {
    let Ok(file) = o11yc_alloy::parse(src) else {
        return;
    };
    let _ = o11yc_alloy::check(&file);
    if let Ok(once) = o11yc_alloy::format(src) {
        let reparsed = o11yc_alloy::parse(&once)
            .unwrap_or_else(|e| panic!("format output does not parse: {e:?}\ninput {src:?}"));
        assert!(
            reparsed.body == file.body,
            "format changed the tree of {src:?}"
        );
        assert_eq!(
            o11yc_alloy::format(&once).as_deref(),
            Ok(once.as_str()),
            "format is not idempotent on {src:?}"
        );
    }
}

#[test]
fn mutated_corpus_files_never_crash_and_format_faithfully() {
    let mut seeds = vec![
        "loki.write \"default\" {\n\tendpoint {\n\t\turl = \"http://loki\" // c\n\t}\n}\n"
            .to_string(),
        "a = [1, {b = `x`}, f(1,\n2)] // c\nblock \"l\" { x = \"\\u00e9\" /* c */ }\n".to_string(),
    ];
    if let Some(dir) = common::conformance_dir("alloy-corpus") {
        for f in common::files_with_ext(&dir, ".alloy") {
            seeds.push(std::fs::read_to_string(f).unwrap());
        }
    }
    let done = common::fuzz::run(600, 0xa110_7f00_d5ee_d001, |rng| {
        let seed = &seeds[rng.below(seeds.len())];
        exercise(&mutate(rng, seed));
    });
    eprintln!("fuzz: {done} inputs, none crashed");
}
