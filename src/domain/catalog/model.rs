//! The catalog as configured: tiers, their prices (with the overage shape) and the meter, in
//! integer minor units. The config validates into these; the planner, the store and the
//! verifier read them.

use std::collections::BTreeMap;

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
    pub fn max_count(self) -> i64 {
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
    /// The most units (seats) one subscription to this tier may have: `max_quantity`,
    /// 1 (sold one at a time) when the tier declares none. See [`crate::domain::billing::seats`].
    pub max_quantity: u32,
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
