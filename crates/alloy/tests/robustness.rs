//! The parser and printer never panic: every prefix of real files and
//! thousands of byte mutations are fed through parse (and print when the
//! parse succeeds).

mod common;

fn exercise(src: &str) {
    if let Ok(file) = o11yc_alloy::parse(src) {
        let printed = o11yc_alloy::print(&file);
        let _ = o11yc_alloy::check(&file);
        assert!(
            o11yc_alloy::parse(&printed).is_ok(),
            "printer produced unparsable output for input {src:?}"
        );
    }
}

/// Small deterministic xorshift generator (no dependency needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const INTERESTING: &[u8] = b"{}[]()\"`=.,!-+*/%^|&<>\n\t /\\#0a\xc3\xa9\xff";

#[test]
fn truncations_and_mutations_never_panic() {
    let mut sources = vec![
        "a = [1, {b = `x`}, f(1,\n2)] // c\nblock \"l\" { x = \"\\u00e9\" /* c */ }\n".to_string(),
        "((((((((((((((((((((((((((((((((((((((((1".repeat(20),
        "[".repeat(5000),
        "a {".repeat(5000),
        "x = -".repeat(2000) + "1",
    ];
    if let Some(dir) = common::conformance_dir("alloy-corpus") {
        for f in common::files_with_ext(&dir, ".alloy").iter().take(3) {
            sources.push(std::fs::read_to_string(f).unwrap());
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for src in &sources {
        // Every truncation prefix (on char boundaries).
        let step = (src.len() / 400).max(1);
        for end in (0..=src.len()).step_by(step) {
            if src.is_char_boundary(end) {
                exercise(&src[..end]);
            }
        }
        // Random byte mutations (kept as valid UTF-8 via lossy decoding).
        for _ in 0..300 {
            let mut bytes = src.as_bytes().to_vec();
            for _ in 0..1 + rng.next() % 4 {
                if bytes.is_empty() {
                    break;
                }
                let at = (rng.next() as usize) % bytes.len();
                let b = INTERESTING[(rng.next() as usize) % INTERESTING.len()];
                match rng.next() % 3 {
                    0 => bytes[at] = b,
                    1 => bytes.insert(at, b),
                    _ => {
                        bytes.remove(at);
                    }
                }
            }
            exercise(&String::from_utf8_lossy(&bytes));
        }
    }
}
