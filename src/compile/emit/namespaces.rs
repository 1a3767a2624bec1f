//! Namespace objects for every namespace the stack uses.

use k8s_openapi::api::core::v1::Namespace;

use crate::compile::document::{Bundle, to_value};
use crate::compile::meta::{object_meta, with_labels};
use crate::resolve::stack::Stack;

/// Emits `namespaces.yaml`.
pub fn emit(stack: &Stack, bundle: &mut Bundle) {
    let objects = stack
        .namespaces()
        .into_iter()
        .map(|name| {
            let settings = stack.profile.namespaces.get(name);
            let mut meta = object_meta(name, None);
            if let Some(settings) = settings {
                meta = with_labels(meta, &settings.labels);
                if !settings.annotations.is_empty() {
                    meta.annotations = Some(settings.annotations.clone());
                }
            }
            to_value(&Namespace {
                metadata: meta,
                ..Namespace::default()
            })
        })
        .collect();
    bundle.resource("namespaces.yaml", objects);
}
