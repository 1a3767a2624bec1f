//! Values for Grafana: the `grafana` chart, or the `grafana` section of
//! kube-prometheus-stack (the same sub-chart) when the stack hosts it.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::compile::datasources::{self, Datasource};
use crate::compile::document::to_value;
use crate::model::{Access, AdminCredentials, Grafana, GrafanaHost};
use crate::resolve::placement::PodPlacement;
use crate::resolve::stack::Stack;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GrafanaValues {
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin: Option<AdminSecret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_user: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_password: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<Service>,
    #[serde(skip_serializing_if = "Option::is_none")]
    persistence: Option<Persistence>,
    #[serde(rename = "grafana.ini", skip_serializing_if = "Option::is_none")]
    grafana_ini: Option<GrafanaIni>,
    sidecar: Sidecar,
    /// Standalone chart: datasources provisioned from this file.
    #[serde(skip_serializing_if = "Option::is_none")]
    datasources: Option<BTreeMap<&'static str, DatasourceFile>>,
    /// kube-prometheus-stack: datasources added to the stack's provisioning.
    #[serde(skip_serializing_if = "Option::is_none")]
    additional_data_sources: Option<Vec<Datasource>>,
    #[serde(flatten)]
    placement: PodPlacement,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AdminSecret {
    existing_secret: String,
    user_key: String,
    password_key: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Service {
    #[serde(rename = "type")]
    kind: &'static str,
    node_port: u16,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Persistence {
    enabled: bool,
    size: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    storage_class_name: Option<String>,
}

#[derive(Serialize)]
struct GrafanaIni {
    server: ServerIni,
}

#[derive(Serialize)]
struct ServerIni {
    root_url: String,
    serve_from_sub_path: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sidecar {
    dashboards: DashboardSidecar,
    #[serde(skip_serializing_if = "Option::is_none")]
    datasources: Option<DatasourceSidecar>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DashboardSidecar {
    enabled: bool,
    label: String,
    label_value: String,
    search_namespace: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DatasourceSidecar {
    default_datasource_enabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DatasourceFile {
    api_version: u32,
    datasources: Vec<Datasource>,
}

/// Helm values for Grafana; for `host: kubePrometheusStack` this is the `grafana` section.
pub fn values(stack: &Stack, grafana: &Grafana) -> Value {
    let in_stack = grafana.host == GrafanaHost::KubePrometheusStack;
    let (admin, admin_user, admin_password) = match &grafana.admin {
        AdminCredentials::ExistingSecret(secret) => (
            Some(AdminSecret {
                existing_secret: secret.name.clone(),
                user_key: secret.user_key.clone(),
                password_key: secret.password_key.clone(),
            }),
            None,
            None,
        ),
        // Only reachable with `environment: development` (see validate).
        AdminCredentials::InsecureDefault => (None, Some("admin"), Some("admin")),
    };
    let grafana_ini = match &grafana.access {
        Access::HttpRoute(route) if route.path != "/" => Some(GrafanaIni {
            server: ServerIni {
                root_url: route.external_url.clone().unwrap_or_else(|| {
                    format!("%(protocol)s://%(domain)s:%(http_port)s{}", route.path)
                }),
                serve_from_sub_path: true,
            },
        }),
        Access::HttpRoute(route) => route.external_url.clone().map(|url| GrafanaIni {
            server: ServerIni {
                root_url: url,
                serve_from_sub_path: false,
            },
        }),
        _ => None,
    };
    let service = match &grafana.access {
        Access::NodePort(node_port) => Some(Service {
            kind: "NodePort",
            node_port: node_port.port,
        }),
        _ => None,
    };
    let (label, label_value) = grafana
        .dashboard_label
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.clone()))
        .unwrap_or_default();
    let sources = datasources::datasources(stack);
    to_value(&GrafanaValues {
        enabled: in_stack.then_some(true),
        admin,
        admin_user,
        admin_password,
        service,
        persistence: grafana.persistence.as_ref().map(|claim| Persistence {
            enabled: true,
            size: claim.size.to_string(),
            storage_class_name: claim.storage_class.clone(),
        }),
        grafana_ini,
        sidecar: Sidecar {
            dashboards: DashboardSidecar {
                enabled: true,
                label,
                label_value,
                search_namespace: "ALL",
            },
            datasources: in_stack.then_some(DatasourceSidecar {
                default_datasource_enabled: false,
            }),
        },
        datasources: (!in_stack).then(|| {
            BTreeMap::from([(
                "datasources.yaml",
                DatasourceFile {
                    api_version: 1,
                    datasources: sources.clone(),
                },
            )])
        }),
        additional_data_sources: in_stack.then_some(sources),
        placement: PodPlacement::from(&grafana.placement),
    })
}
