//! `billctl doctor`: the whole setup checked in one run, for cron, CI and humans. Every check
//! has a name, an outcome (`ok`, `warn`, `fail`, `skipped` with why), a one-line detail and a
//! hint of the command that fixes it. The checks that reach Stripe run concurrently (doctor
//! at Stripe's latency costs about one round trip plus the store); the store's run after.
//! Prints nothing.

use crate::config::Config;
use crate::plural::{count, word};
use crate::store::webhooks::{DeliveryHealth, EventStore};
use crate::store::Store;
use crate::stripe::Stripe;
use serde::Serialize;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Warn,
    Fail,
    Skipped,
}

/// One check's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub outcome: Outcome,
    pub detail: String,
    /// The command (or step) that fixes it; `None` when there is nothing to do.
    pub hint: Option<String>,
}

impl Check {
    fn new(name: &'static str, outcome: Outcome, detail: impl Into<String>) -> Check {
        Check {
            name,
            outcome,
            detail: detail.into(),
            hint: None,
        }
    }

    fn ok(name: &'static str, detail: impl Into<String>) -> Check {
        Check::new(name, Outcome::Ok, detail)
    }

    fn warn(name: &'static str, detail: impl Into<String>, hint: &str) -> Check {
        Check::new(name, Outcome::Warn, detail).hint(hint)
    }

    fn fail(name: &'static str, detail: impl Into<String>, hint: &str) -> Check {
        Check::new(name, Outcome::Fail, detail).hint(hint)
    }

    fn skipped(name: &'static str, why: impl Into<String>) -> Check {
        Check::new(name, Outcome::Skipped, why)
    }

    fn hint(mut self, hint: &str) -> Check {
        self.hint = Some(hint.to_string());
        self
    }
}

/// Every check, in a fixed order, and the config they ran on.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The config doctor ran on: the operator's file, or the built-in catalog.
    pub config: crate::config::ConfigSource,
    pub checks: Vec<Check>,
    pub ok: usize,
    pub warnings: usize,
    pub failures: usize,
    pub skipped: usize,
}

impl Report {
    fn of(config: crate::config::ConfigSource, checks: Vec<Check>) -> Report {
        let n = |o: Outcome| checks.iter().filter(|c| c.outcome == o).count();
        Report {
            config,
            ok: n(Outcome::Ok),
            warnings: n(Outcome::Warn),
            failures: n(Outcome::Fail),
            skipped: n(Outcome::Skipped),
            checks,
        }
    }

    /// Whether any check warned or failed (exit 1).
    pub fn has_problems(&self) -> bool {
        self.warnings + self.failures > 0
    }
}

/// What doctor looks at, gathered by the command.
pub struct Inputs<'a> {
    pub config: &'a Config,
    /// The store, or why it could not be opened.
    pub store: Result<Store, String>,
    pub events: Result<EventStore, String>,
    /// A Stripe client, or why there is none (no key...).
    pub stripe: Result<Stripe, String>,
    /// The Stripe key's mode (`test`/`live`), if there is a key.
    pub key_mode: Option<crate::secrets::Mode>,
    /// How to change the key, for where it comes from (`secrets::how_to_change_key`).
    pub key_hint: String,
    /// Endpoint ids whose signing secret this profile holds (keyring or secret file).
    pub secrets: Vec<String>,
    pub data_dir: std::path::PathBuf,
    /// How long the store's integrity check may run.
    pub integrity_limit: std::time::Duration,
    pub now: i64,
}

/// Seconds of clock skew past which doctor warns, and fails (Stripe's signature tolerance is
/// 300 s; usage times are checked against the clock too).
const SKEW_WARN: i64 = 5;
const SKEW_FAIL: i64 = 60;
/// A pending event older than this was never applied.
const PENDING_FOR_MS: i64 = 10 * 60 * 1000;
/// Keys expiring within this are reported.
const EXPIRY_SOON: i64 = 7 * 86_400;

/// Runs every check.
pub fn run(rt: &tokio::runtime::Runtime, mut inputs: Inputs) -> Report {
    let mut checks = rt.block_on(stripe_checks(&inputs));
    checks.extend(store_checks(&mut inputs));
    Report::of(inputs.config.source.clone(), checks)
}

/// The checks that reach Stripe, concurrently: the key (and then the clock), the catalog, the
/// webhook endpoint.
async fn stripe_checks(inputs: &Inputs<'_>) -> Vec<Check> {
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
async fn key_check(
    stripe: &Stripe,
    (mode, change): (Option<crate::secrets::Mode>, &str),
    store_mode: Option<crate::secrets::Mode>,
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
            format!(
                "a {}-mode key, accepted by Stripe",
                mode.map_or("unknown", |m| m.as_str())
            ),
        ),
        Err(crate::stripe::Error::Api { status: 401, .. }) => {
            Check::fail(name, "Stripe refused the key (401)", change)
        }
        Err(crate::stripe::Error::Api { status: 403, .. }) => Check::warn(
            name,
            "the key may not read customers (403): a restricted key without the permissions billctl needs",
            "give the restricted key read access to customers, subscriptions, prices and webhook endpoints",
        ),
        Err(e) => Check::fail(name, format!("Stripe could not be asked: {e}"), "check the network and the [stripe] api_base"),
    }
}

fn clock_check(skew: Option<i64>) -> Check {
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
async fn catalog_check(stripe: &Stripe, config: &Config) -> Check {
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
const CONFIG_HINT: &str = "set BILLCTL_CONFIG (or --config) to your config file, e.g. BILLCTL_CONFIG=/etc/billctl/billctl.toml in /etc/billctl/billctl.env";

/// The worse of two outcomes.
fn worse(a: Outcome, b: Outcome) -> Outcome {
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
/// [`crate::catalog::plan`]): an extra price on one of its products is as foreign as a price
/// on another product. The old price of a replacement billctl left half done (named by a
/// known price's `billctl_replaces`) is billctl's own; the catalog check reports it.
/// Asks Stripe nothing when billctl runs on a config file.
async fn unknown_prices(stripe: &Stripe, config: &Config) -> Result<Vec<String>, String> {
    if config.source != crate::config::ConfigSource::BuiltIn {
        return Ok(Vec::new());
    }
    let all = stripe
        .active_prices(None)
        .await
        .map_err(|e| e.to_string())?;
    Ok(foreign_prices(config, all))
}

/// The prices of `all` that are not the catalog's (see [`unknown_prices`]).
fn foreign_prices(config: &Config, all: Vec<crate::catalog::RemotePrice>) -> Vec<String> {
    let keys: Vec<&str> = config
        .prices()
        .map(|(_, p)| p.lookup_key.as_str())
        .collect();
    let known = |p: &crate::catalog::RemotePrice| {
        p.lookup_key.as_deref().is_some_and(|k| keys.contains(&k))
    };
    let replaced: Vec<String> = all
        .iter()
        .filter(|p| known(p))
        .filter_map(|p| p.metadata.get(crate::catalog::META_REPLACES).cloned())
        .collect();
    all.into_iter()
        .filter(|p| !known(p) && !replaced.contains(&p.id))
        .map(|p| p.lookup_key.unwrap_or(p.id))
        .collect()
}

/// The catalog check, warning (at least) that billctl runs on the built-in catalog while
/// Stripe holds `unknown` prices: quotas and prices are not the operator's.
fn on_the_wrong_catalog(check: Check, unknown: &[String]) -> Check {
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

async fn configured_prices_check(stripe: &Stripe, config: &Config) -> Check {
    let name = "catalog";
    let observed = match super::prices::observe(stripe, config).await {
        Ok(o) => o,
        Err(e) => return Check::fail(name, format!("{e:#}"), "check the Stripe key"),
    };
    match super::prices::check(config, &observed, None) {
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

async fn endpoint_check(stripe: &Stripe, config: &Config, secrets: &[String]) -> Check {
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
fn endpoint_verdict(e: &serde_json::Value, secrets: &[String]) -> Check {
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
    let missing: Vec<&str> = crate::webhooks::apply::HANDLED
        .iter()
        .copied()
        .filter(|h| !events.contains(h) && !events.contains(&"*"))
        .collect();
    if !missing.is_empty() {
        return Check::warn(name, format!("{id} is not subscribed to {}", missing.join(", ")), "billctl webhooks endpoint delete, then create (it subscribes to every type billctl applies)");
    }
    let version = str_of("api_version");
    if version != crate::stripe::API_VERSION {
        let shown = if version.is_empty() {
            "the account's default".to_string()
        } else {
            version
        };
        return Check::warn(
            name,
            format!(
                "{id} sends events at API version {shown}; billctl reads {}",
                crate::stripe::API_VERSION
            ),
            "create the endpoint again with billctl webhooks endpoint create (it pins the version)",
        );
    }
    Check::ok(
        name,
        format!(
            "{id}: enabled, every event type, version {}",
            crate::stripe::API_VERSION
        ),
    )
}

/// The checks of the store and of what it holds.
fn store_checks(inputs: &mut Inputs) -> Vec<Check> {
    let mut out = Vec::new();
    let store = match &mut inputs.store {
        Ok(s) => s,
        Err(why) => {
            out.push(Check::fail(
                "store",
                format!("the store cannot be opened: {why}"),
                "billctl db status",
            ));
            for n in [
                "store.disk",
                "store.files",
                "deliveries",
                "mirror",
                "meters",
                "keys.expiring",
                "keys.no_access",
            ] {
                out.push(Check::skipped(n, "the store cannot be opened"));
            }
            return out;
        }
    };
    out.push(store_check(store, inputs.integrity_limit));
    out.push(disk_check(&inputs.data_dir));
    out.push(files_check(store.is_pg(), &inputs.data_dir));
    out.push(match &inputs.events {
        Ok(ev) => deliveries_check(
            ev.delivery_health(
                inputs
                    .now
                    .saturating_mul(1000)
                    .saturating_sub(PENDING_FOR_MS),
                inputs.now.saturating_sub(86_400).saturating_mul(1000),
            ),
            inputs.config,
            inputs.now,
        ),
        Err(why) => Check::fail(
            "deliveries",
            format!("the webhook store cannot be opened: {why}"),
            "billctl db status",
        ),
    });
    out.push(mirror_check(store, inputs.now));
    out.push(meters_check(store, inputs.config, inputs.now));
    out.extend(key_checks(store, inputs.config, inputs.now));
    out
}

fn store_check(store: &Store, limit: std::time::Duration) -> Check {
    let name = "store";
    let version = match store.check_schema() {
        Ok(v) => v,
        Err(e) => return Check::fail(name, format!("{e:#}"), "billctl db migrate"),
    };
    match store.integrity(limit) {
        Ok(crate::store::Integrity::Ok(what)) => {
            Check::ok(name, format!("{what}, schema {version}"))
        }
        Ok(crate::store::Integrity::Unfinished) if limit.is_zero() => Check::warn(
            name,
            format!("schema {version}; the integrity check was left out (--integrity-timeout 0)"),
            "billctl doctor --integrity-timeout 60s when the store is quiet",
        ),
        Ok(crate::store::Integrity::Unfinished) => Check::warn(
            name,
            format!(
                "schema {version}; the integrity check did not finish within {} ms",
                limit.as_millis()
            ),
            "billctl doctor --integrity-timeout 60s when the store is quiet",
        ),
        Ok(crate::store::Integrity::Weak(why)) => Check::warn(
            name,
            format!("{why}, schema {version}"),
            "set sslmode=require in the store URL (and have the server offer TLS)",
        ),
        Ok(crate::store::Integrity::Damaged(why)) => Check::fail(
            name,
            format!("the integrity check found damage: {why}"),
            "billctl db restore DIR from the last backup",
        ),
        Err(e) => Check::fail(name, format!("{e:#}"), "billctl db status"),
    }
}

fn disk_check(dir: &std::path::Path) -> Check {
    let name = "store.disk";
    let stat = match nix::sys::statvfs::statvfs(dir) {
        Ok(s) => s,
        Err(e) => return Check::skipped(name, format!("{}: {e}", dir.display())),
    };
    #[allow(clippy::unnecessary_cast)] // the field types differ between platforms
    let (free, total) = (
        (stat.blocks_available() as u64).saturating_mul(stat.fragment_size() as u64),
        (stat.blocks() as u64).saturating_mul(stat.fragment_size() as u64),
    );
    disk_verdict(free, total, dir)
}

/// What restores and backups leave in the data dir: pre-restore copies beyond the number a
/// restore keeps, staging directories whose owner is gone (the next command that has the store
/// to itself removes them), an intent of a restore not yet finished.
fn files_check(pg: bool, dir: &std::path::Path) -> Check {
    use crate::store::{restore, swap};
    let name = "store.files";
    if pg {
        return Check::ok(
            name,
            "the store is on Postgres: no store files in the data dir (back it up with pg_dump)",
        );
    }
    let copies = restore::pre_restore_copies(dir);
    let size: u64 = copies
        .iter()
        .flat_map(|(p, _)| std::fs::read_dir(p).into_iter().flatten().flatten())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .fold(0, u64::saturating_add);
    let stale = swap::stale(dir);
    let kept = restore::KEEP_PRE_RESTORE;
    let detail = format!(
        "{} ({}), {}",
        count(copies.len(), "pre-restore copy", "pre-restore copies"),
        bytes(size),
        count(
            stale.len(),
            "leftover staging entry",
            "leftover staging entries"
        )
    );
    if swap::read_intent(dir).ok().flatten().is_some() {
        return Check::fail(name, format!("{detail}; a restore is not finished"), "run any billctl command with the store to itself (stop serve and webhooks listen) to finish it");
    }
    if copies.len() > kept {
        return Check::warn(
            name,
            format!("{detail}; a restore keeps the newest {kept}"),
            "remove the older pre-restore-* directories once you no longer need them",
        );
    }
    if !stale.is_empty() {
        // An opener looks for leftovers only when the data dir has a subdirectory
        // (`swap::may_hold_leftovers`): a lone file an earlier billctl left is never found.
        let hint = match stale.iter().all(|p| p.is_dir()) {
            true => "stop serve and webhooks listen for a moment (the next command removes them), or remove them",
            false => "remove them (an earlier billctl left a restore's intent there; commands look for leftovers only when the data dir has a subdirectory)",
        };
        return Check::warn(
            name,
            format!(
                "{detail}: {}",
                stale
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            hint,
        );
    }
    Check::ok(name, detail)
}

/// Fails under 100 MiB or 1% free, warns under 1 GiB or 5%.
fn disk_verdict(free: u64, total: u64, dir: &std::path::Path) -> Check {
    let name = "store.disk";
    let pct = if total == 0 {
        100.0
    } else {
        free as f64 * 100.0 / total as f64
    };
    let detail = format!(
        "{} free of {} ({pct:.1}%) in {}",
        bytes(free),
        bytes(total),
        dir.display()
    );
    let hint = "free space: billctl usage compact, or a larger disk";
    if free < 100 << 20 || pct < 1.0 {
        Check::fail(name, detail, hint)
    } else if free < 1 << 30 || pct < 5.0 {
        Check::warn(name, detail, hint)
    } else {
        Check::ok(name, detail)
    }
}

fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / f64::from(1u32 << 30)),
        n => format!("{:.0} MiB", n as f64 / f64::from(1u32 << 20)),
    }
}

fn deliveries_check(health: anyhow::Result<DeliveryHealth>, config: &Config, now: i64) -> Check {
    let name = "deliveries";
    let h = match health {
        Ok(h) => h,
        Err(e) => return Check::fail(name, format!("{e:#}"), "billctl db status"),
    };
    if h.failed > 0 {
        return Check::fail(
            name,
            format!(
                "{} failed to apply",
                count(h.failed, "stored event", "stored events")
            ),
            "billctl webhooks list --status failed, then billctl webhooks reprocess --failed",
        );
    }
    if h.pending > 0 {
        return Check::warn(
            name,
            format!(
                "{} never applied",
                count(h.pending, "stored event was", "stored events were")
            ),
            "billctl webhooks reprocess (or restart webhooks listen)",
        );
    }
    if h.conflicts > 0 {
        return Check::warn(name, format!("{} in the last day under the id of a stored event with another body (conflicts, kept apart)", count(h.conflicts, "body came", "bodies came")), "billctl webhooks list --status conflict; billctl webhooks backfill applies Stripe's copy where the stored one differs");
    }
    let expect = config.expect_delivery_within_secs;
    let Some(last) = h.last_delivery_ms else {
        return Check::warn(name, "no delivery received yet", "register the endpoint (billctl webhooks endpoint create) and run billctl webhooks listen");
    };
    let age = now.saturating_sub(last / 1000);
    let age_text = crate::time::human_span(age);
    if age > expect {
        return Check::fail(
            name,
            format!(
                "the last delivery came {age_text} ago (expected within {})",
                crate::time::human_span(expect)
            ),
            "is webhooks listen running and the endpoint enabled? then billctl webhooks backfill",
        );
    }
    if h.rejected > 0 {
        return Check::warn(name, format!("the last delivery came {age_text} ago; {} refused in the last day (a rotated signing secret?)", count(h.rejected, "request was", "requests were")), "billctl webhooks list --status rejected");
    }
    Check::ok(
        name,
        format!(
            "the last delivery came {age_text} ago; none failed, pending, refused or in conflict"
        ),
    )
}

fn mirror_check(store: &Store, now: i64) -> Check {
    let name = "mirror";
    let behind = match store.mirror_lag(now.saturating_sub(86_400)) {
        Ok(x) => x,
        Err(e) => return Check::fail(name, format!("{e:#}"), "billctl db status"),
    };
    let synced = store
        .setting(super::subscriptions::SYNCED_AT)
        .ok()
        .flatten()
        .and_then(|v| v.parse::<i64>().ok());
    let sync_text = match synced {
        Some(t) => format!(
            "last full sync {} ago",
            crate::time::human_span(now.saturating_sub(t))
        ),
        None => "never fully synced".to_string(),
    };
    if behind > 0 {
        return Check::fail(
            name,
            format!(
                "{} ended more than a day ago in the mirror (renewals missed); {sync_text}",
                count(
                    behind,
                    "live subscription's period",
                    "live subscriptions' periods"
                )
            ),
            "billctl subscriptions sync",
        );
    }
    match synced {
        Some(t) if now.saturating_sub(t) <= 7 * 86_400 => {
            Check::ok(name, format!("no period left behind; {sync_text}"))
        }
        _ => Check::warn(
            name,
            format!("no period left behind; {sync_text}"),
            "billctl subscriptions sync (weekly, as a timer)",
        ),
    }
}

fn meters_check(store: &Store, config: &Config, now: i64) -> Check {
    let name = "meters";
    let Some(meter) = &config.meter else {
        return Check::skipped(
            name,
            "no [meter] in the config: usage is not sent to Stripe",
        );
    };
    let since = super::usage::sync::oldest_hour(now);
    let backlog = match store.unsent_windows(&meter.event_name, since) {
        Ok(b) => b,
        Err(e) => return Check::fail(name, format!("{e:#}"), "billctl db status"),
    };
    let current = now - now.rem_euclid(3600);
    let old = backlog.iter().filter(|w| w.window < current - 3600).count();
    if old > 0 {
        return Check::fail(
            name,
            format!(
                "{} of usage older than an hour {} not sent to meter {}",
                count(old, "hourly window", "hourly windows"),
                word(old, "is", "are"),
                meter.event_name
            ),
            "billctl usage sync (as a timer)",
        );
    }
    let reconciled: Option<serde_json::Value> = store
        .setting(super::usage::sync::RECONCILED)
        .ok()
        .flatten()
        .and_then(|v| serde_json::from_str(&v).ok());
    reconcile_check(name, backlog.len(), reconciled, now)
}

/// The meter's check once nothing old is left unsent: the last reconcile's verdict, and the
/// `waiting` windows of this hour.
fn reconcile_check(
    name: &'static str,
    waiting: usize,
    reconciled: Option<serde_json::Value>,
    now: i64,
) -> Check {
    match reconciled {
        None => Check::warn(
            name,
            format!(
                "{} waiting; never reconciled with Stripe",
                count(waiting, "window", "windows")
            ),
            "billctl usage reconcile",
        ),
        Some(r) if r["differences"].as_i64().unwrap_or(0) > 0 => Check::fail(
            name,
            format!(
                "the last reconcile found {} from Stripe",
                count(
                    r["differences"].as_i64().unwrap_or(0),
                    "day that differs",
                    "days that differ"
                )
            ),
            "billctl usage reconcile (details), then billctl usage sync",
        ),
        Some(r) => Check::ok(
            name,
            format!(
                "{} waiting (this hour's); the last reconcile agreed ({}, {} ago)",
                count(waiting, "window", "windows"),
                count(r["days_compared"].as_i64().unwrap_or(0), "day", "days"),
                crate::time::human_span(now.saturating_sub(r["at"].as_i64().unwrap_or(now)))
            ),
        ),
    }
}

fn key_checks(store: &Store, config: &Config, now: i64) -> Vec<Check> {
    let keys = match store.keys(None) {
        Ok(k) => k,
        Err(e) => {
            return vec![Check::fail(
                "keys.expiring",
                format!("{e:#}"),
                "billctl db status",
            )]
        }
    };
    let active: Vec<_> = keys
        .iter()
        .filter(|k| k.status(now) == crate::store::KeyState::Active)
        .collect();
    let expiring = expiring_check(&active, now);
    let mut customers: Vec<&str> = active.iter().map(|k| k.customer_id.as_str()).collect();
    customers.sort_unstable();
    customers.dedup();
    let mut without = 0;
    for c in &customers {
        match super::payments::standing(store, &config.access, c, now) {
            Ok(s) if s.access.lets_in() => {}
            Ok(_) => without += 1,
            Err(e) => {
                return vec![
                    expiring,
                    Check::fail("keys.no_access", format!("{e:#}"), "billctl db status"),
                ]
            }
        }
    }
    vec![expiring, no_access_check(without, customers.len())]
}

/// `keys.expiring`: active keys that expire within [`EXPIRY_SOON`].
fn expiring_check(active: &[&crate::store::KeyRecord], now: i64) -> Check {
    let soon = active
        .iter()
        .filter(|k| {
            k.expires_at
                .is_some_and(|t| t <= now.saturating_add(EXPIRY_SOON))
        })
        .count();
    if soon > 0 {
        return Check::warn(
            "keys.expiring",
            format!(
                "{} within 7 days",
                count(soon, "active key expires", "active keys expire")
            ),
            "billctl keys list --status active (then keys rotate)",
        );
    }
    Check::ok(
        "keys.expiring",
        format!(
            "{}; none expires within 7 days",
            count(active.len(), "active key", "active keys")
        ),
    )
}

/// `keys.no_access`: `without` of the `holders` of active keys have no access.
fn no_access_check(without: usize, holders: usize) -> Check {
    if without > 0 {
        return Check::warn(
            "keys.no_access",
            format!(
                "{} without access (unpaid, canceled or no subscription)",
                count(
                    without,
                    "customer holds active keys",
                    "customers hold active keys"
                )
            ),
            "billctl keys list, and revoke the keys of customers who left",
        );
    }
    let said = match holders {
        0 => "no customer holds an active key".to_string(),
        1 => "the one customer with keys has access".to_string(),
        n => format!(
            "every one of {} with keys has access",
            count(n, "customer", "customers")
        ),
    };
    Check::ok("keys.no_access", said)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_and_clock_verdicts_have_their_three_outcomes() {
        let d = std::path::Path::new("/data");
        let gib = 1u64 << 30;
        assert_eq!(disk_verdict(50 * gib, 100 * gib, d).outcome, Outcome::Ok);
        assert_eq!(
            disk_verdict(gib / 2, 10 * gib, d).outcome,
            Outcome::Warn,
            "under 1 GiB"
        );
        assert_eq!(
            disk_verdict(3 * gib, 100 * gib, d).outcome,
            Outcome::Warn,
            "3%"
        );
        assert_eq!(disk_verdict(50 << 20, 100 * gib, d).outcome, Outcome::Fail);
        assert_eq!(
            disk_verdict(5 * gib, 1000 * gib, d).outcome,
            Outcome::Fail,
            "0.5%"
        );
        assert_eq!(clock_check(Some(-3)).outcome, Outcome::Ok);
        assert_eq!(clock_check(Some(30)).outcome, Outcome::Warn);
        assert_eq!(clock_check(Some(-600)).outcome, Outcome::Fail);
        assert_eq!(clock_check(None).outcome, Outcome::Skipped);
    }

    #[test]
    fn spans_read_as_people_say_them() {
        assert_eq!(crate::time::human_span(45), "45 s");
        assert_eq!(crate::time::human_span(7_500), "2 h 5 min");
        assert_eq!(crate::time::human_span(3 * 86_400 + 4 * 3600), "3 d 4 h");
    }
}
