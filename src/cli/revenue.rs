//! `billctl revenue`.

use super::day;
use clap::Args;
use std::path::PathBuf;

pub use crate::ops::revenue::RevenueBy;

#[derive(Debug, Args)]
pub struct RevenueArgs {
    /// Report as of the end of this UTC day (default: now): MRR then, and its month's
    /// movements up to it
    #[arg(long, value_name = "DAY", value_parser = day)]
    pub as_of: Option<i64>,
    /// tier: MRR and subscribers by tier; month: MRR and movements month by month
    #[arg(long, value_enum, default_value_t = RevenueBy::Tier)]
    pub by: RevenueBy,
    /// First month of --by month (YYYY-MM; default: eleven months before --to)
    #[arg(long, value_name = "MONTH", value_parser = crate::domain::time::parse_month)]
    pub from: Option<(i64, i64)>,
    /// Last month of --by month (YYYY-MM; default: the month of --as-of)
    #[arg(long, value_name = "MONTH", value_parser = crate::domain::time::parse_month)]
    pub to: Option<(i64, i64)>,
    /// Print CSV instead of a table
    #[arg(long, conflicts_with = "html")]
    pub csv: bool,
    /// Also write a self-contained HTML page with SVG charts (MRR by month stacked by tier,
    /// subscribers by tier) to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}
