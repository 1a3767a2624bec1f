//! Helmfile delivery: `helmfile.yaml` and one values file per release.

use serde::Serialize;

use crate::compile::document::{Bundle, to_value};
use crate::compile::release::{Release, dependencies, oci_registry_path, repository_names};
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

/// The URL of a release's helmfile repository entry: the repository for a Helm
/// repository, the registry path without scheme and chart name for OCI.
fn entry_url(release: &Release) -> (String, bool) {
    match release.source.source_kind() {
        SourceKind::Helm => (release.source.repository.clone(), false),
        SourceKind::Oci => (
            oci_registry_path(&release.source.repository, release.chart).to_owned(),
            true,
        ),
    }
}

/// Emits `helmfile.yaml` and `values/<release>.yaml`.
///
/// One repository entry per distinct URL, so overriding one chart's repository never
/// changes where another chart comes from.
pub fn emit(releases: &[Release], bundle: &mut Bundle) {
    let urls: Vec<(String, bool)> = releases.iter().map(entry_url).collect();
    let names = repository_names(urls.iter().map(|(url, _)| url.as_str()));
    let needs = dependencies(releases);
    let mut repositories: Vec<Repository> = Vec::new();
    let mut out = Vec::new();
    for (release, (url, oci)) in releases.iter().zip(&urls) {
        let name = &names[url.as_str()];
        if !repositories.iter().any(|r| &r.url == url) {
            repositories.push(Repository {
                name: name.clone(),
                url: url.clone(),
                oci: *oci,
            });
        }
        bundle.support_yaml(values_path(release), release.values.clone());
        out.push(HelmfileRelease {
            name: release.name.clone(),
            namespace: release.namespace.to_owned(),
            chart: format!("{name}/{}", release.chart),
            version: release.source.version.clone(),
            values: vec![values_path(release)],
            needs: needs[release.name.as_str()]
                .iter()
                .map(|r| format!("{}/{}", r.namespace, r.name))
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
