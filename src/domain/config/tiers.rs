//! `[tiers]`: each tier's id, name, quota, rate limit, seats, product id, prices (primary,
//! extra and overage) and trial, checked against Stripe's limits; lookup keys and env names
//! unique across all prices, product ids across tiers.

use super::error::{ConfigError, SourceText};
use super::load::{MAX_PRICES, MAX_TIERS};
use super::raw::{Num, RawOverage, RawPrice, RawTier};
use crate::domain::catalog::model::{Interval, Metered, PriceSpec, Tier};
use indexmap::IndexMap;
use std::collections::{BTreeMap, HashSet};
use toml::Spanned;

/// Lookup keys and env names seen so far: both unique across all prices.
#[derive(Default)]
struct Seen {
    lookup_keys: HashSet<String>,
    envs: HashSet<String>,
}

/// `product_id_prefix`: letters, digits, '_' and '-' (default `billctl_`).
pub(super) fn product_id_prefix(
    cx: &SourceText,
    raw: Option<&Spanned<String>>,
) -> Result<String, ConfigError> {
    match raw {
        None => Ok("billctl_".to_string()),
        Some(p) if valid_id_chars(p.get_ref()) => Ok(p.get_ref().clone()),
        Some(p) => Err(cx.err(
            p.span(),
            "product_id_prefix",
            "use only letters, digits, '_' and '-'",
        )),
    }
}

/// Every tier, in file order: at least one, at most [`MAX_TIERS`] with [`MAX_PRICES`] prices.
/// At least one tier, at most [`MAX_TIERS`], and at most [`MAX_PRICES`] prices among them.
fn bounded(
    cx: &SourceText,
    span: std::ops::Range<usize>,
    raw_tiers: &IndexMap<String, Spanned<RawTier>>,
) -> Result<(), ConfigError> {
    if raw_tiers.is_empty() {
        return Err(cx.err(span, "tiers", "declare at least one tier"));
    }
    if raw_tiers.len() > MAX_TIERS {
        let n = raw_tiers.len();
        return Err(cx.err(
            span,
            "tiers",
            format!(
                "{}: a config declares at most {MAX_TIERS}",
                crate::util::plural::count(n, "tier", "tiers")
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
            span,
            "tiers",
            format!(
                "{}: a config declares at most {MAX_PRICES}",
                crate::util::plural::count(prices, "price", "prices")
            ),
        ));
    }
    Ok(())
}

pub(super) fn tiers(
    cx: &SourceText,
    raw: Spanned<IndexMap<String, Spanned<RawTier>>>,
    prefix: &str,
    has_meter: bool,
) -> Result<Vec<Tier>, ConfigError> {
    let span = raw.span();
    let raw_tiers = raw.into_inner();
    bounded(cx, span, &raw_tiers)?;
    let mut tiers = Vec::new();
    let mut seen = Seen::default();
    let mut product_ids = HashSet::new();
    for (id, raw_tier) in raw_tiers {
        let span = raw_tier.span();
        let tier = tier(
            cx,
            &id,
            span.clone(),
            raw_tier.into_inner(),
            prefix,
            has_meter,
            &mut seen,
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
    Ok(tiers)
}

fn tier(
    cx: &SourceText,
    id: &str,
    span: std::ops::Range<usize>,
    raw: RawTier,
    prefix: &str,
    has_meter: bool,
    seen: &mut Seen,
) -> Result<Tier, ConfigError> {
    let key = format!("tiers.{id}");
    check_id(cx, id, span.clone(), &key)?;
    if raw.name.get_ref().trim().is_empty() {
        return Err(cx.err(raw.name.span(), format!("{key}.name"), "must not be empty"));
    }
    plain(
        cx,
        raw.name.span(),
        &format!("{key}.name"),
        raw.name.get_ref(),
    )?;
    if let Some(d) = &raw.description {
        plain(cx, span.clone(), &format!("{key}.description"), d)?;
    }
    for (i, f) in raw.features.iter().enumerate() {
        plain(cx, span.clone(), &format!("{key}.features[{i}]"), f)?;
    }
    let quota = quota(cx, &raw.quota, &key)?;
    let rate = whole_at_least_one(
        cx,
        Some(&raw.rate_limit_per_minute),
        &key,
        "rate_limit_per_minute",
    )?
    .unwrap_or(1);
    let seats = whole_at_least_one(cx, raw.seats.as_ref(), &key, "seats")?;
    let max_quantity = max_quantity(cx, raw.max_quantity.as_ref(), &key)?;
    let product_id = product_id(cx, raw.product_id.as_ref(), &key, prefix, id)?;
    let mut prices = vec![price(
        cx,
        &format!("{key}.price"),
        raw.price,
        Some(id),
        seen,
    )?];
    for (i, extra) in raw.extra_prices.into_iter().enumerate() {
        prices.push(price(
            cx,
            &format!("{key}.extra_prices[{i}]"),
            extra,
            None,
            seen,
        )?);
    }
    if let Some(raw_over) = raw.overage {
        let spec = overage(cx, id, raw_over, quota, has_meter, &prices[0], seen)?;
        prices.push(spec);
    }
    Ok(Tier {
        id: id.to_string(),
        name: raw.name.into_inner(),
        description: raw.description.filter(|d| !d.is_empty()),
        product_id,
        quota,
        rate_limit_per_minute: rate,
        seats,
        max_quantity,
        features: raw.features,
        metadata: metadata(cx, raw.metadata, &format!("{key}.metadata"))?,
        prices,
        trial_days: trial_days(cx, raw.trial_days.as_ref(), &key)?,
    })
}

/// Text billctl sends to Stripe, which shows it to customers (names, features on the pricing
/// table, nicknames, metadata) and billctl shows on terminals: no control or bidi character.
pub(super) fn plain(
    cx: &SourceText,
    span: std::ops::Range<usize>,
    key: &str,
    text: &str,
) -> Result<(), ConfigError> {
    match text.chars().find(|&c| crate::util::text::unsafe_char(c)) {
        None => Ok(()),
        Some(c) => Err(cx.err(
            span,
            key.to_string(),
            format!(
                "holds the control character {}: text sent to Stripe must not",
                c.escape_unicode()
            ),
        )),
    }
}

/// A tier's product id: `product_id`, or the prefix and the tier id.
fn product_id(
    cx: &SourceText,
    raw: Option<&Spanned<String>>,
    key: &str,
    prefix: &str,
    id: &str,
) -> Result<String, ConfigError> {
    match raw {
        Some(p) if valid_id_chars(p.get_ref()) => Ok(p.get_ref().clone()),
        Some(p) => Err(cx.err(
            p.span(),
            format!("{key}.product_id"),
            "use only letters, digits, '_' and '-'",
        )),
        None => Ok(format!("{prefix}{id}")),
    }
}

/// A tier id: lower-case letters, digits and '_', starting with a letter.
fn check_id(
    cx: &SourceText,
    id: &str,
    span: std::ops::Range<usize>,
    key: &str,
) -> Result<(), ConfigError> {
    let ok = id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        return Ok(());
    }
    Err(cx.err(
        span,
        key,
        "tier ids use lower-case letters, digits and '_', starting with a letter",
    ))
}

/// Calls per period, or `None` for "unlimited".
fn quota(cx: &SourceText, raw: &Spanned<Num>, key: &str) -> Result<Option<u64>, ConfigError> {
    match raw.get_ref() {
        Num::Word(w) if w == "unlimited" => Ok(None),
        _ => {
            let note = " (calls a period) or \"unlimited\"";
            let n = cx.whole(raw, format!("{key}.quota"), (0, i64::MAX), note)?;
            Ok(Some(n as u64))
        }
    }
}

/// An optional whole number from 1 to `u32::MAX`.
fn whole_at_least_one(
    cx: &SourceText,
    raw: Option<&Spanned<Num>>,
    key: &str,
    field: &str,
) -> Result<Option<u32>, ConfigError> {
    raw.map(|s| {
        cx.whole(s, format!("{key}.{field}"), (1, u32::MAX.into()), "")
            .map(|n| n as u32)
    })
    .transpose()
}

/// The most seats a subscription to any tier may have ([`MAX_TIER_QUANTITY`]).
pub const MAX_TIER_QUANTITY: u32 = 10_000;

/// `max_quantity`: 1 to [`MAX_TIER_QUANTITY`]; 1 when absent (the tier is sold one at a time).
fn max_quantity(
    cx: &SourceText,
    raw: Option<&Spanned<Num>>,
    key: &str,
) -> Result<u32, ConfigError> {
    let Some(s) = raw else {
        return Ok(1);
    };
    let range = (1, MAX_TIER_QUANTITY.into());
    Ok(cx.whole(s, format!("{key}.max_quantity"), range, "")? as u32)
}

/// Free trial days: 1 to 730 (Stripe's limit).
fn trial_days(
    cx: &SourceText,
    raw: Option<&Spanned<Num>>,
    key: &str,
) -> Result<Option<u32>, ConfigError> {
    raw.map(|d| {
        let note = " (days; Stripe's limit)";
        cx.whole(d, format!("{key}.trial_days"), (1, 730), note)
            .map(|n| n as u32)
    })
    .transpose()
}

/// A tier's overage price: on the meter, in the primary price's currency and interval, free
/// up to the quota, then `amount` per `per` calls.
fn overage(
    cx: &SourceText,
    id: &str,
    raw: Spanned<RawOverage>,
    quota: Option<u64>,
    has_meter: bool,
    primary: &PriceSpec,
    seen: &mut Seen,
) -> Result<PriceSpec, ConfigError> {
    let span = raw.span();
    let okey = format!("tiers.{id}.overage");
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
    let o = raw.into_inner();
    let per = per_calls(cx, o.per.as_ref(), &okey)?;
    let raw_price = RawPrice {
        lookup_key: o.lookup_key,
        amount: o.amount,
        currency: Spanned::new(0..0, primary.currency.clone()),
        interval: Spanned::new(0..0, primary.interval.as_str().to_string()),
        interval_count: Some(Spanned::new(
            0..0,
            Num::Whole(primary.interval_count.into()),
        )),
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
        seen,
    )?;
    spec.primary = false;
    spec.metered = Some(Metered { included, per });
    Ok(spec)
}

/// `overage.per`: a power of ten from 1 to 10^12 (default 1).
fn per_calls(cx: &SourceText, raw: Option<&Spanned<Num>>, okey: &str) -> Result<u64, ConfigError> {
    let Some(p) = raw else {
        return Ok(1);
    };
    let note = " (a power of ten: the calls the amount is for)";
    let refused = || {
        let given = p.get_ref().shown();
        let said = format!("must be a power of ten from 1 to 1000000000000{note}, not {given}");
        cx.err(p.span(), format!("{okey}.per"), said)
    };
    let n = cx
        .whole(p, format!("{okey}.per"), (1, 1_000_000_000_000), note)
        .map_err(|_| refused())?;
    let text = n.to_string();
    if text.starts_with('1') && text[1..].chars().all(|c| c == '0') {
        return Ok(n as u64);
    }
    Err(refused())
}

fn price(
    cx: &SourceText,
    key: &str,
    raw: Spanned<RawPrice>,
    primary_of: Option<&str>,
    seen: &mut Seen,
) -> Result<PriceSpec, ConfigError> {
    let price_span = raw.span();
    let raw = raw.into_inner();
    if let Some(n) = &raw.nickname {
        plain(cx, price_span, &format!("{key}.nickname"), n)?;
    }
    let lk = raw.lookup_key.get_ref();
    plain(cx, raw.lookup_key.span(), &format!("{key}.lookup_key"), lk)?;
    if lk.is_empty() || lk.len() > 200 {
        return Err(cx.err(
            raw.lookup_key.span(),
            format!("{key}.lookup_key"),
            "must be 1 to 200 characters",
        ));
    }
    if !seen.lookup_keys.insert(lk.clone()) {
        return Err(cx.err(
            raw.lookup_key.span(),
            format!("{key}.lookup_key"),
            format!("duplicate lookup key {lk:?}: lookup keys are unique across all prices"),
        ));
    }
    let (amount, currency) = amount_and_currency(cx, key, &raw)?;
    let (interval, interval_count) = interval(cx, key, &raw)?;
    if let Some(t) = &raw.tax_behavior {
        if !["inclusive", "exclusive", "unspecified"].contains(&t.get_ref().as_str()) {
            return Err(cx.err(
                t.span(),
                format!("{key}.tax_behavior"),
                "must be inclusive, exclusive or unspecified",
            ));
        }
    }
    let env = price_env(cx, key, &raw, primary_of.unwrap_or(lk), seen)?;
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

/// A price's amount (integer minor units, within Stripe's limit) and currency (one Stripe
/// takes, lower-cased).
fn amount_and_currency(
    cx: &SourceText,
    key: &str,
    raw: &RawPrice,
) -> Result<(i64, String), ConfigError> {
    let amount = cx.whole(
        &raw.amount,
        format!("{key}.amount"),
        (0, crate::domain::money::MAX_AMOUNT),
        " (integer minor units, 9900 = $99.00)",
    )?;
    let currency = raw.currency.get_ref().to_ascii_lowercase();
    if crate::domain::money::exponent(&currency).is_none() {
        return Err(cx.err(raw.currency.span(), format!("{key}.currency"), format!("unknown currency {:?}: use a lower-case ISO 4217 code that Stripe supports, such as \"usd\"", raw.currency.get_ref())));
    }
    if let Some(why) = crate::domain::money::refusal(amount, &currency) {
        return Err(cx.err(raw.amount.span(), format!("{key}.amount"), why));
    }
    Ok((amount, currency))
}

/// A price's interval and count (at most three years between bills).
fn interval(cx: &SourceText, key: &str, raw: &RawPrice) -> Result<(Interval, u32), ConfigError> {
    let interval = Interval::parse(raw.interval.get_ref()).ok_or_else(|| {
        cx.err(
            raw.interval.span(),
            format!("{key}.interval"),
            "must be day, week, month or year",
        )
    })?;
    let interval_count = match &raw.interval_count {
        None => 1,
        Some(c) => {
            let note = format!(" for interval {}", interval.as_str());
            let range = (1, interval.max_count());
            cx.whole(c, format!("{key}.interval_count"), range, &note)? as u32
        }
    };
    Ok((interval, interval_count))
}

/// A price's variable name in env files: `env`, or `PRICE_<base>`; unique across prices.
fn price_env(
    cx: &SourceText,
    key: &str,
    raw: &RawPrice,
    base: &str,
    seen: &mut Seen,
) -> Result<String, ConfigError> {
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
        None => env_name(base),
    };
    if !seen.envs.insert(env.clone()) {
        let span = raw.env.as_ref().map_or(raw.lookup_key.span(), |e| e.span());
        return Err(cx.err(
            span,
            format!("{key}.env"),
            format!("variable name {env} is used by another price"),
        ));
    }
    Ok(env)
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
        plain(
            cx,
            span.clone(),
            &format!("{key}.{}", crate::util::text::clean(k)),
            k,
        )?;
        plain(
            cx,
            span.clone(),
            &format!("{key}.{}", crate::util::text::clean(k)),
            v,
        )?;
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

fn valid_id_chars(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
