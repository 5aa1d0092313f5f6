//! The config file's raw serde schema: every table and key as written, with spans, before
//! validation (cargo's `TomlManifest`). Unknown keys are refused.

use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) data_dir: Option<PathBuf>,
    #[serde(default)]
    pub(super) stripe: RawStripe,
    pub(super) product_id_prefix: Option<Spanned<String>>,
    pub(super) checkout: Option<Spanned<RawCheckout>>,
    pub(super) tiers: Spanned<IndexMap<String, Spanned<RawTier>>>,
    pub(super) meter: Option<Spanned<RawMeter>>,
    #[serde(default)]
    pub(super) usage: RawUsage,
    pub(super) access: Option<Spanned<RawAccess>>,
    pub(super) keys: Option<Spanned<RawKeys>>,
    pub(super) portal: Option<Spanned<RawPortal>>,
    pub(super) store: Option<Spanned<RawStore>>,
    pub(super) webhooks: Option<RawWebhooks>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWebhooks {
    #[serde(default)]
    pub(super) secret_file: bool,
    pub(super) url: Option<Spanned<String>>,
    pub(super) expect_delivery_within: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStore {
    pub(super) url: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAccess {
    pub(super) statuses: Option<Spanned<Vec<String>>>,
    pub(super) past_due_grace: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKeys {
    pub(super) rate_limit: Option<Spanned<String>>,
    pub(super) max_live_per_customer: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPortal {
    pub(super) return_url: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMeter {
    pub(super) event_name: Spanned<String>,
    pub(super) display_name: Option<Spanned<String>>,
    pub(super) aggregation: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUsage {
    pub(super) dedup_window_days: Option<Spanned<i64>>,
    pub(super) sync_rate: Option<Spanned<i64>>,
    pub(super) max_quantity: Option<Spanned<i64>>,
    pub(super) max_future_skew: Option<Spanned<String>>,
    pub(super) value_property: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOverage {
    pub(super) lookup_key: Spanned<String>,
    pub(super) amount: Spanned<i64>,
    pub(super) per: Option<Spanned<i64>>,
    pub(super) nickname: Option<String>,
    pub(super) env: Option<Spanned<String>>,
    pub(super) metadata: Option<Spanned<BTreeMap<String, String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStripe {
    pub(super) api_base: Option<Spanned<String>>,
    pub(super) timeout_secs: Option<Spanned<i64>>,
    pub(super) max_attempts: Option<Spanned<i64>>,
    pub(super) profile: Option<String>,
    pub(super) max_requests_per_second: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCheckout {
    pub(super) success_url: Spanned<String>,
    pub(super) cancel_url: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawQuota {
    Calls(i64),
    Word(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTier {
    pub(super) name: Spanned<String>,
    pub(super) description: Option<String>,
    pub(super) product_id: Option<Spanned<String>>,
    pub(super) quota: Spanned<RawQuota>,
    pub(super) rate_limit_per_minute: Spanned<i64>,
    pub(super) seats: Option<Spanned<i64>>,
    pub(super) max_quantity: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) features: Vec<String>,
    pub(super) metadata: Option<Spanned<BTreeMap<String, String>>>,
    pub(super) price: Spanned<RawPrice>,
    #[serde(default)]
    pub(super) extra_prices: Vec<Spanned<RawPrice>>,
    pub(super) overage: Option<Spanned<RawOverage>>,
    pub(super) trial_days: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrice {
    pub(super) lookup_key: Spanned<String>,
    pub(super) amount: Spanned<i64>,
    pub(super) currency: Spanned<String>,
    pub(super) interval: Spanned<String>,
    pub(super) interval_count: Option<Spanned<i64>>,
    pub(super) nickname: Option<String>,
    pub(super) tax_behavior: Option<Spanned<String>>,
    pub(super) env: Option<Spanned<String>>,
    pub(super) metadata: Option<Spanned<BTreeMap<String, String>>>,
}
