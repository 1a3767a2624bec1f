//! Placement settings in the shapes Kubernetes and the charts expect.

use std::collections::BTreeMap;

use crate::model::{Node, Placement, Resources, Spread, TaintEffect, Toleration};
use k8s_openapi::api::core::v1::{Toleration as KubeToleration, TopologySpreadConstraint};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// The Kubernetes spelling of a taint effect.
pub fn effect_name(effect: TaintEffect) -> &'static str {
    match effect {
        TaintEffect::NoSchedule => "NoSchedule",
        TaintEffect::PreferNoSchedule => "PreferNoSchedule",
        TaintEffect::NoExecute => "NoExecute",
    }
}

/// A profile toleration as a Kubernetes toleration.
pub fn kube_toleration(t: &Toleration) -> KubeToleration {
    KubeToleration {
        key: Some(t.key.clone()),
        operator: Some(if t.value.is_some() { "Equal" } else { "Exists" }.to_owned()),
        value: t.value.clone(),
        effect: t.effect.map(|e| effect_name(e).to_owned()),
        toleration_seconds: None,
    }
}

/// The scheduling fields every chart takes: `nodeSelector`, `tolerations`, `resources`.
#[derive(Clone, Debug, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodPlacement {
    /// Node labels the pods must match.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    /// Tolerated taints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<KubeToleration>,
    /// Requests and limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
}

impl From<&Placement> for PodPlacement {
    fn from(p: &Placement) -> Self {
        PodPlacement {
            node_selector: p.node_selector.clone(),
            tolerations: p.tolerations.iter().map(kube_toleration).collect(),
            resources: p.resources.clone(),
        }
    }
}

/// The node label of each node's hostname.
pub const HOSTNAME_KEY: &str = "kubernetes.io/hostname";

/// The node label of each node's zone.
pub const ZONE_KEY: &str = "topology.kubernetes.io/zone";

/// The distinct zones of the declared nodes (their `topology.kubernetes.io/zone`
/// labels), sorted.
pub fn zones(nodes: &[Node]) -> Vec<&str> {
    let set: std::collections::BTreeSet<&str> = nodes
        .iter()
        .filter_map(|n| n.labels.get(ZONE_KEY).map(String::as_str))
        .collect();
    set.into_iter().collect()
}

/// The topology spread constraints of a workload with `replicas` pods that
/// carry `labels`; none for a single pod or `spread: none`.
///
/// Both policies are `Honor` so that nodes the pods may not run on (a node
/// selector, an untolerated taint) count as no domain: with the default
/// `nodeTaintsPolicy: Ignore` an empty tainted control-plane node would hold
/// the skew and leave pods pending.
pub fn spread_constraints(
    spread: Spread,
    replicas: u32,
    labels: &BTreeMap<String, String>,
) -> Vec<TopologySpreadConstraint> {
    let constraint = |key: &str, when: &str| TopologySpreadConstraint {
        label_selector: Some(LabelSelector {
            match_labels: Some(labels.clone()),
            match_expressions: None,
        }),
        match_label_keys: None,
        max_skew: 1,
        min_domains: None,
        node_affinity_policy: Some("Honor".to_owned()),
        node_taints_policy: Some("Honor".to_owned()),
        topology_key: key.to_owned(),
        when_unsatisfiable: when.to_owned(),
    };
    if replicas < 2 {
        return Vec::new();
    }
    match spread {
        Spread::None => Vec::new(),
        Spread::Hostname => vec![constraint(HOSTNAME_KEY, "DoNotSchedule")],
        // Zones are the failure domain that must hold; nodes within a zone
        // are spread where the zone has room.
        Spread::Zone => vec![
            constraint(ZONE_KEY, "DoNotSchedule"),
            constraint(HOSTNAME_KEY, "ScheduleAnyway"),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> BTreeMap<String, String> {
        BTreeMap::from([("app".to_owned(), "x".to_owned())])
    }

    #[test]
    fn one_replica_or_none_gets_no_constraint() {
        assert!(spread_constraints(Spread::Hostname, 1, &labels()).is_empty());
        assert!(spread_constraints(Spread::None, 3, &labels()).is_empty());
    }

    #[test]
    fn hostname_is_hard_and_zone_adds_a_soft_hostname_spread() {
        let host = spread_constraints(Spread::Hostname, 2, &labels());
        assert_eq!(host.len(), 1);
        assert_eq!(host[0].topology_key, HOSTNAME_KEY);
        assert_eq!(host[0].when_unsatisfiable, "DoNotSchedule");
        assert_eq!(host[0].node_taints_policy.as_deref(), Some("Honor"));
        assert_eq!(
            host[0].label_selector.as_ref().unwrap().match_labels,
            Some(labels())
        );
        let zone = spread_constraints(Spread::Zone, 2, &labels());
        let keys: Vec<(&str, &str)> = zone
            .iter()
            .map(|c| (c.topology_key.as_str(), c.when_unsatisfiable.as_str()))
            .collect();
        assert_eq!(
            keys,
            vec![
                (ZONE_KEY, "DoNotSchedule"),
                (HOSTNAME_KEY, "ScheduleAnyway")
            ]
        );
    }
}
