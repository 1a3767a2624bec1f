//! Profiles of a chosen size, for the scale benchmark (`benches/scale.rs`) and
//! `scripts/bench/measure.sh` (through `examples/scaled_profile.rs`).
//!
//! The base is a small valid stack (Prometheus with its remote-write receiver, Loki,
//! Alloy); [`Scale`] adds `n` profile monitors, custom alert rules, Alloy scrape
//! targets or lines of `alloy.custom`.

use std::fmt::Write;

/// Which part of a profile grows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dimension {
    /// `monitors`: one ServiceMonitor file each.
    Monitors,
    /// `alerts.custom`: alerting rules, ten per group (one PrometheusRule file per group).
    Rules,
    /// `alloy.metrics.targets`: a `discovery.relabel` and a `prometheus.scrape` each.
    Targets,
    /// Lines of `alloy.custom`: chained `prometheus.relabel` components, four lines each.
    CustomLines,
}

impl Dimension {
    /// Every dimension, in benchmark order.
    pub const ALL: [Dimension; 4] = [
        Dimension::Monitors,
        Dimension::Rules,
        Dimension::Targets,
        Dimension::CustomLines,
    ];

    /// The name used in benchmark ids and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Monitors => "monitors",
            Dimension::Rules => "rules",
            Dimension::Targets => "targets",
            Dimension::CustomLines => "custom_lines",
        }
    }
}

const BASE: &str = "\
description: Scale benchmark profile (generated).
environment: development
cluster:
  name: bench
namespace: monitoring
delivery:
  mode: helmfile
prometheus:
  retention: 7d
  remoteWriteReceiver: true
loki:
  retention: 7d
  storage:
    claim:
      size: 10Gi
grafana:
  admin: insecureDefault
alloy:
  controller: daemonset
  logs:
    pods: {}
";

/// The text of a valid profile with `n` items of `dim` (and the small base otherwise).
pub fn profile(dim: Dimension, n: usize) -> String {
    let mut out = String::from(BASE);
    match dim {
        Dimension::Targets => {
            out.push_str("  metrics:\n    targets:\n");
            for i in 0..n {
                let _ = writeln!(
                    out,
                    "      - {{ name: app-{i}, namespace: apps, selector: {{ app: app-{i} }}, port: \"8080\" }}"
                );
            }
        }
        Dimension::CustomLines => {
            // Each component forwards to the next, the last to the generated remote write,
            // so every line is a reference the checker resolves.
            out.push_str("  metrics:\n    kubelet: true\n  custom: |\n");
            let blocks = n.div_ceil(4);
            for i in 0..blocks {
                let next = if i + 1 == blocks {
                    "prometheus.remote_write.default.receiver".to_owned()
                } else {
                    format!("prometheus.relabel.c{}.receiver", i + 1)
                };
                let _ = write!(
                    out,
                    "    prometheus.relabel \"c{i}\" {{\n      forward_to = [{next}]\n    }}\n\n"
                );
            }
        }
        Dimension::Monitors => {
            out.push_str("monitors:\n");
            for i in 0..n {
                let _ = writeln!(
                    out,
                    "  - {{ name: app-{i}, namespace: apps, selector: {{ app: app-{i} }}, port: http-metrics }}"
                );
            }
        }
        Dimension::Rules => {
            out.push_str("alerts:\n  custom:\n");
            for i in 0..n {
                if i % 10 == 0 {
                    let _ = writeln!(out, "    - name: group-{}\n      rules:", i / 10);
                }
                let _ = writeln!(
                    out,
                    "        - {{ alert: AppDown{i}, expr: 'up{{job=\"app-{i}\"}} == 0', for: 5m, labels: {{ severity: warning }} }}"
                );
            }
        }
    }
    out
}
