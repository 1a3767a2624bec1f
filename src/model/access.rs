//! How users reach Grafana.

use schemars::JsonSchema;
use serde::Deserialize;

use super::SecretKeyRef;

/// How users reach Grafana. Exactly one form is given.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub enum Access {
    /// No exposure: `kubectl port-forward` only.
    #[default]
    PortForward,
    /// A Gateway API HTTPRoute attached to an existing Gateway (e.g. Envoy Gateway).
    HttpRoute(HttpRoute),
    /// A Cloudflare Tunnel (cloudflared Deployment) with its token in an existing Secret.
    CloudflareTunnel(CloudflareTunnel),
    /// A NodePort Service.
    NodePort(NodePort),
}

/// A Gateway API HTTPRoute for Grafana.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpRoute {
    /// The Gateway the route attaches to.
    pub gateway: Option<GatewayRef>,
    /// Host names the route matches; any host when empty.
    #[serde(default)]
    pub hostnames: Vec<String>,
    /// Path prefix Grafana is served under, e.g. `/grafana`. Grafana is told to serve from it.
    #[serde(default = "default_path")]
    pub path: String,
    /// The URL users open, e.g. `http://10.0.0.102/grafana`; sets Grafana's `root_url`.
    #[serde(default)]
    pub external_url: Option<String>,
}

fn default_path() -> String {
    "/".to_owned()
}

/// A reference to a Gateway API Gateway.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GatewayRef {
    /// Gateway name.
    pub name: String,
    /// Gateway namespace.
    pub namespace: String,
    /// Listener name on the Gateway, if the route must bind to one.
    #[serde(default)]
    pub section_name: Option<String>,
}

/// A Cloudflare Tunnel in front of Grafana.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CloudflareTunnel {
    /// The tunnel token in an existing Secret. Public hostnames and the route to
    /// Grafana's Service are configured on the tunnel in Cloudflare.
    pub token_secret: SecretKeyRef,
    /// cloudflared replicas (two for high availability).
    #[serde(default = "default_tunnel_replicas")]
    pub replicas: u32,
    /// The cloudflared image, pinned.
    #[serde(default = "default_cloudflared_image")]
    pub image: String,
}

fn default_tunnel_replicas() -> u32 {
    2
}

fn default_cloudflared_image() -> String {
    "cloudflare/cloudflared:2025.11.1".to_owned()
}

/// A NodePort Service for Grafana.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NodePort {
    /// The node port (30000-32767).
    pub port: u16,
}
