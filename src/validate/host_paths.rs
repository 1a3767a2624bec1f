//! hostPath volumes: absolute, not `/`, and never shared or nested between
//! components on one node, compared after normalising the path
//! (`//mnt//x/` and `/mnt/y/../x` are both `/mnt/x`).

use super::locate::{Step, error_at};
use crate::diag::Diagnostic;
use crate::load::{Located, Node};
use crate::model::{Profile, Storage};

/// `path` with repeated and trailing `/` removed and `.` / `..` resolved
/// lexically (the node's file system is not visible from here).
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Whether directory `inner` is `outer` or lies below it (both normalised).
fn within(inner: &str, outer: &str) -> bool {
    inner == outer || outer == "/" || inner.starts_with(&format!("{outer}/"))
}

pub fn check(profile: &Profile, root: &Located<Node>, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, &str, String)> = Vec::new();
    for c in profile.enabled_components() {
        let component = c.key();
        let Some(Storage::HostPath(volume)) = c.storage() else {
            continue;
        };
        let path = [
            Step::Key(component),
            Step::Key("storage"),
            Step::Key("hostPath"),
            Step::Key("path"),
        ];
        if !volume.path.starts_with('/') {
            out.push(
                error_at(
                    root,
                    &path,
                    format!("hostPath `{}` is not an absolute path", volume.path),
                )
                .help(format!(
                    "write `{}`",
                    normalize(volume.path.trim_start_matches("./"))
                )),
            );
            continue;
        }
        let normal = normalize(&volume.path);
        if normal == "/" {
            out.push(
                error_at(
                    root,
                    &path,
                    format!("hostPath `{}` is the node's root directory", volume.path),
                )
                .note(
                    "o11yc sets the owner of the volume's directory; on `/` that is the whole node",
                )
                .help(format!(
                    "give {component} its own directory, e.g. `/mnt/{component}`"
                )),
            );
            continue;
        }
        if let Some((other, _, other_path)) = seen
            .iter()
            .find(|(_, node, p)| *node == volume.node && (within(&normal, p) || within(p, &normal)))
        {
            let how = if *other_path == normal {
                format!("would share `{normal}`")
            } else {
                format!("would nest `{normal}` and `{other_path}`")
            };
            out.push(
                error_at(
                    root,
                    &path,
                    format!("`{component}` and `{other}` {how} on `{}`", volume.node),
                )
                .help(format!(
                    "give each component a directory of its own, e.g. `{}/{component}`",
                    parent(other_path)
                )),
            );
        }
        seen.push((component, &volume.node, normal));
    }
}

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/mnt",
        Some(i) => &path[..i],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize("/mnt/loki/"), "/mnt/loki");
        assert_eq!(normalize("//mnt//x"), "/mnt/x");
        assert_eq!(normalize("/mnt/x/../loki/./"), "/mnt/loki");
        assert_eq!(normalize("/../.."), "/");
        assert_eq!(normalize("x/../loki"), "/loki");
        assert!(within("/mnt/a/b", "/mnt/a"));
        assert!(!within("/mnt/ab", "/mnt/a"));
    }
}
