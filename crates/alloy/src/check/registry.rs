//! Every component, block, attribute, export, service, configuration block
//! and standard-library function of one Alloy release, read from
//! `alloy_schema.txt`.
//!
//! That file is derived from Alloy's own schema (extracted from its Go
//! source, `../shared/conformance/alloy-schema/alloy-v<VERSION>.json`) by the
//! generator in `crates/alloy/tests/registry_gen.rs`, whose test fails when
//! the committed file differs from what the schema gives. It is embedded with
//! `include_str!` and parsed once, on first use (a few milliseconds).
//!
//! # Moving to a new Alloy version
//!
//! 1. Add the new `alloy-v<NEW>.json` (extracted the same way, see its
//!    `SOURCES.txt`) to `../shared/conformance/alloy-schema/`.
//! 2. Set `ALLOY_VERSION` in `crates/alloy/tests/registry_gen.rs`.
//! 3. Run `O11YC_REGENERATE_ALLOY_SCHEMA=1 cargo test -p o11yc-alloy --test registry_gen`
//!    and review `git diff crates/alloy/src/check/alloy_schema.txt`.
//! 4. Review [`otel_signals`] (signals are not in Alloy's struct tags) and
//!    run the corpus and check tests.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

/// The derived registry text (see the module docs).
const SCHEMA: &str = include_str!("alloy_schema.txt");

/// Telemetry signals, as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signals(pub u8);

impl Signals {
    /// No signal in particular (any consumer fits).
    pub const NONE: Signals = Signals(0);
    /// Logs.
    pub const LOGS: Signals = Signals(1);
    /// Metrics.
    pub const METRICS: Signals = Signals(2);
    /// Traces.
    pub const TRACES: Signals = Signals(4);
    /// Logs, metrics and traces.
    pub const ALL: Signals = Signals(7);

    /// Whether every signal of `other` is in `self`.
    pub fn contains(self, other: Signals) -> bool {
        self.0 & other.0 == other.0
    }

    /// Human-readable list, e.g. `"logs, traces"`.
    pub fn describe(self) -> String {
        let mut v = Vec::new();
        for (s, name) in [
            (Signals::LOGS, "logs"),
            (Signals::METRICS, "metrics"),
            (Signals::TRACES, "traces"),
        ] {
            if self.contains(s) {
                v.push(name);
            }
        }
        v.join(", ")
    }
}

/// Alloy's stability levels, lowest first. A component runs only when Alloy's
/// `--stability.level` is at or below its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Stability {
    /// `experimental`.
    Experimental,
    /// `public-preview`.
    PublicPreview,
    /// `generally-available` (Alloy's default level).
    #[default]
    GenerallyAvailable,
}

impl Stability {
    /// Every level, lowest first.
    pub const ALL: [Stability; 3] = [
        Stability::Experimental,
        Stability::PublicPreview,
        Stability::GenerallyAvailable,
    ];

    /// Alloy's spelling (`generally-available`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Stability::Experimental => "experimental",
            Stability::PublicPreview => "public-preview",
            Stability::GenerallyAvailable => "generally-available",
        }
    }

    /// Parses Alloy's spelling.
    pub fn parse(s: &str) -> Option<Stability> {
        Stability::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

impl fmt::Display for Stability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value kind of an attribute or export, from its Go type where the Go
/// type tells it; [`Ty::Any`] otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ty {
    /// Anything (not checked).
    Any,
    /// `string`.
    String,
    /// `secret` (a string or a secret value).
    Secret,
    /// `duration` (written as a string such as `"60s"`).
    Duration,
    /// `number` / `int` / `float`.
    Number,
    /// `bool`.
    Bool,
    /// `map(...)` / object.
    Map,
    /// `list(string)`.
    ListString,
    /// Any other list.
    List,
    /// `list(map(string))`: discovery targets.
    Targets,
    /// `loki.LogsReceiver` (a single loki receiver).
    LogsReceiver,
    /// `storage.Appendable` (a single prometheus receiver).
    MetricsReceiver,
    /// `pyroscope.Appendable` (a single profiles receiver).
    ProfilesReceiver,
    /// `list(LogsReceiver)`.
    ListLogsReceiver,
    /// `list(MetricsReceiver)`.
    ListMetricsReceiver,
    /// `list(ProfilesReceiver)`.
    ListProfilesReceiver,
    /// `otelcol.Consumer` accepting the given signals.
    OtelConsumer(Signals),
    /// `list(otelcol.Consumer)` that will be sent the given signal.
    ListOtelConsumer(Signals),
    /// `RelabelRules`.
    RelabelRules,
}

impl Ty {
    /// The kind of a Go type, as the schema spells it.
    pub fn from_go(go: &str) -> Ty {
        let go = go.trim_start_matches('*');
        match go {
            "string" | "URL" | "commoncfg.URL" | "config.URL" | "Regexp" => Ty::String,
            "alloytypes.Secret" | "alloytypes.OptionalSecret" => Ty::Secret,
            "time.Duration" => Ty::Duration,
            "int" | "int32" | "int64" | "uint" | "uint8" | "uint16" | "uint32" | "uint64"
            | "float32" | "float64" => Ty::Number,
            "bool" => Ty::Bool,
            "[]string" | "flagext.StringSlice" | "[]*string" => Ty::ListString,
            "[]discovery.Target" | "[]Target" | "TargetsList" => Ty::Targets,
            "loki.LogsReceiver" => Ty::LogsReceiver,
            "[]loki.LogsReceiver" => Ty::ListLogsReceiver,
            "storage.Appendable" => Ty::MetricsReceiver,
            "[]storage.Appendable" => Ty::ListMetricsReceiver,
            "pyroscope.Appendable" => Ty::ProfilesReceiver,
            "[]pyroscope.Appendable" => Ty::ListProfilesReceiver,
            "Consumer" | "otelcol.Consumer" => Ty::OtelConsumer(Signals::ALL),
            "[]Consumer" | "[]otelcol.Consumer" => Ty::ListOtelConsumer(Signals::NONE),
            "alloy_relabel.Rules" | "relabel.Rules" => Ty::RelabelRules,
            g if g.starts_with("map[") => Ty::Map,
            g if g.starts_with("[]") => Ty::List,
            _ => Ty::Any,
        }
    }

    /// Alloy spelling of the type.
    pub fn describe(self) -> String {
        match self {
            Ty::Any => "any".into(),
            Ty::String => "string".into(),
            Ty::Secret => "secret".into(),
            Ty::Duration => "duration".into(),
            Ty::Number => "number".into(),
            Ty::Bool => "bool".into(),
            Ty::Map => "map".into(),
            Ty::ListString => "list(string)".into(),
            Ty::List => "list".into(),
            Ty::Targets => "list(map(string))".into(),
            Ty::LogsReceiver => "LogsReceiver".into(),
            Ty::MetricsReceiver => "MetricsReceiver".into(),
            Ty::ProfilesReceiver => "ProfilesReceiver".into(),
            Ty::ListLogsReceiver => "list(LogsReceiver)".into(),
            Ty::ListMetricsReceiver => "list(MetricsReceiver)".into(),
            Ty::ListProfilesReceiver => "list(ProfilesReceiver)".into(),
            Ty::OtelConsumer(s) => format!("otelcol.Consumer ({})", s.describe()),
            Ty::ListOtelConsumer(Signals::NONE) => "list(otelcol.Consumer)".into(),
            Ty::ListOtelConsumer(s) => format!("list(otelcol.Consumer) for {}", s.describe()),
            Ty::RelabelRules => "RelabelRules".into(),
        }
    }

    /// For a list of capsules (receivers, consumers), the element kind.
    pub fn element(self) -> Option<Ty> {
        Some(match self {
            Ty::ListLogsReceiver => Ty::LogsReceiver,
            Ty::ListMetricsReceiver => Ty::MetricsReceiver,
            Ty::ListProfilesReceiver => Ty::ProfilesReceiver,
            Ty::ListOtelConsumer(s) => Ty::OtelConsumer(s),
            _ => return None,
        })
    }

    /// Whether values of this kind are opaque handles Alloy cannot convert
    /// (receivers, consumers, relabel rules, targets): a reference of another
    /// kind in their place is an error.
    pub fn is_capsule(self) -> bool {
        matches!(
            self,
            Ty::LogsReceiver
                | Ty::MetricsReceiver
                | Ty::ProfilesReceiver
                | Ty::OtelConsumer(_)
                | Ty::RelabelRules
                | Ty::Targets
                | Ty::ListLogsReceiver
                | Ty::ListMetricsReceiver
                | Ty::ListProfilesReceiver
                | Ty::ListOtelConsumer(_)
        )
    }
}

/// One attribute of a component or block.
#[derive(Debug, Clone)]
pub struct AttrSpec {
    /// Name.
    pub name: &'static str,
    /// Whether it must be set.
    pub required: bool,
    /// The Go type, as Alloy's source spells it.
    pub go_type: &'static str,
    /// The value kind.
    pub ty: Ty,
}

/// A nested block.
#[derive(Debug, Clone)]
pub struct BlockSpec {
    /// Dotted name (`endpoint`, `stage.json`).
    pub name: &'static str,
    /// Whether the block must appear.
    pub required: bool,
    /// Whether it may appear more than once.
    pub repeatable: bool,
    /// Whether it takes a label (`static "name" { ... }`).
    pub labelled: bool,
    /// Its contents.
    pub body: Body,
}

/// The contents of a component, block or configuration block.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// Attributes.
    pub attrs: Vec<AttrSpec>,
    /// Blocks.
    pub blocks: Vec<BlockSpec>,
    /// Enum blocks: `(prefix, type)`, each block of the recursive type
    /// `type` may appear as `<prefix>.<name>`, repeatedly (loki.process
    /// `stage.*` inside `stage.match`).
    pub enums: Vec<(&'static str, &'static str)>,
}

impl Body {
    /// The attribute named `name`.
    pub fn attr(&self, name: &str) -> Option<&AttrSpec> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// The block named `name`, with whether it may repeat.
    pub fn block(&self, name: &str) -> Option<(&BlockSpec, bool)> {
        if let Some(b) = self.blocks.iter().find(|b| b.name == name) {
            return Some((b, b.repeatable));
        }
        let (prefix, rest) = name.split_once('.')?;
        self.enums
            .iter()
            .filter(|(p, _)| *p == prefix)
            .find_map(|(_, ty)| registry().recursive_type(ty)?.block(rest))
            .map(|(b, _)| (b, true))
    }

    /// Every block name this body accepts (for suggestions).
    pub fn block_names(&self) -> Vec<String> {
        let mut out: Vec<String> = self.blocks.iter().map(|b| b.name.to_string()).collect();
        for (prefix, ty) in &self.enums {
            if let Some(t) = registry().recursive_type(ty) {
                out.extend(t.blocks.iter().map(|b| format!("{prefix}.{}", b.name)));
            }
        }
        out
    }
}

/// An export of a component.
#[derive(Debug, Clone)]
pub struct ExportSpec {
    /// Name.
    pub name: &'static str,
    /// The Go type.
    pub go_type: &'static str,
    /// The value kind.
    pub ty: Ty,
}

/// A component: stability, arguments and exports.
#[derive(Debug, Clone)]
pub struct ComponentSpec {
    /// Dotted name such as `loki.write`.
    pub name: &'static str,
    /// Its stability level; `None` for community components, which have none.
    pub stability: Option<Stability>,
    /// Whether it is a community component (needs
    /// `--feature.community-components.enabled`).
    pub community: bool,
    /// Arguments (attributes and blocks).
    pub args: Body,
    /// Exports.
    pub exports: Vec<ExportSpec>,
}

impl ComponentSpec {
    /// The export with this name.
    pub fn export(&self, name: &str) -> Option<&ExportSpec> {
        self.exports.iter().find(|e| e.name == name)
    }
}

/// A top-level block that is not a component: a service's block (`http`,
/// `remotecfg`, `livedebugging`) or a configuration block (`logging`,
/// `tracing`, `argument`, `export`, `foreach`, `import.*`, `declare`).
#[derive(Debug, Clone)]
pub struct ConfigBlockSpec {
    /// Name.
    pub name: &'static str,
    /// Stability level.
    pub stability: Stability,
    /// Whether it configures a service (rather than the loader).
    pub service: bool,
    /// Its contents.
    pub body: Body,
}

/// A standard-library identifier (`sys.env`, `coalesce`, `constants.hostname`).
#[derive(Debug, Clone, Copy)]
pub struct StdlibSpec {
    /// Dotted name.
    pub name: &'static str,
    /// Deprecated in favour of a namespaced function.
    pub deprecated: bool,
    /// Experimental (needs `--stability.level=experimental`).
    pub experimental: bool,
}

/// The whole registry of one Alloy release.
#[derive(Debug)]
pub struct Registry {
    /// Alloy version (`v1.18.1`).
    pub version: &'static str,
    /// The Alloy commit the schema was read from.
    pub commit: &'static str,
    /// Every component, sorted by name.
    pub components: Vec<ComponentSpec>,
    /// Top-level non-component blocks, sorted by name.
    pub config_blocks: Vec<ConfigBlockSpec>,
    /// Standard-library identifiers, sorted.
    pub stdlib: Vec<StdlibSpec>,
    types: Vec<(&'static str, Body)>,
    by_name: HashMap<&'static str, usize>,
    namespaces: HashSet<&'static str>,
}

impl Registry {
    /// The component with this dotted name.
    pub fn component(&self, name: &str) -> Option<&ComponentSpec> {
        self.by_name.get(name).map(|&i| &self.components[i])
    }

    /// The configuration or service block with this name.
    pub fn config_block(&self, name: &str) -> Option<&ConfigBlockSpec> {
        self.config_blocks.iter().find(|c| c.name == name)
    }

    /// The standard-library identifier with this dotted name.
    pub fn stdlib(&self, name: &str) -> Option<&StdlibSpec> {
        self.stdlib
            .binary_search_by(|s| s.name.cmp(name))
            .ok()
            .map(|i| &self.stdlib[i])
    }

    /// Whether `first` is the first segment of a component name (`loki`,
    /// `otelcol`, `prometheus`...).
    pub fn is_namespace(&self, first: &str) -> bool {
        self.namespaces.contains(first)
    }

    /// The body of a recursive type, by its Go name.
    pub fn recursive_type(&self, name: &str) -> Option<&Body> {
        self.types.iter().find(|(n, _)| *n == name).map(|(_, b)| b)
    }
}

/// The registry, parsed on first use.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| parse(SCHEMA))
}

/// The registered component with this dotted name.
pub fn lookup(name: &str) -> Option<&'static ComponentSpec> {
    registry().component(name)
}

/// Which signals an otelcol component's `input` accepts, where it is not all
/// three. Alloy's struct tags do not say this (every `input` is an
/// `otelcol.Consumer`), so it is written from the component reference; review
/// it when moving to a new Alloy version.
pub fn otel_signals(component: &str) -> Signals {
    match component {
        "otelcol.exporter.loki" => Signals::LOGS,
        "otelcol.exporter.prometheus"
        | "otelcol.processor.cumulativetodelta"
        | "otelcol.processor.deltatocumulative"
        | "otelcol.processor.interval" => Signals::METRICS,
        "otelcol.connector.spanmetrics"
        | "otelcol.connector.servicegraph"
        | "otelcol.connector.spanlogs"
        | "otelcol.connector.host_info"
        | "otelcol.processor.tail_sampling"
        | "otelcol.processor.span" => Signals::TRACES,
        _ => Signals::ALL,
    }
}

/// The kind of attribute `name` of Go type `go` (an otelcol `output` block's
/// `logs`/`metrics`/`traces` lists are sent that signal).
fn attr_ty(name: &str, go: &str) -> Ty {
    match (Ty::from_go(go), name) {
        (Ty::ListOtelConsumer(_), "logs") => Ty::ListOtelConsumer(Signals::LOGS),
        (Ty::ListOtelConsumer(_), "metrics") => Ty::ListOtelConsumer(Signals::METRICS),
        (Ty::ListOtelConsumer(_), "traces") => Ty::ListOtelConsumer(Signals::TRACES),
        (ty, _) => ty,
    }
}

// ----- parsing the derived file ---------------------------------------------

struct Line {
    depth: usize,
    words: Vec<&'static str>,
}

fn lines(text: &'static str) -> Vec<Line> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let rest = l.trim_start_matches(' ');
            Line {
                depth: l.len() - rest.len(),
                words: rest.split(' ').collect(),
            }
        })
        .collect()
}

/// Parses the body at `depth` starting at `*i`.
fn parse_body(lines: &[Line], i: &mut usize, depth: usize) -> Body {
    let mut body = Body::default();
    while let Some(line) = lines.get(*i).filter(|l| l.depth == depth) {
        let w = &line.words;
        *i += 1;
        match w[0] {
            "attr" => body.attrs.push(AttrSpec {
                name: w[1],
                required: w[2] == "r",
                go_type: w[3],
                ty: attr_ty(w[1], w[3]),
            }),
            "block" => {
                let inner = parse_body(lines, i, depth + 1);
                body.blocks.push(BlockSpec {
                    name: w[1],
                    required: w[2].contains('r'),
                    repeatable: w[2].contains('m'),
                    labelled: w[2].contains('l'),
                    body: inner,
                });
            }
            "enum" => body.enums.push((w[1], w[2])),
            // Exports are read by the caller.
            _ => {
                *i -= 1;
                break;
            }
        }
    }
    body
}

fn stability(word: &str) -> Option<Stability> {
    Stability::parse(word)
}

/// Parses the derived registry text. The format is written by the generator
/// and checked by its test, so a malformed line is a bug: it panics.
fn parse(text: &'static str) -> Registry {
    let lines = lines(text);
    let mut reg = Registry {
        version: "",
        commit: "",
        components: Vec::new(),
        config_blocks: Vec::new(),
        stdlib: Vec::new(),
        types: Vec::new(),
        by_name: HashMap::new(),
        namespaces: HashSet::new(),
    };
    let mut i = 0;
    while i < lines.len() {
        let w = &lines[i].words;
        i += 1;
        match w[0] {
            "alloy" => {
                reg.version = w[1];
                reg.commit = w[2];
            }
            "component" => {
                let args = parse_body(&lines, &mut i, 1);
                let mut exports = Vec::new();
                while let Some(l) = lines.get(i).filter(|l| l.words[0] == "export") {
                    let ty = match Ty::from_go(l.words[2]) {
                        Ty::OtelConsumer(_) => Ty::OtelConsumer(otel_signals(w[1])),
                        ty => ty,
                    };
                    exports.push(ExportSpec {
                        name: l.words[1],
                        go_type: l.words[2],
                        ty,
                    });
                    i += 1;
                }
                reg.components.push(ComponentSpec {
                    name: w[1],
                    stability: stability(w[2]),
                    community: w[3] == "1",
                    args,
                    exports,
                });
            }
            "type" => {
                let body = parse_body(&lines, &mut i, 1);
                reg.types.push((w[1], body));
            }
            "service" | "config" => {
                let body = parse_body(&lines, &mut i, 1);
                reg.config_blocks.push(ConfigBlockSpec {
                    name: w[1],
                    stability: stability(w[2]).unwrap_or_default(),
                    service: w[0] == "service",
                    body,
                });
            }
            "stdlib" => reg.stdlib.push(StdlibSpec {
                name: w[1],
                deprecated: w[2].contains('d'),
                experimental: w[2].contains('x'),
            }),
            other => panic!("alloy_schema.txt: unexpected line kind {other:?}"),
        }
    }
    reg.components.sort_by_key(|c| c.name);
    reg.config_blocks.sort_by_key(|c| c.name);
    reg.stdlib.sort_by_key(|s| s.name);
    for (idx, c) in reg.components.iter().enumerate() {
        reg.by_name.insert(c.name, idx);
        if let Some(first) = c.name.split('.').next() {
            reg.namespaces.insert(first);
        }
    }
    reg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_has_every_component_of_the_release() {
        let r = registry();
        assert_eq!(r.version, "v1.18.1");
        assert_eq!(r.components.len(), 184);
        let below_ga = r
            .components
            .iter()
            .filter(|c| {
                c.stability
                    .is_some_and(|s| s < Stability::GenerallyAvailable)
            })
            .count();
        assert_eq!(below_ga, 35);
        assert_eq!(r.components.iter().filter(|c| c.community).count(), 5);
    }

    #[test]
    fn enum_blocks_resolve_through_recursive_types() {
        let process = lookup("loki.process").unwrap();
        let (m, repeatable) = process.args.block("stage.match").unwrap();
        assert!(repeatable);
        let (json, _) = m
            .body
            .block("stage.json")
            .expect("stages nest in stage.match");
        assert!(json.body.attr("expressions").is_some());
        assert!(process.args.block("stage.nope").is_none());
        let stages = process
            .args
            .block_names()
            .into_iter()
            .filter(|n| n.starts_with("stage."))
            .count();
        assert_eq!(stages, 30);
    }

    #[test]
    fn go_types_give_value_kinds() {
        let write = lookup("loki.write").unwrap();
        assert_eq!(write.export("receiver").unwrap().ty, Ty::LogsReceiver);
        let rw = lookup("prometheus.remote_write").unwrap();
        assert_eq!(rw.export("receiver").unwrap().ty, Ty::MetricsReceiver);
        let exp = lookup("otelcol.exporter.loki").unwrap();
        assert_eq!(
            exp.export("input").unwrap().ty,
            Ty::OtelConsumer(Signals::LOGS)
        );
        let scrape = lookup("prometheus.scrape").unwrap();
        assert_eq!(
            scrape.args.attr("forward_to").unwrap().ty,
            Ty::ListMetricsReceiver
        );
        assert_eq!(scrape.args.attr("targets").unwrap().ty, Ty::Targets);
    }

    #[test]
    fn stdlib_and_config_blocks() {
        let r = registry();
        assert!(r.stdlib("sys.env").is_some());
        assert!(r.stdlib("array.combine_maps").unwrap().experimental);
        assert!(r.stdlib("concat").unwrap().deprecated);
        assert!(r.stdlib("sys.nope").is_none());
        assert_eq!(
            r.config_block("foreach").unwrap().stability,
            Stability::Experimental
        );
        assert!(r.config_block("http").unwrap().service);
        assert!(r.config_block("ui").is_none());
    }
}
