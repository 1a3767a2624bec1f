//! Typed Helm values, one module per chart.
//!
//! Each module sets only keys that exist in the pinned chart's default
//! `values.yaml`; `tests/chart_values.rs` checks every generated key against
//! those defaults.

use k8s_openapi::api::core::v1::{EnvVar, EnvVarSource, PodSecurityContext, SecretKeySelector};
use serde::Serialize;

use crate::model::ObjectStore;

/// `{ enabled: false }`.
#[derive(Default, Serialize)]
pub struct Disabled {
    enabled: bool,
}

impl Disabled {
    /// A switched-off sub-component.
    pub fn new() -> Self {
        Disabled::default()
    }
}

/// `{ replicas: N }`.
#[derive(Serialize)]
pub struct Replicas {
    /// Number of pods.
    pub replicas: u32,
}

/// The S3 access keys as environment variables read from the store's Secret.
pub fn secret_env(store: &ObjectStore) -> Vec<EnvVar> {
    let from = |name: &str, key: &str| EnvVar {
        name: name.to_owned(),
        value: None,
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: store.credentials_secret.clone(),
                key: key.to_owned(),
                optional: None,
            }),
            ..EnvVarSource::default()
        }),
    };
    vec![
        from("AWS_ACCESS_KEY_ID", &store.access_key_id_key),
        from("AWS_SECRET_ACCESS_KEY", &store.secret_access_key_key),
    ]
}

/// A pod security context running as the owner of a hostPath directory.
pub fn owner_security_context(uid: u32) -> PodSecurityContext {
    let id = i64::from(uid);
    PodSecurityContext {
        run_as_user: Some(id),
        run_as_group: Some(id),
        fs_group: Some(id),
        run_as_non_root: Some(true),
        ..PodSecurityContext::default()
    }
}
