//! The grammar of `vcluster.namespaceFormat` (`test-{installer}-{run_id}-{run_attempt}`):
//! literal text and `{placeholder}`s, each placeholder a run label. Validation checks
//! the format and `labelPatterns` with it; the pipeline turns it into relabel rules
//! (`compile::pipeline::run_labels`).

/// A piece of a namespace format.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Literal text.
    Text(&'a str),
    /// A `{placeholder}`.
    Placeholder(&'a str),
}

/// Splits a format into literal text and placeholders. `None` when a `{` is not
/// closed or a `}` is not opened.
pub fn pieces(format: &str) -> Option<Vec<Piece<'_>>> {
    let mut out = Vec::new();
    let mut rest = format;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return None;
        }
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        let close = rest[open..].find('}')? + open;
        out.push(Piece::Placeholder(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Some(out)
}

/// The placeholder names of a format, in order; none when the format is malformed.
pub fn placeholders(format: &str) -> Vec<&str> {
    pieces(format)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| match p {
            Piece::Placeholder(name) => Some(name),
            Piece::Text(_) => None,
        })
        .collect()
}

/// The default pattern of a placeholder, by its name.
pub fn default_pattern(name: &str) -> &'static str {
    if name.ends_with("attempt") {
        "[0-9]+"
    } else if name.ends_with("run_id") {
        ".+"
    } else {
        "[^-]+"
    }
}
