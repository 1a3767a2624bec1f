//! Delivery layout (Flux and helmfile): bootstrap order on an empty cluster, the Flux
//! layout of the reference deployment, chart sources, and the README's prerequisites.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;

const STACK: &str = "\
cluster: { name: c }
namespace: obs
environment: development
prometheus: { retention: 10d, remoteWriteReceiver: true }
loki: { retention: 7d, storage: { claim: { size: 10Gi } } }
grafana: { admin: { existingSecret: { name: grafana-admin } } }
alloy: { logs: { pods: {} } }
";

const FLUX: &str = "delivery:\n  mode: flux\n  flux: { path: ./clusters/c/obs/ }\n";
const HELMFILE: &str = "delivery:\n  mode: helmfile\n";

/// Compiles a profile that must be valid; the generated files by path.
fn build(text: &str) -> BTreeMap<String, String> {
    match common::compile_text(text) {
        Ok(files) => files.into_iter().collect(),
        Err(problems) => panic!("{problems:#?}"),
    }
}

fn docs(files: &BTreeMap<String, String>, path: &str) -> Vec<Value> {
    let text = files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", files.keys()));
    serde_saphyr::from_str_multiple(text).unwrap()
}

fn resources(files: &BTreeMap<String, String>, dir: &str) -> Vec<String> {
    let path = if dir.is_empty() {
        "kustomization.yaml".to_owned()
    } else {
        format!("{dir}/kustomization.yaml")
    };
    docs(files, &path)[0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// Every object of the kustomization in `dir` (following nested kustomizations).
fn objects(files: &BTreeMap<String, String>, dir: &str) -> Vec<Value> {
    let join = |r: &str| {
        if dir.is_empty() {
            r.to_owned()
        } else {
            format!("{dir}/{r}")
        }
    };
    resources(files, dir)
        .iter()
        .flat_map(|r| docs(files, &join(r)))
        .collect()
}

fn by_name<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

/// Issue 9 item 5: PrometheusRules and ServiceMonitors sat in the Kustomization that
/// installs their CRDs, so an empty cluster never got past the dry-run.
#[test]
fn flux_applies_crd_objects_only_after_the_chart_that_installs_their_crds() {
    let files = build(&format!("{STACK}{FLUX}"));
    let root = objects(&files, "");
    for o in &root {
        let api = o["apiVersion"].as_str().unwrap();
        assert!(
            !api.starts_with("monitoring.coreos.com/"),
            "root applies {o}"
        );
    }
    let after: Vec<Value> = objects(&files, "monitoring");
    assert!(after.iter().any(|o| o["kind"] == "PrometheusRule"));
    assert!(after.iter().any(|o| o["kind"] == "ServiceMonitor"));

    let kustomizations = docs(&files, "flux/kustomizations.yaml");
    let monitoring = by_name(&kustomizations, "Kustomization", "o11yc-p-monitoring");
    assert_eq!(monitoring["spec"]["path"], "./clusters/c/obs/monitoring");
    assert_eq!(
        monitoring["spec"]["dependsOn"],
        serde_json::json!([{"name": "o11yc-p-kube-prometheus-stack", "namespace": "flux-system"}])
    );
    let kps = by_name(
        &kustomizations,
        "Kustomization",
        "o11yc-p-kube-prometheus-stack",
    );
    assert_eq!(
        kps["spec"]["wait"], true,
        "dependents must wait for the HelmRelease to be Ready"
    );
    assert_eq!(
        kps["spec"]["path"],
        "./clusters/c/obs/flux/kube-prometheus-stack"
    );
    let kps_dir = objects(&files, "flux/kube-prometheus-stack");
    assert_eq!(kps_dir.len(), 1);
    assert_eq!(kps_dir[0]["kind"], "HelmRelease");
    // The root applies the Flux Kustomizations; they are not inside their own paths.
    assert!(
        root.iter()
            .any(|o| o["kind"] == "Kustomization" && o["metadata"]["name"] == "o11yc-p-monitoring")
    );
    assert!(!root.iter().any(|o| o["kind"] == "HelmRelease"));
}

/// Issue 13 item 3: per-component Kustomizations with `dependsOn`, as seed 003 runs Flux.
#[test]
fn every_kustomization_directory_is_applied_by_a_flux_kustomization() {
    let files = build(&format!("{STACK}{FLUX}"));
    let mut applied: Vec<String> = docs(&files, "flux/kustomizations.yaml")
        .iter()
        .chain(&docs(&files, "flux/sync.yaml"))
        .map(|k| k["spec"]["path"].as_str().unwrap().to_owned())
        .collect();
    applied.sort();
    let mut dirs: Vec<String> = files
        .keys()
        .filter_map(|p| p.strip_suffix("kustomization.yaml"))
        .map(|d| {
            format!("./clusters/c/obs/{d}")
                .trim_end_matches('/')
                .to_owned()
        })
        .collect();
    dirs.sort();
    assert_eq!(applied, dirs);
    let kustomizations = docs(&files, "flux/kustomizations.yaml");
    let alloy = by_name(&kustomizations, "Kustomization", "o11yc-p-alloy");
    let needs: Vec<&str> = alloy["spec"]["dependsOn"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(needs, ["o11yc-p-kube-prometheus-stack", "o11yc-p-loki"]);
    let grafana = by_name(&kustomizations, "Kustomization", "o11yc-p-grafana");
    assert!(grafana["spec"].get("dependsOn").is_none());
}

#[test]
fn helm_release_interval_defaults_to_the_seed_and_is_configurable() {
    let files = build(&format!("{STACK}{FLUX}"));
    let loki = &docs(&files, "flux/loki/helmrelease.yaml")[0];
    assert_eq!(loki["spec"]["interval"], "1m");
    let files = build(&format!(
        "{STACK}delivery: {{ mode: flux, flux: {{ path: ./x, releaseInterval: 5m }} }}\n"
    ));
    let loki = &docs(&files, "flux/loki/helmrelease.yaml")[0];
    assert_eq!(loki["spec"]["interval"], "5m");
}

#[test]
fn flux_notifications_are_off_unless_configured() {
    let files = build(&format!("{STACK}{FLUX}"));
    assert!(!files.contains_key("flux/notifications.yaml"));
    let files = build(&format!(
        "{STACK}delivery:
  mode: flux
  flux:
    path: ./x
    notifications: {{ provider: slack, secretName: flux-slack, channel: '#flux', severity: error }}
"
    ));
    let objects = docs(&files, "flux/notifications.yaml");
    let provider = by_name(&objects, "Provider", "o11yc-p");
    assert_eq!(provider["spec"]["type"], "slack");
    assert_eq!(provider["spec"]["secretRef"]["name"], "flux-slack");
    assert_eq!(provider["spec"]["channel"], "#flux");
    let alert = by_name(&objects, "Alert", "o11yc-p");
    assert_eq!(alert["spec"]["providerRef"]["name"], "o11yc-p");
    assert_eq!(alert["spec"]["eventSeverity"], "error");
    let sources: Vec<String> = alert["spec"]["eventSources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}/{}/{}",
                s["kind"].as_str().unwrap(),
                s["namespace"].as_str().unwrap(),
                s["name"].as_str().unwrap()
            )
        })
        .collect();
    for expected in [
        "Kustomization/flux-system/o11yc-p",
        "Kustomization/flux-system/o11yc-p-monitoring",
        "HelmRelease/obs/loki",
        "HelmRepository/flux-system/grafana",
        "OCIRepository/flux-system/kube-prometheus-stack",
    ] {
        assert!(
            sources.iter().any(|s| s == expected),
            "{expected} not in {sources:?}"
        );
    }
    assert!(resources(&files, "").contains(&"flux/notifications.yaml".to_owned()));
    let readme = &files["README.md"];
    assert!(
        readme.contains("| `flux-slack` | `flux-system` |"),
        "{readme}"
    );
    assert!(readme.contains("notification controllers"), "{readme}");
}

#[test]
fn flux_controllers_get_a_pod_monitor_prometheus_selects() {
    let files = build(&format!("{STACK}{FLUX}"));
    let monitor = &docs(&files, "monitoring/monitors/flux.yaml")[0];
    assert_eq!(monitor["kind"], "PodMonitor");
    assert_eq!(monitor["metadata"]["namespace"], "flux-system");
    assert_eq!(
        monitor["metadata"]["labels"]["release"],
        "kube-prometheus-stack"
    );
    assert_eq!(
        monitor["spec"]["podMetricsEndpoints"][0]["port"],
        "http-prom"
    );
    assert!(resources(&files, "monitoring").contains(&"monitors/flux.yaml".to_owned()));
    let files = build(&format!(
        "{STACK}delivery: {{ mode: flux, flux: {{ path: ./x, podMonitor: false }} }}\n"
    ));
    assert!(!files.contains_key("monitoring/monitors/flux.yaml"));
    let files = build(&format!("{STACK}{HELMFILE}"));
    assert!(!files.contains_key("monitoring/monitors/flux.yaml"));
}

/// Issue 9 item 5: the helmfile README said `kubectl apply -k .` (with the
/// monitoring objects) before `helmfile sync` (which installs their CRDs).
#[test]
fn helmfile_readme_applies_crd_objects_after_the_charts() {
    let files = build(&format!("{STACK}{HELMFILE}"));
    for o in objects(&files, "") {
        assert!(
            !o["apiVersion"]
                .as_str()
                .unwrap()
                .starts_with("monitoring.coreos.com/"),
            "{o}"
        );
    }
    assert!(!objects(&files, "monitoring").is_empty());
    let readme = &files["README.md"];
    let at = |needle: &str| {
        readme
            .find(needle)
            .unwrap_or_else(|| panic!("no `{needle}` in {readme}"))
    };
    assert!(at("kubectl apply -k .") < at("helmfile sync"));
    assert!(at("helmfile sync ") < at("kubectl apply -k monitoring"));
    let helmfile = &docs(&files, "helmfile.yaml")[0];
    let alloy = helmfile["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "alloy")
        .unwrap();
    assert_eq!(
        alloy["needs"],
        serde_json::json!(["obs/kube-prometheus-stack", "obs/loki"])
    );
}

/// Issue 9 item 5: every README opens with what must exist before the first apply.
#[test]
fn readme_opens_with_the_prerequisites_in_order() {
    let files = build(
        "\
environment: development
cluster:
  name: c
  nodes: [{ name: n1 }]
namespace: obs
delivery: { mode: flux, flux: { path: ./x } }
loki:
  retention: 7d
  storage:
    objectStore: { endpoint: s3.example:443, bucket: b, credentialsSecret: loki-s3, accessKeyIdKey: id }
tempo:
  retention: 7d
  storage: { hostPath: { node: n1, path: /srv/tempo, size: 10Gi, ownerUid: 10001 } }
grafana:
  admin: { existingSecret: { name: admin, userKey: u, passwordKey: p } }
  access:
    httpRoute: { gateway: { name: eg, namespace: gw } }
",
    );
    let readme = &files["README.md"];
    let at = |needle: &str| {
        readme
            .find(needle)
            .unwrap_or_else(|| panic!("no `{needle}` in {readme}"))
    };
    let prerequisites = at("## Prerequisites, in apply order");
    assert!(prerequisites < at("## Apply"));
    assert!(prerequisites < at("Flux v2"));
    assert!(at("Flux v2") < at("Gateway API CRDs"));
    assert!(at("the Gateway `gw/eg`") < at("### 2. Secrets"));
    assert!(
        at("| `loki-s3` | `obs` | `id`, `AWS_SECRET_ACCESS_KEY` | loki object storage |")
            > at("### 2. Secrets")
    );
    assert!(readme.contains("| `admin` | `obs` | `u`, `p` | Grafana admin user |"));
    assert!(at("### 3. Node directories") < at("| tempo | `n1` | `/srv/tempo` | 10Gi | 10001 |"));
    assert!(at("sudo chown -R 10001:10001 /srv/tempo") < at("## Apply"));
}

fn helmfile_repositories(files: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let helmfile = &docs(files, "helmfile.yaml")[0];
    let urls: BTreeMap<String, String> = helmfile["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["url"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    helmfile["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let (repo, _) = r["chart"].as_str().unwrap().split_once('/').unwrap();
            (r["name"].as_str().unwrap().to_owned(), urls[repo].clone())
        })
        .collect()
}

fn flux_repositories(files: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let sources = docs(files, "flux/sources.yaml");
    ["loki", "grafana", "alloy", "kube-prometheus-stack"]
        .into_iter()
        .map(|release| {
            let hr = &docs(files, &format!("flux/{release}/helmrelease.yaml"))[0];
            let source = if hr["spec"]["chartRef"].is_object() {
                &hr["spec"]["chartRef"]
            } else {
                &hr["spec"]["chart"]["spec"]["sourceRef"]
            };
            let object = by_name(
                &sources,
                source["kind"].as_str().unwrap(),
                source["name"].as_str().unwrap(),
            );
            (
                release.to_owned(),
                object["spec"]["url"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const FORK: &str = "https://grafana.github.io/some-fork";

/// Issue 10: `delivery.charts.loki.repository` on the Grafana host re-pointed tempo,
/// grafana and alloy at the fork (entries were named after the host).
#[test]
fn overriding_one_charts_repository_never_moves_another() {
    let charts = format!("  charts: {{ loki: {{ version: 7.3.0, repository: {FORK} }} }}\n");
    let default = build(&format!("{STACK}{HELMFILE}"));
    let forked = build(&format!("{STACK}{HELMFILE}{charts}"));
    let (before, after) = (
        helmfile_repositories(&default),
        helmfile_repositories(&forked),
    );
    assert_eq!(after["loki"], FORK);
    for release in ["grafana", "alloy", "kube-prometheus-stack"] {
        assert_eq!(after[release], before[release], "{release}");
    }
    let default = build(&format!("{STACK}{FLUX}"));
    let forked = build(&format!("{STACK}{FLUX}{charts}"));
    let (before, after) = (flux_repositories(&default), flux_repositories(&forked));
    assert_eq!(after["loki"], FORK);
    for release in ["grafana", "alloy", "kube-prometheus-stack"] {
        assert_eq!(after[release], before[release], "{release}");
    }
}

/// Issue 10: in Flux mode, an override of only `alloy` was dropped.
#[test]
fn flux_honours_an_override_of_only_alloy() {
    for fork in [FORK, "https://charts.example.com/alloy"] {
        let files = build(&format!(
            "{STACK}{FLUX}  charts: {{ alloy: {{ version: 1.11.1, repository: '{fork}' }} }}\n"
        ));
        let repos = flux_repositories(&files);
        assert_eq!(repos["alloy"], fork);
        assert_eq!(
            repos["loki"],
            "https://grafana-community.github.io/helm-charts"
        );
        let sources = docs(&files, "flux/sources.yaml");
        let names: Vec<&str> = sources
            .iter()
            .map(|s| s["metadata"]["name"].as_str().unwrap())
            .collect();
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(names, unique, "one source per URL, names unique");
    }
}

#[test]
fn a_version_constraint_on_an_oci_chart_follows_semver() {
    let files = build(&format!(
        "{STACK}{FLUX}  charts:\n    kubePrometheusStack:\n      version: '~88.5.0'\n      repository: oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack\n"
    ));
    let sources = docs(&files, "flux/sources.yaml");
    let kps = by_name(&sources, "OCIRepository", "kube-prometheus-stack");
    assert_eq!(kps["spec"]["ref"], serde_json::json!({"semver": "~88.5.0"}));
}
