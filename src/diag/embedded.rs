//! Mapping a position inside an embedded text (an Alloy snippet written as a YAML block
//! scalar) back to the line and column of the YAML file.

use super::{Diagnostic, SourceMap, floor_char_boundary};

/// Moves a diagnostic carrying an [`Embedded`](super::Embedded) position to that position
/// in the YAML file, when its span is a literal block scalar (`|`, `|-`, `|+`, `|2`) whose
/// lines appear verbatim in the file. Otherwise (a quoted or folded scalar) the span stays
/// on the value and a note keeps the position inside the text. Never panics.
pub fn locate_embedded(d: &mut Diagnostic, sources: &SourceMap) {
    let (Some(at), Some(span)) = (d.embedded.take(), d.span) else {
        return;
    };
    let text = sources.text(span.file);
    let start = span.start as usize;
    let found = block_position(text, start, at.line, at.col)
        .or_else(|| inline_position(text, start, at.line, at.col));
    match found {
        Some((start, end)) => d.span = Some(sources.span(span.file, start, end)),
        None => {
            d.notes.push(format!(
                "at line {}, column {} of the text of this value",
                at.line, at.col
            ));
        }
    }
}

/// Byte offset of the `|` header of the block scalar whose span starts at `start`: the
/// parser's span starts at the indicator or at the first content line.
fn header_at(text: &str, start: usize) -> Option<usize> {
    if text.get(start..)?.starts_with('|') {
        return Some(start);
    }
    let line_start = text.get(..start)?.rfind('\n')?;
    let prev_start = text[..line_start].rfind('\n').map_or(0, |i| i + 1);
    let prev = &text[prev_start..line_start];
    let prev = prev.split(" #").next().unwrap_or(prev).trim_end();
    let token = prev.rsplit(' ').next()?;
    token
        .starts_with('|')
        .then(|| prev_start + prev.len() - token.len())
}

/// Byte range in `text` of the token at `line:col` (byte column) inside the literal block
/// scalar whose span starts at byte `start`.
fn block_position(text: &str, start: usize, line: u32, col: u32) -> Option<(usize, usize)> {
    let start = header_at(text, start)?;
    let rest = text.get(start..)?;
    let header_end = rest.find('\n')?;
    let header = rest[..header_end].trim_end();
    let header = header.split(" #").next().unwrap_or(header).trim_end();
    let indicator = header.strip_prefix('|')?;
    let explicit = indicator
        .chars()
        .find(char::is_ascii_digit)
        .and_then(|c| c.to_digit(10));
    let body_start = start + header_end + 1;
    let body = &text[body_start..];
    let lines = body.split_inclusive('\n');
    let indent = match explicit {
        Some(n) => base_indent(text, start)? + n as usize,
        None => lines
            .clone()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches(' ').len())?,
    };
    if indent == 0 {
        return None;
    }
    let mut offset = body_start;
    // End of the last content line: where a position just past the text (end of input) points.
    let mut last_end: Option<(u32, usize)> = None;
    // A blank line asked for: inside the text, or trailing (then the end of the text).
    let mut blank = None;
    for (n, l) in (1..).zip(lines) {
        let content = l.trim_end_matches(['\n', '\r']);
        if !content.trim().is_empty() {
            if !content.starts_with(&" ".repeat(indent)) {
                break;
            }
            if let Some(at) = blank {
                // The blank line asked for lies inside the text, not after its end.
                return Some((at, at));
            }
            last_end = Some((n, offset + content.len()));
        } else if n == line {
            blank = Some(offset + content.len());
        }
        if n == line && blank.is_none() {
            let inner = content.get(indent.min(content.len())..).unwrap_or("");
            let at = floor_char_boundary(inner, (col as usize).saturating_sub(1).min(inner.len()));
            let from = offset + indent.min(content.len()) + at;
            let token = inner[at..]
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, ',' | '(' | ')' | '[' | ']' | '{' | '}')
                })
                .unwrap_or(inner.len() - at);
            return Some((from, from + token.max(1).min(inner.len() - at)));
        }
        offset += l.len();
    }
    match last_end {
        Some((last, end)) if line > last && col == 1 => Some((end, end)),
        _ => None,
    }
}

/// Byte range in `text` of the character at `line:col` (byte column) inside a one-line plain
/// or quoted scalar starting at byte `start`: `None` for a block scalar, a position past the
/// first line, or one after an escape (`\` or `''`), where the text and the file differ.
fn inline_position(text: &str, start: usize, line: u32, col: u32) -> Option<(usize, usize)> {
    if line != 1 || col == 0 {
        return None;
    }
    let rest = text.get(start..)?;
    let quote = match rest.chars().next()? {
        '|' | '>' => return None,
        q @ ('"' | '\'') => Some(q),
        _ => None,
    };
    let skip = usize::from(quote.is_some());
    let before = rest.get(skip..skip + col as usize - 1)?;
    let escaped = match quote {
        Some('"') => before.contains('\\'),
        Some(_) => before.contains("''"),
        None => false,
    };
    if before.contains('\n') || escaped {
        return None;
    }
    let from = start + skip + before.len();
    let ch = text[from..].chars().next().filter(|c| *c != '\n')?;
    Some((from, from + ch.len_utf8()))
}

/// Indentation of the line holding byte `at`.
fn base_indent(text: &str, at: usize) -> Option<usize> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let spaces = line.len() - line.trim_start_matches(' ').len();
    // A `- key: |` list item: the mapping's indentation is after the dash.
    let after = &line[spaces..];
    Some(if after.starts_with("- ") {
        spaces + 2
    } else {
        spaces
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn locate(yaml: &str, line: u32, col: u32) -> Diagnostic {
        locate_from(yaml, line, col, false)
    }

    fn locate_from(yaml: &str, line: u32, col: u32, at_content: bool) -> Diagnostic {
        let mut map = SourceMap::new();
        let f = map.add(PathBuf::from("p.yaml"), yaml.to_string());
        let start = yaml.find('|').or_else(|| yaml.find('"')).unwrap();
        // The parser's span of a block scalar starts at the content; test both.
        let content = yaml[start..].find('\n').map_or(start, |i| start + i + 1);
        let start = if yaml.as_bytes()[start] == b'|' && at_content {
            content + yaml[content..].len() - yaml[content..].trim_start().len()
        } else {
            start
        };
        let mut d = Diagnostic::error("x")
            .at(map.span(f, start, start + 1))
            .embedded(line, col);
        locate_embedded(&mut d, &map);
        d
    }

    #[test]
    fn literal_block_lines_map_to_the_file() {
        let yaml = "alloy:\n  custom: |\n    a {\n\n      b = c.d.e\n    }\n";
        for at_content in [false, true] {
            let d = locate_from(yaml, 3, 7, at_content);
            let s = d.span.unwrap();
            assert_eq!(s.line_col_in(yaml), (5, 11));
            assert_eq!(&yaml[s.range()], "c.d.e");
            assert!(d.notes.is_empty());
        }
    }

    #[test]
    fn explicit_indentation_indicator() {
        let yaml = "custom: |2\n    x = 1\n  y = 2\n";
        let s = locate(yaml, 2, 1).span.unwrap();
        assert_eq!(s.line_col_in(yaml), (3, 3));
    }

    #[test]
    fn quoted_scalars_keep_the_value_span_and_say_where() {
        let yaml = "custom: \"a {\\n b = c\\n}\"\n";
        let d = locate(yaml, 2, 6);
        assert_eq!(d.span.unwrap().line_col_in(yaml).0, 1);
        assert_eq!(d.notes, ["at line 2, column 6 of the text of this value"]);
    }

    #[test]
    fn one_line_plain_and_quoted_scalars_map_to_the_file() {
        let at = |yaml: &str, value: &str, col: u32| {
            let mut map = SourceMap::new();
            let f = map.add(PathBuf::from("p.yaml"), yaml.to_string());
            let start = yaml.find(value).unwrap();
            let mut d = Diagnostic::error("x")
                .at(map.span(f, start, start + value.len()))
                .embedded(1, col);
            locate_embedded(&mut d, &map);
            (d.span.map(|s| s.line_col_in(yaml)), d.notes)
        };
        assert_eq!(at("expr: up & x\n", "up & x", 4), (Some((1, 10)), vec![]));
        assert_eq!(
            at("expr: \"up & x\"\n", "\"up & x\"", 4),
            (Some((1, 11)), vec![])
        );
        assert_eq!(
            at("expr: 'up & x'\n", "'up & x'", 4),
            (Some((1, 11)), vec![])
        );
        // After an escape the text and the file differ: the note says where instead.
        let (span, notes) = at("expr: \"a\\\"b & x\"\n", "\"a", 5);
        assert_eq!((span, notes.len()), (Some((1, 7)), 1));
        let (_, notes) = at("expr: >\n  up & x\n", ">", 4);
        assert_eq!(notes.len(), 1);
        // Past the line: not located, no panic.
        assert_eq!(at("expr: up\n", "up", 9).1.len(), 1);
    }

    #[test]
    fn positions_past_the_text_do_not_panic() {
        let yaml = "custom: |\n  a\n";
        assert!(!locate(yaml, 9, 99).notes.is_empty());
        let s = locate(yaml, 1, 99).span.unwrap();
        assert_eq!(s.line_col_in(yaml), (2, 4));
    }

    #[test]
    fn the_end_of_the_text_is_the_end_of_its_last_line() {
        let yaml = "custom: |
  a {

next: 1
";
        let s = locate(yaml, 2, 1).span.unwrap();
        assert_eq!(s.line_col_in(yaml), (2, 6));
    }
}
