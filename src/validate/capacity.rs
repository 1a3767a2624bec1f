//! Volumes must hold what the retention period keeps.

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::{Duration, Profile, Quantity, Storage};

fn size_of(storage: &Storage) -> Option<&Quantity> {
    match storage {
        Storage::HostPath(v) => Some(&v.size),
        Storage::Claim(c) => Some(&c.size),
        Storage::ObjectStore(_) => None,
    }
}

fn gib(bytes: u64) -> String {
    let value = bytes as f64 / f64::from(1u32 << 30);
    format!("{value:.1}Gi")
}

/// Retention, storage and daily ingest of one component.
type Estimate<'p> = (&'p Duration, Option<&'p Storage>, Option<&'p Quantity>);

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let estimates: [(&str, Option<Estimate>); 3] = [
        (
            "loki",
            profile
                .loki
                .as_ref()
                .filter(|c| c.enabled)
                .map(|c| (&c.retention, Some(&c.storage), c.ingest_per_day.as_ref())),
        ),
        (
            "tempo",
            profile
                .tempo
                .as_ref()
                .filter(|c| c.enabled)
                .map(|c| (&c.retention, Some(&c.storage), c.ingest_per_day.as_ref())),
        ),
        (
            "prometheus",
            profile
                .prometheus
                .as_ref()
                .filter(|c| c.enabled)
                .map(|c| (&c.retention, c.storage.as_ref(), c.ingest_per_day.as_ref())),
        ),
    ];
    for (component, estimate) in estimates {
        let Some((retention, Some(storage), Some(per_day))) = estimate else {
            continue;
        };
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
