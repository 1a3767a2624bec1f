//! Every key under `namespaces` must name a namespace o11yc creates: a typo
//! would otherwise drop its labels and annotations without a word.

use super::locate::{Step, error_at};
use crate::diag::{Diagnostic, suggest};
use crate::load::{Located, Node};
use crate::model::Profile;

/// The namespaces o11yc creates: the profile's and each deployed component's own.
fn created(profile: &Profile) -> Vec<&str> {
    let mut all = vec![profile.namespace.as_str()];
    all.extend(
        profile
            .enabled_components()
            .filter_map(|c| c.namespace_override()),
    );
    all.sort_unstable();
    all.dedup();
    all
}

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let created = created(profile);
    for name in profile.namespaces.keys() {
        if created.contains(&name.as_str()) {
            continue;
        }
        let mut d = error_at(
            root,
            &[Step::Key("namespaces"), Step::Key(name)],
            format!("`{name}` is not a namespace this profile creates"),
        )
        .expected(suggest::one_of(&created))
        .note("labels and annotations under `namespaces` apply only to namespaces o11yc writes to namespaces.yaml");
        if let Some(near) = suggest::did_you_mean(name, created.iter()) {
            d = d.help(format!("did you mean `{near}`?"));
        }
        out.push(d);
    }
}
