//! The resolved stack: which components are on, where they run and how to reach them.
//!
//! Emitters read this instead of the raw profile so that names, namespaces and
//! addresses are computed in one place.

use std::collections::BTreeSet;

use crate::components::COMPONENTS;
use crate::model::{
    Alloy, Component, Grafana, GrafanaHost, Loki, LokiMode, Profile, PrometheusStack, Tempo,
    TempoMode,
};
use crate::verify::Collected;

/// Loki's Helm release name. Chart object names, and so claim names, derive from it.
pub const LOKI_RELEASE: &str = "loki";
/// Tempo's Helm release name.
pub const TEMPO_RELEASE: &str = "tempo";
/// Alloy's Helm release name.
pub const ALLOY_RELEASE: &str = "alloy";
/// Standalone Grafana's Helm release name.
pub const GRAFANA_RELEASE: &str = "grafana";
/// The port of Grafana's Service: the grafana chart's `service.port` default,
/// which o11yc does not change (kube-prometheus-stack's Grafana is the same chart).
pub const GRAFANA_SERVICE_PORT: u16 = 80;

/// A profile with its enabled components resolved.
#[derive(Clone, Copy)]
pub struct Stack<'p> {
    /// The profile being compiled.
    pub profile: &'p Profile,
    name: &'p str,
    collected: Option<&'p Collected>,
}

fn on<C: Component>(c: &Option<C>) -> Option<&C> {
    c.as_ref().filter(|c| c.enabled())
}

impl<'p> Stack<'p> {
    /// Resolves `profile`, known to users as `name`.
    pub fn new(profile: &'p Profile, name: &'p str) -> Self {
        Stack {
            profile,
            name,
            collected: None,
        }
    }

    /// The stack with what it collects resolved once (`collected` must be
    /// `Collected::of` this stack), so the stages read it instead of rebuilding the
    /// pipelines each time they ask.
    pub fn with_collected(self, collected: &'p Collected) -> Self {
        Stack {
            collected: Some(collected),
            ..self
        }
    }

    /// What the stack collects, when resolved with [`Stack::with_collected`].
    pub fn collected(&self) -> Option<&'p Collected> {
        self.collected
    }

    /// The profile's name (its file name without `.yaml`).
    pub fn profile_name(&self) -> &'p str {
        self.name
    }

    /// Loki, if enabled.
    pub fn loki(&self) -> Option<&'p Loki> {
        on(&self.profile.loki)
    }

    /// Tempo, if enabled.
    pub fn tempo(&self) -> Option<&'p Tempo> {
        on(&self.profile.tempo)
    }

    /// kube-prometheus-stack, if enabled.
    pub fn prometheus(&self) -> Option<&'p PrometheusStack> {
        on(&self.profile.prometheus)
    }

    /// Grafana, if enabled.
    pub fn grafana(&self) -> Option<&'p Grafana> {
        on(&self.profile.grafana)
    }

    /// Alloy, if enabled.
    pub fn alloy(&self) -> Option<&'p Alloy> {
        on(&self.profile.alloy)
    }

    /// The Alloy deployments, each with its pipeline's side: the stack's own Alloy,
    /// then (with `vcluster.alloy` enabled) the one inside each vCluster.
    pub fn alloys(&self) -> Vec<(&'p Alloy, super::Side)> {
        let in_vcluster = self
            .profile
            .vcluster
            .as_ref()
            .and_then(|v| v.alloy.as_ref())
            .filter(|a| a.enabled);
        [
            (self.alloy(), super::Side::Stack),
            (in_vcluster, super::Side::VCluster),
        ]
        .into_iter()
        .filter_map(|(alloy, side)| Some((alloy?, side)))
        .collect()
    }

    /// Grafana deployed by its own chart rather than by kube-prometheus-stack.
    pub fn standalone_grafana(&self) -> Option<&'p Grafana> {
        self.grafana().filter(|g| g.host == GrafanaHost::Standalone)
    }

    /// The namespace a component runs in.
    pub fn namespace_of<C: Component>(&self, component: &'p C) -> &'p str {
        component
            .namespace_override()
            .unwrap_or(&self.profile.namespace)
    }

    /// The namespace Grafana's objects live in (kube-prometheus-stack's when it hosts Grafana).
    pub fn grafana_namespace(&self, grafana: &'p Grafana) -> &'p str {
        match (grafana.host, self.prometheus()) {
            (GrafanaHost::KubePrometheusStack, Some(kps)) => self.namespace_of(kps),
            _ => self.namespace_of(grafana),
        }
    }

    /// Every namespace the stack's objects live in (the profile's and each registered
    /// component's), sorted.
    pub fn namespaces(&self) -> BTreeSet<&'p str> {
        let mut all = BTreeSet::from([self.profile.namespace.as_str()]);
        all.extend(COMPONENTS.iter().filter_map(|c| c.namespace(self)));
        all
    }

    fn service_host(&self, service: &str, namespace: &str) -> String {
        format!("{service}.{namespace}.svc.{}", self.profile.cluster.domain)
    }

    /// Loki's push endpoint: the gateway when it is deployed, else the
    /// distributors in Distributed mode or the single binary.
    pub fn loki_push_url(&self) -> Option<String> {
        self.loki().map(|loki| {
            let ns = self.namespace_of(loki);
            if loki.gateway {
                format!(
                    "http://{}/loki/api/v1/push",
                    self.service_host(&format!("{LOKI_RELEASE}-gateway"), ns)
                )
            } else {
                format!(
                    "http://{}:3100/loki/api/v1/push",
                    self.service_host(&loki_service(loki, "distributor"), ns)
                )
            }
        })
    }

    /// Loki's query endpoint, for Grafana: the query frontends in
    /// Distributed mode, the single binary otherwise.
    pub fn loki_query_url(&self) -> Option<String> {
        self.loki().map(|loki| {
            format!(
                "http://{}:3100",
                self.service_host(
                    &loki_service(loki, "query-frontend"),
                    self.namespace_of(loki)
                )
            )
        })
    }

    /// Tempo's query endpoint, for Grafana: the query frontends in
    /// distributed mode, the single pod otherwise.
    pub fn tempo_query_url(&self) -> Option<String> {
        self.tempo().map(|tempo| {
            format!(
                "http://{}:3200",
                self.service_host(
                    &tempo_service(tempo, "query-frontend"),
                    self.namespace_of(tempo)
                )
            )
        })
    }

    /// Tempo's OTLP gRPC endpoint (`host:port`, no scheme), for collectors:
    /// the distributors in distributed mode, the single pod otherwise.
    pub fn tempo_otlp_grpc_endpoint(&self) -> Option<String> {
        self.tempo().filter(|t| t.otlp.grpc).map(|tempo| {
            format!(
                "{}:4317",
                self.service_host(
                    &tempo_service(tempo, "distributor"),
                    self.namespace_of(tempo)
                )
            )
        })
    }

    /// The Prometheus Service name kube-prometheus-stack creates.
    pub fn prometheus_service(&self) -> Option<String> {
        self.prometheus()
            .map(|kps| format!("{}-prometheus", kps_fullname(&kps.release_name)))
    }

    /// The Service in front of Grafana and its port ([`GRAFANA_SERVICE_PORT`]).
    pub fn grafana_service(&self) -> Option<String> {
        let grafana = self.grafana()?;
        Some(match (grafana.host, self.prometheus()) {
            (GrafanaHost::KubePrometheusStack, Some(kps)) => {
                format!("{}-grafana", kps.release_name)
            }
            _ => GRAFANA_RELEASE.to_owned(),
        })
    }

    /// Prometheus' query endpoint, for Grafana.
    pub fn prometheus_query_url(&self) -> Option<String> {
        let kps = self.prometheus()?;
        let service = self.prometheus_service()?;
        Some(format!(
            "http://{}:9090",
            self.service_host(&service, self.namespace_of(kps))
        ))
    }

    /// Prometheus' remote-write endpoint, for collectors.
    pub fn prometheus_remote_write_url(&self) -> Option<String> {
        self.prometheus_query_url()
            .map(|url| format!("{url}/api/v1/write"))
    }
}

/// kube-prometheus-stack's `fullname` helper: the release name when it contains the
/// chart name, `<release>-kube-prometheus-stack` otherwise, cut to 26 characters
/// (the chart leaves room for the suffixes it appends).
pub fn kps_fullname(release: &str) -> String {
    const CHART: &str = "kube-prometheus-stack";
    let full = if release.contains(CHART) {
        release.to_owned()
    } else {
        format!("{release}-{CHART}")
    };
    let cut: String = full.chars().take(26).collect();
    cut.trim_end_matches('-').to_owned()
}

/// The Service of a Loki role (`loki-<role>`) in Distributed mode; the one
/// `loki` Service in SingleBinary mode, which serves every role.
fn loki_service(loki: &Loki, role: &str) -> String {
    match loki.mode {
        LokiMode::Distributed => format!("{LOKI_RELEASE}-{role}"),
        LokiMode::SingleBinary => LOKI_RELEASE.to_owned(),
    }
}

/// The Service of a Tempo role (`tempo-<role>`) in distributed mode; the one
/// `tempo` Service in monolithic mode, which serves every role.
fn tempo_service(tempo: &Tempo, role: &str) -> String {
    match tempo.mode {
        TempoMode::Distributed => format!("{TEMPO_RELEASE}-{role}"),
        TempoMode::Monolithic => TEMPO_RELEASE.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::kps_fullname;

    #[test]
    fn kps_fullname_follows_the_chart_helper() {
        assert_eq!(
            kps_fullname("kube-prometheus-stack"),
            "kube-prometheus-stack"
        );
        assert_eq!(kps_fullname("monitoring"), "monitoring-kube-prometheus");
        assert_eq!(kps_fullname("kps"), "kps-kube-prometheus-stack");
    }
}
