//! `doctor`'s checks of the store and what it holds: integrity and schema, disk and leftover
//! files, webhook deliveries, the subscription mirror, the meter, the keys.

use super::{Check, Inputs, EXPIRY_SOON, PENDING_FOR_MS};
use crate::adapters::store::webhooks::DeliveryHealth;
use crate::adapters::store::Store;
use crate::domain::config::Config;
use crate::util::plural::{count, word};

/// The checks of the store and of what it holds.
pub(super) fn store_checks(inputs: &mut Inputs) -> Vec<Check> {
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

pub(super) fn store_check(store: &Store, limit: std::time::Duration) -> Check {
    let name = "store";
    let version = match store.check_schema() {
        Ok(v) => v,
        Err(e) => return Check::fail(name, format!("{e:#}"), "billctl db migrate"),
    };
    match store.integrity(limit) {
        Ok(crate::adapters::store::Integrity::Ok(what)) => {
            Check::ok(name, format!("{what}, schema {version}"))
        }
        Ok(crate::adapters::store::Integrity::Unfinished) if limit.is_zero() => Check::warn(
            name,
            format!("schema {version}; the integrity check was left out (--integrity-timeout 0)"),
            "billctl doctor --integrity-timeout 60s when the store is quiet",
        ),
        Ok(crate::adapters::store::Integrity::Unfinished) => Check::warn(
            name,
            format!(
                "schema {version}; the integrity check did not finish within {} ms",
                limit.as_millis()
            ),
            "billctl doctor --integrity-timeout 60s when the store is quiet",
        ),
        Ok(crate::adapters::store::Integrity::Weak(why)) => Check::warn(
            name,
            format!("{why}, schema {version}"),
            "set sslmode=require in the store URL (and have the server offer TLS)",
        ),
        Ok(crate::adapters::store::Integrity::Damaged(why)) => Check::fail(
            name,
            format!("the integrity check found damage: {why}"),
            "billctl db restore DIR from the last backup",
        ),
        Err(e) => Check::fail(name, format!("{e:#}"), "billctl db status"),
    }
}

pub(super) fn disk_check(dir: &std::path::Path) -> Check {
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
pub(super) fn files_check(pg: bool, dir: &std::path::Path) -> Check {
    use crate::adapters::store::{restore, swap};
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
pub(super) fn disk_verdict(free: u64, total: u64, dir: &std::path::Path) -> Check {
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

pub(super) fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / f64::from(1u32 << 30)),
        n => format!("{:.0} MiB", n as f64 / f64::from(1u32 << 20)),
    }
}

pub(super) fn deliveries_check(
    health: anyhow::Result<DeliveryHealth>,
    config: &Config,
    now: i64,
) -> Check {
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
    let age_text = crate::domain::time::human_span(age);
    if age > expect {
        return Check::fail(
            name,
            format!(
                "the last delivery came {age_text} ago (expected within {})",
                crate::domain::time::human_span(expect)
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

pub(super) fn mirror_check(store: &Store, now: i64) -> Check {
    let name = "mirror";
    let behind = match store.mirror_lag(now.saturating_sub(86_400)) {
        Ok(x) => x,
        Err(e) => return Check::fail(name, format!("{e:#}"), "billctl db status"),
    };
    let synced = store
        .setting(crate::ops::subscriptions::SYNCED_AT)
        .ok()
        .flatten()
        .and_then(|v| v.parse::<i64>().ok());
    let sync_text = match synced {
        Some(t) => format!(
            "last full sync {} ago",
            crate::domain::time::human_span(now.saturating_sub(t))
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

pub(super) fn meters_check(store: &Store, config: &Config, now: i64) -> Check {
    let name = "meters";
    let Some(meter) = &config.meter else {
        return Check::skipped(
            name,
            "no [meter] in the config: usage is not sent to Stripe",
        );
    };
    let since = crate::ops::usage::sync::oldest_hour(now);
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
        .setting(crate::ops::usage::sync::RECONCILED)
        .ok()
        .flatten()
        .and_then(|v| serde_json::from_str(&v).ok());
    reconcile_check(name, backlog.len(), reconciled, now)
}

/// The meter's check once nothing old is left unsent: the last reconcile's verdict, and the
/// `waiting` windows of this hour.
pub(super) fn reconcile_check(
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
                crate::domain::time::human_span(
                    now.saturating_sub(r["at"].as_i64().unwrap_or(now))
                )
            ),
        ),
    }
}

pub(super) fn key_checks(store: &Store, config: &Config, now: i64) -> Vec<Check> {
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
        .filter(|k| k.status(now) == crate::adapters::store::KeyState::Active)
        .collect();
    let expiring = expiring_check(&active, now);
    let mut customers: Vec<&str> = active.iter().map(|k| k.customer_id.as_str()).collect();
    customers.sort_unstable();
    customers.dedup();
    let mut without = 0;
    for c in &customers {
        match crate::ops::payments::standing(store, &config.access, c, now) {
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
pub(super) fn expiring_check(active: &[&crate::adapters::store::KeyRecord], now: i64) -> Check {
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
pub(super) fn no_access_check(without: usize, holders: usize) -> Check {
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
