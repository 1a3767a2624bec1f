//! Loki's deployment mode must fit the expected ingest, and Distributed mode
//! needs object storage and enough ingesters for its replication factor (a
//! multiple of the three zones when they run zone-aware);
//! Prometheus and Alertmanager replicas must be deployable; distributed Tempo
//! needs Kafka, object storage and one Kafka consumer of each kind per partition.

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::{
    Loki, LokiMode, LongTermStorage, Profile, RemoteWriteTarget, SecretKeyRef, Spread, Storage,
    TempoMode, ThanosSidecar,
};
use crate::resolve::sizing::{
    DISTRIBUTED_MAX_PER_DAY, REPLICATION_FACTOR, SINGLE_BINARY_MAX_PER_DAY,
};
use crate::resolve::tempo_sizing::{MB_PER_PARTITION, Role as TempoRole, min_partitions};

const SINGLE_BINARY_RULE: &str = "Loki's SingleBinary (monolithic) mode is for \"small read/write volumes of up to approximately 20GB per day\" (grafana.com/docs/loki/latest/get-started/deployment-modes)";
const DISTRIBUTED_RULE: &str = "o11yc sizes Distributed mode from the \"less than 3 TB/day\" row of Loki's sizing guide (grafana.com/docs/loki/latest/setup/size), the largest row it carries";

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    prometheus(profile, root, out);
    loki(profile, root, out);
    tempo(profile, root, out);
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
    if let Some(LongTermStorage::Thanos(t)) = &kps.long_term_storage {
        thanos_secret(t, root, out);
    }
    if let Some(LongTermStorage::RemoteWrite(w)) = &kps.long_term_storage {
        remote_write_auth(w, root, out);
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

/// Whether `name` is a valid Secret name (a DNS subdomain).
fn is_secret_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        })
}

/// Whether `key` is a valid Secret data key.
fn is_secret_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The sidecar reads its object store from a Secret key the chart cannot
/// create for it; a reference that can name no Secret would leave every
/// Prometheus pod failing to start.
fn thanos_secret(t: &ThanosSidecar, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    secret_ref(
        &[
            Step::Key("prometheus"),
            Step::Key("longTermStorage"),
            Step::Key("thanos"),
            Step::Key("objectStoreSecret"),
        ],
        &t.object_store_secret,
        (
            "the Thanos object-store Secret",
            "thanos-objstore",
            "objstore.yml",
        ),
        "the Thanos sidecar of every Prometheus pod reads its bucket configuration from this Secret key",
        root,
        out,
    );
}

/// Remote-write credentials come from Secret keys that must be nameable, and
/// one kind of authentication at a time.
fn remote_write_auth(w: &RemoteWriteTarget, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let base = [
        Step::Key("prometheus"),
        Step::Key("longTermStorage"),
        Step::Key("remoteWrite"),
    ];
    let note = "Prometheus reads the remote-write credentials from this Secret key; without it the endpoint refuses every sample";
    if let Some(b) = &w.basic_auth {
        for (part, secret) in [("username", &b.username), ("password", &b.password)] {
            let mut path = base.to_vec();
            path.extend([Step::Key("basicAuth"), Step::Key(part)]);
            secret_ref(
                &path,
                secret,
                ("a remote-write credentials Secret", "mimir-auth", part),
                note,
                root,
                out,
            );
        }
    }
    if let Some(t) = &w.bearer_token {
        let mut path = base.to_vec();
        path.push(Step::Key("bearerToken"));
        secret_ref(
            &path,
            t,
            ("a remote-write credentials Secret", "mimir-auth", "token"),
            note,
            root,
            out,
        );
        if w.basic_auth.is_some() {
            out.push(
                error_at(
                    root,
                    &path,
                    "remote write has both `basicAuth` and `bearerToken`",
                )
                .expected("one of `basicAuth` or `bearerToken`")
                .note("Prometheus sends one `Authorization` header per request")
                .help("keep the one the endpoint expects and remove the other"),
            );
        }
    }
}

/// A Secret reference must be able to name a Secret key. `what` is the
/// Secret in messages, with an example name and key.
fn secret_ref(
    base: &[Step],
    secret: &SecretKeyRef,
    (what, example_name, example_key): (&str, &str, &str),
    note: &str,
    root: &Located<Node>,
    out: &mut Vec<Diagnostic>,
) {
    for (field, value, valid, expected) in [
        (
            "name",
            &secret.name,
            is_secret_name(&secret.name),
            format!("a Secret name: lowercase letters, digits, `-` and `.`, e.g. `{example_name}`"),
        ),
        (
            "key",
            &secret.key,
            is_secret_key(&secret.key),
            format!("a Secret key: letters, digits, `-`, `_` and `.`, e.g. `{example_key}`"),
        ),
    ] {
        if valid {
            continue;
        }
        let mut path = base.to_vec();
        path.push(Step::Key(field));
        out.push(
            error_at(
                root,
                &path,
                format!(
                    "{} cannot be the {field} of {what}",
                    if value.is_empty() {
                        "an empty string".to_owned()
                    } else {
                        format!("`{value}`")
                    }
                ),
            )
            .expected(expected)
            .note(note.to_owned())
            .help(format!("give the {field} of {what}")),
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
            zone_ingesters(loki, root, out);
        }
    }
}

/// The zones of zone-aware ingesters (the chart's zones A, B and C).
const INGESTER_ZONES: u32 = 3;

/// With `spread: zone` the ingesters run as three zone StatefulSets of
/// `ceil(replicas / 3)` pods each (the chart's `loki.ingester.replicasPerZone`),
/// so a count that is not a multiple of three silently deploys more.
fn zone_ingesters(loki: &Loki, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let Some(n) = loki
        .roles
        .ingester
        .as_ref()
        .and_then(|r| r.replicas)
        .filter(|&n| n >= REPLICATION_FACTOR && n % INGESTER_ZONES != 0)
    else {
        return;
    };
    if loki.placement.spread != Spread::Zone {
        return;
    }
    let per_zone = n.div_ceil(INGESTER_ZONES);
    let below = n - n % INGESTER_ZONES;
    out.push(
        error_at(
            root,
            &[
                Step::Key("loki"),
                Step::Key("roles"),
                Step::Key("ingester"),
                Step::Key("replicas"),
            ],
            format!(
                "{n} ingesters do not split over {INGESTER_ZONES} zones: the chart runs ceil({n} / {INGESTER_ZONES}) = {per_zone} per zone, {} in all",
                per_zone * INGESTER_ZONES
            ),
        )
        .expected(format!("a multiple of {INGESTER_ZONES} with `placement.spread: zone`"))
        .note("with `spread: zone` Loki's ingesters run zone-aware: one StatefulSet per zone, each with the same number of pods")
        .help(format!(
            "set `replicas: {below}` or `replicas: {}`",
            per_zone * INGESTER_ZONES
        )),
    );
}

const TEMPO_LIVE_STORE_RULE: &str = "Tempo's sizing guide runs 1 live-store per 6-10 MB/s of received spans (grafana.com/docs/tempo/next/set-up-for-tracing/setup-tempo/plan/size), and each live-store consumes one partition; o11yc takes the 10 MB/s end";
const TEMPO_KAFKA_RULE: &str = "tempo-distributed 3.x writes through Kafka: distributors produce to the topic, one block-builder and one live-store consume each partition (its chart requires `ingest.kafka.address`)";

fn tempo(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let Some(tempo) = profile.tempo.as_ref().filter(|t| t.enabled) else {
        return;
    };
    let at = |steps: &[&'static str]| {
        std::iter::once(Step::Key("tempo"))
            .chain(steps.iter().map(|s| Step::Key(s)))
            .collect::<Vec<_>>()
    };
    if tempo.mode == TempoMode::Monolithic {
        for (key, set) in [
            ("kafka", tempo.kafka.is_some()),
            (
                "roles",
                TempoRole::ALL
                    .iter()
                    .any(|r| r.overrides(&tempo.roles).is_some()),
            ),
        ] {
            if set {
                out.push(
                    error_at(
                        root,
                        &at(&[key]),
                        format!("`tempo.{key}` only applies in distributed mode"),
                    )
                    .expected(format!("`mode: distributed` with it, or no `{key}`"))
                    .help(format!(
                        "set `mode: distributed` under `tempo`, or remove `{key}`"
                    )),
                );
            }
        }
        return;
    }
    if !matches!(tempo.storage, Storage::ObjectStore(_)) {
        out.push(
            error_at(root, &at(&["mode"]), "tempo's distributed mode needs object storage")
                .expected("`storage: { objectStore: ... }` with `mode: distributed`")
                .note("block-builders write blocks that queriers and backend workers read from a shared bucket; a volume is local to one pod")
                .help("give `tempo.storage` an `objectStore`, or use `mode: monolithic`"),
        );
    }
    if tempo.placement.resources.is_some() {
        out.push(
            error_at(root, &at(&["placement", "resources"]), "`tempo.placement.resources` does not apply in distributed mode")
                .expected("per-role `tempo.roles.<role>.resources`, or none (the sizing o11yc derives)")
                .help("remove `placement.resources`; override a role with e.g. `roles: { querier: { resources: ... } }`"),
        );
    }
    let Some(kafka) = &tempo.kafka else {
        out.push(
            error_at(root, &at(&["mode"]), "tempo's distributed mode needs a Kafka cluster")
                .expected("`kafka: { address: <host:port>, topic: <name>, partitions: <n> }` under `tempo`")
                .note(TEMPO_KAFKA_RULE)
                .help("add `kafka` with your broker's address, or use `mode: monolithic` (no Kafka needed)"),
        );
        return;
    };
    if kafka.partitions == 0 {
        out.push(
            error_at(
                root,
                &at(&["kafka", "partitions"]),
                "a topic with 0 partitions carries no spans",
            )
            .expected("1 or more partitions")
            .note(TEMPO_KAFKA_RULE)
            .help("set `partitions` to the topic's partition count"),
        );
    }
    if kafka.address.trim().is_empty() {
        out.push(
            error_at(
                root,
                &at(&["kafka", "address"]),
                "the Kafka address is empty",
            )
            .expected("a broker's `host:port`, e.g. `kafka.kafka.svc.cluster.local:9092`")
            .note(TEMPO_KAFKA_RULE)
            .help("give the address of a broker of your Kafka cluster"),
        );
    }
    if kafka.topic.trim().is_empty() {
        out.push(
            error_at(root, &at(&["kafka", "topic"]), "the Kafka topic is empty")
                .expected("the topic's name, e.g. `tempo-traces`")
                .note(TEMPO_KAFKA_RULE)
                .help("name the topic the distributors write to"),
        );
    }
    if let Some(q) = tempo.ingest_per_day.as_ref()
        && kafka.partitions > 0
        && kafka.partitions < min_partitions(q.bytes())
    {
        let needed = min_partitions(q.bytes());
        out.push(
            error_at(
                root,
                &at(&["kafka", "partitions"]),
                format!(
                    "{} partitions (so {} live-stores) are too few for tempo's ingestPerDay of {q}",
                    kafka.partitions, kafka.partitions
                ),
            )
            .expected(format!(
                "at least {needed} partitions, one per {MB_PER_PARTITION} MB/s of spans"
            ))
            .note(TEMPO_LIVE_STORE_RULE)
            .help(format!(
                "repartition the topic and set `partitions: {needed}`, or lower `ingestPerDay`"
            )),
        );
    }
    for role in TempoRole::ALL {
        let Some(n) = role.overrides(&tempo.roles).and_then(|r| r.replicas) else {
            continue;
        };
        let path = at(&["roles", role.key(), "replicas"]);
        match role.fixed_replicas(kafka.partitions) {
            Some(fixed) if n != fixed && role == TempoRole::BackendScheduler => out.push(
                error_at(root, &path, format!("{n} backend schedulers; Tempo runs exactly one"))
                    .expected("1, or no `replicas` (the default)")
                    .note("the backend scheduler hands out compaction and retention jobs from one work cache")
                    .help("remove `replicas`; scale `backendWorker` instead"),
            ),
            Some(fixed) if n != fixed => out.push(
                error_at(
                    root,
                    &path,
                    format!("{n} {}s for a topic of {fixed} partitions", role.component()),
                )
                .expected(format!("{fixed}, the partition count (`tempo.kafka.partitions`)"))
                .note(TEMPO_KAFKA_RULE)
                .help(format!("remove `replicas` (it follows the partitions), or set `kafka.partitions: {n}` and repartition the topic")),
            ),
            Some(_) => {}
            None if n == 0 => out.push(
                error_at(root, &path, "0 replicas would deploy nothing")
                    .expected("1 or more")
                    .help("remove `replicas` to use the derived count"),
            ),
            None => {}
        }
    }
}
