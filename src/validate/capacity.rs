//! Volumes, and object stores with a declared capacity, must hold what the
//! retention period keeps; a store shared by several components (same
//! endpoint and bucket) holds what they keep together.

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use std::collections::BTreeMap;

use crate::model::{ObjectStore, Profile, Quantity, Storage};

fn size_of(storage: &Storage) -> Option<&Quantity> {
    match storage {
        Storage::HostPath(v) => Some(&v.size),
        Storage::Claim(c) => Some(&c.size),
        Storage::ObjectStore(_) => None,
    }
}

/// How much smaller than the ingested bytes a component's objects are
/// assumed to be, as (numerator, denominator, why).
///
/// Loki writes chunks with Snappy (`chunk_encoding: snappy`, Loki 3's
/// default, which o11yc writes explicitly); Snappy's README gives "about
/// 1.5-1.7x for plain text", and o11yc takes the low end. Nothing is
/// credited for other components.
fn compression(component: &str) -> Option<(u64, u64, &'static str)> {
    (component == "loki").then_some((
        3,
        2,
        "1.5, the low end of Snappy's ratio for plain text (github.com/google/snappy README); o11yc configures Loki's chunks with `chunk_encoding: snappy`",
    ))
}

/// What one component keeps in its object store over its retention period.
struct Kept<'p> {
    component: &'static str,
    store: &'p ObjectStore,
    /// Bytes, after the compression credited.
    needed: u64,
    /// How `needed` was computed, e.g. `7 days × 100Gi/day`.
    arithmetic: String,
    note: String,
}

fn kept<'p>(
    component: &'static str,
    store: &'p ObjectStore,
    retention_days: u64,
    per_day: &Quantity,
) -> Kept<'p> {
    let raw = per_day.bytes().saturating_mul(retention_days);
    let (needed, arithmetic, note) = match compression(component) {
        Some((num, den, why)) => (
            raw.saturating_mul(den) / num,
            format!(
                "{retention_days} days × {per_day}/day = {} raw, ÷ 1.5 compression",
                gib(raw)
            ),
            format!("the compression factor is {why}"),
        ),
        None => (
            raw,
            format!("{retention_days} days × {per_day}/day"),
            "no compression is credited for this component".to_owned(),
        ),
    };
    Kept {
        component,
        store,
        needed,
        arithmetic,
        note,
    }
}

fn capacity_path(component: &'static str) -> [Step<'static>; 4] {
    [
        Step::Key(component),
        Step::Key("storage"),
        Step::Key("objectStore"),
        Step::Key("capacity"),
    ]
}

fn object_store(k: &Kept, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let Some(capacity) = &k.store.capacity else {
        return;
    };
    if capacity.bytes() < k.needed {
        out.push(
            error_at(
                root,
                &capacity_path(k.component),
                format!(
                    "{}'s object store capacity ({capacity}) is smaller than {} = {}",
                    k.component,
                    k.arithmetic,
                    gib(k.needed)
                ),
            )
            .expected(format!("a capacity of at least {}", gib(k.needed)))
            .note(k.note.clone())
            .help(format!(
                "raise the bucket's quota (and `capacity`) to at least {}, shorten `retention`, or lower `ingestPerDay`",
                gib(k.needed)
            )),
        );
    }
}

/// The endpoint and bucket that identify a store, spelled loosely alike
/// (scheme, trailing slash and case aside).
fn store_key(store: &ObjectStore) -> (String, String) {
    let endpoint = store.endpoint.to_ascii_lowercase();
    let endpoint = endpoint
        .strip_prefix("https://")
        .or_else(|| endpoint.strip_prefix("http://"))
        .unwrap_or(&endpoint)
        .trim_end_matches('/')
        .to_owned();
    (endpoint, store.bucket.clone())
}

/// Components writing to the same endpoint and bucket share its capacity:
/// the first declared capacity among them must hold what they all keep. Only
/// reported when each fits on its own (that error is already given).
fn shared(kept: &[Kept], root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let mut groups: BTreeMap<(String, String), Vec<&Kept>> = BTreeMap::new();
    for k in kept {
        groups.entry(store_key(k.store)).or_default().push(k);
    }
    for ((endpoint, bucket), members) in groups {
        if members.len() < 2 {
            continue;
        }
        let Some((first, capacity)) = members
            .iter()
            .find_map(|k| k.store.capacity.as_ref().map(|c| (k, c)))
        else {
            continue;
        };
        let total: u64 = members.iter().map(|k| k.needed).sum();
        if capacity.bytes() >= total
            || members.iter().any(|k| {
                k.store
                    .capacity
                    .as_ref()
                    .is_some_and(|c| c.bytes() < k.needed)
            })
        {
            continue;
        }
        let parts = members
            .iter()
            .map(|k| format!("{} {} ({})", k.component, gib(k.needed), k.arithmetic))
            .collect::<Vec<_>>()
            .join(" + ");
        let names = members
            .iter()
            .map(|k| format!("`{}`", k.component))
            .collect::<Vec<_>>()
            .join(" and ");
        out.push(
            error_at(
                root,
                &capacity_path(first.component),
                format!(
                    "{}'s object store capacity ({capacity}) is smaller than what {names} keep together in bucket `{bucket}` at `{endpoint}`: {parts} = {}",
                    first.component,
                    gib(total)
                ),
            )
            .expected(format!("a capacity of at least {} for the shared bucket", gib(total)))
            .note("components with the same endpoint and bucket write into one store, so its capacity holds the sum")
            .help(format!(
                "raise the bucket's quota (and `capacity`) to at least {}, or give each component its own bucket with its own `capacity`",
                gib(total)
            )),
        );
    }
}

fn gib(bytes: u64) -> String {
    let value = bytes as f64 / f64::from(1u32 << 30);
    format!("{value:.1}Gi")
}

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let mut stores = Vec::new();
    for c in profile.enabled_components() {
        let component = c.key();
        let (Some(retention), Some(storage), Some(per_day)) =
            (c.retention(), c.storage(), c.ingest_per_day())
        else {
            continue;
        };
        if let Storage::ObjectStore(store) = storage {
            let k = kept(component, store, retention.days_ceil(), per_day);
            object_store(&k, root, out);
            stores.push(k);
            continue;
        }
        let Some(size) = size_of(storage) else {
            continue;
        };
        let needed = per_day.bytes().saturating_mul(retention.days_ceil());
        if size.bytes() < needed {
            let form = match storage {
                Storage::HostPath(_) => "hostPath",
                _ => "claim",
            };
            out.push(
                error_at(root, &[Step::Key(component), Step::Key("storage"), Step::Key(form), Step::Key("size")],
                    format!("{component}'s volume ({size}) is smaller than {} days × {per_day}/day = {}", retention.days_ceil(), gib(needed)))
                    .help(format!("raise `size` to at least {}, or shorten `retention`", gib(needed)))
                    .note("the estimate comes from `ingestPerDay`"),
            );
        }
    }
    shared(&stores, root, out);
}
