//! Configuration: the TOML file (catalog of tiers and prices, Stripe and Checkout settings),
//! parsed strictly, validated, and reported with file, line and key on any mistake.

use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The default catalog (Pro, Team, Enterprise), used when no config file is found.
pub const DEFAULT_CONFIG: &str = include_str!("../config/billctl.toml");
const DEFAULT_CONFIG_NAME: &str = "<built-in config/billctl.toml>";

/// A configuration mistake, located in its file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// Dotted key path, such as `tiers.pro.price.amount`; empty when unknown.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

/// Billing interval of a recurring price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    Day,
    Week,
    Month,
    Year,
}

impl Interval {
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<Interval> {
        Some(match s {
            "day" => Interval::Day,
            "week" => Interval::Week,
            "month" => Interval::Month,
            "year" => Interval::Year,
            _ => return None,
        })
    }

    /// The most intervals Stripe allows between bills (three years).
    fn max_count(self) -> i64 {
        match self {
            Interval::Day => 1095,
            Interval::Week => 156,
            Interval::Month => 36,
            Interval::Year => 3,
        }
    }
}

/// One price of a tier, as desired.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PriceSpec {
    pub lookup_key: String,
    /// Integer minor units.
    pub amount: i64,
    pub currency: String,
    pub interval: Interval,
    pub interval_count: u32,
    pub nickname: Option<String>,
    pub tax_behavior: Option<String>,
    /// Variable name in env files (`PRICE_PRO`).
    pub env: String,
    pub metadata: BTreeMap<String, String>,
    /// True for the tier's primary price.
    pub primary: bool,
    /// For a tier's overage price: usage-based through the catalog's meter, free up to the
    /// quota, then `amount` per `per` calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metered: Option<Metered>,
}

/// The usage-based shape of an overage price: a graduated two-tier price on the meter.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Metered {
    /// Calls included in the subscription (the tier's quota): the first Stripe tier, free.
    pub included: u64,
    /// `amount` (minor units) is charged per this many calls above `included`; a power of ten.
    pub per: u64,
}

impl PriceSpec {
    /// Minor units per call above the quota, as Stripe's `unit_amount_decimal` (exact: `per`
    /// is a power of ten).
    pub fn per_call_decimal(&self) -> Option<String> {
        let m = self.metered.as_ref()?;
        Some(decimal_div(self.amount, m.per))
    }
}

/// `amount / per` in decimal, exactly, for `per` a power of ten ("100"/1000 -> "0.1").
pub fn decimal_div(amount: i64, per: u64) -> String {
    let digits = per.to_string().len() - 1;
    if digits == 0 {
        return amount.to_string();
    }
    let s = format!("{:0>width$}", amount, width = digits + 1);
    let (int, frac) = s.split_at(s.len() - digits);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// The Stripe billing meter usage is sent to (`usage sync`) and overage prices bill on.
#[derive(Debug, Clone, PartialEq)]
pub struct MeterSpec {
    /// The meter's event name: what meter events carry. Unique among active meters.
    pub event_name: String,
    pub display_name: String,
}

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
}

impl Default for UsageSettings {
    fn default() -> Self {
        UsageSettings {
            dedup_window_days: 35,
            sync_rate: 25,
            max_quantity: crate::usage::DEFAULT_MAX_QUANTITY,
            max_future_skew_secs: crate::usage::DEFAULT_MAX_FUTURE_SKEW_SECS,
        }
    }
}

impl UsageSettings {
    /// The bounds every usage event is checked against.
    pub fn bounds(&self) -> crate::usage::Bounds {
        crate::usage::Bounds {
            max_quantity: self.max_quantity,
            max_future_skew: self.max_future_skew_secs,
        }
    }
}

/// One plan that billctl sells.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub product_id: String,
    /// API calls per billing period; `None` means unlimited.
    pub quota: Option<u64>,
    pub rate_limit_per_minute: u32,
    pub seats: Option<u32>,
    pub features: Vec<String>,
    pub metadata: BTreeMap<String, String>,
    /// The primary price first, then the extra prices in file order.
    pub prices: Vec<PriceSpec>,
    /// Days of free trial for new subscriptions (`subscriptions create --trial-days` overrides).
    pub trial_days: Option<u32>,
}

impl Tier {
    pub fn primary(&self) -> &PriceSpec {
        &self.prices[0]
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
    /// Where it came from: a path, or the built-in default.
    pub source: String,
    pub data_dir: Option<PathBuf>,
    /// `store.url`: a PostgreSQL store (`postgres://...`, no password) instead of SQLite.
    pub store_url: Option<String>,
    pub stripe: StripeSettings,
    pub checkout: Option<Checkout>,
    pub tiers: Vec<Tier>,
    pub meter: Option<MeterSpec>,
    pub usage: UsageSettings,
    pub access: AccessPolicy,
    pub portal: Portal,
    /// `[webhooks] secret_file`: when the OS keyring refuses an endpoint's signing secret,
    /// keep it in a 0600 file in the data dir instead (off by default).
    pub webhook_secret_file: bool,
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    data_dir: Option<PathBuf>,
    #[serde(default)]
    stripe: RawStripe,
    product_id_prefix: Option<Spanned<String>>,
    checkout: Option<Spanned<RawCheckout>>,
    tiers: Spanned<IndexMap<String, Spanned<RawTier>>>,
    meter: Option<Spanned<RawMeter>>,
    #[serde(default)]
    usage: RawUsage,
    access: Option<Spanned<RawAccess>>,
    portal: Option<Spanned<RawPortal>>,
    store: Option<Spanned<RawStore>>,
    webhooks: Option<RawWebhooks>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhooks {
    #[serde(default)]
    secret_file: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    url: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccess {
    statuses: Option<Spanned<Vec<String>>>,
    past_due_grace: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPortal {
    return_url: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeter {
    event_name: Spanned<String>,
    display_name: Option<Spanned<String>>,
    aggregation: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawUsage {
    dedup_window_days: Option<Spanned<i64>>,
    sync_rate: Option<Spanned<i64>>,
    max_quantity: Option<Spanned<i64>>,
    max_future_skew: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverage {
    lookup_key: Spanned<String>,
    amount: Spanned<i64>,
    per: Option<Spanned<i64>>,
    nickname: Option<String>,
    env: Option<Spanned<String>>,
    metadata: Option<Spanned<BTreeMap<String, String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStripe {
    api_base: Option<Spanned<String>>,
    timeout_secs: Option<Spanned<i64>>,
    max_attempts: Option<Spanned<i64>>,
    profile: Option<String>,
    max_requests_per_second: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheckout {
    success_url: Spanned<String>,
    cancel_url: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawQuota {
    Calls(i64),
    Word(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    name: Spanned<String>,
    description: Option<String>,
    product_id: Option<Spanned<String>>,
    quota: Spanned<RawQuota>,
    rate_limit_per_minute: Spanned<i64>,
    seats: Option<Spanned<i64>>,
    #[serde(default)]
    features: Vec<String>,
    metadata: Option<Spanned<BTreeMap<String, String>>>,
    price: Spanned<RawPrice>,
    #[serde(default)]
    extra_prices: Vec<Spanned<RawPrice>>,
    overage: Option<Spanned<RawOverage>>,
    trial_days: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrice {
    lookup_key: Spanned<String>,
    amount: Spanned<i64>,
    currency: Spanned<String>,
    interval: Spanned<String>,
    interval_count: Option<Spanned<i64>>,
    nickname: Option<String>,
    tax_behavior: Option<Spanned<String>>,
    env: Option<Spanned<String>>,
    metadata: Option<Spanned<BTreeMap<String, String>>>,
}

/// Three-letter currency codes Stripe accepts for prices.
/// See <https://docs.stripe.com/currencies>.
const CURRENCIES: &[&str] = &[
    "usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd",
    "bdt", "bgn", "bhd", "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad",
    "cdf", "chf", "clp", "cny", "cop", "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp",
    "etb", "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl",
    "htg", "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr", "kmf",
    "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd",
    "mmk", "mnt", "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok",
    "npr", "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd",
    "rub", "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sos", "srd", "std", "szl",
    "thb", "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "uyu", "uzs", "vnd",
    "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw",
];

/// Currencies without a minor unit: amounts are whole units.
pub const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

/// The largest unit_amount Stripe accepts (eight digits).
const MAX_AMOUNT: i64 = 99_999_999;

/// The config's text and its file name: what an error needs to name the line (not to be
/// confused with `context::Ctx`, what commands ask for).
struct SourceText<'a> {
    file: &'a str,
    src: &'a str,
}

impl SourceText<'_> {
    fn err(
        &self,
        span: std::ops::Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> ConfigError {
        let before = &self.src[..span.start.min(self.src.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        ConfigError {
            file: self.file.to_string(),
            line,
            column,
            key: key.into(),
            message: message.into(),
        }
    }
}

/// Where the config comes from: `--config`/`BILLCTL_CONFIG` (already merged by clap), else the
/// XDG config file if present, else the built-in default.
pub fn locate(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let candidate = base.join("billctl").join("billctl.toml");
    candidate.is_file().then_some(candidate)
}

/// The config billctl itself reads, for a program that embeds it (the [`crate::keys::Verifier`]):
/// `BILLCTL_CONFIG`, else `$XDG_CONFIG_HOME/billctl/billctl.toml` if present, else the built-in
/// catalog.
pub fn load_default() -> anyhow::Result<Config> {
    let explicit = std::env::var_os("BILLCTL_CONFIG")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    load(locate(explicit.as_deref()).as_deref())
}

/// What the config can check of `store.url` without the store: a `postgres://` URL with no
/// password in it (a secret never goes in the config file).
fn check_store_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .ok_or("must start with postgres:// or postgresql://")?;
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let password_in_authority = authority
        .rsplit_once('@')
        .is_some_and(|(user, _)| user.contains(':'));
    let password_in_query = rest
        .split_once('?')
        .is_some_and(|(_, q)| q.split('&').any(|p| p.starts_with("password=")));
    if password_in_authority || password_in_query {
        return Err("holds a password; a secret never goes in argv or the config file: leave it out and set BILLCTL_DATABASE_PASSWORD".into());
    }
    Ok(())
}

/// Reads and validates the config at `path`, or the built-in default when `None`.
pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
    match path {
        Some(p) => {
            let text = read_config(p)?;
            Ok(parse(&text, &p.display().to_string())?)
        }
        None => Ok(parse(DEFAULT_CONFIG, DEFAULT_CONFIG_NAME)?),
    }
}

/// The largest config file billctl reads: a catalog of a few tiers is a few KiB.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;
/// The most tiers a config may declare.
pub const MAX_TIERS: usize = 100;
/// The most prices (a tier's price, extra prices and overage) a config may declare.
pub const MAX_PRICES: usize = 1_000;

/// The text of config file `p`: a regular file (a FIFO would block, a device never end) of at
/// most [`MAX_CONFIG_BYTES`], in UTF-8 (an invalid byte is named by its line).
fn read_config(p: &Path) -> anyhow::Result<String> {
    use std::io::Read;
    let shown = p.display();
    let meta = std::fs::metadata(p)
        .map_err(|e| anyhow::anyhow!("failed to read config file {shown}: {e}"))?;
    if !meta.is_file() {
        anyhow::bail!("config file {shown} is not a regular file: give the path of a TOML file");
    }
    if meta.len() > MAX_CONFIG_BYTES {
        anyhow::bail!(
            "config file {shown} is {} bytes: a config is at most {MAX_CONFIG_BYTES} bytes",
            meta.len()
        );
    }
    let mut bytes = Vec::new();
    std::fs::File::open(p)
        .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| anyhow::anyhow!("failed to read config file {shown}: {e}"))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        anyhow::bail!(
            "config file {shown} is over {MAX_CONFIG_BYTES} bytes: a config is at most that"
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..good].iter().filter(|b| **b == b'\n').count() + 1;
        let column = good
            - bytes[..good]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1)
            + 1;
        anyhow::anyhow!(
            "{shown}:{line}:{column}: the config is not valid UTF-8 (byte 0x{:02x})",
            bytes[good]
        )
    })
}

/// Parses and validates config text; `file` names it in errors.
pub fn parse(src: &str, file: &str) -> Result<Config, ConfigError> {
    let cx = SourceText { file, src };
    let syntax = |e: toml::de::Error| {
        let message = e.message().trim().to_string();
        cx.err(e.span().unwrap_or(0..0), "", message)
    };
    let de = toml::Deserializer::parse(src).map_err(syntax)?;
    // The plain parse first: every `keys verify` reads the config, and tracking the key path
    // costs on every value. Only a config that fails is parsed again, with serde_path_to_error,
    // which knows the key path where deserializing failed.
    let raw: RawConfig = match RawConfig::deserialize(de) {
        Ok(raw) => raw,
        Err(_) => {
            let de = toml::Deserializer::parse(src).map_err(syntax)?;
            match serde_path_to_error::deserialize::<_, RawConfig>(de) {
                Ok(raw) => raw,
                Err(e) => return Err(path_error(&cx, e)),
            }
        }
    };
    let prefix = raw
        .product_id_prefix
        .as_ref()
        .map_or("billctl_".to_string(), |p| p.get_ref().clone());
    if let Some(p) = &raw.product_id_prefix {
        if !valid_id_chars(p.get_ref()) {
            return Err(cx.err(
                p.span(),
                "product_id_prefix",
                "use only letters, digits, '_' and '-'",
            ));
        }
    }
    let stripe = stripe_settings(&cx, raw.stripe)?;
    let checkout = match raw.checkout {
        None => None,
        Some(c) => {
            let c = c.into_inner();
            for (key, url) in [
                ("checkout.success_url", &c.success_url),
                ("checkout.cancel_url", &c.cancel_url),
            ] {
                if !(url.get_ref().starts_with("https://") || url.get_ref().starts_with("http://"))
                {
                    return Err(cx.err(url.span(), key, "must be an http:// or https:// URL"));
                }
            }
            Some(Checkout {
                success_url: c.success_url.into_inner(),
                cancel_url: c.cancel_url.into_inner(),
            })
        }
    };
    let meter = match raw.meter {
        None => None,
        Some(m) => Some(meter(&cx, m)?),
    };
    let usage = usage_settings(&cx, raw.usage)?;
    let access = access_policy(&cx, raw.access)?;
    // A Postgres URL, kept as a string: the store parses it (libpq's rules) when it connects.
    // What can be told here is told with its line: the scheme, and never a password.
    let store_url = match raw.store.map(Spanned::into_inner).and_then(|s| s.url) {
        None => None,
        Some(u) => {
            check_store_url(u.get_ref()).map_err(|e| cx.err(u.span(), "store.url", e))?;
            Some(u.into_inner())
        }
    };
    let portal = match raw.portal.map(Spanned::into_inner) {
        None => Portal::default(),
        Some(p) => match p.return_url {
            Some(u)
                if !(u.get_ref().starts_with("https://") || u.get_ref().starts_with("http://")) =>
            {
                return Err(cx.err(
                    u.span(),
                    "portal.return_url",
                    "must be an http:// or https:// URL",
                ));
            }
            u => Portal {
                return_url: u.map(Spanned::into_inner),
            },
        },
    };
    let tiers_span = raw.tiers.span();
    let raw_tiers = raw.tiers.into_inner();
    if raw_tiers.is_empty() {
        return Err(cx.err(tiers_span, "tiers", "declare at least one tier"));
    }
    if raw_tiers.len() > MAX_TIERS {
        return Err(cx.err(
            tiers_span,
            "tiers",
            format!(
                "{} tiers: a config declares at most {MAX_TIERS}",
                raw_tiers.len()
            ),
        ));
    }
    let prices: usize = raw_tiers
        .values()
        .map(|t| {
            let t = t.get_ref();
            1 + t.extra_prices.len() + usize::from(t.overage.is_some())
        })
        .sum();
    if prices > MAX_PRICES {
        return Err(cx.err(
            tiers_span,
            "tiers",
            format!("{prices} prices: a config declares at most {MAX_PRICES}"),
        ));
    }
    let mut tiers = Vec::new();
    let mut lookup_keys = HashSet::new();
    let mut envs = HashSet::new();
    let mut product_ids = HashSet::new();
    for (id, raw_tier) in raw_tiers {
        let span = raw_tier.span();
        let tier = tier(
            &cx,
            &id,
            span.clone(),
            raw_tier.into_inner(),
            &prefix,
            meter.is_some(),
            &mut lookup_keys,
            &mut envs,
        )?;
        if !product_ids.insert(tier.product_id.clone()) {
            return Err(cx.err(
                span,
                format!("tiers.{id}.product_id"),
                format!("product id {} is used by another tier", tier.product_id),
            ));
        }
        tiers.push(tier);
    }
    Ok(Config {
        source: file.to_string(),
        data_dir: raw.data_dir,
        store_url,
        stripe,
        checkout,
        tiers,
        meter,
        usage,
        access,
        portal,
        webhook_secret_file: raw.webhooks.is_some_and(|w| w.secret_file),
    })
}

fn access_policy(
    cx: &SourceText,
    raw: Option<Spanned<RawAccess>>,
) -> Result<AccessPolicy, ConfigError> {
    let mut policy = AccessPolicy::default();
    let Some(raw) = raw.map(Spanned::into_inner) else {
        return Ok(policy);
    };
    if let Some(st) = raw.statuses {
        for s in st.get_ref() {
            if !SUBSCRIPTION_STATUSES.contains(&s.as_str()) {
                return Err(cx.err(
                    st.span(),
                    "access.statuses",
                    format!(
                        "{s:?} is not a subscription status; Stripe's are {}",
                        SUBSCRIPTION_STATUSES.join(", ")
                    ),
                ));
            }
        }
        policy.statuses = st.into_inner();
    }
    if let Some(g) = raw.past_due_grace {
        policy.past_due_grace_secs = if g.get_ref() == "0" {
            0
        } else {
            crate::time::span(g.get_ref()).map_err(|e| {
                cx.err(
                    g.span(),
                    "access.past_due_grace",
                    format!("{e} (or \"0\" for none)"),
                )
            })?
        };
    }
    Ok(policy)
}

fn meter(cx: &SourceText, raw: Spanned<RawMeter>) -> Result<MeterSpec, ConfigError> {
    let raw = raw.into_inner();
    let name = raw.event_name.get_ref();
    // Stripe: event names are up to 100 characters.
    let ok = !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if !ok {
        return Err(cx.err(
            raw.event_name.span(),
            "meter.event_name",
            "use 1 to 100 letters, digits, '_', '-' or '.'",
        ));
    }
    if let Some(a) = &raw.aggregation {
        if a.get_ref() != "sum" {
            return Err(cx.err(
                a.span(),
                "meter.aggregation",
                "must be \"sum\": billctl sends aggregated counts per window",
            ));
        }
    }
    let display_name = match &raw.display_name {
        Some(d) if d.get_ref().trim().is_empty() || d.get_ref().len() > 250 => {
            return Err(cx.err(
                d.span(),
                "meter.display_name",
                "must be 1 to 250 characters",
            ))
        }
        Some(d) => d.get_ref().clone(),
        None => name.clone(),
    };
    Ok(MeterSpec {
        event_name: name.clone(),
        display_name,
    })
}

/// The highest `usage.max_quantity` a config may set.
pub const MAX_QUANTITY_CEILING: i64 = 1_000_000_000_000;

fn usage_settings(cx: &SourceText, raw: RawUsage) -> Result<UsageSettings, ConfigError> {
    let d = UsageSettings::default();
    let ranged = |v: &Option<Spanned<i64>>, key: &str, default: u32, min: i64, max: i64| match v {
        None => Ok(default),
        Some(s) if (min..=max).contains(s.get_ref()) => Ok(*s.get_ref() as u32),
        Some(s) => Err(cx.err(s.span(), key, format!("must be between {min} and {max}"))),
    };
    Ok(UsageSettings {
        // Stripe keeps meter events for 35 days; the window is at least one day.
        dedup_window_days: ranged(
            &raw.dedup_window_days,
            "usage.dedup_window_days",
            d.dedup_window_days,
            1,
            3650,
        )?,
        // Stripe's meter event endpoint allows 1,000 calls per second in live mode.
        sync_rate: ranged(&raw.sync_rate, "usage.sync_rate", d.sync_rate, 1, 1000)?,
        // Up to 10^12 per event: a million such events still sum far inside an i64.
        max_quantity: match &raw.max_quantity {
            None => d.max_quantity,
            Some(s) if (1..=MAX_QUANTITY_CEILING).contains(s.get_ref()) => *s.get_ref(),
            Some(s) => {
                return Err(cx.err(
                    s.span(),
                    "usage.max_quantity",
                    format!("must be between 1 and {MAX_QUANTITY_CEILING}"),
                ))
            }
        },
        max_future_skew_secs: match &raw.max_future_skew {
            None => d.max_future_skew_secs,
            Some(s) => crate::time::parse_span(s.get_ref())
                .and_then(|v| {
                    if v <= 86_400 {
                        Ok(v)
                    } else {
                        Err(format!("{:?} is longer than a day", s.get_ref()))
                    }
                })
                .map_err(|e| cx.err(s.span(), "usage.max_future_skew", e))?,
        },
    })
}

/// A deserializing error with the dotted key path serde_path_to_error tracked.
fn path_error(cx: &SourceText, e: serde_path_to_error::Error<toml::de::Error>) -> ConfigError {
    // toml's `Spanned` wraps each value in a private key: leave those out of the path.
    let path: Vec<String> = e
        .path()
        .iter()
        .filter_map(|seg| match seg {
            serde_path_to_error::Segment::Map { key } if key.starts_with("$__serde_spanned") => {
                None
            }
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            other => Some(other.to_string()),
        })
        .filter(|k| !k.is_empty() && k != "?")
        .collect();
    let path = path.join(".");
    let e = e.into_inner();
    let message = e.message().trim().to_string();
    cx.err(e.span().unwrap_or(0..0), key_of(&path, &message), message)
}

/// The dotted key a parse error is about: the path serde was at, plus the field a
/// `missing field `x`` error names (the path then stops at its table).
fn key_of(path: &str, message: &str) -> String {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match (path.is_empty(), missing) {
        (false, Some(f)) => format!("{path}.{f}"),
        (true, Some(f)) => f.to_string(),
        (_, None) => path.to_string(),
    }
}

fn valid_id_chars(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn stripe_settings(cx: &SourceText, raw: RawStripe) -> Result<StripeSettings, ConfigError> {
    if let Some(b) = &raw.api_base {
        if !(b.get_ref().starts_with("https://") || b.get_ref().starts_with("http://")) {
            return Err(cx.err(
                b.span(),
                "stripe.api_base",
                "must be an http:// or https:// URL",
            ));
        }
    }
    let positive =
        |v: &Option<Spanned<i64>>, key: &str, default: i64, max: i64| -> Result<i64, ConfigError> {
            match v {
                None => Ok(default),
                Some(s) if (1..=max).contains(s.get_ref()) => Ok(*s.get_ref()),
                Some(s) => Err(cx.err(s.span(), key, format!("must be between 1 and {max}"))),
            }
        };
    Ok(StripeSettings {
        api_base: raw.api_base.map(Spanned::into_inner),
        timeout_secs: positive(&raw.timeout_secs, "stripe.timeout_secs", 30, 600)? as u64,
        max_attempts: positive(&raw.max_attempts, "stripe.max_attempts", 4, 10)? as u32,
        profile: raw.profile.unwrap_or_else(|| "default".into()),
        max_requests_per_second: match &raw.max_requests_per_second {
            None => None,
            Some(_) => Some(positive(
                &raw.max_requests_per_second,
                "stripe.max_requests_per_second",
                25,
                1000,
            )? as u32),
        },
    })
}

fn metadata(
    cx: &SourceText,
    raw: Option<Spanned<BTreeMap<String, String>>>,
    key: &str,
) -> Result<BTreeMap<String, String>, ConfigError> {
    let Some(raw) = raw else {
        return Ok(BTreeMap::new());
    };
    let span = raw.span();
    let map = raw.into_inner();
    for (k, v) in &map {
        if k.starts_with("billctl_") {
            return Err(cx.err(
                span.clone(),
                format!("{key}.{k}"),
                "keys starting with billctl_ are reserved for billctl",
            ));
        }
        if k.len() > 40 || v.len() > 500 {
            return Err(cx.err(
                span.clone(),
                format!("{key}.{k}"),
                "Stripe allows metadata keys of up to 40 and values of up to 500 characters",
            ));
        }
    }
    Ok(map)
}

fn tier(
    cx: &SourceText,
    id: &str,
    span: std::ops::Range<usize>,
    raw: RawTier,
    prefix: &str,
    has_meter: bool,
    lookup_keys: &mut HashSet<String>,
    envs: &mut HashSet<String>,
) -> Result<Tier, ConfigError> {
    let key = format!("tiers.{id}");
    let id_ok = id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !id_ok {
        return Err(cx.err(
            span,
            key,
            "tier ids use lower-case letters, digits and '_', starting with a letter",
        ));
    }
    if raw.name.get_ref().trim().is_empty() {
        return Err(cx.err(raw.name.span(), format!("{key}.name"), "must not be empty"));
    }
    let quota = match raw.quota.get_ref() {
        RawQuota::Calls(n) if *n >= 0 => Some(*n as u64),
        RawQuota::Word(w) if w == "unlimited" => None,
        _ => {
            return Err(cx.err(
                raw.quota.span(),
                format!("{key}.quota"),
                "must be a whole number of calls (>= 0) or \"unlimited\"",
            ))
        }
    };
    let rate = *raw.rate_limit_per_minute.get_ref();
    if !(1..=i64::from(u32::MAX)).contains(&rate) {
        return Err(cx.err(
            raw.rate_limit_per_minute.span(),
            format!("{key}.rate_limit_per_minute"),
            "must be a whole number >= 1",
        ));
    }
    let seats = match &raw.seats {
        None => None,
        Some(s) if (1..=i64::from(u32::MAX)).contains(s.get_ref()) => Some(*s.get_ref() as u32),
        Some(s) => {
            return Err(cx.err(
                s.span(),
                format!("{key}.seats"),
                "must be a whole number >= 1",
            ))
        }
    };
    let product_id = match &raw.product_id {
        Some(p) if valid_id_chars(p.get_ref()) => p.get_ref().clone(),
        Some(p) => {
            return Err(cx.err(
                p.span(),
                format!("{key}.product_id"),
                "use only letters, digits, '_' and '-'",
            ))
        }
        None => format!("{prefix}{id}"),
    };
    let mut prices = vec![price(
        cx,
        &format!("{key}.price"),
        raw.price,
        Some(id),
        lookup_keys,
        envs,
    )?];
    for (i, extra) in raw.extra_prices.into_iter().enumerate() {
        prices.push(price(
            cx,
            &format!("{key}.extra_prices[{i}]"),
            extra,
            None,
            lookup_keys,
            envs,
        )?);
    }
    if let Some(raw_over) = raw.overage {
        let span = raw_over.span();
        let okey = format!("{key}.overage");
        if !has_meter {
            return Err(cx.err(
                span,
                okey,
                "an overage price bills through a meter: declare a [meter] table",
            ));
        }
        let Some(included) = quota else {
            return Err(cx.err(
                span,
                okey,
                "an unlimited tier has no overage: remove this table or set a quota",
            ));
        };
        let o = raw_over.into_inner();
        let per = match &o.per {
            None => 1,
            Some(p)
                if p.get_ref()
                    .to_string()
                    .trim_start_matches('1')
                    .chars()
                    .all(|c| c == '0')
                    && p.get_ref().to_string().starts_with('1')
                    && *p.get_ref() <= 1_000_000_000_000 =>
            {
                *p.get_ref() as u64
            }
            Some(p) => {
                return Err(cx.err(
                    p.span(),
                    format!("{okey}.per"),
                    "must be a power of ten from 1 to 1000000000000 (calls the amount is for)",
                ))
            }
        };
        let primary = &prices[0];
        let raw_price = RawPrice {
            lookup_key: o.lookup_key,
            amount: o.amount,
            currency: Spanned::new(0..0, primary.currency.clone()),
            interval: Spanned::new(0..0, primary.interval.as_str().to_string()),
            interval_count: Some(Spanned::new(0..0, i64::from(primary.interval_count))),
            nickname: o.nickname,
            tax_behavior: primary.tax_behavior.clone().map(|t| Spanned::new(0..0, t)),
            env: o.env,
            metadata: o.metadata,
        };
        let default_env = format!("{id}_overage");
        let mut spec = price(
            cx,
            &okey,
            Spanned::new(span, raw_price),
            Some(&default_env),
            lookup_keys,
            envs,
        )?;
        spec.primary = false;
        spec.metered = Some(Metered { included, per });
        prices.push(spec);
    }
    Ok(Tier {
        id: id.to_string(),
        name: raw.name.into_inner(),
        description: raw.description.filter(|d| !d.is_empty()),
        product_id,
        quota,
        rate_limit_per_minute: rate as u32,
        seats,
        features: raw.features,
        metadata: metadata(cx, raw.metadata, &format!("{key}.metadata"))?,
        prices,
        trial_days: match raw.trial_days {
            None => None,
            Some(d) if (1..=730).contains(d.get_ref()) => Some(*d.get_ref() as u32),
            Some(d) => {
                return Err(cx.err(
                    d.span(),
                    format!("{key}.trial_days"),
                    "must be 1 to 730 days (Stripe's limit)",
                ))
            }
        },
    })
}

fn price(
    cx: &SourceText,
    key: &str,
    raw: Spanned<RawPrice>,
    primary_of: Option<&str>,
    lookup_keys: &mut HashSet<String>,
    envs: &mut HashSet<String>,
) -> Result<PriceSpec, ConfigError> {
    let raw = raw.into_inner();
    let lk = raw.lookup_key.get_ref();
    if lk.is_empty() || lk.len() > 200 {
        return Err(cx.err(
            raw.lookup_key.span(),
            format!("{key}.lookup_key"),
            "must be 1 to 200 characters",
        ));
    }
    if !lookup_keys.insert(lk.clone()) {
        return Err(cx.err(
            raw.lookup_key.span(),
            format!("{key}.lookup_key"),
            format!("duplicate lookup key {lk:?}: lookup keys are unique across all prices"),
        ));
    }
    let amount = *raw.amount.get_ref();
    if !(0..=MAX_AMOUNT).contains(&amount) {
        return Err(cx.err(
            raw.amount.span(),
            format!("{key}.amount"),
            format!("must be between 0 and {MAX_AMOUNT} (integer minor units, 9900 = $99.00)"),
        ));
    }
    let currency = raw.currency.get_ref().to_ascii_lowercase();
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(cx.err(raw.currency.span(), format!("{key}.currency"), format!("unknown currency {:?}: use a lower-case ISO 4217 code that Stripe supports, such as \"usd\"", raw.currency.get_ref())));
    }
    let interval = Interval::parse(raw.interval.get_ref()).ok_or_else(|| {
        cx.err(
            raw.interval.span(),
            format!("{key}.interval"),
            "must be day, week, month or year",
        )
    })?;
    let interval_count = match &raw.interval_count {
        None => 1,
        Some(c) if (1..=interval.max_count()).contains(c.get_ref()) => *c.get_ref() as u32,
        Some(c) => {
            return Err(cx.err(
                c.span(),
                format!("{key}.interval_count"),
                format!(
                    "must be between 1 and {} for interval {}",
                    interval.max_count(),
                    interval.as_str()
                ),
            ))
        }
    };
    if let Some(t) = &raw.tax_behavior {
        if !["inclusive", "exclusive", "unspecified"].contains(&t.get_ref().as_str()) {
            return Err(cx.err(
                t.span(),
                format!("{key}.tax_behavior"),
                "must be inclusive, exclusive or unspecified",
            ));
        }
    }
    let env = match &raw.env {
        Some(e) => {
            let ok = e.get_ref().starts_with(|c: char| c.is_ascii_uppercase())
                && e.get_ref()
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                return Err(cx.err(
                    e.span(),
                    format!("{key}.env"),
                    "use upper-case letters, digits and '_'",
                ));
            }
            e.get_ref().clone()
        }
        None => env_name(primary_of.unwrap_or(lk)),
    };
    if !envs.insert(env.clone()) {
        let span = raw.env.as_ref().map_or(raw.lookup_key.span(), |e| e.span());
        return Err(cx.err(
            span,
            format!("{key}.env"),
            format!("variable name {env} is used by another price"),
        ));
    }
    Ok(PriceSpec {
        lookup_key: lk.clone(),
        amount,
        currency,
        interval,
        interval_count,
        nickname: raw.nickname.filter(|n| !n.is_empty()),
        tax_behavior: raw.tax_behavior.map(Spanned::into_inner),
        env,
        metadata: metadata(cx, raw.metadata, &format!("{key}.metadata"))?,
        primary: primary_of.is_some(),
        metered: None,
    })
}

/// `pro` -> `PRICE_PRO`; `pro-yearly.v2` -> `PRICE_PRO_YEARLY_V2`.
fn env_name(base: &str) -> String {
    let mut s: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    s.insert_str(0, "PRICE_");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_call_amounts_are_exact_decimals() {
        assert_eq!(decimal_div(1, 1), "1");
        assert_eq!(decimal_div(100, 1000), "0.1");
        assert_eq!(decimal_div(150, 1000), "0.15");
        assert_eq!(decimal_div(7, 1_000_000), "0.000007");
        assert_eq!(decimal_div(2500, 100), "25");
    }

    #[test]
    fn the_default_catalog_has_the_three_tiers() {
        let c = parse(DEFAULT_CONFIG, "default").unwrap();
        let ids: Vec<&str> = c.tiers.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["pro", "team", "enterprise"]);
        let pro = c.tier("pro").unwrap();
        assert_eq!(
            (
                pro.primary().amount,
                pro.primary().currency.as_str(),
                pro.primary().interval
            ),
            (9900, "usd", Interval::Month)
        );
        assert_eq!(
            (
                pro.quota,
                pro.product_id.as_str(),
                pro.primary().env.as_str()
            ),
            (Some(10_000), "billctl_pro", "PRICE_PRO")
        );
        assert_eq!(c.tier("team").unwrap().quota, Some(100_000));
        assert_eq!(c.tier("team").unwrap().seats, Some(10));
        assert_eq!(c.tier("enterprise").unwrap().quota, None);
        assert_eq!(c.tier("enterprise").unwrap().primary().amount, 500_000);
    }

    #[test]
    fn the_example_documents_a_valid_config_with_an_extra_price() {
        let c = parse(include_str!("../config/billctl.example.toml"), "example").unwrap();
        let pro = c.tier("pro").unwrap();
        assert_eq!(pro.prices.len(), 3);
        let over = &pro.prices[2];
        assert_eq!(
            (
                over.env.as_str(),
                over.metered.clone(),
                over.per_call_decimal()
            ),
            (
                "PRICE_PRO_OVERAGE",
                Some(Metered {
                    included: 10_000,
                    per: 1000
                }),
                Some("0.1".to_string())
            )
        );
        assert_eq!(c.meter.as_ref().unwrap().event_name, "api_calls");
        assert_eq!(c.usage, UsageSettings::default());
        assert_eq!(
            (
                pro.prices[1].env.as_str(),
                pro.prices[1].interval,
                pro.prices[1].primary
            ),
            ("PRICE_PRO_YEARLY", Interval::Year, false)
        );
    }

    fn err(src: &str) -> ConfigError {
        parse(src, "t.toml").unwrap_err()
    }

    const TIER: &str = "[tiers.pro]\nname = \"Pro\"\nquota = 1\nrate_limit_per_minute = 1\n[tiers.pro.price]\nlookup_key = \"pro_monthly\"\ncurrency = \"usd\"\ninterval = \"month\"\n";

    #[test]
    fn errors_name_file_line_and_key() {
        let e = err(&format!("{TIER}amount = -5\n"));
        assert_eq!(
            (e.file.as_str(), e.line, e.key.as_str()),
            ("t.toml", 9, "tiers.pro.price.amount")
        );
        let e = err(&format!("{TIER}amount = 5\ncolour = \"red\"\n"));
        assert_eq!(e.line, 10);
        assert!(e.message.contains("colour"), "{e}");
        let e = err(TIER);
        assert_eq!(
            (e.line, e.key.as_str()),
            (5, "tiers.pro.price.amount"),
            "{e}"
        );
        let e = err(&format!("{TIER}amount = 5\ncolour = \"red\"\n"));
        assert_eq!(e.key, "tiers.pro.price.colour", "{e}");
        let e = err(&format!("{TIER}amount = 5\n").replace("usd", "usx"));
        assert_eq!((e.line, e.key.as_str()), (7, "tiers.pro.price.currency"));
        let dup = format!("{TIER}amount = 5\n[tiers.team]\nname = \"T\"\nquota = 1\nrate_limit_per_minute = 1\n[tiers.team.price]\nlookup_key = \"pro_monthly\"\namount = 1\ncurrency = \"usd\"\ninterval = \"month\"\n");
        let e = err(&dup);
        assert_eq!(
            (e.line, e.key.as_str()),
            (15, "tiers.team.price.lookup_key")
        );
        assert!(e.to_string().starts_with("t.toml:15:"), "{e}");
        let e = err(&format!("{TIER}amount = 5\n").replace("quota = 1", "quota = \"lots\""));
        assert_eq!(e.key, "tiers.pro.quota");
    }

    #[test]
    fn access_portal_and_trials_are_read_and_checked() {
        let base = DEFAULT_CONFIG;
        let c = parse(base, "default").unwrap();
        assert_eq!(c.access, AccessPolicy::default());
        assert_eq!(c.access.past_due_grace_secs, 7 * 86_400);
        let with = format!("[access]\nstatuses = [\"active\"]\npast_due_grace = \"72h\"\n[portal]\nreturn_url = \"https://x.example/a\"\n{base}");
        let c = parse(&with, "t.toml").unwrap();
        assert_eq!(c.access.statuses, ["active"]);
        assert_eq!(c.access.past_due_grace_secs, 72 * 3600);
        assert_eq!(c.portal.return_url.as_deref(), Some("https://x.example/a"));
        let bad = parse(
            &format!("[access]\nstatuses = [\"paid\"]\n{base}"),
            "t.toml",
        )
        .unwrap_err();
        assert_eq!(bad.key, "access.statuses");
        let bad = parse(
            &format!("[access]\npast_due_grace = \"soon\"\n{base}"),
            "t.toml",
        )
        .unwrap_err();
        assert_eq!(bad.key, "access.past_due_grace");
        let none = parse(
            &format!("[access]\npast_due_grace = \"0\"\n{base}"),
            "t.toml",
        )
        .unwrap();
        assert_eq!(none.access.past_due_grace_secs, 0);
        let trial = base.replacen(
            "rate_limit_per_minute",
            "trial_days = 14\nrate_limit_per_minute",
            1,
        );
        assert_eq!(
            parse(&trial, "t.toml").unwrap().tiers[0].trial_days,
            Some(14)
        );
        let bad = base.replacen(
            "rate_limit_per_minute",
            "trial_days = 0\nrate_limit_per_minute",
            1,
        );
        assert!(parse(&bad, "t.toml")
            .unwrap_err()
            .key
            .ends_with("trial_days"));
    }
}
