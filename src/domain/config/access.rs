//! `[access]`: which subscription statuses grant API access, and the `past_due` grace;
//! `[keys]`: what the rate limit limits, and how many live keys a customer may hold.

use super::error::{ConfigError, SourceText};
use super::raw::{RawAccess, RawKeys};
use super::{AccessPolicy, KeySettings, RatePer, SUBSCRIPTION_STATUSES};
use toml::Spanned;

pub(super) fn access_policy(
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
            crate::domain::time::span(g.get_ref()).map_err(|e| {
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

pub(super) fn key_settings(
    cx: &SourceText,
    raw: Option<Spanned<RawKeys>>,
) -> Result<KeySettings, ConfigError> {
    let mut keys = KeySettings::default();
    let Some(raw) = raw.map(Spanned::into_inner) else {
        return Ok(keys);
    };
    if let Some(r) = raw.rate_limit {
        keys.rate_per = match r.get_ref().as_str() {
            "customer" => RatePer::Customer,
            "key" => RatePer::Key,
            other => {
                return Err(cx.err(
                    r.span(),
                    "keys.rate_limit",
                    format!("{other:?}: use \"customer\" (all of a customer's keys share the tier's rate) or \"key\" (each key has it)"),
                ))
            }
        };
    }
    if let Some(m) = raw.max_live_per_customer {
        keys.max_live_per_customer =
            cx.whole(&m, "keys.max_live_per_customer", (1, 10_000), "")? as u32;
    }
    Ok(keys)
}
