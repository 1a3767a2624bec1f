//! The `o11yc` command line: argument parsing, running commands, exit codes.
//!
//! Exit codes: 0 success / up to date; 1 `check` or `diff` found differences;
//! 2 invalid input, usage error, or a file system error.

mod alloy;
mod args;
mod commands;
mod init;
mod report;
mod staged;

pub use args::{AlloyCommand, CheckArgs, Cli, Command, Selection};

use clap::Parser;

/// Success, or nothing to change.
pub const EXIT_OK: i32 = 0;
/// `check`/`diff`: the output directory differs from what would be generated.
pub const EXIT_DIFFERS: i32 = 1;
/// Invalid profile, usage error or I/O error.
pub const EXIT_ERROR: i32 = 2;

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
    match cli.command {
        Command::Build(sel) => commands::build(&sel),
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
        Command::Diff(sel) => commands::diff(&sel),
        Command::Graph(sel) => commands::graph(&sel),
        Command::Alloy(AlloyCommand::Fmt { check, files }) => alloy::fmt(&files, check),
        Command::Alloy(AlloyCommand::Check { files }) => alloy::check(&files),
        Command::Schema { out } => commands::schema(out.as_deref()),
    }
}
