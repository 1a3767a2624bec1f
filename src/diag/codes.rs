//! Stable diagnostic codes (`O11Y0042`) and the text `o11yc explain CODE` prints.
//!
//! A code names a kind of problem, never a message: messages may be reworded, codes are
//! never reused or renumbered. Add new kinds at the end of their range.

/// One diagnostic code and its explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The code, e.g. `O11Y0101`.
    pub code: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// What it means and how to fix it (several lines).
    pub explanation: &'static str,
}

macro_rules! codes {
    ($($name:ident = $code:literal, $title:literal, $text:literal;)*) => {
        $(
            #[doc = $title]
            pub const $name: &str = $code;
        )*
        /// Every code, in order.
        pub const ALL: &[Code] = &[$(Code { code: $code, title: $title, explanation: $text }),*];
    };
}

codes! {
    FILE = "O11Y0001", "the profile file cannot be read",
        "The file does not exist, is not a regular file inside the repository, is too large or\nis not UTF-8, or an `extends` chain names a missing or cyclic base.\nFix the path or the `extends` value the diagnostic points at.";
    YAML_SYNTAX = "O11Y0002", "invalid YAML",
        "The YAML parser rejected the file. The caret points where parsing stopped and the\n`key` line names the mapping key around it. Most often the indentation of a key does not\nline up with its siblings, a tab is used for indentation, or a value is followed by\n`key:` on the same line.";
    YAML_SHAPE = "O11Y0003", "the YAML document has an unsupported shape",
        "A profile is a single YAML document holding a mapping with string keys. Anchors must\nbe defined before their aliases; merge keys and tags other than the core schema's are\nnot supported.";
    UNKNOWN_KEY = "O11Y0010", "unknown key",
        "The key is not part of the profile format at this place. It is usually a typo (the\n`help` line suggests the closest valid key) or a setting that belongs to another section.\n`o11yc schema` prints every valid key.";
    WRONG_TYPE = "O11Y0011", "value of the wrong type",
        "The value has the wrong type for its key: a list where a string is expected, a number\nwhere a quoted string is needed (`0755` must be written \"0755\"), and so on.";
    UNKNOWN_VALUE = "O11Y0012", "unknown value",
        "The key takes one of a fixed set of values (listed on the `expected` line) and the\nvalue is none of them.";
    MISSING_KEY = "O11Y0013", "missing key",
        "A required key is absent. Add it under the mapping the caret points at.";
    INVALID_VALUE = "O11Y0014", "invalid value",
        "The value has the right type but is out of range, of the wrong length, a duplicate\nkey, or fails the key's own format check (a quantity, a duration, ...).";
    EMPTY_SECTION = "O11Y0101", "empty section",
        "A section holding nothing (only a comment) is null in YAML, which in a child profile\nsilently drops the inherited component. Write `enabled: false` to turn it off, or `{}`\nto keep the defaults.";
    NAME = "O11Y0102", "invalid Kubernetes name",
        "Names o11yc turns into Kubernetes objects must be DNS labels: lower-case letters,\ndigits and `-`, at most 63 characters, starting and ending with a letter or digit.";
    NAMESPACE = "O11Y0103", "unknown or conflicting namespace",
        "Keys under `namespaces` must name a namespace o11yc creates; a typo would drop its\nlabels and annotations without a word.";
    SETTINGS = "O11Y0104", "settings that do not work together",
        "Each setting is valid alone, but this combination cannot be deployed. The `help` line\nsays which one to change.";
    DELIVERY = "O11Y0105", "delivery settings",
        "Chart versions, chart repositories or Flux settings under `delivery` are malformed or\ninconsistent.";
    HOST_PATH = "O11Y0106", "hostPath volume",
        "hostPath volumes must be absolute, must not be `/`, and must not be shared or nested\nbetween components on one node (paths are compared after normalisation).";
    RETENTION = "O11Y0107", "retention",
        "Retention must be positive: `0s` means \"keep forever\" to Loki and is rejected by\nTempo.";
    PRODUCTION = "O11Y0108", "unsafe in production",
        "With `environment: production`, settings that trade safety for convenience are errors\nunless the risk is listed under `acknowledge`.";
    PLACEMENT = "O11Y0109", "placement against the declared nodes",
        "A node selector, toleration, local volume or `spread: zone` does not match the nodes\ndeclared under `cluster.nodes`, so the pod could never be scheduled.";
    CAPACITY = "O11Y0110", "storage too small for its retention",
        "The volume, or the object store's declared `capacity`, cannot hold what the retention\nperiod keeps at the declared ingest rate. Grow it or shorten the retention.";
    ALERTS = "O11Y0111", "alert rules",
        "An alert group or rule is unknown or malformed, or its PromQL does not parse (the\nparser's reason is on the `note` line).";
    MONITORS = "O11Y0112", "monitor not selected",
        "A monitor of your own would be ignored by Prometheus: its labels contradict the\nPrometheus monitor selector.";
    DASHBOARDS = "O11Y0113", "dashboards",
        "`dashboards.include` names a dashboard o11yc does not have, or one whose datasource\nthe profile does not deploy.";
    PIPELINE = "O11Y0114", "Alloy pipeline settings",
        "An Alloy source needs a store or node access the profile does not give it, or the\ngenerated pipeline fails the Alloy checker.";
    TEMPLATE = "O11Y0115", "text a chart would evaluate as a template",
        "Some charts pass values through Helm's `tpl`, so `{{ ... }}` in a profile value would\nbe evaluated at deploy time. Remove the braces or escape them.";
    SIZING = "O11Y0116", "scale and sizing",
        "The chosen mode or replica count cannot carry the declared load or cannot work as\nconfigured: SingleBinary Loki beyond its ingest range, distributed Loki without object\nstorage or with too few ingesters, distributed Tempo without Kafka or object storage or\nwith Kafka consumers that do not match the partitions (or too few partitions for the\ningest), several Prometheus replicas on one volume, a Thanos object-store Secret\nreference that names no Secret key.";
    ALLOY_CUSTOM = "O11Y0201", "error in `alloy.custom`",
        "The Alloy snippet under `custom` does not parse, or fails the Alloy checker together\nwith the pipeline o11yc generates (unknown component or attribute, dangling reference,\nwrong receiver type, duplicate label, reference cycle, stability level). The caret points\ninto the snippet when it is written as a literal block scalar (`custom: |`).";
    ALLOY_SYNTAX = "O11Y0301", "Alloy syntax error",
        "`o11yc alloy check` or `fmt` could not parse the file: an unterminated string or comment,\na missing `,` in a list, `=` or `{` missing after a name. Like Alloy, at most one error is\nreported per line; fix it and run again to see the checker's findings.";
    ALLOY_UNKNOWN = "O11Y0302", "unknown Alloy component, block, attribute or function",
        "The name is not in the registry of Alloy v1.18.1 (generated from Alloy's own schema) at\nthis place. It is usually a typo: the `help` line suggests the closest name.";
    ALLOY_MISSING = "O11Y0303", "missing required Alloy attribute or block",
        "Alloy refuses to load a component without its required attributes and blocks (for\nexample `forward_to` of `prometheus.scrape`). Add the one the message names.";
    ALLOY_LABEL = "O11Y0304", "Alloy block label",
        "Components, `declare`, `import.*`, `foreach`, `argument` and `export` need a label\n(`loki.write \"default\" { ... }`); other blocks take one only where Alloy's schema says so.";
    ALLOY_DUPLICATE = "O11Y0305", "given twice in Alloy",
        "Two components share a name and label, an attribute is set twice, or a block that may\nappear once is repeated. The `help` line names the line of the first one.";
    ALLOY_REFERENCE = "O11Y0306", "dangling Alloy reference",
        "An expression refers to a component that is not declared, to a whole component instead\nof one of its exports, or to an export the component does not have.";
    ALLOY_CYCLE = "O11Y0307", "Alloy reference cycle",
        "Components reference each other in a cycle, which Alloy refuses to evaluate. Break the\ncycle the message lists.";
    ALLOY_TYPE = "O11Y0308", "wrong Alloy value or receiver",
        "A literal of the wrong kind (a string where a number is expected, ...), or a receiver of\nthe wrong signal: logs receivers go to logs inputs, metrics to metrics, and otelcol consumers\nonly to `output` lists of the signals they accept.";
    ALLOY_STABILITY = "O11Y0309", "below the Alloy stability level",
        "Alloy refuses components, blocks and functions below its `--stability.level`\n(generally-available by default), and community components without\n`--feature.community-components.enabled`. Raise the level (`--stability-level`, in a profile\n`alloy.stabilityLevel`) or use a generally-available component.";
    ALLOY_FORMAT = "O11Y0310", "Alloy file cannot be formatted safely",
        "A comment sits where the `alloy fmt` layout cannot keep it (inside an expression, e.g.\nbetween an object key and its `=`). Move it to its own line or the end of a line; the file\nwas left unchanged.";
    ALLOY_UNFORMATTED = "O11Y0311", "Alloy file not formatted",
        "`o11yc alloy fmt --check` found a file that `alloy fmt` would change; the caret points at\nthe first line that differs. Run `o11yc alloy fmt FILE` to format it.";
    TOO_MANY = "O11Y0900", "more problems than shown",
        "Only the first problems of a profile are shown. Fix them and run again.";
}

/// The explanation of `code` (case-insensitive; `42` and `O11Y0042` both work).
pub fn lookup(code: &str) -> Option<&'static Code> {
    let code = code.trim();
    let digits = code
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("o11y"))
        .map_or(code, |_| &code[4..]);
    let n: u32 = digits.parse().ok()?;
    ALL.iter()
        .find(|c| c.code[4..].parse::<u32>().ok() == Some(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_well_formed_and_ordered() {
        for pair in ALL.windows(2) {
            assert!(pair[0].code < pair[1].code, "{pair:?}");
        }
        for c in ALL {
            assert!(c.code.len() == 8 && c.code.starts_with("O11Y"), "{c:?}");
            assert!(c.code[4..].chars().all(|d| d.is_ascii_digit()), "{c:?}");
            assert!(!c.explanation.is_empty());
        }
    }

    #[test]
    fn lookup_accepts_short_and_lower_case_forms() {
        assert_eq!(lookup("O11Y0010").unwrap().code, UNKNOWN_KEY);
        assert_eq!(lookup("o11y0010").unwrap().code, UNKNOWN_KEY);
        assert_eq!(lookup("10").unwrap().code, UNKNOWN_KEY);
        assert_eq!(lookup("O11Y9999"), None);
        assert_eq!(lookup("nonsense"), None);
        assert_eq!(lookup("é"), None);
    }
}
