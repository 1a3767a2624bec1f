//! vCluster settings: `labelPatterns` name placeholders of `namespaceFormat` and are
//! valid RE2 without capturing groups, and an audit source has the audit policy.

use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::Profile;
use crate::resolve::{Stack, namespace_format};
use crate::validate::{Step, error_at};

/// Checks the `vcluster` section, when the profile has one.
pub fn check(stack: &Stack, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let profile = stack.profile;
    if let Some(vcluster) = &profile.vcluster {
        check_label_patterns(vcluster, root, out);
        check_audit_policy(profile, vcluster, root, out);
    }
}

/// An audit source needs the policy: without it the API server audits nothing.
fn check_audit_policy(
    profile: &Profile,
    vcluster: &crate::model::VCluster,
    root: &Located<Node>,
    out: &mut Vec<Diagnostic>,
) {
    if vcluster.audit_policy.enabled {
        return;
    }
    let syncer = profile
        .alloy
        .as_ref()
        .is_some_and(|a| a.enabled && a.logs.audit.syncer);
    let webhook = vcluster
        .alloy
        .as_ref()
        .is_some_and(|a| a.enabled && a.logs.audit.webhook.is_some());
    if syncer || webhook {
        out.push(
            error_at(
                root,
                &[Step::Key("vcluster"), Step::Key("auditPolicy"), Step::Key("enabled")],
                "Alloy collects audit events, but without the audit policy the vCluster's API server records none",
            )
            .help("set `enabled: true`, or remove the audit source (`audit.syncer`, `audit.webhook`)"),
        );
    }
}

fn check_label_patterns(
    vcluster: &crate::model::VCluster,
    root: &Located<Node>,
    out: &mut Vec<Diagnostic>,
) {
    let placeholders = namespace_format::placeholders(&vcluster.namespace_format);
    for (name, pattern) in &vcluster.label_patterns {
        let path = [
            Step::Key("vcluster"),
            Step::Key("labelPatterns"),
            Step::Key(name),
        ];
        if !placeholders.contains(&name.as_str()) {
            let mut d = error_at(
                root,
                &path,
                format!("`{name}` is not a placeholder of `namespaceFormat`"),
            )
            .expected(format!("one of {}", placeholders.join(", ")));
            if let Some(s) = crate::diag::suggest::did_you_mean(name, placeholders.iter().copied())
            {
                d = d.help(format!("did you mean `{s}`?"));
            }
            out.push(d);
        }
        match regex::Regex::new(pattern) {
            Err(e) => out.push(
                error_at(
                    root,
                    &path,
                    format!("`{pattern}` is not a valid regular expression"),
                )
                .note(e.to_string())
                .help("patterns use RE2 syntax, as Alloy's relabel rules do"),
            ),
            Ok(re) if re.captures_len() > 1 => out.push(
                error_at(root, &path, format!("`{pattern}` has a capturing group"))
                    .help("use a non-capturing group `(?:...)`: groups number the run labels"),
            ),
            Ok(_) => {}
        }
    }
}
