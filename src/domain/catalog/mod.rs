//! The product catalog, declaratively: what the config wants (tiers and prices), what Stripe
//! has (as observed), and the plan that turns one into the other. Pure: no I/O here.
//!
//! Stripe prices are immutable in amount, currency and interval, so a change there is a
//! *replacement*: a new price takes the lookup key (`transfer_lookup_key`) and the old one is
//! archived. The new price carries `billctl_replaces=<old id>` until the old one is archived,
//! so a run killed between the two steps is finished by the next run.

mod plan;

pub use plan::{describe, plan, shape_changes, tier_product, Action, Change, Plan};

pub mod model;

use crate::domain::money::{group, money};
pub use model::{decimal_div, Interval, MeterSpec, Metered, PriceSpec, Tier};
use std::collections::BTreeMap;

/// Product metadata key naming the tier a product belongs to.
pub const META_TIER: &str = "billctl_tier";
/// Price metadata key marking a replacement whose old price is not yet archived.
pub const META_REPLACES: &str = "billctl_replaces";

/// A product as Stripe has it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteProduct {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub active: bool,
    pub metadata: BTreeMap<String, String>,
    pub features: Vec<String>,
}

/// A price as Stripe has it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemotePrice {
    pub id: String,
    pub product: String,
    pub active: bool,
    pub lookup_key: Option<String>,
    pub amount: Option<i64>,
    pub currency: String,
    pub interval: Option<String>,
    pub interval_count: Option<u64>,
    pub nickname: Option<String>,
    pub tax_behavior: Option<String>,
    pub metadata: BTreeMap<String, String>,
    /// `licensed` or `metered` for recurring prices.
    pub usage_type: Option<String>,
    /// The billing meter of a metered price.
    pub meter: Option<String>,
    /// The tiers of a tiered price (`expand[]=data.tiers`), else empty.
    pub tiers: Vec<RemoteTier>,
}

/// One tier of a tiered price.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteTier {
    /// `None` is the last tier (`inf`).
    pub up_to: Option<i64>,
    /// Per unit, in minor units, as Stripe's decimal string.
    pub unit_amount_decimal: Option<String>,
    pub flat_amount: Option<i64>,
}

/// A billing meter as Stripe has it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteMeter {
    pub id: String,
    pub event_name: String,
    pub display_name: String,
    pub active: bool,
    /// `sum`, `count` or `last`.
    pub formula: String,
}

impl RemoteMeter {
    /// Differences from the configured meter that Stripe cannot update in place.
    pub fn fixed_differences(&self) -> Vec<String> {
        let mut d = Vec::new();
        if self.formula != "sum" {
            d.push(format!(
                "aggregation is {}, billctl needs sum",
                self.formula
            ));
        }
        d
    }
}

/// A decimal string without trailing zeros ("1.500" -> "1.5", "2.0" -> "2").
pub fn norm_decimal(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// "$99.00 / month", or for an overage price "$1.00 per 1,000 calls over 10,000 / month".
pub fn describe_spec(s: &PriceSpec) -> String {
    let every = if s.interval_count == 1 {
        s.interval.as_str().to_string()
    } else {
        format!("{} {}s", s.interval_count, s.interval.as_str())
    };
    match &s.metered {
        None => format!("{} / {every}", money(s.amount, &s.currency)),
        Some(m) => format!(
            "{} per {} over {} / {every}",
            money(s.amount, &s.currency),
            calls(m.per),
            group(m.included)
        ),
    }
}

fn every(interval: &str, count: u64) -> String {
    if count == 1 {
        interval.to_string()
    } else {
        format!("{count} {interval}s")
    }
}

/// What a Stripe price charges: "$99.00 / month", "metered on api_calls / month".
pub fn describe_price(p: &RemotePrice) -> String {
    match (p.amount, &p.interval) {
        (Some(a), Some(i)) => format!(
            "{} / {}",
            money(a, &p.currency),
            every(i, p.interval_count.unwrap_or(1))
        ),
        (Some(a), None) => format!("{} one-time", money(a, &p.currency)),
        (None, Some(i)) if p.usage_type.as_deref() == Some("metered") => format!(
            "metered on {} / {}",
            p.meter.as_deref().unwrap_or("no meter"),
            every(i, p.interval_count.unwrap_or(1))
        ),
        _ => "no fixed amount".into(),
    }
}

fn calls(n: u64) -> String {
    if n == 1 {
        "call".into()
    } else {
        crate::util::plural::grouped(n, "call", "calls")
    }
}

/// The meter a config wants, by event name, among those Stripe has: the active one, else an
/// inactive one to reactivate.
pub fn find_meter<'a>(meters: &'a [RemoteMeter], spec: &MeterSpec) -> Option<&'a RemoteMeter> {
    let named = || meters.iter().filter(|m| m.event_name == spec.event_name);
    named().find(|m| m.active).or_else(|| named().next())
}

/// What setup-products read from Stripe.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// Prices holding the configured lookup keys.
    pub prices: Vec<RemotePrice>,
    /// The configured products and the products of those prices.
    pub products: Vec<RemoteProduct>,
    /// With `--prune`: active billctl products whose tier is no longer configured, with their
    /// active prices.
    pub orphans: Vec<(RemoteProduct, Vec<RemotePrice>)>,
    /// The configured meter, when the config declares one and Stripe has it.
    pub meter: Option<RemoteMeter>,
}

/// An object an applied action wrote, as Stripe answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    Meter(RemoteMeter),
    Product(RemoteProduct),
    Price(RemotePrice),
}

impl Observed {
    /// Takes in what an apply wrote, so the state after it is known without reading Stripe
    /// again: Stripe's answers to writes are the objects as they now are.
    pub fn absorb(&mut self, written: Written) {
        match written {
            Written::Meter(m) => self.meter = Some(m),
            Written::Product(p) => {
                if self.orphans.iter().any(|(o, _)| o.id == p.id) {
                    // An archived orphan is no longer one.
                    self.orphans.retain(|(o, _)| o.id != p.id || p.active);
                    return;
                }
                match self.products.iter_mut().find(|q| q.id == p.id) {
                    Some(q) => *q = p,
                    None => self.products.push(p),
                }
            }
            Written::Price(p) => {
                for (_, prices) in &mut self.orphans {
                    prices.retain(|q| q.id != p.id || p.active);
                }
                // A lookup key lives on one price: one that moved leaves its old holder.
                if let Some(k) = &p.lookup_key {
                    for q in self.prices.iter_mut().filter(|q| q.id != p.id) {
                        if q.lookup_key.as_ref() == Some(k) {
                            q.lookup_key = None;
                        }
                    }
                }
                match self.prices.iter_mut().find(|q| q.id == p.id) {
                    Some(q) => *q = p,
                    None => self.prices.push(p),
                }
                self.prices.retain(|q| q.lookup_key.is_some());
            }
        }
    }
}

/// The product fields billctl manages for a tier.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProductFields {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub features: Vec<String>,
}

impl ProductFields {
    pub fn of(tier: &Tier) -> ProductFields {
        let mut metadata = tier.metadata.clone();
        metadata.insert(META_TIER.into(), tier.id.clone());
        metadata.insert(
            "billctl_quota".into(),
            tier.quota.map_or("unlimited".into(), |q| q.to_string()),
        );
        metadata.insert(
            "billctl_rate_limit_per_minute".into(),
            tier.rate_limit_per_minute.to_string(),
        );
        if let Some(seats) = tier.seats {
            metadata.insert("billctl_seats".into(), seats.to_string());
        }
        ProductFields {
            id: tier.product_id.clone(),
            name: tier.name.clone(),
            description: tier.description.clone(),
            metadata,
            features: tier.features.clone(),
        }
    }
}

/// The metadata billctl puts on a price.
pub fn price_metadata(tier: &Tier, spec: &PriceSpec) -> BTreeMap<String, String> {
    let mut m = spec.metadata.clone();
    m.insert(META_TIER.into(), tier.id.clone());
    m
}

/// A hash of a tier's desired state, recorded in the store after a sync.
pub fn state_hash(tier: &Tier) -> String {
    let p = ProductFields::of(tier);
    let mut parts = vec![serde_json::to_string(&p).unwrap_or_default()];
    for s in &tier.prices {
        parts.push(format!(
            "{}|{}|{}|{}|{}|{:?}|{:?}|{:?}",
            s.lookup_key,
            s.amount,
            s.currency,
            s.interval.as_str(),
            s.interval_count,
            s.nickname,
            s.tax_behavior,
            s.metadata
        ));
        if let Some(m) = &s.metered {
            parts.push(format!("metered|{}|{}", m.included, m.per));
        }
    }
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    crate::domain::idempotency::derived(&refs)
        .trim_start_matches("billctl-")
        .to_string()
}
