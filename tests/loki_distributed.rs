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
    assert_eq!(values["chunksCache"]["enabled"], true);
    assert_eq!(values["resultsCache"]["enabled"], true);
    assert_eq!(values["ingester"]["zoneAwareReplication"]["enabled"], false);
}
