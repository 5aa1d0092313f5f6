//! `doctor`'s checks that reach Stripe, run concurrently: the key and the clock, the catalog
//! (and prices it does not know), the webhook endpoint.

use super::{Check, Inputs, Outcome, SKEW_FAIL, SKEW_WARN};
use crate::adapters::stripe::Stripe;
use crate::domain::config::Config;
use crate::util::plural::{count, word};

/// The checks that reach Stripe, concurrently: the key (and then the clock), the catalog, the
/// webhook endpoint.
pub(super) async fn stripe_checks(inputs: &Inputs<'_>) -> Vec<Check> {
    let stripe = match &inputs.stripe {
        Ok(s) => s,
        Err(why) => {
            let skip = |n| Check::skipped(n, "needs Stripe (see stripe.key)");
            return vec![
                Check::fail("stripe.key", why.clone(), &inputs.key_hint),
                skip("clock"),
                skip("catalog"),
                skip("webhooks.endpoint"),
            ];
        }
    };
    let store_mode = inputs
        .store
        .as_ref()
        .ok()
        .and_then(|s| s.key_mode().ok().flatten());
    let (key, catalog, endpoint) = tokio::join!(
        key_check(stripe, (inputs.key_mode, &inputs.key_hint), store_mode),
        catalog_check(stripe, inputs.config),
        endpoint_check(stripe, inputs.config, &inputs.secrets)
    );
    let clock = clock_check(stripe.clock_skew());
    vec![key, clock, catalog, endpoint]
}

/// The key (its mode, and how to change it) against the store's mode and Stripe.
pub(super) async fn key_check(
    stripe: &Stripe,
    (mode, change): (Option<crate::domain::mode::Mode>, &str),
    store_mode: Option<crate::domain::mode::Mode>,
) -> Check {
    let name = "stripe.key";
    if let Some(m) = store_mode.filter(|m| Some(*m) != mode) {
        let mode = mode.map_or("unknown", |m| m.as_str());
        return Check::fail(
            name,
            format!("the key is {mode}-mode and the store's API keys are {m}-mode"),
            &format!("use a Stripe key of the store's mode ({change}), or a separate --data-dir for each mode"),
        );
    }
    match stripe.ping().await {
        Ok(()) => Check::ok(
            name,
            format!("a {}-mode key, accepted by Stripe", mode.map_or("unknown", |m| m.as_str())),
        ),
        Err(crate::adapters::stripe::Error::Api { status: 401, .. }) => {
            Check::fail(name, "Stripe refused the key (401)", change)
        }
        Err(crate::adapters::stripe::Error::Api { status: 403, .. }) => Check::warn(
            name,
            "the key may not read customers (403): a restricted key without the permissions billctl needs",
            "give the restricted key read access to customers, subscriptions, prices and webhook endpoints",
        ),
        Err(e) => Check::fail(name, format!("Stripe could not be asked: {e}"), "check the network and the [stripe] api_base"),
    }
}

pub(super) fn clock_check(skew: Option<i64>) -> Check {
    let name = "clock";
    let Some(skew) = skew else {
        return Check::skipped(name, "Stripe sent no Date header");
    };
    let detail = format!("{skew:+} s against Stripe's clock");
    match skew.abs() {
        s if s <= SKEW_WARN => Check::ok(name, detail),
        s if s <= SKEW_FAIL => {
            Check::warn(name, detail, "sync the clock (timedatectl set-ntp true)")
        }
        _ => Check::fail(
            name,
            format!("{detail}: webhook signatures and usage times are checked against it"),
            "sync the clock (timedatectl set-ntp true)",
        ),
    }
}

/// The catalog against Stripe; on the built-in catalog, also the active prices of Stripe that
/// it does not know (a service that found no config file, see [`unknown_prices`]).
pub(super) async fn catalog_check(stripe: &Stripe, config: &Config) -> Check {
    let (check, unknown) = tokio::join!(
        configured_prices_check(stripe, config),
        unknown_prices(stripe, config)
    );
    match unknown {
        Ok(unknown) if unknown.is_empty() => check,
        Ok(unknown) => on_the_wrong_catalog(check, &unknown),
        Err(e) => Check {
            outcome: worse(check.outcome, Outcome::Warn),
            detail: format!("{}; billctl runs on the built-in catalog, and Stripe's prices could not be listed to compare: {e}", check.detail),
            hint: Some(CONFIG_HINT.to_string()),
            ..check
        },
    }
}

/// What to do when billctl runs on the built-in catalog by mistake.
pub(super) const CONFIG_HINT: &str = "set BILLCTL_CONFIG (or --config) to your config file, e.g. BILLCTL_CONFIG=/etc/billctl/billctl.toml in /etc/billctl/billctl.env";

/// The worse of two outcomes.
pub(super) fn worse(a: Outcome, b: Outcome) -> Outcome {
    let rank = |o| match o {
        Outcome::Skipped | Outcome::Ok => 0,
        Outcome::Warn => 1,
        Outcome::Fail => 2,
    };
    if rank(a) >= rank(b) {
        a
    } else {
        b
    }
}

/// On the built-in catalog (no config file), the active prices in Stripe that it does not
/// know, by lookup key (or id). The catalog knows a price by its lookup key alone (see
/// [`crate::domain::catalog::plan`]): an extra price on one of its products is as foreign as a price
/// on another product. The old price of a replacement billctl left half done (named by a
/// known price's `billctl_replaces`) is billctl's own; the catalog check reports it.
/// Asks Stripe nothing when billctl runs on a config file.
pub(super) async fn unknown_prices(
    stripe: &Stripe,
    config: &Config,
) -> Result<Vec<String>, String> {
    if config.source != crate::domain::config::ConfigSource::BuiltIn {
        return Ok(Vec::new());
    }
    let all = stripe
        .active_prices(None)
        .await
        .map_err(|e| e.to_string())?;
    Ok(foreign_prices(config, all))
}

/// The prices of `all` that are not the catalog's (see [`unknown_prices`]).
pub(super) fn foreign_prices(
    config: &Config,
    all: Vec<crate::domain::catalog::RemotePrice>,
) -> Vec<String> {
    let keys: Vec<&str> = config
        .prices()
        .map(|(_, p)| p.lookup_key.as_str())
        .collect();
    let known = |p: &crate::domain::catalog::RemotePrice| {
        p.lookup_key.as_deref().is_some_and(|k| keys.contains(&k))
    };
    let replaced: Vec<String> = all
        .iter()
        .filter(|p| known(p))
        .filter_map(|p| {
            p.metadata
                .get(crate::domain::catalog::META_REPLACES)
                .cloned()
        })
        .collect();
    all.into_iter()
        .filter(|p| !known(p) && !replaced.contains(&p.id))
        .map(|p| p.lookup_key.unwrap_or(p.id))
        .collect()
}

/// The catalog check, warning (at least) that billctl runs on the built-in catalog while
/// Stripe holds `unknown` prices: quotas and prices are not the operator's.
pub(super) fn on_the_wrong_catalog(check: Check, unknown: &[String]) -> Check {
    const SHOWN: usize = 5;
    let mut named = unknown[..unknown.len().min(SHOWN)].join(", ");
    if unknown.len() > SHOWN {
        named.push_str(&format!(" and {} more", unknown.len() - SHOWN));
    }
    Check {
        outcome: worse(check.outcome, Outcome::Warn),
        detail: format!(
            "billctl runs on the built-in catalog (no config file given or found), and Stripe holds {} it does not know ({named}); {}",
            count(unknown.len(), "active price", "active prices"),
            check.detail
        ),
        hint: Some(CONFIG_HINT.to_string()),
        ..check
    }
}

pub(super) async fn configured_prices_check(stripe: &Stripe, config: &Config) -> Check {
    let name = "catalog";
    let observed = match crate::ops::prices::observe(stripe, config).await {
        Ok(o) => o,
        Err(e) => return Check::fail(name, format!("{e:#}"), "check the Stripe key"),
    };
    match crate::ops::prices::check(config, &observed, None) {
        Ok(r) if r.drift == 0 => {
            Check::ok(name, count(r.checked, "price", "prices") + " as configured")
        }
        Ok(r) => Check::fail(
            name,
            format!(
                "{} of {} drifted or {} missing",
                r.drift,
                count(r.checked, "configured price", "configured prices"),
                word(r.drift, "is", "are")
            ),
            "billctl prices check (details), then billctl setup-products",
        ),
        Err(e) => Check::fail(name, format!("{e:#}"), "billctl prices check"),
    }
}

pub(super) async fn endpoint_check(stripe: &Stripe, config: &Config, secrets: &[String]) -> Check {
    let name = "webhooks.endpoint";
    let create = "billctl webhooks endpoint create --url https://YOUR.HOST/stripe/webhooks";
    let all = match stripe.webhook_endpoints().await {
        Ok(a) => a,
        Err(e) => {
            return Check::fail(
                name,
                format!("failed to list webhook endpoints: {e}"),
                "check the Stripe key",
            )
        }
    };
    let str_of = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    let mine: Vec<&serde_json::Value> = all
        .iter()
        .filter(|e| match &config.webhook_url {
            Some(u) => e["url"].as_str() == Some(u.as_str()),
            None => secrets.contains(&str_of(e, "id")),
        })
        .collect();
    let Some(e) = mine.first() else {
        let detail = match &config.webhook_url {
            Some(u) => format!("no endpoint is registered for {u}"),
            None => "no endpoint whose signing secret this profile holds ([webhooks] url names the one to check)".to_string(),
        };
        return Check::fail(name, detail, create);
    };
    endpoint_verdict(e, secrets)
}

/// An endpoint's state: enabled, its secret held, every handled type, billctl's version.
pub(super) fn endpoint_verdict(e: &serde_json::Value, secrets: &[String]) -> Check {
    let name = "webhooks.endpoint";
    let str_of = |k: &str| e[k].as_str().unwrap_or_default().to_string();
    let (id, status) = (str_of("id"), str_of("status"));
    if status != "enabled" {
        return Check::fail(name, format!("{id} is {status}: Stripe stops delivering to an endpoint that failed for days"), "fix the receiver, then enable the endpoint in the Stripe Dashboard (or delete it and create it again)");
    }
    if !secrets.contains(&id) {
        return Check::fail(
            name,
            format!("{id}'s signing secret is not held by this profile (keyring or secret file)"),
            "billctl webhooks endpoint delete, then create (a new secret is shown once)",
        );
    }
    let events: Vec<&str> = e["enabled_events"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let missing: Vec<&str> = crate::domain::webhooks::apply::HANDLED
        .iter()
        .copied()
        .filter(|h| !events.contains(h) && !events.contains(&"*"))
        .collect();
    if !missing.is_empty() {
        return Check::warn(name, format!("{id} is not subscribed to {}", missing.join(", ")), "billctl webhooks endpoint delete, then create (it subscribes to every type billctl applies)");
    }
    let version = str_of("api_version");
    if version != crate::adapters::stripe::API_VERSION {
        let shown = if version.is_empty() {
            "the account's default".to_string()
        } else {
            version
        };
        return Check::warn(
            name,
            format!(
                "{id} sends events at API version {shown}; billctl reads {}",
                crate::adapters::stripe::API_VERSION
            ),
            "create the endpoint again with billctl webhooks endpoint create (it pins the version)",
        );
    }
    Check::ok(
        name,
        format!(
            "{id}: enabled, every event type, version {}",
            crate::adapters::stripe::API_VERSION
        ),
    )
}
