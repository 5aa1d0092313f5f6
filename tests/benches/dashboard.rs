//! `billctl dashboard` at scale (release build): `cargo bench --bench dashboard`.
//!
//! 10,000 customers with names and emails and a live subscription each (Pro, Team or
//! Enterprise; some past due, some trialing), an API key each, 1,000,000 usage events over the
//! current periods (imported by `billctl usage import`), and 5,000 webhook events over the last
//! week. Timed as processes, each beside its anchors in the same run: `billctl --version`, and
//! a bare SQLite read of every customer with their subscription.
//!
//! Targets (issue 22): the page in under 1 s, and under 5 MB.
//!
//! Then, where PostgreSQL's server binaries are installed, the same store is copied into a
//! throwaway cluster (tests/common/pg.rs) with `billctl db copy --to`, and the page is timed
//! again on it (`BILLCTL_DATABASE_URL`), beside `--version`.

#[path = "../common/pg.rs"]
#[allow(dead_code)]
mod pg;

use billctl::adapters::store::webhooks::{Envelope, EventStore, Incoming, Outcome, Receipt};
use billctl::adapters::store::{Audit, KeyRecord, Store};
use billctl::domain::billing::{Customer, MirrorRow};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const CUSTOMERS: usize = 10_000;
const EVENTS: usize = 1_000_000;
const WEBHOOKS: usize = 5_000;
const RUNS: usize = 7;
const DAY: i64 = 86_400;

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let bin = env!("CARGO_BIN_EXE_billctl");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
    let t = Instant::now();
    fill(dir.path(), now)?;
    let events = dir.path().join("events.ndjson");
    let mut ndjson = String::with_capacity(EVENTS * 80);
    for i in 0..EVENTS {
        let c = i % CUSTOMERS;
        // Spread over the last 20 days, busier customers first.
        let ts = now - 20 * DAY + ((i * 7919) % (20 * 86_000)) as i64;
        let q = 1 + (c % 7) * (CUSTOMERS - c) / 1_000;
        writeln!(
            ndjson,
            r#"{{"id":"e{i}","customer":"cus_{c:05}","timestamp":{ts},"quantity":{q}}}"#
        )?;
    }
    std::fs::write(&events, ndjson)?;
    let run = |args: &[&str]| billctl(bin, dir.path(), None, args);
    run(&["usage", "import", events.to_str().unwrap_or_default(), "-q"])?;
    println!(
        "{CUSTOMERS} customers, {EVENTS} usage events, {WEBHOOKS} webhook events, made in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    let conn = rusqlite::Connection::open(dir.path().join("billctl.db"))?;
    let bare = || -> anyhow::Result<Duration> {
        let t = Instant::now();
        let mut stmt = conn.prepare_cached(
            "SELECT c.id, c.email, c.name, s.id, s.status, s.tier, s.current_period_start, s.current_period_end
             FROM customers c JOIN subscriptions s ON s.customer_id = c.id",
        )?;
        let n = stmt.query_map([], |r| r.get::<_, String>(0))?.count();
        std::hint::black_box(n);
        Ok(t.elapsed())
    };
    let page = dir.path().join("dashboard.html");
    let out = page.to_str().unwrap_or_default();
    for round in 1..=3 {
        let (mut v, mut b, mut d) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..RUNS {
            v.push(run(&["--version"])?);
            b.push(bare()?);
            d.push(run(&["dashboard", "--out", out, "-q"])?);
        }
        let (v, b, d) = (median_ms(&mut v), median_ms(&mut b), median_ms(&mut d));
        let html = std::fs::read_to_string(&page)?;
        let charts = html.matches("class=\"usage-chart\"").count();
        let rows = html.matches("<tr>").count();
        println!(
            "round {round}: billctl dashboard {d:.0} ms (target < 1000 ms), {:.2} MB (target < 5 MB), {charts} usage charts, {rows} table rows; anchors: billctl --version {v:.1} ms ({:.0}x), bare SQLite read of customers and subscriptions {b:.1} ms ({:.0}x) (median of {RUNS} runs each, in turns)",
            html.len() as f64 / 1e6,
            d / v,
            d / b
        );
    }
    on_postgres(dir.path(), bin)?;
    Ok(())
}

/// The same store in Postgres: the page timed there, beside `--version`.
fn on_postgres(dir: &Path, bin: &str) -> anyhow::Result<()> {
    let Some(cluster) = pg::cluster() else {
        println!("postgres: skipped, no PostgreSQL server binaries");
        return Ok(());
    };
    let url = cluster.fresh_db();
    billctl(bin, dir, None, &["db", "copy", "--to", &url, "-q"])?;
    let page = dir.join("dashboard-pg.html");
    let run = |args: &[&str]| billctl(bin, dir, Some(&url), args);
    for round in 1..=3 {
        let (mut v, mut d) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            v.push(run(&["--version"])?);
            d.push(run(&["dashboard", "--out", page.to_str().unwrap_or_default(), "-q"])?);
        }
        let (v, d) = (median_ms(&mut v), median_ms(&mut d));
        println!(
            "postgres round {round}: billctl dashboard {d:.0} ms (target < 1000 ms), {:.2} MB; anchor: billctl --version {v:.1} ms ({:.0}x) (median of {RUNS} runs each, in turns)",
            std::fs::metadata(&page)?.len() as f64 / 1e6,
            d / v
        );
    }
    Ok(())
}

/// Runs billctl on the store in `dir` (in the Postgres database `url`, when given) and times
/// it; a non-zero exit is an error.
fn billctl(bin: &str, dir: &Path, url: Option<&str>, args: &[&str]) -> anyhow::Result<Duration> {
    let mut c = Command::new(bin);
    c.args(args).env_clear().env("BILLCTL_DATA_DIR", dir);
    if let Some(url) = url {
        c.env("BILLCTL_DATABASE_URL", url);
    }
    let t = Instant::now();
    let out = c.output()?;
    let d = t.elapsed();
    anyhow::ensure!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    Ok(d)
}

/// The median, in milliseconds.
fn median_ms(x: &mut [Duration]) -> f64 {
    x.sort();
    x[x.len() / 2].as_secs_f64() * 1e3
}

/// The catalog, customers, subscriptions, keys and webhook events.
fn fill(dir: &Path, now: i64) -> anyhow::Result<()> {
    let mut store = Store::open(dir)?;
    drop(store);
    let conn = rusqlite::Connection::open(dir.join("billctl.db"))?;
    conn.execute_batch(
        "INSERT INTO catalog_tiers (tier, product_id, name, quota, rate_limit_per_minute, state_hash, synced_at) VALUES
           ('pro', 'prod_pro', 'Pro', 10000, 60, 'x', 0), ('team', 'prod_team', 'Team', 100000, 600, 'x', 0), ('enterprise', 'prod_ent', 'Enterprise', NULL, 6000, 'x', 0);
         INSERT INTO catalog_prices (lookup_key, tier, price_id, env, is_primary, amount, currency, interval, interval_count, synced_at) VALUES
           ('pro_monthly', 'pro', 'price_pro', 'PRICE_PRO', 1, 9900, 'usd', 'month', 1, 0),
           ('team_monthly', 'team', 'price_team', 'PRICE_TEAM', 1, 49900, 'usd', 'month', 1, 0),
           ('enterprise_monthly', 'enterprise', 'price_enterprise', 'PRICE_ENTERPRISE', 1, 500000, 'usd', 'month', 1, 0);",
    )?;
    drop(conn);
    store = Store::open(dir)?;
    let tiers = ["pro", "pro", "pro", "team", "team", "enterprise"];
    let mut customers = Vec::new();
    let mut subs = Vec::new();
    let mut keys = Vec::new();
    for i in 0..CUSTOMERS {
        let id = format!("cus_{i:05}");
        customers.push(Customer {
            id: id.clone(),
            email: Some(format!("billing+{i}@customer-{i}.example.com")),
            name: Some(format!("Customer {i} Ltd")),
            created: now - 400 * DAY,
        });
        let tier = tiers[i % tiers.len()];
        let start = now - 20 * DAY - (i as i64 % 5) * DAY;
        let status = match i % 50 {
            0 => "past_due",
            1 => "trialing",
            _ => "active",
        };
        subs.push(MirrorRow {
            id: format!("sub_{i:05}"),
            customer_id: id.clone(),
            status: status.into(),
            tier: tier.into(),
            price_id: format!("price_{tier}"),
            item_id: format!("si_{i:05}"),
            current_period_start: start,
            current_period_end: start + 30 * DAY,
            cancel_at_period_end: false,
            cancel_at: None,
            canceled_at: None,
            ended_at: None,
            created: now - 200 * DAY,
            quantity: 1,
        });
        keys.push(KeyRecord {
            id: format!("k{i:07}"),
            hash: billctl::domain::keys::hash(&format!("bk_test_k{i:07}_secret")).to_vec(),
            mode: billctl::domain::mode::Mode::Test,
            customer_id: id,
            name: Some("production".into()),
            created_at: now - 100 * DAY,
            created_by: "bench".into(),
            expires_at: None,
            ttl_secs: None,
            revoked_at: None,
            revoked_reason: None,
            last_used_at: Some(now - (i as i64 % 1_000) * 60),
            replaces: None,
            replaced_by: None,
        });
    }
    store.replace_mirror(&customers, &subs, now - 200 * DAY)?;
    let audit = Audit {
        actor: "bench",
        action: "key.issue",
        key_id: None,
        customer_id: None,
        reason: None,
        detail: None,
    };
    store.issue_keys(&keys, &audit, now)?;
    drop(store);
    let mut events = EventStore::open(dir)?;
    let mut incoming = Vec::new();
    let mut outcomes = Vec::new();
    for i in 0..WEBHOOKS {
        let id = format!("evt_{i:06}");
        let body = format!(
            r#"{{"id":"{id}","object":"event","type":"invoice.paid","created":{},"livemode":false,"data":{{"object":{{"id":"in_{i}","object":"invoice"}}}}}}"#,
            now - (i as i64 % 7) * DAY
        )
        .into_bytes();
        incoming.push(Incoming {
            envelope: Envelope::parse(&body).map_err(anyhow::Error::msg)?,
            body,
            source: "listen",
        });
        outcomes.push((
            id,
            if i % 97 == 0 {
                Outcome::Failed(format!("subscription sub_{i} is not in the mirror"))
            } else {
                Outcome::Applied("ok".into())
            },
        ));
    }
    let mut receipts: Vec<Receipt> = Vec::new();
    events.store(&incoming, &mut receipts)?;
    events.set_outcomes(&outcomes)?;
    drop(events);
    let conn = rusqlite::Connection::open(dir.join("webhooks.db"))?;
    conn.execute(
        "UPDATE events SET received_at = (?1 - (CAST(substr(id, 5) AS INTEGER) % 7) * 86400) * 1000",
        [now],
    )?;
    Ok(())
}
