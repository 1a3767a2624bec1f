//! The parser and printer never panic: every prefix of real files and
//! thousands of byte mutations are fed through parse (and print when the
//! parse succeeds).

mod common;

use common::fuzz::Rng;

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

/// Inputs that used to overflow the stack (SIGABRT) in the parser, printer,
/// checker or `Drop`: each is refused with an error naming the limit.
#[test]
fn deep_inputs_are_refused_with_the_limit_named() {
    let n = 70_000;
    let cases = [
        ("sum", format!("x = 1{}\n", "+1".repeat(n))),
        ("product", format!("x = 1{}\n", "*2".repeat(n))),
        ("power", format!("x = 1{}\n", "^2".repeat(n))),
        ("arrays", format!("x = {}\n", "[".repeat(n))),
        (
            "closed arrays",
            format!("x = {}1{}\n", "[".repeat(n), "]".repeat(n)),
        ),
        ("access", format!("x = a{}\n", ".b".repeat(n))),
        ("index", format!("x = a{}\n", "[0]".repeat(n))),
        ("calls", format!("x = f{}\n", "()".repeat(n))),
        (
            "nested calls",
            format!("x = {}1{}\n", "f(".repeat(n), ")".repeat(n)),
        ),
        (
            "objects",
            format!("x = {}1{}\n", "{a=".repeat(n), "}".repeat(n)),
        ),
        ("negation", format!("x = {}1\n", "-".repeat(n))),
        ("not", format!("x = {}true\n", "!".repeat(n))),
        (
            "parens",
            format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
        ),
        (
            "blocks",
            format!("{}{}\n", "a {\n".repeat(n), "}\n".repeat(n)),
        ),
    ];
    for (name, src) in &cases {
        let errs = o11yc_alloy::parse(src).expect_err(name);
        assert!(
            errs.iter()
                .any(|e| e.message.contains("more than 200 levels deep")),
            "{name}: {errs:?}"
        );
        assert!(o11yc_alloy::format(src).is_err(), "{name}");
    }
}

/// Just under the limit everything works, on a test thread's small stack.
#[test]
fn inputs_at_the_depth_limit_parse_print_and_check() {
    let n = 190;
    let cases = [
        format!("x = 1{}\n", "+1".repeat(n)),
        format!("x = {}1{}\n", "[".repeat(n), "]".repeat(n)),
        format!("x = a{}\n", ".b".repeat(n)),
        format!("x = {}1{}\n", "f(".repeat(n / 2), ")".repeat(n / 2)),
        format!("x = {}1{}\n", "{a=".repeat(n / 2), "}".repeat(n / 2)),
        format!("x = {}1{}\n", "(".repeat(n / 2), ")".repeat(n / 2)),
        format!("x = {}1\n", "-".repeat(n)),
        format!("{}{}\n", "a {\n".repeat(n), "}\n".repeat(n)),
    ];
    for src in &cases {
        let file = o11yc_alloy::parse(src).unwrap_or_else(|e| panic!("{e:?}"));
        let printed = o11yc_alloy::print(&file);
        let _ = o11yc_alloy::check(&file);
        assert_eq!(o11yc_alloy::parse(&printed).unwrap(), file);
    }
}
