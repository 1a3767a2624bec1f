//! Relabel `rule` blocks, shared by `discovery.relabel`, `loki.relabel` and
//! `prometheus.relabel` (and the `rule` blocks of other components).

use o11yc_alloy::{Block, Expr};

fn rule() -> Block {
    Block::new("rule", None)
}

/// Copies `source_labels` (joined by `;`) into `target`.
pub fn copy(source_labels: &[&str], target: &str) -> Block {
    rule()
        .attr("source_labels", Expr::array(source_labels.iter().copied()))
        .attr("target_label", target)
}

/// Sets `target` to `replacement` (an expression: a string or e.g. `sys.env(...)`).
pub fn set(target: &str, replacement: impl Into<Expr>) -> Block {
    rule()
        .attr("target_label", target)
        .attr("replacement", replacement)
}

/// Keeps only targets whose `source_label` matches `regex`.
pub fn keep(source_label: &str, regex: &str) -> Block {
    matching(source_label, regex, "keep")
}

/// Drops targets whose `source_label` matches `regex`.
pub fn drop(source_label: &str, regex: &str) -> Block {
    matching(source_label, regex, "drop")
}

fn matching(source_label: &str, regex: &str, action: &str) -> Block {
    rule()
        .attr("source_labels", Expr::array([source_label]))
        .attr("regex", regex)
        .attr("action", action)
}

/// Removes the labels whose names match `regex`.
pub fn label_drop(regex: &str) -> Block {
    rule().attr("action", "labeldrop").attr("regex", regex)
}
