//! Customers and subscriptions as billctl sees them: which tier a subscription is on, and
//! what a sync changes in the local mirror. Pure: no I/O here.

use crate::domain::config::Config;
use serde::Serialize;

pub mod proration;
pub mod seats;
pub use proration::Proration;

/// One tier as setup-products last synced it (the catalog mirror's row).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CatalogRow {
    pub tier: String,
    pub product_id: String,
    pub name: String,
    pub quota: Option<i64>,
    pub rate_limit_per_minute: i64,
    pub state_hash: String,
    pub prices: Vec<PriceRow>,
}

/// One price as setup-products last synced it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PriceRow {
    pub lookup_key: String,
    pub price_id: String,
    pub env: String,
    pub primary: bool,
    pub amount: i64,
    pub currency: String,
    pub interval: String,
    pub interval_count: i64,
}

/// The tier name for a price that is not in the catalog.
pub const UNKNOWN_TIER: &str = "unknown";

/// Where usage stands against a quota.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// Calls left in the period (`None`: unlimited).
    pub remaining: Option<u64>,
    /// Share of the quota used, in percent (`None`: unlimited; a zero quota is 100% used).
    pub percent: Option<f64>,
    /// Calls beyond the quota.
    pub overage: i64,
}

/// Where `used` calls stand against `quota` (`None`: unlimited). Negative usage counts as 0.
pub fn standing(used: i64, quota: Option<u64>) -> Standing {
    let used_u = u64::try_from(used.max(0)).unwrap_or(0);
    Standing {
        remaining: quota.map(|q| q.saturating_sub(used_u)),
        percent: quota.map(|q| {
            if q == 0 {
                100.0
            } else {
                used_u as f64 * 100.0 / q as f64
            }
        }),
        overage: quota.map_or(0, |q| {
            i64::try_from(used_u.saturating_sub(q)).unwrap_or(i64::MAX)
        }),
    }
}

/// Whether `quantity` more calls fit in `quota` after `used` (always, when unlimited). Sums
/// that overflow do not fit.
pub fn fits(used: i64, quantity: i64, quota: Option<u64>) -> bool {
    match quota {
        None => true,
        Some(q) => used
            .checked_add(quantity)
            .is_some_and(|total| total <= i64::try_from(q).unwrap_or(i64::MAX)),
    }
}

/// A customer holds one live subscription at a time: the one among `existing` that stands in
/// the way of another.
pub fn live_subscription(existing: &[Subscription]) -> Option<&Subscription> {
    existing.iter().find(|s| s.is_live())
}

/// Whether the way past `live` is a plan change to the tier asked for: never for one waiting
/// for its first payment, nor for one on that tier already.
pub fn moves(live: &Subscription, on_wanted: bool) -> bool {
    live.status != "incomplete" && !on_wanted
}

/// What to do about `live`, the subscription that stands in the way of a new one on tier
/// `wanted` (`on_wanted`: it is on that tier already). A subscription waiting for its first
/// payment is completed or canceled, not moved; an unpaid one is paid first; a change is only
/// ever to another tier.
pub fn next_step(live: &Subscription, on_wanted: bool, wanted: &str) -> String {
    let sub = &live.id;
    let invoice = live.latest_invoice.as_deref().unwrap_or("INVOICE");
    let change = format!("'billctl subscriptions change {sub} --tier {wanted}'");
    match live.status.as_str() {
        "incomplete" => format!(
            "its first payment has not gone through: attach a card ('billctl payment-methods attach --customer {} PM --default') and pay invoice {invoice} ('billctl invoices pay {invoice}'), or cancel it ('billctl subscriptions cancel {sub}') and subscribe again",
            live.customer
        ),
        "past_due" | "unpaid" if on_wanted => format!(
            "it is on {wanted} already, with invoice {invoice} unpaid: pay it with 'billctl invoices pay {invoice}'"
        ),
        "past_due" | "unpaid" => format!(
            "pay its unpaid invoice {invoice} ('billctl invoices pay {invoice}'), or move it with {change}"
        ),
        _ if on_wanted => format!("it is on {wanted} already: nothing to create"),
        _ => format!("move it with {change}"),
    }
}

/// What a subscription's status gives its customer's API keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Granted,
    /// `past_due` within the grace period, which ends at this time.
    Grace {
        until: i64,
    },
    /// The status does not grant access (or the grace is over).
    PaymentRequired,
}

impl Access {
    /// The time access lasts until: for good, the grace's end, or never (`i64::MIN`).
    pub fn until(&self) -> i64 {
        match self {
            Access::Granted => i64::MAX,
            Access::Grace { until } => *until,
            Access::PaymentRequired => i64::MIN,
        }
    }

    /// Its state as reports show it, with the grace's end.
    pub fn label(&self) -> (AccessState, Option<i64>) {
        match self {
            Access::Granted => (AccessState::Granted, None),
            Access::Grace { until } => (AccessState::Grace, Some(*until)),
            Access::PaymentRequired => (AccessState::PaymentRequired, None),
        }
    }
}

/// A customer's access as reports show it: an [`Access`] without the grace's end (shown
/// beside it), or `none` for a customer without a subscription. JSON and tables take its
/// name from here; code compares the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessState {
    Granted,
    Grace,
    PaymentRequired,
    /// No subscription at all.
    #[serde(rename = "none")]
    NoSubscription,
}

impl AccessState {
    /// `granted`, `grace`, `payment_required` or `none`: as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessState::Granted => "granted",
            AccessState::Grace => "grace",
            AccessState::PaymentRequired => "payment_required",
            AccessState::NoSubscription => "none",
        }
    }

    /// Whether the customer's keys work now (granted, or within the grace).
    pub fn lets_in(self) -> bool {
        matches!(self, AccessState::Granted | AccessState::Grace)
    }
}

impl std::fmt::Display for AccessState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The access policy applied to one subscription at `now`: its status grants access, or it
/// is `past_due` for less than the grace since the first failed payment (`failed_at`, else the
/// period start, when the renewal invoice was first tried).
pub fn access(
    policy: &crate::domain::config::AccessPolicy,
    status: &str,
    failed_at: Option<i64>,
    period_start: i64,
    now: i64,
) -> Access {
    if policy.statuses.iter().any(|s| s == status) {
        return Access::Granted;
    }
    if status == "past_due" && policy.past_due_grace_secs > 0 {
        let until = failed_at
            .unwrap_or(period_start)
            .saturating_add(policy.past_due_grace_secs);
        if now < until {
            return Access::Grace { until };
        }
    }
    Access::PaymentRequired
}

/// How much a status lets a customer do, as an order: `active`/`trialing` (granted) over
/// `past_due` (the grace) over `incomplete`/`unpaid`/`paused` (refused, may come back) over
/// `canceled`/`incomplete_expired` (ended for good). "Moving access backwards" is moving down
/// this order.
pub fn access_rank(status: &str) -> u8 {
    match status {
        "active" | "trialing" => 3,
        "past_due" => 2,
        "canceled" | "incomplete_expired" => 0,
        _ => 1,
    }
}

/// Statuses Stripe never moves a subscription out of: after one, nothing but a refetch or a
/// sync changes the mirror's row.
pub const ENDED_STATUSES: &[&str] = &["canceled", "incomplete_expired"];

/// What the mirror holds of one subscription, and how recent each part of it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    pub row: MirrorRow,
    /// The time of the subscription object the row is from (`synced_at`: an event's
    /// `created`, a sync's listing time, a refetch).
    pub as_of: i64,
    /// The `created` of the last invoice event applied to it (`payment_state_at`).
    pub payment_at: Option<i64>,
    /// The invoice whose failure is open, if any.
    pub unpaid_invoice: Option<String>,
}

impl Held {
    /// The newest time the mirror knows anything of the subscription from: invoice events
    /// move a subscription's clock too.
    pub fn clock(&self) -> i64 {
        self.payment_at.map_or(self.as_of, |p| p.max(self.as_of))
    }
}

/// What a rule decides about a write to the mirror.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict<T> {
    /// Write this.
    Go(T),
    /// Change nothing, and why (the mirror is as new or newer).
    Skip(String),
    /// The event alone cannot decide, and why: only Stripe's current object can.
    Refetch(String),
}

/// Statuses that count as "has a subscription" (Stripe's non-terminal states).
pub const LIVE_STATUSES: &[&str] = &[
    "active",
    "trialing",
    "past_due",
    "unpaid",
    "incomplete",
    "paused",
];

/// A customer as Stripe has it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Customer {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub created: i64,
}

/// One subscription item: a price and what it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub id: String,
    pub price_id: String,
    pub lookup_key: Option<String>,
    #[serde(rename = "product_id")]
    pub product: String,
    pub amount: Option<i64>,
    pub currency: String,
    pub interval: Option<String>,
    pub quantity: Option<u64>,
}

/// A subscription as Stripe has it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subscription {
    pub id: String,
    #[serde(rename = "customer_id")]
    pub customer: String,
    pub status: String,
    pub items: Vec<Item>,
    pub current_period_start: i64,
    pub current_period_end: i64,
    pub cancel_at_period_end: bool,
    pub cancel_at: Option<i64>,
    pub canceled_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub created: i64,
    /// When it began: `created`, unless it was backdated.
    pub start_date: i64,
    /// When a trial ends (or ended).
    pub trial_end: Option<i64>,
    #[serde(rename = "latest_invoice_id")]
    pub latest_invoice: Option<String>,
}

impl Subscription {
    pub fn is_live(&self) -> bool {
        LIVE_STATUSES.contains(&self.status.as_str())
    }
}

/// An invoice as Stripe has it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invoice {
    pub id: String,
    pub number: Option<String>,
    pub status: Option<String>,
    pub currency: String,
    pub amount_due: i64,
    pub amount_paid: i64,
    pub period_start: i64,
    pub period_end: i64,
    pub hosted_invoice_url: Option<String>,
    pub created: i64,
}

/// Maps prices to tiers: by lookup key in the config, then by product (the configured product
/// ids and those recorded by setup-products), so a subscription on a replaced price keeps its
/// tier. Anything else is `unknown`.
pub struct TierMap {
    by_key: Vec<(String, String)>,
    by_product: Vec<(String, String)>,
}

impl TierMap {
    pub fn new(config: &Config, catalog: &[CatalogRow]) -> TierMap {
        let by_key = config
            .prices()
            .map(|(t, p)| (p.lookup_key.clone(), t.id.clone()))
            .collect();
        let mut by_product: Vec<(String, String)> = catalog
            .iter()
            .map(|r| (r.product_id.clone(), r.tier.clone()))
            .collect();
        by_product.extend(
            config
                .tiers
                .iter()
                .map(|t| (t.product_id.clone(), t.id.clone())),
        );
        TierMap { by_key, by_product }
    }

    /// Whether `id` is a product of the config or the catalog mirror.
    pub fn knows_product(&self, id: &str) -> bool {
        self.by_product.iter().any(|(p, _)| p == id)
    }

    /// Whether `key` is a configured lookup key.
    pub fn knows_lookup_key(&self, key: &str) -> bool {
        self.by_key.iter().any(|(k, _)| k == key)
    }

    pub fn tier_of(&self, item: &Item) -> String {
        let by_key = item
            .lookup_key
            .as_ref()
            .and_then(|k| self.by_key.iter().find(|(key, _)| key == k));
        let by_product = || self.by_product.iter().find(|(p, _)| *p == item.product);
        by_key
            .or_else(by_product)
            .map_or_else(|| UNKNOWN_TIER.to_string(), |(_, t)| t.clone())
    }

    /// The item that decides the subscription's tier: the first one on a known tier, else
    /// the first item.
    pub fn main_item<'a>(&self, sub: &'a Subscription) -> Option<&'a Item> {
        sub.items
            .iter()
            .find(|i| self.tier_of(i) != UNKNOWN_TIER)
            .or(sub.items.first())
    }
}

/// One subscription as the mirror keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MirrorRow {
    pub id: String,
    pub customer_id: String,
    pub status: String,
    pub tier: String,
    pub price_id: String,
    pub item_id: String,
    pub current_period_start: i64,
    pub current_period_end: i64,
    pub cancel_at_period_end: bool,
    pub cancel_at: Option<i64>,
    pub canceled_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub created: i64,
    /// The main item's quantity (seats): MRR is its unit amount times this. 1 when Stripe
    /// gives none (a metered item).
    pub quantity: i64,
}

impl MirrorRow {
    pub fn of(sub: &Subscription, tiers: &TierMap) -> MirrorRow {
        let item = tiers.main_item(sub);
        MirrorRow {
            id: sub.id.clone(),
            customer_id: sub.customer.clone(),
            status: sub.status.clone(),
            tier: item.map_or_else(|| UNKNOWN_TIER.to_string(), |i| tiers.tier_of(i)),
            price_id: item.map(|i| i.price_id.clone()).unwrap_or_default(),
            item_id: item.map(|i| i.id.clone()).unwrap_or_default(),
            current_period_start: sub.current_period_start,
            current_period_end: sub.current_period_end,
            cancel_at_period_end: sub.cancel_at_period_end,
            cancel_at: sub.cancel_at,
            canceled_at: sub.canceled_at,
            ended_at: sub.ended_at,
            created: sub.created,
            quantity: item
                .and_then(|i| i.quantity)
                .and_then(|q| i64::try_from(q).ok())
                .filter(|q| *q > 0)
                .unwrap_or(1),
        }
    }
}

/// What a sync changed in one table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
}

impl Counts {
    pub fn changed(&self) -> usize {
        self.added + self.updated + self.removed
    }
}

/// Compares the mirror (`have`) with Stripe (`want`) by id.
pub fn diff<T: PartialEq>(have: &[T], want: &[T], id: impl Fn(&T) -> &str) -> Counts {
    let mut c = Counts::default();
    for w in want {
        match have.iter().find(|h| id(h) == id(w)) {
            None => c.added += 1,
            Some(h) if h == w => c.unchanged += 1,
            Some(_) => c.updated += 1,
        }
    }
    c.removed = have
        .iter()
        .filter(|h| !want.iter().any(|w| id(w) == id(h)))
        .count();
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `.rs` file under `dir`, with its code before `#[cfg(test)]` (tests may spell
    /// states as text), skipping `tests.rs` siblings.
    fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs")
                && path.file_name().is_some_and(|n| n != "tests.rs")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
                out.push((path.display().to_string(), code));
            }
        }
    }

    /// States are enums, parsed from text where they come in and named by their `as_str`:
    /// no mode (`live`/`test`), key or token state (`active`/`revoked`/`expired`), access
    /// (`granted`/`grace`/`payment_required`), proration value or usage grain (`hour`/`day`) is compared, matched or
    /// produced as a string literal anywhere else in src/. The allowed sites are listed, each
    /// once: a new one fails until it is a parse at the door or an `as_str`.
    #[test]
    fn no_domain_state_is_compared_as_a_string_outside_its_parse() {
        let states = [
            "live",
            "test",
            "active",
            "revoked",
            "expired",
            "granted",
            "grace",
            "payment_required",
            "create_prorations",
            "always_invoice",
            "hour",
            "day",
        ];
        let allowed: &[(&str, &str)] = &[
            // Mode::parse and Mode::as_str.
            ("domain/mode.rs", "\"test\" => Some(Mode::Test),"),
            ("domain/mode.rs", "\"live\" => Some(Mode::Live),"),
            ("domain/mode.rs", "Mode::Test => \"test\","),
            ("domain/mode.rs", "Mode::Live => \"live\","),
            // KeyState::as_str.
            ("adapters/store/keys.rs", "KeyState::Active => \"active\","),
            ("adapters/store/keys.rs", "KeyState::Revoked => \"revoked\","),
            ("adapters/store/keys.rs", "KeyState::Expired => \"expired\","),
            // AccessState::as_str.
            ("domain/billing/mod.rs", "AccessState::Granted => \"granted\","),
            ("domain/billing/mod.rs", "AccessState::Grace => \"grace\","),
            (
                "domain/billing/mod.rs",
                "AccessState::PaymentRequired => \"payment_required\",",
            ),
            // Proration::as_str.
            (
                "domain/billing/proration.rs",
                "Proration::CreateProrations => \"create_prorations\",",
            ),
            (
                "domain/billing/proration.rs",
                "Proration::AlwaysInvoice => \"always_invoice\",",
            ),
            // Grain::as_str.
            ("domain/usage/mod.rs", "Grain::Hour => \"hour\","),
            ("domain/usage/mod.rs", "Grain::Day => \"day\","),
            // Other days than a rollup's grain: Stripe's price interval (Interval's parse and
            // as_str), a year's days per interval, a duration's unit and a CSV column.
            ("domain/catalog/model.rs", "Interval::Day => \"day\","),
            ("domain/catalog/model.rs", "\"day\" => Interval::Day,"),
            ("domain/revenue.rs", "\"day\" => (365, 12),"),
            (
                "domain/time.rs",
                "\"day\" => jiff::Span::new().try_days(n).ok()?,",
            ),
            ("output/usage.rs", "\"day\","),
            // Stripe's meter status, read at the Stripe door into a bool.
            (
                "adapters/stripe/meters.rs",
                "active: m.status.as_str() == \"active\",",
            ),
            // A subscription's status is Stripe's text, mirrored verbatim (`active`,
            // `trialing`, `past_due`...): these read it, they do not stand for a billctl state.
            ("ops/subscriptions.rs", "_ => \"active\","),
            // The lists of Stripe's subscription statuses.
            ("domain/config/mod.rs", "\"active\","),
            ("domain/billing/mod.rs", "\"active\","),
            ("domain/config/mod.rs", "statuses: vec![\"active\".into(), \"trialing\".into()],"),
            ("domain/revenue.rs", "\"active\" | \"past_due\" => Standing::Paying,"),
            ("domain/billing/mod.rs", "\"active\" | \"trialing\" => 3,"),
            ("domain/webhooks/apply/mod.rs", "(false, \"active\" | \"trialing\") if !self.invoice_void => Ok(\"past_due\".into()),"),
            ("domain/webhooks/apply/mod.rs", "(true, \"past_due\" | \"unpaid\" | \"incomplete\") => Ok(\"active\".into()),"),
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        assert!(files.len() > 100, "src/ was read: {} files", files.len());
        let mut found = Vec::new();
        for (path, code) in &files {
            for line in code.lines().map(str::trim) {
                if line.starts_with("//") {
                    continue;
                }
                let hit = states.iter().any(|s| {
                    let q = format!("\"{s}\"");
                    [
                        format!("== {q}"),
                        format!("!= {q}"),
                        format!("{q} =>"),
                        format!("{q} |"),
                        format!("| {q}"),
                        format!("=> {q}"),
                        format!("{{ {q} }}"),
                        format!("{q}.to_string()"),
                        format!("{q}.into()"),
                        format!("Some({q})"),
                    ]
                    .iter()
                    .any(|p| line.contains(p.as_str()))
                        // A literal alone on its line: rustfmt's `if x {\n "live"\n} else {`.
                        || line.trim_end_matches(',') == q
                });
                let ok = allowed
                    .iter()
                    .any(|(f, l)| path.ends_with(&format!("src/{f}")) && line == *l);
                if hit && !ok {
                    found.push(format!("{path}: {line}"));
                }
            }
        }
        assert!(
            found.is_empty(),
            "states compared or made as strings (use the enum; parse text at the door):\n{}",
            found.join("\n")
        );
        // Each allowed site is still there: the list does not outlive the code.
        for (f, l) in allowed {
            assert!(
                files
                    .iter()
                    .any(|(p, c)| p.ends_with(&format!("src/{f}"))
                        && c.lines().any(|x| x.trim() == *l)),
                "allowed site gone, drop it from the list: {f}: {l}"
            );
        }
    }

    #[test]
    fn standing_and_fits_share_one_rule() {
        let s = standing(12_000, Some(10_000));
        assert_eq!((s.remaining, s.overage), (Some(0), 2_000));
        assert_eq!(s.percent, Some(120.0));
        assert_eq!(
            standing(-5, Some(10)).remaining,
            Some(10),
            "negative usage counts as 0"
        );
        assert_eq!(
            standing(7, None),
            Standing {
                remaining: None,
                percent: None,
                overage: 0
            }
        );
        assert_eq!(standing(0, Some(0)).percent, Some(100.0));
        assert!(fits(9_999, 1, Some(10_000)) && !fits(10_000, 1, Some(10_000)));
        assert!(fits(i64::MAX, 1, None));
        assert!(
            !fits(i64::MAX, 1, Some(u64::MAX)),
            "an overflowing sum does not fit"
        );
    }
    use crate::domain::config::{parse, DEFAULT_CONFIG};

    /// The hint for a subscription in the way of a new one, for every live status (a new one
    /// without a row fails) on the tier asked for and on another: never a change to the tier
    /// it has, and an incomplete one is completed or canceled, never moved (issue 42).
    #[test]
    fn a_live_subscription_in_the_way_gets_its_own_next_step() {
        let rows: &[(&str, &str, &str)] = &[
            // status, on pro asking for pro, on pro asking for team
            ("active", "on pro already: nothing to create", "--tier team"),
            (
                "trialing",
                "on pro already: nothing to create",
                "--tier team",
            ),
            ("paused", "on pro already: nothing to create", "--tier team"),
            ("past_due", "invoices pay in_9", "invoices pay in_9"),
            ("unpaid", "invoices pay in_9", "invoices pay in_9"),
            ("incomplete", "invoices pay in_9", "invoices pay in_9"),
        ];
        let statuses: Vec<&str> = rows.iter().map(|r| r.0).collect();
        let mut live = LIVE_STATUSES.to_vec();
        let mut listed = statuses.clone();
        live.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, live, "a row for every live status");
        for (status, same, other) in rows {
            let sub = Subscription {
                id: "sub_1".into(),
                customer: "cus_1".into(),
                status: status.to_string(),
                items: vec![item(Some("pro_monthly"), "billctl_pro")],
                current_period_start: 0,
                current_period_end: 0,
                cancel_at_period_end: false,
                cancel_at: None,
                canceled_at: None,
                ended_at: None,
                created: 0,
                start_date: 0,
                trial_end: None,
                latest_invoice: Some("in_9".into()),
            };
            let on_pro = next_step(&sub, true, "pro");
            assert!(on_pro.contains(same), "{status}: {on_pro}");
            assert!(!on_pro.contains("--tier pro"), "{status}: {on_pro}");
            let to_team = next_step(&sub, false, "team");
            assert!(to_team.contains(other), "{status}: {to_team}");
            for (hint, on) in [(&on_pro, true), (&to_team, false)] {
                let says = hint.contains("subscriptions change");
                assert_eq!(moves(&sub, on), says, "{status}: {hint}");
            }
            if *status == "incomplete" {
                for hint in [&on_pro, &to_team] {
                    assert!(!hint.contains("subscriptions change"), "{hint}");
                    assert!(hint.contains("subscriptions cancel sub_1"), "{hint}");
                }
            }
        }
    }

    fn item(lookup: Option<&str>, product: &str) -> Item {
        Item {
            id: "si_1".into(),
            price_id: "price_1".into(),
            lookup_key: lookup.map(String::from),
            product: product.into(),
            amount: Some(1),
            currency: "usd".into(),
            interval: Some("month".into()),
            quantity: Some(1),
        }
    }

    #[test]
    fn tiers_come_from_lookup_keys_then_products_else_unknown() {
        let config = parse(DEFAULT_CONFIG, "d").unwrap();
        let catalog = vec![CatalogRow {
            tier: "team".into(),
            product_id: "prod_adopted".into(),
            name: "Team".into(),
            quota: None,
            rate_limit_per_minute: 1,
            state_hash: String::new(),
            prices: vec![],
        }];
        let m = TierMap::new(&config, &catalog);
        assert_eq!(m.tier_of(&item(Some("pro_monthly"), "x")), "pro");
        assert_eq!(
            m.tier_of(&item(None, "billctl_enterprise")),
            "enterprise",
            "a replaced price keeps its tier through its product"
        );
        assert_eq!(m.tier_of(&item(None, "prod_adopted")), "team");
        assert_eq!(
            m.tier_of(&item(Some("gold_monthly"), "prod_gold")),
            UNKNOWN_TIER
        );
    }

    #[test]
    fn diff_counts_each_kind_of_change() {
        let have = vec![("a", 1), ("b", 2), ("c", 3)];
        let want = vec![("a", 1), ("b", 9), ("d", 4)];
        let c = diff(&have, &want, |x| x.0);
        assert_eq!(
            c,
            Counts {
                added: 1,
                updated: 1,
                removed: 1,
                unchanged: 1
            }
        );
        assert_eq!(diff(&want, &want, |x| x.0).changed(), 0);
    }
}
