//! `billctl dashboard`.

use super::parsers::usage_period;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// Write the page to FILE (mode 0600) instead of stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The usage section's billing period: `current` (each customer's) or a month YYYY-MM
    #[arg(long, default_value = "current", value_parser = usage_period)]
    pub period: crate::ops::usage::report::Period,
}
