//! Query checks: every PromQL and LogQL expression o11yc writes or accepts is
//! parsed at compile time, so a typo fails the build instead of a dashboard panel.

pub mod logql;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use promql_parser::label::MatchOp;
use promql_parser::parser::{Expr, LabelModifier, VectorSelector};

/// Parses a PromQL expression with `promql-parser`.
pub fn check_promql(query: &str) -> Result<(), String> {
    parse_promql(query).map(|_| ())
}

/// How many parsed expressions [`parse_promql`] keeps before it starts over.
const PARSED_KEPT: usize = 4096;

thread_local! {
    static PARSED: RefCell<HashMap<String, Result<Rc<Expr>, String>>> = RefCell::new(HashMap::new());
}

/// `promql_parser::parser::parse`, once per distinct expression and thread: the rule
/// check, the query linker's selector and grouping extraction and every profile of a
/// run ask for the same built-in expressions, and the parser (with the regular
/// expressions of `=~` matchers it compiles) dominated a build's instructions.
fn parse_promql(query: &str) -> Result<Rc<Expr>, String> {
    if let Some(hit) = PARSED.with(|p| p.borrow().get(query).cloned()) {
        return hit;
    }
    let parsed = promql_parser::parser::parse(query).map(Rc::new);
    PARSED.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() >= PARSED_KEPT {
            p.clear();
        }
        p.insert(query.to_owned(), parsed.clone());
    });
    parsed
}

/// Longest expression whose lexer error is located by re-lexing its prefixes (quadratic).
const MAX_LOCATED: usize = 8192;

/// Where in `query` the error `message` of [`check_promql`] lies, as a byte offset, and the
/// reason to show there. promql-parser 0.11 (the newest release) reports no position, so it is
/// recovered from what the parser does expose:
/// - a lexer error (`unexpected character: '&'`, `unterminated quoted string "`) is at the
///   end of the shortest prefix the lexer rejects with the same message;
/// - a bracket never closed, or closed by the wrong one, is found by scanning the text
///   (strings and comments skipped): the grammar's `invalid promql query` gives no reason;
/// - a message naming something in quotes (`unknown function with name 'rte'`) is at that
///   name when it occurs exactly once in the query;
/// - the grammar's bare `invalid promql query` (`up ==`, `up == == 1`) is at the first token
///   that no completion of the text before it accepts, or at the last token when every
///   prefix can still be completed (the expression ends too early); see [`grammar_error_at`].
///
/// `None` when none applies: the diagnostic then stays on the whole expression.
pub fn promql_error_at(query: &str, message: &str) -> Option<(usize, String)> {
    let lexer_error = |q: &str| promql_parser::parser::lexer(q).err();
    if query.len() <= MAX_LOCATED && lexer_error(query).as_deref() == Some(message) {
        let end = query
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .find(|&end| lexer_error(&query[..end]).as_deref() == Some(message))?;
        let at = query[..end].char_indices().last().map_or(0, |(i, _)| i);
        return Some((at, message.to_string()));
    }
    if let Some(found) = unbalanced(query) {
        return Some(found);
    }
    if message == "invalid promql query"
        && query.len() <= MAX_GRAMMAR_LOCATED
        && let Some(found) = grammar_error_at(query)
    {
        return Some(found);
    }
    let name = message.split('\'').nth(1).filter(|n| !n.is_empty())?;
    let mut places = query.match_indices(name).filter(|&(i, _)| {
        let word = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
        !query[..i].ends_with(word) && !query[i + name.len()..].starts_with(word)
    });
    match (places.next(), places.next()) {
        (Some((i, _)), None) => Some((i, message.to_string())),
        _ => None,
    }
}

/// Longest expression whose grammar error is located by completing its prefixes (each token
/// costs a few parses of the prefix, so the search is quadratic).
const MAX_GRAMMAR_LOCATED: usize = 2048;

/// Texts tried after a prefix (before the closers of its open brackets) to tell whether some
/// expression starts with it: an operand, a selector, a matcher value, a duration, a grouping.
const FILLERS: [&str; 18] = [
    "",
    " 1",
    "(x)",
    "=\"\"",
    "\"\"",
    "5m",
    " (a) (x)",
    "(a) (x)",
    "x[5m]",
    "(x[5m])",
    "1, x",
    "1, x[5m]",
    "x, \"a\", \"b\"",
    "x, \"a\", \"b\", \"c\", \"d\"",
    "a) (x",
    "a) x",
    " x",
    "[5m]",
];

/// Where a query that lexes, has balanced brackets, but is rejected by the grammar goes wrong:
/// the start of the first token such that no completion of the text up to and including it
/// parses (an unexpected token), or the last token when the whole text is the start of a valid
/// expression (the expression is cut short). `None` when the query has no token.
fn grammar_error_at(query: &str) -> Option<(usize, String)> {
    let tokens = tokens(query);
    let completes = |prefix: &str| {
        let closers = closers(prefix);
        // A selector closed inside a range function needs its range too.
        let ranged = closers.replace('}', "}[5m]");
        // The string arguments of `label_replace` / `label_join`, after or before a comma.
        let strings = (1..=4).flat_map(|n| {
            let list = vec!["\"a\""; n].join(", ");
            [format!(" {list}"), format!(", {list}")]
        });
        let fillers: Vec<String> = FILLERS
            .iter()
            .map(|f| f.to_string())
            .chain(strings)
            .collect();
        fillers.iter().any(|f| {
            [&closers, &ranged]
                .iter()
                .any(|c| promql_parser::parser::parse(&format!("{prefix}{f}{c}")).is_ok())
        })
    };
    for (k, &(start, end)) in tokens.iter().enumerate() {
        if !completes(&query[..end]) {
            let what = &query[start..end];
            return Some(match k {
                0 => (start, format!("an expression cannot start with `{what}`")),
                _ => {
                    let prev = &query[tokens[k - 1].0..tokens[k - 1].1];
                    (start, format!("`{what}` cannot follow `{prev}` here"))
                }
            });
        }
    }
    let &(start, end) = tokens.last()?;
    Some((
        start,
        format!(
            "the expression ends too early, after `{}`",
            &query[start..end]
        ),
    ))
}

/// Byte ranges of the tokens of `query`, approximately as PromQL lexes them: names and numbers,
/// runs of operator characters, single brackets and commas, quoted strings; `#` comments and
/// white space skipped.
fn tokens(query: &str) -> Vec<(usize, usize)> {
    let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | ':' | '.');
    let op = |c: char| {
        matches!(
            c,
            '=' | '!' | '<' | '>' | '~' | '+' | '-' | '*' | '/' | '%' | '^'
        )
    };
    let mut out = Vec::new();
    let mut chars = query.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if c == '#' {
            while chars.next_if(|&(_, d)| d != '\n').is_some() {}
            continue;
        }
        if matches!(c, '"' | '\'' | '`') {
            while let Some((_, d)) = chars.next() {
                if d == '\\' && c != '`' {
                    chars.next();
                } else if d == c {
                    break;
                }
            }
        } else if word(c) {
            while chars.next_if(|&(_, d)| word(d)).is_some() {}
        } else if op(c) {
            while chars.next_if(|&(_, d)| op(d)).is_some() {}
        }
        let end = chars.peek().map_or(query.len(), |&(j, _)| j);
        out.push((i, end));
    }
    out
}

/// The closing brackets of the brackets `prefix` leaves open, innermost first (strings and
/// comments skipped).
fn closers(prefix: &str) -> String {
    let mut open = Vec::new();
    for (start, end) in tokens(prefix) {
        match &prefix[start..end] {
            "(" => open.push(')'),
            "[" => open.push(']'),
            "{" => open.push('}'),
            ")" | "]" | "}" => {
                open.pop();
            }
            _ => {}
        }
    }
    open.iter().rev().collect()
}

/// The first bracket closed by the wrong one or never closed (strings and `#` comments
/// skipped), with what is wrong.
fn unbalanced(query: &str) -> Option<(usize, String)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut chars = query.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' | '\'' | '`' => {
                // A string: skip to its end (escapes outside backticks).
                while let Some((_, d)) = chars.next() {
                    if d == '\\' && c != '`' {
                        chars.next();
                    } else if d == c {
                        break;
                    }
                }
            }
            '#' => while chars.next_if(|&(_, d)| d != '\n').is_some() {},
            '(' | '[' | '{' => open.push((i, c)),
            ')' | ']' | '}' => {
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                match open.pop() {
                    Some((_, o)) if o == want => {}
                    Some((at, o)) => {
                        return Some((at, format!("`{o}` is closed by `{c}`")));
                    }
                    None => return Some((i, format!("`{c}` closes nothing"))),
                }
            }
            _ => {}
        }
    }
    open.pop()
        .map(|(at, o)| (at, format!("`{o}` is never closed")))
}

/// A series selector of a PromQL expression: the metric name and the label
/// matchers (`__name__` matchers are folded into `metric`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// The metric name, when the selector names one.
    pub metric: Option<String>,
    /// Label matchers other than the name.
    pub matchers: Vec<logql::Matcher>,
}

/// An aggregation's `by (...)` labels and the metrics of the series it aggregates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grouping {
    /// The `by` labels.
    pub labels: Vec<String>,
    /// Metric names of the selectors inside the aggregation (`None`: a selector without a name).
    pub metrics: Vec<Option<String>>,
}

/// Parses a PromQL expression and returns its `by (...)` aggregations, outermost first.
pub fn promql_groupings(query: &str) -> Result<Vec<Grouping>, String> {
    let expr = parse_promql(query)?;
    let mut out = Vec::new();
    groupings(&expr, &mut out);
    Ok(out)
}

fn groupings(expr: &Expr, out: &mut Vec<Grouping>) {
    if let Expr::Aggregate(a) = expr
        && let Some(LabelModifier::Include(labels)) = &a.modifier
    {
        let mut inner = Vec::new();
        collect(&a.expr, &mut inner);
        out.push(Grouping {
            labels: labels.labels.clone(),
            metrics: inner.into_iter().map(|s| s.metric).collect(),
        });
    }
    match expr {
        Expr::Aggregate(a) => groupings(&a.expr, out),
        Expr::Unary(u) => groupings(&u.expr, out),
        Expr::Binary(b) => {
            groupings(&b.lhs, out);
            groupings(&b.rhs, out);
        }
        Expr::Paren(p) => groupings(&p.expr, out),
        Expr::Subquery(s) => groupings(&s.expr, out),
        Expr::Call(call) => {
            for arg in &call.args.args {
                groupings(arg, out);
            }
        }
        _ => {}
    }
}

/// Parses a PromQL expression and returns its series selectors, in order.
pub fn promql_selectors(query: &str) -> Result<Vec<Selector>, String> {
    let expr = parse_promql(query)?;
    let mut out = Vec::new();
    collect(&expr, &mut out);
    Ok(out)
}

fn collect(expr: &Expr, out: &mut Vec<Selector>) {
    match expr {
        Expr::Aggregate(a) => {
            if let Some(param) = &a.param {
                collect(param, out);
            }
            collect(&a.expr, out);
        }
        Expr::Unary(u) => collect(&u.expr, out),
        Expr::Binary(b) => {
            collect(&b.lhs, out);
            collect(&b.rhs, out);
        }
        Expr::Paren(p) => collect(&p.expr, out),
        Expr::Subquery(s) => collect(&s.expr, out),
        Expr::VectorSelector(vs) => out.push(selector(vs)),
        Expr::MatrixSelector(ms) => out.push(selector(&ms.vs)),
        Expr::Call(call) => {
            for arg in &call.args.args {
                collect(arg, out);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

fn selector(vs: &VectorSelector) -> Selector {
    let mut metric = vs.name.clone();
    let mut matchers = Vec::new();
    let or = vs.matchers.or_matchers.iter().flatten();
    for m in vs.matchers.matchers.iter().chain(or) {
        let op = match m.op {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Re(_) => "=~",
            MatchOp::NotRe(_) => "!~",
        };
        if m.name == "__name__" && op == "=" {
            metric = Some(m.value.clone());
            continue;
        }
        matchers.push(logql::Matcher {
            name: m.name.clone(),
            op,
            value: m.value.clone(),
        });
    }
    Selector { metric, matchers }
}

/// Checks a LogQL query (stream selectors, pipeline stages, range aggregations).
pub fn check_logql(query: &str) -> Result<(), String> {
    logql::check(query)
}

/// Replaces Grafana template variables with values of the right shape, so a
/// dashboard query can be parsed: interval variables (`$__rate_interval`,
/// `$__interval`, `$__range`, `$__auto`) become `5m`, any other `$name`,
/// `${name}` or `${name:format}` becomes `x`.
pub fn expand_grafana_variables(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, consumed) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (braced[..end].split(':').next().unwrap_or(""), end + 2),
                None => ("", 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        if name.is_empty() {
            out.push('$');
            rest = after;
            continue;
        }
        out.push_str(if name.starts_with("__") { "5m" } else { "x" });
        rest = &after[consumed..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_parse_answers_like_a_fresh_one() {
        for query in ["sum by (job) (rate(up[5m]))", "up ==", "rate(up[5m]"] {
            let fresh = promql_parser::parser::parse(query).map_err(|e| e.to_string());
            for _ in 0..2 {
                let cached = parse_promql(query).map(|e| (*e).clone());
                assert_eq!(cached, fresh, "{query}");
            }
        }
    }

    #[test]
    fn grafana_variables_become_parseable_values() {
        assert_eq!(
            expand_grafana_variables(r#"rate(x{ns=~"$namespace"}[$__rate_interval])"#),
            r#"rate(x{ns=~"x"}[5m])"#
        );
        assert_eq!(
            expand_grafana_variables(r#"{a="${vc:regex}"} |~ "(?i)${search}" $"#),
            r#"{a="x"} |~ "(?i)x" $"#
        );
    }

    #[test]
    fn promql_selectors_name_metrics_and_matchers() {
        let found = promql_selectors(
            r#"sum by (pod) (rate(a_total{ns="x"}[5m])) / on (pod) group_left max({__name__="b", c=~"d"}) > 0"#,
        )
        .unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].metric.as_deref(), Some("a_total"));
        assert_eq!(found[0].matchers[0].name, "ns");
        assert_eq!(found[1].metric.as_deref(), Some("b"));
        assert_eq!(found[1].matchers.len(), 1);
        assert_eq!(found[1].matchers[0].op, "=~");
    }

    #[test]
    fn promql_groupings_name_their_labels_and_metrics() {
        let found = promql_groupings(
            "histogram_quantile(0.99, sum by (le, pod) (rate(a_bucket[5m]))) / sum without (x) (b)",
        )
        .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].labels, ["le", "pod"]);
        assert_eq!(found[0].metrics, [Some("a_bucket".to_owned())]);
    }

    #[test]
    fn promql_errors_are_reported() {
        assert!(check_promql("sum(rate(up[5m])) by (job)").is_ok());
        assert!(check_promql("sum(rate(up[5m]) by (job)").is_err());
        assert!(check_promql("up ==").is_err());
    }

    /// Errors are located where promql-parser gives no position.
    #[test]
    fn promql_errors_are_located() {
        fn at(q: &str) -> Option<(&str, String)> {
            let e = check_promql(q).unwrap_err();
            promql_error_at(q, &e).map(|(i, why)| (&q[i..], why))
        }
        // Lexer: the offending character.
        let (rest, why) = at("up{job=\"a\"} & on() x").unwrap();
        assert!(rest.starts_with("& on"), "{rest}");
        assert!(why.contains("unexpected character"), "{why}");
        assert_eq!(at("up{job=\"a}").unwrap().0, "\"a}");
        // Brackets.
        assert_eq!(
            at("sum(rate(up[5m]) by (job)").unwrap(),
            (
                "(rate(up[5m]) by (job)",
                "unclosed left parenthesis".to_string()
            )
        );
        assert_eq!(
            at("sum(rate(up[5m)))").unwrap(),
            (
                ")))",
                "unexpected character inside brackets: ')'".to_string()
            )
        );
        assert_eq!(
            at("sum(up))").unwrap(),
            (")", "unexpected right parenthesis ')'".to_string())
        );
        // The scan for brackets the lexer does not judge.
        assert_eq!(
            unbalanced("sum(rate(up[5m)))"),
            Some((11, "`[` is closed by `)`".to_string()))
        );
        assert_eq!(
            unbalanced("up)"),
            Some((2, "`)` closes nothing".to_string()))
        );
        assert_eq!(
            unbalanced("(up"),
            Some((0, "`(` is never closed".to_string()))
        );
        // The grammar's reasonless error: the first token nothing can follow with, or the last
        // one when the expression is cut short.
        assert_eq!(
            at("up ==").unwrap(),
            (
                "==",
                "the expression ends too early, after `==`".to_string()
            )
        );
        assert_eq!(
            at("up == == 1").unwrap(),
            ("== 1", "`==` cannot follow `==` here".to_string())
        );
        assert_eq!(
            at("sum(rate(up[5m])) by").unwrap(),
            (
                "by",
                "the expression ends too early, after `by`".to_string()
            )
        );
        assert_eq!(
            at("up{job=\"a\"} 5").unwrap(),
            ("5", "`5` cannot follow `}` here".to_string())
        );
        // Every prefix of real expressions can be completed: cut short, they are located at
        // their last token, not at a false "unexpected" one.
        for q in [
            "sum by (job) (rate(loki_request_duration_seconds_count{status_code=~\"5..\"}[5m])) / ignoring(x) group_left sum(up) > 0.05",
            "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))",
            "quantile_over_time(0.9, up[1h:5m] offset 1d) and on(job) absent(up{a!=\"b\"})",
            "label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\") unless -up",
        ] {
            assert!(check_promql(q).is_ok(), "{q}");
            let cut = format!("{q} ==");
            assert_eq!(
                at(&cut).unwrap(),
                (
                    "==",
                    "the expression ends too early, after `==`".to_string()
                ),
                "{q}"
            );
        }
        // `sum by (x` is an unclosed bracket, which the lexer reports.
        assert_eq!(
            at("sum by (x").unwrap(),
            ("(x", "unclosed left parenthesis".to_string())
        );
        assert_eq!(grammar_error_at(""), None);
        assert_eq!(
            tokens("a{b=~\"x\"} # c\n>= 2"),
            [
                (0, 1),
                (1, 2),
                (2, 3),
                (3, 5),
                (5, 8),
                (8, 9),
                (14, 16),
                (17, 18)
            ]
        );
        // A named function, once in the query.
        let (rest, why) = at("rte(up[5m])").unwrap();
        assert!(
            rest.starts_with("rte(") && why.contains("'rte'"),
            "{rest} {why}"
        );
        // Strings and comments do not count as brackets.
        assert_eq!(unbalanced("up{a=\"(\"} # )\n"), None);
    }
}
