//! Desired catalog + observed Stripe state -> the ordered list of changes.

use super::{
    norm_decimal, price_metadata, Observed, ProductFields, RemotePrice, RemoteProduct,
    META_REPLACES,
};
use crate::domain::catalog::{MeterSpec, PriceSpec, Tier};
use serde::Serialize;
use std::collections::BTreeMap;

/// One field that differs: what Stripe has and what the config wants.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub field: String,
    /// What Stripe has (`from` and `to` name moments elsewhere in billctl's JSON).
    #[serde(rename = "stripe")]
    pub from: String,
    /// What the config wants.
    #[serde(rename = "config")]
    pub to: String,
}

fn change(field: &str, from: impl ToString, to: impl ToString) -> Change {
    Change {
        field: field.into(),
        from: from.to_string(),
        to: to.to_string(),
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Create the billing meter (sum of the events' values, customer by id).
    CreateMeter {
        spec: MeterSpec,
    },
    UpdateMeter {
        id: String,
        spec: MeterSpec,
        changes: Vec<Change>,
    },
    ReactivateMeter {
        id: String,
        spec: MeterSpec,
    },
    CreateProduct {
        tier: String,
        fields: ProductFields,
    },
    UpdateProduct {
        tier: String,
        id: String,
        fields: ProductFields,
        changes: Vec<Change>,
    },
    CreatePrice {
        tier: String,
        product: String,
        spec: PriceSpec,
        metadata: BTreeMap<String, String>,
    },
    /// Create the new price with the lookup key transferred, archive `old`, clear the marker.
    ReplacePrice {
        tier: String,
        product: String,
        spec: PriceSpec,
        metadata: BTreeMap<String, String>,
        old: String,
        changes: Vec<Change>,
    },
    /// Update the fields Stripe allows on an existing price (and reactivate it).
    UpdatePrice {
        tier: String,
        id: String,
        spec: PriceSpec,
        metadata: BTreeMap<String, String>,
        changes: Vec<Change>,
    },
    /// Archive the price an interrupted replacement left active, then clear the marker.
    FinishReplace {
        tier: String,
        id: String,
        lookup_key: String,
        old: String,
    },
    ArchivePrice {
        tier: String,
        id: String,
        lookup_key: Option<String>,
    },
    ArchiveProduct {
        tier: String,
        id: String,
    },
}

impl Action {
    pub fn tier(&self) -> &str {
        match self {
            Action::CreateMeter { .. }
            | Action::UpdateMeter { .. }
            | Action::ReactivateMeter { .. } => "-",
            Action::CreateProduct { tier, .. }
            | Action::UpdateProduct { tier, .. }
            | Action::CreatePrice { tier, .. }
            | Action::ReplacePrice { tier, .. }
            | Action::UpdatePrice { tier, .. }
            | Action::FinishReplace { tier, .. }
            | Action::ArchivePrice { tier, .. }
            | Action::ArchiveProduct { tier, .. } => tier,
        }
    }

    /// Short verb phrase for tables and JSON (`create price`, `replace price`...).
    pub fn verb(&self) -> &'static str {
        match self {
            Action::CreateMeter { .. } => "create meter",
            Action::UpdateMeter { .. } => "update meter",
            Action::ReactivateMeter { .. } => "reactivate meter",
            Action::CreateProduct { .. } => "create product",
            Action::UpdateProduct { .. } => "update product",
            Action::CreatePrice { .. } => "create price",
            Action::ReplacePrice { .. } => "replace price",
            Action::UpdatePrice { .. } => "update price",
            Action::FinishReplace { .. } => "archive replaced price",
            Action::ArchivePrice { .. } => "archive price",
            Action::ArchiveProduct { .. } => "archive product",
        }
    }

    /// How many POST requests applying this action sends.
    pub fn writes(&self) -> u64 {
        match self {
            Action::ReplacePrice { .. } => 3,
            Action::FinishReplace { .. } => 2,
            _ => 1,
        }
    }
}

impl Action {
    /// Which wave of an apply the action belongs to: actions of one wave are independent of
    /// each other and can be sent together; each wave needs the ones before it (a price needs
    /// its product and the meter; archiving a product comes after its prices).
    pub fn wave(&self) -> usize {
        match self {
            Action::CreateMeter { .. }
            | Action::UpdateMeter { .. }
            | Action::ReactivateMeter { .. }
            | Action::CreateProduct { .. }
            | Action::UpdateProduct { .. } => 0,
            Action::CreatePrice { .. }
            | Action::ReplacePrice { .. }
            | Action::UpdatePrice { .. }
            | Action::FinishReplace { .. }
            | Action::ArchivePrice { .. } => 1,
            Action::ArchiveProduct { .. } => 2,
        }
    }
}

/// The ordered changes: the meter, products, then prices, then archivals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub actions: Vec<Action>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }
    pub fn writes(&self) -> u64 {
        self.actions.iter().map(Action::writes).sum()
    }

    /// The actions in waves (see [`Action::wave`]), each in plan order; empty waves left out.
    pub fn waves(&self) -> Vec<Vec<&Action>> {
        let mut waves: Vec<Vec<&Action>> = vec![Vec::new(); 3];
        for a in &self.actions {
            waves[a.wave()].push(a);
        }
        waves.retain(|w| !w.is_empty());
        waves
    }
}

/// Computes the plan that makes Stripe match `config`.
pub fn plan(tiers: &[Tier], meter: Option<&MeterSpec>, observed: &Observed) -> Plan {
    let mut meters = Vec::new();
    if let Some(spec) = meter {
        match &observed.meter {
            None => meters.push(Action::CreateMeter { spec: spec.clone() }),
            Some(m) => {
                if !m.active {
                    meters.push(Action::ReactivateMeter {
                        id: m.id.clone(),
                        spec: spec.clone(),
                    });
                }
                if m.display_name != spec.display_name {
                    meters.push(Action::UpdateMeter {
                        id: m.id.clone(),
                        spec: spec.clone(),
                        changes: vec![change("display_name", &m.display_name, &spec.display_name)],
                    });
                }
            }
        }
    }
    let meter_id = observed.meter.as_ref().map(|m| m.id.as_str());
    let mut products = Vec::new();
    let mut prices = Vec::new();
    let mut archives = Vec::new();
    for tier in tiers {
        let product_id = tier_product(tier, observed);
        let desired = ProductFields {
            id: product_id.clone(),
            ..ProductFields::of(tier)
        };
        match observed.products.iter().find(|p| p.id == product_id) {
            None => products.push(Action::CreateProduct {
                tier: tier.id.clone(),
                fields: desired,
            }),
            Some(have) => {
                let changes = product_changes(have, &desired);
                if !changes.is_empty() {
                    products.push(Action::UpdateProduct {
                        tier: tier.id.clone(),
                        id: have.id.clone(),
                        fields: desired,
                        changes,
                    });
                }
            }
        }
        for spec in &tier.prices {
            plan_price(tier, spec, &product_id, observed, meter_id, &mut prices);
        }
    }
    for (product, product_prices) in &observed.orphans {
        let tier = product
            .metadata
            .get(super::META_TIER)
            .cloned()
            .unwrap_or_default();
        for p in product_prices.iter().filter(|p| p.active) {
            archives.push(Action::ArchivePrice {
                tier: tier.clone(),
                id: p.id.clone(),
                lookup_key: p.lookup_key.clone(),
            });
        }
        if product.active {
            archives.push(Action::ArchiveProduct {
                tier,
                id: product.id.clone(),
            });
        }
    }
    meters.extend(products);
    meters.extend(prices);
    meters.extend(archives);
    Plan { actions: meters }
}

/// The product a tier lives on: the one its primary price is on (adopting what exists), else
/// the configured product id, else the product of any of its prices, else the configured id
/// (to be created).
pub fn tier_product(tier: &Tier, observed: &Observed) -> String {
    let holder = |key: &str| {
        observed
            .prices
            .iter()
            .find(|p| p.lookup_key.as_deref() == Some(key))
    };
    if let Some(p) = holder(&tier.primary().lookup_key) {
        return p.product.clone();
    }
    if observed.products.iter().any(|p| p.id == tier.product_id) {
        return tier.product_id.clone();
    }
    tier.prices
        .iter()
        .find_map(|s| holder(&s.lookup_key))
        .map_or_else(|| tier.product_id.clone(), |p| p.product.clone())
}

fn product_changes(have: &RemoteProduct, want: &ProductFields) -> Vec<Change> {
    let mut changes = Vec::new();
    if have.name != want.name {
        changes.push(change("name", &have.name, &want.name));
    }
    if have.description != want.description {
        changes.push(change(
            "description",
            have.description.as_deref().unwrap_or(""),
            want.description.as_deref().unwrap_or(""),
        ));
    }
    if !have.active {
        changes.push(change("active", false, true));
    }
    for (k, v) in &want.metadata {
        if have.metadata.get(k) != Some(v) {
            changes.push(change(
                &format!("metadata.{k}"),
                have.metadata.get(k).map_or("", String::as_str),
                v,
            ));
        }
    }
    if have.features != want.features {
        changes.push(change(
            "features",
            have.features.join(", "),
            want.features.join(", "),
        ));
    }
    changes
}

fn plan_price(
    tier: &Tier,
    spec: &PriceSpec,
    product: &str,
    observed: &Observed,
    meter_id: Option<&str>,
    out: &mut Vec<Action>,
) {
    let metadata = price_metadata(tier, spec);
    let t = tier.id.clone();
    let Some(have) = observed
        .prices
        .iter()
        .find(|p| p.lookup_key.as_deref() == Some(spec.lookup_key.as_str()))
    else {
        out.push(Action::CreatePrice {
            tier: t,
            product: product.into(),
            spec: spec.clone(),
            metadata,
        });
        return;
    };
    if let Some(old) = have.metadata.get(META_REPLACES).filter(|o| !o.is_empty()) {
        out.push(Action::FinishReplace {
            tier: t.clone(),
            id: have.id.clone(),
            lookup_key: spec.lookup_key.clone(),
            old: old.clone(),
        });
    }
    let fixed = immutable_changes(have, spec, product, meter_id);
    if !fixed.is_empty() {
        out.push(Action::ReplacePrice {
            tier: t,
            product: product.into(),
            spec: spec.clone(),
            metadata,
            old: have.id.clone(),
            changes: fixed,
        });
        return;
    }
    let changes = mutable_changes(have, spec, &metadata);
    if !changes.is_empty() {
        out.push(Action::UpdatePrice {
            tier: t,
            id: have.id.clone(),
            spec: spec.clone(),
            metadata,
            changes,
        });
    }
}

/// Differences that Stripe cannot update in place.
fn immutable_changes(
    have: &RemotePrice,
    spec: &PriceSpec,
    product: &str,
    meter_id: Option<&str>,
) -> Vec<Change> {
    let mut c = shape_changes(have, spec, meter_id);
    if have.product != product {
        c.push(change("product", &have.product, product));
    }
    // Stripe lets tax_behavior change only while it is unspecified.
    let want_tax = spec.tax_behavior.as_deref().unwrap_or("unspecified");
    let have_tax = have.tax_behavior.as_deref().unwrap_or("unspecified");
    if have_tax != want_tax && have_tax != "unspecified" {
        c.push(change("tax_behavior", have_tax, want_tax));
    }
    c
}

/// How a price differs in what it charges: amount (or, for an overage price, the free tier up
/// to the quota, the per-call amount and the meter), currency and interval. `meter_id` is the
/// configured meter's id when Stripe has it (`None`: it is about to be created).
pub fn shape_changes(have: &RemotePrice, spec: &PriceSpec, meter_id: Option<&str>) -> Vec<Change> {
    let mut c = Vec::new();
    let show = |a: Option<i64>| a.map_or("none".to_string(), |a| a.to_string());
    let usage = have.usage_type.as_deref().unwrap_or("licensed");
    match (&spec.metered, spec.per_call_decimal()) {
        (Some(m), Some(per_call)) => {
            if usage != "metered" {
                c.push(change("usage_type", usage, "metered"));
            }
            let want_meter = meter_id.unwrap_or("(new meter)");
            if have.meter.as_deref() != Some(want_meter) {
                c.push(change(
                    "meter",
                    have.meter.as_deref().unwrap_or("none"),
                    want_meter,
                ));
            }
            let shown = |t: &[super::RemoteTier]| {
                t.iter()
                    .map(|t| {
                        format!(
                            "{}@{}{}",
                            t.up_to.map_or("inf".to_string(), |u| u.to_string()),
                            t.unit_amount_decimal
                                .as_deref()
                                .map_or("0".into(), norm_decimal),
                            t.flat_amount
                                .filter(|f| *f != 0)
                                .map_or(String::new(), |f| format!("+{f}"))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let want = format!("{}@0, inf@{}", m.included, norm_decimal(&per_call));
            let have_tiers = shown(&have.tiers);
            if have_tiers != want {
                c.push(change(
                    "tiers",
                    if have_tiers.is_empty() {
                        "none".into()
                    } else {
                        have_tiers
                    },
                    want,
                ));
            }
        }
        _ => {
            if have.amount != Some(spec.amount) {
                c.push(change("amount", show(have.amount), spec.amount));
            }
            if usage != "licensed" {
                c.push(change("usage_type", usage, "licensed"));
            }
        }
    }
    if have.currency != spec.currency {
        c.push(change("currency", &have.currency, &spec.currency));
    }
    if have.interval.as_deref() != Some(spec.interval.as_str()) {
        c.push(change(
            "interval",
            have.interval.as_deref().unwrap_or("one-time"),
            spec.interval.as_str(),
        ));
    }
    if have.interval.is_some() && have.interval_count != Some(u64::from(spec.interval_count)) {
        c.push(change(
            "interval_count",
            have.interval_count.unwrap_or(0),
            spec.interval_count,
        ));
    }
    c
}

fn mutable_changes(
    have: &RemotePrice,
    spec: &PriceSpec,
    metadata: &BTreeMap<String, String>,
) -> Vec<Change> {
    let mut c = Vec::new();
    if !have.active {
        c.push(change("active", false, true));
    }
    if let Some(n) = &spec.nickname {
        if have.nickname.as_ref() != Some(n) {
            c.push(change(
                "nickname",
                have.nickname.as_deref().unwrap_or(""),
                n,
            ));
        }
    }
    let want_tax = spec.tax_behavior.as_deref().unwrap_or("unspecified");
    if have.tax_behavior.as_deref().unwrap_or("unspecified") == "unspecified"
        && want_tax != "unspecified"
    {
        c.push(change("tax_behavior", "unspecified", want_tax));
    }
    for (k, v) in metadata {
        if have.metadata.get(k) != Some(v) {
            c.push(change(
                &format!("metadata.{k}"),
                have.metadata.get(k).map_or("", String::as_str),
                v,
            ));
        }
    }
    c
}

/// What an action is about, for people: the object, a one-line detail, and its field changes.
pub fn describe(a: &Action) -> (String, String, Vec<Change>) {
    let price = super::describe_spec;
    let list = |c: &[Change]| {
        c.iter()
            .map(|c| format!("{}: {:?} -> {:?}", c.field, c.from, c.to))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match a {
        Action::CreateMeter { spec } => (
            spec.event_name.clone(),
            format!(
                "meter {:?}: sum of event values per customer",
                spec.display_name
            ),
            vec![],
        ),
        Action::UpdateMeter { id, changes, .. } => (id.clone(), list(changes), changes.clone()),
        Action::ReactivateMeter { id, spec } => (
            id.clone(),
            format!("meter for {} is inactive; reactivate it", spec.event_name),
            vec![],
        ),
        Action::CreateProduct { fields, .. } => {
            (fields.id.clone(), format!("name {:?}", fields.name), vec![])
        }
        Action::UpdateProduct { id, changes, .. } => (id.clone(), list(changes), changes.clone()),
        Action::CreatePrice { spec, product, .. } => (
            spec.lookup_key.clone(),
            format!("{} on {product}", price(spec)),
            vec![],
        ),
        Action::ReplacePrice {
            spec, old, changes, ..
        } => (
            spec.lookup_key.clone(),
            format!(
                "{}; new price takes the lookup key, {old} is archived",
                list(changes)
            ),
            changes.clone(),
        ),
        Action::UpdatePrice {
            spec, id, changes, ..
        } => (
            spec.lookup_key.clone(),
            format!("{id}: {}", list(changes)),
            changes.clone(),
        ),
        Action::FinishReplace {
            lookup_key, old, ..
        } => (
            lookup_key.clone(),
            format!("{old} was replaced; archive it"),
            vec![],
        ),
        Action::ArchivePrice { id, lookup_key, .. } => (
            lookup_key.clone().unwrap_or_else(|| id.clone()),
            format!("{id} (tier removed)"),
            vec![],
        ),
        Action::ArchiveProduct { id, .. } => {
            (id.clone(), "tier removed from the config".into(), vec![])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::config::{parse, Config, DEFAULT_CONFIG};

    fn plan_of(c: &Config, o: &Observed) -> Plan {
        plan(&c.tiers, c.meter.as_ref(), o)
    }

    fn config() -> Config {
        parse(DEFAULT_CONFIG, "default").unwrap()
    }

    /// What Stripe looks like right after a clean apply of `config`.
    fn converged(c: &Config) -> Observed {
        let mut o = Observed::default();
        for tier in &c.tiers {
            let f = ProductFields::of(tier);
            o.products.push(RemoteProduct {
                id: f.id.clone(),
                name: f.name,
                description: f.description,
                active: true,
                metadata: f.metadata,
                features: f.features,
            });
            for (i, s) in tier.prices.iter().enumerate() {
                o.prices.push(RemotePrice {
                    id: format!("price_{}_{i}", tier.id),
                    product: f.id.clone(),
                    active: true,
                    lookup_key: Some(s.lookup_key.clone()),
                    amount: Some(s.amount),
                    currency: s.currency.clone(),
                    interval: Some(s.interval.as_str().into()),
                    interval_count: Some(s.interval_count.into()),
                    nickname: s.nickname.clone(),
                    tax_behavior: Some("unspecified".into()),
                    metadata: price_metadata(tier, s),
                    usage_type: Some("licensed".into()),
                    meter: None,
                    tiers: vec![],
                });
            }
        }
        o
    }

    #[test]
    fn an_empty_account_needs_three_products_and_three_prices() {
        let p = plan_of(&config(), &Observed::default());
        let verbs: Vec<&str> = p.actions.iter().map(Action::verb).collect();
        assert_eq!(
            verbs,
            [
                "create product",
                "create product",
                "create product",
                "create price",
                "create price",
                "create price"
            ]
        );
        assert_eq!(p.writes(), 6);
    }

    #[test]
    fn a_converged_account_needs_nothing() {
        let c = config();
        assert!(plan_of(&c, &converged(&c)).is_empty());
    }

    #[test]
    fn an_amount_change_is_a_replacement_and_a_nickname_change_an_update() {
        let c = config();
        let mut o = converged(&c);
        o.prices[0].amount = Some(10900);
        o.prices[1].nickname = Some("old".into());
        let mut c2 = c.clone();
        c2.tiers[1].prices[0].nickname = Some("Team monthly".into());
        let p = plan_of(&c2, &o);
        assert_eq!(p.actions.len(), 2);
        match &p.actions[0] {
            Action::ReplacePrice { old, changes, .. } => {
                assert_eq!(old, "price_pro_0");
                assert_eq!(changes, &[change("amount", 10900, 9900)]);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(&p.actions[1], Action::UpdatePrice { changes, .. } if changes[0].field == "nickname")
        );
    }

    #[test]
    fn adopted_objects_are_updated_not_duplicated() {
        let c = config();
        let mut o = converged(&c);
        // The Pro price lives on a product created by hand, without billctl's metadata.
        o.products[0].id = "prod_manual".into();
        o.products[0].metadata.clear();
        o.prices[0].product = "prod_manual".into();
        let p = plan_of(&c, &o);
        assert_eq!(p.actions.len(), 1);
        assert!(matches!(&p.actions[0], Action::UpdateProduct { id, .. } if id == "prod_manual"));
    }

    #[test]
    fn archived_things_come_back_and_interrupted_replacements_finish() {
        let c = config();
        let mut o = converged(&c);
        o.products[2].active = false;
        o.prices[1].active = false;
        o.prices[0]
            .metadata
            .insert(META_REPLACES.into(), "price_old".into());
        let verbs: Vec<&str> = plan_of(&c, &o).actions.iter().map(Action::verb).collect();
        assert_eq!(
            verbs,
            ["update product", "archive replaced price", "update price"]
        );
    }

    #[test]
    fn orphans_are_archived_prices_first() {
        let c = config();
        let mut o = converged(&c);
        let orphan = RemoteProduct {
            id: "billctl_legacy".into(),
            name: "Legacy".into(),
            description: None,
            active: true,
            metadata: [("billctl_tier".to_string(), "legacy".to_string())].into(),
            features: vec![],
        };
        let mut price = o.prices[0].clone();
        price.id = "price_legacy".into();
        o.orphans.push((orphan, vec![price]));
        let verbs: Vec<&str> = plan_of(&c, &o).actions.iter().map(Action::verb).collect();
        assert_eq!(verbs, ["archive price", "archive product"]);
    }
}
