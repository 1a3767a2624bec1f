//! The shape of the alerting rules o11yc ships. Each component declares its groups
//! ([`Deployable::alert_groups`](crate::components::Deployable::alert_groups), in
//! `src/components/<name>/rules.rs`) with their default thresholds, durations and
//! severities. Expressions are built for one stack (namespaces, job names) by
//! [`Builtin::expr`]; a unit test parses every one of them.

use crate::components::{COMPONENTS, Deployable};
use crate::model::{AlloyController, ResourceName};
use crate::resolve::stack::Stack;

/// A built-in group: the alerts about one part of the stack, shipped by the component
/// that declares it when the stack deploys that component.
pub struct Group {
    /// The group's name in profiles and file names.
    pub name: &'static str,
    /// Its alerts, in output order.
    pub rules: fn() -> Vec<Builtin>,
}

/// Every built-in group of every registered component, with that component, in name
/// order (the order of the README's list of left-out alerts).
pub fn groups() -> Vec<(&'static dyn Deployable, &'static Group)> {
    groups_of(&COMPONENTS)
}

/// The built-in groups of `components`, in name order.
pub fn groups_of(
    components: &[&'static dyn Deployable],
) -> Vec<(&'static dyn Deployable, &'static Group)> {
    let mut groups: Vec<_> = components
        .iter()
        .flat_map(|&c| c.alert_groups().iter().map(move |g| (c, g)))
        .collect();
    groups.sort_by_key(|(_, g)| g.name);
    groups
}

/// What an expression is built for.
pub struct Context {
    /// Namespace of the component the group watches (`""` when it has none).
    pub namespace: String,
    /// Regex alternation of every namespace of the stack.
    pub stack_namespaces: String,
}

impl Context {
    /// The context of a group of the component living in `namespace` in `stack`.
    pub fn new(stack: &Stack, namespace: Option<&str>) -> Self {
        Context {
            namespace: namespace.unwrap_or_default().to_owned(),
            stack_namespaces: stack.namespaces().into_iter().collect::<Vec<_>>().join("|"),
        }
    }
}

/// One built-in alert.
pub struct Builtin {
    /// Alert name.
    pub alert: &'static str,
    /// Default `severity` label.
    pub severity: &'static str,
    /// Default `for`.
    pub for_: &'static str,
    /// Default threshold, for alerts that compare against one.
    pub threshold: Option<f64>,
    /// Needs kube-state-metrics.
    pub needs_kube_state_metrics: bool,
    /// Only for a DaemonSet Alloy.
    pub daemonset_only: bool,
    /// Compares against this resource limit of the Alloy container, so it is
    /// only shipped when `alloy.placement.resources.limits` sets it.
    pub needs_alloy_limit: Option<ResourceName>,
    /// Builds the expression from the context and the threshold.
    pub expr: fn(&Context, f64) -> String,
    /// `summary` annotation.
    pub summary: &'static str,
    /// `description` annotation (a Prometheus template).
    pub description: &'static str,
}

/// A built-in alert with no threshold, expression or annotations yet: the base the
/// groups' alerts are written on (`..alert(name, severity, for)`).
pub const fn alert(alert: &'static str, severity: &'static str, for_: &'static str) -> Builtin {
    Builtin {
        alert,
        severity,
        for_,
        threshold: None,
        needs_kube_state_metrics: false,
        daemonset_only: false,
        needs_alloy_limit: None,
        expr: |_, _| String::new(),
        summary: "",
        description: "",
    }
}

/// Every built-in alert, in group order.
#[cfg(test)]
pub fn all() -> Vec<Builtin> {
    groups()
        .into_iter()
        .flat_map(|(_, g)| (g.rules)())
        .collect()
}

/// Whether `builtin` applies to Alloy run by `controller`.
pub fn fits_controller(builtin: &Builtin, controller: AlloyController) -> bool {
    !builtin.daemonset_only || controller == AlloyController::Daemonset
}
