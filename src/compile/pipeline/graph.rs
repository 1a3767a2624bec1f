//! The pipeline as a Mermaid flowchart: components are nodes, references are
//! edges drawn in the direction data flows.

use o11yc_alloy::File;
use o11yc_alloy::check::{Reference, references};

/// Exports whose users *receive from* the exporter (discovery targets, relabel
/// rules): data flows from the referenced component to the referring one.
const PULLED_EXPORTS: &[&str] = &["targets", "output", "rules"];

/// Renders `file` as a Mermaid `flowchart LR`.
pub fn mermaid(file: &File) -> String {
    let mut nodes: Vec<String> = Vec::new();
    for block in file.blocks_iter() {
        if block.label.is_some() {
            nodes.push(block.id());
        }
    }
    let mut out = String::from("flowchart LR\n");
    for id in &nodes {
        out.push_str(&format!("  {}[\"{id}\"]\n", node_id(id)));
    }
    for Reference { from, to, export } in references(file) {
        let pulled = export
            .as_deref()
            .is_some_and(|e| PULLED_EXPORTS.contains(&e));
        let (a, b) = if pulled { (&to, &from) } else { (&from, &to) };
        let arrow = if export.as_deref() == Some("rules") {
            "-.->"
        } else {
            "-->"
        };
        out.push_str(&format!("  {} {arrow} {}\n", node_id(a), node_id(b)));
    }
    out
}

/// A Mermaid node id: the component id with dots replaced.
fn node_id(id: &str) -> String {
    id.replace('.', "_")
}

#[cfg(test)]
mod tests {
    use super::mermaid;

    #[test]
    fn edges_follow_the_data() {
        let file = o11yc_alloy::parse(
            r#"
discovery.kubernetes "pods" { role = "pod" }
loki.source.kubernetes "pods" {
  targets = discovery.kubernetes.pods.targets
  forward_to = [loki.write.default.receiver]
}
loki.write "default" { endpoint { url = "http://loki" } }
"#,
        )
        .unwrap();
        assert_eq!(
            mermaid(&file),
            "flowchart LR\n\
             \x20 discovery_kubernetes_pods[\"discovery.kubernetes.pods\"]\n\
             \x20 loki_source_kubernetes_pods[\"loki.source.kubernetes.pods\"]\n\
             \x20 loki_write_default[\"loki.write.default\"]\n\
             \x20 discovery_kubernetes_pods --> loki_source_kubernetes_pods\n\
             \x20 loki_source_kubernetes_pods --> loki_write_default\n"
        );
    }
}
