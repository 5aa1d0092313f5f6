//! Usage import benchmark (release build): `cargo bench --bench usage`.
//!
//! 1,000,000 NDJSON events with unique ids imported by `billctl usage import` into an empty
//! store (WAL, committed batches of 100,000, rollups maintained), side by side in one run with
//! the anchor: the `sqlite3` shell's `.import` of the same events as CSV into a table with the
//! same UNIQUE id constraint, three rounds, alternating. Needs the `sqlite3` shell (Debian
//! package sqlite3) for the anchor, and fails without it.

use billctl::adapters::store::{Audit, KeyRecord, Store};
use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

const EVENTS: i64 = 1_000_000;
const ROUNDS: usize = 3;

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
    let (mut ndjson, mut csv) =
        (String::new(), String::from("id,customer,key,timestamp,quantity\n"));
    for i in 0..EVENTS {
        let ts = now - 30 * 86_400 + i * 2;
        writeln!(
            ndjson,
            r#"{{"id":"evt-{i:09}","key":"benchkey","timestamp":{ts},"quantity":{}}}"#,
            1 + i % 5
        )?;
        writeln!(csv, "evt-{i:09},cus_bench,benchkey,{ts},{}", 1 + i % 5)?;
    }
    let nd_path = dir.path().join("events.ndjson");
    let csv_path = dir.path().join("events.csv");
    std::fs::write(&nd_path, &ndjson)?;
    std::fs::write(&csv_path, &csv)?;
    println!("{EVENTS} events, {} MB of NDJSON", ndjson.len() / 1_000_000);

    for round in 1..=ROUNDS {
        let data = dir.path().join(format!("data-{round}"));
        fresh_store(&data, now)?;
        let rate = import(&data, &nd_path)?;
        let base = anchor(&dir.path().join(format!("anchor-{round}.db")), &csv_path)?;
        println!(
            "round {round}: billctl usage import {rate:.0} events/s; anchor, sqlite3 .import {base:.0} events/s: {:.2}x the anchor (target >= 0.5x)",
            rate / base
        );
    }
    Ok(())
}

/// `billctl usage import` of the NDJSON file into `data`; events/s.
fn import(data: &std::path::Path, nd_path: &std::path::Path) -> anyhow::Result<f64> {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_billctl"))
        .args(["usage", "import", nd_path.to_str().unwrap_or_default(), "--json", "-q"])
        .env_clear()
        .env("BILLCTL_DATA_DIR", data)
        .output()?;
    let billctl = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        out.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    anyhow::ensure!(summary["inserted"] == EVENTS, "inserted {}", summary["inserted"]);
    Ok(EVENTS as f64 / billctl)
}

/// The sqlite3 shell's `.import` of the CSV into a fresh WAL database with the same UNIQUE id;
/// events/s.
fn anchor(db: &std::path::Path, csv_path: &std::path::Path) -> anyhow::Result<f64> {
    use std::io::Write;
    let script = format!(
        "PRAGMA journal_mode=WAL;\nCREATE TABLE ev (id TEXT NOT NULL UNIQUE, customer TEXT, key TEXT, timestamp INTEGER, quantity INTEGER);\n.mode csv\n.import --skip 1 {} ev\nSELECT count(*) FROM ev;\n",
        csv_path.display()
    );
    let t = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| anyhow::anyhow!("the sqlite3 shell is the anchor and could not start ({e}): apt-get install sqlite3"))?;
    child.stdin.take().expect("piped").write_all(script.as_bytes())?;
    let out = child.wait_with_output()?;
    let base = t.elapsed().as_secs_f64();
    let count = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(
        count.lines().last().map(str::trim) == Some(&EVENTS.to_string()[..]),
        "the anchor imported {count:?} rows"
    );
    Ok(EVENTS as f64 / base)
}

/// An empty store at `data` with the benchmark's customer and key.
fn fresh_store(data: &std::path::Path, now: i64) -> anyhow::Result<()> {
    let mut store = Store::open(data)?;
    store.claim_mode(billctl::domain::mode::Mode::Test)?;
    store.record(
        &billctl::domain::billing::Customer {
            id: "cus_bench".into(),
            email: None,
            name: None,
            created: now,
        },
        &[],
        now,
    )?;
    let key = KeyRecord {
        id: "benchkey".into(),
        hash: vec![0; 32],
        mode: billctl::domain::mode::Mode::Test,
        customer_id: "cus_bench".into(),
        name: None,
        created_at: now,
        created_by: "bench".into(),
        expires_at: None,
        ttl_secs: None,
        revoked_at: None,
        revoked_reason: None,
        last_used_at: None,
        replaces: None,
        replaced_by: None,
    };
    store.issue_keys(
        &[key],
        &Audit {
            actor: "bench",
            action: "key.issue",
            key_id: None,
            customer_id: None,
            reason: None,
            detail: None,
        },
        now,
    )?;
    Ok(())
}
