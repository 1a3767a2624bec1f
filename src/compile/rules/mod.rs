//! PrometheusRules: the built-in groups that fit the stack, with the profile's
//! overrides applied, and the profile's own groups. One PrometheusRule per group,
//! in Prometheus' namespace, labelled so that Prometheus selects it.

pub mod builtin;

use std::collections::BTreeMap;

use crate::compile::crd::CustomResource;
use crate::compile::document::{Bundle, to_value};
use crate::compile::meta::{object_meta, with_labels};
use crate::compile::monitoring_crd::{MONITORING_V1, PrometheusRuleSpec, Rule, RuleGroup};
use crate::components::{COMPONENTS, Deployable};
use crate::model::{CustomGroup, Duration, PrometheusStack, ResourceName};
use crate::resolve::stack::Stack;
use crate::verify::Collected;
use crate::verify::linker::link_promql;

use builtin::{Builtin, Context};

/// A built-in rule or panel left out because the profile does not collect its data.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Dropped {
    /// The alert's name or the panel's title.
    pub name: String,
    /// What was left out (`alert AlloyHighCPUUsage`, `panel "GPU utilisation" of dashboard x`).
    pub what: String,
    /// Why.
    pub why: String,
}

/// Where a group's PrometheusRule is written; `scripts/promtool.sh` reads these.
pub fn rule_path(group: &str) -> String {
    format!("monitoring/rules/{group}.yaml")
}

/// The built-in groups the stack gets, each with its rules after overrides. (For tests.)
#[cfg(test)]
pub fn builtin_groups(stack: &Stack) -> Vec<RuleGroup> {
    builtin_rules(stack).0
}

/// The built-in groups the stack gets, and the built-in rules left out because
/// their data is not collected (checked by the query linker).
pub fn builtin_rules(stack: &Stack) -> (Vec<RuleGroup>, Vec<Dropped>) {
    builtin_rules_of(stack, &COMPONENTS)
}

/// [`builtin_rules`] for the groups of `components` only.
pub fn builtin_rules_of(
    stack: &Stack,
    components: &[&'static dyn Deployable],
) -> (Vec<RuleGroup>, Vec<Dropped>) {
    let mut dropped = Vec::new();
    let Some(kps) = stack.prometheus() else {
        return (Vec::new(), dropped);
    };
    let alerts = &stack.profile.alerts;
    if !alerts.enabled {
        return (Vec::new(), dropped);
    }
    let collected = Collected::of(stack);
    let mut out = Vec::new();
    for (component, group) in builtin::groups_of(components) {
        let overrides = alerts.groups.get(group.name);
        if !component.deployed(stack) || overrides.is_some_and(|o| !o.enabled) {
            continue;
        }
        let context = Context::new(stack, component.namespace(stack));
        let rules: Vec<Rule> = (group.rules)()
            .iter()
            .filter(|b| fits(stack, kps, b))
            .filter_map(|b| {
                let o = overrides.and_then(|o| o.rules.get(b.alert));
                if o.and_then(|o| o.enabled) == Some(false) {
                    return None;
                }
                let threshold = o.and_then(|o| o.threshold).or(b.threshold).unwrap_or(0.0);
                let for_ = o.and_then(|o| o.for_).unwrap_or_else(|| {
                    b.for_
                        .parse::<Duration>()
                        .expect("built-in durations are valid")
                });
                let severity = o
                    .and_then(|o| o.severity.clone())
                    .unwrap_or_else(|| b.severity.to_owned());
                let expr = (b.expr)(&context, threshold);
                if let Some(why) = unlinked(stack, b, &expr, &collected) {
                    dropped.push(Dropped {
                        name: b.alert.to_owned(),
                        what: format!("alert `{}` (group `{}`)", b.alert, group.name),
                        why,
                    });
                    return None;
                }
                Some(Rule {
                    alert: Some(b.alert.to_owned()),
                    record: None,
                    expr,
                    for_: Some(for_.prometheus()),
                    labels: BTreeMap::from([("severity".to_owned(), severity)]),
                    annotations: BTreeMap::from([
                        ("description".to_owned(), b.description.to_owned()),
                        ("summary".to_owned(), b.summary.to_owned()),
                    ]),
                })
            })
            .collect();
        if !rules.is_empty() {
            out.push(RuleGroup {
                name: group.name.to_owned(),
                interval: None,
                rules,
            });
        }
    }
    (out, dropped)
}

/// Why a built-in rule cannot show data in this stack, if it cannot.
pub fn unlinked(stack: &Stack, b: &Builtin, expr: &str, collected: &Collected) -> Option<String> {
    if let Some(resource) = b.needs_alloy_limit {
        let limits = stack
            .alloy()
            .and_then(|a| a.placement.resources.as_ref())
            .map(|r| &r.limits);
        if !limits.is_some_and(|l| l.contains_key(&resource)) {
            let key = match resource {
                ResourceName::Cpu => "cpu",
                ResourceName::Memory => "memory",
            };
            return Some(format!(
                "it divides by Alloy's {key} limit, which `alloy.placement.resources.limits.{key}` does not set"
            ));
        }
    }
    link_promql(expr, collected).err()
}

fn fits(stack: &Stack, kps: &PrometheusStack, builtin: &Builtin) -> bool {
    (!builtin.needs_kube_state_metrics || kps.kube_state_metrics.enabled)
        && stack
            .alloy()
            .is_none_or(|a| builtin::fits_controller(builtin, a.controller))
}

/// A group of the profile's own rules.
pub fn custom_group(group: &CustomGroup) -> RuleGroup {
    RuleGroup {
        name: group.name.clone(),
        interval: group.interval.as_ref().map(Duration::prometheus),
        rules: group
            .rules
            .iter()
            .map(|r| Rule {
                alert: r.alert.clone(),
                record: r.record.clone(),
                expr: r.expr.clone(),
                for_: r.for_.as_ref().map(Duration::prometheus),
                labels: r.labels.clone(),
                annotations: r.annotations.clone(),
            })
            .collect(),
    }
}

/// Emits `monitoring/rules/<group>.yaml` per built-in group and
/// `monitoring/rules/custom-<name>.yaml` per custom group (only with Prometheus);
/// returns the built-in rules left out because their data is not collected.
pub fn emit(stack: &Stack, bundle: &mut Bundle) -> Vec<Dropped> {
    let Some(kps) = stack.prometheus() else {
        return Vec::new();
    };
    let namespace = stack.namespace_of(kps);
    let labels = kps.selector_labels();
    let (groups, dropped) = builtin_rules(stack);
    let builtin = groups.into_iter().map(|g| (g.name.clone(), g));
    let custom = stack
        .profile
        .alerts
        .custom
        .iter()
        .map(|g| (format!("custom-{}", g.name), custom_group(g)));
    for (file, group) in builtin.chain(custom) {
        let rule = CustomResource {
            api_version: MONITORING_V1,
            kind: "PrometheusRule",
            metadata: with_labels(
                object_meta(&format!("o11yc-{file}"), Some(namespace)),
                &labels,
            ),
            spec: PrometheusRuleSpec {
                groups: vec![group],
            },
        };
        bundle.resource(rule_path(&file), vec![to_value(&rule)]);
    }
    dropped
}

#[cfg(test)]
mod tests;
