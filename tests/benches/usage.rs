//! Usage import benchmark (release build): `cargo bench --bench usage`.
//!
//! 1,000,000 NDJSON events with unique ids imported by `billctl usage import` into an empty
//! store (WAL, committed batches of 10,000, rollups maintained), side by side in one run with
//! the baseline: the `sqlite3` shell's `.import` of the same events as CSV into a table with the
//! same UNIQUE id constraint. Needs the `sqlite3` shell (Debian package sqlite3) for the baseline.

use billctl::store::{Audit, KeyRecord, Store};
use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

const EVENTS: i64 = 1_000_000;

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    {
        let mut store = Store::open(&data)?;
        store.claim_mode("test")?;
        store.record(
            &billctl::billing::Customer {
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
            mode: "test".into(),
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
    }
    let (mut ndjson, mut csv) = (
        String::new(),
        String::from("id,customer,key,timestamp,quantity\n"),
    );
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

    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_billctl"))
        .args([
            "usage",
            "import",
            nd_path.to_str().unwrap_or_default(),
            "--json",
            "-q",
        ])
        .env_clear()
        .env("BILLCTL_DATA_DIR", &data)
        .output()?;
    let billctl = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        out.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    anyhow::ensure!(
        summary["inserted"] == EVENTS,
        "inserted {}",
        summary["inserted"]
    );
    let rate = EVENTS as f64 / billctl;
    println!(
        "billctl usage import: {:.2} s, {:.0} events/s (inserted {})",
        billctl, rate, summary["inserted"]
    );

    let base_db = dir.path().join("baseline.db");
    let script = format!(
        "PRAGMA journal_mode=WAL;\nCREATE TABLE ev (id TEXT NOT NULL UNIQUE, customer TEXT, key TEXT, timestamp INTEGER, quantity INTEGER);\n.mode csv\n.import --skip 1 {} ev\nSELECT count(*) FROM ev;\n",
        csv_path.display()
    );
    let t = Instant::now();
    match Command::new("sqlite3")
        .arg(&base_db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    {
        Ok(mut child) => {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("piped")
                .write_all(script.as_bytes())?;
            let out = child.wait_with_output()?;
            let base = t.elapsed().as_secs_f64();
            let count = String::from_utf8_lossy(&out.stdout)
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .to_string();
            println!(
                "sqlite3 .import baseline: {:.2} s, {:.0} events/s (rows {count})",
                base,
                EVENTS as f64 / base
            );
            println!(
                "ratio billctl / baseline (events/s): {:.2}",
                rate / (EVENTS as f64 / base)
            );
        }
        Err(e) => {
            println!("sqlite3 shell not available ({e}): apt-get install sqlite3 for the baseline")
        }
    }
    Ok(())
}
