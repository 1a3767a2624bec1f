//! The sizing o11yc applies to distributed Tempo, from Tempo's "Size the
//! cluster" guide for the Kafka-based Tempo 3
//! (<https://grafana.com/docs/tempo/next/set-up-for-tracing/setup-tempo/plan/size/>):
//!
//! - distributor: 1 replica per 10 MB/s received, 2 CPU, 2 GB;
//! - live-store: 1 replica per 6–10 MB/s received, 1 CPU, 4–20 GB;
//! - block-builder: 1 replica per partition, 0.5 CPU, 5–10 GB;
//! - querier: 1 replica per 1–2 MB/s received, 4–20 GB (CPU "dependent on
//!   trace size and queries": not requested);
//! - query-frontend: 2 replicas, 4–20 GB (CPU not requested, as above);
//! - compactor (in Tempo 3 the backend-worker, fed by the backend-scheduler):
//!   1 replica per 3–5 MB/s, 1 CPU, 4–20 GB.
//!
//! (An older copy of that page in grafana/tempo's `docs/` gives "TBD" for the
//! live-store and block-builder; the published page has the rows above.)
//!
//! Live-stores and block-builders both consume the Kafka topic one partition
//! each, so both run one replica per partition, and the live-store rate rule
//! becomes a floor on the partition count. The guide has no row for the
//! backend-scheduler: it is one pod with the chart's resources (none). Where the
//! guide gives a range, o11yc takes the cheaper end (10 MB/s per live-store,
//! 2 MB/s per querier, 5 MB/s per worker, the smallest memory); stateless
//! roles run at least two replicas so a node drain never takes them down.

use std::collections::BTreeMap;

use crate::model::{ResourceName, Resources, RoleSize, Tempo, TempoRoles};

/// A Tempo role of the `tempo-distributed` chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Distributors.
    Distributor,
    /// Block-builders.
    BlockBuilder,
    /// Live-stores.
    LiveStore,
    /// Queriers.
    Querier,
    /// Query frontends.
    QueryFrontend,
    /// The backend scheduler.
    BackendScheduler,
    /// Backend workers.
    BackendWorker,
}

impl Role {
    /// Every role, write path first.
    pub const ALL: [Role; 7] = [
        Role::Distributor,
        Role::BlockBuilder,
        Role::LiveStore,
        Role::Querier,
        Role::QueryFrontend,
        Role::BackendScheduler,
        Role::BackendWorker,
    ];

    /// The profile key under `tempo.roles` (also the chart's values key).
    pub fn key(self) -> &'static str {
        match self {
            Role::Distributor => "distributor",
            Role::BlockBuilder => "blockBuilder",
            Role::LiveStore => "liveStore",
            Role::Querier => "querier",
            Role::QueryFrontend => "queryFrontend",
            Role::BackendScheduler => "backendScheduler",
            Role::BackendWorker => "backendWorker",
        }
    }

    /// The chart's component name: its pods' `app.kubernetes.io/component`
    /// label and the suffix of its Service (`tempo-<component>`).
    pub fn component(self) -> &'static str {
        match self {
            Role::Distributor => "distributor",
            Role::BlockBuilder => "block-builder",
            Role::LiveStore => "live-store",
            Role::Querier => "querier",
            Role::QueryFrontend => "query-frontend",
            Role::BackendScheduler => "backend-scheduler",
            Role::BackendWorker => "backend-worker",
        }
    }

    /// The profile's override for this role.
    pub fn overrides(self, roles: &TempoRoles) -> Option<&RoleSize> {
        match self {
            Role::Distributor => roles.distributor.as_ref(),
            Role::BlockBuilder => roles.block_builder.as_ref(),
            Role::LiveStore => roles.live_store.as_ref(),
            Role::Querier => roles.querier.as_ref(),
            Role::QueryFrontend => roles.query_frontend.as_ref(),
            Role::BackendScheduler => roles.backend_scheduler.as_ref(),
            Role::BackendWorker => roles.backend_worker.as_ref(),
        }
    }

    /// The replica count the role must have whatever the ingest, if any:
    /// the partition count for the Kafka consumers, one scheduler.
    pub fn fixed_replicas(self, partitions: u32) -> Option<u32> {
        match self {
            Role::BlockBuilder | Role::LiveStore => Some(partitions),
            Role::BackendScheduler => Some(1),
            _ => None,
        }
    }
}

/// Fewest replicas of a stateless role (distributor, querier, query-frontend).
pub const MIN_STATELESS: u32 = 2;

/// Received megabytes per second for `bytes_per_day`, rounded up.
fn megabytes_per_second(bytes_per_day: u64) -> u64 {
    bytes_per_day.div_ceil(86_400 * 1_000_000)
}

/// Megabytes per second one live-store (so one partition) takes: the cheap
/// end of the guide's 6–10 MB/s.
pub const MB_PER_PARTITION: u64 = 10;

/// The fewest Kafka partitions (so live-stores) for `bytes_per_day` of spans.
pub fn min_partitions(bytes_per_day: u64) -> u32 {
    u32::try_from(megabytes_per_second(bytes_per_day).div_ceil(MB_PER_PARTITION))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// One role's default: replicas and per-pod CPU and memory requests (none
/// where the guide gives none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// Number of pods.
    pub replicas: u32,
    /// CPU request per pod.
    pub cpu: Option<&'static str>,
    /// Memory request (and limit) per pod.
    pub memory: Option<&'static str>,
}

/// The default size of `role` for `bytes_per_day` of spans and `partitions`
/// Kafka partitions.
pub fn table(role: Role, bytes_per_day: u64, partitions: u32) -> Row {
    let rate = megabytes_per_second(bytes_per_day);
    let per = |mb_per_replica: u64, min: u32| {
        u32::try_from(rate.div_ceil(mb_per_replica))
            .unwrap_or(u32::MAX)
            .max(min)
    };
    let row = |replicas, cpu, memory| Row {
        replicas,
        cpu,
        memory,
    };
    match role {
        Role::Distributor => row(per(10, MIN_STATELESS), Some("2"), Some("2Gi")),
        Role::BlockBuilder => row(partitions, Some("500m"), Some("5Gi")),
        Role::LiveStore => row(partitions, Some("1"), Some("4Gi")),
        Role::Querier => row(per(2, MIN_STATELESS), None, Some("4Gi")),
        Role::QueryFrontend => row(MIN_STATELESS, None, Some("4Gi")),
        Role::BackendScheduler => row(1, None, None),
        Role::BackendWorker => row(per(5, 1), Some("1"), Some("4Gi")),
    }
}

/// Replicas and resources of `role`: the profile's override where given, the
/// table otherwise (no resources when the table has none, leaving the chart's).
/// Memory is limited at its request; CPU is not limited.
pub fn size(role: Role, tempo: &Tempo) -> (u32, Option<Resources>) {
    let partitions = tempo.kafka.as_ref().map_or(1, |k| k.partitions);
    let bytes = tempo.ingest_per_day.as_ref().map_or(0, |q| q.bytes());
    let row = table(role, bytes, partitions);
    let given = role.overrides(&tempo.roles);
    let replicas = given.and_then(|g| g.replicas).unwrap_or(row.replicas);
    let resources = given.and_then(|g| g.resources.clone()).or_else(|| {
        let mut requests = BTreeMap::new();
        let mut limits = BTreeMap::new();
        if let Some(cpu) = row.cpu {
            requests.insert(ResourceName::Cpu, cpu.to_owned());
        }
        if let Some(memory) = row.memory {
            requests.insert(ResourceName::Memory, memory.to_owned());
            limits.insert(ResourceName::Memory, memory.to_owned());
        }
        (!requests.is_empty()).then_some(Resources { requests, limits })
    });
    (replicas, resources)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = 1_000_000_000;

    fn replicas(bytes: u64) -> Vec<(&'static str, u32)> {
        Role::ALL
            .iter()
            .map(|&r| (r.key(), table(r, bytes, 3).replicas))
            .collect()
    }

    #[test]
    fn small_ingest_gets_the_minimums() {
        assert_eq!(
            replicas(100 * GB),
            vec![
                ("distributor", 2),
                ("blockBuilder", 3),
                ("liveStore", 3),
                ("querier", 2),
                ("queryFrontend", 2),
                ("backendScheduler", 1),
                ("backendWorker", 1),
            ]
        );
    }

    #[test]
    fn replicas_follow_the_guide_per_megabyte_per_second() {
        // 2 TB/day is 23.1 MB/s, counted as 24: 24/10 → 3 distributors,
        // 24/2 → 12 queriers, 24/5 → 5 workers.
        let r = replicas(2_000 * GB);
        assert_eq!(r[0], ("distributor", 3));
        assert_eq!(r[3], ("querier", 12));
        assert_eq!(r[6], ("backendWorker", 5));
    }

    #[test]
    fn the_kafka_consumers_run_one_per_partition() {
        let row = table(Role::LiveStore, 0, 4);
        assert_eq!(
            (row.replicas, row.cpu, row.memory),
            (4, Some("1"), Some("4Gi"))
        );
        let row = table(Role::BlockBuilder, 0, 4);
        assert_eq!(
            (row.replicas, row.cpu, row.memory),
            (4, Some("500m"), Some("5Gi"))
        );
        assert_eq!(table(Role::BackendScheduler, 0, 4).memory, None);
        assert_eq!(table(Role::Querier, 0, 1).cpu, None);
    }

    #[test]
    fn one_partition_per_ten_megabytes_a_second() {
        assert_eq!(min_partitions(0), 1);
        assert_eq!(min_partitions(500 * GB), 1); // 5.8 MB/s
        assert_eq!(min_partitions(2_000 * GB), 3); // 23.1 MB/s
    }
}
