//! billctl: a command-line admin tool for companies that sell API access through Stripe.
//!
//! The binary is a thin shell over [`run`]; every command lives in this library so that it can
//! be tested and embedded.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod secrets;
pub mod stripe;

use std::process::ExitCode;

/// Runs a parsed command line and returns the process exit code
/// (0 ok, 1 a check found a problem, 2 usage or runtime error).
pub fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => {
            use clap::CommandFactory;
            eprintln!("{}", cli::Cli::command().render_help());
            Ok(ExitCode::from(2))
        }
        Some(command) => match command {},
    }
}
