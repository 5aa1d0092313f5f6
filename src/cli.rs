//! The command-line interface: every clap type. Doc comments are the help text.

use crate::output::ColorChoice;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Admin tool for API companies that sell access through Stripe: catalog, customers,
/// subscriptions, API keys, usage metering and webhooks.
///
/// The Stripe key comes from BILLCTL_STRIPE_API_KEY or the OS keyring ('billctl auth login');
/// it is never taken on the command line. Exit codes: 0 ok, 1 a check found a problem,
/// 2 usage or runtime error.
#[derive(Debug, Parser)]
#[command(name = "billctl", version, about, long_about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags every command takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]
    #[arg(long, global = true, value_name = "PATH", env = "BILLCTL_CONFIG")]
    pub config: Option<PathBuf>,
    /// Directory of the local store [default: $XDG_DATA_HOME/billctl]
    #[arg(long, global = true, value_name = "DIR", env = "BILLCTL_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]
    #[arg(long, global = true, value_name = "NAME", env = "BILLCTL_PROFILE")]
    pub profile: Option<String>,
    /// Print one JSON document (or JSON lines for streams) instead of tables
    #[arg(long, global = true)]
    pub json: bool,
    /// When to color tables
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print only data and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Log every Stripe request (method, path, status, request id) to stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Answer yes to confirmations (with a live-mode key, only together with --live)
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    /// Allow writes with a live-mode Stripe key
    #[arg(long, global = true)]
    pub live: bool,
}

/// The command groups.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or update the products and prices in Stripe to match the config
    ///
    /// Declarative, like plan/apply: reads Stripe, computes the changes (create, update,
    /// replace a price whose amount, currency or interval changed, archive with --prune), asks,
    /// and applies them with idempotency keys derived from the desired state. A converged
    /// catalog makes no writes.
    SetupProducts(SetupProductsArgs),
    /// Check and list the configured prices against Stripe
    #[command(subcommand)]
    Prices(PricesCommand),
    /// Store, inspect or remove the Stripe key in the OS keyring
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Inspect or back up the local store
    #[command(subcommand)]
    Db(DbCommand),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct SetupProductsArgs {
    /// Print the plan and change nothing
    #[arg(long)]
    pub plan: bool,
    /// Archive products (and their prices) of tiers no longer in the config
    #[arg(long)]
    pub prune: bool,
    /// After applying, write PRICE_<TIER>=price_... lines to FILE for the application
    #[arg(long, value_name = "FILE", conflicts_with = "plan")]
    pub write_env: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// Verify every tier's lookup key resolves to an active price of the configured amount,
    /// currency and interval on an active product (exit 1 on drift)
    Check(PricesCheckArgs),
    /// Show the configured prices beside what Stripe has
    List,
}

#[derive(Debug, Args)]
pub struct PricesCheckArgs {
    /// Also verify the application's env file: each PRICE_*=price_... must be that price
    #[arg(long, value_name = "FILE")]
    pub expect: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Store a Stripe key in the OS keyring (from a hidden prompt, or stdin with --stdin)
    Login(AuthLoginArgs),
    /// Show which key is in use: source, mode, type and last 4 characters (exit 1 if none)
    Status,
    /// Remove the stored key of the profile from the OS keyring
    Logout,
}

#[derive(Debug, Args)]
pub struct AuthLoginArgs {
    /// Read the key from the first line of stdin instead of prompting
    #[arg(long)]
    pub stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Show the store's path, schema version and row counts
    Status,
    /// Copy the store to FILE with SQLite's online backup API
    Backup(DbBackupArgs),
}

#[derive(Debug, Args)]
pub struct DbBackupArgs {
    /// Destination file (asks before replacing an existing one)
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    pub shell: clap_complete::Shell,
}
