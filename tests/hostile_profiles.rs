//! Semantic holes a hostile or careless profile used to slip through; each
//! check is shown biting with its full one-line diagnostic
//! (`file:line:col: error: message | help | expected | notes`).

mod common;

const BASE: &str = "\
environment: development
cluster:
  name: c
  nodes:
    - name: n1
namespace: logging
delivery:
  mode: helmfile
";

fn problems(extra: &str) -> Vec<String> {
    common::compile_text(&format!("{BASE}{extra}"))
        .err()
        .unwrap_or_default()
}

fn loki(retention: &str, path: &str) -> String {
    format!(
        "loki:\n  retention: {retention}\n  storage:\n    hostPath: {{ node: n1, path: \"{path}\", size: 10Gi }}\n"
    )
}

fn tempo(path: &str) -> String {
    format!(
        "tempo:\n  retention: 7d\n  storage:\n    hostPath: {{ node: n1, path: \"{path}\", size: 10Gi }}\n"
    )
}

#[test]
fn the_valid_base_passes() {
    assert_eq!(
        problems(&(loki("7d", "/mnt/loki") + &tempo("/mnt/tempo"))),
        Vec::<String>::new()
    );
}

#[test]
fn zero_retention_is_refused() {
    assert_eq!(
        problems(&loki("0s", "/mnt/loki")),
        [
            "p.yaml:10:3: error: `loki` retention of 0s is not a time limit | give the longest time data must be kept, e.g. `retention: 30d` | a positive duration such as `7d` or `168h` | Loki reads 0s as \"keep forever\", so the volume and the capacity check would not bound anything"
        ]
    );
}

#[test]
fn host_paths_are_compared_normalised() {
    for (a, b, shared) in [
        ("/mnt/loki/", "/mnt/loki", "would share `/mnt/loki`"),
        ("//mnt//x", "/mnt/x", "would share `/mnt/x`"),
        ("/mnt/x/../loki", "/mnt/loki", "would share `/mnt/loki`"),
        (
            "/mnt/data",
            "/mnt/data/tempo",
            "would nest `/mnt/data/tempo` and `/mnt/data`",
        ),
    ] {
        let found = problems(&(loki("7d", a) + &tempo(b)));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with(&format!(
                "p.yaml:16:27: error: `tempo` and `loki` {shared} on `n1`"
            )),
            "{found:#?}"
        );
    }
}

#[test]
fn relative_and_root_host_paths_are_refused() {
    assert_eq!(
        problems(&loki("7d", "x/../loki")),
        ["p.yaml:12:27: error: hostPath `x/../loki` is not an absolute path | write `/loki`"]
    );
    assert_eq!(
        problems(&loki("7d", "//")),
        [
            "p.yaml:12:27: error: hostPath `//` is the node's root directory | give loki its own directory, e.g. `/mnt/loki` | o11yc sets the owner of the volume's directory; on `/` that is the whole node"
        ]
    );
}

#[test]
fn a_typo_under_namespaces_is_an_error() {
    assert_eq!(
        problems("namespaces:\n  loging:\n    labels: { a: b }\n"),
        [
            "p.yaml:10:3: error: `loging` is not a namespace this profile creates | did you mean `logging`? | `logging` | labels and annotations under `namespaces` apply only to namespaces o11yc writes to namespaces.yaml"
        ]
    );
}

#[test]
fn reserved_placeholders_in_namespace_format_are_errors() {
    let found = problems("vcluster:\n  namespaceFormat: \"test-{cluster}-{run_id}\"\n");
    assert_eq!(
        found,
        [
            "p.yaml:10:3: error: placeholder `{cluster}` in `test-{cluster}-{run_id}` would overwrite a reserved label | rename it, e.g. `{cluster_name}` | o11yc sets `cluster` on collected telemetry itself"
        ]
    );
    let found = problems("vcluster:\n  namespaceFormat: \"test-{__address__}\"\n");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("`{__address__}`") && found[0].contains("starting with `__`"),
        "{found:#?}"
    );
    let found = problems("vcluster:\n  namespaceFormat: \"t-{vns}\"\n  namespaceLabel: vns\n");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("`vcluster.namespaceLabel` already names"),
        "{found:#?}"
    );
}

#[test]
fn an_empty_component_section_is_an_error() {
    assert_eq!(
        problems("grafana:\n  # nothing here\n"),
        [
            "p.yaml:9:1: error: `grafana` is empty | write `grafana: { enabled: false }` to leave it out (also when a base profile has it), or remove the key | a mapping of settings"
        ]
    );
}

#[test]
fn an_empty_section_in_a_child_does_not_drop_the_inherited_component() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("base.yaml"),
        format!("{BASE}{}", loki("7d", "/mnt/loki")),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("child.yaml"),
        "extends: base\nloki:\n  # keep it\n",
    )
    .unwrap();
    let mut sources = o11yc::SourceMap::new();
    let profile = o11yc::ProfileRef {
        name: "child".into(),
        path: dir.path().join("child.yaml"),
    };
    let Err(diags) = o11yc::compile_profile(&profile, &mut sources) else {
        panic!("an empty `loki:` must not silently drop Loki");
    };
    assert_eq!(diags[0].message, "`loki` is empty");
}

#[test]
fn an_empty_cluster_name_is_refused() {
    let found = common::compile_text(&BASE.replace("name: c", "name: \"\"")).unwrap_err();
    assert_eq!(
        found,
        [
            "p.yaml:3:3: error: `cluster.name` is empty | give the cluster a name | a short name such as `homelab`: it becomes the `cluster` label of all telemetry"
        ]
    );
}

const PROD: &str = "\
cluster: { name: c }
namespace: logging
delivery: { mode: helmfile }
prometheus:
  retention: 7d
  remoteWriteReceiver: true
  placement: { resources: { limits: { memory: 1Gi } } }
loki:
  retention: 7d
  storage:
    objectStore: { endpoint: minio:9000, bucket: b, credentialsSecret: s, insecure: true }
  placement:
    resources: { limits: { memory: 1Gi } }
alloy:
  placement:
    resources: { limits: { cpu: \"1\" } }
  metrics:
    targets:
      - { name: op, selector: { a: b }, port: \"8443\", scheme: https, insecureSkipVerify: true }
";

#[test]
fn production_refuses_insecure_storage_skip_verify_and_missing_limits() {
    let found = common::compile_text(PROD).unwrap_err();
    assert_eq!(
        found,
        [
            "p.yaml:11:75: error: loki reaches its object store over plain HTTP in production | serve the store over TLS and remove `insecure: true`, or accept the risk with `acknowledge: [insecureObjectStorage]` | `environment: production` refuses this unless it is acknowledged",
            "p.yaml:16:18: error: `alloy` has no memory limit in production | set `placement.resources.limits.memory`, or accept the risk with `acknowledge: [missingResourceLimits]` | `environment: production` refuses this unless it is acknowledged",
            "p.yaml:19:70: error: scrape target `op` skips TLS verification in production | give the target a certificate Alloy can verify and remove `insecureSkipVerify`, or accept the risk with `acknowledge: [insecureSkipVerify]` | `environment: production` refuses this unless it is acknowledged",
        ]
    );
}

#[test]
fn acknowledged_risks_and_other_environments_pass() {
    let acknowledged = format!(
        "acknowledge: [insecureObjectStorage, insecureSkipVerify, missingResourceLimits]\n{PROD}"
    );
    assert!(common::compile_text(&acknowledged).is_ok());
    assert!(common::compile_text(&format!("environment: test\n{PROD}")).is_ok());
    let unknown = common::compile_text(&format!("acknowledge: [insecure]\n{PROD}")).unwrap_err();
    assert!(
        unknown[0].starts_with("p.yaml:1:15: error:"),
        "{unknown:#?}"
    );
}

#[test]
fn quoting_hints_repeat_the_number_as_written() {
    for (written, kind) in [
        ("0755", "an integer"),
        ("6.10", "a float"),
        ("1e3", "a float"),
    ] {
        let found = problems(&format!(
            "namespaces:\n  logging:\n    labels: {{ v: {written} }}\n"
        ));
        assert_eq!(
            found,
            [format!(
                "p.yaml:11:18: error: expected a string, found {kind} | write \"{written}\" in quotes to make it a string"
            )]
        );
    }
}

#[test]
fn production_refuses_a_distributed_loki_role_without_a_memory_limit() {
    let text = "\
cluster: { name: c }
namespace: logging
delivery: { mode: helmfile }
loki:
  retention: 7d
  mode: distributed
  storage:
    objectStore: { endpoint: minio:9000, bucket: b, credentialsSecret: s }
  roles:
    querier: { replicas: 4, resources: { requests: { cpu: \"1\" } } }
";
    let found = common::compile_text(text).unwrap_err();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("p.yaml:10:")
            && found[0].contains("`loki.roles.querier` has no memory limit in production"),
        "{found:#?}"
    );
    // Without an override every role takes the table's memory limit: no error,
    // although `loki.placement` has no resources.
    let sized = text.replace(
        "  roles:\n    querier: { replicas: 4, resources: { requests: { cpu: \"1\" } } }\n",
        "",
    );
    assert!(common::compile_text(&sized).is_ok());
}
