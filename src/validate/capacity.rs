//! Volumes, and object stores with a declared capacity, must hold what the
//! retention period keeps.

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::{Profile, Quantity, Storage};

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

fn object_store(
    component: &'static str,
    store: &crate::model::ObjectStore,
    retention_days: u64,
    per_day: &Quantity,
    root: &Located<Node>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(capacity) = &store.capacity else {
        return;
    };
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
    if capacity.bytes() < needed {
        out.push(
            error_at(
                root,
                &[
                    Step::Key(component),
                    Step::Key("storage"),
                    Step::Key("objectStore"),
                    Step::Key("capacity"),
                ],
                format!(
                    "{component}'s object store capacity ({capacity}) is smaller than {arithmetic} = {}",
                    gib(needed)
                ),
            )
            .expected(format!("a capacity of at least {}", gib(needed)))
            .note(note)
            .help(format!(
                "raise the bucket's quota (and `capacity`) to at least {}, shorten `retention`, or lower `ingestPerDay`",
                gib(needed)
            )),
        );
    }
}

fn gib(bytes: u64) -> String {
    let value = bytes as f64 / f64::from(1u32 << 30);
    format!("{value:.1}Gi")
}

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    for c in profile.enabled_components() {
        let component = c.key();
        let (Some(retention), Some(storage), Some(per_day)) =
            (c.retention(), c.storage(), c.ingest_per_day())
        else {
            continue;
        };
        if let Storage::ObjectStore(store) = storage {
            object_store(component, store, retention.days_ceil(), per_day, root, out);
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
}
