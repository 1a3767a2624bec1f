use super::*;
use crate::compile::testing::profile;
use crate::compile::{Provenance, compile};

fn bundle_of(text: &str) -> (crate::model::Profile, Bundle) {
    let p = profile(text);
    let provenance = Provenance {
        name: "p".to_owned(),
        sources: vec!["p.yaml".to_owned()],
    };
    let bundle = compile(&Stack::new(&p, "p"), &provenance);
    (p, bundle)
}

const STACK: &str = "
cluster: { name: c }
namespace: obs
delivery: { mode: helmfile }
prometheus: { retention: 10d }
loki: { retention: 7d, storage: { claim: { size: 10Gi } } }
tempo: { retention: 7d, storage: { claim: { size: 10Gi } } }
grafana: { admin: { existingSecret: { name: g } } }
alloy: { namespace: alloy, logs: { pods: {}, events: {} } }
";

fn json_of(bundle: &Bundle, path: &str) -> Value {
    match &bundle.get(path).expect(path).content {
        Content::Json(v) => v.clone(),
        _ => panic!("{path} is not JSON"),
    }
}

fn replace(bundle: &mut Bundle, path: &str, content: Content) {
    let mut out = Bundle::default();
    for d in bundle.documents() {
        let mut d = d.clone();
        if d.path == path {
            d.content = content.clone();
        }
        out.add(d);
    }
    *bundle = out;
}

#[test]
fn what_o11yc_compiles_links() {
    let (p, bundle) = bundle_of(STACK);
    assert_eq!(verify(&Stack::new(&p, "p"), &bundle), Vec::<String>::new());
}

#[test]
fn unlinked_panels_rules_variables_and_trace_links_are_caught() {
    let (p, bundle) = bundle_of(STACK);
    let stack = Stack::new(&p, "p");
    type Mutation = (&'static str, fn(&mut Bundle));
    let mutations: [Mutation; 9] = [
        ("trace-to-logs query on streams without trace ids", |b| {
            let Content::Yaml(mut objects) = b.get("values/grafana.yaml").unwrap().content.clone()
            else {
                panic!()
            };
            let text = serde_json::to_string(&objects[0])
                .unwrap()
                .replace(r#"source=\"pod_log\""#, r#"source=\"k8s_event\""#);
            objects[0] = serde_json::from_str(&text).unwrap();
            replace(b, "values/grafana.yaml", Content::Yaml(objects));
        }),
        ("panel datasource not a variable", |b| {
            let mut d = json_of(b, "dashboards/alloy-health.json");
            d["panels"][1]["datasource"]["uid"] = "prometheus".into();
            replace(b, "dashboards/alloy-health.json", Content::Json(d));
        }),
        ("query on a datasource variable of another plugin", |b| {
            let mut d = json_of(b, "dashboards/kaiwo-namespace-debug.json");
            d["panels"][0]["targets"][0]["datasource"]["uid"] = "${datasource}".into();
            replace(b, "dashboards/kaiwo-namespace-debug.json", Content::Json(d));
        }),
        ("panel on a metric not collected", |b| {
            let mut d = json_of(b, "dashboards/kaiwo-cluster-health.json");
            d["panels"][0]["targets"][0]["expr"] = "avg(DCGM_FI_DEV_GPU_UTIL)".into();
            replace(b, "dashboards/kaiwo-cluster-health.json", Content::Json(d));
        }),
        ("log panel on a source not collected", |b| {
            let mut d = json_of(b, "dashboards/logs-explorer.json");
            d["panels"][2]["targets"][0]["expr"] = r#"{source="journal"}"#.into();
            replace(b, "dashboards/logs-explorer.json", Content::Json(d));
        }),
        ("custom variable offering a source not collected", |b| {
            let mut d = json_of(b, "dashboards/logs-explorer.json");
            let list = d["templating"]["list"].as_array_mut().unwrap();
            let source = list.iter_mut().find(|v| v["name"] == "source").unwrap();
            source["query"] = "pod_log,k8s_event,rke2".into();
            replace(b, "dashboards/logs-explorer.json", Content::Json(d));
        }),
        ("variable used but not defined", |b| {
            let mut d = json_of(b, "dashboards/alloy-health.json");
            d["panels"][0]["targets"][0]["expr"] = r#"sum(up{namespace="$nowhere"})"#.into();
            replace(b, "dashboards/alloy-health.json", Content::Json(d));
        }),
        ("rule on a label its series do not have", |b| {
            let Content::Yaml(mut objects) =
                b.get("monitoring/rules/loki.yaml").unwrap().content.clone()
            else {
                panic!()
            };
            objects[0]["spec"]["groups"][0]["rules"][0]["expr"] =
                r#"loki_discarded_samples_total{colour="red"} > 0"#.into();
            replace(b, "monitoring/rules/loki.yaml", Content::Yaml(objects));
        }),
        ("trace-to-logs query that can be {}", |b| {
            let Content::Yaml(mut objects) = b.get("values/grafana.yaml").unwrap().content.clone()
            else {
                panic!()
            };
            let text = serde_json::to_string(&objects[0])
                .unwrap()
                .replace(r#"{cluster=\"c\", source=\"pod_log\"}"#, "{$${__tags}}");
            objects[0] = serde_json::from_str(&text).unwrap();
            replace(b, "values/grafana.yaml", Content::Yaml(objects));
        }),
    ];
    for (what, mutate) in mutations {
        let mut mutated = bundle.clone();
        mutate(&mut mutated);
        assert_ne!(mutated, bundle, "{what}: the mutation changed nothing");
        let found = verify(&stack, &mutated);
        assert!(!found.is_empty(), "{what}: not caught");
    }
}

#[test]
fn what_is_left_out_is_listed_in_the_generated_readme() {
    // No audit pipeline, no GPUs, no Alloy limits.
    let (_, bundle) = bundle_of(STACK);
    let Content::Markdown(readme) = &bundle.get("README.md").unwrap().content else {
        panic!()
    };
    assert!(readme.contains("## Left out: data this profile does not collect"));
    assert!(readme.contains("| panel \"API audit log\" of dashboard `kaiwo-namespace-debug` |"));
    assert!(readme.contains("| alert `AlloyHighCPUUsage` (group `alloy`) |"));
}
