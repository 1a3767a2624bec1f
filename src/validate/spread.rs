//! `placement.spread` must be satisfiable: spreading by zone needs declared
//! nodes in two zones, three for distributed Loki (its ingesters are pinned to
//! them). The replicated workloads are listed here for the production check too.

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::{Access, LokiMode, Placement, Profile, Spread, TempoMode};
use crate::resolve::placement::{ZONE_KEY, zones};
use crate::resolve::sizing::{self, Role};
use crate::resolve::tempo_sizing::{self, Role as TempoRole};

/// A component whose workloads include one with more than one replica: its
/// profile key, the placement whose `spread` applies, and the replicated
/// workload it names in messages.
pub struct Replicated<'p> {
    /// The component's key.
    pub key: &'static str,
    /// The placement whose `spread` applies.
    pub placement: &'p Placement,
    /// A replicated workload, e.g. `6 ingester pods`.
    pub example: String,
}

/// The components of `profile` with a workload of more than one replica.
pub fn replicated(profile: &Profile) -> Vec<Replicated<'_>> {
    let mut out = Vec::new();
    if let Some(loki) = profile.loki.as_ref().filter(|l| l.enabled)
        && loki.mode == LokiMode::Distributed
        && let Some((role, n)) = Role::ALL
            .iter()
            .map(|&r| (r, sizing::size(r, &loki.roles).0))
            .find(|&(_, n)| n > 1)
    {
        out.push(Replicated {
            key: "loki",
            placement: &loki.placement,
            example: format!("{n} {} pods", role.component()),
        });
    }
    if let Some(tempo) = profile.tempo.as_ref().filter(|t| t.enabled)
        && tempo.mode == TempoMode::Distributed
        && let Some((role, n)) = TempoRole::ALL
            .iter()
            // The chart runs one backend scheduler whatever `replicas` says.
            .filter(|&&r| r != TempoRole::BackendScheduler)
            .map(|&r| (r, tempo_sizing::size(r, tempo).0))
            .find(|&(_, n)| n > 1)
    {
        out.push(Replicated {
            key: "tempo",
            placement: &tempo.placement,
            example: format!("{n} {} pods", role.component()),
        });
    }
    if let Some(kps) = profile.prometheus.as_ref().filter(|p| p.enabled) {
        let alertmanagers = if kps.alertmanager.enabled {
            kps.alertmanager.replicas
        } else {
            0
        };
        if kps.replicas > 1 || alertmanagers > 1 {
            let example = if kps.replicas > 1 {
                format!("{} Prometheus replicas", kps.replicas)
            } else {
                format!("{alertmanagers} Alertmanager replicas")
            };
            out.push(Replicated {
                key: "prometheus",
                placement: &kps.placement,
                example,
            });
        }
    }
    if let Some(grafana) = profile.grafana.as_ref().filter(|g| g.enabled)
        && let Access::CloudflareTunnel(tunnel) = &grafana.access
        && tunnel.replicas > 1
    {
        out.push(Replicated {
            key: "grafana",
            placement: &grafana.placement,
            example: format!("{} cloudflared replicas", tunnel.replicas),
        });
    }
    out
}

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let nodes = &profile.cluster.nodes;
    let zones = zones(nodes);
    for r in replicated(profile) {
        if r.placement.spread != Spread::Zone {
            continue;
        }
        // Distributed Loki's ingesters become three zone StatefulSets, each
        // pinned to one declared zone; other workloads only need two zones,
        // and are not checked when no nodes are declared.
        let ingesters = r.key == "loki";
        let needed = if ingesters { 3 } else { 2 };
        if zones.len() >= needed || (!ingesters && nodes.is_empty()) {
            continue;
        }
        let found = match zones.as_slice() {
            [] if nodes.is_empty() => "`cluster.nodes` declares no nodes".to_owned(),
            [] => format!("no node in `cluster.nodes` has the label `{ZONE_KEY}`"),
            [zone] => format!("every node in `cluster.nodes` is in zone `{zone}`"),
            several => format!(
                "`cluster.nodes` has only the zones {}",
                several
                    .iter()
                    .map(|z| format!("`{z}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        };
        let mut diagnostic = error_at(
            root,
            &[
                Step::Key(r.key),
                Step::Key("placement"),
                Step::Key("spread"),
            ],
            format!(
                "`spread: zone` cannot spread {}'s {} over zones: {found}",
                r.key, r.example
            ),
        )
        .expected(format!(
            "nodes labelled `{ZONE_KEY}` with at least {} values",
            if ingesters { "three" } else { "two" }
        ))
        .note("the pods would stay pending: a zone spread is a hard constraint");
        if ingesters {
            diagnostic = diagnostic.note(
                "with `spread: zone` Loki's ingesters run zone-aware: three StatefulSets, each pinned to one of the first three declared zones, so the three copies of a stream are in three zones",
            );
        }
        out.push(diagnostic.help(
            "declare the nodes with their zone labels under `cluster.nodes`, or use `spread: hostname`",
        ));
    }
}
