//! The `o11yc` command line: argument parsing, running commands, exit codes.
//!
//! Exit codes: 0 success / up to date; 1 `check` or `diff` found differences;
//! 2 invalid input, usage error, or a file system error; 141 when standard
//! output is closed early (`o11yc diff | head`).

/// `eprintln!` that ignores a closed stderr (`o11yc check 2>&1 | head`)
/// instead of panicking; messages are best effort, exit codes carry the result.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod alloy;
mod args;
mod commands;
mod init;
mod report;
mod staged;

pub use args::{
    AlloyCommand, BuildArgs, CheckArgs, Cli, Command, DiffArgs, DiffFormat, Format, Selection,
};

use clap::Parser;

/// Success, or nothing to change.
pub const EXIT_OK: i32 = 0;
/// `check`/`diff`: the output directory differs from what would be generated.
pub const EXIT_DIFFERS: i32 = 1;
/// Invalid profile, usage error or I/O error.
pub const EXIT_ERROR: i32 = 2;
/// Standard output was closed by its reader (`o11yc diff | head`): 128 + SIGPIPE,
/// what a shell reports for a program killed by the signal.
pub const EXIT_BROKEN_PIPE: i32 = 141;

/// Parses the process arguments and runs the command; returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    report::set_format(cli.message_format);
    match cli.command {
        Command::Build(args) => commands::build(&args),
        Command::Check(CheckArgs {
            selection,
            staged: false,
        }) => commands::check(&selection),
        Command::Check(CheckArgs {
            selection,
            staged: true,
        }) => staged::check(&selection),
        Command::Completions { shell } => init::completions(shell),
        Command::Init { name, profiles } => init::init(&name, &profiles),
        Command::Diff(args) => commands::diff(&args),
        Command::Graph(sel) => commands::graph(&sel),
        Command::Alloy(AlloyCommand::Fmt { check, files }) => alloy::fmt(&files, check),
        Command::Alloy(AlloyCommand::Check {
            stability_level,
            community_components,
            files,
        }) => alloy::check(
            &files,
            o11yc_alloy::check::Options {
                stability: stability_level.to_alloy(),
                community_components,
            },
        ),
        Command::Schema { out } => commands::schema(out.as_deref()),
        Command::Explain { code } => commands::explain(code.as_deref()),
    }
}
