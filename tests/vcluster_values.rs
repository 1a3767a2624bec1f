//! The vCluster side of the shipped profiles: `vcluster/values.yaml` validates against
//! the vCluster chart's own `values.schema.json` (chart 0.36.1, in
//! `../shared/conformance/charts/`), and what it sets fits the pipelines: audit events
//! reach exactly one collector, the webhook's batches hold the one event the pipeline
//! reads, kube-state-metrics is deployed where it is scraped, and no pod's logs are
//! collected by both Alloys.

use std::path::{Path, PathBuf};

use o11yc::SourceMap;
use o11yc::{compile_profile, discover};
use serde_json::{Value, json};

fn schema_path() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/charts/vcluster-0.36.1/values.schema.json");
    path.is_file().then_some(path)
}

fn validator() -> Option<jsonschema::Validator> {
    let Some(path) = schema_path() else {
        eprintln!("skip: ../shared/conformance/charts/vcluster-0.36.1 is not present");
        return None;
    };
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    Some(
        jsonschema::draft202012::options()
            .build(&schema)
            .expect("the chart's schema compiles"),
    )
}

/// `(profile, generated files)` of every shipped profile.
fn shipped() -> Vec<(String, Vec<(String, String)>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    discover(&root.join("profiles"))
        .unwrap()
        .into_iter()
        .map(|profile| {
            let mut sources = SourceMap::new();
            let compiled = compile_profile(&profile, &mut sources)
                .unwrap_or_else(|d| panic!("{} is invalid: {d:?}", profile.name));
            let files = compiled
                .tree
                .into_iter()
                .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
                .collect();
            (profile.name, files)
        })
        .collect()
}

fn file<'a>(files: &'a [(String, String)], path: &str) -> Option<&'a str> {
    files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, t)| t.as_str())
}

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).unwrap()
}

fn errors(validator: &jsonschema::Validator, values: &Value) -> Vec<String> {
    validator
        .iter_errors(values)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn vcluster_values_of_every_vcluster_profile_match_the_chart_schema() {
    let Some(validator) = validator() else {
        return;
    };
    let mut checked = Vec::new();
    for (name, files) in shipped() {
        let Some(text) = file(&files, "vcluster/values.yaml") else {
            continue;
        };
        let values = yaml(text);
        let errors = errors(&validator, &values);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        checked.push(name);
    }
    assert_eq!(checked, ["kaiwo", "vcluster"]);
}

/// The schema check bites: an unknown key and a wrong type are reported.
#[test]
fn the_schema_check_rejects_corrupted_values() {
    let Some(validator) = validator() else {
        return;
    };
    let (_, files) = shipped().into_iter().find(|(n, _)| n == "kaiwo").unwrap();
    let values = yaml(file(&files, "vcluster/values.yaml").unwrap());
    assert!(errors(&validator, &values).is_empty());

    let mut unknown = values.clone();
    unknown["controlPlane"]["distro"]["k8s"]["apiServerr"] = json!({});
    assert!(!errors(&validator, &unknown).is_empty());

    let mut wrong_type = values.clone();
    wrong_type["networking"]["advanced"]["fallbackHostCluster"] = json!("yes");
    assert!(!errors(&validator, &wrong_type).is_empty());

    let mut bad_mapping = values;
    bad_mapping["networking"]["replicateServices"]["toHost"][0]["port"] = json!(8080);
    assert!(!errors(&validator, &bad_mapping).is_empty());
}

fn api_server_args(values: &Value) -> Vec<String> {
    values["controlPlane"]["distro"]["k8s"]["apiServer"]["extraArgs"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn kaiwo_audits_through_the_webhook_in_batches_of_one_event() {
    let (_, files) = shipped().into_iter().find(|(n, _)| n == "kaiwo").unwrap();
    let values = yaml(file(&files, "vcluster/values.yaml").unwrap());
    assert_eq!(values["controlPlane"]["distro"]["k8s"]["enabled"], true);
    let args = api_server_args(&values);
    assert!(
        args.contains(&"--audit-webhook-batch-max-size=1".to_owned()),
        "{args:?}"
    );
    assert!(
        args.contains(
            &"--audit-webhook-config-file=/etc/kubernetes/audit/webhook/kubeconfig.yaml".to_owned()
        ),
        "{args:?}"
    );
    assert!(args.contains(
        &"--audit-policy-file=/etc/kubernetes/audit/policy/audit-policy.yaml".to_owned()
    ));
    // Not to stdout as well: nobody reads it, and the host Alloy would if it did.
    assert!(
        !args.iter().any(|a| a.starts_with("--audit-log-path")),
        "{args:?}"
    );

    // The kubeconfig points at the replicated Service and the port and path the
    // vCluster Alloy listens on.
    let webhook = yaml(file(&files, "vcluster/audit-webhook.yaml").unwrap());
    let kubeconfig = yaml(webhook["data"]["kubeconfig.yaml"].as_str().unwrap());
    assert_eq!(
        kubeconfig["clusters"][0]["cluster"]["server"],
        "http://alloy-vcluster:8080/loki/api/v1/raw"
    );
    assert_eq!(
        values["networking"]["replicateServices"]["toHost"],
        json!([{"from": "monitoring/alloy-vcluster", "to": "alloy-vcluster"}])
    );
    let config = file(&files, "vcluster/alloy/config.alloy").unwrap();
    assert!(config.contains("listen_port    = 8080"), "{config}");
    assert!(config.contains(r#""items[0].objectRef.resource""#));
    let kustomization = yaml(file(&files, "vcluster/kustomization.yaml").unwrap());
    assert_eq!(
        kustomization["resources"],
        json!(["audit-policy.yaml", "audit-webhook.yaml"])
    );
}

#[test]
fn seed_000_audits_to_stdout_read_by_the_host_alloy_from_the_syncer() {
    let (_, files) = shipped()
        .into_iter()
        .find(|(n, _)| n == "vcluster")
        .unwrap();
    let values = yaml(file(&files, "vcluster/values.yaml").unwrap());
    let args = api_server_args(&values);
    assert!(args.contains(&"--audit-log-path=-".to_owned()), "{args:?}");
    assert!(
        !args.iter().any(|a| a.starts_with("--audit-webhook")),
        "{args:?}"
    );
    assert!(file(&files, "vcluster/audit-webhook.yaml").is_none());
    let host = file(&files, "alloy/config.alloy").unwrap();
    assert!(
        host.contains(r#"selector = "{container=\"syncer\"}"#),
        "{host}"
    );
    let inner = file(&files, "vcluster/alloy/config.alloy").unwrap();
    assert!(!inner.contains("loki.source.api"), "{inner}");
}

#[test]
fn the_vcluster_deploys_its_alloy_identity_and_kube_state_metrics() {
    for (name, files) in shipped() {
        let Some(text) = file(&files, "vcluster/values.yaml") else {
            continue;
        };
        let values = yaml(text);
        assert_eq!(
            values["networking"]["advanced"]["fallbackHostCluster"], true,
            "{name}: the vCluster Alloy writes to host Services by name"
        );
        // DNS fallback resolves only names with a namespace: every URL the
        // vCluster Alloy writes to is a full Service name.
        let inner = file(&files, "vcluster/alloy/config.alloy").unwrap();
        let urls: Vec<&str> = inner
            .lines()
            .filter_map(|l| l.trim().strip_prefix("url = \""))
            .collect();
        assert!(!urls.is_empty(), "{name}");
        for url in urls {
            assert!(url.contains(".svc.cluster.local"), "{name}: {url}");
        }
        let deploy = &values["experimental"]["deploy"]["vcluster"];
        let releases: Vec<&str> = deploy["helm"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["release"]["name"].as_str().unwrap())
            .collect();
        let config = file(&files, "vcluster/alloy/config.alloy").unwrap();
        // kube-state-metrics is deployed wherever the vCluster Alloy scrapes it.
        assert_eq!(
            releases.contains(&"kube-state-metrics"),
            config.contains(r#"prometheus.scrape "kube_state_metrics""#),
            "{name}: {releases:?}"
        );
        assert!(releases.contains(&"alloy-vcluster"), "{name}: {releases:?}");
        let alloy = deploy["helm"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["release"]["name"] == "alloy-vcluster")
            .unwrap();
        // The deployed Alloy runs the generated values, except that its
        // configuration comes from a ConfigMap: the chart passes inline content
        // through Helm's `tpl`, which would evaluate `stage.template`'s `{{ }}`.
        let mut deployed = yaml(alloy["values"].as_str().unwrap());
        assert_eq!(
            deployed["alloy"]["configMap"],
            json!({"create": false, "name": "alloy-vcluster-config", "key": "config.alloy"}),
            "{name}"
        );
        let mut generated = yaml(file(&files, "vcluster/alloy/values.yaml").unwrap());
        deployed["alloy"]["configMap"] = Value::Null;
        generated["alloy"]["configMap"] = Value::Null;
        assert_eq!(deployed, generated, "{name}");
        // `manifests` (applied as is): the namespace, then the configuration.
        let manifests: Vec<Value> = deploy["manifests"]
            .as_str()
            .unwrap()
            .split("---\n")
            .map(yaml)
            .collect();
        assert_eq!(manifests[0]["kind"], "Namespace", "{name}");
        assert_eq!(manifests[1]["metadata"]["name"], "alloy-vcluster-config");
        let text = manifests[1]["data"]["config.alloy"].as_str().unwrap();
        assert!(
            config.ends_with(text),
            "{name}: the ConfigMap holds the generated pipeline"
        );
        assert!(
            text.contains("{{ regexReplaceAll"),
            "{name}: Go templates kept verbatim"
        );
        // `manifestsTemplate` (rendered by vCluster): only the identity ConfigMap.
        let template = yaml(deploy["manifestsTemplate"].as_str().unwrap());
        assert_eq!(template["metadata"]["name"], "o11yc-vcluster-identity");
        assert_eq!(template["data"]["namespace"], "{{ .Release.Namespace }}");
    }
}

#[test]
fn each_pod_log_has_one_owner() {
    // vcluster: both Alloys collect pods; the host leaves the synced workloads
    // (labelled vcluster.loft.sh/managed-by) to the Alloy inside the vCluster.
    let (_, files) = shipped()
        .into_iter()
        .find(|(n, _)| n == "vcluster")
        .unwrap();
    let host = file(&files, "alloy/config.alloy").unwrap();
    let drop_synced = "source_labels = [\"__meta_kubernetes_pod_label_vcluster_loft_sh_managed_by\"]\n\t\tregex         = \".+\"\n\t\taction        = \"drop\"";
    assert!(host.contains(drop_synced), "{host}");
    // kaiwo: the host Alloy collects no logs at all.
    let (_, files) = shipped().into_iter().find(|(n, _)| n == "kaiwo").unwrap();
    let host = file(&files, "alloy/config.alloy").unwrap();
    assert!(!host.contains("loki.source"), "{host}");
}
