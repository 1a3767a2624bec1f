//! Tests for [`from_node`] on a small model shaped like the real profile model.

#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use indexmap::IndexMap;
use serde::Deserialize;

use super::{from_node, parse_yaml};
use crate::diag::{Diagnostic, FileId, SourceMap, render};

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Profile {
    name: String,
    loki: Option<Loki>,
    delivery: Option<Delivery>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    extra: Option<serde_json::Value>,
    alloy: Option<Alloy>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Loki {
    #[serde(default)]
    enabled: bool,
    storage: Option<Storage>,
    retention: Option<String>,
    node_selector: Option<IndexMap<String, String>>,
    port: Option<u16>,
    replicas: Option<u32>,
    ratio: Option<f64>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Storage {
    size: Quantity,
    class: Option<String>,
    backend: Option<Backend>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
enum Backend {
    #[serde(rename_all = "camelCase")]
    HostPath {
        path: String,
    },
    Pvc(String),
    EmptyDir,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Delivery {
    mode: Mode,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
enum Mode {
    Flux,
    Helm,
    Plain,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Alloy {
    sources: Vec<Source>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Source {
    name: String,
    port: Option<u16>,
}

/// A Kubernetes-like quantity, validated through `FromStr` + `Error::custom`.
#[derive(Debug, PartialEq)]
struct Quantity(String);

impl std::str::FromStr for Quantity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let unit = &s[digits.len()..];
        if digits.parse::<u64>().is_ok() && ["", "Ki", "Mi", "Gi", "Ti"].contains(&unit) {
            Ok(Quantity(s.to_string()))
        } else {
            Err(format!("`{s}` is not a valid quantity (e.g. `200Gi`)"))
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

const F: FileId = FileId(0);

thread_local! {
    /// The text [`load`] last parsed, so [`pos`] can compute a line and column from it.
    static LAST_TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

fn load<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Diagnostic> {
    LAST_TEXT.with(|t| *t.borrow_mut() = text.to_string());
    let node = parse_yaml(F, text).expect("valid yaml");
    from_node::<T>(&node).map_err(|mut v| {
        assert_eq!(v.len(), 1);
        v.remove(0)
    })
}

fn err(text: &str) -> Diagnostic {
    load::<Profile>(text).expect_err("expected a deserialization error")
}

fn pos(d: &Diagnostic) -> (u32, u32) {
    let s = d.span.expect("diagnostic has a span");
    LAST_TEXT.with(|t| s.line_col_in(&t.borrow()))
}

const GOOD: &str = "\
name: dev
loki:
  enabled: true
  storage:
    size: 200Gi
    backend:
      hostPath:
        path: /data
  nodeSelector:
    zone: a
  port: 3100
  ratio: 2
delivery:
  mode: flux
labels:
  team: obs
extra:
  a: [1, 2.5, \"x\", null, true]
alloy:
  sources:
    - name: a
    - name: b
      port: 9000
";

#[test]
fn valid_profile_deserializes() {
    let p: Profile = load(GOOD).unwrap();
    let loki = p.loki.unwrap();
    assert!(loki.enabled);
    let storage = loki.storage.unwrap();
    assert_eq!(storage.size, Quantity("200Gi".into()));
    assert_eq!(
        storage.backend,
        Some(Backend::HostPath {
            path: "/data".into()
        })
    );
    assert_eq!(loki.node_selector.unwrap()["zone"], "a");
    assert_eq!(loki.port, Some(3100));
    assert_eq!(loki.ratio, Some(2.0));
    assert_eq!(p.delivery.unwrap().mode, Mode::Flux);
    assert_eq!(p.labels["team"], "obs");
    assert_eq!(
        p.extra.unwrap(),
        serde_json::json!({"a": [1, 2.5, "x", null, true]})
    );
    let sources = p.alloy.unwrap().sources;
    assert_eq!(
        sources[1],
        Source {
            name: "b".into(),
            port: Some(9000)
        }
    );
}

#[test]
fn unknown_key_with_suggestion_and_exact_position() {
    let d = err("name: dev\nloki:\n  enabled: true\n  storge:\n    size: 1Gi\n");
    assert_eq!(d.message, "unknown key `storge` in `loki`");
    assert_eq!(pos(&d), (4, 3));
    assert_eq!(d.span.unwrap().end - d.span.unwrap().start, 6);
    assert_eq!(d.key_path.as_deref(), Some("loki.storge"));
    assert_eq!(d.help.as_deref(), Some("did you mean `storage`?"));
    assert!(d.expected.unwrap().contains("`storage`"));
}

#[test]
fn unknown_key_snake_case_suggests_camel_case() {
    let d = err("name: dev\nloki:\n  node_selector: {}\n");
    assert_eq!(d.help.as_deref(), Some("did you mean `nodeSelector`?"));
    let d = err("name: dev\nbogus: 1\n");
    assert_eq!(d.message, "unknown key `bogus` at the top level");
    assert_eq!(pos(&d), (2, 1));
    assert!(d.help.unwrap().starts_with("remove `bogus`"));
}

#[test]
fn missing_key_points_at_parent_key() {
    let d = err("name: dev\nloki:\n  storage:\n    class: fast\n");
    assert_eq!(d.message, "missing key `size` in `loki.storage`");
    assert_eq!(pos(&d), (3, 3));
    assert_eq!(d.key_path.as_deref(), Some("loki.storage.size"));
    let d = err("loki: {}\n");
    assert_eq!(d.message, "missing key `name` at the top level");
    assert_eq!(pos(&d), (1, 1));
}

#[test]
fn wrong_type_with_quoting_help() {
    let d = err("name: dev\nloki:\n  retention: 30\n");
    assert_eq!(d.message, "expected a string, found an integer");
    assert_eq!(pos(&d), (3, 14));
    assert_eq!(d.key_path.as_deref(), Some("loki.retention"));
    assert_eq!(
        d.help.as_deref(),
        Some("write \"30\" in quotes to make it a string")
    );
    let d = err("name: true\n");
    assert_eq!(
        d.help.as_deref(),
        Some("write \"true\" in quotes to make it a string")
    );
    let d = err("name: dev\nloki: [1]\n");
    assert_eq!(d.message, "expected a mapping, found a sequence");
    assert_eq!(pos(&d), (2, 7));
    let d = err("name: dev\nloki:\n  enabled: \"true\"\n");
    assert_eq!(d.message, "expected a boolean, found a string");
    assert_eq!(d.help.as_deref(), Some("write true without quotes"));
}

#[test]
fn unknown_enum_value() {
    let d = err("name: dev\ndelivery:\n  mode: fluxx\n");
    assert_eq!(d.message, "unknown value `fluxx` for `delivery.mode`");
    assert_eq!(pos(&d), (3, 9));
    assert_eq!(d.help.as_deref(), Some("did you mean `flux`?"));
    assert_eq!(
        d.expected.as_deref(),
        Some("one of `flux`, `helm`, `plain`")
    );
}

#[test]
fn externally_tagged_enum() {
    let base = "name: dev\nloki:\n  storage:\n    size: 1Gi\n    backend: ";
    let storage = |tail: &str| -> Result<Option<Backend>, Diagnostic> {
        load::<Profile>(&format!("{base}{tail}")).map(|p| p.loki.unwrap().storage.unwrap().backend)
    };
    assert_eq!(storage("emptyDir\n").unwrap(), Some(Backend::EmptyDir));
    assert_eq!(
        storage("{pvc: claim}\n").unwrap(),
        Some(Backend::Pvc("claim".into()))
    );
    assert_eq!(
        storage("{emptyDir: null}\n").unwrap(),
        Some(Backend::EmptyDir)
    );
    let d = storage("\n      hostPth:\n        path: /x\n").unwrap_err();
    assert_eq!(
        d.message,
        "unknown variant `hostPth` for `loki.storage.backend`"
    );
    assert_eq!(pos(&d), (6, 7));
    assert_eq!(d.help.as_deref(), Some("did you mean `hostPath`?"));
    let d = storage("{pvc: a, emptyDir: null}\n").unwrap_err();
    assert!(d.message.contains("exactly one key"), "{}", d.message);
    let d = storage("{hostPath: {path: 3}}\n").unwrap_err();
    assert_eq!(
        d.key_path.as_deref(),
        Some("loki.storage.backend.hostPath.path")
    );
    let d = storage("pvc\n").unwrap_err();
    assert!(d.message.contains("`pvc` needs a value"), "{}", d.message);
    let d = storage("7\n").unwrap_err();
    assert!(
        d.message.starts_with("expected a string naming a value"),
        "{}",
        d.message
    );
}

#[test]
fn option_and_null() {
    let p: Profile = load("name: dev\nloki:\n  storage: null\n  port:\n").unwrap();
    let loki = p.loki.unwrap();
    assert_eq!(loki.storage, None);
    assert_eq!(loki.port, None);
    let d = err("name:\n");
    assert_eq!(d.message, "expected a string, found null");
}

#[test]
fn sequence_items_have_indexed_paths() {
    let d = err("name: dev\nalloy:\n  sources:\n    - name: a\n    - name: [x]\n");
    assert_eq!(d.key_path.as_deref(), Some("alloy.sources[1].name"));
    assert_eq!(pos(&d), (5, 13));
    let d = err("name: dev\nalloy:\n  sources:\n    - name: a\n    - port: 1\n");
    assert_eq!(d.message, "missing key `name` in `alloy.sources[1]`");
    assert_eq!(pos(&d), (5, 7));
    let d = err("name: dev\nalloy:\n  sources: a\n");
    assert_eq!(d.message, "expected a sequence, found a string");
}

#[test]
fn map_values_have_paths() {
    let d = err("name: dev\nlabels:\n  team: 5\n");
    assert_eq!(d.key_path.as_deref(), Some("labels.team"));
    assert_eq!(pos(&d), (3, 9));
    let m: BTreeMap<u32, String> = load("1: a\n2: b\n").unwrap();
    assert_eq!(m[&2], "b");
}

#[test]
fn integers_out_of_range() {
    let d = err("name: dev\nloki:\n  port: 70000\n");
    assert_eq!(d.message, "integer `70000` is out of range for `loki.port`");
    assert_eq!(pos(&d), (3, 9));
    assert_eq!(
        d.expected.as_deref(),
        Some("an integer from 0 to 65535 (u16)")
    );
    let d = err("name: dev\nloki:\n  replicas: -1\n");
    assert!(d.message.contains("out of range"));
    let d = err("name: dev\nloki:\n  port: 1.5\n");
    assert_eq!(d.message, "expected an integer, found a float");
}

#[test]
fn custom_errors_get_span_and_path() {
    let d = err("name: dev\nloki:\n  storage:\n    size: 200Gx\n");
    assert_eq!(
        d.message,
        "invalid value for `loki.storage.size`: `200Gx` is not a valid quantity (e.g. `200Gi`)"
    );
    assert_eq!(pos(&d), (4, 11));
    assert_eq!(d.key_path.as_deref(), Some("loki.storage.size"));
}

#[test]
fn end_to_end_render() {
    let text = "name: dev\nloki:\n  enabled: true\n  storge:\n    size: 1Gi\n";
    let mut sources = SourceMap::new();
    let f = sources.add(PathBuf::from("profiles/dev.yaml"), text.to_string());
    let node = parse_yaml(f, sources.text(f)).unwrap();
    let d = from_node::<Profile>(&node).unwrap_err().remove(0);
    let expected = "\
error[O11Y0010]: unknown key `storge` in `loki`
 --> profiles/dev.yaml:4:3
  |
4 |   storge:
  |   ^^^^^^ unknown key
  |
  = key: loki.storge
  = expected: one of `enabled`, `storage`, `retention`, `nodeSelector`, `port`, `replicas`, `ratio`
  = help: did you mean `storage`?
";
    assert_eq!(render(&d, &sources, false), expected);
    assert_eq!(
        d.one_line(&sources),
        "profiles/dev.yaml:4:3: error: unknown key `storge` in `loki`"
    );
}
