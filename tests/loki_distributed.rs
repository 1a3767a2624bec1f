//! Loki in Distributed mode: the values per role and the Services its
//! consumers (Alloy, Grafana) are pointed at.

mod common;

const PROFILE: &str = "\
cluster: { name: c }
namespace: logging
acknowledge: [missingResourceLimits]
delivery: { mode: helmfile }
loki:
  retention: 7d
  mode: distributed
  storage:
    objectStore: { endpoint: minio:9000, bucket: b, credentialsSecret: s }
  roles:
    querier: { replicas: 3 }
grafana:
  admin: { existingSecret: { name: g } }
alloy:
  logs:
    pods: {}
";

fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    &files
        .iter()
        .find(|(p, _)| p == name)
        .unwrap_or_else(|| {
            panic!(
                "no {name} in {:?}",
                files.iter().map(|f| &f.0).collect::<Vec<_>>()
            )
        })
        .1
}

#[test]
fn consumers_use_the_distributor_and_the_query_frontend() {
    let files = common::compile_text(PROFILE).unwrap();
    let alloy = file(&files, "alloy/config.alloy");
    assert!(
        alloy.contains("http://loki-distributor.logging.svc.cluster.local:3100/loki/api/v1/push"),
        "{alloy}"
    );
    let grafana = file(&files, "values/grafana.yaml");
    assert!(
        grafana.contains("url: http://loki-query-frontend.logging.svc.cluster.local:3100"),
        "{grafana}"
    );
}

#[test]
fn with_the_gateway_alloy_pushes_through_it() {
    let files = common::compile_text(&PROFILE.replace(
        "  mode: distributed\n",
        "  mode: distributed\n  gateway: true\n",
    ))
    .unwrap();
    assert!(
        file(&files, "alloy/config.alloy")
            .contains("http://loki-gateway.logging.svc.cluster.local/loki/api/v1/push")
    );
}

#[test]
fn every_role_is_sized_from_the_table_unless_overridden() {
    let files = common::compile_text(PROFILE).unwrap();
    let values: serde_json::Value =
        serde_saphyr::from_str(file(&files, "values/loki.yaml")).unwrap();
    assert_eq!(values["deploymentMode"], "Distributed");
    assert_eq!(values["loki"]["commonConfig"]["replication_factor"], 3);
    for (role, replicas, cpu, memory) in [
        ("ingester", 6, "2", "4Gi"),
        ("distributor", 4, "2", "512Mi"),
        ("indexGateway", 4, "500m", "2Gi"),
        ("querier", 3, "1", "1Gi"),
        ("queryFrontend", 2, "1", "2Gi"),
        ("queryScheduler", 2, "1", "512Mi"),
        ("compactor", 1, "2", "10Gi"),
    ] {
        let v = &values[role];
        assert_eq!(v["replicas"], replicas, "{role}");
        assert_eq!(v["resources"]["requests"]["cpu"], cpu, "{role}");
        assert_eq!(v["resources"]["limits"]["memory"], memory, "{role}");
        // A PodDisruptionBudget (the chart writes it from maxUnavailable) for every replicated role.
        assert_eq!(
            v["maxUnavailable"].as_u64(),
            (replicas > 1).then_some(1),
            "{role}"
        );
    }
    assert_eq!(values["singleBinary"]["replicas"], 0);
    // The compression the object-store capacity check assumes.
    assert_eq!(values["loki"]["ingester"]["chunk_encoding"], "snappy");
    assert_eq!(values["chunksCache"]["enabled"], true);
    assert_eq!(values["resultsCache"]["enabled"], true);
}

/// The hard spread constraint of each replicated role selects the role's own pods,
/// and the chart's default hard anti-affinity is removed (`affinity: null`).
#[test]
fn every_replicated_role_is_spread_over_nodes_instead_of_one_pod_per_node() {
    let files = common::compile_text(PROFILE).unwrap();
    let values: serde_json::Value =
        serde_saphyr::from_str(file(&files, "values/loki.yaml")).unwrap();
    for (role, component) in [
        ("ingester", "ingester"),
        ("distributor", "distributor"),
        ("indexGateway", "index-gateway"),
        ("querier", "querier"),
        ("queryFrontend", "query-frontend"),
        ("queryScheduler", "query-scheduler"),
    ] {
        let v = &values[role];
        assert!(
            v["affinity"].is_null() && v.get("affinity").is_some(),
            "{role}: {v}"
        );
        let spread = v["topologySpreadConstraints"].as_array().unwrap();
        assert_eq!(spread.len(), 1, "{role}");
        assert_eq!(spread[0]["topologyKey"], "kubernetes.io/hostname");
        assert_eq!(spread[0]["whenUnsatisfiable"], "DoNotSchedule");
        assert_eq!(spread[0]["nodeTaintsPolicy"], "Honor");
        assert_eq!(
            spread[0]["labelSelector"]["matchLabels"]["app.kubernetes.io/component"],
            component
        );
    }
    // One compactor: nothing to spread.
    assert!(
        values["compactor"]
            .get("topologySpreadConstraints")
            .is_none()
    );

    let zoned = common::compile_text(&zoned_profile()).unwrap();
    let values: serde_json::Value =
        serde_saphyr::from_str(file(&zoned, "values/loki.yaml")).unwrap();
    let keys: Vec<&str> = values["querier"]["topologySpreadConstraints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["topologyKey"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]
    );

    let unspread = common::compile_text(
        &PROFILE
            .replace("  roles:\n", "  placement:\n    spread: none\n  roles:\n")
            .replace(
                "[missingResourceLimits]",
                "[missingResourceLimits, unspreadReplicas]",
            ),
    )
    .unwrap();
    let values: serde_json::Value =
        serde_saphyr::from_str(file(&unspread, "values/loki.yaml")).unwrap();
    assert!(values["querier"].get("topologySpreadConstraints").is_none());
}

const PROMETHEUS_HA: &str = "\
cluster: { name: c }
namespace: monitoring
acknowledge: [missingResourceLimits]
delivery: { mode: helmfile }
prometheus:
  retention: 7d
  replicas: 2
  alertmanager: { replicas: 3 }
  storage:
    claim: { size: 10Gi }
  longTermStorage:
    thanos:
      objectStoreSecret: { name: thanos-objstore, key: objstore.yml }
";

#[test]
fn prometheus_and_alertmanager_get_budgets_and_spread_when_replicated() {
    let files = common::compile_text(PROMETHEUS_HA).unwrap();
    let values: serde_json::Value =
        serde_saphyr::from_str(file(&files, "values/kube-prometheus-stack.yaml")).unwrap();
    let prometheus = &values["prometheus"];
    assert_eq!(prometheus["podDisruptionBudget"]["enabled"], true);
    assert_eq!(prometheus["podDisruptionBudget"]["minAvailable"], 1);
    let spec = &prometheus["prometheusSpec"];
    assert_eq!(spec["podAntiAffinity"], "");
    let spread = &spec["topologySpreadConstraints"][0];
    assert_eq!(spread["topologyKey"], "kubernetes.io/hostname");
    assert_eq!(
        spread["labelSelector"]["matchLabels"]["operator.prometheus.io/name"],
        "kube-prometheus-stack-prometheus"
    );
    let alertmanager = &values["alertmanager"];
    // Three replicas: two must stay up.
    assert_eq!(alertmanager["podDisruptionBudget"]["minAvailable"], 2);
    assert_eq!(
        alertmanager["alertmanagerSpec"]["topologySpreadConstraints"][0]["labelSelector"]["matchLabels"]
            ["alertmanager"],
        "kube-prometheus-stack-alertmanager"
    );
    // The sidecar's bucket configuration stays in the Secret: only a reference is written.
    let thanos = &spec["thanos"]["objectStorageConfig"];
    assert_eq!(
        thanos,
        &serde_json::json!({ "existingSecret": { "name": "thanos-objstore", "key": "objstore.yml" } })
    );
    // The Secret is a prerequisite the generated README lists.
    let readme = file(&files, "README.md");
    assert!(
        readme.contains("thanos-objstore")
            && readme.contains("`objstore.yml` (a Thanos `objstore.yml`)"),
        "{readme}"
    );

    // One replica of each: no budget (it would block every drain), no spread.
    let single = common::compile_text(&PROMETHEUS_HA.replace("  replicas: 2\n", "").replace(
        "alertmanager: { replicas: 3 }",
        "alertmanager: { replicas: 1 }",
    ))
    .unwrap();
    let values: serde_json::Value =
        serde_saphyr::from_str(file(&single, "values/kube-prometheus-stack.yaml")).unwrap();
    assert!(values["prometheus"].get("podDisruptionBudget").is_none());
    assert!(values["alertmanager"].get("podDisruptionBudget").is_none());
    assert!(
        values["prometheus"]["prometheusSpec"]
            .get("topologySpreadConstraints")
            .is_none()
    );
}

/// `PROFILE` spread by zone over four nodes in three zones, declared out of order.
fn zoned_profile() -> String {
    PROFILE
        .replace(
            "cluster: { name: c }\n",
            "cluster:\n  name: c\n  nodes:\n    - { name: n1, labels: { topology.kubernetes.io/zone: eu-1c } }\n    - { name: n2, labels: { topology.kubernetes.io/zone: eu-1a } }\n    - { name: n3, labels: { topology.kubernetes.io/zone: eu-1b } }\n    - { name: n4, labels: { topology.kubernetes.io/zone: eu-1a } }\n",
        )
        .replace("  roles:\n", "  placement:\n    spread: zone\n  roles:\n")
}

/// With `spread: zone` over three declared zones the ingesters run zone-aware,
/// one StatefulSet per zone pinned to it, with the rollout-operator that rolls them.
#[test]
fn a_zone_spread_makes_the_ingesters_zone_aware_with_the_rollout_operator() {
    let files = common::compile_text(&zoned_profile()).unwrap();
    let values: serde_json::Value =
        serde_saphyr::from_str(file(&files, "values/loki.yaml")).unwrap();
    let zone_aware = &values["ingester"]["zoneAwareReplication"];
    assert_eq!(zone_aware["enabled"], true);
    for (zone, name) in [("zoneA", "eu-1a"), ("zoneB", "eu-1b"), ("zoneC", "eu-1c")] {
        assert_eq!(
            zone_aware[zone]["nodeSelector"]["topology.kubernetes.io/zone"], name,
            "{zone}"
        );
    }
    assert_eq!(values["rollout_operator"]["enabled"], true);

    // Spread by hostname: no zones, no rollout-operator.
    let files = common::compile_text(PROFILE).unwrap();
    let values: serde_json::Value =
        serde_saphyr::from_str(file(&files, "values/loki.yaml")).unwrap();
    assert_eq!(values["ingester"]["zoneAwareReplication"]["enabled"], false);
    assert!(
        values["ingester"]["zoneAwareReplication"]
            .get("zoneA")
            .is_none()
    );
    assert_eq!(values["rollout_operator"]["enabled"], false);
}

/// The rollout-operator runs where Loki's pods may: Loki's node selector and
/// tolerations, not its resources.
#[test]
fn the_rollout_operator_gets_lokis_placement() {
    let placed = zoned_profile()
        .replace(
            "labels: { ",
            "taints: [{ key: dedicated, value: logs, effect: NoSchedule }], labels: { pool: logs, ",
        )
        .replace(
            "    spread: zone\n",
            "    spread: zone\n    nodeSelector: { pool: logs }\n    tolerations: [{ key: dedicated, value: logs, effect: NoSchedule }]\n",
        )
        .replace(
            "    pods: {}\n",
            "    pods: {}\n  placement:\n    tolerations: [{ key: dedicated, effect: NoSchedule }]\n",
        );
    let files = common::compile_text(&placed).unwrap();
    let values: serde_json::Value =
        serde_saphyr::from_str(file(&files, "values/loki.yaml")).unwrap();
    let operator = &values["rollout_operator"];
    assert_eq!(
        operator["nodeSelector"],
        serde_json::json!({ "pool": "logs" })
    );
    assert_eq!(
        operator["tolerations"],
        serde_json::json!([{ "key": "dedicated", "operator": "Equal", "value": "logs", "effect": "NoSchedule" }])
    );
    assert!(operator.get("resources").is_none(), "{operator}");
    // Disabled (spread by hostname), it gets nothing but `enabled`.
    let hostname = placed.replace("spread: zone", "spread: hostname");
    let files = common::compile_text(&hostname).unwrap();
    let values: serde_json::Value =
        serde_saphyr::from_str(file(&files, "values/loki.yaml")).unwrap();
    assert_eq!(
        values["rollout_operator"],
        serde_json::json!({ "enabled": false })
    );
}

/// Zone-aware ingesters are three StatefulSets of `ceil(n / 3)` pods: a count
/// that is not a multiple of three is refused with the arithmetic.
#[test]
fn zone_aware_ingesters_must_be_a_multiple_of_three() {
    let with = |n: u32| {
        zoned_profile().replace(
            "    querier: { replicas: 3 }\n",
            &format!("    querier: {{ replicas: 3 }}\n    ingester: {{ replicas: {n} }}\n"),
        )
    };
    let e = common::compile_text(&with(7)).expect_err("7 zone-aware ingesters");
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].contains("7 ingesters do not split over 3 zones: the chart runs ceil(7 / 3) = 3 per zone, 9 in all"),
        "{e:#?}"
    );
    assert!(
        e[0].contains("set `replicas: 6` or `replicas: 9`"),
        "{e:#?}"
    );
    // Located at the ingester's `replicas` value.
    let profile = with(7);
    let line = 1 + profile
        .lines()
        .position(|l| l.contains("ingester: { replicas: 7 }"))
        .unwrap();
    assert!(e[0].starts_with(&format!("p.yaml:{line}:")), "{e:#?}");
    common::compile_text(&with(9)).expect("9 split evenly");
    // Not zone-aware: any count from the replication factor up is fine.
    common::compile_text(&with(7).replace("spread: zone", "spread: hostname"))
        .expect("7 ingesters spread by hostname");
}
