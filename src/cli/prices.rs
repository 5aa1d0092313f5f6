//! `billctl prices check|list`.

use clap::Args;
use clap::Subcommand;
use std::path::PathBuf;

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
