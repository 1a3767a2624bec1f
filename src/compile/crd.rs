//! Small typed structs for the custom resources o11yc writes (Flux, Gateway API).
//!
//! Only the fields o11yc sets are modelled; the CRDs' OpenAPI schemas in
//! `../shared/conformance/crds` are the reference they are tested against.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use serde_json::Value;

/// A custom resource: `apiVersion`, `kind`, `metadata`, `spec`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomResource<S> {
    /// Group and version.
    pub api_version: &'static str,
    /// Kind.
    pub kind: &'static str,
    /// Metadata.
    pub metadata: ObjectMeta,
    /// The resource's spec.
    pub spec: S,
}

/// `spec` of a Flux `HelmRepository` (source.toolkit.fluxcd.io/v1).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmRepositorySpec {
    /// How often the index is fetched.
    pub interval: String,
    /// Repository URL.
    pub url: String,
}

/// `spec` of a Flux `OCIRepository` (source.toolkit.fluxcd.io/v1).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OciRepositorySpec {
    /// How often the tag is checked.
    pub interval: String,
    /// `oci://` URL of the chart.
    pub url: String,
    /// The pinned tag.
    #[serde(rename = "ref")]
    pub reference: OciReference,
    /// Media type selection: take the Helm chart layer.
    pub layer_selector: LayerSelector,
}

/// The tag an `OCIRepository` pins, or the version constraint it follows.
#[derive(Clone, Debug, Serialize)]
pub struct OciReference {
    /// Tag (an exact chart version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Semantic version constraint (a chart version range).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semver: Option<String>,
}

/// Which OCI layer holds the chart.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerSelector {
    /// Media type of the chart layer.
    pub media_type: &'static str,
    /// Keep the archive as published.
    pub operation: &'static str,
}

/// `spec` of a Flux `HelmRelease` (helm.toolkit.fluxcd.io/v2).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmReleaseSpec {
    /// Reconcile interval.
    pub interval: String,
    /// Helm release name.
    pub release_name: String,
    /// Chart from a HelmRepository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<HelmChartTemplate>,
    /// Chart from an OCIRepository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart_ref: Option<CrossNamespaceRef>,
    /// Install behaviour.
    pub install: InstallSpec,
    /// Upgrade behaviour.
    pub upgrade: UpgradeSpec,
    /// Chart values.
    pub values: Value,
}

/// `spec.chart` of a HelmRelease.
#[derive(Clone, Debug, Serialize)]
pub struct HelmChartTemplate {
    /// The chart template spec.
    pub spec: HelmChartTemplateSpec,
}

/// `spec.chart.spec` of a HelmRelease.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmChartTemplateSpec {
    /// Chart name in the repository.
    pub chart: String,
    /// Exact version or version constraint.
    pub version: String,
    /// The HelmRepository.
    pub source_ref: CrossNamespaceRef,
}

/// A reference to a Flux source, possibly in another namespace.
#[derive(Clone, Debug, Serialize)]
pub struct CrossNamespaceRef {
    /// Kind of the source.
    pub kind: &'static str,
    /// Name of the source.
    pub name: String,
    /// Namespace of the source.
    pub namespace: String,
}

/// `spec.install` of a HelmRelease.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallSpec {
    /// Install CRDs shipped by the chart, and create them when missing.
    pub crds: &'static str,
    /// Retry a failed install.
    pub remediation: Remediation,
}

/// `spec.upgrade` of a HelmRelease.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeSpec {
    /// Update CRDs shipped by the chart.
    pub crds: &'static str,
    /// Retry a failed upgrade.
    pub remediation: Remediation,
}

/// Retries of a failed Helm action.
#[derive(Clone, Debug, Serialize)]
pub struct Remediation {
    /// How many times to retry.
    pub retries: i32,
}

/// `spec` of a Flux `Kustomization` (kustomize.toolkit.fluxcd.io/v1).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FluxKustomizationSpec {
    /// Reconcile interval.
    pub interval: String,
    /// Path in the source.
    pub path: String,
    /// Delete objects removed from the source.
    pub prune: bool,
    /// Wait until applied objects are ready.
    pub wait: bool,
    /// Give up waiting after this long.
    pub timeout: String,
    /// Kustomizations that must be Ready before this one is applied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<DependencyRef>,
    /// The Git source.
    pub source_ref: CrossNamespaceRef,
}

/// A Flux Kustomization another one depends on.
#[derive(Clone, Debug, Serialize)]
pub struct DependencyRef {
    /// Its name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
}

/// `spec` of a Flux notification `Provider` (notification.toolkit.fluxcd.io/v1beta3).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSpec {
    /// Provider type (`slack`, `msteams`, ...).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Channel, room or topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The Secret holding the address or token.
    pub secret_ref: LocalRef,
}

/// `spec` of a Flux notification `Alert` (notification.toolkit.fluxcd.io/v1beta3).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertSpec {
    /// The Provider events go to.
    pub provider_ref: LocalRef,
    /// `info` or `error`.
    pub event_severity: &'static str,
    /// The objects whose events are sent.
    pub event_sources: Vec<EventSource>,
}

/// A reference to an object in the same namespace.
#[derive(Clone, Debug, Serialize)]
pub struct LocalRef {
    /// Its name.
    pub name: String,
}

/// A Flux object whose events an Alert sends.
#[derive(Clone, Debug, Serialize)]
pub struct EventSource {
    /// Its kind.
    pub kind: &'static str,
    /// Its name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
}

/// `spec` of a Gateway API `HTTPRoute` (gateway.networking.k8s.io/v1).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteSpec {
    /// Gateways the route attaches to.
    pub parent_refs: Vec<ParentRef>,
    /// Host names matched.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hostnames: Vec<String>,
    /// Routing rules.
    pub rules: Vec<HttpRouteRule>,
}

/// A Gateway an HTTPRoute attaches to.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentRef {
    /// Gateway name.
    pub name: String,
    /// Gateway namespace.
    pub namespace: String,
    /// Listener name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
}

/// One HTTPRoute rule.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteRule {
    /// Request matches.
    pub matches: Vec<HttpRouteMatch>,
    /// Where matching requests go.
    pub backend_refs: Vec<BackendRef>,
}

/// A path match.
#[derive(Clone, Debug, Serialize)]
pub struct HttpRouteMatch {
    /// The path condition.
    pub path: PathMatch,
}

/// A path condition.
#[derive(Clone, Debug, Serialize)]
pub struct PathMatch {
    /// Match type (`PathPrefix`).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The path.
    pub value: String,
}

/// A Service backend.
#[derive(Clone, Debug, Serialize)]
pub struct BackendRef {
    /// Service name.
    pub name: String,
    /// Service port.
    pub port: i32,
}
