//! `dashboards.include` names dashboards o11yc has, whose datasources the
//! profile deploys and whose every panel queries data the profile collects
//! (the query linker, `crate::verify`).

use crate::compile::dashboards::{build, catalog, missing, unlinked_panels};
use crate::diag::Diagnostic;
use crate::diag::suggest::{did_you_mean, one_of};
use crate::load::{Located, Node};
use crate::resolve::Stack;
use crate::validate::{Step, error_at};
use crate::verify::Collected;

pub fn check(stack: &Stack, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let profile = stack.profile;
    let Some(include) = &profile.dashboards.include else {
        return;
    };
    let catalog = catalog();
    let uids: Vec<&str> = catalog.iter().map(|e| e.uid).collect();
    let collected = Collected::of(stack);
    for (i, uid) in include.iter().enumerate() {
        let path = [
            Step::Key("dashboards"),
            Step::Key("include"),
            Step::Index(i),
        ];
        let Some(entry) = catalog.iter().find(|e| e.uid == uid) else {
            let mut d =
                error_at(root, &path, format!("no dashboard `{uid}`")).expected(one_of(&uids));
            if let Some(s) = did_you_mean(uid, uids.iter()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            out.push(d);
            continue;
        };
        if stack.grafana().is_none() {
            out.push(
                error_at(
                    root,
                    &path,
                    format!("dashboard `{uid}` needs the `grafana` component"),
                )
                .help("add a `grafana` section, or remove `dashboards.include`"),
            );
        } else if let Some(why) = missing(stack, entry) {
            out.push(
                error_at(
                    root,
                    &path,
                    format!("dashboard `{uid}` cannot be shipped: {why}"),
                )
                .help("remove it from `dashboards.include`, or enable the component"),
            );
        } else if let Some(dashboard) = build(stack, uid) {
            for (title, why) in unlinked_panels(&dashboard, &collected) {
                out.push(
                    error_at(
                        root,
                        &path,
                        format!("panel \"{title}\" of dashboard `{uid}` queries data the profile does not collect"),
                    )
                    .note(why)
                    .help("collect that data (Alloy sources, Prometheus exporters), or remove the dashboard from `dashboards.include` (without `include`, o11yc ships it without such panels)"),
                );
            }
        }
        if include[..i].contains(uid) {
            out.push(error_at(
                root,
                &path,
                format!("dashboard `{uid}` is listed twice"),
            ));
        }
    }
}
