//! Comparing two models: what was added, removed or changed, item by item.

use std::collections::BTreeSet;

use serde::Serialize;

use super::model::{Flat, Model, Pipeline, Section};

/// Added, removed or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Only in the new tree.
    Added,
    /// Only in the old tree.
    Removed,
    /// In both, different.
    Changed,
}

/// One key path that differs. Values are `None` where the path is absent; a
/// Secret's values read `(hidden)`; a whole added or removed subtree is one
/// change at its root reading `(N keys)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PathChange {
    /// The key path.
    pub path: String,
    /// Before.
    pub old: Option<String>,
    /// After.
    pub new: Option<String>,
}

/// One item that differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// What kind of item.
    pub section: Section,
    /// Its identity.
    pub id: String,
    /// Added, removed or changed.
    pub status: Status,
    /// For a changed item, the paths that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<PathChange>,
}

/// The labels of one stream source before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StreamLabels {
    /// The source component.
    pub source: String,
    /// Labels before.
    pub before: Vec<String>,
    /// Labels after.
    pub after: Vec<String>,
}

/// How a pipeline differs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PipelineChange {
    /// Where the pipeline is.
    pub at: String,
    /// Components only in the new pipeline.
    pub components_added: Vec<String>,
    /// Components only in the old pipeline.
    pub components_removed: Vec<String>,
    /// Components in both whose settings differ (their printed blocks, old → new).
    pub components_changed: Vec<PathChange>,
    /// Connections only in the new pipeline.
    pub connections_added: Vec<String>,
    /// Connections only in the old pipeline.
    pub connections_removed: Vec<String>,
    /// Stream sources whose label sets differ.
    pub labels: Vec<StreamLabels>,
}

/// A Helm release rendered before and after (`--rendered`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RenderedRelease {
    /// The release, as in the report (`Helm release logging/loki`).
    pub release: String,
    /// The rendered objects that differ.
    pub items: Vec<ItemChange>,
}

/// How one profile's generated tree differs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProfileDiff {
    /// The profile.
    pub profile: String,
    /// Items that differ, in report order.
    pub items: Vec<ItemChange>,
    /// Pipelines that differ.
    pub pipelines: Vec<PipelineChange>,
    /// Documentation files that differ (not deployed; not shown).
    pub docs: Vec<String>,
    /// With `--rendered`: the objects each changed release renders to, before and after.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rendered: Vec<RenderedRelease>,
}

impl ProfileDiff {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.pipelines.is_empty() && self.docs.is_empty()
    }
}

/// Compares `old` with `new`.
pub fn compare(profile: &str, old: &Model, new: &Model) -> ProfileDiff {
    let mut out = ProfileDiff {
        profile: profile.to_owned(),
        ..Default::default()
    };
    let keys: BTreeSet<&(Section, String)> = old.items.keys().chain(new.items.keys()).collect();
    for key in keys {
        let (section, id) = (key.0, key.1.clone());
        match (old.items.get(key), new.items.get(key)) {
            (None, Some(_)) => out.items.push(ItemChange {
                section,
                id,
                status: Status::Added,
                changes: Vec::new(),
            }),
            (Some(_), None) => out.items.push(ItemChange {
                section,
                id,
                status: Status::Removed,
                changes: Vec::new(),
            }),
            (Some(a), Some(b)) if a != b => out.items.push(ItemChange {
                section,
                id,
                status: Status::Changed,
                changes: paths(&a.flat, &b.flat, a.secret || b.secret),
            }),
            _ => {}
        }
    }
    let empty = Pipeline::default();
    let ats: BTreeSet<&String> = old.pipelines.keys().chain(new.pipelines.keys()).collect();
    for at in ats {
        let a = old.pipelines.get(at).unwrap_or(&empty);
        let b = new.pipelines.get(at).unwrap_or(&empty);
        if a != b {
            out.pipelines.push(pipeline(at, a, b));
        }
    }
    let docs: BTreeSet<&String> = old.docs.keys().chain(new.docs.keys()).collect();
    for doc in docs {
        if old.docs.get(doc) != new.docs.get(doc) {
            out.docs.push(doc.clone());
        }
    }
    out
}

/// The outermost prefix of `path` (at a key boundary) under which `absent`
/// has no key, and how many keys `present` has under it; `None` when `path`
/// is the only one.
fn whole_subtree(path: &str, present: &Flat, absent: &Flat) -> Option<(String, usize)> {
    let bounds = path
        .char_indices()
        .filter(|(i, c)| *i > 0 && (*c == '.' || *c == '['))
        .map(|(i, _)| i);
    for end in bounds {
        let prefix = &path[..end];
        let under = |k: &String| {
            k.len() > end && k.starts_with(prefix) && matches!(k.as_bytes()[end], b'.' | b'[')
        };
        if !absent.keys().any(|k| under(k) || k == prefix) {
            let n = present.keys().filter(|k| under(k)).count();
            return (n > 1).then(|| (prefix.to_owned(), n));
        }
    }
    None
}

fn paths(a: &Flat, b: &Flat, secret: bool) -> Vec<PathChange> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for k in keys.into_iter().filter(|k| a.get(*k) != b.get(*k)) {
        let (present, absent, removed) = match (a.contains_key(k), b.contains_key(k)) {
            (true, false) => (a, b, true),
            (false, true) => (b, a, false),
            _ => (a, a, false),
        };
        if !std::ptr::eq(present, absent)
            && let Some((prefix, n)) = whole_subtree(k, present, absent)
        {
            if done.insert(prefix.clone()) {
                let summary = Some(format!("({n} keys)"));
                out.push(PathChange {
                    path: prefix,
                    old: if removed { summary.clone() } else { None },
                    new: if removed { None } else { summary },
                });
            }
            continue;
        }
        out.push(one(k, a, b, secret));
    }
    out
}

/// One path's change; a Secret's `data` / `stringData` values read `(hidden)`.
fn one(k: &str, a: &Flat, b: &Flat, secret: bool) -> PathChange {
    let hidden = secret && (k.starts_with("data") || k.starts_with("stringData"));
    let show = |v: Option<&String>| {
        v.map(|v| {
            if hidden {
                "(hidden)".to_owned()
            } else {
                v.clone()
            }
        })
    };
    PathChange {
        path: k.to_owned(),
        old: show(a.get(k)),
        new: show(b.get(k)),
    }
}

fn minus(a: &BTreeSet<String>, b: &BTreeSet<String>) -> Vec<String> {
    a.difference(b).cloned().collect()
}

fn pipeline(at: &str, a: &Pipeline, b: &Pipeline) -> PipelineChange {
    let sources: BTreeSet<&String> = a.labels.keys().chain(b.labels.keys()).collect();
    let none = BTreeSet::new();
    PipelineChange {
        at: at.to_owned(),
        components_added: minus(&b.components, &a.components),
        components_removed: minus(&a.components, &b.components),
        components_changed: a
            .settings
            .iter()
            .filter_map(|(id, old)| {
                let new = b.settings.get(id)?;
                (old != new).then(|| PathChange {
                    path: id.clone(),
                    old: Some(old.clone()),
                    new: Some(new.clone()),
                })
            })
            .collect(),
        connections_added: minus(&b.edges, &a.edges),
        connections_removed: minus(&a.edges, &b.edges),
        labels: sources
            .into_iter()
            .filter(|s| a.labels.get(*s) != b.labels.get(*s))
            .map(|s| StreamLabels {
                source: s.clone(),
                before: a.labels.get(s).unwrap_or(&none).iter().cloned().collect(),
                after: b.labels.get(s).unwrap_or(&none).iter().cloned().collect(),
            })
            .collect(),
    }
}
