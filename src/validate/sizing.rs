//! Loki's deployment mode must fit the expected ingest, and Distributed mode
//! needs object storage and enough ingesters for its replication factor;
//! Prometheus and Alertmanager replicas must be deployable.

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::{LokiMode, LongTermStorage, Profile, Storage};
use crate::resolve::sizing::{
    DISTRIBUTED_MAX_PER_DAY, REPLICATION_FACTOR, SINGLE_BINARY_MAX_PER_DAY,
};

const SINGLE_BINARY_RULE: &str = "Loki's SingleBinary (monolithic) mode is for \"small read/write volumes of up to approximately 20GB per day\" (grafana.com/docs/loki/latest/get-started/deployment-modes)";
const DISTRIBUTED_RULE: &str = "o11yc sizes Distributed mode from the \"less than 3 TB/day\" row of Loki's sizing guide (grafana.com/docs/loki/latest/setup/size), the largest row it carries";

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    prometheus(profile, root, out);
    loki(profile, root, out);
}

fn prometheus(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let Some(kps) = profile.prometheus.as_ref().filter(|p| p.enabled) else {
        return;
    };
    for (path, n) in [
        (
            &[Step::Key("prometheus"), Step::Key("replicas")][..],
            kps.replicas,
        ),
        (
            &[
                Step::Key("prometheus"),
                Step::Key("alertmanager"),
                Step::Key("replicas"),
            ][..],
            kps.alertmanager.replicas,
        ),
    ] {
        if n == 0 {
            out.push(
                error_at(root, path, "0 replicas would deploy nothing")
                    .expected("1, or 2 or more for high availability")
                    .help("set `replicas: 2`, or `enabled: false` to leave the component out"),
            );
        }
    }
    if kps.replicas > 1 && matches!(kps.storage, Some(Storage::HostPath(_))) {
        out.push(
            error_at(
                root,
                &[Step::Key("prometheus"), Step::Key("replicas")],
                format!(
                    "{} Prometheus replicas cannot share one hostPath volume",
                    kps.replicas
                ),
            )
            .expected(
                "`storage: { claim: ... }` (one claim per replica) with more than one replica",
            )
            .note("o11yc pre-binds a hostPath volume to exactly one pod's claim")
            .help("use `storage: { claim: { size: ... } }`, or `replicas: 1`"),
        );
    }
    if let Some(LongTermStorage::RemoteWrite(w)) = &kps.long_term_storage
        && !(w.url.starts_with("https://") || w.url.starts_with("http://"))
    {
        out.push(
            error_at(
                root,
                &[
                    Step::Key("prometheus"),
                    Step::Key("longTermStorage"),
                    Step::Key("remoteWrite"),
                    Step::Key("url"),
                ],
                format!("remote write URL `{}` is not an http(s) URL", w.url),
            )
            .expected("a URL such as `https://mimir.example.com/api/v1/push`")
            .help("give the endpoint's full URL with its scheme"),
        );
    }
}

fn loki(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let Some(loki) = profile.loki.as_ref().filter(|l| l.enabled) else {
        return;
    };
    let per_day = loki.ingest_per_day.as_ref();
    match loki.mode {
        LokiMode::SingleBinary => {
            if let Some(q) = per_day.filter(|q| q.bytes() > SINGLE_BINARY_MAX_PER_DAY) {
                out.push(
                    error_at(
                        root,
                        &[Step::Key("loki"), Step::Key("ingestPerDay")],
                        format!("loki's ingestPerDay of {q} is beyond what SingleBinary mode handles"),
                    )
                    .expected("at most 20 GB/day with `mode: singleBinary`")
                    .note(SINGLE_BINARY_RULE)
                    .help("set `mode: distributed` under `loki` (with `storage: { objectStore: ... }`)"),
                );
            }
        }
        LokiMode::Distributed => {
            if !matches!(loki.storage, Storage::ObjectStore(_)) {
                out.push(
                    error_at(
                        root,
                        &[Step::Key("loki"), Step::Key("mode")],
                        "loki's Distributed mode needs object storage",
                    )
                    .expected("`storage: { objectStore: ... }` with `mode: distributed`")
                    .note("every role reads and writes chunks and index in a shared bucket; a volume is local to one pod")
                    .help("give `loki.storage` an `objectStore`, or use `mode: singleBinary`"),
                );
            }
            if loki.placement.resources.is_some() {
                out.push(
                    error_at(
                        root,
                        &[Step::Key("loki"), Step::Key("placement"), Step::Key("resources")],
                        "`loki.placement.resources` does not apply in Distributed mode",
                    )
                    .expected("per-role `loki.roles.<role>.resources`, or none (the sizing table)")
                    .note(DISTRIBUTED_RULE)
                    .help("remove `placement.resources`; override a role with e.g. `roles: { querier: { resources: ... } }`"),
                );
            }
            if let Some(q) = per_day.filter(|q| q.bytes() > DISTRIBUTED_MAX_PER_DAY) {
                out.push(
                    error_at(
                        root,
                        &[Step::Key("loki"), Step::Key("ingestPerDay")],
                        format!(
                            "loki's ingestPerDay of {q} is beyond the sizing table o11yc carries"
                        ),
                    )
                    .expected("at most 3 TB/day")
                    .note(DISTRIBUTED_RULE)
                    .help(
                        "split the logs over several Loki installations, or lower `ingestPerDay`",
                    ),
                );
            }
            if let Some(n) = loki
                .roles
                .ingester
                .as_ref()
                .and_then(|r| r.replicas)
                .filter(|&n| n < REPLICATION_FACTOR)
            {
                out.push(
                    error_at(
                        root,
                        &[
                            Step::Key("loki"),
                            Step::Key("roles"),
                            Step::Key("ingester"),
                            Step::Key("replicas"),
                        ],
                        format!("{n} ingesters cannot hold the {REPLICATION_FACTOR} copies of every stream"),
                    )
                    .expected(format!("at least {REPLICATION_FACTOR} ingesters (Loki's replication factor)"))
                    .note(DISTRIBUTED_RULE)
                    .help("raise `replicas`, or drop it to use the table's 6"),
                );
            }
        }
    }
}
