use super::*;
use crate::compile::testing::profile;
use crate::query::check_promql;

const FULL: &str = "
cluster: { name: c }
namespace: obs
delivery: { mode: helmfile }
prometheus: { retention: 10d }
loki: { retention: 7d, storage: { claim: { size: 10Gi } } }
tempo: { retention: 7d, storage: { claim: { size: 10Gi } } }
alloy:
  namespace: alloy
  placement: { resources: { limits: { cpu: '1', memory: 1Gi } } }
vcluster:
  namespaceFormat: 'test-{run_id}'
  alloy: { metrics: { kueue: true } }
";

fn alerts(groups: &[RuleGroup]) -> Vec<&str> {
    groups
        .iter()
        .flat_map(|g| g.rules.iter().filter_map(|r| r.alert.as_deref()))
        .collect()
}

#[test]
fn every_builtin_expression_parses() {
    let p = profile(FULL);
    let stack = Stack::new(&p, "p");
    let groups = builtin_groups(&stack);
    assert_eq!(alerts(&groups).len(), builtin::all().len());
    for rule in groups.iter().flat_map(|g| &g.rules) {
        check_promql(&rule.expr).unwrap_or_else(|e| panic!("{:?}: {e}\n{}", rule.alert, rule.expr));
    }
}

#[test]
fn the_seven_alloy_alerts_watch_alloys_namespace() {
    let p = profile(FULL);
    let groups = builtin_groups(&Stack::new(&p, "p"));
    let alloy = &groups[0];
    assert_eq!(alloy.name, "alloy");
    let names: Vec<_> = alloy
        .rules
        .iter()
        .map(|r| r.alert.as_deref().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "AlloyDaemonSetNotRunning",
            "AlloyPodNotReady",
            "AlloyLogDeliveryFailures",
            "AlloyPodCrashLooping",
            "AlloyHighMemoryUsage",
            "AlloyHighCPUUsage",
            "AlloySlowLogProcessing"
        ]
    );
    let severity: Vec<_> = alloy
        .rules
        .iter()
        .map(|r| r.labels["severity"].as_str())
        .collect();
    assert_eq!(
        severity,
        [
            "critical", "critical", "high", "high", "warning", "warning", "medium"
        ]
    );
    let for_: Vec<_> = alloy
        .rules
        .iter()
        .map(|r| r.for_.as_deref().unwrap())
        .collect();
    assert_eq!(for_, ["5m", "5m", "10m", "10m", "10m", "10m", "15m"]);
    assert!(
        alloy
            .rules
            .iter()
            .all(|r| r.expr.contains("namespace=\"alloy\""))
    );
    assert!(alloy.rules[4].expr.ends_with("> 85"));
}

#[test]
fn only_enabled_components_get_rules() {
    let p = profile(
        "
cluster: { name: c }
namespace: obs
delivery: { mode: helmfile }
prometheus: { retention: 10d, kubeStateMetrics: { enabled: false } }
alloy: { controller: deployment }
",
    );
    let groups = builtin_groups(&Stack::new(&p, "p"));
    let names: Vec<_> = groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["alloy", "prometheus", "storage"]);
    // Without kube-state-metrics and a DaemonSet, only Alloy's own metrics remain.
    assert_eq!(
        alerts(&groups[..1]),
        ["AlloyLogDeliveryFailures", "AlloySlowLogProcessing"]
    );
    let no_prometheus =
        profile("cluster: { name: c }\nnamespace: obs\ndelivery: { mode: helmfile }\nalloy: {}\n");
    assert!(builtin_groups(&Stack::new(&no_prometheus, "p")).is_empty());
}

#[test]
fn overrides_change_thresholds_durations_severities_and_drop_rules() {
    let p = profile(&format!(
        "{FULL}
alerts:
  groups:
    alloy:
      rules:
        AlloyHighMemoryUsage: {{ threshold: 90, for: 20m, severity: critical }}
        AlloyPodNotReady: {{ enabled: false }}
    tempo: {{ enabled: false }}
  custom:
    - name: apps
      interval: 1m
      rules:
        - alert: AppDown
          expr: up{{job=\"app\"}} == 0
          for: 5m
          labels: {{ severity: critical }}
        - record: job:up:sum
          expr: sum by (job) (up)
"
    ));
    let stack = Stack::new(&p, "p");
    let groups = builtin_groups(&stack);
    assert!(!groups.iter().any(|g| g.name == "tempo"));
    let alloy = &groups[0];
    assert!(!alerts(&groups[..1]).contains(&"AlloyPodNotReady"));
    let memory = alloy
        .rules
        .iter()
        .find(|r| r.alert.as_deref() == Some("AlloyHighMemoryUsage"))
        .unwrap();
    assert!(memory.expr.ends_with("> 90"));
    assert_eq!(memory.for_.as_deref(), Some("20m"));
    assert_eq!(memory.labels["severity"], "critical");

    let mut bundle = Bundle::default();
    emit(&stack, &mut bundle);
    let custom = bundle
        .get("monitoring/rules/custom-apps.yaml")
        .expect("custom group");
    let crate::compile::Content::Yaml(objects) = &custom.content else {
        panic!("yaml")
    };
    let rule = &objects[0];
    assert_eq!(rule["kind"], "PrometheusRule");
    assert_eq!(rule["metadata"]["name"], "o11yc-custom-apps");
    assert_eq!(rule["metadata"]["namespace"], "obs");
    assert_eq!(
        rule["metadata"]["labels"]["release"],
        "kube-prometheus-stack"
    );
    assert_eq!(rule["spec"]["groups"][0]["interval"], "1m");
    assert_eq!(
        rule["spec"]["groups"][0]["rules"][1]["record"],
        "job:up:sum"
    );
    assert!(bundle.get("monitoring/rules/alloy.yaml").is_some());
}

#[test]
fn rules_on_data_not_collected_are_left_out_and_reported() {
    let p = profile(
        "
cluster: { name: c }
namespace: obs
delivery: { mode: helmfile }
prometheus: { retention: 10d }
alloy: { namespace: alloy }
vcluster: { namespaceFormat: 'test-{run_id}' }
",
    );
    let (groups, dropped) = builtin_rules(&Stack::new(&p, "p"));
    let names: Vec<&str> = dropped.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "AlloyHighMemoryUsage",
            "AlloyHighCPUUsage",
            "OperatorReconcileErrors"
        ]
    );
    assert!(dropped[0].why.contains("limits.memory"), "{dropped:#?}");
    assert!(
        dropped[2].why.contains("controller-runtime"),
        "{dropped:#?}"
    );
    let shipped = alerts(&groups);
    assert!(shipped.contains(&"AlloySlowLogProcessing"));
    assert!(!shipped.contains(&"AlloyHighMemoryUsage"));
}
