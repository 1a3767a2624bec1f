//! Query checks: every PromQL and LogQL expression o11yc writes or accepts is
//! parsed at compile time, so a typo fails the build instead of a dashboard panel.

pub mod logql;

/// Parses a PromQL expression with `promql-parser`.
pub fn check_promql(query: &str) -> Result<(), String> {
    promql_parser::parser::parse(query).map(|_| ())
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
    fn promql_errors_are_reported() {
        assert!(check_promql("sum(rate(up[5m])) by (job)").is_ok());
        assert!(check_promql("sum(rate(up[5m]) by (job)").is_err());
        assert!(check_promql("up ==").is_err());
    }
}
