//! "Did you mean" suggestions and lists of valid alternatives.

/// Lower-cases and drops `_` / `-` so `node_selector`, `node-selector` and `nodeSelector` compare equal.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Returns the candidate closest to `input`, if any is close enough to be a plausible typo.
///
/// Matches ignoring case and `_`/`-` (snake_case vs camelCase) win; otherwise the candidate with
/// the smallest Damerau-Levenshtein distance within roughly a third of the word length.
pub fn did_you_mean<'a, I, S>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a S>,
    S: AsRef<str> + ?Sized + 'a,
{
    let norm = normalize(input);
    let mut best: Option<(usize, &'a str)> = None;
    for cand in candidates {
        let cand = cand.as_ref();
        if cand == input {
            continue;
        }
        let cnorm = normalize(cand);
        if cnorm == norm {
            return Some(cand);
        }
        let dist = strsim::damerau_levenshtein(&norm, &cnorm);
        let limit = (norm.chars().count().max(cnorm.chars().count()) / 3).max(1);
        if dist <= limit && best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Formats `one of `a`, `b`, `c`` (or `` `a` `` for a single item); long lists are elided.
pub fn one_of<S: AsRef<str>>(items: &[S]) -> String {
    const MAX: usize = 12;
    let quoted: Vec<String> = items
        .iter()
        .take(MAX)
        .map(|s| format!("`{}`", s.as_ref()))
        .collect();
    match items.len() {
        0 => "nothing".to_string(),
        1 => quoted[0].clone(),
        n if n > MAX => format!("one of {}, ... ({} more)", quoted.join(", "), n - MAX),
        _ => format!("one of {}", quoted.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_and_case_suggestions() {
        let keys = ["enabled", "storage", "retention", "nodeSelector"];
        assert_eq!(did_you_mean("storge", &keys), Some("storage"));
        assert_eq!(did_you_mean("node_selector", &keys), Some("nodeSelector"));
        assert_eq!(did_you_mean("Enabled", &keys), Some("enabled"));
        assert_eq!(did_you_mean("zzzzzz", &keys), None);
        assert_eq!(did_you_mean("x", &keys), None);
    }

    #[test]
    fn one_of_formats() {
        assert_eq!(one_of(&["a"]), "`a`");
        assert_eq!(one_of(&["a", "b"]), "one of `a`, `b`");
        let many: Vec<String> = (0..14).map(|i| i.to_string()).collect();
        assert!(one_of(&many).ends_with(", ... (2 more)"));
    }
}
