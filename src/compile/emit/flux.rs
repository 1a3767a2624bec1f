//! Flux delivery, laid out the way the reference Flux deployment runs it: chart
//! sources, one Flux Kustomization per release (each applying its HelmRelease and
//! waiting for it to be Ready), one for the objects that need the charts' CRDs
//! (`dependsOn` the release installing them), optional notifications, and a
//! PodMonitor for the Flux controllers.
//!
//! The entry point is `flux/sync.yaml` (`o11yc-<profile>`): it applies the root
//! `kustomization.yaml`, which holds the plain objects and the Flux objects below.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use serde_json::Value;

use crate::compile::crd::{
    AlertSpec, CrossNamespaceRef, CustomResource, DependencyRef, EventSource,
    FluxKustomizationSpec, HelmChartTemplate, HelmChartTemplateSpec, HelmReleaseSpec,
    HelmRepositorySpec, InstallSpec, LayerSelector, LocalRef, OciReference, OciRepositorySpec,
    ProviderSpec, Remediation, UpgradeSpec,
};
use crate::compile::document::{Bundle, Role, to_value};
use crate::compile::emit::kustomization::{AFTER_CHARTS_DIR, kustomization};
use crate::compile::meta::{object_meta, with_labels};
use crate::compile::monitoring_crd::{Endpoint, MONITORING_V1, PodMonitorSpec};
use crate::compile::release::{Release, dependencies, monitoring_crd_provider, repository_names};
use crate::model::{FluxNotifications, FluxSettings, SourceKind, is_exact_version};
use crate::resolve::stack::Stack;

const HELM_INTERVAL: &str = "1h";
/// How long a release's Kustomization waits for its HelmRelease to become Ready:
/// longer than one Helm install with its retries.
const RELEASE_TIMEOUT: &str = "15m";
const NOTIFICATION_V1BETA3: &str = "notification.toolkit.fluxcd.io/v1beta3";
/// The Flux controllers the PodMonitor scrapes (their pods' `app` label).
const FLUX_CONTROLLERS: [&str; 6] = [
    "helm-controller",
    "image-automation-controller",
    "image-reflector-controller",
    "kustomize-controller",
    "notification-controller",
    "source-controller",
];

/// The directory holding one release's HelmRelease and kustomization.
pub fn release_dir(release: &Release) -> String {
    format!("flux/{}", release.name)
}

/// Name of the Flux Kustomization that applies the whole profile.
pub fn sync_name(stack: &Stack) -> String {
    format!("o11yc-{}", stack.profile_name())
}

/// Name of the Flux Kustomization of one part (`o11yc-dev-loki`, `o11yc-dev-monitoring`).
pub fn part_name(stack: &Stack, part: &str) -> String {
    format!("{}-{part}", sync_name(stack))
}

/// One Flux Kustomization this module writes, for the README and the Alert.
pub struct FluxPart {
    /// Its name.
    pub name: String,
    /// The directory it applies, relative to the profile directory.
    pub dir: String,
    /// The Kustomizations it waits for.
    pub depends_on: Vec<String>,
}

/// The Kustomizations below `o11yc-<profile>`, in apply order.
pub fn parts(stack: &Stack, releases: &[Release], has_after_charts: bool) -> Vec<FluxPart> {
    let needs = dependencies(releases);
    let mut out: Vec<FluxPart> = releases
        .iter()
        .map(|r| FluxPart {
            name: part_name(stack, &r.name),
            dir: release_dir(r),
            depends_on: needs[r.name.as_str()]
                .iter()
                .map(|d| part_name(stack, &d.name))
                .collect(),
        })
        .collect();
    if has_after_charts {
        out.push(FluxPart {
            name: part_name(stack, AFTER_CHARTS_DIR),
            dir: AFTER_CHARTS_DIR.to_owned(),
            depends_on: monitoring_crd_provider(releases)
                .map(|r| part_name(stack, &r.name))
                .into_iter()
                .collect(),
        });
    }
    out
}

/// Emits `flux/sources.yaml`, `flux/<release>/` (HelmRelease + kustomization),
/// `flux/kustomizations.yaml`, `flux/sync.yaml`, `flux/notifications.yaml` and
/// `monitoring/monitors/flux.yaml`, as configured.
pub fn emit(stack: &Stack, flux: &FluxSettings, releases: &[Release], bundle: &mut Bundle) {
    let helm_names = repository_names(
        releases
            .iter()
            .filter(|r| r.source.source_kind() == SourceKind::Helm)
            .map(|r| r.source.repository.as_str()),
    );
    let mut sources = BTreeMap::new();
    let mut source_refs = Vec::new();
    for release in releases {
        let (key, object) = source(release, &helm_names, flux);
        source_refs.push(key.clone());
        sources.entry(key).or_insert(object);
    }
    if !sources.is_empty() {
        bundle.resource("flux/sources.yaml", sources.into_values().collect());
    }

    for (release, (kind, name)) in releases.iter().zip(&source_refs) {
        let helm_release = helm_release(release, kind, name, flux);
        let dir = release_dir(release);
        bundle.resource(format!("{dir}/helmrelease.yaml"), vec![helm_release]);
        bundle.support_yaml(
            format!("{dir}/kustomization.yaml"),
            kustomization(vec!["helmrelease.yaml".to_owned()]),
        );
    }

    if let (Some(kps), true) = (stack.prometheus(), flux.pod_monitor) {
        bundle.resource(
            format!("{AFTER_CHARTS_DIR}/monitors/flux.yaml"),
            vec![pod_monitor(&flux.namespace, &kps.selector_labels())],
        );
    }

    let has_after_charts = bundle
        .documents()
        .any(|d| d.role == Role::Resource && d.path.starts_with(&format!("{AFTER_CHARTS_DIR}/")));
    let parts = parts(stack, releases, has_after_charts);
    let root = flux.path.trim_end_matches('/');
    let objects = parts
        .iter()
        .map(|part| {
            kustomization_object(
                flux,
                &part.name,
                format!("{root}/{}", part.dir),
                true,
                &part.depends_on,
            )
        })
        .collect();
    bundle.resource("flux/kustomizations.yaml", objects);
    bundle.resource(
        "flux/sync.yaml",
        vec![kustomization_object(
            flux,
            &sync_name(stack),
            root.to_owned(),
            false,
            &[],
        )],
    );

    if let Some(notifications) = &flux.notifications {
        let mut events: Vec<EventSource> = std::iter::once(sync_name(stack))
            .chain(parts.iter().map(|p| p.name.clone()))
            .map(|name| EventSource {
                kind: "Kustomization",
                name,
                namespace: flux.namespace.clone(),
            })
            .collect();
        events.extend(releases.iter().map(|r| EventSource {
            kind: "HelmRelease",
            name: r.name.clone(),
            namespace: r.namespace.to_owned(),
        }));
        let mut seen = Vec::new();
        for (kind, name) in &source_refs {
            if !seen.contains(&(kind, name)) {
                seen.push((kind, name));
                events.push(EventSource {
                    kind,
                    name: name.clone(),
                    namespace: flux.namespace.clone(),
                });
            }
        }
        bundle.resource(
            "flux/notifications.yaml",
            notification_objects(stack, flux, notifications, events),
        );
    }
}

/// The source object of one release's chart, keyed by kind and name.
fn source(
    release: &Release,
    helm_names: &BTreeMap<&str, String>,
    flux: &FluxSettings,
) -> ((&'static str, String), Value) {
    let chart = release.source;
    match chart.source_kind() {
        SourceKind::Helm => {
            let name = helm_names[chart.repository.as_str()].clone();
            let repo = CustomResource {
                api_version: "source.toolkit.fluxcd.io/v1",
                kind: "HelmRepository",
                metadata: object_meta(&name, Some(&flux.namespace)),
                spec: HelmRepositorySpec {
                    interval: HELM_INTERVAL.to_owned(),
                    url: chart.repository.clone(),
                },
            };
            (("HelmRepository", name), to_value(&repo))
        }
        SourceKind::Oci => {
            // An OCIRepository is one chart at one version: named after the chart,
            // which is unique among the releases.
            let name = release.chart.to_owned();
            let exact = is_exact_version(&chart.version);
            let repo = CustomResource {
                api_version: "source.toolkit.fluxcd.io/v1",
                kind: "OCIRepository",
                metadata: object_meta(&name, Some(&flux.namespace)),
                spec: OciRepositorySpec {
                    interval: HELM_INTERVAL.to_owned(),
                    url: chart.repository.clone(),
                    reference: OciReference {
                        tag: exact.then(|| chart.version.clone()),
                        semver: (!exact).then(|| chart.version.clone()),
                    },
                    layer_selector: LayerSelector {
                        media_type: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
                        operation: "copy",
                    },
                },
            };
            (("OCIRepository", name), to_value(&repo))
        }
    }
}

fn helm_release(release: &Release, kind: &'static str, source: &str, flux: &FluxSettings) -> Value {
    let source_ref = CrossNamespaceRef {
        kind,
        name: source.to_owned(),
        namespace: flux.namespace.clone(),
    };
    let (chart, chart_ref) = match release.source.source_kind() {
        SourceKind::Helm => (
            Some(HelmChartTemplate {
                spec: HelmChartTemplateSpec {
                    chart: release.chart.to_owned(),
                    version: release.source.version.clone(),
                    source_ref,
                },
            }),
            None,
        ),
        SourceKind::Oci => (None, Some(source_ref)),
    };
    to_value(&CustomResource {
        api_version: "helm.toolkit.fluxcd.io/v2",
        kind: "HelmRelease",
        metadata: object_meta(&release.name, Some(release.namespace)),
        spec: HelmReleaseSpec {
            interval: flux.release_interval.prometheus(),
            release_name: release.name.clone(),
            chart,
            chart_ref,
            install: InstallSpec {
                crds: "CreateReplace",
                remediation: Remediation { retries: 3 },
            },
            upgrade: UpgradeSpec {
                crds: "CreateReplace",
                remediation: Remediation { retries: 3 },
            },
            values: release.values.clone(),
        },
    })
}

fn kustomization_object(
    flux: &FluxSettings,
    name: &str,
    path: String,
    wait: bool,
    depends_on: &[String],
) -> Value {
    to_value(&CustomResource {
        api_version: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        metadata: object_meta(name, Some(&flux.namespace)),
        spec: FluxKustomizationSpec {
            interval: flux.interval.prometheus(),
            path,
            prune: flux.prune,
            wait,
            timeout: if wait { RELEASE_TIMEOUT } else { "5m" }.to_owned(),
            depends_on: depends_on
                .iter()
                .map(|name| DependencyRef {
                    name: name.clone(),
                    namespace: flux.namespace.clone(),
                })
                .collect(),
            source_ref: CrossNamespaceRef {
                kind: "GitRepository",
                name: flux.git_repository.clone(),
                namespace: flux.namespace.clone(),
            },
        },
    })
}

/// The PodMonitor for the Flux controllers: their pods carry `app: <controller>`
/// and serve metrics on the port named `http-prom`.
fn pod_monitor(namespace: &str, selector_labels: &BTreeMap<String, String>) -> Value {
    to_value(&CustomResource {
        api_version: MONITORING_V1,
        kind: "PodMonitor",
        metadata: with_labels(
            object_meta("flux-controllers", Some(namespace)),
            selector_labels,
        ),
        spec: PodMonitorSpec {
            selector: LabelSelector {
                match_labels: None,
                match_expressions: Some(vec![LabelSelectorRequirement {
                    key: "app".to_owned(),
                    operator: "In".to_owned(),
                    values: Some(FLUX_CONTROLLERS.map(str::to_owned).to_vec()),
                }]),
            },
            pod_metrics_endpoints: vec![Endpoint {
                port: "http-prom".to_owned(),
                path: "/metrics".to_owned(),
                interval: None,
            }],
        },
    })
}

fn notification_objects(
    stack: &Stack,
    flux: &FluxSettings,
    notifications: &FluxNotifications,
    event_sources: Vec<EventSource>,
) -> Vec<Value> {
    let name = sync_name(stack);
    let provider = CustomResource {
        api_version: NOTIFICATION_V1BETA3,
        kind: "Provider",
        metadata: object_meta(&name, Some(&flux.namespace)),
        spec: ProviderSpec {
            kind: notifications.provider.as_str(),
            channel: notifications.channel.clone(),
            secret_ref: LocalRef {
                name: notifications.secret_name.clone(),
            },
        },
    };
    let alert = CustomResource {
        api_version: NOTIFICATION_V1BETA3,
        kind: "Alert",
        metadata: object_meta(&name, Some(&flux.namespace)),
        spec: AlertSpec {
            provider_ref: LocalRef { name },
            event_severity: notifications.severity.as_str(),
            event_sources,
        },
    };
    vec![to_value(&provider), to_value(&alert)]
}
