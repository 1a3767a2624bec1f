use super::*;
use crate::compile::testing::profile;

const FULL: &str = "
cluster: { name: c }
namespace: obs
delivery: { mode: helmfile }
prometheus: { retention: 10d }
loki: { retention: 7d, storage: { claim: { size: 10Gi } } }
grafana: { admin: { existingSecret: { name: g } }, dashboardLabel: { dash: yes } }
alloy: { namespace: alloy }
";

#[test]
fn every_dashboard_has_a_unique_uid_unique_panel_ids_and_parsing_queries() {
    let p = profile(FULL);
    let stack = Stack::new(&p, "p");
    let dashboards = selected(&stack);
    let uids: Vec<&str> = dashboards.iter().map(|d| d.uid).collect();
    let all: Vec<&str> = catalog().iter().map(|e| e.uid).collect();
    assert_eq!(uids, all);
    for dashboard in &dashboards {
        assert_eq!(
            problems(dashboard, &["prometheus", "loki"]),
            Vec::<String>::new()
        );
        assert!(dashboard.panels.iter().all(|p| !p.targets.is_empty()));
    }
}

#[test]
fn problems_name_the_panel() {
    let mut dashboard = catalog::cluster_health(&[]);
    dashboard.panels[1].targets[0].expr = "count(kube_pod_info".to_owned();
    dashboard.panels[2].id = 1;
    let found = problems(&dashboard, &["prometheus"]);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("panel `Pods`: "), "{found:#?}");
    assert_eq!(found[1], "panel id 1 is used twice");
    let mut logs = catalog::logs_explorer(&["pod_log".to_owned()], &LogNames::default());
    logs.panels[2].targets[0].expr = r#"{cluster="$cluster"} | line_format"#.to_owned();
    let found = problems(&logs, &["prometheus"]);
    assert!(
        found
            .iter()
            .any(|p| p.contains("not a provisioned datasource")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|p| p.starts_with("panel `Logs`: ")),
        "{found:#?}"
    );
}

#[test]
fn only_dashboards_whose_datasources_exist_are_shipped() {
    let p = profile(
        "
cluster: { name: c }
namespace: obs
delivery: { mode: helmfile }
loki: { retention: 7d, storage: { claim: { size: 10Gi } } }
grafana: { admin: { existingSecret: { name: g } } }
",
    );
    let stack = Stack::new(&p, "p");
    let uids: Vec<&str> = selected(&stack).iter().map(|d| d.uid).collect();
    assert_eq!(uids, ["logs-explorer"]);
}

#[test]
fn config_maps_carry_the_dashboard_label_in_grafanas_namespace() {
    let p = profile(&format!(
        "{FULL}dashboards: {{ include: [kaiwo-cluster-health] }}\n"
    ));
    let mut bundle = Bundle::default();
    emit(&Stack::new(&p, "p"), &mut bundle);
    assert_eq!(bundle.len(), 2);
    let Content::Yaml(objects) = &bundle
        .get("dashboards/kaiwo-cluster-health.yaml")
        .unwrap()
        .content
    else {
        panic!()
    };
    let cm = &objects[0];
    assert_eq!(cm["metadata"]["namespace"], "obs");
    assert_eq!(cm["metadata"]["labels"]["dash"], "yes");
    let text = cm["data"]["kaiwo-cluster-health.json"].as_str().unwrap();
    let json: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(json["uid"], "kaiwo-cluster-health");
    assert_eq!(json["schemaVersion"], 42);
    assert!(
        !text.contains("\"uid\": \"prometheus\""),
        "no hard-coded datasource uid"
    );
    let Content::Json(plain) = &bundle
        .get("dashboards/kaiwo-cluster-health.json")
        .unwrap()
        .content
    else {
        panic!()
    };
    assert_eq!(plain, &json);
}

const VCLUSTER: &str = "
cluster: { name: c }
namespace: obs
delivery: { mode: helmfile }
prometheus: { retention: 10d, remoteWriteReceiver: true }
loki: { retention: 7d, storage: { claim: { size: 10Gi } } }
grafana: { admin: { existingSecret: { name: g } } }
alloy:
  logs:
    pods: { vclusterNamespacesOnly: true }
    events: { enabled: false }
    audit: { syncer: true }
    unifiedSchema: true
vcluster:
  namespaceFormat: kaiwo-test-{run_id}-{attempt}-{installer}
  namespaceLabel: vcluster_namespace
  alloy:
    logs: { pods: {}, events: {}, unifiedSchema: true }
    metrics: { kubeStateMetrics: true }
";

fn titles(dashboard: &Dashboard) -> Vec<&str> {
    dashboard.panels.iter().map(|p| p.title).collect()
}

#[test]
fn built_in_panels_on_data_not_collected_are_left_out_and_reported() {
    let p = profile(FULL);
    let stack = Stack::new(&p, "p");
    let (dashboards, dropped) = selection(&stack);
    let health = dashboards
        .iter()
        .find(|d| d.uid == "kaiwo-cluster-health")
        .unwrap();
    assert!(!titles(health).iter().any(|t| t.starts_with("GPU")));
    // Renumbered and laid out again.
    let ids: Vec<u32> = health.panels.iter().map(|p| p.id).collect();
    assert_eq!(ids, (1..=7).collect::<Vec<_>>());
    let debug = dashboards
        .iter()
        .find(|d| d.uid == "kaiwo-namespace-debug")
        .unwrap();
    assert!(!titles(debug).contains(&"API audit log"));
    let what: Vec<&str> = dropped.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        what,
        [
            "API audit log",
            "GPU utilisation (NVIDIA)",
            "GPU utilisation (AMD)"
        ]
    );
    assert!(dropped[1].why.contains("DCGM"), "{dropped:#?}");
}

#[test]
fn event_and_audit_panels_read_the_fields_of_the_line_format() {
    let native = catalog::namespace_debug(LineFormat::Native, &LogNames::default());
    let unified = catalog::namespace_debug(LineFormat::Unified, &LogNames::default());
    let expr = |d: &Dashboard, title: &str| {
        d.panels.iter().find(|p| p.title == title).unwrap().targets[0]
            .expr
            .clone()
    };
    let events = expr(&native, "Kubernetes events");
    assert!(
        events.contains(r#"namespace="$namespace"} | json"#),
        "{events}"
    );
    assert!(events.contains("{{.kind}}/{{.name}}: {{.msg}}"), "{events}");
    assert!(!events.contains("object_"), "{events}");
    assert!(expr(&unified, "Kubernetes events").contains("{{.object_kind}}"));
    assert!(expr(&native, "API audit log").contains("objectRef_namespace"));
    assert!(expr(&unified, "API audit log").contains("object_namespace"));
    // The profile decides: FULL's Alloy does not rewrite lines.
    let p = profile(FULL);
    assert_eq!(line_format(&Stack::new(&p, "p")), LineFormat::Native);
    let p = profile(VCLUSTER);
    assert_eq!(line_format(&Stack::new(&p, "p")), LineFormat::Unified);
}

#[test]
fn the_logs_explorer_offers_only_collected_sources() {
    let p = profile(FULL);
    let explorer = build(&Stack::new(&p, "p"), "logs-explorer").unwrap();
    let source = explorer
        .templating
        .list
        .iter()
        .find(|v| v.name == "source")
        .unwrap();
    assert_eq!(source.query, "pod_log,k8s_event");
    let p = profile(VCLUSTER);
    let explorer = build(&Stack::new(&p, "p"), "logs-explorer").unwrap();
    let source = explorer.templating.list.iter().find(|v| v.name == "source");
    assert_eq!(source.unwrap().query, "pod_log,k8s_event,k8s_audit_log");
}

#[test]
fn cluster_health_filters_kube_state_metrics_by_run_label() {
    let p = profile(VCLUSTER);
    let stack = Stack::new(&p, "p");
    let (dashboards, _) = selection(&stack);
    let health = dashboards
        .iter()
        .find(|d| d.uid == "kaiwo-cluster-health")
        .unwrap();
    let vcluster = health
        .templating
        .list
        .iter()
        .find(|v| v.name == "vcluster_namespace")
        .expect("a vcluster_namespace variable");
    assert_eq!(
        vcluster.query,
        "label_values(kube_pod_info, vcluster_namespace)"
    );
    let pods = &health
        .panels
        .iter()
        .find(|p| p.title == "Pods")
        .unwrap()
        .targets[0];
    assert!(
        pods.expr
            .contains(r#"vcluster_namespace=~"$vcluster_namespace""#),
        "{}",
        pods.expr
    );
    // Without run labels, no variable and plain selectors.
    let plain = catalog::cluster_health(&[]);
    assert_eq!(plain.templating.list.len(), 1);
    assert_eq!(plain.panels[0].targets[0].expr, "count(kube_node_info)");
}

/// The catalog builds its log queries with the profile's source label and
/// values (KAIWO's `log_type` and `kubernetes-events`): none keeps a default.
#[test]
fn log_queries_use_the_profiles_source_label_and_values() {
    let names = LogNames {
        label: "log_type".to_owned(),
        k8s_event: "kubernetes-events".to_owned(),
        ..LogNames::default()
    };
    let dashboards = [
        catalog::namespace_debug(LineFormat::Native, &names),
        catalog::logs_explorer(&["pod_log".to_owned()], &names),
    ];
    let mut texts = Vec::new();
    for d in &dashboards {
        texts.extend(d.templating.list.iter().map(|v| v.query.clone()));
        for t in d.panels.iter().flat_map(|p| &p.targets) {
            texts.push(t.expr.clone());
            texts.extend(t.legend_format.clone());
        }
    }
    let all = texts.join("\n");
    assert!(all.contains(r#"log_type="kubernetes-events""#), "{all}");
    assert!(all.contains(r#"log_type="pod_log""#), "{all}");
    assert!(all.contains(r#"log_type="k8s_audit_log""#), "{all}");
    assert!(all.contains(r#"log_type=~"$source""#), "{all}");
    assert!(
        all.contains("by (log_type)") && all.contains("{{log_type}}"),
        "{all}"
    );
    assert!(
        !all.contains("source=") && !all.contains("(source)"),
        "{all}"
    );
    assert!(!all.contains("{{source}}"), "{all}");
}
