//! A small LogQL checker: stream selectors, pipeline stages and the range
//! aggregations around them. It accepts the subset of LogQL o11yc and its users
//! write and reports the first problem with its byte offset.

/// A token of a LogQL query.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// A quoted string (`"..."` or `` `...` ``), unescaped content.
    Str(String),
    /// A name: label, function, keyword, or a `--flag`.
    Ident(String),
    /// A number, duration (`5m`) or byte size (`10KB`).
    Num(String),
    /// An operator or punctuation.
    Punct(&'static str),
}

const PUNCTS: &[&str] = &[
    "|=", "|~", "!=", "!~", "=~", "==", ">=", "<=", "|", "=", ">", "<", "(", ")", "{", "}", "[",
    "]", ",", "+", "-", "*", "/", "%", "^",
];

/// Range aggregations over a log query: `f({...} [5m])`.
const RANGE_FUNCTIONS: &[&str] = &[
    "count_over_time",
    "rate",
    "rate_counter",
    "bytes_over_time",
    "bytes_rate",
    "absent_over_time",
    "sum_over_time",
    "avg_over_time",
    "max_over_time",
    "min_over_time",
    "first_over_time",
    "last_over_time",
    "stdvar_over_time",
    "stddev_over_time",
    "quantile_over_time",
];

/// Parser stages that take no argument or optional `name="expr"` parameters.
const PARSERS: &[&str] = &["json", "logfmt", "unpack", "decolorize"];

fn tokenize(text: &str) -> Result<Vec<(usize, Tok)>, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '`' {
            let start = i;
            let mut value = String::new();
            i += 1;
            loop {
                let Some(ch) = text[i..].chars().next() else {
                    return Err(format!("at byte {start}: unterminated string"));
                };
                i += ch.len_utf8();
                if ch == c {
                    break;
                }
                if ch == '\\' && c == '"' {
                    let Some(escaped) = text[i..].chars().next() else {
                        return Err(format!("at byte {start}: unterminated string"));
                    };
                    i += escaped.len_utf8();
                    value.push('\\');
                    value.push(escaped);
                } else {
                    value.push(ch);
                }
            }
            out.push((start, Tok::Str(value)));
        } else if c.is_ascii_digit()
            || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                i += 1;
            }
            out.push((start, Tok::Num(text[start..i].to_owned())));
        } else if c.is_ascii_alphabetic()
            || c == '_'
            || (text[i..].starts_with("--")
                && bytes.get(i + 2).is_some_and(u8::is_ascii_alphabetic))
        {
            let start = i;
            i += if c == '-' { 2 } else { 0 };
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || bytes[i] == b'_'
                    || bytes[i] == b'-' && c == '-')
            {
                i += 1;
            }
            out.push((start, Tok::Ident(text[start..i].to_owned())));
        } else if let Some(p) = PUNCTS.iter().find(|p| text[i..].starts_with(**p)) {
            out.push((i, Tok::Punct(p)));
            i += p.len();
        } else {
            let ch = text[i..].chars().next().unwrap_or(c);
            return Err(format!("at byte {i}: unexpected `{ch}`"));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    len: usize,
    /// Every stream selector read so far.
    selectors: Vec<Vec<Matcher>>,
}

/// A label matcher of a stream selector: `name op "value"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matcher {
    /// Label name.
    pub name: String,
    /// `=`, `!=`, `=~` or `!~`.
    pub op: &'static str,
    /// The value as written between the quotes.
    pub value: String,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(_, t)| t)
    }

    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n).map(|(_, t)| t)
    }

    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.len, |(o, _)| *o)
    }

    fn error<T>(&self, what: impl std::fmt::Display) -> Result<T, String> {
        let found = match self.peek() {
            None => "the end of the query".to_owned(),
            Some(Tok::Str(s)) => format!("\"{s}\""),
            Some(Tok::Ident(s) | Tok::Num(s)) => format!("`{s}`"),
            Some(Tok::Punct(p)) => format!("`{p}`"),
        };
        Err(format!(
            "at byte {}: expected {what}, found {found}",
            self.offset()
        ))
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|(_, t)| t.clone());
        self.pos += 1;
        t
    }

    fn punct(&mut self, p: &str) -> Result<(), String> {
        if self.peek() == Some(&Tok::Punct(leak(p))) {
            self.pos += 1;
            Ok(())
        } else {
            self.error(format!("`{p}`"))
        }
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }

    fn string(&mut self, what: &str) -> Result<String, String> {
        match self.peek() {
            Some(Tok::Str(s)) => {
                let s = s.clone();
                self.pos += 1;
                Ok(s)
            }
            _ => self.error(what),
        }
    }

    fn ident(&mut self, what: &str) -> Result<String, String> {
        match self.peek() {
            Some(Tok::Ident(s)) if !s.starts_with('-') => {
                let s = s.clone();
                self.pos += 1;
                Ok(s)
            }
            _ => self.error(what),
        }
    }

    /// `{label op "value", ...}`
    fn selector(&mut self) -> Result<(), String> {
        let start = self.offset();
        self.punct("{")?;
        let mut non_empty = false;
        let mut matchers = Vec::new();
        loop {
            let name = self.ident("a label name")?;
            let op = match self.next() {
                Some(Tok::Punct(op @ ("=" | "!=" | "=~" | "!~"))) => op,
                _ => {
                    self.pos -= 1;
                    return self.error("a matcher operator (`=`, `!=`, `=~`, `!~`)");
                }
            };
            let value = self.string("a quoted label value")?;
            non_empty |= (op == "=" && !value.is_empty())
                || (op == "=~" && !matches!(value.as_str(), "" | ".*"));
            matchers.push(Matcher { name, op, value });
            if self.is_punct(",") {
                self.pos += 1;
                continue;
            }
            self.punct("}")?;
            break;
        }
        if !non_empty {
            return Err(format!(
                "at byte {start}: a stream selector needs at least one `=` or `=~` matcher that cannot match an empty value"
            ));
        }
        self.selectors.push(matchers);
        Ok(())
    }

    /// A selector followed by pipeline stages.
    fn log_query(&mut self) -> Result<(), String> {
        self.selector()?;
        loop {
            match self.peek() {
                Some(Tok::Punct("|=" | "!=" | "|~" | "!~")) => {
                    self.pos += 1;
                    self.line_filter_value()?;
                    while matches!(self.peek(), Some(Tok::Ident(s)) if s == "or") {
                        self.pos += 1;
                        self.line_filter_value()?;
                    }
                }
                Some(Tok::Punct("|")) => {
                    self.pos += 1;
                    self.stage()?;
                }
                _ => return Ok(()),
            }
        }
    }

    fn line_filter_value(&mut self) -> Result<(), String> {
        if matches!(self.peek(), Some(Tok::Ident(s)) if s == "ip") {
            self.pos += 1;
            self.punct("(")?;
            self.string("a quoted IP range")?;
            return self.punct(")");
        }
        self.string("a quoted string after the line filter")
            .map(|_| ())
    }

    fn stage(&mut self) -> Result<(), String> {
        let Some(Tok::Ident(name)) = self.peek().cloned() else {
            return self.error("a pipeline stage after `|`");
        };
        let is_label_filter = !matches!(
            name.as_str(),
            "json"
                | "logfmt"
                | "unpack"
                | "decolorize"
                | "regexp"
                | "pattern"
                | "line_format"
                | "label_format"
                | "drop"
                | "keep"
                | "unwrap"
        ) || matches!(self.peek_at(1), Some(Tok::Punct(p)) if is_comparison(p));
        if is_label_filter {
            return self.label_filter();
        }
        self.pos += 1;
        match name.as_str() {
            parser if PARSERS.contains(&parser) => {
                while matches!(self.peek(), Some(Tok::Ident(s)) if s.starts_with("--")) {
                    self.pos += 1;
                }
                if matches!(self.peek(), Some(Tok::Ident(_)))
                    && parser != "unpack"
                    && parser != "decolorize"
                {
                    self.assignments(true)?;
                }
            }
            "regexp" | "pattern" | "line_format" => {
                self.string(&format!("a quoted template after `{name}`"))?;
            }
            "label_format" => self.assignments(false)?,
            "drop" | "keep" => loop {
                self.ident(&format!("a label name after `{name}`"))?;
                if matches!(self.peek(), Some(Tok::Punct("=" | "!=" | "=~" | "!~"))) {
                    self.pos += 1;
                    self.string("a quoted value")?;
                }
                if !self.is_punct(",") {
                    break;
                }
                self.pos += 1;
            },
            _ => {
                // unwrap
                let at = self.offset();
                let label = self.ident("a label name after `unwrap`")?;
                if self.is_punct("(") {
                    if !matches!(label.as_str(), "bytes" | "duration" | "duration_seconds") {
                        return Err(format!(
                            "at byte {at}: `unwrap {label}(...)`: the conversion must be `bytes`, `duration` or `duration_seconds`"
                        ));
                    }
                    self.pos += 1;
                    self.ident("a label name")?;
                    self.punct(")")?;
                }
            }
        }
        Ok(())
    }

    /// `name="value"` or `name=other_label`, comma separated.
    fn assignments(&mut self, strings_only: bool) -> Result<(), String> {
        loop {
            self.ident("a label name")?;
            if strings_only && !self.is_punct("=") {
                // `json label1, label2` extracts the named fields.
            } else {
                self.punct("=")?;
                match self.peek() {
                    Some(Tok::Str(_)) => self.pos += 1,
                    Some(Tok::Ident(_)) if !strings_only => self.pos += 1,
                    _ => return self.error("a quoted template or a label name"),
                }
            }
            if !self.is_punct(",") {
                return Ok(());
            }
            self.pos += 1;
        }
    }

    /// `label op value` joined by `and`, `or` or `,`, with parentheses.
    fn label_filter(&mut self) -> Result<(), String> {
        loop {
            if self.is_punct("(") {
                self.pos += 1;
                self.label_filter()?;
                self.punct(")")?;
            } else {
                self.ident("a label filter such as `level = \"error\"`")?;
                match self.next() {
                    Some(Tok::Punct(op)) if is_comparison(op) => {}
                    _ => {
                        self.pos -= 1;
                        return self.error(
                            "a comparison (`=`, `!=`, `=~`, `!~`, `==`, `>`, `>=`, `<`, `<=`)",
                        );
                    }
                }
                match self.next() {
                    Some(Tok::Str(_) | Tok::Num(_)) => {}
                    _ => {
                        self.pos -= 1;
                        return self.error("a quoted string, a number, a duration or a size");
                    }
                }
            }
            match self.peek() {
                Some(Tok::Ident(s)) if s == "and" || s == "or" => self.pos += 1,
                Some(Tok::Punct(",")) => self.pos += 1,
                _ => return Ok(()),
            }
        }
    }

    /// A metric query: any tokens with balanced parentheses, where every
    /// range aggregation wraps a log query with a `[range]`.
    fn metric_query(&mut self, depth: usize) -> Result<(), String> {
        while let Some(tok) = self.peek().cloned() {
            match tok {
                Tok::Punct("(") => {
                    self.pos += 1;
                    self.metric_query(depth + 1)?;
                    self.punct(")")?;
                }
                Tok::Punct(")") if depth > 0 => return Ok(()),
                Tok::Punct(")") => return self.error("no unmatched `)`"),
                Tok::Punct("{") => {
                    return self.error(
                        "a range aggregation such as `count_over_time(...)` around the log query",
                    );
                }
                Tok::Ident(f) if RANGE_FUNCTIONS.contains(&f.as_str()) => {
                    self.pos += 1;
                    self.punct("(")?;
                    if f == "quantile_over_time" {
                        match self.next() {
                            Some(Tok::Num(_)) => {}
                            _ => {
                                self.pos -= 1;
                                return self.error("a quantile");
                            }
                        }
                        self.punct(",")?;
                    }
                    self.log_query()?;
                    self.punct("[")?;
                    match self.next() {
                        Some(Tok::Num(d)) if d.ends_with(|c: char| c.is_ascii_alphabetic()) => {}
                        _ => {
                            self.pos -= 1;
                            return self.error("a range duration such as `5m`");
                        }
                    }
                    self.punct("]")?;
                    if matches!(self.peek(), Some(Tok::Ident(s)) if s == "offset") {
                        self.pos += 2;
                    }
                    self.punct(")")?;
                }
                _ => self.pos += 1,
            }
        }
        if depth > 0 {
            return self.error("`)`");
        }
        Ok(())
    }
}

fn is_comparison(p: &str) -> bool {
    matches!(p, "=" | "!=" | "=~" | "!~" | "==" | ">" | ">=" | "<" | "<=")
}

/// The static form of a punctuation (tokens hold `&'static str`).
fn leak(p: &str) -> &'static str {
    PUNCTS.iter().find(|q| **q == p).copied().unwrap_or("")
}

/// Checks a LogQL log or metric query.
pub fn check(query: &str) -> Result<(), String> {
    selectors(query).map(|_| ())
}

/// Checks a LogQL query and returns its stream selectors, in order. An error starts with the
/// 1-based column (in characters) where the query goes wrong: `at column 9: expected ...`.
pub fn selectors(query: &str) -> Result<Vec<Vec<Matcher>>, String> {
    parse_selectors(query).map_err(|e| in_columns(query, &e))
}

/// `at byte N: ...` (how the tokenizer and parser locate an error) as `at column C: ...`.
fn in_columns(query: &str, error: &str) -> String {
    let located = error
        .strip_prefix("at byte ")
        .and_then(|rest| rest.split_once(": "))
        .and_then(|(n, why)| Some((n.parse::<usize>().ok()?, why)));
    match located {
        Some((offset, why)) => {
            let offset = crate::diag::floor_char_boundary(query, offset);
            format!("at column {}: {why}", query[..offset].chars().count() + 1)
        }
        None => error.to_owned(),
    }
}

fn parse_selectors(query: &str) -> Result<Vec<Vec<Matcher>>, String> {
    let toks = tokenize(query)?;
    let mut parser = Parser {
        toks,
        pos: 0,
        len: query.len(),
        selectors: Vec::new(),
    };
    if parser.peek().is_none() {
        return Err("the query is empty".to_owned());
    }
    if parser.is_punct("{") {
        parser.log_query()?;
    } else {
        parser.metric_query(0)?;
    }
    if parser.peek().is_some() {
        return parser.error("the end of the query");
    }
    Ok(parser.selectors)
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn valid_queries_pass() {
        for q in [
            r#"{namespace="a", app=~"x|y"}"#,
            r#"{source="pod_log"} |= "error" != "debug" |~ "(?i)fail" !~ `x\d`"#,
            r#"{source="pod_log"} | json | level = "error" | line_format "{{.message}}""#,
            r#"{source="pod_log"} | logfmt --strict | label_format pod_name=pod, x="{{.a}}""#,
            r#"{a="b"} | json | duration > 10s and status >= 500 or (x = "y")"#,
            r#"{a="b"} | json message, object_kind="object.kind" | drop __error__"#,
            r#"sum by (x) (count_over_time({a="b"} |= "x" [5m]))"#,
            r#"topk(10, sum by (container) (rate({a="b"} | json [1m]))) > 0"#,
            r#"quantile_over_time(0.99, {a="b"} | json | unwrap duration(latency) [5m])"#,
            r#"{a="b"} |= "x" or "y" | pattern "<ip> <_>""#,
        ] {
            assert_eq!(check(q), Ok(()), "{q}");
        }
    }

    #[test]
    fn selectors_are_returned_with_their_matchers() {
        let found = super::selectors(
            r#"sum(count_over_time({a="b", c!~"d|e"} |= "x" [5m])) / sum(rate({f=~"g"}[1m]))"#,
        )
        .unwrap();
        let names: Vec<Vec<(&str, &str, &str)>> = found
            .iter()
            .map(|s| {
                s.iter()
                    .map(|m| (m.name.as_str(), m.op, m.value.as_str()))
                    .collect()
            })
            .collect();
        assert_eq!(
            names,
            [
                vec![("a", "=", "b"), ("c", "!~", "d|e")],
                vec![("f", "=~", "g")]
            ]
        );
    }

    #[test]
    fn invalid_queries_fail_with_a_position() {
        for (q, needle) in [
            (r#"{namespace="a""#, "expected `}`"),
            (r#"{namespace=a}"#, "quoted label value"),
            (r#"{}"#, "a label name"),
            (r#"{a=~".*"}"#, "cannot match an empty value"),
            (r#"{a="b"} |= error"#, "quoted string after the line filter"),
            (r#"{a="b"} | line_format"#, "quoted template"),
            (r#"{a="b"} | "x""#, "pipeline stage"),
            (r#"{a="b"} | level ~ "x""#, "unexpected `~`"),
            (r#"count_over_time({a="b"})"#, "expected `[`"),
            (r#"sum(count_over_time({a="b"}[5m])"#, "expected `)`"),
            (r#"sum({a="b"})"#, "range aggregation"),
            (r#"{a="b"} |= "x" [5m]"#, "end of the query"),
        ] {
            let err = check(q).expect_err(q);
            assert!(err.contains(needle), "{q}: {err}");
            assert!(err.starts_with("at column "), "{q}: {err}");
        }
    }

    /// Columns count characters, not bytes: `é` is two bytes but one column.
    #[test]
    fn error_columns_are_characters() {
        assert_eq!(
            check(r#"{a="é"} | level ~ "x""#).unwrap_err(),
            "at column 17: unexpected `~`"
        );
        assert_eq!(
            check(r#"{a="é"} |= x"#).unwrap_err(),
            "at column 12: expected a quoted string after the line filter, found `x`"
        );
        assert_eq!(
            check(r#"{a="é"#).unwrap_err(),
            "at column 4: unterminated string"
        );
        assert_eq!(check("").unwrap_err(), "the query is empty");
        assert!(
            check(r#"sum(count_over_time({a=~".*"}[5m]))"#)
                .unwrap_err()
                .starts_with("at column 21: a stream selector needs"),
        );
        assert!(
            check(r#"sum_over_time({a="b"} | unwrap foo(x) [5m])"#)
                .unwrap_err()
                .starts_with("at column 32: `unwrap foo(...)`"),
        );
    }
}
