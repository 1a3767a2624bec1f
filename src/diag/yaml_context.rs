//! The key path around a YAML syntax error, recovered from the raw text (the parser gives up
//! before building a tree, so there is none to ask).

/// The dotted path of the mapping keys enclosing byte `offset` of `text`, judged by
/// indentation (`loki.storage.claim`), or `None` at the top level. List items are not
/// numbered; the path only guides the reader to the spot.
pub fn enclosing_keys(text: &str, offset: usize) -> Option<String> {
    let offset = super::floor_char_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let current = &text[line_start..line_end];
    let mut limit = if current.trim().is_empty() {
        usize::MAX
    } else {
        indent_of(current)
    };
    let mut keys = Vec::new();
    for line in text[..line_start].lines().rev() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = indent_of(line);
        if indent >= limit {
            continue;
        }
        let previous = limit;
        limit = indent;
        let item = trimmed.strip_prefix("- ");
        // `- key: v` at indent n holds a mapping whose keys sit at n + 2: a line indented
        // that deep is a sibling of `key`, not inside it.
        if item.is_some() && indent + 2 >= previous {
            continue;
        }
        let body = item.unwrap_or(trimmed);
        if let Some((key, _)) = body.split_once(':') {
            let key = key.trim().trim_matches(['"', '\'']);
            if !key.is_empty() && !key.contains(' ') {
                keys.push(key.to_string());
            }
        }
        if indent == 0 {
            break;
        }
    }
    keys.reverse();
    (!keys.is_empty()).then(|| keys.join("."))
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_by_indentation() {
        let text = "a: 1\nloki:\n  # c\n  storage:\n    claim:\n      size: 1\n     class: x\n";
        let at = text.find("class").unwrap();
        // Deeper than `claim`, so inside it: the key does not line up with `size`.
        assert_eq!(
            enclosing_keys(text, at).as_deref(),
            Some("loki.storage.claim")
        );
        let at = text.find("size").unwrap();
        assert_eq!(
            enclosing_keys(text, at).as_deref(),
            Some("loki.storage.claim")
        );
        assert_eq!(enclosing_keys(text, 0), None);
        // At the end of the text: the keys around the last line.
        assert_eq!(
            enclosing_keys(text, 10_000).as_deref(),
            Some("loki.storage.claim.class")
        );
    }

    #[test]
    fn list_items_and_odd_input_do_not_panic() {
        let text = "rules:\n  - alert: X\n    expr: [\n é";
        assert_eq!(
            enclosing_keys(text, text.len() - 1).as_deref(),
            Some("rules")
        );
        let text = "rules:\n  - alert: X\n    expr: [\n      x";
        assert_eq!(
            enclosing_keys(text, text.len() - 1).as_deref(),
            Some("rules.expr")
        );
        let _ = enclosing_keys("", 0);
        let _ = enclosing_keys("\n\n", 1);
    }
}
