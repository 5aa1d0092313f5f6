//! The command-line interface: every clap type, one file per command group (as `commands/`),
//! value parsers in `parsers.rs`, the `keys verify` fast path in `keys_verify.rs`. Doc comments
//! are the help text.

use crate::output::ColorChoice;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

mod audit;
mod auth;
mod checkout;
mod completions;
mod customers;
mod dashboard;
mod db;
mod early;
mod invoices;
mod keys;
mod keys_verify;
mod parsers;
mod refused;
pub(crate) use parsers::parse_url;
mod payments;
mod prices;
mod revenue;
mod serve;
mod setup_products;
mod subscriptions;
mod usage;
mod webhooks;

pub use audit::{AuditCommand, AuditListArgs};
pub use auth::{AuthCommand, AuthLoginArgs};
pub use checkout::{CheckoutCommand, CheckoutCreateArgs, CheckoutMode};
pub use completions::{CompletionsArgs, DoctorArgs};
pub use customers::{
    CustomersCommand, CustomersCreateArgs, CustomersListArgs, CustomersUpdateArgs,
};
pub use dashboard::DashboardArgs;
pub use db::{DbBackupArgs, DbCommand, DbCopyArgs, DbRestoreArgs};
pub use early::{empty_option_vars_are_unset, service_of, OPTION_VARS};
pub use invoices::{InvoiceArg, InvoicePayArgs, InvoicesCommand, InvoicesListArgs};
pub use keys::{
    KeyStatus, KeysCommand, KeysIssueArgs, KeysListArgs, KeysRevokeArgs, KeysRotateArgs,
    KeysVerifyArgs,
};
pub use keys_verify::parse_keys_verify;
pub use parsers::LogFormat;
pub use payments::{
    PaymentMethodArg, PaymentMethodAttachArgs, PaymentMethodDefaultArgs, PaymentMethodsCommand,
    PortalCommand, PortalCreateArgs,
};
pub use prices::{PricesCheckArgs, PricesCommand};
pub use refused::{grammar, refusal_text};
pub use revenue::{RevenueArgs, RevenueBy};
pub use serve::{
    ServeArgs, ServeCommand, ServeRunArgs, TokensCommand, TokensIssueArgs, TokensRevokeArgs,
};
pub use setup_products::SetupProductsArgs;
pub use subscriptions::{
    Collection, PaymentBehavior, QuantityArg, SubscriptionsCancelArgs, SubscriptionsChangeArgs,
    SubscriptionsCommand, SubscriptionsCreateArgs, SubscriptionsListArgs, SubscriptionsSyncArgs,
};
pub use usage::{
    UsageAlertsArgs, UsageCommand, UsageCompactArgs, UsageConflictsArgs, UsageImportArgs,
    UsageReconcileArgs, UsageRecordArgs, UsageReportArgs, UsageSyncArgs,
};
pub use webhooks::{
    EndpointCommand, EndpointCreateArgs, EndpointDeleteArgs, EventStatus, EventWindow,
    WebhooksBackfillArgs, WebhooksCommand, WebhooksIngestArgs, WebhooksListArgs,
    WebhooksListenArgs, WebhooksReplayArgs, WebhooksReprocessArgs, WebhooksShowArgs,
    WebhooksVerifyArgs,
};

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
    crate::domain::time::parse_moment(s, crate::domain::clock::now())
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
    /// Serve key verification, quotas and usage over HTTP to API services in any language
    #[command(long_about = serve_long_about())]
    Serve(ServeArgs),
    /// Check the whole setup: Stripe key, clock, catalog, webhook endpoint and deliveries,
    /// mirror, meters, store (schema, integrity, disk) and keys; exit 0 all ok, 1 any warning
    /// or failure, 2 if doctor itself could not run
    Doctor(DoctorArgs),
    /// Print a shell completion script, or write man pages (--man DIR)
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct CustomerArg {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
}

#[derive(Debug, Args)]
pub struct IdArg {
    /// Stripe id
    pub id: String,
}

/// `serve --help`: what it does, and every route it serves, from the route table itself (so
/// the list cannot leave one out).
fn serve_long_about() -> String {
    format!(
        "Serve key verification, quotas and usage over HTTP to API services in any language.\n\n\
         Routes (each for a caller with a service token, 'serve tokens issue'; the probes \
         /healthz and /readyz need none):\n{}\n\n\
         Listens on loopback unless told otherwise; outside loopback it needs TLS or \
         --plain-http. Recorded verifies that arrive together share one transaction. SIGTERM or \
         Ctrl-C drains the requests in flight, then exits 0; SIGHUP re-reads the TLS files, the \
         tokens and the cached keys, and never stops it.",
        crate::api::routes::listing()
    )
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
