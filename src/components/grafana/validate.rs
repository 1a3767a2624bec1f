//! Grafana settings that are valid on their own but not together: admin
//! credentials outside development, the host it runs in, and how it is reached.

use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::{Access, AdminCredentials, Environment, GrafanaHost, Profile};
use crate::resolve::Stack;
use crate::validate::{Step, error_at};

/// Checks the `grafana` section, when Grafana is enabled.
pub fn check(stack: &Stack, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let profile = stack.profile;
    if let Some(grafana) = profile.grafana.as_ref().filter(|g| g.enabled) {
        check_grafana(profile, grafana, root, out);
    }
}

fn check_grafana(
    profile: &Profile,
    grafana: &crate::model::Grafana,
    root: &Located<Node>,
    out: &mut Vec<Diagnostic>,
) {
    if matches!(grafana.admin, AdminCredentials::InsecureDefault)
        && profile.environment != Environment::Development
    {
        out.push(
            error_at(root, &[Step::Key("grafana"), Step::Key("admin")],
                "the default Grafana credentials (admin/admin) are allowed only with `environment: development`")
                .help("use `admin: { existingSecret: { name: grafana-admin } }` with a Secret holding `admin-user` and `admin-password`"),
        );
    }
    if grafana.host == GrafanaHost::KubePrometheusStack
        && !profile.prometheus.as_ref().is_some_and(|p| p.enabled)
    {
        out.push(
            error_at(
                root,
                &[Step::Key("grafana"), Step::Key("host")],
                "`host: kubePrometheusStack` needs the `prometheus` component",
            )
            .help("add a `prometheus` section, or use `host: standalone`"),
        );
    }
    if grafana.dashboard_label.len() != 1 {
        out.push(
            error_at(
                root,
                &[Step::Key("grafana"), Step::Key("dashboardLabel")],
                "the dashboard sidecar watches exactly one label",
            )
            .help("give one `key: value`, e.g. `grafana_dashboard: \"1\"`"),
        );
    }
    match &grafana.access {
        Access::HttpRoute(route) => {
            if route.gateway.is_none() {
                out.push(
                    error_at(root, &[Step::Key("grafana"), Step::Key("access"), Step::Key("httpRoute")],
                        "an HTTPRoute needs the Gateway it attaches to")
                        .help("add `gateway: { name: eg, namespace: envoy-gateway-system }` under `httpRoute`"),
                );
            }
            if !route.path.starts_with('/') {
                out.push(
                    error_at(
                        root,
                        &[
                            Step::Key("grafana"),
                            Step::Key("access"),
                            Step::Key("httpRoute"),
                            Step::Key("path"),
                        ],
                        format!("path `{}` must start with `/`", route.path),
                    )
                    .help(format!("write `/{}`", route.path)),
                );
            }
        }
        Access::NodePort(port) if !(30000..=32767).contains(&port.port) => {
            out.push(
                error_at(
                    root,
                    &[
                        Step::Key("grafana"),
                        Step::Key("access"),
                        Step::Key("nodePort"),
                        Step::Key("port"),
                    ],
                    format!(
                        "node port {} is outside the cluster's node port range",
                        port.port
                    ),
                )
                .expected("a port from 30000 to 32767 (the default --service-node-port-range)"),
            );
        }
        _ => {}
    }
}
