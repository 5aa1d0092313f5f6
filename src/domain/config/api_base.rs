//! Where the Stripe key may be sent: the API base from `BILLCTL_STRIPE_API_BASE`, else
//! `stripe.api_base`, else api.stripe.com, checked against the environment's policy (plain
//! http only to loopback, a config file names only api.stripe.com, a live-mode key goes only
//! to api.stripe.com unless a test build allows the simulator).

use anyhow::{anyhow, bail, Result};

/// Stripe's API base, unless `BILLCTL_STRIPE_API_BASE` or `stripe.api_base` says otherwise.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com/";
/// Environment override of the API base (how tests and demos reach the simulator).
pub const API_BASE_ENV: &str = "BILLCTL_STRIPE_API_BASE";
/// Test builds only: lets a live-mode key reach a local simulator, for the live-mode tests.
pub const TEST_ALLOW_LIVE_BASE_ENV: &str = "BILLCTL_TEST_ALLOW_LIVE_BASE";

/// The API base the Stripe client uses, ending in `/`: `BILLCTL_STRIPE_API_BASE`, else
/// `configured` (`stripe.api_base` of the config file `source`), else [`DEFAULT_API_BASE`];
/// refused by [`check_api_base`]'s rules. `live_hint`: the key is live-mode, and how to
/// change it.
pub fn stripe_api_base(
    configured: Option<&str>,
    source: &str,
    live_hint: Option<&str>,
) -> Result<String> {
    let from_env = std::env::var(API_BASE_ENV).ok().filter(|b| !b.is_empty());
    let (mut base, from_config) = match (from_env, configured) {
        (Some(b), _) => (b, false),
        (None, Some(b)) => (b.to_string(), true),
        (None, None) => (DEFAULT_API_BASE.to_string(), false),
    };
    check_api_base(&base, from_config.then_some(source), live_hint)?;
    // async-stripe paths are appended as "v1/...": the base must end in '/'.
    if !base.ends_with('/') {
        base.push('/');
    }
    Ok(base)
}

/// Where the Stripe key may be sent. Plain http only to loopback (the simulator); a config
/// file may name only api.stripe.com (another host must come from `BILLCTL_STRIPE_API_BASE`,
/// so a changed config cannot send the key elsewhere); a live-mode key (`live`: how to change
/// it) only to api.stripe.com.
fn check_api_base(base: &str, config_file: Option<&str>, live: Option<&str>) -> Result<()> {
    let uri: hyper::Uri = base
        .parse()
        .map_err(|e| anyhow!("invalid Stripe API base {base:?}: {e}"))?;
    let host = uri.host().unwrap_or_default().trim_matches(['[', ']']);
    let loopback = matches!(host, "localhost" | "::1") || host.starts_with("127.");
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if loopback => {}
        Some("http") => bail!("refusing to send the Stripe key over plain http to {host}: http is allowed only to loopback (a local simulator); use https"),
        _ => bail!("{API_BASE_ENV} must be an http:// or https:// URL, got {base:?}"),
    }
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        bail!("the Stripe API base must not carry credentials");
    }
    let stripe = host == "api.stripe.com";
    if let (Some(file), false) = (config_file, stripe) {
        bail!("stripe.api_base in {file} points at {host}: a config file may only name api.stripe.com, so that a changed config cannot send the Stripe key elsewhere\nhint: set {API_BASE_ENV} to use another host");
    }
    let allow_test = cfg!(debug_assertions) && std::env::var_os(TEST_ALLOW_LIVE_BASE_ENV).is_some();
    if let (Some(hint), false, false) = (live, stripe, allow_test) {
        bail!("refusing to send a live-mode key to {host}: live keys go only to api.stripe.com\nhint: use a test-mode key here: {hint}");
    }
    Ok(())
}
