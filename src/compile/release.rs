//! The Helm releases a profile installs, independent of how they are delivered.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::components::{Built, COMPONENTS};
use crate::model::Chart;
use crate::resolve::Stack;

/// One Helm release.
pub struct Release<'p> {
    /// Release name.
    pub name: String,
    /// Chart name inside its repository.
    pub chart: &'static str,
    /// The pinned chart.
    pub source: &'p Chart,
    /// Namespace the release installs into.
    pub namespace: &'p str,
    /// Chart values.
    pub values: Value,
    /// What the release waits for at install time, and what waits for it.
    pub role: Role,
}

/// A release's part in install ordering ([`dependencies`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Waits for nothing, and nothing waits for it.
    Independent,
    /// A store the collector writes to: the collector waits for it.
    Store,
    /// The collector: it waits for every store, so its first batches are not refused.
    Collector,
}

/// The releases in install order: one per registered component that installs a chart
/// ([`COMPONENTS`] is in install order).
pub fn releases<'p>(stack: &Stack<'p>, built: &Built) -> Vec<Release<'p>> {
    COMPONENTS
        .iter()
        .filter_map(|c| c.release(stack, built))
        .collect()
}

/// Which releases each release waits for, by name: the collector starts after the
/// stores it writes to (the [`Role::Store`] releases: kube-prometheus-stack, Loki, Tempo), so its first batches
/// are not refused. Nothing else waits: no chart needs another's CRDs, and objects that
/// need the Prometheus Operator's CRDs are applied after the charts, on their own.
pub fn dependencies<'r>(releases: &'r [Release]) -> BTreeMap<&'r str, Vec<&'r Release<'r>>> {
    let stores: Vec<&Release> = releases.iter().filter(|r| r.role == Role::Store).collect();
    releases
        .iter()
        .map(|r| {
            let needs = if r.role == Role::Collector {
                stores.clone()
            } else {
                Vec::new()
            };
            (r.name.as_str(), needs)
        })
        .collect()
}

/// The release that installs the Prometheus Operator's CRDs (ServiceMonitor,
/// PodMonitor, PrometheusRule), if the profile has one.
pub fn monitoring_crd_provider<'r>(releases: &'r [Release<'r>]) -> Option<&'r Release<'r>> {
    releases.iter().find(|r| r.chart == "kube-prometheus-stack")
}

/// Names for chart repository URLs: one entry per distinct URL, each name a
/// DNS label that no other URL in the set shares.
///
/// A URL gets a readable name (`grafana`, `prometheus-community`, `grafana-some-fork`);
/// when two distinct URLs would get the same name, each of them gets a suffix from a hash
/// of its own URL, so the names depend only on the set of URLs, never on their order.
pub fn repository_names<'u>(urls: impl IntoIterator<Item = &'u str>) -> BTreeMap<&'u str, String> {
    let mut by_name: BTreeMap<String, BTreeSet<&'u str>> = BTreeMap::new();
    for url in urls {
        by_name.entry(readable_name(url)).or_default().insert(url);
    }
    let mut out = BTreeMap::new();
    for (name, urls) in by_name {
        let unique = urls.len() == 1;
        for url in urls {
            let name = if unique {
                name.clone()
            } else {
                format!("{name}-{:08x}", fnv1a(url))
            };
            out.insert(url, name);
        }
    }
    out
}

/// The registry path of an `oci://` chart URL without its scheme and chart name, which is
/// what a helmfile repository entry names (`ghcr.io/prometheus-community/charts`).
pub fn oci_registry_path<'u>(url: &'u str, chart: &str) -> &'u str {
    let path = url.trim_start_matches("oci://");
    path.strip_suffix(chart)
        .unwrap_or(path)
        .trim_end_matches('/')
}

/// Path segments that say nothing about who publishes the charts.
const GENERIC_SEGMENTS: [&str; 3] = ["helm-charts", "charts", "helm"];

/// The readable name of one URL: the publisher (GitHub Pages or ghcr.io owner, else the
/// host's first label) and, unless generic, the last path segment.
fn readable_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    let host = parts.next().unwrap_or_default();
    let path: Vec<&str> = parts.collect();
    let (publisher, path) = match (host, path.split_first()) {
        ("ghcr.io" | "docker.io" | "quay.io", Some((owner, rest))) => (*owner, rest),
        _ => (
            host.strip_suffix(".github.io")
                .unwrap_or_else(|| host.split('.').next().unwrap_or(host)),
            path.as_slice(),
        ),
    };
    let mut name = slug(publisher);
    if let Some(last) = path.last().filter(|s| !GENERIC_SEGMENTS.contains(s)) {
        name.push('-');
        name.push_str(&slug(last));
    }
    let name: String = name.chars().take(40).collect();
    let name = name.trim_matches('-');
    if name.is_empty() {
        "charts".to_owned()
    } else {
        name.to_owned()
    }
}

/// Lower-case letters and digits, everything else one `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// 32-bit FNV-1a: a stable hash (std's hashers may change between releases).
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::{oci_registry_path, repository_names};

    #[test]
    fn well_known_repositories_get_short_names() {
        let cases = [
            ("https://grafana.github.io/helm-charts", "grafana"),
            (
                "https://grafana-community.github.io/helm-charts",
                "grafana-community",
            ),
            (
                "ghcr.io/prometheus-community/charts",
                "prometheus-community",
            ),
            ("https://charts.example.com/x", "charts-x"),
        ];
        let names = repository_names(cases.iter().map(|(url, _)| *url));
        for (url, name) in cases {
            assert_eq!(names[url], name);
        }
    }

    /// Issue 10: a fork on the same host used to take the name of the original.
    #[test]
    fn distinct_urls_never_share_a_name() {
        let a = "https://grafana.github.io/helm-charts";
        let b = "https://grafana.github.io/helm-charts/";
        let c = "https://grafana.github.io/some-fork";
        let d = "https://grafana.github.io/some_fork";
        let names = repository_names([a, b, c, d]);
        assert_eq!(names.len(), 4);
        let distinct: std::collections::BTreeSet<&String> = names.values().collect();
        assert_eq!(distinct.len(), 4, "{names:?}");
        assert!(names[a].starts_with("grafana-") && names[a].len() == "grafana-".len() + 8);
        assert!(names[c].starts_with("grafana-some-fork-"), "{names:?}");
        for name in names.values() {
            assert!(
                name.len() <= 63
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name}"
            );
        }
    }

    #[test]
    fn names_do_not_depend_on_order() {
        let urls = [
            "https://a.example/x",
            "https://a.example/x/",
            "https://b.example",
        ];
        let forward = repository_names(urls);
        let backward = repository_names(urls.into_iter().rev());
        assert_eq!(forward, backward);
    }

    #[test]
    fn oci_registry_path_drops_scheme_and_chart() {
        assert_eq!(
            oci_registry_path(
                "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack",
                "kube-prometheus-stack"
            ),
            "ghcr.io/prometheus-community/charts"
        );
    }
}
