//! `[usage]` and `[meter]`: usage bounds and the dedup window, the meter usage syncs to.

use super::error::{ConfigError, SourceText};
use super::raw::{Num, RawMeter, RawUsage};
use super::UsageSettings;
use crate::domain::catalog::model::MeterSpec;
use toml::Spanned;

pub(super) fn meter(cx: &SourceText, raw: Spanned<RawMeter>) -> Result<MeterSpec, ConfigError> {
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
        Some(d) => {
            super::tiers::plain(cx, d.span(), "meter.display_name", d.get_ref())?;
            d.get_ref().clone()
        }
        None => name.clone(),
    };
    Ok(MeterSpec {
        event_name: name.clone(),
        display_name,
    })
}

/// The highest `usage.max_quantity` a config may set.
pub const MAX_QUANTITY_CEILING: i64 = 1_000_000_000_000;

pub(super) fn usage_settings(cx: &SourceText, raw: RawUsage) -> Result<UsageSettings, ConfigError> {
    let d = UsageSettings::default();
    let ranged = |v: &Option<Spanned<Num>>, key: &str, default: u32, min: i64, max: i64| match v {
        None => Ok(default),
        Some(s) => cx.whole(s, key, (min, max), "").map(|n| n as u32),
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
            Some(s) => cx.whole(s, "usage.max_quantity", (1, MAX_QUANTITY_CEILING), "")?,
        },
        max_future_skew_secs: match &raw.max_future_skew {
            None => d.max_future_skew_secs,
            Some(s) => crate::domain::time::parse_span(s.get_ref())
                .and_then(|v| {
                    if v <= 86_400 {
                        Ok(v)
                    } else {
                        Err(format!("{:?} is longer than a day", s.get_ref()))
                    }
                })
                .map_err(|e| cx.err(s.span(), "usage.max_future_skew", e))?,
        },
        value_property: match &raw.value_property {
            None => None,
            Some(s) => Some(value_property(s.get_ref()).ok_or_else(|| {
                cx.err(
                    s.span(),
                    "usage.value_property",
                    "a field of a CloudEvent's data: names of letters, digits and '_', joined by '.', optionally after \"$.\" (\"tokens\", \"$.usage.tokens\")",
                )
            })?),
        },
    })
}

/// `usage.value_property` split into field names (`$.a.b` or `a.b`), if well formed.
fn value_property(text: &str) -> Option<Vec<String>> {
    let path = text.strip_prefix("$.").unwrap_or(text);
    let parts: Vec<String> = path.split('.').map(str::to_string).collect();
    let ok = parts.len() <= 8
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 64
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    ok.then_some(parts)
}
