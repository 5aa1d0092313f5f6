//! `billctl usage record|import|report|alerts|sync|reconcile|compact`.

use super::day;
use super::moment;
use super::parsers::at_least_one;
use super::parsers::usage_period;
use clap::Args;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum UsageCommand {
    /// Record one usage event for a key
    Record(UsageRecordArgs),
    /// Import usage events from NDJSON or CSV (all or nothing unless --skip-invalid)
    Import(UsageImportArgs),
    /// Usage against each tier's quota for a billing period
    Report(UsageReportArgs),
    /// List customers at or above a share of their quota (exit 1 when any)
    Alerts(UsageAlertsArgs),
    /// Send usage not yet sent to the Stripe meter, one event per customer and hour
    Sync(UsageSyncArgs),
    /// Compare local daily totals per customer with Stripe's meter summaries (exit 1 on any
    /// difference)
    Reconcile(UsageReconcileArgs),
    /// Drop raw events before a date, keeping rollups (and so reports) exact
    Compact(UsageCompactArgs),
    /// List usage events refused because their source and id were taken by an event with other
    /// content, from any route, newest first (exit 1 when any is listed)
    Conflicts(UsageConflictsArgs),
}

#[derive(Debug, Args)]
pub struct UsageConflictsArgs {
    /// Only conflicts where either event is this customer's
    #[arg(long)]
    pub customer: Option<String>,
    /// Only events from this source (a CloudEvent's `source`; '' is the events that name none)
    #[arg(long)]
    pub source: Option<String>,
    /// Only this event id
    #[arg(long, value_name = "EVENT_ID")]
    pub id: Option<String>,
    /// Only this route: usage import, usage record, /v1/usage/events, /api/v1/events, keys verify
    #[arg(long)]
    pub route: Option<String>,
    /// Only conflicts last seen at or after this time: RFC 3339, a date, unix seconds, or an age
    /// like 7d
    #[arg(long, value_name = "TIME", value_parser = moment)]
    pub since: Option<i64>,
    /// The newest N
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct UsageSyncArgs {
    /// Oldest usage to consider: RFC 3339, a date, unix seconds, or an age like 7d
    /// [default: Stripe's limit, 35 days ago]
    #[arg(long, value_name = "TIME", value_parser = moment)]
    pub since: Option<i64>,
    /// Meter events per second at most [default: usage.sync_rate in the config, else 25]
    #[arg(long, value_name = "N", value_parser = at_least_one::<u32>)]
    pub rate: Option<u32>,
    /// Requests in flight at once
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = at_least_one::<usize>)]
    pub concurrency: usize,
    /// Show what would be sent; send and record nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct UsageReconcileArgs {
    /// First UTC day: a date (2026-11-24), or any time (RFC 3339, unix seconds, an age like
    /// 30d) within it [default: 30 days before --to]
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub from: Option<i64>,
    /// Day after the last one compared (exclusive; same forms as --from) [default: tomorrow]
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub to: Option<i64>,
    /// Only this customer
    #[arg(long)]
    pub customer: Option<String>,
}

#[derive(Debug, Args)]
pub struct UsageCompactArgs {
    /// Drop raw events before this UTC day: a date (2026-11-24), or any time within it (RFC
    /// 3339, unix seconds, an age like 60d); it must be older than the dedup window
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub before: i64,
    /// Events deleted per transaction
    #[arg(long, default_value_t = 50_000, value_name = "N", value_parser = at_least_one::<usize>)]
    pub batch_size: usize,
}

pub use crate::ops::usage::report::ReportBy;

#[derive(Debug, Args)]
pub struct UsageReportArgs {
    /// Only this customer
    #[arg(long)]
    pub customer: Option<String>,
    /// Only this key id (its customer's period and quota)
    #[arg(long)]
    pub key: Option<String>,
    /// `current` (each customer's billing period, else the calendar month) or a month YYYY-MM
    #[arg(long, default_value = "current", value_parser = usage_period, conflicts_with_all = ["from", "to"])]
    pub period: crate::ops::usage::report::Period,
    /// Start of an explicit period: RFC 3339, a date, unix seconds, or an age like 7d
    /// [default with --to: 1970-01-01]
    #[arg(long, value_name = "TIME", value_parser = moment)]
    pub from: Option<i64>,
    /// End of an explicit period, exclusive (same forms as --from) [default with --from: now]
    #[arg(long, value_name = "TIME", value_parser = moment)]
    pub to: Option<i64>,
    /// One row per customer, per key, or per day
    #[arg(long, value_enum, default_value_t = ReportBy::Customer)]
    pub by: ReportBy,
    /// Print CSV instead of a table
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// Also write one self-contained HTML page (no network): the usage section of `billctl
    /// dashboard`, with a chart per customer (cumulative usage by day, quota, today, projection)
    #[arg(long, value_name = "FILE")]
    pub html: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct UsageAlertsArgs {
    /// Percent of the quota at or above which a customer is listed (100 = over quota)
    #[arg(long, default_value_t = 80.0)]
    pub threshold: f64,
}

#[derive(Debug, Args)]
pub struct UsageRecordArgs {
    /// Key id (the 8 characters after bk_test_ / bk_live_)
    #[arg(long)]
    pub key: String,
    /// Units of usage
    #[arg(long, default_value_t = 1)]
    pub quantity: i64,
    /// When the call happened: RFC 3339, a date, unix seconds, or an age like 5m [default: now]
    #[arg(long, value_name = "TIME", value_parser = moment)]
    pub at: Option<i64>,
    /// Event id; an id already recorded with the same content is counted once, with other
    /// content it is a conflict (exit 1) [default: a new random id]
    #[arg(long, value_name = "EVENT_ID")]
    pub id: Option<String>,
}

#[derive(Debug, Args)]
pub struct UsageImportArgs {
    /// File to read, or - for stdin
    pub file: String,
    /// Input format [default: from the extension: .ndjson/.jsonl/.json or .csv]
    #[arg(long, value_enum)]
    pub format: Option<crate::domain::usage::Format>,
    /// Give events without an id one made from a hash of their fields (key, customer, time
    /// in whole seconds, quantity, endpoint, meta, type). Two identical calls in the same
    /// second get the same id and count once: where that can happen, give each call its own id
    #[arg(long)]
    pub derive_ids: bool,
    /// Commit the valid events and write the invalid ones to --rejects
    #[arg(long, requires = "rejects")]
    pub skip_invalid: bool,
    /// Where --skip-invalid writes rejected lines, with reasons (JSON lines); an existing file
    /// is refused without --force, and the input itself and the store's files always. If it
    /// cannot be written once the events are committed, the summary says so and the exit code
    /// is 3
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<std::path::PathBuf>,
    /// Overwrite an existing --rejects file
    #[arg(long, requires = "rejects")]
    pub force: bool,
    /// Events per transaction
    #[arg(long, default_value_t = 100_000, value_name = "N", value_parser = at_least_one::<usize>)]
    pub batch_size: usize,
}
