//! Helmfile delivery: `helmfile.yaml` and one values file per release.

use serde::Serialize;

use crate::compile::document::{Bundle, to_value};
use crate::compile::release::{Release, repository_name};
use crate::model::SourceKind;

#[derive(Serialize)]
struct Helmfile {
    repositories: Vec<Repository>,
    releases: Vec<HelmfileRelease>,
}

#[derive(Serialize)]
struct Repository {
    name: String,
    url: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    oci: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HelmfileRelease {
    name: String,
    namespace: String,
    chart: String,
    version: String,
    values: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    needs: Vec<String>,
}

/// The path of a release's values file.
pub fn values_path(release: &Release) -> String {
    format!("values/{}.yaml", release.name)
}

/// Emits `helmfile.yaml` and `values/<release>.yaml`.
pub fn emit(releases: &[Release], bundle: &mut Bundle) {
    let mut repositories: Vec<Repository> = Vec::new();
    let mut out = Vec::new();
    // Everything else may create ServiceMonitors, whose CRD the Prometheus stack brings.
    let crd_provider = releases
        .iter()
        .find(|r| r.chart == "kube-prometheus-stack")
        .map(|r| format!("{}/{}", r.namespace, r.name));
    for release in releases {
        let name = repository_name(&release.source.repository);
        let (url, oci) = match release.source.source_kind() {
            SourceKind::Helm => (release.source.repository.clone(), false),
            SourceKind::Oci => {
                // Helmfile wants the registry path without the scheme and the chart name.
                let path = release.source.repository.trim_start_matches("oci://");
                let base = path
                    .strip_suffix(release.chart)
                    .unwrap_or(path)
                    .trim_end_matches('/');
                (base.to_owned(), true)
            }
        };
        if !repositories.iter().any(|r| r.name == name) {
            repositories.push(Repository {
                name: name.clone(),
                url,
                oci,
            });
        }
        bundle.support_yaml(values_path(release), release.values.clone());
        out.push(HelmfileRelease {
            name: release.name.clone(),
            namespace: release.namespace.to_owned(),
            chart: format!("{name}/{}", release.chart),
            version: release.source.version.clone(),
            values: vec![values_path(release)],
            needs: crd_provider
                .iter()
                .filter(|p| **p != format!("{}/{}", release.namespace, release.name))
                .cloned()
                .collect(),
        });
    }
    repositories.sort_by(|a, b| a.name.cmp(&b.name));
    bundle.support_yaml(
        "helmfile.yaml",
        to_value(&Helmfile {
            repositories,
            releases: out,
        }),
    );
}
