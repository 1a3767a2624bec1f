//! `delivery`: chart versions and repositories (which end up in helmfile and
//! Flux objects, and are fetched by Helm) and the Flux settings.

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::diag::suggest::did_you_mean;
use crate::load::{Located, Node};
use crate::model::{Chart, Duration, Profile, is_version_constraint};

/// The schemes a chart can come from.
const SCHEMES: [&str; 2] = ["https", "oci"];

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let charts = &profile.delivery.charts;
    for (key, chart_name, chart) in [
        ("loki", "loki", &charts.loki),
        ("tempo", "tempo", &charts.tempo),
        (
            "tempoDistributed",
            "tempo-distributed",
            &charts.tempo_distributed,
        ),
        ("alloy", "alloy", &charts.alloy),
        ("grafana", "grafana", &charts.grafana),
        (
            "kubePrometheusStack",
            "kube-prometheus-stack",
            &charts.kube_prometheus_stack,
        ),
    ] {
        let at = |field| {
            [
                Step::Key("delivery"),
                Step::Key("charts"),
                Step::Key(key),
                Step::Key(field),
            ]
        };
        if let Some(d) = check_version(chart) {
            out.push(
                error_at(root, &at("version"), d.0)
                    .expected(EXPECTED_VERSION)
                    .help(d.1),
            );
        }
        if let Some(d) = check_repository(chart, chart_name) {
            out.push(
                error_at(root, &at("repository"), d.0)
                    .expected(EXPECTED_REPOSITORY)
                    .help(d.1),
            );
        }
    }
    if let Some(flux) = &profile.delivery.flux {
        let flux_at = |key| [Step::Key("delivery"), Step::Key("flux"), Step::Key(key)];
        for (key, value) in [
            ("interval", flux.interval),
            ("releaseInterval", flux.release_interval),
        ] {
            if value == Duration::from_secs(0) {
                out.push(
                    error_at(
                        root,
                        &flux_at(key),
                        format!("`{key}: 0s` would make Flux reconcile without pause"),
                    )
                    .help("give a positive duration, e.g. `1m` or `10m`"),
                );
            }
        }
        if let Some(n) = &flux.notifications
            && n.secret_name.trim().is_empty()
        {
            out.push(
                error_at(
                    root,
                    &[Step::Key("delivery"), Step::Key("flux"), Step::Key("notifications"), Step::Key("secretName")],
                    "`secretName` is empty",
                )
                .help("name the existing Secret (in the Flux namespace) that holds the provider's `address` or `token`"),
            );
        }
    }
}

const EXPECTED_VERSION: &str =
    "a chart version such as `1.11.1`, or a Helm constraint such as `~1.11.0` or `>=1.11.0 <2.0.0`";
const EXPECTED_REPOSITORY: &str =
    "an `https://` Helm repository URL, or the `oci://` URL of the chart";

/// A problem with a chart version: the message and the fix.
fn check_version(chart: &Chart) -> Option<(String, String)> {
    let version = chart.version.as_str();
    if version.chars().any(char::is_control) {
        let first = version
            .split(char::is_control)
            .next()
            .unwrap_or_default()
            .trim();
        return Some((
            "the chart version contains a line break or control character".to_owned(),
            format!("write only the version, on one line: `{first}`"),
        ));
    }
    if version.trim().is_empty() {
        return Some((
            "the chart version is empty".to_owned(),
            "pin the chart's version, e.g. `1.11.1`".to_owned(),
        ));
    }
    if is_version_constraint(version) {
        return None;
    }
    let help = if version.eq_ignore_ascii_case("latest") {
        "Helm has no `latest` version: pin one (e.g. `1.11.1`) or use a constraint such as `>=1.11.0`".to_owned()
    } else if let Some(fixed) = [
        version.trim_start_matches(['V', '@']),
        &version.replace(['_', ' '], "."),
    ]
    .into_iter()
    .find(|v| *v != version && is_version_constraint(v))
    {
        format!("write `{fixed}`")
    } else {
        "write `MAJOR.MINOR.PATCH` (e.g. `1.11.1`) or a constraint (e.g. `~1.11.0`)".to_owned()
    };
    Some((
        format!("`{version}` is not a Helm chart version or version constraint"),
        help,
    ))
}

/// A problem with a chart repository: the message and the fix.
fn check_repository(chart: &Chart, chart_name: &str) -> Option<(String, String)> {
    let url = chart.repository.as_str();
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        let first = url
            .trim()
            .split(|c: char| c.is_control() || c.is_whitespace())
            .next()
            .unwrap_or_default();
        return Some((
            "the repository URL contains a line break, space or control character".to_owned(),
            format!("write only the URL, on one line: `{first}`"),
        ));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Some((
            format!("`{url}` has no scheme"),
            format!(
                "write `https://{url}` for a Helm repository, or `oci://{url}` for an OCI registry"
            ),
        ));
    };
    match scheme {
        "https" | "oci" => {}
        "file" => {
            return Some((
                "a `file://` repository reads charts from the machine that runs Helm or Flux"
                    .to_owned(),
                "publish the chart to an HTTPS Helm repository or an OCI registry and use its URL"
                    .to_owned(),
            ));
        }
        "http" => {
            return Some((
                "a plain `http://` repository is fetched without TLS".to_owned(),
                format!("write `https://{rest}`"),
            ));
        }
        other => {
            let help = match did_you_mean(&other.to_ascii_lowercase(), &SCHEMES) {
                Some(s) => format!("did you mean `{s}://{rest}`?"),
                None => format!("write `https://{rest}` or `oci://{rest}`"),
            };
            return Some((format!("unsupported scheme `{other}://`"), help));
        }
    }
    let mut segments = rest.split('/');
    let host = segments.next().unwrap_or_default();
    if host.is_empty() {
        return Some((
            format!("`{url}` has no host"),
            format!("write `{scheme}://<host>/<path>`"),
        ));
    }
    let path: Vec<&str> = segments.collect();
    let decoded = |s: &str| s.to_ascii_lowercase().replace("%2e", ".");
    if path
        .iter()
        .any(|s| matches!(decoded(s).as_str(), ".." | "."))
    {
        let kept: Vec<&str> = path
            .iter()
            .copied()
            .filter(|s| !matches!(decoded(s).as_str(), ".." | "."))
            .collect();
        return Some((
            "the repository URL has a `..` or `.` path segment".to_owned(),
            format!(
                "write the repository's own path, e.g. `{scheme}://{host}/{}`",
                kept.join("/")
            ),
        ));
    }
    if scheme == "oci" && path.iter().rev().find(|s| !s.is_empty()) != Some(&chart_name) {
        return Some((
            format!(
                "an `oci://` repository is the URL of the chart itself, and `{url}` does not end in `/{chart_name}`"
            ),
            format!("write `{}/{chart_name}`", url.trim_end_matches('/')),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(version: &str, repository: &str) -> Chart {
        serde_json::from_value(serde_json::json!({"version": version, "repository": repository}))
            .unwrap()
    }

    #[test]
    fn helm_versions_and_constraints_pass() {
        for v in [
            "1.11.1",
            "v1.11.1",
            "2.0.0-rc.1+build.5",
            "~1.11.0",
            "^1.2",
            ">=1.11.0 <2.0.0",
            ">= 1.2, < 3",
            "1.x",
            "*",
            "1.2 - 1.4.5",
            "~1.2 || ^2.0",
            "~>1.2",
        ] {
            assert_eq!(check_version(&chart(v, "https://a.example")), None, "{v}");
        }
    }

    #[test]
    fn broken_versions_are_refused_with_a_fix() {
        for (v, help) in [
            ("1.11.1\nfoo: bar", "on one line: `1.11.1`"),
            ("", "pin the chart's version"),
            ("latest", "no `latest`"),
            ("1_11_1", "write `1.11.1`"),
            ("@1.2.3", "write `1.2.3`"),
            ("1.2.3.4", "MAJOR.MINOR.PATCH"),
            (">>1.2", "MAJOR.MINOR.PATCH"),
            ("1.2 ||", "MAJOR.MINOR.PATCH"),
        ] {
            let (_, got) = check_version(&chart(v, "https://a.example"))
                .unwrap_or_else(|| panic!("{v:?} passed"));
            assert!(got.contains(help), "{v:?}: {got}");
        }
    }

    #[test]
    fn repositories_are_checked() {
        let ok = |r: &str, c: &str| check_repository(&chart("1.0.0", r), c);
        assert_eq!(ok("https://grafana.github.io/helm-charts", "loki"), None);
        assert_eq!(
            ok("oci://ghcr.io/grafana-community/helm-charts/loki", "loki"),
            None
        );
        for (repo, message, help) in [
            (
                "https://a.example/\nx",
                "line break",
                "on one line: `https://a.example/`",
            ),
            (
                "a.example/charts",
                "no scheme",
                "`https://a.example/charts`",
            ),
            ("file:///charts", "`file://`", "publish the chart"),
            ("http://a.example", "without TLS", "`https://a.example`"),
            (
                "htps://a.example",
                "unsupported scheme `htps://`",
                "did you mean `https://a.example`?",
            ),
            ("https:///charts", "has no host", "<host>"),
            (
                "https://a.example/x/../y",
                "`..`",
                "`https://a.example/x/y`",
            ),
            (
                "https://a.example/%2E%2E/y",
                "`..`",
                "`https://a.example/y`",
            ),
            (
                "oci://ghcr.io/org/charts",
                "does not end in `/loki`",
                "`oci://ghcr.io/org/charts/loki`",
            ),
        ] {
            let (m, h) = ok(repo, "loki").unwrap_or_else(|| panic!("{repo:?} passed"));
            assert!(m.contains(message), "{repo:?}: {m}");
            assert!(h.contains(help), "{repo:?}: {h}");
        }
    }
}
