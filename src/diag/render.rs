//! rustc-style rendering of a [`Diagnostic`].

use std::fmt::Write as _;

use anstyle::{AnsiColor, Color, Style};

use super::{Diagnostic, Severity, SourceMap};

/// Width a tab is expanded to when quoting a source line.
const TAB: &str = "    ";

struct Styles {
    severity: Style,
    message: Style,
    gutter: Style,
    caret: Style,
    label: Style,
}

impl Styles {
    fn new(color: bool, severity: Severity) -> Self {
        if !color {
            let plain = Style::new();
            return Styles {
                severity: plain,
                message: plain,
                gutter: plain,
                caret: plain,
                label: plain,
            };
        }
        let sev_color = match severity {
            Severity::Error => AnsiColor::BrightRed,
            Severity::Warning => AnsiColor::BrightYellow,
        };
        let sev = Style::new().bold().fg_color(Some(Color::Ansi(sev_color)));
        Styles {
            severity: sev,
            message: Style::new().bold(),
            gutter: Style::new()
                .bold()
                .fg_color(Some(Color::Ansi(AnsiColor::BrightBlue))),
            caret: sev,
            label: Style::new().bold(),
        }
    }
}

fn paint(style: Style, text: &str) -> String {
    if style == Style::new() {
        text.to_string()
    } else {
        format!("{style}{text}{style:#}")
    }
}

/// Longest source line quoted whole (in characters); longer lines are cut around the caret.
const MAX_LINE: usize = 160;

/// The text of the line holding byte `start` (line `line`, 1-based), found from the offset
/// so quoting costs the length of the line, not of the file. `None` for an unknown line.
fn quoted_line(text: &str, start: usize) -> Option<&str> {
    if start > text.len() || !text.is_char_boundary(start) {
        return None;
    }
    let begin = text[..start].rfind('\n').map_or(0, |i| i + 1);
    if begin == text.len() {
        // After the last line break: no line to quote.
        return None;
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    Some(&text[begin..end])
}

/// `line` as quoted: whole when short, else a window of [`MAX_LINE`] characters around
/// character `col` with `...` where it was cut; and `col` within what is shown.
fn window(line: &str, col: usize) -> (String, usize) {
    let count = line.chars().count();
    if count <= MAX_LINE {
        return (line.to_string(), col);
    }
    let from = col
        .saturating_sub(MAX_LINE / 4)
        .min(count.saturating_sub(MAX_LINE));
    let to = (from + MAX_LINE).min(count);
    let mut shown = String::new();
    if from > 0 {
        shown.push_str("...");
    }
    shown.extend(line.chars().skip(from).take(to - from));
    if to < count {
        shown.push_str("...");
    }
    let col = col - from + if from > 0 { 3 } else { 0 };
    (shown, col)
}

/// Renders a diagnostic as multi-line text (with a trailing newline).
///
/// ```text
/// error: unknown key `storge` in `loki`
///   --> profiles/dev.yaml:12:5
///    |
/// 12 |     storge:
///    |     ^^^^^^ unknown key
///    |
///    = key: loki.storge
///    = help: did you mean `storage`?
/// ```
///
/// ANSI colours (via `anstyle`) are emitted only when `color` is true.
pub fn render(d: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    let st = Styles::new(color, d.severity);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}",
        paint(st.severity, &d.heading()),
        paint(st.message, &format!(": {}", d.message))
    );

    let at = d.span.map(|s| sources.line_col(s));
    let width = at.map_or(0, |(line, _)| line.to_string().len());
    let pad = " ".repeat(width);
    let bar = paint(st.gutter, &format!("{pad} |"));

    if let (Some(span), Some((line, col))) = (d.span, at) {
        let _ = writeln!(
            out,
            "{pad}{} {}:{}:{}",
            paint(st.gutter, "-->"),
            sources.path(span.file).display(),
            line,
            col
        );
        let text = sources.text(span.file);
        if let Some(line_text) = quoted_line(text, span.start as usize) {
            let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
            // Character index of the span start within the line, and caret count.
            let start_col = (col as usize).saturating_sub(1);
            let span_chars = text
                .get(span.range())
                .map_or(0, |s| s.split('\n').next().unwrap_or("").chars().count());
            let (shown, start_col) = window(line_text, start_col);
            let avail = shown.chars().count().saturating_sub(start_col);
            let carets = span_chars.min(avail).max(1);
            let prefix: String = shown
                .chars()
                .take(start_col)
                .map(|c| {
                    if c == '\t' {
                        TAB.to_string()
                    } else {
                        " ".to_string()
                    }
                })
                .collect();
            let shown = shown.replace('\t', TAB);
            let _ = writeln!(out, "{bar}");
            let _ = writeln!(out, "{} {}", paint(st.gutter, &format!("{line} |")), shown);
            let mut marker = paint(st.caret, &"^".repeat(carets));
            if let Some(label) = &d.label {
                marker.push(' ');
                marker.push_str(&paint(st.caret, label));
            }
            let _ = writeln!(out, "{bar} {prefix}{marker}");
        }
    }

    let mut extras: Vec<(&str, &str)> = Vec::new();
    if let Some(k) = &d.key_path {
        extras.push(("key", k));
    }
    if let Some(e) = &d.expected {
        extras.push(("expected", e));
    }
    for n in &d.notes {
        extras.push(("note", n));
    }
    if let Some(h) = &d.help {
        extras.push(("help", h));
    }
    if !extras.is_empty() {
        if d.span.is_some() {
            let _ = writeln!(out, "{bar}");
        }
        for (name, value) in extras {
            let _ = writeln!(
                out,
                "{pad} {} {}{}",
                paint(st.gutter, "="),
                paint(st.label, &format!("{name}:")),
                indent_continuation(value, width + 3)
            );
        }
    }
    out
}

/// Puts a leading space before the value and indents continuation lines of multi-line values.
fn indent_continuation(value: &str, indent: usize) -> String {
    let sep = format!("\n{}", " ".repeat(indent));
    format!(" {}", value.lines().collect::<Vec<_>>().join(&sep))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{FileId, Span};
    use std::path::PathBuf;

    fn sample() -> (SourceMap, Diagnostic) {
        let mut map = SourceMap::new();
        let mut text = String::new();
        for _ in 0..10 {
            text.push_str("# filler\n");
        }
        text.push_str("loki:\n    storge:\n      size: 1\n");
        let start = text.find("storge").unwrap();
        let f = map.add(PathBuf::from("profiles/dev.yaml"), text);
        let d = Diagnostic::error("unknown key `storge` in `loki`")
            .at(map.span(f, start, start + 6))
            .label("unknown key")
            .key_path("loki.storge")
            .expected("one of `enabled`, `storage`, `retention`")
            .help("did you mean `storage`?");
        (map, d)
    }

    #[test]
    fn renders_rustc_style() {
        let (map, d) = sample();
        let expected = "\
error: unknown key `storge` in `loki`
  --> profiles/dev.yaml:12:5
   |
12 |     storge:
   |     ^^^^^^ unknown key
   |
   = key: loki.storge
   = expected: one of `enabled`, `storage`, `retention`
   = help: did you mean `storage`?
";
        assert_eq!(render(&d, &map, false), expected);
    }

    #[test]
    fn renders_without_span() {
        let map = SourceMap::new();
        let d = Diagnostic::error("cannot read `x.yaml`").help("check the path");
        assert_eq!(
            render(&d, &map, false),
            "error: cannot read `x.yaml`\n = help: check the path\n"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let (map, d) = sample();
        assert!(!render(&d, &map, false).contains('\x1b'));
        assert!(render(&d, &map, true).contains('\x1b'));
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let mut map = SourceMap::new();
        let text = format!("x = {}y{}\n", "1+".repeat(300), "+2".repeat(300));
        let at = text.find('y').unwrap();
        let f = map.add(PathBuf::from("long.alloy"), text);
        let out = render(
            &Diagnostic::error("here").at(map.span(f, at, at + 1)),
            &map,
            false,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[3].starts_with("1 | ...") && lines[3].ends_with("..."),
            "{out}"
        );
        assert!(lines[3].len() < 200, "{out}");
        let caret = lines[4].find('^').unwrap();
        assert_eq!(&lines[3][caret..caret + 1], "y", "{out}");
    }

    #[test]
    fn tabs_and_bad_spans_do_not_panic() {
        let mut map = SourceMap::new();
        let f = map.add(PathBuf::from("t.yaml"), "a:\n\tb: 1".into());
        let d = Diagnostic::error("tab").at(map.span(f, 4, 5));
        assert!(render(&d, &map, false).contains("    ^"));
        // Offsets past the text, inside a character, reversed, or into an unknown file.
        for bogus in [
            Span::new(f, 99, 120),
            Span::new(f, 4, 2),
            Span::new(FileId(9), 3, 4),
        ] {
            let _ = render(&Diagnostic::error("x").at(bogus), &map, false);
        }
        let wide = map.add(PathBuf::from("u.yaml"), "é: x".into());
        let _ = render(
            &Diagnostic::error("x").at(Span::new(wide, 1, 2)),
            &map,
            false,
        );
    }
}
