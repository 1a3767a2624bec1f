//! Delivery settings that are valid on their own but not together (each component's
//! own settings are checked in `src/components/<name>/validate.rs`).

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::{DeliveryMode, Profile};

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    if profile.delivery.mode == DeliveryMode::Flux && profile.delivery.flux.is_none() {
        out.push(
            error_at(root, &[Step::Key("delivery"), Step::Key("mode")], "`mode: flux` needs `delivery.flux`")
                .help("add `flux: { path: ./generated/<profile> }` under `delivery`: the path Flux reads this directory from"),
        );
    }
}
