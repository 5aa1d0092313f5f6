//! billctl: a command-line admin tool for companies that sell API access through Stripe.
//!
//! The binary is a thin shell over [`run`]; every command lives in this library so that it can
//! be tested and embedded.

pub mod billing;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod context;
pub mod faults;
pub mod idempotency;
pub mod keys;
pub mod money;
pub mod ops;
pub mod output;
pub mod revenue;
pub mod secrets;
pub mod store;
pub mod stripe;
pub mod time;
pub mod usage;
pub mod webhooks;

use std::process::ExitCode;

/// Runs a parsed command line and returns the process exit code
/// (0 ok, 1 a check found a problem, 2 usage or runtime error).
pub fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    let Some(command) = cli.command else {
        use clap::CommandFactory;
        eprintln!("{}", cli::Cli::command().render_help());
        return Ok(ExitCode::from(2));
    };
    let mut ctx = context::Ctx::new(cli.global);
    commands::dispatch(&mut ctx, command)
}

/// True when `err` is a write to a closed pipe (`billctl ... | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
