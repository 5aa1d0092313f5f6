//! The command-line interface: every clap type. Doc comments are the help text.

use clap::{Parser, Subcommand};

/// Admin tool for API companies that sell access through Stripe: catalog, customers,
/// subscriptions, API keys, usage metering and webhooks.
#[derive(Debug, Parser)]
#[command(name = "billctl", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The command groups.
#[derive(Debug, Subcommand)]
pub enum Command {}
