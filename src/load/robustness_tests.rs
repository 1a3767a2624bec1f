//! Malformed input must produce diagnostics, never panics.

use serde::Deserialize;

use super::{from_node, parse_yaml};
use crate::diag::{FileId, SourceMap, render};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
struct Model {
    name: String,
    loki: Option<Loki>,
    #[serde(default)]
    sources: Vec<Src>,
    extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
struct Loki {
    enabled: Option<bool>,
    port: Option<u16>,
    mode: Option<Mode>,
    node_selector: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
enum Mode {
    Flux,
    Plain { dir: String },
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Src {
    name: String,
}

const VALID: &str = "\
# dev profile
name: dev
loki:
  enabled: true
  port: 3100
  mode: {plain: {dir: \"out\"}}
  nodeSelector:
    zone: \"eu-1\"
sources:
  - name: a
  - name: 'b'
extra: &x {k: [1, 2, {z: null}]}
";

fn check(text: &str) {
    let mut sources = SourceMap::new();
    let f = sources.add("fuzz.yaml".into(), text.to_string());
    match parse_yaml(f, text) {
        Err(d) => {
            let _ = render(&d, &sources, true);
        }
        Ok(node) => {
            if let Err(ds) = from_node::<Model>(&node) {
                for d in ds {
                    let _ = render(&d, &sources, false);
                    let _ = d.one_line(&sources);
                }
            }
            let _ = from_node::<serde_json::Value>(&node);
        }
    }
}

#[test]
fn valid_sample_is_valid() {
    let node = parse_yaml(FileId(0), VALID).unwrap();
    from_node::<Model>(&node).unwrap();
}

#[test]
fn truncations_never_panic() {
    for (i, _) in VALID.char_indices() {
        check(&VALID[..i]);
        check(&VALID[i..]);
    }
}

#[test]
fn mutations_never_panic() {
    let inserts = [
        "\t",
        " ",
        "  ",
        "\n",
        ":",
        "- ",
        "[",
        "]",
        "{",
        "}",
        "\"",
        "'",
        "&a ",
        "*a",
        "*x",
        "!!int ",
        "!t ",
        "? ",
        "#",
        "---\n",
        "...",
        "é",
        "\u{FEFF}",
        "\u{200B}",
        "🦀",
        "\r\n",
        "%YAML 1.2\n",
        "|",
        ">-",
        "\0",
    ];
    let chars: Vec<(usize, char)> = VALID.char_indices().collect();
    for (n, &(i, _)) in chars.iter().enumerate() {
        let ins = inserts[n % inserts.len()];
        check(&format!("{}{}{}", &VALID[..i], ins, &VALID[i..]));
        // Deletion of one character.
        let next = chars.get(n + 1).map_or(VALID.len(), |c| c.0);
        check(&format!("{}{}", &VALID[..i], &VALID[next..]));
    }
    for ins in inserts {
        for line_start in VALID.match_indices('\n').map(|(i, _)| i + 1) {
            check(&format!(
                "{}{}{}",
                &VALID[..line_start],
                ins,
                &VALID[line_start..]
            ));
        }
    }
}

#[test]
fn odd_documents_never_panic() {
    let cases = [
        "\t\tname: dev",
        "name:\tdev\n",
        "name: dev\n  loki: x\n",
        "name: dev\nloki:\n    enabled: true\n  port: 1\n",
        "name: [unclosed\n",
        "name: {a: 1, a: 2}\n",
        "name: \"\\uZZZZ\"\n",
        "\u{FEFF}name: dev\n",
        "name: dev\r\nloki:\r\n  port: 99999999999999999999999\r\n",
        "name: *nope\n",
        "? a\n? b\n",
        "name: !!binary aGVsbG8=\n",
        "<<: {name: x}\n",
        "- - - - -\n",
        "{{{{{{{{{{{{{{{{{{{{",
        "name: 'it''s'\nextra: [.nan, -.inf, 0o17, 0x, +1, 1e, 1.]\n",
        "日本語: 値\nname: ✓\n",
        "name: dev\n...\n---\n",
        "\u{0085}\u{2028}\u{2029}",
        "%TAG ! tag:x,2000:\n---\nname: !foo x\n",
    ];
    for c in cases {
        check(c);
    }
    let deep = format!("name: dev\nextra: {}\n", "[".repeat(100_000));
    check(&deep);
    let deep_block: String = (0..300)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    check(&deep_block);
    // Just under the nesting limit: parses, and deserializing into `Value` must not overflow.
    let nested = format!("name: dev\nextra: {}1{}\n", "[".repeat(60), "]".repeat(60));
    let node = parse_yaml(FileId(0), &nested).unwrap();
    from_node::<Model>(&node).unwrap();
}
