//! Query checks: every PromQL and LogQL expression o11yc writes or accepts is
//! parsed at compile time, so a typo fails the build instead of a dashboard panel.

pub mod logql;

use promql_parser::label::MatchOp;
use promql_parser::parser::{Expr, LabelModifier, VectorSelector};

/// Parses a PromQL expression with `promql-parser`.
pub fn check_promql(query: &str) -> Result<(), String> {
    promql_parser::parser::parse(query).map(|_| ())
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
///   name when it occurs exactly once in the query.
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
    let expr = promql_parser::parser::parse(query)?;
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
    let expr = promql_parser::parser::parse(query)?;
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
        // A named function, once in the query.
        let (rest, why) = at("rte(up[5m])").unwrap();
        assert!(
            rest.starts_with("rte(") && why.contains("'rte'"),
            "{rest} {why}"
        );
        // Nothing to go on: not located.
        assert_eq!(at("up =="), None);
        // Strings and comments do not count as brackets.
        assert_eq!(unbalanced("up{a=\"(\"} # )\n"), None);
    }
}
