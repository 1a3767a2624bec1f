//! With `environment: production`, settings that trade safety for
//! convenience are errors unless the profile lists the risk under
//! `acknowledge`.

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::{
    Alloy, Environment, LokiMode, LongTermStorage, Placement, Profile, ResourceName, Risk, Spread,
    Storage, TempoMode,
};
use crate::resolve::sizing::Role;
use crate::resolve::tempo_sizing::{self, Role as TempoRole};

/// The `acknowledge` entry for `risk`, for messages.
fn name(risk: Risk) -> &'static str {
    match risk {
        Risk::InsecureObjectStorage => "insecureObjectStorage",
        Risk::InsecureSkipVerify => "insecureSkipVerify",
        Risk::MissingResourceLimits => "missingResourceLimits",
        Risk::UnspreadReplicas => "unspreadReplicas",
        Risk::InsecureRemoteWrite => "insecureRemoteWrite",
    }
}

fn risk_error(
    root: &Located<Node>,
    path: &[Step],
    risk: Risk,
    message: String,
    fix: &str,
) -> Diagnostic {
    error_at(root, path, message)
        .note("`environment: production` refuses this unless it is acknowledged")
        .help(format!(
            "{fix}, or accept the risk with `acknowledge: [{}]`",
            name(risk)
        ))
}

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    if profile.environment != Environment::Production {
        return;
    }
    let open = |risk| !profile.acknowledge.contains(&risk);
    for c in profile.enabled_components() {
        let key = c.key();
        if open(Risk::InsecureObjectStorage)
            && let Some(Storage::ObjectStore(store)) = c.storage()
            && store.insecure
        {
            out.push(risk_error(
                root,
                &[
                    Step::Key(key),
                    Step::Key("storage"),
                    Step::Key("objectStore"),
                    Step::Key("insecure"),
                ],
                Risk::InsecureObjectStorage,
                format!("{key} reaches its object store over plain HTTP in production"),
                "serve the store over TLS and remove `insecure: true`",
            ));
        }
        if open(Risk::MissingResourceLimits)
            && !loki_distributed(profile, key)
            && !tempo_distributed(profile, key)
        {
            missing_limits(c.placement(), &[Step::Key(key)], root, out);
        }
    }
    if open(Risk::MissingResourceLimits)
        && let Some(loki) = profile.loki.as_ref().filter(|l| l.enabled)
        && loki.mode == LokiMode::Distributed
    {
        // Each role's resources come from the sizing table (with memory
        // limits) unless the profile overrides them.
        for role in Role::ALL {
            if let Some(resources) = role
                .overrides(&loki.roles)
                .and_then(|r| r.resources.as_ref())
                && !resources.limits.contains_key(&ResourceName::Memory)
            {
                out.push(role_without_limit(
                    root,
                    "loki",
                    role.key(),
                    "set `resources.limits.memory`, or drop `resources` to use the sizing table",
                ));
            }
        }
    }
    if open(Risk::MissingResourceLimits)
        && let Some(tempo) = profile.tempo.as_ref().filter(|t| t.enabled)
        && tempo.mode == TempoMode::Distributed
    {
        // Each role's resources come from the sizing (with memory limits) unless
        // the profile overrides them; the guide has no row for the backend scheduler.
        for role in TempoRole::ALL {
            let (_, resources) = tempo_sizing::size(role, tempo);
            if resources.is_some_and(|r| r.limits.contains_key(&ResourceName::Memory)) {
                continue;
            }
            out.push(role_without_limit(
                root,
                "tempo",
                role.key(),
                if role.overrides(&tempo.roles).and_then(|r| r.resources.as_ref()).is_some() {
                    "set `resources.limits.memory`, or drop `resources` to use the derived sizing"
                } else {
                    "Tempo's sizing guide gives no numbers for this role: set its `resources` (with `limits.memory`)"
                },
            ));
        }
    }
    if open(Risk::InsecureRemoteWrite)
        && let Some(kps) = profile.prometheus.as_ref().filter(|p| p.enabled)
        && let Some(LongTermStorage::RemoteWrite(w)) = &kps.long_term_storage
        && w.url.starts_with("http://")
    {
        out.push(risk_error(
            root,
            &[
                Step::Key("prometheus"),
                Step::Key("longTermStorage"),
                Step::Key("remoteWrite"),
                Step::Key("url"),
            ],
            Risk::InsecureRemoteWrite,
            format!(
                "Prometheus remote-writes to `{}` over plain HTTP in production",
                w.url
            ),
            "use the endpoint's `https://` URL",
        ));
    }
    if open(Risk::UnspreadReplicas) {
        for r in super::spread::replicated(profile) {
            if r.placement.spread == Spread::None {
                out.push(risk_error(
                    root,
                    &[
                        Step::Key(r.key),
                        Step::Key("placement"),
                        Step::Key("spread"),
                    ],
                    Risk::UnspreadReplicas,
                    format!(
                        "{}'s {} may all run on one node in production (`spread: none`)",
                        r.key, r.example
                    ),
                    "use `spread: hostname` (the default) or `spread: zone`",
                ));
            }
        }
    }
    let mut alloys: Vec<(Vec<Step>, &Alloy)> = Vec::new();
    if let Some(alloy) = profile.alloy.as_ref().filter(|a| a.enabled) {
        alloys.push((vec![Step::Key("alloy")], alloy));
    }
    if let Some(alloy) = profile.vcluster.as_ref().and_then(|v| v.alloy.as_ref()) {
        alloys.push((vec![Step::Key("vcluster"), Step::Key("alloy")], alloy));
        if open(Risk::MissingResourceLimits) {
            missing_limits(
                &alloy.placement,
                &[Step::Key("vcluster"), Step::Key("alloy")],
                root,
                out,
            );
        }
    }
    if open(Risk::InsecureSkipVerify) {
        for (base, alloy) in &alloys {
            for (i, target) in alloy.metrics.targets.iter().enumerate() {
                if !target.insecure_skip_verify {
                    continue;
                }
                let mut path = base.clone();
                path.extend([
                    Step::Key("metrics"),
                    Step::Key("targets"),
                    Step::Index(i),
                    Step::Key("insecureSkipVerify"),
                ]);
                out.push(risk_error(
                    root,
                    &path,
                    Risk::InsecureSkipVerify,
                    format!("scrape target `{}` skips TLS verification in production", target.name),
                    "give the target a certificate Alloy can verify and remove `insecureSkipVerify`",
                ));
            }
        }
    }
}

/// In Distributed mode Loki's pods are sized per role, not by `placement.resources`.
fn loki_distributed(profile: &Profile, key: &str) -> bool {
    key == "loki"
        && profile
            .loki
            .as_ref()
            .is_some_and(|l| l.mode == LokiMode::Distributed)
}

/// In distributed mode Tempo's pods are sized per role, not by `placement.resources`.
fn tempo_distributed(profile: &Profile, key: &str) -> bool {
    key == "tempo"
        && profile
            .tempo
            .as_ref()
            .is_some_and(|t| t.mode == TempoMode::Distributed)
}

fn missing_limits(
    placement: &Placement,
    base: &[Step],
    root: &Located<Node>,
    out: &mut Vec<Diagnostic>,
) {
    let has_memory = placement
        .resources
        .as_ref()
        .is_some_and(|r| r.limits.contains_key(&ResourceName::Memory));
    if has_memory {
        return;
    }
    let mut path = base.to_vec();
    path.extend([
        Step::Key("placement"),
        Step::Key("resources"),
        Step::Key("limits"),
    ]);
    out.push(risk_error(
        root,
        &path,
        Risk::MissingResourceLimits,
        format!(
            "`{}` has no memory limit in production",
            super::dotted(base)
        ),
        "set `placement.resources.limits.memory`",
    ));
}

/// A role of a distributed component (`loki.roles.querier`) without a memory limit in
/// production, located at its `resources.limits`.
fn role_without_limit(
    root: &Located<Node>,
    component: &'static str,
    role: &'static str,
    help: &str,
) -> Diagnostic {
    let base = [Step::Key(component), Step::Key("roles"), Step::Key(role)];
    let mut path = base.to_vec();
    path.extend([Step::Key("resources"), Step::Key("limits")]);
    risk_error(
        root,
        &path,
        Risk::MissingResourceLimits,
        format!(
            "`{}` has no memory limit in production",
            super::dotted(&base)
        ),
        help,
    )
}
