//! Object metadata shared by every object o11yc writes itself.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The label marking objects written by o11yc (not by a chart).
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "o11yc");

/// Metadata with a name, an optional namespace and the managed-by label.
pub fn object_meta(name: &str, namespace: Option<&str>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        namespace: namespace.map(str::to_owned),
        labels: Some(BTreeMap::from([(
            MANAGED_BY.0.to_owned(),
            MANAGED_BY.1.to_owned(),
        )])),
        ..ObjectMeta::default()
    }
}

/// Adds labels to metadata.
pub fn with_labels(mut meta: ObjectMeta, labels: &BTreeMap<String, String>) -> ObjectMeta {
    meta.labels
        .get_or_insert_with(BTreeMap::new)
        .extend(labels.iter().map(|(k, v)| (k.clone(), v.clone())));
    meta
}
