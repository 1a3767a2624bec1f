//! YAML text → [`Located<Node>`] using serde-saphyr's event parser (`granit-parser`).

// The public API returns `Diagnostic` by value; errors are cold, so its size does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_saphyr::granit_parser::{
    Event, Marker, Parser, ScalarStyle, ScanError, Span as RawSpan, StrInput, StructureStyle, Tag,
};

use super::node::{Entry, Located, Node};
use crate::diag::{Diagnostic, FileId, LineIndex, Span, floor_char_boundary};

/// Deepest nesting of collections accepted.
const MAX_DEPTH: usize = 64;
/// Upper bound on nodes produced, including alias expansions ("billion laughs" guard).
pub const MAX_NODES: usize = 1_000_000;
/// Upper bound on the bytes of keys and scalars produced, including alias
/// expansions: a few aliases of one long string must not need gigabytes.
pub const MAX_TEXT_BYTES: usize = 16 << 20;

/// Parses one YAML document into a located tree whose root must be a mapping.
///
/// Errors (each located in `file`): YAML syntax errors, an empty document, a root that is not a
/// mapping, duplicate keys (at the second occurrence, with a note pointing at the first),
/// more than one document, complex keys, unsupported tags and excessive nesting.
pub fn parse_yaml(file: FileId, text: &str) -> Result<Located<Node>, Diagnostic> {
    let mut b = Builder {
        file,
        text,
        lines: LineIndex::new(text),
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        budget: MAX_NODES,
        text_budget: MAX_TEXT_BYTES,
    };
    b.document().map_err(|mut d| {
        d.default_code(crate::diag::codes::YAML_SHAPE);
        d
    })
}

type RawEvent<'a> = (Event<'a>, RawSpan);

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    lines: LineIndex,
    parser: Parser<'a, StrInput<'a>>,
    anchors: HashMap<usize, Located<Node>>,
    /// Nodes still allowed.
    budget: usize,
    /// Key and scalar bytes still allowed.
    text_budget: usize,
}

impl<'a> Builder<'a> {
    fn byte(&self, m: &Marker) -> usize {
        m.byte_offset().unwrap_or_else(|| {
            self.text
                .char_indices()
                .nth(m.index())
                .map_or(self.text.len(), |(b, _)| b)
        })
    }

    fn span(&self, raw: &RawSpan) -> Span {
        let (s, e) = (self.byte(&raw.start), self.byte(&raw.end));
        Span::clamped(self.file, self.text, s, e)
    }

    fn span_between(&self, start: Span, end: Span) -> Span {
        Span::clamped(
            self.file,
            self.text,
            start.start as usize,
            end.end.max(start.end) as usize,
        )
    }

    /// A span one character wide at `m` (zero-width at end of input).
    fn point(&self, m: &Marker) -> Span {
        let s = self.byte(m).min(self.text.len());
        let len = self.text[floor_char_boundary(self.text, s)..]
            .chars()
            .next()
            .filter(|c| *c != '\n')
            .map_or(0, char::len_utf8);
        Span::clamped(self.file, self.text, s, s + len)
    }

    fn scan_error(&self, e: &ScanError) -> Diagnostic {
        let info = e.info();
        let msg = if info.is_empty() {
            "invalid YAML".to_string()
        } else {
            format!("invalid YAML: {info}")
        };
        let mut d = Diagnostic::error(msg)
            .at(self.point(e.marker()))
            .code(crate::diag::codes::YAML_SYNTAX);
        if info.contains("mapping values are not allowed") {
            d = d.help("check the indentation: keys of one mapping must line up, and a value cannot be followed by `key:` on the same line");
        } else if info.contains("tab") {
            d = d.help("indent YAML with spaces; tabs are not allowed for indentation");
        }
        d
    }

    /// Next structural event, skipping comments and other presentation metadata.
    fn next(&mut self) -> Result<Option<RawEvent<'a>>, Diagnostic> {
        loop {
            match self.parser.next_event() {
                None => return Ok(None),
                Some(Err(e)) => return Err(self.scan_error(&e)),
                Some(Ok((ev, span))) => {
                    let structural = ev.is_node()
                        || matches!(
                            ev,
                            Event::StreamStart
                                | Event::StreamEnd
                                | Event::DocumentStart(..)
                                | Event::DocumentEnd
                                | Event::SequenceEnd
                                | Event::MappingEnd
                        );
                    if structural {
                        return Ok(Some((ev, span)));
                    }
                }
            }
        }
    }

    fn empty_error(&self) -> Diagnostic {
        Diagnostic::error("profile is empty")
            .at(Span::file_start(self.file))
            .help("a profile is a YAML mapping; start with for example:\n  name: dev\n  loki:\n    enabled: true")
    }

    fn document(&mut self) -> Result<Located<Node>, Diagnostic> {
        // Find the document start (skipping StreamStart).
        let root = loop {
            match self.next()? {
                Some((Event::StreamStart, _)) => {}
                Some((Event::DocumentStart(..), _)) => match self.next()? {
                    Some((Event::DocumentEnd | Event::StreamEnd, _)) | None => {
                        return Err(self.empty_error());
                    }
                    Some(ev) => break self.node(ev)?,
                },
                Some((Event::StreamEnd, _)) | None => return Err(self.empty_error()),
                Some(ev) => break self.node(ev)?,
            }
        };
        // Anything after the first document is an error.
        loop {
            match self.next()? {
                Some((Event::DocumentEnd, _)) => {}
                Some((Event::StreamEnd, _)) | None => break,
                Some((_, span)) => {
                    return Err(Diagnostic::error("a profile must contain a single YAML document")
                        .at(self.span(&span))
                        .label("second document starts here")
                        .help("remove the `---` separator or split the documents into separate files"));
                }
            }
        }
        match &root.value {
            Node::Map(_) => Ok(root),
            Node::Null if root.span.start == root.span.end => Err(self.empty_error()),
            other => Err(Diagnostic::error(format!(
                "expected a mapping at the top level, found {}",
                other.describe()
            ))
            .at(root.span)
            .label("expected a mapping")
            .expected("a mapping of settings, e.g. `name: dev`")),
        }
    }

    /// Takes `nodes` nodes and `bytes` bytes of text from the budgets.
    fn charge(&mut self, nodes: usize, bytes: usize, span: Span) -> Result<(), Diagnostic> {
        let Some(rest) = self.budget.checked_sub(nodes) else {
            return Err(Diagnostic::error(format!(
                "document is too large: more than {MAX_NODES} nodes after expanding aliases"
            ))
            .at(span)
            .help("write the values out instead of repeating large anchors"));
        };
        let Some(text_rest) = self.text_budget.checked_sub(bytes) else {
            return Err(Diagnostic::error(format!(
                "document is too large: more than {} MiB of text after expanding aliases",
                MAX_TEXT_BYTES >> 20
            ))
            .at(span)
            .help("write the values out instead of repeating large anchors"));
        };
        self.budget = rest;
        self.text_budget = text_rest;
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Located<Node>) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    fn eof(&self, at: Span) -> Diagnostic {
        Diagnostic::error("unexpected end of YAML input").at(at)
    }

    /// Builds the node starting with `first`, iteratively (no recursion, so deep input cannot
    /// overflow the stack).
    fn node(&mut self, first: RawEvent<'a>) -> Result<Located<Node>, Diagnostic> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut pending = Some(first);
        loop {
            let (event, raw) = match pending.take() {
                Some(ev) => ev,
                None => match self.next()? {
                    Some(ev) => ev,
                    None => {
                        let at = stack
                            .last()
                            .map_or(Span::file_start(self.file), Frame::start);
                        return Err(self.eof(at));
                    }
                },
            };
            let span = self.span(&raw);

            // A mapping waiting for its next key.
            if let Some(Frame::Map {
                key: key @ None, ..
            }) = stack.last_mut()
            {
                match event {
                    Event::MappingEnd => {}
                    Event::Scalar(k, ..) => {
                        *key = Some((k.into_owned(), span));
                        continue;
                    }
                    _ => {
                        return Err(Diagnostic::error(
                            "only plain scalar keys are supported in a profile",
                        )
                        .at(span)
                        .help("use a simple string key such as `name:`"));
                    }
                }
            }

            let done = match event {
                Event::Scalar(value, style, anchor, tag) => {
                    self.charge(1, value.len(), span)?;
                    let node = Located {
                        value: scalar(&value, style, tag.as_deref())
                            .map_err(|m| Diagnostic::error(m).at(span))?,
                        span,
                    };
                    self.remember(anchor, &node);
                    node
                }
                Event::Alias(id) => {
                    let Some(target) = self.anchors.get(&id) else {
                        return Err(Diagnostic::error("alias refers to an unknown anchor").at(span));
                    };
                    // Charged before cloning, so an over-budget alias costs no memory.
                    let (nodes, bytes) = (target.value.size(), target.value.text_bytes());
                    self.charge(nodes, bytes, span)?;
                    self.anchors[&id].clone()
                }
                Event::SequenceStart(style, anchor, tag)
                | Event::MappingStart(style, anchor, tag)
                    if stack.len() >= MAX_DEPTH =>
                {
                    let _ = (style, anchor, tag);
                    return Err(Diagnostic::error(format!(
                        "nesting is too deep (more than {MAX_DEPTH} levels)"
                    ))
                    .at(span));
                }
                Event::SequenceStart(style, anchor, tag) => {
                    self.charge(1, 0, span)?;
                    check_collection_tag(tag.as_deref(), "seq")
                        .map_err(|m| Diagnostic::error(m).at(span))?;
                    stack.push(Frame::Seq {
                        items: Vec::new(),
                        start: span,
                        style,
                        anchor,
                    });
                    continue;
                }
                Event::MappingStart(style, anchor, tag) => {
                    self.charge(1, 0, span)?;
                    check_collection_tag(tag.as_deref(), "map")
                        .map_err(|m| Diagnostic::error(m).at(span))?;
                    stack.push(Frame::Map {
                        map: IndexMap::new(),
                        start: span,
                        style,
                        anchor,
                        key: None,
                    });
                    continue;
                }
                Event::SequenceEnd => match stack.pop() {
                    Some(Frame::Seq {
                        items,
                        start,
                        style,
                        anchor,
                    }) => {
                        let end = match (style, items.last()) {
                            (StructureStyle::Block, Some(last)) => last.span,
                            (StructureStyle::Block, None) => start,
                            (StructureStyle::Flow, _) => span,
                        };
                        let node = Located {
                            value: Node::Seq(items),
                            span: self.span_between(start, end),
                        };
                        self.remember(anchor, &node);
                        node
                    }
                    _ => return Err(Diagnostic::error("unexpected YAML structure").at(span)),
                },
                Event::MappingEnd => match stack.pop() {
                    Some(Frame::Map {
                        map,
                        start,
                        style,
                        anchor,
                        ..
                    }) => {
                        let end = match (style, map.last()) {
                            (StructureStyle::Block, Some((_, last))) => last.value.span,
                            (StructureStyle::Block, None) => start,
                            (StructureStyle::Flow, _) => span,
                        };
                        let node = Located {
                            value: Node::Map(map),
                            span: self.span_between(start, end),
                        };
                        self.remember(anchor, &node);
                        node
                    }
                    _ => return Err(Diagnostic::error("unexpected YAML structure").at(span)),
                },
                _ => return Err(Diagnostic::error("unexpected YAML structure").at(span)),
            };

            match stack.last_mut() {
                None => return Ok(done),
                Some(Frame::Seq { items, .. }) => items.push(done),
                Some(Frame::Map { map, key, .. }) => {
                    let Some((key, key_span)) = key.take() else {
                        return Err(Diagnostic::error("unexpected YAML structure").at(span));
                    };
                    if let Some(first) = map.get(&key) {
                        let (line, col) = self
                            .lines
                            .line_col(self.text, first.key_span.start as usize);
                        return Err(Diagnostic::error(format!("duplicate key `{key}`"))
                            .at(key_span)
                            .label("duplicate key")
                            .note(format!(
                                "`{key}` was first defined at line {}, column {}",
                                line, col
                            ))
                            .help("remove one of the two entries"));
                    }
                    map.insert(
                        key,
                        Entry {
                            key_span,
                            value: done,
                        },
                    );
                }
            }
        }
    }
}

/// An open collection while building the tree.
enum Frame {
    Seq {
        items: Vec<Located<Node>>,
        start: Span,
        style: StructureStyle,
        anchor: usize,
    },
    Map {
        map: IndexMap<String, Entry>,
        start: Span,
        style: StructureStyle,
        anchor: usize,
        /// The key read but whose value is still pending.
        key: Option<(String, Span)>,
    },
}

impl Frame {
    fn start(&self) -> Span {
        match self {
            Frame::Seq { start, .. } | Frame::Map { start, .. } => *start,
        }
    }
}

fn check_collection_tag(tag: Option<&Tag>, kind: &str) -> Result<(), String> {
    match tag {
        None => Ok(()),
        Some(t) if t.is_yaml_core_schema_tag(kind) => Ok(()),
        Some(t) => Err(format!("unsupported YAML tag `{t}`")),
    }
}

/// Types a scalar: quoted/block scalars are strings, plain ones follow the YAML 1.2 core schema.
fn scalar(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Node, String> {
    let Some(tag) = tag else {
        return Ok(if style == ScalarStyle::Plain {
            resolve_plain(value)
        } else {
            Node::Str(value.to_string())
        });
    };
    let resolved = resolve_plain(value);
    let ok = match (tag.is_yaml_core_schema(), &resolved) {
        (true, _) if tag.is_yaml_core_schema_tag("str") => return Ok(Node::Str(value.to_string())),
        (true, Node::Null) => tag.is_yaml_core_schema_tag("null"),
        (true, Node::Bool(_)) => tag.is_yaml_core_schema_tag("bool"),
        (true, Node::Int(_)) => {
            tag.is_yaml_core_schema_tag("int") || tag.is_yaml_core_schema_tag("float")
        }
        (true, Node::Float(_)) => tag.is_yaml_core_schema_tag("float"),
        _ => false,
    };
    if !ok {
        return Err(format!("unsupported YAML tag `{tag}` on `{value}`"));
    }
    Ok(match resolved {
        Node::Int(i) if tag.is_yaml_core_schema_tag("float") => Node::Float(i as f64),
        other => other,
    })
}

/// YAML 1.2 core schema resolution of a plain scalar.
pub(crate) fn resolve_plain(s: &str) -> Node {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Node::Null,
        "true" | "True" | "TRUE" => return Node::Bool(true),
        "false" | "False" | "FALSE" => return Node::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Node::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Node::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Node::Float(f64::NAN),
        _ => {}
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if !hex.is_empty()
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
            && let Ok(i) = i64::from_str_radix(hex, 16)
        {
            return Node::Int(i);
        }
        return Node::Str(s.to_string());
    }
    if let Some(oct) = s.strip_prefix("0o") {
        if !oct.is_empty()
            && oct.bytes().all(|b| (b'0'..=b'7').contains(&b))
            && let Ok(i) = i64::from_str_radix(oct, 8)
        {
            return Node::Int(i);
        }
        return Node::Str(s.to_string());
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match s.parse::<i64>() {
            Ok(i) => Node::Int(i),
            Err(_) => s
                .parse::<f64>()
                .map_or_else(|_| Node::Str(s.to_string()), Node::Float),
        };
    }
    if is_core_float(digits)
        && let Ok(f) = s.parse::<f64>()
    {
        return Node::Float(f);
    }
    Node::Str(s.to_string())
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (sign already stripped).
fn is_core_float(s: &str) -> bool {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
                && (!int.is_empty() || !frac.is_empty())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exp_ok = exp.is_none_or(|e| {
        let d = e.strip_prefix(['-', '+']).unwrap_or(e);
        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exp_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    fn parse(text: &str) -> Result<Located<Node>, Diagnostic> {
        parse_yaml(F, text)
    }

    fn err(text: &str) -> Diagnostic {
        parse(text).expect_err("expected an error")
    }

    fn slice(text: &str, s: Span) -> &str {
        &text[s.range()]
    }

    /// Line and column of the start of `s` in `text`.
    fn at(text: &str, s: Span) -> (u32, u32) {
        s.line_col_in(text)
    }

    #[test]
    fn nested_key_and_value_spans() {
        let text = "name: dev\nloki:\n  storage:\n    size: \"200Gi\"\n  retention: 30\n";
        let root = parse(text).unwrap();
        let ks = root.key_span(&["loki", "storage", "size"]).unwrap();
        assert_eq!(at(text, ks), (4, 5));
        assert_eq!(slice(text, ks), "size");
        let v = root.get_path(&["loki", "storage", "size"]).unwrap();
        assert_eq!(v.value, Node::Str("200Gi".into()));
        assert_eq!(at(text, v.span), (4, 11));
        let r = root.get_path(&["loki", "retention"]).unwrap();
        assert_eq!(r.value, Node::Int(30));
        assert_eq!((at(text, r.span), slice(text, r.span)), ((5, 14), "30"));
        assert!(root.get_path(&["loki", "nope"]).is_none());
        assert!(root.key_span(&[]).is_none());
    }

    #[test]
    fn list_item_spans() {
        let text =
            "alloy:\n  sources:\n    - name: a\n    - name: b\n      port: 9\n    - [1, 2]\n";
        let root = parse(text).unwrap();
        let Node::Seq(items) = &root.get_path(&["alloy", "sources"]).unwrap().value else {
            panic!("not a seq")
        };
        assert_eq!(items.len(), 3);
        let b = &items[1];
        assert_eq!(at(text, b.span), (4, 7));
        let port = b.get("port").unwrap();
        assert_eq!(
            (at(text, port.span), slice(text, port.span)),
            ((5, 13), "9")
        );
        assert_eq!(slice(text, items[2].span), "[1, 2]");
    }

    #[test]
    fn unicode_columns_are_in_chars() {
        let text = "name: \"héllo wörld\"\nlabel: x\n";
        let root = parse(text).unwrap();
        let ks = root.key_span(&["label"]).unwrap();
        assert_eq!(at(text, ks), (2, 1));
        let text = "a: { é: 1, b: 2 }\n";
        let root = parse(text).unwrap();
        let b = root.get_path(&["a", "b"]).unwrap();
        assert_eq!((at(text, b.span).1, slice(text, b.span)), (15, "2"));
    }

    #[test]
    fn scalar_typing() {
        let text = "a: true\nb: 12\nc: 1.5\nd: null\ne: ~\nf: \"12\"\ng: 'true'\nh: hello\ni: -3\nj: 0x1F\nk: 1e3\nl:\nm: .inf\nn: 1.2.3\no: |\n  text\n";
        let root = parse(text).unwrap();
        let v = |k: &str| root.get(k).unwrap().value.clone();
        assert_eq!(v("a"), Node::Bool(true));
        assert_eq!(v("b"), Node::Int(12));
        assert_eq!(v("c"), Node::Float(1.5));
        assert_eq!(v("d"), Node::Null);
        assert_eq!(v("e"), Node::Null);
        assert_eq!(v("f"), Node::Str("12".into()));
        assert_eq!(v("g"), Node::Str("true".into()));
        assert_eq!(v("h"), Node::Str("hello".into()));
        assert_eq!(v("i"), Node::Int(-3));
        assert_eq!(v("j"), Node::Int(31));
        assert_eq!(v("k"), Node::Float(1000.0));
        assert_eq!(v("l"), Node::Null);
        assert_eq!(v("m"), Node::Float(f64::INFINITY));
        assert_eq!(v("n"), Node::Str("1.2.3".into()));
        assert_eq!(v("o"), Node::Str("text\n".into()));
        assert_eq!(resolve_plain("yes"), Node::Str("yes".into()));
        assert_eq!(resolve_plain("inf"), Node::Str("inf".into()));
        assert_eq!(resolve_plain("99999999999999999999"), Node::Float(1e20));
    }

    #[test]
    fn syntax_error_is_located() {
        let text = "name: dev\nloki:\n  enabled: true\n   bad: [1, 2\n";
        let d = err(text);
        assert!(d.message.starts_with("invalid YAML"), "{}", d.message);
        let s = d.span.unwrap();
        assert!(at(text, s).0 >= 4, "{s:?}");
        let d = err("a: \"unterminated\nb: 1\n");
        assert!(d.message.starts_with("invalid YAML"));
        assert_eq!(d.span.unwrap().file, F);
        let d = err("a: 1\n b: 2\n");
        assert_eq!(at("a: 1\n b: 2\n", d.span.unwrap()), (2, 3), "{d:?}");
    }

    #[test]
    fn empty_and_comment_only() {
        for text in [
            "",
            "   \n\n",
            "# just a comment\n# another\n",
            "---\n",
            "---\n# c\n...",
        ] {
            let d = err(text);
            assert_eq!(d.message, "profile is empty", "{text:?}");
            let s = d.span.unwrap();
            assert_eq!(at(text, s), (1, 1));
            assert!(d.help.unwrap().contains("name:"));
        }
    }

    #[test]
    fn non_mapping_root() {
        let d = err("- a\n- b\n");
        assert_eq!(
            d.message,
            "expected a mapping at the top level, found a sequence"
        );
        assert_eq!(at("- a\n- b\n", d.span.unwrap()), (1, 1));
        let d = err("\n\njust text\n");
        assert_eq!(
            d.message,
            "expected a mapping at the top level, found a string"
        );
        assert_eq!(at("\n\njust text\n", d.span.unwrap()).0, 3);
        assert_eq!(
            err("42").message,
            "expected a mapping at the top level, found an integer"
        );
        assert_eq!(
            err("null").message,
            "expected a mapping at the top level, found null"
        );
    }

    #[test]
    fn duplicate_key_points_at_second_with_note() {
        let text = "loki:\n  enabled: true\n  retention: 3\n  enabled: false\n";
        let d = err(text);
        assert_eq!(d.message, "duplicate key `enabled`");
        let s = d.span.unwrap();
        assert_eq!((at(text, s), slice(text, s)), ((4, 3), "enabled"));
        assert_eq!(
            d.notes,
            vec!["`enabled` was first defined at line 2, column 3".to_string()]
        );
    }

    #[test]
    fn multiple_documents_rejected() {
        let d = err("a: 1\n---\nb: 2\n");
        assert_eq!(d.message, "a profile must contain a single YAML document");
        assert_eq!(at("a: 1\n---\nb: 2\n", d.span.unwrap()).0, 2);
        // A single explicit document is fine.
        assert!(parse("---\na: 1\n").is_ok());
    }

    #[test]
    fn anchors_aliases_and_tags() {
        let root = parse("base: &b {x: 1}\nother: *b\ns: !!str 12\n").unwrap();
        assert_eq!(root.get_path(&["other", "x"]).unwrap().value, Node::Int(1));
        assert_eq!(root.get("s").unwrap().value, Node::Str("12".into()));
        assert!(
            err("a: !vault secret\n")
                .message
                .contains("unsupported YAML tag")
        );
        assert!(err("? [a]\n: 1\n").message.contains("keys"));
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
        assert!(err(bomb).message.contains("too large"));
    }

    #[test]
    fn aliases_of_long_strings_are_charged_by_bytes() {
        // 1 MB of text aliased 10,000 times would need 10 GB: refused at the
        // alias that crosses the 16 MiB budget, before cloning anything.
        let mut text = format!("a: &a \"{}\"\nb: [", "x".repeat(1 << 20));
        text.push_str(&vec!["*a"; 10_000].join(", "));
        text.push_str("]\n");
        let started = std::time::Instant::now();
        let d = err(&text);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(
            d.message,
            "document is too large: more than 16 MiB of text after expanding aliases"
        );
        let s = d.span.unwrap();
        // The 16th alias is the first one over budget (1 MiB original + 15 copies).
        assert_eq!(at(&text, s), (2, 5 + 15 * 4));
        // A few copies are fine.
        let small = format!("a: &a \"{}\"\nb: [*a, *a]\n", "x".repeat(1 << 20));
        assert!(parse(&small).is_ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("a: {}1{}\n", "[".repeat(5000), "]".repeat(5000));
        assert!(parse(&text).is_err());
    }
}
