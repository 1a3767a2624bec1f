//! Tempo in distributed mode: the tempo-distributed values per role, the
//! Services its consumers (Alloy, Grafana) are pointed at, its monitor, and
//! the validators that refuse what would not deploy.

mod common;

const PROFILE: &str = "\
cluster: { name: c }
namespace: tracing
environment: development
delivery: { mode: helmfile }
prometheus:
  retention: 7d
loki:
  retention: 7d
  storage: { claim: { size: 10Gi } }
tempo:
  retention: 7d
  mode: distributed
  ingestPerDay: 500Gi
  kafka: { address: kafka.kafka.svc.cluster.local:9092, topic: spans, partitions: 3 }
  storage:
    objectStore: { endpoint: minio:9000, bucket: traces, credentialsSecret: s3 }
  roles:
    queryFrontend: { replicas: 3 }
grafana:
  admin: { existingSecret: { name: g } }
alloy:
  traces:
    otlp: true
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

fn yaml(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).unwrap()
}

fn errors(profile: &str) -> Vec<String> {
    common::compile_text(profile).expect_err("the profile should be refused")
}

#[test]
fn consumers_use_the_distributor_and_the_query_frontend() {
    let files = common::compile_text(PROFILE).unwrap();
    let alloy = file(&files, "alloy/config.alloy");
    assert!(
        alloy.contains("endpoint = \"tempo-distributor.tracing.svc.cluster.local:4317\""),
        "{alloy}"
    );
    let grafana = file(&files, "values/grafana.yaml");
    assert!(
        grafana.contains("url: http://tempo-query-frontend.tracing.svc.cluster.local:3200"),
        "{grafana}"
    );
}

#[test]
fn monolithic_tempo_keeps_its_chart_and_single_service() {
    let monolithic = PROFILE
        .replace("  mode: distributed\n", "")
        .replace(
            "  kafka: { address: kafka.kafka.svc.cluster.local:9092, topic: spans, partitions: 3 }\n",
            "",
        )
        .replace("  roles:\n    queryFrontend: { replicas: 3 }\n", "");
    let files = common::compile_text(&monolithic).unwrap();
    assert!(
        file(&files, "alloy/config.alloy")
            .contains("endpoint = \"tempo.tracing.svc.cluster.local:4317\"")
    );
    let helmfile = yaml(file(&files, "helmfile.yaml"));
    let tempo = helmfile["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "tempo")
        .unwrap();
    assert_eq!(tempo["chart"], "grafana-community/tempo");
    let monitor = yaml(file(&files, "monitoring/monitors/tempo.yaml"));
    assert_eq!(
        monitor["spec"]["endpoints"][0]["port"],
        "tempo-prom-metrics"
    );
    assert!(monitor["spec"].get("jobLabel").is_none());
}

#[test]
fn the_release_uses_the_tempo_distributed_chart() {
    let files = common::compile_text(PROFILE).unwrap();
    let helmfile = yaml(file(&files, "helmfile.yaml"));
    let tempo = helmfile["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "tempo")
        .unwrap();
    assert_eq!(tempo["chart"], "grafana-community/tempo-distributed");
    assert_eq!(tempo["version"], "3.3.0");
    let values = yaml(file(&files, "values/tempo.yaml"));
    assert_eq!(
        values["ingest"]["kafka"],
        serde_json::json!({
            "address": "kafka.kafka.svc.cluster.local:9092",
            "topic": "spans",
            "auto_create_topic_default_partitions": 3
        })
    );
    assert_eq!(values["storage"]["trace"]["backend"], "s3");
    assert_eq!(values["storage"]["trace"]["s3"]["bucket"], "traces");
    // Only the Tempo pods get the flag and the keys (memcached reads `global`).
    assert_eq!(
        values["defaults"]["extraArgs"][0],
        "-config.expand-env=true"
    );
    assert!(values.get("global").is_none());
    assert_eq!(
        values["backendScheduler"]["config"]["provider"]["compaction"]["compaction"]["block_retention"],
        "168h"
    );
}

#[test]
fn every_role_is_sized_from_the_ingest_unless_overridden() {
    let files = common::compile_text(PROFILE).unwrap();
    let values = yaml(file(&files, "values/tempo.yaml"));
    // 500Gi a day is 6.2 MB/s, counted as 7.
    for (role, replicas, cpu, memory) in [
        ("distributor", 2, Some("2"), "2Gi"),
        ("blockBuilder", 3, Some("500m"), "5Gi"),
        ("liveStore", 3, Some("1"), "4Gi"),
        ("querier", 4, None, "4Gi"),
        ("queryFrontend", 3, None, "4Gi"),
        ("backendWorker", 2, Some("1"), "4Gi"),
    ] {
        let v = &values[role];
        assert_eq!(v["replicas"], replicas, "{role}");
        assert_eq!(v["resources"]["requests"]["cpu"].as_str(), cpu, "{role}");
        assert_eq!(v["resources"]["limits"]["memory"], memory, "{role}");
        // Every role here is replicated: a budget, and the default
        // `spread: hostname` as a hard constraint on the role's own pods,
        // replacing the chart's anti-affinity.
        assert_eq!(v["maxUnavailable"], 1, "{role}");
        assert_eq!(v["podDisruptionBudget"]["enabled"], true, "{role}");
        assert_eq!(
            spread_of(v),
            [(
                "kubernetes.io/hostname".to_owned(),
                "DoNotSchedule".to_owned()
            )],
            "{role}"
        );
        let spread = yaml(v["topologySpreadConstraints"].as_str().unwrap());
        let component = spread[0]["labelSelector"]["matchLabels"]["app.kubernetes.io/component"]
            .as_str()
            .unwrap();
        assert_eq!(
            component,
            match role {
                "blockBuilder" => "block-builder",
                "liveStore" => "live-store",
                "queryFrontend" => "query-frontend",
                "backendWorker" => "backend-worker",
                other => other,
            }
        );
        assert!(
            v["affinity"].is_null() && v.get("affinity").is_some(),
            "{role}"
        );
    }
    // The scheduler is one pod: no replicas key (the chart has none), no budget.
    let scheduler = &values["backendScheduler"];
    assert!(scheduler.get("replicas").is_none());
    assert!(scheduler.get("maxUnavailable").is_none());
}

/// The (topologyKey, whenUnsatisfiable) pairs of a role's spread constraints.
fn spread_of(role: &serde_json::Value) -> Vec<(String, String)> {
    let text = role["topologySpreadConstraints"].as_str().unwrap();
    yaml(text)
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["nodeTaintsPolicy"], "Honor", "{text}");
            (
                c["topologyKey"].as_str().unwrap().to_owned(),
                c["whenUnsatisfiable"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_spread_follows_the_placement() {
    let zoned = PROFILE.replace(
        "  roles:\n    queryFrontend",
        "  placement: { spread: zone }\n  roles:\n    queryFrontend",
    );
    let values = yaml(file(
        &common::compile_text(&zoned).unwrap(),
        "values/tempo.yaml",
    ));
    assert_eq!(
        spread_of(&values["querier"]),
        [
            (
                "topology.kubernetes.io/zone".to_owned(),
                "DoNotSchedule".to_owned()
            ),
            (
                "kubernetes.io/hostname".to_owned(),
                "ScheduleAnyway".to_owned()
            )
        ]
    );
    // `spread: none` writes `null` over the chart's own soft zone spread and
    // its hard anti-affinity, so nothing constrains the pods.
    let none = zoned.replace("spread: zone", "spread: none");
    let values = yaml(file(
        &common::compile_text(&none).unwrap(),
        "values/tempo.yaml",
    ));
    for key in ["topologySpreadConstraints", "affinity"] {
        let v = values["querier"].get(key);
        assert!(v.is_some_and(serde_json::Value::is_null), "{key}: {v:?}");
    }
}

#[test]
fn production_refuses_unspread_tempo_roles() {
    let production = PROFILE
        .replace("environment: development", "environment: production")
        .replace(
            "  roles:\n    queryFrontend: { replicas: 3 }",
            "  placement: { spread: none }\n  roles:\n    queryFrontend: { replicas: 3 }\n    backendScheduler: { resources: { limits: { memory: 1Gi } } }",
        );
    let e = errors(&production);
    let tempo: Vec<&String> = e.iter().filter(|l| l.contains("tempo")).collect();
    assert_eq!(tempo.len(), 1, "{e:#?}");
    assert!(
        tempo[0].contains(
            "tempo's 2 distributor pods may all run on one node in production (`spread: none`)"
        ),
        "{e:#?}"
    );
    // With `spread: hostname` the Tempo error goes away.
    let e = common::compile_text(&production.replace("spread: none", "spread: hostname"))
        .err()
        .unwrap_or_default();
    assert!(!e.iter().any(|l| l.contains("tempo")), "{e:#?}");
}

#[test]
fn a_zone_spread_needs_two_declared_zones() {
    let zoned = PROFILE
        .replace(
            "cluster: { name: c }",
            "cluster:\n  name: c\n  nodes:\n    - { name: a, labels: { topology.kubernetes.io/zone: z1 } }\n    - { name: b, labels: { topology.kubernetes.io/zone: z1 } }",
        )
        .replace(
            "  roles:\n    queryFrontend",
            "  placement: { spread: zone }\n  roles:\n    queryFrontend",
        );
    let e = errors(&zoned);
    assert!(
        e.iter().any(|l| l.contains("`spread: zone` cannot spread tempo's 2 distributor pods over zones: every node in `cluster.nodes` is in zone `z1`")),
        "{e:#?}"
    );
}

#[test]
fn a_single_replica_gets_no_budget_or_spread() {
    let files =
        common::compile_text(&PROFILE.replace("ingestPerDay: 500Gi", "ingestPerDay: 1Gi")).unwrap();
    let worker = &yaml(file(&files, "values/tempo.yaml"))["backendWorker"];
    assert_eq!(worker["replicas"], 1);
    for key in [
        "maxUnavailable",
        "podDisruptionBudget",
        "topologySpreadConstraints",
        "affinity",
    ] {
        assert!(worker.get(key).is_none(), "{key}");
    }
}

#[test]
fn every_role_is_scraped_as_job_tempo() {
    let files = common::compile_text(PROFILE).unwrap();
    let monitor = yaml(file(&files, "monitoring/monitors/tempo.yaml"));
    let spec = &monitor["spec"];
    assert_eq!(spec["endpoints"][0]["port"], "http-metrics");
    // The instance label is the release name, so every role's job is `tempo`,
    // the job the built-in rules select.
    assert_eq!(spec["jobLabel"], "app.kubernetes.io/instance");
    assert_eq!(
        spec["selector"]["matchLabels"]["app.kubernetes.io/instance"],
        "tempo"
    );
    assert_eq!(
        spec["selector"]["matchExpressions"][0]["key"],
        "prometheus.io/service-monitor"
    );
    let rules = file(&files, "monitoring/rules/tempo.yaml");
    assert!(rules.contains("job=\"tempo\""), "{rules}");
}

#[test]
fn kafka_and_roles_are_refused_in_monolithic_mode() {
    let e = errors(&PROFILE.replace("  mode: distributed\n", ""));
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].contains("`tempo.kafka` only applies in distributed mode"),
        "{e:#?}"
    );
    assert!(
        e[1].contains("`tempo.roles` only applies in distributed mode"),
        "{e:#?}"
    );
}

#[test]
fn placement_resources_are_refused_in_distributed_mode() {
    let e = errors(&PROFILE.replace(
        "  roles:\n",
        "  placement:\n    resources: { requests: { cpu: '1' } }\n  roles:\n",
    ));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].contains("`tempo.placement.resources` does not apply in distributed mode"),
        "{e:#?}"
    );
}

#[test]
fn empty_topics_and_addresses_are_refused() {
    let e = errors(
        &PROFILE
            .replace("partitions: 3", "partitions: 0")
            .replace("address: kafka.kafka.svc.cluster.local:9092", "address: ''")
            .replace("topic: spans", "topic: ' '"),
    );
    assert_eq!(e.len(), 3, "{e:#?}");
    // Sorted by position: address, topic, partitions on the line.
    assert!(e[0].contains("the Kafka address is empty"), "{e:#?}");
    assert!(e[1].contains("the Kafka topic is empty"), "{e:#?}");
    assert!(e[2].contains("0 partitions carries no spans"), "{e:#?}");
}

#[test]
fn block_builders_must_match_the_partitions() {
    let e = errors(&PROFILE.replace(
        "    queryFrontend: { replicas: 3 }\n",
        "    blockBuilder: { replicas: 4 }\n",
    ));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].contains("4 block-builders for a topic of 3 partitions"),
        "{e:#?}"
    );
    // Equal to the partitions is fine.
    common::compile_text(&PROFILE.replace(
        "    queryFrontend: { replicas: 3 }\n",
        "    blockBuilder: { replicas: 3 }\n",
    ))
    .unwrap();
}

#[test]
fn zero_replicas_of_a_derived_role_are_refused() {
    let e = errors(&PROFILE.replace("queryFrontend: { replicas: 3 }", "querier: { replicas: 0 }"));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(e[0].contains("0 replicas would deploy nothing"), "{e:#?}");
}

#[test]
fn production_needs_the_scheduler_sized_by_hand() {
    let production = PROFILE.replace("environment: development", "environment: production");
    let e = errors(&production);
    let tempo: Vec<&String> = e.iter().filter(|l| l.contains("tempo.roles")).collect();
    assert_eq!(tempo.len(), 1, "{e:#?}");
    assert!(
        tempo[0].contains("`tempo.roles.backendScheduler` has no memory limit in production"),
        "{e:#?}"
    );
    assert!(
        tempo[0].contains("gives no numbers for this role"),
        "{e:#?}"
    );
    // An override without a memory limit is refused too; one with a limit passes.
    let e = errors(&production.replace(
        "    queryFrontend: { replicas: 3 }\n",
        "    backendScheduler: { resources: { requests: { memory: 1Gi } } }\n",
    ));
    assert!(
        e.iter()
            .any(|l| l.contains("`tempo.roles.backendScheduler` has no memory limit")),
        "{e:#?}"
    );
    let e = errors(&production.replace(
        "    queryFrontend: { replicas: 3 }\n",
        "    backendScheduler: { resources: { limits: { memory: 1Gi } } }\n",
    ));
    assert!(!e.iter().any(|l| l.contains("tempo.roles")), "{e:#?}");
}
