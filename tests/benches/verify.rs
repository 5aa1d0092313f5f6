//! Benchmarks of API-key verification (release build): `cargo bench --bench verify`.
//!
//! 1. In-process `Verifier` with 100,000 keys in the store: first sight of each key (a store
//!    read), then repeat keys served from the cache. Anchor, in the same run: a bare prepared
//!    `SELECT` by SHA-256 on a table with the same 100,000 rows, with the store's connection
//!    settings.
//! 2. `billctl keys verify` as a process. Anchor: `billctl --version`, timed alternately.
//!
//! Figures go to stdout; BENCHMARKS.md records them with this command.

#[path = "seed.rs"]
mod seed;

use billctl::domain::keys::{self, Code};

use billctl::adapters::store::{KeyRecord, Store};
use billctl::ops::verifier::Verifier;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KEYS: usize = 100_000;
const CUSTOMERS: usize = 1_000;
const CACHED_ROUNDS: usize = 2_000_000;
const PROCESS_RUNS: usize = 200;
const RECORDED: usize = 2_000;
const ROUNDS: usize = 3;
const ANCHOR_SELECT: &str = "SELECT id, customer_id FROM anchor_keys WHERE hash = ?1";

/// The default catalog plus a tier whose rate limit does not get in the way of a benchmark.
const CONFIG: &str = r#"
[tiers.bench]
name = "Bench"
quota = "unlimited"
rate_limit_per_minute = 4000000000
[tiers.bench.price]
lookup_key = "bench_monthly"
amount = 0
currency = "usd"
interval = "month"
"#;

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let config =
        billctl::domain::config::parse(CONFIG, "bench.toml").map_err(|e| anyhow::anyhow!(e))?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
    let mut store = Store::open(dir.path())?;
    store.claim_mode(billctl::domain::mode::Mode::Test)?;
    seed::customers(&mut store, CUSTOMERS, now)?;
    let mut plain = Vec::with_capacity(KEYS);
    let mut records = Vec::with_capacity(KEYS);
    for i in 0..KEYS {
        let (id, key) =
            keys::generate(billctl::domain::mode::Mode::Test).map_err(|e| anyhow::anyhow!(e))?;
        let customer = format!("cus_bench{}", i % CUSTOMERS);
        records.push(seed::key_record(id, &key, &customer, now));
        plain.push(key);
    }
    records.sort_by(|a, b| a.id.cmp(&b.id));
    records.dedup_by(|a, b| a.id == b.id);
    plain.retain(|k| {
        records.binary_search_by(|r| r.id.as_str().cmp(keys::parse(k).unwrap().id)).is_ok()
    });
    store.issue_keys(&records, &seed::AUDIT, now)?;
    drop(store);
    println!("store: {} keys, {} customers", plain.len(), CUSTOMERS);

    // The anchor: a bare prepared SELECT by SHA-256 on a table with the same 100,000 rows,
    // opened with the store's connection settings, in a file of its own.
    let anchor_conn = anchor_table(dir.path(), &records)?;

    // Three rounds, each with a fresh Verifier. The anchor and the subject take turns in
    // slices (10,000 lookups of the anchor, then the same 10,000 keys' first sight; 10,000
    // anchor lookups, then 200,000 cached verifies), so a noisy neighbour hits both alike.
    let hot = &plain[..1_000];
    let mut stmt = anchor_conn.prepare_cached(ANCHOR_SELECT)?;
    let mut anchor_slice = |keys: &[String]| -> anyhow::Result<Duration> {
        let t = Instant::now();
        for k in keys {
            let h = keys::hash(k);
            let row =
                stmt.query_row([&h[..]], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            std::hint::black_box(&row);
        }
        Ok(t.elapsed())
    };
    for round in 1..=ROUNDS {
        let mut v = Verifier::open(dir.path(), &config)?.with_refresh(Duration::from_secs(3600));
        let (mut anchor_t, mut first_t) = (Duration::ZERO, Duration::ZERO);
        for slice in plain.chunks(10_000) {
            anchor_t += anchor_slice(slice)?;
            let t = Instant::now();
            for k in slice {
                assert_eq!(v.verify(k).code, Code::Valid);
            }
            first_t += t.elapsed();
        }
        let anchor = plain.len() as f64 / anchor_t.as_secs_f64();
        let first = plain.len() as f64 / first_t.as_secs_f64();
        println!(
            "round {round}: anchor, bare prepared SELECT by SHA-256 ({} rows): {anchor:.0} lookups/s ({:.2} us each)",
            plain.len(),
            1e6 / anchor
        );
        println!(
            "round {round}: in-process verify, first sight of {} distinct keys: {first:.0} verifies/s ({:.2} us each): {:.2}x the anchor (target >= 0.8x; load {})",
            plain.len(),
            1e6 / first,
            first / anchor,
            seed::load()
        );

        let (mut anchor_t, mut cached_t) = (Duration::ZERO, Duration::ZERO);
        let slices = CACHED_ROUNDS / 200_000;
        for (n, slice) in plain.chunks(10_000).take(slices).enumerate() {
            anchor_t += anchor_slice(slice)?;
            let t = Instant::now();
            for i in 0..200_000 {
                let r = v.verify(&hot[(n * 200_000 + i) % hot.len()]);
                std::hint::black_box(&r);
            }
            cached_t += t.elapsed();
        }
        let anchor = (slices * 10_000) as f64 / anchor_t.as_secs_f64();
        let cached = (slices * 200_000) as f64 / cached_t.as_secs_f64();
        println!(
            "round {round}: in-process verify, repeat keys (cached): {cached:.0} verifies/s ({:.0} ns each); anchor in the same slices {anchor:.0}/s: {:.2}x the anchor (target >= 5x; load {})",
            1e9 / cached,
            cached / anchor,
            seed::load()
        );
    }
    drop(stmt);

    // 1b. Recorded verifies: each one a committed write transaction (count, check, insert),
    // against a bare `INSERT` committed in its own immediate transaction on the anchor file
    // (same settings, FULL sync), in slices taking turns.
    anchor_conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS anchor_events (id TEXT PRIMARY KEY, key_id TEXT NOT NULL, ts INTEGER NOT NULL, quantity INTEGER NOT NULL) STRICT",
    )?;
    let mut n_anchor = 0u64;
    let mut insert_slice = |n: usize| -> anyhow::Result<Duration> {
        let t = Instant::now();
        for _ in 0..n {
            n_anchor += 1;
            anchor_conn.execute_batch("BEGIN IMMEDIATE")?;
            anchor_conn
                .prepare_cached(
                    "INSERT INTO anchor_events (id, key_id, ts, quantity) VALUES (?1, ?2, ?3, 1)",
                )?
                .execute(rusqlite::params![format!("a{n_anchor}"), "key", now])?;
            anchor_conn.execute_batch("COMMIT")?;
        }
        Ok(t.elapsed())
    };
    for round in 1..=ROUNDS {
        let mut v = Verifier::open(dir.path(), &config)?.with_refresh(Duration::from_secs(3600));
        let (mut anchor_t, mut rec_t) = (Duration::ZERO, Duration::ZERO);
        const SLICE: usize = 200;
        for n in 0..RECORDED / SLICE {
            anchor_t += insert_slice(SLICE)?;
            let t = Instant::now();
            for i in 0..SLICE {
                let r = v.verify_and_record(&hot[(n * SLICE + i) % hot.len()], 1);
                assert_eq!(r.code, Code::Valid);
            }
            rec_t += t.elapsed();
        }
        let anchor = RECORDED as f64 / anchor_t.as_secs_f64();
        let rec = RECORDED as f64 / rec_t.as_secs_f64();
        println!(
            "round {round}: in-process verify_and_record (atomic: count, check and insert in one committed transaction), {RECORDED} calls: {rec:.0}/s ({:.0} us each); anchor, bare INSERT committed in its own immediate transaction: {anchor:.0}/s: {:.2}x the anchor (target >= 0.5x)",
            1e6 / rec,
            rec / anchor
        );
    }

    // 2. As a process: `keys verify` against `--version`.
    let bin = env!("CARGO_BIN_EXE_billctl");
    let cfg_path = dir.path().join("bench.toml");
    std::fs::write(&cfg_path, CONFIG)?;
    // The key comes from a file on stdin (`billctl keys verify < key.txt`), so the child never
    // waits for this process to be scheduled to write a pipe.
    let key_file = dir.path().join("key.txt");
    std::fs::write(&key_file, format!("{}\n", plain[0]))?;
    let once = |args: &[&str], stdin: Option<&std::path::Path>| -> anyhow::Result<Duration> {
        let mut c = Command::new(bin);
        c.args(args)
            .env_clear()
            .env("BILLCTL_DATA_DIR", dir.path())
            .env("BILLCTL_CONFIG", &cfg_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c.stdin(match stdin {
            Some(p) => Stdio::from(std::fs::File::open(p)?),
            None => Stdio::null(),
        });
        let t = Instant::now();
        let status = c.status()?;
        let took = t.elapsed();
        anyhow::ensure!(status.success(), "{args:?} failed");
        Ok(took)
    };
    for round in 1..=ROUNDS {
        // Alternating, run by run: the anchor and the subject see the same machine.
        let (mut version, mut verify) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..PROCESS_RUNS {
            version += once(&["--version"], None)?;
            verify += once(&["keys", "verify"], Some(&key_file))?;
        }
        let (version, verify) = (version / PROCESS_RUNS as u32, verify / PROCESS_RUNS as u32);
        println!("round {round}: process: anchor billctl --version {:.2} ms, billctl keys verify {:.2} ms: {:.2}x the anchor (target <= 1.4x; mean of {PROCESS_RUNS} runs each, alternating; load {})", version.as_secs_f64() * 1e3, verify.as_secs_f64() * 1e3, verify.as_secs_f64() / version.as_secs_f64(), seed::load());
    }
    if std::env::var_os("BILLCTL_BENCH_KEEP").is_some() {
        // For profiling the process path by hand (strace, callgrind) on the same store.
        println!("kept the store, config and key file in {}", dir.keep().display());
    }
    Ok(())
}

/// A table with the same rows as `api_keys`, keyed by the SHA-256 of the key, in its own
/// file, with the settings billctl's store opens with (no per-connection mutex, 5 s busy
/// timeout, WAL, `journal_size_limit = 0`, a 32 MiB page cache, `synchronous = FULL`,
/// foreign keys on).
fn anchor_table(
    dir: &std::path::Path,
    records: &[KeyRecord],
) -> anyhow::Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        dir.join("anchor.db"),
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "journal_size_limit", 0)?;
    conn.pragma_update(None, "cache_size", -32_768)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.execute_batch(
        "CREATE TABLE anchor_keys (hash BLOB PRIMARY KEY, id TEXT NOT NULL, mode TEXT NOT NULL, customer_id TEXT NOT NULL, name TEXT, created_at INTEGER NOT NULL, created_by TEXT NOT NULL, expires_at INTEGER, ttl_secs INTEGER, revoked_at INTEGER, revoked_reason TEXT, last_used_at INTEGER, replaces TEXT, replaced_by TEXT) STRICT, WITHOUT ROWID",
    )?;
    conn.execute_batch("BEGIN")?;
    {
        let mut ins = conn.prepare(
            "INSERT INTO anchor_keys (hash, id, mode, customer_id, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for r in records {
            ins.execute(rusqlite::params![
                r.hash,
                r.id,
                r.mode.as_str(),
                r.customer_id,
                r.created_at,
                r.created_by
            ])?;
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(conn)
}
