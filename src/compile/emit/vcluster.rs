//! Objects applied to each vCluster's host namespace (not to the stack's own
//! namespaces), so they get their own kustomization under `vcluster/`:
//! `kubectl apply -k vcluster -n <vcluster namespace>`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use serde::Serialize;
use serde_json::Value;

use crate::compile::document::{Bundle, Content, Document, Role, to_value, yaml_text as yaml};
use crate::compile::emit::kustomization::kustomization;
use crate::compile::meta::object_meta;
use crate::components::vcluster::values::{
    AuditSinks, InnerAlloy, WEBHOOK_CONFIGMAP, WEBHOOK_KEY, webhook_kubeconfig,
};
use crate::model::AuditResources;
use crate::resolve::stack::Stack;

/// The file name vCluster reads the policy from inside the ConfigMap.
pub const POLICY_KEY: &str = "audit-policy.yaml";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Policy {
    api_version: &'static str,
    kind: &'static str,
    omit_stages: Vec<&'static str>,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    level: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    verbs: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resources: Vec<AuditResources>,
}

fn policy(request_response: &[AuditResources]) -> Policy {
    let rule = |level, verbs: &[&'static str], resources: Vec<AuditResources>| Rule {
        level,
        verbs: verbs.to_vec(),
        resources,
    };
    Policy {
        api_version: "audit.k8s.io/v1",
        kind: "Policy",
        omit_stages: vec!["RequestReceived"],
        rules: vec![
            // Lists, watches and event churn would drown the mutations people look
            // for; single `get`s stay (the seeds audit them).
            rule("None", &["list", "watch"], Vec::new()),
            rule(
                "None",
                &[],
                vec![AuditResources {
                    group: String::new(),
                    resources: vec!["events".to_owned()],
                }],
            ),
            // Never log secret payloads, whatever the list below says.
            rule(
                "Metadata",
                &[],
                vec![AuditResources {
                    group: String::new(),
                    resources: vec!["secrets".to_owned()],
                }],
            ),
            rule("RequestResponse", &[], request_response.to_vec()),
            rule("Metadata", &[], Vec::new()),
        ],
    }
}

/// Where the API server sends audit events: stdout when the stack's Alloy reads
/// the syncer's output, the webhook of the Alloy inside the vCluster when it has one.
pub fn audit_sinks(stack: &Stack) -> AuditSinks {
    let stdout = stack.alloy().is_some_and(|a| a.logs.audit.syncer);
    let webhook = stack
        .profile
        .vcluster
        .as_ref()
        .and_then(|v| v.alloy.as_ref())
        .filter(|a| a.enabled)
        .and_then(|a| a.logs.audit.webhook.as_ref())
        .map(|w| (w.service.clone(), w.port));
    AuditSinks { stdout, webhook }
}

/// Emits `vcluster/values.yaml` (the vCluster chart values) and the objects for each
/// vCluster's host namespace: `vcluster/audit-policy.yaml`, `vcluster/audit-webhook.yaml`
/// (with a webhook) and `vcluster/kustomization.yaml`. `inner_alloy` is the chart
/// values and configuration of the Alloy inside the vCluster, when there is one.
pub fn emit(stack: &Stack, inner_alloy: Option<&(Value, String)>, bundle: &mut Bundle) {
    let Some(vcluster) = &stack.profile.vcluster else {
        return;
    };
    let sinks = audit_sinks(stack);
    let inner = vcluster
        .alloy
        .as_ref()
        .filter(|a| a.enabled)
        .zip(inner_alloy)
        .map(|(alloy, (values, config))| InnerAlloy {
            alloy,
            namespace: stack.namespace_of(alloy),
            values,
            config,
            chart: (
                stack.profile.delivery.charts.alloy.version.as_str(),
                stack.profile.delivery.charts.alloy.repository.as_str(),
            ),
        });
    bundle.support_yaml(
        "vcluster/values.yaml",
        crate::components::vcluster::values::values(vcluster, POLICY_KEY, &sinks, inner),
    );
    let audit = &vcluster.audit_policy;
    let mut resources = Vec::new();
    if audit.enabled {
        let config_map = ConfigMap {
            metadata: object_meta(&audit.config_map_name, None),
            data: Some(BTreeMap::from([(
                POLICY_KEY.to_owned(),
                yaml(&to_value(&policy(&audit.request_response))),
            )])),
            ..ConfigMap::default()
        };
        bundle.add(Document {
            path: "vcluster/audit-policy.yaml".to_owned(),
            content: Content::Yaml(vec![to_value(&config_map)]),
            role: Role::Support,
        });
        resources.push("audit-policy.yaml".to_owned());
        if let Some((service, port)) = &sinks.webhook {
            let config_map = ConfigMap {
                metadata: object_meta(WEBHOOK_CONFIGMAP, None),
                data: Some(BTreeMap::from([(
                    WEBHOOK_KEY.to_owned(),
                    yaml(&webhook_kubeconfig(service, *port)),
                )])),
                ..ConfigMap::default()
            };
            bundle.add(Document {
                path: "vcluster/audit-webhook.yaml".to_owned(),
                content: Content::Yaml(vec![to_value(&config_map)]),
                role: Role::Support,
            });
            resources.push("audit-webhook.yaml".to_owned());
        }
    }
    if !resources.is_empty() {
        bundle.support_yaml("vcluster/kustomization.yaml", kustomization(resources));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_audits_get_but_not_list_or_watch() {
        let policy = to_value(&policy(&[]));
        let first = &policy["rules"][0];
        assert_eq!(first["level"], "None");
        let verbs: Vec<&str> = first["verbs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(verbs, ["list", "watch"]);
        // No rule before the catch-all drops `get` for every resource.
        for rule in policy["rules"].as_array().unwrap() {
            let drops_get = rule["level"] == "None"
                && rule["verbs"]
                    .as_array()
                    .is_some_and(|v| v.iter().any(|v| v == "get"));
            assert!(!drops_get, "{rule}");
        }
    }
}
