//! `billctl setup-products`.

use clap::Args;
use std::path::PathBuf;

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
