//! Diagnostics of the Alloy crate as o11yc diagnostics: one code per [`Kind`], the span
//! resolved against the file's text in the [`SourceMap`], rendered like profile errors.

use o11yc_alloy::Kind;

use super::{Diagnostic, FileId, Severity, SourceMap, codes};

/// The stable code of an Alloy problem kind.
pub fn code(kind: Kind) -> &'static str {
    match kind {
        Kind::Syntax => codes::ALLOY_SYNTAX,
        Kind::Unknown => codes::ALLOY_UNKNOWN,
        Kind::Missing => codes::ALLOY_MISSING,
        Kind::Label => codes::ALLOY_LABEL,
        Kind::Duplicate => codes::ALLOY_DUPLICATE,
        Kind::Reference => codes::ALLOY_REFERENCE,
        Kind::Cycle => codes::ALLOY_CYCLE,
        Kind::Type => codes::ALLOY_TYPE,
        Kind::Stability => codes::ALLOY_STABILITY,
        Kind::Format => codes::ALLOY_FORMAT,
        // Found only for profiles (Loki's limit is not in a bare Alloy file), as pipeline problems.
        Kind::LabelBudget | Kind::UnboundedLabel => codes::PIPELINE,
    }
}

/// `d`, found in `file` of `sources`, as an o11yc diagnostic: the caret under the dotted name
/// or word that starts at its position (one character otherwise; the start of the file when
/// the position is unknown).
pub fn from_alloy(d: &o11yc_alloy::Diagnostic, file: FileId, sources: &SourceMap) -> Diagnostic {
    let severity = match d.severity {
        o11yc_alloy::Severity::Error => Severity::Error,
        o11yc_alloy::Severity::Warning => Severity::Warning,
    };
    let start = d.offset();
    let text = sources.text(file);
    let rest = text.get(start..).unwrap_or("");
    let word = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(rest.len());
    let first = rest.chars().next().map_or(0, char::len_utf8);
    let end = start + word.max(first);
    let mut out = Diagnostic::new(severity, d.message.clone())
        .code(code(d.kind))
        .at(sources.span(file, start, end));
    if let Some(help) = &d.help {
        out = out.help(help.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn located_in_characters_with_the_kind_code() {
        let src = "// é\nloki.wrte \"x\" {}\n";
        let mut map = SourceMap::new();
        let f = map.add(PathBuf::from("a.alloy"), src.to_string());
        let file = o11yc_alloy::parse(src).unwrap();
        let d = &o11yc_alloy::check(&file)[0];
        let got = from_alloy(d, f, &map);
        assert_eq!(got.code, Some(codes::ALLOY_UNKNOWN));
        let s = got.span.unwrap();
        assert_eq!((map.line_col(s), &src[s.range()]), ((2, 1), "loki.wrte"));
        // A position past the end or unknown never panics.
        let mut far = d.clone();
        far.span = Some(o11yc_alloy::diag::Span::new(FileId(0), 999, 999));
        let _ = from_alloy(&far, f, &map);
        far.span = None;
        assert_eq!(
            map.line_col(from_alloy(&far, f, &map).span.unwrap()),
            (1, 1)
        );
    }
}
