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
    pub(super) max_live_per_customer: Option<Spanned<Num>>,
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
    pub(super) dedup_window_days: Option<Spanned<Num>>,
    pub(super) sync_rate: Option<Spanned<Num>>,
    pub(super) max_quantity: Option<Spanned<Num>>,
    pub(super) max_future_skew: Option<Spanned<String>>,
    pub(super) value_property: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOverage {
    pub(super) lookup_key: Spanned<String>,
    pub(super) amount: Spanned<Num>,
    pub(super) per: Option<Spanned<Num>>,
    pub(super) nickname: Option<String>,
    pub(super) env: Option<Spanned<String>>,
    pub(super) metadata: Option<Spanned<BTreeMap<String, String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStripe {
    pub(super) api_base: Option<Spanned<String>>,
    pub(super) timeout_secs: Option<Spanned<Num>>,
    pub(super) max_attempts: Option<Spanned<Num>>,
    pub(super) profile: Option<String>,
    pub(super) max_requests_per_second: Option<Spanned<Num>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCheckout {
    pub(super) success_url: Spanned<String>,
    pub(super) cancel_url: Spanned<String>,
}

/// A number as written, taken whatever it is so that the check names the accepted range: a
/// whole number of any size (beyond i64 too), a word (a TOML string), or what else was there.
/// A numeric key is `Spanned<Num>`; `tests/it/config_errors.rs` finds them by that type.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Num {
    Whole(i128),
    Word(String),
    /// Not a whole number or a word: what it is, to name it.
    Other(String),
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        d.deserialize_any(NumVisitor)
    }
}

struct NumVisitor;

impl<'de> serde::de::Visitor<'de> for NumVisitor {
    type Value = Num;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a whole number")
    }
    fn visit_i64<E>(self, v: i64) -> Result<Num, E> {
        Ok(Num::Whole(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Num, E> {
        Ok(Num::Whole(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Num, E> {
        Ok(Num::Whole(v))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Num, E> {
        Ok(i128::try_from(v).map_or(Num::Other(v.to_string()), Num::Whole))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Num, E> {
        // Debug keeps a fraction's point: `1.0`, not `1`.
        Ok(Num::Other(format!("{v:?}")))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Num, E> {
        Ok(Num::Other(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Num, E> {
        Ok(Num::Word(v.to_string()))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Num, A::Error> {
        while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Num::Other("an array".into()))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Num, A::Error> {
        while a
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Num::Other("a table".into()))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTier {
    pub(super) name: Spanned<String>,
    pub(super) description: Option<String>,
    pub(super) product_id: Option<Spanned<String>>,
    pub(super) quota: Spanned<Num>,
    pub(super) rate_limit_per_minute: Spanned<Num>,
    pub(super) seats: Option<Spanned<Num>>,
    pub(super) max_quantity: Option<Spanned<Num>>,
    #[serde(default)]
    pub(super) features: Vec<String>,
    pub(super) metadata: Option<Spanned<BTreeMap<String, String>>>,
    pub(super) price: Spanned<RawPrice>,
    #[serde(default)]
    pub(super) extra_prices: Vec<Spanned<RawPrice>>,
    pub(super) overage: Option<Spanned<RawOverage>>,
    pub(super) trial_days: Option<Spanned<Num>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrice {
    pub(super) lookup_key: Spanned<String>,
    pub(super) amount: Spanned<Num>,
    pub(super) currency: Spanned<String>,
    pub(super) interval: Spanned<String>,
    pub(super) interval_count: Option<Spanned<Num>>,
    pub(super) nickname: Option<String>,
    pub(super) tax_behavior: Option<Spanned<String>>,
    pub(super) env: Option<Spanned<String>>,
    pub(super) metadata: Option<Spanned<BTreeMap<String, String>>>,
}
