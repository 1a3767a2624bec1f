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
    assert_eq!(uids, CATALOG.map(|e| e.uid));
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
    let mut dashboard = catalog::cluster_health();
    dashboard.panels[1].targets[0].expr = "count(kube_pod_info".to_owned();
    dashboard.panels[2].id = 1;
    let found = problems(&dashboard, &["prometheus"]);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("panel `Pods`: "), "{found:#?}");
    assert_eq!(found[1], "panel id 1 is used twice");
    let mut logs = catalog::logs_explorer();
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
