use super::compare::{PathChange, ProfileDiff};
use super::*;
use crate::render::RenderedTree;

fn tree(files: &[(&str, &str)]) -> RenderedTree {
    files
        .iter()
        .map(|(p, t)| ((*p).to_owned(), t.as_bytes().to_vec()))
        .collect()
}

fn diff(old: &[(&str, &str)], new: &[(&str, &str)]) -> ProfileDiff {
    compare("p", &Model::of(&tree(old)), &Model::of(&tree(new)))
}

#[test]
fn key_order_and_formatting_are_not_changes() {
    let a = "kind: ConfigMap\nmetadata:\n  name: x\n  namespace: n\ndata:\n  a: '1'\n  b: '2'\n";
    let b = "kind: ConfigMap\ndata: {b: \"2\", a: \"1\"}\nmetadata: {namespace: n, name: x}\n";
    assert!(diff(&[("x.yaml", a)], &[("y.yaml", b)]).is_empty());
}

#[test]
fn a_changed_object_lists_its_key_paths() {
    let a = "kind: ConfigMap\nmetadata: {name: x, namespace: ns}\ndata: {a: '1'}\n";
    let b = "kind: ConfigMap\nmetadata: {name: x, namespace: ns}\ndata: {a: '2'}\n";
    let d = diff(&[("x.yaml", a)], &[("x.yaml", b)]);
    assert_eq!(d.items.len(), 1);
    assert_eq!(d.items[0].id, "ConfigMap ns/x");
    assert_eq!(
        d.items[0].changes,
        vec![PathChange {
            path: "data.a".into(),
            old: Some("1".into()),
            new: Some("2".into())
        }]
    );
}

#[test]
fn secret_values_are_never_shown() {
    let a = "kind: Secret\nmetadata: {name: s, namespace: ns}\nstringData: {token: hunter2}\n";
    let b = "kind: Secret\nmetadata: {name: s, namespace: ns}\nstringData: {token: sw0rdfish}\n";
    let d = diff(&[("s.yaml", a)], &[("s.yaml", b)]);
    assert_eq!(d.items.len(), 1, "a changed secret is still reported");
    let all = format!(
        "{}{}{}",
        text(std::slice::from_ref(&d)),
        markdown(std::slice::from_ref(&d), MARKDOWN_CAP),
        json(&[d])
    );
    assert!(
        !all.contains("hunter2") && !all.contains("sw0rdfish"),
        "{all}"
    );
    assert!(all.contains("stringData.token"), "{all}");
}

#[test]
fn markdown_is_cut_at_the_cap_with_a_note() {
    let cm = |v: &str| {
        let data: String = (0..1000).map(|i| format!("  k{i}: {v}{i}\n")).collect();
        format!("kind: ConfigMap\nmetadata: {{name: x}}\ndata:\n{data}")
    };
    let (a, b) = (cm("old"), cm("new"));
    let many: Vec<ProfileDiff> = (0..3)
        .map(|i| {
            let mut d = diff(&[("x.yaml", &a)], &[("x.yaml", &b)]);
            d.profile = format!("p{i}");
            d
        })
        .collect();
    assert_eq!(many[0].items[0].changes.len(), 1000);
    let md = markdown(&many, 60_000);
    assert!(md.len() <= 60_000, "{}", md.len());
    assert!(md.contains("<details><summary><code>p0</code>"), "{md}");
    assert!(!md.contains("<code>p2</code>"), "{md}");
    assert!(
        md.contains("Cut to stay under 60000 characters: the details of `p1`, `p2`"),
        "{md}"
    );
    let all = markdown(&many, 1_000_000);
    assert!(all.contains("<code>p2</code>") && !all.contains("Cut to stay"));
}

#[test]
fn a_pipeline_in_a_values_string_is_a_pipeline_not_a_string() {
    let alloy = "loki.write \"default\" {\n  endpoint { url = \"http://loki\" }\n}\n";
    let v = |a: &str| {
        format!(
            "alloy:\n  config: |\n{}",
            a.lines().map(|l| format!("    {l}\n")).collect::<String>()
        )
    };
    let b = alloy.replace("default", "main");
    let d = diff(&[("values.yaml", &v(alloy))], &[("values.yaml", &v(&b))]);
    assert_eq!(d.pipelines.len(), 1, "{d:?}");
    assert_eq!(d.pipelines[0].components_added, vec!["loki.write.main"]);
    assert!(
        d.items.is_empty(),
        "the text is not shown as a changed value too: {d:?}"
    );
}
