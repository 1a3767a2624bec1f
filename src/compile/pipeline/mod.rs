//! Alloy pipelines generated from the profile, as Alloy syntax trees.
//!
//! One [`Pipeline`] per Alloy deployment: the stack's own Alloy, and for the
//! vcluster profile the Alloy installed inside each vCluster. Sources are added
//! in a fixed order and every component label is fixed, so the printed file is
//! deterministic. Compile joins each with its `custom` snippet and parses it once
//! ([`CompiledPipeline`]); the verify stage checks that tree (`verify::pipelines`).

pub mod graph;
pub mod labels;
mod logs;
mod metrics;
mod relabel;
pub mod run_labels;
pub mod stages;
mod traces;

use o11yc_alloy::{Block, Expr, File};

use crate::model::{Alloy, AlloyController};
pub use crate::resolve::Side;
use crate::resolve::stack::Stack;
use run_labels::RunLabels;

#[cfg(test)]
pub use logs::WEBHOOK_EVENT;

/// Where a pipeline's Alloy pods need the node or extra ports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostAccess {
    /// Mount the node's `/var/log` (pod log files, the journal).
    pub varlog: bool,
    /// Extra host directories to mount read-only: (volume name, path).
    pub host_paths: Vec<(String, String)>,
    /// Container ports to open and put on the Service: (name, port).
    pub ports: Vec<(String, u16)>,
    /// Run with the journal's groups (`systemd-journal` 999, `adm` 4).
    pub journal_groups: bool,
    /// Scrapes go through the API server's node proxy (`nodes/proxy` RBAC).
    pub node_proxy: bool,
    /// Read `VCLUSTER_NAMESPACE` from this ConfigMap (name, key), for run labels.
    pub vcluster_namespace_env: Option<(String, String)>,
    /// Alloy clustering (to share scrape targets between DaemonSet pods).
    pub clustering: bool,
}

/// A generated pipeline and what its pods need.
#[derive(Clone, Debug)]
pub struct Pipeline {
    /// The Alloy configuration.
    pub file: File,
    /// Mounts, ports and environment for the Alloy chart values.
    pub host: HostAccess,
}

/// The ConfigMap (inside the vCluster) that tells the vCluster Alloy which host
/// namespace it runs in; CI creates it with the vCluster.
pub const VCLUSTER_IDENTITY_CONFIGMAP: &str = "o11yc-vcluster-identity";

/// What every source builder needs.
pub(crate) struct Context<'a> {
    pub stack: Stack<'a>,
    pub alloy: &'a Alloy,
    pub side: Side,
    pub run_labels: Option<RunLabels>,
    /// Discovery restricted to the pod's own node (DaemonSet).
    pub node_local: bool,
    pub logs_sink: Expr,
    pub metrics_sink: Expr,
    pub host: HostAccess,
    pub blocks: Vec<Block>,
    shared_pod_discovery: bool,
}

impl Context<'_> {
    /// The shared `discovery.kubernetes "pods"` (declared once, on first use).
    pub fn pod_discovery(&mut self) -> Expr {
        if !self.shared_pod_discovery {
            self.shared_pod_discovery = true;
            let block = self
                .discovery("pods", "pod", "spec.nodeName")
                .comment("Pods on this node, for log collection and scraping.");
            self.blocks.push(block);
        }
        Expr::reference("discovery.kubernetes.pods.targets")
    }

    /// `discovery.kubernetes "<label>"` of `role`; on a DaemonSet, only the objects
    /// whose `node_field` names this pod's node.
    pub fn discovery(&mut self, label: &str, role: &str, node_field_path: &str) -> Block {
        let block = Block::labeled("discovery.kubernetes", label).attr("role", role);
        if !self.node_local {
            return block;
        }
        // `HOSTNAME` is the node name: the Alloy chart sets it in every container.
        block.block(
            Block::new("selectors", None)
                .attr("role", role)
                .attr("field", node_field(node_field_path)),
        )
    }

    /// The `cluster` label every signal carries.
    pub fn cluster_labels(&self) -> Expr {
        Expr::object([("cluster", self.stack.profile.cluster.name.as_str())])
    }
}

/// `"<field>=" + sys.env("HOSTNAME")`: a field selector for this node.
pub(crate) fn node_field(field: &str) -> Expr {
    Expr::binary(
        o11yc_alloy::BinaryOp::Add,
        Expr::string(format!("{field}=")),
        Expr::call("sys.env", [Expr::string("HOSTNAME")]),
    )
}

/// Sanitises a Kubernetes label key for use in a `__meta_kubernetes_*` name.
pub(crate) fn meta_label(key: &str) -> String {
    key.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Builds the pipeline of one Alloy deployment.
pub fn build(stack: Stack, alloy: &Alloy, side: Side) -> Pipeline {
    build_parts(stack, alloy, side, true)
}

/// The pipelines of a profile, each built once: the driver builds them when it
/// resolves the profile, the stream table reads them
/// ([`Collected::from_pipelines`](crate::verify::Collected::from_pipelines)) and
/// compilation consumes them ([`crate::compile::compile_with`]).
#[derive(Debug, Default)]
pub struct Pipelines(pub Vec<(Side, Pipeline)>);

impl Pipelines {
    /// Builds the pipeline of every Alloy deployment of `stack` ([`Stack::alloys`]).
    pub fn build(stack: Stack) -> Pipelines {
        Pipelines(
            stack
                .alloys()
                .into_iter()
                .map(|(alloy, side)| (side, build(stack, alloy, side)))
                .collect(),
        )
    }
}

/// The log components of [`build`] and their sink only: what the log-stream analysis
/// reads. Leaving out metrics and traces keeps it cheap (scrape targets grow the
/// pipeline, not its streams).
pub fn build_logs(stack: Stack, alloy: &Alloy, side: Side) -> Pipeline {
    build_parts(stack, alloy, side, false)
}

fn build_parts(stack: Stack, alloy: &Alloy, side: Side, everything: bool) -> Pipeline {
    let run_labels = stack.profile.vcluster.as_ref().map(RunLabels::new);
    let mut cx = Context {
        stack,
        alloy,
        side,
        run_labels,
        node_local: alloy.controller == AlloyController::Daemonset,
        logs_sink: Expr::reference("loki.write.default.receiver"),
        metrics_sink: Expr::reference("prometheus.remote_write.default.receiver"),
        host: HostAccess::default(),
        blocks: Vec::new(),
        shared_pod_discovery: false,
    };
    if side == Side::VCluster && cx.run_labels.is_some() {
        cx.logs_sink = Expr::reference("loki.relabel.run_labels.receiver");
        cx.metrics_sink = Expr::reference("prometheus.relabel.run_labels.receiver");
    }
    logs::add(&mut cx);
    if everything {
        metrics::add(&mut cx);
        traces::add(&mut cx);
    }
    if alloy.logs.any_enabled() {
        add_logs_sink(&mut cx);
    }
    if everything && alloy.metrics.any_enabled() {
        add_metrics_sink(&mut cx);
    }
    let file = File::new()
        .comment(format!(
            "Alloy pipeline of profile {}: {}.",
            stack.profile_name(),
            match side {
                Side::Stack => "the stack's Alloy",
                Side::VCluster => "the Alloy inside each vCluster",
            }
        ))
        .comment("Check hand edits with `o11yc alloy check`.")
        .blocks(cx.blocks);
    Pipeline {
        file,
        host: cx.host,
    }
}

/// The comment line put before the profile's `custom` snippet.
pub const CUSTOM_MARKER: &str = "// Custom configuration from the profile (alloy.custom).";

/// A pipeline as compilation built it, joined with the profile's `custom` snippet:
/// the one syntax tree that the shipped file is printed from, that the verify stage
/// checks and that the README draws.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledPipeline {
    /// Which Alloy runs it.
    pub side: Side,
    /// Where the configuration file is, relative to the profile's output.
    pub path: &'static str,
    /// The generated pipeline followed by the `custom` snippet exactly as written, so
    /// positions inside the snippet are its own lines and columns.
    pub source: String,
    /// `source` parsed, or the parser's diagnostics.
    pub tree: Result<File, Vec<o11yc_alloy::Diagnostic>>,
    /// How many lines of `source` come before the snippet (`None` without one): a
    /// position on line `n` past them is on line `n - custom_after` of the snippet.
    pub custom_after: Option<usize>,
}

impl Pipeline {
    /// Joins the profile's `custom` snippet to the generated pipeline and parses the
    /// result, once. Consumes the pipeline so its built tree is freed before the
    /// joined text is parsed (one tree alive at a time); returns what the pods need.
    pub fn join(
        self,
        side: Side,
        path: &'static str,
        custom: Option<&str>,
    ) -> (CompiledPipeline, HostAccess) {
        let generated = o11yc_alloy::print_owned(self.file);
        let (source, custom_after) = with_custom(generated, custom);
        let compiled = CompiledPipeline {
            side,
            path,
            tree: o11yc_alloy::parse(&source),
            source,
            custom_after,
        };
        (compiled, self.host)
    }
}

/// The printed pipeline followed by the snippet as written, and the number of lines
/// before the snippet.
fn with_custom(generated: String, custom: Option<&str>) -> (String, Option<usize>) {
    match custom.filter(|c| !c.trim().is_empty()) {
        None => (generated, None),
        Some(custom) => {
            let prefix = format!("{generated}\n{CUSTOM_MARKER}\n");
            let lines = prefix.matches('\n').count();
            (format!("{prefix}{custom}"), Some(lines))
        }
    }
}

impl CompiledPipeline {
    /// The configuration text written out: the source formatted as `alloy fmt` would
    /// (the generated part already is); a snippet that cannot be formatted safely is
    /// kept as written.
    pub fn text(&self) -> String {
        shipped(self.source.clone(), self.custom_after)
    }
}

fn shipped(source: String, custom_after: Option<usize>) -> String {
    match custom_after {
        None => source,
        Some(_) => o11yc_alloy::format(&source).unwrap_or(source),
    }
}

/// A sink: on the vCluster side, a relabel component adding the run labels
/// (`relabel` is `loki.relabel` or `prometheus.relabel`) in front of the writer.
fn add_sink(cx: &mut Context, relabel: &str, writer: Block) {
    let writer_receiver = writer.export("receiver");
    if cx.side == Side::VCluster
        && let Some(rules) = vcluster_run_label_rules(cx)
    {
        cx.blocks.push(
            Block::labeled(relabel, "run_labels")
                .comment("Run labels from the host namespace this vCluster runs in.")
                .blocks(rules)
                .attr("forward_to", Expr::array([writer_receiver])),
        );
    }
    cx.blocks
        .push(writer.attr("external_labels", cx.cluster_labels()));
}

fn add_logs_sink(cx: &mut Context) {
    let url = cx.stack.loki_push_url().unwrap_or_default();
    let writer = Block::labeled("loki.write", "default")
        .block(Block::new("endpoint", None).attr("url", url));
    add_sink(cx, "loki.relabel", writer);
}

fn add_metrics_sink(cx: &mut Context) {
    let url = cx.stack.prometheus_remote_write_url().unwrap_or_default();
    let writer = Block::labeled("prometheus.remote_write", "default")
        .block(Block::new("endpoint", None).attr("url", url));
    add_sink(cx, "prometheus.relabel", writer);
}

/// In the vCluster, the host namespace comes from the environment: a rule puts it
/// in a temporary label, the run-label rules split it, and the temporary label
/// is dropped unless the profile keeps it.
fn vcluster_run_label_rules(cx: &mut Context) -> Option<Vec<Block>> {
    let labels = cx.run_labels.as_ref()?;
    cx.host.vcluster_namespace_env = Some((
        VCLUSTER_IDENTITY_CONFIGMAP.to_owned(),
        "namespace".to_owned(),
    ));
    const TEMP: &str = "__vcluster_namespace";
    let mut rules = vec![relabel::set(
        TEMP,
        Expr::call("sys.env", [Expr::string("VCLUSTER_NAMESPACE")]),
    )];
    rules.extend(labels.rules(TEMP));
    rules.push(relabel::label_drop(TEMP));
    Some(rules)
}
