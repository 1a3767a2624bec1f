//! `o11yc diff --rendered`: each changed Helm release rendered before and after
//! with `helm template` against local chart sources, so a chart version bump
//! or a values change shows as the Kubernetes objects it changes.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::compare::{ItemChange, RenderedRelease, compare};
use super::model::Model;
use crate::render::RenderedTree;

/// A release as deployed: enough to render it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReleaseSpec {
    /// The release name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// The chart's name (without the repository).
    pub chart: String,
    /// The pinned chart version.
    pub version: String,
    /// The values, merged in order.
    pub values: Vec<Value>,
}

/// Where `helm` and the chart sources (`<DIR>/<chart>-<version>/`) are.
#[derive(Clone, Debug)]
pub struct Renderer {
    /// The `helm` binary.
    pub helm: PathBuf,
    /// Chart sources.
    pub charts: PathBuf,
}

impl Renderer {
    /// The objects `spec` renders to, as a tree of one file.
    fn render(&self, spec: &ReleaseSpec, scratch: &Path) -> Result<RenderedTree, String> {
        let chart = self.charts.join(format!("{}-{}", spec.chart, spec.version));
        if !chart.is_dir() {
            return Err(format!(
                "no chart sources for {} {} at {}; pass a --charts directory holding <chart>-<version>/",
                spec.chart,
                spec.version,
                chart.display()
            ));
        }
        let mut cmd = Command::new(&self.helm);
        cmd.arg("template").arg(&spec.name).arg(&chart).args([
            "--namespace",
            &spec.namespace,
            "--kube-version",
            "1.33",
        ]);
        for (i, v) in spec.values.iter().enumerate() {
            // JSON is YAML: helm reads it as a values file.
            let file = scratch.join(format!("{}-{}-{i}.json", spec.namespace, spec.name));
            std::fs::write(&file, v.to_string())
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            cmd.arg("-f").arg(file);
        }
        let out = cmd
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.helm.display()))?;
        if !out.status.success() {
            return Err(format!(
                "helm template {} ({} {}) failed: {}",
                spec.name,
                spec.chart,
                spec.version,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(RenderedTree::from([(
            "rendered.yaml".to_owned(),
            out.stdout,
        )]))
    }

    /// Every release whose spec differs between `old` and `new`, rendered on
    /// both sides (an absent side renders to nothing), with the objects that differ.
    pub fn releases(&self, old: &Model, new: &Model) -> Result<Vec<RenderedRelease>, String> {
        let scratch = tempfile::tempdir().map_err(|e| format!("no temporary directory: {e}"))?;
        let ids: std::collections::BTreeSet<&String> =
            old.releases.keys().chain(new.releases.keys()).collect();
        let mut out = Vec::new();
        for id in ids {
            let (a, b) = (old.releases.get(id), new.releases.get(id));
            if a == b {
                continue;
            }
            let side = |s: Option<&ReleaseSpec>| -> Result<Model, String> {
                Ok(match s {
                    Some(s) => Model::of(&self.render(s, scratch.path())?),
                    None => Model::default(),
                })
            };
            let items: Vec<ItemChange> = compare("", &side(a)?, &side(b)?).items;
            out.push(RenderedRelease {
                release: id.clone(),
                items,
            });
        }
        Ok(out)
    }
}
