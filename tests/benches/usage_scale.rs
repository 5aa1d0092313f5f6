//! Usage at scale (release build): `cargo bench --bench usage_scale`.
//!
//! 10,000 customers, each on a live Pro subscription whose billing period started 15 days ago.
//! In one run, each step side by side with its baseline (the `sqlite3` shell's `.import` of the
//! same events as CSV into a table with the same UNIQUE id):
//!
//! 1. `billctl usage import` of 1,000,000 NDJSON events into the empty store;
//! 2. `billctl usage report` for one customer and for all 10,000, at 1,000,000 events;
//! 3. the store grown to 10,000,000 events (through `Store::record_usage`, the same insert and
//!    rollup code as the import), the baseline table to 10,000,000 rows;
//! 4. `billctl usage import` of 1,000,000 more events into the 10,000,000-event store;
//! 5. the same reports at 11,000,000 events, and their ratio to step 2.
//!
//! Needs the `sqlite3` shell (Debian package sqlite3) for the baselines; about 2 GB of disk.

use billctl::adapters::store::{Store, UsageEvent};
use billctl::domain::billing::{Customer, MirrorRow};
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CUSTOMERS: i64 = 10_000;
/// Events per import (`BILLCTL_BENCH_BATCH` overrides, for a quick smoke run).
fn batch() -> i64 {
    env_or("BILLCTL_BENCH_BATCH", 1_000_000)
}
/// Events in the full store (`BILLCTL_BENCH_FILL` overrides).
fn fill() -> i64 {
    env_or("BILLCTL_BENCH_FILL", 10_000_000)
}
fn env_or(name: &str, default: i64) -> i64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
const REPORT_RUNS: usize = 15;

fn customer(i: i64) -> String {
    format!("cus_bench{:05}", i % CUSTOMERS)
}

/// Event `i`: a unique id, a customer, a time in the last 30 days, a quantity 1..5. Events come
/// in time order, as an API's request log does, from all customers interleaved; the last
/// million (the import into the full store) are the newest.
fn event(i: i64, now: i64) -> (String, String, i64, i64) {
    let span = 30 * 86_400 - 60;
    let ts = now - 30 * 86_400 + i * span / (fill() + batch());
    (format!("evt-{i:010}"), customer(i), ts, 1 + i % 5)
}

fn write_batch(dir: &Path, name: &str, from: i64, now: i64) -> anyhow::Result<(String, String)> {
    let (mut nd, mut csv) = (String::new(), String::from("id,customer,timestamp,quantity\n"));
    for i in from..from + batch() {
        let (id, c, ts, q) = event(i, now);
        writeln!(nd, r#"{{"id":"{id}","customer":"{c}","timestamp":{ts},"quantity":{q}}}"#)?;
        writeln!(csv, "{id},{c},{ts},{q}")?;
    }
    let nd_path = dir.join(format!("{name}.ndjson"));
    let csv_path = dir.join(format!("{name}.csv"));
    std::fs::write(&nd_path, nd)?;
    std::fs::write(&csv_path, csv)?;
    Ok((nd_path.display().to_string(), csv_path.display().to_string()))
}

fn billctl(data: &Path, args: &[&str]) -> anyhow::Result<(Duration, String)> {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_billctl"))
        .args(args)
        .env_clear()
        .env("BILLCTL_DATA_DIR", data)
        .stdin(Stdio::null())
        .output()?;
    let took = t.elapsed();
    anyhow::ensure!(
        out.status.success(),
        "billctl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok((took, String::from_utf8(out.stdout)?))
}

fn import(data: &Path, file: &str) -> anyhow::Result<f64> {
    let mut args = vec!["usage", "import", file, "--json", "-q"];
    let batch_size = std::env::var("BILLCTL_BENCH_IMPORT_BATCH").unwrap_or_default();
    if !batch_size.is_empty() {
        args.extend(["--batch-size", &batch_size]);
    }
    let (took, out) = billctl(data, &args)?;
    let v: serde_json::Value = serde_json::from_str(&out)?;
    anyhow::ensure!(v["inserted"] == batch(), "inserted {}", v["inserted"]);
    Ok(batch() as f64 / took.as_secs_f64())
}

/// Median wall time of a report command, and its output once.
fn report(data: &Path, args: &[&str]) -> anyhow::Result<(f64, serde_json::Value)> {
    let mut times = Vec::new();
    let mut last = String::new();
    for _ in 0..REPORT_RUNS {
        let (t, out) = billctl(data, args)?;
        times.push(t.as_secs_f64() * 1e3);
        last = out;
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], serde_json::from_str(&last)?))
}

/// Runs a script in the sqlite3 shell; returns the wall time, or None without the shell.
fn sqlite3(db: &Path, script: &str) -> anyhow::Result<Option<f64>> {
    use std::io::Write;
    let t = Instant::now();
    let mut child =
        match Command::new("sqlite3").arg(db).stdin(Stdio::piped()).stdout(Stdio::null()).spawn() {
            Ok(c) => c,
            Err(_) => return Ok(None),
        };
    child.stdin.take().expect("piped").write_all(script.as_bytes())?;
    anyhow::ensure!(child.wait()?.success(), "sqlite3 failed");
    Ok(Some(t.elapsed().as_secs_f64()))
}

fn baseline_import(db: &Path, csv: &str) -> anyhow::Result<Option<f64>> {
    Ok(sqlite3(db, &format!(".mode csv\n.import --skip 1 {csv} ev\n"))?.map(|s| batch() as f64 / s))
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let base_db = dir.path().join("baseline.db");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
    {
        let mut store = Store::open(&data)?;
        let customers: Vec<Customer> = (0..CUSTOMERS)
            .map(|i| Customer {
                id: customer(i),
                email: None,
                name: None,
                created: now - 60 * 86_400,
            })
            .collect();
        let subs: Vec<MirrorRow> = (0..CUSTOMERS)
            .map(|i| MirrorRow {
                id: format!("sub_bench{i:05}"),
                customer_id: customer(i),
                status: "active".into(),
                tier: "pro".into(),
                price_id: "price_pro".into(),
                item_id: format!("si_bench{i:05}"),
                current_period_start: now - 15 * 86_400 - i,
                current_period_end: now + 15 * 86_400 - i,
                cancel_at_period_end: false,
                cancel_at: None,
                canceled_at: None,
                ended_at: None,
                created: now - 60 * 86_400,
                quantity: 1,
            })
            .collect();
        store.replace_mirror(&customers, &subs, now)?;
    }
    let have_sqlite3 = sqlite3(
        &base_db,
        "PRAGMA journal_mode=WAL;\nCREATE TABLE ev (id TEXT NOT NULL UNIQUE, customer TEXT, timestamp INTEGER, quantity INTEGER);\n",
    )?
    .is_some();
    anyhow::ensure!(
        have_sqlite3,
        "the sqlite3 shell is the imports' anchor and could not start: apt-get install sqlite3"
    );
    println!("{CUSTOMERS} customers on live Pro subscriptions");

    // 1. 1M into the empty store.
    let (nd, csv) = write_batch(dir.path(), "first", 0, now)?;
    let rate = import(&data, &nd)?;
    let base = baseline_import(&base_db, &csv)?;
    print_import("import 1,000,000 into an empty store", rate, base);

    // 2. Reports at 1M.
    let one = customer(4_242);
    let (one_1m, v) = report(&data, &["usage", "report", "--customer", &one, "--json"])?;
    let used_one_1m = v[0]["used"].clone();
    let (all_1m, v) = report(&data, &["usage", "report", "--json"])?;
    anyhow::ensure!(
        v.as_array().map_or(0, Vec::len) == CUSTOMERS as usize,
        "all-customer report rows: {}",
        v.as_array().map_or(0, Vec::len)
    );
    println!("report at 1,000,000 events: one customer {one_1m:.1} ms (used {used_one_1m}), all {CUSTOMERS} customers {all_1m:.1} ms (median of {REPORT_RUNS} runs)");
    print_report_anchor(&data, one_1m, all_1m)?;

    // 3. Grow to 10M with the same insert path, and the baseline table to 10M rows.
    let t = Instant::now();
    {
        let mut store = Store::open(&data)?;
        let mut events = Vec::with_capacity(10_000);
        for i in batch()..fill() {
            let (id, c, ts, q) = event(i, now);
            events.push(UsageEvent {
                source: String::new(),
                event_id: id,
                customer_id: c,
                key_id: None,
                quantity: q,
                ts,
                endpoint: None,
                meta: None,
                event_type: None,
            });
            if events.len() == 10_000 {
                store.record_usage(&events, now, billctl::adapters::store::Route::Import)?;
                events.clear();
            }
        }
        store.record_usage(&events, now, billctl::adapters::store::Route::Import)?;
    }
    println!("filled the store to {} events in {:.1} s", fill(), t.elapsed().as_secs_f64());
    if have_sqlite3 {
        let t = Instant::now();
        sqlite3(
            &base_db,
            &format!(
                "WITH RECURSIVE n(i) AS (SELECT {} UNION ALL SELECT i + 1 FROM n WHERE i < {}) INSERT INTO ev SELECT printf('evt-%010d', i), 'cus_bench' || printf('%05d', i % {CUSTOMERS}), {now} - 2592000 + i * 2591940 / {}, 1 + i % 5 FROM n;\n",
                batch(),
                fill() - 1,
                fill() + batch()
            ),
        )?;
        println!(
            "filled the baseline table to {} rows in {:.1} s",
            fill(),
            t.elapsed().as_secs_f64()
        );
    }

    // 4. 1M more into the 10M store.
    let (nd, csv) = write_batch(dir.path(), "more", fill(), now)?;
    let rate = import(&data, &nd)?;
    let base = baseline_import(&base_db, &csv)?;
    print_import("import 1,000,000 into a 10,000,000-event store", rate, base);

    // 5. Reports at 11M.
    let (one_10m, v) = report(&data, &["usage", "report", "--customer", &one, "--json"])?;
    let (all_10m, _) = report(&data, &["usage", "report", "--json"])?;
    println!("report at 11,000,000 events: one customer {one_10m:.1} ms (used {}), all {CUSTOMERS} customers {all_10m:.1} ms (median of {REPORT_RUNS} runs)", v[0]["used"]);
    print_report_anchor(&data, one_10m, all_10m)?;
    println!(
        "report time ratio 11M / 1M: one customer {:.2}, all customers {:.2}",
        one_10m / one_1m,
        all_10m / all_1m
    );
    let size: u64 =
        std::fs::read_dir(&data)?.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum();
    println!("store size: {} MB", size / 1_000_000);
    Ok(())
}

/// The reports' anchor, measured right after them: `billctl --version` as a process (median
/// of as many runs); prints the reports as multiples of it.
fn print_report_anchor(data: &Path, one: f64, all: f64) -> anyhow::Result<()> {
    let mut times = Vec::new();
    for _ in 0..REPORT_RUNS {
        times.push(billctl(data, &["--version"])?.0.as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let version = times[times.len() / 2];
    println!(
        "  anchor billctl --version {version:.2} ms: one customer {:.1}x (target <= 14x), all customers {:.0}x (target <= 350x)",
        one / version,
        all / version
    );
    Ok(())
}

fn print_import(what: &str, rate: f64, base: Option<f64>) {
    match base {
        Some(b) => println!(
            "{what}: billctl {rate:.0} events/s, sqlite3 .import baseline {b:.0} events/s, ratio {:.2}",
            rate / b
        ),
        None => println!("{what}: billctl {rate:.0} events/s (no sqlite3 shell for the baseline)"),
    }
}
