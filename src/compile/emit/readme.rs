//! The generated directory's `README.md`: how to apply it and what is in it.
//! Prose is text, so it comes from a minijinja template over typed data.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use crate::compile::Provenance;
use crate::compile::document::{Bundle, Content, Document, Role};
use crate::compile::emit::alloy::PipelineSummary;
use crate::compile::emit::flux;
use crate::compile::emit::kustomization::AFTER_CHARTS_DIR;
use crate::compile::emit::storage::local_volumes;
use crate::compile::release::{Release, dependencies};
use crate::compile::rules::Dropped;
use crate::model::{
    Access, AdminCredentials, DeliveryMode, LongTermStorage, SecretKeyRef, Storage,
};
use crate::resolve::stack::Stack;

const TEMPLATE: &str = include_str!("readme.md.j2");

#[derive(Serialize)]
struct VolumeRow {
    component: &'static str,
    node: String,
    path: String,
    size: String,
    owner: Option<u32>,
}

#[derive(Serialize)]
struct PipelineRow<'a> {
    path: &'a str,
    title: &'a str,
    mermaid: &'a str,
}

/// A Secret the stack reads and o11yc never writes.
#[derive(Serialize)]
struct SecretRow {
    name: String,
    namespace: String,
    keys: String,
    used_by: String,
}

/// Something installed outside this directory that its objects need.
#[derive(Serialize)]
struct ExternalRow {
    what: String,
    why: String,
}

/// One Flux Kustomization, for the apply-order table.
#[derive(Serialize)]
struct FluxRow {
    name: String,
    dir: String,
    depends_on: Vec<String>,
}

/// The Secrets the profile refers to, in the namespaces that read them.
fn secrets(stack: &Stack) -> Vec<SecretRow> {
    let profile = stack.profile;
    let mut out = Vec::new();
    for c in profile.enabled_components() {
        if let Some(Storage::ObjectStore(store)) = c.storage() {
            out.push(SecretRow {
                name: store.credentials_secret.clone(),
                namespace: c
                    .namespace_override()
                    .unwrap_or(&profile.namespace)
                    .to_owned(),
                keys: format!(
                    "`{}`, `{}`",
                    store.access_key_id_key, store.secret_access_key_key
                ),
                used_by: format!("{} object storage", c.key()),
            });
        }
    }
    if let Some(kps) = stack.prometheus()
        && let Some(LongTermStorage::Thanos(thanos)) = &kps.long_term_storage
    {
        out.push(SecretRow {
            name: thanos.object_store_secret.name.clone(),
            namespace: stack.namespace_of(kps).to_owned(),
            keys: format!(
                "`{}` (a Thanos `objstore.yml`)",
                thanos.object_store_secret.key
            ),
            used_by: "Prometheus long-term storage (Thanos sidecar)".to_owned(),
        });
    }
    if let Some(kps) = stack.prometheus()
        && let Some(LongTermStorage::RemoteWrite(w)) = &kps.long_term_storage
    {
        let mut refs: Vec<(&SecretKeyRef, &str)> = Vec::new();
        if let Some(b) = &w.basic_auth {
            refs.push((&b.username, "user name"));
            refs.push((&b.password, "password"));
        }
        if let Some(t) = &w.bearer_token {
            refs.push((t, "bearer token"));
        }
        for (secret, what) in refs {
            // User name and password usually share one Secret: one row.
            if let Some(row) = out
                .last_mut()
                .filter(|r| r.name == secret.name && r.used_by == "Prometheus remote write")
            {
                row.keys = format!("{}, `{}` (the {what})", row.keys, secret.key);
                continue;
            }
            out.push(SecretRow {
                name: secret.name.clone(),
                namespace: stack.namespace_of(kps).to_owned(),
                keys: format!("`{}` (the {what})", secret.key),
                used_by: "Prometheus remote write".to_owned(),
            });
        }
    }
    if let Some(grafana) = stack.grafana() {
        let namespace = stack.grafana_namespace(grafana).to_owned();
        if let AdminCredentials::ExistingSecret(admin) = &grafana.admin {
            out.push(SecretRow {
                name: admin.name.clone(),
                namespace: namespace.clone(),
                keys: format!("`{}`, `{}`", admin.user_key, admin.password_key),
                used_by: "Grafana admin user".to_owned(),
            });
        }
        if let Access::CloudflareTunnel(tunnel) = &grafana.access {
            out.push(SecretRow {
                name: tunnel.token_secret.name.clone(),
                namespace,
                keys: format!("`{}`", tunnel.token_secret.key),
                used_by: "cloudflared tunnel token".to_owned(),
            });
        }
    }
    if let Some((flux, n)) = profile
        .delivery
        .flux
        .as_ref()
        .filter(|_| profile.delivery.mode == DeliveryMode::Flux)
        .and_then(|f| f.notifications.as_ref().map(|n| (f, n)))
    {
        out.push(SecretRow {
            name: n.secret_name.clone(),
            namespace: flux.namespace.clone(),
            keys: "`address` and/or `token`, as Flux's provider type needs".to_owned(),
            used_by: format!("Flux notifications ({})", n.provider.as_str()),
        });
    }
    out
}

/// What must be installed in the cluster before this directory is applied.
fn externals(stack: &Stack) -> Vec<ExternalRow> {
    let profile = stack.profile;
    let mut out = Vec::new();
    if let (DeliveryMode::Flux, Some(flux)) = (profile.delivery.mode, &profile.delivery.flux) {
        let mut controllers = "source, helm and kustomize controllers".to_owned();
        if flux.notifications.is_some() {
            controllers = "source, helm, kustomize and notification controllers".to_owned();
        }
        out.push(ExternalRow {
            what: format!(
                "Flux v2 ({controllers}) and their CRDs, in `{}`",
                flux.namespace
            ),
            why: "the HelmRepository, OCIRepository, HelmRelease and Kustomization objects"
                .to_owned(),
        });
        out.push(ExternalRow {
            what: format!(
                "the GitRepository `{}/{}`, holding this directory at `{}`",
                flux.namespace, flux.git_repository, flux.path
            ),
            why: "every Flux Kustomization (their `sourceRef`)".to_owned(),
        });
    }
    if let Some(Access::HttpRoute(route)) = stack.grafana().map(|g| &g.access) {
        let gateway = route
            .gateway
            .as_ref()
            .map(|g| format!(", and the Gateway `{}/{}`", g.namespace, g.name))
            .unwrap_or_default();
        out.push(ExternalRow {
            what: format!("the Gateway API CRDs (`gateway.networking.k8s.io/v1`){gateway}"),
            why: "Grafana's HTTPRoute".to_owned(),
        });
    }
    out
}

/// How to reach Grafana with `kubectl port-forward`.
#[derive(Serialize)]
struct GrafanaAccess {
    namespace: String,
    service: String,
    port: u16,
}

#[derive(Serialize)]
struct ReleaseRow {
    name: String,
    chart: String,
    version: String,
    namespace: String,
}

/// Emits `README.md`; call it last so it can list every other file.
pub fn emit(
    stack: &Stack,
    provenance: &Provenance,
    releases: &[Release],
    pipelines: &[PipelineSummary],
    left_out: &[Dropped],
    bundle: &mut Bundle,
) {
    let profile = stack.profile;
    let volumes: Vec<VolumeRow> = local_volumes(stack)
        .into_iter()
        .map(|v| VolumeRow {
            component: v.component,
            node: v.volume.node.clone(),
            path: v.volume.path.clone(),
            size: v.volume.size.to_string(),
            owner: v.volume.owner_uid,
        })
        .collect();
    let release_rows: Vec<ReleaseRow> = releases
        .iter()
        .map(|r| ReleaseRow {
            name: r.name.clone(),
            chart: r.chart.to_owned(),
            version: r.source.version.clone(),
            namespace: r.namespace.to_owned(),
        })
        .collect();
    let pipeline_rows: Vec<PipelineRow> = pipelines
        .iter()
        .map(|p| PipelineRow {
            path: &p.path,
            title: p.title,
            mermaid: &p.mermaid,
        })
        .collect();
    let vcluster_alloy = pipelines
        .iter()
        .find(|p| p.path.starts_with("vcluster/"))
        .map(|p| p.namespace.as_str());
    let after_charts = bundle
        .get(&format!("{AFTER_CHARTS_DIR}/kustomization.yaml"))
        .is_some()
        .then_some(AFTER_CHARTS_DIR);
    let flux_rows: Vec<FluxRow> = if profile.delivery.mode == DeliveryMode::Flux {
        flux::parts(stack, releases, after_charts.is_some())
            .into_iter()
            .map(|p| FluxRow {
                name: p.name,
                dir: p.dir,
                depends_on: p.depends_on,
            })
            .collect()
    } else {
        Vec::new()
    };
    let needs = dependencies(releases);
    let waits: Vec<String> = releases
        .iter()
        .filter(|r| !needs[r.name.as_str()].is_empty())
        .map(|r| {
            let names: Vec<&str> = needs[r.name.as_str()]
                .iter()
                .map(|d| d.name.as_str())
                .collect();
            format!("`{}` after `{}`", r.name, names.join("`, `"))
        })
        .collect();
    let grafana = stack.grafana().and_then(|g| {
        Some(GrafanaAccess {
            namespace: stack.grafana_namespace(g).to_owned(),
            service: stack.grafana_service()?,
            port: crate::resolve::stack::GRAFANA_SERVICE_PORT,
        })
    });
    let vcluster_values = bundle
        .documents()
        .any(|d| d.path == "vcluster/values.yaml")
        .then_some(crate::components::vcluster::values::CHART_VERSION);
    // Built-in alerts and panels the query linker left out, for the reader.
    let left_out: Vec<Dropped> = left_out
        .iter()
        .map(|d| Dropped {
            why: d.why.replace('|', "\\|"),
            ..d.clone()
        })
        .collect();
    let mut files: Vec<String> = bundle.documents().map(|d| d.path.clone()).collect();
    files.push("README.md".to_owned());
    files.sort();
    let mut env = Environment::new();
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env.add_template("readme", TEMPLATE)
        .expect("the README template is valid");
    let text = env
        .get_template("readme")
        .and_then(|t| {
            t.render(context! {
                name => &provenance.name,
                description => &profile.description,
                sources => &provenance.sources,
                mode => match profile.delivery.mode {
                    DeliveryMode::Flux => "flux",
                    DeliveryMode::Helmfile => "helmfile",
                },
                flux_path => profile.delivery.flux.as_ref().map(|f| f.path.clone()),
                flux_namespace => profile.delivery.flux.as_ref().map(|f| f.namespace.clone()),
                sync_name => flux::sync_name(stack),
                flux_parts => Value::from(Serde(&flux_rows)),
                release_waits => waits,
                after_charts => after_charts,
                vcluster_policy => bundle.get("vcluster/kustomization.yaml").is_some(),
                secrets => Value::from(Serde(&secrets(stack))),
                externals => Value::from(Serde(&externals(stack))),
                volumes => Value::from(Serde(&volumes)),
                releases => Value::from(Serde(&release_rows)),
                pipelines => Value::from(Serde(&pipeline_rows)),
                vcluster_alloy => vcluster_alloy,
                vcluster_chart => vcluster_values,
                grafana => grafana.as_ref().map(|g| Value::from(Serde(g))),
                left_out => Value::from(Serde(&left_out)),
                identity_configmap => crate::compile::pipeline::VCLUSTER_IDENTITY_CONFIGMAP,
                files => files,
            })
        })
        .expect("the README template renders typed data");
    bundle.add(Document {
        path: "README.md".to_owned(),
        content: Content::Markdown(text),
        role: Role::Support,
    });
}
