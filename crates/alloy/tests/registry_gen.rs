//! The generator of the checker's registry, and the test that keeps it true.
//!
//! `crates/alloy/src/check/alloy_schema.txt` is derived from Alloy's own
//! schema, `../shared/conformance/alloy-schema/alloy-v<VERSION>.json` (read
//! from Alloy's Go source; see its `SOURCES.txt`). This test regenerates the
//! file from that JSON and fails when the committed copy differs. Regenerate
//! with
//!
//! ```sh
//! O11YC_REGENERATE_ALLOY_SCHEMA=1 cargo test -p o11yc-alloy --test registry_gen
//! ```
//!
//! The derived format is line based, one item per line, nesting by one space
//! of indentation per level (parsed by `check::registry`):
//!
//! ```text
//! alloy <version> <commit>
//! component <name> <stability> <community 0|1>
//!  attr <name> <r|o> <Go type>          (arguments)
//!  block <name> <flags>                 (flags: r required, m repeatable, l labelled, or -)
//!   ...                                 (the block's attrs, blocks and enums)
//!  enum <prefix> <type>                 (blocks `<prefix>.<x>` for each block x of `type <type>`)
//!  export <name> <Go type>
//! type <name>                           (recursive types, e.g. loki.process stages)
//! service <name> <stability>            (top-level blocks configured by services)
//! config <name> <stability>             (logging, tracing, argument, export, foreach, import.*, declare)
//! stdlib <identifier> <flags>           (flags: d deprecated, x experimental, or -)
//! ```
//!
//! Keys are written sorted, so the output does not depend on JSON key order.

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Map, Value};

/// The Alloy version the registry is generated from (the appVersion of the
/// pinned grafana/alloy chart). Moving to a new Alloy means changing this,
/// adding the new schema to `../shared`, and regenerating.
const ALLOY_VERSION: &str = "v1.18.1";

fn word(s: &str) -> &str {
    assert!(
        !s.is_empty() && !s.chars().any(char::is_whitespace),
        "schema name or type {s:?} cannot be written as one word"
    );
    s
}

fn sorted(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

fn obj<'a>(v: &'a Value, key: &str) -> Option<&'a Map<String, Value>> {
    v.get(key).and_then(Value::as_object)
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn string<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("missing string {key:?} in {v}"))
}

fn body(out: &mut String, b: &Value, depth: usize) {
    let pad = " ".repeat(depth);
    if let Some(attrs) = obj(b, "attrs") {
        for (name, a) in sorted(attrs) {
            let req = if flag(a, "required") { "r" } else { "o" };
            let ty = word(string(a, "type"));
            writeln!(out, "{pad}attr {} {req} {ty}", word(name)).unwrap();
        }
    }
    if let Some(blocks) = obj(b, "blocks") {
        for (name, sub) in sorted(blocks) {
            let mut flags = String::new();
            for (key, f) in [("required", 'r'), ("repeatable", 'm'), ("label", 'l')] {
                if flag(sub, key) {
                    flags.push(f);
                }
            }
            if flags.is_empty() {
                flags.push('-');
            }
            writeln!(out, "{pad}block {} {flags}", word(name)).unwrap();
            body(out, sub, depth + 1);
        }
    }
    if let Some(refs) = obj(b, "enum_refs") {
        for (prefix, ty) in sorted(refs) {
            let ty = word(ty.as_str().expect("enum_refs values are type names"));
            writeln!(out, "{pad}enum {} {ty}", word(prefix)).unwrap();
        }
    }
}

/// The derived registry text for one Alloy schema JSON.
fn generate(schema: &Value) -> String {
    let mut out = String::new();
    let meta = &schema["meta"];
    writeln!(
        out,
        "# Derived from alloy-{}.json by crates/alloy/tests/registry_gen.rs. Do not edit.",
        string(meta, "alloy_version")
    )
    .unwrap();
    writeln!(
        out,
        "alloy {} {}",
        word(string(meta, "alloy_version")),
        word(string(meta, "commit"))
    )
    .unwrap();
    let components = obj(schema, "components").expect("components");
    for (name, c) in sorted(components) {
        let community = if flag(c, "community") { 1 } else { 0 };
        writeln!(
            out,
            "component {} {} {community}",
            word(name),
            word(string(c, "stability"))
        )
        .unwrap();
        if !c["arguments"].is_null() {
            body(&mut out, &c["arguments"], 1);
        }
        if !c["exports"].is_null() {
            let exports = &c["exports"];
            assert!(
                obj(exports, "blocks").is_none_or(Map::is_empty),
                "{name}: exports with blocks are not supported"
            );
            for (export, a) in sorted(obj(exports, "attrs").expect("export attrs")) {
                writeln!(out, " export {} {}", word(export), word(string(a, "type"))).unwrap();
            }
        }
    }
    for (name, t) in sorted(obj(schema, "recursive_types").expect("recursive_types")) {
        writeln!(out, "type {}", word(name)).unwrap();
        body(&mut out, t, 1);
    }
    for (name, s) in sorted(obj(schema, "services").expect("services")) {
        // Services without arguments (ui, otel, cluster) have no block.
        if s["arguments"].is_null() {
            continue;
        }
        writeln!(
            out,
            "service {} {}",
            word(name),
            word(string(s, "stability"))
        )
        .unwrap();
        body(&mut out, &s["arguments"], 1);
    }
    for (name, s) in sorted(obj(schema, "config_blocks").expect("config_blocks")) {
        writeln!(
            out,
            "config {} {}",
            word(name),
            word(string(s, "stability"))
        )
        .unwrap();
        if !s["arguments"].is_null() {
            body(&mut out, &s["arguments"], 1);
        }
    }
    let stdlib = &schema["stdlib"];
    let listed = |key: &str| -> Vec<String> {
        stdlib[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let deprecated = listed("deprecated");
    let experimental = listed("experimental");
    let mut idents = Vec::new();
    for (name, members) in sorted(obj(stdlib, "identifiers").expect("stdlib identifiers")) {
        match members.as_array() {
            Some(members) => idents.extend(
                members
                    .iter()
                    .map(|m| format!("{name}.{}", m.as_str().expect("member name"))),
            ),
            None => idents.push(name.clone()),
        }
    }
    idents.sort();
    for ident in idents {
        let mut flags = String::new();
        if deprecated.contains(&ident) {
            flags.push('d');
        }
        if experimental.contains(&ident) {
            flags.push('x');
        }
        if flags.is_empty() {
            flags.push('-');
        }
        writeln!(out, "stdlib {} {flags}", word(&ident)).unwrap();
    }
    out
}

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/alloy-schema")
        .join(format!("alloy-{ALLOY_VERSION}.json"))
}

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/check/alloy_schema.txt")
}

/// Not skipped when `../shared` is missing: CI always has it, and a registry
/// that cannot be regenerated is not known to be true.
#[test]
fn registry_is_generated_from_the_shared_schema() {
    let path = schema_path();
    let json = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the Alloy schema {} ({e}); the registry test needs ../shared beside the repository",
            path.display()
        )
    });
    let schema: Value = serde_json::from_str(&json).expect("the Alloy schema is JSON");
    let generated = generate(&schema);
    let committed_file = committed_path();
    if std::env::var_os("O11YC_REGENERATE_ALLOY_SCHEMA").is_some() {
        std::fs::write(&committed_file, &generated).expect("write the derived registry");
        return;
    }
    let committed = std::fs::read_to_string(&committed_file).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale (or hand-edited): regenerate it with\n  O11YC_REGENERATE_ALLOY_SCHEMA=1 cargo test -p o11yc-alloy --test registry_gen",
        committed_file.display()
    );
}

#[test]
fn generator_writes_nested_blocks_enums_and_flags() {
    let schema: Value = serde_json::from_str(
        r#"{
          "meta": {"alloy_version": "v9", "commit": "abc"},
          "components": {"x.y": {"stability": "experimental", "community": false,
            "arguments": {"attrs": {"b": {"required": false, "type": "int"}, "a": {"required": true, "type": "string"}},
                          "blocks": {"s.one": {"attrs": {}, "blocks": {}, "label": true, "required": true,
                                               "repeatable": true, "type": "T", "enum_refs": {"s": "R"}}}},
            "exports": {"attrs": {"out": {"required": true, "type": "[]discovery.Target"}}, "blocks": {}}}},
          "recursive_types": {"R": {"attrs": {}, "blocks": {}}},
          "services": {"ui": {"stability": "generally-available", "arguments": null}},
          "config_blocks": {},
          "stdlib": {"identifiers": {"sys": ["env"], "coalesce": null}, "deprecated": [], "experimental": ["coalesce"]}
        }"#,
    )
    .unwrap();
    assert_eq!(
        generate(&schema),
        "# Derived from alloy-v9.json by crates/alloy/tests/registry_gen.rs. Do not edit.\n\
         alloy v9 abc\n\
         component x.y experimental 0\n \
         attr a r string\n \
         attr b o int\n \
         block s.one rml\n  \
         enum s R\n \
         export out []discovery.Target\n\
         type R\n\
         stdlib coalesce x\n\
         stdlib sys.env -\n"
    );
}
