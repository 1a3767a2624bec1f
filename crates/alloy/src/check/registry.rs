//! Typed registry of the Alloy components o11yc emits, written from the
//! Alloy component reference: arguments (type, required), nested blocks and
//! exports.
//!
//! Nested blocks whose contents are large and rarely generated (TLS, OAuth2,
//! queue tuning...) are registered as *open*: their name is checked, their
//! contents are not.

/// Telemetry signals, as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signals(pub u8);

impl Signals {
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
        if self.contains(Signals::LOGS) {
            v.push("logs");
        }
        if self.contains(Signals::METRICS) {
            v.push("metrics");
        }
        if self.contains(Signals::TRACES) {
            v.push("traces");
        }
        v.join(", ")
    }
}

/// Argument and export types (a simplified view of Alloy's type system).
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
    /// `list(map(string))`: discovery targets.
    Targets,
    /// `LogsReceiver` (a single loki receiver).
    LogsReceiver,
    /// `MetricsReceiver` (a single prometheus receiver).
    MetricsReceiver,
    /// `list(LogsReceiver)`.
    ListLogsReceiver,
    /// `list(MetricsReceiver)`.
    ListMetricsReceiver,
    /// `otelcol.Consumer` accepting the given signals.
    OtelConsumer(Signals),
    /// `list(otelcol.Consumer)` that will be sent the given signal.
    ListOtelConsumer(Signals),
    /// `RelabelRules`.
    RelabelRules,
}

impl Ty {
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
            Ty::Targets => "list(map(string))".into(),
            Ty::LogsReceiver => "LogsReceiver".into(),
            Ty::MetricsReceiver => "MetricsReceiver".into(),
            Ty::ListLogsReceiver => "list(LogsReceiver)".into(),
            Ty::ListMetricsReceiver => "list(MetricsReceiver)".into(),
            Ty::OtelConsumer(s) => format!("otelcol.Consumer ({})", s.describe()),
            Ty::ListOtelConsumer(s) => format!("list(otelcol.Consumer) for {}", s.describe()),
            Ty::RelabelRules => "RelabelRules".into(),
        }
    }
}

/// One argument of a component or block.
#[derive(Debug, Clone, Copy)]
pub struct Arg {
    /// Name.
    pub name: &'static str,
    /// Type.
    pub ty: Ty,
    /// Whether it must be set.
    pub required: bool,
}

/// A nested block.
#[derive(Debug, Clone, Copy)]
pub struct BlockSpec {
    /// Dotted name. A trailing `*` (as in `stage.*`) matches any suffix.
    pub name: &'static str,
    /// Arguments.
    pub args: &'static [Arg],
    /// Nested blocks.
    pub blocks: &'static [BlockSpec],
    /// Whether the block must appear.
    pub required: bool,
    /// Whether unknown arguments/blocks inside are accepted.
    pub open: bool,
}

impl BlockSpec {
    /// Whether `name` is matched by this spec.
    pub fn matches(&self, name: &str) -> bool {
        match self.name.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => self.name == name,
        }
    }
}

/// An export of a component.
#[derive(Debug, Clone, Copy)]
pub struct Export {
    /// Name.
    pub name: &'static str,
    /// Type.
    pub ty: Ty,
}

/// A component: arguments, blocks and exports.
#[derive(Debug, Clone, Copy)]
pub struct ComponentSpec {
    /// Dotted name such as `loki.write`.
    pub name: &'static str,
    /// Arguments.
    pub args: &'static [Arg],
    /// Nested blocks.
    pub blocks: &'static [BlockSpec],
    /// Exports.
    pub exports: &'static [Export],
    /// Whether unknown arguments/blocks are accepted (only exports and known
    /// arguments are checked).
    pub open: bool,
}

impl ComponentSpec {
    /// As a block spec (for checking the body).
    pub fn body(&self) -> BlockSpec {
        BlockSpec {
            name: self.name,
            args: self.args,
            blocks: self.blocks,
            required: false,
            open: self.open,
        }
    }

    /// The export with this name.
    pub fn export(&self, name: &str) -> Option<&Export> {
        self.exports.iter().find(|e| e.name == name)
    }
}

const fn opt(name: &'static str, ty: Ty) -> Arg {
    Arg {
        name,
        ty,
        required: false,
    }
}

const fn req(name: &'static str, ty: Ty) -> Arg {
    Arg {
        name,
        ty,
        required: true,
    }
}

const fn blk(name: &'static str, args: &'static [Arg], blocks: &'static [BlockSpec]) -> BlockSpec {
    BlockSpec {
        name,
        args,
        blocks,
        required: false,
        open: false,
    }
}

const fn open(name: &'static str) -> BlockSpec {
    BlockSpec {
        name,
        args: &[],
        blocks: &[],
        required: false,
        open: true,
    }
}

const fn required(mut b: BlockSpec) -> BlockSpec {
    b.required = true;
    b
}

const fn exp(name: &'static str, ty: Ty) -> Export {
    Export { name, ty }
}

const fn component(
    name: &'static str,
    args: &'static [Arg],
    blocks: &'static [BlockSpec],
    exports: &'static [Export],
) -> ComponentSpec {
    ComponentSpec {
        name,
        args,
        blocks,
        exports,
        open: false,
    }
}

const fn open_component(name: &'static str, exports: &'static [Export]) -> ComponentSpec {
    ComponentSpec {
        name,
        args: &[],
        blocks: &[],
        exports,
        open: true,
    }
}

// ----- shared pieces -------------------------------------------------------

const BASIC_AUTH: BlockSpec = blk(
    "basic_auth",
    &[
        opt("username", Ty::String),
        opt("username_file", Ty::String),
        opt("password", Ty::Secret),
        opt("password_file", Ty::String),
    ],
    &[],
);
const AUTHORIZATION: BlockSpec = blk(
    "authorization",
    &[
        opt("type", Ty::String),
        opt("credentials", Ty::Secret),
        opt("credentials_file", Ty::String),
    ],
    &[],
);
const TLS_CONFIG: BlockSpec = open("tls_config");
const OAUTH2: BlockSpec = open("oauth2");

const HTTP_ARGS: [Arg; 9] = [
    opt("bearer_token", Ty::Secret),
    opt("bearer_token_file", Ty::String),
    opt("proxy_url", Ty::String),
    opt("no_proxy", Ty::String),
    opt("proxy_from_environment", Ty::Bool),
    opt("proxy_connect_header", Ty::Map),
    opt("follow_redirects", Ty::Bool),
    opt("enable_http2", Ty::Bool),
    opt("http_headers", Ty::Map),
];

const HTTP_BLOCKS: [BlockSpec; 4] = [BASIC_AUTH, AUTHORIZATION, OAUTH2, TLS_CONFIG];

const RULE: BlockSpec = blk(
    "rule",
    &[
        opt("source_labels", Ty::ListString),
        opt("separator", Ty::String),
        opt("regex", Ty::String),
        opt("modulus", Ty::Number),
        opt("target_label", Ty::String),
        opt("replacement", Ty::String),
        opt("action", Ty::String),
    ],
    &[],
);

const CLUSTERING: BlockSpec = blk("clustering", &[opt("enabled", Ty::Bool)], &[]);

const KUBE_CLIENT: BlockSpec = blk(
    "client",
    &[
        opt("api_server", Ty::String),
        opt("kubeconfig_file", Ty::String),
        HTTP_ARGS[0],
        HTTP_ARGS[1],
        HTTP_ARGS[2],
        HTTP_ARGS[3],
        HTTP_ARGS[4],
        HTTP_ARGS[5],
        HTTP_ARGS[6],
        HTTP_ARGS[7],
        HTTP_ARGS[8],
    ],
    &HTTP_BLOCKS,
);

const OTEL_OUTPUT: BlockSpec = blk(
    "output",
    &[
        opt("logs", Ty::ListOtelConsumer(Signals::LOGS)),
        opt("metrics", Ty::ListOtelConsumer(Signals::METRICS)),
        opt("traces", Ty::ListOtelConsumer(Signals::TRACES)),
    ],
    &[],
);

const OTEL_INPUT_ALL: [Export; 1] = [exp("input", Ty::OtelConsumer(Signals::ALL))];

const OTEL_EXPORTER_BLOCKS: [BlockSpec; 4] = [
    open("sending_queue"),
    open("retry_on_failure"),
    open("debug_metrics"),
    open("tls"),
];

/// Every registered component.
pub static COMPONENTS: &[ComponentSpec] = &[
    component(
        "discovery.kubernetes",
        &[
            opt("api_server", Ty::String),
            opt("kubeconfig_file", Ty::String),
            req("role", Ty::String),
            HTTP_ARGS[0],
            HTTP_ARGS[1],
            HTTP_ARGS[2],
            HTTP_ARGS[3],
            HTTP_ARGS[4],
            HTTP_ARGS[5],
            HTTP_ARGS[6],
            HTTP_ARGS[7],
            HTTP_ARGS[8],
        ],
        &[
            blk(
                "namespaces",
                &[opt("own_namespace", Ty::Bool), opt("names", Ty::ListString)],
                &[],
            ),
            blk(
                "selectors",
                &[
                    req("role", Ty::String),
                    opt("label", Ty::String),
                    opt("field", Ty::String),
                ],
                &[],
            ),
            blk(
                "attach_metadata",
                &[opt("node", Ty::Bool), opt("namespace", Ty::Bool)],
                &[],
            ),
            BASIC_AUTH,
            AUTHORIZATION,
            OAUTH2,
            TLS_CONFIG,
        ],
        &[exp("targets", Ty::Targets)],
    ),
    component(
        "discovery.relabel",
        &[req("targets", Ty::Targets)],
        &[RULE],
        &[exp("output", Ty::Targets), exp("rules", Ty::RelabelRules)],
    ),
    component(
        "local.file_match",
        &[
            req("path_targets", Ty::Targets),
            opt("sync_period", Ty::Duration),
            opt("ignore_older_than", Ty::Duration),
        ],
        &[],
        &[exp("targets", Ty::Targets)],
    ),
    component(
        "loki.source.kubernetes",
        &[
            req("targets", Ty::Targets),
            req("forward_to", Ty::ListLogsReceiver),
            opt("preserve_discovered_labels", Ty::Bool),
        ],
        &[KUBE_CLIENT, CLUSTERING, open("log_pipeline")],
        &[],
    ),
    component(
        "loki.source.file",
        &[
            req("targets", Ty::Targets),
            req("forward_to", Ty::ListLogsReceiver),
            opt("encoding", Ty::String),
            opt("tail_from_end", Ty::Bool),
            opt("legacy_positions_file", Ty::String),
        ],
        &[
            open("decompression"),
            open("file_watch"),
            open("file_match"),
        ],
        &[],
    ),
    component(
        "loki.source.kubernetes_events",
        &[
            opt("job_name", Ty::String),
            opt("log_format", Ty::String),
            opt("namespaces", Ty::ListString),
            req("forward_to", Ty::ListLogsReceiver),
        ],
        &[KUBE_CLIENT, CLUSTERING],
        &[],
    ),
    component(
        "loki.source.journal",
        &[
            opt("format_as_json", Ty::Bool),
            opt("max_age", Ty::Duration),
            opt("path", Ty::String),
            opt("relabel_rules", Ty::RelabelRules),
            opt("matches", Ty::String),
            req("forward_to", Ty::ListLogsReceiver),
            opt("labels", Ty::Map),
            opt("legacy_position_file", Ty::String),
        ],
        &[],
        &[],
    ),
    component(
        "loki.source.api",
        &[
            req("forward_to", Ty::ListLogsReceiver),
            opt("labels", Ty::Map),
            opt("relabel_rules", Ty::RelabelRules),
            opt("use_incoming_timestamp", Ty::Bool),
            opt("graceful_shutdown_timeout", Ty::Duration),
            opt("max_send_message_size", Ty::String),
        ],
        &[open("http"), open("grpc")],
        &[],
    ),
    component(
        "loki.process",
        &[req("forward_to", Ty::ListLogsReceiver)],
        &[open("stage.*")],
        &[exp("receiver", Ty::LogsReceiver)],
    ),
    component(
        "loki.relabel",
        &[
            req("forward_to", Ty::ListLogsReceiver),
            opt("max_cache_size", Ty::Number),
        ],
        &[RULE],
        &[
            exp("receiver", Ty::LogsReceiver),
            exp("rules", Ty::RelabelRules),
        ],
    ),
    component(
        "loki.write",
        &[
            opt("external_labels", Ty::Map),
            opt("max_streams", Ty::Number),
        ],
        &[
            blk(
                "endpoint",
                &[
                    req("url", Ty::String),
                    opt("name", Ty::String),
                    opt("headers", Ty::Map),
                    opt("batch_wait", Ty::Duration),
                    opt("batch_size", Ty::String),
                    opt("min_backoff_period", Ty::Duration),
                    opt("max_backoff_period", Ty::Duration),
                    opt("max_backoff_retries", Ty::Number),
                    opt("remote_timeout", Ty::Duration),
                    opt("tenant_id", Ty::String),
                    opt("retry_on_http_429", Ty::Bool),
                    HTTP_ARGS[0],
                    HTTP_ARGS[1],
                    HTTP_ARGS[2],
                    HTTP_ARGS[3],
                    HTTP_ARGS[4],
                    HTTP_ARGS[5],
                    HTTP_ARGS[6],
                    HTTP_ARGS[7],
                    HTTP_ARGS[8],
                ],
                &[
                    BASIC_AUTH,
                    AUTHORIZATION,
                    OAUTH2,
                    TLS_CONFIG,
                    open("queue_config"),
                ],
            ),
            open("wal"),
        ],
        &[exp("receiver", Ty::LogsReceiver)],
    ),
    component(
        "prometheus.scrape",
        &[
            req("targets", Ty::Targets),
            req("forward_to", Ty::ListMetricsReceiver),
            opt("job_name", Ty::String),
            opt("extra_metrics", Ty::Bool),
            opt("enable_protobuf_negotiation", Ty::Bool),
            opt("honor_labels", Ty::Bool),
            opt("honor_timestamps", Ty::Bool),
            opt("track_timestamps_staleness", Ty::Bool),
            opt("params", Ty::Map),
            opt("scrape_classic_histograms", Ty::Bool),
            opt("scrape_native_histograms", Ty::Bool),
            opt("scrape_interval", Ty::Duration),
            opt("scrape_timeout", Ty::Duration),
            opt("scrape_protocols", Ty::ListString),
            opt("scrape_fallback_protocol", Ty::String),
            opt("metrics_path", Ty::String),
            opt("scheme", Ty::String),
            opt("body_size_limit", Ty::Number),
            opt("sample_limit", Ty::Number),
            opt("target_limit", Ty::Number),
            opt("label_limit", Ty::Number),
            opt("label_name_length_limit", Ty::Number),
            opt("label_value_length_limit", Ty::Number),
            opt("native_histogram_bucket_limit", Ty::Number),
            opt("native_histogram_min_bucket_factor", Ty::Number),
            opt("enable_compression", Ty::Bool),
            opt("convert_classic_histograms_to_nhcb", Ty::Bool),
            opt("enable_type_and_unit_labels", Ty::Bool),
            opt("metric_name_validation_scheme", Ty::String),
            opt("metric_name_escaping_scheme", Ty::String),
            opt("honor_metadata", Ty::Bool),
            HTTP_ARGS[0],
            HTTP_ARGS[1],
            HTTP_ARGS[2],
            HTTP_ARGS[3],
            HTTP_ARGS[4],
            HTTP_ARGS[5],
            HTTP_ARGS[6],
            HTTP_ARGS[7],
            HTTP_ARGS[8],
        ],
        &[BASIC_AUTH, AUTHORIZATION, OAUTH2, TLS_CONFIG, CLUSTERING],
        &[],
    ),
    component(
        "prometheus.relabel",
        &[
            req("forward_to", Ty::ListMetricsReceiver),
            opt("max_cache_size", Ty::Number),
        ],
        &[RULE],
        &[
            exp("receiver", Ty::MetricsReceiver),
            exp("rules", Ty::RelabelRules),
        ],
    ),
    component(
        "prometheus.remote_write",
        &[opt("external_labels", Ty::Map)],
        &[
            blk(
                "endpoint",
                &[
                    req("url", Ty::String),
                    opt("name", Ty::String),
                    opt("headers", Ty::Map),
                    opt("remote_timeout", Ty::Duration),
                    opt("send_exemplars", Ty::Bool),
                    opt("send_native_histograms", Ty::Bool),
                    opt("round_robin_dns", Ty::Bool),
                    opt("protobuf_message", Ty::String),
                    HTTP_ARGS[0],
                    HTTP_ARGS[1],
                    HTTP_ARGS[2],
                    HTTP_ARGS[3],
                    HTTP_ARGS[4],
                    HTTP_ARGS[5],
                    HTTP_ARGS[6],
                    HTTP_ARGS[7],
                    HTTP_ARGS[8],
                ],
                &[
                    BASIC_AUTH,
                    AUTHORIZATION,
                    OAUTH2,
                    TLS_CONFIG,
                    open("queue_config"),
                    open("metadata_config"),
                    open("sigv4"),
                    open("azuread"),
                    blk("write_relabel_config", RULE.args, &[]),
                ],
            ),
            open("wal"),
        ],
        &[exp("receiver", Ty::MetricsReceiver)],
    ),
    component(
        "prometheus.operator.servicemonitors",
        &[
            req("forward_to", Ty::ListMetricsReceiver),
            opt("namespaces", Ty::ListString),
            opt("kubernetes_role", Ty::String),
            opt("informer_sync_timeout", Ty::Duration),
        ],
        &[
            open("client"),
            RULE,
            open("scrape"),
            open("selector"),
            CLUSTERING,
        ],
        &[],
    ),
    component(
        "prometheus.operator.podmonitors",
        &[
            req("forward_to", Ty::ListMetricsReceiver),
            opt("namespaces", Ty::ListString),
            opt("kubernetes_role", Ty::String),
            opt("informer_sync_timeout", Ty::Duration),
        ],
        &[
            open("client"),
            RULE,
            open("scrape"),
            open("selector"),
            CLUSTERING,
        ],
        &[],
    ),
    ComponentSpec {
        open: true,
        ..component(
            "prometheus.exporter.unix",
            &[
                opt("set_collectors", Ty::ListString),
                opt("enable_collectors", Ty::ListString),
                opt("disable_collectors", Ty::ListString),
                opt("include_exporter_metrics", Ty::Bool),
                opt("procfs_path", Ty::String),
                opt("sysfs_path", Ty::String),
                opt("rootfs_path", Ty::String),
                opt("udev_data_path", Ty::String),
            ],
            &[],
            &[exp("targets", Ty::Targets)],
        )
    },
    component(
        "otelcol.receiver.otlp",
        &[],
        &[
            open("grpc"),
            open("http"),
            open("debug_metrics"),
            required(OTEL_OUTPUT),
        ],
        &[],
    ),
    component(
        "otelcol.processor.batch",
        &[
            opt("timeout", Ty::Duration),
            opt("send_batch_size", Ty::Number),
            opt("send_batch_max_size", Ty::Number),
            opt("metadata_keys", Ty::ListString),
            opt("metadata_cardinality_limit", Ty::Number),
        ],
        &[required(OTEL_OUTPUT), open("debug_metrics")],
        &OTEL_INPUT_ALL,
    ),
    component(
        "otelcol.exporter.otlp",
        &[opt("timeout", Ty::Duration)],
        &[
            required(open("client")),
            OTEL_EXPORTER_BLOCKS[0],
            OTEL_EXPORTER_BLOCKS[1],
            OTEL_EXPORTER_BLOCKS[2],
        ],
        &OTEL_INPUT_ALL,
    ),
    component(
        "otelcol.exporter.otlphttp",
        &[
            opt("metrics_endpoint", Ty::String),
            opt("logs_endpoint", Ty::String),
            opt("traces_endpoint", Ty::String),
            opt("encoding", Ty::String),
        ],
        &[
            required(open("client")),
            OTEL_EXPORTER_BLOCKS[0],
            OTEL_EXPORTER_BLOCKS[1],
            OTEL_EXPORTER_BLOCKS[2],
        ],
        &OTEL_INPUT_ALL,
    ),
    component(
        "otelcol.exporter.loki",
        &[req("forward_to", Ty::ListLogsReceiver)],
        &[],
        &[exp("input", Ty::OtelConsumer(Signals::LOGS))],
    ),
    component(
        "otelcol.exporter.prometheus",
        &[
            req("forward_to", Ty::ListMetricsReceiver),
            opt("include_target_info", Ty::Bool),
            opt("include_scope_info", Ty::Bool),
            opt("include_scope_labels", Ty::Bool),
            opt("gc_frequency", Ty::Duration),
            opt("add_metric_suffixes", Ty::Bool),
            opt("resource_to_telemetry_conversion", Ty::Bool),
            opt("keep_identifying_resource_attributes", Ty::Bool),
            opt("honor_metadata", Ty::Bool),
        ],
        &[],
        &[exp("input", Ty::OtelConsumer(Signals::METRICS))],
    ),
    // Components o11yc does not emit but that appear in hand-written
    // pipelines: only their exports and outputs are typed.
    open_component(
        "otelcol.receiver.prometheus",
        &[exp("receiver", Ty::MetricsReceiver)],
    ),
    open_component(
        "otelcol.receiver.loki",
        &[exp("receiver", Ty::LogsReceiver)],
    ),
    open_component("otelcol.processor.transform", &OTEL_INPUT_ALL),
    open_component("otelcol.processor.attributes", &OTEL_INPUT_ALL),
    open_component("otelcol.processor.filter", &OTEL_INPUT_ALL),
    open_component("otelcol.processor.k8sattributes", &OTEL_INPUT_ALL),
    open_component("otelcol.processor.memory_limiter", &OTEL_INPUT_ALL),
    open_component("remote.kubernetes.secret", &[exp("data", Ty::Map)]),
    open_component("remote.kubernetes.configmap", &[exp("data", Ty::Map)]),
];

/// Configuration blocks that are not components (no label, no warning).
pub static CONFIG_BLOCKS: &[&str] = &[
    "logging",
    "tracing",
    "http",
    "remotecfg",
    "livedebugging",
    "foreach",
];

/// The registered component with this dotted name.
pub fn lookup(name: &str) -> Option<&'static ComponentSpec> {
    COMPONENTS.iter().find(|c| c.name == name)
}
