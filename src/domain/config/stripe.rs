//! `[stripe]`, `[checkout]`, `[portal]` and `[store]`: how billctl reaches Stripe, the URLs
//! Stripe sends customers back to, and the store's URL (kept as a string: the store parses it).

use super::error::{ConfigError, SourceText};
use super::raw::{Num, RawCheckout, RawPortal, RawStore, RawStripe};
use super::{Checkout, Portal, StripeSettings};
use toml::Spanned;

fn is_http_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && !s
            .chars()
            .any(|c| c.is_whitespace() || crate::util::text::unsafe_char(c))
}

pub(super) fn stripe_settings(
    cx: &SourceText,
    raw: RawStripe,
) -> Result<StripeSettings, ConfigError> {
    if let Some(b) = &raw.api_base {
        if !is_http_url(b.get_ref()) {
            return Err(cx.err(
                b.span(),
                "stripe.api_base",
                "must be an http:// or https:// URL, without spaces or control characters",
            ));
        }
    }
    let positive =
        |v: &Option<Spanned<Num>>, key: &str, default: i64, max: i64| -> Result<i64, ConfigError> {
            match v {
                None => Ok(default),
                Some(s) => cx.whole(s, key, (1, max), ""),
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

/// `[checkout]`: both URLs http:// or https://.
pub(super) fn checkout(
    cx: &SourceText,
    raw: Option<Spanned<RawCheckout>>,
) -> Result<Option<Checkout>, ConfigError> {
    let Some(c) = raw.map(Spanned::into_inner) else {
        return Ok(None);
    };
    for (key, url) in [
        ("checkout.success_url", &c.success_url),
        ("checkout.cancel_url", &c.cancel_url),
    ] {
        if !is_http_url(url.get_ref()) {
            return Err(cx.err(
                url.span(),
                key,
                "must be an http:// or https:// URL, without spaces or control characters",
            ));
        }
    }
    Ok(Some(Checkout {
        success_url: c.success_url.into_inner(),
        cancel_url: c.cancel_url.into_inner(),
    }))
}

/// `[portal]`: the return URL, if any, http:// or https://.
pub(super) fn portal(
    cx: &SourceText,
    raw: Option<Spanned<RawPortal>>,
) -> Result<Portal, ConfigError> {
    let Some(p) = raw.map(Spanned::into_inner) else {
        return Ok(Portal::default());
    };
    match p.return_url {
        Some(u) if !is_http_url(u.get_ref()) => Err(cx.err(
            u.span(),
            "portal.return_url",
            "must be an http:// or https:// URL, without spaces or control characters",
        )),
        u => Ok(Portal {
            return_url: u.map(Spanned::into_inner),
        }),
    }
}

/// `store.url`: a Postgres URL, kept as a string: the store parses it (libpq's rules) when it
/// connects. What can be told here is told with its line: the scheme, and never a password.
pub(super) fn store_url(
    cx: &SourceText,
    raw: Option<Spanned<RawStore>>,
) -> Result<Option<String>, ConfigError> {
    match raw.map(Spanned::into_inner).and_then(|s| s.url) {
        None => Ok(None),
        Some(u) => {
            check_store_url(u.get_ref()).map_err(|e| cx.err(u.span(), "store.url", e))?;
            Ok(Some(u.into_inner()))
        }
    }
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

/// `[webhooks] url`: an https:// URL (http:// only for localhost, as Stripe's test mode).
pub(super) fn webhook_url(
    cx: &SourceText,
    raw: Option<&super::raw::RawWebhooks>,
) -> Result<Option<String>, ConfigError> {
    let Some(u) = raw.and_then(|w| w.url.as_ref()) else {
        return Ok(None);
    };
    let text = u.get_ref();
    let ok = (text.starts_with("https://")
        || text.starts_with("http://localhost")
        || text.starts_with("http://127.0.0.1"))
        && text.len() <= 2048
        && !text.chars().any(char::is_whitespace);
    if !ok {
        return Err(cx.err(
            u.span(),
            "webhooks.url",
            "the https:// URL Stripe delivers to (http:// only for localhost)",
        ));
    }
    Ok(Some(text.clone()))
}

/// `[webhooks] expect_delivery_within`: a span of at least a minute; default a day.
pub(super) fn expect_delivery_within(
    cx: &SourceText,
    raw: Option<&super::raw::RawWebhooks>,
) -> Result<i64, ConfigError> {
    let Some(s) = raw.and_then(|w| w.expect_delivery_within.as_ref()) else {
        return Ok(super::DEFAULT_EXPECT_DELIVERY_WITHIN);
    };
    match crate::domain::time::parse_span(s.get_ref()) {
        Ok(v) if v >= 60 => Ok(v),
        Ok(_) => Err(cx.err(
            s.span(),
            "webhooks.expect_delivery_within",
            "at least a minute (\"1h\", \"1d\")",
        )),
        Err(e) => Err(cx.err(s.span(), "webhooks.expect_delivery_within", e)),
    }
}
