//! How users reach Grafana: an HTTPRoute or a Cloudflare Tunnel.
//! (NodePort and port-forward need no objects of their own; see the Grafana values.)

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Container, EnvVar, EnvVarSource, PodSpec, PodTemplateSpec, SecretKeySelector, SecurityContext,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::compile::crd::{
    BackendRef, CustomResource, HttpRouteMatch, HttpRouteRule, HttpRouteSpec, ParentRef, PathMatch,
};
use crate::compile::document::{Bundle, to_value};
use crate::compile::meta::{object_meta, with_labels};
use crate::model::{Access, CloudflareTunnel, HttpRoute, Spread};
use crate::resolve::placement::spread_constraints;
use crate::resolve::stack::Stack;

/// Emits `access/grafana-httproute.yaml` or `access/cloudflared.yaml`.
pub fn emit(stack: &Stack, bundle: &mut Bundle) {
    let Some(grafana) = stack.grafana() else {
        return;
    };
    let namespace = stack.grafana_namespace(grafana);
    let service = stack.grafana_service().expect("grafana is on");
    match &grafana.access {
        Access::HttpRoute(route) => {
            bundle.resource(
                "access/grafana-httproute.yaml",
                vec![to_value(&http_route(route, namespace, &service))],
            );
        }
        Access::CloudflareTunnel(tunnel) => {
            let spread = grafana.placement.spread;
            let mut objects = vec![to_value(&cloudflared(tunnel, namespace, spread))];
            if tunnel.replicas > 1 {
                objects.push(to_value(&cloudflared_budget(namespace)));
            }
            bundle.resource("access/cloudflared.yaml", objects);
        }
        Access::PortForward | Access::NodePort(_) => {}
    }
}

fn http_route(route: &HttpRoute, namespace: &str, service: &str) -> CustomResource<HttpRouteSpec> {
    CustomResource {
        api_version: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: object_meta("grafana", Some(namespace)),
        spec: HttpRouteSpec {
            parent_refs: route
                .gateway
                .iter()
                .map(|g| ParentRef {
                    name: g.name.clone(),
                    namespace: g.namespace.clone(),
                    section_name: g.section_name.clone(),
                })
                .collect(),
            hostnames: route.hostnames.clone(),
            rules: vec![HttpRouteRule {
                matches: vec![HttpRouteMatch {
                    path: PathMatch {
                        kind: "PathPrefix",
                        value: route.path.clone(),
                    },
                }],
                backend_refs: vec![BackendRef {
                    name: service.to_owned(),
                    port: 80,
                }],
            }],
        },
    }
}

fn cloudflared_labels() -> BTreeMap<String, String> {
    BTreeMap::from([(
        "app.kubernetes.io/name".to_owned(),
        "cloudflared".to_owned(),
    )])
}

/// Lets a drain evict one cloudflared replica at a time, so the tunnel keeps
/// a connector.
fn cloudflared_budget(namespace: &str) -> PodDisruptionBudget {
    PodDisruptionBudget {
        metadata: object_meta("cloudflared", Some(namespace)),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(1)),
            selector: Some(LabelSelector {
                match_labels: Some(cloudflared_labels()),
                match_expressions: None,
            }),
            ..PodDisruptionBudgetSpec::default()
        }),
        status: None,
    }
}

fn cloudflared(tunnel: &CloudflareTunnel, namespace: &str, spread: Spread) -> Deployment {
    let labels = cloudflared_labels();
    let constraints = spread_constraints(spread, tunnel.replicas, &labels);
    Deployment {
        metadata: with_labels(object_meta("cloudflared", Some(namespace)), &labels),
        spec: Some(DeploymentSpec {
            replicas: Some(tunnel.replicas as i32),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "cloudflared".to_owned(),
                        image: Some(tunnel.image.clone()),
                        args: Some(
                            [
                                "tunnel",
                                "--no-autoupdate",
                                "--metrics",
                                "0.0.0.0:2000",
                                "run",
                            ]
                            .map(str::to_owned)
                            .to_vec(),
                        ),
                        env: Some(vec![EnvVar {
                            name: "TUNNEL_TOKEN".to_owned(),
                            value: None,
                            value_from: Some(EnvVarSource {
                                secret_key_ref: Some(SecretKeySelector {
                                    name: tunnel.token_secret.name.clone(),
                                    key: tunnel.token_secret.key.clone(),
                                    optional: Some(false),
                                }),
                                ..EnvVarSource::default()
                            }),
                        }]),
                        security_context: Some(SecurityContext {
                            allow_privilege_escalation: Some(false),
                            read_only_root_filesystem: Some(true),
                            run_as_non_root: Some(true),
                            ..SecurityContext::default()
                        }),
                        ..Container::default()
                    }],
                    topology_spread_constraints: (!constraints.is_empty()).then_some(constraints),
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        status: None,
    }
}
