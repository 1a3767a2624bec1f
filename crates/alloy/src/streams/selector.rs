//! Label matchers of LogQL stream selectors (`{a="x", b=~"y"}`), and whether
//! a stream's labels can satisfy them.

use super::{LabelSet, Signal, Stream, Values};

/// How a matcher compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `=~`
    Re,
    /// `!~`
    NotRe,
}

/// One label matcher of a LogQL stream selector or PromQL vector selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matcher {
    /// Label name.
    pub name: String,
    /// Comparison.
    pub op: MatchOp,
    /// Value or regular expression.
    pub value: String,
}

/// `re` anchored at both ends, as Loki and Prometheus match label values.
pub(crate) fn anchored(re: &str) -> Option<regex::Regex> {
    regex::Regex::new(&format!("^(?:{re})$")).ok()
}

impl Matcher {
    /// Whether a stream with `labels` (plus `extra`, labels the exporter itself
    /// puts on its samples) can satisfy this matcher.
    pub fn satisfiable(&self, labels: &LabelSet, extra: &[&str]) -> bool {
        let present = labels.get(&self.name).map(|l| &l.values);
        let exported = extra.contains(&self.name.as_str());
        match self.op {
            MatchOp::Ne | MatchOp::NotRe => true,
            MatchOp::Eq if self.value.is_empty() => true,
            MatchOp::Eq => exported || present.is_some_and(|v| v.admits(|x| x == self.value)),
            MatchOp::Re => {
                let Some(re) = anchored(&self.value) else {
                    return false;
                };
                re.is_match("") || exported || present.is_some_and(|v| v.admits(|x| re.is_match(x)))
            }
        }
    }

    /// Whether every stream this matcher is tested on certainly satisfies it:
    /// an equality with the one value the label has.
    pub(crate) fn certain(&self, labels: &LabelSet) -> bool {
        self.op == MatchOp::Eq
            && labels.get(&self.name).map(|l| &l.values) == Some(&Values::fixed(&self.value))
    }
}

/// Whether some stream of `signal` satisfies every matcher. On failure, says which
/// matchers no stream satisfies together, and for the closest stream which fail.
pub fn answerable(
    streams: &[Stream],
    signal: Signal,
    matchers: &[Matcher],
    extra: &[&str],
) -> Result<(), String> {
    let mut best: Option<(usize, &Stream, Vec<&Matcher>)> = None;
    for stream in streams.iter().filter(|s| s.signal == signal) {
        let failing: Vec<&Matcher> = matchers
            .iter()
            .filter(|m| !m.satisfiable(&stream.labels, extra))
            .collect();
        if failing.is_empty() {
            return Ok(());
        }
        if best.as_ref().is_none_or(|(n, _, _)| failing.len() < *n) {
            best = Some((failing.len(), stream, failing));
        }
    }
    match best {
        None => Err(format!("the pipeline has no {signal:?} streams")),
        Some((_, stream, failing)) => Err(format!(
            "no stream satisfies every matcher; closest is {} with labels {:?}, which fails {:?}",
            stream.source,
            stream.labels.keys().collect::<Vec<_>>(),
            failing
                .iter()
                .map(|m| format!("{}{:?}{:?}", m.name, m.op, m.value))
                .collect::<Vec<_>>()
        )),
    }
}

/// The matchers of the stream selector that starts a LogQL query
/// (`{a="x", b=~"y"} | json`); what follows the selector is ignored.
pub fn parse_stream_selector(query: &str) -> Result<Vec<Matcher>, String> {
    let mut rest = query
        .trim_start()
        .strip_prefix('{')
        .ok_or_else(|| format!("`{query}` does not start with a stream selector"))?;
    let mut matchers = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.starts_with('}') {
            return Ok(matchers);
        }
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if name_len == 0 {
            return Err(format!("expected a label name in `{query}`"));
        }
        let name = rest[..name_len].to_owned();
        rest = rest[name_len..].trim_start();
        let (op, len) = if rest.starts_with("=~") {
            (MatchOp::Re, 2)
        } else if rest.starts_with("!~") {
            (MatchOp::NotRe, 2)
        } else if rest.starts_with("!=") {
            (MatchOp::Ne, 2)
        } else if rest.starts_with('=') {
            (MatchOp::Eq, 1)
        } else {
            return Err(format!(
                "expected a match operator after `{name}` in `{query}`"
            ));
        };
        rest = rest[len..].trim_start();
        let (value, after) = string_literal(rest)
            .ok_or_else(|| format!("expected a string after `{name}` in `{query}`"))?;
        matchers.push(Matcher { name, op, value });
        rest = after.trim_start();
        if let Some(after) = rest.strip_prefix(',') {
            rest = after;
        } else if !rest.starts_with('}') {
            return Err(format!("expected `,` or `}}` in `{query}`"));
        }
    }
}

/// A double-quoted (with escapes) or backtick string at the start of `text`.
fn string_literal(text: &str) -> Option<(String, &str)> {
    if let Some(raw) = text.strip_prefix('`') {
        let end = raw.find('`')?;
        return Some((raw[..end].to_owned(), &raw[end + 1..]));
    }
    let body = text.strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &body[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_selectors_parse() {
        let m = |name: &str, op, value: &str| Matcher {
            name: name.into(),
            op,
            value: value.into(),
        };
        assert_eq!(
            parse_stream_selector(r#"{a="x", b=~"y|z",c!~`w`} |= "e""#).unwrap(),
            [
                m("a", MatchOp::Eq, "x"),
                m("b", MatchOp::Re, "y|z"),
                m("c", MatchOp::NotRe, "w"),
            ]
        );
        assert!(parse_stream_selector("rate(x[5m])").is_err());
        assert!(parse_stream_selector(r#"{a="x""#).is_err());
    }
}
