//! Text a Helm chart would evaluate as a Go template. The charts pass parts of
//! their values through `tpl` (Loki's whole configuration, Grafana's `grafana.ini`
//! and datasources), so `{{ .Release.Namespace }}` in a profile value would be
//! evaluated by Helm, and an unbalanced `{{` would make the release fail to render.
//! Profile values never need template syntax, so it is refused wherever it could
//! reach a chart: everywhere except the sections o11yc writes itself (rules and
//! monitors are custom resources, `custom` Alloy text goes into a ConfigMap that
//! kustomize generates).

use super::locate::{Step, dotted};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};

/// Top-level sections that never reach a chart's values.
const NOT_IN_CHARTS: &[&str] = &["alerts", "monitors", "description", "extends"];

pub fn check(root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let Node::Map(map) = &root.value else {
        return;
    };
    for (key, entry) in map {
        if NOT_IN_CHARTS.contains(&key.as_str()) {
            continue;
        }
        walk(&entry.value, &mut vec![Step::Key(key)], out);
    }
}

fn walk<'a>(node: &'a Located<Node>, path: &mut Vec<Step<'a>>, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Node::Str(text) if text.contains("{{") || text.contains("}}") => {
            out.push(
                Diagnostic::error("Go template delimiters (`{{` or `}}`) in a value that reaches a Helm chart")
                    .key_path(dotted(path))
                    .at(node.span)
                    .label("Helm would evaluate this text with `tpl`")
                    .note("the charts render parts of their values as templates, so Helm would replace or reject this text")
                    .help("write the literal value without `{{ }}`; o11yc fills in release names and namespaces itself"),
            );
        }
        Node::Map(map) => {
            for (key, entry) in map {
                // Alloy text reaches the cluster through a generated ConfigMap, not a chart.
                if key == "custom" {
                    continue;
                }
                path.push(Step::Key(key));
                walk(&entry.value, path, out);
                path.pop();
            }
        }
        Node::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                walk(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}
