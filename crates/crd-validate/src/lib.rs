//! Strict validation of Kubernetes custom resources against the OpenAPI v3
//! schemas of their CustomResourceDefinitions.
//!
//! The API server *prunes* fields a structural schema does not declare, so a
//! misspelt key in a HelmRelease is silently dropped on apply. Here it is an
//! error instead: every object schema that declares `properties` (or nothing at
//! all) and neither `additionalProperties` nor
//! `x-kubernetes-preserve-unknown-fields` rejects unknown keys. The Kubernetes
//! extensions are translated to JSON Schema (`x-kubernetes-int-or-string`,
//! `nullable`, `x-kubernetes-embedded-resource`, `format: int32`), and
//! `metadata` gets a strict ObjectMeta schema (CRDs leave it to the API server).
//! CEL rules (`x-kubernetes-validations`) are not evaluated.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use jsonschema::Validator;
use serde_json::{Map, Value, json};

/// One served version of one CRD.
struct Served {
    validator: Validator,
    /// The CRD file it came from, for messages.
    origin: String,
}

/// The custom resource kinds that can be validated, keyed by `(apiVersion, kind)`.
#[derive(Default)]
pub struct Crds {
    served: BTreeMap<(String, String), Served>,
    /// API groups served by a CRD (a kind of such a group without a CRD is an error).
    groups: BTreeSet<String>,
}

/// What became of one object.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A custom resource that satisfies its CRD's schema.
    Valid,
    /// A custom resource that does not; one message per violation.
    Invalid(Vec<String>),
    /// A built-in Kubernetes kind (core or a `*.k8s.io` group no CRD serves):
    /// not this tool's job (kubernetes-validate checks those).
    BuiltIn,
    /// Neither built in nor served by any loaded CRD.
    NoCrd(String),
}

impl Crds {
    /// Loads every `*.yaml` / `*.yml` file in `dir`; each must hold CustomResourceDefinitions only.
    pub fn load_dir(dir: &Path) -> Result<Crds, String> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        files.sort();
        let mut crds = Crds::default();
        for file in &files {
            let text =
                std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
            let docs = parse_documents(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            for doc in docs {
                crds.add(&doc, &file.display().to_string())?;
            }
        }
        if crds.served.is_empty() {
            return Err(format!(
                "{}: no CustomResourceDefinitions found",
                dir.display()
            ));
        }
        Ok(crds)
    }

    /// Adds the served versions of one CustomResourceDefinition.
    pub fn add(&mut self, crd: &Value, origin: &str) -> Result<(), String> {
        if crd["kind"] != "CustomResourceDefinition" {
            return Err(format!(
                "{origin}: not a CustomResourceDefinition: kind {}",
                crd["kind"]
            ));
        }
        let spec = &crd["spec"];
        let (Some(group), Some(kind)) = (spec["group"].as_str(), spec["names"]["kind"].as_str())
        else {
            return Err(format!(
                "{origin}: CRD without spec.group or spec.names.kind"
            ));
        };
        let versions = spec["versions"]
            .as_array()
            .ok_or_else(|| format!("{origin}: CRD without spec.versions"))?;
        for version in versions.iter().filter(|v| v["served"] == true) {
            let name = version["name"]
                .as_str()
                .ok_or_else(|| format!("{origin}: version without a name"))?;
            let mut schema = version["schema"]["openAPIV3Schema"].clone();
            if !schema.is_object() {
                return Err(format!(
                    "{origin}: {group}/{name} {kind} has no openAPIV3Schema"
                ));
            }
            strictify(&mut schema);
            if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                props.insert("metadata".to_owned(), object_meta_schema());
            }
            let validator = jsonschema::draft4::options().build(&schema).map_err(|e| {
                format!("{origin}: {group}/{name} {kind}: schema does not compile: {e}")
            })?;
            self.served.insert(
                (format!("{group}/{name}"), kind.to_owned()),
                Served {
                    validator,
                    origin: origin.to_owned(),
                },
            );
        }
        self.groups.insert(group.to_owned());
        Ok(())
    }

    /// `apiVersion kind (CRD file)` of every served version, sorted.
    pub fn kinds(&self) -> impl Iterator<Item = String> + '_ {
        self.served
            .iter()
            .map(|((api_version, kind), s)| format!("{api_version} {kind} ({})", s.origin))
    }

    /// Validates one Kubernetes object.
    pub fn check(&self, object: &Value) -> Outcome {
        let (Some(api_version), Some(kind)) =
            (object["apiVersion"].as_str(), object["kind"].as_str())
        else {
            return Outcome::Invalid(vec![
                "object without a string apiVersion and kind".to_owned(),
            ]);
        };
        if let Some(served) = self.served.get(&(api_version.to_owned(), kind.to_owned())) {
            let errors: Vec<String> = served
                .validator
                .iter_errors(object)
                .map(|e| {
                    let path = e.instance_path().to_string();
                    format!("{}: {e}", if path.is_empty() { "/" } else { &path })
                })
                .collect();
            return if errors.is_empty() {
                Outcome::Valid
            } else {
                Outcome::Invalid(errors)
            };
        }
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        if !self.groups.contains(group) && (!group.contains('.') || group.ends_with(".k8s.io")) {
            return Outcome::BuiltIn;
        }
        let mut message = format!("no CRD serves apiVersion {api_version} kind {kind}");
        let same_kind: Vec<&str> = self
            .served
            .keys()
            .filter(|(_, k)| k == kind)
            .map(|(v, _)| v.as_str())
            .collect();
        if !same_kind.is_empty() {
            let _ = write!(message, " (served: {})", same_kind.join(", "));
        }
        Outcome::NoCrd(message)
    }
}

/// Every non-empty document of a YAML stream, as JSON values.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, String> {
    let docs: Vec<Value> = serde_saphyr::from_str_multiple(text).map_err(|e| e.to_string())?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// `Kind/name` (or `Kind/namespace/name`) of an object, for messages.
pub fn describe(object: &Value) -> String {
    let kind = object["kind"].as_str().unwrap_or("<no kind>");
    let name = object["metadata"]["name"].as_str().unwrap_or("<no name>");
    match object["metadata"]["namespace"].as_str() {
        Some(ns) => format!("{kind}/{ns}/{name}"),
        None => format!("{kind}/{name}"),
    }
}

/// A strict schema for `metadata` of an object as written in a manifest.
fn object_meta_schema() -> Value {
    let string_map = json!({"type": "object", "additionalProperties": {"type": "string"}});
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "generateName": {"type": "string"},
            "namespace": {"type": "string", "minLength": 1},
            "labels": string_map,
            "annotations": string_map,
            "finalizers": {"type": "array", "items": {"type": "string"}},
            "ownerReferences": {"type": "array", "items": {"type": "object"}},
        }
    })
}

/// Rewrites a CRD's structural schema (OpenAPI v3 with Kubernetes extensions)
/// into a JSON Schema (draft 2020-12) that rejects what the API server would prune.
pub fn strictify(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let preserve = obj.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    if obj.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        // The API server accepts an integer or a string, whatever `type`/`anyOf` say.
        obj.remove("anyOf");
        obj.insert("type".to_owned(), json!(["integer", "string"]));
    }
    if obj.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true)) {
        let props = obj
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .expect("properties is a mapping");
        props
            .entry("apiVersion")
            .or_insert_with(|| json!({"type": "string"}));
        props
            .entry("kind")
            .or_insert_with(|| json!({"type": "string"}));
        props.entry("metadata").or_insert_with(object_meta_schema);
    }
    if let Some(Value::String(pattern)) = obj.get_mut("pattern")
        && pattern.contains("(?i)")
    {
        *pattern = case_insensitive(pattern);
    }
    if obj.get("format").and_then(Value::as_str) == Some("int32") {
        obj.entry("minimum").or_insert(json!(i32::MIN));
        obj.entry("maximum").or_insert(json!(i32::MAX));
    }
    if obj.get("type") == Some(&json!("object"))
        && !preserve
        && !obj.contains_key("additionalProperties")
    {
        // Declared properties only; an object schema without any prunes everything.
        obj.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    if obj.get("nullable") == Some(&Value::Bool(true))
        && let Some(Value::String(t)) = obj.get("type")
    {
        let t = t.clone();
        obj.insert("type".to_owned(), json!([t, "null"]));
    }
    for key in ["properties", "patternProperties", "definitions"] {
        if let Some(Value::Object(children)) = obj.get_mut(key) {
            children.values_mut().for_each(strictify);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = obj.get_mut(key) {
            match child {
                Value::Array(list) => list.iter_mut().for_each(strictify),
                other => strictify(other),
            }
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(list)) = obj.get_mut(key) {
            list.iter_mut().for_each(strictify);
        }
    }
}

/// Rewrites Go's inline `(?i)` flag (which the JSON Schema meta-schema's ECMA
/// regular expressions reject) by spelling out both cases of every ASCII letter
/// after it: `^(?i)(abort)$` becomes `^([aA][bB][oO][rR][tT])$`. The flag is taken to
/// last to the end of the pattern.
fn case_insensitive(pattern: &str) -> String {
    let Some((head, tail)) = pattern.split_once("(?i)") else {
        return pattern.to_owned();
    };
    let other_case = |c: char| {
        if c.is_ascii_lowercase() {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        }
    };
    let mut out = head.to_owned();
    let chars: Vec<char> = tail.replace("(?i)", "").chars().collect();
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                out.extend(&chars[i..(i + 2).min(chars.len())]);
                i += 1;
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            c if in_class
                && c.is_ascii_alphabetic()
                && chars.get(i + 1) == Some(&'-')
                && chars.get(i + 2).is_some_and(|e| *e != ']') =>
            {
                // A range `a-z`: keep it and add the other case's range.
                let end = chars[i + 2];
                let _ = write!(out, "{c}-{end}");
                if end.is_ascii_alphabetic() && c.is_ascii_lowercase() == end.is_ascii_lowercase() {
                    let _ = write!(out, "{}-{}", other_case(c), other_case(end));
                }
                i += 2;
            }
            c if c.is_ascii_alphabetic() && in_class => {
                out.push(c);
                out.push(other_case(c));
            }
            c if c.is_ascii_alphabetic() => {
                let _ = write!(out, "[{c}{}]", other_case(c));
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CRD in the shape controller-gen writes, small enough to read.
    const CRD: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.io
spec:
  group: example.io
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          apiVersion: {type: string}
          kind: {type: string}
          metadata: {type: object}
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, format: int32, minimum: 1}
              port:
                anyOf: [{type: integer}, {type: string}]
                x-kubernetes-int-or-string: true
              mode: {type: string, enum: [fast, slow]}
              note: {type: string, nullable: true}
              values:
                type: object
                x-kubernetes-preserve-unknown-fields: true
              labels:
                type: object
                additionalProperties: {type: string}
              ref:
                type: object
                properties:
                  name: {type: string}
              empty: {type: object}
              template:
                type: object
                x-kubernetes-embedded-resource: true
                x-kubernetes-preserve-unknown-fields: true
  - name: v1beta1
    served: false
    storage: false
    schema:
      openAPIV3Schema: {type: object}
"#;

    fn crds() -> Crds {
        let mut crds = Crds::default();
        crds.add(&parse_documents(CRD).unwrap()[0], "test").unwrap();
        crds
    }

    fn widget(spec: &str) -> Value {
        parse_documents(&format!(
            "apiVersion: example.io/v1\nkind: Widget\nmetadata: {{name: w, namespace: ns}}\nspec: {spec}\n"
        ))
        .unwrap()
        .remove(0)
    }

    fn errors(outcome: Outcome) -> String {
        match outcome {
            Outcome::Invalid(errors) => errors.join("\n"),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn inline_case_insensitivity_is_spelt_out() {
        assert_eq!(case_insensitive("^(?i)(ab|w)?$"), "^([aA][bB]|[wW])?$");
        assert_eq!(case_insensitive(r"^x(?i)[a-cZ_]\d$"), r"^x[a-cA-CZz_]\d$");
        assert_eq!(case_insensitive("^[a-z]+$"), "^[a-z]+$");
    }

    #[test]
    fn a_valid_object_passes() {
        let w = widget(
            "{size: 3, port: http, mode: fast, note: null, values: {any: {thing: 1}}, \
             labels: {a: b}, ref: {name: x}, template: {apiVersion: v1, kind: Pod, metadata: {name: p}}}",
        );
        assert_eq!(crds().check(&w), Outcome::Valid);
        assert_eq!(
            crds().check(&widget("{size: 3, port: 8080}")),
            Outcome::Valid
        );
    }

    #[test]
    fn an_unknown_field_fails_where_the_api_server_would_prune_it() {
        let e = errors(crds().check(&widget("{size: 3, sise: 4}")));
        assert!(e.contains("/spec") && e.contains("sise"), "{e}");
        let e = errors(crds().check(&widget("{size: 3, ref: {name: x, nmae: y}}")));
        assert!(e.contains("/spec/ref") && e.contains("nmae"), "{e}");
        // An object schema without properties keeps nothing.
        let e = errors(crds().check(&widget("{size: 3, empty: {a: 1}}")));
        assert!(e.contains("/spec/empty"), "{e}");
        // Top level and metadata are strict too.
        let mut w = widget("{size: 3}");
        w["status"] = json!({});
        w["metadata"]["lables"] = json!({});
        let e = errors(crds().check(&w));
        assert!(e.contains("status") && e.contains("lables"), "{e}");
    }

    #[test]
    fn a_wrong_type_fails() {
        let e = errors(crds().check(&widget("{size: three}")));
        assert!(e.contains("/spec/size"), "{e}");
        let e = errors(crds().check(&widget("{size: 3, labels: {a: 1}}")));
        assert!(e.contains("/spec/labels/a"), "{e}");
        let e = errors(crds().check(&widget("{size: 3, port: [80]}")));
        assert!(e.contains("/spec/port"), "{e}");
        let e = errors(crds().check(&widget("{size: 3, mode: medium}")));
        assert!(e.contains("/spec/mode"), "{e}");
        let e = errors(crds().check(&widget("{size: 3, ref: {name: null}}")));
        assert!(e.contains("/spec/ref/name"), "{e}");
    }

    #[test]
    fn constraints_hold() {
        let e = errors(crds().check(&widget("{port: 80}")));
        assert!(e.contains("size"), "required: {e}");
        let e = errors(crds().check(&widget("{size: 0}")));
        assert!(e.contains("/spec/size"), "minimum: {e}");
        let e = errors(crds().check(&widget("{size: 4294967296}")));
        assert!(e.contains("/spec/size"), "int32: {e}");
    }

    #[test]
    fn kinds_without_a_served_crd_fail_and_built_in_kinds_are_left_alone() {
        let mut w = widget("{size: 3}");
        w["apiVersion"] = json!("example.io/v1beta1");
        let Outcome::NoCrd(message) = crds().check(&w) else {
            panic!("unserved version accepted")
        };
        assert!(
            message.contains("example.io/v1beta1") && message.contains("served: example.io/v1"),
            "{message}"
        );
        w["apiVersion"] = json!("example.io/v1");
        w["kind"] = json!("Gadget");
        assert!(matches!(crds().check(&w), Outcome::NoCrd(_)));
        w["apiVersion"] = json!("other.example.com/v1");
        assert!(matches!(crds().check(&w), Outcome::NoCrd(_)));
        for api_version in ["v1", "apps/v1", "rbac.authorization.k8s.io/v1"] {
            let o =
                json!({"apiVersion": api_version, "kind": "Whatever", "metadata": {"name": "x"}});
            assert_eq!(crds().check(&o), Outcome::BuiltIn, "{api_version}");
        }
        assert!(matches!(
            crds().check(&json!({"kind": "Widget"})),
            Outcome::Invalid(_)
        ));
    }

    #[test]
    fn a_k8s_io_group_served_by_a_crd_is_not_built_in() {
        let mut crds = crds();
        let crd = CRD.replace("example.io", "gateway.networking.k8s.io");
        crds.add(&parse_documents(&crd).unwrap()[0], "test")
            .unwrap();
        let o = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute"});
        assert!(matches!(crds.check(&o), Outcome::NoCrd(_)));
    }

    #[test]
    fn the_shared_crds_load_and_reject_a_misspelt_helmrelease_key() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/crds");
        if !dir.is_dir() {
            eprintln!("SKIPPED: {} not found", dir.display());
            return;
        }
        let crds = Crds::load_dir(&dir).unwrap();
        let kinds: Vec<String> = crds.kinds().collect();
        for expected in [
            "helm.toolkit.fluxcd.io/v2 HelmRelease",
            "source.toolkit.fluxcd.io/v1 HelmRepository",
            "source.toolkit.fluxcd.io/v1 OCIRepository",
            "source.toolkit.fluxcd.io/v1 GitRepository",
            "kustomize.toolkit.fluxcd.io/v1 Kustomization",
            "monitoring.coreos.com/v1 PrometheusRule",
            "monitoring.coreos.com/v1 ServiceMonitor",
            "monitoring.coreos.com/v1 PodMonitor",
            "gateway.networking.k8s.io/v1 HTTPRoute",
        ] {
            assert!(
                kinds.iter().any(|k| k.starts_with(expected)),
                "{expected} missing from {kinds:?}"
            );
        }
        let mut release = parse_documents(
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: loki, namespace: monitoring}\n\
             spec:\n  interval: 10m\n  chart:\n    spec:\n      chart: loki\n      version: 7.3.0\n      \
             sourceRef: {kind: HelmRepository, name: grafana}\n  values: {anything: {goes: true}}\n",
        )
        .unwrap()
        .remove(0);
        assert_eq!(crds.check(&release), Outcome::Valid);
        release["spec"]["chartt"] = json!({});
        let e = errors(crds.check(&release));
        assert!(e.contains("chartt"), "{e}");
    }
}
