//! Volumes must hold what the retention period keeps.

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
