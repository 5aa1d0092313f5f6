//! `billctl revenue` at scale (release build): `cargo bench --bench revenue`.
//!
//! 10,000 subscriptions of 8,000 customers with 24 months of history (sign-ups spread over
//! the months, upgrades, downgrades, failed renewals and recoveries, cancellations and
//! reactivations; about 27,000 history rows), written straight into a fresh SQLite store. Timed
//! as processes, each beside its anchors in the same run: `billctl --version`, and a bare
//! SQLite read of the whole history in time order.
//!
//! 1. `billctl revenue --json`: MRR now and this month's movements.
//! 2. `billctl revenue --by month --from (23 months ago) --json`: 24 months rebuilt.
//!
//! Target (issue 20): each under 200 ms.

use billctl::adapters::store::Store;
use std::process::Command;
use std::time::{Duration, Instant};

const SUBSCRIPTIONS: usize = 10_000;
const RUNS: usize = 15;

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let bin = env!("CARGO_BIN_EXE_billctl");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
    let (this_month, _) = billctl::domain::time::month_of(now);
    let first = billctl::ops::revenue::months_before(this_month, 23);
    drop(Store::open(dir.path())?);
    let rows = fill(&dir.path().join("billctl.db"), first, now)?;
    println!("{SUBSCRIPTIONS} subscriptions, {rows} history rows over 24 months");
    let run = |args: &[&str]| -> anyhow::Result<Duration> {
        let t = Instant::now();
        let out = Command::new(bin)
            .args(args)
            .env_clear()
            .env("BILLCTL_DATA_DIR", dir.path())
            .output()?;
        let d = t.elapsed();
        anyhow::ensure!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        std::hint::black_box(out.stdout);
        Ok(d)
    };
    let from = billctl::domain::time::utc_date(first)[..7].to_string();
    let conn = rusqlite::Connection::open(dir.path().join("billctl.db"))?;
    let bare = || -> anyhow::Result<Duration> {
        let t = Instant::now();
        let mut stmt = conn.prepare_cached(
            "SELECT subscription_id, customer_id, at, status, tier, price_id, amount, currency, interval, interval_count FROM subscription_history WHERE at < ?1 ORDER BY at, seq",
        )?;
        let n = stmt.query_map([now + 1], |r| r.get::<_, String>(0))?.count();
        std::hint::black_box(n);
        Ok(t.elapsed())
    };
    for round in 1..=3 {
        let (mut v, mut s, mut a, mut m, mut q) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..RUNS {
            v.push(run(&["--version"])?);
            q.push(bare()?);
            a.push(run(&["revenue", "--json"])?);
            m.push(run(&["revenue", "--by", "month", "--from", &from, "--json"])?);
            s.push(run(&["revenue"])?);
        }
        let med = |x: &mut Vec<Duration>| {
            x.sort();
            x[x.len() / 2].as_secs_f64() * 1e3
        };
        let (v, q, a, m, s) = (med(&mut v), med(&mut q), med(&mut a), med(&mut m), med(&mut s));
        println!(
            "round {round}: billctl revenue --json {a:.1} ms, --by month (24 months) --json {m:.1} ms, as a table {s:.1} ms (target < 200 ms); anchors: billctl --version {v:.1} ms, bare SQLite read of the history {q:.1} ms (median of {RUNS} runs each, in turns)"
        );
    }
    Ok(())
}

/// Writes the catalog's prices and the history; returns the number of history rows.
fn fill(db: &std::path::Path, first: i64, now: i64) -> anyhow::Result<usize> {
    let mut conn = rusqlite::Connection::open(db)?;
    let tx = conn.transaction()?;
    tx.execute_batch(
        "INSERT INTO catalog_tiers (tier, product_id, name, quota, rate_limit_per_minute, state_hash, synced_at) VALUES
           ('pro', 'prod_pro', 'Pro', 10000, 60, 'x', 0), ('team', 'prod_team', 'Team', 100000, 600, 'x', 0), ('enterprise', 'prod_ent', 'Enterprise', NULL, 6000, 'x', 0);
         INSERT INTO catalog_prices (lookup_key, tier, price_id, env, is_primary, amount, currency, interval, interval_count, synced_at) VALUES
           ('pro_monthly', 'pro', 'price_pro', 'PRICE_PRO', 1, 9900, 'usd', 'month', 1, 0),
           ('team_monthly', 'team', 'price_team', 'PRICE_TEAM', 1, 49900, 'usd', 'month', 1, 0),
           ('enterprise_monthly', 'enterprise', 'price_enterprise', 'PRICE_ENTERPRISE', 1, 500000, 'usd', 'month', 1, 0);",
    )?;
    let mut ins = tx.prepare(
        "INSERT INTO subscription_history (subscription_id, customer_id, at, status, tier, price_id, amount, currency, interval, interval_count, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'usd', 'month', 1, 'sync')",
    )?;
    let tiers = [("pro", 9_900), ("team", 49_900), ("enterprise", 500_000)];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let span = (now - first).max(1) as u64;
    let mut rows = 0;
    for i in 0..SUBSCRIPTIONS {
        let (sub, cus) = (format!("sub_{i}"), format!("cus_{}", i % 8_000));
        let mut t = first + next(span) as i64;
        let mut tier = [0usize, 0, 0, 0, 1, 1, 2][next(7) as usize];
        let mut put = |t: i64, status: &str, tier: usize| -> anyhow::Result<()> {
            let (name, amount) = tiers[tier];
            ins.execute(rusqlite::params![
                sub,
                cus,
                t,
                status,
                name,
                format!("price_{name}"),
                amount
            ])?;
            rows += 1;
            Ok(())
        };
        put(t, "active", tier)?;
        for _ in 0..next(4) {
            t += 86_400 * (1 + next(60) as i64);
            if t >= now {
                break;
            }
            match next(5) {
                0 if tier < 2 => {
                    tier += 1;
                    put(t, "active", tier)?;
                }
                1 if tier > 0 => {
                    tier -= 1;
                    put(t, "active", tier)?;
                }
                2 => {
                    put(t, "past_due", tier)?;
                    put(t + 3 * 86_400, "active", tier)?;
                }
                3 => put(t, "canceled", tier)?,
                _ => put(t, "active", tier)?,
            }
        }
    }
    drop(ins);
    tx.commit()?;
    Ok(rows)
}
