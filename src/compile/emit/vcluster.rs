//! Objects applied to each vCluster's host namespace (not to the stack's own
//! namespaces), so they get their own kustomization under `vcluster/`:
//! `kubectl apply -k vcluster -n <vcluster namespace>`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use serde::Serialize;

use crate::compile::document::{Bundle, Content, Document, Role, to_value};
use crate::compile::emit::kustomization::kustomization;
use crate::compile::meta::object_meta;
use crate::compile::stack::Stack;
use crate::model::AuditResources;
use crate::render::yaml;

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
            // Reads and event churn would drown the mutations people look for.
            rule("None", &["get", "list", "watch"], Vec::new()),
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

/// Emits `vcluster/audit-policy.yaml` and `vcluster/kustomization.yaml`.
pub fn emit(stack: &Stack, bundle: &mut Bundle) {
    let Some(vcluster) = &stack.profile.vcluster else {
        return;
    };
    let audit = &vcluster.audit_policy;
    if !audit.enabled {
        return;
    }
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
    bundle.support_yaml(
        "vcluster/kustomization.yaml",
        kustomization(vec!["audit-policy.yaml".to_owned()]),
    );
}
