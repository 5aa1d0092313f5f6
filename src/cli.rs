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

/// A moment given on the command line: the clap value parser of every moment flag (the
/// grammar is `time::parse_moment`'s). An age is counted back from the process clock.
pub fn moment(s: &str) -> Result<i64, String> {
    crate::time::parse_moment(s, crate::clock::now())
}

/// A moment given on the command line, rounded down to the start of its UTC day: the clap
/// value parser of flags that name a day.
pub fn day(s: &str) -> Result<i64, String> {
    moment(s).map(|t| t.div_euclid(86_400) * 86_400)
}

/// Flags every command takes (shown under their own heading, after a command's own options).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
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
    /// More detail on stderr: -v logs every Stripe request (method, path, status, request id),
    /// -vv and -vvv add billctl's own steps. Secrets are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
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
    /// Create, update, list and show customers
    #[command(subcommand)]
    Customers(CustomersCommand),
    /// List, attach, detach and choose customers' payment methods
    #[command(subcommand, name = "payment-methods")]
    PaymentMethods(PaymentMethodsCommand),
    /// Create a Stripe billing portal link, where a customer manages cards, invoices and plan
    #[command(subcommand)]
    Portal(PortalCommand),
    /// Create, change, cancel, list and sync subscriptions
    #[command(subcommand)]
    Subscriptions(SubscriptionsCommand),
    /// Create Stripe Checkout links for a tier
    #[command(subcommand)]
    Checkout(CheckoutCommand),
    /// Issue, list, rotate, revoke and verify API keys (stored only as hashes)
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Read the audit log of administrative actions
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Record, import and report API usage; alert on quotas; sync to Stripe meters; compact
    #[command(subcommand)]
    Usage(UsageCommand),
    /// Revenue: MRR by tier and currency, subscribers, ARPA and the month's movements
    Revenue(RevenueArgs),
    /// Write the billing dashboard: one self-contained HTML page (revenue, subscribers, usage
    /// against quota with a chart per customer, API keys, webhooks)
    ///
    /// No network and no external scripts: inline CSS, SVG and a little JavaScript for sorting
    /// and filtering (the page reads the same without it). With --json, the page's data.
    Dashboard(DashboardArgs),
    /// Receive, store, apply, list, replay and backfill Stripe webhooks; manage the endpoint
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// List, show, pay, void and send invoices
    #[command(subcommand)]
    Invoices(InvoicesCommand),
    /// Store, inspect or remove the Stripe key in the OS keyring
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Inspect or back up the local store
    #[command(subcommand)]
    Db(DbCommand),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

pub use crate::ops::revenue::RevenueBy;

#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// Write the page to FILE (mode 0600) instead of stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The usage section's billing period: `current` (each customer's) or a month YYYY-MM
    #[arg(long, default_value = "current", value_parser = usage_period)]
    pub period: String,
}

/// `current` or a month `YYYY-MM`.
fn usage_period(s: &str) -> Result<String, String> {
    if s == "current" {
        return Ok(s.to_string());
    }
    crate::time::parse_month(s).map(|_| s.to_string())
}

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
    #[arg(long, value_name = "MONTH", value_parser = crate::time::parse_month)]
    pub from: Option<(i64, i64)>,
    /// Last month of --by month (YYYY-MM; default: the month of --as-of)
    #[arg(long, value_name = "MONTH", value_parser = crate::time::parse_month)]
    pub to: Option<(i64, i64)>,
    /// Print CSV instead of a table
    #[arg(long, conflicts_with = "html")]
    pub csv: bool,
    /// Also write a self-contained HTML page with SVG charts (MRR by month stacked by tier,
    /// subscribers by tier) to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
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
    /// Show both store files' paths, schema versions and row counts
    Status,
    /// Back up both store files (billctl.db and webhooks.db), consistently, into a new directory
    Backup(DbBackupArgs),
    /// Restore both store files from a backup directory (asks first; keeps the current state)
    Restore(DbRestoreArgs),
    /// Apply the store's migrations (SQLite, or Postgres under an advisory lock)
    Migrate,
    /// Copy the SQLite store into an empty Postgres database, or back; verified by counts and sums
    Copy(DbCopyArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("direction").required(true).args(["to", "from"])))]
pub struct DbCopyArgs {
    /// Copy the SQLite store in the data dir into this empty Postgres database
    /// (postgres://user@host/db, no password: set BILLCTL_DATABASE_PASSWORD)
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// Copy this Postgres database into the empty SQLite store in the data dir
    #[arg(long, value_name = "URL")]
    pub from: Option<String>,
}

#[derive(Debug, Args)]
pub struct DbBackupArgs {
    /// Destination directory (asks before replacing an existing one)
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct DbRestoreArgs {
    /// A directory written by `db backup`
    pub dir: PathBuf,
    /// Check the backup (manifest, checksums, integrity, schema) and change nothing
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    pub shell: clap_complete::Shell,
}

/// `KEY=VALUE`, for `--metadata`.
fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() && k.len() <= 40 && v.len() <= 500 => {
            Ok((k.to_string(), v.to_string()))
        }
        _ => Err(format!(
            "expected KEY=VALUE (key up to 40, value up to 500 characters), got {s:?}"
        )),
    }
}

#[derive(Debug, Subcommand)]
pub enum CustomersCommand {
    /// Create a customer (asks first when the email is already used)
    Create(CustomersCreateArgs),
    /// List customers, every page
    List(CustomersListArgs),
    /// Show a customer with its subscriptions, tier, access, payment state and API-key count
    Show(IdArg),
    /// Change a customer's email, name or metadata
    Update(CustomersUpdateArgs),
}

#[derive(Debug, Args)]
pub struct CustomersUpdateArgs {
    /// Customer id (cus_...)
    pub id: String,
    /// New email address
    #[arg(long)]
    pub email: Option<String>,
    /// New name
    #[arg(long)]
    pub name: Option<String>,
    /// Set metadata KEY=VALUE (repeatable)
    #[arg(long = "metadata", value_name = "KEY=VALUE", value_parser = key_value)]
    pub metadata: Vec<(String, String)>,
    /// Remove metadata KEY (repeatable)
    #[arg(long = "unset-metadata", value_name = "KEY")]
    pub unset_metadata: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum PaymentMethodsCommand {
    /// List a customer's payment methods (brand and last four only)
    List(CustomerArg),
    /// Attach a payment method to a customer (in test mode, Stripe's test methods such as
    /// pm_card_visa; billctl never takes card numbers)
    Attach(PaymentMethodAttachArgs),
    /// Detach a payment method from its customer
    Detach(PaymentMethodArg),
    /// Make a payment method the customer's default for invoices
    Default(PaymentMethodDefaultArgs),
}

#[derive(Debug, Args)]
pub struct CustomerArg {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
}

#[derive(Debug, Args)]
pub struct PaymentMethodArg {
    /// Payment method id (pm_...)
    pub payment_method: String,
}

#[derive(Debug, Args)]
pub struct PaymentMethodAttachArgs {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
    /// Payment method id (pm_...; in test mode also pm_card_visa and Stripe's other test
    /// methods)
    pub payment_method: String,
    /// Also make it the customer's default for invoices
    #[arg(long)]
    pub default: bool,
}

#[derive(Debug, Args)]
pub struct PaymentMethodDefaultArgs {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
    /// Payment method id (pm_...)
    pub payment_method: String,
}

#[derive(Debug, Subcommand)]
pub enum PortalCommand {
    /// Create a billing portal session and print its URL (valid for a short while)
    Create(PortalCreateArgs),
}

#[derive(Debug, Args)]
pub struct PortalCreateArgs {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
    /// Where the portal's return link goes [default: portal.return_url in the config]
    #[arg(long, value_name = "URL")]
    pub return_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct CustomersCreateArgs {
    /// Email address
    #[arg(long)]
    pub email: String,
    /// Name
    #[arg(long)]
    pub name: Option<String>,
    /// Metadata as KEY=VALUE (repeatable)
    #[arg(long = "metadata", value_name = "KEY=VALUE", value_parser = key_value)]
    pub metadata: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct CustomersListArgs {
    /// Only customers with this exact email
    #[arg(long)]
    pub email: Option<String>,
}

#[derive(Debug, Args)]
pub struct IdArg {
    /// Stripe id
    pub id: String,
}

/// How Stripe bills a mid-period change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Proration {
    /// Credit and charge the difference on the next invoice (Stripe's default)
    CreateProrations,
    /// No proration: the new price applies from the next period's invoice
    None,
    /// Invoice the difference now
    AlwaysInvoice,
}

impl Proration {
    pub fn as_str(self) -> &'static str {
        match self {
            Proration::CreateProrations => "create_prorations",
            Proration::None => "none",
            Proration::AlwaysInvoice => "always_invoice",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum SubscriptionsCommand {
    /// Subscribe a customer to a tier (refused if the customer already has one: use change)
    Create(SubscriptionsCreateArgs),
    /// Move a subscription to another tier (upgrade or downgrade)
    Change(SubscriptionsChangeArgs),
    /// Cancel a subscription now, or at the end of its period (asks first)
    Cancel(SubscriptionsCancelArgs),
    /// List subscriptions from Stripe, every page
    List(SubscriptionsListArgs),
    /// Show one subscription
    Show(IdArg),
    /// Refresh the local mirror of customers and subscriptions from Stripe
    Sync(SubscriptionsSyncArgs),
}

#[derive(Debug, Args)]
pub struct SubscriptionsSyncArgs {
    /// Also build the subscription history (for `revenue`) from Stripe: the last 30 days
    /// from its events, older changes from each subscription's start date and canceled times;
    /// only before what the history already holds
    #[arg(long)]
    pub backfill_history: bool,
}

#[derive(Debug, Args)]
pub struct SubscriptionsCreateArgs {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
    /// Tier id from the config (pro, team, enterprise...)
    #[arg(long)]
    pub tier: String,
    /// Days of free trial [default: the tier's trial_days in the config, else none]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=730))]
    pub trial_days: Option<u32>,
    /// How the invoices are paid: charged to the default payment method, or sent to the
    /// customer to pay by a due date
    #[arg(long, value_enum, default_value_t = Collection::Charge)]
    pub collection: Collection,
    /// With --collection invoice: days the customer has to pay each invoice
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=730))]
    pub days_until_due: u32,
    /// What to do when the first payment does not go through
    #[arg(long, value_enum, default_value_t = PaymentBehavior::AllowIncomplete)]
    pub payment_behavior: PaymentBehavior,
}

/// How a subscription's invoices are paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Collection {
    /// Charged automatically to the default payment method
    Charge,
    /// Sent to the customer, who pays by the due date
    Invoice,
}

/// Stripe's `payment_behavior` for a new subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PaymentBehavior {
    /// Create it even when the first payment fails (status incomplete)
    AllowIncomplete,
    /// Create it incomplete without trying to charge; the customer pays the first invoice
    DefaultIncomplete,
    /// Create nothing when the first payment fails
    ErrorIfIncomplete,
}

impl PaymentBehavior {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentBehavior::AllowIncomplete => "allow_incomplete",
            PaymentBehavior::DefaultIncomplete => "default_incomplete",
            PaymentBehavior::ErrorIfIncomplete => "error_if_incomplete",
        }
    }
}

#[derive(Debug, Args)]
pub struct SubscriptionsChangeArgs {
    /// Subscription id (sub_...)
    pub id: String,
    /// The tier to move to
    #[arg(long)]
    pub tier: String,
    /// How to bill the change
    #[arg(long, value_enum, default_value_t = Proration::CreateProrations)]
    pub proration: Proration,
}

#[derive(Debug, Args)]
pub struct SubscriptionsCancelArgs {
    /// Subscription id (sub_...)
    pub id: String,
    /// Keep it until the end of the current period instead of ending it now
    #[arg(long)]
    pub at_period_end: bool,
}

#[derive(Debug, Args)]
pub struct SubscriptionsListArgs {
    /// Only this customer's subscriptions
    #[arg(long)]
    pub customer: Option<String>,
    /// Only subscriptions on this tier ("unknown" for prices outside the catalog)
    #[arg(long)]
    pub tier: Option<String>,
    /// Only these Stripe statuses, comma-separated (active, past_due, unpaid, trialing,
    /// incomplete, canceled...); default: all
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(crate::config::SUBSCRIPTION_STATUSES))]
    pub status: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum CheckoutCommand {
    /// Create a Checkout Session for a tier and print its URL
    Create(CheckoutCreateArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["customer", "email"])))]
pub struct CheckoutCreateArgs {
    /// Tier id from the config (needed in subscription mode)
    #[arg(long, required_if_eq("mode", "subscription"))]
    pub tier: Option<String>,
    /// An existing customer (cus_...)
    #[arg(long)]
    pub customer: Option<String>,
    /// Email for a new customer, created by Stripe when they pay
    #[arg(long)]
    pub email: Option<String>,
    /// Your own reference, returned on the session and its webhook
    #[arg(long)]
    pub client_reference_id: Option<String>,
    /// subscription: the customer subscribes to the tier; setup: the customer only enters a
    /// card for later charges (needs --customer)
    #[arg(long, value_enum, default_value_t = CheckoutMode::Subscription)]
    pub mode: CheckoutMode,
}

/// What a Checkout Session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckoutMode {
    Subscription,
    Setup,
}

#[derive(Debug, Subcommand)]
pub enum InvoicesCommand {
    /// List a customer's invoices, newest first
    List(InvoicesListArgs),
    /// Show one invoice, with why its payment failed when it did
    Show(InvoiceArg),
    /// Charge an open invoice now (asks first: money moves)
    Pay(InvoicePayArgs),
    /// Void an open invoice for good (asks first)
    Void(InvoiceArg),
    /// E-mail an open send-invoice invoice to the customer
    Send(InvoiceArg),
}

#[derive(Debug, Args)]
pub struct InvoiceArg {
    /// Invoice id (in_...)
    pub invoice: String,
}

#[derive(Debug, Args)]
pub struct InvoicePayArgs {
    /// Invoice id (in_...)
    pub invoice: String,
    /// Charge this payment method instead of the default (pm_...)
    #[arg(long, value_name = "PM")]
    pub payment_method: Option<String>,
}

#[derive(Debug, Args)]
pub struct InvoicesListArgs {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
    /// Only invoices with this status
    #[arg(long, value_parser = ["draft", "open", "paid", "void", "uncollectible"])]
    pub status: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Issue a key to a customer; the key is printed once and never again
    Issue(KeysIssueArgs),
    /// List keys (never their secrets)
    List(KeysListArgs),
    /// Show one key's record
    Show(IdArg),
    /// Revoke keys now (asks first)
    Revoke(KeysRevokeArgs),
    /// Replace a key: the new one copies name, customer and expiry policy; the old one keeps
    /// working until the grace period ends
    Rotate(KeysRotateArgs),
    /// Check a key read from stdin (never from the command line); exit 0 valid, 1 invalid
    Verify(KeysVerifyArgs),
}

#[derive(Debug, Args)]
pub struct KeysIssueArgs {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
    /// A name to tell keys apart ("production", "ci")
    #[arg(long)]
    pub name: Option<String>,
    /// Lifetime, like 90d, 12h or 2w (at most 100 years); default: no expiry
    #[arg(long, value_name = "DURATION", value_parser = crate::time::positive_span)]
    pub expires_in: Option<i64>,
}

/// Key states for `keys list --status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyStatus {
    Active,
    Revoked,
    Expired,
}

#[derive(Debug, Args)]
pub struct KeysListArgs {
    /// Only this customer's keys
    #[arg(long)]
    pub customer: Option<String>,
    /// Only keys in this state
    #[arg(long, value_enum)]
    pub status: Option<KeyStatus>,
}

#[derive(Debug, Args)]
pub struct KeysRevokeArgs {
    /// Key ids (the 8 characters after bk_test_ / bk_live_)
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Why, for the audit log
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct KeysRotateArgs {
    /// Key id
    pub id: String,
    /// How long the old key keeps working, like 24h or 0s
    #[arg(long, default_value = "24h", value_name = "DURATION", value_parser = crate::time::span)]
    pub grace: i64,
}

#[derive(Debug, Args)]
pub struct KeysVerifyArgs {
    /// Also record one usage event when the key is valid
    #[arg(long)]
    pub record: bool,
}

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

pub use crate::ops::report::ReportBy;

#[derive(Debug, Args)]
pub struct UsageReportArgs {
    /// Only this customer
    #[arg(long)]
    pub customer: Option<String>,
    /// Only this key id (its customer's period and quota)
    #[arg(long)]
    pub key: Option<String>,
    /// `current` (each customer's billing period, else the calendar month) or a month YYYY-MM
    #[arg(long, default_value = "current", conflicts_with_all = ["from", "to"])]
    pub period: String,
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
    /// Event id; an id already recorded is counted once [default: a new random id]
    #[arg(long, value_name = "EVENT_ID")]
    pub id: Option<String>,
}

#[derive(Debug, Args)]
pub struct UsageImportArgs {
    /// File to read, or - for stdin
    pub file: String,
    /// Input format [default: from the extension: .ndjson/.jsonl/.json or .csv]
    #[arg(long, value_enum)]
    pub format: Option<crate::usage::Format>,
    /// Give events without an id one made from a hash of their fields
    #[arg(long)]
    pub derive_ids: bool,
    /// Commit the valid events and write the invalid ones to --rejects
    #[arg(long, requires = "rejects")]
    pub skip_invalid: bool,
    /// Where --skip-invalid writes rejected lines, with reasons (JSON lines); an existing file
    /// is refused without --force, and the input itself always
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<std::path::PathBuf>,
    /// Overwrite an existing --rejects file
    #[arg(long, requires = "rejects")]
    pub force: bool,
    /// Events per transaction
    #[arg(long, default_value_t = 100_000, value_name = "N", value_parser = at_least_one::<usize>)]
    pub batch_size: usize,
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Receive Stripe webhook deliveries over HTTP: verify, store durably, answer, then apply
    ///
    /// Every request is recorded (headers, result, receive time); a bad or stale signature,
    /// malformed JSON or an oversized body gets a 4xx and is never applied. Events are stored
    /// once per id. Secrets come from --secret-env variables or the keyring entries that
    /// 'webhooks endpoint create' saved. Stops on Ctrl-C or SIGTERM.
    Listen(WebhooksListenArgs),
    /// Store events from a file (one JSON event or NDJSON, '-' for stdin) and apply them, as
    /// listen would (no signature: the file is trusted)
    Ingest(WebhooksIngestArgs),
    /// Re-apply stored events, oldest first (all matching, or only --failed)
    Reprocess(WebhooksReprocessArgs),
    /// List stored events (or rejected requests with --status rejected), oldest first
    List(WebhooksListArgs),
    /// Show one stored event: its outcome, the requests that brought it, replays, and the
    /// payload
    Show(WebhooksShowArgs),
    /// Check a Stripe-Signature header against a body read from stdin (for debugging)
    Verify(WebhooksVerifyArgs),
    /// POST stored events to a URL again, each re-signed with a fresh timestamp
    ///
    /// Every delivery is recorded (status, latency, start of the answer) under a run id;
    /// --resume RUN_ID sends only what that run has not delivered yet. Exits 1 if any
    /// delivery failed. Each run is appended to the audit log.
    Replay(WebhooksReplayArgs),
    /// Page through Stripe's /v1/events (kept 30 days) and store and apply the events this
    /// store lacks, oldest first: after listen was down, then 'replay' pushes them on
    Backfill(WebhooksBackfillArgs),
    /// Register, list and delete the Stripe webhook endpoints billctl receives on
    #[command(subcommand)]
    Endpoint(EndpointCommand),
}

#[derive(Debug, Args)]
pub struct WebhooksReplayArgs {
    /// Only these events
    #[arg(value_name = "EVT_ID")]
    pub ids: Vec<String>,
    /// Also send events that came in through 'webhooks ingest' (their origin was never
    /// verified; they are signed with the endpoint secret all the same)
    #[arg(long)]
    pub include_unverified: bool,
    /// Only events whose last apply failed
    #[arg(long)]
    pub failed: bool,
    #[command(flatten)]
    pub window: EventWindow,
    /// Where to POST (http:// or https://); with --resume, the run's URL is used
    #[arg(long, value_name = "URL", required_unless_present = "resume")]
    pub to: Option<String>,
    /// Environment variable holding the secret to sign with (whsec_...). Default: the first
    /// webhook secret in the keyring
    #[arg(long = "secret-env", value_name = "VAR")]
    pub secret_env: Option<String>,
    /// Deliveries in flight at once
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = at_least_one::<usize>)]
    pub concurrency: usize,
    /// At most this many deliveries per second (N or N/s)
    #[arg(long, value_name = "N/s", value_parser = crate::webhooks::replay::parse_rate)]
    pub rate: Option<f64>,
    /// Seconds to wait for each answer
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = at_least_one::<u64>)]
    pub timeout: u64,
    /// List what would be sent, send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Continue run RUN_ID: same URL and selection, skipping events it delivered
    #[arg(long, value_name = "RUN_ID", conflicts_with_all = ["ids", "failed", "kind", "since", "until"])]
    pub resume: Option<String>,
}

#[derive(Debug, Args)]
pub struct WebhooksBackfillArgs {
    /// How far back: an age like 72h or 7d, a date, unix seconds or RFC 3339 (Stripe keeps
    /// events for 30 days)
    #[arg(long, default_value = "72h", value_name = "TIME", value_parser = moment)]
    pub since: i64,
    /// Only event types matching this glob (customer.subscription.*)
    #[arg(long = "type", value_name = "GLOB")]
    pub kind: Option<String>,
    /// Store the missing events without applying them
    #[arg(long)]
    pub no_apply: bool,
}

#[derive(Debug, Subcommand)]
pub enum EndpointCommand {
    /// Create a Stripe webhook endpoint for the event types billctl applies, and keep its
    /// signing secret in the keyring (listen and replay use it from there)
    Create(EndpointCreateArgs),
    /// List the account's webhook endpoints
    List,
    /// Delete a webhook endpoint (asks first) and forget its secret
    Delete(EndpointDeleteArgs),
}

#[derive(Debug, Args)]
pub struct EndpointCreateArgs {
    /// The public URL Stripe will POST to (https://.../stripe/webhooks)
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// A description shown in the Stripe Dashboard
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
}

#[derive(Debug, Args)]
pub struct EndpointDeleteArgs {
    /// Endpoint id (we_...)
    #[arg(value_name = "WE_ID")]
    pub id: String,
}

#[derive(Debug, Args)]
pub struct WebhooksListenArgs {
    /// Address to listen on (port 0 picks a free one; the address is printed first)
    #[arg(long, default_value = "127.0.0.1:4242", value_name = "ADDR:PORT")]
    pub bind: String,
    /// URL path that receives deliveries
    #[arg(long, default_value = "/stripe/webhooks", value_name = "PATH")]
    pub path: String,
    /// Environment variable holding an endpoint secret (whsec_...); repeat it during a
    /// rotation. Default: the secrets 'webhooks endpoint create' stored in the keyring.
    #[arg(long = "secret-env", value_name = "VAR")]
    pub secret_env: Vec<String>,
    /// Seconds the signature's timestamp may be from now
    #[arg(long, default_value_t = crate::webhooks::DEFAULT_TOLERANCE_SECS, value_name = "SECS", value_parser = clap::value_parser!(i64).range(0..))]
    pub tolerance: i64,
    /// Largest body accepted, in bytes (larger ones get 413)
    #[arg(long, default_value_t = 1_048_576, value_name = "BYTES", value_parser = at_least_one::<usize>)]
    pub max_body: usize,
    /// Refused (unsigned or bad) requests kept at most, for 'webhooks list --status rejected';
    /// only their time, path, reason, length and digest are kept, never their body
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub max_rejected: u64,
    /// How long refused requests are kept
    #[arg(long, default_value = "7d", value_name = "DURATION", value_parser = crate::time::positive_span)]
    pub rejected_retention: i64,
    /// Connections at once; past it, new ones are answered 503
    #[arg(long, default_value_t = 1024, value_name = "N", value_parser = at_least_one::<usize>)]
    pub max_connections: usize,
    /// Time to read a request's headers
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = crate::time::positive_span)]
    pub header_timeout: i64,
    /// Time to read a request's body
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = crate::time::positive_span)]
    pub body_timeout: i64,
    /// Time for a whole request, answer included
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = crate::time::positive_span)]
    pub request_timeout: i64,
    /// A keep-alive connection without a request is closed after this
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = crate::time::positive_span)]
    pub idle_timeout: i64,
    /// Apply the object as Stripe has it now (fetched with the Stripe key) instead of the
    /// event's copy
    #[arg(long)]
    pub refetch: bool,
}

#[derive(Debug, Args)]
pub struct WebhooksIngestArgs {
    /// File of events: one JSON event, or one event per line; '-' reads stdin
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Apply the objects as Stripe has them now instead of the events' copies
    #[arg(long)]
    pub refetch: bool,
}

#[derive(Debug, Args)]
pub struct WebhooksReprocessArgs {
    /// Only these events
    #[arg(value_name = "EVT_ID")]
    pub ids: Vec<String>,
    /// Only events whose last apply failed
    #[arg(long)]
    pub failed: bool,
    #[command(flatten)]
    pub window: EventWindow,
    /// Apply the objects as Stripe has them now instead of the events' copies
    #[arg(long)]
    pub refetch: bool,
}

/// Which stored events, by type and creation time.
#[derive(Debug, Args)]
pub struct EventWindow {
    /// Only event types matching this glob (customer.subscription.*, invoice.*)
    #[arg(long = "type", value_name = "GLOB")]
    pub kind: Option<String>,
    /// Only events created since: RFC 3339, a date, unix seconds, or an age like 72h
    #[arg(long, value_name = "TIME", value_parser = moment)]
    pub since: Option<i64>,
    /// Only events created before this time (same forms as --since)
    #[arg(long, value_name = "TIME", value_parser = moment)]
    pub until: Option<i64>,
}

/// `--status` of `webhooks list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EventStatus {
    Applied,
    Ignored,
    Failed,
    Pending,
    /// Requests listen refused (bad signature, malformed, too large)
    Rejected,
}

#[derive(Debug, Args)]
pub struct WebhooksListArgs {
    #[command(flatten)]
    pub window: EventWindow,
    /// Only events with this outcome, or the rejected requests
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<EventStatus>,
    /// At most this many rows (the oldest matching)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct WebhooksShowArgs {
    /// Event id (evt_...)
    #[arg(value_name = "EVT_ID")]
    pub id: String,
}

#[derive(Debug, Args)]
pub struct WebhooksVerifyArgs {
    /// Environment variable holding an endpoint secret (whsec_...); repeat it for the secrets
    /// of a rotation. Secrets never go on the command line.
    #[arg(long = "secret-env", value_name = "VAR", required = true)]
    pub secret_env: Vec<String>,
    /// The Stripe-Signature header value (t=...,v1=...)
    #[arg(long, value_name = "HEADER")]
    pub header: String,
    /// Seconds the signature's timestamp may be from now
    #[arg(long, default_value_t = crate::webhooks::DEFAULT_TOLERANCE_SECS, value_name = "SECS", value_parser = clap::value_parser!(i64).range(0..))]
    pub tolerance: i64,
}

/// Parses `billctl keys verify [FLAGS]` with a grammar of just that path, or returns `None`
/// for anything else (including `--help` and every error), which the caller then parses with
/// the whole tree.
///
/// `keys verify` runs once per API call in some deployments. Building clap's full command tree
/// and propagating the global flags through it costs more instructions than the verification
/// itself; this grammar is a strict subset of the full one (same argument definitions, same
/// global flags and environment variables), so whatever it accepts means the same there.
pub fn parse_keys_verify(args: &[std::ffi::OsString]) -> Option<Cli> {
    use clap::FromArgMatches as _;
    if args.get(1..3)? != ["keys", "verify"] {
        return None;
    }
    // The global flags sit on `verify` itself, not global: propagating global flags through
    // the levels is most of clap's cost, and here they can only come after `verify`.
    let verify = Global::augment_args(KeysVerifyArgs::augment_args(clap::Command::new("verify")))
        .mut_args(|a| a.global(false));
    let keys = clap::Command::new("keys")
        .subcommand_required(true)
        .subcommand(verify);
    let matches = clap::Command::new("billctl")
        .subcommand_required(true)
        .subcommand(keys)
        .try_get_matches_from(args)
        .ok()?;
    let (_, keys) = matches.subcommand().filter(|(n, _)| *n == "keys")?;
    let (_, verify) = keys.subcommand().filter(|(n, _)| *n == "verify")?;
    Some(Cli {
        global: Global::from_arg_matches(verify).ok()?,
        command: Some(Command::Keys(KeysCommand::Verify(
            KeysVerifyArgs::from_arg_matches(verify).ok()?,
        ))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    fn full(args: &[&str]) -> Option<Cli> {
        let m = Cli::command().try_get_matches_from(args).ok()?;
        Cli::from_arg_matches(&m).ok()
    }

    fn fast(args: &[&str]) -> Option<Cli> {
        let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
        parse_keys_verify(&args)
    }

    #[test]
    fn the_keys_verify_grammar_agrees_with_the_whole_tree() {
        for args in [
            &["billctl", "keys", "verify"][..],
            &["billctl", "keys", "verify", "--record"],
            &["billctl", "keys", "verify", "--json", "-vvv", "--record"],
            &[
                "billctl",
                "keys",
                "verify",
                "--profile",
                "p",
                "--data-dir",
                "/tmp/x",
            ],
            &[
                "billctl",
                "keys",
                "verify",
                "--config=a.toml",
                "--color",
                "never",
                "-q",
                "-y",
            ],
        ] {
            let want = full(args).expect("the whole tree accepts it");
            let got = fast(args).unwrap_or_else(|| panic!("{args:?} not taken by the fast path"));
            assert_eq!(format!("{got:?}"), format!("{want:?}"), "{args:?}");
        }
    }

    #[test]
    fn everything_else_falls_back_to_the_whole_tree() {
        for args in [
            &["billctl", "keys", "list"][..],
            // Flags before `verify` are left to the whole tree (still correct, not fast).
            &["billctl", "--json", "keys", "verify"],
            &["billctl", "keys", "--data-dir", "/tmp/x", "verify"],
            &["billctl", "keys", "verify", "--help"],
            &["billctl", "keys", "verify", "--version"],
            &["billctl", "keys", "verify", "extra"],
            &["billctl", "keys", "verify", "--nope"],
            &["billctl", "--profile", "keys", "verify"],
            &["billctl", "keys", "verify", "-q", "-v"],
            &["billctl", "usage", "keys", "verify"],
        ] {
            assert!(
                fast(args).is_none(),
                "{args:?} must be parsed by the whole tree"
            );
        }
    }
}

/// A count that must be 1 or more (`--concurrency`, `--batch-size`, `--timeout`...).
fn at_least_one<T>(s: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + From<u8>,
{
    match s.trim().parse::<T>() {
        Ok(n) if n >= T::from(1) => Ok(n),
        Ok(_) => Err("must be at least 1".into()),
        Err(_) => Err("expected a whole number, 1 or more".into()),
    }
}
