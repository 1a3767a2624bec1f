//! Retention must be positive: `0s` means "keep forever" to Loki and is
//! rejected by Tempo, so it never does what it seems to say.

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::Profile;

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    for c in profile.enabled_components() {
        if c.retention().is_some_and(|r| r.seconds() == 0) {
            out.push(
                error_at(
                    root,
                    &[Step::Key(c.key()), Step::Key("retention")],
                    format!("`{}` retention of 0s is not a time limit", c.key()),
                )
                .expected("a positive duration such as `7d` or `168h`")
                .note("Loki reads 0s as \"keep forever\", so the volume and the capacity check would not bound anything")
                .help("give the longest time data must be kept, e.g. `retention: 30d`"),
            );
        }
    }
}
