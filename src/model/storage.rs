//! Where a stateful component keeps its data.

use schemars::JsonSchema;
use serde::Deserialize;

use super::Quantity;

/// The storage of a stateful component. Exactly one form is given.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub enum Storage {
    /// A directory on one node (e.g. an NVMe disk), exposed as a local PersistentVolume
    /// with node affinity and pre-bound to the component's claim.
    HostPath(HostPathVolume),
    /// A claim provisioned dynamically by a StorageClass.
    Claim(VolumeClaim),
    /// An S3-compatible object store (S3, MinIO); credentials come from an existing Secret.
    ObjectStore(ObjectStore),
}

/// A directory on one node.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HostPathVolume {
    /// Absolute directory on the node, e.g. `/mnt/k8s-storage/loki`.
    pub path: String,
    /// The node that holds the directory (its `kubernetes.io/hostname`).
    pub node: String,
    /// The capacity of the volume.
    pub size: Quantity,
    /// The UID (and GID) that must own the directory; the component runs as this user.
    #[serde(default)]
    pub owner_uid: Option<u32>,
    /// StorageClass name binding the volume and its claim.
    #[serde(default = "default_local_storage_class")]
    pub storage_class: String,
}

fn default_local_storage_class() -> String {
    "local-storage".to_owned()
}

/// A dynamically provisioned claim.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VolumeClaim {
    /// The requested capacity.
    pub size: Quantity,
    /// StorageClass to provision from; the cluster default when omitted.
    #[serde(default)]
    pub storage_class: Option<String>,
}

/// An S3-compatible object store.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ObjectStore {
    /// The flavour of the store.
    #[serde(default)]
    pub kind: ObjectStoreKind,
    /// The S3 endpoint, e.g. `minio.minio.svc.cluster.local:9000`.
    pub endpoint: String,
    /// Bucket for chunks (Loki) or blocks (Tempo).
    pub bucket: String,
    /// Bucket for Loki ruler data; defaults to `bucket`.
    #[serde(default)]
    pub ruler_bucket: Option<String>,
    /// Region, if the store needs one.
    #[serde(default)]
    pub region: Option<String>,
    /// Use plain HTTP (in-cluster MinIO).
    #[serde(default)]
    pub insecure: bool,
    /// The existing Secret with the access keys. o11yc never writes secret values.
    pub credentials_secret: String,
    /// Key of the access key id in the Secret.
    #[serde(default = "default_access_key_id_key")]
    pub access_key_id_key: String,
    /// Key of the secret access key in the Secret.
    #[serde(default = "default_secret_access_key_key")]
    pub secret_access_key_key: String,
    /// The bucket's quota, or the size of the volume behind the store (an
    /// in-cluster MinIO). When given with `ingestPerDay`, o11yc checks that
    /// what the retention period keeps fits.
    #[serde(default)]
    pub capacity: Option<Quantity>,
}

fn default_access_key_id_key() -> String {
    "AWS_ACCESS_KEY_ID".to_owned()
}

fn default_secret_access_key_key() -> String {
    "AWS_SECRET_ACCESS_KEY".to_owned()
}

/// The flavour of an S3-compatible store.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ObjectStoreKind {
    /// MinIO (path-style addressing).
    #[default]
    Minio,
    /// Amazon S3 or another S3 service.
    S3,
}
