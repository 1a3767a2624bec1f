//! Flux delivery: chart sources, one HelmRelease per release, and the
//! Kustomization that applies the generated directory.

use std::collections::BTreeMap;

use crate::compile::crd::{
    CrossNamespaceRef, CustomResource, FluxKustomizationSpec, HelmChartTemplate,
    HelmChartTemplateSpec, HelmReleaseSpec, HelmRepositorySpec, InstallSpec, LayerSelector,
    OciReference, OciRepositorySpec, Remediation, UpgradeSpec,
};
use crate::compile::document::{Bundle, to_value};
use crate::compile::meta::object_meta;
use crate::compile::release::{Release, repository_name};
use crate::compile::stack::Stack;
use crate::model::{FluxSettings, SourceKind};

const HELM_INTERVAL: &str = "1h";
const RELEASE_INTERVAL: &str = "10m";

/// Emits `flux/sources.yaml`, `flux/<release>.yaml` and `flux/sync.yaml`.
pub fn emit(stack: &Stack, flux: &FluxSettings, releases: &[Release], bundle: &mut Bundle) {
    let mut sources = BTreeMap::new();
    for release in releases {
        let (key, object) = match release.source.source_kind() {
            SourceKind::Helm => {
                let name = repository_name(&release.source.repository);
                let repo = CustomResource {
                    api_version: "source.toolkit.fluxcd.io/v1",
                    kind: "HelmRepository",
                    metadata: object_meta(&name, Some(&flux.namespace)),
                    spec: HelmRepositorySpec {
                        interval: HELM_INTERVAL.to_owned(),
                        url: release.source.repository.clone(),
                    },
                };
                (("HelmRepository", name), to_value(&repo))
            }
            SourceKind::Oci => {
                let name = release.chart.to_owned();
                let repo = CustomResource {
                    api_version: "source.toolkit.fluxcd.io/v1",
                    kind: "OCIRepository",
                    metadata: object_meta(&name, Some(&flux.namespace)),
                    spec: OciRepositorySpec {
                        interval: HELM_INTERVAL.to_owned(),
                        url: release.source.repository.clone(),
                        reference: OciReference {
                            tag: release.source.version.clone(),
                        },
                        layer_selector: LayerSelector {
                            media_type: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
                            operation: "copy",
                        },
                    },
                };
                (("OCIRepository", name), to_value(&repo))
            }
        };
        sources.entry(key).or_insert(object);
    }
    if !sources.is_empty() {
        bundle.resource("flux/sources.yaml", sources.into_values().collect());
    }

    for release in releases {
        let (chart, chart_ref) = match release.source.source_kind() {
            SourceKind::Helm => (
                Some(HelmChartTemplate {
                    spec: HelmChartTemplateSpec {
                        chart: release.chart.to_owned(),
                        version: release.source.version.clone(),
                        source_ref: CrossNamespaceRef {
                            kind: "HelmRepository",
                            name: repository_name(&release.source.repository),
                            namespace: flux.namespace.clone(),
                        },
                    },
                }),
                None,
            ),
            SourceKind::Oci => (
                None,
                Some(CrossNamespaceRef {
                    kind: "OCIRepository",
                    name: release.chart.to_owned(),
                    namespace: flux.namespace.clone(),
                }),
            ),
        };
        let helm_release = CustomResource {
            api_version: "helm.toolkit.fluxcd.io/v2",
            kind: "HelmRelease",
            metadata: object_meta(&release.name, Some(release.namespace)),
            spec: HelmReleaseSpec {
                interval: RELEASE_INTERVAL.to_owned(),
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
        };
        bundle.resource(
            format!("flux/{}.yaml", release.name),
            vec![to_value(&helm_release)],
        );
    }

    let sync = CustomResource {
        api_version: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        metadata: object_meta(
            &format!("o11yc-{}", stack.profile_name()),
            Some(&flux.namespace),
        ),
        spec: FluxKustomizationSpec {
            interval: flux.interval.prometheus(),
            path: flux.path.clone(),
            prune: flux.prune,
            wait: false,
            timeout: "5m".to_owned(),
            source_ref: CrossNamespaceRef {
                kind: "GitRepository",
                name: flux.git_repository.clone(),
                namespace: flux.namespace.clone(),
            },
        },
    };
    bundle.resource("flux/sync.yaml", vec![to_value(&sync)]);
}
