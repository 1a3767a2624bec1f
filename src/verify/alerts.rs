//! Alert settings: known built-in groups and alerts, well-formed custom rules
//! whose PromQL parses, and Prometheus to run them.

use crate::compile::rules::builtin;
use crate::compile::rules::builtin_rules;
use crate::diag::Diagnostic;
use crate::diag::suggest::{did_you_mean, one_of};
use crate::load::{Located, Node};
use crate::query::{check_promql, promql_error_at};
use crate::resolve::Stack;
use crate::validate::{Step, error_at, is_dns_label, value_span};
use crate::verify::Collected;
use crate::verify::linker::link_promql;

pub fn check(stack: &Stack, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let profile = stack.profile;
    let alerts = &profile.alerts;
    let prometheus = profile.prometheus.as_ref().is_some_and(|p| p.enabled);
    if !prometheus && !alerts.custom.is_empty() {
        out.push(
            error_at(root, &[Step::Key("alerts"), Step::Key("custom")],
                "custom rules need the `prometheus` component (it brings the PrometheusRule CRD and evaluates them)")
                .help("add a `prometheus` section, or remove `alerts.custom`"),
        );
    }
    let groups = builtin::groups();
    let dropped = builtin_rules(stack).1;
    let collected = prometheus.then(|| Collected::of(stack));
    for (name, group) in &alerts.groups {
        let path = [Step::Key("alerts"), Step::Key("groups"), Step::Key(name)];
        let Some((_, known)) = groups.iter().find(|(_, g)| g.name == name) else {
            let names: Vec<&str> = groups.iter().map(|(_, g)| g.name).collect();
            let mut d = error_at(root, &path, format!("unknown alert group `{name}`"))
                .expected(one_of(&names));
            if let Some(s) = did_you_mean(name, names.iter()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            out.push(d);
            continue;
        };
        let in_group = (known.rules)();
        for (alert, o) in &group.rules {
            let rule_path = [
                Step::Key("alerts"),
                Step::Key("groups"),
                Step::Key(name),
                Step::Key("rules"),
                Step::Key(alert),
            ];
            let Some(b) = in_group.iter().find(|b| b.alert == alert) else {
                let names: Vec<&str> = in_group.iter().map(|b| b.alert).collect();
                let mut d = error_at(
                    root,
                    &rule_path,
                    format!("group `{name}` has no alert `{alert}`"),
                )
                .expected(one_of(&names));
                if let Some(s) = did_you_mean(alert, names.iter()) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                out.push(d);
                continue;
            };
            let asked = o.enabled == Some(true)
                || o.threshold.is_some()
                || o.for_.is_some()
                || o.severity.is_some();
            if let Some(d) = dropped.iter().find(|d| d.name == b.alert).filter(|_| asked) {
                out.push(
                    error_at(
                        root,
                        &rule_path,
                        format!("alert `{alert}` queries data the profile does not collect"),
                    )
                    .note(d.why.clone())
                    .help("collect that data, or remove this override (o11yc then leaves the alert out and says so in the generated README)"),
                );
            }
            if o.threshold.is_some() && b.threshold.is_none() {
                let mut path = rule_path.to_vec();
                path.push(Step::Key("threshold"));
                out.push(
                    error_at(root, &path, format!("`{alert}` has no threshold to change"))
                        .help("remove `threshold`; `for`, `severity` and `enabled` can be changed"),
                );
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (g, group) in alerts.custom.iter().enumerate() {
        let group_path = [Step::Key("alerts"), Step::Key("custom"), Step::Index(g)];
        let name_path = [
            group_path[0],
            group_path[1],
            group_path[2],
            Step::Key("name"),
        ];
        if !is_dns_label(&group.name) {
            out.push(
                error_at(
                    root,
                    &name_path,
                    format!("`{}` is not a valid rule group name", group.name),
                )
                .expected(
                    "lower-case letters, digits and `-` (it names the PrometheusRule and its file)",
                ),
            );
        } else if !seen.insert(group.name.as_str()) {
            out.push(error_at(
                root,
                &name_path,
                format!("rule group `{}` is defined twice", group.name),
            ));
        }
        for (r, rule) in group.rules.iter().enumerate() {
            let at = |key: &'static str| {
                let mut p = group_path.to_vec();
                p.extend([Step::Key("rules"), Step::Index(r), Step::Key(key)]);
                p
            };
            match (&rule.alert, &rule.record) {
                (Some(_), Some(_)) | (None, None) => out.push(
                    error_at(root, &at("expr")[..5], "a rule has either `alert` or `record`")
                        .help("`alert: Name` for an alerting rule, `record: level:metric:ops` for a recording rule"),
                ),
                (None, Some(_)) if rule.for_.is_some() || !rule.annotations.is_empty() => out.push(
                    error_at(root, &at(if rule.for_.is_some() { "for" } else { "annotations" }),
                        format!("recording rule `{}` cannot have `for` or `annotations`", rule.name()))
                        .help("remove them, or make it an alerting rule with `alert:`"),
                ),
                _ => {}
            }
            if let Err(e) = check_promql(&rule.expr) {
                let d = error_at(root, &at("expr"), format!("the expression of rule `{}` is not valid PromQL", rule.name()))
                    .help("check it in Prometheus' query editor (`promtool check rules` reports the same)");
                // At the character inside the expression, when the parser's error can be located.
                out.push(
                    match (
                        promql_error_at(&rule.expr, &e),
                        value_span(root, &at("expr")),
                    ) {
                        (Some((offset, why)), Some(span)) => {
                            d.at(span).embedded_at(&rule.expr, offset).label(why)
                        }
                        _ => d.note(e),
                    },
                );
            } else if let Some(Err(e)) = collected.as_ref().map(|c| link_promql(&rule.expr, c)) {
                out.push(
                    error_at(root, &at("expr"), format!("rule `{}` queries data the profile does not collect", rule.name()))
                        .note(e)
                        .help("collect it (an exporter, `alloy.metrics`, or a `monitors` entry for your own targets), or fix the metric or label name"),
                );
            }
        }
    }
}
