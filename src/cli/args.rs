//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// o11yc compiles observability profiles into GitOps-ready directories.
#[derive(Debug, Parser)]
#[command(name = "o11yc", version, about, propagate_version = true)]
pub struct Cli {
    /// How diagnostics are printed: `human` (rustc-style, on stderr) or `json` (one JSON
    /// object per line on stdout: file, line, column, code, severity, message, help).
    /// Named as cargo's, so that `diff --format` can choose the report.
    #[arg(long, global = true, value_enum, default_value = "human")]
    pub message_format: Format,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// rustc-style text with the source line and carets, on stderr.
    #[default]
    Human,
    /// One JSON object per diagnostic and line, on stdout, for editors and CI annotations.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile profiles and write OUT/<profile>/.
    Build(BuildArgs),
    /// Validate profiles and verify OUT is up to date (exit 1 when it is not).
    Check(CheckArgs),
    /// Show what `build` would change in OUT, object by object (exit 1 when it would change).
    Diff(DiffArgs),
    /// Print the Alloy pipelines of profiles as Mermaid flowcharts.
    Graph(Selection),
    /// Tools for Grafana Alloy configuration files.
    #[command(subcommand)]
    Alloy(AlloyCommand),
    /// Print a shell completion script for o11yc to standard output.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write a commented starter profile to PROFILES/NAME.yaml.
    Init {
        /// The profile's name (its file name without `.yaml`, and its output directory).
        #[arg(long, value_name = "NAME", default_value = "main")]
        name: String,
        /// Where profiles live.
        #[arg(long, value_name = "DIR", default_value = "profiles")]
        profiles: PathBuf,
    },
    /// Explain a diagnostic code (`o11yc explain O11Y0010`); without a code, list them all.
    Explain {
        /// The code, e.g. `O11Y0010` (or just `10`).
        code: Option<String>,
    },
    /// Print the JSON Schema of the profile format.
    Schema {
        /// Write the schema to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Which profiles a command works on, and where.
#[derive(Debug, Args)]
pub struct Selection {
    /// Every profile in the profiles directory (the default when no --profile is given).
    #[arg(long, conflicts_with = "profile")]
    pub all: bool,
    /// A profile name in the profiles directory, or a path to a .yaml file. Repeatable.
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: Vec<String>,
    /// Where profiles live.
    #[arg(long, value_name = "DIR", default_value = "profiles")]
    pub profiles: PathBuf,
    /// Where generated directories go.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    pub out: PathBuf,
}

/// `o11yc build`: a selection, and how long to wait for another build of the same OUT.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Which profiles, and where.
    #[command(flatten)]
    pub selection: Selection,
    /// Seconds to wait for another o11yc writing the same OUT before giving up (exit 2).
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub lock_timeout: u64,
}

/// `o11yc check` arguments.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Which profiles, and where.
    #[command(flatten)]
    pub selection: Selection,
    /// Read the profiles and OUT from the git index (what `git commit` would record)
    /// instead of the working tree. For pre-commit hooks.
    #[arg(long)]
    pub staged: bool,
}

/// `o11yc diff`: a selection, the report format and what to compare against.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Which profiles, and where.
    #[command(flatten)]
    pub selection: Selection,
    /// The report: `text` for terminals, `markdown` for a pull-request comment,
    /// `json` for tools, `patch` for a unified line diff of the files.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Compare with OUT as committed at this git revision instead of the working tree.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Render each changed Helm release before and after with `helm template` and
    /// show the objects that change (needs --charts).
    #[arg(long, requires = "charts")]
    pub rendered: bool,
    /// Chart sources for --rendered, one directory per chart: DIR/<chart>-<version>/.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
    /// The helm binary for --rendered (default: target/conformance/helm/helm when
    /// it exists, else `helm` on PATH).
    #[arg(long, value_name = "PATH", env = "O11YC_HELM")]
    pub helm: Option<PathBuf>,
}

/// How `o11yc diff` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Objects, releases, dashboards, rules and pipelines, with changed key paths.
    Text,
    /// The same as a Markdown pull-request comment (summary table, details per profile).
    Markdown,
    /// The same as JSON.
    Json,
    /// A unified diff of the files.
    Patch,
}

/// `o11yc alloy ...`.
#[derive(Debug, Subcommand)]
pub enum AlloyCommand {
    /// Format Alloy files in place the way `alloy fmt` does.
    Fmt {
        /// Only report files that are not formatted (exit 1).
        #[arg(long)]
        check: bool,
        /// The files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Parse and statically check Alloy files against Alloy v1.18.1: components,
    /// blocks, attributes, labels, references, exports, types, cycles, functions.
    Check {
        /// The lowest component stability level allowed, as Alloy's `--stability.level`.
        #[arg(long, value_enum, default_value = "generally-available")]
        stability_level: StabilityLevelArg,
        /// Allow community components, as Alloy's `--feature.community-components.enabled`.
        #[arg(long)]
        community_components: bool,
        /// The files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

/// Alloy's stability levels, as `o11yc alloy check --stability-level` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StabilityLevelArg {
    /// Only generally-available components (Alloy's default).
    GenerallyAvailable,
    /// Public-preview components too.
    PublicPreview,
    /// Experimental components too.
    Experimental,
}

impl StabilityLevelArg {
    /// The Alloy checker's level.
    pub fn to_alloy(self) -> o11yc_alloy::check::registry::Stability {
        use o11yc_alloy::check::registry::Stability;
        match self {
            StabilityLevelArg::GenerallyAvailable => Stability::GenerallyAvailable,
            StabilityLevelArg::PublicPreview => Stability::PublicPreview,
            StabilityLevelArg::Experimental => Stability::Experimental,
        }
    }
}
