//! The Loki sizing rules o11yc applies, from the upstream documentation.
//!
//! - SingleBinary ("monolithic") mode is for "small read/write volumes of up
//!   to approximately 20GB per day" (<https://grafana.com/docs/loki/latest/get-started/deployment-modes/>).
//! - Distributed mode uses the "less than 3 TB/day" row of Loki's sizing
//!   guide (<https://grafana.com/docs/loki/latest/setup/size/>); o11yc carries
//!   no larger row, so more ingest needs explicit per-role sizing elsewhere.

use std::collections::BTreeMap;

use crate::model::{LokiRoles, ResourceName, Resources, RoleSize};

/// The most log bytes per day o11yc accepts for `mode: singleBinary` (20 GB).
pub const SINGLE_BINARY_MAX_PER_DAY: u64 = 20_000_000_000;

/// The most log bytes per day the carried sizing row covers (3 TB).
pub const DISTRIBUTED_MAX_PER_DAY: u64 = 3_000_000_000_000;

/// Loki's replication factor in Distributed mode; also the fewest ingesters
/// that can hold every stream's copies.
pub const REPLICATION_FACTOR: u32 = 3;

/// A Loki role of Distributed mode, in the order the sizing guide lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Ingesters.
    Ingester,
    /// Distributors.
    Distributor,
    /// Index gateways.
    IndexGateway,
    /// Queriers.
    Querier,
    /// Query frontends.
    QueryFrontend,
    /// Query schedulers.
    QueryScheduler,
    /// The compactor.
    Compactor,
}

impl Role {
    /// Every role, in table order.
    pub const ALL: [Role; 7] = [
        Role::Ingester,
        Role::Distributor,
        Role::IndexGateway,
        Role::Querier,
        Role::QueryFrontend,
        Role::QueryScheduler,
        Role::Compactor,
    ];

    /// The profile key under `loki.roles` (also the chart's values key).
    pub fn key(self) -> &'static str {
        match self {
            Role::Ingester => "ingester",
            Role::Distributor => "distributor",
            Role::IndexGateway => "indexGateway",
            Role::Querier => "querier",
            Role::QueryFrontend => "queryFrontend",
            Role::QueryScheduler => "queryScheduler",
            Role::Compactor => "compactor",
        }
    }

    /// The chart's name for the role: its `app.kubernetes.io/component`
    /// label and the suffix of its workload and Service names.
    pub fn component(self) -> &'static str {
        match self {
            Role::Ingester => "ingester",
            Role::Distributor => "distributor",
            Role::IndexGateway => "index-gateway",
            Role::Querier => "querier",
            Role::QueryFrontend => "query-frontend",
            Role::QueryScheduler => "query-scheduler",
            Role::Compactor => "compactor",
        }
    }

    /// The profile's override for this role.
    pub fn overrides(self, roles: &LokiRoles) -> Option<&RoleSize> {
        match self {
            Role::Ingester => roles.ingester.as_ref(),
            Role::Distributor => roles.distributor.as_ref(),
            Role::IndexGateway => roles.index_gateway.as_ref(),
            Role::Querier => roles.querier.as_ref(),
            Role::QueryFrontend => roles.query_frontend.as_ref(),
            Role::QueryScheduler => roles.query_scheduler.as_ref(),
            Role::Compactor => roles.compactor.as_ref(),
        }
    }
}

/// One row of the sizing table for one role: replicas and per-pod requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// Number of pods.
    pub replicas: u32,
    /// CPU request per pod.
    pub cpu: &'static str,
    /// Memory request (and limit) per pod.
    pub memory: &'static str,
}

/// The sizing guide's "less than 3 TB/day" row for `role`.
pub fn table(role: Role) -> Row {
    let row = |replicas, cpu, memory| Row {
        replicas,
        cpu,
        memory,
    };
    match role {
        Role::Ingester => row(6, "2", "4Gi"),
        Role::Distributor => row(4, "2", "512Mi"),
        Role::IndexGateway => row(4, "500m", "2Gi"),
        Role::Querier => row(10, "1", "1Gi"),
        Role::QueryFrontend => row(2, "1", "2Gi"),
        Role::QueryScheduler => row(2, "1", "512Mi"),
        Role::Compactor => row(1, "2", "10Gi"),
    }
}

/// Replicas and resources of `role`: the profile's override where given,
/// the table otherwise. Memory is limited at its request (Loki's processes
/// are killed rather than throttled when they overrun); CPU is not limited.
pub fn size(role: Role, roles: &LokiRoles) -> (u32, Resources) {
    let row = table(role);
    let given = role.overrides(roles);
    let replicas = given.and_then(|g| g.replicas).unwrap_or(row.replicas);
    let resources = given
        .and_then(|g| g.resources.clone())
        .unwrap_or_else(|| Resources {
            requests: BTreeMap::from([
                (ResourceName::Cpu, row.cpu.to_owned()),
                (ResourceName::Memory, row.memory.to_owned()),
            ]),
            limits: BTreeMap::from([(ResourceName::Memory, row.memory.to_owned())]),
        });
    (replicas, resources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_upstream_row_under_3_tb_a_day() {
        let rows: Vec<(&str, u32, &str, &str)> = Role::ALL
            .iter()
            .map(|&r| {
                let row = table(r);
                (r.key(), row.replicas, row.cpu, row.memory)
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                ("ingester", 6, "2", "4Gi"),
                ("distributor", 4, "2", "512Mi"),
                ("indexGateway", 4, "500m", "2Gi"),
                ("querier", 10, "1", "1Gi"),
                ("queryFrontend", 2, "1", "2Gi"),
                ("queryScheduler", 2, "1", "512Mi"),
                ("compactor", 1, "2", "10Gi"),
            ]
        );
    }

    #[test]
    fn an_override_replaces_only_what_it_names() {
        let roles = LokiRoles {
            querier: Some(RoleSize {
                replicas: Some(3),
                resources: None,
            }),
            ..LokiRoles::default()
        };
        let (replicas, resources) = size(Role::Querier, &roles);
        assert_eq!(replicas, 3);
        assert_eq!(resources.requests[&ResourceName::Memory], "1Gi");
        assert_eq!(size(Role::Ingester, &roles).0, 6);
    }
}
