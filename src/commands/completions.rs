//! `billctl completions SHELL`: needs no config, store, keyring or Stripe.

use crate::cli::{Cli, CompletionsArgs};
use crate::context::Ctx;
use anyhow::Result;
use clap::CommandFactory;
use std::process::ExitCode;

/// The completion script for `shell`, as checked in under `completions/`.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "billctl", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

pub fn run(ctx: &mut Ctx, args: &CompletionsArgs) -> Result<ExitCode> {
    ctx.output.data(&script(args.shell))?;
    Ok(ExitCode::SUCCESS)
}
