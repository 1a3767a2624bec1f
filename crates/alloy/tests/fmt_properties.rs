//! Properties of `alloy fmt` on every corpus file and on generated inputs:
//! formatting is idempotent (`format(format(x)) == format(x)`) and keeps the
//! meaning (`parse(format(x)) == parse(x)`, positions ignored, comments
//! compared by text). The generator is seeded, so a failure is reproducible
//! from the printed seed.

mod common;

use common::fuzz::Rng;

use std::fs;

use o11yc_alloy::{File, format, parse};

/// What formatting one input did.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// The input does not parse.
    Invalid,
    /// `format` refused (a comment it cannot keep in place).
    Refused,
    /// Formatted; both properties hold.
    Formatted,
}

/// Checks both properties for one input; returns a description of the
/// first violation.
fn fmt_properties(src: &str) -> Result<Outcome, String> {
    let Ok(tree) = parse(src) else {
        return Ok(Outcome::Invalid);
    };
    let Ok(once) = format(src) else {
        return Ok(Outcome::Refused);
    };
    let reparsed = parse(&once).map_err(|e| {
        format!(
            "formatted output does not parse: {}\n--- output ---\n{once:?}",
            e[0].render("out", &once)
        )
    })?;
    if !same_meaning(&tree, &reparsed) {
        return Err(format!(
            "parse(format(x)) != parse(x)\n--- output ---\n{once:?}"
        ));
    }
    let twice = format(&once).map_err(|e| format!("second format failed: {e:?}"))?;
    if twice != once {
        return Err(format!(
            "format is not idempotent\n--- once ---\n{once:?}\n--- twice ---\n{twice:?}"
        ));
    }
    Ok(Outcome::Formatted)
}

fn same_meaning(a: &File, b: &File) -> bool {
    a.body == b.body
        && a.comments.len() == b.comments.len()
        && a.comments
            .iter()
            .zip(&b.comments)
            .all(|(x, y)| x.text.trim_end() == y.text.trim_end())
}

#[test]
fn corpus_files_are_formatted_idempotently_and_faithfully() {
    let Some(dir) = common::conformance_dir("alloy-corpus") else {
        return;
    };
    let files = common::files_with_ext(&dir, ".alloy");
    assert!(files.len() >= 200, "corpus looks incomplete");
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let src = fs::read_to_string(f).unwrap();
            match fmt_properties(&src) {
                Ok(Outcome::Formatted) => None,
                other => Some(format!("{}: {other:?}", f.display())),
            }
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Characters that have broken formatters: every control character the
/// tab writer interprets, other C0 controls, DEL, escapes, non-ASCII.
const TEXT_CHARS: &[&str] = &[
    "a", "b", "z", " ", " ", "\t", "\x0b", "\x0c", "\x01", "\x00", "\x1b", "\x7f", "\r", "é",
    "\u{2028}", "\u{feff}", "/", "*", "=", "{", "}", "\\", "#",
];

struct Gen {
    rng: Rng,
    out: String,
    depth: usize,
}

impl Gen {
    fn text(&mut self, max: usize, extra: &[&str]) -> String {
        let n = self.rng.below(max + 1);
        (0..n)
            .map(|_| {
                if !extra.is_empty() && self.rng.chance(10) {
                    self.rng.pick(extra)
                } else {
                    self.rng.pick(TEXT_CHARS)
                }
            })
            .collect()
    }

    /// Optional whitespace where a newline is allowed: blanks, a block
    /// comment, a line comment plus newline, blank lines.
    fn gap(&mut self, newline_ok: bool) {
        if self.rng.chance(30) {
            self.out.push_str(self.rng.pick(&[" ", "  ", "\t"]));
        }
        if self.rng.chance(10) {
            let body = self.text(8, &[]).replace("*/", "");
            self.out.push_str(&format!("/*{body}*/ "));
        }
        if newline_ok && self.rng.chance(25) {
            if self.rng.chance(40) {
                let body = self.text(10, &[]).replace('\n', "");
                self.out.push_str(&format!(" //{body}"));
            }
            self.out.push('\n');
            if self.rng.chance(20) {
                self.out.push('\n');
            }
        }
    }

    fn ident(&mut self) -> String {
        self.rng
            .pick(&["a", "b", "foo", "bar_1", "_x", "é", "targets", "forward_to"])
            .to_string()
    }

    fn expr(&mut self) {
        self.depth += 1;
        let leaf = self.depth > 4 || self.rng.chance(40);
        if leaf {
            match self.rng.below(8) {
                0 => {
                    let s = self.text(6, &["\"", "\n"]);
                    self.out.push_str(&quote(&s));
                }
                1 => {
                    let s = self.text(6, &["\n", "\""]).replace('`', "");
                    self.out.push_str(&format!("`{s}`"));
                }
                2 => self
                    .out
                    .push_str(self.rng.pick(&["0", "1", "42", "1.5", ".5", "1e3", "7"])),
                3 => self.out.push_str(self.rng.pick(&["true", "false", "null"])),
                4 => {
                    let a = self.ident();
                    let b = self.ident();
                    self.out.push_str(&format!("{a}.{b}.c"));
                }
                _ => {
                    let a = self.ident();
                    self.out.push_str(&a);
                }
            }
        } else {
            match self.rng.below(7) {
                0 => self.list("[", "]", |g| g.expr()),
                1 => self.list("{", "}", |g| {
                    let key = if g.rng.chance(30) {
                        quote(&g.text(4, &[]))
                    } else {
                        g.ident()
                    };
                    g.out.push_str(&key);
                    g.gap(false);
                    g.out.push_str(" = ");
                    g.expr();
                }),
                2 => {
                    let f = self.ident();
                    self.out.push_str(&f);
                    self.list("(", ")", |g| g.expr());
                }
                3 => {
                    self.expr();
                    let op = self.rng.pick(&[
                        " + ", "-", " * ", "/", " % ", "^", " == ", " && ", "||", " < ",
                    ]);
                    self.out.push_str(op);
                    self.gap(false);
                    self.expr();
                }
                4 => {
                    self.out.push_str(self.rng.pick(&["!", "-"]));
                    self.expr();
                }
                5 => {
                    self.out.push('(');
                    self.expr();
                    self.out.push(')');
                }
                _ => {
                    self.expr();
                    self.out.push('[');
                    self.expr();
                    self.out.push(']');
                }
            }
        }
        self.depth -= 1;
    }

    fn list(&mut self, open: &str, close: &str, mut item: impl FnMut(&mut Self)) {
        self.out.push_str(open);
        self.gap(true);
        let n = self.rng.below(4);
        for i in 0..n {
            item(self);
            if i + 1 < n || self.rng.chance(30) {
                self.out.push(',');
            }
            self.gap(i + 1 < n || self.out.ends_with(','));
        }
        self.out.push_str(close);
    }

    fn stmts(&mut self) {
        let n = self.rng.below(5);
        for _ in 0..n {
            self.gap(true);
            if self.depth < 3 && self.rng.chance(35) {
                let name = if self.rng.chance(50) {
                    format!("{}.{}", self.ident(), self.ident())
                } else {
                    self.ident()
                };
                self.out.push_str(&name);
                if self.rng.chance(50) {
                    self.out.push_str(self.rng.pick(&[" \"l\"", " \"main_1\""]));
                }
                self.out.push_str(" {");
                self.depth += 1;
                if self.rng.chance(70) {
                    self.out.push('\n');
                    self.stmts();
                }
                self.depth -= 1;
                self.out.push('}');
            } else {
                let name = self.ident();
                self.out.push_str(&name);
                self.out.push_str(self.rng.pick(&[" = ", "=", "   =  "]));
                self.expr();
            }
            if self.rng.chance(30) {
                let body = self.text(12, &["//", "\x0c\x0c"]).replace('\n', "");
                self.out.push_str(&format!(" //{body}"));
            }
            self.out.push('\n');
        }
    }
}

fn quote(s: &str) -> String {
    o11yc_alloy::quote(s)
}

/// Generates a syntactically valid file (raw control characters included)
/// from `seed`.
fn generate(seed: u64) -> String {
    let mut g = Gen {
        rng: Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1),
        out: String::new(),
        depth: 0,
    };
    g.stmts();
    // Raw control characters inside double-quoted strings are legal input
    // (the printer must escape them); `quote` escaped them above, so put a
    // few back in raw form.
    g.out
        .replace("\\x01", "\x01")
        .replace("\\f", "\x0c")
        .replace("\\v", "\x0b")
}

#[test]
fn generated_files_are_formatted_idempotently_and_faithfully() {
    let (mut formatted, mut refused) = (0, 0);
    let mut failures = Vec::new();
    for seed in 0..3000u64 {
        let src = generate(seed);
        match fmt_properties(&src) {
            Ok(Outcome::Formatted) => formatted += 1,
            Ok(Outcome::Refused) => refused += 1,
            Ok(Outcome::Invalid) => {}
            Err(e) => failures.push(format!("seed {seed}: input {src:?}\n{e}")),
        }
    }
    // The generator must mostly produce valid input that gets formatted, or
    // the test proves nothing. Refusals come from comments placed inside
    // expressions, which the generator does on purpose.
    assert!(
        formatted > 2000,
        "only {formatted} of 3000 generated files formatted"
    );
    println!("generated: {formatted} formatted, {refused} refused");
    assert!(refused < 300, "{refused} of 3000 generated files refused");
    assert!(
        failures.is_empty(),
        "{} failures, first:\n{}",
        failures.len(),
        failures[0]
    );
}

#[test]
fn form_feed_in_a_line_comment_does_not_join_the_next_line() {
    let src = "a = 1 // x\x0cy\nb = 2\n";
    let out = format(src).unwrap();
    assert_eq!(out, "a = 1 // x\x0cy\nb = 2\n");
    assert_eq!(fmt_properties(src), Ok(Outcome::Formatted));
}

#[test]
fn raw_control_characters_in_strings_are_escaped() {
    let src = "a = \"x\x01\x0b\x0cy\" // c\nb = `p\x0bq`\n";
    let out = format(src).unwrap();
    assert_eq!(out, "a = \"x\\x01\\v\\fy\" // c\nb = `p\x0bq`\n");
    assert_eq!(fmt_properties(src), Ok(Outcome::Formatted));
}

#[test]
fn a_comment_the_layout_cannot_keep_is_refused_not_moved() {
    let src = "a = 1\nb = {k/* c */ = 1}\n";
    let errs = format(src).unwrap_err();
    assert_eq!(
        errs[0].render("x.alloy", src),
        "x.alloy:2:7: error: cannot format this file safely: this comment would move\n  \
         help: put comments on their own line or at the end of a line; the file was left unchanged"
    );
}
