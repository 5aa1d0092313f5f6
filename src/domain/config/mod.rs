//! Settings: the TOML config file (the catalog of tiers and prices, Stripe, Checkout, usage,
//! access and store settings), parsed strictly, validated, and reported with file, line and
//! key on any mistake.
//!
//! The parts, as cargo separates its raw manifest from the resolved one: `raw.rs` is the serde
//! schema as written; `error.rs` locates mistakes; `load.rs` finds and reads the file;
//! `parse.rs` validates it into [`Config`], one file per section (`stripe.rs`, `access.rs`,
//! `usage.rs`, `tiers.rs`). The catalog it resolves to is `crate::domain::catalog::model`; the
//! currency rules are `crate::domain::money`'s. It knows no other domain module and no store: the
//! store URL stays a string, which the store parses.

use crate::domain::catalog::model::{MeterSpec, PriceSpec, Tier};
use std::path::{Path, PathBuf};

mod access;
mod api_base;
mod error;
mod load;
mod parse;
mod raw;
mod stripe;
mod tiers;
mod usage;

pub use api_base::{stripe_api_base, API_BASE_ENV, DEFAULT_API_BASE, TEST_ALLOW_LIVE_BASE_ENV};
pub use error::ConfigError;
pub use load::{
    load, load_default, locate, DEFAULT_CONFIG, MAX_CONFIG_BYTES, MAX_PRICES, MAX_TIERS,
};
pub use parse::parse;
pub use tiers::MAX_TIER_QUANTITY;
pub use usage::MAX_QUANTITY_CEILING;

/// The largest quantity one usage event may carry, unless `usage.max_quantity` says otherwise.
pub const DEFAULT_MAX_QUANTITY: i64 = 1_000_000_000;
/// How far ahead of now an event's time may be, unless `usage.max_future_skew` says otherwise.
pub const DEFAULT_MAX_FUTURE_SKEW_SECS: i64 = 300;

/// Usage settings.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageSettings {
    /// Days for which event ids are kept for deduplication; `usage compact` keeps raw events
    /// this recent.
    pub dedup_window_days: u32,
    /// Meter events per second `usage sync` sends at most.
    pub sync_rate: u32,
    /// The largest quantity one usage event may carry (the smallest is 1).
    pub max_quantity: i64,
    /// How far ahead of now an event's timestamp may lie, in seconds.
    pub max_future_skew_secs: i64,
    /// The field of a CloudEvent's `data` that holds its quantity (`usage.value_property`,
    /// a path such as `tokens` or `$.usage.tokens`, split at dots); `None`: 1 per event.
    pub value_property: Option<Vec<String>>,
}

impl Default for UsageSettings {
    fn default() -> Self {
        UsageSettings {
            dedup_window_days: 35,
            sync_rate: 25,
            max_quantity: DEFAULT_MAX_QUANTITY,
            max_future_skew_secs: DEFAULT_MAX_FUTURE_SKEW_SECS,
            value_property: None,
        }
    }
}

/// Stripe connection settings from the file.
#[derive(Debug, Clone, PartialEq)]
pub struct StripeSettings {
    pub api_base: Option<String>,
    pub timeout_secs: u64,
    pub max_attempts: u32,
    pub profile: String,
    /// Requests per second this process sends at most (`None`: no pacing; Stripe's own
    /// limits are 100/s live and 25/s in test mode).
    pub max_requests_per_second: Option<u32>,
}

/// Checkout redirect URLs.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkout {
    pub success_url: String,
    pub cancel_url: String,
}

/// The validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where it came from: the operator's file, or the built-in catalog.
    pub source: ConfigSource,
    pub data_dir: Option<PathBuf>,
    /// `store.url`: a PostgreSQL store (`postgres://...`, no password) instead of SQLite.
    pub store_url: Option<String>,
    pub stripe: StripeSettings,
    pub checkout: Option<Checkout>,
    pub tiers: Vec<Tier>,
    pub meter: Option<MeterSpec>,
    pub usage: UsageSettings,
    pub access: AccessPolicy,
    pub keys: KeySettings,
    pub portal: Portal,
    /// `[webhooks] secret_file`: when the OS keyring refuses an endpoint's signing secret,
    /// keep it in a 0600 file in the data dir instead (off by default).
    pub webhook_secret_file: bool,
    /// `[webhooks] url`: the public URL Stripe delivers to (what `doctor` looks for).
    pub webhook_url: Option<String>,
    /// `[webhooks] expect_delivery_within`: a receiver quieter than this is reported by
    /// `doctor` (seconds; default a day).
    pub expect_delivery_within_secs: i64,
}

/// Where the config billctl runs on came from, which is whose catalog (tiers, prices, quotas)
/// it enforces: a file (`--config`, `BILLCTL_CONFIG`, or `$XDG_CONFIG_HOME/billctl/billctl.toml`),
/// or, when none is named nor found, the built-in catalog (`config/billctl.toml`, compiled in).
/// Shown as its path (or `<built-in config/billctl.toml>`); in JSON
/// `{"path": PATH or null, "catalog": "file" | "built_in"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    File(PathBuf),
    BuiltIn,
}

impl ConfigSource {
    /// The file's path (`None`: the built-in catalog).
    pub fn path(&self) -> Option<&Path> {
        match self {
            ConfigSource::File(p) => Some(p),
            ConfigSource::BuiltIn => None,
        }
    }

    /// Whose catalog it is, as JSON says it: `file` or `built_in`.
    pub fn catalog(&self) -> &'static str {
        match self {
            ConfigSource::File(_) => "file",
            ConfigSource::BuiltIn => "built_in",
        }
    }
}

impl std::fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigSource::File(p) => write!(f, "{}", p.display()),
            ConfigSource::BuiltIn => f.write_str(load::DEFAULT_CONFIG_NAME),
        }
    }
}

impl serde::Serialize for ConfigSource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut o = s.serialize_struct("ConfigSource", 2)?;
        // Lossy: a path that is not UTF-8 still makes a JSON document.
        o.serialize_field("path", &self.path().map(|p| p.to_string_lossy()))?;
        o.serialize_field("catalog", self.catalog())?;
        o.end()
    }
}

/// The default `[webhooks] expect_delivery_within`: a day.
pub const DEFAULT_EXPECT_DELIVERY_WITHIN: i64 = 86_400;

/// `[access]`: which subscription statuses grant API access.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessPolicy {
    /// Statuses that grant access outright (default `active`, `trialing`).
    pub statuses: Vec<String>,
    /// How long `past_due` keeps access, counted from the first failed payment (seconds;
    /// default 7 days; 0: none).
    pub past_due_grace_secs: i64,
}

impl Default for AccessPolicy {
    fn default() -> Self {
        AccessPolicy {
            statuses: vec!["active".into(), "trialing".into()],
            past_due_grace_secs: 7 * 86_400,
        }
    }
}

/// What a tier's `rate_limit_per_minute` limits (`[keys] rate_limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RatePer {
    /// All of a customer's keys together (the default): more keys never buy more rate.
    #[default]
    Customer,
    /// Each key on its own.
    Key,
}

/// `[keys]`: API key rules.
#[derive(Debug, Clone, PartialEq)]
pub struct KeySettings {
    pub rate_per: RatePer,
    /// The most live (not revoked, not expired) keys a customer may hold when keys are made
    /// through `serve`'s self-service routes.
    pub max_live_per_customer: u32,
}

/// The default `[keys] max_live_per_customer`.
pub const DEFAULT_MAX_LIVE_KEYS: u32 = 20;

impl Default for KeySettings {
    fn default() -> Self {
        KeySettings {
            rate_per: RatePer::Customer,
            max_live_per_customer: DEFAULT_MAX_LIVE_KEYS,
        }
    }
}

/// `[portal]`: the Stripe billing portal.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Portal {
    /// Where the portal's "return" link goes.
    pub return_url: Option<String>,
}

/// Every status Stripe gives a subscription.
pub const SUBSCRIPTION_STATUSES: &[&str] = &[
    "active",
    "trialing",
    "past_due",
    "unpaid",
    "incomplete",
    "incomplete_expired",
    "paused",
    "canceled",
];

impl Config {
    pub fn tier(&self, id: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.id == id)
    }

    /// Every configured price with its tier.
    pub fn prices(&self) -> impl Iterator<Item = (&Tier, &PriceSpec)> {
        self.tiers
            .iter()
            .flat_map(|t| t.prices.iter().map(move |p| (t, p)))
    }
}

#[cfg(test)]
mod tests;
