//! `billctl audit list`.

use super::moment;
use clap::Args;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List audit entries, oldest first
    List(AuditListArgs),
}

#[derive(Debug, Args)]
pub struct AuditListArgs {
    /// Only entries since this time: RFC 3339, a date (2026-11-24), unix seconds, or an age like 7d
    #[arg(long, value_name = "TIME", value_parser = moment)]
    pub since: Option<i64>,
    /// Only this action (key.issue, key.rotate, key.revoke, catalog.apply)
    #[arg(long)]
    pub action: Option<String>,
}
